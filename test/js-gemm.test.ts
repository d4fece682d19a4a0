import { test } from "node:test";
import assert from "node:assert/strict";
import { gemm, gemmBatched, gemmStrided, type FloatArray, type MatrixView } from "../src/backends/js/gemm.js";
import { setWasmGemm, wasmGemmActive } from "../src/backends/js/gemm-wasm.js";

type Ctor = Float32ArrayConstructor | Float64ArrayConstructor;

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 4294967296 - 0.5;
  };
}

function filled(ctor: Ctor, n: number, rand: () => number): FloatArray {
  const a = new ctor(n);
  for (let i = 0; i < n; i++) a[i] = rand();
  return a;
}

function at(v: MatrixView, i: number, j: number): number {
  return v.data[v.offset + i * v.rowStride + j * v.colStride]!;
}

/** C = alpha*A*B + beta*C by the definition, in float64. */
function reference(M: number, N: number, K: number, alpha: number, a: MatrixView, b: MatrixView, beta: number, c: MatrixView): Float64Array {
  const out = new Float64Array(M * N);
  for (let i = 0; i < M; i++) {
    for (let j = 0; j < N; j++) {
      let s = 0;
      for (let p = 0; p < K; p++) s += at(a, i, p) * at(b, p, j);
      out[i * N + j] = alpha * s + (beta === 0 ? 0 : beta * at(c, i, j));
    }
  }
  return out;
}

function assertClose(c: MatrixView, expected: Float64Array, M: number, N: number, K: number, what: string): void {
  const tol = c.data instanceof Float32Array ? 2e-6 * Math.max(1, K) : 1e-12 * Math.max(1, K);
  for (let i = 0; i < M; i++) {
    for (let j = 0; j < N; j++) {
      const got = at(c, i, j), want = expected[i * N + j]!;
      if (!(Math.abs(got - want) <= tol * (1 + Math.abs(want)))) {
        assert.fail(`${what}: C[${i}][${j}] = ${got}, expected ${want}`);
      }
    }
  }
}

const shapes: [number, number, number][] = [
  [1, 1, 1], [1, 7, 5], [7, 1, 5], [5, 6, 1], [3, 3, 0], [4, 4, 4], [5, 7, 9], [8, 8, 8],
  [13, 17, 19], [31, 33, 29], [64, 64, 64], [97, 5, 300], [5, 97, 300], [130, 67, 260], [2, 1030, 3],
];

for (const ctor of [Float32Array, Float64Array] as const) {
  test(`gemm ${ctor.name}: every transpose combination and shape matches the definition`, () => {
    const rand = rng(1);
    for (const [M, N, K] of shapes) {
      for (const transA of [false, true]) {
        for (const transB of [false, true]) {
          // Leading dimensions larger than needed, and offsets, as for sliced matrices.
          const lda = (transA ? M : K) + 3, ldb = (transB ? K : N) + 1, ldc = N + 2;
          const A = filled(ctor, 2 + (transA ? K : M) * lda, rand);
          const B = filled(ctor, 5 + (transB ? N : K) * ldb, rand);
          const C = filled(ctor, 1 + M * ldc, rand);
          const a: MatrixView = { data: A, offset: 2, rowStride: transA ? 1 : lda, colStride: transA ? lda : 1 };
          const b: MatrixView = { data: B, offset: 5, rowStride: transB ? 1 : ldb, colStride: transB ? ldb : 1 };
          const c: MatrixView = { data: C, offset: 1, rowStride: ldc, colStride: 1 };
          for (const [alpha, beta] of [[1, 0], [0.5, 1], [-2, 0.25]] as const) {
            const expected = reference(M, N, K, alpha, a, b, beta, c);
            gemm(transA, transB, M, N, K, alpha, A, 2, lda, B, 5, ldb, beta, C, 1, ldc);
            assertClose(c, expected, M, N, K, `${M}x${N}x${K} tA=${transA} tB=${transB} alpha=${alpha} beta=${beta}`);
          }
        }
      }
    }
  });
}

