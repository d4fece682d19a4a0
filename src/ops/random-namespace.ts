// torch.random: the default generator's seeding and state, and fork_rng.
import { runScoped } from "../core/scope.js";
import { getRngState, setRngState } from "../core/generator.js";

export { defaultGenerator, manualSeed, seed, initialSeed, getRngState, setRngState } from "../core/generator.js";

/** fork_rng's arguments; torch-ts has one generator (webgpu tensors draw from the CPU's), so devices only accepts none. */
export interface ForkRngOptions {
  /** CUDA devices in PyTorch: torch-ts has none, so only null or [] is accepted. */
  devices?: readonly number[] | null;
  /** false runs fn without forking. */
  enabled?: boolean;
  /** The accelerator whose generators PyTorch also forks ("cuda" by default); torch-ts's devices share the CPU generator. */
  deviceType?: string;
}

/**
 * torch.random.fork_rng as a function form (the context manager's body is fn): runs fn and then puts
 * the default generator's state back, so random draws inside fn do not change the stream outside.
 * An async fn gets the state back when its promise settles.
 */
export function forkRng<T>(fn: () => T): T;
export function forkRng<T>(options: ForkRngOptions, fn: () => T): T;
export function forkRng<T>(a: ForkRngOptions | (() => T), b?: () => T): T {
  const [options, fn] = typeof a === "function" ? [{}, a] : [a, b];
  if (typeof fn !== "function") throw new TypeError("fork_rng: expects a function to run (torch.random.forkRng([options,] fn))");
  if (typeof options !== "object" || options === null) throw new TypeError("fork_rng: options must be an object");
  const { devices = null, enabled = true } = options;
  if (devices !== null && devices.length > 0) throw new Error(`fork_rng: torch-ts has no CUDA devices to fork, got devices=[${devices.join(", ")}]`);
  if (!enabled) return fn();
  const state = getRngState();
  return runScoped(fn, () => setRngState(state));
}

