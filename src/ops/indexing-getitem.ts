// Python's x[...] and x[...] = v (torch.Tensor.__getitem__ / __setitem__) as x.get(...) and
// x.set([...], v). Integers, slices, "...", null and Python bools are applied first as views
// (select / slice / unsqueeze); the index tensors that remain go to advanced indexing.

import { assertNoInternalOverlap, assertNoOverlap, assertNoPartialOverlap, warnInternalOverlap } from "./memory-overlap.js";
import { isNested } from "../core/nested-kind.js";
import { nestedRefusal } from "./nested-engine.js";
import { hideNames, isNamed, nameAll, namedRefusal, namesOf } from "./named-engine.js";
import { aliasOf } from "./named-rules.js";
import { Tensor, type NestedArray } from "../core/tensor.js";
import { isGradEnabled } from "../autograd/grad-mode.js";
import { needsGrad, record, sumToShape } from "../autograd/record.js";
import { complex32, scalarTypeName } from "../core/dtype.js";
import { shapeStr, shapesEqual } from "../core/shape.js";
import { tensor } from "./creation.js";
import { copyInto, scalarOf } from "./engine.js";
import { makeView, select, slice, unsqueeze } from "./view.js";
import { applyInPlace } from "./inplace.js";
import { VmapFallback, anyBatched, batching } from "../func/batched-tensor.js";
import { checkMaskShape, indexWith, planAdvanced, putPlanned, valuesForPut } from "./indexing-advanced.js";
import { contiguousCopy, int64Tensor } from "./indexing-kernels.js";
import { nonzero } from "./indexing-mask.js";
import { deviceOp, onDevice } from "./device-hooks.js";
import { traceOp, tracing } from "../onnx/hook.js";
import { Complex } from "../core/complex.js";

/** One entry of x.get(...): what Python accepts inside x[...], through API.md's translation rule. */
export type Index = number | bigint | boolean | string | null | Tensor | NestedArray<number | bigint | boolean>[];

/**
 * One parsed entry of x[...]; `TensorEntry` is what an index tensor's entry carries (the tensor
 * here; nothing in the exporter's record, whose inputs hold the tensors).
 */
export type IndexItem<TensorEntry = { t: Tensor }> =
  | { k: "int"; v: number }
  | { k: "slice"; start: number | null; stop: number | null; step: number }
  | { k: "ellipsis" }
  | { k: "none" }
  | { k: "bool"; v: boolean }
  | ({ k: "tensor" } & TensorEntry);
type Item = IndexItem;

const SLICE = /^\s*([+-]?\d+)?\s*:\s*([+-]?\d+)?\s*(?::\s*([+-]?\d+)?\s*)?$/;
const VALID = "only integers, slices (`:`), ellipsis (`...`), None and long or byte Variables are valid indices";

function parseItem(v: unknown): Item {
  if (typeof v === "number") {
    if (!Number.isInteger(v)) throw new Error(`${VALID} (got float)`);
    return { k: "int", v };
  }
  if (typeof v === "bigint") return { k: "int", v: Number(v) };
  if (typeof v === "boolean") return { k: "bool", v };
  if (v === null) return { k: "none" };
  if (v instanceof Tensor) return { k: "tensor", t: v };
  if (typeof v === "string") {
    if (v.trim() === "...") return { k: "ellipsis" };
    const m = SLICE.exec(v);
    if (!m) throw new Error(`${VALID} (got the string "${v}"; a slice is written "start:stop:step", e.g. "1:3" or "::2")`);
    const step = m[3] === undefined ? 1 : Number(m[3]);
    if (step === 0) throw new Error("slice step cannot be zero");
    if (step < 0) throw new Error("step must be greater than zero");
    return { k: "slice", start: m[1] === undefined ? null : Number(m[1]), stop: m[2] === undefined ? null : Number(m[2]), step };
  }
  if (Array.isArray(v)) return { k: "tensor", t: arrayIndex(v) };
  throw new Error(`${VALID} (got ${v === undefined ? "undefined" : typeof v})`);
}

