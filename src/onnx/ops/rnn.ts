// nn.RNN / nn.LSTM / nn.GRU as ONNX's RNN, LSTM and GRU ops (one node per layer), so the exported
// graph runs any sequence length. The module's forward is wrapped for the duration of the export
// to report one record per call, with the step-by-step ops it runs inside left untraced.

import type { Tensor } from "../../core/tensor.js";
import type { Module } from "../../nn/module.js";
import { RNNBase, type RNNMode } from "../../nn/modules/rnn.js";
import { PackedSequence } from "../../nn/utils/rnn.js";
import { type ConvertContext, type Converter, WHO } from "../context.js";
import { attr } from "../graph.js";
import { traceOp, tracing, untraced } from "../hook.js";

interface RnnAttrs {
  mode: RNNMode; numLayers: number; bidirectional: boolean; batchFirst: boolean; hiddenSize: number; bias: boolean; projSize: number;
}

/** PyTorch's gate order → ONNX's: LSTM i,f,g,o → i,o,f,c; GRU r,z,n → z,r,h. */
const GATE_ORDER: Record<RNNMode, number[]> = { LSTM: [0, 3, 1, 2], GRU: [1, 0, 2], RNN_TANH: [0], RNN_RELU: [0] };
const ONNX_OP: Record<RNNMode, string> = { LSTM: "LSTM", GRU: "GRU", RNN_TANH: "RNN", RNN_RELU: "RNN" };

/**
 * Wraps the forward of every recurrent module in `model` so that a trace records it as one op.
 * Returns the function that restores the modules.
 */
export function wrapRecurrentModules(model: Module): () => void {
  const restore: (() => void)[] = [];
  for (const m of model.modules()) {
    if (!(m instanceof RNNBase)) continue;
    const rnn = m;
    const own = Object.prototype.hasOwnProperty.call(rnn, "forward");
    const previous = (rnn as unknown as { forward: (...a: unknown[]) => unknown }).forward;
    const wrapped = function (this: RNNBase, input: Tensor | PackedSequence, hx: Tensor | [Tensor, Tensor] | null = null): unknown {
      const kind = rnn.mode === "LSTM" ? "LSTM" : rnn.mode === "GRU" ? "GRU" : "RNN";
      if (input instanceof PackedSequence) throw new Error(`${WHO}: nn.${kind} with a PackedSequence input has no ONNX mapping; pass a padded tensor`);
      if (!tracing.on) return previous.call(this, input, hx);
      // The step-by-step ops inside are not recorded: the module is one op of the trace.
      const out = untraced(() => previous.call(this, input, hx)) as [Tensor, Tensor | [Tensor, Tensor]];
      {
        const states = Array.isArray(out[1]) ? out[1] : [out[1]];
        const given = hx === null ? [] : Array.isArray(hx) ? hx : [hx];
        const attrs: RnnAttrs = {
          mode: rnn.mode, numLayers: rnn.numLayers, bidirectional: rnn.bidirectional, batchFirst: rnn.batchFirst,
          hiddenSize: rnn.hiddenSize, bias: rnn.bias, projSize: rnn.projSize,
        };
        traceOp(`module:${kind}`, [input, given[0] ?? null, given[1] ?? null, ...rnn._flatWeights], [out[0], ...states], { ...attrs });
      }
      return out;
    };
    (rnn as unknown as { forward: unknown }).forward = wrapped;
    restore.push(() => {
      if (own) (rnn as unknown as { forward: unknown }).forward = previous;
      else delete (rnn as unknown as { forward?: unknown }).forward;
    });
  }
  return () => { for (const r of restore) r(); };
}

/** A weight or bias with its gate blocks in ONNX's order, and a leading num_directions axis. */
function onnxGates(c: ConvertContext, name: string, gates: number, hidden: number, order: number[]): string {
  if (gates === 1) return name;
  const parts = c.g.node("Split", [name, c.g.ints(new Array<number>(gates).fill(hidden))], { axis: attr.i(0) }, gates);
  return c.op("Concat", order.map((i) => parts[i]!), { axis: attr.i(0) });
}

