// torch.ao.nn.quantized.dynamic LSTM, GRU, RNNCell, LSTMCell, GRUCell: the float recurrences with
// each input and hidden projection run as torch.ops.quantized.linear_dynamic on qint8 weights
// (per-tensor, observed by the qconfig's weight observer) packed with the float biases, activations
// quantized with reduce_range (7 bits; what PyTorch 1.13 computes for the layers and the cells alike,
// measured); a layer projects the whole sequence's input at once, as PyTorch's CPU layer does.
// The modules hold only the packed weights, and their state_dict is PyTorch's: an LSTM/GRU's
// `_all_weight_values.N.param` per layer and direction, a cell's `_packed_weight_ih`/`_packed_weight_hh`.
import type { Tensor } from "../../../core/tensor.js";
import { type DType, float16, float32, qint8 } from "../../../core/dtype.js";
import type { Module } from "../../../nn/module.js";
import { GRU as FloatGRU, GRUCell as FloatGRUCell, LSTM as FloatLSTM, LSTMCell as FloatLSTMCell, RNNCell as FloatRNNCell, type RNNBase, type RNNCellBase } from "../../../nn/modules/rnn.js";
import type { LayerWeights } from "../../../nn/modules/rnn-engine.js";
import { LinearPackedParams, fp16Refusal, quantizedLinearDynamic } from "../../../ops/quantized-linear.js";
import { defaultDynamicQconfig } from "../../quantization/qconfig.js";
import type { Observed } from "./float-observed.js";
import { quantizeWeight } from "./weight.js";

/** The packed input and hidden projections of one layer and direction (or of a cell). */
export type Pair = [LinearPackedParams, LinearPackedParams];

/** The packed (weight, bias) of one projection, quantized by the module's qconfig (default_dynamic_qconfig if none). */
function pack(mod: Module, weight: Tensor, bias: Tensor | null): LinearPackedParams {
  const q = (mod as Module & Observed).qconfig ?? defaultDynamicQconfig;
  const observer = q.weight(), dtype = (observer as { dtype?: DType }).dtype;
  // float16 weights (float16_dynamic_qconfig): PyTorch packs them with fbgemm, which its onednn build lacks.
  if (dtype === float16) throw fp16Refusal();
  if (dtype !== undefined && dtype !== qint8) throw new Error(`Unsupported dtype for dynamic RNN quantization: ${dtype}`);
  return new LinearPackedParams(quantizeWeight(weight, observer), bias === null ? null : bias.detach().float());
}

/** The layer's weights: the quantized ones, projected by the dynamic quantized linear. */
export function dynamicWeights([ih, hh]: Pair): LayerWeights {
  return {
    wIh: ih.weight, wHh: hh.weight, bIh: ih.bias, bHh: hh.bias, wHr: null,
    ih: (x) => quantizedLinearDynamic(x, ih, true), hh: (h) => quantizedLinearDynamic(h, hh, true),
  };
}

/** The float parameters a dynamic module drops once its weights are packed. */
function dropFloatWeights(mod: Module, names: readonly string[]): void {
  for (const n of names) delete (mod as unknown as Record<string, unknown>)[n];
}

/**
 * One layer and direction as PyTorch's CellParams state (what `_all_weight_values.N.param` pickles):
 * ("quantized_dynamic", [bias_ih, bias_hh], [], [reduce_range], [(w_ih, b_ih), (w_hh, b_hh)]).
 */
export type CellParamsState = [string, (Tensor | null)[], number[], number[], [Tensor, Tensor | null][]];

function cellParamsState([ih, hh]: Pair): CellParamsState {
  return ["quantized_dynamic", [ih.bias, hh.bias], [], [1], [[ih.weight, ih.bias], [hh.weight, hh.bias]]];
}

/** A (weight, bias) pair of a state dict as packed params, or PyTorch-like refusal. */
function packedFrom(v: unknown, what: string): LinearPackedParams {
  if (!Array.isArray(v) || v.length < 1) throw new Error(`${what}: expected a packed (weight, bias) pair`);
  return new LinearPackedParams(v[0] as Tensor, (v[1] as Tensor | null | undefined) ?? null);
}