/** A JS array index as a tensor: booleans make a mask, integers an int64 index (empty: int64). */
function arrayIndex(v: unknown[]): Tensor {
  const flat: unknown[] = [];
  const walk = (a: unknown): void => { if (Array.isArray(a)) a.forEach(walk); else flat.push(a); };
  walk(v);
  for (const x of flat) {
    const ok = typeof x === "boolean" || typeof x === "bigint" || (typeof x === "number" && Number.isInteger(x));
    if (!ok) {
      if (typeof x === "number") throw new Error("tensors used as indices must be long, int, byte or bool tensors");
      throw new Error(`${VALID} (got an array holding ${x instanceof Tensor ? "a Tensor" : typeof x})`);
    }
  }
  const allBool = flat.length > 0 && flat.every((x) => typeof x === "boolean");
  return tensor(v as NestedArray<number | bigint | boolean>, { dtype: allBool ? "bool" : "int64" });
}

function isMask(t: Tensor): boolean { return t.dtype.name === "bool" || t.dtype.name === "uint8"; }

/** Python's bool index: a new dim of size 1, taken whole (true) or not at all (false). */
function boolIndex(v: boolean): Tensor { return v ? int64Tensor([0], [1]) : int64Tensor([], [0]); }

function applySelect(x: Tensor, dim: number, index: number, realDim: number): Tensor {
  if (x.dim() === 0) {
    throw new Error("invalid index of a 0-dim tensor. Use `tensor.item()` in Python or `tensor.item<T>()` in C++ to convert a 0-dim tensor to a number");
  }
  const size = x._shape[dim]!;
  if (!(size >= -index && size > index)) throw new Error(`index ${index} is out of bounds for dimension ${realDim} with size ${size}`);
  return select(x, dim, index);
}

function applySlice(x: Tensor, dim: number, s: Extract<Item, { k: "slice" }>, optimize: boolean): Tensor {
  if (x.dim() === 0) throw new Error("slice() cannot be applied to a 0-dim tensor.");
  const size = x._shape[dim]!;
  // PyTorch skips an explicit whole-dim slice (x[0:n, i]); ":" itself is still recorded.
  if (optimize && (s.start ?? 0) === 0 && s.stop === size && s.step === 1) return x;
  return slice(x, dim, s.start ?? 0, s.stop ?? size, s.step);
}

interface Resolved { result: Tensor; indices: (Tensor | null)[] }

/** PyTorch's applySlicing: views for the basic entries, and the index tensors left over. */
function applySlicing(self: Tensor, items: readonly Item[]): Resolved {
  let specified = 0, ellipses = 0;
  for (const it of items) {
    if (it.k === "tensor") specified += isMask(it.t) ? it.t.dim() : 1;
    else if (it.k === "int" || it.k === "slice") specified++;
    else if (it.k === "ellipsis") ellipses++;
  }
  if (ellipses > 1) throw new Error("an index can only have a single ellipsis");
  if (specified > self.dim()) throw new Error(`too many indices for tensor of dimension ${self.dim()}`);
  let result = self, dim = 0;
  const indices: (Tensor | null)[] = [];
  const recordIndex = (t: Tensor): void => {
    while (indices.length < dim) indices.push(null);
    indices[dim] = t;
    dim++;
  };
  items.forEach((it, realDim) => {
    switch (it.k) {
      case "int": result = applySelect(result, dim, it.v, realDim); break;
      case "slice": result = applySlice(result, dim, it, true); dim++; break;
      case "ellipsis": dim += self.dim() - specified; break;
      case "none": result = unsqueeze(result, dim); dim++; break;
      case "bool": result = unsqueeze(result, dim); recordIndex(boolIndex(it.v)); break;
      case "tensor": {
        const t = it.t;
        if (t.dim() === 0 && !t.dtype.isFloatingPoint) {
          if (!isMask(t)) result = applySelect(result, dim, Number(t.item()), realDim);
          else { result = unsqueeze(result, dim); recordIndex(boolIndex(Boolean(t.item()))); }
        } else recordIndex(t);
        break;
      }
    }
  });
  return { result, indices };
}

