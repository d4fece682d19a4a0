// RNN, LSTM, GRU (multi-layer, bidirectional, batch_first, dropout between layers, LSTM
// projections, PackedSequence input) and RNNCell/LSTMCell/GRUCell. Parameters carry PyTorch's
// names (weight_ih_l0, bias_hh_l1_reverse, weight_hr_l0, ...) in PyTorch's order, and start as
// uniform(-1/sqrt(hidden_size), 1/sqrt(hidden_size)) in that order, so a seed gives PyTorch's
// weights. The recurrences are written with differentiable ops (autograd gives the gradients).

import { Tensor } from "../../core/tensor.js";
import { pyType, requireTensor } from "../../ops/pointwise-util.js";
import type { DType } from "../../core/dtype.js";
import { type Args } from "../../ops/args.js";
import { empty, zeros } from "../../ops/creation.js";
import { Module } from "../module.js";
import { Parameter, isParameter } from "../parameter.js";
import * as init from "../init.js";
import * as F from "../functional/index.js";
import { PackedSequence } from "../utils/rnn.js";
import { type LayerWeights, type Step, STEPS, checkCellSizes, inputProjection, runLayers } from "./rnn-engine.js";
import { type FactoryOptions, bindCtor, factory, placeOnDevice, pyFloat, pyRepr } from "./utils.js";

export type { RNNMode } from "./rnn-engine.js";
import type { RNNMode } from "./rnn-engine.js";

export interface RNNOptions extends FactoryOptions {
  inputSize?: number;
  hiddenSize?: number;
  numLayers?: number;
  nonlinearity?: "tanh" | "relu";
  bias?: boolean;
  batchFirst?: boolean;
  dropout?: number;
  bidirectional?: boolean;
  projSize?: number;
}

type Positional = [inputSize: number, hiddenSize: number, numLayers?: number, bias?: boolean, batchFirst?: boolean, dropout?: number, bidirectional?: boolean];
const BASE_NAMES = ["inputSize", "hiddenSize", "numLayers", "bias", "batchFirst", "dropout", "bidirectional"];

function dtypeName(t: Tensor): string { return `torch.${t.dtype.name}`; }
function tupleStr(s: number[]): string { return `(${s.join(", ")})`; }
function listStr(s: readonly number[]): string { return `[${s.join(", ")}]`; }

/** PyTorch's RNNBase. */
export class RNNBase extends Module {
  readonly mode: RNNMode;
  readonly inputSize: number;
  readonly hiddenSize: number;
  readonly numLayers: number;
  readonly bias: boolean;
  readonly batchFirst: boolean;
  readonly dropout: number;
  readonly bidirectional: boolean;
  readonly projSize: number;
  /** The parameter names, layer by layer and direction by direction (PyTorch's _flat_weights_names). */
  readonly _flatWeightsNames: string[];
  /** The parameter names grouped per layer and direction (PyTorch's _all_weights). */
  readonly _allWeightsNames: string[][];

