// Orthogonal decompositions of batches of float32 matrices: Householder QR (LAPACK's geqrf +
// orgqr, so R's diagonal signs are LAPACK's), the symmetric eigendecomposition by cyclic Jacobi,
// and the SVD by one-sided (Hestenes) Jacobi. Inputs are contiguous [batch, m, n] tensors.
//
// As the LU and Cholesky kernels (linalg.ts): one workgroup per matrix, working in storage memory
// (so the order is bounded by time, not by workgroup memory), storage barriers between steps. The
// Jacobi kernels use the round-robin ("parallel") ordering: each round rotates n / 2 disjoint
// pairs at once, n - 1 rounds a sweep, sweeps until the off-diagonal part (eigh) or the columns'
// correlations (SVD) are negligible, at most MAX_SWEEPS.

import { type GpuTensor, checkDType, empty, isContiguous, release, sameContext, shapeStr } from "./tensor.js";
import { ParamStruct } from "./wgsl.js";

/** The largest order QR accepts (rows and columns): O(m n^2 / workgroup) sequential work. */
export const MAX_QR_N = 1024;
/** The largest order eigh and the SVD accept: Jacobi does about 10 sweeps of O(n^3) work in one workgroup. */
export const MAX_JACOBI_N = 512;
/** Sweeps after which Jacobi stops even if not converged (it converges quadratically: 6 to 12 in float32). */
const MAX_SWEEPS = 30;

const QR_PARAMS = new ParamStruct(["batch", "m", "n", "qc", "rr", "aoff", "signq"].map((name) => ({ name, type: "u32" as const })));
const JACOBI_PARAMS = new ParamStruct(["batch", "m", "n", "aoff", "upper"].map((name) => ({ name, type: "u32" as const })));

function checkBatch(op: string, a: GpuTensor, limit: number, what: string): [number, number, number] {
  checkDType(op, "A", a, ["float32"]);
  if (a.shape.length !== 3 || !isContiguous(a)) throw new Error(`${op}: expected a contiguous [batch, m, n] tensor, got ${shapeStr(a.shape)}`);
  const [batch, m, n] = a.shape as [number, number, number];
  if (Math.max(m, n) > limit) {
    throw new Error(`${op}: matrices with ${Math.max(m, n)} rows or columns are too large for the 'webgpu' device, whose ${what} takes matrices of order at most ${limit} (one workgroup per matrix); move them to the CPU (await A.cpuAsync())`);
  }
  return [batch, m, n];
}

/** A power of two from 64 to 256 near the work per step (as the LU kernels). */
function workgroupSize(ctx: GpuTensor["ctx"], n: number): number {
  const limit = Math.min(256, ctx.maxWorkgroupSize);
  let wg = 1;
  while (wg * 2 <= limit && (wg < 64 || wg < n)) wg *= 2;
  return wg;
}

const TREE = (wg: number, combine: string): string => `
  for (var s = ${wg / 2}u; s > 0u; s = s >> 1u) {
    if (l < s) { ${combine} }
    workgroupBarrier();
  }`;

/**
 * QR of each m×n matrix of `a`: R ([batch, rr, n], rr = min(m, n) or m for "complete") and, unless
 * `qCols` is 0, the first qCols columns of Q ([batch, m, qCols]). Reflectors as LAPACK's dlarfg:
 * beta = -sign(alpha) ||x||, tau = 0 for a column already zero below the diagonal. `positive`
 * flips Q's first min(m, n) columns where R's diagonal is negative (R itself is left as it is):
 * Q's columns then continue A's when A's columns are orthonormal (the SVD completes U so).
 */
