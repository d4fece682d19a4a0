// torch.linalg's QR, eigh and SVD on the "webgpu" device, and what the front end builds on them
// (pinv, matrix_rank, the 2 / -2 / nuclear matrix norms), compared with the CPU ops: QR's factors
// equal the CPU's (LAPACK's signs); eigenvectors and singular vectors are compared through what
// does not depend on their signs (A V = V diag(w), orthonormality, U diag(S) Vh = A, |columns|),
// over batch shapes, orders, non-contiguous, rank-deficient and repeated-eigenvalue inputs, with
// gradients of sign-invariant losses. Skipped without a WebGPU adapter (scripts/webgpu-setup.sh).
// TORCH_TS_WEBGPU_LARGE=1 also runs the largest supported orders (QR 1024, eigh and SVD 512: tens
// of seconds each on lavapipe, which runs a workgroup on one CPU thread).

import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../src/index.js";

const available = await torch.webgpu.isAvailable();
const skip = available ? false : "no WebGPU adapter here; run scripts/webgpu-setup.sh to install a CPU adapter";
const skipLarge = skip || (process.env.TORCH_TS_WEBGPU_LARGE === "1" ? false : "set TORCH_TS_WEBGPU_LARGE=1 to decompose the largest supported orders (slow on CPU adapters)");

before(async () => { if (available) await torch.webgpu.init(); });
after(() => torch.webgpu.shutdown());

type Dev = "cpu" | "webgpu";
type T = torch.Tensor;
const on = (t: T, d: Dev): T => (d === "cpu" ? t : t.to("webgpu"));
const gpu = (t: T): T => t.to("webgpu");
const host = async (t: T): Promise<T> => (t.device.type === "cpu" ? t : t.detach().cpuAsync());

/** |got - want| <= atol max(1, max |want|) + rtol |want| elementwise; `got` may live on either device. */
async function close(what: string, got: T | null | undefined, want: T | null | undefined, rtol = 1e-4, atol = 1e-4): Promise<void> {
  assert.ok(got && want, `${what}: both defined`);
  const g = (await host(got)).detach().float();
  const c = (await host(want)).detach().float();
  assert.deepEqual(g.shape, c.shape, `${what}: shape`);
  assert.deepEqual(g.isfinite().tolist(), c.isfinite().tolist(), `${what}: the same non-finite elements`);
  if (!c.numel()) return;
  const excess = g.sub(c).abs().sub(c.abs().mul(rtol)).nanToNum(0);
  const worst = excess.max().item() as number;
  const scale = Math.max(1, c.abs().nanToNum(0).max().item() as number);
  assert.ok(worst <= atol * scale, `${what}: off by ${worst} beyond rtol ${rtol} (the largest value is ${scale})`);
}

/** The identity batch matching X^T X's shape. */
function gram(X: T): T {
  return X.mT.matmul(X);
}

async function orthonormalColumns(what: string, Q: T): Promise<void> {
  assert.equal(Q.device.type, "webgpu", `${what}: device`);
  const k = Q.shape[Q.dim() - 1]!;
  await close(`${what}: orthonormal columns`, gram(Q), torch.eye(k).expand([...Q.shape.slice(0, -2), k, k]), 0, 2e-5);
}

/** Matrices of rank `rank` (m×n, batch). */
function lowRank(batch: number[], m: number, n: number, rank: number): T {
  return torch.randn([...batch, m, rank]).matmul(torch.randn([...batch, rank, n])).div(Math.sqrt(rank));
}

/** Symmetric matrices with eigenvalues `values` (repeated ones included), in a random basis. */
function withEigenvalues(batch: number[], values: number[]): T {
  const n = values.length;
  const [Q] = torch.linalg.qr(torch.randn([...batch, n, n]));
  return Q!.mul(torch.tensor(values).float().unsqueeze(-2)).matmul(Q!.mT);
}

function symmetric(batch: number[], n: number): T {
  const X = torch.randn([...batch, n, n]);
  return X.add(X.mT).div(2);
}

