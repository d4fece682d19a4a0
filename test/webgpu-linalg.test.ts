// torch.linalg's LU and Cholesky families on the "webgpu" device (inv, det, slogdet, solve, the
// _ex forms' info, solve_triangular, cholesky, cholesky_solve / cholesky_inverse, logdet, and the
// torch.* spellings), compared with the CPU ops: values and gradients within float32 tolerance
// over batch shapes and orders, non-contiguous inputs, singular and not positive-definite inputs,
// and the errors. Skipped without a WebGPU adapter (scripts/webgpu-setup.sh).
// TORCH_TS_WEBGPU_LARGE=1 also runs the largest supported order (1024: about 20 s per factorization
// on lavapipe, which runs a workgroup on one CPU thread).

import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../src/index.js";

const available = await torch.webgpu.isAvailable();
const skip = available ? false : "no WebGPU adapter here; run scripts/webgpu-setup.sh to install a CPU adapter";
const skipLarge = skip || (process.env.TORCH_TS_WEBGPU_LARGE === "1" ? false : "set TORCH_TS_WEBGPU_LARGE=1 to factor order-1024 matrices (slow on CPU adapters)");

before(async () => { if (available) await torch.webgpu.init(); });
after(() => torch.webgpu.shutdown());

type Dev = "cpu" | "webgpu";
type T = torch.Tensor;
const on = (t: T, d: Dev): T => (d === "cpu" ? t : t.to("webgpu"));
const leaf = (t: T, d: Dev): T => (d === "cpu" ? t.clone() : t.to("webgpu")).requiresGrad_();

/** |gpu - cpu| <= atol max(1, max |cpu|) + rtol |cpu| elementwise (non-finite values must agree exactly). */
async function close(what: string, gpu: T | null | undefined, cpu: T | null | undefined, rtol = 1e-4, atol = 1e-4): Promise<void> {
  assert.ok(gpu && cpu, `${what}: both defined`);
  assert.equal(gpu.device.type, "webgpu", `${what}: device`);
  const g = (await gpu.detach().cpuAsync()).float();
  const c = cpu.detach().float();
  assert.deepEqual(g.shape, c.shape, `${what}: shape`);
  const finite = c.isfinite();
  assert.deepEqual(g.isfinite().tolist(), finite.tolist(), `${what}: the same non-finite elements`);
  const excess = g.sub(c).abs().sub(c.abs().mul(rtol)).maskedFill(finite.logicalNot(), 0);
  const worst = excess.numel() ? (excess.max().item() as number) : 0;
  const scale = Math.max(1, excess.numel() ? (c.abs().maskedFill(finite.logicalNot(), 0).max().item() as number) : 0);
  assert.ok(worst <= atol * scale, `${what}: off by ${worst} beyond rtol ${rtol} (the largest value is ${scale})`);
}

/** A well-conditioned n×n batch whose rows are shuffled, so that partial pivoting swaps rows. */
function general(batch: number[], n: number): T {
  const A = torch.randn([...batch, n, n]).div(Math.sqrt(n)).add(torch.eye(n).mul(2));
  return A.indexSelect(-2, torch.randperm(n));
}

/** A symmetric positive-definite batch. */
function spd(batch: number[], n: number): T {
  const X = torch.randn([...batch, n, n]).div(Math.sqrt(n));
  return X.matmul(X.mT).add(torch.eye(n));
}

/** A triangle with a diagonal bounded away from zero. */
function triangle(batch: number[], n: number, upper: boolean): T {
  const X = torch.randn([...batch, n, n]).div(Math.sqrt(n));
  return (upper ? X.triu() : X.tril()).add(torch.eye(n).mul(2));
}