  constructor(mode: RNNMode, ...args: Args<[inputSize: number, hiddenSize: number, numLayers?: number, bias?: boolean, batchFirst?: boolean, dropout?: number, bidirectional?: boolean, projSize?: number], RNNOptions>) {
    super();
    const cls = { RNN_TANH: "RNN", RNN_RELU: "RNN", LSTM: "LSTM", GRU: "GRU" }[mode];
    const a = bindCtor(cls, args, [...BASE_NAMES, "projSize", "device", "dtype"], 2);
    const inputSize = a.inputSize, hiddenSize = a.hiddenSize;
    const numLayers = a.numLayers ?? 1, dropout = a.dropout ?? 0, projSize = a.projSize ?? 0;
    if (typeof dropout !== "number" || !(dropout >= 0 && dropout <= 1)) {
      throw new Error("dropout should be a number in range [0, 1] representing the probability of an element being zeroed");
    }
    if (typeof inputSize !== "number" || !Number.isInteger(inputSize) || inputSize < 0) throw new Error(`input_size should be of type int, got: ${pyRepr(inputSize)}`);
    if (typeof hiddenSize !== "number" || !Number.isInteger(hiddenSize)) throw new Error(`hidden_size should be of type int, got: ${pyRepr(hiddenSize)}`);
    if (hiddenSize <= 0) throw new Error("hidden_size must be greater than zero");
    if (typeof numLayers !== "number" || !Number.isInteger(numLayers) || numLayers <= 0) throw new Error("num_layers must be greater than zero");
    if (typeof projSize !== "number" || !Number.isInteger(projSize) || projSize < 0) throw new Error("proj_size should be a positive integer or zero to disable projections");
    if (projSize >= hiddenSize) throw new Error("proj_size has to be smaller than hidden_size");
    if (projSize > 0 && mode !== "LSTM") throw new Error("proj_size argument is only supported for LSTM, not RNN or GRU");
    if (dropout > 0 && numLayers === 1) {
      console.warn(`UserWarning: dropout option adds dropout after all but last recurrent layer, so non-zero dropout expects num_layers greater than 1, but got dropout=${pyFloat(dropout)} and num_layers=${numLayers}`);
    }
    this.mode = mode;
    this.inputSize = inputSize;
    this.hiddenSize = hiddenSize;
    this.numLayers = numLayers;
    this.bias = (a.bias as boolean | undefined) ?? true;
    this.batchFirst = (a.batchFirst as boolean | undefined) ?? false;
    this.dropout = dropout;
    this.bidirectional = (a.bidirectional as boolean | undefined) ?? false;
    this.projSize = projSize;
    const gateSize = { LSTM: 4, GRU: 3, RNN_TANH: 1, RNN_RELU: 1 }[mode] * hiddenSize;
    const dirs = this.bidirectional ? 2 : 1;
    const realHidden = projSize > 0 ? projSize : hiddenSize;
    this._flatWeightsNames = [];
    this._allWeightsNames = [];
    const fk = factory(a);
    for (let layer = 0; layer < numLayers; layer++) {
      for (let dir = 0; dir < dirs; dir++) {
        const layerInput = layer === 0 ? inputSize : realHidden * dirs;
        const sfx = `_l${layer}${dir === 1 ? "_reverse" : ""}`;
        const params: [string, number[]][] = [[`weight_ih${sfx}`, [gateSize, layerInput]], [`weight_hh${sfx}`, [gateSize, realHidden]]];
        if (this.bias) params.push([`bias_ih${sfx}`, [gateSize]], [`bias_hh${sfx}`, [gateSize]]);
        if (projSize > 0) params.push([`weight_hr${sfx}`, [projSize, hiddenSize]]);
        for (const [name, shape] of params) this.registerParameter(name, new Parameter(empty(shape, fk)));
        this._flatWeightsNames.push(...params.map(([n]) => n));
        this._allWeightsNames.push(params.map(([n]) => n));
      }
    }
    this.resetParameters();
    placeOnDevice(this, a);
  }

  resetParameters(): void {
    const stdv = this.hiddenSize > 0 ? 1 / Math.sqrt(this.hiddenSize) : 0;
    for (const w of this.parameters()) init.uniform_(w, -stdv, stdv);
  }

  /** The parameters in PyTorch's _flat_weights order. */
  get _flatWeights(): Tensor[] {
    const rec = this as unknown as Record<string, unknown>;
    return this._flatWeightsNames.map((n) => rec[n]).filter((p): p is Parameter => isParameter(p));
  }

  /** PyTorch's all_weights: the parameters grouped per layer and direction. */
  get allWeights(): Parameter[][] {
    const rec = this as unknown as Record<string, unknown>;
    return this._allWeightsNames.map((names) => names.map((n) => rec[n] as Parameter));
  }

  /** No-op: kept for PyTorch code that calls it (weights are always used as they are). */
  flattenParameters(): void { /* nothing to flatten */ }

