// The calls the fuzzer (scripts/fuzz-ops.ts) left over, each against PyTorch 1.13's answer
// (test/fixtures/fuzz-leftovers.py): the factories' number arguments as Python's TypeErrors and
// ATen's range checks, repeat_interleave's float repeats, one_hot's and repeat_interleave's
// allocations past 2^53 elements as the allocator's error, max_unpool's output_size given as a
// tensor, and sum / reshape with every argument in the options object (API.md rule 2).

import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as torch from "../src/index.js";
import type { Tensor } from "../src/index.js";

type Recorded = { error: string } | { value: unknown };
const fx = JSON.parse(readFileSync(new URL("./fixtures/fuzz-leftovers.json", import.meta.url), "utf8")) as { cases: Record<string, Recorded> };

// Calls PyTorch types out (None where a number goes, an options object as the only argument):
// made through untyped handles, as a JavaScript caller would.
type Loose = (...a: unknown[]) => Tensor;
const T = torch as unknown as Record<string, Loose>;
const F = torch.nn.functional as unknown as Record<string, Loose>;
const x = torch.tensor([1, 2]);
const pool = (): [Tensor, Tensor] => torch.nn.functional.maxPool2d(torch.arange(16, { dtype: torch.float32 }).view(1, 1, 4, 4), 2, { returnIndices: true }) as unknown as [Tensor, Tensor];
const unpool = (size: unknown): Tensor => { const [a, i] = pool(); return (new torch.nn.MaxUnpool2d(2) as unknown as { call: Loose }).call(a, i, size); };
const f32 = (n: number): Tensor => torch.arange(n, { dtype: torch.float32 });

const cases: Record<string, () => Tensor> = {
  "repeat_interleave inf": () => T.repeatInterleave!(x, Infinity),
  "repeat_interleave nan": () => T.repeatInterleave!(x, NaN),
  "repeat_interleave 1.5": () => T.repeatInterleave!(x, 1.5),
  "repeat_interleave 2^53": () => T.repeatInterleave!(x, 2 ** 53),
  "one_hot classes 2^53": () => F.oneHot!(torch.tensor([0, 1]), 2 ** 53),
  "one_hot index 2^53": () => F.oneHot!(torch.tensor([2 ** 53])),
  "one_hot index 2^53 classes 3": () => F.oneHot!(torch.tensor([2 ** 53]), 3),
  "MaxUnpool2d output_size tensor": () => unpool(torch.tensor([4, 4])),
  "MaxUnpool2d output_size 0-dim tensors": () => unpool([torch.tensor(4), torch.tensor(4)]),
  "linspace start None": () => T.linspace!(null, 1, 3),
  "linspace start nan": () => T.linspace!(NaN, 1, 3),
  "linspace steps 1.5": () => T.linspace!(0, 1, 1.5),
  "linspace steps None": () => T.linspace!(0, 1, null),
  "logspace end None": () => T.logspace!(0, null, 3),
  "arange nan": () => T.arange!(NaN),
  "arange inf": () => T.arange!(Infinity),
  "arange None": () => T.arange!(null),
  "arange 0 nan": () => T.arange!(0, NaN),
  "arange 0 1 nan": () => T.arange!(0, 1, NaN),
  "arange 0 None": () => T.arange!(0, null),
  "range 0 nan": () => T.range!(0, NaN),
  "range 0 None": () => T.range!(0, null),
  "zeros 1.5": () => T.zeros!(1.5),
  "zeros [1.5]": () => T.zeros!([1.5]),
  "zeros 2 1.5": () => T.zeros!(2, 1.5),
  "zeros None": () => T.zeros!(null),
  "zeros nan": () => T.zeros!(NaN),
  "zeros [2, None]": () => T.zeros!([2, null]),
  "ones 1.5": () => T.ones!(1.5),
  "empty 1.5": () => T.empty!(1.5),
  "rand 1.5": () => T.rand!(1.5),
  "randn [2.5]": () => T.randn!([2.5]),
  "rand 2 1.5": () => T.rand!(2, 1.5),
  "full [2] None": () => T.full!([2], null),
  "full [2] nan": () => T.full!([2], NaN),
  "full [2.5] 1": () => T.full!([2.5], 1),
  "full None 1": () => T.full!(null, 1),
  "full 2 1": () => T.full!(2, 1),
  "eye 1.5": () => T.eye!(1.5),
  "eye None": () => T.eye!(null),
  "eye 2 None": () => T.eye!(2, null),
  "randint 1.5 (2,)": () => T.randint!(1.5, [2]),
  "randint None (2,)": () => T.randint!(null, [2]),
  "randint 0 nan [2]": () => T.randint!(0, NaN, [2]),
  "randperm 1.5": () => T.randperm!(1.5),
  "randperm None": () => T.randperm!(null),
  "bincount int64 2^60+1": () => torch.bincount(torch.full([12], 2n ** 60n + 1n, { dtype: torch.int64 })),
  "bincount weights int": () => T.bincount!(torch.tensor([1, 2]), 3),
  "sum input=": () => T.sum!({ input: f32(4) }),
  "sum input= dim=": () => T.sum!({ input: f32(4).view(2, 2), dim: 1, keepdim: true }),
  "reshape input= shape=": () => T.reshape!({ input: f32(4), shape: [2, 2] }),
};

// More elements than a typed array holds (2^32) are the allocator's error before any buffer is
// reserved (PyTorch would try to allocate these 16 GiB: not recorded here).
test("sizes past 2^32 elements are the allocator's error", () => {
  for (const f of [() => torch.zeros([2 ** 32 + 1], { dtype: torch.int32 }), () => torch.full([2 ** 32 + 1], 1.5), () => torch.arange(-2147483649, 4, 0.5)]) {
    assert.throws(f, /DefaultCPUAllocator: can't allocate memory: you tried to allocate 1717986\d{4} bytes/);
  }
});

const nanAsStr = (v: unknown): unknown => (Array.isArray(v) ? v.map(nanAsStr) : typeof v === "number" && Number.isNaN(v) ? "nan" : v);

test("every recorded case has its torch-ts form", () => {
  assert.deepEqual(Object.keys(cases).sort(), Object.keys(fx.cases).sort());
});

for (const [id, expected] of Object.entries(fx.cases)) {
  test(id, () => {
    const run = cases[id]!;
    if ("error" in expected) {
      assert.throws(run, (e: Error) => {
        assert.ok(e.message.includes(expected.error), `${id}: got "${e.message}", PyTorch says "${expected.error}"`);
        return true;
      });
    } else {
      assert.deepEqual(nanAsStr(run().tolist()), expected.value);
    }
  });
}
