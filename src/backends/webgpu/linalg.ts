// Dense square linear algebra on batches of float32 matrices: LU with partial pivoting (LAPACK's
// getrf: 1-based pivots, info = the first exactly zero pivot), Cholesky (potrf, lower: info = the
// first column whose pivot is not positive), triangular solves (with the row swaps of an LU), and
// determinants from an LU. Inputs are contiguous [batch, n, n] / [batch, n, k] tensors.
//
// One workgroup factors one matrix in place in its output buffer (storage memory, so any n fits:
// workgroup memory only holds the pivot search's reduction), a column at a time, with storage
// barriers between the steps. A triangular solve runs a thread per right-hand-side column. Both
// do O(n^3 / workgroup size) sequential work per matrix: meant for the small and moderate n of
// batched linear algebra, so n is capped at MAX_LINALG_N (a longer dispatch risks the driver's
// watchdog); a blocked multi-dispatch factorization for large n is future work.

import { type GpuTensor, checkDType, empty, isContiguous, sameContext, shapeStr } from "./tensor.js";
import { F32_BITS, NEG_INF, ParamStruct } from "./wgsl.js";

/** The largest matrix order the single-workgroup factorizations accept. */
export const MAX_LINALG_N = 1024;

const FACTOR_PARAMS = new ParamStruct(["batch", "n", "aoff"].map((name) => ({ name, type: "u32" as const })));
const SOLVE_PARAMS = new ParamStruct(["batch", "n", "k", "toff", "boff", "poff"].map((name) => ({ name, type: "u32" as const })));

/** Checks a contiguous float32 [batch, n, n] operand within the size limit; returns [batch, n]. */
function squareBatch(op: string, a: GpuTensor): [number, number] {
  checkDType(op, "A", a, ["float32"]);
  if (a.shape.length !== 3 || a.shape[1] !== a.shape[2] || !isContiguous(a)) {
    throw new Error(`${op}: expected a contiguous [batch, n, n] tensor, got ${shapeStr(a.shape)}`);
  }
  const n = a.shape[1]!;
  if (n > MAX_LINALG_N) {
    throw new Error(`${op}: matrices of order ${n} are too large for the 'webgpu' device, which factors matrices of order at most ${MAX_LINALG_N} (one workgroup per matrix); move them to the CPU (await A.cpuAsync())`);
  }
  return [a.shape[0]!, n];
}

/**
 * A power of two (for the tree reduction of the pivot search) near the order, 64 to 256: small
 * matrices get fewer idle threads and a shorter reduction (a barrier per halving), so more of
 * them share a compute unit.
 */
function workgroupSize(ctx: GpuTensor["ctx"], n: number): number {
  const limit = Math.min(256, ctx.maxWorkgroupSize);
  let wg = 1;
  while (wg * 2 <= limit && (wg < 64 || wg < n)) wg *= 2;
  return wg;
}

const FACTOR_HEAD = (wg: number, extra: string): string => `${FACTOR_PARAMS.wgsl()}
@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read> a: array<f32>;
@group(0) @binding(2) var<storage, read_write> f: array<f32>;
${extra}
@compute @workgroup_size(${wg})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) l: u32) {
  let b = wid.x + wid.y * nwg.x;
  if (b >= P.batch) { return; }
  let n = P.n;
  let base = b * n * n;
  for (var e = l; e < n * n; e += ${wg}u) { f[base + e] = a[P.aoff + base + e]; }
  storageBarrier();`;

/**
 * LU with partial pivoting of each matrix of `a` ([batch, n, n], contiguous float32): the packed
 * factors (unit lower L below the diagonal, U on and above), 1-based int32 pivots [batch, n] (row k
 * was swapped with row pivots[k] - 1) and int32 info [batch] (k + 1 for the first zero U[k][k]).
 */
export function luFactor(a: GpuTensor): { lu: GpuTensor; pivots: GpuTensor; info: GpuTensor } {
  const op = "webgpu lu_factor";
  const ctx = sameContext(op, a);
  const [batch, n] = squareBatch(op, a);
  const lu = empty(ctx, a.shape, "float32");
  const pivots = empty(ctx, [batch, n], "int32");
  const info = empty(ctx, [batch], "int32");
  const wg = workgroupSize(ctx, n);
  ctx.dispatch({
    key: `lu_factor|${wg}`,
    params: { layout: FACTOR_PARAMS, values: { batch, n, aoff: a.offset } },
    buffers: [a.buffer, lu.buffer, pivots.buffer, info.buffer],
    workgroups: ctx.grid(batch),
    wgsl: () => luWgsl(wg),
  });
  return { lu, pivots, info };
}