  /** @internal The weights of one layer and direction (dynamic quantized RNNs override it). */
  protected layerWeights(layer: number, dir: number): LayerWeights {
    const rec = this as unknown as Record<string, Tensor | null | undefined>;
    const sfx = `_l${layer}${dir === 1 ? "_reverse" : ""}`;
    return {
      wIh: rec[`weight_ih${sfx}`]!, wHh: rec[`weight_hh${sfx}`]!,
      bIh: this.bias ? rec[`bias_ih${sfx}`] ?? null : null, bHh: this.bias ? rec[`bias_hh${sfx}`] ?? null : null,
      wHr: this.projSize > 0 ? rec[`weight_hr${sfx}`] ?? null : null,
    };
  }

  protected clsName(): string { return this.constructor.name; }

  /** @internal The dtype the input must have (the weights'; dynamic quantized RNNs: float32). */
  protected weightsDtype(): DType { return this._flatWeights[0]!.dtype; }

  protected checkInput(input: Tensor, batchSizes: number[] | null): void {
    const wDtype = this.weightsDtype();
    if (input.dtype !== wDtype) throw new Error(`input must have the type torch.${wDtype.name}, got type ${dtypeName(input)}`);
    const expected = batchSizes !== null ? 2 : 3;
    if (input.dim() !== expected) throw new Error(`input must have ${expected} dimensions, got ${input.dim()}`);
    if (input.shape[input.dim() - 1] !== this.inputSize) {
      throw new Error(`input.size(-1) must be equal to input_size. Expected ${this.inputSize}, got ${input.shape[input.dim() - 1]}`);
    }
  }

  protected expectedHiddenSize(input: Tensor, batchSizes: number[] | null, cell = false): number[] {
    const miniBatch = batchSizes !== null ? batchSizes[0]! : this.batchFirst ? input.shape[0]! : input.shape[1]!;
    const size = this.projSize > 0 && !cell ? this.projSize : this.hiddenSize;
    return [this.numLayers * (this.bidirectional ? 2 : 1), miniBatch, size];
  }

  protected checkHiddenSize(hx: Tensor, expected: number[], msg = "Expected hidden size"): void {
    if (hx.shape.join() !== expected.join()) throw new Error(`${msg} ${tupleStr(expected)}, got ${listStr(hx.shape)}`);
  }

  /**
   * The recurrence over all layers and directions. `data` is (N, input_size) in packed layout
   * (or (T, B, input_size) when `padded`: see the engine's runLayers); `hx` the initial states
   * ([h0] or [h0, c0], each (layers*dirs, B, *)). Returns the last layer's output (N, dirs*H) (or
   * (T, B, dirs*H) when `padded`) and the final states.
   */
  protected runLayers(data: Tensor, batchSizes: number[], hx: Tensor[], padded = false): { output: Tensor; state: Tensor[] } {
    return runLayers(this.mode, (layer, dir) => this.layerWeights(layer, dir), this.numLayers, this.bidirectional,
      this.training ? this.dropout : 0, data, batchSizes, hx, padded);
  }


