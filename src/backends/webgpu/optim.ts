// Fused optimizer steps: one kernel updates a parameter and its state in place, following
// torch.optim's single-tensor SGD and Adam/AdamW step by step (so results match within float32).
// Like PyTorch's foreach/fused optimizers, one dispatch updates several parameters (a chunk of
// "items"): each workgroup finds its item, and the update math is one WGSL function that every
// item's case calls. Scalars that depend on the step count (bias corrections) are computed here
// in float64.

import type { GpuContext } from "./context.js";
import { type GpuTensor, checkDType, isContiguous, numel, sameContext, shapeStr } from "./tensor.js";
import type { HalfFormat } from "./gpu-types.js";
import { F16_ENABLE, F16_HELPERS, type ParamArrayType, ParamStruct, ROUND_HALF, paramAt } from "./wgsl.js";

/**
 * `fn q(x: f32) -> f32`: what the kernel stores. For float16/bfloat16 parameters (float32 buffers
 * holding values of the format) each stored value is rounded to the format; within the step the
 * update uses the float32 values, as PyTorch's fused (opmath) kernels do: rounding exp_avg_sq
 * first would flush small squared gradients to zero and divide by eps alone.
 */
function storeFn(round: HalfFormat | undefined): string {
  if (!round) return "fn q(x: f32) -> f32 { return x; }";
  return `${ROUND_HALF[round]}\nfn q(x: f32) -> f32 { return ${round === "float16" ? "round_f16" : "round_bf16"}(x); }`;
}

function checkSame(op: string, param: GpuTensor, others: Record<string, GpuTensor | null | undefined>): void {
  checkDType(op, "param", param, ["float32", "float16"]);
  if (!isContiguous(param)) throw new Error(`${op}: param must be contiguous`);
  const seen = new Set([param.buffer.raw]);
  for (const [name, t] of Object.entries(others)) {
    if (!t) continue;
    checkDType(op, name, t, [param.dtype]);
    if (!isContiguous(t)) throw new Error(`${op}: ${name} must be contiguous`);
    if (t.shape.length !== param.shape.length || t.shape.some((s, i) => s !== param.shape[i])) {
      throw new Error(`${op}: ${name} has shape ${shapeStr(t.shape)}, but param has shape ${shapeStr(param.shape)}`);
    }
    if (seen.has(t.buffer.raw)) throw new Error(`${op}: ${name} shares its GPU buffer with another operand`);
    seen.add(t.buffer.raw);
  }
}

/** Items one dispatch updates at most, whatever the device allows (keeps the generated kernels small). */
const MAX_ITEMS_PER_DISPATCH = 8;

/**
 * How many items one dispatch of a kernel binding `buffersPerItem` storage buffers per item takes:
 * each item binds its own buffers (WGSL cannot index an array of buffers), within the device's
 * storage buffers per shader stage.
 */
function itemsPerDispatch(ctx: GpuContext, buffersPerItem: number): number {
  const perStage = ctx.limits.maxStorageBuffersPerShaderStage;
  return Math.max(1, Math.min(MAX_ITEMS_PER_DISPATCH, Math.floor(perStage / buffersPerItem)));
}

/**
 * One item as a dispatch binds it: the operands it writes (param first) and the gradient it reads,
 * its element count, and its values of the kernel's per-item uniform arrays (in `perItem` order).
 */
interface BoundItem {
  readonly written: readonly GpuTensor[];
  readonly grad: GpuTensor;
  readonly n: number;
  readonly values: readonly number[];
}

/**
 * Splits the items, in order, into dispatches of at most `k` (items without elements are dropped).
 * WebGPU rejects a dispatch that binds a buffer as writable storage and binds it again, so a chunk
 * ends before an item that writes a buffer the chunk already binds, or reads a gradient the chunk
 * writes: such items then update one after the other, as the per-parameter loop does.
 */
function chunkItems(items: readonly BoundItem[], k: number): BoundItem[][] {
  const chunks: BoundItem[][] = [];
  let chunk: BoundItem[] = [];
  // A few dozen buffers at most: arrays beat sets here.
  const bound: GPUBuffer[] = [], written: GPUBuffer[] = [];
  for (const item of items) {
    if (item.n === 0) continue;
    const reads = item.grad.buffer.raw;
    let conflict = chunk.length === k || written.includes(reads);
    for (let r = 0; r < item.written.length && !conflict; r++) conflict = bound.includes(item.written[r]!.buffer.raw);
    if (conflict) {
      chunks.push(chunk);
      chunk = [];
      bound.length = 0;
      written.length = 0;
    }
    chunk.push(item);
    for (const t of item.written) { bound.push(t.buffer.raw); written.push(t.buffer.raw); }
    bound.push(reads);
  }
  if (chunk.length > 0) chunks.push(chunk);
  return chunks;
}

