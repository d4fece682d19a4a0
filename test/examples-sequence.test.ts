// PyTorch's sequence tutorials, ported line by line in examples/ (lstm-tagger, char-rnn-names,
// transformer-lm), give PyTorch's numbers: a few training steps of each against the losses their
// Python originals (examples/py/) recorded under PyTorch 1.13 (test/fixtures/examples-sequence.py),
// from the same seed: the same initial weights, dropout masks and training examples.

import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { run as runTagger } from "../examples/lstm-tagger.js";
import { run as runCharRnn } from "../examples/char-rnn-names.js";
import { run as runTransformer } from "../examples/transformer-lm.js";

const ref = JSON.parse(readFileSync(new URL("./fixtures/examples-sequence.json", import.meta.url), "utf8"));

// float32 training differs from PyTorch's only by the rounding of sums taken in another order;
// over these few steps that stays below 1e-6 relative.
const RTOL = 1e-5, ATOL = 1e-6;

function assertClose(actual: readonly number[], expected: readonly number[], what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  actual.forEach((a, i) => {
    const e = expected[i]!;
    assert.ok(Math.abs(a - e) <= ATOL + RTOL * Math.abs(e), `${what}[${i}]: expected ${e} (PyTorch), got ${a}`);
  });
}

test("LSTM part-of-speech tagger: the intro LSTM, the step losses and the trained tag scores are PyTorch's", () => {
  const expected = ref["lstm-tagger"];
  const got = runTagger(expected.options);
  assertClose(got.intro, expected.intro, "intro LSTM output");
  assertClose(got.losses, expected.losses, "losses");
  assertClose(got.tagScores.flat(), expected.tagScores.flat(), "tag scores");
});

test("char-RNN names classifier: the same random names, losses and accuracy as PyTorch", () => {
  const expected = ref["char-rnn-names"];
  const got = runCharRnn(expected.options);
  assertClose(got.losses, expected.losses, "losses");
  assert.equal(got.accuracy, expected.accuracy);
});

test("Transformer language model: step losses (dropout on), validation and test losses are PyTorch's", () => {
  const expected = ref["transformer-lm"];
  const got = runTransformer(expected.options);
  assertClose(got.losses, expected.losses, "losses");
  assertClose(got.valLosses, expected.valLosses, "validation losses");
  assertClose([got.testLoss], [expected.testLoss], "test loss");
});
