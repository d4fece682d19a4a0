// Subgroup operations in the workgroup reductions (reduce, softmax, layer norm), where the device
// has the "subgroups" feature and a probe kernel, run once as the context is created, confirms
// what those kernels rely on beyond WGSL's guarantees: in a 1-D workgroup, subgroups are full,
// contiguous ranges of local_invocation_index, and subgroupAdd/Mul/Max/Min/Any give exact results.
// TORCH_TS_WEBGPU_SUBGROUPS=0 (or requestDevice's `subgroups: false`) keeps the barrier trees.

/** What the probe confirmed; null on a context where the kernels do not use subgroups. */
export interface SubgroupSupport {
  /** The subgroup sizes the adapter reports (the probe's own size lies between them). */
  readonly minSize: number;
  readonly maxSize: number;
  /** The workgroup size whose layout was checked: only kernels of that size use subgroups. */
  readonly workgroupSize: number;
}

/** WGSL's smallest subgroup: scratch arrays hold one value per subgroup of at least this size. */
const MIN_SUBGROUP = 4;

export const SUBGROUPS_ENABLE = "enable subgroups;";
/** Entry point builtins of a kernel that uses subgroupTree. */
export const SUBGROUP_BUILTINS = "@builtin(subgroup_invocation_id) sid: u32, @builtin(subgroup_size) ss: u32";

/** Whether a kernel of `wg` invocations should take its subgroup variant on this context. */
export function useSubgroups(ctx: { readonly subgroups: SubgroupSupport | null }, wg: number): boolean {
  return ctx.subgroups !== null && ctx.subgroups.workgroupSize === wg;
}

/** A reduction for subgroupTree: an element type, its identity and combination. */
export interface SubgroupReduction {
  /** WGSL type of the reduced value (f32, i32, vec2<f32>). */
  readonly type: string;
  /** The workgroup array of partials (declare it with subgroupScratch). */
  readonly scratch: string;
  readonly identity: string;
  /** WGSL expression combining two values (the same rule as the subgroup operation). */
  readonly combine: (a: string, b: string) => string;
  /** WGSL expression reducing a value over the subgroup (subgroupAdd(v), ...). */
  readonly subgroupOp: (v: string) => string;
}

/** The workgroup array of per-subgroup partials of a kernel of `wg` invocations. */
export function subgroupScratch(r: SubgroupReduction, wg: number): string {
  return `var<workgroup> ${r.scratch}: array<${r.type}, ${Math.max(1, wg / MIN_SUBGROUP)}>;`;
}

/**
 * WGSL statements that reduce `acc` over a workgroup of `wg` invocations and leave the result in
 * every invocation's `acc`: a subgroup reduction, one partial per subgroup in workgroup memory,
 * one barrier, then every subgroup combines the partials (lane i the partials i, i + ss, ...) and
 * reduces those: the same fixed order everywhere, and no second barrier to share the result.
 * Every invocation of the workgroup must reach it, with `l` (local_invocation_index) and the
 * SUBGROUP_BUILTINS in scope. A scratch array serves one tree per kernel: a
 * second tree would overwrite partials that a slower subgroup may still be reading.
 */
export function subgroupTree(wg: number, r: SubgroupReduction, acc = "acc"): string {
  return `  {
    let sg_part = ${r.subgroupOp(acc)};
    if (sid == 0u) { ${r.scratch}[l / ss] = sg_part; }
    workgroupBarrier();
    var sg_acc: ${r.type} = ${r.identity};
    for (var i = sid; i < ${wg}u / ss; i += ss) { sg_acc = ${r.combine("sg_acc", `${r.scratch}[i]`)}; }
    ${acc} = ${r.subgroupOp("sg_acc")};
  }`;
}

/** A float32 sum (softmax's and layer norm's trees). */
export function subgroupSum(scratch: string, type = "f32"): SubgroupReduction {
  return { type, scratch, identity: `${type}()`, combine: (a, b) => `${a} + ${b}`, subgroupOp: (v) => `subgroupAdd(${v})` };
}

/** Columns the probe writes per invocation. */
const PROBE_COLUMNS = 9;

