// Pointwise kernels: any op of pointwise-ops.ts over strided, broadcasting inputs of any GPU dtype,
// into a new contiguous tensor or into `out` (any strides, in place allowed). Dims are coalesced
// first, so contiguous operands run as one flat loop (vectorised to vec4 where the op allows).

import { type GpuDType, type NarrowFormat, bufferDTypeOf, isFloatDType, storageType } from "./gpu-types.js";
import { type ComputeDType, POINTWISE_HELPERS, POINTWISE_OPS, type PointwiseOp, type PointwiseOpName } from "./pointwise-ops.js";
import {
  type GpuTensor, MAX_DIMS, broadcastShapes, coalesce, empty, expandStrides, numel, sameContext, shapeStr,
} from "./tensor.js";
import {
  F16_ENABLE, F16_HELPERS, F32_BITS, computeType, LINEAR_BUILTINS, ParamStruct, ROUND_HALF, WGSL_HELPERS, convert, fromBool, linearIndex, narrowHelper,
  narrowStore, paramAt, toBool, usesF16,
} from "./wgsl.js";

export interface PointwiseOptions {
  /** Write here instead of a new tensor: shape must be the broadcast shape; any strides. */
  out?: GpuTensor;
  /** The dtype the expression computes in. Default: float32 if any input is, else int32. */
  computeDtype?: ComputeDType;
  /** The result's dtype. Default: bool for comparisons, else the compute dtype. */
  outDtype?: GpuDType;
  /** Scalar parameters p0, p1 (alpha, slope, clamp bounds, fill value...). */
  params?: readonly [number, number?];
  /** Shape of the result of a fill (arity 0) without `out`. */
  shape?: readonly number[];
  /**
   * The logical dtype the output holds when narrower than its buffer: each stored value is rounded
   * to float16/bfloat16 (a float32 output) or wrapped to int8/uint8/int16 (an int32 output). A
   * float16 output (f16 storage) is always rounded: "float16" is allowed there and changes nothing.
   */
  narrow?: NarrowFormat;
}

function resolveOp(op: PointwiseOp | PointwiseOpName): PointwiseOp {
  return typeof op === "string" ? POINTWISE_OPS[op] : op;
}

function defaultCompute(op: PointwiseOp, inputs: readonly GpuTensor[], out: GpuTensor | undefined): ComputeDType {
  const ds = inputs.length > 0 ? inputs.map((t) => t.dtype) : out ? [out.dtype] : [];
  const d: ComputeDType = ds.some(isFloatDType) ? "float32" : "int32";
  return op.dtypes.includes(d) ? d : op.dtypes[0]!;
}

interface Plan {
  key: string;
  wgsl: () => string;
  params: ParamStruct;
  values: Record<string, number | readonly number[]>;
  buffers: GpuTensor["buffer"][];
  groups: number;
}

const WG = 256;

/**
 * Runs a pointwise op. Inputs broadcast against each other (PyTorch's rules); each is loaded with
 * its own dtype and converted to the compute dtype; the result is converted to the output dtype.
 */
