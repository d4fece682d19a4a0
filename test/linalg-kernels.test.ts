import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { normalRng as rng } from "./support/random.js";
import {
  LinalgError,
  checkLinalgErrors,
  cholesky,
  choleskySolve,
  det,
  eigh,
  eigvalsh,
  inv,
  luFactor,
  luSolve,
  matrixRank,
  pinv,
  qr,
  slogdet,
  solve,
  svd,
  svdvals,
  triangularSolve,
} from "../src/backends/js/linalg.js";

// ---------- helpers ----------


function randn(rand: () => number, size: number): Float64Array {
  return Float64Array.from({ length: size }, rand);
}

function matmul(a: ArrayLike<number>, b: ArrayLike<number>, m: number, k: number, n: number, aOff = 0, bOff = 0): Float64Array {
  const c = new Float64Array(m * n);
  for (let i = 0; i < m; i++) for (let t = 0; t < k; t++) {
    const x = a[aOff + i * k + t];
    for (let j = 0; j < n; j++) c[i * n + j] += x * b[bOff + t * n + j];
  }
  return c;
}

function transposeOf(a: ArrayLike<number>, m: number, n: number, off = 0): Float64Array {
  const t = new Float64Array(m * n);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) t[j * m + i] = a[off + i * n + j];
  return t;
}

function close(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: number, what: string, actualOff = 0, expectedOff = 0, len = expected.length - expectedOff): void {
  for (let i = 0; i < len; i++) {
    const a = actual[actualOff + i];
    const e = expected[expectedOff + i];
    if (!(Math.abs(a - e) <= tol * (1 + Math.abs(e)))) {
      assert.fail(`${what}: element ${i}: got ${a}, expected ${e} (tol ${tol})`);
    }
  }
}

function assertOrthonormalColumns(q: ArrayLike<number>, rows: number, cols: number, tol: number, what: string, off = 0): void {
  const qt = transposeOf(q, rows, cols, off);
  const g = matmul(qt, q, cols, rows, cols, 0, off);
  const eye = new Float64Array(cols * cols);
  for (let i = 0; i < cols; i++) eye[i * cols + i] = 1;
  close(g, eye, tol, `${what}: QᵀQ = I`);
}

function symmetric(rand: () => number, n: number): Float64Array {
  const a = randn(rand, n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) a[j * n + i] = a[i * n + j];
  return a;
}

function spd(rand: () => number, n: number): Float64Array {
  const a = randn(rand, n * n);
  const p = matmul(a, transposeOf(a, n, n), n, n, n);
  for (let i = 0; i < n; i++) p[i * n + i] += n;
  return p;
}

// ---------- conformance cases recorded from PyTorch 2.11 ----------

interface TensorJson {
  T: string;
  shape: number[];
  data: (number | string)[];
}
interface Case {
  id: string;
  fn: string;
  args: TensorJson[];
  kwargs: Record<string, unknown>;
  out: TensorJson | TensorJson[];
  atol?: number;
  rtol?: number;
}

const cases: Case[] = readFileSync(new URL("./fixtures/conformance/ops.jsonl", import.meta.url), "utf8")
  .split("\n")
  .filter((l) => l.includes('"fn":"torch.linalg.'))
  .map((l) => JSON.parse(l) as Case);

function data(t: TensorJson): Float64Array {
  return Float64Array.from(t.data, (v) => (typeof v === "number" ? v : Number(v === "nan" ? NaN : v === "inf" ? Infinity : -Infinity)));
}

function caseOf(fn: string): Case {
  const c = cases.find((x) => x.fn === fn);
  assert.ok(c, `conformance case for ${fn}`);
  return c;
}

function expectCase(actual: ArrayLike<number>, expected: TensorJson, c: Case): void {
  const atol = c.atol ?? 1e-5;
  const rtol = c.rtol ?? 1e-4;
  const e = data(expected);
  assert.equal(actual.length, e.length, `${c.id}: length`);
  for (let i = 0; i < e.length; i++) {
    assert.ok(Math.abs(actual[i] - e[i]) <= atol + rtol * Math.abs(e[i]), `${c.id}: element ${i}: got ${actual[i]}, expected ${e[i]}`);
    // The kernels should agree far beyond the fixture's tolerance.
    assert.ok(Math.abs(actual[i] - e[i]) <= 1e-9 * (1 + Math.abs(e[i])), `${c.id}: element ${i} within 1e-9`);
  }
}