function probeWgsl(wg: number): string {
  return `${SUBGROUPS_ENABLE}
@group(0) @binding(0) var<storage, read_write> out: array<i32>;
@compute @workgroup_size(${wg})
fn main(@builtin(local_invocation_index) l: u32, ${SUBGROUP_BUILTINS}) {
  let v = f32(l);
  let o = l * ${PROBE_COLUMNS}u;
  out[o] = i32(subgroupBroadcastFirst(l));
  out[o + 1u] = i32(sid);
  out[o + 2u] = i32(ss);
  out[o + 3u] = i32(subgroupAdd(v));
  out[o + 4u] = i32(subgroupMax(v));
  out[o + 5u] = i32(subgroupMin(v));
  out[o + 6u] = subgroupAdd(i32(l) - 1000);
  out[o + 7u] = i32(subgroupMul(select(1.0, 2.0, (l & 1u) == 1u)));
  out[o + 8u] = select(0, 1, subgroupAny(sid == ss - 1u));
}
`;
}

/** Whether the probe's output is what the subgroup trees assume (see the file's comment). */
function layoutHolds(a: Int32Array, wg: number, minSize: number, maxSize: number): number | null {
  const ss = a[2]!;
  if (!(ss >= Math.max(minSize, 1) && ss <= maxSize && (ss & (ss - 1)) === 0 && wg % ss === 0)) return null;
  for (let l = 0; l < wg; l++) {
    const row = a.subarray(l * PROBE_COLUMNS, (l + 1) * PROBE_COLUMNS);
    const sid = l % ss, first = l - sid, last = first + ss - 1;
    const sum = ((first + last) * ss) / 2;
    const expected = [first, sid, ss, sum, last, first, sum - 1000 * ss, 2 ** Math.floor(ss / 2), 1];
    if (expected.some((e, i) => row[i] !== e)) return null;
  }
  return ss;
}

/**
 * Runs the probe on `device` for kernels of `workgroupSize` invocations. Null where the feature
 * is absent, not `enabled` (TORCH_TS_WEBGPU_SUBGROUPS=0), or the layout or results differ from what the kernels assume.
 */
export async function probeSubgroups(
  device: GPUDevice, info: GPUAdapterInfo, workgroupSize: number, enabled: boolean,
): Promise<SubgroupSupport | null> {
  if (!enabled || !device.features.has("subgroups")) return null;
  const minSize = info.subgroupMinSize ?? MIN_SUBGROUP, maxSize = info.subgroupMaxSize ?? 128;
  const bytes = workgroupSize * PROBE_COLUMNS * 4;
  const STORAGE = 0x80, COPY_SRC = 0x4, COPY_DST = 0x8, MAP_READ = 0x1;
  device.pushErrorScope("validation");
  let scoped = true;
  const out = device.createBuffer({ size: bytes, usage: STORAGE | COPY_SRC });
  const read = device.createBuffer({ size: bytes, usage: MAP_READ | COPY_DST });
  try {
    const module = device.createShaderModule({ code: probeWgsl(workgroupSize), label: "subgroup probe" });
    const pipeline = device.createComputePipeline({ layout: "auto", compute: { module, entryPoint: "main" } });
    const group = device.createBindGroup({ layout: pipeline.getBindGroupLayout(0), entries: [{ binding: 0, resource: { buffer: out } }] });
    const encoder = device.createCommandEncoder();
    const pass = encoder.beginComputePass();
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, group);
    pass.dispatchWorkgroups(1);
    pass.end();
    encoder.copyBufferToBuffer(out, 0, read, 0, bytes);
    device.queue.submit([encoder.finish()]);
    scoped = false;
    if (await device.popErrorScope()) return null;
    await read.mapAsync(MAP_READ);
    const ss = layoutHolds(new Int32Array(read.getMappedRange().slice(0)), workgroupSize, minSize, maxSize);
    read.unmap();
    return ss === null ? null : { minSize, maxSize, workgroupSize };
  } catch {
    return null;
  } finally {
    if (scoped) await device.popErrorScope().catch(() => null);
    out.destroy();
    read.destroy();
  }
}
