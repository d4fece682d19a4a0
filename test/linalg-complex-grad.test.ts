// Gradients of torch.logdet, linalg.qr, lu_factor(_ex), lu, lu_solve and torch.lu_unpack on complex128 input against
// PyTorch 1.13 (test/fixtures/linalg/complex-grad.json, made by fixtures/linalg/complex-grad.py), with
// real, non-holomorphic losses; central differences through (re, im) for a few small cases (svd with
// full_matrices and one of gU/gVh, eigh too); double backward of every linalg op whose backward real
// and complex input share; PyTorch's refusals (qr's mode 'r' and complete tall matrices, losses that
// depend on the phases of svd's or eigh's vectors) in its words.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as torch from "../src/index.js";

type Tensor = torch.Tensor;
interface Recorded { shape: number[]; dtype: string; data?: number[]; re?: number[]; im?: number[] }
interface GradCase { name: string; inputs: Recorded[]; weights: Recorded[]; loss: number; grads: Recorded[] }

const cases = new Map((JSON.parse(readFileSync(new URL("./fixtures/linalg/complex-grad.json", import.meta.url), "utf8")) as GradCase[]).map((c) => [c.name, c]));
const L = torch.linalg;

function tensorOf(r: Recorded): Tensor {
  if (r.data) return torch.tensor(r.data, { dtype: torch.float64 }).reshape(r.shape);
  return torch.complex(torch.tensor(r.re!, { dtype: torch.float64 }), torch.tensor(r.im!, { dtype: torch.float64 })).reshape(r.shape);
}

function assertClose(actual: Tensor, expected: Recorded, what: string): void {
  assert.deepEqual(actual.shape, expected.shape, `${what}: shape`);
  assert.equal(actual.dtype.name, expected.dtype, `${what}: dtype`);
  const a = torch.viewAsReal(actual.contiguous()).flatten().tolist() as number[];
  const e = expected.re!.flatMap((re, i) => [re, expected.im![i]!]);
  a.forEach((x, i) => assert.ok(Math.abs(x - e[i]!) <= 1e-9 * (1 + Math.abs(e[i]!)), `${what}[${i >> 1}] (${i % 2 ? "im" : "re"}): ${x} vs PyTorch's ${e[i]}`));
}

/** The fixture's loss: Σ over the outputs o of (|o|² · wAbs).sum() + (viewAsReal(o) · wParts).sum(). */
function lossOf(outputs: Tensor[], weights: Tensor[]): Tensor {
  return outputs
    .map((o, i) => o.abs().pow(2).mul(weights[2 * i]!).sum().add(torch.viewAsReal(o.resolveConj()).mul(weights[2 * i + 1]!).sum()))
    .reduce((s, t) => s.add(t));
}

function against(name: string, node: string, f: (...x: Tensor[]) => Tensor | Tensor[]): void {
  test(`complex gradient of ${name} equals PyTorch 1.13's (${node})`, () => {
    const ref = cases.get(name);
    assert.ok(ref, `fixture case ${name}`);
    const xs = ref.inputs.map((r) => tensorOf(r).requiresGrad_());
    const r = f(...xs);
    const outs = Array.isArray(r) ? r : [r];
    assert.equal(outs[0]!.gradFn?.name(), node);
    const loss = lossOf(outs, ref.weights.map(tensorOf));
    assert.ok(Math.abs((loss.item() as number) - ref.loss) <= 1e-9 * (1 + Math.abs(ref.loss)), `${name}: loss ${loss.item()} vs ${ref.loss}`);
    loss.backward();
    xs.forEach((x, i) => assertClose(x.grad!, ref.grads[i]!, `${name}: gradient of input ${i}`));
  });
}

against("logdet", "LogdetBackward0", (a) => torch.logdet(a));
against("logdet_batch", "LogdetBackward0", (a) => torch.logdet(a));
against("qr_reduced_tall", "LinalgQrBackward0", (a) => [...L.qr(a)]);
against("qr_reduced_square_batch", "LinalgQrBackward0", (a) => [...L.qr(a)]);
against("qr_reduced_wide", "LinalgQrBackward0", (a) => [...L.qr(a)]);
against("qr_complete_wide_batch", "LinalgQrBackward0", (a) => [...L.qr(a, "complete")]);
against("qr_complete_square", "LinalgQrBackward0", (a) => [...L.qr(a, "complete")]);
against("qr_only_R_tall", "LinalgQrBackward0", (a) => L.qr(a).R);
against("qr_only_Q_wide", "LinalgQrBackward0", (a) => L.qr(a).Q);
against("lu_factor", "LinalgLuFactorExBackward0", (a) => L.luFactor(a).LU);
against("lu_factor_wide_batch", "LinalgLuFactorExBackward0", (a) => L.luFactor(a).LU);
against("lu_factor_tall", "LinalgLuFactorExBackward0", (a) => L.luFactorEx(a).LU);
against("lu", "LinalgLuBackward0", (a) => { const r = L.lu(a); return [r.L, r.U]; });
against("lu_tall_batch", "LinalgLuBackward0", (a) => { const r = L.lu(a); return [r.L, r.U]; });
against("lu_wide", "LinalgLuBackward0", (a) => { const r = L.lu(a); return [r.L, r.U]; });
against("lu_only_U", "LinalgLuBackward0", (a) => L.lu(a).U);
for (const left of [true, false]) for (const adjoint of [false, true]) {
  against(`lu_solve_l${Number(left)}_a${Number(adjoint)}`, "LinalgLuSolveBackward0", (a, b) => {
    const f = L.luFactor(a);
    return L.luSolve(f.LU, f.pivots, b, { left, adjoint });
  });
}
against("lu_unpack_wide", "LuUnpackBackward0", (a) => { const f = L.luFactor(a); const r = torch.luUnpack(f.LU, f.pivots); return [r.L, r.U]; });
against("lu_solve_broadcast", "LinalgLuSolveBackward0", (a, b) => { const f = L.luFactor(a); return L.luSolve(f.LU, f.pivots, b); });