test("gemm float32: the WebAssembly SIMD kernel is active on Node and agrees with the scalar kernel across block edges", () => {
  assert.equal(wasmGemmActive(), true, "Node has WebAssembly SIMD: the float32 gemm should use it");
  const rand = rng(7);
  try {
    for (const useWasm of [true, false]) {
      assert.equal(setWasmGemm(useWasm), useWasm);
      // Past KC (256), MC (96) and NC (1024) of the blocking, with ragged edges.
      for (const [M, N, K] of [[97, 1031, 257], [6, 9, 513], [193, 11, 3]] as const) {
        for (const transA of [false, true]) {
          const lda = (transA ? M : K) + 1, ldb = N + 3, ldc = N + 1;
          const A = filled(Float32Array, 1 + (transA ? K : M) * lda, rand);
          const B = filled(Float32Array, K * ldb, rand);
          const C = filled(Float32Array, M * ldc, rand);
          const a: MatrixView = { data: A, offset: 1, rowStride: transA ? 1 : lda, colStride: transA ? lda : 1 };
          const b: MatrixView = { data: B, offset: 0, rowStride: ldb, colStride: 1 };
          const c: MatrixView = { data: C, offset: 0, rowStride: ldc, colStride: 1 };
          const expected = reference(M, N, K, 0.75, a, b, 0.5, c);
          gemm(transA, false, M, N, K, 0.75, A, 1, lda, B, 0, ldb, 0.5, C, 0, ldc);
          assertClose(c, expected, M, N, K, `${useWasm ? "wasm" : "scalar"} ${M}x${N}x${K} tA=${transA}`);
        }
      }
    }
  } finally {
    setWasmGemm(true);
  }
});

test("gemm float32 SIMD kernel: beta 0 (C's NaN ignored) and 1 folded into the write-back, transposed B, strided C", () => {
  assert.equal(wasmGemmActive(), true);
  const rand = rng(11);
  // Past KC (256) and MC (96), ragged 8-column and 4-row edges.
  for (const [M, N, K] of [[97, 29, 300], [5, 259, 17], [64, 288, 196]] as const) {
    for (const transB of [false, true]) {
      for (const [alpha, beta] of [[1, 0], [0.75, 0], [1, 1], [-1.5, 1]] as const) {
        for (const cColMajor of [false, true]) {
          const ldb = (transB ? K : N) + 2;
          const A = filled(Float32Array, M * K, rand), B = filled(Float32Array, (transB ? N : K) * ldb, rand);
          const C = filled(Float32Array, M * N, rand);
          if (beta === 0) C.fill(NaN);
          const a: MatrixView = { data: A, offset: 0, rowStride: K, colStride: 1 };
          const b: MatrixView = { data: B, offset: 0, rowStride: transB ? 1 : ldb, colStride: transB ? ldb : 1 };
          const c: MatrixView = { data: C, offset: 0, rowStride: cColMajor ? 1 : N, colStride: cColMajor ? M : 1 };
          const expected = reference(M, N, K, alpha, a, b, beta, c);
          gemmStrided(M, N, K, alpha, a, b, beta, c);
          assertClose(c, expected, M, N, K, `${M}x${N}x${K} transB=${transB} alpha=${alpha} beta=${beta} colMajorC=${cColMajor}`);
        }
      }
    }
  }
});

test("gemmStrided: column-major C, negative and zero strides, mixed dtypes", () => {
  const rand = rng(2);
  for (const [M, N, K] of [[6, 5, 7], [33, 21, 45], [70, 70, 70]] as const) {
    const A = filled(Float32Array, M * K, rand), B = filled(Float64Array, K * N, rand);
    // A read backwards along rows; B's rows all equal its first row (stride 0, as broadcasting makes).
    const a: MatrixView = { data: A, offset: (M - 1) * K, rowStride: -K, colStride: 1 };
    const b: MatrixView = { data: B, offset: 0, rowStride: 0, colStride: 1 };
    const C = new Float64Array(M * N);
    const c: MatrixView = { data: C, offset: 0, rowStride: 1, colStride: M };
    const expected = reference(M, N, K, 1, a, b, 0, c);
    gemmStrided(M, N, K, 1, a, b, 0, c);
    assertClose(c, expected, M, N, K, `${M}x${N}x${K} strided`);
  }
});

test("gemm: beta = 0 ignores NaN in C; alpha = 0 or K = 0 only scales C", () => {
  const A = new Float64Array(20 * 20).fill(1), B = new Float64Array(20 * 20).fill(1);
  const C = new Float64Array(20 * 20).fill(NaN);
  gemm(false, false, 20, 20, 20, 1, A, 0, 20, B, 0, 20, 0, C, 0, 20);
  assert.ok(C.every((v) => v === 20));
  gemm(false, false, 20, 20, 20, 0, A, 0, 20, B, 0, 20, 0.5, C, 0, 20);
  assert.ok(C.every((v) => v === 10));
  gemm(false, false, 20, 20, 0, 1, A, 0, 20, B, 0, 20, 2, C, 0, 20);
  assert.ok(C.every((v) => v === 20));
  const D = new Float32Array(4).fill(NaN);
  gemm(false, false, 2, 2, 0, 1, A, 0, 1, B, 0, 2, 0, D, 0, 2);
  assert.deepEqual([...D], [0, 0, 0, 0]);
});

