// masked_fill, advanced indexing with integer index tensors (x[i, j], index_put_, x[i] = v),
// assignment through a bool mask and masked_scatter on the "webgpu" device, composed of the
// device's where, index_select, index_add, scatter and cumsum kernels. Nothing here reads values
// back: masks and device index tensors are never inspected on the host (see this folder's README).

import { Tensor } from "../core/tensor.js";
import { type DType, bool, int32, int64 } from "../core/dtype.js";
import { broadcastShapes, shapeStr } from "../core/shape.js";
import { record, sumToShape } from "../autograd/record.js";
import { scalarOf } from "../ops/engine.js";
import { checkIndexRange, expandableTo, indexValues, scalarTypeName } from "../ops/indexing-kernels.js";
import { checkDevices, gpuWhere } from "./pointwise.js";
import { gpuIndex, gpuScatterInto } from "./ops.js";
import { isGpuTensor } from "./storage.js";
import { valueSizedOnDevice } from "../ops/device-hooks.js";

type Scalar = number | bigint | boolean;

// ---- masked_fill --------------------------------------------------------------------------------

/**
 * masked_fill's kernel (no recording): mask ? value : input, of the broadcast shape and input's
 * dtype. `value` is a number already in input's domain, or a 0-d tensor on the device (cast on the
 * device, never read back).
 */
export function gpuMaskedFill(input: Tensor, mask: Tensor, value: Scalar | Tensor): Tensor {
  checkDevices("masked_fill", input, mask, value);
  // A 0-d CPU tensor is a parameter of the where kernel (no upload); its store rounds float16 /
  // bfloat16 and wraps int8/uint8/int16 as every device write does.
  const v = value instanceof Tensor ? value.detach().to(input.dtype) : scalarOf(value, input.dtype);
  return gpuWhere(mask.detach(), v, input.detach(), input.dtype);
}

/** masked_fill_'s kernel: self = mask ? value : self in one pass (the mask broadcasts to self: the front end checked). */
export function gpuMaskedFillInto(self: Tensor, mask: Tensor, value: Scalar | Tensor): void {
  checkDevices("masked_fill_", self, mask, value);
  const v = value instanceof Tensor ? value.detach().to(self.dtype) : scalarOf(value, self.dtype);
  gpuWhere(mask.detach(), v, self.detach(), self.dtype, self);
}

/**
 * The error for indexing by a bool (or uint8) mask, whose result size the device cannot know
 * synchronously: reading names x.getAsync; writing with a mask among other index tensors has no
 * async form (a mask alone is a masked assignment, which the device runs).
 */
function maskIndexRefused(mask: Tensor, reading: boolean): Error {
  const keepShape = "keep the shape with x.where(mask, other) or x.maskedFill(mask.logicalNot(), value)";
  if (reading) return valueSizedOnDevice(`indexing with a ${mask.dtype.name} mask`, "x.getAsync(...)", ` (the size is the mask's number of true elements), or ${keepShape}`);
  return new Error(`index_put_: a ${mask.dtype.name} mask among other index tensors is not implemented for the 'webgpu' device (the indexed `
    + `positions depend on the mask's values): ${keepShape}, or index with the mask's positions (await mask.nonzeroAsync({ asTuple: true }))`);
}

// ---- advanced indexing with integer index tensors ------------------------------------------------

const INDEX_DTYPES = new Set(["int64", "int32", "uint8", "bool"]);

/** What index / index_put need, known from shapes alone. */
interface DevicePlan {
  /** The indexed dims, in order, and their index tensors (on the device, int64). */
  dims: number[];
  idx: Tensor[];
  /** The index tensors' broadcast shape. */
  bshape: number[];
  /** The other dims, in order. */
  rest: number[];
  /** Rest dims that stay before the indexed block in the result (0 when the indexed dims are not adjacent). */
  pre: number;
  /** The result's shape. */
  shape: number[];
}

