// Four of PyTorch's nn tutorials, ported line by line in examples/ (spatial-transformer,
// seq2seq-attention, pruning, parametrizations), give the numbers of their Python originals
// (examples/py/, Debian's PyTorch 1.13) for the same seed: the same initial weights, dropout masks,
// data order, pruning masks and parametrized tensors. Against test/fixtures/examples-nn-tutorials.json
// (made by examples-nn-tutorials.py beside it, with the options recorded there).

import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { run as runStn } from "../examples/spatial-transformer.js";
import { run as runSeq2seq } from "../examples/seq2seq-attention.js";
import { run as runPruning } from "../examples/pruning.js";
import { run as runParametrizations } from "../examples/parametrizations.js";

interface Recorded { options: Record<string, number>; result: Record<string, unknown> }
const fixture = JSON.parse(readFileSync(new URL("./fixtures/examples-nn-tutorials.json", import.meta.url), "utf8")) as Record<string, Recorded>;

/** Numbers within atol + rtol * |expected|; strings, booleans and the nesting exactly as recorded. */
function assertMatches(actual: unknown, expected: unknown, what: string, atol: number, rtol: number): void {
  if (typeof expected === "number") {
    assert.equal(typeof actual, "number", `${what}: expected a number, got ${typeof actual}`);
    const a = actual as number;
    assert.ok(Math.abs(a - expected) <= atol + rtol * Math.abs(expected), `${what}: expected ${expected} (PyTorch), got ${a}`);
  } else if (Array.isArray(expected)) {
    assert.ok(Array.isArray(actual), `${what}: expected an array`);
    assert.equal(actual.length, expected.length, `${what}: length`);
    expected.forEach((e, i) => assertMatches(actual[i], e, `${what}[${i}]`, atol, rtol));
  } else if (expected !== null && typeof expected === "object") {
    assert.ok(actual !== null && typeof actual === "object", `${what}: expected an object`);
    assert.deepEqual(Object.keys(actual).sort(), Object.keys(expected).sort(), `${what}: keys`);
    for (const [k, e] of Object.entries(expected)) assertMatches((actual as Record<string, unknown>)[k], e, `${what}.${k}`, atol, rtol);
  } else {
    assert.equal(actual, expected, what);
  }
}

test("Spatial Transformer Networks: step losses, test loss and accuracy, the STN's output", () => {
  const { options, result } = fixture["spatial-transformer"]!;
  const got = runStn({ ...options, verbose: false });
  // The convolutions' float32 sums round in another order than PyTorch's (mkldnn): in the flat
  // background both give near-equal values whose max-pool winner differs by an ulp, which moves
  // the gradient that reaches the localisation net (not the others). The losses drift by ~1e-5.
  assertMatches(got, result, "spatial-transformer", 1e-6, 1e-4);
  // The first update is tighter: theta's gradient enters there (affine_grid + grid_sample rounded
  // in float64 had it 40% off, which put this loss 3.6e-6 off).
  const losses = (result as { losses: number[] }).losses;
  assertMatches(got.losses.slice(0, 2), losses.slice(0, 2), "spatial-transformer first two losses", 0, 1e-6);
});

test("seq2seq translation with Bahdanau attention: epoch losses and the evaluated translations", () => {
  const { options, result } = fixture["seq2seq-attention"]!;
  const got = runSeq2seq({ ...options, verbose: false });
  assertMatches(got, result, "seq2seq-attention", 1e-6, 1e-5);
});

test("Pruning tutorial: names, masks, pruned tensors, hooks, state_dict keys, sparsity", () => {
  const { result } = fixture.pruning!;
  assertMatches(runPruning({ verbose: false }), result, "pruning", 1e-6, 1e-5);
});

test("Parametrizations tutorial: parametrized values, module reprs, caching, right_inverse, removal", () => {
  const { result } = fixture.parametrizations!;
  // dist(X.T @ X, I) and the like are float32 rounding noise (~1e-7) in both
  assertMatches(runParametrizations({ verbose: false }), result, "parametrizations", 1e-6, 1e-5);
});
