// PyTorch 1.13's TransformerEncoder "sparsity fast path": in eval mode, without gradients, with a
// src_key_padding_mask and enable_nested_tensor, it turns src into a nested tensor of each
// sequence's unpadded prefix, runs the layers on it and pads the result back with zeros (to the
// longest sequence, not to src's length). The layers' values at unpadded positions are those of
// the dense path with the mask (padded keys are masked out), so torch-ts runs the dense layers and
// then keeps the prefixes: the same output, padded positions zero.

import { Tensor } from "../../core/tensor.js";
import { bool as boolDtype } from "../../core/dtype.js";
import { isGradEnabled, noGrad } from "../../autograd/grad-mode.js";
import { isNested } from "../../core/nested-kind.js";
import { packNested } from "../../ops/nested-engine.js";
import { nestedToPadded } from "../../ops/nested-ops.js";
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