export function householderQr(a: GpuTensor, rRows: number, qCols: number, positive = false): { q: GpuTensor | null; r: GpuTensor } {
  const op = "webgpu qr";
  const ctx = sameContext(op, a);
  const [batch, m, n] = checkBatch(op, a, MAX_QR_N, "QR");
  const k = Math.min(m, n);
  const work = empty(ctx, a.shape, "float32");
  const tau = empty(ctx, [batch, k], "float32");
  const r = empty(ctx, [batch, rRows, n], "float32");
  const q = qCols > 0 ? empty(ctx, [batch, m, qCols], "float32") : null;
  const wg = workgroupSize(ctx, Math.max(m, n));
  ctx.dispatch({
    key: `householder_qr|${wg}|${q ? "q" : "r"}`,
    params: { layout: QR_PARAMS, values: { batch, m, n, qc: qCols, rr: rRows, aoff: a.offset, signq: positive ? 1 : 0 } },
    buffers: [a.buffer, work.buffer, tau.buffer, r.buffer, ...(q ? [q.buffer] : [])],
    workgroups: ctx.grid(batch),
    wgsl: () => qrWgsl(wg, q !== null),
  });
  release(work, tau);
  return { q, r };
}

/**
 * Applies H = I - tau v vᵀ (v = [1, x[i+1..]] in column i of w) to columns c0.. of `t` (rows i..m-1):
 * each invocation owns whole columns (its dot product and its update), so no invocation reads what
 * another writes in this step.
 */
function applyReflector(wg: number, t: string, cols: string, c0: string): string {
  return `
    for (var j = ${c0} + l; j < ${cols}; j += ${wg}u) {
      var s = ${t}[tb + i * ${cols} + j];
      for (var r = i + 1u; r < m; r++) { s = s + w[base + r * n + i] * ${t}[tb + r * ${cols} + j]; }
      s = s * t;
      ${t}[tb + i * ${cols} + j] = ${t}[tb + i * ${cols} + j] - s;
      for (var r = i + 1u; r < m; r++) { ${t}[tb + r * ${cols} + j] = ${t}[tb + r * ${cols} + j] - s * w[base + r * n + i]; }
    }
    workgroupBarrier();
    storageBarrier();`;
}

function qrWgsl(wg: number, wantQ: boolean): string {
  return `${QR_PARAMS.wgsl()}
@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read> a: array<f32>;
@group(0) @binding(2) var<storage, read_write> w: array<f32>;
@group(0) @binding(3) var<storage, read_write> taus: array<f32>;
@group(0) @binding(4) var<storage, read_write> rout: array<f32>;
${wantQ ? "@group(0) @binding(5) var<storage, read_write> q: array<f32>;" : ""}
var<workgroup> scl: array<f32, ${wg}>;
var<workgroup> ssq: array<f32, ${wg}>;
@compute @workgroup_size(${wg})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) l: u32) {
  let b = wid.x + wid.y * nwg.x;
  if (b >= P.batch) { return; }
  let m = P.m;
  let n = P.n;
  let k = min(m, n);
  let base = b * m * n;
  let tb = base;
  for (var e = l; e < m * n; e += ${wg}u) { w[base + e] = a[P.aoff + base + e]; }
  storageBarrier();
  for (var i = 0u; i < k; i++) {
    // ||x||, x = column i below the diagonal, scaled as LAPACK's nrm2 (no overflow, no underflow).
    var sc = 0.0;
    var sq = 1.0;
    for (var r = i + 1u + l; r < m; r += ${wg}u) {
      let v = abs(w[base + r * n + i]);
      if (v > 0.0) {
        if (sc < v) { sq = 1.0 + sq * (sc / v) * (sc / v); sc = v; } else { sq = sq + (v / sc) * (v / sc); }
      }
    }
    scl[l] = sc;
    ssq[l] = sq;
    workgroupBarrier();${TREE(wg, `
      let s1 = scl[l];
      let s2 = scl[l + s];
      if (s2 > s1) { ssq[l] = ssq[l + s] + ssq[l] * (s1 / s2) * (s1 / s2); scl[l] = s2; }
      else if (s2 > 0.0) { ssq[l] = ssq[l] + ssq[l + s] * (s2 / s1) * (s2 / s1); }`)}
    let xnorm = scl[0] * sqrt(ssq[0]);
    let alpha = w[base + i * n + i];
    var t = 0.0;
    var beta = alpha;
    var scal = 0.0;
    if (xnorm > 0.0) {
      let big = max(abs(alpha), xnorm);
      let h = big * sqrt((alpha / big) * (alpha / big) + (xnorm / big) * (xnorm / big));
      beta = select(h, -h, alpha >= 0.0);
      t = (beta - alpha) / beta;
      scal = 1.0 / (alpha - beta);
    }
    workgroupBarrier();
    storageBarrier();
    if (t != 0.0) {
      for (var r = i + 1u + l; r < m; r += ${wg}u) { w[base + r * n + i] = w[base + r * n + i] * scal; }
    }
    if (l == 0u) { w[base + i * n + i] = beta; taus[b * k + i] = t; }
    storageBarrier();
${applyReflector(wg, "w", "n", "i + 1u")}
  }
  for (var e = l; e < P.rr * n; e += ${wg}u) {
    let i = e / n;
    let j = e % n;
    rout[b * P.rr * n + e] = select(0.0, w[base + i * n + j], j >= i);
  }
${wantQ ? `  // orgqr: Q = H(0) ... H(k-1) applied to the first qc columns of the identity, last reflector first.
  let qc = P.qc;
  let qb = b * m * qc;
  for (var e = l; e < m * qc; e += ${wg}u) { q[qb + e] = select(0.0, 1.0, e / qc == e % qc); }
  storageBarrier();
  for (var step = 0u; step < k; step++) {
    let i = k - 1u - step;
    let t = taus[b * k + i];
    {
      let tb = qb;
${applyReflector(wg, "q", "qc", "i")}
    }
  }
  if (P.signq != 0u) {
    for (var e = l; e < m * qc; e += ${wg}u) {
      let j = e % qc;
      if (j < k && w[base + j * n + j] < 0.0) { q[qb + e] = -q[qb + e]; }
    }
  }` : ""}
}
`;
}

