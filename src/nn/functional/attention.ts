// F.scaled_dot_product_attention (PyTorch's math path) and F.multi_head_attention_forward (the
// functional behind nn.MultiheadAttention), composed of public ops so autograd follows.

import { autocasting } from "../../amp/state.js";
import { autocasts, runAutocast } from "../../amp/hook.js";
import { Tensor } from "../../core/tensor.js";
import { bool, cppTypeName, float32 } from "../../core/dtype.js";
import { type Args, bindArgs, isOptionsObject, rebind, type Rebound } from "../../ops/args.js";
import { where } from "../../ops/comparison.js";
import { cat } from "../../ops/shape-join.js";
import { baddbmm } from "../../ops/blas.js";
import { ones } from "../../ops/creation.js";
import { softmax } from "../../ops/activation.js";
import { onDevice } from "../../ops/device-hooks.js";
import { linear } from "./linear.js";
import { dropout } from "./dropout.js";
import { pad } from "./padding.js";
import { boolArg, numberArg, optTensorArg, tensorArg, torchSize, tupleStr, warnOnce } from "./loss-util.js";
import { notImplementedFor } from "../../ops/pointwise-util.js";


/** A bool mask (true = attend) as an additive float mask: 0 where true, -inf where false. */
function boolToAdditive(mask: Tensor, like: Tensor): Tensor {
  return where(mask.logicalNot(), -Infinity, like.newZeros([]));
}

/** _safe_softmax: softmax over the last dim, with rows that are all -inf giving zeros (and zero gradient). */
function safeSoftmax(x: Tensor): Tensor {
  if (onDevice(x)) {
    // No readback to test for dead rows: the masked form, equal to softmax where no row is all -inf.
    const deadRows = x.amax(-1, true).eq(-Infinity);
    return where(deadRows, 0, softmax(where(deadRows, 0, x), -1));
  }
  const dead = x.eq(-Infinity).all(-1, true);
  if (!dead.any().item()) return softmax(x, -1);
  return where(dead, 0, softmax(where(dead, 0, x), -1));
}

/** Repeats the key/value heads (dim -3) for grouped-query attention. */
function expandHeads(t: Tensor, groups: number): Tensor {
  if (groups === 1) return t;
  const s = t.shape, n = s.length;
  const e = t.unsqueeze(n - 2);
  const shape = e.shape;
  shape[n - 2] = groups;
  const out = s.slice();
  out[n - 3] = s[n - 3]! * groups;
  return e.expand(shape).reshape(out);
}

interface SdpaOptions {
  attnMask?: Tensor | null; dropoutP?: number; isCausal?: boolean; scale?: number | null; enableGqa?: boolean;
}

/**
 * F.scaled_dot_product_attention(query, key, value, attn_mask=None, dropout_p=0.0, is_causal=False,
 * *, scale=None, enable_gqa=False): softmax(q kᵀ · scale + mask) v, over (..., L, E) × (..., S, E).
 */