export function pointwise(
  opOrName: PointwiseOp | PointwiseOpName, inputs: readonly GpuTensor[], options: PointwiseOptions = {},
): GpuTensor {
  const op = resolveOp(opOrName);
  const name = `webgpu ${op.name}`;
  if (inputs.length !== op.arity) throw new Error(`${name}: expected ${op.arity} inputs, got ${inputs.length}`);
  const ctx = sameContext(name, ...inputs, options.out);
  const compute = options.computeDtype ?? defaultCompute(op, inputs, options.out);
  if (!op.dtypes.includes(compute)) {
    throw new Error(`${name}: not implemented for compute dtype ${compute} (supported: ${op.dtypes.join(", ")})`);
  }
  const outDtype = options.outDtype ?? options.out?.dtype ?? (op.result === "bool" ? "bool" : compute);
  if (options.narrow && outDtype !== bufferDTypeOf(options.narrow) && !(outDtype === "float16" && options.narrow === "float16")) {
    throw new Error(`${name}: only a ${bufferDTypeOf(options.narrow)} output can hold ${options.narrow} values, not ${outDtype}`);
  }
  // An f16 output rounds every value it stores (convert() to float16).
  const narrow = outDtype === "float16" ? null : options.narrow ?? null;
  let shape: number[];
  if (op.arity === 0) {
    const s = options.out?.shape ?? options.shape;
    if (!s) throw new Error(`${name}: a fill needs a shape or an out tensor`);
    shape = s.slice();
  } else {
    shape = broadcastShapes(name, ...inputs.map((t) => t.shape));
  }
  const out = options.out;
  if (out) {
    if (out.dtype !== outDtype) throw new Error(`${name}: out has dtype ${out.dtype}, expected ${outDtype}`);
    if (out.shape.length !== shape.length || out.shape.some((s, i) => s !== shape[i])) {
      throw new Error(`${name}: out has shape ${shapeStr(out.shape)}, but the result has shape ${shapeStr(shape)}`);
    }
    if (out.shape.some((s, i) => s > 1 && out.strides[i] === 0)) {
      throw new Error(`${name}: out ${shapeStr(out.shape)} has a broadcast (zero-stride) dim: unsupported operation: more than one element of the written-to tensor refers to a single memory location`);
    }
    for (const t of inputs) {
      if (t.buffer.raw === out.buffer.raw && t.dtype !== out.dtype) {
        throw new Error(`${name}: an input of dtype ${t.dtype} shares its buffer with out of dtype ${out.dtype}`);
      }
    }
  }
  const result = out ?? empty(ctx, shape, outDtype);
  const n = numel(shape);
  if (n === 0) return result;
  const p = [options.params?.[0] ?? op.params?.[0] ?? 0, options.params?.[1] ?? op.params?.[1] ?? 0] as const;
  const plan = makePlan(op, compute, inputs, result, shape, n, p, ctx.maxWorkgroupSize, narrow);
  ctx.dispatch({
    key: plan.key, wgsl: plan.wgsl, params: { layout: plan.params, values: plan.values },
    buffers: plan.buffers, workgroups: ctx.grid(plan.groups),
  });
  return result;
}

function makePlan(
  op: PointwiseOp, compute: ComputeDType, inputs: readonly GpuTensor[], out: GpuTensor,
  shape: readonly number[], n: number, p: readonly [number, number], maxWg: number, narrow: NarrowFormat | null,
): Plan {
  const wg = Math.min(WG, maxWg);
  const strides = [out.strides.slice(), ...inputs.map((t) => expandStrides(t, shape))];
  const co = coalesce(shape, strides);
  if (co.shape.length > MAX_DIMS) {
    throw new Error(`webgpu ${op.name}: more than ${MAX_DIMS} dims that cannot be merged (shape ${shapeStr(shape)})`);
  }
  const nd = co.shape.length;
  // Inputs that alias the output are read through the output's (read-write) binding.
  const aliased = inputs.map((t) => t.buffer.raw === out.buffer.raw);
  const kinds = op.inputs ?? inputs.map(() => "T" as const);
  const offsets = [out.offset, ...inputs.map((t) => t.offset)];
  // vec4: four elements per thread, where every operand's innermost dim is contiguous and a multiple
  // of 4 long (and its outer strides and offsets multiples of 4): flat operands, and strided ones
  // such as a transpose's copy that keeps the last dim ([B, S, H, d] -> [S, B, H, d]).
  const inner = nd - 1;
  const vec4 = !!op.vec4 && n % 4 === 0 && offsets.every((o) => o % 4 === 0) &&
    (nd === 0 || (co.shape[inner]! % 4 === 0 && co.strides.every((st) => st[inner] === 1 && st.every((v, d) => d === inner || v % 4 === 0)))) &&
    out.dtype === compute && inputs.every((t) => t.dtype === compute) && op.result !== "bool";
  const expr = typeof op.expr === "string" ? op.expr : op.expr[compute];
  if (expr === undefined) throw new Error(`webgpu ${op.name}: no expression for ${compute}`);
  // Built in one string, without intermediate arrays (every pointwise dispatch makes it).
  let inputPart = "", aliasPart = "";
  for (let j = 0; j < inputs.length; j++) {
    inputPart += j ? `,${inputs[j]!.dtype}` : inputs[j]!.dtype;
    aliasPart += aliased[j] ? "1" : "0";
  }
  const signature = `${compute}|${out.dtype}|${inputPart}|${nd}|${vec4 ? "v4" : "s"}|${aliasPart}|${wg}|${narrow ?? ""}`;
  let perOp = compiledPlans.get(op);
  if (!perOp) compiledPlans.set(op, (perOp = new Map()));
  let cached = perOp.get(signature);
  if (!cached) {
    cached = compilePlan(op, compute, inputs.map((t) => t.dtype), out.dtype, nd, vec4, aliased, wg, kinds, expr, narrow);
    perOp.set(signature, cached);
  }
  // A vec4 kernel walks vec4 units: the innermost dim and the strides count them.
  const values: Record<string, number | readonly number[]> = {
    shape: vec4 && nd > 1 ? co.shape.map((v, d) => (d === inner ? v / 4 : v)) : co.shape, n: vec4 ? n / 4 : n, p0: p[0], p1: p[1],
  };
  for (let j = 0; j < co.strides.length; j++) {
    values[cached.strideNames[j]!] = vec4 && nd > 1 ? co.strides[j]!.map((v, d) => (d === inner ? 1 : v / 4)) : co.strides[j]!;
  }
  for (let j = 0; j < offsets.length; j++) values[cached.offsetNames[j]!] = vec4 ? offsets[j]! / 4 : offsets[j]!;
  const buffers = [out.buffer];
  for (let j = 0; j < inputs.length; j++) if (!aliased[j]) buffers.push(inputs[j]!.buffer);
  const groups = Math.ceil((vec4 ? n / 4 : n) / wg);
  return { key: cached.key, wgsl: cached.wgsl, params: cached.params, values, buffers, groups };
}