/**
 * The round-robin pairing: in round `rr` of a sweep over N (even) indices, slot s pairs index
 * 0 or a rotating one with another; returns the pair ordered (p < q).
 */
const PAIR_FN = `
fn pairOf(slot: u32, round: u32, N: u32) -> vec2<u32> {
  let a = select((slot - 1u + round) % (N - 1u) + 1u, 0u, slot == 0u);
  let b = (N - 2u - slot + round) % (N - 1u) + 1u;
  return vec2<u32>(min(a, b), max(a, b));
}
// The Jacobi rotation for cot(2 phi) = theta: (cos, sin, tan) of the smaller angle (tan = 1 / (2 theta)
// for a huge theta, whose square would overflow).
fn jacobiRotation(theta: f32) -> vec3<f32> {
  var t = 0.5 / theta;
  if (abs(theta) < 1e15) { t = select(-1.0, 1.0, theta >= 0.0) / (abs(theta) + sqrt(theta * theta + 1.0)); }
  let c = 1.0 / sqrt(t * t + 1.0);
  return vec3<f32>(c, t * c, t);
}
// (x, y) rotated by r = (sin, sin / (1 + cos)), as a small correction of each value: its error does
// not grow with the values over thousands of rotations as x cos - y sin would.
fn rotatePair(x: f32, y: f32, r: vec2<f32>) -> vec2<f32> {
  return vec2<f32>(x - r.x * (y + r.y * x), y + r.x * (x - r.y * y));
}`;

/**
 * WGSL that sets `scale` (and `unscale`, its inverse) to the power of two that brings the
 * largest |entry| of the `count` values of `a` from `from` near 1, so that the sums of squares
 * neither overflow nor underflow; exact, undone on the eigen / singular values. Uses `red`.
 */
function powerOfTwoScale(wg: number, from: string, count: string): string {
  return `  var largest = 0.0;
  for (var e = l; e < ${count}; e += ${wg}u) { largest = max(largest, abs(a[${from} + e])); }
  red[l] = largest;
  workgroupBarrier();${TREE(wg, "red[l] = max(red[l], red[l + s]);")}
  let amax = red[0];
  workgroupBarrier();
  var exponent = 0i;
  if (amax > 0.0 && amax <= 3.4e38) { exponent = i32(clamp(-floor(log2(amax)), -126.0, 126.0)); }
  let scale = ldexp(1.0, exponent);
  let unscale = ldexp(1.0, -exponent);`;
}