function planOnDevice(x: Tensor, indices: readonly (Tensor | null | undefined)[]): DevicePlan {
  for (const t of indices) {
    if (t && !(t instanceof Tensor)) throw new Error("index: expected a Tensor or None as each index");
    if (t && !INDEX_DTYPES.has(t.dtype.name)) throw new Error("tensors used as indices must be long, int, byte or bool tensors");
    // A uint8 index is a mask, as on the CPU (PyTorch's deprecated byte masks).
    if (t && (t.dtype === bool || t.dtype.name === "uint8")) throw maskIndexRefused(t, false);
  }
  if (indices.length > x.dim()) throw new Error(`too many indices for tensor of dimension ${x.dim()} (got ${indices.length})`);
  const dims: number[] = [], given: Tensor[] = [];
  indices.forEach((t, d) => { if (t) { dims.push(d); given.push(t); } });
  let bshape: number[];
  try {
    bshape = broadcastAll(given.map((t) => t._shape));
  } catch {
    throw new Error(`shape mismatch: indexing tensors could not be broadcast together with shapes ${given.map((t) => shapeStr(t._shape)).join(", ")}`);
  }
  if (dims.some((d) => x._shape[d] === 0) && !bshape.includes(0)) throw new Error("index is out of bounds for dimension with size 0");
  // Indices still on the CPU are checked here, then uploaded; device indices cannot be checked.
  const idx = given.map((t, j) => {
    if (isGpuTensor(t)) return t.detach();
    const size = x._shape[dims[j]!]!;
    checkIndexRange(indexValues(t), size, true, (v) => `index ${v} is out of bounds for dimension ${j} with size ${size}`);
    return t.detach().to("webgpu");
  });
  const adjacent = dims.length === 0 || dims[dims.length - 1]! - dims[0]! === dims.length - 1;
  const rest: number[] = [];
  for (let d = 0; d < x.dim(); d++) if (!dims.includes(d)) rest.push(d);
  const pre = adjacent && dims.length ? rest.filter((d) => d < dims[0]!).length : 0;
  const sizes = rest.map((d) => x._shape[d]!);
  return { dims, idx, bshape, rest, pre, shape: [...sizes.slice(0, pre), ...bshape, ...sizes.slice(pre)] };
}

function broadcastAll(shapes: readonly number[][]): number[] {
  const n = Math.max(0, ...shapes.map((s) => s.length));
  const out = new Array<number>(n).fill(1);
  for (const s of shapes) {
    for (let i = 0; i < s.length; i++) {
      const j = n - s.length + i, a = out[j]!, b = s[i]!;
      if (a === b || b === 1) continue;
      if (a !== 1) throw new Error("not broadcastable");
      out[j] = b;
    }
  }
  return out;
}

/**
 * The flat row of each indexed position in x permuted to [indexed dims..., rest dims...] and
 * viewed as [rows, rest]: Σ_j wrapped(idx_j) · (product of the later indexed sizes), flattened
 * over the broadcast shape. A position with any index out of range gets row -1, which the gather
 * reads as zeros and the scatters skip (the device cannot throw).
 */
function rowIndex(x: Tensor, p: DevicePlan): Tensor {
  let row: Tensor | null = null, valid: Tensor | null = null;
  let mult = 1;
  // One index: a wrapped out-of-range index stays out of the rows' range, so no validity mask.
  const single = p.dims.length === 1;
  for (let j = p.dims.length - 1; j >= 0; j--) {
    const size = x._shape[p.dims[j]!]!;
    const t = p.idx[j]!.to(int64);
    const wrapped = t.where(t.ge(0), t.add(size));
    if (single) return wrapped.expand(p.bshape).reshape([-1]);
    const ok = t.ge(-size).logicalAnd(t.lt(size));
    const term = mult === 1 ? wrapped : wrapped.mul(mult);
    row = row ? row.add(term) : term;
    valid = valid ? valid.logicalAnd(ok) : ok;
    mult *= size;
  }
  return row!.where(valid!, -1).expand(p.bshape).reshape([-1]);
}

/** x permuted to [indexed dims..., rest dims...] (a view) and the permutation. */
function indexedFirst(x: Tensor, p: DevicePlan): { moved: Tensor; perm: number[] } {
  const perm = [...p.dims, ...p.rest];
  return { moved: x.permute(perm), perm };
}

/** The permutation from [bshape..., rest...] to the result's layout [rest[:pre], bshape..., rest[pre:]]. */
function resultPerm(p: DevicePlan): number[] {
  const nb = p.bshape.length, nr = p.rest.length;
  const perm: number[] = [];
  for (let i = 0; i < p.pre; i++) perm.push(nb + i);
  for (let i = 0; i < nb; i++) perm.push(i);
  for (let i = p.pre; i < nr; i++) perm.push(nb + i);
  return perm;
}

