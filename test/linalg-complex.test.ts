// torch.linalg on complex64/complex128 input against PyTorch 1.13 (test/fixtures/linalg/complex.json,
// made by fixtures/linalg/complex.py): values of every op; eigenvectors up to each column's phase,
// singular vectors through U S Vᴴ = A and orthonormality (their phases are free, as PyTorch documents).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as torch from "../src/index.js";
import { complexEigh } from "../src/backends/js/linalg-complex-householder.js";

type Tensor = torch.Tensor;
type Num = number | "inf" | "-inf" | "nan";
interface Recorded { shape: number[]; dtype: string; data?: Num[]; re?: Num[]; im?: Num[] }
interface RefCase { name: string; inputs: Recorded[]; outputs: Recorded[] }

const cases = new Map((JSON.parse(readFileSync(new URL("./fixtures/linalg/complex.json", import.meta.url), "utf8")) as RefCase[]).map((c) => [c.name, c]));
const value = (v: Num): number => (v === "inf" ? Infinity : v === "-inf" ? -Infinity : v === "nan" ? NaN : v);

function tensorOf(r: Recorded): Tensor {
  if (r.data) return torch.tensor(r.data.map(value), { dtype: r.dtype as "float64" }).reshape(r.shape);
  const re = torch.tensor(r.re!.map(value), { dtype: r.dtype === "complex64" ? "float32" : "float64" });
  const im = torch.tensor(r.im!.map(value), { dtype: re.dtype });
  return torch.complex(re, im).reshape(r.shape);
}

/** [re, im] lists of a tensor (im all 0 for a real one). */
function partsOf(t: Tensor): [number[], number[]] {
  const flat = t.reshape(-1);
  if (!t.isComplex()) return [flat.tolist() as number[], (flat.tolist() as number[]).map(() => 0)];
  return [torch.real(flat).tolist() as number[], torch.imag(flat).tolist() as number[]];
}

function close(actual: Tensor, expected: Recorded, what: string, tol?: number): void {
  assert.deepEqual(actual.shape, expected.shape, `${what}: shape`);
  assert.equal(actual.dtype.name, expected.dtype, `${what}: dtype`);
  const t = tol ?? (expected.dtype === "complex64" || expected.dtype === "float32" ? 2e-4 : 1e-9);
  const [ar, ai] = partsOf(actual);
  const er = (expected.data ?? expected.re!).map(value);
  const ei = expected.im ? expected.im.map(value) : er.map(() => 0);
  for (let i = 0; i < ar.length; i++) {
    for (const [a, e, part] of [[ar[i]!, er[i]!, "re"], [ai[i]!, ei[i]!, "im"]] as const) {
      const ok = Number.isFinite(e) ? Math.abs(a - e) <= t * (1 + Math.abs(e)) : Object.is(a, e) || (Number.isNaN(a) && Number.isNaN(e));
      if (!ok) assert.fail(`${what}: element ${i} (${part}): got ${a}, expected ${e}`);
    }
  }
}

function run(name: string, f: (x: Tensor[]) => Tensor[], check?: (outs: Tensor[], ref: RefCase, x: Tensor[]) => void): void {
  test(`complex linalg: ${name}`, () => {
    const ref = cases.get(name);
    assert.ok(ref, `fixture case ${name}`);
    const x = ref.inputs.map(tensorOf);
    const outs = f(x);
    if (check) return check(outs, ref, x);
    assert.equal(outs.length, ref.outputs.length, `${name}: number of outputs`);
    outs.forEach((o, i) => close(o, ref.outputs[i]!, `${name} output ${i}`));
  });
}

const L = torch.linalg;
const one = (f: (...x: Tensor[]) => Tensor) => (x: Tensor[]) => [f(...x)];
const all = (f: (...x: Tensor[]) => Tensor[]) => (x: Tensor[]) => [...f(...x)];