/** Resolves x[items]: the single-entry shortcuts of PyTorch's get_item/set_item, else applySlicing. */
function resolve(self: Tensor, items: readonly Item[], forSet: boolean): Resolved {
  if (items.length === 1) {
    const it = items[0]!;
    switch (it.k) {
      case "int": return { result: applySelect(self, 0, it.v, 0), indices: [] };
      case "slice": return { result: applySlice(self, 0, it, forSet), indices: [] };
      case "none": return { result: unsqueeze(self, 0), indices: [] };
      case "ellipsis": return { result: self, indices: [] };
      case "bool":
        if (forSet) return { result: unsqueeze(self, 0), indices: [] };
        return { result: unsqueeze(self, 0), indices: [boolIndex(it.v)] };
      default: break;
    }
  }
  return applySlicing(self, items);
}

/** at::alias: the same view, as its own tensor (AliasBackward0). */
function alias(x: Tensor): Tensor {
  if (isNamed(x)) return nameAll(aliasOf(x), namesOf(x));
  const out = makeView(x, x.shape, x.stride(), x._offset);
  return record("AliasBackward0", [x], out, ([g]) => [g]);
}

function getParsed(self: Tensor, items: readonly Item[]): Tensor {
  const { result, indices } = resolve(self, items, false);
  if (indices.length === 0) return result === self ? alias(self) : result;
  if (batching.on && anyBatched([result, indices])) return batchedOneIndex(result, indices);
  if (onDevice(result, indices)) return deviceOp("index", "index")(result, indices);
  return indexWith(result, indices);
}

/**
 * vmap's batched x[..., t, ...] with one integer index tensor t at dim d (the rest basic, already
 * applied): index_select along d of t flattened (negative indices counted from the end first),
 * t's shape put in place of d. Masks and several index tensors fall back to vmap's loop.
 */
function batchedOneIndex(x: Tensor, indices: readonly (Tensor | null)[]): Tensor {
  const d = indices.findIndex((t) => t !== null);
  const t = indices[d]!;
  if (indices.some((u, i) => i !== d && u !== null) || isMask(t) || t.dtype.isFloatingPoint) throw new VmapFallback("indexing by a mask or several index tensors");
  const n = x.shape[d]!;
  const idx = t.add(n).where(t.lt(0), t).reshape(-1);
  return x.indexSelect(d, idx).reshape([...x.shape.slice(0, d), ...t.shape, ...x.shape.slice(d + 1)]);
}

/** x.get(...): Python's x[...]. Basic indexing returns a view; index tensors copy. */
export function getItem(self: Tensor, ...index: Index[]): Tensor {
  if (isNested(self)) return nestedGetItem(self, index);
  const items = index.map(parseItem);
  // Basic indexing names its result through select/slice; PyTorch has no name rule for index tensors.
  if (isNamed(self) && items.some((it) => it.k === "tensor")) throw namedRefusal("index.Tensor");
  return getParsed(self, items);
}

/** nt[i, ...]: select of the nested dim, then the rest on that component; 1.13 has no nested slice. */
function nestedGetItem(self: Tensor, index: Index[]): Tensor {
  const [first, ...rest] = index;
  if (typeof first !== "number") throw nestedRefusal(typeof first === "string" && first.includes(":") ? "slice.Tensor" : "index.Tensor");
  const component = self.select(0, first);
  return rest.length ? getItem(component, ...rest) : component;
}

/**
 * x.getAsync(...): x.get(...) where a bool (or uint8) mask may index a device tensor. 0-d device
 * index tensors are read back first (x.get reads them); after the basic indexing, each k-dim mask
 * becomes its k columns of nonzero positions (awaited: the count is read back), as the CPU's
 * advanced indexing expands masks; the rest is x.get's differentiable indexing.
 */
