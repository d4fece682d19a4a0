// torch.autograd.detect_anomaly: names the backward function that produced a NaN.

import type { Tensor } from "../core/tensor.js";
import type { Node } from "./node.js";

let anomaly = false;

export function isAnomalyEnabled(): boolean { return anomaly; }

export function setDetectAnomaly(on: boolean): void { anomaly = on; }

/** Runs fn with anomaly detection on. */
export function detectAnomaly<T>(fn: () => T): T {
  const prev = anomaly;
  anomaly = true;
  try {
    return fn();
  } finally {
    anomaly = prev;
  }
}

export function anomalyCheck(node: Node, results: (Tensor | null)[]): void {
  results.forEach((g, i) => {
    if (g && g.dtype.isFloatingPoint && g.isnan().any().item()) {
      throw new Error(`Function '${node.name()}' returned nan values in its ${i}th output.`);
    }
  });
}
