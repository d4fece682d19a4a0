// The outputs of nn.RNN/LSTM/GRU (and of torch.lstm) carry PyTorch's grad_fn (StackBackward0 over
// time, CatBackward0 across directions, SqueezeBackward1 unbatched): printing an RNN's output shows
// what PyTorch shows (test/fixtures/rnn-grad-fn.py, PyTorch 1.13).

import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as torch from "../src/index.js";

const ref = JSON.parse(readFileSync(new URL("./fixtures/rnn-grad-fn.json", import.meta.url), "utf8"));

interface Case { cls: "RNN" | "LSTM" | "GRU"; options: torch.nn.RNNOptions; output: string; unbatched: string; hidden: string; shape: number[] }

test("nn.RNN/LSTM/GRU outputs: PyTorch's grad_fn and shape for each layout", () => {
  for (const c of ref.modules as Case[]) {
    const what = `${c.cls}(3, 4, ${JSON.stringify(c.options)})`;
    const m = new (torch.nn[c.cls] as typeof torch.nn.LSTM)(3, 4, c.options);
    const [out, h] = m.call(torch.randn(5, 2, 3)) as [torch.Tensor, torch.Tensor | torch.Tensor[]];
    const [unbatched] = m.call(torch.randn(5, 3)) as [torch.Tensor, unknown];
    assert.deepEqual(out.shape, c.shape, what);
    assert.equal(out.gradFn!.name(), c.output, `${what} output`);
    assert.equal(unbatched.gradFn!.name(), c.unbatched, `${what} unbatched output`);
    assert.equal((Array.isArray(h) ? h[0]! : h).gradFn!.name(), c.hidden, `${what} h_n`);
    assert.equal(printed(out).at(-1), `${c.output}>)`, `${what} printed`);
  }
});

test("torch.lstm: the output is stacked over time as PyTorch's", () => {
  const lstm = new torch.nn.LSTM(3, 4);
  const [out, h] = torch.lstm(torch.randn(5, 2, 3), [torch.zeros(1, 2, 4), torch.zeros(1, 2, 4)], [...lstm.parameters()], true, 1, 0.0, true, false, false);
  const expected = ref["torch.lstm"];
  assert.deepEqual(out.shape, expected.shape);
  assert.equal(out.gradFn!.name(), expected.output);
  assert.equal(h.gradFn!.name(), expected.hidden);
});

/** The printed tensor's last word: `grad_fn=<StackBackward0>)`. */
function printed(t: torch.Tensor): string[] {
  return t.toString().split(/[\s=<]+/);
}
