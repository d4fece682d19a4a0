// The functional RNN forms of ATen: torch.rnn_tanh / rnn_relu / lstm / gru over a flat list of
// weights (input, hx, params, has_biases, num_layers, dropout, train, bidirectional, batch_first),
// and the one-step cells torch.rnn_tanh_cell / rnn_relu_cell / lstm_cell / gru_cell. They run the
// recurrence nn.RNN / LSTM / GRU run (nn/modules/rnn-engine.ts), so the values are the modules'.

import { autocasting } from "../amp/state.js";
import { autocasts, runAutocast } from "../amp/hook.js";
import type { Tensor } from "../core/tensor.js";
import { type Args, bindRequired, checkBool, checkInt, checkTensor } from "./args.js";
import { type LayerWeights, type RNNMode, STEPS, checkCellSizes, runLayers } from "../nn/modules/rnn-engine.js";
import * as F from "../nn/functional/index.js";

type Opt = Tensor | null;
interface RnnOptions { hx?: Tensor; params?: Tensor[]; hasBiases?: boolean; numLayers?: number; dropout?: number; train?: boolean; bidirectional?: boolean; batchFirst?: boolean }
type RnnArgs<H> = Args<[hx: H, params: Tensor[], hasBiases: boolean, numLayers: number, dropout: number, train: boolean, bidirectional: boolean, batchFirst: boolean],
  Omit<RnnOptions, "hx"> & { hx?: H }>;
const RNN_NAMES = ["hx", "params", "hasBiases", "numLayers", "dropout", "train", "bidirectional", "batchFirst"];

/** The shared body: binds, groups params per layer and direction, runs, and returns (output, ...final states). */
function runRnn(op: string, mode: RNNMode, input: Tensor, args: readonly unknown[]): Tensor[] {
  const a = bindRequired(op, args, RNN_NAMES, 8);
  const x = checkTensor(op, "input", input);
  const hx = mode === "LSTM" ? a.hx as Tensor[] : [checkTensor(op, "hx", a.hx)];
  if (mode === "LSTM" && (!Array.isArray(hx) || hx.length !== 2)) throw new Error("lstm expects two hidden states");
  hx.forEach((h) => checkTensor(op, "hx", h));
  const params = a.params as Tensor[];
  if (!Array.isArray(params)) throw new Error(`${op}(): argument 'params' (position 3) must be tuple of Tensors, not ${typeof params}`);
  params.forEach((p) => checkTensor(op, "params", p));
  const hasBiases = checkBool(op, "has_biases", a.hasBiases), numLayers = checkInt(op, "num_layers", a.numLayers);
  const train = checkBool(op, "train", a.train), bidirectional = checkBool(op, "bidirectional", a.bidirectional);
  const batchFirst = checkBool(op, "batch_first", a.batchFirst), dropout = a.dropout as number;
  if (typeof dropout !== "number") throw new Error(`${op}(): argument 'dropout' (position 6) must be float`);
  const dirs = bidirectional ? 2 : 1;
  // An LSTM with projections has h of another size than c, and a weight_hr per layer and direction.
  const projected = mode === "LSTM" && hx[0]!.dim() === 3 && hx[1]!.dim() === 3 && hx[0]!.size(2) !== hx[1]!.size(2);
  const stride = 2 + (hasBiases ? 2 : 0) + (projected ? 1 : 0);
  if (params.length !== numLayers * dirs * stride) throw new Error("got an incorrect number of RNN parameters");
  if (x.dim() !== 3) throw new Error(`${op}: expected input of 3 dimensions (${batchFirst ? "batch, seq_len" : "seq_len, batch"}, input_size), got ${x.dim()}`);
  if (hx.some((h) => h.dim() !== 3)) throw new Error(`${op}: expected hidden states of 3 dimensions (num_layers * num_directions, batch, hidden_size)`);
  if (hx.some((h) => h.size(0) < numLayers * dirs)) throw new Error("Expected more hidden states in stacked_rnn");
  const weights = (layer: number, dir: number): LayerWeights => {
    const p = params.slice((layer * dirs + dir) * stride, (layer * dirs + dir + 1) * stride);
    return { wIh: p[0]!, wHh: p[1]!, bIh: hasBiases ? p[2]! : null, bHh: hasBiases ? p[3]! : null, wHr: projected ? p[stride - 1]! : null };
  };
  const tb = batchFirst ? x.transpose(0, 1) : x;
  const T = tb.size(0), B = tb.size(1);
  const r = runLayers(mode, weights, numLayers, bidirectional, train ? dropout : 0, tb, new Array<number>(T).fill(B), hx, true);
  const out = r.output;
  // ATen turns LSTM's output back out of place, GRU/RNN's in place (TransposeBackward1).
  return [!batchFirst ? out : mode === "LSTM" ? out.transpose(0, 1) : out.transpose_(0, 1), ...r.state];
}

