// The PyTorch conformance suite: every case of ops.jsonl, modules.jsonl, optim.jsonl and
// rng.jsonl (recorded from PyTorch 2.11), with its counts printed. The thresholds are the
// project's floor: a change that makes a passing case fail shows up here.

import { test } from "node:test";
import assert from "node:assert/strict";
import { loadOpCases, runOpCase, summarize } from "./conformance/ops-runner.js";
import { loadModuleCases, runModuleCase } from "./conformance/modules-runner.js";
import { loadOptimCases, runOptimCase } from "./conformance/optim-runner.js";
import { loadRngCases, runRngCase } from "./conformance/rng-runner.js";
import { KNOWN_FAILURES } from "./conformance/known-failures.js";

function report(title: string, failures: { id: string; reason?: string | null }[]): void {
  for (const f of failures) console.log(`  ${KNOWN_FAILURES.has(f.id) ? "known" : "NEW  "} ${f.id}: ${f.reason ?? ""}`);
  void title;
}

test("ops.jsonl: forward values, gradients and errors match PyTorch", () => {
  const s = summarize(loadOpCases().map(runOpCase));
  console.log(`ops: forward ${s.forward[0]}/${s.forward[1]}, gradients ${s.grad[0]}/${s.grad[1]}, error cases ${s.errors[0]}/${s.errors[1]}`);
  report("ops", s.failures);
  const unexpected = s.failures.filter((f) => !KNOWN_FAILURES.has(f.id));
  assert.deepEqual(unexpected.map((f) => `${f.id}: ${f.reason}`), []);
});

test("modules.jsonl: outputs, gradients and running statistics match PyTorch", () => {
  const results = loadModuleCases().map(runModuleCase);
  const bad = results.filter((r) => !r.forward || r.grad === false);
  console.log(`modules: ${results.length - bad.length}/${results.length}`);
  report("modules", bad);
  assert.deepEqual(bad.filter((r) => !KNOWN_FAILURES.has(r.id)).map((r) => `${r.id}: ${r.reason}`), []);
});

test("optim.jsonl: parameters and learning rates after every step match PyTorch", () => {
  const cases = loadOptimCases();
  const bad = cases.map((c) => ({ id: c.id, reason: runOptimCase(c) })).filter((r) => r.reason);
  console.log(`optim: ${cases.length - bad.length}/${cases.length}`);
  report("optim", bad);
  assert.deepEqual(bad.filter((r) => !KNOWN_FAILURES.has(r.id)).map((r) => `${r.id}: ${r.reason}`), []);
});

test("rng.jsonl: the same seed gives PyTorch's random numbers and initial weights", () => {
  const cases = loadRngCases();
  const bad = cases.map((c) => ({ id: c.id, reason: runRngCase(c) })).filter((r) => r.reason);
  console.log(`rng: ${cases.length - bad.length}/${cases.length}`);
  report("rng", bad);
  assert.deepEqual(bad.filter((r) => !KNOWN_FAILURES.has(r.id)).map((r) => `${r.id}: ${r.reason}`), []);
});
