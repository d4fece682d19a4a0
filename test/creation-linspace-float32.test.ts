// float32 torch.linspace gives PyTorch's values bit for bit, with the roundings of its CPU kernel
// (fused multiply-adds, vectorized blocks, a scalar tail; src/core/linspace.ts): the values
// affine_grid builds its base grid from. Against test/fixtures/linspace-float32.json (made by
// the .py beside it, PyTorch 1.13).

import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as torch from "../src/index.js";

interface Case { start: number; end: number; steps: number; values: number[] }
const fixture = JSON.parse(readFileSync(new URL("./fixtures/linspace-float32.json", import.meta.url), "utf8")) as { cases: Case[] };

test("float32 linspace: every value is PyTorch's, bit for bit", () => {
  for (const { start, end, steps, values } of fixture.cases) {
    const got = torch.linspace(start, end, steps).tolist() as number[];
    assert.equal(got.length, steps);
    got.forEach((v, i) => assert.ok(Object.is(v, values[i]), `linspace(${start}, ${end}, ${steps})[${i}]: expected ${values[i]} (PyTorch), got ${v}`));
  }
});

test("float64 linspace keeps its ends exact and its symmetric formula", () => {
  const t = torch.linspace(-1, 1, 5, { dtype: torch.float64 });
  assert.deepEqual(t.tolist(), [-1, -0.5, 0, 0.5, 1]);
});