function inversePerm(perm: readonly number[]): number[] {
  const inv = new Array<number>(perm.length);
  perm.forEach((q, i) => { inv[q] = i; });
  return inv;
}

const product = (s: readonly number[]): number => s.reduce((a, b) => a * b, 1);

/** x.get(...) with index tensors: one over leading whole dims is an index_select, several go through rows. */
export function gpuIndexAny(x: Tensor, indices: readonly (Tensor | null)[]): Tensor {
  const given = indices.filter((t): t is Tensor => t !== null);
  const mask = given.find((t) => t.dtype === bool || t.dtype.name === "uint8");
  if (mask) throw maskIndexRefused(mask, true);
  if (given.length === 1 && isGpuTensor(given[0])) return gpuIndex(x, indices);
  return gpuAdvancedIndex(x, indices);
}

/**
 * x[indices] with integer index tensors (several, broadcast together, null for whole dims):
 * public ops on x (index_select of rows), so autograd differentiates it.
 */
export function gpuAdvancedIndex(x: Tensor, indices: readonly (Tensor | null | undefined)[]): Tensor {
  checkDevices("index", x, ...indices.filter((t) => t && isGpuTensor(t)));
  const p = planOnDevice(x, indices);
  const restSizes = p.rest.map((d) => x._shape[d]!);
  const rows = product(p.dims.map((d) => x._shape[d]!));
  const { moved } = indexedFirst(x, p);
  const matrix = moved.reshape([rows, product(restSizes)]);
  const gathered = matrix.indexSelect(0, rowIndex(x, p)).reshape([...p.bshape, ...restSizes]);
  return p.pre === 0 ? gathered : gathered.permute(resultPerm(p));
}

/**
 * index_put's kernel (no recording): a new tensor, x with values written (accumulate: added) at
 * the indexed positions. `castValues`: values of another dtype are converted (a Python scalar).
 * Repeated positions without accumulate keep one of the values, as PyTorch's GPU kernels do.
 */
export function gpuIndexPut(x: Tensor, indices: readonly (Tensor | null | undefined)[], values: Tensor, accumulate: boolean, castValues = false): Tensor {
  return planIndexPut(x, indices, values, accumulate, castValues)();
}

/** gpuIndexPut's checks now (the CPU's messages), its work when the returned function runs. */
export function planIndexPut(x: Tensor, indices: readonly (Tensor | null | undefined)[], values: Tensor, accumulate: boolean, castValues = false): () => Tensor {
  const mask = singleMask(indices);
  if (mask) return planMaskedAssign(x, mask.dim, mask.mask, values, castValues, accumulate);
  checkDevices("index_put_", x, values, ...indices.filter((t) => t && isGpuTensor(t)));
  const p = planOnDevice(x, indices);
  if (!expandableTo(values._shape, p.shape)) {
    throw new Error(`shape mismatch: value tensor of shape ${shapeStr(values._shape)} cannot be broadcast to indexing result of shape ${shapeStr(p.shape)}`);
  }
  if (!castValues && values.dtype !== x.dtype) {
    throw new Error(`Index put requires the source and destination dtypes match, got ${scalarTypeName(x.dtype)} for the destination and ${scalarTypeName(values.dtype)} for the source.`);
  }
  return () => {
    const restSizes = p.rest.map((d) => x._shape[d]!);
    const rows = product(p.dims.map((d) => x._shape[d]!)), restN = product(restSizes), n = product(p.bshape);
    const { moved, perm } = indexedFirst(x.detach(), p);
    // Our own contiguous copy, [rows, rest], receives the writes.
    let copy = moved.contiguous();
    if (copy.storage === x.storage) copy = copy.clone();
    let target = copy.reshape([rows, restN]);
    if (n > 0 && restN > 0) {
      const vals = valuesTo(values.detach(), x.dtype, p).reshape([n, restN]);
      const row = rowIndex(x, p);
      if (accumulate) {
        // index_add adds repeated rows (float32 by compare-and-swap, integers wrapping in int32).
        target = target.indexAdd(0, row, vals);
      } else {
        gpuScatterInto(target, 0, row.unsqueeze(1).expand([n, restN]), vals.contiguous(), null, null);
      }
    }
    return target.reshape([...perm.map((d) => x._shape[d]!)]).permute(inversePerm(perm));
  };
}

