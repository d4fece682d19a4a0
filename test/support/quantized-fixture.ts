// Quantized tensors as the quant fixture scripts record them (integers with their parameters), and
// the comparison of a result's integers with PyTorch's: counted mismatches, each within one quantum.
import assert from "node:assert/strict";
import * as torch from "../../src/index.js";

export interface RecordedQTensor {
  dtype: "quint8" | "qint8" | "qint32";
  shape: number[];
  ints: number[];
  scale?: number;
  zeroPoint?: number;
  scales?: number[];
  zeroPoints?: number[];
  axis?: number;
}

const INT_OF = { quint8: "uint8", qint8: "int8", qint32: "int32" } as const;

/** The recorded quantized tensor, rebuilt from its integers. */
export function qtensor(r: RecordedQTensor): torch.Tensor {
  const ints = torch.tensor(r.ints, { dtype: INT_OF[r.dtype] }).reshape(r.shape);
  if (r.scales) return torch._makePerChannelQuantizedTensor(ints, torch.tensor(r.scales, { dtype: "float64" }), torch.tensor(r.zeroPoints!), r.axis!);
  return torch._makePerTensorQuantizedTensor(ints, r.scale!, r.zeroPoint!);
}

/**
 * `actual` has the recorded dtype, shape, scale and zero point; returns how many integers differ
 * from PyTorch's, after checking that none differs by more than `within` quanta (a number, or one
 * for each of PyTorch's integers).
 */
export function countIntMismatches(actual: torch.Tensor, expected: RecordedQTensor, what: string, within: number | ((expected: number) => number) = 1): number {
  assert.equal(actual.dtype.name, expected.dtype, `${what}: dtype`);
  assert.deepEqual(actual.shape, expected.shape, `${what}: shape`);
  assert.equal(actual.qScale(), expected.scale, `${what}: scale`);
  assert.equal(actual.qZeroPoint(), expected.zeroPoint, `${what}: zero point`);
  const ints = actual.intRepr().reshape(-1).tolist() as number[];
  let mismatches = 0;
  ints.forEach((q, i) => {
    const d = Math.abs(q - expected.ints[i]!);
    assert.ok(d <= (typeof within === "number" ? within : within(expected.ints[i]!)), `${what}: element ${i} is ${q}, PyTorch ${expected.ints[i]}`);
    if (d) mismatches++;
  });
  return mismatches;
}

/** Float values as the quant fixture scripts record them. */
export interface RecordedValues { values: number[]; shape: number[] }

/** The largest difference of `actual` from PyTorch's values, which must stay under tol (shapes equal). */
export function maxDifference(actual: torch.Tensor, expected: RecordedValues, what: string, tol = 1e-5): number {
  assert.deepEqual(actual.shape, expected.shape, what);
  let worst = 0;
  (actual.reshape(-1).tolist() as number[]).forEach((v, i) => { worst = Math.max(worst, Math.abs(v - expected.values[i]!)); });
  assert.ok(worst < tol, `${what}: differs from PyTorch by ${worst}`);
  return worst;
}

/**
 * How many elements are farther apart than 1e-5, after checking that each is within one quantum
 * (a fake-quantize rounding tie broken differently moves a value by a quantum).
 */
export function countQuantumSteps(actual: number[], expected: number[], quantum: number): number {
  assert.equal(actual.length, expected.length);
  let n = 0;
  actual.forEach((v, i) => {
    const d = Math.abs(v - expected[i]!);
    assert.ok(d <= quantum * 1.01 + 1e-5, `element ${i}: ${v} vs ${expected[i]} (more than one quantum ${quantum})`);
    if (d > 1e-5) n++;
  });
  return n;
}