/** f's value and the gradient of sum(f(A) * w) on device d. */
function valueAndGrad(d: Dev, A: T, f: (a: T) => T): { out: T; grad: T | null } {
  const a = (d === "cpu" ? A.clone() : gpu(A)).requiresGrad_();
  const out = f(a);
  torch.manualSeed(7);
  const w = torch.randn(out.shape);
  out.mul(on(w, d)).sum().backward();
  return { out, grad: a.grad };
}

async function compareGrad(what: string, A: T, f: (a: T) => T, tol = 1e-3): Promise<void> {
  const cpu = valueAndGrad("cpu", A, f);
  const dev = valueAndGrad("webgpu", A, f);
  assert.equal(dev.out.device.type, "webgpu");
  await close(`${what}: value`, dev.out, cpu.out, tol, tol);
  await close(`${what}: gradient`, dev.grad, cpu.grad, tol * 10, tol * 10);
}

const ORDERS = [1, 2, 5, 16, 33];
const SHAPES: [number, number][] = [...ORDERS.map((n): [number, number] => [n, n]), [5, 3], [3, 5], [33, 16], [16, 33], [40, 1], [1, 7]];

describe("webgpu linalg: QR", { skip }, () => {
  for (const [m, n] of SHAPES) {
    test(`${m}×${n}: Q and R equal the CPU's in every mode`, async () => {
      torch.manualSeed(m * 100 + n);
      const A = torch.randn(2, 3, m, n);
      for (const mode of ["reduced", "complete", "r"] as const) {
        const [Qc, Rc] = torch.linalg.qr(A, mode);
        const [Qg, Rg] = torch.linalg.qr(gpu(A), mode);
        assert.equal(Rg!.device.type, "webgpu");
        await close(`R (${mode})`, Rg, Rc, 1e-4, 2e-5);
        await close(`Q (${mode})`, Qg, Qc, 1e-4, 2e-5);
        if (mode !== "r") await orthonormalColumns(`Q (${mode})`, Qg!);
      }
      const [Qs, Rs] = torch.qr(gpu(A), false);
      const [Qsc, Rsc] = torch.qr(A, false);
      await close("torch.qr(some=false) Q", Qs, Qsc, 1e-4, 2e-5);
      await close("torch.qr(some=false) R", Rs, Rsc, 1e-4, 2e-5);
    });
  }

  test("non-contiguous inputs, unbatched and empty ones", async () => {
    torch.manualSeed(3);
    const A = torch.randn(4, 7, 6);
    for (const [what, f] of [
      ["a transposed batch", (a: T) => a.mT],
      ["every other matrix", (a: T) => a.narrow(0, 1, 2)],
      ["a column slice", (a: T) => a.narrow(-1, 1, 4)],
      ["one matrix", (a: T) => a.select(0, 2)],
    ] as const) {
      const [Qc, Rc] = torch.linalg.qr(f(A));
      const [Qg, Rg] = torch.linalg.qr(f(gpu(A)));
      await close(`${what}: Q`, Qg, Qc);
      await close(`${what}: R`, Rg, Rc);
    }
    const E = torch.randn(0, 3, 2);
    const [Qe, Re] = torch.linalg.qr(gpu(E), "complete");
    assert.deepEqual([Qe!.shape, Re!.shape], [[0, 3, 3], [0, 3, 2]]);
    const [Q0, R0] = torch.linalg.qr(gpu(torch.randn(3, 0)), "complete");
    await close("complete Q of a 3×0 matrix", Q0, torch.linalg.qr(torch.randn(3, 0), "complete")[0]);
    assert.deepEqual(R0!.shape, [3, 0]);
  });

  test("rank-deficient matrices: Q R = A, Q orthonormal, R upper triangular", async () => {
    torch.manualSeed(4);
    const A = lowRank([3], 9, 6, 2);
    const [Q, R] = torch.linalg.qr(gpu(A));
    await orthonormalColumns("Q", Q!);
    await close("Q R", Q!.matmul(R!), A, 1e-4, 1e-5);
    await close("R's lower part", (await R!.cpuAsync()).tril(-1), torch.zeros(3, 6, 6), 0, 0);
    const [Qz, Rz] = torch.linalg.qr(gpu(torch.zeros(2, 4, 3)), "complete");
    await close("Q of zeros", Qz, torch.eye(4).expand([2, 4, 4]), 0, 0);
    await close("R of zeros", Rz, torch.zeros(2, 4, 3), 0, 0);
  });

  test("gradients through Q and R (tall, square, wide) equal the CPU's", async () => {
    torch.manualSeed(5);
    for (const [m, n] of [[6, 4], [5, 5], [3, 6]] as const) {
      const A = torch.randn(2, m, n);
      await compareGrad(`Q ${m}×${n}`, A, (a) => torch.linalg.qr(a)[0]!);
      await compareGrad(`R ${m}×${n}`, A, (a) => torch.linalg.qr(a)[1]!);
      await compareGrad(`Q R ${m}×${n}`, A, (a) => { const [Q, R] = torch.linalg.qr(a); return Q!.matmul(R!.mul(R!)); });
    }
  });
});

