// Pointwise ops on the "webgpu" device: each op spec of the CPU front end (src/ops/*) maps to one
// WGSL expression run by the backend's generic strided kernel. Promotion, broadcasting checks and
// autograd stay in the front end; this file only picks the expression and its parameters.
// Scalars (numbers, 0-d CPU tensors) become kernel parameters, never uploads.

import { Tensor } from "../core/tensor.js";
import { type DType, bool, roundToDType } from "../core/dtype.js";
import type { BinarySpec, UnarySpec } from "../ops/pointwise-engine.js";
import type { TernarySpec } from "../ops/pointwise-util.js";
import { POINTWISE_OPS, type ComputeDType, type PointwiseOp } from "../backends/webgpu/pointwise-ops.js";
import { fillInto, full, pointwise } from "../backends/webgpu/pointwise.js";
import { type GpuTensor, broadcastShapes, empty, expandStrides, restride } from "../backends/webgpu/tensor.js";
import type { GpuDType } from "../backends/webgpu/gpu-types.js";
import { upload } from "../backends/webgpu/transfer.js";
import { notImplementedOnDevice } from "../ops/device-hooks.js";
import { GpuStorage, gpuOf, isGpuTensor, narrowFormatOf, supportedOrThrow, wrap, wrapExact } from "./storage.js";
import { context } from "./runtime.js";

// ---- devices of an op's operands ----------------------------------------------------------------

/** PyTorch's mixed-device error unless every tensor is on the GPU (0-d CPU tensors count as scalars). */
export function checkDevices(op: string, ...vals: unknown[]): void {
  // One level of arrays, as vals.flat() without the array it makes (this runs for every op on the
  // device). A GPU tensor is never skipped, so one beside a CPU tensor always meets the check.
  let first: Tensor | null = null;
  const visit = (v: unknown): void => {
    if (!(v instanceof Tensor) || (!isGpuTensor(v) && v.dim() === 0)) return;
    if (!first) { first = v; return; }
    if (v.device.type !== first.device.type) {
      throw new Error(`${op}: Expected all tensors to be on the same device, but found at least two devices, ${first.device} and ${v.device}!`);
    }
  };
  for (const v of vals) {
    if (Array.isArray(v)) for (const e of v) visit(e);
    else visit(v);
  }
}

/** The value of a scalar operand (a 0-d CPU tensor or a number). */
function scalarValue(v: Tensor | number | bigint | boolean): number {
  if (v instanceof Tensor) return Number(v.item());
  return Number(v);
}

function isScalarOperand(v: unknown): boolean {
  return !(v instanceof Tensor) || (!isGpuTensor(v) && v.dim() === 0);
}

// ---- expressions beyond the backend's table ------------------------------------------------------

const F: readonly ComputeDType[] = ["float32"];
const FI: readonly ComputeDType[] = ["float32", "int32"];
const I: readonly ComputeDType[] = ["int32"];

type Expr = string | Readonly<Partial<Record<ComputeDType, string>>>;

function op1(name: string, expr: Expr, extra: Partial<PointwiseOp> = {}): PointwiseOp {
  return { name, arity: 1, expr, dtypes: F, ...extra };
}
function op2(name: string, expr: Expr, extra: Partial<PointwiseOp> = {}): PointwiseOp {
  return { name, arity: 2, expr, dtypes: F, ...extra };
}

