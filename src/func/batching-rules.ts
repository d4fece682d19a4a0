// Batching rules: each computes an op on BatchedTensors with ONE call of ordinary ops on their
// physical tensors (batch dim first), and wraps the result at the highest level among the
// arguments. The ops' hooks (`if (batching.on && ...) return someRule(...)`) call these after
// binding their arguments, passing a callback that runs the op itself on physical tensors, so this
// file imports no op module (no import cycle) and the op's own autograd records the physical call.
// A rule that meets a case it does not cover throws VmapFallback (vmap then runs the loop).

import { Tensor } from "../core/tensor.js";
import { VmapFallback, aligned, isBatched, maxLevel, physDim, physicalAt, wrap, materialized, type BatchedTensor } from "./batched-tensor.js";

function logicalRank(...xs: unknown[]): number {
  let r = 0;
  for (const x of xs) if (x instanceof Tensor && x._shape.length > r) r = x._shape.length;
  return r;
}

/**
 * A 0-d tensor next to a tensor of another dtype promotes by category only: a batched one's
 * physical is not 0-d, so it would promote as a dimensioned one (unbatched 0-d tensors stay 0-d,
 * and operands all batched 0-d are all dimensioned alike: those promote as they do logically).
 */
function checkZeroDimPromotion(xs: unknown[], level: number): void {
  const ts = xs.filter((x): x is Tensor => x instanceof Tensor);
  const batched0d = (t: Tensor): boolean => t._shape.length === 0 && physicalAt(t, level) !== null;
  if (!ts.some(batched0d) || ts.every(batched0d)) return;
  if (ts.some((t) => t.dtype !== ts[0]!.dtype)) throw new VmapFallback("a 0-d operand of another dtype");
}

/** Pointwise ops with broadcasting (any number of tensor or scalar operands). */
export function broadcastRule<T extends unknown[]>(xs: T, call: (...ps: unknown[]) => Tensor): Tensor {
  const level = maxLevel(...xs);
  checkZeroDimPromotion(xs, level);
  const rank = logicalRank(...xs);
  return wrap(call(...xs.map((x) => aligned(x, level, rank))), level);
}

/** An op of one tensor with no dims involved (unary pointwise, activations). */
export function unaryRule(input: BatchedTensor, call: (p: Tensor) => Tensor): Tensor {
  return wrap(call(input._physical), input._level);
}

/** A reduction over logical dims (null or []: all of them). */
export function reduceRule(input: BatchedTensor, dims: readonly number[] | null, call: (p: Tensor, dims: number[]) => Tensor): Tensor {
  const n = input._shape.length;
  if (n === 0) throw new VmapFallback("a reduction of a 0-d tensor");
  const pd = dims === null || dims.length === 0 ? Array.from({ length: n }, (_, i) => i + 1) : dims.map((d) => physDim(d, n));
  return wrap(call(input._physical, pd), input._level);
}

/** An op taking one logical dim (softmax, logSoftmax, cumsum, ...). */
export function dimRule(input: BatchedTensor, dim: number, call: (p: Tensor, dim: number) => Tensor): Tensor {
  if (input._shape.length === 0) throw new VmapFallback("a dim op on a 0-d tensor");
  return wrap(call(input._physical, physDim(dim, input._shape.length)), input._level);
}

/** view/reshape to a logical shape (one -1 allowed: the batch size is given explicitly). */
export function reshapeRule(input: BatchedTensor, shape: readonly number[]): Tensor {
  const p = input._physical;
  return wrap(p.reshape([p._shape[0]!, ...shape]), input._level);
}

export function transposeRule(input: BatchedTensor, d0: number, d1: number): Tensor {
  const n = input._shape.length;
  if (n === 0) return input;
  return wrap(input._physical.transpose(physDim(d0, n), physDim(d1, n)), input._level);
}

export function permuteRule(input: BatchedTensor, dims: readonly number[]): Tensor {
  const n = input._shape.length;
  if (dims.length !== n) throw new VmapFallback("permute with a wrong number of dims");
  return wrap(input._physical.permute([0, ...dims.map((d) => physDim(d, n))]), input._level);
}

