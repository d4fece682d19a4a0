// A non-tensor where an op, a tensor list or a module forward expects a tensor: PyTorch's
// TypeError words (test/fixtures/tensor-arguments.py records them from 1.13), never a JavaScript
// property access on null ("Cannot read properties of null", "x.dim is not a function").

import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as torch from "../src/index.js";
import { loadOpCases, resolveFn } from "./conformance/ops-runner.js";
import { decode, decodeKwargs, isEncodedTensor } from "./conformance/values.js";

const F = torch.nn.functional;
const { nn } = torch;
const fx = JSON.parse(readFileSync(new URL("./fixtures/tensor-arguments.json", import.meta.url), "utf8")) as { messages: Record<string, string> };

// Arguments a typed caller cannot pass: the tests hand them over as PyTorch's Python callers can.
const bad = <T>(v: unknown): T => v as T;
const t = (): torch.Tensor => torch.ones([2, 2]);

const calls: Record<string, () => unknown> = {
  "sum(None)": () => torch.sum(bad(null)),
  "sum(2)": () => torch.sum(bad(2)),
  "sum(1.5)": () => torch.sum(bad(1.5)),
  "sum([1, 2])": () => torch.sum(bad([1, 2])),
  "sum('a')": () => torch.sum(bad("a")),
  "sum(True)": () => torch.sum(bad(true)),
  "mm(t, None)": () => torch.mm(t(), bad(null)),
  "matmul(None, t)": () => torch.matmul(bad(undefined), t()),
  "dot(t1, [1, 2])": () => torch.dot(torch.ones([2]), bad([1, 2])),
  "tensordot(t, None)": () => torch.tensordot(t(), bad(null)),
  "cdist(None, t)": () => torch.cdist(bad(null), t()),
  "reshape(None, [4])": () => torch.reshape(bad(null), [4]),
  "split(t, None)": () => torch.split(t(), bad(null)),
  "unbind(None)": () => torch.unbind(bad(null)),
  "std_mean(None)": () => torch.stdMean(bad(null)),
  "argmax(None)": () => torch.argmax(bad(null)),
  "einsum(None, t)": () => torch.einsum(bad(null), t()),
  "einsum('ij,jk', t, None)": () => torch.einsum("ij,jk", t(), bad(null)),
  "einsum('ij,jk', [t, 2])": () => torch.einsum("ij,jk", [t(), bad(2)]),
  "cat([t, None])": () => torch.cat([t(), bad(null)]),
  "stack([t, 2])": () => torch.stack([t(), bad(2)]),
  "cat(None)": () => torch.cat(bad(null)),
  "F.linear(None, t)": () => F.linear(bad(null), t()),
  "F.linear(t, 2)": () => F.linear(t(), bad(2)),
  "F.linear(t, t, 2)": () => F.linear(t(), t(), bad(2)),
  "F.gelu(None)": () => F.gelu(bad(null)),
  "F.layer_norm(None, [2])": () => F.layerNorm(bad(null), [2]),
  "F.bilinear(t, None, w)": () => F.bilinear(t(), bad(null), torch.ones([1, 2, 2])),
  "F.lp_pool2d(x, 2, None)": () => F.lpPool2d(torch.ones([1, 1, 4, 4]), 2, bad(null)),
  "nn.Linear(None)": () => new nn.Linear(2, 2).forward(bad(null)),
  "nn.LayerNorm(None)": () => new nn.LayerNorm(2).forward(bad(null)),
  "nn.ConvTranspose2d(None)": () => new nn.ConvTranspose2d(1, 1, 1).forward(bad(null)),
  "nn.GRUCell(x, 2)": () => new nn.GRUCell(2, 2).forward(torch.ones([1, 2]), bad(2)),
  "nn.LSTMCell(x, t)": () => new nn.LSTMCell(2, 2).forward(torch.ones([1, 2]), bad(torch.ones([1, 2]))),
  "nn.LSTMCell(x, (t, 2))": () => new nn.LSTMCell(2, 2).forward(torch.ones([1, 2]), bad([torch.ones([1, 2]), 2])),
};

