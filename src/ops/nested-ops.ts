// The ops PyTorch 1.13's NestedTensorCPU runs (native_functions.yaml's NestedTensorCPU entries):
// add/mul, relu, gelu, softmax, matmul/bmm, linear, transpose, view/reshape, sum over the last dim,
// select/unbind of dim 0, dropout, embedding, clone. Each is reached from its dense op's entry
// point when an operand is nested, checks its arguments in 1.13's words, computes component by
// component (nested-engine.ts) and records under 1.13's node name. Backward formulas follow 1.13's
// support: relu's, gelu's and embedding's backward kernels (threshold_backward, gelu_backward,
// embedding_dense_backward) have no nested form there, so their backward refuses as 1.13's does.

import { Tensor } from "../core/tensor.js";
import { normalizeDim, numel, viewStrides } from "../core/shape.js";
import { noGrad } from "../autograd/grad-mode.js";
import { record } from "../autograd/record.js";
import type { BinarySpec } from "./pointwise-engine.js";
import {
  NestedTensor, expectBothNested, isNested, mapNested, nestedFromBuffer, nestedInPlace, nestedRefusal,
  packNested, sameNestedSizes, zipNested,
} from "./nested-engine.js";
import { noiseFor } from "../nn/functional/dropout-engine.js";
import { add, mul } from "./arithmetic.js";
import type { TensorOrScalar } from "./promotion.js";
import { Complex } from "../core/complex.js";
import { type DTypeLike, toDType } from "../core/dtype.js";

type Operand = Tensor | number | bigint | boolean;

/** A complex scalar has no nested kernel (1.13's wrapped complex number meets the same refusal). */
function realOperand(name: string, v: TensorOrScalar): Operand {
  if (v instanceof Complex) throw nestedRefusal(name);
  return v;
}

// ---- add / mul ---------------------------------------------------------------------------------

/** The component operands of a nested add/mul: the other's components, or one scalar for all. */
function binaryOperands(name: string, a: Operand, b: Operand): { self: NestedTensor; other: NestedTensor | Operand } {
  const self = isNested(a) ? a : null;
  const denseSide = (v: Operand): boolean => v instanceof Tensor && !isNested(v) && v.dim() > 0;
  if (self === null || denseSide(b)) {
    // A 0-dim tensor or a number broadcasts over a nested tensor; any other dense tensor does not.
    if (!(denseSide(a) || denseSide(b))) return { self: b as NestedTensor, other: a };
    throw expectBothNested("Expected both self and other to be nested", a);
  }
  if (!isNested(b)) return { self, other: b };
  if (!sameNestedSizes(self, b)) throw new Error(`${name} does not support broadcasting when given a NestedTensor`);
  if (!self.isContiguous() || !b.isContiguous()) throw new Error(`${name} does not support non-contiguous NestedTensor inputs`);
  return { self, other: b };
}

function componentOf(other: NestedTensor | Operand, i: number): Operand {
  return isNested(other) ? other._component(i) : other;
}

/** add/mul with a nested operand (binaryOp's entry); every other binary op refuses. */
export function nestedBinary(spec: BinarySpec, left: TensorOrScalar, right: TensorOrScalar): Tensor {
  const name = spec.name;
  if (name !== "add" && name !== "mul") throw nestedRefusal(name === "sub" || name === "div" ? `${name}.Tensor` : name);
  const a = realOperand(name, left), b = realOperand(name, right);
  const { self, other } = binaryOperands(name, a, b);
  const alpha = spec.alpha ?? 1;
  const apply = (x: Operand, y: Operand): Tensor => (name === "add" ? add(x, y, alpha) : mul(x, y));
  // A scalar operand keeps its side (add's alpha scales the second operand).
  const out = mapNested(self, (c, i) => (self === a ? apply(c, componentOf(other, i)) : apply(componentOf(other, i), c)));
  const x = a instanceof Tensor ? a : null, y = b instanceof Tensor ? b : null;
  if (name === "add") {
    return record("AddBackward0", [x, y], out, ([g]) => [x ? gradLike(g!, x) : null, y ? gradLike(alpha === 1 ? g! : g!.mul(alpha), y) : null]);
  }
  const saved = [x, y].filter((t): t is Tensor => t !== null);
  return record("MulBackward0", [x, y], out, ([g]) => [x ? gradLike(g!.mul(y ?? b), x) : null, y ? gradLike(g!.mul(x ?? a), y) : null], saved);
}

