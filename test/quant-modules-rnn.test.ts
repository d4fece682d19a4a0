// Dynamic quantized RNNs against PyTorch 1.13 (test/fixtures/quant-modules-rnn.py): quantizeDynamic of
// a model with a 2-layer bidirectional LSTM, a GRU and a Linear, and of RNNCell / LSTMCell / GRUCell,
// from the same float weights, give PyTorch's outputs (its dynamic linear is onednn's here, which
// torch-ts matches within 1e-5: quant-kernels.test.ts; the float gates add a few ulps).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";

import * as torch from "../src/index.js";
import { maxDifference, type RecordedValues as Values } from "./support/quantized-fixture.js";

const fx = JSON.parse(readFileSync(new URL("./fixtures/quant-modules-rnn.json", import.meta.url), "utf8")) as {
  net: Record<string, Values>; x: Values; out: Values; h: Values; floatOut: Values; modules: string[];
  cells: Record<string, Values>; cx: Values; ch: Values; cellsOut: Values;
};
const nn = torch.nn, tq = torch.ao.quantization, nnqd = torch.ao.nn.quantized.dynamic;
const t = (v: Values): torch.Tensor => torch.tensor(v.values).reshape(v.shape);
const stateOf = (s: Record<string, Values>): Map<string, torch.Tensor> => new Map(Object.entries(s).map(([k, v]) => [k, t(v)]));

class Net extends nn.Module {
  lstm = new nn.LSTM(4, 5, { numLayers: 2, bidirectional: true, batchFirst: true });
  gru = new nn.GRU(10, 3);
  fc: torch.nn.Module = new nn.Linear(3, 2);
  override forward(x: torch.Tensor): [torch.Tensor, torch.Tensor] {
    const [y] = (this.lstm as torch.nn.LSTM).call(x) as [torch.Tensor, unknown];
    const [z, h] = (this.gru as torch.nn.GRU).call(y.transpose(0, 1)) as [torch.Tensor, torch.Tensor];
    return [(this.fc as torch.nn.Identity).call(z), h];
  }
}

test("quantizeDynamic({LSTM, GRU, Linear}): PyTorch's outputs", () => {
  const net = new Net();
  net.loadStateDict(stateOf(fx.net));
  net.eval();
  maxDifference(net.call(t(fx.x))[0], fx.floatOut, "float model");
  const dq = tq.quantizeDynamic(net, { qconfigSpec: [nn.LSTM, nn.GRU, nn.Linear] });
  const mods = dq as unknown as Record<string, torch.nn.Module>;
  assert.ok(mods.lstm instanceof nnqd.LSTM && mods.gru instanceof nnqd.GRU && mods.fc instanceof nnqd.Linear);
  const [out, h] = dq.call(t(fx.x));
  // Quantization moves the outputs by far more than the tolerance: the check sees the dynamic path.
  assert.ok(Math.max(...(out.sub(t(fx.floatOut)).abs().reshape(-1).tolist() as number[])) > 1e-3);
  maxDifference(out, fx.out, "output");
  maxDifference(h, fx.h, "h_n");
});

class Cells extends nn.Module {
  rnn = new nn.RNNCell(4, 3);
  lstm = new nn.LSTMCell(4, 3);
  gru = new nn.GRUCell(4, 3);
  override forward(x: torch.Tensor, h: torch.Tensor): torch.Tensor {
    const a = (this.rnn as torch.nn.RNNCell).call(x, h);
    const [b, c] = (this.lstm as torch.nn.LSTMCell).call(x, [h, h]);
    const d = (this.gru as torch.nn.GRUCell).call(x, h);
    return torch.cat([a, b, c, d], 1);
  }
}

test("quantizeDynamic of RNNCell, LSTMCell, GRUCell: PyTorch's outputs", () => {
  const cells = new Cells();
  cells.loadStateDict(stateOf(fx.cells));
  const dc = tq.quantizeDynamic(cells, { qconfigSpec: [nn.RNNCell, nn.LSTMCell, nn.GRUCell] });
  const mods = dc as unknown as Record<string, torch.nn.Module>;
  assert.ok(mods.rnn instanceof nnqd.RNNCell && mods.lstm instanceof nnqd.LSTMCell && mods.gru instanceof nnqd.GRUCell);
  maxDifference(dc.call(t(fx.cx), t(fx.ch)), fx.cellsOut, "cells");
  assert.throws(() => nnqd.LSTM.fromFloat(new nn.GRU(2, 2)), /expected a torch.nn.LSTM/);
});