test("PyTorch 1.13's words for non-tensor arguments", () => {
  assert.deepEqual(Object.keys(calls).sort(), Object.keys(fx.messages).sort());
  for (const [name, call] of Object.entries(calls)) {
    const expected = fx.messages[name]!;
    // A tensor list's element error carries no op name in PyTorch; ours prefixes it, as cat's does.
    const op = name === "nn.LSTMCell(x, (t, 2))" ? "lstm_cell" : name.slice(0, name.indexOf("("));
    const want = expected.startsWith("expected Tensor as element") ? `${op}(): ${expected}` : expected;
    assert.throws(call, (e: unknown) => e instanceof Error && e.constructor === Error && e.message === want, `${name}: expected "${want}"`);
  }
});

test("module forwards whose PyTorch error is an AttributeError name the aten op they call", () => {
  const cases: [string, () => unknown][] = [
    ["conv2d(): argument 'input' (position 1) must be Tensor, not NoneType", () => new nn.Conv2d(1, 1, 1).forward(bad(null))],
    ["batch_norm(): argument 'input' (position 1) must be Tensor, not int", () => new nn.BatchNorm1d(2).forward(bad(2))],
    ["instance_norm(): argument 'input' (position 1) must be Tensor, not list", () => new nn.InstanceNorm2d(2).forward(bad([1]))],
    ["lstm(): argument 'input' (position 1) must be Tensor, not NoneType", () => new nn.LSTM(2, 2).forward(bad(null))],
    ["rnn_tanh(): argument 'hx' (position 2) must be Tensor, not int", () => new nn.RNN(2, 2).forward(torch.ones([3, 1, 2]), bad(2))],
    ["lstm_cell(): argument 'input' (position 1) must be Tensor, not NoneType", () => new nn.LSTMCell(2, 2).forward(bad(null))],
    // PyTorch unpacks a tensor hx into 0-d states, which JS cannot: the TensorList error instead.
    ["lstm(): argument 'hx' (position 2) must be tuple of Tensors, not Tensor", () => new nn.LSTM(2, 2).forward(torch.ones([3, 1, 2]), bad(torch.ones([2])))],
    ["lstm(): expected Tensor as element 0 in argument 1, but got NoneType", () => new nn.LSTM(2, 2).forward(torch.ones([3, 1, 2]), bad([null, null]))],
    ["rnn_relu_cell(): argument 'input' (position 1) must be Tensor, not str", () => new nn.RNNCell(2, 2, true, "relu").forward(bad("x"))],
  ];
  for (const [want, call] of cases) assert.throws(call, { message: want });
});

test("every op of the sample table refuses a null first tensor with an Error naming the op", () => {
  const jsSlip = /Cannot read properties|is not a function|is not iterable/;
  let checked = 0;
  const seen = new Set<string>();
  const failures: string[] = [];
  for (const c of loadOpCases()) {
    if (c.method || !isEncodedTensor(c.args[0]) || seen.has(c.fn)) continue;
    seen.add(c.fn);
    const args = [null, ...c.args.slice(1).map((a) => decode(a, false))];
    if (Object.keys(c.kwargs).length) args.push(decodeKwargs(c.kwargs));
    const op = c.fn.replace(/^(torch\.(linalg\.|special\.)?|F\.)/, "");
    let err: unknown = null;
    try { resolveFn(c).call(args); } catch (e) { err = e; }
    checked++;
    if (!(err instanceof Error) || err.constructor !== Error) failures.push(`${c.fn}(null, ...): ${err instanceof Error ? `${err.constructor.name}: ${err.message}` : "returned"}`);
    else if (jsSlip.test(err.message) || !err.message.includes(op)) failures.push(`${c.fn}(null, ...): "${err.message}" does not name ${op}`);
  }
  assert.deepEqual(failures, []);
  assert.ok(checked > 150, `only ${checked} ops checked`);
});