const recurrent: Converter = (c) => {
  const a: RnnAttrs = {
    mode: c.attr("mode"), numLayers: c.attr("numLayers"), bidirectional: c.attr("bidirectional"), batchFirst: c.attr("batchFirst"),
    hiddenSize: c.attr("hiddenSize"), bias: c.attr("bias"), projSize: c.attr("projSize"),
  };
  if (a.projSize > 0) c.fail("proj_size has no ONNX mapping (ONNX's LSTM has no projection)");
  const H = a.hiddenSize, D = a.bidirectional ? 2 : 1, lstm = a.mode === "LSTM";
  const gates = GATE_ORDER[a.mode].length, order = GATE_ORDER[a.mode];
  const perDir = a.bias ? 4 : 2;
  const unbatched = c.value(0).shape.length === 2;
  const axis0 = c.g.ints([0]), axis1 = c.g.ints([1]);
  let x = c.input(0);
  if (unbatched) x = c.op("Unsqueeze", [x, axis1]);
  else if (a.batchFirst) x = c.op("Transpose", [x], { perm: attr.ints([1, 0, 2]) });
  const state = (i: number): string | null => {
    if (!c.has(i)) return null;
    return unbatched ? c.op("Unsqueeze", [c.input(i), axis1]) : c.input(i);
  };
  const h0 = state(1), c0 = state(2);
  const stack = (xs: string[]): string => (xs.length === 1 ? xs[0]! : c.op("Concat", xs, { axis: attr.i(0) }));
  const hs: string[] = [], cs: string[] = [];
  for (let l = 0; l < a.numLayers; l++) {
    const W: string[] = [], R: string[] = [], B: string[] = [];
    for (let d = 0; d < D; d++) {
      const at = 3 + (l * D + d) * perDir;
      W.push(c.op("Unsqueeze", [onnxGates(c, c.input(at), gates, H, order), axis0]));
      R.push(c.op("Unsqueeze", [onnxGates(c, c.input(at + 1), gates, H, order), axis0]));
      if (a.bias) {
        const both = c.op("Concat", [onnxGates(c, c.input(at + 2), gates, H, order), onnxGates(c, c.input(at + 3), gates, H, order)], { axis: attr.i(0) });
        B.push(c.op("Unsqueeze", [both, axis0]));
      }
    }
    const slice = (s: string | null): string => (s === null ? "" : c.op("Slice", [s, c.g.ints([l * D]), c.g.ints([(l + 1) * D]), axis0]));
    const inputs = [x, stack(W), stack(R), a.bias ? stack(B) : "", "", slice(h0)];
    if (lstm) inputs.push(slice(c0));
    const attrs: Record<string, ReturnType<typeof attr.i>> = { hidden_size: attr.i(H), direction: attr.s(D === 2 ? "bidirectional" : "forward") };
    if (a.mode === "GRU") attrs.linear_before_reset = attr.i(1);
    if (a.mode === "RNN_TANH" || a.mode === "RNN_RELU") attrs.activations = attr.strings(new Array<string>(D).fill(a.mode === "RNN_TANH" ? "Tanh" : "Relu"));
    const outs = c.g.node(ONNX_OP[a.mode], inputs, attrs, lstm ? 3 : 2);
    const Y = outs[0]!;
    // Y is (T, D, B, H): the next layer's input is (T, B, D*H).
    x = D === 1 ? c.op("Squeeze", [Y, axis1]) : c.op("Reshape", [c.op("Transpose", [Y], { perm: attr.ints([0, 2, 1, 3]) }), c.g.ints([0, 0, -1])]);
    hs.push(outs[1]!);
    if (lstm) cs.push(outs[2]!);
  }
  let y = x;
  if (unbatched) y = c.op("Squeeze", [y, axis1]);
  else if (a.batchFirst) y = c.op("Transpose", [y], { perm: attr.ints([1, 0, 2]) });
  const final = (xs: string[]): string => {
    const s = stack(xs);
    return unbatched ? c.op("Squeeze", [s, axis1]) : s;
  };
  return lstm ? [y, final(hs), final(cs)] : [y, final(hs)];
};

export const RNN: Record<string, Converter> = {
  "module:LSTM": recurrent,
  "module:GRU": recurrent,
  "module:RNN": recurrent,
};
