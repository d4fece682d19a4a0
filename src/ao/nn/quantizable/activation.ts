// torch.ao.nn.quantizable.MultiheadAttention (PyTorch 1.13's quantizable/modules/activation.py):
// nn.MultiheadAttention with its projections as separate Linears (linear_Q, linear_K, linear_V,
// out_proj), the query scaling as a FloatFunctional and quant/dequant stubs around the float
// attention core, so that prepare observes each piece; and torch.ao.nn.quantized.MultiheadAttention,
// what convert makes of an observed one (quint8 in and out, bias_k/bias_v quantized tensors).
import type { Tensor } from "../../../core/tensor.js";
import { bool, float16, float32, float64, quint8, uint8 } from "../../../core/dtype.js";
import type { Module } from "../../../nn/module.js";
import { Parameter } from "../../../nn/parameter.js";
import { Linear } from "../../../nn/modules/linear.js";
import { type MhaForwardArgs, type MhaWithWeightsArgs, type MhaWithoutWeightsArgs, MultiheadAttention } from "../../../nn/modules/attention.js";
import { bindForward } from "../../../nn/modules/utils.js";
import { pad } from "../../../nn/functional/padding.js";
import { softmax } from "../../../nn/functional/activation.js";
import { dropout } from "../../../nn/functional/dropout.js";
import { noGrad } from "../../../autograd/grad-mode.js";
import { bmm } from "../../../ops/blas.js";
import { cat } from "../../../ops/shape-join.js";
import { zeros } from "../../../ops/creation.js";
import { quantizePerTensor } from "../../../ops/quantize.js";
import { chooseQuantizationParams } from "../../../ops/quantize-kernels.js";
import { FloatFunctional } from "../quantized/functional-modules.js";
import { DeQuantStub, QuantStub } from "../../quantization/stubs.js";
import type { QConfig } from "../../quantization/qconfig.js";
import { convert, prepare } from "../../quantization/quantize.js";

type Forward = (x: Tensor) => Tensor;
const run = (m: Module, x: Tensor): Tensor => (m as Module & { forward: Forward }).call(x);
type QuantizedLinearLike = Module & { weight(): Tensor; bias(): Tensor | null };

/** torch.ao.nn.quantizable.MultiheadAttention (same constructor as nn.MultiheadAttention). */
export class QuantizableMultiheadAttention extends MultiheadAttention {
  linear_Q: Linear;
  linear_K: Linear;
  linear_V: Linear;
  q_scaling_product = new FloatFunctional();
  quant_attn_output = new QuantStub();
  quant_attn_output_weights = new QuantStub();
  dequant_q = new DeQuantStub();
  dequant_k = new DeQuantStub();
  dequant_v = new DeQuantStub();

  constructor(...args: ConstructorParameters<typeof MultiheadAttention>) {
    super(...args);
    const bias = this.in_proj_bias !== null, E = this.embedDim;
    this.linear_Q = new Linear(E, E, bias);
    this.linear_K = new Linear(this.kdim, E, bias);
    this.linear_V = new Linear(this.vdim, E, bias);
    // out_proj becomes a plain Linear (it keeps its place among the submodules, as in PyTorch).
    this.out_proj = new Linear(E, E, bias);
  }

