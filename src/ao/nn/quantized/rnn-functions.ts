// torch.quantized_lstm / quantized_gru (PyTorch 1.13's ATen entries the dynamic quantized LSTM/GRU
// run): the recurrence over packed CellParams (a dynamic module's `_all_weight_values[i].param`,
// or those entries of its state_dict), on a padded input or on a packed sequence's data and batch
// sizes. The legacy one-step cells (quantized_lstm_cell, quantized_gru_cell, quantized_rnn_*_cell)
// take FBGEMM-packed weights: PyTorch's CPU build without FBGEMM (the recorded one) refuses them,
// and so does torch-ts, in its words.
import { Tensor } from "../../../core/tensor.js";
import { int64, qint8, float16, toDType, type DTypeLike } from "../../../core/dtype.js";
import { checkBool, checkInt, checkTensor } from "../../../ops/args.js";
import { type RNNMode, runLayers } from "../../../nn/modules/rnn-engine.js";
import { type CellParamsState, type Pair, dynamicWeights, pairFromState } from "./dynamic-rnn.js";

export interface QuantizedRnnOptions {
  /** The weights' dtype (qint8; float16 packed params are not in torch-ts). */
  dtype?: DTypeLike | null;
  /** Dynamic quantization (the only kind CellParams "quantized_dynamic" runs). */
  useDynamic?: boolean;
}
type Flags = [hasBiases: boolean, numLayers: number, dropout: number, train: boolean, bidirectional: boolean];

function packedParams(op: string, params: unknown): Pair[] {
  if (!Array.isArray(params)) throw new Error(`${op}(): argument 'params' must be a list of CellParams, not ${typeof params}`);
  if (params.some((p) => p instanceof Tensor)) {
    throw new Error(`torch.${op} with List[Tensor] for parameters is no longer supported. Please re-export your model using the newer definitions in torch.jit.quantized`);
  }
  return params.map((p, i) => pairFromState(p, `${op}: params[${i}]`));
}

/** The shared body: (input data, its batch sizes or null for a padded input) → (output, ...final states). */
function run(op: string, mode: RNNMode, input: Tensor, batchSizes: Tensor | null, hx: Tensor[], params: unknown, flags: Flags, batchFirst: boolean, options: QuantizedRnnOptions): Tensor[] {
  const x = checkTensor(op, "input", input);
  hx.forEach((h) => checkTensor(op, "hx", h));
  const [hasBiases, numLayers, dropout, train, bidirectional] = flags;
  checkBool(op, "has_biases", hasBiases);
  checkInt(op, "num_layers", numLayers);
  checkBool(op, "train", train);
  checkBool(op, "bidirectional", bidirectional);
  if (typeof dropout !== "number") throw new Error(`${op}(): argument 'dropout' must be float`);
  const dtype = options.dtype === undefined || options.dtype === null ? qint8 : toDType(options.dtype);
  if (dtype !== qint8 && dtype !== float16) throw new Error(`${op}: unsupported dtype ${dtype.name} for the packed parameters (qint8 or float16)`);
  const packed = packedParams(op, params);
  const dirs = bidirectional ? 2 : 1;
  if (packed.length !== numLayers * dirs) throw new Error(`${op}: expected ${numLayers * dirs} CellParams (num_layers × directions), got ${packed.length}`);
  if (hx.some((h) => h.dim() !== 3)) throw new Error(`${op}: expected hidden states of 3 dimensions (num_layers * num_directions, batch, hidden_size)`);
  if (hx.some((h) => h.size(0) < numLayers * dirs)) throw new Error("Expected more hidden states in stacked_rnn");
  const weights = (layer: number, dir: number) => dynamicWeights(packed[layer * dirs + dir]!);
  const p = train ? dropout : 0;
  if (batchSizes !== null) {
    if (batchSizes.dtype !== int64 || batchSizes.dim() !== 1) throw new Error(`${op}: batch_sizes must be a 1-D int64 tensor`);
    if (x.dim() !== 2) throw new Error(`${op}: expected packed data of 2 dimensions (sum of batch sizes, input_size), got ${x.dim()}`);
    const r = runLayers(mode, weights, numLayers, bidirectional, p, x, batchSizes.tolist() as number[], hx);
    return [r.output, ...r.state];
  }
  if (x.dim() !== 3) throw new Error(`${op}: expected input of 3 dimensions (${batchFirst ? "batch, seq_len" : "seq_len, batch"}, input_size), got ${x.dim()}`);
  const tb = batchFirst ? x.transpose(0, 1) : x;
  const T = tb.size(0), B = tb.size(1);
  const r = runLayers(mode, weights, numLayers, bidirectional, p, tb.reshape([T * B, tb.size(2)]), new Array<number>(T).fill(B), hx);
  const out = r.output.reshape([T, B, -1]);
  return [batchFirst ? out.transpose(0, 1) : out, ...r.state];
}

function lstmStates(hx: unknown): Tensor[] {
  if (!Array.isArray(hx) || hx.length !== 2) throw new Error("lstm expects two hidden states");
  return hx as Tensor[];
}

/**
 * torch.quantized_lstm(input, hx=[h0, c0], params, has_biases, num_layers, dropout, train, bidirectional,
 * batch_first, *, dtype=None, use_dynamic=False) → (output, h_n, c_n); or the packed form
 * (data, batch_sizes, hx, params, has_biases, num_layers, dropout, train, bidirectional, *, ...).
 */