  /**
   * The shared forward: input (T, B, H_in) (or (B, T, H_in) with batchFirst, or (T, H_in)
   * unbatched, or a PackedSequence) and the initial states. Returns the output in the input's
   * form and the final states.
   */
  protected forwardImpl(input: Tensor | PackedSequence, hx: Tensor[] | null, nState: number): [Tensor | PackedSequence, Tensor[]] {
    const cls = this.clsName();
    // PyTorch's words are those of the aten op the module calls (rnn_tanh, lstm, gru).
    if (!(input instanceof Tensor) && !(input instanceof PackedSequence)) requireTensor(this.mode.toLowerCase(), "input", 1, input);
    if (hx !== null && nState === 1 && !(hx[0] instanceof Tensor)) requireTensor(this.mode.toLowerCase(), "hx", 2, hx[0]);
    const dirs = this.bidirectional ? 2 : 1;
    const outSize = this.projSize > 0 ? this.projSize : this.hiddenSize;
    const sizes = [outSize, this.hiddenSize].slice(0, nState);
    if (input instanceof PackedSequence) {
      const bs = (input.batchSizes.tolist() as (number | bigint)[]).map(Number);
      const maxBatch = bs[0]!;
      let states = hx === null
        ? sizes.map((s) => zeros([this.numLayers * dirs, maxBatch, s], { dtype: input.data.dtype }))
        : hx.map((h) => (input.sortedIndices ? h.indexSelect(1, input.sortedIndices) : h));
      this.checkInput(input.data, bs);
      this.checkStates(input.data, bs, states);
      const r = this.runLayers(input.data, bs, states);
      states = r.state.map((h) => (input.unsortedIndices ? h.indexSelect(1, input.unsortedIndices) : h));
      return [new PackedSequence(r.output, input.batchSizes, input.sortedIndices, input.unsortedIndices), states];
    }
    if (input.dim() !== 2 && input.dim() !== 3) throw new Error(`${cls}: Expected input to be 2D or 3D, got ${input.dim()}D tensor instead`);
    const batched = input.dim() === 3;
    const batchDim = this.batchFirst ? 0 : 1;
    let x = input;
    let states = hx;
    if (!batched) {
      x = x.unsqueeze(batchDim);
      if (states !== null) {
        if (states.some((h) => h.dim() !== 2)) {
          throw new Error(nState === 1
            ? `For unbatched 2-D input, hx should also be 2-D but got ${states[0]!.dim()}-D tensor`
            : `For unbatched 2-D input, hx and cx should also be 2-D but got (${states.map((h) => `${h.dim()}-D`).join(", ")}) tensors`);
        }
        states = states.map((h) => h.unsqueeze(1));
      }
    } else if (states !== null && states.some((h) => h.dim() !== 3)) {
      throw new Error(nState === 1
        ? `For batched 3-D input, hx should also be 3-D but got ${states[0]!.dim()}-D tensor`
        : `For batched 3-D input, hx and cx should also be 3-D but got (${states.map((h) => `${h.dim()}-D`).join(", ")}) tensors`);
    }
    const maxBatch = this.batchFirst ? x.shape[0]! : x.shape[1]!;
    if (states === null) states = sizes.map((s) => zeros([this.numLayers * dirs, maxBatch, s], { dtype: x.dtype }));
    this.checkInput(x, null);
    this.checkStates(x, null, states);
    const tb = this.batchFirst ? x.transpose(0, 1) : x;
    const T = tb.shape[0]!, B = tb.shape[1]!;
    const r = this.runLayers(tb, new Array<number>(T).fill(B), states, true);
    let out = r.output;
    // ATen turns LSTM's output back out of place, GRU/RNN's in place (TransposeBackward1).
    if (this.batchFirst) out = this.mode === "LSTM" ? out.transpose(0, 1) : out.transpose_(0, 1);
    let finals = r.state;
    if (!batched) {
      out = out.squeeze(batchDim);
      finals = finals.map((h) => h.squeeze(1));
    }
    return [out, finals];
  }

  protected checkStates(input: Tensor, batchSizes: number[] | null, states: Tensor[]): void {
    if (states.length === 1) {
      this.checkHiddenSize(states[0]!, this.expectedHiddenSize(input, batchSizes));
    } else {
      this.checkHiddenSize(states[0]!, this.expectedHiddenSize(input, batchSizes), "Expected hidden[0] size");
      this.checkHiddenSize(states[1]!, this.expectedHiddenSize(input, batchSizes, true), "Expected hidden[1] size");
    }
  }

  override extraRepr(): string {
    let s = `${this.inputSize}, ${this.hiddenSize}`;
    if (this.projSize !== 0) s += `, proj_size=${this.projSize}`;
    if (this.numLayers !== 1) s += `, num_layers=${this.numLayers}`;
    if (!this.bias) s += ", bias=False";
    if (this.batchFirst) s += ", batch_first=True";
    if (this.dropout !== 0) s += `, dropout=${pyFloat(this.dropout)}`;
    if (this.bidirectional) s += ", bidirectional=True";
    return s;
  }
}