  /**
   * forward(query, key, value, key_padding_mask=None, need_weights=True, attn_mask=None,
   * average_attn_weights=True) → [attn_output, attn_weights or null]: PyTorch 1.13's _forward_impl
   * (projections, then the attention in float between dequant and quant stubs, then out_proj).
   */
  override forward(query: Tensor, key: Tensor, value: Tensor, ...args: MhaWithWeightsArgs): [Tensor, Tensor];
  override forward(query: Tensor, key: Tensor, value: Tensor, ...args: MhaWithoutWeightsArgs): [Tensor, null];
  override forward(query: Tensor, key: Tensor, value: Tensor, ...args: MhaForwardArgs): [Tensor, Tensor | null];
  override forward(query: Tensor, key: Tensor, value: Tensor, ...args: MhaForwardArgs): [Tensor, Tensor | null] {
    const a = bindForward("MultiheadAttention", args, ["keyPaddingMask", "needWeights", "attnMask", "averageAttnWeights", "isCausal"]);
    let keyPaddingMask = (a.keyPaddingMask as Tensor | null | undefined) ?? null;
    let attnMask = (a.attnMask as Tensor | null | undefined) ?? null;
    const needWeights = (a.needWeights as boolean | undefined) ?? true, average = (a.averageAttnWeights as boolean | undefined) ?? true;
    if (a.isCausal) throw new Error("causal mask not supported by AO MHA module");
    if (this.batchFirst) [query, key, value] = [query.transpose(0, 1), key.transpose(0, 1), value.transpose(0, 1)];
    if (query.dim() !== 3) throw new Error(`QuantizableMultiheadAttention: expected a 3-D query, got ${query.dim()}-D`);
    const [tgtLen, bsz, embedDimToCheck] = query.shape as [number, number, number];
    const H = this.numHeads, E = this.embedDim, headDim = Math.floor(E / H);
    if (embedDimToCheck !== E) throw new Error(`QuantizableMultiheadAttention: was expecting embedding dimension of ${E}, but got ${embedDimToCheck}`);
    if (key.size(0) !== value.size(0) || key.size(1) !== value.size(1)) throw new Error(`QuantizableMultiheadAttention: key shape ${JSON.stringify(key.shape)} does not match value shape ${JSON.stringify(value.shape)}`);
    const scaling = headDim ** -0.5;

    let q = run(this.linear_Q, query), k = run(this.linear_K, key), v = run(this.linear_V, value);
    q = this.q_scaling_product.mulScalar(q, scaling);

    if (attnMask !== null) {
      const dt = attnMask.dtype;
      if (![float32, float64, float16, uint8, bool].includes(dt)) throw new Error(`Only float, byte, and bool types are supported for attn_mask, not torch.${dt.name}`);
      if (dt === uint8) {
        console.warn("UserWarning: Byte tensor for attn_mask in nn.MultiheadAttention is deprecated. Use bool tensor instead.");
        attnMask = attnMask.to(bool);
      }
      if (attnMask.dim() === 2) {
        attnMask = attnMask.unsqueeze(0);
        if (attnMask.shape.join() !== [1, query.size(0), key.size(0)].join()) throw new Error("The size of the 2D attn_mask is not correct.");
      } else if (attnMask.dim() === 3) {
        if (attnMask.shape.join() !== [bsz * H, query.size(0), key.size(0)].join()) throw new Error("The size of the 3D attn_mask is not correct.");
      } else {
        throw new Error(`attn_mask's dimension ${attnMask.dim()} is not supported`);
      }
    }
    if (keyPaddingMask !== null && keyPaddingMask.dtype === uint8) {
      console.warn("UserWarning: Byte tensor for key_padding_mask in nn.MultiheadAttention is deprecated. Use bool tensor instead.");
      keyPaddingMask = keyPaddingMask.to(bool);
    }
    const biasK = this.bias_k as Tensor | null, biasV = this.bias_v as Tensor | null;
    if (biasK !== null && biasV !== null) {
      // PyTorch repeats bias_k over the batch; an expanded view holds the same values.
      k = cat([k, biasK.expand(1, bsz, E)]);
      v = cat([v, biasV.expand(1, bsz, E)]);
      if (attnMask !== null) attnMask = pad(attnMask, [0, 1]);
      if (keyPaddingMask !== null) keyPaddingMask = pad(keyPaddingMask, [0, 1]);
    }
    q = q.contiguous().view(tgtLen, bsz * H, headDim).transpose(0, 1);
    k = k.contiguous().view(-1, bsz * H, headDim).transpose(0, 1);
    v = v.contiguous().view(-1, bsz * H, headDim).transpose(0, 1);
    let srcLen = k.size(1);
    if (keyPaddingMask !== null && (keyPaddingMask.size(0) !== bsz || keyPaddingMask.size(1) !== srcLen)) {
      throw new Error(`QuantizableMultiheadAttention: expected key_padding_mask of shape [${bsz}, ${srcLen}], got ${JSON.stringify(keyPaddingMask.shape)}`);
    }
    if (this.addZeroAttn) {
      srcLen += 1;
      const zerosLike = (t: Tensor): Tensor => {
        const z = zeros([t.size(0), 1, ...k.shape.slice(2)]);
        return t.isQuantized ? quantizePerTensor(z, t.qScale(), t.qZeroPoint(), t.dtype) : z;
      };
      k = cat([k, zerosLike(k)], 1);
      v = cat([v, zerosLike(v)], 1);
      if (attnMask !== null) attnMask = pad(attnMask, [0, 1]);
      if (keyPaddingMask !== null) keyPaddingMask = pad(keyPaddingMask, [0, 1]);
    }

    // Leaving the quantized zone.
    q = run(this.dequant_q, q);
    k = run(this.dequant_k, k);
    v = run(this.dequant_v, v);
    let weights = bmm(q, k.transpose(1, 2));
    if (attnMask !== null) weights = attnMask.dtype === bool ? weights.maskedFill(attnMask, -Infinity) : weights.add(attnMask);
    if (keyPaddingMask !== null) {
      weights = weights.view(bsz, H, tgtLen, srcLen).maskedFill(keyPaddingMask.unsqueeze(1).unsqueeze(2), -Infinity).view(bsz * H, tgtLen, srcLen);
    }
    weights = dropout(softmax(weights, -1), { p: this.dropout, training: this.training });
    let out = bmm(weights, v);
    // PyTorch 1.13 views a batch-first result without moving the heads back (kept as it is).
    out = this.batchFirst ? out.view(bsz, tgtLen, E) : out.transpose(0, 1).contiguous().view(tgtLen, bsz, E);

    // Re-entering the quantized zone.
    out = run(this.out_proj, run(this.quant_attn_output, out));
    weights = run(this.quant_attn_output_weights, weights);
    if (!needWeights) return [out, null];
    weights = weights.view(bsz, H, tgtLen, srcLen);
    return [out, average ? weights.mean(1) : weights];
  }