const EXTRA = {
  log10: op1("log10", "log(a) * T(0.4342944819032518)", { vec4: true }),
  asin: op1("asin", "asin(a)", { vec4: true }),
  acos: op1("acos", "acos(a)", { vec4: true }),
  atan: op1("atan", "atan(a)", { vec4: true }),
  sinh: op1("sinh", "sinh(a)", { vec4: true }),
  cosh: op1("cosh", "cosh(a)", { vec4: true }),
  asinh: op1("asinh", "asinh(a)", { vec4: true }),
  acosh: op1("acosh", "acosh(a)", { vec4: true }),
  atanh: op1("atanh", "atanh(a)", { vec4: true }),
  deg2rad: op1("deg2rad", "a * T(0.017453292519943295)", { vec4: true }),
  rad2deg: op1("rad2deg", "a * T(57.29577951308232)", { vec4: true }),
  frac: op1("frac", "a - trunc(a)", { vec4: true }),
  erf: op1("erf", "erf_f(a)", { helpers: ["erf"] }),
  erfc: op1("erfc", "1.0 - erf_f(a)", { helpers: ["erf"] }),
  log_sigmoid: op1("log_sigmoid", "min(a, 0.0) - log1p_f(exp(-abs(a)))", { helpers: ["log1p"] }),
  hardsigmoid: op1("hardsigmoid", "clamp(a + T(3), T(0), T(6)) / T(6)", { vec4: true }),
  hardswish: op1("hardswish", "a * clamp(a + T(3), T(0), T(6)) / T(6)", { vec4: true }),
  mish: op1("mish", "a * tanh(clamp(select(log1p_f(exp(a)), a, a > 20.0), -15.0, 15.0))", { helpers: ["log1p"] }),
  softsign: op1("softsign", "a / (T(1) + abs(a))", { vec4: true }),
  /** threshold(x; threshold = p0, value = p1). */
  threshold: op1("threshold", "select(a, p1, a <= p0)", { dtypes: FI }),
  /** torch.sign for ints (WGSL's sign is float-only on some drivers). */
  sign: op1("sign", { float32: "sign(a)", int32: "select(select(0i, -1i, a < 0i), 1i, a > 0i)" }, { dtypes: FI }),
  /** Shifts in 32 bits (narrow results wrap as they are stored, which matches PyTorch's out-of-range rules for them). */
  bitwise_left_shift: op2("bitwise_left_shift", "select(a << u32(b), 0i, b < 0i || b > 31i)", { dtypes: I }),
  bitwise_right_shift: op2("bitwise_right_shift", "a >> u32(select(b, 31i, b < 0i || b > 31i))", { dtypes: I }),
  div_trunc: op2("div_trunc", { float32: "trunc(a / b)", int32: "select(a / b, 0i, b == 0i)" }, { dtypes: FI }),
  fmax: op2("fmax", "select(select(max(a, b), a, isnan_f(b)), b, isnan_f(a))", { helpers: ["isnan"] }),
  fmin: op2("fmin", "select(select(min(a, b), a, isnan_f(b)), b, isnan_f(a))", { helpers: ["isnan"] }),
  hypot: op2("hypot", "sqrt(a * a + b * b)", { vec4: true }),
  /** lerp(start, end; weight = p0). */
  lerp: op2("lerp", "select(b - (b - a) * (T(1) - p0), a + p0 * (b - a), abs(p0) < T(0.5))", { vec4: true }),
  logaddexp: op2("logaddexp", "select(max(a, b) + log1p_f(exp(-abs(a - b))), a, a == b && isinf_f(a))", { helpers: ["log1p", "isinf"] }),
} satisfies Record<string, PointwiseOp>;

/** An op with a baked-in constant: expressions take at most two parameters. */
function lit(v: number): string {
  if (!Number.isFinite(v)) throw new Error(`webgpu: cannot compile the constant ${v} into a kernel`);
  return `f32(${v.toPrecision(17).replace(/\.?0+(e|$)/, "$1")})`;
}

interface Resolved { op: PointwiseOp; params?: [number, number?] }

function num(v: unknown, dflt: number): number {
  return typeof v === "number" ? v : dflt;
}

const I32_BOUND = 2147483647;

