// Inclusive scans along the rows of a contiguous float32 or int32 [rows, n] tensor: cumsum,
// cumprod, logcumsumexp (float32), and cummax/cummin with indices. A workgroup scans a row in chunks of its size
// (Hillis-Steele in workgroup memory, plus the carry of the previous chunks); rows of at most 32
// elements run a thread per row instead. Every combine is associative, so the results equal the
// sequential scan's up to float rounding; cummax/cummin pick indices exactly as the CPU's loop
// (a NaN takes over and propagates, ties move the index forward).

import { type GpuTensor, checkDType, empty, isContiguous, numel, sameContext, shapeStr } from "./tensor.js";
import { F32_BITS, I32_MAX, I32_MIN, LINEAR_BUILTINS, NEG_INF, POS_INF, ParamStruct, WGSL_HELPERS, linearIndex } from "./wgsl.js";

export type ScanKind = "sum" | "prod" | "logsumexp" | "max" | "min";

const PARAMS = new ParamStruct(["rows", "n", "xoff"].map((name) => ({ name, type: "u32" as const })));

const NAN_FIRST = `  if (isnan_f(b)) { return Pair(b, bi); }
  if (isnan_f(a)) { return Pair(a, ai); }
`;

/** The scan's identity and its combine of an earlier (a, ai) with a later (b, bi) partial result, in T (f32 or i32). */
function combineWgsl(kind: ScanKind, T: "f32" | "i32"): { identity: string; fn: string } {
  const float = T === "f32";
  const sig = `fn combine(a: ${T}, ai: i32, b: ${T}, bi: i32) -> Pair`;
  // A NaN takes over and propagates (floats only); otherwise the later value wins ties.
  const pick = (better: string): string => `${sig} {
${float ? NAN_FIRST : ""}  if (${better}) { return Pair(b, bi); }
  return Pair(a, ai);
}`;
  switch (kind) {
    case "sum": return { identity: float ? "0.0" : "0i", fn: `${sig} { return Pair(a + b, 0i); }` };
    case "prod": return { identity: float ? "1.0" : "1i", fn: `${sig} { return Pair(a * b, 0i); }` };
    case "logsumexp": return {
      identity: NEG_INF,
      fn: `${sig} {
  let m = max(a, b);
  if (isnan_f(a) || isnan_f(b)) { return Pair(a + b, 0i); }
  // An infinite max is the result (-inf: both are; +inf: PyTorch's log-add-exp keeps it), where
  // exp(inf - inf) would be NaN.
  if (m == ${NEG_INF} || m == ${POS_INF}) { return Pair(m, 0i); }
  // m + log1p(exp(lo - m)); WGSL has no log1p, and log(1 + e) alone rounds a term far below the
  // running value (e < 2^-24) to 0. Below 1e-3 the series e - e^2/2 + e^3/3 (relative error
  // under e^3/4), above it Goldberg's log(u) * e / (u - 1), u = 1 + e, where u != 1. (A test of
  // u == 1 instead of e's size was folded away by Mesa's GLSL compiler: 0 for e = 4e-18.)
  let e = exp(min(a, b) - m);
  let u = 1.0 + e;
  return Pair(m + select(log(u) * e / (u - 1.0), e * (1.0 - e * (0.5 - e * (1.0 / 3.0))), e < 1e-3), 0i);
}`,
    };
    case "max": return { identity: float ? NEG_INF : I32_MIN, fn: pick("b >= a") };
    case "min": return { identity: float ? POS_INF : I32_MAX, fn: pick("b <= a") };
  }
}

/**
 * The inclusive scan of every row of `x` ([rows, n], contiguous float32 or int32; logsumexp float32
 * only; int32 arithmetic wraps). Returns the values (x's dtype) and,
 * for max/min, the int32 index (within the row) of each prefix's pick.
 */
