// torch.ao.nn.quantized.dynamic LSTM, GRU, RNNCell, LSTMCell, GRUCell: the float recurrences with
// each input and hidden projection run as torch.ops.quantized.linear_dynamic on qint8 weights
// (per-tensor, observed by the qconfig's weight observer) packed with the float biases, activations
// quantized with reduce_range (7 bits; what PyTorch 1.13 computes for the layers and the cells alike,
// measured); a layer projects the whole sequence's input at once, as PyTorch's CPU layer does.
// The float weights stay on the module (torch-ts does not write PyTorch's _all_weight_values state).
import type { Tensor } from "../../../core/tensor.js";
import type { Module } from "../../../nn/module.js";
import { GRU as FloatGRU, GRUCell as FloatGRUCell, LSTM as FloatLSTM, LSTMCell as FloatLSTMCell, RNNCell as FloatRNNCell } from "../../../nn/modules/rnn.js";
import type { LayerWeights } from "../../../nn/modules/rnn-engine.js";
import { LinearPackedParams, quantizedLinearDynamic } from "../../../ops/quantized-linear.js";
import { defaultDynamicQconfig } from "../../quantization/qconfig.js";
import type { Observed } from "./float-observed.js";
import { quantizeWeight } from "./weight.js";

/** The packed (weight, bias) of one projection, quantized by the module's qconfig (default_dynamic_qconfig if none). */
function pack(mod: Module, weight: Tensor, bias: Tensor | null): LinearPackedParams {
  const q = (mod as Module & Observed).qconfig ?? defaultDynamicQconfig;
  return new LinearPackedParams(quantizeWeight(weight, q.weight()), bias === null ? null : bias.detach().float());
}

/** The layer's weights with its dynamic quantized projections. */
function dynamicWeights(w: LayerWeights, ih: LinearPackedParams, hh: LinearPackedParams, reduceRange: boolean): LayerWeights {
  return { ...w, ih: (x) => quantizedLinearDynamic(x, ih, reduceRange), hh: (h) => quantizedLinearDynamic(h, hh, reduceRange) };
}

type FloatLayer = FloatLSTM | FloatGRU;
/** The packed projections of every layer and direction of a float LSTM / GRU, in (layer, dir) order. */
function packLayers(mod: FloatLayer): [LinearPackedParams, LinearPackedParams][] {
  const rec = mod as unknown as Record<string, Tensor | null>;
  const out: [LinearPackedParams, LinearPackedParams][] = [];
  for (let layer = 0; layer < mod.numLayers; layer++) {
    for (let dir = 0; dir < (mod.bidirectional ? 2 : 1); dir++) {
      const sfx = `_l${layer}${dir === 1 ? "_reverse" : ""}`;
      out.push([pack(mod, rec[`weight_ih${sfx}`]!, mod.bias ? rec[`bias_ih${sfx}`]! : null), pack(mod, rec[`weight_hh${sfx}`]!, mod.bias ? rec[`bias_hh${sfx}`]! : null)]);
    }
  }
  return out;
}

/** torch.ao.nn.quantized.dynamic.LSTM (from a float nn.LSTM without projections). */
export class DynamicLSTM extends FloatLSTM {
  /** @internal */ _packedLayers: [LinearPackedParams, LinearPackedParams][] = [];
  protected override layerWeights(layer: number, dir: number): LayerWeights {
    const [ih, hh] = this._packedLayers[layer * (this.bidirectional ? 2 : 1) + dir]!;
    return dynamicWeights(super.layerWeights(layer, dir), ih, hh, true);
  }
  static fromFloat(mod: Module): DynamicLSTM {
    if (!(mod instanceof FloatLSTM) || mod.projSize > 0) throw new Error("nn.quantized.dynamic.LSTM.from_float: expected a torch.nn.LSTM without projections");
    const out = new DynamicLSTM(mod.inputSize, mod.hiddenSize, { numLayers: mod.numLayers, bias: mod.bias, batchFirst: mod.batchFirst, dropout: mod.dropout, bidirectional: mod.bidirectional });
    out.loadStateDict(mod.stateDict());
    out._packedLayers = packLayers(mod);
    return out;
  }
}