export async function getItemAsync(self: Tensor, ...index: Index[]): Promise<Tensor> {
  const items = index.map(parseItem);
  if (!onDevice(self, items.map((it) => (it.k === "tensor" ? it.t : null)))) return getParsed(self, items);
  const scalarsRead: Item[] = [];
  for (const it of items) {
    if (it.k === "tensor" && it.t.dim() === 0 && !it.t.dtype.isFloatingPoint && onDevice(it.t)) {
      const v = await it.t.itemAsync();
      scalarsRead.push(isMask(it.t) ? { k: "bool", v: Boolean(v) } : { k: "int", v: Number(v) });
    } else scalarsRead.push(it);
  }
  const { result, indices } = resolve(self, scalarsRead, false);
  if (!indices.some((t) => t && isMask(t))) return getParsed(self, scalarsRead);
  const expanded: (Tensor | null)[] = [];
  for (const t of indices) {
    if (!t || !isMask(t)) { expanded.push(t); continue; }
    checkMaskShape(t, result, expanded.length);
    expanded.push(...(onDevice(t) ? await deviceOp("nonzeroAsync", "index")(t, true) as Tensor[] : nonzero(t, { asTuple: true })));
  }
  return onDevice(result, expanded) ? deviceOp("index", "index")(result, expanded) : indexWith(result, expanded);
}

// ---- x[...] = value -------------------------------------------------------------------------

function dropLeadingOnes(shape: readonly number[]): number[] {
  let i = 0;
  while (i < shape.length && shape[i] === 1) i++;
  return shape.slice(i);
}


/** PyTorch's copy_to check: value (leading 1s dropped) must broadcast to the target. */
function checkCopyShape(target: readonly number[], value: Tensor): void {
  if (value.dim() === 0) return;
  const v = dropLeadingOnes(value._shape);
  if (v.length > target.length) {
    throw new Error(`expand(torch.${scalarTypeName(value.dtype)}Tensor{${shapeStr(v)}}, size=${shapeStr(target)}): the number of sizes provided (${target.length}) must be greater or equal to the number of dimensions in the tensor (${v.length})`);
  }
  const off = target.length - v.length;
  for (let i = v.length - 1; i >= 0; i--) {
    if (v[i] !== 1 && v[i] !== target[i + off]) {
      throw new Error(`The expanded size of the tensor (${target[i + off]}) must match the existing size (${v[i]}) at non-singleton dimension ${i + off}.  Target sizes: ${shapeStr(target)}.  Tensor sizes: ${shapeStr(v)}`);
    }
  }
}

interface Write { advanced: boolean; viewed: boolean; run(): void; target: Tensor; indices: readonly (Tensor | null)[] }

/**
 * Checks x[items] = value against `base` and returns the write (nothing is written yet).
 * `cast`: the value may be converted to base's dtype (a Python scalar).
 */
function planWrite(base: Tensor, items: readonly Item[], value: Tensor, cast: boolean): Write {
  const { result: target, indices } = resolve(base, items, true);
  const viewed = target !== base;
  // Read the value before writing when it shares memory with the target (x[1:] = x[:-1]).
  const src = value.storage === base.storage ? contiguousCopy(value) : value.detach();
  if (indices.length === 0) {
    checkCopyShape(target._shape, value);
    const v = src.dim() === 0 ? src : src.view(dropLeadingOnes(src._shape));
    return { advanced: false, viewed, run: () => copyInto(target, v), target, indices };
  }
  if (onDevice(target, indices, value)) return { ...planDeviceWrite(target, indices, src, cast, viewed), target, indices };
  const defined = indices.filter((t) => t !== null);
  const maskFill = defined.length === 1 && isMask(defined[0]!) && value.numel() === 1;
  const v = src.dim() === 0 ? src : src.reshape(dropLeadingOnes(src._shape));
  // complex32 (PyTorch's CPU index_put_ takes it): planned and written on a complex64 copy, copied back.
  const wide = target.dtype === complex32 && (cast || maskFill || v.dtype === complex32) ? target.cfloat() : null;
  const plan = planAdvanced(wide ?? target, indices);
  const vals = valuesForPut(plan, wide ?? target, wide && v.dtype === complex32 ? v.cfloat() : v, cast || maskFill);
  if (wide) return { advanced: true, viewed, run: () => { putPlanned(plan, wide, vals, false); copyInto(target, wide); }, target, indices };
  return { advanced: true, viewed, run: () => putPlanned(plan, target, vals, false), target, indices };
}

