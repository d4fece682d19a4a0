// MultiheadAttention (PyTorch keeps it in activation.py): packed in_proj_weight when
// kdim == vdim == embed_dim, else q/k/v_proj_weight; out_proj is a NonDynamicallyQuantizableLinear
// (a Linear that prints under that name). Initialisation follows PyTorch's order: out_proj's own
// Linear init, then xavier_uniform_ on the input projections and zero biases.

import { isNested } from "../../core/nested-kind.js";
import { attentionSlowReason, nestedAttention } from "./transformer-nested.js";
import type { Tensor } from "../../core/tensor.js";
import { type Args } from "../../ops/args.js";
import { empty } from "../../ops/creation.js";
import { Module } from "../module.js";
import { Parameter } from "../parameter.js";
import * as init from "../init.js";
import * as F from "../functional/index.js";
import { Linear } from "./linear.js";
import { type FactoryOptions, bindCtor, bindForward, factory, placeOnDevice, pyRepr } from "./utils.js";

/** PyTorch's NonDynamicallyQuantizableLinear: a Linear (only its name differs, for quantization tooling). */
export class NonDynamicallyQuantizableLinear extends Linear {}

export interface MultiheadAttentionOptions extends FactoryOptions {
  embedDim?: number;
  numHeads?: number;
  dropout?: number;
  bias?: boolean;
  addBiasKv?: boolean;
  addZeroAttn?: boolean;
  kdim?: number | null;
  vdim?: number | null;
  batchFirst?: boolean;
}

export interface MultiheadAttentionForwardOptions {
  query?: Tensor;
  key?: Tensor;
  value?: Tensor;
  keyPaddingMask?: Tensor | null;
  needWeights?: boolean;
  attnMask?: Tensor | null;
  averageAttnWeights?: boolean;
  isCausal?: boolean;
}

export type MhaForwardArgs = Args<[keyPaddingMask?: Tensor | null, needWeights?: boolean, attnMask?: Tensor | null, averageAttnWeights?: boolean, isCausal?: boolean], MultiheadAttentionForwardOptions>;
/** The arguments with needWeights left out or true: the weights come back. */
export type MhaWithWeightsArgs = Args<[keyPaddingMask?: Tensor | null, needWeights?: true, attnMask?: Tensor | null, averageAttnWeights?: boolean, isCausal?: boolean], MultiheadAttentionForwardOptions & { needWeights?: true }>;
/** The arguments with needWeights false (positionally or as an option): the weights are null. */
export type MhaWithoutWeightsArgs =
  | [options: MultiheadAttentionForwardOptions & { needWeights: false }]
  | [keyPaddingMask: Tensor | null | undefined, options: MultiheadAttentionForwardOptions & { needWeights: false }]
  | [keyPaddingMask: Tensor | null | undefined, needWeights: false, ...rest: Args<[attnMask?: Tensor | null, averageAttnWeights?: boolean, isCausal?: boolean], MultiheadAttentionForwardOptions>];

export class MultiheadAttention extends Module {
  readonly embedDim: number;
  readonly kdim: number;
  readonly vdim: number;
  readonly _qkvSameEmbedDim: boolean;
  readonly numHeads: number;
  readonly dropout: number;
  readonly batchFirst: boolean;
  readonly headDim: number;
  in_proj_weight: Parameter | null;
  q_proj_weight: Parameter | null;
  k_proj_weight: Parameter | null;
  v_proj_weight: Parameter | null;
  in_proj_bias: Parameter | null;
  out_proj: NonDynamicallyQuantizableLinear;
  bias_k: Parameter | null;
  bias_v: Parameter | null;
  readonly addZeroAttn: boolean;

  constructor(...args: Args<[embedDim: number, numHeads: number, dropout?: number, bias?: boolean, addBiasKv?: boolean, addZeroAttn?: boolean, kdim?: number | null, vdim?: number | null, batchFirst?: boolean], MultiheadAttentionOptions>) {
    super();
    const a = bindCtor("MultiheadAttention", args, ["embedDim", "numHeads", "dropout", "bias", "addBiasKv", "addZeroAttn", "kdim", "vdim", "batchFirst", "device", "dtype"], 2);
    const E = a.embedDim as number, H = a.numHeads as number;
    if (typeof E !== "number" || typeof H !== "number" || !(E > 0) || !(H > 0)) {
      throw new Error(`embed_dim and num_heads must be greater than 0, got embed_dim=${pyRepr(E)} and num_heads=${pyRepr(H)} instead`);
    }
    this.embedDim = E;
    this.kdim = (a.kdim as number | null | undefined) ?? E;
    this.vdim = (a.vdim as number | null | undefined) ?? E;
    this._qkvSameEmbedDim = this.kdim === E && this.vdim === E;
    this.numHeads = H;
    this.dropout = (a.dropout as number | undefined) ?? 0;
    this.batchFirst = (a.batchFirst as boolean | undefined) ?? false;
    this.headDim = Math.floor(E / H);
    if (this.headDim * H !== E) throw new Error("embed_dim must be divisible by num_heads");
    const fk = factory(a);
    this.in_proj_weight = null;
    this.q_proj_weight = null;
    this.k_proj_weight = null;
    this.v_proj_weight = null;
    if (!this._qkvSameEmbedDim) {
      this.q_proj_weight = new Parameter(empty([E, E], fk));
      this.k_proj_weight = new Parameter(empty([E, this.kdim], fk));
      this.v_proj_weight = new Parameter(empty([E, this.vdim], fk));
      this.registerParameter("in_proj_weight", null);
    } else {
      this.in_proj_weight = new Parameter(empty([3 * E, E], fk));
      this.registerParameter("q_proj_weight", null);
      this.registerParameter("k_proj_weight", null);
      this.registerParameter("v_proj_weight", null);
    }
    const bias = (a.bias as boolean | undefined) ?? true;
    this.in_proj_bias = null;
    if (bias) this.in_proj_bias = new Parameter(empty([3 * E], fk));
    else this.registerParameter("in_proj_bias", null);
    this.out_proj = new NonDynamicallyQuantizableLinear(E, E, { bias, ...fk });
    this.bias_k = null;
    this.bias_v = null;
    if ((a.addBiasKv as boolean | undefined) ?? false) {
      this.bias_k = new Parameter(empty([1, 1, E], fk));
      this.bias_v = new Parameter(empty([1, 1, E], fk));
    } else {
      this.registerParameter("bias_k", null);
      this.registerParameter("bias_v", null);
    }
    this.addZeroAttn = (a.addZeroAttn as boolean | undefined) ?? false;
    this._resetParameters();
    placeOnDevice(this, a);
  }