test("conformance: linalg.inv, det, solve, cholesky", () => {
  {
    const c = caseOf("torch.linalg.inv");
    const n = c.args[0].shape[0];
    const out = new Float64Array(n * n);
    assert.deepEqual(Array.from(inv(data(c.args[0]), n, 1, out)), [0]);
    expectCase(out, c.out as TensorJson, c);
  }
  {
    const c = caseOf("torch.linalg.det");
    const out = new Float64Array(1);
    det(data(c.args[0]), c.args[0].shape[0], 1, out);
    expectCase(out, c.out as TensorJson, c);
  }
  {
    const c = caseOf("torch.linalg.solve");
    const [n, k] = c.args[1].shape;
    const out = new Float64Array(n * k);
    solve(data(c.args[0]), data(c.args[1]), n, k, 1, out);
    expectCase(out, c.out as TensorJson, c);
  }
  {
    const c = caseOf("torch.linalg.cholesky");
    const n = c.args[0].shape[0];
    const out = new Float64Array(n * n);
    assert.deepEqual(Array.from(cholesky(data(c.args[0]), n, 1, out)), [0]);
    expectCase(out, c.out as TensorJson, c);
  }
});

test("conformance: linalg.qr has LAPACK's signs", () => {
  const c = caseOf("torch.linalg.qr");
  const [m, n] = c.args[0].shape;
  const k = Math.min(m, n);
  const q = new Float64Array(m * k);
  const r = new Float64Array(k * n);
  qr(data(c.args[0]), m, n, 1, "reduced", q, r);
  const [eq, er] = c.out as TensorJson[];
  expectCase(q, eq, c);
  expectCase(r, er, c);
});

test("conformance: linalg.eigh eigenvalues and (classic-LAPACK) eigenvector signs", () => {
  const c = caseOf("torch.linalg.eigh");
  const n = c.args[0].shape[0];
  const w = new Float64Array(n);
  const v = new Float64Array(n * n);
  eigh(data(c.args[0]), n, 1, w, v);
  const [ew, ev] = c.out as TensorJson[];
  expectCase(w, ew, c);
  expectCase(v, ev, c);
  const w2 = new Float64Array(n);
  eigvalsh(data(c.args[0]), n, 1, w2);
  expectCase(w2, ew, c);
});

test("conformance: linalg.svdvals", () => {
  const c = caseOf("torch.linalg.svdvals");
  const [m, n] = c.args[0].shape;
  const s = new Float64Array(Math.min(m, n));
  svdvals(data(c.args[0]), m, n, 1, s);
  expectCase(s, c.out as TensorJson, c);
});

// ---------- values from Debian's PyTorch 1.13 (reference LAPACK through OpenBLAS) ----------

