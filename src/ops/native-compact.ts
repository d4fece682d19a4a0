// CPU fast paths of nonzero, masked_select and boolean-mask indexing through the addon's
// compaction kernels (native/compact.h): chunked counts over the pool, then each chunk writes
// from its prefix offset. null when the addon is absent or the input does not qualify; the
// callers keep their JS loops, which stay the reference (test/native-compact.test.ts).

import type { Tensor } from "../core/tensor.js";
import { bool, int64 } from "../core/dtype.js";
import { numel, shapesEqual } from "../core/shape.js";
import { kernels } from "../backends/kernels.js";
import { MAX_DIMS } from "../backends/native/index.js";
import { type CompactArray, compactElements, countSelected, nonzeroCoordinates } from "../backends/native/compact.js";
import { emptyTensor, uninitTensor } from "./engine.js";
import { onDevice } from "./device-hooks.js";

/** Below this many elements the JS loops win. */
const NATIVE_MIN_COMPACT = 4096;

function qualifies(t: Tensor): boolean {
  return kernels.backend === "native" && t.numel() >= NATIVE_MIN_COMPACT && t.dim() >= 1 && t.dim() <= MAX_DIMS && !onDevice(t);
}

/** t's "is nonzero" bytes, contiguous in t's row-major order (bool/uint8 storage as is; others through ne(0)). */
function nonzeroBytes(t: Tensor): { data: Uint8Array; offset: number } {
  const m = t.dtype === bool || t.dtype.name === "uint8" ? t : t.ne(0);
  const c = m.isContiguous() ? m : m.contiguous();
  return { data: c.storage.data as Uint8Array, offset: c._offset };
}

/** torch.nonzero's [count, ndim] int64 positions; null when not applicable. */
export function tryNativeNonzero(t: Tensor): Tensor | null {
  if (!qualifies(t)) return null;
  const { data, offset } = nonzeroBytes(t);
  const count = countSelected(data, t.numel(), offset);
  const out = uninitTensor([count, t.dim()], int64);
  nonzeroCoordinates(data, t._shape, out.storage.data as BigInt64Array, offset);
  return out;
}

/** The positions of t's nonzero elements as one Float64Array per dim; null when not applicable. */
export function tryNativeNonzeroColumns(t: Tensor): Float64Array[] | null {
  if (!qualifies(t)) return null;
  const { data, offset } = nonzeroBytes(t);
  const count = countSelected(data, t.numel(), offset);
  const flat = new Float64Array(count * t.dim());
  nonzeroCoordinates(data, t._shape, flat, offset);
  return Array.from({ length: t.dim() }, (_, d) => flat.subarray(d * count, (d + 1) * count));
}

/** masked_select's values: input's elements (broadcast to `shape`) where mask is true, in order; null when not applicable. */
export function tryNativeMaskedSelect(input: Tensor, mask: Tensor, shape: readonly number[]): Tensor | null {
  if (kernels.backend !== "native" || numel(shape) < NATIVE_MIN_COMPACT || shape.length > MAX_DIMS || onDevice(input, mask)) return null;
  const full = (t: Tensor) => {
    const e = shapesEqual(t._shape, shape) ? t : t.expand([...shape]);
    return e.isContiguous() ? e : e.detach().contiguous();
  };
  const x = full(input), m = full(mask);
  const n = numel(shape), md = m.storage.data as Uint8Array;
  const count = countSelected(md, n, m._offset);
  const out = count === 0 ? emptyTensor([0], input.dtype) : uninitTensor([count], input.dtype);
  compactElements(md, x.storage.data as CompactArray, out.storage.data as CompactArray, n, m._offset, x._offset, 0);
  return out;
}
