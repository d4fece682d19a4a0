import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as torch from "../src/index.js";
import * as linalg from "../src/ops/linalg.js";
import * as lf from "../src/ops/linalg-functions.js";
import { normalRng as rng } from "./support/random.js";

type Tensor = torch.Tensor;

// ---------- helpers ----------


const rand = rng(42);

function randn(shape: number[], grad = false): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const t = torch.tensor(Array.from({ length: n }, rand), { dtype: "float64" }).reshape(shape);
  return grad ? t.requiresGrad_(true) : t;
}

function t64(data: number[], shape: number[]): Tensor {
  return torch.tensor(data, { dtype: "float64" }).reshape(shape);
}

function values(t: Tensor): number[] {
  return t.reshape(-1).tolist() as number[];
}

function close(actual: Tensor | number[], expected: number[], tol: number, what: string): void {
  const a = Array.isArray(actual) ? actual : values(actual);
  assert.equal(a.length, expected.length, `${what}: length`);
  for (let i = 0; i < a.length; i++) {
    if (!(Math.abs(a[i]! - expected[i]!) <= tol * (1 + Math.abs(expected[i]!)))) {
      assert.fail(`${what}: element ${i}: got ${a[i]}, expected ${expected[i]}`);
    }
  }
}

/** Central differences of a scalar loss against autograd, element by element. */
function checkGrad(loss: (...xs: Tensor[]) => Tensor, inputs: Tensor[], what: string, tol = 1e-6): void {
  const [out] = [loss(...inputs)];
  const grads = torch.autograd.grad([out!], inputs, { allowUnused: true });
  const h = 1e-6;
  inputs.forEach((x, i) => {
    const data = x.storage.data as Float64Array;
    const ana = grads[i] ? values(grads[i]!) : new Array(x.numel()).fill(0);
    for (let j = 0; j < x.numel(); j++) {
      const orig = data[j]!;
      data[j] = orig + h;
      const fp = Number(torch.noGrad(() => loss(...inputs)).item());
      data[j] = orig - h;
      const fm = Number(torch.noGrad(() => loss(...inputs)).item());
      data[j] = orig;
      const num = (fp - fm) / (2 * h);
      if (!(Math.abs(num - ana[j]!) <= tol * (1 + Math.abs(num)))) {
        assert.fail(`${what}: d/dinput${i}[${j}]: autograd ${ana[j]}, finite differences ${num}`);
      }
    }
  });
}

const weighted = (t: Tensor, w: Tensor): Tensor => t.mul(w).sum();
const squares = (t: Tensor): Tensor => t.mul(t);

// ---------- forward values and shapes ----------

test("inv, det, slogdet, solve agree with each other, batched and broadcast", () => {
  const A = randn([2, 3, 3]).add(torch.eye(3, { dtype: "float64" }).mul(3));
  const X = linalg.inv(A);
  close(torch.matmul(A, X), values(torch.eye(3, { dtype: "float64" }).expand(2, 3, 3).contiguous()), 1e-12, "A A⁻¹");
  const d = linalg.det(A);
  const [sign, logabs] = linalg.slogdet(A);
  close(sign!.mul(logabs!.exp()), values(d), 1e-12, "slogdet");
  close(linalg.slogdet(A).logabsdet, values(logabs!), 0, "named field");
  const B = randn([5, 1, 3, 2]);
  const Y = linalg.solve(A, B);
  assert.deepEqual(Y.shape, [5, 2, 3, 2]);
  close(torch.matmul(A, Y), values(B.expand(5, 2, 3, 2).contiguous()), 1e-12, "A Y = B");
  // Vector right-hand sides: 1-D, or A.shape[:-1].
  assert.deepEqual(linalg.solve(A, randn([3])).shape, [2, 3]);
  assert.deepEqual(linalg.solve(A, randn([2, 3])).shape, [2, 3]);
  const Z = linalg.solve(A, randn([2, 4, 3]), { left: false });
  assert.deepEqual(Z.shape, [2, 4, 3]);
  // torch.* spellings and methods.
  close(lf.det(A), values(d), 0, "torch.det");
  close(A.det(), values(d), 0, "Tensor.det");
  close(A.inverse(), values(X), 0, "Tensor.inverse");
  close(lf.logdet(A.matmul(A.mT)), values(logabs!.mul(2)), 1e-12, "logdet");
  assert.ok(Number.isNaN(Number(lf.logdet(t64([-1, 0, 0, 1], [2, 2])).item())), "logdet of a negative determinant is nan");
});

