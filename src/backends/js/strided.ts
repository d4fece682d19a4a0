// Strided iteration for elementwise kernels: operands share one (broadcast) shape, each with its
// own strides and offset. Adjacent dims that are contiguous for every operand are merged, so the
// common cases run as one flat loop.

export interface StridedOperand {
  strides: readonly number[];
  offset: number;
}

/** Merges dims that are contiguous for every operand; drops size-1 dims. */
export function coalesce(shape: readonly number[], ops: readonly StridedOperand[]): { shape: number[]; strides: number[][] } {
  const dims: number[] = [];
  const strides: number[][] = ops.map(() => []);
  for (let d = 0; d < shape.length; d++) {
    if (shape[d] === 1) continue;
    const last = dims.length - 1;
    if (last >= 0 && ops.every((o, k) => strides[k]![last] === o.strides[d]! * shape[d]!)) {
      dims[last]! *= shape[d]!;
      ops.forEach((o, k) => { strides[k]![last] = o.strides[d]!; });
    } else {
      dims.push(shape[d]!);
      ops.forEach((o, k) => strides[k]!.push(o.strides[d]!));
    }
  }
  return { shape: dims, strides };
}

/**
 * Calls `row(offsets, len, innerStrides)` for each innermost row. `offsets` holds each operand's
 * start (reused between calls; do not keep it).
 */
export function forEachRow(
  shape: readonly number[],
  ops: readonly StridedOperand[],
  row: (offsets: Int32Array | Float64Array, len: number, inner: readonly number[]) => void,
): void {
  for (const s of shape) if (s === 0) return;
  const c = coalesce(shape, ops);
  const nops = ops.length;
  const offsets = new Float64Array(nops);
  for (let k = 0; k < nops; k++) offsets[k] = ops[k]!.offset;
  const nd = c.shape.length;
  if (nd === 0) { row(offsets, 1, ops.map(() => 0)); return; }
  const inner = c.strides.map((s) => s[nd - 1]!);
  const len = c.shape[nd - 1]!;
  if (nd === 1) { row(offsets, len, inner); return; }
  const idx = new Array<number>(nd - 1).fill(0);
  const cur = new Float64Array(nops);
  for (;;) {
    cur.set(offsets);
    row(cur, len, inner);
    let d = nd - 2;
    for (; d >= 0; d--) {
      idx[d]!++;
      for (let k = 0; k < nops; k++) offsets[k]! += c.strides[k]![d]!;
      if (idx[d]! < c.shape[d]!) break;
      for (let k = 0; k < nops; k++) offsets[k]! -= c.strides[k]![d]! * c.shape[d]!;
      idx[d] = 0;
    }
    if (d < 0) return;
  }
}