/** A multi-item optimizer kernel: its compile-time choices and what its WGSL is made of. */
interface MultiKernel {
  /** Pipeline key of the kernel's compile-time choices (the workgroup size and item count are added). */
  readonly key: string;
  /** WGSL names of the written operands in binding order (param first); the gradient `g` follows. */
  readonly written: readonly string[];
  /** Per-item uniform arrays besides n, starts and offsets (BoundItem.values, in this order). */
  readonly perItem: readonly { readonly name: string; readonly type: ParamArrayType }[];
  /** Uniform scalars shared by the items (their values come with each call, in this order). */
  readonly scalars: readonly { readonly name: string; readonly type: "u32" | "f32" }[];
  /** WGSL declarations the cases use: q() and the update function. */
  readonly functions: string;
  /** How the operands are stored: f32, or f16 (float16 parameters, state and gradients on an f16 context). */
  readonly storage: Storage;
  /**
   * Item j's case, for element `i` of the item (in range): `at(x)` reads operand x's element as an
   * f32, `set(x, v)` is the statement storing f32 `v` (a value q() rounded) into it.
   */
  readonly caseBody: (j: number, at: (operand: string) => string, set: (operand: string, value: string) => string) => string;
}

type Storage = "f32" | "f16";

/** The storage of the items' operands (checkSame made them all of the parameter's dtype). */
function storageOf(items: readonly { param: GpuTensor }[], round: HalfFormat | undefined): Storage {
  const f16 = items[0]!.param.dtype === "float16";
  for (const it of items) {
    if ((it.param.dtype === "float16") !== f16) throw new Error("webgpu optimizer: one call cannot mix float16 and float32 parameters");
  }
  if (f16 && round !== "float16") throw new Error("webgpu optimizer: float16 parameters store float16 values (round: 'float16')");
  return f16 ? "f16" : "f32";
}

/** Kernels by key (made once each). */
const kernels = new Map<string, MultiKernel>();

function kernelOf(key: string, make: () => Omit<MultiKernel, "key">): MultiKernel {
  let kernel = kernels.get(key);
  if (!kernel) kernels.set(key, (kernel = { key, ...make() }));
  return kernel;
}

/**
 * A kernel's dispatch for `count` items: pipeline key, uniform layout, WGSL, and a values record
 * whose arrays each dispatch refills in place (ctx.dispatch packs them at once), so that
 * recording a step allocates little.
 */
interface ChunkKernel {
  readonly key: string;
  readonly layout: ParamStruct;
  readonly wgsl: () => string;
  readonly values: Record<string, number | readonly number[]>;
  /** The record's arrays: n, start, each operand's offsets (gradient last), then the per-item arrays. */
  readonly arrays: number[][];
}

const chunkKernels = new Map<string, ChunkKernel>();

function chunkKernel(kernel: MultiKernel, count: number, wg: number): ChunkKernel {
  const key = `${kernel.key}|${wg}|x${count}`;
  let ck = chunkKernels.get(key);
  if (!ck) {
    const arrayNames = ["n", "start", ...[...kernel.written, "g"].map((x) => `${x}Off`), ...kernel.perItem.map((f) => f.name)];
    const layout = new ParamStruct([
      { name: "n", type: "u32[]", length: count },
      // Item j's workgroups are [start[j], start[j + 1]).
      { name: "start", type: "u32[]", length: count + 1 },
      ...[...kernel.written, "g"].map((x) => ({ name: `${x}Off`, type: "u32[]" as const, length: count })),
      ...kernel.perItem.map((f) => ({ name: f.name, type: f.type, length: count })),
      ...kernel.scalars,
    ]);
    const arrays = arrayNames.map((): number[] => []);
    const values: Record<string, number | readonly number[]> = {};
    arrayNames.forEach((name, r) => { values[name] = arrays[r]!; });
    for (const f of kernel.scalars) values[f.name] = 0;
    ck = { key, layout, wgsl: () => multiWgsl(kernel, layout, count, wg), values, arrays };
    chunkKernels.set(key, ck);
  }
  return ck;
}

/**
 * The kernel for `count` items: item j binds its operands as `p{j}`, ..., `g{j}`; a workgroup
 * finds its item by comparing its linear index with the items' starts.
 */