/** eigh's results on the device against the CPU's: values, A V = V diag(w), Vᵀ V = I, and |V| where the eigenvalues are distinct. */
async function checkEigh(what: string, A: T, uplo: "L" | "U", distinct: boolean): Promise<void> {
  const [wc, Vc] = torch.linalg.eigh(A, uplo);
  const [wg, Vg] = torch.linalg.eigh(gpu(A), uplo);
  assert.equal(Vg!.device.type, "webgpu");
  await close(`${what}: eigenvalues`, wg, wc, 1e-4, 2e-5);
  await close(`${what}: eigvalsh`, torch.linalg.eigvalsh(gpu(A), uplo), wc, 1e-4, 2e-5);
  await orthonormalColumns(`${what}: eigenvectors`, Vg!);
  const S = uplo === "L" ? A.tril().add(A.tril(-1).mT) : A.triu().add(A.triu(1).mT);
  await close(`${what}: A V = V diag(w)`, gpu(S).matmul(Vg!), Vg!.mul(wg!.unsqueeze(-2)), 0, 5e-5);
  if (distinct) await close(`${what}: |V|`, Vg!.abs(), Vc!.abs(), 0, 5e-4);
}

describe("webgpu linalg: eigh", { skip }, () => {
  for (const n of ORDERS) {
    test(`order ${n}: eigenvalues, eigenvectors (UPLO L and U)`, async () => {
      torch.manualSeed(n);
      // Not symmetric: each UPLO reads its own triangle.
      const A = torch.randn(2, 3, n, n);
      await checkEigh("L", A, "L", true);
      await checkEigh("U", A, "U", true);
    });
  }

  test("repeated eigenvalues, non-contiguous inputs, empty ones", async () => {
    torch.manualSeed(6);
    await checkEigh("repeated", withEigenvalues([3], [1, 1, 1, -2, 3, 3, 0.5]), "L", false);
    await checkEigh("all equal", torch.eye(6).mul(2).expand([2, 6, 6]), "L", false);
    await checkEigh("diagonal", torch.diagEmbed(torch.tensor([3, -1, 2, 0]).float()), "U", true);
    await checkEigh("zeros", torch.zeros(5, 5), "L", false);
    const A = symmetric([4], 8);
    const [wc] = torch.linalg.eigh(A.narrow(0, 1, 2).mT);
    await close("eigenvalues of a transposed slice", torch.linalg.eigh(gpu(A).narrow(0, 1, 2).mT)[0], wc);
    const [we, Ve] = torch.linalg.eigh(gpu(torch.randn(0, 3, 3)));
    assert.deepEqual([we!.shape, Ve!.shape], [[0, 3], [0, 3, 3]]);
  });

  test("gradients of sign-invariant losses equal the CPU's", async () => {
    torch.manualSeed(8);
    const A = symmetric([2], 6);
    await compareGrad("eigenvalues", A, (a) => torch.linalg.eigh(a)[0]!);
    await compareGrad("eigvalsh", A, (a) => torch.linalg.eigvalsh(a));
    await compareGrad("V diag(w²) Vᵀ", A, (a) => { const [w, V] = torch.linalg.eigh(a); return V!.mul(w!.mul(w!).unsqueeze(-2)).matmul(V!.mT); });
    await compareGrad("|V|² columns", A, (a) => torch.linalg.eigh(a)[1]!.mul(torch.linalg.eigh(a)[1]!));
  });

  test("gradients of symmetric functions of repeated eigenvalues are finite (the unused eigenvectors' terms are left out)", async () => {
    torch.manualSeed(15);
    const A = withEigenvalues([2], [2, 2, 2, -1]);
    // A function of the eigenvalues alike for equal ones: its gradient does not depend on the eigenspaces' bases.
    await compareGrad("sum of w³", A, (a) => torch.linalg.eigh(a)[0]!.pow(3).sum(-1));
  });
});

