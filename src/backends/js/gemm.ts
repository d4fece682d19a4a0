// General matrix multiply on typed arrays, in plain JS: C = alpha * A·B + beta * C.
//
// Every operand is a strided view (offset, row stride, column stride), so transposed, sliced and
// broadcast (stride 0) operands need no copy. The large-problem path follows the Goto/BLIS
// scheme: B is packed into KC x NC panels and A into MC x KC blocks, both as float64 in one scratch
// array reused across calls; a 4x4 micro-kernel keeps its 16 accumulators in locals and walks the
// packed panels in i-k-j order. Why float64 scratch even for float32 data: V8 computes in doubles
// anyway, float64 loads skip a conversion, and the sums come out more accurate, not less.
//
// Measured on V8 (Node 20, x86-64): the loop is bound by instructions per typed-array load
// (bounds check, index sign-extension), not by flops; 4x4, 4x3 and 3x3 tiles run within noise of
// each other, while unrolling k or larger tiles lose to register spills. See bench/js-gemm.ts.
// Float32 operands go to the WebAssembly SIMD kernel (gemm-wasm.ts) where the engine has one.

import { gemmWasm } from "./gemm-wasm.js";

export type FloatArray = Float32Array | Float64Array;

/** A strided matrix operand: element (i, j) is `data[offset + i*rowStride + j*colStride]`. */
export interface MatrixView<T extends FloatArray = FloatArray> {
  readonly data: T;
  readonly offset: number;
  readonly rowStride: number;
  readonly colStride: number;
}

/** A stack of strided matrices: matrix b starts at `offset + b*batchStride` (0 broadcasts). */
export interface BatchedMatrixView<T extends FloatArray = FloatArray> extends MatrixView<T> {
  readonly batchStride: number;
}

// Tile sizes. Hot loops spell the 4 as a literal: V8 does not fold module constants there, and a
// context load in the index arithmetic costs a third of the kernel's speed.
const MR = 4;
const NR = 4;
/** Depth of a packed panel: a KC x NR slice of B (8 KiB as float64) stays in L1. */
const KC = 256;
/** Rows of A per packed block: MC x KC doubles (192 KiB) stay in L2. */
const MC = 96;
/** Columns of B per packed panel: KC x NC doubles (2 MiB) stay in L3. */
const NC = 1024;
/** Below this many multiply-adds, packing costs more than it saves (measured: the packed path
 * already wins at 8x8x8, 2.3 vs 0.9 GFLOPS). */
const SMALL_WORK = 6 * 6 * 6;

/** Where packed B panels start in PACK. */
const B_BASE = MC * KC;
/**
 * The packing scratch: an A block, then a B panel. A module-level `const` of fixed size on
 * purpose: TurboFan then folds its base address and length into the kernel as constants, which
 * removes a map check and two loads per iteration and a base computation per element (5.5 vs 4.5
 * GFLOPS measured). 2.2 MB, allocated once.
 */
const PACK = new Float64Array(B_BASE + KC * NC);
/** The 16 accumulators of a partial (edge) tile, handed from the micro-kernel to the writer. */
const edgeTile = new Float64Array(MR * NR);

/**
 * BLAS-style gemm on row-major matrices: `C = alpha * op(A) * op(B) + beta * C`, where op(X) is X
 * or its transpose, op(A) is M x K, op(B) is K x N and C is M x N.
 *
 * `lda`, `ldb`, `ldc` are the row strides (leading dimensions) of A, B, C as stored, so A stored as
 * K x M (transA) has lda >= M. `beta = 0` ignores C's old contents (NaN included), as BLAS does.
 * C must not overlap A or B. Any mix of Float32Array and Float64Array works; sums run in float64.
 */
export function gemm(
  transA: boolean, transB: boolean, M: number, N: number, K: number, alpha: number,
  A: FloatArray, aOffset: number, lda: number,
  B: FloatArray, bOffset: number, ldb: number,
  beta: number, C: FloatArray, cOffset: number, ldc: number,
): void {
  gemmStrided(
    M, N, K, alpha,
    { data: A, offset: aOffset, rowStride: transA ? 1 : lda, colStride: transA ? lda : 1 },
    { data: B, offset: bOffset, rowStride: transB ? 1 : ldb, colStride: transB ? ldb : 1 },
    beta,
    { data: C, offset: cOffset, rowStride: ldc, colStride: 1 },
  );
}

/**
 * `C = alpha * A * B + beta * C` on strided views: A is M x K, B is K x N, C is M x N.
 * Strides may be anything (negative, zero for broadcast inputs) as long as every addressed element
 * lies inside its array; C's elements must be distinct and must not overlap A or B.
 * `beta = 0` ignores C's old contents (NaN included).
 */