/** A nested gradient for a nested input; a 0-dim dense input gets the sum of all its elements. */
function gradLike(g: Tensor, input: Tensor): Tensor | null {
  if (!input.dtype.isDifferentiable) return null;
  // The engine's cast of a gradient to its input's dtype is _to_copy, which 1.13 refuses on nested tensors.
  if (isNested(input)) { if (g.dtype !== input.dtype) throw nestedRefusal("_to_copy"); return g; }
  const parts = (g as NestedTensor)._components().map((c) => c.sum());
  return parts.reduce((s, p) => s.add(p), input.newZeros([])).to(input.dtype);
}

/** add_/mul_ on a nested self (binaryInPlace's entry). */
export function nestedBinaryInPlace(spec: BinarySpec, self: Tensor, given: TensorOrScalar, outOfPlace: (s: Tensor) => Tensor): Tensor {
  if (!isNested(self)) throw expectBothNested("Expected both self and other to be nested", self);
  const name = spec.name;
  if (name !== "add" && name !== "mul") throw nestedRefusal(`${name}_.Tensor`);
  const other = realOperand(name, given);
  const { other: o } = binaryOperands(name, self, other);
  const alpha = spec.alpha ?? 1;
  return nestedInPlace(`${name}_`, self, [other instanceof Tensor ? other : null], () => {
    for (let i = 0; i < self._count; i++) {
      const c = self._component(i), v = componentOf(o, i) as Tensor;
      if (name === "add") c.add_(v, alpha); else c.mul_(v);
    }
  }, outOfPlace);
}

// ---- relu / gelu / softmax ---------------------------------------------------------------------

/** relu and gelu: forward per component; 1.13 has no nested backward kernel for either. */
export function nestedActivation(kind: "relu" | "gelu", x: NestedTensor, f: (c: Tensor) => Tensor): Tensor {
  const out = mapNested(x, f);
  const node = kind === "relu" ? "ReluBackward0" : "GeluBackward0";
  const backward = kind === "relu" ? "threshold_backward" : "gelu_backward";
  return record(node, [x], out, () => { throw nestedRefusal(backward); });
}

/** relu_ on a nested tensor. */
export function nestedActivationInPlace(op: string, x: NestedTensor, f_: (c: Tensor) => void, outOfPlace: (s: Tensor) => Tensor): Tensor {
  return nestedInPlace(op, x, [], () => { for (const c of x._components()) f_(c); }, outOfPlace);
}

/** softmax over any dim but the nested one; 1.13 has no nested log_softmax. */
export function nestedSoftmax(op: "softmax" | "log_softmax", x: NestedTensor, dim: unknown, dtype: unknown): Tensor {
  if (op === "log_softmax") throw nestedRefusal("_log_softmax");
  if (typeof dim !== "number" || !Number.isInteger(dim)) throw new Error(`${op}(): argument 'dim' must be int, not ${typeof dim}`);
  // softmax(dtype=) casts first: _to_copy, which 1.13 has no nested kernel for.
  if (dtype !== undefined && dtype !== null && toDType(dtype as DTypeLike) !== x.dtype) throw nestedRefusal("_to_copy");
  const d = normalizeDim(dim, x.dim());
  if (d === 0) throw new Error("Cannot apply softmax across nested dimension 0");
  const out = mapNested(x, (c) => c.softmax(d - 1));
  return record("SoftmaxBackward0", [x], out, ([g]) => [
    zipNested([g as NestedTensor, out], ([gc, yc]) => yc!.mul(gc!.sub(gc!.mul(yc!).sum(d - 1, true)))),
  ], [out]);
}