export function unsqueezeRule(input: BatchedTensor, dim: number): Tensor {
  return wrap(input._physical.unsqueeze(dim + 1), input._level);
}

/** squeeze of the given (normalized or not) logical dims; null: every size-1 logical dim. */
export function squeezeRule(input: BatchedTensor, dims: readonly number[] | null): Tensor {
  const n = input._shape.length;
  const drop = dims === null ? input._shape.flatMap((s, i) => (s === 1 ? [i + 1] : [])) : dims.map((d) => physDim(d, n)).filter((d) => input._shape[d - 1] === 1);
  let p = input._physical;
  for (const d of [...drop].sort((a, b) => b - a)) p = p.squeeze(d);
  return wrap(p, input._level);
}

export function expandRule(input: BatchedTensor, sizes: readonly number[]): Tensor {
  const n = input._shape.length;
  if (sizes.length < n) throw new VmapFallback("expand to fewer dims");
  for (let i = 0; i < sizes.length - n; i++) if (sizes[i]! < 0) throw new VmapFallback("expand with -1 in a new dim");
  const p = aligned(input, input._level, sizes.length) as Tensor;
  return wrap(p.expand([p._shape[0]!, ...sizes]), input._level);
}

export function sliceRule(input: BatchedTensor, dim: number, start: number, end: number, step: number, call: (p: Tensor, dim: number) => Tensor): Tensor {
  void start; void end; void step;
  return wrap(call(input._physical, dim + 1), input._level);
}

export function selectRule(input: BatchedTensor, dim: number, index: number): Tensor {
  return wrap(input._physical.select(dim + 1, index), input._level);
}

/**
 * matmul's broadcasting on logical shapes: a 1-d operand gets its matrix dim as matmul does (and
 * loses it after), batched operands get size-1 dims after the batch dim up to the common rank.
 */
export function matmulRule(a: Tensor, b: Tensor, call: (x: Tensor, y: Tensor) => Tensor): Tensor {
  const level = maxLevel(a, b);
  const na = a._shape.length, nb = b._shape.length;
  if (na === 0 || nb === 0) throw new VmapFallback("matmul of a 0-d tensor");
  let x: Tensor = physicalAt(a, level) ?? a, y: Tensor = physicalAt(b, level) ?? b;
  const xb = x !== a, yb = y !== b;
  // As matrices: a vector a is [1, k], a vector b is [k, 1].
  if (na === 1) x = x.unsqueeze(xb ? 1 : 0);
  if (nb === 1) y = y.unsqueeze(-1);
  const rank = Math.max(na, 2, nb);
  // Batched operands get their batch dim left of every broadcast dim; unbatched ones broadcast
  // from the right; when only b is batched and a is a plain matrix, the batch dim broadcasts too.
  const lift = (t: Tensor, batched: boolean): Tensor => {
    if (!batched) return t;
    let r = t;
    while (r.dim() < rank + 1) r = r.unsqueeze(1);
    return r;
  };
  let out = call(lift(x, xb), lift(y, yb));
  if (nb === 1) out = out.squeeze(-1);
  if (na === 1) out = out.squeeze(-2 + (nb === 1 ? 1 : 0));
  return wrap(out, level);
}

/**
 * An op whose input is [N, ...k dims] or unbatched [...k dims] (pooling, conv with an unbatched
 * weight): a batched input folds its batch dim into N and unfolds the outputs.
 */
export function foldRule<R extends Tensor | Tensor[]>(input: BatchedTensor, k: number, call: (p: Tensor) => R): R {
  const p = input._physical, B = p._shape[0]!, n = input._shape.length;
  if (n === k) return mapOut(call(p), (o) => wrap(o, input._level)) as R;
  if (n !== k + 1) throw new VmapFallback("an input of another rank");
  const N = input._shape[0]!;
  const out = call(p.reshape([B * N, ...input._shape.slice(1)]));
  return mapOut(out, (o) => wrap(o.reshape([B, N, ...o._shape.slice(1)]), input._level)) as R;
}