test("empty matrices and batches", () => {
  close(linalg.det(torch.ones([0, 0], { dtype: "float64" })), [1], 0, "det of 0×0");
  assert.deepEqual(linalg.inv(torch.ones([2, 0, 0], { dtype: "float64" })).shape, [2, 0, 0]);
  assert.deepEqual(linalg.svdvals(torch.ones([3, 0], { dtype: "float64" })).shape, [0]);
  assert.deepEqual(linalg.qr(torch.ones([3, 0], { dtype: "float64" })).Q.shape, [3, 0]);
  assert.deepEqual(linalg.det(torch.ones([0, 3, 3], { dtype: "float64" })).shape, [0]);
});

test("cholesky, cholesky_solve, cholesky_inverse, solve_triangular", () => {
  const G = randn([4, 4]);
  const P = G.matmul(G.mT).add(torch.eye(4, { dtype: "float64" }));
  const L = linalg.cholesky(P);
  close(L.matmul(L.mT), values(P), 1e-12, "L Lᵀ");
  const U = linalg.cholesky(P, { upper: true });
  close(U, values(L.mT.contiguous()), 1e-12, "upper");
  close(P.cholesky(), values(L), 0, "Tensor.cholesky");
  const B = randn([4, 2]);
  close(P.matmul(lf.choleskySolve(B, L)), values(B), 1e-12, "cholesky_solve");
  close(P.matmul(lf.choleskySolve(B, U, true)), values(B), 1e-12, "cholesky_solve upper");
  close(lf.choleskyInverse(L), values(linalg.inv(P)), 1e-12, "cholesky_inverse");
  const x = linalg.solveTriangular(L, B, { upper: false });
  close(L.matmul(x), values(B), 1e-12, "solve_triangular");
  const ex = linalg.choleskyEx(t64([1, 0, 0, -1], [2, 2]));
  assert.deepEqual(values(ex.info), [2]);
  assert.equal(ex.info.dtype.name, "int32");
});

test("qr: modes, shapes, LAPACK signs; torch.qr(some)", () => {
  const A = t64([1, 2, 3, 4, 5, 6, 7, 8, 10, 1, 0, 1], [4, 3]);
  const { Q, R } = linalg.qr(A);
  assert.deepEqual([Q.shape, R.shape], [[4, 3], [3, 3]]);
  close(Q.matmul(R), values(A), 1e-13, "A = QR");
  // geqrf: the first column's reflector makes R[0,0] = -‖a₀‖ for a positive a₀₀.
  close([values(R)[0]!], [-Math.hypot(1, 4, 7, 1)], 1e-14, "R[0,0]");
  const c = linalg.qr(A, "complete");
  assert.deepEqual([c.Q.shape, c.R.shape], [[4, 4], [4, 3]]);
  const r = linalg.qr(A, { mode: "r" });
  assert.deepEqual(r.Q.shape, [0]);
  close(r.R, values(R), 0, "mode r");
  const legacy = lf.qr(A, false);
  assert.deepEqual(legacy.Q.shape, [4, 4]);
  assert.deepEqual(A.qr().R.shape, [3, 3]);
});

