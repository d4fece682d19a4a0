// Which in-place writes after a pointwise op leave its backward working: torch-ts saves for the
// version check what PyTorch 1.13's derivatives.yaml saves (AddBackward0 nothing, MulBackward0
// the other operand, DivBackward0 the operands, not the quotient), no more (a valid program refused)
// and no less (a gradient silently computed from overwritten values). Fixture:
// test/fixtures/autograd-saved-versions.py.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as torch from "../src/index.js";
import type { Tensor } from "../src/index.js";

interface Case { ok: boolean; x?: number[] | null; y?: number[] | null; error?: string }
const expected = JSON.parse(readFileSync(new URL("./fixtures/autograd-saved-versions.json", import.meta.url), "utf8")) as Record<string, Case>;

const ones = (): Tensor => torch.ones(3);
const snippets: Record<string, (x: Tensor, y: Tensor) => Tensor> = {
  add_self: (x) => { const a = x.mul(1); a.add_(a); return a; },
  add: (x) => { const a = x.mul(1); const b = a.add(1); a.add_(1); return b; },
  sub: (x) => { const a = x.mul(1); const b = a.sub(ones()); a.add_(1); return b; },
  mul_scalar: (x) => { const a = x.mul(1); const b = a.mul(2); a.add_(1); return b; },
  mul_const: (x) => { const a = x.mul(1); const b = a.mul(ones()); a.add_(1); return b; },
  mul_grad: (x, y) => { const a = x.mul(1); const b = a.mul(y); a.add_(1); return b; },
  mul_self: (x) => { const a = x.mul(1); a.mul_(a); return a; },
  div_scalar: (x) => { const a = x.mul(1); const b = a.div(2); a.add_(1); return b; },
  div_result: (x, y) => { const c = x.div(y); c.mul_(2); return c; },
  div_operand: (x, y) => { const a = x.mul(1); const b = y.div(a); a.add_(1); return b; },
  neg: (x) => { const a = x.mul(1); const b = a.neg(); a.add_(1); return b; },
  floor: (x) => { const a = x.mul(1); const b = a.floor().add(a.frac()); a.add_(1); return b; },
  exp_result: (x) => { const b = x.exp(); b.add_(1); return b; },
  sin_input: (x) => { const a = x.mul(1); const b = a.sin(); a.add_(1); return b; },
  pow_result: (x, y) => { const c = torch.pow(x, y); c.add_(1); return c; },
  hypot_result: (x, y) => { const c = torch.hypot(x, y); c.add_(1); return c; },
  view_chain: (x) => { const a = x.mul(1); const b = a.mul(2).view(3); a.add_(1); return b; },
};

test("every recorded case has its snippet", () => {
  assert.deepEqual(Object.keys(snippets).sort(), Object.keys(expected).sort());
});

for (const [name, snippet] of Object.entries(snippets)) {
  test(`in-place write after ${name}: backward as PyTorch 1.13's`, () => {
    const want = expected[name]!;
    const x = torch.tensor([1, 2, 3], { dtype: torch.float32, requiresGrad: true });
    const y = torch.tensor([0.5, -1.5, 2], { dtype: torch.float32, requiresGrad: true });
    const run = (): void => snippet(x, y).sum().backward();
    if (!want.ok) {
      assert.throws(run, (e: Error) => e.message.split(" Hint")[0] === want.error);
      return;
    }
    run();
    for (const [t, grad] of [[x, want.x], [y, want.y]] as const) {
      if (grad === null || grad === undefined) assert.equal(t.grad, null);
      else assert.ok(torch.allclose(t.grad!, torch.tensor(grad, { dtype: torch.float32 }), { rtol: 1e-6, atol: 1e-7 }), `${name}: ${String(t.grad!.tolist())} vs ${String(grad)}`);
    }
  });
}