export function pairFromState(v: unknown, what: string): Pair {
  // PyTorch rebuilds "quantized_dynamic_fp16" CellParams with linear_prepack_fp16, which its onednn build refuses.
  if (Array.isArray(v) && v[0] === "quantized_dynamic_fp16") throw fp16Refusal();
  if (!Array.isArray(v) || v[0] !== "quantized_dynamic" || !Array.isArray(v[4]) || v[4].length !== 2) {
    throw new Error(`${what}: expected the state of a quantized_dynamic CellParams ("quantized_dynamic", tensors, doubles, longs, packed params)`);
  }
  return [packedFrom(v[4][0], what), packedFrom(v[4][1], what)];
}

type FloatLayer = FloatLSTM | FloatGRU;
/** The packed projections of every layer and direction of a float LSTM / GRU, in (layer, dir) order. */
function packLayers(mod: FloatLayer): Pair[] {
  const rec = mod as unknown as Record<string, Tensor | null>;
  const out: Pair[] = [];
  for (let layer = 0; layer < mod.numLayers; layer++) {
    for (let dir = 0; dir < (mod.bidirectional ? 2 : 1); dir++) {
      const sfx = `_l${layer}${dir === 1 ? "_reverse" : ""}`;
      out.push([pack(mod, rec[`weight_ih${sfx}`]!, mod.bias ? rec[`bias_ih${sfx}`]! : null), pack(mod, rec[`weight_hh${sfx}`]!, mod.bias ? rec[`bias_hh${sfx}`]! : null)]);
    }
  }
  return out;
}

/** The state_dict entries of the packed layers, as PyTorch's `_all_weight_values` ModuleList of PackedParameter. */
const layerState = (packed: Pair[]): [string, unknown][] => packed.map((p, i) => [`_all_weight_values.${i}.param`, cellParamsState(p)]);
const layerVersions = (packed: Pair[]): [string, number][] => [["_all_weight_values", 1], ...packed.map((_, i): [string, number] => [`_all_weight_values.${i}`, 1])];
function loadLayers(mod: { _packedLayers: Pair[]; constructor: { name: string } }, get: (name: string) => unknown): void {
  const n = mod._packedLayers.length;
  const next = Array.from({ length: n }, (_, i) => pairFromState(get(`_all_weight_values.${i}.param`), `${mod.constructor.name}: _all_weight_values.${i}.param`));
  mod._packedLayers = next;
}

/** What the dynamic LSTM/GRU add to the float module: the packed layers. */
export interface PackedLayers {
  /** @internal */ _packedLayers: Pair[];
  /** PyTorch's _all_weight_values: each layer and direction's packed parameters (`.param`, for torch.quantizedLstm/quantizedGru). */
  readonly _all_weight_values: { param: CellParamsState }[];
}
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Mixin<M> = new (...args: any[]) => M;

/** The float recurrence of nn.LSTM/nn.GRU over packed layers, with PyTorch's state dict (version 2). */
function packedLayers<B extends Mixin<RNNBase>>(Float: B): B & Mixin<PackedLayers> & { _version: number } {
  return class extends Float {
    static _version = 2;
    _packedLayers: Pair[] = [];
    protected override layerWeights(layer: number, dir: number): LayerWeights {
      return dynamicWeights(this._packedLayers[layer * (this.bidirectional ? 2 : 1) + dir]!);
    }
    protected override weightsDtype(): DType { return float32; }
    override _extraState(): [string, unknown][] { return layerState(this._packedLayers); }
    override _extraVersions(): [string, number][] { return layerVersions(this._packedLayers); }
    override _loadExtraState(get: (name: string) => unknown): void { loadLayers(this, get); }
    get _all_weight_values(): { param: CellParamsState }[] { return this._packedLayers.map((p) => ({ param: cellParamsState(p) })); }
  };
}

/** torch.ao.nn.quantized.dynamic.LSTM (from a float nn.LSTM without projections). */
export class DynamicLSTM extends packedLayers(FloatLSTM) {
  override _getName(): string { return "DynamicQuantizedLSTM"; }
  static fromFloat(mod: Module): DynamicLSTM {
    if (!(mod instanceof FloatLSTM) || mod.projSize > 0) throw new Error("nn.quantized.dynamic.LSTM.from_float: expected a torch.nn.LSTM without projections");
    const out = new DynamicLSTM(mod.inputSize, mod.hiddenSize, { numLayers: mod.numLayers, bias: mod.bias, batchFirst: mod.batchFirst, dropout: mod.dropout, bidirectional: mod.bidirectional });
    out._packedLayers = packLayers(mod);
    dropFloatWeights(out, out._flatWeightsNames);
    return out;
  }
}