test("eigh with lapack310 rotations reproduces reference LAPACK's eigenvectors (UPLO L and U)", () => {
  const a5 = [0.13253507932899886, 1.9067387512473002, 0.48437004187881816, 1.1179657124617701, 1.6304006935560305, 1.9067387512473002, 1.2024580055610474, 2.5329370593560077, -2.075926318455117, 0.6146792632185228, 0.48437004187881816, 2.5329370593560077, 0.40239984277621627, 0.7463444103704795, -1.3289495225457897, 1.1179657124617701, -2.075926318455117, 0.7463444103704795, 4.06052665739244, 1.0104585995996587, 1.6304006935560305, 0.6146792632185228, -1.3289495225457897, 1.0104585995996587, 1.347649294469672];
  const w5 = [-3.147344583226936, -1.6228298678331299, 2.393964018145172, 4.1371979534591645, 5.3845813589841045];
  const v5 = [-0.2905790883498053, 0.7611938387809165, 0.18388519474317325, 0.5448588609678262, 0.07391068931403702, 0.6511558852401957, -0.1271002671464429, -0.03862967027001006, 0.5985491386516475, -0.4473122090917717, -0.5783897887128111, -0.34915097968767156, -0.5987096790562018, 0.4021283668543927, -0.15296516750988629, 0.32440083886141335, -0.05633817901202889, -0.33072892465195103, 0.24817879489891106, 0.8488909055306865, -0.2275723062888229, -0.5285348284285744, 0.7048823180730809, 0.3486657605469123, 0.224577126258502];
  const w = new Float64Array(5);
  const v = new Float64Array(25);
  eigh(Float64Array.from(a5), 5, 1, w, v, "L", "lapack310");
  close(w, w5, 1e-12, "w5");
  close(v, v5, 1e-12, "v5");

  // Not symmetric: UPLO "U" reads the upper triangle only.
  const b6 = [0.8077357110050535, 0.9260650322729287, -0.8171477122306512, 0.17652260805265782, 0.528966314057375, -0.7050516511204795, 0.8267190175662144, 1.2349828412037434, -1.9865922484340937, 0.12903856041159112, 0.797703924697137, 0.6869951990820099, -0.32691272326635856, -1.6720610495180976, -0.4393948394307987, -0.37321646696733984, -1.8868855150609607, -0.13213466605557525, -1.578979269388622, -1.7696381438052209, 0.7883424632711175, -0.7239617788150754, 0.15168903935441688, 1.1967129956999676, 0.16350058685014293, -1.2235604456898856, -1.027332272758184, -0.010523485762374246, -1.016506393206861, 0.7628464914606589, -0.757331724637202, 2.106576662628057, 1.5845706732027236, 1.1333131092468562, 3.1579516553647218, 0.12756956489428473];
  const w6 = [-2.9860845533224794, -1.6099604150308557, -0.7396936090673923, -0.12896298355876926, 1.4409424004463638, 4.014184266183477];
  const v6 = [-0.06671633815762797, 0.28119468084218524, 0.15381422845332343, 0.6351297858604035, -0.6065847324430442, 0.34854667161533154, 0.23891656277281012, -0.04886459084346749, 0.5805812900845291, -0.42903823594717716, 0.020979946582015987, 0.6472576977796869, 0.6498061430506048, 0.288642239274745, 0.4457132880687599, 0.14191429943055175, 0.022553735915264862, -0.5245273678393648, 0.20048948153645268, -0.7017338005381573, 0.11766350173150911, 0.5629322503888252, 0.3462560882788237, 0.1293945290103801, 0.6338138478074662, 0.20924188553296563, -0.639539807332816, 0.022786752972627188, 0.10006343025112907, 0.36736187651708024, -0.27258715455813204, 0.5468226105924172, 0.1332304348300761, 0.2738333876402315, 0.7079549169692273, 0.18095866462358942];
  const wu = new Float64Array(6);
  const vu = new Float64Array(36);
  eigh(Float64Array.from(b6), 6, 1, wu, vu, "U", "lapack310");
  close(wu, w6, 1e-12, "w6");
  close(vu, v6, 1e-12, "v6");
});

test("luFactor picks the first largest pivot and returns PyTorch's 1-based pivots", () => {
  const lu = new Float64Array(9);
  const piv = new Int32Array(3);
  const info = luFactor(Float64Array.from([1, 2, 2, 4, 4, 2, 4, 6, 4]), 3, 3, 1, lu, piv);
  assert.deepEqual(Array.from(info), [0]);
  assert.deepEqual(Array.from(piv), [2, 3, 3]);
  close(lu, [4, 4, 2, 1, 2, 2, 0.25, 0.5, 0.5], 1e-15, "LU");
  const x = new Float64Array(3);
  luSolve(lu, piv, Float64Array.from([1, 2, 3]), 3, 1, 1, x);
  const a = [1, 2, 2, 4, 4, 2, 4, 6, 4];
  close(matmul(a, x, 3, 3, 1), [1, 2, 3], 1e-12, "A x = b");
});

// ---------- singular and non-positive-definite inputs ----------

test("singular matrices: info, PyTorch's messages, det = 0, slogdet = (0, -inf)", () => {
  const good = Float64Array.from([2, 0, 0, 0, 3, 0, 0, 0, 4]);
  const bad = Float64Array.from([1, 2, 3, 2, 4, 6, 1, 1, 1]);
  const both = new Float64Array(18);
  both.set(good);
  both.set(bad, 9);
  const out = new Float64Array(18);
  const infos = inv(both, 3, 2, out);
  assert.deepEqual(Array.from(infos), [0, 2]);
  close(out, [0.5, 0, 0, 0, 1 / 3, 0, 0, 0, 0.25], 1e-15, "inverse of the good one", 0, 0, 9);
  assert.throws(
    () => checkLinalgErrors(inv(bad, 3, 1, new Float64Array(9)), "linalg.inv", "inv", false),
    { message: "linalg.inv: The diagonal element 2 is zero, the inversion could not be completed because the input matrix is singular." },
  );
  assert.throws(() => checkLinalgErrors(infos, "linalg.inv", "inv", true), (e: unknown) => {
    assert.ok(e instanceof LinalgError);
    assert.equal(e.batchIndex, 1);
    assert.equal(e.info, 2);
    assert.equal(e.message, "linalg.inv: (Batch element 1): The diagonal element 2 is zero, the inversion could not be completed because the input matrix is singular.");
    return true;
  });
  const sInfos = solve(both, new Float64Array(6).fill(1), 3, 1, 2, new Float64Array(6));
  assert.throws(() => checkLinalgErrors(sInfos, "torch.linalg.solve", "solve", true), {
    message: "torch.linalg.solve: (Batch element 1): The solver failed because the input matrix is singular.",
  });
  const d = new Float64Array(2);
  det(both, 3, 2, d);
  assert.equal(d[0], 24);
  // PyTorch gives -0 for this one: sign(P) · 2 · (-1) · 0.
  assert.ok(Object.is(d[1], -0));
  const sign = new Float64Array(2);
  const logabs = new Float64Array(2);
  slogdet(both, 3, 2, sign, logabs);
  assert.equal(sign[0], 1);
  assert.ok(Object.is(sign[1], -0));
  assert.ok(Math.abs(logabs[0] - Math.log(24)) < 1e-15);
  assert.equal(logabs[1], -Infinity);
});