/**
 * WGSL that rotates the pairs (p, q) of the round in `pairs` by `cs` in rows p and q (each `len`
 * long, from `base`) of the array `arr`: one-sided Jacobi's update of W and of Vᵀ.
 */
function rotateColumns(wg: number, arr: string, base: string, len: string): string {
  return `      for (var e = l; e < half * ${len}; e += ${wg}u) {
        let slot = e / ${len};
        let i = e % ${len};
        let pq = pairs[slot];
        let r = cs[slot];
        if (pq.y < n && r.x != 0.0) {
          let px = ${base} + pq.x * ${len} + i;
          let py = ${base} + pq.y * ${len} + i;
          let xy = rotatePair(${arr}[px], ${arr}[py], r);
          ${arr}[px] = xy.x;
          ${arr}[py] = xy.y;
        }
      }`;
}

/** A u32 whose order is the floats' (NaN above +inf, or below -inf with its sign bit): sorting never sees NaN compare false. */
const ORDER_KEY = `
fn orderKey(x: f32) -> u32 {
  let bits = bitcast<u32>(x);
  return select(bits | 0x80000000u, ~bits, (bits & 0x80000000u) != 0u);
}`;

/**
 * Eigenvalues ([batch, n], ascending) and, with `vectors`, eigenvectors (columns of [batch, n, n])
 * of the symmetric matrices of `a`, of which only the lower (or `upper`) triangle is read.
 */
export function jacobiEigh(a: GpuTensor, upper: boolean, vectors: boolean): { values: GpuTensor; vectors: GpuTensor | null } {
  const op = "webgpu eigh";
  const ctx = sameContext(op, a);
  const [batch, m, n] = checkBatch(op, a, MAX_JACOBI_N, "eigh");
  if (m !== n) throw new Error(`${op}: expected square matrices, got ${shapeStr(a.shape)}`);
  const work = empty(ctx, a.shape, "float32");
  const values = empty(ctx, [batch, n], "float32");
  const acc = vectors ? empty(ctx, a.shape, "float32") : null;
  const out = vectors ? empty(ctx, a.shape, "float32") : null;
  const wg = workgroupSize(ctx, n);
  ctx.dispatch({
    key: `jacobi_eigh|${wg}|${vectors}`,
    params: { layout: JACOBI_PARAMS, values: { batch, m, n, aoff: a.offset, upper: upper ? 1 : 0 } },
    buffers: [a.buffer, work.buffer, values.buffer, ...(acc && out ? [acc.buffer, out.buffer] : [])],
    workgroups: ctx.grid(batch),
    wgsl: () => eighWgsl(wg, vectors),
  });
  release(work, acc);
  return { values, vectors: out };
}