/** The WGSL op of a unary spec, or null. */
function unaryOpFor(spec: UnarySpec, compute: ComputeDType): Resolved | null {
  const attrs = (spec.onnx?.attrs ?? {}) as Record<string, unknown>;
  const P = POINTWISE_OPS as Record<string, PointwiseOp>;
  switch (spec.name) {
    case "abs": case "neg": case "exp": case "exp2": case "expm1": case "log": case "log2": case "log1p": case "sqrt":
    case "rsqrt": case "sin": case "cos": case "tan": case "tanh": case "sigmoid": case "floor": case "ceil": case "trunc":
    case "relu": case "reciprocal": case "silu":
      return { op: P[spec.name]! };
    case "round": return spec.node === "RoundBackward0" ? { op: P.round! } : null;
    case "sign": case "sgn": return { op: EXTRA.sign };
    case "bitwise_not": return { op: P.bitwise_not! };
    case "gelu": return { op: attrs.approximate === "tanh" ? P.gelu_tanh! : P.gelu! };
    case "leaky_relu": return { op: P.leaky_relu!, params: [num(attrs.negativeSlope, 0.01)] };
    case "hardtanh": return { op: P.clamp!, params: [num(attrs.minVal, -1), num(attrs.maxVal, 1)] };
    case "softplus": return { op: P.softplus!, params: [num(attrs.beta, 1), num(attrs.threshold, 20)] };
    case "threshold": return { op: EXTRA.threshold, params: [num(attrs.threshold, 0), num(attrs.value, 0)] };
    case "clamp": case "clamp_min": case "clamp_max": {
      const big = compute === "int32" ? I32_BOUND : Infinity;
      const lo = attrs.min === null || attrs.min === undefined ? -big : Number(attrs.min);
      const hi = attrs.max === null || attrs.max === undefined ? big : Number(attrs.max);
      if (Number.isNaN(lo) || Number.isNaN(hi)) return null;
      return { op: P.clamp!, params: [lo, hi] };
    }
    case "pow": return typeof attrs.exponent === "number" ? { op: P.pow_scalar!, params: [attrs.exponent] } : null;
    case "elu": {
      const alpha = num(attrs.alpha, 1), scale = num(attrs.scale, 1), inputScale = num(attrs.inputScale, 1);
      if (scale === 1 && inputScale === 1) return { op: P.elu!, params: [alpha] };
      return { op: op1(`elu_${alpha}_${scale}_${inputScale}`, `select(${lit(alpha * scale)} * (exp(a * ${lit(inputScale)}) - 1.0), a * ${lit(scale)}, a > 0.0)`) };
    }
    default: {
      const e = (EXTRA as Record<string, PointwiseOp>)[spec.name];
      return e && e.arity === 1 ? { op: e } : null;
    }
  }
}

/** The WGSL op of a binary spec, or null. */
function binaryOpFor(spec: BinarySpec, boolInputs: boolean): Resolved | null {
  const P = POINTWISE_OPS as Record<string, PointwiseOp>;
  switch (spec.name) {
    // alpha: the spec's scale of b (add/sub with alpha on floats), rounded once by the kernel.
    case "add": return boolInputs ? { op: P.logical_or! } : { op: P.add!, params: [spec.alpha ?? 1] };
    case "sub": return { op: P.sub!, params: [spec.alpha ?? 1] };
    case "mul": return boolInputs ? { op: P.logical_and! } : { op: P.mul! };
    case "div": {
      if (spec.node === "DivBackward0") return { op: P.div! };
      // The rounding mode lives in the spec's kernel: trunc(-1.5) = -1, floor(-1.5) = -2.
      return spec.f(-3, 2) === -1 ? { op: EXTRA.div_trunc } : { op: P.floor_divide! };
    }
    case "pow": case "atan2": case "maximum": case "minimum": case "fmod": case "remainder":
    case "bitwise_and": case "bitwise_or": case "bitwise_xor":
      if (boolInputs && spec.name.startsWith("bitwise_")) return { op: P[spec.name.replace("bitwise_", "logical_")]! };
      return { op: P[spec.name]! };
    case "fmax": case "fmin": case "hypot": case "logaddexp": case "bitwise_left_shift": case "bitwise_right_shift": return { op: (EXTRA as Record<string, PointwiseOp>)[spec.name]! };
    // The scalar weight lives in the spec's kernel: lerp(0, 1, w) = w.
    case "lerp": return { op: EXTRA.lerp, params: [spec.f(0, 1)] };
    default: return null;
  }
}