test("eigh, eigvalsh, svd, svdvals, pinv, matrix_rank, torch.svd", () => {
  const S = t64([2, 1, 0, 1, 2, 0, 0, 0, 5], [3, 3]);
  const { eigenvalues, eigenvectors } = linalg.eigh(S);
  close(eigenvalues, [1, 3, 5], 1e-14, "eigenvalues");
  close(eigenvectors.mul(eigenvalues.unsqueeze(-2)).matmul(eigenvectors.mT), values(S), 1e-13, "V Λ Vᵀ");
  close(linalg.eigvalsh(S, "U"), [1, 3, 5], 1e-14, "eigvalsh");
  const A = randn([2, 4, 3]);
  const { U, S: sv, Vh } = linalg.svd(A, false);
  assert.deepEqual([U.shape, sv.shape, Vh.shape], [[2, 4, 3], [2, 3], [2, 3, 3]]);
  close(U.mul(sv.unsqueeze(-2)).matmul(Vh), values(A), 1e-13, "U S Vh");
  const full = linalg.svd(A);
  assert.deepEqual([full.U.shape, full.Vh.shape], [[2, 4, 4], [2, 3, 3]]);
  close(linalg.svdvals(A), values(sv), 1e-14, "svdvals");
  const old = lf.svd(A);
  close(old.V, values(Vh.mT.contiguous()), 0, "torch.svd returns V");
  assert.deepEqual(lf.svd(A, true, false).U.shape, [2, 4, 4]);
  const P = linalg.pinv(A);
  close(A.matmul(P).matmul(A), values(A), 1e-12, "A A⁺ A");
  const low = randn([5, 2]).matmul(randn([2, 4]));
  assert.deepEqual(values(linalg.matrixRank(low)), [2]);
  assert.equal(linalg.matrixRank(low).dtype.name, "int64");
});

test("norms: vector, matrix and linalg.norm dispatch", () => {
  const x = t64([3, -4, 0, 12], [2, 2]);
  close(linalg.vectorNorm(x), [13], 1e-15, "2-norm");
  close(linalg.vectorNorm(x, 1), [19], 0, "1-norm");
  close(linalg.vectorNorm(x, Infinity), [12], 0, "inf-norm");
  close(linalg.vectorNorm(x, 0), [3], 0, "0-norm");
  close(linalg.vectorNorm(x, 2, 1), [5, 12], 1e-15, "over dim 1");
  close(linalg.matrixNorm(x, 1), [16], 0, "matrix 1-norm (max column sum)");
  close(linalg.matrixNorm(x, -Infinity), [7], 0, "matrix -inf-norm (min row sum)");
  close(linalg.matrixNorm(x, "nuc"), values(linalg.svdvals(x).sum()), 1e-14, "nuclear");
  close(linalg.matrixNorm(x, 2), [values(linalg.svdvals(x))[0]!], 1e-14, "spectral");
  close(linalg.norm(x), [13], 1e-15, "linalg.norm default");
  close(linalg.norm(x, 1), [16], 0, "linalg.norm of a matrix with ord");
  assert.deepEqual(linalg.matrixNorm(randn([2, 3, 4]), "fro", [-2, -1], true).shape, [2, 1, 1]);
  assert.deepEqual(linalg.matrixNorm(randn([2, 3, 4]), "nuc", [0, 2], true).shape, [1, 3, 1]);
});

test("matrix_power and torch.pinverse", () => {
  const A = t64([2, 1, 1, 3], [2, 2]);
  close(lf.matrixPower(A, 3), values(A.matmul(A).matmul(A)), 1e-14, "A³");
  close(A.matrixPower(-1), values(linalg.inv(A)), 1e-14, "A⁻¹");
  close(lf.matrixPower(A, 0), [1, 0, 0, 1], 0, "A⁰");
  close(lf.pinverse(A), values(linalg.inv(A)), 1e-13, "pinverse");
});

// ---------- PyTorch's error messages ----------