  get inProjWeight(): Parameter | null { return this.in_proj_weight; }
  get qProjWeight(): Parameter | null { return this.q_proj_weight; }
  get kProjWeight(): Parameter | null { return this.k_proj_weight; }
  get vProjWeight(): Parameter | null { return this.v_proj_weight; }
  get inProjBias(): Parameter | null { return this.in_proj_bias; }
  get outProj(): NonDynamicallyQuantizableLinear { return this.out_proj; }
  get biasK(): Parameter | null { return this.bias_k; }
  get biasV(): Parameter | null { return this.bias_v; }

  _resetParameters(): void {
    if (this._qkvSameEmbedDim) init.xavierUniform_(this.in_proj_weight!);
    else {
      init.xavierUniform_(this.q_proj_weight!);
      init.xavierUniform_(this.k_proj_weight!);
      init.xavierUniform_(this.v_proj_weight!);
    }
    if (this.in_proj_bias) {
      init.constant_(this.in_proj_bias, 0);
      if (this.out_proj.bias) init.constant_(this.out_proj.bias, 0);
    }
    if (this.bias_k) init.xavierNormal_(this.bias_k);
    if (this.bias_v) init.xavierNormal_(this.bias_v);
  }

  /**
   * forward(query, key, value, key_padding_mask=None, need_weights=True, attn_mask=None,
   * average_attn_weights=True, is_causal=False) → [attn_output, attn_weights or null].
   */
  override forward(query: Tensor, key: Tensor, value: Tensor, ...args: MhaWithWeightsArgs): [Tensor, Tensor];
  override forward(query: Tensor, key: Tensor, value: Tensor, ...args: MhaWithoutWeightsArgs): [Tensor, null];
  override forward(query: Tensor, key: Tensor, value: Tensor, ...args: MhaForwardArgs): [Tensor, Tensor | null];
  override forward(query: Tensor, key: Tensor, value: Tensor, ...args: MhaForwardArgs): [Tensor, Tensor | null] {
    const a = bindForward("MultiheadAttention", args, ["keyPaddingMask", "needWeights", "attnMask", "averageAttnWeights", "isCausal"]);
    if (isNested(query) || isNested(key) || isNested(value)) {
      if (!isNested(query)) throw new Error(`MultiheadAttention does not support NestedTensor outside of its fast path. The fast path was not hit because ${attentionSlowReason(this, query, key, value, null, null) || "query is not nested"}`);
      return nestedAttention(this, query, (a.keyPaddingMask as Tensor | null | undefined) ?? null, (a.attnMask as Tensor | null | undefined) ?? null,
        (a.needWeights as boolean | undefined) ?? true, (a.averageAttnWeights as boolean | undefined) ?? true, key, value);
    }
    const batched = query.dim() === 3;
    let q = query, k = key, v = value;
    if (this.batchFirst && batched) {
      q = q.transpose(1, 0);
      k = k === query ? q : k.transpose(1, 0);
      v = v === key ? k : v === query ? q : v.transpose(1, 0);
    }
    const same = this._qkvSameEmbedDim;
    const [out, weights] = F.multiHeadAttentionForward(
      q, k, v, this.embedDim, this.numHeads, this.in_proj_weight, this.in_proj_bias, this.bias_k, this.bias_v,
      this.addZeroAttn, this.dropout, this.out_proj.weight, this.out_proj.bias,
      {
        training: this.training,
        keyPaddingMask: (a.keyPaddingMask as Tensor | null | undefined) ?? null,
        needWeights: (a.needWeights as boolean | undefined) ?? true,
        attnMask: (a.attnMask as Tensor | null | undefined) ?? null,
        useSeparateProjWeight: !same,
        qProjWeight: this.q_proj_weight,
        kProjWeight: this.k_proj_weight,
        vProjWeight: this.v_proj_weight,
        averageAttnWeights: (a.averageAttnWeights as boolean | undefined) ?? true,
        isCausal: (a.isCausal as boolean | undefined) ?? false,
      },
    );
    return [this.batchFirst && batched ? out.transpose(1, 0) : out, weights ?? null];
  }
}
