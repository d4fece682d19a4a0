// gather / scatter / scatter_add along one dim on the GPU, over strided tensors of any GPU dtype.
// One invocation per index element; scatter_add accumulates with atomics (float by compare-and-
// swap), so repeated indices add up (in no fixed order, as on CUDA); a plain scatter with repeated
// indices keeps one of the values, as PyTorch's does. Out-of-range indices are skipped (a kernel
// cannot throw: indices on the device are not read back).

import type { GpuContext } from "../backends/webgpu/context.js";
import { storageType } from "../backends/webgpu/gpu-types.js";
import { type GpuTensor, MAX_DIMS, contiguousStrides, empty, numel, shapeStr } from "../backends/webgpu/tensor.js";
import { F16_ENABLE, F16_HELPERS, LINEAR_BUILTINS, ParamStruct, atomicAddF32, linearIndex, paramAt } from "../backends/webgpu/wgsl.js";

function layout(nd: number): ParamStruct {
  return new ParamStruct([
    { name: "shape", type: "u32[]", length: Math.max(1, nd) },
    { name: "st_out", type: "u32[]", length: Math.max(1, nd) },
    { name: "st_idx", type: "u32[]", length: Math.max(1, nd) },
    { name: "st_src", type: "u32[]", length: Math.max(1, nd) },
    ...["n", "dim", "size", "off_out", "off_idx", "off_src"].map((name) => ({ name, type: "u32" as const })),
    { name: "value", type: "f32" as const },
  ]);
}

/** WGSL that turns linear index `e` over P.shape into offsets o_out, o_idx, o_src (dim `dim` skipped for out/src). */
function offsets(nd: number): string {
  const lines = ["  var o_out = P.off_out;", "  var o_idx = P.off_idx;", "  var o_src = P.off_src;", "  var rem = e;"];
  for (let d = nd - 1; d >= 0; d--) {
    lines.push(`  { let c = rem % ${paramAt("shape", d)}; rem = rem / ${paramAt("shape", d)};`);
    lines.push(`    o_idx += c * ${paramAt("st_idx", d)}; o_src += c * ${paramAt("st_src", d)};`);
    lines.push(`    if (${d}u != P.dim) { o_out += c * ${paramAt("st_out", d)}; } }`);
  }
  return lines.join("\n");
}

function dims(op: string, t: GpuTensor): void {
  if (t.shape.length > MAX_DIMS) throw new Error(`${op}: more than ${MAX_DIMS} dims (shape ${shapeStr(t.shape)})`);
}

/** out[p] = input[p with p[d] = index[p]], out of index's shape (contiguous). */
export function gatherGpu(ctx: GpuContext, input: GpuTensor, d: number, index: GpuTensor): GpuTensor {
  dims("webgpu gather", index);
  const nd = Math.max(1, index.shape.length);
  const out = empty(ctx, index.shape, input.dtype);
  const n = numel(index.shape);
  if (n === 0) return out;
  const P = layout(nd);
  const shape = index.shape.length ? index.shape : [1];
  const inSt = input.shape.length ? input.strides : [0];
  const wg = Math.min(256, ctx.maxWorkgroupSize);
  const T = storageType(input.dtype);
  ctx.dispatch({
    key: `gather|${nd}|${T}|${wg}`,
    params: {
      layout: P,
      values: {
        shape, st_out: inSt, st_idx: index.shape.length ? index.strides : [0], st_src: contiguousStrides(shape),
        n, dim: d, size: input.shape.length ? input.shape[d]! : 1, off_out: input.offset, off_idx: index.offset, off_src: 0, value: 0,
      },
    },
    buffers: [out.buffer, input.buffer, index.buffer],
    workgroups: ctx.grid(Math.ceil(n / wg)),
    // Here "out" offsets address the input (the gathered-from tensor) and "src" the result.
    wgsl: () => `${T === "f16" ? F16_ENABLE : ""}
${P.wgsl()}
@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read_write> res: array<${T}>;
@group(0) @binding(2) var<storage, read> x: array<${T}>;
@group(0) @binding(3) var<storage, read> idx: array<i32>;
@compute @workgroup_size(${wg})
fn main(${LINEAR_BUILTINS}) {
  let e = ${linearIndex(wg)};
  if (e >= P.n) { return; }
${offsets(nd)}
  let k = idx[o_idx];
  if (k < 0 || u32(k) >= P.size) { res[o_src] = ${T}(0); return; }
  res[o_src] = x[o_out + u32(k) * ${paramAt("st_out", 0).replace("[0u][0u]", "[P.dim / 4u][P.dim % 4u]")}];
}
`,
  });
  return out;
}