/** The one bool (or uint8) mask of an index list with no other index tensor, and its dim. */
export function singleMask(indices: readonly (Tensor | null | undefined)[]): { mask: Tensor; dim: number } | null {
  const defined = indices.filter((t): t is Tensor => t instanceof Tensor);
  const m = defined[0];
  if (defined.length !== 1 || !m || (m.dtype !== bool && m.dtype.name !== "uint8")) return null;
  return { mask: m.dtype === bool ? m : m.ne(0), dim: indices.indexOf(m) };
}

/** values broadcast to the result's shape, in [bshape..., rest...] order and x's dtype. */
function valuesTo(values: Tensor, dtype: DType, p: DevicePlan): Tensor {
  const v = values.dtype === dtype ? values : values.to(dtype);
  const onDev = isGpuTensor(v) ? v : v.to("webgpu");
  const full = onDev.expand(p.shape);
  return p.pre === 0 ? full : full.permute(inversePerm(resultPerm(p)));
}

// ---- assignment through a bool mask --------------------------------------------------------------

/**
 * x[..., mask, ...] = value for one bool mask covering dims [d, d + mask.dim()) of x (no
 * recording): a new tensor. A value that does not vary along the mask's selected elements is a
 * masked fill. A value with k rows there (k = the mask's number of true elements) is gathered at
 * each true element's rank, cumsum(mask) - 1 over the flattened mask: no readback, so k is not
 * checked against the mask (missing rows read as zeros, extra rows are ignored). The checks run
 * now (the CPU's messages), the work when the returned function runs.
 */
export function planMaskedAssign(x: Tensor, d: number, mask: Tensor, value: Tensor, castValues: boolean, accumulate = false): () => Tensor {
  checkDevices("index_put_", x, mask, value);
  const k = mask.dim();
  for (let j = 0; j < k; j++) {
    if (d + j >= x.dim() || mask._shape[j] !== x._shape[d + j]) {
      throw new Error(`The shape of the mask ${shapeStr(mask._shape)} at index ${j} does not match the shape of the indexed tensor ${shapeStr(x._shape)} at index ${d + j}`);
    }
  }
  if (!castValues && value.dtype !== x.dtype) {
    throw new Error(`Index put requires the source and destination dtypes match, got ${scalarTypeName(x.dtype)} for the destination and ${scalarTypeName(value.dtype)} for the source.`);
  }
  const preShape = x._shape.slice(0, d), postShape = x._shape.slice(d + k);
  // The mask aligned to x's dims: [1]*d + mask + [1]*post.
  const maskView = mask.detach().reshape([...preShape.map(() => 1), ...mask._shape, ...postShape.map(() => 1)]);
  // Leading ones dropped, the value is read as [pre..., count, post...] (PyTorch's indexing result).
  let v = value.detach();
  while (v.dim() > 0 && v._shape[0] === 1) v = v.reshape(v._shape.slice(1));
  const resultRank = d + 1 + postShape.length;
  const expected = `[${[...preShape, "<number of true elements>", ...postShape].join(", ")}]`;
  const mismatch = () => new Error(`shape mismatch: value tensor of shape ${shapeStr(value._shape)} cannot be broadcast to indexing result of shape ${expected}`);
  if (v.dim() > resultRank) throw mismatch();
  const padded = [...new Array<number>(resultRank - v.dim()).fill(1), ...v._shape];
  for (let i = 0; i < resultRank; i++) {
    if (i === d) continue;
    const want = i < d ? preShape[i]! : postShape[i - d - 1]!;
    if (padded[i] !== 1 && padded[i] !== want) throw mismatch();
  }
  return () => {
    const vd = (v.dtype === x.dtype ? v : v.to(x.dtype)).reshape(padded);
    const xd = x.detach();
    if (padded[d] === 1) {
      // The same value at every selected element: a masked fill with the value broadcast along x.
      const spread = vd.reshape([...padded.slice(0, d), ...mask._shape.map(() => 1), ...padded.slice(d + 1)]);
      // A single CPU value is a kernel parameter (0-d), anything else goes to the device.
      const operand = isGpuTensor(spread) ? spread : spread.numel() === 1 ? spread.reshape([]) : spread.to("webgpu");
      return gpuWhere(maskView, accumulate ? xd.add(operand) : operand, xd, x.dtype);
    }
    if (padded[d] === 0 || mask.numel() === 0) {
      // No rows to gather: missing rows read as zeros, as for a k smaller than the mask's count.
      return accumulate ? xd.clone() : gpuWhere(maskView, scalarOf(0, x.dtype), xd, x.dtype);
    }
    // Rows of the value at each true element's rank among the mask's true elements (row-major).
    const flat = mask.detach().reshape([-1]);
    const rank = flat.to(int32).cumsum(0).sub(1).to(int64);
    const rows = (isGpuTensor(vd) ? vd : vd.to("webgpu")).movedim(d, 0);
    const gathered = rows.indexSelect(0, rank.clamp(0)).reshape([...mask._shape, ...rows._shape.slice(1)]);
    // [mask..., pre..., post...] → [pre..., mask..., post...]
    const nm = k, np = d;
    const perm = [...Array.from({ length: np }, (_, i) => nm + i), ...Array.from({ length: nm }, (_, i) => i),
      ...Array.from({ length: postShape.length }, (_, i) => nm + np + i)];
    const placed = gathered.permute(perm);
    // A mask selects each position once, so accumulating is adding where it is true.
    return gpuWhere(maskView, accumulate ? xd.add(placed) : placed, xd, x.dtype);
  };
}