/** torch.rnn_tanh(input, hx, params, has_biases, num_layers, dropout, train, bidirectional, batch_first) → (output, h_n). */
export function rnnTanh(input: Tensor, ...args: RnnArgs<Tensor>): [Tensor, Tensor] { return runRnn("rnn_tanh", "RNN_TANH", input, args) as [Tensor, Tensor]; }
/** torch.rnn_relu(input, hx, params, has_biases, num_layers, dropout, train, bidirectional, batch_first) → (output, h_n). */
export function rnnRelu(input: Tensor, ...args: RnnArgs<Tensor>): [Tensor, Tensor] { return runRnn("rnn_relu", "RNN_RELU", input, args) as [Tensor, Tensor]; }
/** torch.lstm(input, hx=[h0, c0], params, has_biases, num_layers, dropout, train, bidirectional, batch_first) → (output, h_n, c_n). */
export function lstm(input: Tensor, ...args: RnnArgs<[Tensor, Tensor]>): [Tensor, Tensor, Tensor] { return runRnn("lstm", "LSTM", input, args) as [Tensor, Tensor, Tensor]; }
/** torch.gru(input, hx, params, has_biases, num_layers, dropout, train, bidirectional, batch_first) → (output, h_n). */
export function gru(input: Tensor, ...args: RnnArgs<Tensor>): [Tensor, Tensor] { return runRnn("gru", "GRU", input, args) as [Tensor, Tensor]; }

type CellArgs<H> = Args<[hx: H, wIh: Tensor, wHh: Tensor, bIh?: Opt, bHh?: Opt], { hx?: H; wIh?: Tensor; wHh?: Tensor; bIh?: Opt; bHh?: Opt }>;

function runCell(op: string, mode: RNNMode, input: Tensor, args: readonly unknown[]): Tensor[] {
  const a = bindRequired(op, args, ["hx", "wIh", "wHh", "bIh", "bHh"], 3);
  const x = checkTensor(op, "input", input);
  const states = mode === "LSTM" ? a.hx as Tensor[] : [checkTensor(op, "hx", a.hx)];
  if (mode === "LSTM" && (!Array.isArray(states) || states.length !== 2)) throw new Error(`${op}(): argument 'hx' (position 2) must be a pair of Tensors`);
  states.forEach((h) => checkTensor(op, "hx", h));
  const w: LayerWeights = {
    wIh: checkTensor(op, "w_ih", a.wIh), wHh: checkTensor(op, "w_hh", a.wHh),
    bIh: (a.bIh ?? null) as Opt, bHh: (a.bHh ?? null) as Opt, wHr: null,
  };
  if (x.dim() !== 2 || states.some((h) => h.dim() !== 2)) throw new Error(`${op}: expected a 2-D input (batch, input_size) and 2-D hidden states (batch, hidden_size)`);
  checkCellSizes(x, states, w.wIh.size(1), w.wHh.size(1));
  return STEPS[mode](F.linear(x, w.wIh, w.bIh), states, w);
}

/** torch.rnn_tanh_cell(input, hx, w_ih, w_hh, b_ih=None, b_hh=None) → h'. */
export function rnnTanhCell(input: Tensor, ...args: CellArgs<Tensor>): Tensor { if (autocasting.on && autocasts("rnn_tanh_cell", arguments)) return runAutocast(rnnTanhCell, arguments); return runCell("rnn_tanh_cell", "RNN_TANH", input, args)[0]!; }
/** torch.rnn_relu_cell(input, hx, w_ih, w_hh, b_ih=None, b_hh=None) → h'. */
export function rnnReluCell(input: Tensor, ...args: CellArgs<Tensor>): Tensor { if (autocasting.on && autocasts("rnn_relu_cell", arguments)) return runAutocast(rnnReluCell, arguments); return runCell("rnn_relu_cell", "RNN_RELU", input, args)[0]!; }
/** torch.lstm_cell(input, hx=[h, c], w_ih, w_hh, b_ih=None, b_hh=None) → (h', c'). */
export function lstmCell(input: Tensor, ...args: CellArgs<[Tensor, Tensor]>): [Tensor, Tensor] { if (autocasting.on && autocasts("lstm_cell", arguments)) return runAutocast(lstmCell, arguments); return runCell("lstm_cell", "LSTM", input, args) as [Tensor, Tensor]; }
/** torch.gru_cell(input, hx, w_ih, w_hh, b_ih=None, b_hh=None) → h'. */
export function gruCell(input: Tensor, ...args: CellArgs<Tensor>): Tensor { if (autocasting.on && autocasts("gru_cell", arguments)) return runAutocast(gruCell, arguments); return runCell("gru_cell", "GRU", input, args)[0]!; }
