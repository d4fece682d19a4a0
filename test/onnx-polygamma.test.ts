// torch.onnx.export of polygamma(n, x) (src/onnx/ops/special.ts: the Hurwitz zeta built in double,
// reflection below 0), checked by onnxruntime-node against torch-ts's own polygamma: n = 0..4 (n = 0
// is digamma), float64 and float32 inputs, positive x, x near 0 on both sides, negative
// non-integers, the poles, ±inf and NaN, within 1e-6 relative; another input length through the dynamic axis.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as ort from "onnxruntime-node";
import * as torch from "../src/index.js";
import * as onnx from "../src/onnx/index.js";

type Tensor = torch.Tensor;

class Polygammas extends torch.nn.Module {
  override forward(x: Tensor): Tensor[] {
    const inPlace = x.mul(1);
    inPlace.polygamma_(2);
    return [torch.polygamma(0, x), torch.polygamma(1, x), x.polygamma(2), torch.special.polygamma(3, x), torch.polygamma(4, x), inPlace, torch.polygamma(1, x.mul(2).to("int64"))];
  }
}

/** The largest relative difference (equal infinities and two NaNs agree) and where. */
function worst(got: ArrayLike<number>, want: number[]): { err: number; at: number } {
  let err = 0, at = -1;
  for (let i = 0; i < want.length; i++) {
    const g = got[i]!, w = want[i]!;
    const e = g === w || (Number.isNaN(g) && Number.isNaN(w)) ? 0 : Math.abs(g - w) / Math.abs(w);
    if (!(e <= err)) { err = e; at = i; }
  }
  return { err, at };
}

function grid(): number[] {
  const g = [0, -0, Infinity, -Infinity, NaN, 1, 2, -1, -2, -7, 0.5, -0.5, -2.5, 1e-30, -1e-30, 1e-8, -1e-8, 1e-3, -0.999, -1.001, 9.999, 10, 10.001, 13.9, 14, 1e6, 1e30, 3e38, -100.5, -100.25, -1000.75];
  for (let v = -30; v <= 40; v += 0.173) g.push(v);
  for (let e = -40; e <= 40; e += 4) g.push(2 ** e, 2 ** e + 0.5);
  for (let e = -20; e <= 8; e += 2) g.push(-(2 ** e) - 0.3);
  return g;
}

for (const dtype of [torch.float64, torch.float32]) {
  test(`polygamma(n, x), n = 0..4, exported in double for ${dtype.name} inputs: onnxruntime agrees with torch-ts within 1e-6 relative`, async () => {
    const model = new Polygammas();
    const x = torch.tensor(grid(), { dtype });
    const bytes = onnx.export(model, [x], null, { dynamicAxes: { input: [0] } });
    const session = await ort.InferenceSession.create(bytes);
    const type = dtype === torch.float64 ? "float64" : "float32";
    // (Not x scaled: torch-ts's zeta, as PyTorch's, steps up from a negative x one by one, forever below -2^53.)
    for (const input of [x, x.get("::3").add(0.37)]) {
      const values = input.tolist() as number[];
      const feeds = { [session.inputNames[0]!]: type === "float64" ? new ort.Tensor(type, Float64Array.from(values), input.shape) : new ort.Tensor(type, Float32Array.from(values), input.shape) };
      const got = await session.run(feeds);
      const want = torch.noGrad(() => model.forward(input));
      assert.equal(session.outputNames.length, want.length);
      session.outputNames.forEach((name, i) => {
        const w = (want[i]!.tolist() as number[]);
        assert.equal(got[name]!.type, want[i]!.dtype.name, `output ${i}: dtype`);
        const { err, at } = worst(got[name]!.data as Float64Array, w);
        assert.ok(err <= 1e-6, `output ${i} (${input.numel()} inputs): at x = ${(input.tolist() as number[])[at]} onnxruntime gives ${(got[name]!.data as Float64Array)[at]}, torch-ts ${w[at]}`);
      });
    }
  });
}

test("polygamma's export refuses nothing it computes: n = 5 and 7 too (a higher n, more steps)", async () => {
  class High extends torch.nn.Module { override forward(x: Tensor): Tensor[] { return [x.polygamma(5), x.polygamma(7)]; } }
  const x = torch.tensor([0.25, 1, 3.5, 12, -0.5, -3.3, 40], { dtype: torch.float64 });
  const session = await ort.InferenceSession.create(onnx.export(new High(), [x]));
  const got = await session.run({ [session.inputNames[0]!]: new ort.Tensor("float64", Float64Array.from(x.tolist() as number[]), x.shape) });
  new High().forward(x).forEach((t, i) => {
    const { err, at } = worst(got[session.outputNames[i]!]!.data as Float64Array, t.tolist() as number[]);
    assert.ok(err <= 1e-6, `n = ${i ? 7 : 5} at x = ${(x.tolist() as number[])[at]}: relative error ${err}`);
  });
});