function multiWgsl(kernel: MultiKernel, layout: ParamStruct, count: number, wg: number): string {
  const operands = [...kernel.written, "g"];
  const decls: string[] = [];
  for (let j = 0; j < count; j++) {
    operands.forEach((x, r) => {
      const access = x === "g" ? "read" : "read_write";
      decls.push(`@group(0) @binding(${1 + j * operands.length + r}) var<storage, ${access}> ${x}${j}: array<${kernel.storage}>;`);
    });
  }
  const f16 = kernel.storage === "f16";
  const cases: string[] = [];
  for (let j = 0; j < count; j++) {
    const elem = (x: string): string => `${x}${j}[${paramAt(`${x}Off`, j)} + i]`;
    const at = (x: string): string => (f16 ? `f16_load(${elem(x)})` : elem(x));
    const set = (x: string, v: string): string => `${elem(x)} = ${f16 ? `f16_store(${v})` : v};`;
    cases.push(`  if (w < ${paramAt("start", j + 1)}) {
    let i = (w - ${paramAt("start", j)}) * ${wg}u + lid;
    if (i < ${paramAt("n", j)}) {
${kernel.caseBody(j, at, set).replace(/^/gm, "      ")}
    }
    return;
  }`);
  }
  return `${f16 ? `${F16_ENABLE}\n${F16_HELPERS}\n` : ""}${layout.wgsl()}
@group(0) @binding(0) var<uniform> P: Params;
${decls.join("\n")}
${kernel.functions}
@compute @workgroup_size(${wg})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let w = wid.x + wid.y * nwg.x;
${cases.join("\n")}
  // Workgroups past the last item's (the grid rounds up) do nothing.
}
`;
}

/**
 * One dispatch per chunk of items: each item's workgroups follow the previous item's. `scalars`
 * holds the values of kernel.scalars, in order.
 */
function dispatchChunks(ctx: GpuContext, kernel: MultiKernel, items: readonly BoundItem[], scalars: readonly number[]): void {
  const nWritten = kernel.written.length, nPerItem = kernel.perItem.length;
  const wg = Math.min(256, ctx.maxWorkgroupSize);
  for (const chunk of chunkItems(items, itemsPerDispatch(ctx, nWritten + 1))) {
    const ck = chunkKernel(kernel, chunk.length, wg);
    const { values, arrays } = ck;
    for (let f = 0; f < scalars.length; f++) values[kernel.scalars[f]!.name] = scalars[f]!;
    const n = arrays[0]!, start = arrays[1]!;
    const buffers: GpuTensor["buffer"][] = [];
    let wgs = 0;
    for (let j = 0; j < chunk.length; j++) {
      const item = chunk[j]!;
      n[j] = item.n;
      start[j] = wgs;
      wgs += Math.ceil(item.n / wg);
      for (let r = 0; r < nWritten; r++) {
        const t = item.written[r]!;
        arrays[2 + r]![j] = t.offset;
        buffers.push(t.buffer);
      }
      arrays[2 + nWritten]![j] = item.grad.offset;
      buffers.push(item.grad.buffer);
      for (let f = 0; f < nPerItem; f++) arrays[3 + nWritten + f]![j] = item.values[f]!;
    }
    start[chunk.length] = wgs;
    ctx.dispatch({ key: ck.key, params: { layout: ck.layout, values }, buffers, workgroups: ctx.grid(wgs), wgsl: ck.wgsl });
  }
}

export interface SgdOptions {
  lr: number;
  momentum?: number;
  dampening?: number;
  weightDecay?: number;
  nesterov?: boolean;
  maximize?: boolean;
  /** The parameters and their buffers hold values of this 16-bit format: round what is stored. */
  round?: HalfFormat;
}

/** One parameter of an SGD step. */
export interface SgdItem {
  param: GpuTensor;
  grad: GpuTensor;
  /** Needed when momentum != 0 (ignored otherwise). */
  momentumBuffer: GpuTensor | null;
  /** The momentum buffer holds nothing yet (torch.optim clones the gradient into it). */
  firstStep?: boolean;
}

/**
 * torch.optim.SGD's step for each item in turn, in place (momentum buffers too, when momentum != 0):
 * one dispatch per chunk of items.
 */