/** torch.ao.nn.quantized.dynamic.GRU (from a float nn.GRU). */
export class DynamicGRU extends packedLayers(FloatGRU) {
  override _getName(): string { return "DynamicQuantizedGRU"; }
  static fromFloat(mod: Module): DynamicGRU {
    if (!(mod instanceof FloatGRU)) throw new Error("nn.quantized.dynamic.GRU.from_float: expected a torch.nn.GRU");
    const out = new DynamicGRU(mod.inputSize, mod.hiddenSize, { numLayers: mod.numLayers, bias: mod.bias, batchFirst: mod.batchFirst, dropout: mod.dropout, bidirectional: mod.bidirectional });
    out._packedLayers = packLayers(mod);
    dropFloatWeights(out, out._flatWeightsNames);
    return out;
  }
}

type FloatCell = FloatRNNCell | FloatLSTMCell | FloatGRUCell;
const CELL_WEIGHTS = ["weight_ih", "weight_hh", "bias_ih", "bias_hh"];
/** The packed projections of a float cell, its float parameters dropped from `out`. */
function packCell(mod: FloatCell, out: FloatCell): Pair {
  const packed: Pair = [pack(mod, mod.weight_ih, mod.bias_ih), pack(mod, mod.weight_hh, mod.bias_hh)];
  dropFloatWeights(out, CELL_WEIGHTS);
  return packed;
}
const cellState = (p: Pair | null): [string, unknown][] => (p === null ? [] : [["_packed_weight_ih", [p[0].weight, p[0].bias]], ["_packed_weight_hh", [p[1].weight, p[1].bias]]]);
function loadCell(cls: string, get: (name: string) => unknown): Pair {
  return [packedFrom(get("_packed_weight_ih"), `${cls}: _packed_weight_ih`), packedFrom(get("_packed_weight_hh"), `${cls}: _packed_weight_hh`)];
}
const CELL_ERROR = "nn.quantized.dynamic.RNNCellBase.from_float only works for nn.LSTMCell, nn.GRUCell and nn.RNNCell";

/** What the dynamic cells add to the float cell: its packed projections. */
export interface PackedCell { /** @internal */ _packed: Pair | null }

/** The float cell's step over packed projections, with PyTorch's `_packed_weight_ih`/`_packed_weight_hh` state. */
function packedCell<B extends Mixin<RNNCellBase>>(Float: B): B & Mixin<PackedCell> {
  return class extends Float {
  /** @internal */ _packed: Pair | null = null;
  protected override weights(): LayerWeights { return dynamicWeights(this._packed!); }
  protected override weightsDtype(): DType { return float32; }
  override _extraState(): [string, unknown][] { return cellState(this._packed); }
  override _loadExtraState(get: (name: string) => unknown): void { this._packed = loadCell(this.constructor.name, get); }
  };
}

/** torch.ao.nn.quantized.dynamic.RNNCell. */
export class DynamicRNNCell extends packedCell(FloatRNNCell) {
  override _getName(): string { return "DynamicQuantizedRNNCell"; }
  static fromFloat(mod: Module): DynamicRNNCell {
    if (mod.constructor !== FloatRNNCell) throw new Error(CELL_ERROR);
    const f = mod as FloatRNNCell, out = new DynamicRNNCell(f.inputSize, f.hiddenSize, f.bias, f.nonlinearity);
    out._packed = packCell(f, out);
    return out;
  }
}

/** torch.ao.nn.quantized.dynamic.LSTMCell. */
export class DynamicLSTMCell extends packedCell(FloatLSTMCell) {
  override _getName(): string { return "DynamicQuantizedLSTMCell"; }
  static fromFloat(mod: Module): DynamicLSTMCell {
    if (mod.constructor !== FloatLSTMCell) throw new Error(CELL_ERROR);
    const f = mod as FloatLSTMCell, out = new DynamicLSTMCell(f.inputSize, f.hiddenSize, f.bias);
    out._packed = packCell(f, out);
    return out;
  }
}

/** torch.ao.nn.quantized.dynamic.GRUCell. */
export class DynamicGRUCell extends packedCell(FloatGRUCell) {
  override _getName(): string { return "DynamicQuantizedGRUCell"; }
  static fromFloat(mod: Module): DynamicGRUCell {
    if (mod.constructor !== FloatGRUCell) throw new Error(CELL_ERROR);
    const f = mod as FloatGRUCell, out = new DynamicGRUCell(f.inputSize, f.hiddenSize, f.bias);
    out._packed = packCell(f, out);
    return out;
  }
}
