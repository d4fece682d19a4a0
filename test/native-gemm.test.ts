// Native GEMM against a float64 reference: odd sizes, transposed/strided/offset operands,
// alpha/beta, batches with broadcast operands, every ISA the CPU runs, 1 and 2 threads.
import { test } from "node:test";
import assert from "node:assert/strict";

import * as native from "../src/backends/native/index.js";
import { DTYPES, epsOf, filled, forEachIsa, rng, skipReason, type Ctor } from "../src/backends/native/test-support.js";

type FloatArray = Float32Array | Float64Array;

/** A strided operand: (t, i, j) at data[off + t*bs + i*rs + j*cs]. */
interface Operand {
  data: FloatArray;
  off: number;
  rs: number;
  cs: number;
  bs: number;
}

type Layout = "rowmajor" | "transposed" | "strided";

/** An R x C operand (per batch item) stored in the given layout, with a leading offset of 3. */
function operand(ctor: Ctor, R: number, C: number, layout: Layout, batch: number, rand: () => number, broadcast = false): Operand {
  const off = 3;
  let rs: number, cs: number, size: number;
  if (layout === "rowmajor") [rs, cs, size] = [C, 1, R * C];
  else if (layout === "transposed") [rs, cs, size] = [1, R, R * C];
  else [rs, cs, size] = [2 * C + 1, 2, R * (2 * C + 1)];
  const bs = broadcast ? 0 : size + 5;
  const data = filled(ctor, off + (broadcast ? 1 : batch) * (size + 5) + 2, rand);
  return { data, off, rs, cs, bs };
}

function el(o: Operand, t: number, i: number, j: number): number {
  return o.data[o.off + t * o.bs + i * o.rs + j * o.cs]!;
}

/** Runs one case on the native kernel and checks it against the definition in float64. */
function check(
  ctor: Ctor, batch: number, M: number, N: number, K: number, alpha: number, beta: number,
  layoutA: Layout, layoutB: Layout, seed: number, broadcastB = false,
): void {
  const rand = rng(seed);
  const A = operand(ctor, M, K, layoutA, batch, rand);
  const B = operand(ctor, K, N, layoutB, batch, rand, broadcastB);
  const ldc = N + 2, cOff = 1, cBs = M * ldc + 3;
  const C = filled(ctor, cOff + batch * cBs + 1, rand);
  if (beta === 0) C.fill(Number.NaN); // beta = 0 must ignore C, NaN included
  const before = C.slice();
  native.gemmBatched(batch, M, N, K, alpha, A.data, A.off, A.rs, A.cs, A.bs, B.data, B.off, B.rs, B.cs, B.bs, beta, C, cOff, ldc, cBs);
  const eps = epsOf(C);
  for (let t = 0; t < batch; t++) {
    for (let i = 0; i < M; i++) {
      for (let j = 0; j < N; j++) {
        let s = 0, abs = 0;
        for (let p = 0; p < K; p++) {
          const prod = el(A, t, i, p) * el(B, t, p, j);
          s += prod;
          abs += Math.abs(prod);
        }
        const idx = cOff + t * cBs + i * ldc + j;
        const old = beta === 0 ? 0 : beta * before[idx]!;
        const want = alpha * s + old;
        const tol = 2 * (K + 2) * eps * (Math.abs(alpha) * abs + Math.abs(old)) + 1e-300;
        const got = C[idx]!;
        if (!(Math.abs(got - want) <= tol)) {
          assert.fail(
            `${ctor.name} batch=${batch} ${M}x${N}x${K} alpha=${alpha} beta=${beta} A:${layoutA} B:${layoutB}` +
              ` isa=${native.getIsa()} threads=${native.getNumThreads()}: C[${t},${i},${j}] = ${got}, want ${want}`,
          );
        }
      }
    }
  }
  // Padding between rows and batch items is untouched.
  for (let t = 0; t < batch; t++) {
    for (let i = 0; i < M; i++) {
      for (const j of [N, N + 1]) {
        const idx = cOff + t * cBs + i * ldc + j;
        if (idx < C.length) assert.ok(Object.is(C[idx], before[idx]), `C padding at ${idx} was written`);
      }
    }
  }
  assert.ok(Object.is(C[0], before[0]), "C before its offset was written");
}

const SIZES = [1, 7, 33, 257];

test("native gemm: all size combinations of 1, 7, 33, 257", { skip: skipReason }, () => {
  forEachIsa(() => {
    for (const ctor of DTYPES) {
      let seed = 1;
      for (const M of SIZES) for (const N of SIZES) for (const K of [1, 33, 257]) check(ctor, 1, M, N, K, 1, 0, "rowmajor", "rowmajor", seed++);
    }
  });
});