/** What a pointwise kernel's shape of call compiles to (reused by every call of that shape). */
interface CompiledPlan {
  key: string;
  wgsl: () => string;
  params: ParamStruct;
  strideNames: string[];
  offsetNames: string[];
}

/** Compiled plans by op and call signature: building keys, structs and closures costs per call otherwise. */
const compiledPlans = new WeakMap<PointwiseOp, Map<string, CompiledPlan>>();

function compilePlan(
  op: PointwiseOp, compute: ComputeDType, inputDtypes: readonly GpuDType[], outDtype: GpuDType, nd: number,
  vec4: boolean, aliased: readonly boolean[], wg: number, kinds: readonly ("T" | "bool")[], expr: string,
  narrow: NarrowFormat | null,
): CompiledPlan {
  const inputs = inputDtypes.map((dtype) => ({ dtype }));
  const out = { dtype: outDtype };
  const key = [
    "pw", op.name, expr, compute, out.dtype, inputDtypes.join(","), nd,
    vec4 ? "v4" : "s", aliased.map((a) => (a ? 1 : 0)).join(""), wg, narrow ?? "",
  ].join("|");
  const strideNames = [out, ...inputs].map((_, j) => `st${j}`);
  const offsetNames = [out, ...inputs].map((_, j) => `off${j}`);
  const fields = [
    { name: "shape", type: "u32[]" as const, length: Math.max(1, nd) },
    ...strideNames.map((name) => ({ name, type: "u32[]" as const, length: Math.max(1, nd) })),
    ...offsetNames.map((name) => ({ name, type: "u32" as const })),
    { name: "n", type: "u32" as const },
    { name: "p0", type: computeType(compute) },
    { name: "p1", type: computeType(compute) },
  ];
  const params = new ParamStruct(fields);
  const wgsl = (): string => {
    const cT = storageType(compute);
    const T = vec4 ? `vec4<${cT}>` : cT;
    const arr = (d: GpuDType): string => (vec4 ? `array<vec4<${storageType(d)}>>` : `array<${storageType(d)}>`);
    const names = ["a", "b", "c"];
    const decls = [`@group(0) @binding(1) var<storage, read_write> out: ${arr(out.dtype)};`];
    let binding = 2;
    const srcName = inputs.map((t, j) => {
      if (aliased[j]) return "out";
      decls.push(`@group(0) @binding(${binding++}) var<storage, read> in${j}: ${arr(t.dtype)};`);
      return `in${j}`;
    });
    const idx: string[] = [];
    if (vec4 && nd <= 1) {
      for (let j = 0; j <= inputs.length; j++) idx.push(`  let o${j} = P.off${j} + i;`);
    } else {
      for (let j = 0; j <= inputs.length; j++) idx.push(`  var o${j} = P.off${j};`);
      if (nd > 0) idx.push("  var rem = i;");
      for (let d = nd - 1; d >= 0; d--) {
        const c = d === 0 ? "rem" : `(rem % ${paramAt("shape", d)})`;
        idx.push(`  { let c = ${c};`);
        for (let j = 0; j <= inputs.length; j++) idx.push(`    o${j} += c * ${paramAt(`st${j}`, d)};`);
        if (d > 0) idx.push(`    rem = rem / ${paramAt("shape", d)};`);
        idx.push("  }");
      }
    }
    const loads = inputs.map((t, j) => {
      const raw = `${srcName[j]}[o${j + 1}]`;
      const v = kinds[j] === "bool" ? toBool(raw, t.dtype) : vec4 ? raw : convert(raw, t.dtype, compute);
      return `  let ${names[j]} = ${v};`;
    });
    const stored = op.result === "bool" ? fromBool(`(${expr})`, out.dtype) : vec4 ? `(${expr})` : convert(`(${expr})`, compute, out.dtype);
    const value = narrow && op.result !== "bool" ? narrowStore(`(${expr})`, stored, narrow, compute, vec4) : stored;
    const helpers: string[] = (op.helpers ?? []).map((h) =>
      h in WGSL_HELPERS ? WGSL_HELPERS[h as keyof typeof WGSL_HELPERS] : POINTWISE_HELPERS[h as keyof typeof POINTWISE_HELPERS]);
    helpers.push(F32_BITS);
    if (narrow) helpers.push(narrowHelper(narrow));
    const f16 = usesF16([out.dtype, ...inputDtypes]);
    if (f16) helpers.push(ROUND_HALF.float16, F16_HELPERS);
    return `${f16 ? F16_ENABLE + "\n" : ""}alias T = ${T};
alias U = ${vec4 ? "vec4<u32>" : "u32"};
${params.wgsl()}
@group(0) @binding(0) var<uniform> P: Params;
${decls.join("\n")}
${[...new Set(helpers)].join("\n")}
@compute @workgroup_size(${wg})
fn main(${LINEAR_BUILTINS}) {
  let i = ${linearIndex(wg)};
  if (i >= P.n) { return; }
  let p0 = T(P.p0);
  let p1 = T(P.p1);
${idx.join("\n")}
${loads.join("\n")}
  out[o0] = ${value};
}
`;
  };
  return { key, wgsl, params, strideNames, offsetNames };
}