export function scaledDotProductAttention(query: Tensor, key: Tensor, value: Tensor, ...args: Args<[attnMask?: Tensor | null, dropoutP?: number, isCausal?: boolean], SdpaOptions>): Tensor;
export function scaledDotProductAttention<A extends Rebound<[query: Tensor, key: Tensor, value: Tensor], ["query", "key", "value"], SdpaOptions>>(...args: A): Tensor;
export function scaledDotProductAttention(query: Tensor, key: Tensor, value: Tensor,
  ...args: Args<[attnMask?: Tensor | null, dropoutP?: number, isCausal?: boolean], SdpaOptions>): Tensor {
  if (autocasting.on && autocasts("scaled_dot_product_attention", arguments)) return runAutocast(scaledDotProductAttention, arguments);
  if (arguments.length <= 3 && isOptionsObject(arguments.length === 3 ? value : arguments.length === 2 ? key : query)) return rebind(scaledDotProductAttention, "scaled_dot_product_attention", arguments, ["query", "key", "value", "attnMask", "dropoutP", "isCausal"], 3, ["scale", "enableGqa"]);
  const op = "scaled_dot_product_attention";
  const a = bindArgs(op, args, ["attnMask", "dropoutP", "isCausal"], ["scale", "enableGqa"], 3);
  const q0 = tensorArg(op, "query", 1, query), k0 = tensorArg(op, "key", 2, key), v0 = tensorArg(op, "value", 3, value);
  let mask = optTensorArg(op, "attn_mask", 4, a.attnMask);
  const dropoutP = numberArg(op, "dropout_p", a.dropoutP, 0);
  const isCausal = boolArg(op, "is_causal", a.isCausal, false);
  const scale = a.scale === undefined || a.scale === null ? null : numberArg(op, "scale", a.scale, 1);
  const enableGqa = boolArg(op, "enable_gqa", a.enableGqa, false);
  if (q0.dtype !== k0.dtype || q0.dtype !== v0.dtype) {
    throw new Error(`Expected query, key, and value to have the same dtype, but got query.dtype: ${cppTypeName(q0.dtype)} key.dtype: ${cppTypeName(k0.dtype)} and value.dtype: ${cppTypeName(v0.dtype)} instead.`);
  }
  if (q0.dim() < 2 || k0.dim() < 2 || v0.dim() < 2) {
    throw new Error(`Expected query, key, and value to all be  at least 2 dimensional, but got query.dim: ${q0.dim()} key.dim: ${k0.dim()} and value.dim: ${v0.dim()} instead.`);
  }
  if (mask && mask.dtype !== bool && mask.dtype !== float32 && mask.dtype !== q0.dtype) {
    throw new Error(`Expected attn_mask dtype to be bool or float or to match query dtype, but got attn_mask.dtype: ${cppTypeName(mask.dtype)} and  query.dtype: ${cppTypeName(q0.dtype)} instead.`);
  }
  if (!q0.dtype.isFloatingPoint) throw notImplementedFor("baddbmm", q0.dtype);
  if (mask && mask.dtype === bool) mask = boolToAdditive(mask, q0);
  const origin = q0.dtype;
  const reduced = origin.name === "float16" || origin.name === "bfloat16";
  const q = reduced ? q0.float() : q0, k = reduced ? k0.float() : k0, v = reduced ? v0.float() : v0;
  const negative = scale !== null && scale < 0;
  const s = scale === null ? 1 / Math.sqrt(q.size(-1)) : Math.abs(scale);
  const sf = Math.sqrt(s);
  const qs = q.mul(negative ? -sf : sf);
  if (isCausal) {
    if (mask) throw new Error("_scaled_dot_product_attention: Explicit attn_mask should not be set when is_causal=True");
    const L = qs.size(-2), S = k.size(-2);
    mask = boolToAdditive(ones([L, S], { dtype: bool }).tril().to(qs.device), qs);
  }
  let kx = k, vx = v;
  if (enableGqa) {
    const hq = q.size(-3), hk = k.size(-3), hv = v.size(-3);
    const equal = hq === hk && hk === hv;
    if (!equal && !(hq % hk === 0 && hq % hv === 0)) throw new Error("Number of heads in key and value must divide the number of heads in ");
    if (!equal) { kx = expandHeads(k, hq / hk); vx = expandHeads(v, hq / hv); }
  }
  let attn = qs.matmul(kx.transpose(-2, -1).mul(sf));
  if (mask) attn = attn.add(mask);
  attn = mask ? safeSoftmax(attn) : softmax(attn, -1);
  if (dropoutP > 0) attn = dropout(attn, dropoutP, true);
  const out = attn.matmul(vx);
  return reduced ? out.to(origin) : out;
}

// ---- multi_head_attention_forward -------------------------------------------------------------