test("native gemm: transposed and strided operands, alpha and beta", { skip: skipReason }, () => {
  const layouts: Layout[] = ["rowmajor", "transposed", "strided"];
  forEachIsa(() => {
    for (const ctor of DTYPES) {
      let seed = 100;
      for (const la of layouts) {
        for (const lb of layouts) {
          for (const [alpha, beta] of [[1, 0], [0.5, 2], [-1.5, 1], [2, -0.25]] as const) {
            check(ctor, 1, 37, 45, 70, alpha, beta, la, lb, seed++);
          }

        }
      }
    }
  });
});

test("native gemm: every row count of the last row panel (the short-panel kernels), full and partial column panels", { skip: skipReason }, () => {
  // M = 1..25 meets every remainder of the 12-, 6- and 4-row tiles; N = 64 gives whole 32-column
  // panels (a 4- or 8-row kernel then writes C directly, with alpha and beta), N = 45 a partial one.
  const threads = native.getNumThreads();
  try {
    forEachIsa(() => {
      for (const ctor of DTYPES) {
        let seed = 500;
        for (let M = 1; M <= 25; M++) {
          for (const N of [64, 45]) {
            const [alpha, beta] = M % 2 === 0 ? [1, 0] : [-0.5, 1.5];
            const layoutA: Layout = M % 3 === 0 ? "transposed" : M % 3 === 1 ? "rowmajor" : "strided";
            native.setNumThreads(1 + (M % 2));
            check(ctor, 1, M, N, 19, alpha, beta, layoutA, N === 64 ? "rowmajor" : "transposed", seed++);
          }
        }
        native.setNumThreads(2);
        for (const M of [64, 128]) check(ctor, 1, M, M, M, 1, 0, "rowmajor", "rowmajor", seed++);
      }
    });
  } finally {
    native.setNumThreads(threads);
  }
});

test("native gemm: matrix-vector shapes (M or N = 1), every layout, threaded and batched", { skip: skipReason }, () => {
  // Their own path, the same on every ISA.
  const layouts: Layout[] = ["rowmajor", "transposed", "strided"];
  for (const ctor of DTYPES) {
    let seed = 300;
    for (const la of layouts) {
      for (const lb of layouts) {
        for (const [M, N, K] of [[1, 45, 70], [37, 1, 70], [1, 1, 70]] as const) {
          check(ctor, 1, M, N, K, 0.5, 2, la, lb, seed++);
          check(ctor, 3, M, N, K, 1, 0, la, lb, seed++);
        }
        check(ctor, 1, 1, 700, 600, 1, 0, la, lb, seed++);
        check(ctor, 1, 700, 1, 600, -1, 0.5, la, lb, seed++);
      }
    }
  }
});

test("native gemm: K = 0 and alpha = 0 scale C by beta", { skip: skipReason }, () => {
  for (const ctor of DTYPES) {
    check(ctor, 1, 5, 6, 0, 1, 0.5, "rowmajor", "rowmajor", 7);
    check(ctor, 1, 5, 6, 0, 1, 0, "rowmajor", "rowmajor", 8);
    check(ctor, 1, 5, 6, 9, 0, 3, "rowmajor", "rowmajor", 9);
  }
});

test("native gemm: batched, with a broadcast operand", { skip: skipReason }, () => {
  forEachIsa(() => {
    for (const ctor of DTYPES) {
      check(ctor, 3, 19, 35, 41, 1, 0, "rowmajor", "transposed", 11);
      check(ctor, 4, 13, 17, 29, 0.5, 1, "transposed", "rowmajor", 12, true);
      check(ctor, 1, 7, 33, 257, 1, 0, "strided", "rowmajor", 13);
      check(ctor, 2, 1, 1, 1, 2, 3, "rowmajor", "rowmajor", 14);
    }
  });
});

test("native gemm: blocks larger than one cache block, 1 and 2 threads agree", { skip: skipReason }, () => {
  const threads = native.getNumThreads();
  try {
    for (const ctor of DTYPES) {
      // K beyond the kc block, N beyond the nc block, M beyond the packed-A block (1152 rows).
      check(ctor, 1, 61, 600, 1100, 1, 0.5, "rowmajor", "transposed", 21);
      check(ctor, 1, 1250, 40, 20, 1, 0, "transposed", "rowmajor", 22);
      const rand = rng(23);
      const [M, N, K] = [300, 290, 310];
      const a = filled(ctor, M * K, rand), b = filled(ctor, K * N, rand);
      const run = (t: number): FloatArray => {
        native.setNumThreads(t);
        const c = new ctor(M * N);
        native.gemm(M, N, K, 1, a, 0, K, 1, b, 0, N, 1, 0, c, 0, N);
        return c;
      };
      assert.deepEqual(run(1), run(2), `${ctor.name}: 1 and 2 threads differ`);
    }
  } finally {
    native.setNumThreads(threads);
  }
});

