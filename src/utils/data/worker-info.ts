// torch.utils.data.get_worker_info: inside a DataLoader worker thread, which worker this is.

import type { Dataset, IterableDataset } from "./dataset.js";

export interface WorkerInfo {
  /** This worker's index, 0 ... numWorkers - 1. */
  readonly id: number;
  readonly numWorkers: number;
  /** The seed of this worker's default generator: the loader's base seed + id (64-bit, hence bigint). */
  readonly seed: bigint;
  /** This worker's own copy of the dataset (an IterableDataset shards itself with id/numWorkers). */
  readonly dataset: Dataset<unknown> | IterableDataset<unknown>;
}

let current: WorkerInfo | null = null;

/** PyTorch's get_worker_info(): this worker's WorkerInfo inside a DataLoader worker thread, null in the main thread. */
export function getWorkerInfo(): WorkerInfo | null { return current; }

/** @internal Set once by the worker thread's entry (worker-main.ts). */
export function setWorkerInfo(info: WorkerInfo): void { current = Object.freeze({ ...info }); }
