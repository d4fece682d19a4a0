// Padding modes of quantized convolutions against PyTorch 1.13 (test/fixtures/quant-conv-padding.py):
// F.pad of quantized tensors (constant: the quantized value, reflect 1-d/2-d: the integers), and
// quantized Conv1d/Conv2d/ConvReLU2d with padding_mode "reflect" made by prepare + convert, with
// PyTorch's refusals of the other modes.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";

import * as torch from "../src/index.js";

interface Values { values: number[]; shape: number[] }
interface QValues { ints: number[]; shape: number[]; scale: number; zeroPoint: number }
interface Converted { state: Record<string, Values>; calibration: Values[]; input: Values; repr: string; keys: string[]; weight: QValues; out: QValues }
const fx = JSON.parse(readFileSync(new URL("./fixtures/quant-conv-padding.json", import.meta.url), "utf8")) as {
  pads: Record<string, QValues> & { x1: Values; x2: Values; errors: Record<string, string> };
  modules: { conv1d: Converted; conv2d: Converted; convRelu2d: Converted; errors: Record<string, string> };
};
const F = torch.nn.functional, nn = torch.nn, tq = torch.ao.quantization, nnq = torch.ao.nn.quantized;
const t = (v: Values): torch.Tensor => torch.tensor(v.values).reshape(v.shape);
const same = (q: torch.Tensor, e: QValues, what: string): void => {
  assert.deepEqual(q.shape, e.shape, what);
  assert.deepEqual([q.intRepr().reshape(-1).tolist(), q.qScale(), q.qZeroPoint()], [e.ints, e.scale, e.zeroPoint], what);
};
const firstSentence = (m: string): string => m.slice(0, m.indexOf("backend.") + "backend.".length);

test("F.pad of quantized tensors: PyTorch's integers", () => {
  const P = fx.pads;
  const q1 = torch.quantizePerTensor(t(P.x1), 0.05, 100, torch.quint8), q2 = torch.quantizePerTensor(t(P.x2), 0.05, 100, torch.quint8);
  same(F.pad(q1, [2, 3], "reflect"), P.reflect1d!, "reflect 1-d");
  same(F.pad(q2, [1, 2, 3, 1], { mode: "reflect" }), P.reflect2d!, "reflect 2-d");
  same(F.pad(torch.quantizePerTensor(t(P.x2), 0.03, -3, torch.qint8), [2, 2, 1, 0], "reflect"), P.reflect2dQint8!, "qint8");
  same(F.pad(q1, [1, 2, 2, 0], "reflect"), P.reflect3dInput!, "reflect 2-d of an unbatched input");
  same(F.pad(q2, [1, 2, 0, 1]), P.constant!, "constant 0: the zero point");
  same(F.pad(q2, [1, 1, 2, 0], { value: 0.5 }), P.constantValue!, "constant 0.5");
  same(F.pad(q2, [-1, 2, 1, -2], { value: -1 }), P.constantNegative!, "negative padding crops");
  const E = P.errors;
  assert.throws(() => F.pad(torch.quantizePerTensor(torch.randn(1, 2, 3, 4, 5), 0.1, 0, torch.quint8), [1, 1, 1, 1, 1, 1], "reflect"), { message: firstSentence(E.reflect3d!) });
  assert.throws(() => F.pad(q2, [1, 1, 1, 1], "replicate"), { message: firstSentence(E.replicate!) });
  const pc = torch.quantizePerChannel(t(P.x2), torch.tensor([0.1, 0.2, 0.3]), torch.tensor([0, 1, 2]), 1, torch.quint8);
  assert.throws(() => F.pad(pc, [1, 1, 1, 1], "reflect"), { message: E.perChannel });
});

function converted(c: Converted, make: () => torch.nn.Module, fuse: boolean): void {
  const seq = fuse ? new nn.Sequential(new tq.QuantStub(), make(), new nn.ReLU(), new tq.DeQuantStub()) : new nn.Sequential(new tq.QuantStub(), make(), new tq.DeQuantStub());
  seq.loadStateDict(new Map(Object.entries(c.state).map(([k, v]) => [k, t(v)])));
  seq.eval();
  const m = fuse ? tq.fuseModules(seq, [["1", "2"]]) : seq;
  (m as unknown as { qconfig: unknown }).qconfig = tq.defaultQconfig;
  tq.prepare(m, { inplace: true });
  for (const x of c.calibration) m.call(t(x));
  tq.convert(m, { inplace: true });
  const conv = m.at(1) as InstanceType<typeof nnq.Conv2d>;
  assert.equal(conv.paddingMode, "reflect");
  assert.deepEqual(Object.keys(Object.fromEntries(m.stateDict())), c.keys);
  same(conv.weight(), c.weight, "weight");
  // The observed output range comes from the float convolution, whose sums may differ from
  // PyTorch's in the last bit: its scale within 1e-6, then the kernel, exact, at PyTorch's parameters.
  assert.equal(String(conv).replace(/scale=[\d.e-]+/, "scale=?"), c.repr.replace(/scale=[\d.e-]+/, "scale=?"));
  assert.ok(Math.abs(conv.scale - c.out.scale) <= 1e-6 * c.out.scale, `scale ${conv.scale} vs ${c.out.scale}`);
  assert.equal(conv.zeroPoint, c.out.zeroPoint);
  conv.scale = c.out.scale;
  const qx = (m.at(0) as torch.nn.Identity).call(t(c.input));
  same(conv.call(qx), c.out, "output");
}

test("Conv1d / Conv2d / ConvReLU2d with padding_mode reflect, through prepare and convert: PyTorch's integers", () => {
  const M = fx.modules;
  converted(M.conv1d, () => new nn.Conv1d(3, 4, 3, { padding: 2, paddingMode: "reflect" }), false);
  converted(M.conv2d, () => new nn.Conv2d(3, 4, [3, 2], { stride: [1, 2], padding: [1, 1], paddingMode: "reflect" }), false);
  converted(M.convRelu2d, () => new nn.Conv2d(3, 2, 3, { padding: 2, paddingMode: "reflect" }), true);
  const E = M.errors;
  assert.throws(() => new nnq.Conv2d(2, 3, 3, { padding: 1, paddingMode: "replicate" }), { message: E.replicate });
  assert.throws(() => new nnq.Conv1d(2, 3, 3, { padding: 1, paddingMode: "circular" }), { message: E.circular });
  assert.throws(() => new nnq.Conv3d(2, 3, 3, { padding: 1, paddingMode: "reflect" }), { message: E.conv3dReflect });
  assert.throws(() => new nnq.Conv3d(2, 3, 3, { padding: 1, paddingMode: "replicate" }), { message: E.conv3dReplicate });
  assert.throws(() => new nnq.ConvTranspose2d(2, 3, 3, { paddingMode: "reflect" } as never), { message: E.transposed });
});