  /**
   * The observed module of a float nn.MultiheadAttention with a qconfig: its weights split over
   * linear_Q/K/V, out_proj's taken over, prepared (batch_first is not carried over, as in PyTorch 1.13).
   */
  static fromFloat(other: Module): QuantizableMultiheadAttention {
    if (other.constructor !== MultiheadAttention) throw new Error(`QuantizableMultiheadAttention.from_float: expected a torch.nn.MultiheadAttention, got ${other.constructor.name}`);
    const qconfig = (other as Module & { qconfig?: QConfig | null }).qconfig;
    if (qconfig === undefined) throw new Error("The float module must have 'qconfig'");
    const f = other as MultiheadAttention, E = f.embedDim;
    const observed = new QuantizableMultiheadAttention(E, f.numHeads, f.dropout, f.in_proj_bias !== null, f.bias_k !== null, f.addZeroAttn, f.kdim, f.vdim);
    observed.bias_k = f.bias_k;
    observed.bias_v = f.bias_v;
    (observed as Module & { qconfig?: QConfig | null }).qconfig = qconfig;
    observed.out_proj.weight = f.out_proj.weight;
    observed.out_proj.bias = f.out_proj.bias;
    const projections = [observed.linear_Q, observed.linear_K, observed.linear_V];
    const weights = f._qkvSameEmbedDim ? [0, 1, 2].map((i) => f.in_proj_weight!.narrow(0, i * E, E)) : [f.q_proj_weight!, f.k_proj_weight!, f.v_proj_weight!];
    projections.forEach((lin, i) => {
      lin.weight = new Parameter(weights[i]!, weights[i]!.requiresGrad);
      lin.bias = f.in_proj_bias === null ? null : new Parameter(f.in_proj_bias.narrow(0, i * E, E), f.in_proj_bias.requiresGrad);
    });
    observed.eval();
    return prepare(observed, { inplace: true });
  }

  /** PyTorch's: the quantizable module is made from a float one only. */
  static fromObserved(_other: Module): Module {
    throw new Error("NotImplementedError: It looks like you are trying to prepare an MHA module. Please, see the examples on quantizable MHAs.");
  }
}