export function quantizedLstm(input: Tensor, hx: Tensor[], params: CellParamsState[], hasBiases: boolean, numLayers: number, dropout: number, train: boolean, bidirectional: boolean, batchFirst: boolean, options?: QuantizedRnnOptions): [Tensor, Tensor, Tensor];
export function quantizedLstm(data: Tensor, batchSizes: Tensor, hx: Tensor[], params: CellParamsState[], hasBiases: boolean, numLayers: number, dropout: number, train: boolean, bidirectional: boolean, options?: QuantizedRnnOptions): [Tensor, Tensor, Tensor];
export function quantizedLstm(input: Tensor, ...rest: unknown[]): [Tensor, Tensor, Tensor] {
  const packedForm = !Array.isArray(rest[0]);
  if (packedForm) {
    const [batchSizes, hx, params, ...flags] = rest;
    return run("quantized_lstm", "LSTM", input, checkTensor("quantized_lstm", "batch_sizes", batchSizes), lstmStates(hx), params, flags.slice(0, 5) as Flags, false, (flags[5] ?? {}) as QuantizedRnnOptions) as [Tensor, Tensor, Tensor];
  }
  const [hx, params, ...flags] = rest;
  return run("quantized_lstm", "LSTM", input, null, lstmStates(hx), params, flags.slice(0, 5) as Flags, checkBool("quantized_lstm", "batch_first", flags[5]), (flags[6] ?? {}) as QuantizedRnnOptions) as [Tensor, Tensor, Tensor];
}

/**
 * torch.quantized_gru(input, hx, params, has_biases, num_layers, dropout, train, bidirectional,
 * batch_first) → (output, h_n); or the packed form (data, batch_sizes, hx, params, has_biases, ...).
 */
export function quantizedGru(input: Tensor, hx: Tensor, params: CellParamsState[], hasBiases: boolean, numLayers: number, dropout: number, train: boolean, bidirectional: boolean, batchFirst: boolean): [Tensor, Tensor];
export function quantizedGru(data: Tensor, batchSizes: Tensor, hx: Tensor, params: CellParamsState[], hasBiases: boolean, numLayers: number, dropout: number, train: boolean, bidirectional: boolean): [Tensor, Tensor];
export function quantizedGru(input: Tensor, ...rest: unknown[]): [Tensor, Tensor] {
  const packedForm = !Array.isArray(rest[1]);
  if (packedForm) {
    const [batchSizes, hx, params, ...flags] = rest;
    return run("quantized_gru", "GRU", input, checkTensor("quantized_gru", "batch_sizes", batchSizes), [checkTensor("quantized_gru", "hx", hx)], params, flags.slice(0, 5) as Flags, false, {}) as [Tensor, Tensor];
  }
  const [hx, params, ...flags] = rest;
  return run("quantized_gru", "GRU", input, null, [checkTensor("quantized_gru", "hx", hx)], params, flags.slice(0, 5) as Flags, checkBool("quantized_gru", "batch_first", flags[5]), {}) as [Tensor, Tensor];
}

/** The legacy cells' refusal: their weights are FBGEMM-packed, which PyTorch's build without FBGEMM cannot run. */
let warned = false;
function refuseFbgemm(op: string, input: Tensor): never {
  checkTensor(op, "input", input);
  // PyTorch warns once per process.
  if (!warned) {
    warned = true;
    console.warn("UserWarning: fbgemm_linear_int8_weight_fp32_activation is deprecated and will be removed in a future PyTorch release.");
  }
  throw new Error("This PyTorch installation was not built with FBGEMM operators");
}
type LegacyCellArgs = [wIh: Tensor, wHh: Tensor, bIh: Tensor, bHh: Tensor, packedIh: Tensor, packedHh: Tensor, colOffsetsIh: Tensor, colOffsetsHh: Tensor, scaleIh: number, scaleHh: number, zeroPointIh: number, zeroPointHh: number];

/** torch.quantized_lstm_cell(input, hx, w_ih, w_hh, b_ih, b_hh, packed_ih, packed_hh, col_offsets_ih, col_offsets_hh, scale_ih, scale_hh, zero_point_ih, zero_point_hh): refused as PyTorch's CPU build without FBGEMM does. */
export function quantizedLstmCell(input: Tensor, _hx: Tensor[], ..._args: LegacyCellArgs): [Tensor, Tensor] { return refuseFbgemm("quantized_lstm_cell", input); }
/** torch.quantized_gru_cell(...): refused as PyTorch's CPU build without FBGEMM does. */
export function quantizedGruCell(input: Tensor, _hx: Tensor, ..._args: LegacyCellArgs): Tensor { return refuseFbgemm("quantized_gru_cell", input); }
/** torch.quantized_rnn_relu_cell(...): refused as PyTorch's CPU build without FBGEMM does. */
export function quantizedRnnReluCell(input: Tensor, _hx: Tensor, ..._args: LegacyCellArgs): Tensor { return refuseFbgemm("quantized_rnn_relu_cell", input); }
/** torch.quantized_rnn_tanh_cell(...): refused as PyTorch's CPU build without FBGEMM does. */
export function quantizedRnnTanhCell(input: Tensor, _hx: Tensor, ..._args: LegacyCellArgs): Tensor { return refuseFbgemm("quantized_rnn_tanh_cell", input); }