/**
 * The gradient of the value of x[..., mask, ...] = value (planMaskedAssign), from the gradient `g`
 * of the indexed region [pre..., mask dims..., post...]: the selected elements' gradients summed
 * into the value's shape (rows by rank, with index_add, which skips the unselected positions).
 */
export function gpuMaskedAssignValueGrad(g: Tensor, d: number, mask: Tensor, valueShape: readonly number[]): Tensor {
  const k = mask.dim();
  let vs = valueShape.slice();
  while (vs.length > 0 && vs[0] === 1) vs = vs.slice(1);
  const preShape = g._shape.slice(0, d), postShape = g._shape.slice(d + k);
  const resultRank = d + 1 + postShape.length;
  const padded = [...new Array<number>(resultRank - vs.length).fill(1), ...vs];
  const m = mask.detach();
  const maskView = m.reshape([...preShape.map(() => 1), ...mask._shape, ...postShape.map(() => 1)]);
  const maskDims = Array.from({ length: k }, (_, i) => d + i);
  let perRow: Tensor;
  if (padded[d] === 1) {
    perRow = g.where(maskView, 0).sum(maskDims).unsqueeze(d);
  } else {
    const flat = m.reshape([-1]);
    const at = flat.to(int32).cumsum(0).sub(1).where(flat, -1);
    const rows = g.reshape([...preShape, -1, ...postShape]).movedim(d, 0);
    perRow = rows.newZeros([padded[d]!, ...rows._shape.slice(1)]).indexAdd(0, at, rows).movedim(0, d);
  }
  const sumDims = padded.map((s, i) => (s === 1 && perRow._shape[i] !== 1 ? i : -1)).filter((i) => i >= 0);
  return (sumDims.length ? perRow.sum(sumDims, true) : perRow).reshape(valueShape.slice());
}

// ---- masked_scatter -----------------------------------------------------------------------------

/**
 * input.masked_scatter(mask, source) (recorded as MaskedScatterBackward0): the i-th true element
 * of the broadcast mask (row-major) takes source's i-th element, found by rank (cumsum(mask) - 1)
 * without readback. The CPU's check that source has at least as many elements as the mask has
 * true elements cannot run: missing elements read as zeros.
 */
export function gpuMaskedScatter(input: Tensor, mask: Tensor, source: Tensor): Tensor {
  checkDevices("masked_scatter", input, mask, source);
  const shape = broadcastShapes(input._shape, mask._shape);
  const m = mask.detach().expand(shape).reshape([-1]);
  const rank = m.to(int32).cumsum(0).sub(1).clamp(0);
  const src = source.detach().reshape([-1]);
  const picked = src.numel() === 0 ? input.detach().newZeros([m.numel()]) : src.indexSelect(0, rank);
  const out = gpuWhere(m.reshape(shape), picked.reshape(shape), input.detach(), input.dtype);
  const inShape = input.shape, srcShape = source.shape, md = mask.detach();
  return record("MaskedScatterBackward0", [input, source], out, ([g]) => {
    const gm = g!;
    const at = m.to(int32).cumsum(0).sub(1).where(m, -1);
    return [
      input._requiresGrad ? sumToShape(gm.maskedFill(md, 0), inShape) : null,
      source._requiresGrad ? gm.newZeros([src.numel()]).indexAdd(0, at, gm.reshape([-1])).reshape(srcShape) : null,
    ];
  }, [mask]);
}