/** f's result and the gradient of sum(f(...) * w) for each input, on device d. */
function run(d: Dev, inputs: T[], f: (...xs: T[]) => T): { out: T; grads: (T | null)[] } {
  const xs = inputs.map((x) => leaf(x, d));
  const out = f(...xs);
  torch.manualSeed(7);
  const w = torch.randn(out.shape);
  out.mul(on(w, d)).sum().backward();
  return { out, grads: xs.map((x) => x.grad) };
}

/** Values and gradients of f on both devices. */
async function compare(what: string, inputs: T[], f: (...xs: T[]) => T, rtol = 1e-4, atol = 1e-4): Promise<void> {
  const cpu = run("cpu", inputs, f);
  const gpu = run("webgpu", inputs, f);
  await close(`${what}: value`, gpu.out, cpu.out, rtol, atol);
  for (let i = 0; i < inputs.length; i++) await close(`${what}: gradient ${i}`, gpu.grads[i], cpu.grads[i], rtol * 10, atol * 10);
}

const ORDERS = [1, 2, 5, 16, 33];

describe("webgpu linalg: LU family", { skip }, () => {
  for (const n of ORDERS) {
    test(`order ${n}: inv, det, slogdet, logdet, solve (left, right, vectors) with gradients`, async () => {
      torch.manualSeed(n);
      const A = general([2, 3], n);
      const B = torch.randn(2, 3, n, 4);
      await compare("inv", [A], (a) => torch.linalg.inv(a));
      await compare("torch.inverse", [A], (a) => torch.inverse(a));
      await compare("det", [A], (a) => torch.linalg.det(a), 1e-4, 1e-3);
      await compare("torch.det", [A], (a) => torch.det(a), 1e-4, 1e-3);
      await compare("slogdet", [A], (a) => { const [s, l] = torch.linalg.slogdet(a); return s!.mul(l!); });
      await compare("logdet", [A.matmul(A.mT)], (a) => torch.logdet(a));
      await compare("solve", [A, B], (a, b) => torch.linalg.solve(a, b));
      await compare("solve left=false", [A, B.mT], (a, b) => torch.linalg.solve(a, b, { left: false }));
      await compare("solve with vectors", [A, B.select(-1, 0)], (a, b) => torch.linalg.solve(a, b));
      await compare("solve_ex result", [A, B], (a, b) => torch.linalg.solveEx(a, b).result);
      await compare("inv_ex inverse", [A], (a) => torch.linalg.invEx(a).inverse);
    });
  }

  test("non-contiguous and broadcast operands", async () => {
    torch.manualSeed(1);
    const A = general([4], 6);
    const B = torch.randn(3, 1, 6, 5);
    // Views made on each device: a transposed batch, every other matrix, a broadcast A.
    await compare("inv of transposed views", [A], (a) => torch.linalg.inv(a.mT));
    await compare("det of a strided batch", [A], (a) => torch.linalg.det(a.narrow(0, 1, 2).mT));
    await compare("solve with A broadcast over B's batch", [A.select(0, 0), B], (a, b) => torch.linalg.solve(a, b));
    await compare("solve with B broadcast over A's batch", [A, B.select(0, 0)], (a, b) => torch.linalg.solve(a, b));
    await compare("solve of column slices", [A, B], (a, b) => torch.linalg.solve(a.mT, b.narrow(-1, 1, 3)));
    await compare("right solve of a transposed A", [A, B], (a, b) => torch.linalg.solve(a.mT, b.mT, { left: false }));
  });

  test("singular matrices: info as the CPU's, plain forms give inf/NaN without an error", async () => {
    const S = torch.tensor([[[1, 2, 3], [2, 4, 6], [1, 1, 1]], [[0, 0, 0], [0, 0, 0], [0, 0, 0]], [[2, 0, 0], [0, 3, 0], [0, 0, 4]]]).float();
    const ones = torch.ones(3, 3, 2);
    for (const [what, f] of [
      ["inv_ex", (d: Dev) => torch.linalg.invEx(on(S, d)).info],
      ["inv_ex of transposed views", (d: Dev) => torch.linalg.invEx(on(S, d).mT).info],
      ["solve_ex", (d: Dev) => torch.linalg.solveEx(on(S, d), on(ones, d)).info],
      ["solve_ex left=false", (d: Dev) => torch.linalg.solveEx(on(S, d), on(ones, d).mT, { left: false }).info],
    ] as const) {
      const cpu = f("cpu"), gpu = f("webgpu");
      assert.equal(gpu.dtype, torch.int32, what);
      assert.deepEqual((await gpu.cpuAsync()).tolist(), cpu.tolist(), what);
    }
    await close("det of singular matrices", torch.linalg.det(on(S, "webgpu")), torch.linalg.det(S));
    const [sign, logabs] = torch.linalg.slogdet(on(S, "webgpu"));
    assert.deepEqual((await sign!.cpuAsync()).tolist(), [0, 0, 1]);
    assert.deepEqual((await logabs!.cpuAsync()).narrow(0, 0, 2).tolist(), [-Infinity, -Infinity]);
    assert.deepEqual((await torch.logdet(on(torch.tensor([[-1, 0], [0, 1]]).float(), "webgpu")).cpuAsync()).tolist(), Number.NaN);
    const inverse = await torch.linalg.inv(on(S, "webgpu")).cpuAsync();
    assert.equal(inverse.select(0, 0).isfinite().all().item(), false, "inf/NaN for a singular matrix");
    await close("inv of the regular matrix beside them", inverse.select(0, 2).to("webgpu"), torch.linalg.inv(S.select(0, 2)));
  });
});