test("cholesky reports the order of the failing leading minor", () => {
  const a = Float64Array.from([1, 0, 0, 0, 1, 0, 0, 0, -1]);
  const out = new Float64Array(9);
  assert.deepEqual(Array.from(cholesky(a, 3, 1, out)), [3]);
  assert.throws(() => checkLinalgErrors(cholesky(a, 3, 1, out), "linalg.cholesky", "cholesky", false), {
    message: "linalg.cholesky: The factorization could not be completed because the input is not positive-definite (the leading minor of order 3 is not positive-definite).",
  });
  const nan = Float64Array.from([Number.NaN, 0, 0, 1]);
  assert.deepEqual(Array.from(cholesky(nan, 2, 1, new Float64Array(4))), [1]);
});

// ---------- properties on random matrices ----------

test("det and slogdet agree with each other and with the product rule", () => {
  const rand = rng(1);
  for (const n of [1, 2, 3, 6, 10]) {
    const a = randn(rand, n * n);
    const b = randn(rand, n * n);
    const d = new Float64Array(3);
    const ab = matmul(a, b, n, n, n);
    const all = new Float64Array(3 * n * n);
    all.set(a);
    all.set(b, n * n);
    all.set(ab, 2 * n * n);
    det(all, n, 3, d);
    close([d[2]], [d[0] * d[1]], 1e-10, `det(AB) n=${n}`);
    const sign = new Float64Array(3);
    const logabs = new Float64Array(3);
    slogdet(all, n, 3, sign, logabs);
    for (let i = 0; i < 3; i++) close([sign[i] * Math.exp(logabs[i])], [d[i]], 1e-12, `slogdet n=${n}`);
  }
});

test("inv, solve, triangularSolve and choleskySolve solve their systems (batched, float32 too)", () => {
  const rand = rng(2);
  for (const n of [1, 3, 7]) {
    const batch = 3;
    const a = randn(rand, batch * n * n);
    for (let b = 0; b < batch; b++) for (let i = 0; i < n; i++) a[b * n * n + i * n + i] += 3;
    const ainv = new Float64Array(batch * n * n);
    assert.deepEqual(Array.from(inv(a, n, batch, ainv)), [0, 0, 0]);
    const eye = new Float64Array(n * n);
    for (let i = 0; i < n; i++) eye[i * n + i] = 1;
    for (let b = 0; b < batch; b++) close(matmul(a, ainv, n, n, n, b * n * n, b * n * n), eye, 1e-12, `A A⁻¹ n=${n}`);

    const k = 2;
    const rhs = randn(rand, batch * n * k);
    const x = new Float64Array(batch * n * k);
    solve(a, rhs, n, k, batch, x);
    for (let b = 0; b < batch; b++) close(matmul(a, x, n, n, k, b * n * n, b * n * k), rhs, 1e-12, `A X = B n=${n}`, 0, b * n * k, n * k);

    // Float32 in and out: computed in float64, rounded once.
    const a32 = Float32Array.from(a);
    const x32 = new Float32Array(batch * n * k);
    solve(a32, Float32Array.from(rhs), n, k, batch, x32);
    const x64 = new Float64Array(batch * n * k);
    solve(Float64Array.from(a32), Float64Array.from(Float32Array.from(rhs)), n, k, batch, x64);
    close(x32, Float32Array.from(x64), 0, "float32 solve is the rounded float64 one");

    for (const upper of [false, true]) {
      for (const left of [true, false]) {
        const t = randn(rand, n * n);
        for (let i = 0; i < n; i++) t[i * n + i] = 2 + Math.abs(t[i * n + i]);
        const rows = left ? n : 2;
        const cols = left ? 2 : n;
        const bm = randn(rand, rows * cols);
        const sol = new Float64Array(rows * cols);
        triangularSolve(t, bm, n, rows, cols, 1, sol, { upper, left });
        const tri = t.map((v, idx) => {
          const i = Math.floor(idx / n);
          const j = idx % n;
          return (upper ? j >= i : j <= i) ? v : 0;
        });
        const back = left ? matmul(tri, sol, n, n, cols) : matmul(sol, tri, rows, n, n);
        close(back, bm, 1e-12, `triangularSolve upper=${upper} left=${left}`);
      }
    }

    const p = spd(rand, n);
    const l = new Float64Array(n * n);
    cholesky(p, n, 1, l);
    const pb = randn(rand, n * 2);
    const px = new Float64Array(n * 2);
    choleskySolve(l, pb, n, 2, 1, px);
    close(matmul(p, px, n, n, 2), pb, 1e-12, "cholesky_solve");
    const u = new Float64Array(n * n);
    cholesky(p, n, 1, u, true);
    choleskySolve(u, pb, n, 2, 1, px, true);
    close(matmul(p, px, n, n, 2), pb, 1e-12, "cholesky_solve upper");
  }
});