function luWgsl(wg: number): string {
  return `${FACTOR_HEAD(wg, `@group(0) @binding(3) var<storage, read_write> piv: array<i32>;
@group(0) @binding(4) var<storage, read_write> info: array<i32>;
var<workgroup> rv: array<f32, ${wg}>;
var<workgroup> ri: array<u32, ${wg}>;`)}
  var firstZero = 0i;
  for (var k = 0u; k < n; k++) {
    // The pivot: the first row of largest magnitude in column k at or below the diagonal (idamax).
    var best = -1.0;
    var bi = k;
    for (var i = k + l; i < n; i += ${wg}u) {
      let v = abs(f[base + i * n + k]);
      if (v > best) { best = v; bi = i; }
    }
    rv[l] = best;
    ri[l] = bi;
    workgroupBarrier();
    for (var s = ${wg / 2}u; s > 0u; s = s >> 1u) {
      if (l < s) {
        let v = rv[l + s];
        let j = ri[l + s];
        if (v > rv[l] || (v == rv[l] && j < ri[l])) { rv[l] = v; ri[l] = j; }
      }
      workgroupBarrier();
    }
    let p = ri[0];
    if (l == 0u) { piv[b * n + k] = i32(p) + 1i; }
    if (p != k) {
      for (var j = l; j < n; j += ${wg}u) {
        let t = f[base + k * n + j];
        f[base + k * n + j] = f[base + p * n + j];
        f[base + p * n + j] = t;
      }
    }
    storageBarrier();
    let d = f[base + k * n + k];
    if (d == 0.0) {
      if (firstZero == 0i) { firstZero = i32(k) + 1i; }
    } else {
      for (var i = k + 1u + l; i < n; i += ${wg}u) { f[base + i * n + k] = f[base + i * n + k] / d; }
    }
    storageBarrier();
    let m = n - k - 1u;
    for (var e = l; e < m * m; e += ${wg}u) {
      let i = k + 1u + e / m;
      let j = k + 1u + e % m;
      f[base + i * n + j] = f[base + i * n + j] - f[base + i * n + k] * f[base + k * n + j];
    }
    storageBarrier();
  }
  if (l == 0u) { info[b] = firstZero; }
}
`;
}

/**
 * The lower Cholesky factor of each matrix of `a` ([batch, n, n], contiguous float32; only its
 * lower triangle is read), zeros above the diagonal, and int32 info [batch]: j + 1 for the first
 * column whose pivot is not positive (or NaN). The trailing block from there on holds NaN (inf/NaN
 * for a zero pivot), where LAPACK stops.
 */
export function cholesky(a: GpuTensor): { factor: GpuTensor; info: GpuTensor } {
  const op = "webgpu cholesky";
  const ctx = sameContext(op, a);
  const [batch, n] = squareBatch(op, a);
  const factor = empty(ctx, a.shape, "float32");
  const info = empty(ctx, [batch], "int32");
  const wg = workgroupSize(ctx, n);
  ctx.dispatch({
    key: `cholesky|${wg}`,
    params: { layout: FACTOR_PARAMS, values: { batch, n, aoff: a.offset } },
    buffers: [a.buffer, factor.buffer, info.buffer],
    workgroups: ctx.grid(batch),
    wgsl: () => choleskyWgsl(wg),
  });
  return { factor, info };
}

