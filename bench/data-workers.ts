// DataLoader with worker threads against the main thread: a dataset whose getItem does ~1 ms of
// JS work, batch 32, 1024 items, persistent workers, timed after a warm-up epoch (which starts
// the threads). `npx tsx bench/data-workers.ts [numWorkers list, default 0,1,2]`.
// The workers import this module to rebuild the dataset (its class's workerModule): the timing
// code runs in the main thread only.

import { isMainThread } from "node:worker_threads";
import * as torch from "../src/index.js";

export class BusyItems extends torch.utils.data.Dataset<torch.Tensor> {
  static workerModule = import.meta.url;
  constructor(readonly n: number) { super(); }
  get length(): number { return this.n; }
  getItem(i: number): torch.Tensor {
    let x = i;
    for (let j = 0; j < 25000; j++) x = (x * 1103515245 + 12345) % 2147483648;
    return torch.tensor([x % 1000, i], { dtype: torch.float32 });
  }
}

if (isMainThread) {
  const ds = new BusyItems(1024);
  for (const k of (process.argv[2] ?? "0,1,2").split(",").map(Number)) {
    const loader = new torch.utils.data.DataLoader(ds, { batchSize: 32, numWorkers: k, persistentWorkers: k > 0 });
    for (const _ of loader) { /* warm-up: JIT, and the workers start */ }
    const times: number[] = [];
    for (let r = 0; r < 3; r++) {
      const t0 = performance.now();
      let n = 0;
      for (const b of loader) n += b.shape[0]!;
      if (n !== 1024) throw new Error(`expected 1024 items, got ${n}`);
      times.push(performance.now() - t0);
    }
    console.log(`numWorkers ${k}: ${times.map((t) => t.toFixed(0)).join(", ")} ms per epoch of 32 batches`);
  }
}