describe("webgpu linalg: triangular solves and Cholesky", { skip }, () => {
  for (const n of ORDERS) {
    test(`order ${n}: solve_triangular (every form), cholesky (lower, upper), cholesky_solve, cholesky_inverse with gradients`, async () => {
      torch.manualSeed(100 + n);
      const B = torch.randn(2, n, 3);
      for (const upper of [false, true]) {
        const Tri = triangle([2], n, upper);
        for (const left of [true, false]) {
          for (const unitriangular of [false, true]) {
            const rhs = left ? B : B.mT;
            await compare(`solve_triangular upper=${upper} left=${left} unit=${unitriangular}`, [Tri, rhs],
              (a, b) => torch.linalg.solveTriangular(a, b, { upper, left, unitriangular }), 1e-4, 1e-3);
          }
        }
        const S = spd([2], n);
        await compare(`cholesky upper=${upper}`, [S], (a) => torch.linalg.cholesky(a, { upper }));
        await compare(`cholesky_ex upper=${upper}`, [S], (a) => torch.linalg.choleskyEx(a, { upper }).L);
        await compare(`torch.cholesky upper=${upper}`, [S], (a) => torch.cholesky(a, upper));
        const factor = torch.linalg.cholesky(S, { upper });
        await compare(`cholesky_solve upper=${upper}`, [B, factor], (b, f) => torch.choleskySolve(b, f, upper), 1e-4, 1e-3);
        await compare(`cholesky_inverse upper=${upper}`, [factor], (f) => torch.choleskyInverse(f, upper), 1e-4, 1e-3);
      }
    });
  }

  test("non-contiguous and broadcast operands", async () => {
    torch.manualSeed(3);
    const S = spd([3], 7);
    const Tri = triangle([3], 7, false);
    const B = torch.randn(2, 1, 7, 4);
    await compare("cholesky of transposed views", [S], (a) => torch.linalg.cholesky(a.mT));
    await compare("cholesky of a strided batch", [S], (a) => torch.linalg.cholesky(a.narrow(0, 1, 2)));
    await compare("solve_triangular of a transposed triangle, broadcast", [Tri, B], (a, b) => torch.linalg.solveTriangular(a.mT, b, { upper: true }));
    await compare("solve_triangular of column slices", [Tri, B], (a, b) => torch.linalg.solveTriangular(a, b.narrow(-1, 1, 2), { upper: false }));
    await compare("cholesky_solve broadcast", [B, torch.linalg.cholesky(S)], (b, f) => torch.choleskySolve(b, f));
  });

  test("not positive-definite: info as the CPU's, no error from the plain forms", async () => {
    const A = torch.stack([spd([], 4), torch.diag(torch.tensor([1, -1, 1, 1]).float()), torch.tensor([[1, 2, 0, 0], [2, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]]).float()]);
    for (const upper of [false, true]) {
      const cpu = torch.linalg.choleskyEx(A, { upper });
      const gpu = torch.linalg.choleskyEx(on(A, "webgpu"), { upper });
      assert.equal(gpu.info.dtype, torch.int32);
      assert.deepEqual((await gpu.info.cpuAsync()).tolist(), cpu.info.tolist(), `info upper=${upper}`);
      await close("the positive-definite matrix's factor", gpu.L.select(0, 0), cpu.L.select(0, 0));
      const plain = await torch.linalg.cholesky(on(A, "webgpu"), { upper }).cpuAsync();
      assert.equal(plain.select(0, 1).isfinite().all().item(), false, "NaN from the failed column on");
      await torch.cholesky(on(A, "webgpu"), upper).cpuAsync();
    }
  });
});

