// Types of digits-train.js, for the Node side (test/browser-train.test.ts). The page passes the
// web bundle's namespace, which has the same surface as src/index.ts.

import type * as Torch from "../src/index.js";

type TorchNamespace = typeof Torch;

/** dist-web/digits.json, written by scripts/bundle-web.ts. */
export interface DigitsAsset {
  name: string;
  source: string;
  license: string;
  rows: number;
  format: string;
  data: string;
}

export interface TrainOptions {
  seed?: number;
  epochs?: number;
  batchSize?: number;
  lr?: number;
  trainRows?: number;
  device?: "cpu" | "webgpu";
  onStep?: (step: number, loss: number) => void | Promise<void>;
  onEpoch?: (epoch: number, meanLoss: number) => void | Promise<void>;
}

export interface TrainResult {
  device: "cpu" | "webgpu";
  seed: number;
  epochs: number;
  batchSize: number;
  lr: number;
  trainRows: number;
  testRows: number;
  /** The loss of every step. */
  losses: number[];
  /** The mean loss of every epoch. */
  epochLosses: number[];
  /** Fraction of the held-out rows classified correctly. */
  accuracy: number;
  millis: number;
}

export declare const DEFAULTS: Readonly<{ seed: number; epochs: number; batchSize: number; lr: number; trainRows: number }>;

export declare function decodeDigits(torch: TorchNamespace, asset: DigitsAsset): { images: Torch.Tensor; labels: Torch.Tensor };

export declare function createModel(torch: TorchNamespace): Torch.nn.Module;

export declare function trainDigits(torch: TorchNamespace, asset: DigitsAsset, options?: TrainOptions): Promise<TrainResult>;