type RNNArgs = Args<[...Positional], RNNOptions>;

/** Elman RNN: h' = tanh(x W_ihᵀ + b_ih + h W_hhᵀ + b_hh) (or relu). forward → [output, h_n]. */
export class RNN extends RNNBase {
  readonly nonlinearity: "tanh" | "relu";
  constructor(...args: Args<[inputSize: number, hiddenSize: number, numLayers?: number, nonlinearity?: "tanh" | "relu", bias?: boolean, batchFirst?: boolean, dropout?: number, bidirectional?: boolean], RNNOptions>) {
    const a = bindCtor("RNN", args, ["inputSize", "hiddenSize", "numLayers", "nonlinearity", "bias", "batchFirst", "dropout", "bidirectional", "device", "dtype"], 2);
    if ("projSize" in a && a.projSize !== 0) throw new Error("proj_size argument is only supported for LSTM, not RNN or GRU");
    const nl = (a.nonlinearity as string | undefined) ?? "tanh";
    if (nl !== "tanh" && nl !== "relu") throw new Error(`Unknown nonlinearity '${nl}'. Select from 'tanh' or 'relu'.`);
    const rest: Record<string, unknown> = { ...a };
    delete rest.nonlinearity;
    delete rest.inputSize;
    delete rest.hiddenSize;
    super(nl === "tanh" ? "RNN_TANH" : "RNN_RELU", a.inputSize as number, a.hiddenSize as number, rest as RNNOptions);
    this.nonlinearity = nl;
  }
  override forward(input: Tensor, hx?: Tensor | null): [Tensor, Tensor];
  override forward(input: PackedSequence, hx?: Tensor | null): [PackedSequence, Tensor];
  override forward(input: Tensor | PackedSequence, hx?: Tensor | null): [Tensor | PackedSequence, Tensor];
  override forward(input: Tensor | PackedSequence, hx: Tensor | null = null): [Tensor | PackedSequence, Tensor] {
    const [out, [h]] = this.forwardImpl(input, hx === null ? null : [hx], 1);
    return [out, h!];
  }
}

/** LSTM, with optional projections (projSize). forward → [output, [h_n, c_n]]. */
export class LSTM extends RNNBase {
  constructor(...args: Args<[...Positional, projSize?: number], RNNOptions>) { super("LSTM", ...args); }
  override forward(input: Tensor, hx?: [Tensor, Tensor] | null): [Tensor, [Tensor, Tensor]];
  override forward(input: PackedSequence, hx?: [Tensor, Tensor] | null): [PackedSequence, [Tensor, Tensor]];
  override forward(input: Tensor | PackedSequence, hx?: [Tensor, Tensor] | null): [Tensor | PackedSequence, [Tensor, Tensor]];
  override forward(input: Tensor | PackedSequence, hx: [Tensor, Tensor] | null = null): [Tensor | PackedSequence, [Tensor, Tensor]] {
    const [out, [h, c]] = this.forwardImpl(input, hx === null ? null : statePair("lstm", hx), 2);
    return [out, [h!, c!]];
  }
}

/** GRU. forward → [output, h_n]. */
export class GRU extends RNNBase {
  constructor(...args: RNNArgs) { super("GRU", ...args); }
  override forward(input: Tensor, hx?: Tensor | null): [Tensor, Tensor];
  override forward(input: PackedSequence, hx?: Tensor | null): [PackedSequence, Tensor];
  override forward(input: Tensor | PackedSequence, hx?: Tensor | null): [Tensor | PackedSequence, Tensor];
  override forward(input: Tensor | PackedSequence, hx: Tensor | null = null): [Tensor | PackedSequence, Tensor] {
    const [out, [h]] = this.forwardImpl(input, hx === null ? null : [hx], 1);
    return [out, h!];
  }
}

// ---- cells --------------------------------------------------------------------------------------

export interface RNNCellOptions extends FactoryOptions { inputSize?: number; hiddenSize?: number; bias?: boolean; nonlinearity?: "tanh" | "relu" }