/**
 * planWrite's advanced case on a device: index tensors are never read back. The device's
 * index_put (integer indices) or masked assignment (one bool mask) checks everything now; the
 * write computes the result out of place and copies it into the target.
 */
function planDeviceWrite(target: Tensor, indices: readonly (Tensor | null)[], src: Tensor, cast: boolean, viewed: boolean): Omit<Write, "target" | "indices"> {
  const v = src.dim() === 0 ? src : src.reshape(dropLeadingOnes(src._shape));
  const defined = indices.filter((t): t is Tensor => t !== null);
  let compute: () => Tensor;
  if (defined.length === 1 && isMask(defined[0]!)) {
    const m = defined[0]!;
    compute = deviceOp("planMaskedAssign", "index_put_")(target, indices.indexOf(m), m.dtype.name === "bool" ? m : m.ne(0), v, cast || v.numel() === 1);
  } else {
    compute = deviceOp("planIndexPut", "index_put_")(target, indices, v, false, cast);
  }
  return { advanced: true, viewed, run: () => copyInto(target, compute()) };
}

function setParsed(x: Tensor, items: readonly Item[], value: Tensor, cast: boolean): Tensor {
  const out = contiguousCopy(x);
  const w = planWrite(out, items, value, cast);
  w.run();
  const vShape = value.shape, vDtype = value.dtype;
  return record(w.advanced ? "IndexPutBackward0" : "torch::autograd::CopySlices", [x, value], out, ([g]) => [
    x._requiresGrad ? setParsed(g!, items, scalarOf(0, g!.dtype), true) : null,
    value._requiresGrad ? valueGradOf(g!, items, vShape, vDtype) : null,
  ]);
}

/**
 * The gradient of x[items] = value: the gradient's region at items, summed to value's shape. On a
 * device, a bool mask's region cannot be selected (its size needs a readback): the device sums
 * the selected elements straight into the value's shape.
 */
function valueGradOf(g: Tensor, items: readonly Item[], shape: number[], dtype: Tensor["dtype"]): Tensor {
  if (onDevice(g)) {
    const { result, indices } = resolve(g, items, false);
    const defined = indices.filter((t): t is Tensor => t !== null);
    if (defined.length === 1 && isMask(defined[0]!)) {
      const m = defined[0]!;
      const r = deviceOp("maskedAssignValueGrad", "index_put_")(result, indices.indexOf(m), m.dtype.name === "bool" ? m : m.ne(0), shape);
      return r.dtype === dtype ? r : r.to(dtype);
    }
  }
  return valueGrad(getParsed(g, items), shape, dtype);
}

function valueGrad(region: Tensor, shape: number[], dtype: Tensor["dtype"]): Tensor {
  const r = sumToShape(region, dropLeadingOnes(shape)).reshape(shape);
  return r.dtype === dtype ? r : r.to(dtype);
}

/**
 * The memory-overlap rule of the op PyTorch's x[items] = value runs: a 0-dim CPU value fills the
 * region (fill_: no rule); any other value of basic indexing is copied (copy_: the region repeats
 * no element and is no part of the value, unless the value is broadcast); advanced indexing is
 * masked_fill_ (one mask, one value) or index_put_, which shares nothing with value or indices.
 */