test("cholesky: L Lᵀ = A from the lower triangle, Uᵀ U = A from the upper one", () => {
  const rand = rng(3);
  for (const n of [1, 2, 5, 9]) {
    const p = spd(rand, n);
    const lowerOnly = p.map((v, idx) => (idx % n <= Math.floor(idx / n) ? v : 99));
    const upperOnly = p.map((v, idx) => (idx % n >= Math.floor(idx / n) ? v : -99));
    const l = new Float64Array(n * n);
    assert.deepEqual(Array.from(cholesky(lowerOnly, n, 1, l)), [0]);
    close(matmul(l, transposeOf(l, n, n), n, n, n), p, 1e-12, "L Lᵀ");
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) assert.equal(l[i * n + j], 0);
    const u = new Float64Array(n * n);
    assert.deepEqual(Array.from(cholesky(upperOnly, n, 1, u, true)), [0]);
    close(u, transposeOf(l, n, n), 1e-12, "U = Lᵀ");
  }
});

test("qr: reduced, complete and r modes; Q orthonormal, A = QR, R upper", () => {
  const rand = rng(4);
  for (const [m, n] of [[1, 1], [4, 4], [6, 3], [3, 6], [8, 1], [1, 5]] as const) {
    const batch = 2;
    const k = Math.min(m, n);
    const a = randn(rand, batch * m * n);
    const q = new Float64Array(batch * m * k);
    const r = new Float64Array(batch * k * n);
    qr(a, m, n, batch, "reduced", q, r);
    const qc = new Float64Array(batch * m * m);
    const rc = new Float64Array(batch * m * n);
    qr(a, m, n, batch, "complete", qc, rc);
    const rOnly = new Float64Array(batch * k * n);
    qr(a, m, n, batch, "r", null, rOnly);
    assert.deepEqual(rOnly, r);
    for (let b = 0; b < batch; b++) {
      assertOrthonormalColumns(q, m, k, 1e-13, `Q ${m}x${n}`, b * m * k);
      assertOrthonormalColumns(qc, m, m, 1e-13, `Q complete ${m}x${n}`, b * m * m);
      close(matmul(q, r, m, k, n, b * m * k, b * k * n), a, 1e-13, `A = QR ${m}x${n}`, 0, b * m * n, m * n);
      close(matmul(qc, rc, m, m, n, b * m * m, b * m * n), a, 1e-13, `A = QR complete ${m}x${n}`, 0, b * m * n, m * n);
      for (let i = 0; i < m; i++) for (let j = 0; j < Math.min(i, n); j++) assert.equal(rc[b * m * n + i * n + j], 0);
      // The reduced factors are the leading part of the complete ones.
      for (let i = 0; i < m; i++) close(qc, q, 0, "Q prefix", b * m * m + i * m, b * m * k + i * k, k);
    }
  }
  assert.throws(() => qr(new Float64Array(4), 2, 2, 1, "x" as "r", null, new Float64Array(4)), {
    message: "qr received unrecognized mode 'x' but expected one of 'reduced' (default), 'r', or 'complete'",
  });
});