/** torch._choose_qparams_per_tensor(x, reduce_range=False)'s quantize_per_tensor to quint8. */
function quantizeChoosingQparams(x: Tensor, from: Tensor = x): Tensor {
  const values = from.isQuantized ? from.dequantize() : from;
  const { scale, zeroPoint } = chooseQuantizationParams(Number(values.min().item()), Number(values.max().item()), 0, 255, false);
  return quantizePerTensor(x.detach(), scale, zeroPoint, quint8);
}

/** torch.ao.nn.quantized.MultiheadAttention: an observed quantizable MultiheadAttention after convert. */
export class QuantizedMultiheadAttention extends QuantizableMultiheadAttention {
  /** PyTorch's: the quantized module is made from an observed (quantizable) one only. */
  static override fromFloat(_other: Module): never {
    throw new Error("NotImplementedError: It looks like you are trying to convert a non-observed MHA module. Please, see the examples on quantizable MHAs.");
  }

  /** The observed module's pieces quantized by their observers; bias_k and bias_v become quint8 tensors (not parameters). */
  static override fromObserved(other: Module): QuantizedMultiheadAttention {
    if (other.constructor !== QuantizableMultiheadAttention) throw new Error(`QuantizedMultiheadAttention.from_observed: expected a torch.ao.nn.quantizable.MultiheadAttention, got ${other.constructor.name}`);
    const converted = Object.setPrototypeOf(convert(other, { inplace: false, removeQconfig: true }), QuantizedMultiheadAttention.prototype) as QuantizedMultiheadAttention;
    const rec = converted as unknown as Record<string, unknown>;
    const biasK = converted.bias_k as Tensor | null, biasV = converted.bias_v as Tensor | null;
    if (biasK !== null) rec.bias_k = quantizeChoosingQparams(biasK);
    // PyTorch 1.13 chooses bias_v's parameters from the quantized bias_k (kept as it is).
    if (biasV !== null) rec.bias_v = quantizeChoosingQparams(biasV, rec.bias_k as Tensor);
    return converted;
  }

  /**
   * Back to float (PyTorch's dequantize): a QuantizableMultiheadAttention (PyTorch's float class for
   * this one) whose projections and in_proj_weight/in_proj_bias (or q/k/v_proj_weight) hold the
   * dequantized weights and the float biases, so that its forward computes with them.
   */
  dequantize(): QuantizableMultiheadAttention {
    const [lq, lk, lv, lo] = [this.linear_Q, this.linear_K, this.linear_V, this.out_proj] as unknown as QuantizedLinearLike[];
    const E = this.embedDim;
    const fp = new QuantizableMultiheadAttention(E, this.numHeads, this.dropout, lq!.bias() !== null, this.bias_k !== null, this.addZeroAttn, this.kdim, this.vdim, this.batchFirst);
    noGrad(() => {
      if (this.bias_k !== null) fp.bias_k = new Parameter((this.bias_k as Tensor).dequantize());
      if (this.bias_v !== null) fp.bias_v = new Parameter((this.bias_v as Tensor).dequantize());
      const set = (lin: Linear, q: QuantizedLinearLike): void => {
        lin.weight = new Parameter(q.weight().dequantize());
        const b = q.bias();
        lin.bias = b === null ? null : new Parameter(b.detach().clone());
      };
      set(fp.out_proj, lo!);
      [fp.linear_Q, fp.linear_K, fp.linear_V].forEach((lin, i) => set(lin, [lq!, lk!, lv!][i]!));
      const ws = [fp.linear_Q.weight, fp.linear_K.weight, fp.linear_V.weight];
      if (fp._qkvSameEmbedDim) ws.forEach((w, i) => fp.in_proj_weight!.narrow(0, i * E, E).copy_(w));
      else [fp.q_proj_weight, fp.k_proj_weight, fp.v_proj_weight] = ws.map((w) => new Parameter(w.detach()));
      if (fp.in_proj_bias !== null) [fp.linear_Q.bias, fp.linear_K.bias, fp.linear_V.bias].forEach((b, i) => fp.in_proj_bias!.narrow(0, i * E, E).copy_(b!));
    });
    return fp;
  }
}