// ---- matmul / bmm / linear ---------------------------------------------------------------------

function transposeLast(x: Tensor): Tensor { return x.transpose(-1, -2); }

/** bmm of two nested tensors of 2-d components. */
export function nestedBmm(a: Tensor, b: Tensor): Tensor {
  if (!isNested(a) || !isNested(b)) throw expectBothNested("Expected both to be nested", a);
  if (a.dim() !== 3) throw new Error("batch1 must be a 3D tensor");
  if (b.dim() !== 3) throw new Error("batch2 must be a 3D tensor");
  if (b._count !== a._count) throw new Error(`Expected size for the 1st dimension of batch2 tensor to be: ${a._count} but got: ${b._count}.`);
  a._nestedSizes.forEach((s, i) => {
    const t = b._nestedSizes[i]!;
    if (s[1] !== t[0]) throw new Error(`${i}-th nested matrices in batch cannot be multiplied (${s[0]}x${s[1]} and ${t[0]}x${t[1]})`);
  });
  const out = zipNested([a, b], ([x, y]) => x!.mm(y!));
  return record("BmmBackward0", [a, b], out, ([g]) => [g!.bmm(transposeLast(b)), transposeLast(a).bmm(g!)], [a, b]);
}

/** matmul of two nested tensors: per component, with the components' batch dims matching. */
export function nestedMatmul(a: Tensor, b: Tensor): Tensor {
  if (!isNested(a) || !isNested(b)) throw expectBothNested("Expected both to be nested", a);
  for (const [t, which] of [[a, "1st"], [b, "2nd"]] as const) {
    if (t.dim() < 3) throw new Error(`matmul: For nested tensors, only inputs with >= 3 dims are currently supported. ${which} input has rank: ${t.dim()}`);
  }
  if (a._count !== b._count) throw new Error(`matmul: Expected size for the 1st dimension of 2nd input tensor to be: ${a._count} but got: ${b._count}.`);
  a._nestedSizes.forEach((s, i) => {
    const t = b._nestedSizes[i]!;
    // 1.13 goes on to print both batch-size tensors; torch-ts stops after the sentence.
    if (s.slice(0, -2).join() !== t.slice(0, -2).join()) throw new Error("matmul: For nested tensors, batch dimensions must have the same sizes, no broadcasting is currently performed.");
    if (s[s.length - 1] !== t[t.length - 2]) throw new Error(`matmul: Nested tensors cannot be matrix multiplied, last dimension of self has sizes ${s[s.length - 1]}`);
  });
  const out = zipNested([a, b], ([x, y]) => x!.matmul(y!));
  return record("MatmulBackward0", [a, b], out, ([g]) => [g!.matmul(transposeLast(b)), transposeLast(a).matmul(g!)], [a, b]);
}