for (const n of ["det", "det_batch", "det_complex64", "det_singular"]) run(n, one((a) => L.det(a)));
for (const n of ["slogdet", "slogdet_batch_c64", "slogdet_singular"]) run(n, all((a) => L.slogdet(a)));
for (const n of ["inv", "inv_batch_c64"]) run(n, one((a) => L.inv(a)));
run("inv_ex_singular", all((a) => L.invEx(a)));
for (const n of ["solve_matrix", "solve_vector_batch", "solve_broadcast_c64"]) run(n, one((a, b) => L.solve(a, b)));
run("solve_right", one((a, b) => L.solve(a, b, { left: false })));
run("solve_ex", all((a, b) => L.solveEx(a, b)));
for (const upper of [1, 0]) for (const left of [1, 0]) for (const unit of [0, 1]) {
  run(`solve_triangular_u${upper}_l${left}_unit${unit}`, one((a, b) => L.solveTriangular(a, b, { upper: upper === 1, left: left === 1, unitriangular: unit === 1 })));
}
for (const n of ["lu_factor", "lu_factor_wide", "lu_factor_tall_c64"]) run(n, all((a) => L.luFactor(a)));
for (const n of ["lu", "lu_tall", "lu_wide"]) run(n, all((a) => L.lu(a)));
for (const left of [1, 0]) for (const adjoint of [0, 1]) {
  run(`lu_solve_l${left}_a${adjoint}`, one((a, b) => { const f = L.luFactor(a); return L.luSolve(f.LU, f.pivots, b, { left: left === 1, adjoint: adjoint === 1 }); }));
}
run("cholesky", one((a) => L.cholesky(a)));
run("cholesky_upper", one((a) => L.cholesky(a, { upper: true })));
run("cholesky_c64", one((a) => L.cholesky(a)));
run("cholesky_ex_not_pd", all((a) => L.choleskyEx(a)), ([, info], ref) => close(info!, ref.outputs[1]!, "cholesky_ex info"));

test("complex linalg: errors in PyTorch's words", () => {
  const singular = tensorOf(cases.get("det_singular")!.inputs[0]!);
  assert.throws(() => L.inv(singular), /linalg.inv: The diagonal element 2 is zero, the inversion could not be completed because the input matrix is singular./);
  assert.throws(() => L.solve(singular, singular), /torch.linalg.solve: The solver failed because the input matrix is singular./);
  assert.throws(() => L.cholesky(tensorOf(cases.get("cholesky_ex_not_pd")!.inputs[0]!)), /linalg.cholesky: The factorization could not be completed because the input is not positive-definite \(the leading minor of order 1 is not positive-definite\)./);
  const c64 = torch.zeros([2, 2], { dtype: "complex64" });
  assert.throws(() => L.solve(c64, torch.zeros([2, 2], { dtype: "complex128" })), /linalg.solve: Expected A and B to have the same dtype, but found A of type ComplexFloat and B of type ComplexDouble instead/);
  assert.throws(() => L.det(torch.zeros([2, 3], { dtype: "complex64" })), /linalg.det: A must be batches of square matrices, but they are 2 by 3 matrices/);
});

for (const n of ["qr_reduced_tall", "qr_reduced_wide"]) run(n, all((a) => L.qr(a)));
run("qr_complete_tall", all((a) => L.qr(a, "complete")));
run("qr_r_batch_c64", all((a) => L.qr(a, { mode: "r" })), ([Q, R], ref) => {
  assert.deepEqual(Q!.shape, [0]);
  close(R!, ref.outputs[1]!, "qr r");
});

/** Interleaved numbers of the last two dims of t, one matrix after another. */
function matrices(t: Tensor): { re: number[]; im: number[]; rows: number; cols: number } {
  const [re, im] = partsOf(t.contiguous());
  return { re, im, rows: t.shape[t.dim() - 2]!, cols: t.shape[t.dim() - 1]! };
}