test("argument checks and singular inputs raise PyTorch's messages", () => {
  const throwsMsg = (f: () => unknown, message: string) => assert.throws(f, (e: unknown) => {
    assert.equal((e as Error).message, message);
    return true;
  });
  const singular = t64([1, 2, 3, 2, 4, 6, 1, 1, 1], [3, 3]);
  throwsMsg(() => linalg.inv(singular), "linalg.inv: The diagonal element 2 is zero, the inversion could not be completed because the input matrix is singular.");
  throwsMsg(() => linalg.inv(t64([1, 0, 0, 0, 1, 0, 0, 0, 1, ...values(singular)], [2, 3, 3])),
    "linalg.inv: (Batch element 1): The diagonal element 2 is zero, the inversion could not be completed because the input matrix is singular.");
  throwsMsg(() => lf.inverse(singular), "linalg.inv: The diagonal element 2 is zero, the inversion could not be completed because the input matrix is singular.");
  throwsMsg(() => linalg.solve(singular, torch.ones([3], { dtype: "float64" })), "torch.linalg.solve: The solver failed because the input matrix is singular.");
  const indefinite = t64([1, 0, 0, 0, 1, 0, 0, 0, -1], [3, 3]);
  throwsMsg(() => linalg.cholesky(indefinite),
    "linalg.cholesky: The factorization could not be completed because the input is not positive-definite (the leading minor of order 3 is not positive-definite).");
  throwsMsg(() => lf.cholesky(indefinite),
    "cholesky: The factorization could not be completed because the input is not positive-definite (the leading minor of order 3 is not positive-definite).");
  throwsMsg(() => linalg.inv(torch.ones([2, 3])), "linalg.inv: A must be batches of square matrices, but they are 2 by 3 matrices");
  throwsMsg(() => linalg.inv(torch.ones([2, 2], { dtype: "int64" })), "linalg.inv: Expected a floating point or complex tensor as input. Got Long");
  throwsMsg(() => linalg.inv(torch.ones([2, 2], { dtype: "float16" })), "linalg.inv: Low precision dtypes not supported. Got Half");
  throwsMsg(() => linalg.det(torch.ones([3])), "linalg.det: The input tensor A must have at least 2 dimensions.");
  throwsMsg(() => linalg.svd(torch.ones([3])), "linalg.svd: The input tensor A must have at least 2 dimensions.");
  throwsMsg(() => linalg.svdvals(torch.ones([3])), "linalg.svd: The input tensor A must have at least 2 dimensions.");
  throwsMsg(() => linalg.qr(torch.ones([3, 3]), "x" as "r"), "qr received unrecognized mode 'x' but expected one of 'reduced' (default), 'r', or 'complete'");
  throwsMsg(() => linalg.eigh(torch.ones([2, 2]), "X" as "L"), "Expected UPLO argument to be 'L' or 'U', but got X");
  throwsMsg(() => linalg.solve(torch.ones([3, 3], { dtype: "float64" }), torch.ones([3])),
    "linalg.solve: Expected A and B to have the same dtype, but found A of type Double and B of type Float instead");
  throwsMsg(() => linalg.solve(torch.ones([3, 3]), torch.ones([2])), "linalg.solve: Incompatible shapes of A and B for the equation AX = B (3x3 and 2x1)");
  throwsMsg(() => linalg.slogdet(torch.ones([2, 3])), "linalg.slogdet: A must be batches of square matrices, but they are 2 by 3 matrices");
  throwsMsg(() => linalg.vectorNorm(torch.ones([3], { dtype: "int64" })), "linalg.vector_norm: Expected a floating point or complex tensor as input. Got Long");
  throwsMsg(() => linalg.matrixNorm(torch.ones([3])), "linalg.matrix_norm: The input tensor A must have at least 2 dimensions.");
  throwsMsg(() => linalg.matrixNorm(torch.ones([3, 3]), 3), "linalg.matrix_norm: Order 3 not supported.");
  throwsMsg(() => linalg.norm(torch.ones([3, 3, 3]), 2), "linalg.norm: If dim is not specified but ord is, the input must be 1D or 2D. Got 3D.");
  throwsMsg(() => linalg.svd(torch.ones([2, 2]), { driver: "gesvd" }),
    "torch.linalg.svd: keyword argument `driver=` is only supported on CUDA inputs with cuSOLVER backend.");
  throwsMsg(() => linalg.solveTriangular(torch.eye(2), torch.ones([2, 1])), "linalg.solve_triangular() missing 1 required keyword-only argument: 'upper'");
  // The _ex forms report instead of raising.
  assert.deepEqual(values(linalg.invEx(singular).info), [2]);
  assert.deepEqual(values(linalg.solveEx(singular, torch.ones([3], { dtype: "float64" })).info), [2]);
});