function checkSetItemOverlap(write: Write, value: Tensor): void {
  const { target, indices } = write;
  if (!write.advanced) {
    if (value.dim() === 0 && value.device.type === "cpu" && target.dim() !== 0) return;
    assertNoInternalOverlap("copy_", target);
    if (value.numel() === target.numel()) assertNoPartialOverlap("copy_", target, value);
    return;
  }
  const defined = indices.filter((t): t is Tensor => t !== null);
  if (defined.length === 1 && isMask(defined[0]!) && value.numel() === 1) {
    warnInternalOverlap("masked_fill_", target, "tensor[mask] = scalar");
    assertNoPartialOverlap("masked_fill_", target, defined[0]);
    return;
  }
  warnInternalOverlap("index_put_", target, "tensor[indices] = tensor");
  assertNoOverlap("index_put_", target, value);
  for (const t of defined) if (!isMask(t)) assertNoOverlap("index_put_", target, t);
}

/**
 * PyTorch's copy_to: x[basic indices] = value with autograd is an in-place op on the indexed view
 * (copy_, or fill_ for a 0-dim value), so its graph is PyTorch's (CopySlices over CopyBackwards on
 * the base). A value of another shape drops its leading 1s (a view) and is expanded to the view's.
 */
function copyTo(target: Tensor, value: Tensor): void {
  if (shapesEqual(target._shape, value._shape)) target.copy_(value);
  else if (value.dim() === 0) target.fill_(value);
  else {
    const v = value.view(dropLeadingOnes(value._shape));
    target.copy_(shapesEqual(v._shape, target._shape) ? v : v.expand(target.shape));
  }
}

/** x.set(indices, value): Python's x[indices] = value, in place (version bump, autograd). */
export function setItem(self: Tensor, indices: Index | Index[], value: Tensor | number | bigint | boolean | Complex): Tensor {
  const items = (Array.isArray(indices) ? indices : [indices]).map(parseItem);
  if (!(value instanceof Tensor) && typeof value !== "number" && typeof value !== "bigint" && typeof value !== "boolean" && !(value instanceof Complex)) {
    throw new Error(`can't assign a ${value === null ? "None" : typeof value} to a ${scalarTypeName(self.dtype)} tensor`);
  }
  if (isNamed(self) || (value instanceof Tensor && isNamed(value))) {
    // Basic indexing writes through a view (PyTorch's select/slice + copy_); index tensors have no name rule.
    if (items.some((it) => it.k === "tensor")) throw namedRefusal("index_put_");
    return hideNames([self, value], () => setItem(self, indices, value));
  }
  // x[False] = v does nothing at all.
  if (items.length === 1 && items[0]!.k === "bool" && !items[0]!.v) return self;
  const isScalar = !(value instanceof Tensor);
  const v = value instanceof Tensor ? value : scalarOf(value, self.dtype);
  const write = planWrite(self.detach(), items, v, isScalar);
  if (isGradEnabled() && self.isLeaf && self._requiresGrad) {
    throw new Error(write.viewed
      ? "a view of a leaf Variable that requires grad is being used in an in-place operation."
      : "a leaf Variable that requires grad is being used in an in-place operation.");
  }
  checkSetItemOverlap(write, v);
  if (!write.advanced && !tracing.on && needsGrad(self, v)) copyTo(resolve(self, items, true).result, v);
  else applyInPlace("setitem", self, [v], () => write.run(), (s) => setParsed(s, items, v, isScalar));
  // The exporter sees the whole write as one value of self: the entries (index tensors as inputs,
  // in order), and a number as a number.
  if (tracing.on) {
    const tensors = items.flatMap((it) => (it.k === "tensor" ? [it.t] : []));
    const spec = items.map((it) => (it.k === "tensor" ? { k: "tensor" } : it));
    traceOp("index_put", [self, value, ...tensors], self, { items: spec, accumulate: false });
  }
  return self;
}
