// The machinery of nested tensors (core/nested-tensor.ts): packing components into one buffer,
// running a dense computation component by component, and the checks and refusals 1.13's
// NestedTensorCPU kernels make. Kernels here never record; the ops in nested-ops.ts do.

import { Tensor } from "../core/tensor.js";
import { NestedTensor, isNested } from "../core/nested-tensor.js";
import type { DType } from "../core/dtype.js";
import { contiguousStrides, numel } from "../core/shape.js";
import { backendRefusal } from "../core/op-name.js";
import { noGrad } from "../autograd/grad-mode.js";
import { checkInplaceLeaf } from "./inplace.js";
import { needsGrad } from "../autograd/record.js";
import { copyInto, emptyTensor } from "./engine.js";

export { NestedTensor, isNested };

/** PyTorch's refusal of an op with no NestedTensorCPU kernel ("aten::<op>", overload included). */
export function nestedRefusal(op: string): Error {
  return backendRefusal("NestedTensorCPU", op);
}

/** A contiguous nested tensor over a packed 1-D buffer holding components of these sizes in order. */
export function nestedFromBuffer(buffer: Tensor, sizes: readonly (readonly number[])[]): NestedTensor {
  const offsets: number[] = [];
  let at = 0;
  for (const s of sizes) { offsets.push(at); at += numel(s); }
  return new NestedTensor(buffer, sizes.map((s) => s.slice()), sizes.map((s) => contiguousStrides(s)), offsets);
}

/** A contiguous nested tensor holding copies of `comps` (converted to dtype), without autograd. */
export function packNested(comps: readonly Tensor[], dtype: DType): NestedTensor {
  const sizes = comps.map((c) => c._shape.slice());
  const buffer = emptyTensor([sizes.reduce((n, s) => n + numel(s), 0)], dtype);
  const nt = nestedFromBuffer(buffer, sizes);
  noGrad(() => comps.forEach((c, i) => copyInto(nt._component(i), c)));
  return nt;
}

/** f on each component (no autograd), packed into a new nested tensor; `dtype` when there are none. */
export function mapNested(x: NestedTensor, f: (c: Tensor, i: number) => Tensor, dtype: DType = x.dtype): NestedTensor {
  const outs = noGrad(() => x._components().map(f));
  return packNested(outs, outs[0]?.dtype ?? dtype);
}

/** f on the matching components of nested tensors of one structure (no autograd), packed. */
export function zipNested(xs: readonly NestedTensor[], f: (cs: Tensor[], i: number) => Tensor, dtype: DType = xs[0]!.dtype): NestedTensor {
  const n = xs[0]!._count;
  const outs = noGrad(() => Array.from({ length: n }, (_, i) => f(xs.map((x) => x._component(i)), i)));
  return packNested(outs, outs[0]?.dtype ?? dtype);
}

/** Whether two nested tensors have the same number of components, each of the same sizes. */
export function sameNestedSizes(a: NestedTensor, b: NestedTensor): boolean {
  return a._count === b._count && a._nestedSizes.every((s, i) => {
    const t = b._nestedSizes[i]!;
    return s.length === t.length && s.every((d, k) => d === t[k]);
  });
}

/** 1.13's error when only one operand of a nested op is nested. */
export function expectBothNested(prefix: string, a: unknown, suffix = ""): Error {
  const self = isNested(a) ? "a nested self and non-nested other" : "a non-nested self and nested other";
  return new Error(`${prefix}, but got ${self}${suffix}`);
}

/**
 * An in-place op on a nested tensor: `direct()` writes into self's buffer (no autograd); with
 * autograd, self takes the graph node of `outOfPlace` on a snapshot of itself (PyTorch's rebase).
 */
export function nestedInPlace(op: string, self: NestedTensor, others: readonly (Tensor | null)[], direct: () => void, outOfPlace: (snapshot: Tensor) => Tensor): NestedTensor {
  checkInplaceLeaf(op, self);
  if (needsGrad(self, ...others)) {
    const snapshot = self._requiresGrad ? self.clone() : self.detach();
    const r = outOfPlace(snapshot);
    if (!isNested(r)) throw new Error(`${op}: expected a nested result`);
    noGrad(() => r._components().forEach((c, i) => copyInto(self._component(i), c)));
    self._gradFn = r._gradFn;
    self._outputNr = r._outputNr;
    self._requiresGrad = r._requiresGrad;
    self._historyVersion++;
  } else {
    noGrad(direct);
  }
  self._nestedBuffer.storage.version++;
  return self;
}
