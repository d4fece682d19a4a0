// The WebGPU kernels against plain JS references on small random inputs (float32 tolerance).
// Runs on whatever adapter Dawn finds: a GPU, Mesa's lavapipe, or Dawn's GLES backend (CI uses
// the CPU adapters that scripts/webgpu-setup.sh installs); skipped when there is none.

import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import * as wg from "../src/backends/webgpu/index.js";
import type { GpuContext, GpuTensor } from "../src/backends/webgpu/index.js";
import { rng } from "./support/random.js";

let reason = "";
const ctx: GpuContext | null = await wg.requestDevice().catch((e: unknown) => {
  reason = e instanceof Error ? e.message : String(e);
  return null;
});
const skip = ctx ? false : `no WebGPU adapter here (${reason}); run scripts/webgpu-setup.sh to install a CPU adapter`;
if (ctx) console.log(`# webgpu adapter: ${ctx.describe()}`);

after(() => ctx?.destroy());

// ---- helpers -----------------------------------------------------------------------------------

const rand = rng(1234);
function randn(n: number, scale = 1): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = (rand() * 2 - 1) * scale;
  return a;
}
function randint(n: number, lo: number, hi: number): Int32Array {
  const a = new Int32Array(n);
  for (let i = 0; i < n; i++) a[i] = lo + Math.floor(rand() * (hi - lo));
  return a;
}
const prod = (s: readonly number[]): number => s.reduce((a, b) => a * b, 1);

function up(data: Float32Array | Int32Array | Uint8Array, shape: readonly number[]): GpuTensor {
  return wg.upload(ctx!, data, shape);
}
async function get(t: GpuTensor): Promise<number[]> {
  return Array.from(await wg.download(t));
}
function close(actual: ArrayLike<number>, expected: ArrayLike<number>, tol = 1e-4, what = ""): void {
  assert.equal(actual.length, expected.length, `${what}: length ${actual.length} vs ${expected.length}`);
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i]!, e = expected[i]!;
    if (Number.isNaN(e)) { assert.ok(Number.isNaN(a), `${what}[${i}]: expected NaN, got ${a}`); continue; }
    if (!Number.isFinite(e)) { assert.equal(a, e, `${what}[${i}]`); continue; }
    assert.ok(Math.abs(a - e) <= tol * (1 + Math.abs(e)), `${what}[${i}]: ${a} vs ${e}`);
  }
}
/** Values of a host array read through (shape, strides, offset). */
function strided(data: ArrayLike<number>, shape: readonly number[], strides: readonly number[], offset = 0): number[] {
  const out: number[] = [];
  const idx = new Array<number>(shape.length).fill(0);
  const n = prod(shape);
  for (let k = 0; k < n; k++) {
    let o = offset;
    for (let d = 0; d < shape.length; d++) o += idx[d]! * strides[d]!;
    out.push(data[o]!);
    for (let d = shape.length - 1; d >= 0; d--) { if (++idx[d]! < shape[d]!) break; idx[d] = 0; }
  }
  return out;
}
function bstrides(shape: readonly number[], out: readonly number[]): number[] {
  const st = wg.contiguousStrides(shape), off = out.length - shape.length;
  return out.map((s, i) => (i < off || shape[i - off] === 1 ? 0 : st[i - off]!));
}
const f32 = (x: number): number => Math.fround(x);

// ---- tests -------------------------------------------------------------------------------------