/**
 * `op` with scalar inputs replaced by the parameter p1 (at most one scalar, and only where the
 * expression does not use p1 already). Returns null when that is not possible.
 */
const substituted = new Map<string, PointwiseOp>();
function withScalar(op: PointwiseOp, scalarAt: number): PointwiseOp | null {
  const exprs = typeof op.expr === "string" ? { only: op.expr } : op.expr;
  if (Object.values(exprs).some((e) => e !== undefined && /\bp1\b/.test(e))) return null;
  const key = `${op.name}|${scalarAt}|${JSON.stringify(op.expr)}`;
  let r = substituted.get(key);
  if (r) return r;
  const names = ["a", "b", "c"].slice(0, op.arity);
  const rename: Record<string, string> = {};
  let k = 0;
  names.forEach((n, i) => { rename[n] = i === scalarAt ? "p1" : names[k++]!; });
  const sub = (e: string): string => e.replace(/\b([abc])\b/g, (m) => rename[m] ?? m);
  const expr = typeof op.expr === "string" ? sub(op.expr)
    : Object.fromEntries(Object.entries(op.expr).map(([d, e]) => [d, sub(e as string)]));
  const inputs = op.inputs?.filter((_, i) => i !== scalarAt);
  // A bool-typed input turned scalar is a number: test it against zero.
  if (op.inputs?.[scalarAt] === "bool") return null;
  r = { ...op, name: `${op.name}_s${scalarAt}`, arity: (op.arity - 1) as 0 | 1 | 2, expr, inputs };
  substituted.set(key, r);
  return r;
}

function computeOf(d: DType): ComputeDType {
  return d.isFloatingPoint ? "float32" : "int32";
}

function outView(out: Tensor | undefined): GpuTensor | undefined {
  return out ? gpuOf(out) : undefined;
}

/**
 * Runs `r` on tensor operands (GPU tensors, 0-d CPU tensors, numbers), scalars as parameters
 * where the expression allows, else as one-element GPU tensors.
 */
function run(opName: string, r: Resolved, operands: (Tensor | number)[], compute: ComputeDType, outDtype: DType, out?: Tensor): Tensor {
  const ctx = context(opName);
  let op = r.op;
  const params: [number, number] = [r.params?.[0] ?? op.params?.[0] ?? 0, r.params?.[1] ?? op.params?.[1] ?? 0];
  const temps: GpuTensor[] = [];
  let inputs: (Tensor | number)[] = operands;
  const scalars = operands.map((v) => isScalarOperand(v));
  const nScalars = scalars.filter((s) => s).length;
  if (nScalars === 1 && op.arity > 1) {
    const at = scalars.indexOf(true);
    const sub = withScalar(op, at);
    if (sub) {
      op = sub;
      params[1] = scalarValue(operands[at]!);
      inputs = operands.filter((_, i) => i !== at);
    }
  }
  const gpuInputs = inputs.map((v) => {
    if (isGpuTensor(v)) return gpuOf(v);
    // A scalar the expression cannot take as a parameter: a one-element tensor filled on the GPU.
    const value = scalarValue(v as Tensor | number);
    const t = full(ctx, [], value, v instanceof Tensor ? supportedOrThrow(opName, v.dtype) : compute);
    temps.push(t);
    return t;
  });
  if (!op.dtypes.includes(compute)) throw notImplementedOnDevice(`${opName} (${compute === "int32" ? "integer" : "float"} inputs)`);
  const gOut = outView(out);
  const outGpu = supportedOrThrow(opName, outDtype);
  // A float16/bfloat16 result is computed in float32 and rounded as it is stored, an int8/uint8/int16
  // one in 32 bits and wrapped as it is stored (PyTorch's CPU rule).
  const narrow = narrowFormatOf(out ? out.dtype : outDtype) ?? undefined;
  const res = pointwise(op, gpuInputs, { out: gOut, computeDtype: compute, outDtype: gOut ? gOut.dtype : outGpu, params, narrow });
  for (const t of temps) t.buffer.release();
  return out ?? wrapExact(res, outDtype);
}