test("eigh: A V = V diag(w), V orthonormal, w ascending, both UPLOs, batched, repeated eigenvalues", () => {
  const rand = rng(5);
  for (const n of [1, 2, 3, 7, 26, 40]) {
    const batch = 2;
    const a = new Float64Array(batch * n * n);
    for (let b = 0; b < batch; b++) a.set(symmetric(rand, n), b * n * n);
    for (const uplo of ["L", "U"] as const) {
      const w = new Float64Array(batch * n);
      const v = new Float64Array(batch * n * n);
      assert.deepEqual(Array.from(eigh(a, n, batch, w, v, uplo)), [0, 0]);
      for (let b = 0; b < batch; b++) {
        for (let i = 1; i < n; i++) assert.ok(w[b * n + i - 1] <= w[b * n + i]);
        assertOrthonormalColumns(v, n, n, 1e-12, `V n=${n}`, b * n * n);
        const av = matmul(a, v, n, n, n, b * n * n, b * n * n);
        const vw = new Float64Array(n * n);
        for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) vw[i * n + j] = v[b * n * n + i * n + j] * w[b * n + j];
        close(av, vw, 1e-11 * n, `A V = V Λ n=${n} ${uplo}`);
      }
      const w2 = new Float64Array(batch * n);
      eigvalsh(a, n, batch, w2, uplo);
      close(w2, w, 1e-12, "eigvalsh = eigh's eigenvalues");
    }
  }
  // Identity-like and repeated eigenvalues: diag(2, 2, 5) rotated.
  const w = new Float64Array(3);
  const v = new Float64Array(9);
  eigh(Float64Array.from([3, 1, 0, 1, 3, 0, 0, 0, 2]), 3, 1, w, v);
  close(w, [2, 2, 4], 1e-14, "repeated eigenvalues");
  eigh(Float64Array.from([0, 0, 0, 0]), 2, 1, w, v);
  close(w, [0, 0], 0, "zero matrix");
  close(v, [1, 0, 0, 1], 0, "zero matrix eigenvectors");
});

function checkSvd(a: Float64Array, m: number, n: number, full: boolean, what: string): void {
  const k = Math.min(m, n);
  const uc = full ? m : k;
  const vr = full ? n : k;
  const u = new Float64Array(m * uc);
  const s = new Float64Array(k);
  const vh = new Float64Array(vr * n);
  svd(a, m, n, 1, full, u, s, vh);
  for (let i = 1; i < k; i++) assert.ok(s[i - 1] >= s[i], `${what}: descending`);
  for (let i = 0; i < k; i++) assert.ok(s[i] >= 0, `${what}: non-negative`);
  assertOrthonormalColumns(u, m, uc, 1e-12, `${what}: U`);
  assertOrthonormalColumns(transposeOf(vh, vr, n), n, vr, 1e-12, `${what}: V`);
  const us = new Float64Array(m * k);
  for (let i = 0; i < m; i++) for (let j = 0; j < k; j++) us[i * k + j] = u[i * uc + j] * s[j];
  close(matmul(us, vh, m, k, n), a, 1e-12, `${what}: A = U S Vh`);
  // Jacobi's sign convention (beyond gesdd's QR range): each column of U has its largest-magnitude entry positive.
  if (k > 25) for (let j = 0; j < uc; j++) {
    let best = 0;
    for (let i = 0; i < m; i++) if (Math.abs(u[i * uc + j]) > Math.abs(best)) best = u[i * uc + j];
    assert.ok(best > 0, `${what}: sign of U column ${j}`);
  }
  const sv = new Float64Array(k);
  svdvals(a, m, n, 1, sv);
  close(sv, s, 1e-13, `${what}: svdvals`);
}

test("svd: A = U S Vh with orthonormal factors, descending S, reduced and full, rank-deficient", () => {
  const rand = rng(6);
  for (const [m, n] of [[1, 1], [1, 4], [4, 1], [3, 3], [5, 3], [3, 5], [12, 5], [5, 12], [20, 20]] as const) {
    for (const full of [false, true]) checkSvd(randn(rand, m * n), m, n, full, `${m}x${n} full=${full}`);
  }
  // Rank 2 in 5×4 (two zero singular values) and the zero matrix.
  const x = randn(rand, 5 * 2);
  const y = randn(rand, 2 * 4);
  const low = matmul(x, y, 5, 2, 4);
  for (const full of [false, true]) {
    checkSvd(low, 5, 4, full, `rank 2 full=${full}`);
    checkSvd(transposeOf(low, 5, 4), 4, 5, full, `rank 2 wide full=${full}`);
    checkSvd(new Float64Array(6), 2, 3, full, `zero full=${full}`);
  }
  const rank = new Int32Array(1);
  matrixRank(low, 5, 4, 1, 0, 1e-12, rank);
  assert.equal(rank[0], 2);
});