test("native gemm: bad arguments throw before reaching C++", { skip: skipReason }, () => {
  const a = new Float32Array(6), b = new Float32Array(6), c = new Float32Array(4);
  assert.throws(() => native.gemm(2, 2, 3, 1, a, 1, 3, 1, b, 0, 2, 1, 0, c, 0, 2), /A of sizes .* past its length 6/);
  assert.throws(() => native.gemm(2, 2, 3, 1, a, 0, 3, 1, b, 0, 2, 1, 0, c, 1, 2), /C of sizes/);
  assert.throws(() => native.gemm(2, 2, 3, 1, a, 0, 3, 1, new Float64Array(6), 0, 2, 1, 0, c, 0, 2), /Float32Array/);
  assert.throws(() => native.gemm(2, 2, 3, 1, a, 0, 3, 1, b, 0, 2, 1, 0, c, 0, 1), /overlap/);
  assert.throws(() => native.gemm(2, 2, 3, 1, a, 0, -3, 1, b, 0, 2, 1, 0, c, 0, 2), /non-negative integer/);
  assert.throws(() => native.gemm(2.5, 2, 3, 1, a, 0, 3, 1, b, 0, 2, 1, 0, c, 0, 2), /M must be/);
  const shared = new Float32Array(16);
  assert.throws(() => native.gemm(2, 2, 2, 1, shared, 0, 2, 1, b, 0, 2, 1, 0, shared, 2, 2), /overlaps an input/);
  // A subarray view's own offset counts: the same checks apply within the view.
  const view = new Float32Array(10).subarray(4);
  assert.throws(() => native.gemm(2, 2, 3, 1, view, 0, 3, 1, b, 0, 2, 1, 0, c, 1, 2), /past its length/);
  native.gemm(2, 2, 3, 1, view, 0, 3, 1, b, 0, 2, 1, 0, c, 0, 2);
});

test("native gemm: fits the kernel table's Gemm signature and matches a small product", { skip: skipReason }, () => {
  const a = Float64Array.from([1, 2, 3, 4, 5, 6]); // 2x3
  const b = Float64Array.from([7, 8, 9, 10, 11, 12]); // 3x2
  const c = new Float64Array(4);
  native.gemm(2, 2, 3, 1, a, 0, 3, 1, b, 0, 2, 1, 0, c, 0, 2);
  assert.deepEqual(Array.from(c), [58, 64, 139, 154]);
});

test("torch.mm of float tensors: transposed, strided, offset, empty and K = 0 operands, as the float64 definition", { skip: skipReason }, async () => {
  const torch = await import("../src/index.js");
  const eps = { float32: 2 ** -24, float64: 2 ** -53 } as const;
  const rowsOf = (t: InstanceType<typeof torch.Tensor>): number[][] => t.tolist() as number[][];
  for (const dtype of ["float32", "float64"] as const) {
    torch.manualSeed(3);
    const big = torch.randn([31, 40], { dtype });
    const cases: [string, InstanceType<typeof torch.Tensor>, InstanceType<typeof torch.Tensor>][] = [
      ["contiguous 13x7 @ 7x29", torch.randn([13, 7], { dtype }), torch.randn([7, 29], { dtype })],
      ["transposed @ transposed", big.narrow(0, 0, 9).t(), big.narrow(1, 3, 9).t().narrow(1, 0, 20)],
      ["offset, column-strided", big.narrow(0, 5, 20).asStrided([20, 12], [40, 3], 5 * 40 + 1), torch.randn([12, 33], { dtype })],
      ["128 rows (short last panel)", torch.randn([128, 40], { dtype }), big.t().narrow(1, 0, 31)],
      ["K = 0", torch.randn([6, 0], { dtype }), torch.randn([0, 5], { dtype })],
      ["M = 0", torch.randn([0, 4], { dtype }), torch.randn([4, 5], { dtype })],
    ];
    for (const [name, a, b] of cases) {
      const c = torch.mm(a, b);
      const [M, K] = a.shape as [number, number];
      const N = b.shape[1]!;
      assert.deepEqual(c.shape, [M, N], `${dtype} ${name}: shape`);
      assert.equal(c.dtype.name, dtype);
      const A = rowsOf(a), B = rowsOf(b), C = rowsOf(c);
      for (let i = 0; i < M; i++) {
        for (let j = 0; j < N; j++) {
          let s = 0, abs = 0;
          for (let p = 0; p < K; p++) {
            s += A[i]![p]! * B[p]![j]!;
            abs += Math.abs(A[i]![p]! * B[p]![j]!);
          }
          const tol = 2 * (K + 2) * eps[dtype] * abs;
          assert.ok(Math.abs(C[i]![j]! - s) <= tol, `${dtype} ${name}: C[${i}][${j}] = ${C[i]![j]}, want ${s}`);
        }
      }
    }
  }
});