// ---- the front end's hooks ------------------------------------------------------------------------

/** unaryOp / unaryInPlace on the GPU: the output (or `out`) of dtype `outDtype`. */
export function gpuUnary(spec: UnarySpec, input: Tensor, outDtype: DType, out?: Tensor): Tensor {
  checkDevices(spec.name, input, out);
  const compute = outDtype.isFloatingPoint || input.dtype.isFloatingPoint ? "float32" : "int32";
  // bool's bitwise_not is logical not (~1 would be -2, which is true).
  const r = spec.name === "bitwise_not" && input.dtype === bool ? { op: POINTWISE_OPS.logical_not } : unaryOpFor(spec, compute);
  if (!r) throw notImplementedOnDevice(spec.name);
  return run(spec.name, r, [input], compute, outDtype, out);
}

/** binaryOp on the GPU: x and y are tensors (scalars arrive as 0-d CPU tensors). */
export function gpuBinary(spec: BinarySpec, x: Tensor, y: Tensor, outDtype: DType, out?: Tensor): Tensor {
  checkDevices(spec.name, x, y, out);
  const boolInputs = x.dtype === bool && y.dtype === bool;
  const r = binaryOpFor(spec, boolInputs);
  if (!r) throw notImplementedOnDevice(spec.name);
  const promoted = x.dtype === y.dtype ? x.dtype : (outDtype.isFloatingPoint ? outDtype : x.dtype.isFloatingPoint ? x.dtype : y.dtype);
  const compute = computeOf(outDtype.isFloatingPoint ? outDtype : promoted);
  return run(spec.name, r, [x, y], compute, outDtype, out);
}

/**
 * A fused gradient on the GPU (fusedGrad's device kernel): the two-input pointwise op `name` of
 * POINTWISE_OPS (threshold_backward, tanh_backward, ...) over (gradient, saved tensor).
 */
export function gpuPointwiseGrad(name: string, g: Tensor, saved: Tensor, params?: readonly [number, number?]): Tensor {
  checkDevices(name, g, saved);
  const op = (POINTWISE_OPS as Record<string, PointwiseOp>)[name];
  if (!op || op.arity !== 2) throw notImplementedOnDevice(name);
  return run(name, { op, params: params ? [...params] : undefined }, [g, saved], "float32", g.dtype);
}

/** ternaryOp on the GPU (lerp, addcmul, addcdiv). */
export function gpuTernary(spec: TernarySpec, x: Tensor, y: Tensor, z: Tensor, outDtype: DType, out?: Tensor): Tensor {
  checkDevices(spec.name, x, y, z, out);
  const P = POINTWISE_OPS as Record<string, PointwiseOp>;
  const op = P[spec.name];
  if (!op || op.arity !== 3) throw notImplementedOnDevice(spec.name);
  // addcmul/addcdiv's value lives in the spec's kernel: f(0, 1, 1) = value.
  const params: [number] | undefined = spec.name === "addcmul" || spec.name === "addcdiv" ? [spec.f(0, 1, 1)] : undefined;
  return run(spec.name, { op, params }, [x, y, z], computeOf(outDtype), outDtype, out);
}

const COMPARE_OPS: Record<string, PointwiseOp> = {
  eq: POINTWISE_OPS.eq, ne: POINTWISE_OPS.ne, lt: POINTWISE_OPS.lt, le: POINTWISE_OPS.le, gt: POINTWISE_OPS.gt, ge: POINTWISE_OPS.ge,
};