function mapOut(out: Tensor | Tensor[], f: (t: Tensor) => Tensor): Tensor | Tensor[] {
  return Array.isArray(out) ? out.map(f) : f(out);
}

/**
 * conv with a batched weight (and maybe bias): the batch goes into the channels and the groups
 * (input [N, B*C, ...], weight [B*Cout, C/g, ...], groups B*g), the output unfolded.
 */
export function convRule(input: Tensor, weight: Tensor, bias: Tensor | null, groups: number, k: number,
  call: (x: Tensor, w: Tensor, b: Tensor | null, groups: number) => Tensor): Tensor {
  const level = maxLevel(input, weight, bias);
  if (physicalAt(weight, level) === null && physicalAt(bias, level) === null && isBatched(input)) {
    return foldRule(input as BatchedTensor, k + 1, (p) => call(p, weight, bias, groups));
  }
  const B = (physicalAt(weight, level) ?? physicalAt(input, level) ?? physicalAt(bias, level))!._shape[0]!;
  const unbatchedInput = input._shape.length === k + 1;
  if (!unbatchedInput && input._shape.length !== k + 2) throw new VmapFallback("conv input of another rank");
  if (weight._shape.length !== k + 2) throw new VmapFallback("conv weight of another rank");
  let x = materialized(input, level, B); // [B, N?, C, ...]
  if (unbatchedInput) x = x.unsqueeze(1);
  const N = x._shape[1]!, C = x._shape[2]!, spatial = x._shape.slice(3);
  x = x.transpose(0, 1).reshape([N, B * C, ...spatial]);
  const w = materialized(weight, level, B); // [B, Cout, C/g, ...]
  const cout = w._shape[1]!;
  const wf = w.reshape([B * cout, ...w._shape.slice(2)]);
  const bf = bias === null ? null : materialized(bias, level, B).reshape([B * cout]);
  const out = call(x, wf, bf, B * groups); // [N, B*Cout, ...]
  const o = out.reshape([N, B, cout, ...out._shape.slice(2)]).transpose(0, 1);
  return wrap(unbatchedInput ? o.squeeze(1) : o, level);
}

/**
 * nll_loss of [N, C] (or [C]) log-probabilities and [N] (or []) class indices: the per-element
 * losses in one call on [B*N, C] (a batched weight [B, C]: -x[t] * w[t] by gather), reduced per
 * batch element (mean: over the weights of the targets not ignored, as PyTorch's).
 */
export function nllRule(input: Tensor, target: Tensor, weight: Tensor | null, ignoreIndex: number, reduction: string,
  call: (x: Tensor, t: Tensor, w: Tensor | null, reduction: string) => Tensor): Tensor {
  const level = maxLevel(input, target, weight);
  const nd = input._shape.length;
  if (nd !== 1 && nd !== 2) throw new VmapFallback("nll_loss of another rank");
  if (target._shape.length !== nd - 1) throw new VmapFallback("nll_loss with a target of another rank");
  const src = (physicalAt(input, level) ?? physicalAt(target, level))!;
  const B = src._shape[0]!;
  let x = materialized(input, level, B), t = materialized(target, level, B);
  if (nd === 1) { x = x.unsqueeze(1); t = t.unsqueeze(1); }
  const N = x._shape[1]!, C = x._shape[2]!;
  const pw = physicalAt(weight, level);
  // A batched weight of another size is refused by the loop's nll_loss, in PyTorch's words.
  if (pw !== null && (weight!._shape.length !== 1 || weight!._shape[0] !== C)) throw new VmapFallback("nll_loss with a batched weight of another size");
  const kept = t.ne(ignoreIndex), safe = t.where(kept, 0);
  // The weight of each target (0 where ignored): [B, N].
  const targetWeight = (): Tensor => weight === null ? kept.to(x.dtype)
    : pw !== null ? pw.gather(1, safe).mul(kept) : weight.indexSelect(0, safe.reshape([-1])).reshape([B, N]).mul(kept);
  const per = pw === null ? call(x.reshape([B * N, C]), t.reshape([B * N]), weight, "none").reshape([B, N])
    : x.gather(2, safe.unsqueeze(2)).squeeze(2).mul(targetWeight()).neg();
  let out: Tensor;
  if (reduction === "none") out = nd === 1 ? per.squeeze(1) : per;
  else if (reduction === "sum") out = per.sum(1);
  else out = per.sum(1).div(targetWeight().sum(1));
  return wrap(out, level);
}

