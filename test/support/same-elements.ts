// Element-for-element identity of two CPU tensors (NaN equals NaN, -0 differs from 0), for the
// tests that compare a native kernel's result with the JS one's. Equal bytes settle it at once:
// the same bits are the same value. Only tensors whose bytes differ are read element by element
// (tolist, about a microsecond an int64), which decides and names the first different element.
import assert from "node:assert/strict";

import type { Tensor } from "../../src/core/tensor.js";

/** The elements' bytes in row-major order, or null where the storage is not one typed array per element. */
function elementBytes(t: Tensor): Uint8Array | null {
  if (t.dtype.isComplex || t.device.type !== "cpu") return null;
  const c = t.contiguous();
  const data = c.storage.data as ArrayBufferView & { BYTES_PER_ELEMENT?: number } | null;
  if (!data || !ArrayBuffer.isView(data) || data.BYTES_PER_ELEMENT !== c.dtype.itemsize) return null;
  return new Uint8Array(data.buffer, data.byteOffset + c.storageOffset() * c.dtype.itemsize, c.numel() * c.dtype.itemsize);
}

const show = (v: unknown): string => (Object.is(v, -0) ? "-0" : String(v));

/** Asserts got and want have the same shape, dtype and elements (Object.is on each). */
export function assertSameElements(got: Tensor, want: Tensor, what: string): void {
  assert.deepEqual(got.shape, want.shape, `${what}: shape`);
  assert.equal(got.dtype, want.dtype, `${what}: dtype`);
  const a = elementBytes(got), b = elementBytes(want);
  if (a && b && Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(b)) return;
  const g = got.contiguous().reshape(-1).tolist() as unknown[], w = want.contiguous().reshape(-1).tolist() as unknown[];
  for (let i = 0; i < g.length; i++) if (!Object.is(g[i], w[i])) assert.fail(`${what}: element ${i} is ${show(g[i])}, expected ${show(w[i])}`);
}