test("backward errors of qr match PyTorch's", () => {
  const A = randn([4, 3], true);
  assert.throws(() => linalg.qr(A, "r").R.sum().backward(),
    { message: "The derivative of linalg.qr depends on Q, which is not computed when mode='r'. Please use linalg.qr(A, mode='reduced') if you are going to differentiate through linalg.qr." });
  assert.throws(() => linalg.qr(A, "complete").Q.sum().backward(), { message: "The QR decomposition is not differentiable when mode='complete' and nrows > ncols." });
});

// ---------- gradients ----------

interface RefTensor { shape: number[]; data: number[] }
interface RefCase { name: string; inputs: RefTensor[]; weights: RefTensor[]; value: number; grads: RefTensor[] }

const refCases: RefCase[] = JSON.parse(readFileSync(new URL("./fixtures/linalg/torch113-grads.json", import.meta.url), "utf8")) as RefCase[];

const refLosses: Record<string, (x: Tensor[], w: Tensor[]) => Tensor> = {
  det_batch: (x, w) => weighted(linalg.det(x[0]!), w[0]!),
  det_rank1: (x) => linalg.det(x[0]!),
  slogdet: (x, w) => weighted(linalg.slogdet(x[0]!).logabsdet, w[0]!),
  logdet: (x) => lf.logdet(x[0]!).sum(),
  chol_upper: (x, w) => weighted(linalg.cholesky(x[0]!, { upper: true }), w[0]!),
  solve_tri_lower_right_unit: (x, w) => weighted(linalg.solveTriangular(x[0]!, x[1]!, { upper: false, left: false, unitriangular: true }), w[0]!),
  qr_5x3: (x, w) => { const { Q, R } = linalg.qr(x[0]!); return weighted(Q, w[0]!).add(weighted(R, w[1]!)); },
  qr_3x5: (x, w) => { const { Q, R } = linalg.qr(x[0]!); return weighted(Q, w[0]!).add(weighted(R, w[1]!)); },
  eigh: (x, w) => { const e = linalg.eigh(x[0]!); return weighted(e.eigenvalues, w[0]!).add(weighted(squares(e.eigenvectors), w[1]!)); },
  eigh_U_nonsym: (x, w) => { const e = linalg.eigh(x[0]!, "U"); return weighted(e.eigenvalues, w[0]!).add(weighted(squares(e.eigenvectors), w[1]!)); },
  svd_5x3: (x, w) => { const s = linalg.svd(x[0]!, false); return weighted(squares(s.U), w[0]!).add(weighted(s.S, w[1]!)).add(weighted(squares(s.Vh), w[2]!)); },
  svd_3x5: (x, w) => { const s = linalg.svd(x[0]!, false); return weighted(squares(s.U), w[0]!).add(weighted(s.S, w[1]!)).add(weighted(squares(s.Vh), w[2]!)); },
  pinv_3x5: (x, w) => weighted(linalg.pinv(x[0]!), w[0]!),
  cholesky_solve: (x) => lf.choleskySolve(x[0]!, x[1]!).sum(),
};

test("gradients equal PyTorch 1.13's (recorded cases)", () => {
  for (const c of refCases) {
    const loss = refLosses[c.name];
    assert.ok(loss, `loss for ${c.name}`);
    const xs = c.inputs.map((r) => t64(r.data, r.shape).requiresGrad_(true));
    const ws = c.weights.map((r) => t64(r.data, r.shape));
    const out = loss(xs, ws);
    close([Number(out.item())], [c.value], 1e-10, `${c.name}: value`);
    const grads = torch.autograd.grad([out], xs);
    grads.forEach((g, i) => close(g!, c.grads[i]!.data, 1e-9, `${c.name}: grad ${i}`));
  }
});