/** `actual`'s columns each times the unit phase that makes its entry of largest |expected| equal expected's. */
function alignColumnPhases(actual: Tensor, expected: Tensor): Tensor {
  const a = matrices(actual), e = matrices(expected);
  const size = a.rows * a.cols;
  const re = a.re.slice(), im = a.im.slice();
  for (let b = 0; b < a.re.length / size; b++) {
    for (let j = 0; j < a.cols; j++) {
      let best = 0, at = 0;
      for (let i = 0; i < a.rows; i++) {
        const p = b * size + i * a.cols + j;
        const mag = Math.hypot(e.re[p]!, e.im[p]!);
        if (mag > best) { best = mag; at = p; }
      }
      // phase = e / a at that entry, made unit
      const ar = a.re[at]!, ai = a.im[at]!, er = e.re[at]!, ei = e.im[at]!;
      let pr = er * ar + ei * ai, pi = ei * ar - er * ai;
      const m = Math.hypot(pr, pi) || 1;
      pr /= m; pi /= m;
      for (let i = 0; i < a.rows; i++) {
        const p = b * size + i * a.cols + j;
        re[p] = a.re[p]! * pr - a.im[p]! * pi;
        im[p] = a.re[p]! * pi + a.im[p]! * pr;
      }
    }
  }
  const dt = actual.dtype.name === "complex64" ? "float32" : "float64";
  return torch.complex(torch.tensor(re, { dtype: dt }), torch.tensor(im, { dtype: dt })).reshape(actual.shape);
}

const checkEigh = (outs: Tensor[], ref: RefCase): void => {
  const [w, V] = outs;
  close(w!, ref.outputs[0]!, `${ref.name} eigenvalues`);
  close(alignColumnPhases(V!, tensorOf(ref.outputs[1]!)), ref.outputs[1]!, `${ref.name} eigenvectors (up to phase)`, ref.outputs[1]!.dtype === "complex64" ? 1e-3 : 1e-7);
};
run("eigh_L", all((a) => L.eigh(a)), checkEigh);
run("eigh_U_batch", all((a) => L.eigh(a, "U")), checkEigh);
run("eigh_c64", all((a) => L.eigh(a)), checkEigh);
run("eigvalsh", one((a) => L.eigvalsh(a)));
run("eigvalsh_U", one((a) => L.eigvalsh(a, { UPLO: "U" })));

test("complex linalg: eigh's kernel follows zheevd (with LAPACK >= 3.10's rotations, Debian's OpenBLAS: PyTorch's eigenvectors exactly)", () => {
  for (const [name, uplo] of [["eigh_L", "L"], ["eigh_U_batch", "U"]] as const) {
    const ref = cases.get(name)!;
    const A = tensorOf(ref.inputs[0]!);
    const n = A.shape[A.dim() - 1]!;
    const batch = A.numel() / (n * n);
    const w = new Float64Array(batch * n);
    const v = new Float64Array(2 * batch * n * n);
    complexEigh(new Float64Array(torch.viewAsReal(A).reshape(-1).tolist() as number[]), n, batch, w, v, uplo, "lapack310");
    const V = torch.viewAsComplex(torch.tensor(Array.from(v), { dtype: "float64" }).reshape([...A.shape, 2]));
    close(V, ref.outputs[1]!, `${name} eigenvectors`, 1e-8);
  }
});

/** X Y for complex batches, through the real parts (torch.matmul on real tensors). */
function cmatmul(X: Tensor, Y: Tensor): Tensor {
  const [xr, xi, yr, yi] = [torch.real(X), torch.imag(X), torch.real(Y), torch.imag(Y)];
  return torch.complex(torch.matmul(xr, yr).sub(torch.matmul(xi, yi)), torch.matmul(xr, yi).add(torch.matmul(xi, yr)));
}
const adjoint = (X: Tensor): Tensor => torch.complex(torch.real(X).mT, torch.imag(X).mT.neg());
function assertSmall(t: Tensor, tol: number, what: string): void {
  const m = torch.viewAsReal(t).abs().max().item() as number;
  assert.ok(m <= tol, `${what}: ${m} > ${tol}`);
}
function eyeLike(k: number, batch: number[], dtype: string): Tensor {
  return torch.complex(torch.eye(k, { dtype: dtype === "complex64" ? "float32" : "float64" }), torch.zeros([k, k], { dtype: dtype === "complex64" ? "float32" : "float64" })).expand([...batch, k, k]);
}

