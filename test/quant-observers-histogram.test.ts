// torch.ao.quantization.HistogramObserver against PyTorch 1.13 (test/fixtures/quant-observers-histogram.py):
// the running histogram, min/max and calculate_qparams' L2 search after each input, for inputs that
// widen the range (histograms combined), stay inside it, and a narrow range (histc over int() bounds).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";

import * as torch from "../src/index.js";

const { HistogramObserver } = torch.ao.quantization;
interface Step { min: number; max: number; histogram: [number, number][]; scale: number[]; zeroPoint: number[] }
interface Options { dtype?: "qint8"; qscheme?: "per_tensor_symmetric"; reduce_range?: boolean; bins?: number; upsample_rate?: number; quant_min?: number; quant_max?: number }
const fx = JSON.parse(readFileSync(new URL("./fixtures/quant-observers-histogram.json", import.meta.url), "utf8")) as {
  wide: number[][]; narrow: number[][]; runs: { data: "wide" | "narrow"; options: Options; steps: Step[] }[]; stateDictKeys: string[];
};

for (const run of fx.runs) {
  test(`HistogramObserver ${JSON.stringify(run.options)}: PyTorch 1.13's histogram and qparams`, () => {
    const o = run.options;
    const observer = new HistogramObserver({
      dtype: o.dtype, qscheme: o.qscheme ? torch.perTensorSymmetric : undefined, reduceRange: o.reduce_range,
      bins: o.bins, upsampleRate: o.upsample_rate, quantMin: o.quant_min, quantMax: o.quant_max,
    });
    run.steps.forEach((s, i) => {
      const x = torch.tensor(fx[run.data][i]!).reshape(4, 8);
      assert.equal(observer.call(x), x);
      assert.equal(Number(observer.min_val.item()), s.min, `step ${i}: min_val`);
      assert.equal(Number(observer.max_val.item()), s.max, `step ${i}: max_val`);
      const h = observer.histogram.tolist() as number[];
      const nonzero = h.flatMap((v, j) => (v !== 0 ? [[j, v]] : []));
      assert.deepEqual(nonzero, s.histogram, `step ${i}: histogram`);
      const [scale, zeroPoint] = observer.calculateQparams();
      assert.deepEqual(scale.tolist(), s.scale, `step ${i}: scale`);
      assert.deepEqual(zeroPoint.tolist(), s.zeroPoint, `step ${i}: zero_point`);
    });
  });
}

test("HistogramObserver: state_dict keys, defaults before any input, per-tensor only", () => {
  const observer = new HistogramObserver();
  assert.deepEqual([...observer.stateDict().keys()], fx.stateDictKeys);
  const [scale, zeroPoint] = observer.calculateQparams();
  assert.deepEqual([scale.tolist(), zeroPoint.tolist()], [[1], [0]]);
  assert.throws(() => new HistogramObserver({ qscheme: torch.perChannelAffine }), /only support torch.per_tensor_symmetric/);
  assert.throws(() => new HistogramObserver({ bins: 0 }), /bins must be a positive integer/);
});