function choleskyWgsl(wg: number): string {
  return `${FACTOR_HEAD(wg, "@group(0) @binding(3) var<storage, read_write> info: array<i32>;")}
  var failed = 0i;
  for (var j = 0u; j < n; j++) {
    let d = f[base + j * n + j];
    // Not positive, or NaN (tested by its bits: compilers may assume there is no NaN).
    if (!(d > 0.0) || (bitcast<u32>(d) & 0x7fffffffu) > 0x7f800000u) {
      if (failed == 0i) { failed = i32(j) + 1i; }
    }
    let r = sqrt(d);
    for (var i = j + 1u + l; i < n; i += ${wg}u) { f[base + i * n + j] = f[base + i * n + j] / r; }
    storageBarrier();
    if (l == 0u) { f[base + j * n + j] = r; }
    // The trailing lower triangle: rows i > j, columns j < c <= i.
    let m = n - j - 1u;
    for (var e = l; e < m * m; e += ${wg}u) {
      let i = j + 1u + e / m;
      let c = j + 1u + e % m;
      if (c <= i) { f[base + i * n + c] = f[base + i * n + c] - f[base + i * n + j] * f[base + c * n + j]; }
    }
    storageBarrier();
  }
  for (var e = l; e < n * n; e += ${wg}u) {
    if (e % n > e / n) { f[base + e] = 0.0; }
  }
  if (l == 0u) { info[b] = failed; }
}
`;
}

/** One triangular solve of a chain: the matrix's upper or lower triangle, its unit diagonal, and whether it is read transposed. */
export interface TriangularStage {
  upper: boolean;
  unit: boolean;
  transposed: boolean;
}

/**
 * X = S_m^{-1} ... S_1^{-1} (Q B) for each matrix of the batch: `t` [batch, n, n] holds the
 * triangles (read through each stage's flags), `b` [batch, n, k] the right-hand sides, and with
 * `pivots` ([batch, n], 1-based as luFactor gives) Q is the LU's row swaps applied to B first
 * (`permute: "before"`), or their inverse applied to the result (`"after"`, for solves with the
 * transposed factorization). Contiguous float32 operands; X is a new [batch, n, k] tensor.
 */
export function triangularSolve(
  t: GpuTensor, b: GpuTensor, stages: readonly TriangularStage[],
  pivots: { pivots: GpuTensor; permute: "before" | "after" } | null = null,
): GpuTensor {
  const op = "webgpu triangular_solve";
  const ctx = sameContext(op, t, b, pivots?.pivots);
  const [batch, n] = squareBatch(op, t);
  checkDType(op, "B", b, ["float32"]);
  if (b.shape.length !== 3 || b.shape[0] !== batch || b.shape[1] !== n || !isContiguous(b)) {
    throw new Error(`${op}: expected a contiguous [${batch}, ${n}, k] right-hand side, got ${shapeStr(b.shape)}`);
  }
  if (pivots) {
    checkDType(op, "pivots", pivots.pivots, ["int32"]);
    if (!isContiguous(pivots.pivots) || pivots.pivots.shape.join() !== `${batch},${n}`) {
      throw new Error(`${op}: expected contiguous [${batch}, ${n}] pivots, got ${shapeStr(pivots.pivots.shape)}`);
    }
  }
  const k = b.shape[2]!;
  const x = empty(ctx, b.shape, "float32");
  const wg = Math.min(64, ctx.maxWorkgroupSize);
  const stageKey = stages.map((s) => `${s.upper ? "u" : "l"}${s.unit ? "1" : ""}${s.transposed ? "t" : ""}`).join(",");
  // Without pivots, the triangles' buffer stands in for them (bound read-only twice, never read).
  const pivotBuffer = pivots?.pivots.buffer ?? t.buffer;
  ctx.dispatch({
    key: `triangular_solve|${stageKey}|${pivots?.permute ?? "-"}|${wg}`,
    params: { layout: SOLVE_PARAMS, values: { batch, n, k, toff: t.offset, boff: b.offset, poff: pivots?.pivots.offset ?? 0 } },
    buffers: [t.buffer, b.buffer, pivotBuffer, x.buffer],
    workgroups: ctx.grid(Math.ceil((batch * k) / wg)),
    wgsl: () => solveWgsl(stages, pivots?.permute ?? null, wg),
  });
  return x;
}

