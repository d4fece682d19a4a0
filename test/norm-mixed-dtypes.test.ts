// batch_norm, layer_norm and group_norm with parameters of another dtype than the input follow
// PyTorch's CPU rule (ATen's mixed_data_type.h): float32 parameters of a bfloat16/float16 input
// are mixed precision (the output keeps the input's dtype); every other mix is refused. Against
// test/fixtures/norm-mixed-dtypes.json (PyTorch 1.13, made by norm-mixed-dtypes.py). torch-ts
// follows PyTorch 2 where 1.13 is older: its words for an input that cannot mix ("all inputs must
// share same datatype.", 1.13: "expect input to have scalar type of BFloat16"; layer_norm and
// group_norm: "expected scalar type ..."), and layer/group norm's bfloat16 input with float32
// parameters, which 1.13 refuses and PyTorch 2 computes.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as torch from "../src/index.js";
import { assertClose } from "./support/kernel-checks.js";

const F = torch.nn.functional;
interface Case { op: string; input: string; params: string; error?: string; values?: number[][]; dtype?: string }
const fixture = JSON.parse(readFileSync(new URL("./fixtures/norm-mixed-dtypes.json", import.meta.url), "utf8")) as { cases: Case[] };

/** The .py's inputs: x [4, 6], weight, bias, running mean and variance [6]. */
function inputs(xd: string, pd: string): torch.Tensor[] {
  const r = (n: number) => torch.arange(n, { dtype: torch.float64 });
  return [
    r(24).reshape(4, 6).mul(0.37).sub(2).sin().to(xd as "float32"),
    r(6).mul(0.5).add(0.25).to(pd as "float32"), r(6).mul(-0.3).add(0.1).to(pd as "float32"),
    r(6).mul(0.1).to(pd as "float32"), r(6).mul(0.2).add(1).to(pd as "float32"),
  ];
}

function call(c: Case): torch.Tensor[] {
  const [x, w, b, rm, rv] = inputs(c.input, c.params) as [torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor];
  if (c.op === "batch_norm_train") return [F.batchNorm(x, rm, rv, w, b, true, 0.1, 1e-5), rm, rv];
  if (c.op === "batch_norm_eval") return [F.batchNorm(x, rm, rv, w, b, false, 0.1, 1e-5)];
  if (c.op === "layer_norm") return [F.layerNorm(x, [6], w, b)];
  return [F.groupNorm(x, 2, w, b)];
}

const pytorch2Computes = (c: Case): boolean => (c.op === "layer_norm" || c.op === "group_norm") && c.input === "bfloat16" && c.params === "float32";

test("mixes PyTorch refuses are refused, in PyTorch 2's words", () => {
  const refused = fixture.cases.filter((c) => c.error !== undefined && !pytorch2Computes(c));
  assert.equal(refused.length, 32);
  for (const c of refused) {
    const expected = c.params !== "float32" ? "mixed dtype (CPU): expect parameter to have scalar type of Float" : "mixed dtype (CPU): all inputs must share same datatype.";
    if (c.error!.startsWith("mixed dtype (CPU): expect parameter")) assert.equal(expected, c.error);
    assert.throws(() => call(c), (e: Error) => e.message === expected, `${c.op} ${c.input} input, ${c.params} parameters`);
  }
});

test("bfloat16 input with float32 parameters: batch_norm's values and running statistics are PyTorch's", () => {
  const computed = fixture.cases.filter((c) => c.values !== undefined);
  assert.deepEqual(computed.map((c) => c.op), ["batch_norm_train", "batch_norm_eval"]);
  for (const c of computed) {
    const got = call(c);
    assert.equal(got[0]!.dtype.toString(), `torch.${c.dtype}`);
    // one bfloat16 rounding of a float32 computation: at most one unit in the last place (2^-8 relative)
    assertClose(got[0]!.double().flatten().tolist() as number[], c.values![0]!, `${c.op} output`, 1e-6, 2 ** -8);
    for (let i = 1; i < got.length; i++) assertClose(got[i]!.double().tolist() as number[], c.values![i]!, `${c.op} running statistic ${i}`, 1e-7, 1e-6);
  }
});

test("layer_norm and group_norm mix float32 parameters into a bfloat16 or float16 input, keeping its dtype", () => {
  const [w, b] = inputs("float32", "float32").slice(1, 3) as [torch.Tensor, torch.Tensor];
  for (const c of fixture.cases.filter(pytorch2Computes)) {
    for (const input of ["bfloat16", "float16"]) {
      const [y] = call({ ...c, input });
      assert.equal(y!.dtype.toString(), `torch.${input}`);
      // the float32 computation on the same (rounded) input, within one rounding of the output
      const x32 = inputs(input, "float32")[0]!.float();
      const want = c.op === "layer_norm" ? F.layerNorm(x32, [6], w, b) : F.groupNorm(x32, 2, w, b);
      assertClose(y!.double().flatten().tolist() as number[], want.double().flatten().tolist() as number[], `${c.op} ${input}`, 1e-6, input === "bfloat16" ? 2 ** -8 : 2 ** -11);
    }
  }
});

test("layer_norm and group_norm with mixed dtypes: each gradient in its own tensor's dtype", () => {
  for (const input of [torch.bfloat16, torch.float16]) {
    const x = torch.randn(2, 4, 6).to(input).requiresGrad_();
    const w = torch.randn(4, { requiresGrad: true }), b = torch.randn(4, { requiresGrad: true });
    F.groupNorm(x, 2, w, b).sum().backward();
    const lw = torch.randn(6, { requiresGrad: true }), lb = torch.randn(6, { requiresGrad: true });
    const lx = torch.randn(2, 4, 6).to(input).requiresGrad_();
    F.layerNorm(lx, [6], lw, lb).sum().backward();
    for (const [t, name] of [[x, "group x"], [w, "group weight"], [b, "group bias"], [lx, "layer x"], [lw, "layer weight"], [lb, "layer bias"]] as const) {
      assert.equal(t.grad!.dtype, t.dtype, `${String(input)} ${name}: grad ${String(t.grad!.dtype)}`);
    }
  }
});
