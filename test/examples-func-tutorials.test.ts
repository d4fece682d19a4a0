// The ports of the torch.func and autograd tutorials (examples/jacobians-hessians.ts,
// neural-tangent-kernels.ts, forward-mode-ad.ts, custom-function-transforms.ts) give the numbers of
// their PyTorch originals (examples/py/, Debian's PyTorch 1.13, torch.func written as 1.13's
// functorch or its equivalent computation): each run with the options recorded beside its result in
// test/fixtures/examples-func-tutorials.json (made by examples-func-tutorials.py).

import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as torch from "../src/index.js";
import { run as runJacobiansHessians, predict } from "../examples/jacobians-hessians.js";
import { run as runNtk } from "../examples/neural-tangent-kernels.js";
import { run as runForwardModeAd } from "../examples/forward-mode-ad.js";
import { run as runCustomFunctionTransforms } from "../examples/custom-function-transforms.js";

interface Entry { options: Record<string, unknown>; result: Record<string, unknown> }
const fixture = JSON.parse(readFileSync(new URL("./fixtures/examples-func-tutorials.json", import.meta.url), "utf8")) as Record<string, Entry>;

/** The ports name a result's fields as the translation rule does (snake_case -> camelCase). */
const camel = (k: string): string => k.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());

/**
 * Compares a port's result with PyTorch's, field by field and element by element: numbers within
 * atol + rtol·|expected|; a field named *diff* (the largest difference between two ways the
 * tutorial compares) only has to be at most `diffTol`; booleans, strings and nulls exactly.
 */
function assertMatches(got: unknown, expected: unknown, path: string, tol: { atol: number; rtol: number; diffTol: number }, isDiff = false): void {
  if (typeof expected === "number") {
    assert.equal(typeof got, "number", `${path}: expected a number, got ${String(got)}`);
    const g = got as number;
    if (isDiff) assert.ok(Math.abs(g) <= tol.diffTol, `${path}: ${g} exceeds ${tol.diffTol}`);
    else assert.ok(Math.abs(g - expected) <= tol.atol + tol.rtol * Math.abs(expected), `${path}: expected ${expected} (PyTorch), got ${g}`);
  } else if (Array.isArray(expected)) {
    assert.ok(Array.isArray(got), `${path}: expected an array`);
    assert.equal(got.length, expected.length, `${path}: length`);
    expected.forEach((e, i) => assertMatches(got[i], e, `${path}[${i}]`, tol, isDiff));
  } else if (expected !== null && typeof expected === "object") {
    assert.ok(got !== null && typeof got === "object", `${path}: expected an object`);
    const g = got as Record<string, unknown>;
    for (const [k, e] of Object.entries(expected)) {
      const key = k in g ? k : camel(k);
      assert.ok(key in g, `${path}.${key}: missing`);
      assertMatches(g[key], e, `${path}.${key}`, tol, isDiff || /diff/i.test(k));
    }
  } else {
    assert.equal(got, expected, path);
  }
}

test("Jacobians, Hessians, hvp: jacrev, vmap(vjp), jacfwd, hessian (three ways), batch Jacobians and Hessians, hvp by jvp(grad) and vjp(grad) are PyTorch's", () => {
  const { options, result } = fixture["jacobians-hessians"]!;
  const got = runJacobiansHessians(options);
  assertMatches(got, result, "jacobians-hessians", { atol: 1e-6, rtol: 1e-5, diffTol: 1e-5 });
});

test("Neural Tangent Kernels: the Jacobian-contraction NTK (full, trace, diagonal) and the NTK-vector-products one (vjp, jvp, vmap of vmap) are PyTorch's", () => {
  const { options, result } = fixture["neural-tangent-kernels"]!;
  const got = runNtk(options);
  assertMatches(got, result, "neural-tangent-kernels", { atol: 1e-5, rtol: 1e-5, diffTol: 1e-5 });
});

test("Forward-mode AD: dual tensors, modules with dual parameters, functional_call, a custom Function's jvp, gradcheck(check_forward_ad), torch.func.jvp", () => {
  const { options, result } = fixture["forward-mode-ad"]!;
  const got = runForwardModeAd(options);
  assertMatches(got, result, "forward-mode-ad", { atol: 1e-6, rtol: 1e-6, diffTol: 0 });
});

test("Custom Functions: double backward (gradcheck, gradgradcheck, the graphs of grad_x) and torch.func over setupContext Functions (grad, grad of grad, vmap, jvp, jacfwd)", () => {
  const { options, result } = fixture["custom-function-transforms"]!;
  const got = runCustomFunctionTransforms(options);
  assertMatches(got, result, "custom-function-transforms", { atol: 1e-7, rtol: 1e-6, diffTol: 0 });
});

// The tutorial's batch-Jacobian assert at its own sizes: vmap batches predict into the one matrix
// product that the summed-output way runs too, so the two Jacobians agree as in PyTorch; a
// per-sample loop's matrix-vector products round otherwise (6e-6 here, magnified by 1 - tanh²).
test("vmap(jacrev(predict)) equals jacrev of the summed outputs at allclose's default tolerance (the tutorial's sizes)", () => {
  const { vmap, jacrev } = torch.func;
  torch.manualSeed(0);
  const [weight, bias, x] = [torch.randn(33, 31), torch.randn(33), torch.randn(64, 31)];
  const batchJacobian0 = vmap(jacrev(predict, { argnums: 2 }), { inDims: [null, null, 0] })(weight, bias, x);
  const batchJacobian1 = jacrev((w: torch.Tensor, b: torch.Tensor, x: torch.Tensor) => predict(w, b, x).sum(0), { argnums: 2 })(weight, bias, x).movedim(1, 0);
  assert.ok(torch.allclose(batchJacobian0, batchJacobian1), `max |difference| ${Number(batchJacobian0.sub(batchJacobian1).abs().max().item())}`);
});