function solveWgsl(stages: readonly TriangularStage[], permute: "before" | "after" | null, wg: number): string {
  const at = (s: TriangularStage, i: string, j: string): string => `t[tb + ${s.transposed ? `${j} * n + ${i}` : `${i} * n + ${j}`}]`;
  const stage = (s: TriangularStage): string => {
    // Lower (as read): forward substitution; upper: backward.
    const rows = s.upper ? "for (var r = 0u; r < n; r++) {\n    let i = n - 1u - r;" : "for (var i = 0u; i < n; i++) {";
    const inner = s.upper ? "for (var j = i + 1u; j < n; j++)" : "for (var j = 0u; j < i; j++)";
    return `  ${rows}
    var s = x[xb + i * k];
    ${inner} { s = s - ${at(s, "i", "j")} * x[xb + j * k]; }
    x[xb + i * k] = ${s.unit ? "s" : `s / ${at(s, "i", "i")}`};
  }`;
  };
  const swap = (i: string): string => `{ let p = u32(piv[P.poff + bi * n + ${i}] - 1i); let v = x[xb + ${i} * k]; x[xb + ${i} * k] = x[xb + p * k]; x[xb + p * k] = v; }`;
  return `${SOLVE_PARAMS.wgsl()}
@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read> t: array<f32>;
@group(0) @binding(2) var<storage, read> rhs: array<f32>;
@group(0) @binding(3) var<storage, read> piv: array<i32>;
@group(0) @binding(4) var<storage, read_write> x: array<f32>;
@compute @workgroup_size(${wg})
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let id = gid.x + gid.y * nwg.x * ${wg}u;
  let n = P.n;
  let k = P.k;
  if (id >= P.batch * k) { return; }
  let bi = id / k;
  let c = id % k;
  let tb = P.toff + bi * n * n;
  let xb = bi * n * k + c;
  for (var i = 0u; i < n; i++) { x[xb + i * k] = rhs[P.boff + xb + i * k]; }
${permute === "before" ? `  for (var i = 0u; i < n; i++) ${swap("i")}` : ""}
${stages.map(stage).join("\n")}
${permute === "after" ? `  for (var r = 0u; r < n; r++) { let i = n - 1u - r; ${swap("i")} }` : ""}
}
`;
}

/** det, sign and log|det| [batch] of each matrix from its packed LU and pivots (float32, int32). */
export function luDeterminants(lu: GpuTensor, pivots: GpuTensor): { det: GpuTensor; sign: GpuTensor; logabsdet: GpuTensor } {
  const op = "webgpu lu_det";
  const ctx = sameContext(op, lu, pivots);
  const [batch, n] = squareBatch(op, lu);
  checkDType(op, "pivots", pivots, ["int32"]);
  const det = empty(ctx, [batch], "float32");
  const sign = empty(ctx, [batch], "float32");
  const logabsdet = empty(ctx, [batch], "float32");
  const wg = Math.min(64, ctx.maxWorkgroupSize);
  ctx.dispatch({
    key: `lu_det|${wg}`,
    params: { layout: SOLVE_PARAMS, values: { batch, n, k: 0, toff: lu.offset, boff: 0, poff: pivots.offset } },
    buffers: [lu.buffer, pivots.buffer, det.buffer, sign.buffer, logabsdet.buffer],
    workgroups: ctx.grid(Math.ceil(batch / wg)),
    wgsl: () => `${F32_BITS}
${SOLVE_PARAMS.wgsl()}
@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read> lu: array<f32>;
@group(0) @binding(2) var<storage, read> piv: array<i32>;
@group(0) @binding(3) var<storage, read_write> det: array<f32>;
@group(0) @binding(4) var<storage, read_write> sgn: array<f32>;
@group(0) @binding(5) var<storage, read_write> logabs: array<f32>;
@compute @workgroup_size(${wg})
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let bi = gid.x + gid.y * nwg.x * ${wg}u;
  if (bi >= P.batch) { return; }
  let n = P.n;
  var prod = 1.0;
  var s = 1.0;
  var la = 0.0;
  var singular = false;
  for (var i = 0u; i < n; i++) {
    let d = lu[P.toff + bi * n * n + i * n + i];
    prod = prod * d;
    if (piv[P.poff + bi * n + i] != i32(i) + 1i) { prod = -prod; s = -s; }
    if (d < 0.0) { s = -s; }
    if (d == 0.0) { singular = true; }
    la = la + log(abs(d));
  }
  det[bi] = prod;
  if (singular) { s = 0.0; la = ${NEG_INF}; }
  sgn[bi] = s;
  logabs[bi] = la;
}
`,
  });
  return { det, sign, logabsdet };
}