describe("webgpu kernels", { skip, timeout: process.env["TORCH_TS_WEBGPU_FULL_TESTS"] === "1" ? 1_800_000 : 120_000 }, () => {
  test("buffer pool: size classes, reuse, stats, release", () => {
    assert.equal(wg.sizeClass(1), 256);
    assert.equal(wg.sizeClass(300), 512);
    assert.equal(wg.sizeClass((1 << 20) + 1), (1 << 20) * 1.25);
    const pool = ctx!.pool;
    const before = pool.memoryAllocated();
    const a = pool.acquire(1000);
    assert.equal(a.capacity, 1024);
    assert.equal(pool.memoryAllocated(), before + 1024);
    a.retain();
    a.release();
    assert.equal(pool.memoryAllocated(), before + 1024, "still referenced");
    const raw = a.raw;
    a.release();
    assert.equal(pool.memoryAllocated(), before);
    assert.throws(() => a.raw, /after its last reference/);
    assert.throws(() => a.release(), /already released/);
    const b = pool.acquire(900);
    assert.equal(b.raw, raw, "the freed buffer of the same class is reused");
    {
      using c = pool.acquire(5000);
      assert.equal(c.refCount, 1);
    }
    b.release();
    assert.equal(pool.memoryAllocated(), before);
    const reserved = pool.memoryReserved();
    pool.emptyCache();
    assert.ok(pool.memoryReserved() < reserved);
  });

  test("upload / download: float32, int32, bool, strided views", async () => {
    const f = randn(12);
    assert.deepEqual(await get(up(f, [3, 4])), Array.from(f));
    const i = Int32Array.from([1, -2, 3, 2147483647]);
    assert.deepEqual(await get(up(i, [4])), Array.from(i));
    const b = Uint8Array.from([1, 0, 1, 1]);
    const bt = up(b, [4]);
    assert.equal(bt.dtype, "bool");
    assert.deepEqual(await get(bt), [1, 0, 1, 1]);
    const t = up(f, [3, 4]);
    const tr = wg.restride(t, [4, 3], [1, 4]);
    assert.deepEqual(await get(tr), strided(f, [4, 3], [1, 4]));
    const sl = wg.restride(t, [2, 2], [4, 2], 5);
    assert.deepEqual(await get(sl), strided(f, [2, 2], [4, 2], 5));
    assert.equal(await wg.item(wg.restride(t, [], [], 7)), f[7]);
    assert.throws(() => wg.upload(ctx!, f, [5]), /needs 5 elements/);
    assert.throws(() => wg.restride(t, [4, 4], [4, 1]), /beyond a buffer/);
  });

  const unaryRefs: [wg.PointwiseOpName, (x: number) => number, number?][] = [
    ["neg", (x) => -x], ["abs", Math.abs], ["exp", Math.exp], ["log", (x) => Math.log(Math.abs(x) + 0.1), 0],
    ["sqrt", (x) => Math.sqrt(Math.abs(x)), 0], ["sin", Math.sin], ["cos", Math.cos], ["tanh", Math.tanh],
    ["sigmoid", (x) => 1 / (1 + Math.exp(-x))], ["relu", (x) => Math.max(x, 0)], ["floor", Math.floor],
    ["ceil", Math.ceil], ["trunc", Math.trunc], ["square", (x) => x * x], ["expm1", Math.expm1], ["log1p", (x) => Math.log1p(Math.abs(x)), 0],
    ["gelu", (x) => 0.5 * x * (1 + erf(x / Math.SQRT2))], ["silu", (x) => x / (1 + Math.exp(-x))],
    ["gelu_tanh", (x) => 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x ** 3)))],
    ["sign", Math.sign], ["rsqrt", (x) => 1 / Math.sqrt(Math.abs(x)), 0], ["reciprocal", (x) => 1 / x],
  ];
  test("pointwise unary float32 ops (vec4 and scalar paths)", async () => {
    for (const n of [16, 7]) {
      const x = randn(n, 3);
      for (const [name, f, positive] of unaryRefs) {
        const xin = positive === 0 ? x.map((v) => (name === "log" ? Math.abs(v) + 0.1 : Math.abs(v))) : x;
        const r = wg.pointwise(name, [up(xin, [n])]);
        close(await get(r), Array.from(x, (v) => f(v)), 2e-4, `${name} n=${n}`);
      }
    }
  });

  test("pointwise with parameters: add alpha, leaky_relu, clamp, softplus, pow", async () => {
    const x = randn(10, 3), y = randn(10, 3);
    close(await get(wg.pointwise("add", [up(x, [10]), up(y, [10])], { params: [2.5] })), Array.from(x, (v, i) => v + 2.5 * y[i]!), 1e-5, "add alpha");
    close(await get(wg.pointwise("leaky_relu", [up(x, [10])], { params: [0.2] })), Array.from(x, (v) => (v > 0 ? v : 0.2 * v)), 1e-6, "leaky");
    close(await get(wg.pointwise("clamp", [up(x, [10])], { params: [-1, 0.5] })), Array.from(x, (v) => Math.min(Math.max(v, -1), 0.5)), 0, "clamp");
    close(await get(wg.pointwise("softplus", [up(x, [10])])), Array.from(x, (v) => Math.log1p(Math.exp(v))), 1e-5, "softplus");
    const base = Float32Array.from([-2, -2, 0, 0, 3, 1.5, -1.5, 2]);
    const ex = Float32Array.from([3, 2, 0, -1, 0.5, 2, 0.5, -2]);
    close(await get(wg.pointwise("pow", [up(base, [8]), up(ex, [8])])), Array.from(base, (b, i) => b ** ex[i]!), 1e-5, "pow");
    const ib = Int32Array.from([2, -3, 5, 1, -1, 0]), ie = Int32Array.from([10, 3, 0, -2, -3, 4]);
    assert.deepEqual(await get(wg.pointwise("pow", [up(ib, [6]), up(ie, [6])])), [1024, -27, 1, 1, -1, 0]);
  });

  test("pointwise binary ops broadcast over strided inputs", async () => {
    const A = randn(2 * 3 * 4), B = randn(3 * 1);
    const a = up(A, [2, 3, 4]), b = up(B, [3, 1]);
    const sum = wg.pointwise("add", [a, b]);
    assert.deepEqual(sum.shape, [2, 3, 4]);
    const ea = strided(A, [2, 3, 4], [12, 4, 1]), eb = strided(B, [2, 3, 4], bstrides([3, 1], [2, 3, 4]));
    close(await get(sum), ea.map((v, i) => v + eb[i]!), 1e-6, "add");
    // a transposed view times itself transposed the other way
    const at = wg.restride(a, [4, 3, 2], [1, 4, 12]);
    const prodT = wg.pointwise("mul", [at, at]);
    close(await get(prodT), strided(A, [4, 3, 2], [1, 4, 12]).map((v) => f32(v * v)), 1e-6, "mul strided");
    close(await get(wg.pointwise("maximum", [a, b])), ea.map((v, i) => Math.max(v, eb[i]!)), 0, "maximum");
    close(await get(wg.pointwise("div", [a, b])), ea.map((v, i) => v / eb[i]!), 1e-5, "div");
    close(await get(wg.pointwise("atan2", [a, b])), ea.map((v, i) => Math.atan2(v, eb[i]!)), 1e-5, "atan2");
    close(await get(wg.pointwise("remainder", [a, b])), ea.map((v, i) => v - Math.floor(v / eb[i]!) * eb[i]!), 1e-4, "remainder");
    assert.throws(() => wg.pointwise("add", [a, up(randn(5), [5])]), /The size of tensor a \(4\) must match the size of tensor b \(5\) at non-singleton dimension 2/);
  });

  test("pointwise int32 and bool: arithmetic, comparisons, logic, where, casts", async () => {
    const A = randint(12, -20, 20), B = randint(12, 1, 7);
    const a = up(A, [12]), b = up(B, [12]);
    assert.deepEqual(await get(wg.pointwise("add", [a, b])), Array.from(A, (v, i) => v + B[i]!));
    assert.deepEqual(await get(wg.pointwise("mul", [a, b])), Array.from(A, (v, i) => v * B[i]!));
    assert.deepEqual(await get(wg.pointwise("floor_divide", [a, b])), Array.from(A, (v, i) => Math.floor(v / B[i]!)));
    assert.deepEqual(await get(wg.pointwise("remainder", [a, b])), Array.from(A, (v, i) => ((v % B[i]!) + B[i]!) % B[i]!));
    const lt = wg.pointwise("lt", [a, b]);
    assert.equal(lt.dtype, "bool");
    assert.deepEqual(await get(lt), Array.from(A, (v, i) => (v < B[i]! ? 1 : 0)));
    const ge = wg.pointwise("ge", [a, b]);
    assert.deepEqual(await get(wg.pointwise("logical_and", [lt, ge])), new Array(12).fill(0));
    assert.deepEqual(await get(wg.pointwise("logical_or", [lt, ge])), new Array(12).fill(1));
    assert.deepEqual(await get(wg.pointwise("logical_not", [lt])), Array.from(A, (v, i) => (v < B[i]! ? 0 : 1)));
    const X = randn(12), Y = randn(12);
    const w = wg.pointwise("where", [lt, up(X, [12]), up(Y, [12])]);
    close(await get(w), Array.from(X, (v, i) => (A[i]! < B[i]! ? v : Y[i]!)), 0, "where");
    // mixed dtypes: int32 + float32 computes in float32
    close(await get(wg.pointwise("add", [a, up(X, [12])])), Array.from(X, (v, i) => A[i]! + v), 1e-6, "int+float");
    // casts
    assert.deepEqual(await get(wg.contiguous(up(Float32Array.from([-1.7, 2.9, 0]), [3]), "int32")), [-1, 2, 0]);
    assert.deepEqual(await get(wg.contiguous(up(Float32Array.from([-1.7, 0, 3]), [3]), "bool")), [1, 0, 1]);
    assert.deepEqual(await get(wg.contiguous(lt, "float32")), Array.from(A, (v, i) => (v < B[i]! ? 1 : 0)));
    assert.throws(() => wg.pointwise("exp", [a], { computeDtype: "int32" }), /not implemented for compute dtype int32/);
  });

  test("pointwise into out: in place, strided destination, fill", async () => {
    const X = randn(8), Y = randn(8);
    const x = up(X, [8]), y = up(Y, [8]);
    wg.pointwise("add", [x, y], { out: x });
    close(await get(x), Array.from(X, (v, i) => v + Y[i]!), 1e-6, "add_");
    const dst = wg.full(ctx!, [4, 4], 0);
    wg.copyInto(wg.restride(dst, [4], [5], 0), up(Float32Array.from([1, 2, 3, 4]), [4]));
    assert.deepEqual(await get(dst), [1, 0, 0, 0, 0, 2, 0, 0, 0, 0, 3, 0, 0, 0, 0, 4]);
    assert.deepEqual(await get(wg.full(ctx!, [3], 7, "int32")), [7, 7, 7]);
    wg.fillInto(wg.restride(dst, [4], [4], 1), -1);
    assert.deepEqual((await get(dst)).filter((_, i) => i % 4 === 1), [-1, -1, -1, -1]);
    assert.throws(() => wg.pointwise("add", [x, y], { out: wg.restride(x, [2, 4], [0, 1]) }), /out has shape/);
  });

  test("reductions over one dim, several dims and all", async () => {
    const shape = [3, 5, 4];
    const X = randn(60);
    const x = up(X, shape);
    const ref = (dims: number[], f: (vs: number[]) => number): number[] => {
      const kept = shape.map((_, i) => i).filter((i) => !dims.includes(i));
      const out: number[] = [];
      const ks = kept.map((i) => shape[i]!);
      for (let o = 0; o < prod(ks); o++) {
        const vs: number[] = [];
        for (let e = 0; e < 60; e++) {
          const c = [Math.floor(e / 20), Math.floor(e / 4) % 5, e % 4];
          let ok = true, r = o;
          for (let k = kept.length - 1; k >= 0; k--) { if (c[kept[k]!] !== r % ks[k]!) ok = false; r = Math.floor(r / ks[k]!); }
          if (ok) vs.push(X[e]!);
        }
        out.push(f(vs));
      }
      return out;
    };
    const s = (vs: number[]): number => vs.reduce((a, b) => a + b, 0);
    for (const dims of [[0], [1], [2], [0, 2], [1, 2], [0, 1, 2]]) {
      close(await get(wg.sum(x, dims)), ref(dims, s), 1e-5, `sum ${dims}`);
      close(await get(wg.mean(x, dims)), ref(dims, (vs) => s(vs) / vs.length), 1e-5, `mean ${dims}`);
      close(await get(wg.amax(x, dims)), ref(dims, (vs) => Math.max(...vs)), 0, `max ${dims}`);
      close(await get(wg.amin(x, dims)), ref(dims, (vs) => Math.min(...vs)), 0, `min ${dims}`);
    }
    close(await get(wg.reduce("prod", x, [2])), ref([2], (vs) => vs.reduce((a, b) => a * b, 1)), 1e-5, "prod");
    assert.deepEqual(wg.sum(x, [1], true).shape, [3, 1, 4]);
    assert.deepEqual(wg.sum(x).shape, []);
    const mi = wg.reduceWithIndices("max", x, 1);
    const vals = await get(mi.values), idx = await get(mi.indices);
    for (let o = 0; o < 12; o++) {
      const [i, k] = [Math.floor(o / 4), o % 4];
      const col = [0, 1, 2, 3, 4].map((j) => X[i * 20 + j * 4 + k]!);
      assert.equal(vals[o], Math.max(...col));
      assert.equal(idx[o], col.indexOf(Math.max(...col)));
    }
    // a transposed view
    const xt = wg.restride(x, [4, 5, 3], [1, 4, 20]);
    close(await get(wg.sum(xt, [2])), ref([0], s).map((_, o) => ref([0], s)[(o % 5) * 4 + Math.floor(o / 5)]!), 1e-5, "sum strided");
    assert.throws(() => wg.sum(x, [3]), /Dimension out of range/);
    assert.throws(() => wg.mean(up(Int32Array.from([1]), [1])), /mean\(\): could not infer output dtype/);
  });

  test("reductions: long rows (two passes), int32, NaN in max", async () => {
    const n = 70000;
    const X = randn(n);
    let s = 0;
    for (const v of X) s += v;
    close(await get(wg.sum(up(X, [n]))), [s], 1e-4, "sum all");
    close(await get(wg.mean(up(X, [2, n / 2]), [1])), [0, 1].map((r) => X.slice(r * n / 2, (r + 1) * n / 2).reduce((a, b) => a + b, 0) / (n / 2)), 1e-4, "mean rows");
    close(await get(wg.amax(up(X, [n]))), [Math.max(...X)], 0, "max all");
    const I = randint(1000, -50, 50);
    assert.deepEqual(await get(wg.sum(up(I, [1000]))), [I.reduce((a, b) => a + b, 0)]);
    assert.deepEqual(await get(wg.sum(up(Uint8Array.from([1, 0, 1, 1]), [4]))), [3]);
    const withNan = Float32Array.from([1, NaN, 3, 2, 5, 4]);
    const r = wg.reduceWithIndices("max", up(withNan, [2, 3]), 1);
    const v = await get(r.values);
    assert.ok(Number.isNaN(v[0]));
    assert.equal(v[1], 5);
    assert.deepEqual(await get(r.indices), [1, 1]);
  });

  test("reductions over long columns (rows split into slices, then summed)", async () => {
    // 1200 outputs over 2000 rows: a thread per output, its rows split (5 workgroups are too few).
    const [rows, cols] = [2000, 1200];
    const X = randn(rows * cols);
    X[37 * cols + 5] = NaN;
    const I = randint(rows * cols, -50, 50);
    const col = (data: ArrayLike<number>, c: number): number[] => Array.from({ length: rows }, (_, r) => data[r * cols + c]!);
    const sums = Array.from({ length: cols }, (_, c) => col(X, c).reduce((a, b) => a + b, 0));
    const x = up(X, [rows, cols]);
    close(await get(wg.sum(x, [0])), sums, 1e-4, "sum cols");
    close(await get(wg.mean(x, [0])), sums.map((v) => v / rows), 1e-4, "mean cols");
    const maxes = Array.from({ length: cols }, (_, c) => (c === 5 ? NaN : Math.max(...col(X, c))));
    close(await get(wg.amax(x, [0])), maxes, 0, "max cols, NaN propagates");
    assert.deepEqual(await get(wg.sum(up(I, [rows, cols]), [0])), Array.from({ length: cols }, (_, c) => col(I, c).reduce((a, b) => a + b, 0)));
    // the same columns through a transposed view, kept dim
    const xt = wg.restride(x, [cols, rows], [1, cols]);
    close(await get(wg.sum(xt, [1], true)), sums, 1e-4, "sum transposed view");
    assert.deepEqual(wg.sum(xt, [1], true).shape, [cols, 1]);
  });

  test("softmax / log_softmax forward and backward", async () => {
    for (const [shape, dim] of [[[4, 10], -1], [[3, 300], 1], [[5, 6, 7], 1], [[2, 40], 0]] as [number[], number][]) {
      const X = randn(prod(shape), 4);
      const x = up(X, shape);
      const nd = shape.length, d = dim < 0 ? dim + nd : dim;
      const st = wg.contiguousStrides(shape);
      const C = shape[d]!;
      const refSm = new Float64Array(X.length), refLs = new Float64Array(X.length);
      const G = randn(prod(shape));
      const refGs = new Float64Array(X.length), refGl = new Float64Array(X.length);
      for (let e = 0; e < X.length; e++) {
        const c = Math.floor(e / st[d]!) % C;
        if (c !== 0) continue;
        const idx = Array.from({ length: C }, (_, k) => e + k * st[d]!);
        const m = Math.max(...idx.map((i) => X[i]!));
        const z = idx.reduce((a, i) => a + Math.exp(X[i]! - m), 0);
        idx.forEach((i) => { refSm[i] = Math.exp(X[i]! - m) / z; refLs[i] = X[i]! - m - Math.log(z); });
        const dot = idx.reduce((a, i) => a + G[i]! * refSm[i]!, 0);
        const gs = idx.reduce((a, i) => a + G[i]!, 0);
        idx.forEach((i) => { refGs[i] = refSm[i]! * (G[i]! - dot); refGl[i] = G[i]! - Math.exp(refLs[i]!) * gs; });
      }
      const y = wg.softmax(x, dim), ly = wg.logSoftmax(x, dim);
      close(await get(y), refSm, 1e-5, `softmax ${shape}`);
      close(await get(ly), refLs, 1e-5, `log_softmax ${shape}`);
      const g = up(G, shape);
      close(await get(wg.softmaxBackward(g, y, dim)), refGs, 1e-5, `softmax_backward ${shape}`);
      close(await get(wg.softmaxBackward(g, ly, dim, { log: true })), refGl, 1e-5, `log_softmax_backward ${shape}`);
    }
  });

  function refMatmul(A: ArrayLike<number>, B: ArrayLike<number>, M: number, N: number, K: number): Float64Array {
    const C = new Float64Array(M * N);
    for (let i = 0; i < M; i++) for (let k = 0; k < K; k++) {
      const a = A[i * K + k]!;
      for (let j = 0; j < N; j++) C[i * N + j]! += a * B[k * N + j]!;
    }
    return C;
  }

  /** A transposed (ta/tb) or plain operand holding the row-major values `X` of [r, c]. */
  function operand(X: Float32Array, r: number, c: number, transposed: boolean): GpuTensor {
    if (!transposed) return up(X, [r, c]);
    return wg.restride(up(Float32Array.from(strided(X, [c, r], [1, c])), [c, r]), [r, c], [1, r]);
  }

  test("matmul: shapes and transposed operands (default kernel)", async () => {
    const cases: [number, number, number][] = [[1, 1, 1], [5, 7, 3], [64, 64, 64], [130, 70, 36], [33, 129, 17]];
    for (const [M, N, K] of cases) {
      const A = randn(M * K), B = randn(K * N);
      const ref = refMatmul(A, B, M, N, K);
      for (const [ta, tb] of [[false, false], [true, false], [false, true], [true, true]]) {
        close(await get(wg.matmul(operand(A, M, K, ta), operand(B, K, N, tb))), ref, 1e-4, `matmul ${M}x${K}x${N} ta=${ta} tb=${tb}`);
      }
    }
    const A = randn(72 * 40), B = randn(40 * 136);
    assert.throws(() => wg.matmul(up(A, [72, 40]), up(B, [136, 40])), /mat1 and mat2 shapes cannot be multiplied \(72x40 and 136x40\)/);
  });

  // The tiled kernel's compile time on a CPU adapter is seconds per variant: there, a small tile
  // covers its code paths (vector and scalar loads of every layout, edges, bias, batch-reduce);
  // on a GPU, or with TORCH_TS_WEBGPU_FULL_TESTS=1, every shipped configuration runs every case.
  test("matmul: the tiled kernel's load modes, edges, bias, accumulate and batch-reduce", async () => {
    const full = !ctx!.isCpuAdapter || process.env["TORCH_TS_WEBGPU_FULL_TESTS"] === "1";
    const tiny: wg.MatmulConfig = { BM: 16, BN: 16, BK: 4, TM: 4, TN: 4 };
    const fits = (c: wg.MatmulConfig): boolean => (c.BM / c.TM) * (c.BN / c.TN) <= ctx!.maxWorkgroupSize &&
      ("DB" in c && c.DB ? 2 : 1) * (c.BM + c.BN) * c.BK * 4 <= ctx!.limits.maxComputeWorkgroupStorageSize;
    const configs: [string, wg.MatmulConfig][] = full
      ? [...Object.entries(wg.MATMUL_CONFIGS).filter(([, c]) => fits(c)), ["tiny", tiny], ["tinyDB", { ...tiny, DB: true }]]
      : [["tiny", tiny], ["tinyDB", { ...tiny, DB: true }]];
    const cases: [number, number, number, boolean, boolean][] = full
      ? [[5, 7, 3], [64, 64, 64], [128, 128, 32], [130, 70, 36], [33, 129, 17], [256, 256, 64]].flatMap(([M, N, K]) =>
        [[false, false], [true, false], [false, true], [true, true]].map(([ta, tb]) => [M!, N!, K!, ta!, tb!] as [number, number, number, boolean, boolean]))
      : [[32, 32, 16, false, false], [13, 18, 7, true, true], [20, 24, 12, true, true]];
    for (const [name, config] of configs) {
      for (const [M, N, K, ta, tb] of cases) {
        const A = randn(M * K), B = randn(K * N);
        close(await get(wg.matmul(operand(A, M, K, ta), operand(B, K, N, tb), { config })), refMatmul(A, B, M, N, K), 1e-4,
          `${name}: ${M}x${K}x${N} ta=${ta} tb=${tb}`);
      }
      await gemmBatchReduce(config);
    }
    await gemmBatchReduce("simple");
  });

  /** C += 0.5 * sum over 3 pairs of A_kb @ B_kb + bias. */
  async function gemmBatchReduce(config: wg.MatmulConfig | "simple"): Promise<void> {
    const M = 9, N = 10, K = 11, KB = 3;
    const As = randn(KB * M * K), Bs = randn(KB * K * N), C0 = randn(M * N), bias = randn(N);
    const cT = up(C0, [M, N]);
    wg.gemm(ctx!, {
      M, N, K, reduceBatch: KB, accumulate: true, alpha: 0.5, config,
      a: { buffer: up(As, [KB * M * K]).buffer, offset: 0, rowStride: K, colStride: 1, reduceStride: M * K },
      b: { buffer: up(Bs, [KB * K * N]).buffer, offset: 0, rowStride: N, colStride: 1, reduceStride: K * N },
      c: { buffer: cT.buffer, offset: 0, rowStride: N },
      bias: { buffer: up(bias, [N]).buffer, offset: 0, rowStride: 0, colStride: 1 },
    });
    const ref = Array.from(C0, (v, i) => v + bias[i % N]!);
    for (let kb = 0; kb < KB; kb++) {
      const r = refMatmul(As.subarray(kb * M * K), Bs.subarray(kb * K * N), M, N, K);
      r.forEach((x, i) => { ref[i]! += 0.5 * x; });
    }
    close(await get(cT), ref, 1e-4, `gemm accumulate batch-reduce bias (${JSON.stringify(config)})`);
  }

  test("matmul of int32: exact and wrapping at 32 bits, on the simple and tiled kernels (vector and scalar loads, edges, bias, batch-reduce)", async () => {
    /** Row-major int32 products, wrapping as the device does. */
    const refInt = (A: Int32Array, B: Int32Array, M: number, N: number, K: number): number[] => {
      const C = new Int32Array(M * N);
      for (let i = 0; i < M; i++) for (let j = 0; j < N; j++) {
        let acc = 0;
        for (let k = 0; k < K; k++) acc = (acc + Math.imul(A[i * K + k]!, B[k * N + j]!)) | 0;
        C[i * N + j] = acc;
      }
      return Array.from(C);
    };
    const ints = (n: number, big: boolean): Int32Array => Int32Array.from(randn(n), (v) => (big ? Math.round(v * 2 ** 29) : Math.round(v * 50)));
    const tiny: wg.MatmulConfig = { BM: 16, BN: 16, BK: 4, TM: 4, TN: 4 };
    for (const config of ["simple", tiny, { ...tiny, DB: true }] as const) {
      for (const [M, N, K, big] of [[32, 32, 16, false], [13, 18, 7, true], [20, 24, 12, false]] as const) {
        const A = ints(M * K, big), B = ints(K * N, big);
        const c = wg.matmul(up(A, [M, K]), up(B, [K, N]), { config });
        assert.equal(c.dtype, "int32");
        assert.deepEqual(await get(c), refInt(A, B, M, N, K), `int32 ${M}x${K}x${N} ${JSON.stringify(config)}`);
        const at = wg.restride(up(Int32Array.from(strided(A, [K, M], [1, K])), [K, M]), [M, K], [1, M]);
        assert.deepEqual(await get(wg.matmul(at, up(B, [K, N]), { config })), refInt(A, B, M, N, K), `int32 transposed A ${JSON.stringify(config)}`);
      }
      // C += sum over 2 pairs of A_kb @ B_kb + bias
      const M = 5, N = 6, K = 7, KB = 2;
      const As = ints(KB * M * K, true), Bs = ints(KB * K * N, true), C0 = ints(M * N, true), bias = ints(N, true);
      const cT = up(C0, [M, N]);
      wg.gemm(ctx!, {
        M, N, K, reduceBatch: KB, accumulate: true, config, dtype: "int32",
        a: { buffer: up(As, [KB * M * K]).buffer, offset: 0, rowStride: K, colStride: 1, reduceStride: M * K },
        b: { buffer: up(Bs, [KB * K * N]).buffer, offset: 0, rowStride: N, colStride: 1, reduceStride: K * N },
        c: { buffer: cT.buffer, offset: 0, rowStride: N },
        bias: { buffer: up(bias, [N]).buffer, offset: 0, rowStride: 0, colStride: 1 },
      });
      const ref = Array.from(C0, (v, i) => (v + bias[i % N]!) | 0);
      for (let kb = 0; kb < KB; kb++) {
        refInt(As.subarray(kb * M * K), Bs.subarray(kb * K * N), M, N, K).forEach((x, i) => { ref[i] = (ref[i]! + x) | 0; });
      }
      assert.deepEqual(await get(cT), ref, `int32 gemm accumulate batch-reduce bias ${JSON.stringify(config)}`);
    }
    assert.throws(() => wg.matmul(up(ints(6, false), [2, 3]), up(randn(6), [3, 2])), /expected m1 and m2 to have the same dtype/);
    assert.throws(() => wg.gemm(ctx!, {
      M: 1, N: 1, K: 1, alpha: 2, dtype: "int32",
      a: { buffer: up(ints(1, false), [1]).buffer, offset: 0, rowStride: 1, colStride: 1 },
      b: { buffer: up(ints(1, false), [1]).buffer, offset: 0, rowStride: 1, colStride: 1 },
      c: { buffer: up(ints(1, false), [1]).buffer, offset: 0, rowStride: 1 },
    }), /an int32 GEMM takes no alpha/);
  });

  test("matmul: batched with broadcasting, 1-D operands, bmm, linear with bias", async () => {
    const A = randn(2 * 3 * 4 * 5), B = randn(3 * 5 * 6);
    const c = wg.matmul(up(A, [2, 3, 4, 5]), up(B, [3, 5, 6]));
    assert.deepEqual(c.shape, [2, 3, 4, 6]);
    const out = await get(c);
    for (let i = 0; i < 2; i++) for (let j = 0; j < 3; j++) {
      const ref = refMatmul(A.subarray((i * 3 + j) * 20, (i * 3 + j + 1) * 20), B.subarray(j * 30, (j + 1) * 30), 4, 6, 5);
      close(out.slice((i * 3 + j) * 24, (i * 3 + j + 1) * 24), ref, 1e-4, `batch ${i},${j}`);
    }
    const v = randn(5);
    const mv = wg.matmul(up(A.subarray(0, 20), [4, 5]), up(v, [5]));
    assert.deepEqual(mv.shape, [4]);
    close(await get(mv), refMatmul(A.subarray(0, 20), v, 4, 1, 5), 1e-5, "matrix @ vector");
    const dot = wg.matmul(up(v, [5]), up(v, [5]));
    assert.deepEqual(dot.shape, []);
    close(await get(dot), [v.reduce((s, x) => s + x * x, 0)], 1e-5, "dot");
    const bm = wg.bmm(up(A.subarray(0, 40), [2, 4, 5]), up(B.subarray(0, 60), [2, 5, 6]));
    close((await get(bm)).slice(24), refMatmul(A.subarray(20, 40), B.subarray(30, 60), 4, 6, 5), 1e-5, "bmm");
    assert.throws(() => wg.bmm(up(A.subarray(0, 40), [2, 4, 5]), up(B, [3, 5, 6])), /batch1 and batch2 must have same number of batches, got 2 and 3/);
    // linear: x [2, 3, 5] @ W[7, 5]^T + b
    const X = randn(30), W = randn(35), bias = randn(7);
    const y = wg.linear(up(X, [2, 3, 5]), up(W, [7, 5]), up(bias, [7]));
    assert.deepEqual(y.shape, [2, 3, 7]);
    const Wt = strided(W, [5, 7], [1, 5]);
    close(await get(y), Array.from(refMatmul(X, Wt, 6, 7, 5), (v, i) => v + bias[i % 7]!), 1e-5, "linear");
  });

  type ConvCase = { N: number; C: number; H: number; W: number; O: number; k: [number, number]; stride: [number, number]; pad: [number, number]; dil: [number, number]; groups: number };
  function refConv(x: Float32Array, w: Float32Array, b: Float32Array | null, p: ConvCase) {
    const { N, C, H, W, O, groups: G } = p;
    const [kh, kw] = p.k, [sh, sw] = p.stride, [ph, pw] = p.pad, [dh, dw] = p.dil;
    const Cg = C / G, Og = O / G;
    const Ho = Math.floor((H + 2 * ph - dh * (kh - 1) - 1) / sh) + 1, Wo = Math.floor((W + 2 * pw - dw * (kw - 1) - 1) / sw) + 1;
    const out = new Float64Array(N * O * Ho * Wo);
    const taps = (fn: (n: number, o: number, oh: number, ow: number, c: number, i: number, j: number, xi: number) => void): void => {
      for (let n = 0; n < N; n++) for (let o = 0; o < O; o++) for (let oh = 0; oh < Ho; oh++) for (let ow = 0; ow < Wo; ow++) {
        const g = Math.floor(o / Og);
        for (let c = 0; c < Cg; c++) for (let i = 0; i < kh; i++) for (let j = 0; j < kw; j++) {
          const h = oh * sh - ph + i * dh, ww = ow * sw - pw + j * dw;
          if (h < 0 || h >= H || ww < 0 || ww >= W) continue;
          fn(n, o, oh, ow, c, i, j, ((n * C + g * Cg + c) * H + h) * W + ww);
        }
      }
    };
    taps((n, o, oh, ow, c, i, j, xi) => { out[((n * O + o) * Ho + oh) * Wo + ow]! += x[xi]! * w[((o * Cg + c) * kh + i) * kw + j]!; });
    if (b) out.forEach((_, e) => { out[e]! += b[Math.floor(e / (Ho * Wo)) % O]!; });
    const backward = (gO: Float32Array) => {
      const gx = new Float64Array(x.length), gw = new Float64Array(w.length), gb = new Float64Array(O);
      taps((n, o, oh, ow, c, i, j, xi) => {
        const go = gO[((n * O + o) * Ho + oh) * Wo + ow]!;
        gx[xi]! += go * w[((o * Cg + c) * kh + i) * kw + j]!;
        gw[((o * Cg + c) * kh + i) * kw + j]! += go * x[xi]!;
      });
      gO.forEach((v, e) => { gb[Math.floor(e / (Ho * Wo)) % O]! += v; });
      return { gx, gw, gb };
    };
    return { out, shape: [N, O, Ho, Wo], backward };
  }

  test("conv2d forward and backward (stride, padding, dilation, groups, 1x1)", async () => {
    const cases: ConvCase[] = [
      { N: 2, C: 3, H: 7, W: 6, O: 4, k: [3, 3], stride: [1, 1], pad: [1, 1], dil: [1, 1], groups: 1 },
      { N: 3, C: 4, H: 9, W: 8, O: 6, k: [3, 2], stride: [2, 1], pad: [1, 0], dil: [1, 2], groups: 2 },
      { N: 2, C: 5, H: 4, W: 4, O: 3, k: [1, 1], stride: [1, 1], pad: [0, 0], dil: [1, 1], groups: 1 },
      { N: 1, C: 2, H: 5, W: 5, O: 2, k: [2, 2], stride: [3, 3], pad: [1, 1], dil: [1, 1], groups: 2 },
    ];
    for (const p of cases) {
      const X = randn(p.N * p.C * p.H * p.W), Wt = randn(p.O * (p.C / p.groups) * p.k[0] * p.k[1]), B = randn(p.O);
      const ref = refConv(X, Wt, B, p);
      const opts = { stride: p.stride, padding: p.pad, dilation: p.dil, groups: p.groups };
      const x = up(X, [p.N, p.C, p.H, p.W]), w = up(Wt, [p.O, p.C / p.groups, p.k[0], p.k[1]]);
      const y = wg.conv2d(x, w, up(B, [p.O]), opts);
      assert.deepEqual(y.shape, ref.shape);
      close(await get(y), ref.out, 1e-4, `conv2d ${JSON.stringify(p)}`);
      const GO = randn(prod(ref.shape));
      const g = wg.conv2dBackward(up(GO, ref.shape), x, w, opts);
      const r = ref.backward(GO);
      close(await get(g.gradInput!), r.gx, 1e-4, "grad input");
      close(await get(g.gradWeight!), r.gw, 1e-4, "grad weight");
      close(await get(g.gradBias!), r.gb, 1e-4, "grad bias");
    }
    assert.throws(() => wg.conv2d(up(randn(2 * 4 * 5 * 5), [2, 4, 5, 5]), up(randn(8 * 3 * 9), [8, 3, 3, 3])),
      /Given groups=1, weight of size \[8, 3, 3, 3\], expected input\[2, 4, 5, 5\] to have 3 channels, but got 4 channels instead/);
  });

  function refPool(x: Float32Array, shape: number[], o: { k: number; s: number; p: number; d?: number; ceil?: boolean; countPad?: boolean; div?: number }, max: boolean) {
    const [N, C, H, W] = shape as [number, number, number, number];
    const d = o.d ?? 1;
    const osz = (n: number): number => {
      let out = Math.floor((n + 2 * o.p - d * (o.k - 1) - 1 + (o.ceil ? o.s - 1 : 0)) / o.s) + 1;
      if (o.ceil && (out - 1) * o.s >= n + o.p) out--;
      return out;
    };
    const Ho = osz(H), Wo = osz(W);
    const out: number[] = [], idx: number[] = [];
    const wins: { cells: number[]; div: number }[] = [];
    for (let pl = 0; pl < N * C; pl++) for (let oh = 0; oh < Ho; oh++) for (let ow = 0; ow < Wo; ow++) {
      const cells: number[] = [];
      const hs = oh * o.s - o.p, ws = ow * o.s - o.p;
      for (let i = 0; i < o.k; i++) for (let j = 0; j < o.k; j++) {
        const h = hs + i * d, w = ws + j * d;
        if (h >= 0 && h < H && w >= 0 && w < W) cells.push(h * W + w);
      }
      if (max) {
        let bi = cells[0]!;
        for (const c of cells) if (x[pl * H * W + c]! > x[pl * H * W + bi]!) bi = c;
        out.push(x[pl * H * W + bi]!);
        idx.push(bi);
        wins.push({ cells: [bi], div: 1 });
      } else {
        const he = Math.min(hs + o.k, H + o.p), we = Math.min(ws + o.k, W + o.p);
        const poolSize = (he - hs) * (we - ws);
        const div = o.div ?? (o.countPad === false ? cells.length : poolSize);
        out.push(cells.reduce((a, c) => a + x[pl * H * W + c]!, 0) / div);
        wins.push({ cells, div });
      }
    }
    const backward = (gO: Float32Array) => {
      const gx = new Float64Array(x.length);
      wins.forEach((win, e) => {
        const pl = Math.floor(e / (Ho * Wo));
        for (const c of win.cells) gx[pl * H * W + c]! += gO[e]! / win.div;
      });
      return gx;
    };
    return { out, idx, shape: [N, C, Ho, Wo], backward };
  }

  test("max_pool2d / avg_pool2d forward and backward", async () => {
    const shape = [2, 3, 7, 6];
    const X = randn(prod(shape));
    const x = up(X, shape);
    for (const o of [{ k: 2, s: 2, p: 0 }, { k: 3, s: 2, p: 1 }, { k: 3, s: 2, p: 1, ceil: true }, { k: 2, s: 1, p: 1, d: 2 }]) {
      const ref = refPool(X, shape, o, true);
      const opts = { kernelSize: o.k, stride: o.s, padding: o.p, dilation: o.d ?? 1, ceilMode: !!o.ceil };
      const r = wg.maxPool2d(x, opts);
      assert.deepEqual(r.values.shape, ref.shape);
      close(await get(r.values), ref.out, 0, `max_pool2d ${JSON.stringify(o)}`);
      assert.deepEqual(await get(r.indices), ref.idx);
      const GO = randn(prod(ref.shape));
      close(await get(wg.maxPool2dBackward(up(GO, ref.shape), x, r.indices, opts)), ref.backward(GO), 1e-5, "max_pool2d backward");
    }
    for (const o of [{ k: 2, s: 2, p: 0 }, { k: 3, s: 2, p: 1 }, { k: 3, s: 2, p: 1, countPad: false }, { k: 3, s: 2, p: 1, ceil: true }, { k: 2, s: 1, p: 1, div: 3 }]) {
      const ref = refPool(X, shape, o, false);
      const opts = { kernelSize: o.k, stride: o.s, padding: o.p, ceilMode: !!o.ceil, countIncludePad: o.countPad ?? true, divisorOverride: o.div ?? null };
      const r = wg.avgPool2d(x, opts);
      assert.deepEqual(r.shape, ref.shape);
      close(await get(r), ref.out, 1e-5, `avg_pool2d ${JSON.stringify(o)}`);
      const GO = randn(prod(ref.shape));
      close(await get(wg.avgPool2dBackward(up(GO, ref.shape), x, opts)), ref.backward(GO), 1e-5, `avg_pool2d backward ${JSON.stringify(o)}`);
    }
    assert.throws(() => wg.maxPool2d(x, { kernelSize: 2, padding: 2 }), /pad should be at most half of effective kernel size/);
  });

  test("cross_entropy forward and backward (weights, ignore_index, reductions)", async () => {
    // Up to 2^18 logits, sum and mean reduce in the rows' own dispatch (one workgroup); 900 x 300 takes the rows kernel and a reduction.
    for (const [N, C] of [[6, 5], [6, 300], [900, 300]] as const) {
      const X = randn(N * C, 3), T = randint(N, 0, C), Wc = Float32Array.from(randn(C), (v) => Math.abs(v) + 0.5);
      T[2] = -100;
      for (const weighted of [false, true]) {
        const lse = Array.from({ length: N }, (_, i) => {
          const row = Array.from(X.subarray(i * C, (i + 1) * C));
          const m = Math.max(...row);
          return m + Math.log(row.reduce((a, v) => a + Math.exp(v - m), 0));
        });
        const wOf = (i: number): number => (T[i] === -100 ? 0 : weighted ? Wc[T[i]!]! : 1);
        const rowLoss = lse.map((l, i) => (T[i] === -100 ? 0 : (l - X[i * C + T[i]!]!) * wOf(i)));
        const total = rowLoss.reduce((a, b) => a + b, 0), wsum = lse.reduce((a, _, i) => a + wOf(i), 0);
        const opts = { weight: weighted ? up(Wc, [C]) : null };
        for (const reduction of ["none", "sum", "mean"] as const) {
          const { loss, saved } = wg.crossEntropy(up(X, [N, C]), up(T, [N]), { ...opts, reduction });
          const expected = reduction === "none" ? rowLoss : reduction === "sum" ? [total] : [total / wsum];
          close(await get(loss), expected, 1e-5, `cross_entropy C=${C} ${reduction} weighted=${weighted}`);
          const GO = reduction === "none" ? randn(N) : Float32Array.from([1.5]);
          const gx = wg.crossEntropyBackward(up(GO, reduction === "none" ? [N] : []), up(X, [N, C]), up(T, [N]), saved, opts.weight);
          const ref = Array.from({ length: N * C }, (_, e) => {
            const i = Math.floor(e / C), c = e % C;
            if (T[i] === -100) return 0;
            const g = (reduction === "none" ? GO[i]! : GO[0]!) * wOf(i) / (reduction === "mean" ? wsum : 1);
            return g * (Math.exp(X[e]! - lse[i]!) - (c === T[i] ? 1 : 0));
          });
          close(await get(gx), ref, 1e-5, `cross_entropy backward ${reduction}`);
        }
      }
    }
    assert.throws(() => wg.crossEntropy(up(randn(6), [2, 3]), up(Int32Array.from([0, 1, 2]), [3])), /Expected input batch_size \(2\) to match target batch_size \(3\)/);
    const before = ctx!.stats().dispatches;
    wg.crossEntropy(up(randn(128 * 10), [128, 10]), up(randint(128, 0, 10), [128]), { reduction: "mean" });
    assert.equal(ctx!.stats().dispatches - before, 1, "a classifier batch's mean cross-entropy is one dispatch");
  });

  test("embedding gather and scatter-add backward (repeated indices, padding_idx)", async () => {
    const V = 7, D = 5;
    const Wt = randn(V * D);
    const I = Int32Array.from([3, 0, 3, 6, 2, 3]);
    const y = wg.embedding(up(Wt, [V, D]), up(I, [2, 3]));
    assert.deepEqual(y.shape, [2, 3, D]);
    assert.deepEqual(await get(y), Array.from(I).flatMap((r) => Array.from(Wt.subarray(r * D, (r + 1) * D))));
    const GO = randn(6 * D);
    const gw = wg.embeddingBackward(up(GO, [2, 3, D]), up(I, [2, 3]), V, 0);
    const ref = new Float64Array(V * D);
    I.forEach((r, i) => { if (r !== 0) for (let d = 0; d < D; d++) ref[r * D + d]! += GO[i * D + d]!; });
    close(await get(gw), ref, 1e-5, "embedding backward");
  });

  test("fused SGD (momentum, nesterov, weight decay) and Adam / AdamW / AMSGrad over three steps", async () => {
    const n = 37;
    const P0 = randn(n), grads = [randn(n), randn(n), randn(n)];
    for (const o of [{ lr: 0.1 }, { lr: 0.1, momentum: 0.9, weightDecay: 0.01 }, { lr: 0.05, momentum: 0.9, nesterov: true }, { lr: 0.1, momentum: 0.5, dampening: 0.3, maximize: true }]) {
      const p = up(P0, [n]), buf = wg.full(ctx!, [n], 0);
      const ref = Array.from(P0), rbuf = new Array<number>(n).fill(0);
      grads.forEach((G, step) => {
        wg.sgdStep(p, up(G, [n]), o.momentum ? buf : null, { ...o, firstStep: step === 0 });
        for (let i = 0; i < n; i++) {
          let d = o.maximize ? -G[i]! : G[i]!;
          d += (o.weightDecay ?? 0) * ref[i]!;
          if (o.momentum) {
            rbuf[i] = step === 0 ? d : rbuf[i]! * o.momentum + (1 - (o.dampening ?? 0)) * d;
            d = o.nesterov ? d + o.momentum * rbuf[i]! : rbuf[i]!;
          }
          ref[i] = ref[i]! - o.lr * d;
        }
      });
      close(await get(p), ref, 1e-5, `sgd ${JSON.stringify(o)}`);
    }
    for (const o of [{ lr: 0.01 }, { lr: 0.01, weightDecay: 0.1 }, { lr: 0.01, weightDecay: 0.1, decoupledWeightDecay: true }, { lr: 0.02, amsgrad: true, maximize: true }]) {
      const p = up(P0, [n]), m = wg.full(ctx!, [n], 0), v = wg.full(ctx!, [n], 0), vmax = wg.full(ctx!, [n], 0);
      const ref = Array.from(P0), rm = new Array<number>(n).fill(0), rv = new Array<number>(n).fill(0), rmax = new Array<number>(n).fill(0);
      const [b1, b2, eps] = [0.9, 0.999, 1e-8];
      grads.forEach((G, s) => {
        const step = s + 1;
        wg.adamStep(p, up(G, [n]), m, v, o.amsgrad ? vmax : null, { ...o, step });
        for (let i = 0; i < n; i++) {
          let g = o.maximize ? -G[i]! : G[i]!;
          if (o.weightDecay) { if (o.decoupledWeightDecay) ref[i] = ref[i]! * (1 - o.lr * o.weightDecay); else g += o.weightDecay * ref[i]!; }
          rm[i] = rm[i]! + (g - rm[i]!) * (1 - b1);
          rv[i] = rv[i]! * b2 + (1 - b2) * g * g;
          let vv = rv[i]!;
          if (o.amsgrad) { rmax[i] = Math.max(rmax[i]!, vv); vv = rmax[i]!; }
          const denom = Math.sqrt(vv) / Math.sqrt(1 - b2 ** step) + eps;
          ref[i] = ref[i]! - (o.lr / (1 - b1 ** step)) * rm[i]! / denom;
        }
      });
      close(await get(p), ref, 1e-5, `adam ${JSON.stringify(o)}`);
    }
    assert.throws(() => wg.sgdStep(up(P0, [n]), up(randn(3), [3]), null, { lr: 1 }), /grad has shape \[3\], but param has shape \[37\]/);
  });

  /** Bits of a tensor's values, to compare results exactly (NaN payloads and signed zeros included). */
  async function bits(t: GpuTensor): Promise<Uint32Array> {
    const v = await wg.download(t);
    return new Uint32Array(Float32Array.from(v).buffer);
  }
  /** Sizes off the workgroup's multiples, one element, and more items than a dispatch takes. */
  const MULTI_SIZES = [37, 1, 256, 257, 1000, 3, 513, 70, 2049, 5, 600];

  test("multi-item SGD steps equal the one-item steps bit for bit, ceil(items / K) dispatches", async () => {
    const grads = [0, 1, 2].map(() => MULTI_SIZES.map((n) => randn(n)));
    const P0 = MULTI_SIZES.map((n) => randn(n));
    const cases: wg.SgdOptions[] = [
      { lr: 0.1 }, { lr: 0.1, momentum: 0.9, weightDecay: 0.01 }, { lr: 0.05, momentum: 0.9, nesterov: true, maximize: true },
      { lr: 0.1, momentum: 0.5, dampening: 0.3, weightDecay: 0.1 }, { lr: 0.1, momentum: 0.9, round: "bfloat16" }, { lr: 0.1, weightDecay: 0.1, round: "float16" },
    ];
    for (const o of cases) {
      const k = Math.min(8, Math.floor(ctx!.limits.maxStorageBuffersPerShaderStage / (o.momentum ? 3 : 2)));
      const make = (): { p: GpuTensor[]; b: GpuTensor[] } => ({ p: P0.map((P, j) => up(P, [MULTI_SIZES[j]!])), b: MULTI_SIZES.map((n) => wg.full(ctx!, [n], 0)) });
      const multi = make(), single = make();
      for (let step = 0; step < 3; step++) {
        const g = grads[step]!.map((G, j) => up(G, [MULTI_SIZES[j]!]));
        // Items' first steps differ: item j's buffer starts at step j % 2.
        const first = (j: number): boolean => step === j % 2;
        const before = ctx!.stats().dispatches;
        wg.sgdSteps(MULTI_SIZES.map((_, j) => ({ param: multi.p[j]!, grad: g[j]!, momentumBuffer: multi.b[j]!, firstStep: first(j) })), o);
        assert.equal(ctx!.stats().dispatches - before, Math.ceil(MULTI_SIZES.length / k), `sgd ${JSON.stringify(o)}: dispatches`);
        MULTI_SIZES.forEach((_, j) => wg.sgdStep(single.p[j]!, g[j]!, single.b[j]!, { ...o, firstStep: first(j) }));
      }
      for (let j = 0; j < MULTI_SIZES.length; j++) {
        assert.deepEqual(await bits(multi.p[j]!), await bits(single.p[j]!), `sgd ${JSON.stringify(o)} param ${j}`);
        assert.deepEqual(await bits(multi.b[j]!), await bits(single.b[j]!), `sgd ${JSON.stringify(o)} momentum_buffer ${j}`);
      }
    }
    assert.throws(() => wg.sgdSteps([{ param: up(P0[0]!, [37]), grad: up(randn(37), [37]), momentumBuffer: null }, { param: up(P0[1]!, [1]), grad: up(randn(1), [1]), momentumBuffer: null }],
      { lr: 0.1, momentum: 0.9 }), /webgpu sgd \(item 0\): momentum 0.9 needs a momentum buffer/);
  });

  test("multi-item Adam / AdamW / AMSGrad steps equal the one-item steps bit for bit, items at different steps", async () => {
    const P0 = MULTI_SIZES.map((n) => randn(n));
    const grads = [0, 1, 2].map(() => MULTI_SIZES.map((n) => randn(n)));
    const cases: wg.AdamOptions[] = [
      { lr: 0.01 }, { lr: 0.01, weightDecay: 0.1 }, { lr: 0.01, weightDecay: 0.1, decoupledWeightDecay: true, maximize: true },
      { lr: 0.02, amsgrad: true, beta1: 0.8, beta2: 0.99 }, { lr: 0.02, amsgrad: true, weightDecay: 0.1, round: "float16" }, { lr: 0.01, round: "bfloat16" },
    ];
    for (const o of cases) {
      const k = Math.min(8, Math.floor(ctx!.limits.maxStorageBuffersPerShaderStage / (o.amsgrad ? 5 : 4)));
      const make = (): GpuTensor[][] => [P0.map((P, j) => up(P, [MULTI_SIZES[j]!])), ...[0, 1, 2].map(() => MULTI_SIZES.map((n) => wg.full(ctx!, [n], 0)))];
      const multi = make(), single = make();
      const items = (ts: GpuTensor[][], g: GpuTensor[], step: number): wg.AdamItem[] => MULTI_SIZES.map((_, j) => ({
        param: ts[0]![j]!, grad: g[j]!, expAvg: ts[1]![j]!, expAvgSq: ts[2]![j]!, maxExpAvgSq: o.amsgrad ? ts[3]![j]! : null, step: step + 1 + (j % 4) * 3,
      }));
      for (let step = 0; step < 3; step++) {
        const g = grads[step]!.map((G, j) => up(G, [MULTI_SIZES[j]!]));
        const before = ctx!.stats().dispatches;
        wg.adamSteps(items(multi, g, step), o);
        assert.equal(ctx!.stats().dispatches - before, Math.ceil(MULTI_SIZES.length / k), `adam ${JSON.stringify(o)}: dispatches`);
        for (const it of items(single, g, step)) wg.adamStep(it.param, it.grad, it.expAvg, it.expAvgSq, it.maxExpAvgSq, { ...o, step: it.step });
      }
      for (let j = 0; j < MULTI_SIZES.length; j++) {
        for (const [r, name] of ["param", "exp_avg", "exp_avg_sq", "max_exp_avg_sq"].entries()) {
          assert.deepEqual(await bits(multi[r]![j]!), await bits(single[r]![j]!), `adam ${JSON.stringify(o)} ${name} ${j}`);
        }
      }
    }
    assert.throws(() => wg.adamSteps([{ param: up(P0[0]!, [37]), grad: up(randn(37), [37]), expAvg: up(randn(37), [37]), expAvgSq: up(randn(37), [37]), maxExpAvgSq: null, step: 0 }], { lr: 0.1 }),
      /step must be a positive integer, got 0/);
  });

  test("multi-item steps over aliased buffers (params viewing one buffer, a grad that is another item's param) give the sequential result", async () => {
    const n = 300;
    const P0 = randn(2 * n), G0 = randn(n), G1 = randn(n);
    const run = async (multi: boolean): Promise<{ values: Uint32Array[]; dispatches: number }> => {
      const whole = up(P0, [2 * n]);
      const bufs = [0, 1, 2].map(() => wg.full(ctx!, [n], 0));
      const a = wg.view(ctx!, whole.buffer, "float32", [n], [1], 0), b = wg.view(ctx!, whole.buffer, "float32", [n], [1], n);
      // Item 1 writes the buffer item 0 writes; item 2's gradient is item 0's parameter (updated first);
      // item 3 steps item 0's parameter again.
      const items: wg.SgdItem[] = [
        { param: a, grad: up(G0, [n]), momentumBuffer: bufs[0]!, firstStep: true },
        { param: b, grad: up(G1, [n]), momentumBuffer: bufs[1]!, firstStep: true },
        { param: up(G1, [n]), grad: a, momentumBuffer: bufs[2]!, firstStep: true },
        { param: a, grad: up(G1, [n]), momentumBuffer: bufs[0]!, firstStep: false },
      ];
      const o = { lr: 0.1, momentum: 0.9 };
      const before = ctx!.stats().dispatches;
      if (multi) wg.sgdSteps(items, o);
      else for (const it of items) wg.sgdStep(it.param, it.grad, it.momentumBuffer, { ...o, firstStep: it.firstStep });
      const dispatches = ctx!.stats().dispatches - before;
      await ctx!.sync();
      return { values: [await bits(whole), ...await Promise.all(bufs.map(bits)), await bits(items[2]!.param)], dispatches };
    };
    const multi = await run(true), single = await run(false);
    assert.equal(multi.dispatches, 4, "each aliasing item starts a new dispatch");
    assert.deepEqual(multi.values, single.values);
  });

  test("row scans: sum, prod, logsumexp, max/min with indices (thread and workgroup paths, int32)", async () => {
    for (const [rows, n] of [[5, 7], [3, 600]] as const) {
      const X = randn(rows * n, 2);
      X[3] = NaN;
      const x = up(X, [rows, n]);
      for (const kind of ["sum", "prod", "logsumexp", "max", "min"] as const) {
        const r = wg.scanRows(kind, x);
        const refV: number[] = [], refI: number[] = [];
        for (let row = 0; row < rows; row++) {
          let acc = kind === "sum" ? 0 : kind === "prod" ? 1 : kind === "min" ? Infinity : -Infinity, at = 0;
          for (let c = 0; c < n; c++) {
            const v = X[row * n + c]!;
            if (kind === "sum") acc += v;
            else if (kind === "prod") acc *= v;
            else if (kind === "logsumexp") { const m = Math.max(acc, v); acc = m === -Infinity ? m : m + Math.log(Math.exp(acc - m) + Math.exp(v - m)); }
            else if (v !== v || (acc === acc && (kind === "max" ? v >= acc : v <= acc))) { acc = v; at = c; }
            refV.push(acc); refI.push(at);
          }
        }
        close(await get(r.values), refV, kind === "prod" ? 1e-3 : 1e-4, `scan ${kind} [${rows}, ${n}]`);
        if (r.indices) assert.deepEqual(await get(r.indices), refI, `scan ${kind} indices`);
        wg.release(r.values, r.indices);
      }
      const I = randint(rows * n, -50, 50);
      const s = wg.scanRows("sum", up(I, [rows, n]));
      const refS: number[] = [];
      for (let row = 0; row < rows; row++) { let a = 0; for (let c = 0; c < n; c++) { a += I[row * n + c]!; refS.push(a); } }
      assert.deepEqual(await get(s.values), refS, "int32 cumsum");
    }
    assert.throws(() => wg.scanRows("sum", wg.restride(up(randn(6), [2, 3]), [3, 2], [1, 3])), /expected a contiguous \[rows, n\] tensor/);
    assert.throws(() => wg.scanRows("logsumexp", up(randint(4, 0, 3), [2, 2])), /int32/);
  });

  test("row sort: stable both ways, NaN last ascending and first descending, int32", async () => {
    for (const [rows, n] of [[4, 5], [3, 513]] as const) {
      const X = new Float32Array(rows * n);
      for (let i = 0; i < X.length; i++) X[i] = Math.floor(rand() * 7) - 3;
      X[1] = NaN; X[2] = -Infinity;
      for (const descending of [false, true]) {
        const r = wg.sortRows(up(X, [rows, n]), descending);
        const refV: number[] = [], refI: number[] = [];
        for (let row = 0; row < rows; row++) {
          const key = (i: number): number => X[row * n + i]!;
          const order = [...Array(n).keys()].sort((a, b) => {
            const x = key(a), y = key(b);
            if (x !== x || y !== y) return x !== x && y !== y ? a - b : (x !== x) === descending ? -1 : 1;
            return x === y ? a - b : (x < y) !== descending ? -1 : 1;
          });
          for (const i of order) { refV.push(key(i)); refI.push(i); }
        }
        close(await get(r.values), refV, 0, `sort values desc=${descending}`);
        assert.deepEqual(await get(r.indices), refI, `sort indices desc=${descending}`);
      }
      const I = randint(rows * n, -5, 5);
      const ri = wg.sortRows(up(I, [rows, n]), false);
      const refI: number[] = [];
      for (let row = 0; row < rows; row++) refI.push(...[...Array(n).keys()].sort((a, b) => I[row * n + a]! - I[row * n + b]! || a - b));
      assert.deepEqual(await get(ri.indices), refI, "int32 sort indices");
    }
  });

  test("memory is returned to the pool", async () => {
    // Other buffers may be reclaimed by the FinalizationRegistry at any time, so compare the
    // change these three buffers make rather than absolute figures.
    const a = up(randn(1000), [1000]);
    const b = wg.pointwise("exp", [a]);
    const s = wg.sum(b);
    await get(s);
    const held = ctx!.memoryAllocated();
    assert.ok(held >= 2 * 4000, `three live buffers, ${held} bytes allocated`);
    wg.release(a, b, s);
    assert.ok(ctx!.memoryAllocated() <= held - 2 * 4000, `released: ${ctx!.memoryAllocated()} of ${held} bytes still allocated`);
  });
});

// erf by its Taylor series (exact to ~1e-12 for |x| <= 3, independent of the kernel's approximation).
function erf(x: number): number {
  let sum = 0, term = x;
  for (let n = 0; n < 80; n++) {
    sum += term / (2 * n + 1);
    term *= -x * x / (n + 1);
  }
  return (2 / Math.sqrt(Math.PI)) * sum;
}