/** f on complex matrices (a complex or real result), checked by central differences through the real and imaginary parts. */
function gradcheckComplex(f: (z: Tensor) => Tensor, shape: number[]): void {
  torch.manualSeed(3);
  const re = torch.randn(shape, { dtype: torch.float64, requiresGrad: true });
  const im = torch.randn(shape, { dtype: torch.float64, requiresGrad: true });
  const parts = (t: Tensor): Tensor => (t.isComplex() ? torch.viewAsReal(t.resolveConj()) : t);
  assert.ok(torch.autograd.gradcheck((x, y) => parts(f(torch.complex(x!, y!))), [re, im]));
}

test("complex gradients of qr, lu, lu_factor, lu_solve and logdet pass central differences", () => {
  gradcheckComplex((z) => L.qr(z).Q, [3, 2]);
  gradcheckComplex((z) => L.qr(z).R, [2, 3]);
  gradcheckComplex((z) => L.lu(z).L, [3, 2]);
  gradcheckComplex((z) => L.luFactor(z).LU, [2, 3]);
  gradcheckComplex((z) => { const f = L.luFactor(z.narrow(-1, 0, 2)); return L.luSolve(f.LU, f.pivots, z.narrow(-1, 2, 1), { adjoint: true }); }, [2, 3]);
  gradcheckComplex((z) => torch.logdet(z.add(torch.eye(2, { dtype: torch.complex128 }).mul(3))), [2, 2]);
});

test("complex logdet and lu_solve support double backward", () => {
  torch.manualSeed(5);
  const re = torch.randn([2, 2], { dtype: torch.float64, requiresGrad: true });
  const im = torch.randn([2, 2], { dtype: torch.float64, requiresGrad: true });
  const shift = torch.eye(2, { dtype: torch.complex128 }).mul(3);
  assert.ok(torch.autograd.gradgradcheck((x, y) => torch.viewAsReal(torch.logdet(torch.complex(x!, y!).add(shift))), [re, im]));
  assert.ok(torch.autograd.gradgradcheck((x, y) => {
    const z = torch.complex(x!, y!);
    const f = L.luFactor(z.add(shift));
    return torch.viewAsReal(L.luSolve(f.LU, f.pivots, z, { left: false }));
  }, [re, im]));
});

test("complex qr's backward refuses what PyTorch refuses, in its words", () => {
  const A = tensorOf(cases.get("qr_reduced_tall")!.inputs[0]!).requiresGrad_();
  assert.throws(() => L.qr(A, "r").R.abs().sum().backward(), /^Error: The derivative of linalg.qr depends on Q, which is not computed when mode='r'. Please use linalg.qr\(A, mode='reduced'\) if you are going to differentiate through linalg.qr.$/);
  assert.throws(() => L.qr(A, "complete").Q.abs().sum().backward(), /^Error: The QR decomposition is not differentiable when mode='complete' and nrows > ncols.$/);
});

test("complex gradients of svd and eigh pass central differences: full_matrices on wide and tall input, gU or gVh alone", () => {
  // Phase-invariant losses only (|entries| of the vectors, U Vh): other losses are ill-defined.
  gradcheckComplex((z) => { const r = L.svd(z); return torch.matmul(r.U, r.Vh.narrow(-2, 0, 2)); }, [2, 4]);
  gradcheckComplex((z) => { const r = L.svd(z); return torch.cat([r.U.narrow(-1, 0, 2).abs().flatten(), r.Vh.abs().flatten()]); }, [4, 2]);
  gradcheckComplex((z) => L.svd(z, false).Vh.abs(), [2, 3]);
  gradcheckComplex((z) => L.svd(z, false).U.abs(), [3, 2]);
  gradcheckComplex((z) => { const h = z.add(z.mH); const r = L.eigh(h); return torch.cat([r.eigenvalues, r.eigenvectors.abs().flatten()]); }, [3, 3]);
});