export function gemmStrided(
  M: number, N: number, K: number, alpha: number,
  a: MatrixView, b: MatrixView, beta: number, c: MatrixView,
): void {
  checkDims("gemm", M, N, K);
  checkView("gemm", "A", a, M, K);
  checkView("gemm", "B", b, K, N);
  checkView("gemm", "C", c, M, N);
  gemmUnchecked(M, N, K, alpha, a.data, a.offset, a.rowStride, a.colStride,
    b.data, b.offset, b.rowStride, b.colStride, beta, c.data, c.offset, c.rowStride, c.colStride);
}

/**
 * `C[i] = alpha * A[i] * B[i] + beta * C[i]` for i < batch, on stacks of strided matrices.
 * A batch stride of 0 reuses one matrix for every product (broadcasting).
 */
export function gemmBatched(
  batch: number, M: number, N: number, K: number, alpha: number,
  a: BatchedMatrixView, b: BatchedMatrixView, beta: number, c: BatchedMatrixView,
): void {
  if (!Number.isInteger(batch) || batch < 0) throw new Error(`gemmBatched: batch must be a non-negative integer, got ${batch}`);
  checkDims("gemmBatched", M, N, K);
  if (batch === 0) return;
  checkView("gemmBatched", "A", a, M, K, batch);
  checkView("gemmBatched", "B", b, K, N, batch);
  checkView("gemmBatched", "C", c, M, N, batch);
  for (let i = 0; i < batch; i++) {
    gemmUnchecked(M, N, K, alpha,
      a.data, a.offset + i * a.batchStride, a.rowStride, a.colStride,
      b.data, b.offset + i * b.batchStride, b.rowStride, b.colStride,
      beta, c.data, c.offset + i * c.batchStride, c.rowStride, c.colStride);
  }
}

function checkDims(op: string, M: number, N: number, K: number): void {
  for (const [name, v] of [["M", M], ["N", N], ["K", K]] as const) {
    if (!Number.isInteger(v) || v < 0) throw new Error(`${op}: ${name} must be a non-negative integer, got ${v}`);
  }
}

/** Checks that every element a view addresses lies inside its array. */
function checkView(op: string, name: string, v: MatrixView | BatchedMatrixView, rows: number, cols: number, batch = 1): void {
  const strides = [v.rowStride, v.colStride, "batchStride" in v ? v.batchStride : 0];
  const sizes = [rows, cols, batch];
  if (!Number.isInteger(v.offset) || strides.some((s) => !Number.isInteger(s))) {
    throw new Error(`${op}: ${name} offset and strides must be integers, got offset ${v.offset}, strides [${strides.join(", ")}]`);
  }
  if (rows === 0 || cols === 0) return;
  let lo = v.offset;
  let hi = v.offset;
  for (let d = 0; d < 3; d++) {
    const span = strides[d]! * (sizes[d]! - 1);
    if (span < 0) lo += span;
    else hi += span;
  }
  if (lo < 0 || hi >= v.data.length) {
    throw new Error(`${op}: ${name} (${batch > 1 ? `${batch} x ` : ""}${rows} x ${cols}, offset ${v.offset}, strides [${strides.slice(0, batch > 1 ? 3 : 2).join(", ")}]) reaches outside its array of ${v.data.length} elements`);
  }
}

/**
 * The kernel-table form (src/backends/kernels.ts `Gemm`): strided A and B, row-major C with row
 * stride `ldc`. Arguments are trusted, as the table's callers check shapes first.
 */
export function gemmKernel(
  M: number, N: number, K: number, alpha: number,
  A: FloatArray, aOff: number, aRs: number, aCs: number,
  B: FloatArray, bOff: number, bRs: number, bCs: number,
  beta: number, C: FloatArray, cOff: number, ldc: number,
): void {
  gemmUnchecked(M, N, K, alpha, A, aOff, aRs, aCs, B, bOff, bRs, bCs, beta, C, cOff, ldc, 1);
}