/**
 * out[p with p[d] = index[p]] = src[p] (or the scalar `value`), in place; `add` accumulates
 * (scatter_add: float32 or int32 `out`).
 */
export function scatterGpu(ctx: GpuContext, out: GpuTensor, d: number, index: GpuTensor, src: GpuTensor | null, value: number, add: boolean): void {
  dims("webgpu scatter", index);
  const nd = Math.max(1, index.shape.length);
  const n = numel(index.shape);
  if (n === 0) return;
  if (add && out.dtype === "bool") throw new Error("webgpu scatter_add: bool is not supported");
  // Adds compute in float32: the front end scatters into a float32 copy of an f16 tensor.
  if (add && out.dtype === "float16") throw new Error("webgpu scatter_add: float16 (f16) is not supported; add into a float32 copy");
  if (src && src.dtype !== out.dtype) throw new Error(`webgpu scatter: src has dtype ${src.dtype}, out ${out.dtype}`);
  const P = layout(nd);
  const shape = index.shape.length ? index.shape : [1];
  const wg = Math.min(256, ctx.maxWorkgroupSize);
  const T = storageType(out.dtype);
  const outArr = add ? (out.dtype === "float32" ? "array<atomic<u32>>" : "array<atomic<i32>>") : `array<${T}>`;
  const stDim = `${paramAt("st_out", 0).replace("[0u][0u]", "[P.dim / 4u][P.dim % 4u]")}`;
  const write = add
    ? out.dtype === "float32" ? "atomic_add_f32(at, v);" : "atomicAdd(&res[at], v);"
    : "res[at] = v;";
  ctx.dispatch({
    key: `scatter|${nd}|${T}|${add}|${src ? "t" : "s"}|${wg}`,
    params: {
      layout: P,
      values: {
        shape, st_out: out.shape.length ? out.strides : [0], st_idx: index.shape.length ? index.strides : [0],
        st_src: src ? (src.shape.length ? src.strides : [0]) : [0], n, dim: d, size: out.shape.length ? out.shape[d]! : 1,
        off_out: out.offset, off_idx: index.offset, off_src: src?.offset ?? 0, value,
      },
    },
    buffers: src ? [out.buffer, index.buffer, src.buffer] : [out.buffer, index.buffer],
    workgroups: ctx.grid(Math.ceil(n / wg)),
    wgsl: () => `${T === "f16" ? `${F16_ENABLE}\n${F16_HELPERS}` : ""}
${P.wgsl()}
@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read_write> res: ${outArr};
@group(0) @binding(2) var<storage, read> idx: array<i32>;
${src ? `@group(0) @binding(3) var<storage, read> src: array<${T}>;` : ""}
${add && out.dtype === "float32" ? atomicAddF32("res") : ""}
@compute @workgroup_size(${wg})
fn main(${LINEAR_BUILTINS}) {
  let e = ${linearIndex(wg)};
  if (e >= P.n) { return; }
${offsets(nd)}
  let k = idx[o_idx];
  if (k < 0 || u32(k) >= P.size) { return; }
  let at = o_out + u32(k) * ${stDim};
  let v = ${src ? "src[o_src]" : T === "f16" ? "f16_store(P.value)" : `${T}(P.value)`};
  ${write}
}
`,
  });
}
