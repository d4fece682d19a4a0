// Sorting the rows of a contiguous float32 or int32 [rows, n] tensor: a bitonic network over each row padded
// to a power of two, one dispatch per stage (a thread per compared pair), on (value, index) keys.
// Comparing the original index on ties makes it stable (torch.sort(stable=True)); NaN sorts last
// ascending and first descending, as PyTorch's; padding always sorts last.

import { type GpuTensor, checkDType, empty, isContiguous, numel, sameContext, shapeStr } from "./tensor.js";
import { LINEAR_BUILTINS, ParamStruct, WGSL_HELPERS, linearIndex } from "./wgsl.js";

const PARAMS = new ParamStruct(["rows", "n", "P", "k", "j", "xoff"].map((name) => ({ name, type: "u32" as const })));

function beforeWgsl(descending: boolean, T: "f32" | "i32"): string {
  const nan = T === "f32" ? `
  let an = isnan_f(av);
  let bn = isnan_f(bv);
  if (an || bn) {
    if (an && bn) { return ai < bi; }
    return ${descending ? "an" : "bn"};
  }` : "";
  return `${T === "f32" ? WGSL_HELPERS.isnan : ""}
fn before(av: ${T}, ai: i32, bv: ${T}, bi: i32) -> bool {
  let apad = ai >= i32(P.n);
  let bpad = bi >= i32(P.n);
  if (apad || bpad) { return !apad || (bpad && ai < bi); }${nan}
  if (av == bv) { return ai < bi; }
  return ${descending ? "av > bv" : "av < bv"};
}`;
}

/**
 * Each row of `x` ([rows, n], contiguous float32 or int32) sorted (ascending, or descending), stably:
 * the sorted values and the int32 source index (within the row) of each.
 */
export function sortRows(x: GpuTensor, descending: boolean): { values: GpuTensor; indices: GpuTensor } {
  const op = "webgpu sort";
  const ctx = sameContext(op, x);
  checkDType(op, "input", x, ["float32", "int32"]);
  if (x.shape.length !== 2 || !isContiguous(x)) throw new Error(`${op}: expected a contiguous [rows, n] tensor, got ${shapeStr(x.shape)}`);
  const [rows, n] = x.shape as [number, number];
  const values = empty(ctx, x.shape, x.dtype), indices = empty(ctx, x.shape, "int32");
  if (numel(x.shape) === 0) return { values, indices };
  let P = 1;
  while (P < n) P *= 2;
  const keys = empty(ctx, [rows, P], x.dtype), order = empty(ctx, [rows, P], "int32");
  const wg = Math.min(256, ctx.maxWorkgroupSize);
  const dir = descending ? "desc" : "asc";
  const T = x.dtype === "float32" ? "f32" : "i32";
  const run = (kind: "init" | "stage" | "finish", total: number, k: number, j: number): void => {
    ctx.dispatch({
      key: `sort_rows|${kind}|${dir}|${T}|${wg}`,
      params: { layout: PARAMS, values: { rows, n, P, k, j, xoff: x.offset } },
      buffers: kind === "init" ? [x.buffer, keys.buffer, order.buffer]
        : kind === "stage" ? [keys.buffer, order.buffer] : [keys.buffer, order.buffer, values.buffer, indices.buffer],
      workgroups: ctx.grid(Math.ceil(total / wg)),
      wgsl: () => sortWgsl(kind, descending, T, wg),
    });
  };
  run("init", rows * P, 0, 0);
  for (let k = 2; k <= P; k *= 2) for (let j = k / 2; j >= 1; j /= 2) run("stage", rows * (P / 2), k, j);
  run("finish", rows * n, 0, 0);
  keys.buffer.release();
  order.buffer.release();
  return { values, indices };
}

function sortWgsl(kind: "init" | "stage" | "finish", descending: boolean, T: "f32" | "i32", wg: number): string {
  const body = kind === "init" ? `
  if (t >= P.rows * P.P) { return; }
  let row = t / P.P;
  let p = t % P.P;
  var v = ${T}(0);
  if (p < P.n) { v = x[P.xoff + row * P.n + p]; }
  keys[t] = v;
  order[t] = i32(p);`
    : kind === "stage" ? `
  let half = P.P / 2u;
  if (t >= P.rows * half) { return; }
  let row = t / half;
  let i = t % half;
  let lo = row * P.P + (i / P.j) * 2u * P.j + (i % P.j);
  let hi = lo + P.j;
  let av = keys[lo]; let ai = order[lo];
  let bv = keys[hi]; let bi = order[hi];
  let up = ((lo - row * P.P) & P.k) == 0u;
  let swap = select(before(av, ai, bv, bi), before(bv, bi, av, ai), up);
  if (swap) { keys[lo] = bv; order[lo] = bi; keys[hi] = av; order[hi] = ai; }`
      : `
  if (t >= P.rows * P.n) { return; }
  let row = t / P.n;
  let p = t % P.n;
  outv[t] = keys[row * P.P + p];
  outi[t] = order[row * P.P + p];`;
  // Each kind binds only the buffers it uses ("auto" layouts drop unused bindings).
  const bindings = kind === "init" ? [`read> x: array<${T}>;`, `read_write> keys: array<${T}>;`, "read_write> order: array<i32>;"]
    : kind === "stage" ? [`read_write> keys: array<${T}>;`, "read_write> order: array<i32>;"]
      : [`read> keys: array<${T}>;`, "read> order: array<i32>;", `read_write> outv: array<${T}>;`, "read_write> outi: array<i32>;"];
  return `${PARAMS.wgsl()}
@group(0) @binding(0) var<uniform> P: Params;
${bindings.map((b, i) => `@group(0) @binding(${i + 1}) var<storage, ${b}`).join("\n")}
${kind === "stage" ? beforeWgsl(descending, T) : ""}
@compute @workgroup_size(${wg})
fn main(${LINEAR_BUILTINS}) {
  let t = ${linearIndex(wg)};${body}
}
`;
}