/** _mha_shape_check: whether the input is batched (3-D query). */
function mhaShapeCheck(q: Tensor, k: Tensor, v: Tensor, kpm: Tensor | null, mask: Tensor | null, numHeads: number): boolean {
  if (q.dim() === 3) {
    if (!(k.dim() === 3 && v.dim() === 3)) {
      throw new Error(`For batched (3-D) \`query\`, expected \`key\` and \`value\` to be 3-D but found ${k.dim()}-D and ${v.dim()}-D tensors respectively`);
    }
    if (kpm && kpm.dim() !== 2) throw new Error(`For batched (3-D) \`query\`, expected \`key_padding_mask\` to be \`None\` or 2-D but found ${kpm.dim()}-D tensor instead`);
    if (mask && mask.dim() !== 2 && mask.dim() !== 3) throw new Error(`For batched (3-D) \`query\`, expected \`attn_mask\` to be \`None\`, 2-D or 3-D but found ${mask.dim()}-D tensor instead`);
    return true;
  }
  if (q.dim() === 2) {
    if (!(k.dim() === 2 && v.dim() === 2)) {
      throw new Error(`For unbatched (2-D) \`query\`, expected \`key\` and \`value\` to be 2-D but found ${k.dim()}-D and ${v.dim()}-D tensors respectively`);
    }
    if (kpm && kpm.dim() !== 1) throw new Error(`For unbatched (2-D) \`query\`, expected \`key_padding_mask\` to be \`None\` or 1-D but found ${kpm.dim()}-D tensor instead`);
    if (mask) {
      if (mask.dim() !== 2 && mask.dim() !== 3) throw new Error(`For unbatched (2-D) \`query\`, expected \`attn_mask\` to be \`None\`, 2-D or 3-D but found ${mask.dim()}-D tensor instead`);
      if (mask.dim() === 3) {
        const want = [numHeads, q.size(0), k.size(0)];
        if (mask.shape.some((s, i) => s !== want[i])) throw new Error(`Expected \`attn_mask\` shape to be ${tupleStr(want)} but got ${torchSize(mask.shape)}`);
      }
    }
    return false;
  }
  throw new Error(`query should be unbatched 2D or batched 3D tensor but received ${q.dim()}-D query tensor`);
}

/** _canonical_mask: bool masks become additive float masks of the query's dtype. */
function canonicalMask(mask: Tensor | null, name: string, otherType: string | null, otherName: string, like: Tensor, checkOther = true): Tensor | null {
  if (!mask) return null;
  const isFloat = mask.dtype.isFloatingPoint;
  if (mask.dtype !== bool && !isFloat) throw new Error(`only bool and floating types of ${name} are supported`);
  if (checkOther && otherType !== null && mask.dtype.name !== otherType) {
    warnOnce(`Support for mismatched ${name} and ${otherName} is deprecated. Use same type for both instead.`);
  }
  if (isFloat) return mask;
  return mask.newZeros(mask.shape, { dtype: like.dtype }).maskedFill(mask, -Infinity);
}

function sameShape(t: Tensor, shape: readonly number[]): boolean {
  return t.dim() === shape.length && t.shape.every((s, i) => s === shape[i]);
}

function assert(cond: boolean, message: string): void {
  if (!cond) throw new Error(message);
}

/** 1.13's _in_projection_packed: one linear and a chunk where q, k, v (or k, v) are one tensor. */
function inProjectionPacked(q: Tensor, k: Tensor, v: Tensor, w: Tensor, b: Tensor | null): [Tensor, Tensor, Tensor] {
  const E = q.size(-1);
  if (k === v) {
    if (q === k) return linear(q, w, b).chunk(3, -1) as [Tensor, Tensor, Tensor];
    const [wq, wkv] = w.split([E, E * 2]) as [Tensor, Tensor];
    const [bq, bkv] = b ? (b.split([E, E * 2]) as [Tensor, Tensor]) : [null, null];
    const [kp, vp] = linear(k, wkv, bkv).chunk(2, -1) as [Tensor, Tensor];
    return [linear(q, wq, bq), kp, vp];
  }
  const [wq, wk, wv] = w.chunk(3) as [Tensor, Tensor, Tensor];
  const [bq, bk, bv] = b ? (b.chunk(3) as [Tensor, Tensor, Tensor]) : [null, null, null];
  return [linear(q, wq, bq), linear(k, wk, bk), linear(v, wv, bv)];
}