const checkSvd = (full: boolean) => (outs: Tensor[], ref: RefCase, x: Tensor[]): void => {
  const [U, S, Vh] = outs;
  const A = x[0]!;
  const tol = A.dtype.name === "complex64" ? 1e-4 : 1e-10;
  close(S!, ref.outputs[1]!, `${ref.name} S`);
  assert.deepEqual(U!.shape, ref.outputs[0]!.shape, "U shape");
  assert.deepEqual(Vh!.shape, ref.outputs[2]!.shape, "Vh shape");
  const m = A.shape[A.dim() - 2]!, n = A.shape[A.dim() - 1]!, k = Math.min(m, n);
  const batch = A.shape.slice(0, -2);
  const Uk = U!.narrow(-1, 0, k), Vhk = Vh!.narrow(-2, 0, k);
  const Sc = torch.complex(S!, torch.zerosLike(S!)).unsqueeze(-1);
  assertSmall(cmatmul(Uk, Vhk.mul(Sc)).sub(A), tol * 10, `${ref.name}: U S Vh = A`);
  assertSmall(cmatmul(adjoint(U!), U!).sub(eyeLike(U!.shape[U!.dim() - 1]!, batch, A.dtype.name)), tol, `${ref.name}: Uᴴ U = I`);
  assertSmall(cmatmul(Vh!, adjoint(Vh!)).sub(eyeLike(Vh!.shape[Vh!.dim() - 2]!, batch, A.dtype.name)), tol, `${ref.name}: Vh Vhᴴ = I`);
  assert.equal(full, U!.shape[U!.dim() - 1] === m);
};
run("svd_tall", all((a) => L.svd(a, false)), checkSvd(false));
run("svd_wide_full", all((a) => L.svd(a)), checkSvd(true));
run("svd_batch_c64", all((a) => L.svd(a, { fullMatrices: true })), checkSvd(true));
run("svd_rank_deficient", all((a) => L.svd(a)), checkSvd(true));
run("svdvals", one((a) => L.svdvals(a)));
run("pinv", one((a) => L.pinv(a)));
run("pinv_rank_deficient", one((a) => L.pinv(a)));
run("pinv_hermitian", one((a) => L.pinv(a, { hermitian: true })));
run("matrix_rank", one((a) => L.matrixRank(a)));
run("matrix_rank_hermitian", one((a) => L.matrixRank(a, { hermitian: true })));
run("matrix_rank_atol", one((a) => L.matrixRank(a, { atol: 1.0, rtol: 0.0 })));

for (const [name, ord] of [["fro", "fro"], ["nuc", "nuc"], ["2", 2], ["m2", -2], ["1", 1], ["m1", -1], ["inf", "inf"], ["minf", "-inf"]] as const) {
  run(`matrix_norm_${name}`, one((a) => L.matrixNorm(a, ord)));
}
run("matrix_norm_keepdim_c64", one((a) => L.matrixNorm(a, "nuc", { keepdim: true })));
run("norm_inf_matrix", one((a) => L.norm(a, "inf")));

test("complex linalg: matrix norms' dtype argument and gradients", () => {
  const z = tensorOf(cases.get("matrix_norm_fro")!.inputs[0]!);
  const n = L.matrixNorm(z.to("complex64"), { dtype: "complex128" });
  assert.equal(n.dtype.name, "float64");
  assert.ok(Math.abs((n.item() as number) - (L.matrixNorm(z).item() as number)) < 1e-5);
  assert.throws(() => L.matrixNorm(z, { dtype: "float64" }), /linalg.matrix_norm: dtype should be complex for complex inputs, but got Double/);
  assert.throws(() => L.matrixNorm(torch.ones([2, 2]), { dtype: "complex128" }), /linalg.matrix_norm: dtype should be real for real inputs, but got ComplexDouble/);
  // d‖A‖_F/dA = A / ‖A‖_F in PyTorch's convention (dL/dx + i dL/dy); zero entries get 0.
  const w = torch.complex(torch.real(z).where(torch.real(z).gt(0), 0), torch.imag(z).where(torch.real(z).gt(0), 0)).requiresGrad_();
  L.matrixNorm(w).backward();
  const nrm = L.matrixNorm(w.detach());
  const expected = w.detach().div(torch.complex(nrm, torch.zerosLike(nrm)));
  assertSmall(w.grad!.sub(expected), 1e-12, "matrix_norm gradient");
  assert.ok(!torch.isnan(torch.viewAsReal(w.grad!)).any().item(), "no NaN at zero entries");
});

