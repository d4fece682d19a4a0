// The recurrences behind nn.RNN / LSTM / GRU and their cells and the functional torch.rnn_tanh,
// torch.lstm, torch.gru, ... forms: one step per mode, one direction of one layer over packed
// steps, and the stack of layers and directions. Written with differentiable ops. Not public API.

import type { Tensor } from "../../core/tensor.js";
import { cat, stack } from "../../ops/shape-join.js";
import { unsafeChunk } from "../../ops/split-forms.js";
import * as F from "../functional/index.js";

export type RNNMode = "RNN_TANH" | "RNN_RELU" | "LSTM" | "GRU";

export interface LayerWeights {
  wIh: Tensor; wHh: Tensor; bIh: Tensor | null; bHh: Tensor | null; wHr: Tensor | null;
  /** The input and hidden projections when they are not F.linear with these weights (dynamic quantized RNNs). */
  ih?: (x: Tensor) => Tensor;
  hh?: (h: Tensor) => Tensor;
}

/** h·W_hhᵀ + b_hh. */
const hiddenProjection = (h: Tensor, w: LayerWeights): Tensor => (w.hh ? w.hh(h) : F.linear(h, w.wHh, w.bHh));
/** x·W_ihᵀ + b_ih. */
export const inputProjection = (x: Tensor, w: LayerWeights): Tensor => (w.ih ? w.ih(x) : F.linear(x, w.wIh, w.bIh));

/** One recurrence step: the projected input x·W_ihᵀ + b_ih of this step and the state ([h] or [h, c]). */
export type Step = (xProj: Tensor, state: Tensor[], w: LayerWeights) => Tensor[];

/** ATen's cells add the hidden projection first (linear_hh(h).add_(input)): its graph's order. */
function gatesOf(xProj: Tensor, h: Tensor, w: LayerWeights): Tensor {
  return hiddenProjection(h, w).add(xProj);
}

export const STEPS: Record<RNNMode, Step> = {
  RNN_TANH: (x, [h], w) => [gatesOf(x, h!, w).tanh()],
  RNN_RELU: (x, [h], w) => [gatesOf(x, h!, w).relu()],
  LSTM: (x, [h, c], w) => {
    const [i, f, g, o] = unsafeChunk(gatesOf(x, h!, w), 4, 1) as [Tensor, Tensor, Tensor, Tensor];
    const c2 = f.sigmoid().mul(c!).add(i.sigmoid().mul(g.tanh()));
    let h2 = o.sigmoid().mul(c2.tanh());
    if (w.wHr) h2 = F.linear(h2, w.wHr);
    return [h2, c2];
  },
  GRU: (x, [h], w) => {
    // ATen's GRUCell, operand for operand: hy = (h - n) * z + n.
    const [ri, zi, ni] = unsafeChunk(x, 3, 1) as [Tensor, Tensor, Tensor];
    const [rh, zh, nh] = unsafeChunk(hiddenProjection(h!, w), 3, 1) as [Tensor, Tensor, Tensor];
    const r = rh.add(ri).sigmoid();
    const z = zh.add(zi).sigmoid();
    const n = ni.add(nh.mul(r)).tanh();
    return [h!.sub(n).mul(z).add(n)];
  },
};

/**
 * Runs one direction of one layer over packed steps (`batchSizes[t]` rows at step t, in `xProj`
 * one step after the other): the outputs in the same layout and the final state per sequence.
 */
function runDirection(step: Step, xProj: Tensor, batchSizes: number[], state0: Tensor[], w: LayerWeights, reverse: boolean): { output: Tensor; state: Tensor[] } {
  const T = batchSizes.length;
  const offsets: number[] = [];
  let off = 0;
  for (const b of batchSizes) { offsets.push(off); off += b; }
  const outputs = new Array<Tensor>(T);
  if (!reverse) {
    let state = state0;
    let last = batchSizes[0]!;
    const finished: Tensor[][] = [];
    for (let t = 0; t < T; t++) {
      const b = batchSizes[t]!;
      if (b < last) {
        // Sequences last..b end here: keep their final state.
        finished.push(state.map((s) => s.narrow(0, b, last - b)));
        state = state.map((s) => s.narrow(0, 0, b));
      }
      state = step(xProj.narrow(0, offsets[t]!, b), state, w);
      outputs[t] = state[0]!;
      last = b;
    }
    finished.push(state);
    finished.reverse();
    const final = state.map((_, k) => (finished.length === 1 ? finished[0]![k]! : cat(finished.map((f) => f[k]!), 0)));
    return { output: joinSteps(outputs), state: final };
  }
  let last = batchSizes[T - 1]!;
  let state = state0.map((s) => s.narrow(0, 0, last));
  for (let t = T - 1; t >= 0; t--) {
    const b = batchSizes[t]!;
    if (b > last) {
      // Sequences last..b start here (from their end), with their initial state.
      state = state.map((s, k) => cat([s, state0[k]!.narrow(0, last, b - last)], 0));
    }
    state = step(xProj.narrow(0, offsets[t]!, b), state, w);
    outputs[t] = state[0]!;
    last = b;
  }
  return { output: joinSteps(outputs), state };
}