/** A contiguous copy of `t`, optionally cast (always a new tensor, which the caller owns). */
export function contiguous(t: GpuTensor, dtype: GpuDType = t.dtype, narrow?: NarrowFormat): GpuTensor {
  return pointwise("identity", [t], { computeDtype: isFloatDType(dtype) || isFloatDType(t.dtype) ? "float32" : "int32", outDtype: dtype, narrow });
}

/** Copies `src` into `dst` (broadcasting src, converting dtype), like Tensor.copy_; `narrow` when dst holds a narrower format. */
export function copyInto(dst: GpuTensor, src: GpuTensor, narrow?: NarrowFormat): GpuTensor {
  return pointwise("identity", [src], { out: dst, computeDtype: isFloatDType(dst.dtype) || isFloatDType(src.dtype) ? "float32" : "int32", narrow });
}

/**
 * Narrows every value of `t` (any strides) to `format` in place, one pass: rounds a float32 tensor
 * to float16/bfloat16, wraps an int32 tensor to int8/uint8/int16.
 */
export function narrowInPlace(t: GpuTensor, format: NarrowFormat): GpuTensor {
  // f16 storage holds nothing but float16 values.
  if (t.dtype === "float16" && format === "float16") return t;
  const holder = bufferDTypeOf(format);
  if (t.dtype !== holder) throw new Error(`webgpu narrow to ${format}: expected a ${holder} tensor, got ${t.dtype}`);
  return pointwise("identity", [t], { out: t, computeDtype: holder, narrow: format });
}

/** A new tensor of `shape` filled with `value`. */
export function full(ctx: GpuTensor["ctx"], shape: readonly number[], value: number, dtype: GpuDType = "float32"): GpuTensor {
  const t = empty(ctx, shape, dtype);
  return fillInto(t, value);
}

/** Fills `t` (any strides) with `value`. */
export function fillInto(t: GpuTensor, value: number): GpuTensor {
  const compute: ComputeDType = isFloatDType(t.dtype) ? "float32" : "int32";
  return pointwise("fill", [], { out: t, computeDtype: compute, params: [value] });
}