/** The SVD on the device against the CPU's: S, U diag(S) Vh = A, orthonormal U and Vh, |U| and |Vh| where S is distinct. */
async function checkSvd(what: string, A: T, full: boolean, distinct: boolean): Promise<void> {
  const [Uc, Sc, Vhc] = torch.linalg.svd(A, full);
  const [Ug, Sg, Vhg] = torch.linalg.svd(gpu(A), full);
  assert.equal(Ug!.device.type, "webgpu");
  assert.deepEqual([Ug!.shape, Sg!.shape, Vhg!.shape], [Uc!.shape, Sc!.shape, Vhc!.shape], `${what}: shapes`);
  await close(`${what}: S`, Sg, Sc, 1e-4, 2e-5);
  await close(`${what}: svdvals`, torch.linalg.svdvals(gpu(A)), Sc, 1e-4, 2e-5);
  await orthonormalColumns(`${what}: U`, Ug!);
  await orthonormalColumns(`${what}: V`, Vhg!.mT);
  const s = A.shape;
  const k = Math.min(s[s.length - 2]!, s[s.length - 1]!);
  const product = Ug!.narrow(-1, 0, k).mul(Sg!.unsqueeze(-2)).matmul(Vhg!.narrow(-2, 0, k));
  await close(`${what}: U diag(S) Vh`, product, A, 0, 3e-5);
  if (distinct) {
    await close(`${what}: |U|`, Ug!.narrow(-1, 0, k).abs(), Uc!.narrow(-1, 0, k).abs(), 0, 5e-4);
    await close(`${what}: |Vh|`, Vhg!.narrow(-2, 0, k).abs(), Vhc!.narrow(-2, 0, k).abs(), 0, 5e-4);
  }
}

describe("webgpu linalg: SVD", { skip }, () => {
  for (const [m, n] of SHAPES) {
    test(`${m}×${n}: reduced and full`, async () => {
      torch.manualSeed(m * 100 + n);
      const A = torch.randn(2, 3, m, n);
      await checkSvd("reduced", A, false, true);
      await checkSvd("full", A, true, true);
    });
  }

  test("rank-deficient, repeated singular values, non-contiguous, empty", async () => {
    torch.manualSeed(9);
    await checkSvd("rank 2 of 7×5", lowRank([3], 7, 5, 2), true, false);
    await checkSvd("rank 1 of 4×9", lowRank([2], 4, 9, 1), true, false);
    await checkSvd("zeros", torch.zeros(2, 5, 3), true, false);
    await checkSvd("orthogonal (all singular values 1)", torch.linalg.qr(torch.randn(6, 6))[0]!, false, false);
    const A = torch.randn(4, 6, 5);
    await close("S of a transposed slice", torch.linalg.svdvals(gpu(A).narrow(0, 1, 2).mT), torch.linalg.svdvals(A.narrow(0, 1, 2).mT));
    await checkSvd("one matrix", A.select(0, 1), false, true);
    const [Ue, Se, Vhe] = torch.linalg.svd(gpu(torch.randn(0, 3, 2)));
    assert.deepEqual([Ue!.shape, Se!.shape, Vhe!.shape], [[0, 3, 3], [0, 2], [0, 2, 2]]);
  });

  test("torch.svd (V, some, computeUv)", async () => {
    torch.manualSeed(10);
    const A = torch.randn(2, 6, 4);
    const [U, S, V] = torch.svd(gpu(A));
    await close("U diag(S) Vᵀ", U!.mul(S!.unsqueeze(-2)).matmul(V!.mT), A, 0, 3e-5);
    const [U0, S0, V0] = torch.svd(gpu(A), true, false);
    assert.deepEqual([U0!.device.type, V0!.device.type], ["webgpu", "webgpu"]);
    await close("S without U and V", S0, torch.svd(A, true, false)[1]);
    await close("U without U and V (zeros)", U0, torch.zeros(2, 6, 6), 0, 0);
    const [Uf] = torch.svd(gpu(A), false);
    assert.deepEqual(Uf!.shape, [2, 6, 6]);
  });

  test("gradients of sign-invariant losses equal the CPU's", async () => {
    torch.manualSeed(11);
    for (const [m, n] of [[6, 4], [5, 5], [3, 6]] as const) {
      const A = torch.randn(2, m, n);
      await compareGrad(`S ${m}×${n}`, A, (a) => torch.linalg.svd(a, false)[1]!);
      await compareGrad(`svdvals ${m}×${n}`, A, (a) => torch.linalg.svdvals(a));
      await compareGrad(`U diag(S²) Vh ${m}×${n}`, A, (a) => { const [U, S, Vh] = torch.linalg.svd(a, false); return U!.mul(S!.mul(S!).unsqueeze(-2)).matmul(Vh!); });
      await compareGrad(`U Uᵀ ${m}×${n}`, A, (a) => { const [U] = torch.linalg.svd(a, false); return U!.matmul(U!.mT); });
    }
  });

  test("singular value gradients of repeated singular values are finite (the unused U and Vh terms are left out)", async () => {
    torch.manualSeed(16);
    const [Q] = torch.linalg.qr(torch.randn(2, 5, 5));
    await compareGrad("sum of S² of orthogonal matrices", Q!, (a) => torch.linalg.svd(a, false)[1]!.pow(2).sum(-1));
    await compareGrad("nuclear norm of orthogonal matrices", Q!, (a) => torch.linalg.matrixNorm(a, "nuc"));
  });
});

