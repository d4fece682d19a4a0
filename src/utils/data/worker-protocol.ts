// Messages between a DataLoader and its worker threads (one MessagePort per worker).

import type { MessagePort } from "node:worker_threads";
import type { Encoded } from "./worker-transfer.js";

/** How a worker turns fetched items into what it sends back. */
export type CollateMode =
  | { kind: "default" }
  /** The loader's collateFn, imported from its workerModule. */
  | { kind: "function"; fn: Encoded }
  /** The items themselves: the main thread collates (a collateFn without workerModule). */
  | { kind: "items" }
  /** batchSize null: single items, not collated (as without workers). */
  | { kind: "none" };

export interface WorkerSetup {
  id: number;
  numWorkers: number;
  /** The loader's 64-bit base seed; this worker's is baseSeed + id. */
  baseSeed: bigint;
  dataset: Encoded;
  iterable: boolean;
  batchSize: number | null;
  dropLast: boolean;
  collate: CollateMode;
  initFn: Encoded | null;
  /** Replies are posted here. */
  port: MessagePort;
  /** Int32 counter bumped after every reply, so a blocked main thread wakes (Atomics.wait). */
  signal: SharedArrayBuffer;
}

export type Request =
  /** Map-style: items at these indices (one index when batchSize is null). */
  | { k: "fetch"; task: number; indices: number[] | number }
  /** Iterable: the next batch (or item) of this worker's iterator. */
  | { k: "next"; task: number }
  /** Persistent workers, new epoch: restart the iterator, then reply "resumed". */
  | { k: "resume" };

export type Reply =
  | { k: "data"; task: number; data: Encoded }
  /** Iterable: this worker's iterator is exhausted (later "next" requests get no reply). */
  | { k: "end"; task: number }
  | { k: "resumed" }
  /** Started: the dataset is rebuilt and workerInitFn ran (the loader's timeout counts from here). */
  | { k: "ready" }
  | { k: "error"; task: number | null; name: string; message: string; stack: string };