test("svd follows LAPACK gesdd's signs (reference LAPACK with lapack310 rotations), QR and LQ paths", () => {
  const cases = [
    { m: 5, n: 3, full: false, A: [0.23894620161912536, 0.4698884330489788, -1.9540048413762041, -0.5587330825875696, 0.4295158163769094, -2.2643170372748274, -0.20171245006248414, 1.0677113766617479, 0.3246315901487808, -0.06835464950860098, -0.9959337589887544, 1.156274147315494, -0.3991796399371006, 1.2153481729296396, -0.811539280131176], U: [0.5455911115853901, 0.25624586589944204, -0.58711380754808, 0.6424954988809308, 0.28257257293305615, 0.6387140658448791, 0.04034140540278298, -0.7131693111424232, 0.027913639353480242, -0.40413625621629895, 0.2657968599100192, 0.43489409311634203, 0.3529537226016528, -0.5246259240087673, 0.23964489476902723], S: [3.5692238572397645, 1.577095285144516, 0.6386345231786249], Vh: [-0.09806649634930581, 0.3941631479807139, -0.9137933984592499, 0.15119758404046096, -0.901658806965378, -0.4051551386840598, -0.9836270903518769, -0.1778954990878237, 0.028826004409123] },
    { m: 3, n: 5, full: true, A: [-0.9949854689298377, -0.8575594790042205, 0.008264028562487119, -0.2313215849603741, 0.36886591183455725, -1.0581214666721739, 0.5688550726372343, 1.5184590598306595, 0.07133628641093644, -1.134164230971403, 1.2063067682625535, -1.1944521122636822, -0.8743151164951539, -0.7076648592511663, 0.02554791783916806], U: [-0.018760459839576207, 0.9927260059948924, -0.11892485933578593, -0.752207191712259, 0.06434453517176149, 0.6557774939183917, 0.6586595371532731, 0.10175882180410092, 0.7455285080411594], S: [2.8264178584158617, 1.386817389682213, 1.0914474096455256], Vh: [0.5693207799137353, -0.42405122029653586, -0.6079167830552311, -0.18236163328891902, 0.3053454301400496, -0.6728210476673219, -0.6751176671687791, 0.012214428832796028, -0.21420267546959693, 0.21329790163615986, 0.2966449373369148, -0.3806602161143355, 0.31422644009206746, -0.4153142924010836, -0.7041841832181543, 0.1866899653741255, -0.4667700630518153, 0.21837068293697479, 0.834001537020703, -0.0634684657759773, 0.3167559397316013, -0.040251784407608016, 0.6956033221519095, -0.2298193275169794, 0.6011360606448625] },
    { m: 2, n: 2, full: false, A: [0.39031324886312413, -1.551439097326262, 0.7244638169180002, -0.18416268169755393], U: [-0.9667991149602461, -0.2555376123236757, -0.2555376123236759, 0.9667991149602458], S: [1.64607585057481, 0.6391445176628381], Vh: [-0.34171101978795804, 0.939805074978569, 0.939805074978569, 0.34171101978795804] },
    // 3×4: gebrd to a lower bidiagonal directly (no LQ), rotated to upper as bdsdc does.
    { m: 3, n: 4, full: false, A: [0.6613521715704522, 0.2669240982925188, 0.061677258237348306, 0.6213173286854216, -0.45190596470388295, -0.16613023453557194, -1.5227684840130555, 0.38168390241818895, -1.0276085758313882, -0.5630527986537884, -0.8922905087810341, -0.05825017908369636], U: [0.2092529980879796, -0.75262829550901, 0.6243106851483439, -0.717520981866445, -0.5519380700224734, -0.4248858757846392, -0.6643619671328306, 0.35904737244418017, 0.6555212894851897], S: [2.1233782321014436, 1.0914426438775597, 0.2596156821350872], Vh: [0.5393980091559757, 0.25861029064102636, 0.7998237624350492, -0.049522261028513814, -0.5655710945013813, -0.285277158407554, 0.4339937498692756, -0.6406213429396695, -0.2647051565100252, -0.5079166969220402, 0.3874695340302413, 0.7223705207877709] },
  ];
  for (const c of cases) {
    const k = Math.min(c.m, c.n);
    const u = new Float64Array(c.m * (c.full ? c.m : k));
    const s = new Float64Array(k);
    const vh = new Float64Array((c.full ? c.n : k) * c.n);
    svd(Float64Array.from(c.A), c.m, c.n, 1, c.full, u, s, vh, "lapack310");
    close(s, c.S, 1e-13, `${c.m}x${c.n} S`);
    close(u, c.U, 1e-12, `${c.m}x${c.n} U`);
    close(vh, c.Vh, 1e-12, `${c.m}x${c.n} Vh`);
  }
});