/** PyTorch's RNNCellBase: weight_ih, weight_hh, bias_ih, bias_hh. */
export abstract class RNNCellBase extends Module {
  readonly inputSize: number;
  readonly hiddenSize: number;
  readonly bias: boolean;
  weight_ih: Parameter;
  weight_hh: Parameter;
  bias_ih: Parameter | null;
  bias_hh: Parameter | null;

  protected constructor(cls: string, numChunks: number, a: Record<string, unknown>) {
    super();
    const inputSize = a.inputSize, hiddenSize = a.hiddenSize;
    for (const [n, v] of [["input_size", inputSize], ["hidden_size", hiddenSize]] as const) {
      if (typeof v !== "number" || !Number.isInteger(v) || v < 0) throw new Error(`${cls}: ${n} must be a non-negative integer, got ${pyRepr(v)}`);
    }
    this.inputSize = inputSize as number;
    this.hiddenSize = hiddenSize as number;
    this.bias = (a.bias as boolean | undefined) ?? true;
    const fk = factory(a);
    this.weight_ih = new Parameter(empty([numChunks * this.hiddenSize, this.inputSize], fk));
    this.weight_hh = new Parameter(empty([numChunks * this.hiddenSize, this.hiddenSize], fk));
    this.bias_ih = null;
    this.bias_hh = null;
    if (this.bias) {
      this.bias_ih = new Parameter(empty([numChunks * this.hiddenSize], fk));
      this.bias_hh = new Parameter(empty([numChunks * this.hiddenSize], fk));
    } else {
      this.registerParameter("bias_ih", null);
      this.registerParameter("bias_hh", null);
    }
    this.resetParameters();
    placeOnDevice(this, a);
  }

  get weightIh(): Parameter { return this.weight_ih; }
  get weightHh(): Parameter { return this.weight_hh; }
  get biasIh(): Parameter | null { return this.bias_ih; }
  get biasHh(): Parameter | null { return this.bias_hh; }

  resetParameters(): void {
    const stdv = this.hiddenSize > 0 ? 1 / Math.sqrt(this.hiddenSize) : 0;
    for (const w of this.parameters()) init.uniform_(w, -stdv, stdv);
  }

  protected weights(): LayerWeights {
    return { wIh: this.weight_ih, wHh: this.weight_hh, bIh: this.bias_ih, bHh: this.bias_hh, wHr: null };
  }
  /** @internal The dtype the input must have (the weights'; dynamic quantized cells: float32). */
  protected weightsDtype(): DType { return this.weight_ih.dtype; }

  /** Checks and batches (input, states) as PyTorch's cells do; runs `step`; unbatches. */
  protected runCell(input: Tensor, hx: Tensor[] | null, nState: number, step: Step): Tensor[] {
    const cls = this.constructor.name;
    if (!(input instanceof Tensor)) requireTensor(cellOp(this, nState), "input", 1, input);
    if (hx !== null && nState === 1 && !(hx[0] instanceof Tensor)) requireTensor(cellOp(this, nState), "hx", 2, hx[0]);
    if (input.dim() !== 1 && input.dim() !== 2) throw new Error(`${cls}: Expected input to be 1D or 2D, got ${input.dim()}D instead`);
    if (hx !== null) {
      for (const h of hx) {
        if (h.dim() !== 1 && h.dim() !== 2) throw new Error(`${cls}: Expected ${nState === 1 ? "hidden" : "hx[0] and hx[1]"} to be 1D or 2D, got ${h.dim()}D instead`);
      }
    }
    const batched = input.dim() === 2;
    const x = batched ? input : input.unsqueeze(0);
    const states = hx === null
      ? new Array(nState).fill(0).map(() => zeros([x.shape[0]!, this.hiddenSize], { dtype: x.dtype }))
      : hx.map((h) => (batched ? h : h.unsqueeze(0)));
    checkCellSizes(x, states, this.inputSize, this.hiddenSize);
    const wDtype = this.weightsDtype();
    if (x.dtype !== wDtype) throw new Error(`expected scalar type ${x.dtype.name} but found ${wDtype.name}`);
    const w = this.weights();
    const out = step(inputProjection(x, w), states, w);
    return batched ? out : out.map((t) => t.squeeze(0));
  }