test("gemm: NaN and Inf in A or B propagate", () => {
  for (const n of [3, 40]) {
    const A = new Float64Array(n * n).fill(1), B = new Float64Array(n * n).fill(1), C = new Float64Array(n * n);
    A[0] = NaN;
    B[n * n - 1] = Infinity;
    gemm(false, false, n, n, n, 1, A, 0, n, B, 0, n, 0, C, 0, n);
    assert.ok(Number.isNaN(C[0]));
    assert.equal(C[n * n - 1], Infinity);
    assert.equal(C[n], n);
  }
});

test("gemmBatched: batch strides, broadcast operand (stride 0), empty batch", () => {
  const rand = rng(3);
  const batch = 3, M = 9, N = 11, K = 13;
  const A = filled(Float32Array, batch * M * K, rand), B = filled(Float32Array, K * N, rand);
  const C = new Float32Array(batch * M * N);
  gemmBatched(batch, M, N, K, 1,
    { data: A, offset: 0, batchStride: M * K, rowStride: K, colStride: 1 },
    { data: B, offset: 0, batchStride: 0, rowStride: N, colStride: 1 },
    0, { data: C, offset: 0, batchStride: M * N, rowStride: N, colStride: 1 });
  for (let i = 0; i < batch; i++) {
    const a: MatrixView = { data: A, offset: i * M * K, rowStride: K, colStride: 1 };
    const b: MatrixView = { data: B, offset: 0, rowStride: N, colStride: 1 };
    const c: MatrixView = { data: C, offset: i * M * N, rowStride: N, colStride: 1 };
    assertClose(c, reference(M, N, K, 1, a, b, 0, c), M, N, K, `batch ${i}`);
  }
  const empty = new Float32Array(0);
  gemmBatched(0, M, N, K, 1,
    { data: empty, offset: 0, batchStride: 0, rowStride: K, colStride: 1 },
    { data: empty, offset: 0, batchStride: 0, rowStride: N, colStride: 1 },
    0, { data: empty, offset: 0, batchStride: 0, rowStride: N, colStride: 1 });
});

test("gemm: rejects views that reach outside their arrays and bad sizes", () => {
  const A = new Float32Array(6), B = new Float32Array(6), C = new Float32Array(4);
  assert.throws(() => gemm(false, false, 2, 2, 3, 1, A, 0, 3, B, 0, 2, 0, C, 1, 2), /gemm: C \(2 x 2, offset 1, strides \[2, 1\]\) reaches outside its array of 4 elements/);
  assert.throws(() => gemm(false, false, 2, 2, 4, 1, A, 0, 4, B, 0, 2, 0, C, 0, 2), /gemm: A .* reaches outside/);
  assert.throws(() => gemm(false, false, -1, 2, 3, 1, A, 0, 3, B, 0, 2, 0, C, 0, 2), /gemm: M must be a non-negative integer, got -1/);
  assert.throws(() => gemmStrided(2, 2, 3, 1, { data: A, offset: 0.5, rowStride: 3, colStride: 1 },
    { data: B, offset: 0, rowStride: 2, colStride: 1 }, 0, { data: C, offset: 0, rowStride: 2, colStride: 1 }), /integers/);
});

test("gemmKernel: the kernel table's signature (strided A and B, row-major C)", async () => {
  const { gemmKernel } = await import("../src/backends/js/gemm.js");
  const { referenceGemm } = await import("../src/backends/kernels.js");
  const rand = rng(4);
  const M = 37, N = 29, K = 41;
  const A = filled(Float64Array, M * K, rand), B = filled(Float64Array, K * N, rand);
  const C1 = filled(Float64Array, M * (N + 3), rand), C2 = Float64Array.from(C1);
  // A read transposed, B with a row stride larger than N.
  gemmKernel(M, N, K, 0.5, A, 0, 1, M, B, 0, N, 1, 2, C1, 0, N + 3);
  referenceGemm(M, N, K, 0.5, A, 0, 1, M, B, 0, N, 1, 2, C2, 0, N + 3);
  for (let i = 0; i < C1.length; i++) assert.ok(Math.abs(C1[i]! - C2[i]!) < 1e-10);
});
