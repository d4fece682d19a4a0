// torch.distributions against values recorded from PyTorch 1.13 (test/fixtures/distributions.py):
// log_prob, cdf, icdf, entropy, perplexity, mean, mode, variance, stddev, shapes, and the samples
// drawn after manual_seed (PyTorch's streams).
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as torch from "../src/index.js";
import { closeNested } from "./support/recorded.js";

const D = torch.distributions;

type Nested = number | string | Nested[];
interface Case {
  id: string; dist: string; params: Record<string, Nested>; raw: Record<string, number>; dtype: "float32" | "float64";
  batchShape: number[]; eventShape: number[]; values?: Nested; quantiles?: Nested; seed?: number; sampleShape?: number[];
  [key: string]: unknown;
}
interface KlCase { id: string; p: { dist: string; params: Record<string, Nested> }; q: { dist: string; params: Record<string, Nested> }; dtype: "float32" | "float64"; kl: Nested }
const fixture = JSON.parse(readFileSync(new URL("./fixtures/distributions.json", import.meta.url), "utf8")) as { cases: Case[]; kl: KlCase[] };

const decode = (v: unknown): unknown => (Array.isArray(v) ? v.map(decode) : v === "nan" ? NaN : v === "inf" ? Infinity : v === "-inf" ? -Infinity : v);
// float32: PyTorch 2.x and 1.13 differ by an ulp or two in a few kernels (erfinv, log-sigmoid BCE).
const tolOf = (c: Case): number => (c.dtype === "float32" ? 3e-6 : 1e-12);
const DISCRETE_VALUES = new Set(["Categorical"]);

function build(c: { dist: string; params: Record<string, Nested>; raw?: Record<string, number>; dtype: "float32" | "float64" }): torch.distributions.Distribution {
  const params: Record<string, torch.Tensor> = {};
  for (const [k, v] of Object.entries(c.params)) params[k] = torch.tensor(decode(v) as number[], { dtype: c.dtype });
  const Ctor = (D as unknown as Record<string, new (o: Record<string, unknown>) => torch.distributions.Distribution>)[c.dist]!;
  return new Ctor({ ...params, ...c.raw });
}

describe("distributions: values recorded from PyTorch", () => {
  for (const c of fixture.cases) {
    test(c.id, () => {
      const d = build(c);
      const tol = tolOf(c);
      assert.deepEqual(d.batchShape, c.batchShape);
      assert.deepEqual(d.eventShape, c.eventShape);
      const check = (name: string, get: () => torch.Tensor) => {
        if (c[name] === undefined) return;
        closeNested(get().tolist(), decode(c[name]), tol, `${c.id}.${name}`);
      };
      if (c.values !== undefined) {
        const v = torch.tensor(decode(c.values) as number[], { dtype: DISCRETE_VALUES.has(c.dist) ? "int64" : c.dtype });
        check("logProb", () => d.logProb(v));
        check("cdf", () => d.cdf(v));
      }
      if (c.quantiles !== undefined) check("icdf", () => d.icdf(torch.tensor(decode(c.quantiles) as number[], { dtype: c.dtype })));
      check("entropy", () => d.entropy());
      check("perplexity", () => d.perplexity());
      check("mean", () => d.mean);
      check("mode", () => d.mode);
      check("variance", () => d.variance);
      check("stddev", () => d.stddev);
      if (c.seed !== undefined) {
        torch.manualSeed(c.seed);
        check("sample", () => d.sample(c.sampleShape!));
        if (c.rsample !== undefined) {
          torch.manualSeed(c.seed);
          check("rsample", () => d.rsample(c.sampleShape!));
        }
      }
    });
  }
});

describe("klDivergence: values recorded from PyTorch", () => {
  for (const c of fixture.kl) {
    test(c.id, () => {
      const kl = D.klDivergence(build({ ...c.p, dtype: c.dtype }), build({ ...c.q, dtype: c.dtype }));
      closeNested(kl.tolist(), decode(c.kl), c.dtype === "float32" ? 3e-6 : 1e-12, c.id);
    });
  }
});