export function scanRows(kind: ScanKind, x: GpuTensor): { values: GpuTensor; indices: GpuTensor | null } {
  const op = `webgpu scan (${kind})`;
  const ctx = sameContext(op, x);
  checkDType(op, "input", x, kind === "logsumexp" ? ["float32"] : ["float32", "int32"]);
  if (x.shape.length !== 2 || !isContiguous(x)) throw new Error(`${op}: expected a contiguous [rows, n] tensor, got ${shapeStr(x.shape)}`);
  const [rows, n] = x.shape as [number, number];
  const values = empty(ctx, x.shape, x.dtype);
  const withIndices = kind === "max" || kind === "min";
  const indices = withIndices ? empty(ctx, x.shape, "int32") : null;
  if (numel(x.shape) === 0) return { values, indices };
  const perThread = n <= 32;
  const wg = perThread ? Math.min(64, ctx.maxWorkgroupSize) : Math.min(256, ctx.maxWorkgroupSize);
  const buffers = [x.buffer, values.buffer, ...(indices ? [indices.buffer] : [])];
  ctx.dispatch({
    key: `scan_rows|${kind}|${x.dtype}|${perThread ? "t" : "g"}|${wg}`,
    params: { layout: PARAMS, values: { rows, n, xoff: x.offset } },
    buffers,
    workgroups: ctx.grid(perThread ? Math.ceil(rows / wg) : rows),
    wgsl: () => scanWgsl(kind, x.dtype === "float32" ? "f32" : "i32", withIndices, perThread, wg),
  });
  return { values, indices };
}

function scanWgsl(kind: ScanKind, T: "f32" | "i32", withIndices: boolean, perThread: boolean, wg: number): string {
  const { identity, fn } = combineWgsl(kind, T);
  const head = `${F32_BITS}
${WGSL_HELPERS.isnan}
${PARAMS.wgsl()}
struct Pair { v: ${T}, i: i32 }
${fn}
@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read> x: array<${T}>;
@group(0) @binding(2) var<storage, read_write> outv: array<${T}>;
${withIndices ? "@group(0) @binding(3) var<storage, read_write> outi: array<i32>;" : ""}`;
  const store = (at: string, p: string): string => `outv[${at}] = ${p}.v;${withIndices ? ` outi[${at}] = ${p}.i;` : ""}`;
  if (perThread) {
    return `${head}
@compute @workgroup_size(${wg})
fn main(${LINEAR_BUILTINS}) {
  let row = ${linearIndex(wg)};
  if (row >= P.rows) { return; }
  let base = row * P.n;
  var acc = Pair(${identity}, 0i);
  for (var c = 0u; c < P.n; c++) {
    acc = combine(acc.v, acc.i, x[P.xoff + base + c], i32(c));
    ${store("base + c", "acc")}
  }
}
`;
  }
  return `${head}
var<workgroup> sv: array<${T}, ${wg}>;
var<workgroup> si: array<i32, ${wg}>;
@compute @workgroup_size(${wg})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) l: u32) {
  let row = wid.x + wid.y * nwg.x;
  if (row >= P.rows) { return; }
  let base = row * P.n;
  var carry = Pair(${identity}, 0i);
  for (var start = 0u; start < P.n; start += ${wg}u) {
    let c = start + l;
    var mine = Pair(${identity}, 0i);
    if (c < P.n) { mine = Pair(x[P.xoff + base + c], i32(c)); }
    sv[l] = mine.v; si[l] = mine.i;
    workgroupBarrier();
    for (var k = 1u; k < ${wg}u; k = k << 1u) {
      var p = Pair(sv[l], si[l]);
      if (l >= k) { p = combine(sv[l - k], si[l - k], p.v, p.i); }
      workgroupBarrier();
      sv[l] = p.v; si[l] = p.i;
      workgroupBarrier();
    }
    let r = combine(carry.v, carry.i, sv[l], si[l]);
    if (c < P.n) { ${store("base + c", "r")} }
    carry = combine(carry.v, carry.i, sv[${wg - 1}u], si[${wg - 1}u]);
    workgroupBarrier();
  }
}
`;
}