  override extraRepr(): string {
    let s = `${this.inputSize}, ${this.hiddenSize}`;
    if (!this.bias) s += ", bias=False";
    const nl = (this as unknown as { nonlinearity?: string }).nonlinearity;
    if (nl !== undefined && nl !== "tanh") s += `, nonlinearity=${nl}`;
    return s;
  }
}

type CellArgs = Args<[inputSize: number, hiddenSize: number, bias?: boolean], RNNCellOptions>;

/** RNNCell: h' = tanh(x W_ihᵀ + b_ih + h W_hhᵀ + b_hh) (or relu). */
export class RNNCell extends RNNCellBase {
  readonly nonlinearity: "tanh" | "relu";
  constructor(...args: Args<[inputSize: number, hiddenSize: number, bias?: boolean, nonlinearity?: "tanh" | "relu"], RNNCellOptions>) {
    const a = bindCtor("RNNCell", args, ["inputSize", "hiddenSize", "bias", "nonlinearity", "device", "dtype"], 2);
    super("RNNCell", 1, a);
    this.nonlinearity = (a.nonlinearity as "tanh" | "relu" | undefined) ?? "tanh";
  }
  override forward(input: Tensor, hx: Tensor | null = null): Tensor {
    const step = this.nonlinearity === "tanh" ? STEPS.RNN_TANH : this.nonlinearity === "relu" ? STEPS.RNN_RELU : null;
    if (!step) throw new Error(`Unknown nonlinearity: ${String(this.nonlinearity)}`);
    return this.runCell(input, hx === null ? null : [hx], 1, step)[0]!;
  }
}

/** An LSTM's (h, c): PyTorch's TensorList argument 'hx' of lstm / lstm_cell, with its type errors. */
function statePair(op: string, hx: unknown): [Tensor, Tensor] {
  if (!Array.isArray(hx)) throw new Error(`${op}(): argument 'hx' (position 2) must be tuple of Tensors, not ${pyType(hx)}`);
  hx.forEach((h: unknown, i) => {
    if (!(h instanceof Tensor)) throw new Error(`${op}(): expected Tensor as element ${i} in argument 1, but got ${pyType(h)}`);
  });
  return [hx[0] as Tensor, hx[1] as Tensor];
}

/** The aten op a cell calls, whose words its argument errors use: lstm_cell, gru_cell, rnn_tanh_cell. */
function cellOp(cell: RNNCellBase, nState: number): string {
  if (nState === 2) return "lstm_cell";
  return cell instanceof RNNCell ? `rnn_${cell.nonlinearity}_cell` : "gru_cell";
}

/** LSTMCell: forward(input, [h, c]?) → [h', c']. */
export class LSTMCell extends RNNCellBase {
  constructor(...args: CellArgs) { super("LSTMCell", 4, bindCtor("LSTMCell", args, ["inputSize", "hiddenSize", "bias", "device", "dtype"], 2)); }
  override forward(input: Tensor, hx: [Tensor, Tensor] | null = null): [Tensor, Tensor] {
    const [h, c] = this.runCell(input, hx === null ? null : statePair("lstm_cell", hx), 2, STEPS.LSTM);
    return [h!, c!];
  }
}

/** GRUCell: forward(input, h?) → h'. */
export class GRUCell extends RNNCellBase {
  constructor(...args: CellArgs) { super("GRUCell", 3, bindCtor("GRUCell", args, ["inputSize", "hiddenSize", "bias", "device", "dtype"], 2)); }
  override forward(input: Tensor, hx: Tensor | null = null): Tensor {
    return this.runCell(input, hx === null ? null : [hx], 1, STEPS.GRU)[0]!;
  }
}