test("svdvals of a known matrix and of a matrix with tiny singular values", () => {
  const s = new Float64Array(2);
  svdvals(Float64Array.from([3, 0, 0, 0, -4, 0]), 2, 3, 1, s);
  close(s, [4, 3], 1e-15, "diag");
  // diag(1, 1e-10, 1e-20) rotated on both sides keeps its tiny values to relative accuracy.
  const d = [1, 1e-10, 1e-20];
  const c = Math.cos(0.3);
  const sn = Math.sin(0.3);
  const rot = [c, -sn, 0, sn, c, 0, 0, 0, 1];
  const a = matmul(matmul(rot, [d[0], 0, 0, 0, d[1], 0, 0, 0, d[2]], 3, 3, 3), transposeOf(rot, 3, 3), 3, 3, 3);
  const s3 = new Float64Array(3);
  svdvals(a, 3, 3, 1, s3);
  close([s3[0], s3[1] / 1e-10], [1, 1], 1e-6, "graded");
});

test("pinv satisfies the Moore-Penrose conditions", () => {
  const rand = rng(7);
  for (const [m, n] of [[4, 3], [3, 4], [5, 5]] as const) {
    const a = randn(rand, m * n);
    const p = new Float64Array(n * m);
    pinv(a, m, n, 1, 0, 1e-15 * Math.max(m, n), p);
    const apa = matmul(matmul(a, p, m, n, m), a, m, m, n);
    close(apa, a, 1e-12, "A A⁺ A = A");
    const pap = matmul(matmul(p, a, n, m, n), p, n, n, m);
    close(pap, p, 1e-12, "A⁺ A A⁺ = A⁺");
    const ap = matmul(a, p, m, n, m);
    close(ap, transposeOf(ap, m, m), 1e-12, "A A⁺ symmetric");
  }
});

test("kernels check their sizes before writing", () => {
  assert.throws(() => inv(new Float64Array(3), 2, 1, new Float64Array(4)), /linalg\.inv: A holds 3 elements but 4 are needed/);
  assert.throws(() => det(new Float64Array(4), 2, 1, new Float64Array(0)), /linalg\.det: out holds 0 elements but 1 are needed/);
  assert.throws(() => solve(new Float64Array(4), new Float64Array(2), 2, -1, 1, new Float64Array(2)), /linalg\.solve: k must be a non-negative integer/);
  assert.throws(
    () => triangularSolve(new Float64Array(4), new Float64Array(3), 2, 3, 1, 1, new Float64Array(3), { upper: true }),
    { message: "linalg.solve_triangular: Incompatible shapes of A and B for the equation AX = B (2x2 and 3x1)" },
  );
  // Empty batches and 0×0 matrices are fine (det of a 0×0 matrix is 1, as in PyTorch).
  const d = new Float64Array(1);
  det(new Float64Array(0), 0, 1, d);
  assert.equal(d[0], 1);
  det(new Float64Array(0), 3, 0, new Float64Array(0));
});

test("inv and solve factor Aᵀ for a row-major A, as PyTorch does for a contiguous tensor", () => {
  // LU of A would find the zero at U[3,3]; LU of Aᵀ (PyTorch's path) at U[2,2].
  const a = Float64Array.from([1, 2, 3, 2, 4, 6, 1, 1, 1]);
  assert.deepEqual(Array.from(inv(a, 3, 1, new Float64Array(9))), [2]);
  assert.deepEqual(Array.from(inv(a, 3, 1, new Float64Array(9), false)), [3]);
  const rand = rng(8);
  const m = randn(rand, 16);
  const b = randn(rand, 8);
  const x1 = new Float64Array(8);
  const x2 = new Float64Array(8);
  solve(m, b, 4, 2, 1, x1, true);
  solve(m, b, 4, 2, 1, x2, false);
  close(x1, x2, 1e-12, "both factorizations solve the same system");
  const lu = new Float64Array(16);
  const piv = new Int32Array(4);
  luFactor(m, 4, 4, 1, lu, piv);
  const xt = new Float64Array(8);
  luSolve(lu, piv, b, 4, 2, 1, xt, true);
  close(matmul(transposeOf(m, 4, 4), xt, 4, 4, 2), b, 1e-12, "lu_solve adjoint");
  assert.throws(() => luSolve(lu, Int32Array.from([0, 2, 3, 4]), b, 4, 2, 1, xt), /pivots\[0\] = 0 is out of range/);
});