/** The packed steps' outputs one after the other. */
function joinSteps(outputs: Tensor[]): Tensor {
  return outputs.length === 1 ? outputs[0]! : cat(outputs, 0);
}

/**
 * One direction of one layer over an unpacked input, as ATen's FullLayer / ReversedFullLayer: the
 * projected input (T, B, G) unbound into steps, the steps' outputs stacked to (T, B, H) in time
 * order (so the graph is 1.13's: UnbindBackward0 ... StackBackward0).
 */
function runPaddedDirection(step: Step, xProj: Tensor, state0: Tensor[], w: LayerWeights, reverse: boolean): { output: Tensor; state: Tensor[] } {
  const steps = xProj.unbind(0);
  const T = steps.length;
  const outputs = new Array<Tensor>(T);
  let state = state0;
  for (let k = 0; k < T; k++) {
    const t = reverse ? T - 1 - k : k;
    state = step(steps[t]!, state, w);
    outputs[t] = state[0]!;
  }
  return { output: stack(outputs, 0), state };
}

/**
 * The recurrence over all layers and directions. `data` is (N, input_size) in packed layout (T
 * steps of batchSizes[t] rows); `hx` the initial states ([h0] or [h0, c0], each (layers*dirs, B, *)).
 * `dropout` (0 when not training) applies between layers. Returns the last layer's output
 * (N, dirs*H) and the final states. `padded` (an unpacked input): `data` is (T, B, input_size)
 * instead and the output (T, B, dirs*H), projected whole, unbound per step and stacked over time
 * (the directions concatenated), so that its graph is 1.13's.
 */
export function runLayers(mode: RNNMode, weights: (layer: number, dir: number) => LayerWeights, numLayers: number, bidirectional: boolean,
  dropout: number, data: Tensor, batchSizes: number[], hx: Tensor[], padded = false): { output: Tensor; state: Tensor[] } {
  const dirs = bidirectional ? 2 : 1;
  const step = STEPS[mode];
  const finals: Tensor[][] = hx.map(() => []);
  let layerInput = data;
  for (let layer = 0; layer < numLayers; layer++) {
    const outs: Tensor[] = [];
    for (let dir = 0; dir < dirs; dir++) {
      const w = weights(layer, dir);
      const idx = layer * dirs + dir;
      const xProj = inputProjection(layerInput, w);
      const state0 = hx.map((h) => h.select(0, idx));
      const r = padded ? runPaddedDirection(step, xProj, state0, w, dir === 1) : runDirection(step, xProj, batchSizes, state0, w, dir === 1);
      outs.push(r.output);
      r.state.forEach((s, k) => finals[k]!.push(s));
    }
    layerInput = dirs === 1 ? outs[0]! : cat(outs, -1);
    if (dropout > 0 && layer < numLayers - 1) layerInput = F.dropout(layerInput, dropout, true);
  }
  return { output: layerInput, state: finals.map((f) => stack(f, 0)) };
}

/** ATen's checks of a cell's batched input (B, input_size) and states (B, hidden_size). */
export function checkCellSizes(x: Tensor, states: readonly Tensor[], inputSize: number, hiddenSize: number): void {
  if (x.shape[1] !== inputSize) throw new Error(`input has inconsistent input_size: got ${x.shape[1]} expected ${inputSize}`);
  states.forEach((h, i) => {
    if (x.shape[0] !== h.shape[0]) throw new Error(`Input batch size ${x.shape[0]} doesn't match hidden${i} batch size ${h.shape[0]}`);
    if (h.shape[1] !== hiddenSize) throw new Error(`hidden${i} has inconsistent hidden_size: got ${h.shape[1]}, expected ${hiddenSize}`);
  });
}