function eighWgsl(wg: number, vectors: boolean): string {
  const half = MAX_JACOBI_N / 2;
  return `${JACOBI_PARAMS.wgsl()}
@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read> a: array<f32>;
@group(0) @binding(2) var<storage, read_write> w: array<f32>;
@group(0) @binding(3) var<storage, read_write> vals: array<f32>;
${vectors ? `@group(0) @binding(4) var<storage, read_write> v: array<f32>;
@group(0) @binding(5) var<storage, read_write> vout: array<f32>;` : ""}
var<workgroup> red: array<f32, ${wg}>;
var<workgroup> red2: array<f32, ${wg}>;
var<workgroup> cs: array<vec2<f32>, ${half}>;
var<workgroup> pairs: array<vec2<u32>, ${half}>;
var<workgroup> dg: array<vec2<f32>, ${half}>;
var<workgroup> rank: array<u32, ${MAX_JACOBI_N}>;
var<workgroup> done: u32;
${PAIR_FN}
${ORDER_KEY}
@compute @workgroup_size(${wg})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) l: u32) {
  let b = wid.x + wid.y * nwg.x;
  if (b >= P.batch) { return; }
  let n = P.n;
  let base = b * n * n;
${powerOfTwoScale(wg, "P.aoff + base", "n * n")}
  // The symmetric matrix from the triangle UPLO names (its diagonal included).
  for (var e = l; e < n * n; e += ${wg}u) {
    let i = e / n;
    let j = e % n;
    let fromUpper = P.upper != 0u;
    let src = select(select(j * n + i, e, j <= i), select(j * n + i, e, j >= i), fromUpper);
    w[base + e] = a[P.aoff + base + src] * scale;
${vectors ? "    v[base + e] = select(0.0, 1.0, i == j);" : ""}
  }
  storageBarrier();
  let N = n + (n & 1u);
  let half = N / 2u;
  for (var sweep = 0u; sweep < ${MAX_SWEEPS}u; sweep++) {
    // Converged when the off-diagonal part is below float32's resolution of the whole matrix.
    var off = 0.0;
    var all = 0.0;
    for (var e = l; e < n * n; e += ${wg}u) {
      let x = w[base + e];
      all = all + x * x;
      if (e / n != e % n) { off = off + x * x; }
    }
    red[l] = off;
    red2[l] = all;
    workgroupBarrier();${TREE(wg, "red[l] = red[l] + red[l + s]; red2[l] = red2[l] + red2[l + s];")}
    if (l == 0u) { done = select(0u, 1u, red[0] <= 1e-14 * red2[0]); }
    if (workgroupUniformLoad(&done) != 0u) { break; }
    for (var round = 0u; round + 1u < N; round++) {
      for (var slot = l; slot < half; slot += ${wg}u) {
        let pq = pairOf(slot, round, N);
        pairs[slot] = pq;
        var c = 1.0;
        var s = 0.0;
        if (pq.y < n) {
          let app = w[base + pq.x * n + pq.x];
          let aqq = w[base + pq.y * n + pq.y];
          let apq = w[base + pq.x * n + pq.y];
          // Rutishauser's test: apq negligible next to both diagonal entries is left alone (a skipped
          // pair adds no rounding); else the rotation that zeroes it, and the block's new diagonal.
          let g = 100.0 * abs(apq);
          if (apq != 0.0 && (abs(app) + g != abs(app) || abs(aqq) + g != abs(aqq))) {
            let rot = jacobiRotation((aqq - app) / (2.0 * apq));
            c = rot.x;
            s = rot.y;
            let t = rot.z;
            dg[slot] = vec2<f32>(app - t * apq, aqq + t * apq);
          }
        }
        cs[slot] = vec2<f32>(s, s / (1.0 + c));
      }
      workgroupBarrier();
      storageBarrier();
      // A J (and V J): columns p, q of every row.
      for (var e = l; e < n * half; e += ${wg}u) {
        let row = e / half;
        let slot = e % half;
        let pq = pairs[slot];
        if (pq.y < n && cs[slot].x != 0.0) {
          let r = cs[slot];
          let px = base + row * n + pq.x;
          let py = base + row * n + pq.y;
          let xy = rotatePair(w[px], w[py], r);
          w[px] = xy.x;
          w[py] = xy.y;
${vectors ? `          let vxy = rotatePair(v[px], v[py], r);
          v[px] = vxy.x;
          v[py] = vxy.y;` : ""}
        }
      }
      storageBarrier();
      // Jᵀ (A J): rows p, q of every column.
      for (var e = l; e < n * half; e += ${wg}u) {
        let col = e / half;
        let slot = e % half;
        let pq = pairs[slot];
        if (pq.y < n && cs[slot].x != 0.0) {
          let r = cs[slot];
          let px = base + pq.x * n + col;
          let py = base + pq.y * n + col;
          let xy = rotatePair(w[px], w[py], r);
          w[px] = xy.x;
          w[py] = xy.y;
        }
      }
      storageBarrier();
      // The rotated blocks exactly: the diagonal from the closed form, zeros off it.
      for (var slot = l; slot < half; slot += ${wg}u) {
        let pq = pairs[slot];
        if (pq.y < n && cs[slot].x != 0.0) {
          w[base + pq.x * n + pq.x] = dg[slot].x;
          w[base + pq.y * n + pq.y] = dg[slot].y;
          w[base + pq.x * n + pq.y] = 0.0;
          w[base + pq.y * n + pq.x] = 0.0;
        }
      }
      workgroupBarrier();
      storageBarrier();
    }
  }
  // Ascending order (ties by index): each eigenvalue's rank among the diagonal.
  for (var i = l; i < n; i += ${wg}u) {
    let d = orderKey(w[base + i * n + i]);
    var r = 0u;
    for (var j = 0u; j < n; j++) {
      let x = orderKey(w[base + j * n + j]);
      if (x < d || (x == d && j < i)) { r++; }
    }
    rank[i] = r;
    vals[b * n + r] = w[base + i * n + i] * unscale;
  }
  workgroupBarrier();
${vectors ? `  for (var e = l; e < n * n; e += ${wg}u) {
    let row = e / n;
    let i = e % n;
    vout[base + row * n + rank[i]] = v[base + e];
  }` : ""}
}
`;
}