/** The worker behind every entry point; arguments are trusted. */
export function gemmUnchecked(
  M: number, N: number, K: number, alpha: number,
  A: FloatArray, aOff: number, aRs: number, aCs: number,
  B: FloatArray, bOff: number, bRs: number, bCs: number,
  beta: number, C: FloatArray, cOff: number, cRs: number, cCs: number,
): void {
  if (M === 0 || N === 0) return;
  // The SIMD kernel folds beta 0 or 1 into its write-back (one pass over C, not two).
  if (K > 0 && alpha !== 0 && N > 1 && M > 1 && (beta === 0 || beta === 1) && M * N * K > SMALL_WORK &&
    A instanceof Float32Array && B instanceof Float32Array && C instanceof Float32Array &&
    gemmWasm(M, N, K, alpha, A, aOff, aRs, aCs, B, bOff, bRs, bCs, beta, C, cOff, cRs, cCs)) return;
  scaleC(M, N, beta, C, cOff, cRs, cCs);
  if (K === 0 || alpha === 0) return;
  if (N === 1) {
    gemv(M, K, alpha, A, aOff, aRs, aCs, B, bOff, bRs, C, cOff, cRs);
  } else if ((M * N * K <= SMALL_WORK || M === 1) && Number.isFinite(alpha)) {
    // gemmSmall scales each term by alpha: an infinite alpha must scale the finished sum
    // (inf * (a - b), not inf * a - inf * b = NaN), as the blocked kernels and BLAS do.
    gemmSmall(M, N, K, alpha, A, aOff, aRs, aCs, B, bOff, bRs, bCs, C, cOff, cRs, cCs);
  } else if (!(A instanceof Float32Array && B instanceof Float32Array && C instanceof Float32Array) ||
    !gemmWasm(M, N, K, alpha, A, aOff, aRs, aCs, B, bOff, bRs, bCs, 1, C, cOff, cRs, cCs)) {
    gemmBlocked(M, N, K, alpha, A, aOff, aRs, aCs, B, bOff, bRs, bCs, C, cOff, cRs, cCs);
  }
}

/** C = beta * C, with beta = 0 writing zeros (so NaN or garbage in C does not survive). */
function scaleC(M: number, N: number, beta: number, C: FloatArray, cOff: number, cRs: number, cCs: number): void {
  if (beta === 1) return;
  for (let i = 0; i < M; i++) {
    let o = cOff + i * cRs;
    if (beta === 0) {
      if (cCs === 1) C.fill(0, o, o + N);
      else for (let j = 0; j < N; j++, o += cCs) C[o] = 0;
    } else {
      for (let j = 0; j < N; j++, o += cCs) C[o] = beta * C[o]!;
    }
  }
}

/** Matrix-vector: each output is a dot product accumulated in a local. */
function gemv(
  M: number, K: number, alpha: number,
  A: FloatArray, aOff: number, aRs: number, aCs: number,
  B: FloatArray, bOff: number, bRs: number,
  C: FloatArray, cOff: number, cRs: number,
): void {
  for (let i = 0; i < M; i++) {
    let ao = aOff + i * aRs;
    let bo = bOff;
    let sum = 0;
    for (let p = 0; p < K; p++, ao += aCs, bo += bRs) sum += A[ao]! * B[bo]!;
    C[cOff + i * cRs] += alpha * sum;
  }
}

/** Direct i-k-j loops for problems too small to repay packing. */
function gemmSmall(
  M: number, N: number, K: number, alpha: number,
  A: FloatArray, aOff: number, aRs: number, aCs: number,
  B: FloatArray, bOff: number, bRs: number, bCs: number,
  C: FloatArray, cOff: number, cRs: number, cCs: number,
): void {
  for (let i = 0; i < M; i++) {
    const ci = cOff + i * cRs;
    for (let p = 0; p < K; p++) {
      const a = alpha * A[aOff + i * aRs + p * aCs]!;
      let bo = bOff + p * bRs;
      let co = ci;
      for (let j = 0; j < N; j++, bo += bCs, co += cCs) C[co] += a * B[bo]!;
    }
  }
}

function gemmBlocked(
  M: number, N: number, K: number, alpha: number,
  A: FloatArray, aOff: number, aRs: number, aCs: number,
  B: FloatArray, bOff: number, bRs: number, bCs: number,
  C: FloatArray, cOff: number, cRs: number, cCs: number,
): void {
  for (let jc = 0; jc < N; jc += NC) {
    const nc = Math.min(NC, N - jc);
    for (let pc = 0; pc < K; pc += KC) {
      const kc = Math.min(KC, K - pc);
      packB(B, bOff + pc * bRs + jc * bCs, bRs, bCs, kc, nc);
      for (let ic = 0; ic < M; ic += MC) {
        const mc = Math.min(MC, M - ic);
        packA(A, aOff + ic * aRs + pc * aCs, aRs, aCs, mc, kc);
        for (let jr = 0; jr < nc; jr += NR) {
          const nr = Math.min(NR, nc - jr);
          const bi = B_BASE + jr * kc;
          for (let ir = 0; ir < mc; ir += MR) {
            const mr = Math.min(MR, mc - ir);
            const ci = cOff + (ic + ir) * cRs + (jc + jr) * cCs;
            if (mr === MR && nr === NR) {
              kernel4x4(kc, ir * kc, bi, alpha, C, ci, cRs, cCs);
            } else {
              edgeTile.fill(0);
              kernel4x4(kc, ir * kc, bi, 1, edgeTile, 0, NR, 1);
              writeEdge(mr, nr, alpha, C, ci, cRs, cCs);
            }
          }
        }
      }
    }
  }
}