/** eq/ne/lt/le/gt/ge in the promoted dtype, a bool result (or into `out`). */
export function gpuCompare(name: string, x: Tensor, y: Tensor, promoted: DType, out?: Tensor): Tensor {
  checkDevices(name, x, y, out);
  const op = COMPARE_OPS[name];
  if (!op) throw notImplementedOnDevice(name);
  return run(name, { op }, [x, y], computeOf(promoted), out ? out.dtype : bool, out);
}

const LOGICAL: Record<string, PointwiseOp> = {
  logical_and: POINTWISE_OPS.logical_and, logical_or: POINTWISE_OPS.logical_or, logical_xor: POINTWISE_OPS.logical_xor,
};

export function gpuLogical(name: string, x: Tensor, y: Tensor, out?: Tensor): Tensor {
  checkDevices(name, x, y, out);
  const op = LOGICAL[name];
  if (!op) throw notImplementedOnDevice(name);
  const compute = x.dtype.isFloatingPoint || y.dtype.isFloatingPoint ? "float32" : "int32";
  return run(name, { op }, [x, y], compute, out ? out.dtype : bool, out);
}

/** logical_not, isnan, isinf, isfinite: bool results. */
export function gpuTest(name: string, x: Tensor, out?: Tensor): Tensor {
  checkDevices(name, x, out);
  const ctx = context(name);
  const outDtype = out ? out.dtype : bool;
  const float = x.dtype.isFloatingPoint;
  if (!float && name !== "logical_not") {
    const r = empty(ctx, x._shape, "bool");
    fillInto(r, name === "isfinite" ? 1 : 0);
    return wrap(r, bool);
  }
  const op: PointwiseOp | undefined = name === "logical_not" ? POINTWISE_OPS.logical_not
    : name === "isnan" ? POINTWISE_OPS.isnan : name === "isinf" ? POINTWISE_OPS.isinf
    : name === "isfinite" ? { name: "isfinite", arity: 1, expr: "!(isnan_f(a) || isinf_f(a))", result: "bool", dtypes: F, helpers: ["isnan", "isinf"] }
    : undefined;
  if (!op) throw notImplementedOnDevice(name);
  return run(name, { op }, [x], float ? "float32" : "int32", outDtype, out);
}

/** torch.where(cond, x, y) with x, y already of dtype `dtype` (scalars as 0-d CPU tensors). */
export function gpuWhere(cond: Tensor, x: Tensor, y: Tensor, dtype: DType, out?: Tensor): Tensor {
  checkDevices("where", cond, x, y, out);
  return run("where", { op: POINTWISE_OPS.where }, [cond, x, y], computeOf(dtype), dtype, out);
}

// ---- copies, fills, allocation ------------------------------------------------------------------

/** A new uninitialised GPU tensor (the "webgpu" emptyTensor). */
export function gpuEmpty(shape: readonly number[], dtype: DType): Tensor {
  const g = supportedOrThrow("empty", dtype);
  // Uninitialised: whatever writes it rounds what it writes.
  return wrapExact(empty(context("empty"), shape, g), dtype);
}