export function sgdSteps(items: readonly SgdItem[], o: SgdOptions): void {
  const op = "webgpu sgd";
  if (items.length === 0) return;
  const operands: (GpuTensor | null)[] = [];
  for (const it of items) operands.push(it.param, it.grad, it.momentumBuffer);
  const ctx = sameContext(op, ...operands);
  const momentum = o.momentum ?? 0, dampening = o.dampening ?? 0;
  if (o.nesterov && (momentum <= 0 || dampening !== 0)) throw new Error("Nesterov momentum requires a momentum and zero dampening");
  const hasBuf = momentum !== 0;
  const bound = items.map((it, j): BoundItem => {
    const where = items.length > 1 ? `${op} (item ${j})` : op;
    checkSame(where, it.param, { grad: it.grad, momentum_buffer: it.momentumBuffer });
    if (hasBuf && !it.momentumBuffer) throw new Error(`${where}: momentum ${momentum} needs a momentum buffer`);
    const n = numel(it.param.shape);
    return hasBuf
      ? { written: [it.param, it.momentumBuffer!], grad: it.grad, n, values: [it.firstStep ? 1 : 0] }
      : { written: [it.param], grad: it.grad, n, values: [] };
  });
  const storage = storageOf(items, o.round);
  const kernel = kernelOf(`sgd|${o.round ?? ""}|${hasBuf ? "m" : ""}|${storage}`, () => ({
    storage,
    written: hasBuf ? ["p", "b"] : ["p"],
    perItem: hasBuf ? [{ name: "first", type: "u32[]" }] : [],
    scalars: [
      { name: "nesterov", type: "u32" }, { name: "maximize", type: "u32" },
      { name: "lr", type: "f32" }, { name: "momentum", type: "f32" }, { name: "dampening", type: "f32" }, { name: "wd", type: "f32" },
    ],
    functions: `${storeFn(o.round)}\n${hasBuf ? SGD_MOMENTUM_UPDATE : SGD_UPDATE}`,
    caseBody: (j, at, set) => hasBuf
      ? `let r = sgd_update(${at("p")}, ${at("g")}, ${at("b")}, ${paramAt("first", j)} != 0u);\n${set("b", "r.b")}\n${set("p", "r.p")}`
      : set("p", `sgd_update(${at("p")}, ${at("g")})`),
  }));
  dispatchChunks(ctx, kernel, bound, [o.nesterov ? 1 : 0, o.maximize ? 1 : 0, o.lr, momentum, dampening, o.weightDecay ?? 0]);
}

/** The gradient after maximize and (coupled) weight decay. */
const SGD_DIRECTION = `fn sgd_direction(pv: f32, gv: f32) -> f32 {
  var d = gv;
  if (P.maximize != 0u) { d = -d; }
  if (P.wd != 0.0) { d = d + P.wd * pv; }
  return d;
}`;

const SGD_UPDATE = `${SGD_DIRECTION}
fn sgd_update(pv: f32, gv: f32) -> f32 { return q(pv - P.lr * sgd_direction(pv, gv)); }`;

const SGD_MOMENTUM_UPDATE = `${SGD_DIRECTION}
struct SgdOut { p: f32, b: f32 }
fn sgd_update(pv: f32, gv: f32, bv: f32, first: bool) -> SgdOut {
  var d = sgd_direction(pv, gv);
  var b = d;
  if (!first) { b = bv * P.momentum + (1.0 - P.dampening) * d; }
  if (P.nesterov != 0u) { d = d + P.momentum * b; } else { d = b; }
  return SgdOut(q(pv - P.lr * d), q(b));
}`;

/** torch.optim.SGD's step for one parameter, in place (momentumBuffer too, when momentum != 0). */
export function sgdStep(
  param: GpuTensor, grad: GpuTensor, momentumBuffer: GpuTensor | null, o: SgdOptions & { firstStep?: boolean },
): void {
  const { firstStep, ...shared } = o;
  sgdSteps([{ param, grad, momentumBuffer, firstStep }], shared);
}

export interface AdamOptions {
  lr: number;
  beta1?: number;
  beta2?: number;
  eps?: number;
  weightDecay?: number;
  amsgrad?: boolean;
  maximize?: boolean;
  /** AdamW: decay the parameter directly instead of adding weight_decay * param to the gradient. */
  decoupledWeightDecay?: boolean;
  /** The parameters and their state hold values of this 16-bit format: round what is stored. */
  round?: HalfFormat;
}

/** One parameter of an Adam/AdamW step. */
export interface AdamItem {
  param: GpuTensor;
  grad: GpuTensor;
  expAvg: GpuTensor;
  expAvgSq: GpuTensor;
  /** Needed with amsgrad (ignored otherwise). */
  maxExpAvgSq: GpuTensor | null;
  /** The step number after this update (1 for the first step). */
  step: number;
}

/**
 * torch.optim.Adam's (or AdamW's) step for each item in turn, updating param, expAvg, expAvgSq (and
 * maxExpAvgSq) in place: one dispatch per chunk of items.
 */