describe("webgpu linalg: empty inputs", { skip }, () => {
  test("order 0 and empty batches as the CPU (det of a 0×0 matrix is 1)", async () => {
    for (const shape of [[0, 0], [2, 0, 0], [0, 3, 3]]) {
      const A = torch.zeros(shape);
      const cases: [string, (a: T) => T][] = [
        ["inv", (a) => torch.linalg.inv(a)], ["det", (a) => torch.linalg.det(a)],
        ["slogdet", (a) => torch.linalg.slogdet(a)[1]!], ["solve", (a) => torch.linalg.solve(a, a)],
        ["cholesky_ex info", (a) => torch.linalg.choleskyEx(a).info], ["cholesky", (a) => torch.linalg.cholesky(a)],
        ["solve_triangular", (a) => torch.linalg.solveTriangular(a, a, { upper: true })],
        ["cholesky_solve", (a) => torch.choleskySolve(a, a)],
      ];
      for (const [what, f] of cases) {
        const cpu = f(A), gpu = f(on(A, "webgpu"));
        assert.equal(gpu.dtype, cpu.dtype, `${what} ${shape}`);
        assert.deepEqual((await gpu.cpuAsync()).tolist(), cpu.tolist(), `${what} ${shape}`);
      }
    }
  });
});

describe("webgpu linalg: double backward", { skip }, () => {
  test("second derivatives of inv, det, solve, cholesky and solve_triangular as the CPU's", async () => {
    torch.manualSeed(11);
    const A = general([2], 4);
    const S = spd([2], 4);
    const B = torch.randn(2, 4, 3);
    const Tri = triangle([2], 4, true);
    const cases: [string, T[], (...xs: T[]) => T][] = [
      ["inv", [A], (a) => torch.linalg.inv(a)],
      ["det", [A], (a) => torch.linalg.det(a)],
      ["solve", [A, B], (a, b) => torch.linalg.solve(a, b)],
      ["cholesky", [S], (a) => torch.linalg.cholesky(a)],
      ["solve_triangular", [Tri, B], (a, b) => torch.linalg.solveTriangular(a, b, { upper: true })],
    ];
    for (const [what, inputs, f] of cases) {
      const secondOrder = (d: Dev): (T | null)[] => {
        const xs = inputs.map((x) => leaf(x, d));
        const out = f(...xs);
        torch.manualSeed(3);
        const go = on(torch.randn(out.shape), d);
        const grads = torch.autograd.grad([out], xs, { gradOutputs: [go], createGraph: true });
        grads.reduce<T>((acc, g) => acc.add(g!.square().sum()), on(torch.zeros([]), d)).backward();
        return xs.map((x) => x.grad);
      };
      const cpu = secondOrder("cpu"), gpu = secondOrder("webgpu");
      for (let i = 0; i < inputs.length; i++) await close(`${what}: second-order gradient ${i}`, gpu[i], cpu[i], 1e-3, 1e-3);
    }
  });
});