/** engine.copyInto for GPU tensors: dst GPU with src GPU or CPU (uploaded, as copy_ allows). */
export function gpuCopy(dst: Tensor, src: Tensor): void {
  if (!isGpuTensor(dst)) {
    // A CPU destination would need a synchronous readback: the op has no GPU kernel of its own.
    throw notImplementedOnDevice(currentOp(src));
  }
  const d = gpuOf(dst);
  let s: GpuTensor;
  let temp: GpuTensor | null = null;
  if (isGpuTensor(src)) s = gpuOf(src);
  else {
    temp = uploadCpu(dst.storage as GpuStorage, src, dst.dtype);
    s = temp;
  }
  // copy_ broadcasts the source to the destination's shape, as the CPU copy does.
  if (s.shape.join() !== d.shape.join()) {
    const shape = broadcastShapes("copy_", s.shape, d.shape);
    if (shape.join() !== d.shape.join()) throw new Error(`output with shape [${d.shape.join(", ")}] doesn't match the broadcast shape [${shape.join(", ")}]`);
    s = restride(s, d.shape, expandStrides(s, d.shape));
  }
  const compute: ComputeDType = dst.dtype.isFloatingPoint || src.dtype.isFloatingPoint ? "float32" : "int32";
  // float32 → float16 rounds (int → bfloat16 too), int32 → uint8 or float → int8 wraps; a copy
  // between equal dtypes keeps values as they are.
  const narrow = src.dtype === dst.dtype ? undefined : narrowFormatOf(dst.dtype) ?? undefined;
  pointwise("identity", [s], { out: d, computeDtype: compute, narrow });
  temp?.buffer.release();
}

function currentOp(t: Tensor): string {
  // The data getter of a GPU storage names the op from the call stack.
  try { void t.storage.data; } catch (e) { return (e as Error).message.split(" is not implemented")[0]!; }
  return "this op";
}

/** A CPU tensor's values uploaded as a contiguous GPU tensor of `dtype`'s GPU type. */
function uploadCpu(like: GpuStorage, src: Tensor, dtype: DType): GpuTensor {
  const f16 = src.dtype.name === "float16" && dtype.name === "float16" && like.gpuDType === "float16";
  const target = f16 ? "float16" : src.dtype.isFloatingPoint || dtype.isFloatingPoint ? "float32" : src.dtype.name === "bool" && dtype.name === "bool" ? "bool" : "int32";
  const host = hostValues(src, target);
  return upload(like.ctx, host, src._shape, target);
}

/** Contiguous host values of a CPU tensor as the typed array of a GPU type. */
export function hostValues(src: Tensor, target: GpuDType): Float32Array | Int32Array | Uint8Array | Uint16Array {
  const c = src.contiguous();
  const n = c.numel();
  const data = c.storage.data;
  const off = c._offset;
  if (target === "float16") {
    // f16 storage takes the CPU's float16 bits as they are.
    if (c.dtype.name !== "float16") throw new Error(`webgpu: internal error: f16 storage uploads float16 values, not ${c.dtype.name}`);
    return (data as Uint16Array).subarray(off, off + n);
  }
  if (target === "float32") {
    if (data instanceof Float32Array) return data.subarray(off, off + n);
    const out = new Float32Array(n);
    const vals = (c.dtype.name === "float16" || c.dtype.name === "bfloat16") ? (c.float().storage.data as Float32Array) : null;
    for (let i = 0; i < n; i++) out[i] = vals ? vals[i]! : Number(data[off + i]!);
    return out;
  }
  if (target === "bool") {
    return (data as Uint8Array).subarray(off, off + n);
  }
  if (data instanceof Int32Array) return data.subarray(off, off + n);
  if (data instanceof Int8Array || data instanceof Uint8Array || data instanceof Int16Array) return Int32Array.from(data.subarray(off, off + n));
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const v = Number(data[off + i]!);
    if (!(v >= -2147483648 && v <= 2147483647)) {
      throw new Error(`webgpu: the value ${String(data[off + i])} of a ${c.dtype.name} tensor does not fit the int32 the 'webgpu' device stores integers in`);
    }
    out[i] = Math.trunc(v);
  }
  return out;
}

/** engine.fillTensor on the GPU. */
export function gpuFill(t: Tensor, value: number | bigint | boolean): void {
  const g = gpuOf(t);
  const v = typeof value === "boolean" ? (value ? 1 : 0) : Number(value);
  fillInto(g, narrowFormatOf(t.dtype) ? roundToDType(v, t.dtype) : v);
}