/** A tolerance in the middle of the widest gap between A's singular values (above 0.1): both devices cut there alike. */
function midGap(A: T): number {
  const s = (torch.linalg.svdvals(A).reshape([-1]).tolist() as number[]).filter((v) => v > 0.1).sort((x, y) => x - y);
  let best = 0, at = s[0]! / 2;
  for (let i = 1; i < s.length; i++) if (s[i]! - s[i - 1]! > best) { best = s[i]! - s[i - 1]!; at = (s[i]! + s[i - 1]!) / 2; }
  return at;
}

describe("webgpu linalg: compositions of the SVD", { skip }, () => {
  test("pinv, pinverse, matrix_rank, matrix norms 2 / -2 / nuc against the CPU", async () => {
    torch.manualSeed(12);
    const inputs: [string, T][] = [
      ["tall", torch.randn(2, 7, 4)],
      ["wide", torch.randn(2, 3, 6)],
      ["rank-deficient", lowRank([2], 6, 5, 2)],
      ["symmetric", symmetric([2], 5)],
    ];
    for (const [what, A] of inputs) {
      for (const [op, f] of [
        ["pinv", (a: T) => torch.linalg.pinv(a)],
        ["pinv atol", (a: T) => torch.linalg.pinv(a, { atol: midGap(A) })],
        // rcond well above float32's noise: a rank-deficient matrix's noise singular values are not inverted.
        ["pinverse", (a: T) => torch.pinverse(a, 1e-4)],
        ["matrix_norm 2", (a: T) => torch.linalg.matrixNorm(a, 2)],
        ["matrix_norm -2", (a: T) => torch.linalg.matrixNorm(a, -2)],
        ["matrix_norm nuc", (a: T) => torch.linalg.matrixNorm(a, "nuc")],
        ["norm 2 keepdim", (a: T) => torch.linalg.norm(a, 2, [-2, -1], true)],
      ] as const) {
        const cpu = f(A);
        const dev = f(gpu(A));
        assert.equal(dev.device.type, "webgpu", `${op} of ${what}: device`);
        await close(`${op} of ${what}`, dev, cpu, 1e-3, 1e-4);
      }
      const rank = torch.linalg.matrixRank(gpu(A));
      assert.equal(rank.dtype, torch.int64);
      assert.deepEqual((await rank.cpuAsync()).tolist(), torch.linalg.matrixRank(A).tolist(), `matrix_rank of ${what}`);
      assert.deepEqual((await torch.linalg.matrixRank(gpu(A), { atol: midGap(A) }).cpuAsync()).tolist(), torch.linalg.matrixRank(A, { atol: midGap(A) }).tolist());
    }
    const S = symmetric([2], 5);
    await close("pinv hermitian", torch.linalg.pinv(gpu(S.tril()), { hermitian: true }), torch.linalg.pinv(S.tril(), { hermitian: true }), 1e-3, 1e-4);
    assert.deepEqual((await torch.linalg.matrixRank(gpu(S.tril()), { hermitian: true }).cpuAsync()).tolist(), torch.linalg.matrixRank(S.tril(), { hermitian: true }).tolist());
    assert.deepEqual((await torch.linalg.matrixRank(gpu(torch.randn(2, 0, 3))).cpuAsync()).tolist(), [0, 0]);
    assert.deepEqual(torch.linalg.pinv(gpu(torch.randn(2, 0, 3))).shape, [2, 3, 0]);
  });

  test("gradients of pinv and the nuclear / spectral norms equal the CPU's", async () => {
    torch.manualSeed(13);
    const A = torch.randn(2, 5, 3);
    await compareGrad("pinv", A, (a) => torch.linalg.pinv(a));
    await compareGrad("nuclear norm", A, (a) => torch.linalg.matrixNorm(a, "nuc"));
    await compareGrad("spectral norm", A, (a) => torch.linalg.matrixNorm(a, 2));
  });
});

