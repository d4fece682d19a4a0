// PyTorch 1.13's fast paths of the transformer modules where nested tensors appear.
// TransformerEncoder's "sparsity fast path": in eval mode, without gradients, with a
// src_key_padding_mask and enable_nested_tensor, it turns src into a nested tensor of each
// sequence's unpadded prefix, runs the layers on it and pads the result back with zeros (to the
// longest sequence, not to src's length). The layers' values at unpadded positions are those of
// the dense path with the mask (padded keys are masked out), so torch-ts runs the dense layers and
// then keeps the prefixes: the same output, padded positions zero.
// TransformerEncoderLayer and MultiheadAttention take a nested input only on their fast paths
// (eval, no gradients, ...): each sequence alone is a batch of one there, which torch-ts runs
// through the dense module; elsewhere they refuse as 1.13 does.

import { Tensor } from "../../core/tensor.js";
import { bool as boolDtype } from "../../core/dtype.js";
import { isGradEnabled, noGrad } from "../../autograd/grad-mode.js";
import { isNested } from "../../core/nested-kind.js";
import { type NestedTensor, mapNested, packNested } from "../../ops/nested-engine.js";
import { nestedToPadded } from "../../ops/nested-ops.js";
import { nestedRefusal } from "../../ops/nested-engine.js";
import * as F from "../functional/index.js";
import { Module } from "../module.js";
import { ReLU, GELU } from "./activation.js";
import type { MultiheadAttention } from "./attention.js";
import type { LayerNorm } from "./normalization.js";

/** What 1.13 reads of the first layer. */
export interface FastPathLayer extends Module {
  self_attn: MultiheadAttention;
  normFirst: boolean;
  norm1: LayerNorm;
  norm2: LayerNorm;
  linear1: Module;
  linear2: Module;
  activation: ((x: Tensor) => Tensor) | Module;
}

/**
 * The unpadded length of each sequence when 1.13 would take the fast path, else null. `valid` is
 * the mask's logical_not; with maskCheck, each row must be a run of valid positions then padding.
 */
export function fastPathLengths(first: FastPathLayer | null, src: Tensor, mask: Tensor | null, keyPaddingMask: Tensor | null, enabled: boolean, maskCheck: boolean): number[] | null {
  if (!first || first.normFirst || first.training) return null;
  const attn = first.self_attn;
  if (!attn.batchFirst || !attn._qkvSameEmbedDim) return null;
  const act = first.activation;
  if (!(act === F.relu || act === F.gelu || act instanceof ReLU || act instanceof GELU)) return null;
  if (first.norm1.eps !== first.norm2.eps || src.dim() !== 3 || !enabled || keyPaddingMask === null) return null;
  if (isNested(src) || mask !== null || attn.numHeads % 2 === 1) return null;
  // 1.13 asks is_autocast_enabled(), which is CUDA's: never on for a CPU tensor.
  if (src.device.type !== "cpu") return null;
  if (isGradEnabled() && [src, ...first.parameters()].some((t) => t.requiresGrad)) return null;
  const rows = keyPaddingMask.tolist() as (number | boolean)[][];
  const valid = rows.map((r) => r.map((v) => (keyPaddingMask.dtype === boolDtype ? !v : v === 0)));
  if (maskCheck && !valid.every((r) => r.every((v, i) => v || !r.slice(i).some(Boolean)))) return null;
  return valid.map((r) => r.filter(Boolean).length);
}

/** The layers' dense output cut to each sequence's prefix and padded with zeros (to_padded_tensor(0.)). */
export function padToLengths(out: Tensor, lengths: number[]): Tensor {
  return noGrad(() => nestedToPadded(packNested(lengths.map((n, i) => out.select(0, i).narrow(0, 0, n)), out.dtype), 0, null));
}

function gradWanted(tensors: readonly Tensor[]): boolean {
  return isGradEnabled() && tensors.some((t) => t.requiresGrad);
}