test("complex svd, svdvals, eigh and eigvalsh support double backward (createGraph)", () => {
  torch.manualSeed(7);
  const re = torch.randn([2, 2], { dtype: torch.float64, requiresGrad: true });
  const im = torch.randn([2, 2], { dtype: torch.float64, requiresGrad: true });
  assert.ok(torch.autograd.gradgradcheck((x, y) => L.svdvals(torch.complex(x!, y!)), [re, im]));
  assert.ok(torch.autograd.gradgradcheck((x, y) => { const r = L.svd(torch.complex(x!, y!), false); return torch.viewAsReal(torch.matmul(r.U, r.Vh)); }, [re, im]));
  const hre = torch.randn([2, 2], { dtype: torch.float64, requiresGrad: true });
  const him = torch.randn([2, 2], { dtype: torch.float64, requiresGrad: true });
  const herm = (x: Tensor, y: Tensor): Tensor => { const z = torch.complex(x, y); return z.add(z.mH); };
  assert.ok(torch.autograd.gradgradcheck((x, y) => L.eigvalsh(herm(x!, y!)), [hre, him]));
  assert.ok(torch.autograd.gradgradcheck((x, y) => L.eigh(herm(x!, y!)).eigenvectors.abs(), [hre, him]));
});

test("complex svd's and eigh's backward refuse a loss that depends on the vectors' phases (PyTorch's words and tolerance)", () => {
  torch.manualSeed(9);
  const A = torch.complex(torch.randn([3, 2], { dtype: torch.float64 }), torch.randn([3, 2], { dtype: torch.float64 })).requiresGrad_();
  const svdPhase = /^Error: svd_backward: The singular vectors in the complex case are specified up to multiplication by e\^\{i phi\}. The specified loss function depends on this phase term, making it ill-defined.$/;
  assert.throws(() => torch.viewAsReal(L.svd(A, false).U).sum().backward(), svdPhase);
  assert.throws(() => torch.viewAsReal(L.svd(A).Vh).sum().backward(), svdPhase);
  const H = A.mH.matmul(A);
  assert.throws(() => torch.viewAsReal(L.eigh(H).eigenvectors).sum().backward(), /^Error: linalg_eigh_backward: The eigenvectors in the complex case are specified up to multiplication by e\^\{i phi\}/);
  // PyTorch's lax tolerance (allclose, 1e-2): a slight phase dependence passes, as in PyTorch 1.13.
  const slight = (V: Tensor): Tensor => V.abs().sum().add(V.get(0, 0).imag.mul(1e-3));
  assert.doesNotThrow(() => slight(L.svd(A, false).U).backward());
  assert.doesNotThrow(() => slight(L.eigh(H).eigenvectors).backward());
});

test("complex det, slogdet, inv, solve, solve_triangular, cholesky and pinv: their one backward (shared with real input) has PyTorch's node names and supports double backward", () => {
  torch.manualSeed(11);
  const re = torch.randn([2, 2], { dtype: torch.float64, requiresGrad: true });
  const im = torch.randn([2, 2], { dtype: torch.float64, requiresGrad: true });
  const shift = torch.eye(2, { dtype: torch.complex128 }).mul(3);
  const z = (x: Tensor, y: Tensor): Tensor => torch.complex(x, y).add(shift);
  const A = z(re, im);
  const names: [Tensor, string][] = [
    [L.det(A), "LinalgDetBackward0"], [L.slogdet(A).logabsdet, "LinalgSlogdetBackward0"], [L.inv(A), "LinalgInvExBackward0"],
    [L.solve(A, A), "LinalgSolveExBackward0"], [L.solveTriangular(A, A, { upper: true }), "LinalgSolveTriangularBackward0"],
    [L.cholesky(A.matmul(A.mH)), "LinalgCholeskyExBackward0"], [L.pinv(A), "LinalgPinvBackward0"],
  ];
  for (const [t, node] of names) assert.equal(t.gradFn?.name(), node);
  const fns: [string, (x: Tensor, y: Tensor) => Tensor][] = [
    ["det", (x, y) => torch.viewAsReal(L.det(z(x, y)))],
    ["slogdet", (x, y) => { const r = L.slogdet(z(x, y)); return torch.cat([torch.viewAsReal(r.sign).flatten(), r.logabsdet.reshape([1])]); }],
    ["inv", (x, y) => torch.viewAsReal(L.inv(z(x, y)))],
    ["solve", (x, y) => torch.viewAsReal(L.solve(z(x, y), torch.complex(y, x)))],
    ["solve_triangular", (x, y) => torch.viewAsReal(L.solveTriangular(z(x, y), torch.complex(y, x), { upper: false, left: false }))],
    ["cholesky", (x, y) => { const a = z(x, y); return torch.viewAsReal(L.cholesky(a.matmul(a.mH))); }],
  ];
  for (const [name, f] of fns) assert.ok(torch.autograd.gradgradcheck((x, y) => f(x!, y!), [re, im]), name);
});