/** QR of a large matrix on the device: Q and R as the CPU's, factored there once. */
async function checkLargeQr(what: string, A: T): Promise<void> {
  const [Qc, Rc] = torch.linalg.qr(A);
  const [Qg, Rg] = torch.linalg.qr(gpu(A));
  await close(`${what}: R`, Rg, Rc, 1e-3, 1e-4);
  await close(`${what}: Q`, Qg, Qc, 1e-3, 1e-4);
}

describe("webgpu linalg: limits", { skip }, () => {
  test("orders above the limits throw naming the limit; float64 never reaches the device", async () => {
    assert.throws(() => torch.linalg.eigh(gpu(torch.zeros(513, 513))), /order at most 512/);
    assert.throws(() => torch.linalg.svdvals(gpu(torch.zeros(600, 3))), /order at most 512/);
    assert.throws(() => torch.linalg.qr(gpu(torch.zeros(2, 1025))), /order at most 1024/);
  });

  test("larger orders: QR 160×100, eigh 100, SVD 100×70 and 70×100", async () => {
    torch.manualSeed(17);
    await checkLargeQr("QR", torch.randn(160, 100));
    // The most columns and rows QR takes, in short and thin matrices.
    for (const W of [torch.randn(8, 1024), torch.randn(1024, 8)]) await checkLargeQr(`QR ${W.shape.join("×")}`, W);
    await checkEigh("eigh 100", symmetric([], 100), "L", false);
    const C = torch.randn(100, 70);
    await checkSvd("SVD 100×70", C, true, false);
    await checkSvd("SVD 70×100", C.mT, false, false);
  });

  test("the largest orders: QR 1024, eigh and SVD 512", { skip: skipLarge }, async () => {
    torch.manualSeed(14);
    await checkLargeQr("QR 1024", torch.randn(1024, 1024));
    const A = symmetric([], 512);
    const [wg, Vg] = torch.linalg.eigh(gpu(A));
    await close("eigh 512: eigenvalues", wg, torch.linalg.eigvalsh(A), 1e-3, 1e-4);
    await close("eigh 512: A V = V diag(w)", gpu(A).matmul(Vg!), Vg!.mul(wg!.unsqueeze(-2)), 0, 2e-4);
    const [Ug, Sg, Vhg] = torch.linalg.svd(gpu(A), false);
    await close("SVD 512: S", Sg, torch.linalg.svdvals(A), 1e-3, 1e-4);
    await close("SVD 512: U diag(S) Vh", Ug!.mul(Sg!.unsqueeze(-2)).matmul(Vhg!), A, 0, 2e-4);
  });
});