/** Why 1.13's MultiheadAttention would not take its fast path ("" when it would). */
export function attentionSlowReason(mha: MultiheadAttention, query: Tensor, key: Tensor, value: Tensor, keyPaddingMask: Tensor | null, attnMask: Tensor | null): string {
  if (query.dim() !== 3) return `input not batched; expected query.dim() of 3 but got ${query.dim()}`;
  if (query !== key || key !== value) return "non-self attention was used (query, key, and value are not the same Tensor)";
  if (mha.training) return "training is enabled";
  if (!mha.batchFirst) return "batch_first was not True";
  if (mha.bias_k) return "self.bias_k was not None";
  if (mha.bias_v) return "self.bias_v was not None";
  if (mha.dropout) return `dropout was ${mha.dropout}, required zero`;
  if (mha.addZeroAttn) return "add_zero_attn was enabled";
  if (!mha._qkvSameEmbedDim) return "_qkv_same_embed_dim was not True";
  if (attnMask) return "attn_mask was not None";
  if (isNested(query) && keyPaddingMask) return "key_padding_mask is not supported with NestedTensor input";
  if (mha.numHeads % 2 === 1) return "num_heads is odd";
  if (gradWanted([query, ...mha.parameters()])) return "grad is enabled and at least one of query or the input/output projection weights or biases requires_grad";
  return "";
}

function attentionRefusal(reason: string): Error {
  return new Error(`MultiheadAttention does not support NestedTensor outside of its fast path. The fast path was not hit because ${reason}`);
}

/**
 * MultiheadAttention on a nested query (= key = value): each sequence attends over itself; the
 * weights, when asked for, come padded with zeros (N, L, L), or (N, H, L, L) per head.
 */
export function nestedAttention(mha: MultiheadAttention, x: NestedTensor, keyPaddingMask: Tensor | null, attnMask: Tensor | null, needWeights: boolean, averageAttnWeights: boolean, key: Tensor, value: Tensor): [Tensor, Tensor | null] {
  const reason = attentionSlowReason(mha, x, key, value, keyPaddingMask, attnMask);
  if (reason) throw attentionRefusal(reason);
  const weights: Tensor[] = [];
  const out = mapNested(x, (c) => {
    const q = c.unsqueeze(0);
    const [o, w] = mha.forward(q, q, q, { needWeights, averageAttnWeights });
    if (w) weights.push(w.squeeze(0));
    return o.squeeze(0);
  });
  return [out, needWeights ? noGrad(() => nestedToPadded(packNested(weights, x.dtype), 0, null)) : null];
}

/** What 1.13's TransformerEncoderLayer reads to choose its fast path. */
export interface EncoderLayerLike extends FastPathLayer {
  forward(src: Tensor, options: { srcMask?: Tensor | null; srcKeyPaddingMask?: Tensor | null }): Tensor;
}

/**
 * TransformerEncoderLayer on a nested src: on 1.13's fast path each sequence runs alone; off it,
 * the dense path hands the nested tensor to self_attn (refused with its reason) or, past it, to
 * layer_norm (refused).
 */
export function nestedEncoderLayer(layer: EncoderLayerLike, src: NestedTensor, srcMask: Tensor | null, keyPaddingMask: Tensor | null): Tensor {
  const attn = layer.self_attn;
  const act = layer.activation;
  const layerFast = src.dim() === 3 && !layer.training && attn.batchFirst && attn._qkvSameEmbedDim &&
    (act === F.relu || act === F.gelu || act instanceof ReLU || act instanceof GELU) && layer.norm1.eps === layer.norm2.eps &&
    !srcMask && !keyPaddingMask && attn.numHeads % 2 === 0 && !gradWanted([src, ...layer.parameters()]);
  if (!layerFast) {
    const reason = attentionSlowReason(attn, src, src, src, keyPaddingMask, srcMask);
    if (reason) throw attentionRefusal(reason);
    throw nestedRefusal("native_layer_norm");
  }
  return mapNested(src, (c) => layer.forward(c.unsqueeze(0), {}).squeeze(0));
}
