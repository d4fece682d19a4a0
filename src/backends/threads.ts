// torch.setNumThreads / torch.getNumThreads: the threads of the native CPU kernels (the calling
// thread included). The JS kernels run on the calling thread only.
import * as native from "./native/index.js";

/** torch.get_num_threads: threads the CPU kernels use (1 with the JS kernels). */
export function getNumThreads(): number {
  return native.isAvailable() ? native.getNumThreads() : 1;
}

/** torch.set_num_threads: the threads the native CPU kernels use from now on (the caller's included). */
export function setNumThreads(n: number): void {
  if (typeof n !== "number" || !Number.isInteger(n)) throw new Error(`set_num_threads expects an int, but got ${typeof n === "number" ? "float" : typeof n}`);
  if (n <= 0) throw new Error("set_num_threads expects a positive integer");
  if (native.isAvailable()) native.setNumThreads(n);
}

/** torch.init_num_threads: nothing to do; the native thread pool starts with its first parallel kernel. */
export function initNumThreads(): void { /* the pool initializes itself */ }