/** F.linear with a nested input of 2-d components and a dense 2-d weight. */
export function nestedLinear(x: Tensor, weight: Tensor, bias: Tensor | null): Tensor {
  if (!isNested(x) || isNested(weight) || (bias !== null && isNested(bias))) throw nestedRefusal("linear");
  if (x.dim() !== 3 || weight.dim() !== 2) {
    throw new Error(`Linear requires nested_tensor.dim == 3 and dense_matrix.dim == 2. Nested tensor dim: ${x.dim()}. Dense tensor dim: ${weight.dim()}`);
  }
  const sizes = x._nestedSizes;
  const last = sizes.length ? sizes[0]![1]! : weight._shape[1]!;
  if (sizes.some((s) => s[1] !== last)) throw new Error(`Expected all tensors in nested tensor to have the same trailing dimension, instead last dimension equals:  ${last}`);
  if (last !== weight._shape[1]) {
    throw new Error(`Shape mismatch for NestedTensor Linear: Expected input's (a nested tensor) 'last_dim' to equal 'weight.size(1), but got: last_dim = ${last}, and weight.size(1) = ${weight._shape[1]}`);
  }
  const out = mapNested(x, (c) => c.matmul(weight.t()).add(bias ?? 0));
  return record("LinearBackward0", [x, weight, bias], out, ([g]) => {
    const gn = g as NestedTensor;
    // The dense parameters' gradients sum over every row of every component.
    const rows = (t: NestedTensor, width: number): Tensor => t._nestedBuffer.narrow(0, 0, t.numel()).view(-1, width);
    const gr = rows(gn.contiguous() as NestedTensor, weight._shape[0]!), xr = rows(x.contiguous() as NestedTensor, weight._shape[1]!);
    return [mapNested(gn, (c) => c.matmul(weight)), gr.t().matmul(xr), bias ? gr.sum(0) : null];
  }, [x, weight]);
}

// ---- views -------------------------------------------------------------------------------------

/** values(): the buffer itself, a view (1.13's ValuesBackwardAutogradNestedTensor0). */
export function nestedValues(x: NestedTensor): Tensor {
  const b = x._nestedBuffer;
  const out = new Tensor(b.storage, b._shape.slice(), b._strides.slice(), b._offset);
  out._base = b._base ?? b;
  out._viewHistory = out._base._historyVersion;
  return record("ValuesBackwardAutogradNestedTensor0", [x], out, ([g]) => [
    new NestedTensor(g!.contiguous(), x._nestedSizes, x._nestedStrides, x._nestedOffsets),
  ]);
}

/** transpose of two component dims: a view of the same buffer (not contiguous). */
export function nestedTranspose(x: NestedTensor, dim0: number, dim1: number): Tensor {
  const nd = x.dim();
  const a = normalizeDim(dim0, nd), b = normalizeDim(dim1, nd);
  if (a === 0 || b === 0) throw new Error("Nested tensor dimension 0 cannot be transposed");
  const swap = (v: number[]): number[] => { const r = v.slice(); [r[a - 1], r[b - 1]] = [r[b - 1]!, r[a - 1]!]; return r; };
  const out = new NestedTensor(x._nestedBuffer, x._nestedSizes.map(swap), x._nestedStrides.map(swap), x._nestedOffsets.slice());
  return record("TransposeBackward0", [x], out, ([g]) => [g!.transpose(a, b)]);
}

/**
 * view/reshape: the batch dim stays, and -1 means "the component's own size" (1.13's special size
 * rule for nested tensors), so an irregular dim can be kept; new dims are never inferred.
 */
export function nestedView(op: "view" | "reshape", x: NestedTensor, size: number[]): Tensor {
  if (size.length === 0) throw new Error("shape '[]' is invalid for a nested tensor");
  if (x._count === 0) throw new Error("empty nested tensor cannot be reshaped");
  if (size[0] !== x._count) throw new Error(`${op}: For now nested ${op} cannot change or infer the implicit batch dimension`);
  const sizes = x._nestedSizes.map((s) => inheritSizes(s, size));
  // Each component viewed in place where its strides allow (a transposed one too).
  const strides = sizes.map((s, i) => viewStrides(x._nestedSizes[i]!, x._nestedStrides[i]!, s));
  let out: NestedTensor;
  if (strides.every((st) => st !== null)) out = new NestedTensor(x._nestedBuffer, sizes, strides as number[][], x._nestedOffsets.slice());
  else if (op === "reshape") out = nestedFromBuffer(packNested(x._components(), x.dtype)._nestedBuffer, sizes);
  else throw new Error("view size is not compatible with input tensor's size and stride (at least one dimension spans across two contiguous subspaces). Use .reshape(...) instead.");
  const inSizes = x._nestedSizes;
  return record("ViewBackwardAutogradNestedTensor0", [x], out, ([g]) => [reshapeComponents(g as NestedTensor, inSizes)]);
}