/** mm (rank 2) and bmm (rank 3): matmul's rule once the logical ranks are checked. */
export function mmRule(a: Tensor, b: Tensor, rank: number, call: (x: Tensor, y: Tensor) => Tensor): Tensor {
  if (a._shape.length !== rank || b._shape.length !== rank) throw new VmapFallback(rank === 2 ? "mm of a non-matrix" : "bmm of a non-3-d tensor");
  return matmulRule(a, b, call);
}

/** F.linear: a batched input alone is one linear call on its physical; otherwise input @ weight.T + bias. */
export function linearRule(input: Tensor, weight: Tensor, bias: Tensor | null, call: (x: Tensor, w: Tensor, b: Tensor | null) => Tensor): Tensor {
  const level = maxLevel(input, weight, bias);
  const p = physicalAt(input, level);
  if (p !== null && physicalAt(weight, level) === null && physicalAt(bias, level) === null) {
    if (input._shape.length === 0) throw new VmapFallback("linear of a 0-d input");
    return wrap(call(p, weight, bias), level);
  }
  if (weight._shape.length !== 2 || input._shape.length === 0) throw new VmapFallback("linear with a batched weight that is not a matrix");
  if (bias !== null && bias._shape.length !== 1) throw new VmapFallback("linear with a bias that is not 1-d");
  // One batched product: [B, M, in] @ [B, in, out] (+ bias [B, 1, out]) by bmm/baddbmm.
  const B = (physicalAt(weight, level) ?? physicalAt(bias, level) ?? physicalAt(input, level))!._shape[0]!;
  const x = materialized(input, level, B), w = materialized(weight, level, B).transpose(1, 2);
  const x3 = x.reshape([B, -1, input._shape[input._shape.length - 1]!]);
  const y = bias === null ? x3.bmm(w) : materialized(bias, level, B).unsqueeze(1).baddbmm(x3, w);
  return wrap(y.reshape([B, ...input._shape.slice(0, -1), w._shape[2]!]), level);
}

/** stack (physDim given) of tensors some of which are batched: every one materialized at the level. */
export function joinRule(ts: readonly Tensor[], physicalDim: number, call: (ps: Tensor[], dim: number) => Tensor): Tensor {
  const level = maxLevel(...ts);
  const B = ts.map((t) => physicalAt(t, level)).find((p) => p !== null)!._shape[0]!;
  return wrap(call(ts.map((t) => materialized(t, level, B)), physicalDim), level);
}

/** cat along a logical dim (all inputs of one rank: PyTorch's legacy skip of 1-d empty tensors falls back). */
export function catRule(ts: readonly Tensor[], dim: number, call: (ps: Tensor[], dim: number) => Tensor): Tensor {
  const n = ts[0]!._shape.length;
  if (n === 0 || ts.some((t) => t._shape.length !== n)) throw new VmapFallback("cat of tensors of other ranks");
  return joinRule(ts, physDim(dim, n), call);
}

/** argmax/argmin: over a logical dim, or (dim null) over each element's flattened values. */
export function argRule(input: BatchedTensor, dim: number | null | undefined, keepdim: boolean, call: (p: Tensor, dim: number, keepdim: boolean) => Tensor): Tensor {
  const p = input._physical;
  if (dim === null || dim === undefined) {
    if (keepdim) throw new VmapFallback("argmax/argmin of all dims with keepdim");
    return wrap(call(p.reshape([p._shape[0]!, -1]), 1, false), input._level);
  }
  return wrap(call(p, physDim(dim, input._shape.length), keepdim), input._level);
}