test("gradients match finite differences", () => {
  const A = randn([3, 3], true);
  const Ab = randn([2, 3, 3], true);
  const B = randn([3, 2], true);
  const W3 = randn([3, 3]);
  const W32 = randn([3, 2]);
  const W23 = randn([2, 3]);
  checkGrad((a) => weighted(linalg.inv(a), W3), [A], "inv");
  checkGrad((a) => linalg.det(a).mul(t64([0.5, -2], [2])).sum(), [Ab], "det");
  checkGrad((a) => linalg.slogdet(a).logabsdet.sum(), [Ab], "slogdet");
  checkGrad((a, b) => weighted(linalg.solve(a, b), W32), [A, B], "solve");
  checkGrad((a, b) => weighted(linalg.solve(a, b), W23), [Ab, randn([3], true)], "solve vector broadcast");
  checkGrad((a, b) => weighted(linalg.solve(a, b, { left: false }), W23), [A, randn([2, 3], true)], "solve left=false");
  const G = randn([3, 3]);
  const P = G.matmul(G.mT).add(torch.eye(3, { dtype: "float64" })).requiresGrad_(true);
  // Only one triangle is read and the gradient is the symmetric one (as PyTorch's), so the
  // finite differences perturb symmetrically.
  const sym = (p: Tensor) => p.add(p.mT).mul(0.5);
  checkGrad((p) => weighted(linalg.cholesky(sym(p)), W3), [P], "cholesky");
  checkGrad((p) => weighted(linalg.cholesky(sym(p), { upper: true }), W3), [P], "cholesky upper");
  checkGrad((a, b) => weighted(linalg.solveTriangular(a, b, { upper: true }), W32), [A, B], "solve_triangular");
  checkGrad((a, b) => weighted(linalg.solveTriangular(a, b, { upper: false, left: false, unitriangular: true }), W23), [A, randn([2, 3], true)], "solve_triangular right unit");
  const WQ = randn([4, 3]);
  const WR = randn([3, 3]);
  checkGrad((a) => { const { Q, R } = linalg.qr(a); return weighted(Q, WQ).add(weighted(R, WR)); }, [randn([4, 3], true)], "qr tall");
  const WQ2 = randn([2, 2]);
  const WR2 = randn([2, 4]);
  checkGrad((a) => { const { Q, R } = linalg.qr(a); return weighted(Q, WQ2).add(weighted(R, WR2)); }, [randn([2, 4], true)], "qr wide");
  const S = randn([4, 4]);
  const Sym = S.add(S.mT).requiresGrad_(true);
  const WL = randn([4]);
  const WV = randn([4, 4]);
  checkGrad((a) => { const e = linalg.eigh(sym(a)); return weighted(e.eigenvalues, WL).add(weighted(squares(e.eigenvectors), WV)); }, [Sym], "eigh");
  checkGrad((a) => weighted(linalg.eigvalsh(sym(a)), WL), [Sym], "eigvalsh");
  for (const shape of [[4, 3], [3, 3], [3, 4]]) {
    const [m, n] = shape as [number, number];
    const k = Math.min(m, n);
    const X = randn(shape, true);
    const [wu, ws, wv, wp] = [randn([m, k]), randn([k]), randn([k, n]), randn([n, m])];
    checkGrad((a) => { const s = linalg.svd(a, false); return weighted(squares(s.U), wu).add(weighted(s.S, ws)).add(weighted(squares(s.Vh), wv)); }, [X], `svd ${m}x${n}`);
    // full_matrices: the leading k columns of U / rows of Vh (the rest are not unique, as in PyTorch).
    checkGrad((a) => { const s = linalg.svd(a); return weighted(squares(s.U.narrow(-1, 0, k)), wu).add(weighted(squares(s.Vh.narrow(-2, 0, k)), wv)); }, [X], `svd full ${m}x${n}`);
    checkGrad((a) => weighted(linalg.svdvals(a), ws), [X], `svdvals ${m}x${n}`);
    checkGrad((a) => weighted(linalg.pinv(a), wp), [X], `pinv ${m}x${n}`);
  }
  const V = randn([3, 4], true);
  checkGrad((v) => linalg.vectorNorm(v), [V], "vector_norm 2");
  checkGrad((v) => linalg.vectorNorm(v, 3, 1).sum(), [V], "vector_norm 3");
  checkGrad((v) => linalg.vectorNorm(v, 0.5, 0).sum(), [V], "vector_norm 0.5");
  checkGrad((v) => linalg.vectorNorm(v, Infinity, 1).sum(), [V], "vector_norm inf");
  checkGrad((v) => linalg.matrixNorm(v, "nuc"), [V], "nuclear norm");
  checkGrad((v) => linalg.matrixNorm(v, -2), [V], "matrix_norm -2");
  checkGrad((v) => linalg.matrixNorm(v, Infinity), [V], "matrix_norm inf");
  checkGrad((b, p) => lf.choleskySolve(b, linalg.cholesky(sym(p))).sum(), [B, P], "cholesky_solve");
});