/**
 * The SVD of each m×n matrix of `a`, m >= n, by one-sided Jacobi on its columns: singular values
 * ([batch, n], descending) and, with `vectors`, U's first n columns ([batch, m, n]; a column for a
 * zero singular value is zero: the caller completes U) and V ([batch, n, n], columns).
 */
export function jacobiSvd(a: GpuTensor, vectors: boolean): { s: GpuTensor; u: GpuTensor | null; v: GpuTensor | null } {
  const op = "webgpu svd";
  const ctx = sameContext(op, a);
  const [batch, m, n] = checkBatch(op, a, MAX_JACOBI_N, "SVD");
  if (m < n) throw new Error(`${op}: expected m >= n, got ${shapeStr(a.shape)}`);
  // Columns as rows (contiguous): W = Aᵀ [n, m], Vᵀ [n, n].
  const work = empty(ctx, [batch, n, m], "float32");
  const s = empty(ctx, [batch, n], "float32");
  const vt = vectors ? empty(ctx, [batch, n, n], "float32") : null;
  const u = vectors ? empty(ctx, [batch, m, n], "float32") : null;
  const v = vectors ? empty(ctx, [batch, n, n], "float32") : null;
  const wg = workgroupSize(ctx, Math.max(m, n));
  ctx.dispatch({
    key: `jacobi_svd|${wg}|${vectors}`,
    params: { layout: JACOBI_PARAMS, values: { batch, m, n, aoff: a.offset, upper: 0 } },
    buffers: [a.buffer, work.buffer, s.buffer, ...(vt && u && v ? [vt.buffer, u.buffer, v.buffer] : [])],
    workgroups: ctx.grid(batch),
    wgsl: () => svdWgsl(wg, vectors),
  });
  release(work, vt);
  return { s, u, v };
}