/** Each component reshaped to the given sizes (view's backward, itself differentiable). */
function reshapeComponents(x: NestedTensor, sizes: readonly number[][]): Tensor {
  const out = mapNested(x, (c, i) => c.reshape(sizes[i]!));
  const back = x._nestedSizes;
  return record("ViewBackwardAutogradNestedTensor0", [x], out, ([g]) => [reshapeComponents(g as NestedTensor, back)]);
}

/** A component's new sizes: -1 takes its size at that dim (once); dims past its own are given. */
function inheritSizes(own: readonly number[], proposed: readonly number[]): number[] {
  const inner = proposed.slice(1);
  let inherited = false;
  const out = inner.map((p, d) => {
    if (p < -1) throw new Error(`invalid shape dimension ${p}`);
    if (p !== -1) return p;
    if (d >= own.length) throw new Error("nested tensor does not infer shape");
    if (inherited && inner.length > own.length) throw new Error("only one dimension can be inferred");
    inherited = true;
    return own[d]!;
  });
  const n = numel(own);
  if (numel(out) !== n) throw new Error(`shape '[${proposed.join(", ")}]' is invalid for input of size ${n}`);
  return out;
}

/** clone: a packed copy (CloneBackward0); contiguous() is x itself when packed, else this. */
export function nestedClone(x: NestedTensor): Tensor {
  const out = packNested(x._components(), x.dtype);
  return record("CloneBackward0", [x], out, ([g]) => [g]);
}

/** select of dim 0: a dense view of one component (1.13's SelectBackwardAutogradNestedTensor0). */
export function nestedSelect(x: NestedTensor, dim: number, index: number, node = "SelectBackwardAutogradNestedTensor0"): Tensor {
  const d = normalizeDim(dim, x.dim());
  if (d !== 0) throw new Error(`NestedTensor can only be selected along dimension 0 got dimension ${dim} instead.`);
  const n = x._count;
  if (!Number.isInteger(index) || index < -n || index >= n) throw new Error(`index ${index} is out of bounds for dimension 0 with size ${n}`);
  const i = index < 0 ? index + n : index;
  const c = x._component(i), b = x._nestedBuffer;
  const out = new Tensor(b.storage, c._shape, c._strides, c._offset);
  out._base = b._base ?? b;
  out._viewHistory = out._base._historyVersion;
  const sizes = x._nestedSizes;
  return record(node, [x], out, ([g]) => [
    packNested(sizes.map((s, k) => (k === i ? g! : g!.newZeros(s))), g!.dtype),
  ]);
}

/** unbind of dim 0: each component as a view (AsStridedBackward0 each, as 1.13's). */
export function nestedUnbind(x: NestedTensor, dim: number): Tensor[] {
  const d = normalizeDim(dim, x.dim());
  if (d !== 0) throw new Error(`NestedTensor can only be unbound along dimension 0 got dimension ${dim} instead.`);
  return x._nestedSizes.map((_, i) => nestedSelect(x, 0, i, "AsStridedBackward0"));
}

// ---- sum / dropout / embedding / to_padded_tensor ----------------------------------------------

/** sum over the last dim with keepdim=True, the one reduction 1.13 has. */
export function nestedSum(x: NestedTensor, dims: number[] | null, keepdim: boolean): Tensor {
  if (dims === null) throw nestedRefusal("sum");
  const nd = x.dim();
  const norm = dims.map((d) => normalizeDim(d, nd));
  if (norm.length !== 1 || norm[0] !== nd - 1) {
    throw new Error(`NestedTensor can only be reduced across the last dimension for now got dimension ${norm.find((d) => d !== nd - 1) ?? norm[0]} instead.`);
  }
  if (!keepdim) throw new Error("NestedTensor always requires keepdim=True for now.");
  const out = mapNested(x, (c) => c.sum(nd - 2, true));
  const sizes = x._nestedSizes;
  return record("SumBackwardAutogradNestedTensor0", [x], out, ([g]) => [mapNested(g as NestedTensor, (c, i) => c.expand(sizes[i]!))]);
}