test("double backward (createGraph) matches finite differences of the gradient", () => {
  const A = randn([3, 3]).add(torch.eye(3, { dtype: "float64" }).mul(3)).requiresGrad_(true);
  const W = randn([3, 3]);
  for (const [name, f] of [
    ["inv", (a: Tensor) => weighted(linalg.inv(a), W)],
    ["det", (a: Tensor) => linalg.det(a)],
    ["cholesky", (a: Tensor) => weighted(linalg.cholesky(a.matmul(a.mT)), W)],
    ["svdvals", (a: Tensor) => linalg.svdvals(a).sum()],
  ] as const) {
    // enableGrad: the finite differences evaluate this under noGrad.
    const secondOrder = (a: Tensor) => torch.enableGrad(() => {
      const [g] = torch.autograd.grad([f(a)], [a], { createGraph: true });
      return weighted(g!, W);
    });
    checkGrad(secondOrder, [A], `${name}: second derivative`, 1e-5);
  }
});

test("float32 inputs give float32 results (computed in float64, rounded once)", () => {
  const A32 = torch.tensor([[4, 1, 0], [1, 3, 1], [0, 1, 5]], { dtype: "float32" });
  const A64 = A32.to("float64");
  for (const [name, f] of [
    ["inv", (a: Tensor) => linalg.inv(a)],
    ["det", (a: Tensor) => linalg.det(a)],
    ["cholesky", (a: Tensor) => linalg.cholesky(a)],
    ["eigvalsh", (a: Tensor) => linalg.eigvalsh(a)],
    ["svdvals", (a: Tensor) => linalg.svdvals(a)],
    ["qr.R", (a: Tensor) => linalg.qr(a).R],
    ["vector_norm", (a: Tensor) => linalg.vectorNorm(a)],
  ] as const) {
    const r32 = f(A32);
    assert.equal(r32.dtype.name, "float32", name);
    close(r32, values(f(A64)).map(Math.fround), 0, `${name} float32`);
  }
});

test("node names are PyTorch's", () => {
  const A = randn([3, 3], true);
  assert.equal(linalg.inv(A).gradFn?.name(), "LinalgInvExBackward0");
  assert.equal(linalg.det(A).gradFn?.name(), "LinalgDetBackward0");
  assert.equal(linalg.qr(A).Q.gradFn?.name(), "LinalgQrBackward0");
  assert.equal(linalg.svd(A).S.gradFn?.name(), "LinalgSvdBackward0");
  assert.equal(linalg.eigh(A).eigenvalues.gradFn?.name(), "LinalgEighBackward0");
  assert.equal(linalg.vectorNorm(A).gradFn?.name(), "LinalgVectorNormBackward0");
  assert.equal(linalg.solve(A, A).gradFn?.name(), "LinalgSolveExBackward0");
});
