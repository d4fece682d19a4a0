// Every differentiable op of the sample table (test/fixtures/conformance/ops.jsonl, the cases with
// gradients) under forward-mode AD: each input that PyTorch differentiates is made dual with a
// fixed pseudo-random tangent t, under noGrad and on inputs that do not require grad, and the
// outputs' tangents must equal J·t computed in reverse mode (autograd.functional.jvp's two reverse
// passes on inputs that require grad). This shows that a dual tensor reaches the tangent rule in
// every op (no path that skips recording). Ops PyTorch has no forward AD for refuse as PyTorch.

import { test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../src/index.js";
import { NotImplemented, type OpCase } from "./conformance/ops-runner.js";
import { callCase, casePrimals, differentiableCases, mismatch, tangentFor } from "./support/differentiable-cases.js";

type Tensor = torch.Tensor;
const fwAD = torch.autograd.forwardAd;

/**
 * J·t by reverse mode: autograd.functional.jvp (two reverse passes through the graph recorded on
 * inputs that require grad, PyTorch's double-backward trick) on the same inputs and tangents.
 */
function reverseJt(c: OpCase, primals: Tensor[], tangents: Tensor[]): Tensor[] {
  return torch.autograd.functional.jvp((...ps: Tensor[]) => callCase(c, ps), primals, tangents)[1] as Tensor[];
}

/** Ops without forward AD in PyTorch either (their backward has no derivative): PyTorch's refusal. */
const NO_FORWARD_AD: Record<string, string> = {
  "F.grid_sample#1": "Trying to use forward AD with grid_sampler_2d that does not support it because it has not been implemented yet.",
  "F.ctc_loss#1": "Trying to use forward AD with _ctc_loss that does not support it because it has not been implemented yet.",
};

test("every differentiable op of the sample table: forward-mode tangents equal J·t from reverse mode", () => {
  const wrong: string[] = [];
  let checked = 0, refused = 0;
  for (const c of differentiableCases()) {
    const primals = casePrimals(c);
    const tangents = primals.map((p, i) => tangentFor(p, i));
    let forward: (Tensor | null)[];
    try {
      forward = fwAD.dualLevel(() => {
        const duals = primals.map((p, i) => fwAD.makeDual(p, tangents[i]!));
        return torch.noGrad(() => callCase(c, duals)).map((o) => fwAD.unpackDual(o).tangent);
      });
    } catch (e) {
      if (e instanceof NotImplemented) continue;
      if (NO_FORWARD_AD[c.id] === (e as Error).message) { refused++; continue; }
      wrong.push(`${c.id}: forward mode threw ${(e as Error).message.split("\n")[0]}`);
      continue;
    }
    const f32 = primals.some((p) => p.dtype.name !== "float64");
    wrong.push(...mismatch(c.id, forward, reverseJt(c, primals, tangents), f32 ? 1e-3 : 1e-8));
    checked++;
  }
  console.log(`forward-mode AD: ${checked} sample cases checked`);
  for (const w of wrong) console.log(`  ${w}`);
  assert.deepEqual(wrong, []);
  assert.ok(checked >= 200, `only ${checked} cases checked`);
  assert.equal(refused, Object.keys(NO_FORWARD_AD).length);
});