function svdWgsl(wg: number, vectors: boolean): string {
  const half = MAX_JACOBI_N / 2;
  return `${JACOBI_PARAMS.wgsl()}
@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read> a: array<f32>;
@group(0) @binding(2) var<storage, read_write> w: array<f32>;
@group(0) @binding(3) var<storage, read_write> sv: array<f32>;
${vectors ? `@group(0) @binding(4) var<storage, read_write> vt: array<f32>;
@group(0) @binding(5) var<storage, read_write> uout: array<f32>;
@group(0) @binding(6) var<storage, read_write> vout: array<f32>;` : ""}
var<workgroup> cs: array<vec2<f32>, ${half}>;
var<workgroup> pairs: array<vec2<u32>, ${half}>;
var<workgroup> norms: array<f32, ${MAX_JACOBI_N}>;
var<workgroup> rank: array<u32, ${MAX_JACOBI_N}>;
var<workgroup> rotated: array<u32, ${wg}>;
var<workgroup> more: u32;
var<workgroup> red: array<f32, ${wg}>;
${PAIR_FN}
${ORDER_KEY}
@compute @workgroup_size(${wg})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) l: u32) {
  let b = wid.x + wid.y * nwg.x;
  if (b >= P.batch) { return; }
  let m = P.m;
  let n = P.n;
  let wb = b * n * m;
  let vb = b * n * n;
${powerOfTwoScale(wg, "P.aoff + b * m * n", "m * n")}
  for (var e = l; e < m * n; e += ${wg}u) {
    let j = e / m;
    let i = e % m;
    w[wb + e] = a[P.aoff + b * m * n + i * n + j] * scale;
  }
${vectors ? `  for (var e = l; e < n * n; e += ${wg}u) { vt[vb + e] = select(0.0, 1.0, e / n == e % n); }` : ""}
  storageBarrier();
  let N = n + (n & 1u);
  let half = N / 2u;
  // Columns are rotated while some pair's correlation exceeds tol (LAPACK's gesvj: sqrt(m) eps).
  let tol = sqrt(f32(m)) * 1.1920929e-7;
  for (var sweep = 0u; sweep < ${MAX_SWEEPS}u; sweep++) {
    rotated[l] = 0u;
    for (var round = 0u; round + 1u < N; round++) {
      for (var slot = l; slot < half; slot += ${wg}u) {
        let pq = pairOf(slot, round, N);
        pairs[slot] = pq;
        var c = 1.0;
        var s = 0.0;
        if (pq.y < n) {
          var alpha = 0.0;
          var beta = 0.0;
          var gamma = 0.0;
          for (var i = 0u; i < m; i++) {
            let x = w[wb + pq.x * m + i];
            let y = w[wb + pq.y * m + i];
            alpha = alpha + x * x;
            beta = beta + y * y;
            gamma = gamma + x * y;
          }
          if (abs(gamma) > tol * sqrt(alpha) * sqrt(beta)) {
            let rot = jacobiRotation((beta - alpha) / (2.0 * gamma));
            c = rot.x;
            s = rot.y;
            rotated[l] = 1u;
          }
        }
        cs[slot] = vec2<f32>(s, s / (1.0 + c));
      }
      workgroupBarrier();
      storageBarrier();
${rotateColumns(wg, "w", "wb", "m")}
${vectors ? rotateColumns(wg, "vt", "vb", "n") : ""}
      workgroupBarrier();
      storageBarrier();
    }
    workgroupBarrier();${TREE(wg, "rotated[l] = max(rotated[l], rotated[l + s]);")}
    if (l == 0u) { more = rotated[0]; }
    if (workgroupUniformLoad(&more) == 0u) { break; }
  }
  // The singular values: the columns' norms (scaled, so that no square overflows), descending.
  for (var j = l; j < n; j += ${wg}u) {
    var big = 0.0;
    for (var i = 0u; i < m; i++) { big = max(big, abs(w[wb + j * m + i])); }
    var sum = 0.0;
    if (big > 0.0) {
      for (var i = 0u; i < m; i++) { let x = w[wb + j * m + i] / big; sum = sum + x * x; }
    }
    norms[j] = big * sqrt(sum);
  }
  workgroupBarrier();
  for (var j = l; j < n; j += ${wg}u) {
    let d = orderKey(norms[j]);
    var r = 0u;
    for (var i = 0u; i < n; i++) {
      let x = orderKey(norms[i]);
      if (x > d || (x == d && i < j)) { r++; }
    }
    rank[j] = r;
    sv[b * n + r] = norms[j] * unscale;
  }
  workgroupBarrier();
${vectors ? `  for (var e = l; e < m * n; e += ${wg}u) {
    let j = e / m;
    let i = e % m;
    let d = norms[j];
    uout[b * m * n + i * n + rank[j]] = select(0.0, w[wb + e] / d, d > 0.0);
  }
  for (var e = l; e < n * n; e += ${wg}u) {
    let j = e / n;
    let i = e % n;
    vout[vb + i * n + rank[j]] = vt[vb + e];
  }` : ""}
}
`;
}