function inProjection(q: Tensor, k: Tensor, v: Tensor, wq: Tensor, wk: Tensor, wv: Tensor,
  bq: Tensor | null, bk: Tensor | null, bv: Tensor | null): [Tensor, Tensor, Tensor] {
  const Eq = q.size(-1), Ek = k.size(-1), Ev = v.size(-1);
  assert(sameShape(wq, [Eq, Eq]), `expecting query weights shape of ${tupleStr([Eq, Eq])}, but got ${torchSize(wq.shape)}`);
  assert(sameShape(wk, [Eq, Ek]), `expecting key weights shape of ${tupleStr([Eq, Ek])}, but got ${torchSize(wk.shape)}`);
  assert(sameShape(wv, [Eq, Ev]), `expecting value weights shape of ${tupleStr([Eq, Ev])}, but got ${torchSize(wv.shape)}`);
  assert(!bq || sameShape(bq, [Eq]), `expecting query bias shape of ${tupleStr([Eq])}, but got ${torchSize(bq?.shape ?? [])}`);
  assert(!bk || sameShape(bk, [Eq]), `expecting key bias shape of ${tupleStr([Eq])}, but got ${torchSize(bk?.shape ?? [])}`);
  assert(!bv || sameShape(bv, [Eq]), `expecting value bias shape of ${tupleStr([Eq])}, but got ${torchSize(bv?.shape ?? [])}`);
  return [linear(q, wq, bq), linear(k, wk, bk), linear(v, wv, bv)];
}

export interface MultiHeadAttentionOptions {
  training?: boolean; keyPaddingMask?: Tensor | null; needWeights?: boolean; attnMask?: Tensor | null;
  useSeparateProjWeight?: boolean; qProjWeight?: Tensor | null; kProjWeight?: Tensor | null; vProjWeight?: Tensor | null;
  staticK?: Tensor | null; staticV?: Tensor | null; averageAttnWeights?: boolean; isCausal?: boolean;
}

/**
 * F.multi_head_attention_forward(query, key, value, embed_dim_to_check, num_heads, in_proj_weight,
 * in_proj_bias, bias_k, bias_v, add_zero_attn, dropout_p, out_proj_weight, out_proj_bias,
 * training=True, key_padding_mask=None, need_weights=True, attn_mask=None,
 * use_separate_proj_weight=False, q_proj_weight=None, k_proj_weight=None, v_proj_weight=None,
 * static_k=None, static_v=None, average_attn_weights=True, is_causal=False): inputs are
 * (L, N, E) (or unbatched (L, E)); returns [attn_output, attn_weights or null].
 */
export function multiHeadAttentionForward(query: Tensor, key: Tensor, value: Tensor, embedDimToCheck: number, numHeads: number, inProjWeight: Tensor | null, inProjBias: Tensor | null, biasK: Tensor | null, biasV: Tensor | null, addZeroAttn: boolean, dropoutP: number, outProjWeight: Tensor, outProjBias: Tensor | null, ...args: Args<[training?: boolean, keyPaddingMask?: Tensor | null, needWeights?: boolean, attnMask?: Tensor | null,
    useSeparateProjWeight?: boolean, qProjWeight?: Tensor | null, kProjWeight?: Tensor | null, vProjWeight?: Tensor | null,
    staticK?: Tensor | null, staticV?: Tensor | null, averageAttnWeights?: boolean, isCausal?: boolean], MultiHeadAttentionOptions>): [Tensor, Tensor | null];
