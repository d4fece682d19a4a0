// torch.autograd.detect_anomaly: names the backward function that produced a NaN.

import type { Tensor } from "../core/tensor.js";
import type { Node } from "./node.js";

let anomaly = false;
let checkNan = true;

/** torch.is_anomaly_enabled. */
export function isAnomalyEnabled(): boolean { return anomaly; }

/** torch.is_anomaly_check_nan_enabled: whether anomaly mode checks backward results for NaN. */
export function isAnomalyCheckNanEnabled(): boolean { return checkNan; }

/** @internal The engine's test: anomaly mode is on and checks for NaN. */
export function anomalyChecksNan(): boolean { return anomaly && checkNan; }

export function setDetectAnomaly(on: boolean): void { anomaly = on; }

/**
 * torch.set_anomaly_enabled(mode, check_nan=True). torch-ts's anomaly mode checks each backward
 * function's results for NaN (naming the function); it keeps no forward tracebacks, so with
 * checkNan false it changes nothing but the flags.
 */
export function setAnomalyEnabled(mode: boolean, checkNanValues = true): void {
  if (typeof mode !== "boolean") throw new Error(`set_anomaly_enabled(): argument 'enabled' (position 1) must be bool, not ${typeof mode}`);
  if (typeof checkNanValues !== "boolean") throw new Error(`set_anomaly_enabled(): argument 'check_nan' (position 2) must be bool, not ${typeof checkNanValues}`);
  anomaly = mode;
  checkNan = checkNanValues;
}

/** Runs fn with anomaly detection on. */
export function detectAnomaly<T>(fn: () => T): T {
  const prev = anomaly, prevCheck = checkNan;
  anomaly = true;
  checkNan = true;
  try {
    return fn();
  } finally {
    anomaly = prev;
    checkNan = prevCheck;
  }
}

export function anomalyCheck(node: Node, results: (Tensor | null)[]): void {
  results.forEach((g, i) => {
    if (g && g.dtype.isFloatingPoint && g.isnan().any().item()) {
      throw new Error(`Function '${node.name()}' returned nan values in its ${i}th output.`);
    }
  });
}
