// Shapes, strides and broadcasting: pure functions on number arrays.

export type Shape = readonly number[];

export function numel(shape: Shape): number {
  let n = 1;
  for (const s of shape) n *= s;
  return n;
}

export function contiguousStrides(shape: Shape): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= Math.max(shape[i]!, 1);
  }
  return strides;
}

export function isContiguousLayout(shape: Shape, strides: readonly number[]): boolean {
  let expected = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    const d = shape[i]!;
    if (d === 0) return true;
    if (d !== 1 && strides[i] !== expected) return false;
    expected *= d;
  }
  return true;
}

export function shapesEqual(a: Shape, b: Shape): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export function shapeStr(shape: Shape): string {
  return `[${shape.join(", ")}]`;
}

/** PyTorch's broadcasting rule, with its error message. */
export function broadcastShapes(...shapes: Shape[]): number[] {
  const ndim = Math.max(0, ...shapes.map((s) => s.length));
  const out = new Array<number>(ndim).fill(1);
  for (let k = 0; k < shapes.length; k++) {
    const s = shapes[k]!;
    for (let i = 0; i < s.length; i++) {
      const j = ndim - s.length + i;
      const d = s[i]!, o = out[j]!;
      if (o === d || d === 1) continue;
      if (o === 1) { out[j] = d; continue; }
      throw new Error(`The size of tensor a (${o}) must match the size of tensor b (${d}) at non-singleton dimension ${j}`);
    }
  }
  return out;
}

/** Strides that read a tensor of `shape`/`strides` as if broadcast to `target` (0 on expanded dims). */
export function broadcastStrides(shape: Shape, strides: readonly number[], target: Shape): number[] {
  const out = new Array<number>(target.length).fill(0);
  const off = target.length - shape.length;
  for (let i = 0; i < shape.length; i++) {
    out[i + off] = shape[i] === 1 && target[i + off] !== 1 ? 0 : strides[i]!;
  }
  return out;
}

/** Wraps a possibly negative dim into [0, ndim), with PyTorch's error. */
export function normalizeDim(dim: number, ndim: number, op?: string): number {
  const n = Math.max(ndim, 1);
  if (!Number.isInteger(dim) || dim < -n || dim >= n) {
    throw new Error(`${op ? op + ": " : ""}Dimension out of range (expected to be in range of [${-n}, ${n - 1}], but got ${dim})`);
  }
  return dim < 0 ? dim + n : dim;
}

/** Normalizes a dim list; rejects repeats like PyTorch ("dim 1 appears multiple times in the list of dims"). */
export function normalizeDims(dims: readonly number[], ndim: number, op?: string): number[] {
  const out = dims.map((d) => normalizeDim(d, ndim, op));
  const seen = new Set<number>();
  for (const d of out) {
    if (seen.has(d)) throw new Error(`${op ? op + ": " : ""}dim ${d} appears multiple times in the list of dims`);
    seen.add(d);
  }
  return out;
}

/** Resolves a single -1 in a view/reshape size, with PyTorch's error. */
export function inferSize(size: readonly number[], total: number): number[] {
  let infer = -1, known = 1;
  for (let i = 0; i < size.length; i++) {
    const s = size[i]!;
    if (s === -1) {
      if (infer >= 0) throw new Error("only one dimension can be inferred");
      infer = i;
    } else if (!Number.isInteger(s) || s < 0) {
      throw new Error(`invalid shape dimension ${s}`);
    } else known *= s;
  }
  const out = [...size];
  if (infer >= 0) {
    if (known === 0 || total % known !== 0) throw new Error(`shape '${shapeStr(size)}' is invalid for input of size ${total}`);
    out[infer] = total / known;
  } else if (known !== total) {
    throw new Error(`shape '${shapeStr(size)}' is invalid for input of size ${total}`);
  }
  return out;
}

/**
 * Strides for viewing (shape, strides) as `newShape` without copying, or null when impossible
 * (PyTorch's computeStride).
 */
export function viewStrides(shape: Shape, strides: readonly number[], newShape: Shape): number[] | null {
  if (numel(shape) === 0 || shape.length === 0) return contiguousStrides(newShape);
  const newStrides = new Array<number>(newShape.length);
  let viewD = newShape.length - 1;
  let chunkBase = strides[strides.length - 1] ?? 1;
  let tensorNumel = 1, viewNumel = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    tensorNumel *= shape[d]!;
    if (d === 0 || (shape[d - 1] !== 1 && strides[d - 1] !== tensorNumel * chunkBase)) {
      while (viewD >= 0 && (viewNumel < tensorNumel || newShape[viewD] === 1)) {
        newStrides[viewD] = viewNumel * chunkBase;
        viewNumel *= newShape[viewD]!;
        viewD--;
      }
      if (viewNumel !== tensorNumel) return null;
      if (d > 0) {
        chunkBase = strides[d - 1]!;
        tensorNumel = 1;
        viewNumel = 1;
      }
    }
  }
  if (viewD !== -1) return null;
  return newStrides;
}