/** An op along one logical dim giving several tensors (max/min with a dim, sort, topk: values and indices). */
export function dimTupleRule(input: BatchedTensor, dim: number, call: (p: Tensor, dim: number) => Tensor[]): Tensor[] {
  if (input._shape.length === 0) throw new VmapFallback("a dim op on a 0-d tensor");
  return call(input._physical, physDim(dim, input._shape.length)).map((o) => wrap(o, input._level));
}

/** An op taking a list of logical dims (flip, roll with dims). */
export function dimsRule(input: BatchedTensor, dims: readonly number[], call: (p: Tensor, dims: number[]) => Tensor): Tensor {
  if (input._shape.length === 0) throw new VmapFallback("a dims op on a 0-d tensor");
  return wrap(call(input._physical, dims.map((d) => physDim(d, input._shape.length))), input._level);
}

/** gather: input and index of one logical rank, both given the batch dim. */
export function gatherRule(input: Tensor, dim: number, index: Tensor, call: (x: Tensor, dim: number, i: Tensor) => Tensor): Tensor {
  const level = maxLevel(input, index);
  const n = input._shape.length;
  if (n === 0 || index._shape.length !== n) throw new VmapFallback("gather of a 0-d tensor or an index of another rank");
  const B = (physicalAt(input, level) ?? physicalAt(index, level))!._shape[0]!;
  return wrap(call(materialized(input, level, B), physDim(dim, n), materialized(index, level, B)), level);
}

/**
 * index_select: a batched input alone selects along its physical dim; a batched index (each batch
 * element its own vector) becomes a gather of the input along that dim.
 */
export function indexSelectRule(input: Tensor, dim: number, index: Tensor, call: (x: Tensor, dim: number, i: Tensor) => Tensor): Tensor {
  const level = maxLevel(input, index);
  const n = input._shape.length;
  if (n === 0) throw new VmapFallback("index_select of a 0-d tensor");
  const pd = physDim(dim, n);
  const pi = physicalAt(index, level);
  if (pi === null) return wrap(call((input as BatchedTensor)._physical, pd, index), level);
  if (index._shape.length !== 1) throw new VmapFallback("index_select with a batched 0-d index");
  const B = pi._shape[0]!, k = pi._shape[1]!;
  const x = materialized(input, level, B);
  const shape = x._shape.map((s, i) => (i === pd ? k : s));
  const view = x._shape.map((_, i) => (i === 0 ? B : i === pd ? k : 1));
  // gather takes int64 indices only (index_select also int32).
  return wrap(x.gather(pd, pi.long().reshape(view).expand(shape)), level);
}

/**
 * F.embedding: an unbatched weight looks up the physical indices in one call; a batched weight
 * [B, V, D] is looked up as [B*V, D] with each batch element's indices offset by b*V (an index out
 * of [0, V) becomes -1, so the lookup still throws PyTorch's error without reading values here:
 * nested vmaps stay batched). padding_idx, scale_grad_by_freq and max_norm with a
 * batched weight fall back: their gradients or in-place renorm are per weight.
 */
export function embeddingRule(indices: Tensor, weight: Tensor, perWeightOptions: boolean, call: (i: Tensor, w: Tensor) => Tensor): Tensor {
  const level = maxLevel(indices, weight);
  const pw = physicalAt(weight, level);
  if (pw === null) return wrap(call((indices as BatchedTensor)._physical, weight), level);
  if (perWeightOptions) throw new VmapFallback("embedding of a batched weight with padding_idx, scale_grad_by_freq or max_norm");
  const B = pw._shape[0]!, V = pw._shape[1]!, D = pw._shape[2]!;
  const pi = materialized(indices, level, B);
  const offsets = pi.newTensor(Array.from({ length: B }, (_, b) => b * V)).reshape([B, ...pi._shape.slice(1).map(() => 1)]);
  const flat = pi.add(offsets).where(pi.ge(0).logicalAnd(pi.lt(V)), -1);
  return wrap(call(flat, pw.reshape([B * V, D])), level);
}
