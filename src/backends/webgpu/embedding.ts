// Row gather (embedding, index_select along dim 0) and its adjoint, a row scatter-add
// (embedding's weight gradient, index_add along dim 0). The scatter-add uses a compare-and-swap
// float add, so repeated indices accumulate correctly; the order of their sums is not fixed, as in
// PyTorch's CUDA kernels.

import { contiguous, fillInto } from "./pointwise.js";
import { type GpuTensor, checkDType, empty, isContiguous, numel, sameContext, shapeStr } from "./tensor.js";
import { storageType } from "./gpu-types.js";
import { F16_ENABLE, LINEAR_BUILTINS, ParamStruct, atomicAddF32, linearIndex } from "./wgsl.js";

const GATHER = new ParamStruct(["total", "D", "V", "woff", "wrs", "wcs", "ioff"].map((name) => ({ name, type: "u32" as const })));

function asContiguousIndices(op: string, indices: GpuTensor): GpuTensor {
  checkDType(op, "indices", indices, ["int32"]);
  return isContiguous(indices) ? indices : contiguous(indices);
}

/**
 * out[..., :] = weight[indices[...], :] for weight [V, D] and int32 indices of any shape
 * (F.embedding's forward; index_select(weight, 0, indices) for 1-D indices). Indices outside
 * [0, V) give rows of zeros (the kernel cannot throw; check indices on the host).
 */
export function gatherRows(weight: GpuTensor, indices: GpuTensor): GpuTensor {
  const op = "webgpu embedding";
  const ctx = sameContext(op, weight, indices);
  if (weight.shape.length !== 2) throw new Error(`'weight' must be 2-D, got ${shapeStr(weight.shape)}`);
  const [V, D] = weight.shape as [number, number];
  const idx = asContiguousIndices(op, indices);
  const out = empty(ctx, [...indices.shape, D], weight.dtype);
  const total = numel(out.shape);
  if (total > 0) {
    const wg = Math.min(256, ctx.maxWorkgroupSize);
    // Elements are copied as they are stored (f16 too).
    const T = storageType(weight.dtype);
    ctx.dispatch({
      key: `gather_rows|${T}|${wg}`,
      params: { layout: GATHER, values: { total, D, V, woff: weight.offset, wrs: weight.strides[0]!, wcs: weight.strides[1]!, ioff: idx.offset } },
      buffers: [out.buffer, weight.buffer, idx.buffer],
      workgroups: ctx.grid(Math.ceil(total / wg)),
      wgsl: () => `${T === "f16" ? F16_ENABLE : ""}
${GATHER.wgsl()}
@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read_write> out: array<${T}>;
@group(0) @binding(2) var<storage, read> w: array<${T}>;
@group(0) @binding(3) var<storage, read> idx: array<i32>;
@compute @workgroup_size(${wg})
fn main(${LINEAR_BUILTINS}) {
  let e = ${linearIndex(wg)};
  if (e >= P.total) { return; }
  let r = idx[P.ioff + e / P.D];
  let d = e % P.D;
  var v = ${T}(0);
  if (r >= 0 && u32(r) < P.V) { v = w[P.woff + u32(r) * P.wrs + d * P.wcs]; }
  out[e] = v;
}
`,
    });
  }
  if (idx !== indices) idx.buffer.release();
  return out;
}

const SCATTER = new ParamStruct([
  ...["total", "D", "V", "toff", "goff", "ioff", "hasPad"].map((name) => ({ name, type: "u32" as const })),
  { name: "pad", type: "i32" as const },
  { name: "alpha", type: "f32" as const },
  { name: "alphaInt", type: "i32" as const },
]);

/**
 * target[indices[i], :] += alpha * src[i, :] in place, for a target [V, D] (contiguous), src
 * [..., D] of its dtype and int32 indices of src's leading shape; rows equal to `paddingIdx` are
 * skipped. float32 adds by compare-and-swap; int32 by atomicAdd, wrapping (alpha an integer).
 */
export function scatterAddRows(target: GpuTensor, indices: GpuTensor, src: GpuTensor, options: { paddingIdx?: number | null; alpha?: number } = {}): GpuTensor {
  const op = "webgpu index_add";
  const ctx = sameContext(op, target, indices, src);
  checkDType(op, "self", target, ["float32", "int32"]);
  checkDType(op, "source", src, [target.dtype]);
  const alpha = options.alpha ?? 1;
  const int = target.dtype === "int32";
  if (int && !Number.isInteger(alpha)) throw new Error(`${op}: For integral input tensors, argument alpha must not be a floating point number.`);
  if (target.shape.length !== 2 || !isContiguous(target)) throw new Error(`${op}: self must be a contiguous 2-D tensor, got ${shapeStr(target.shape)}`);
  const [V, D] = target.shape as [number, number];
  const lead = src.shape.slice(0, -1);
  if (src.shape[src.shape.length - 1] !== D || lead.length !== indices.shape.length || lead.some((s, i) => s !== indices.shape[i])) {
    throw new Error(`${op}: source ${shapeStr(src.shape)} must be indices ${shapeStr(indices.shape)} + [${D}]`);
  }
  const idx = asContiguousIndices(op, indices);
  const g = isContiguous(src) ? src : contiguous(src);
  const total = numel(src.shape);
  if (total > 0) {
    const wg = Math.min(256, ctx.maxWorkgroupSize);
    ctx.dispatch({
      key: `scatter_add_rows|${wg}|${target.dtype}`,
      params: {
        layout: SCATTER,
        values: { total, D, V, toff: target.offset, goff: g.offset, ioff: idx.offset, hasPad: options.paddingIdx == null ? 0 : 1, pad: options.paddingIdx ?? 0,
          alpha: int ? 1 : alpha, alphaInt: int ? alpha | 0 : 1 },
      },
      buffers: [target.buffer, g.buffer, idx.buffer],
      workgroups: ctx.grid(Math.ceil(total / wg)),
      wgsl: () => `${SCATTER.wgsl()}
@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read_write> acc: array<atomic<${int ? "i32" : "u32"}>>;
@group(0) @binding(2) var<storage, read> src: array<${int ? "i32" : "f32"}>;
@group(0) @binding(3) var<storage, read> idx: array<i32>;
${int ? "" : atomicAddF32("acc")}
@compute @workgroup_size(${wg})
fn main(${LINEAR_BUILTINS}) {
  let e = ${linearIndex(wg)};
  if (e >= P.total) { return; }
  let r = idx[P.ioff + e / P.D];
  if (r < 0 || u32(r) >= P.V || (P.hasPad != 0u && r == P.pad)) { return; }
  ${int ? "atomicAdd(&acc[P.toff + u32(r) * P.D + e % P.D], P.alphaInt * src[P.goff + e]);" : "atomic_add_f32(P.toff + u32(r) * P.D + e % P.D, P.alpha * src[P.goff + e]);"}
}
`,
    });
  }
  if (idx !== indices) idx.buffer.release();
  if (g !== src) g.buffer.release();
  return target;
}

/** The embedding's forward. */
export function embedding(weight: GpuTensor, indices: GpuTensor): GpuTensor {
  return gatherRows(weight, indices);
}

/** The weight gradient of F.embedding: a new [numWeights, D] tensor. */
export function embeddingBackward(gradOutput: GpuTensor, indices: GpuTensor, numWeights: number, paddingIdx: number | null = null): GpuTensor {
  const D = gradOutput.shape[gradOutput.shape.length - 1] ?? 1;
  const gw = empty(gradOutput.ctx, [numWeights, D], "float32");
  fillInto(gw, 0);
  return scatterAddRows(gw, indices, gradOutput, { paddingIdx });
}