/** dropout: one Bernoulli draw over the packed buffer, as 1.13's native_dropout (the dense stream). */
export function nestedDropout(x: NestedTensor, p: number, train: boolean): Tensor {
  const src = x.isContiguous() ? x : packNested(x._components(), x.dtype);
  let scaled: Tensor | null = null;
  if (train && p > 0) {
    const noise = noiseFor(src._nestedBuffer, [src.numel()], p);
    scaled = noGrad(() => (p === 1 ? noise : noise.div(1 - p)).to(x.dtype));
  }
  const mask = scaled ? nestedFromBuffer(scaled, src._nestedSizes) : null;
  const out = mask ? zipNested([src, mask], ([c, m]) => c!.mul(m!)) : packNested(src._components(), x.dtype);
  return record("NativeDropoutBackward0", [x], out, ([g]) => [mask ? zipNested([g as NestedTensor, mask], ([c, m]) => c!.mul(m!)) : g]);
}

/** F.embedding with nested indices: rows of the dense weight per component; 1.13 has no nested backward. */
export function nestedEmbedding(indices: Tensor, weight: Tensor, lookup: (idx: Tensor, w: Tensor) => Tensor): Tensor {
  if (!isNested(indices) || isNested(weight)) throw nestedRefusal("embedding");
  const out = mapNested(indices, (c) => lookup(c, weight), weight.dtype);
  return record("EmbeddingBackward0", [weight], out, () => { throw nestedRefusal("embedding_dense_backward"); });
}

/** The padded dense tensor (padding fills the gaps), at least as large as every component. */
export function nestedToPadded(x: NestedTensor, padding: number, outputSize: number[] | null): Tensor {
  if (!x.isContiguous()) throw new Error("for now to_padded_tensor only supports contiguous nested tensor");
  const padded = x._count ? x._shape.slice() : [0];
  if (x._count && x.dim() === 1) throw new Error("to_padded_tensor: nested tensors of 0-dim tensors have no padded form");
  let shape = padded;
  if (outputSize !== null) {
    if (outputSize.length !== padded.length) throw new Error("Length of output_size does not match NestedTensor dims. Broadcasting is not supported.");
    if (outputSize.some((s, i) => s < padded[i]!)) throw new Error("Value in output_size is less than NestedTensor padded size. Truncation is not supported.");
    shape = outputSize.slice();
  }
  const out = noGrad(() => {
    const dtype = x.dtype, fill = dtype.name === "bool" ? padding !== 0 : dtype.isFloatingPoint ? padding : Math.trunc(padding);
    const r = x._nestedBuffer.newFull(shape, fill);
    x._components().forEach((c, i) => {
      let region = r.select(0, i);
      c._shape.forEach((s, d) => { region = region.narrow(d, 0, s); });
      region.copy_(c);
    });
    return r;
  });
  const sizes = x._nestedSizes;
  return record("ToPaddedTensorBackward0", [x], out, ([g]) => [nestedFromPadded(g!, sizes)]);
}

/** The components' corners of a padded tensor (to_padded_tensor's backward, itself differentiable). */
function nestedFromPadded(padded: Tensor, sizes: readonly number[][]): Tensor {
  const comps = noGrad(() => sizes.map((s, i) => {
    let region = padded.select(0, i);
    s.forEach((n, d) => { region = region.narrow(d, 0, n); });
    return region;
  }));
  const out = packNested(comps, padded.dtype);
  const shape = padded._shape.slice();
  return record("NestedFromPaddedBackward0", [padded], out, ([g]) => [nestedToPadded(g as NestedTensor, 0, shape)]);
}