export function multiHeadAttentionForward<A extends Rebound<[query: Tensor, key: Tensor, value: Tensor, embedDimToCheck: number, numHeads: number, inProjWeight: Tensor | null, inProjBias: Tensor | null, biasK: Tensor | null, biasV: Tensor | null, addZeroAttn: boolean, dropoutP: number, outProjWeight: Tensor, outProjBias: Tensor | null], ["query", "key", "value", "embedDimToCheck", "numHeads", "inProjWeight", "inProjBias", "biasK", "biasV", "addZeroAttn", "dropoutP", "outProjWeight", "outProjBias"], MultiHeadAttentionOptions>>(...args: A): [Tensor, Tensor | null];
export function multiHeadAttentionForward(query: Tensor, key: Tensor, value: Tensor, embedDimToCheck: number, numHeads: number,
  inProjWeight: Tensor | null, inProjBias: Tensor | null, biasK: Tensor | null, biasV: Tensor | null, addZeroAttn: boolean,
  dropoutP: number, outProjWeight: Tensor, outProjBias: Tensor | null,
  ...args: Args<[training?: boolean, keyPaddingMask?: Tensor | null, needWeights?: boolean, attnMask?: Tensor | null,
    useSeparateProjWeight?: boolean, qProjWeight?: Tensor | null, kProjWeight?: Tensor | null, vProjWeight?: Tensor | null,
    staticK?: Tensor | null, staticV?: Tensor | null, averageAttnWeights?: boolean, isCausal?: boolean], MultiHeadAttentionOptions>): [Tensor, Tensor | null] {
  if (arguments.length <= 13 && isOptionsObject(arguments.length === 13 ? outProjBias : arguments.length === 12 ? outProjWeight : arguments.length === 11 ? dropoutP : arguments.length === 10 ? addZeroAttn : arguments.length === 9 ? biasV : arguments.length === 8 ? biasK : arguments.length === 7 ? inProjBias : arguments.length === 6 ? inProjWeight : arguments.length === 5 ? numHeads : arguments.length === 4 ? embedDimToCheck : arguments.length === 3 ? value : arguments.length === 2 ? key : query)) return rebind(multiHeadAttentionForward, "multi_head_attention_forward", arguments, ["query", "key", "value", "embedDimToCheck", "numHeads", "inProjWeight", "inProjBias", "biasK", "biasV", "addZeroAttn", "dropoutP", "outProjWeight", "outProjBias", "training", "keyPaddingMask", "needWeights", "attnMask", "useSeparateProjWeight", "qProjWeight", "kProjWeight", "vProjWeight", "staticK", "staticV", "averageAttnWeights", "isCausal"], 13, []);
  const op = "multi_head_attention_forward";
  const a = bindArgs(op, args, ["training", "keyPaddingMask", "needWeights", "attnMask", "useSeparateProjWeight", "qProjWeight",
    "kProjWeight", "vProjWeight", "staticK", "staticV", "averageAttnWeights", "isCausal"], [], 13);
  let q = tensorArg(op, "query", 1, query), k = tensorArg(op, "key", 2, key), v = tensorArg(op, "value", 3, value);
  const training = boolArg(op, "training", a.training, true);
  let kpm = optTensorArg(op, "key_padding_mask", 15, a.keyPaddingMask);
  const needWeights = boolArg(op, "need_weights", a.needWeights, true);
  let mask = optTensorArg(op, "attn_mask", 17, a.attnMask);
  const separate = boolArg(op, "use_separate_proj_weight", a.useSeparateProjWeight, false);
  const staticK = optTensorArg(op, "static_k", 22, a.staticK), staticV = optTensorArg(op, "static_v", 23, a.staticV);
  const average = boolArg(op, "average_attn_weights", a.averageAttnWeights, true);
  let isCausal = boolArg(op, "is_causal", a.isCausal, false);

  const batched = mhaShapeCheck(q, k, v, kpm, mask, numHeads);
  if (!batched) {
    q = q.unsqueeze(1);
    k = k.unsqueeze(1);
    v = v.unsqueeze(1);
    if (kpm) kpm = kpm.unsqueeze(0);
  }
  const [tgtLen, bsz, embedDim] = q.shape as [number, number, number];
  let srcLen = k.size(0);
  kpm = canonicalMask(kpm, "key_padding_mask", mask ? mask.dtype.name : null, "attn_mask", q);
  if (isCausal && !mask) {
    throw new Error("Need attn_mask if specifying the is_causal hint. You may use the Transformer module method `generate_square_subsequent_mask` to create this mask.");
  }
  if (isCausal && !kpm && !needWeights) mask = null;
  else {
    mask = canonicalMask(mask, "attn_mask", null, "", q, false);
    if (kpm) isCausal = false;
  }
  assert(embedDim === embedDimToCheck, `was expecting embedding dimension of ${embedDimToCheck}, but got ${embedDim}`);
  const headDim = Math.floor(embedDim / numHeads);
  assert(headDim * numHeads === embedDim, `embed_dim ${embedDim} not divisible by num_heads ${numHeads}`);
  if (separate) {
    assert(k.size(0) === v.size(0) && k.size(1) === v.size(1), `key's sequence and batch dims ${torchSize(k.shape.slice(0, 2))} do not match value's ${torchSize(v.shape.slice(0, 2))}`);
  } else {
    assert(sameShape(k, v.shape), `key shape ${torchSize(k.shape)} does not match value shape ${torchSize(v.shape)}`);
  }

  let qp: Tensor, kp: Tensor, vp: Tensor;
  if (!separate) {
    assert(inProjWeight !== null && inProjWeight !== undefined, "use_separate_proj_weight is False but in_proj_weight is None");
    [qp, kp, vp] = inProjectionPacked(q, k, v, inProjWeight!, inProjBias ?? null);
  } else {
    const wq = optTensorArg(op, "q_proj_weight", 19, a.qProjWeight), wk = optTensorArg(op, "k_proj_weight", 20, a.kProjWeight);
    const wv = optTensorArg(op, "v_proj_weight", 21, a.vProjWeight);
    assert(wq !== null, "use_separate_proj_weight is True but q_proj_weight is None");
    assert(wk !== null, "use_separate_proj_weight is True but k_proj_weight is None");
    assert(wv !== null, "use_separate_proj_weight is True but v_proj_weight is None");
    const [bq, bk, bv] = inProjBias ? (inProjBias.chunk(3) as [Tensor, Tensor, Tensor]) : [null, null, null];
    [qp, kp, vp] = inProjection(q, k, v, wq!, wk!, wv!, bq, bk, bv);
  }

  if (mask) {
    if (mask.dim() === 2) {
      if (!sameShape(mask, [tgtLen, srcLen])) throw new Error(`The shape of the 2D attn_mask is ${torchSize(mask.shape)}, but should be ${tupleStr([tgtLen, srcLen])}.`);
      mask = mask.unsqueeze(0);
    } else if (mask.dim() === 3) {
      const want = [bsz * numHeads, tgtLen, srcLen];
      if (!sameShape(mask, want)) throw new Error(`The shape of the 3D attn_mask is ${torchSize(mask.shape)}, but should be ${tupleStr(want)}.`);
    } else {
      throw new Error(`attn_mask's dimension ${mask.dim()} is not supported`);
    }
  }

  if (biasK && biasV) {
    assert(staticK === null, "bias cannot be added to static key.");
    assert(staticV === null, "bias cannot be added to static value.");
    kp = cat([kp, biasK.repeat(1, bsz, 1)]);
    vp = cat([vp, biasV.repeat(1, bsz, 1)]);
    if (mask) mask = pad(mask, [0, 1]);
    if (kpm) kpm = pad(kpm, [0, 1]);
  } else {
    assert(!biasK, "");
    assert(!biasV, "");
  }

  qp = qp.contiguous().view(tgtLen, bsz * numHeads, headDim).transpose(0, 1);
  if (!staticK) kp = kp.contiguous().view(kp.size(0), bsz * numHeads, headDim).transpose(0, 1);
  else {
    assert(staticK.size(0) === bsz * numHeads, `expecting static_k.size(0) of ${bsz * numHeads}, but got ${staticK.size(0)}`);
    assert(staticK.size(2) === headDim, `expecting static_k.size(2) of ${headDim}, but got ${staticK.size(2)}`);
    kp = staticK;
  }
  if (!staticV) vp = vp.contiguous().view(vp.size(0), bsz * numHeads, headDim).transpose(0, 1);
  else {
    assert(staticV.size(0) === bsz * numHeads, `expecting static_v.size(0) of ${bsz * numHeads}, but got ${staticV.size(0)}`);
    assert(staticV.size(2) === headDim, `expecting static_v.size(2) of ${headDim}, but got ${staticV.size(2)}`);
    vp = staticV;
  }

  if (addZeroAttn) {
    const zshape = [bsz * numHeads, 1, headDim];
    kp = cat([kp, kp.newZeros(zshape)], 1);
    vp = cat([vp, vp.newZeros(zshape)], 1);
    if (mask) mask = pad(mask, [0, 1]);
    if (kpm) kpm = pad(kpm, [0, 1]);
  }
  srcLen = kp.size(1);

  if (kpm) {
    assert(sameShape(kpm, [bsz, srcLen]), `expecting key_padding_mask shape of ${tupleStr([bsz, srcLen])}, but got ${torchSize(kpm.shape)}`);
    const merged = kpm.view(bsz, 1, 1, srcLen).expand(-1, numHeads, -1, -1).reshape(bsz * numHeads, 1, srcLen);
    mask = mask ? mask.add(merged) : merged;
  }
  const p = training ? dropoutP : 0;

  // 1.13 computes attention here for both need_weights (q / sqrt(E), bmm, softmax, bmm): its graph.
  // Only is_causal without a mask takes scaled_dot_product_attention (2.x's causal path).
  if (needWeights || !(isCausal && !mask)) {
    const qScaled = qp.div(Math.sqrt(qp.size(2)));
    assert(!(isCausal && !mask), "FIXME: is_causal not implemented for need_weights");
    let w = mask ? baddbmm(mask, qScaled, kp.transpose(-2, -1)) : qScaled.bmm(kp.transpose(-2, -1));
    // Without weights, a row masked whole gives zeros (2.x's scaled_dot_product_attention), not NaN.
    w = mask && !needWeights ? safeSoftmax(w) : softmax(w, -1);
    if (p > 0) w = dropout(w, p);
    let out = w.bmm(vp);
    out = out.transpose(0, 1).contiguous().view(tgtLen * bsz, embedDim);
    out = linear(out, outProjWeight, outProjBias);
    out = out.view(tgtLen, bsz, out.size(1));
    if (!needWeights) return [batched ? out : out.squeeze(1), null];
    w = w.view(bsz, numHeads, tgtLen, srcLen);
    if (average) w = w.mean(1);
    if (!batched) { out = out.squeeze(1); w = w.squeeze(0); }
    return [out, w];
  }
  const q4 = qp.view(bsz, numHeads, tgtLen, headDim);
  const k4 = kp.view(bsz, numHeads, srcLen, headDim);
  const v4 = vp.view(bsz, numHeads, srcLen, headDim);
  let out = scaledDotProductAttention(q4, k4, v4, null, p, true);
  out = out.permute(2, 0, 1, 3).contiguous().view(bsz * tgtLen, embedDim);
  out = linear(out, outProjWeight, outProjBias);
  out = out.view(tgtLen, bsz, out.size(1));
  if (!batched) out = out.squeeze(1);
  return [out, null];
}