/** Packs an mc x kc block of A as MR-row slivers (column by column), zero-padding the last. */
function packA(A: FloatArray, off: number, rs: number, cs: number, mc: number, kc: number): void {
  const P = PACK;
  let o = 0;
  for (let ir = 0; ir < mc; ir += MR) {
    const rows = Math.min(MR, mc - ir);
    const base = off + ir * rs;
    if (rows === MR) {
      const r1 = rs, r2 = 2 * rs, r3 = 3 * rs;
      for (let p = 0, s = base; p < kc; p++, s += cs) {
        P[o] = A[s]!;
        P[o + 1] = A[s + r1]!;
        P[o + 2] = A[s + r2]!;
        P[o + 3] = A[s + r3]!;
        o += 4;
      }
    } else {
      for (let p = 0; p < kc; p++) {
        for (let i = 0; i < 4; i++) P[o + i] = i < rows ? A[base + i * rs + p * cs]! : 0;
        o += 4;
      }
    }
  }
}

/** Packs a kc x nc panel of B as NR-column slivers (row by row), zero-padding the last. */
function packB(B: FloatArray, off: number, rs: number, cs: number, kc: number, nc: number): void {
  const P = PACK;
  let o = B_BASE;
  for (let jr = 0; jr < nc; jr += NR) {
    const cols = Math.min(NR, nc - jr);
    const base = off + jr * cs;
    if (cols === NR) {
      const c1 = cs, c2 = 2 * cs, c3 = 3 * cs;
      for (let p = 0, s = base; p < kc; p++, s += rs) {
        P[o] = B[s]!;
        P[o + 1] = B[s + c1]!;
        P[o + 2] = B[s + c2]!;
        P[o + 3] = B[s + c3]!;
        o += 4;
      }
    } else {
      for (let p = 0; p < kc; p++) {
        for (let j = 0; j < 4; j++) P[o + j] = j < cols ? B[base + p * rs + j * cs]! : 0;
        o += 4;
      }
    }
  }
}

function writeEdge(mr: number, nr: number, alpha: number, C: FloatArray, ci: number, cRs: number, cCs: number): void {
  for (let i = 0; i < mr; i++) {
    for (let j = 0; j < nr; j++) C[ci + i * cRs + j * cCs] += alpha * edgeTile[i * NR + j]!;
  }
}

/**
 * The 4x4 micro-kernel: C[ci..] += alpha * (A sliver at ai) · (B sliver at bi), both in PACK.
 * Indices are kept int32 (`| 0`) so V8 emits plain 32-bit adds without overflow checks.
 */
function kernel4x4(
  kc: number, ai: number, bi: number,
  alpha: number, C: FloatArray, ci: number, cRs: number, cCs: number,
): void {
  const P = PACK;
  let c00 = 0, c01 = 0, c02 = 0, c03 = 0;
  let c10 = 0, c11 = 0, c12 = 0, c13 = 0;
  let c20 = 0, c21 = 0, c22 = 0, c23 = 0;
  let c30 = 0, c31 = 0, c32 = 0, c33 = 0;
  ai |= 0;
  bi |= 0;
  const end = (ai + 4 * kc) | 0;
  while (ai < end) {
    const b0 = P[bi]!, b1 = P[(bi + 1) | 0]!, b2 = P[(bi + 2) | 0]!, b3 = P[(bi + 3) | 0]!;
    let a = P[ai]!;
    c00 += a * b0; c01 += a * b1; c02 += a * b2; c03 += a * b3;
    a = P[(ai + 1) | 0]!;
    c10 += a * b0; c11 += a * b1; c12 += a * b2; c13 += a * b3;
    a = P[(ai + 2) | 0]!;
    c20 += a * b0; c21 += a * b1; c22 += a * b2; c23 += a * b3;
    a = P[(ai + 3) | 0]!;
    c30 += a * b0; c31 += a * b1; c32 += a * b2; c33 += a * b3;
    ai = (ai + 4) | 0;
    bi = (bi + 4) | 0;
  }
  const j1 = cCs, j2 = 2 * cCs, j3 = 3 * cCs;
  C[ci] += alpha * c00; C[ci + j1] += alpha * c01; C[ci + j2] += alpha * c02; C[ci + j3] += alpha * c03;
  ci += cRs;
  C[ci] += alpha * c10; C[ci + j1] += alpha * c11; C[ci + j2] += alpha * c12; C[ci + j3] += alpha * c13;
  ci += cRs;
  C[ci] += alpha * c20; C[ci + j1] += alpha * c21; C[ci + j2] += alpha * c22; C[ci + j3] += alpha * c23;
  ci += cRs;
  C[ci] += alpha * c30; C[ci + j1] += alpha * c31; C[ci + j2] += alpha * c32; C[ci + j3] += alpha * c33;
}