export function adamSteps(items: readonly AdamItem[], o: AdamOptions): void {
  const op = o.decoupledWeightDecay ? "webgpu adamw" : "webgpu adam";
  if (items.length === 0) return;
  const operands: (GpuTensor | null)[] = [];
  for (const it of items) operands.push(it.param, it.grad, it.expAvg, it.expAvgSq, it.maxExpAvgSq);
  const ctx = sameContext(op, ...operands);
  const amsgrad = o.amsgrad === true;
  const beta1 = o.beta1 ?? 0.9, beta2 = o.beta2 ?? 0.999;
  const bound = items.map((it, j): BoundItem => {
    const where = items.length > 1 ? `${op} (item ${j})` : op;
    checkSame(where, it.param, { grad: it.grad, exp_avg: it.expAvg, exp_avg_sq: it.expAvgSq, max_exp_avg_sq: it.maxExpAvgSq });
    if (amsgrad && !it.maxExpAvgSq) throw new Error(`${where}: amsgrad needs max_exp_avg_sq`);
    if (!Number.isInteger(it.step) || it.step < 1) throw new Error(`${where}: step must be a positive integer, got ${it.step}`);
    const written = amsgrad ? [it.param, it.expAvg, it.expAvgSq, it.maxExpAvgSq!] : [it.param, it.expAvg, it.expAvgSq];
    const bc1 = 1 - beta1 ** it.step, bc2 = 1 - beta2 ** it.step;
    return { written, grad: it.grad, n: numel(it.param.shape), values: [o.lr / bc1, Math.sqrt(bc2)] };
  });
  const storage = storageOf(items, o.round);
  const kernel = kernelOf(`adam|${o.round ?? ""}|${amsgrad ? "ams" : ""}|${storage}`, () => ({
    storage,
    written: amsgrad ? ["p", "m", "v", "vmax"] : ["p", "m", "v"],
    perItem: [{ name: "stepSize", type: "f32[]" }, { name: "bc2sqrt", type: "f32[]" }],
    scalars: [
      { name: "maximize", type: "u32" }, { name: "decoupled", type: "u32" },
      ...["lr", "beta1", "beta2", "eps", "wd"].map((name) => ({ name, type: "f32" as const })),
    ],
    functions: `${storeFn(o.round)}\n${adamUpdate(amsgrad)}`,
    caseBody: (j, at, set) => [
      `let r = adam_update(${at("p")}, ${at("g")}, ${at("m")}, ${at("v")}, ${amsgrad ? at("vmax") : "0.0"}, ${paramAt("stepSize", j)}, ${paramAt("bc2sqrt", j)});`,
      set("m", "r.m"),
      set("v", "r.v"),
      ...(amsgrad ? [set("vmax", "r.vmax")] : []),
      set("p", "r.p"),
    ].join("\n"),
  }));
  dispatchChunks(ctx, kernel, bound, [o.maximize ? 1 : 0, o.decoupledWeightDecay ? 1 : 0, o.lr, beta1, beta2, o.eps ?? 1e-8, o.weightDecay ?? 0]);
}

/** Adam's update of one element: new param, exp_avg, exp_avg_sq and (with amsgrad) max_exp_avg_sq, as stored. */
function adamUpdate(amsgrad: boolean): string {
  return `struct AdamOut { p: f32, m: f32, v: f32, vmax: f32 }
fn adam_update(p0: f32, g0: f32, mv: f32, vv0: f32, vmax0: f32, stepSize: f32, bc2sqrt: f32) -> AdamOut {
  var pv = p0;
  var gv = g0;
  if (P.maximize != 0u) { gv = -gv; }
  if (P.wd != 0.0) {
    if (P.decoupled != 0u) { pv = pv * (1.0 - P.lr * P.wd); } else { gv = gv + P.wd * pv; }
  }
  let m1 = mv + (gv - mv) * (1.0 - P.beta1);
  let v1 = vv0 * P.beta2 + (1.0 - P.beta2) * gv * gv;
  var vv = v1;
  var vmax = 0.0;
${amsgrad ? "  vv = max(vmax0, v1);\n  vmax = q(vv);\n" : ""}  let denom = sqrt(vv) / bc2sqrt + P.eps;
  return AdamOut(q(pv - stepSize * m1 / denom), q(m1), q(v1), vmax);
}`;
}

/** torch.optim.Adam's (or AdamW's) step for one parameter, updating param, expAvg, expAvgSq (and maxExpAvgSq) in place. */
export function adamStep(
  param: GpuTensor, grad: GpuTensor, expAvg: GpuTensor, expAvgSq: GpuTensor, maxExpAvgSq: GpuTensor | null,
  o: AdamOptions & { step: number },
): void {
  const { step, ...shared } = o;
  adamSteps([{ param, grad, expAvg, expAvgSq, maxExpAvgSq, step }], shared);
}