describe("webgpu linalg: errors", { skip }, () => {
  test("checkErrors: true is refused on the device, before anything runs", () => {
    const A = on(torch.eye(3), "webgpu");
    assert.throws(() => torch.linalg.invEx(A, { checkErrors: true }), /linalg\.inv_ex: checkErrors: true needs LAPACK's info on the host, which the 'webgpu' device cannot read synchronously/);
    assert.throws(() => torch.linalg.solveEx(A, A, { checkErrors: true }), /linalg\.solve_ex: checkErrors: true/);
    assert.throws(() => torch.linalg.choleskyEx(A, { checkErrors: true }), /linalg\.cholesky_ex: checkErrors: true/);
  });

  test("argument errors as the CPU's", () => {
    const cases: [string, (d: Dev) => unknown][] = [
      ["non-square", (d) => torch.linalg.inv(on(torch.ones(2, 3), d))],
      ["float16", (d) => torch.linalg.det(on(torch.ones(2, 2), d).half())],
      ["integer", (d) => torch.linalg.cholesky(on(torch.ones(2, 2).int(), d))],
      ["incompatible shapes", (d) => torch.linalg.solve(on(torch.eye(3), d), on(torch.ones(2, 1), d))],
      ["solve_triangular without upper", (d) => torch.linalg.solveTriangular(on(torch.eye(3), d), on(torch.ones(3, 1), d), {} as { upper: boolean })],
    ];
    for (const [what, f] of cases) {
      let message = "";
      try { f("cpu"); } catch (e) { message = (e as Error).message; }
      assert.ok(message, `${what}: the CPU throws`);
      assert.throws(() => f("webgpu"), (e: Error) => e.message === message, what);
    }
  });

  test("mixed devices and orders past the limit", () => {
    for (const [A, B] of [[on(torch.eye(3), "webgpu"), torch.ones(3, 1)], [torch.eye(3), on(torch.ones(3, 1), "webgpu")]]) {
      assert.throws(() => torch.linalg.solve(A!, B!), /linalg.solve: Expected all tensors to be on the same device/);
      assert.throws(() => torch.linalg.solveTriangular(A!, B!, { upper: true }), /Expected all tensors to be on the same device/);
      assert.throws(() => torch.choleskySolve(B!, A!), /Expected all tensors to be on the same device/);
    }
    assert.throws(() => torch.linalg.det(torch.zeros(1025, 1025, { device: "webgpu" })),
      /matrices of order 1025 are too large for the 'webgpu' device, which factors matrices of order at most 1024/);
    assert.throws(() => torch.linalg.cholesky(torch.zeros(2, 1100, 1100, { device: "webgpu" })), /order at most 1024/);
  });
});

describe("webgpu linalg: the largest supported order", { skip: skipLarge }, () => {
  test("order 1024: slogdet, solve, cholesky", async () => {
    torch.manualSeed(5);
    const n = 1024;
    const A = general([], n);
    const b = torch.randn(n, 1);
    const [, logabs] = torch.linalg.slogdet(on(A, "webgpu"));
    await close("slogdet", logabs, torch.linalg.slogdet(A)[1], 1e-4);
    await close("solve", torch.linalg.solve(on(A, "webgpu"), on(b, "webgpu")), torch.linalg.solve(A, b), 1e-3, 1e-3);
    const S = spd([], n);
    await close("cholesky", torch.linalg.cholesky(on(S, "webgpu")), torch.linalg.cholesky(S), 1e-3, 1e-3);
  });
});