/** torch.ao.nn.quantized.dynamic.GRU (from a float nn.GRU). */
export class DynamicGRU extends FloatGRU {
  /** @internal */ _packedLayers: [LinearPackedParams, LinearPackedParams][] = [];
  protected override layerWeights(layer: number, dir: number): LayerWeights {
    const [ih, hh] = this._packedLayers[layer * (this.bidirectional ? 2 : 1) + dir]!;
    return dynamicWeights(super.layerWeights(layer, dir), ih, hh, true);
  }
  static fromFloat(mod: Module): DynamicGRU {
    if (!(mod instanceof FloatGRU)) throw new Error("nn.quantized.dynamic.GRU.from_float: expected a torch.nn.GRU");
    const out = new DynamicGRU(mod.inputSize, mod.hiddenSize, { numLayers: mod.numLayers, bias: mod.bias, batchFirst: mod.batchFirst, dropout: mod.dropout, bidirectional: mod.bidirectional });
    out.loadStateDict(mod.stateDict());
    out._packedLayers = packLayers(mod);
    return out;
  }
}

type FloatCell = FloatRNNCell | FloatLSTMCell | FloatGRUCell;
function packCell(mod: FloatCell): [LinearPackedParams, LinearPackedParams] {
  return [pack(mod, mod.weight_ih, mod.bias_ih), pack(mod, mod.weight_hh, mod.bias_hh)];
}

/** torch.ao.nn.quantized.dynamic.RNNCell. */
export class DynamicRNNCell extends FloatRNNCell {
  /** @internal */ _packed: [LinearPackedParams, LinearPackedParams] | null = null;
  protected override weights(): LayerWeights { return dynamicWeights(super.weights(), this._packed![0], this._packed![1], true); }
  static fromFloat(mod: Module): DynamicRNNCell {
    if (mod.constructor !== FloatRNNCell) throw new Error("nn.quantized.dynamic.RNNCellBase.from_float only works for nn.LSTMCell, nn.GRUCell and nn.RNNCell");
    const f = mod as FloatRNNCell, out = new DynamicRNNCell(f.inputSize, f.hiddenSize, f.bias, f.nonlinearity);
    out.loadStateDict(f.stateDict());
    out._packed = packCell(f);
    return out;
  }
}

/** torch.ao.nn.quantized.dynamic.LSTMCell. */
export class DynamicLSTMCell extends FloatLSTMCell {
  /** @internal */ _packed: [LinearPackedParams, LinearPackedParams] | null = null;
  protected override weights(): LayerWeights { return dynamicWeights(super.weights(), this._packed![0], this._packed![1], true); }
  static fromFloat(mod: Module): DynamicLSTMCell {
    if (mod.constructor !== FloatLSTMCell) throw new Error("nn.quantized.dynamic.RNNCellBase.from_float only works for nn.LSTMCell, nn.GRUCell and nn.RNNCell");
    const f = mod as FloatLSTMCell, out = new DynamicLSTMCell(f.inputSize, f.hiddenSize, f.bias);
    out.loadStateDict(f.stateDict());
    out._packed = packCell(f);
    return out;
  }
}

/** torch.ao.nn.quantized.dynamic.GRUCell. */
export class DynamicGRUCell extends FloatGRUCell {
  /** @internal */ _packed: [LinearPackedParams, LinearPackedParams] | null = null;
  protected override weights(): LayerWeights { return dynamicWeights(super.weights(), this._packed![0], this._packed![1], true); }
  static fromFloat(mod: Module): DynamicGRUCell {
    if (mod.constructor !== FloatGRUCell) throw new Error("nn.quantized.dynamic.RNNCellBase.from_float only works for nn.LSTMCell, nn.GRUCell and nn.RNNCell");
    const f = mod as FloatGRUCell, out = new DynamicGRUCell(f.inputSize, f.hiddenSize, f.bias);
    out.loadStateDict(f.stateDict());
    out._packed = packCell(f);
    return out;
  }
}