run("torch_logdet", one((a) => torch.logdet(a)));
run("torch_logdet_singular_c64", one((a) => torch.logdet(a)));
run("torch_cholesky_upper", one((a) => torch.cholesky(a, true)));
run("torch_svd", all((a) => torch.svd(a)), ([U, S, V], ref, x) => {
  // V, not Vh: A = U diag(S) Vᴴ.
  close(S!, ref.outputs[1]!, "torch.svd S");
  const Sc = torch.complex(S!, torch.zerosLike(S!)).unsqueeze(-1);
  assertSmall(cmatmul(U!, adjoint(V!).mul(Sc)).sub(x[0]!), 1e-10, "torch.svd: U S Vᴴ = A");
});

run("cross", one((a, b) => L.cross(a, b)));
run("torch_cross_c64", one((a, b) => torch.cross(a, b, 0)));
run("trace", one((a) => torch.trace(a)));
run("trace_c64", one((a) => torch.trace(a)));
run("norm_default", one((a) => L.norm(a)));
run("norm_vector_3", one((a) => L.norm(a, 3)));
run("vector_norm_dim", one((a) => L.vectorNorm(a, 1, 1)));

/** loss = Σ (f(x)'s outputs, complex ones as (re, im)) · W as the fixture's; each input's gradient against PyTorch's. */
function grad(name: string, f: (x: Tensor[]) => Tensor | Tensor[]): void {
  test(`complex linalg gradient: ${name}`, () => {
    const ref = cases.get(name);
    assert.ok(ref, `fixture case ${name}`);
    const x = ref.inputs.map((r) => tensorOf(r).requiresGrad_());
    const [W, ...grads] = ref.outputs;
    const outs = [f(x)].flat();
    const flat = torch.cat(outs.map((o) => (o.isComplex() ? torch.viewAsReal(o) : o).reshape(-1)));
    flat.mul(tensorOf(W!)).sum().backward();
    x.forEach((xi, i) => close(xi.grad!, grads[i]!, `${name}: gradient of input ${i}`, 1e-8));
  });
}
grad("grad_det", ([a]) => L.det(a!));
grad("grad_inv", ([a]) => L.inv(a!));
grad("grad_solve", ([a, b]) => L.solve(a!, b!));
grad("grad_solve_right", ([a, b]) => L.solve(a!, b!, { left: false }));
grad("grad_solve_triangular_upper", ([a, b]) => L.solveTriangular(a!, b!, { upper: true }));
grad("grad_solve_triangular_right_unit", ([a, b]) => L.solveTriangular(a!, b!, { upper: false, left: false, unitriangular: true }));
grad("grad_cholesky", ([a]) => L.cholesky(a!));
grad("grad_cholesky_upper", ([a]) => L.cholesky(a!, { upper: true }));
grad("grad_slogdet", ([a]) => [...L.slogdet(a!)]);
grad("grad_pinv_tall", ([a]) => L.pinv(a!));
grad("grad_pinv_wide", ([a]) => L.pinv(a!));
grad("grad_eigvalsh", ([a]) => L.eigvalsh(a!));
grad("grad_eigh_phase_invariant", ([a]) => { const r = L.eigh(a!); return [r[0]!, r[1]!.abs()]; });

test("complex linalg: eigh's gradient refuses a loss that depends on the eigenvectors' phases, as PyTorch", () => {
  const A = tensorOf(cases.get("eigh_L")!.inputs[0]!).requiresGrad_();
  assert.throws(() => torch.viewAsReal(L.eigh(A)[1]!).sum().backward(), /The eigenvectors in the complex case are specified up to multiplication by e\^\{i phi\}/);
});
grad("grad_svdvals", ([a]) => L.svdvals(a!));
grad("grad_svd_tall_phase_invariant", ([a]) => { const r = L.svd(a!, false); return [r[0]!.abs(), r[1]!, r[2]!.abs()]; });
grad("grad_svd_wide_phase_invariant", ([a]) => { const r = L.svd(a!, false); return [r[0]!.abs(), r[1]!, r[2]!.abs()]; });
grad("grad_svd_products", ([a]) => { const r = L.svd(a!); return torch.matmul(r[0]!, r[2]!); });
