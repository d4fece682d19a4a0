// Helpers shared by the pointwise, comparison and activation families: argument checks in
// PyTorch's words, exact int64 maps, ternary ops, dtype-exact operand casts, and fused gradients.

import { forwardGrads } from "../autograd/forward-grad.js";
import { isSparse } from "../core/sparse-tensor.js";
import { isCompressed } from "../core/sparse-compressed-tensor.js";
import { tryNativeUnary } from "./native-fast.js";
import { Tensor } from "../core/tensor.js";
import { type DType, bool, getDefaultDtype, int64, scalarTypeName } from "../core/dtype.js";
import { needsGrad, record } from "../autograd/record.js";
import { broadcastShapes, broadcastStrides, shapesEqual } from "../core/shape.js";
import { forEachRow } from "../backends/js/strided.js";
import { binaryMap, emptyTensor, lay, ternaryMap, copyInto, uninitStrided, uninitTensor, type BinaryFn, type TernaryFn } from "./engine.js";
import { sameDenseLayout } from "../core/memory-format.js";
import { asOperand, traceKind, type UnarySpec, unaryInPlace, unaryOp, unarySaved } from "./pointwise-engine.js";
import { applyInPlace } from "./inplace.js";
import { resultTypeMany, type TensorOrScalar } from "./promotion.js";
import { type TraceAttrs, traceOp, tracing } from "../onnx/hook.js";
import { deviceOp, onDevice } from "./device-hooks.js";
import { directOut, outOffered } from "./out.js";
import { batching, isBatched } from "../func/batched-tensor.js";
import { unaryRule } from "../func/batching-rules.js";

import { pyType } from "./args.js";
export { pyType };

/** `op(): argument 'name' (position n) must be Tensor, not int`. */
export function requireTensor(op: string, name: string, position: number, v: unknown): Tensor {
  if (!(v instanceof Tensor)) throw new Error(`${op}(): argument '${name}' (position ${position}) must be Tensor, not ${pyType(v)}`);
  return v;
}

/** PyTorch's C++ type name of a dtype ('Float', 'Long', ...). */
export const kernelTypeName = scalarTypeName;

/** The C++ type and range PyTorch checks a Python number against before storing it in a tensor. */
const SCALAR_RANGE: Record<string, { type: string; min: number; max: number }> = {
  uint8: { type: "uint8_t", min: 0, max: 255 }, int8: { type: "int8_t", min: -128, max: 127 },
  int16: { type: "int16_t", min: -32768, max: 32767 }, int32: { type: "int", min: -(2 ** 31), max: 2 ** 31 - 1 },
  int64: { type: "int64_t", min: -(2 ** 63), max: 2 ** 63 }, float16: { type: "at::Half", min: -65504, max: 65504 },
  bfloat16: { type: "at::BFloat16", min: -3.3895313892515355e38, max: 3.3895313892515355e38 },
  float32: { type: "float", min: -3.4028234663852886e38, max: 3.4028234663852886e38 },
};

/**
 * Refuses a number that `dtype` cannot hold, as PyTorch's checked scalar conversion does
 * (`value cannot be converted to type uint8_t without overflow`): out of range or NaN/infinite for
 * the integers, finite beyond the largest value for the floats. An integer number may be negative
 * for uint8 down to -255 (it wraps, as in C++); a fractional one is truncated and may not be below 0.
 */
export function checkScalarFits(value: number, dtype: DType): void {
  const r = SCALAR_RANGE[dtype.name];
  if (!r) return; // bool and float64 take any number
  let fits: boolean;
  if (dtype.isFloatingPoint) fits = !Number.isFinite(value) || (value >= r.min && value <= r.max);
  else if (Number.isInteger(value)) fits = value >= (r.min === 0 ? -r.max : r.min) && (dtype === int64 ? value < r.max : value <= r.max);
  else fits = value >= r.min && value <= r.max; // NaN fails both
  if (!fits) throw new Error(`value cannot be converted to type ${r.type} without overflow`);
}

/** PyTorch's dispatch error: `"abs_cpu" not implemented for 'Bool'`. */
export function notImplementedFor(kernel: string, d: DType): Error {
  return new Error(`"${kernel}" not implemented for '${kernelTypeName(d)}'`);
}

/** Whether every value of `from` is exactly a value of `to` (no rounding on the way). */
export function losslessCast(from: DType, to: DType): boolean {
  if (from === to) return true;
  if (from.category === "bool") return true;
  if (to.category === "bool") return false;
  if (to.category === "int") {
    if (from.category !== "int") return false;
    if (to === int64) return true;
    if (from === int64) return false;
    if (from.name === "uint8") return to.name === "int16" || to.name === "int32";
    return to.isSigned && to.itemsize > from.itemsize;
  }
  // to is floating: mantissa bits 11 (f16), 8 (bf16), 24 (f32), 53 (f64).
  const mant: Record<string, number> = { float16: 11, bfloat16: 8, float32: 24, float64: 53 };
  const intBits: Record<string, number> = { uint8: 8, int8: 7, int16: 15, int32: 31, int64: 63 };
  if (from.category === "int") return intBits[from.name]! <= mant[to.name]!;
  if (from.name === "float16") return to.name === "float32" || to.name === "float64";
  if (from.name === "bfloat16") return to.name === "float32" || to.name === "float64";
  if (from.name === "float32") return to.name === "float64";
  return false;
}

/** The tensor's values in `dtype` (a detached copy when a cast could change a value). */
export function exactOperand(t: Tensor, dtype: DType): Tensor {
  if (losslessCast(t.dtype, dtype)) return t;
  const out = emptyTensor(t.shape, dtype);
  copyInto(out, t);
  return out;
}

/**
 * The device's kernel for a fused gradient: a two-input pointwise op of its backend, over
 * (gradient, saved tensor), e.g. "threshold_backward" (src/backends/webgpu/pointwise-ops.ts).
 */
export interface DeviceGradKernel {
  readonly kernel: string;
  readonly params?: readonly [number, number?];
}

/**
 * g ⊙ f'(x) as one kernel when the gradient itself needs no graph (the usual backward), else the
 * same formula in public ops (createGraph: double backward). On a device, `device` names its one
 * kernel (a composite would queue one kernel per public op).
 */
export function fusedGrad(g: Tensor, x: Tensor, df: BinaryFn, composite: () => Tensor, loop?: Loop2, device?: DeviceGradKernel): Tensor {
  if (onDevice(g, x)) {
    if (device && !needsGrad(g, x) && g.dtype === x.dtype && g.dtype.isFloatingPoint && shapesEqual(g._shape, x._shape)) {
      return deviceOp("pointwiseGrad")(device.kernel, g, x, device.params);
    }
    return composite();
  }
  if (!needsGrad(g, x)) {
    if (loop && denseFloat(x) && g.dtype === x.dtype && shapesEqual(g._shape, x._shape)) {
      // A broadcast gradient (sum()'s backward expands one value) is materialised first: one
      // copy, then the loop, instead of the generic map over df.
      const gd = denseFloat(g) ? g : g.contiguous();
      const out = uninitTensor(g._shape, g.dtype);
      loop(dense(gd), dense(x), out.storage.data as Floats, out.numel());
      return out;
    }
    if (loop && g.dtype === x.dtype && floatStorage(x) && floatStorage(g) && sameDenseLayout(g, x)) {
      // Both dense in one order (channels-last, say): the loop runs over their storage, and the
      // gradient takes that layout, as PyTorch's does.
      const out = uninitStrided(x._shape, x._strides, x.dtype);
      loop(dense(g), dense(x), out.storage.data as Floats, out.numel());
      return out;
    }
    return binaryMap(g, x, x.dtype, df);
  }
  const r = composite();
  // A piecewise-constant derivative (relu's mask) still depends on x, with a zero second
  // derivative: keep it in the graph, as PyTorch's backward node does.
  if (!r._requiresGrad && x._requiresGrad) return r.add(where0(x));
  return r;
}

/** where(false, x, 0): zeros that carry x's graph (zero gradient, and no NaN from 0 * inf). */
function where0(x: Tensor): Tensor {
  return x.where(emptyTensor(x.shape, bool), 0);
}

// ---- dedicated loops for hot ops -------------------------------------------------------------
// The engine's maps call the op's kernel through one shared call site, which V8 cannot inline once
// many ops have used it. Hot ops (relu, gelu, sigmoid, ...) also get a loop of their own, written
// as a separate function literal so that the math is inlined; it runs on contiguous float32/64.

export type Floats = Float32Array | Float64Array;
/** dst[i] = f(src[i]) for i < n. */
export type Loop1 = (src: Floats, dst: Floats, n: number) => void;
/** dst[i] = df(g[i], x[i]) for i < n. */
export type Loop2 = (g: Floats, x: Floats, dst: Floats, n: number) => void;

function floatStorage(t: Tensor): boolean {
  // A conjugate or negative view takes unaryOp's road, which reads only its own elements.
  if (t.storage._physical !== null) return false;
  const d = t.storage.data;
  return d instanceof Float32Array || d instanceof Float64Array;
}
function denseFloat(t: Tensor): boolean {
  return floatStorage(t) && t.isContiguous();
}
function dense(t: Tensor): Floats {
  const d = t.storage.data as Floats;
  return t._offset === 0 && d.length === t.numel() ? d : d.subarray(t._offset, t._offset + t.numel());
}

/** unaryOp with a dedicated loop when the input is a contiguous float32/float64 tensor. */
export function unaryFast(spec: UnarySpec, loop: Loop1, input: Tensor): Tensor {
  if (batching.on && isBatched(input)) return unaryRule(input, (p) => unaryFast(spec, loop, p));
  // unaryOp also gives a named input its names, and refuses a non-tensor in PyTorch's words.
  if (!(input instanceof Tensor) || onDevice(input) || isSparse(input) || isCompressed(input) || input._names !== null) return unaryOp(spec, input);
  // The dtype test first: it sends complex inputs (floatOutOf: float32) to unaryOp before denseFloat reads their data.
  if ((spec.outDtype ?? floatOutOf)(input.dtype) !== input.dtype || !denseFloat(input)) return unaryOp(spec, input);
  const direct = outOffered(spec.name) ? directOut(spec.name, input._shape, input.dtype, [input]) : undefined;
  const out = direct ?? uninitTensor(input._shape, input.dtype);
  if (!tryNativeUnary(spec.f, dense(input), dense(out), out.numel())) loop(dense(input), dense(out), out.numel());
  if (!spec.vjp || direct) {
    if (tracing.on) traceOp(traceKind(spec), [input], out, spec.onnx?.attrs);
    return out;
  }
  const vjp = spec.vjp;
  // Pointwise: a diagonal Jacobian, its own transpose (the tangent is the vjp of the tangent).
  const r = record(spec.node, [input], out, ([g]) => [vjp(g!, input, out)], unarySaved(spec, input, out),
    forwardGrads.on ? ([t]) => [vjp(t!, input, out)] : undefined);
  if (tracing.on && spec.onnx) traceOp(spec.onnx.kind, [input], r, spec.onnx.attrs);
  return r;
}

/** unaryInPlace with the dedicated loop (in place: src and dst are the same buffer). */
export function unaryFastInPlace(spec: UnarySpec, loop: Loop1, self: Tensor): Tensor {
  if (onDevice(self) || isSparse(self) || isCompressed(self) || self._names !== null) return unaryInPlace(spec, self);
  if (self.dtype.isComplex || !denseFloat(self)) return unaryInPlace(spec, self);
  const r = applyInPlace(spec.name + "_", self, [], () => { const d = dense(self); if (!tryNativeUnary(spec.f, d, d, d.length)) loop(d, d, d.length); }, (s) => unaryFast(spec, loop, s));
  if (tracing.on) traceOp(traceKind(spec), [self], self, spec.onnx?.attrs);
  return r;
}

const floatOutOf = (d: DType): DType => (d.isFloatingPoint ? d : getDefaultDtype());

// ---- exact int64 maps -----------------------------------------------------------------------

/** x (any integer dtype) → int64 through a BigInt function, exactly. */
export function bigUnary(x: Tensor, f: (v: bigint) => bigint, out?: Tensor): Tensor {
  const res = out ?? emptyTensor(x.shape, int64);
  const a = res.storage.data as BigInt64Array;
  const b = x.storage.data as unknown as ArrayLike<number | bigint>;
  forEachRow(x._shape, [lay(res), lay(x)], (o, len, inner) => {
    const sa = inner[0]!, sb = inner[1]!;
    for (let i = 0, p = o[0]!, q = o[1]!; i < len; i++, p += sa, q += sb) a[p] = BigInt.asIntN(64, f(BigInt(b[q]!)));
  });
  return res;
}

/** Integer operands compared or combined exactly as BigInt; results written through `outDtype`. */
export function bigBinary(x: Tensor, y: Tensor, outDtype: DType, f: (a: bigint, b: bigint) => number | bigint, out?: Tensor): Tensor {
  const shape = broadcastShapes(x._shape, y._shape);
  const res = out ?? emptyTensor(shape, outDtype);
  const a = res.storage.data as unknown as (number | bigint)[];
  const b = x.storage.data as unknown as ArrayLike<number | bigint>, c = y.storage.data as unknown as ArrayLike<number | bigint>;
  const xs = { strides: broadcastStrides(x._shape, x._strides, shape), offset: x._offset };
  const ys = { strides: broadcastStrides(y._shape, y._strides, shape), offset: y._offset };
  const big = res.dtype === int64;
  forEachRow(shape, [lay(res), xs, ys], (o, len, inner) => {
    const sa = inner[0]!, sb = inner[1]!, sc = inner[2]!;
    for (let i = 0, p = o[0]!, q = o[1]!, r = o[2]!; i < len; i++, p += sa, q += sb, r += sc) {
      const v = f(BigInt(b[q]!), BigInt(c[r]!));
      a[p] = big ? BigInt.asIntN(64, BigInt(v)) : Number(v);
    }
  });
  return res;
}

/** Whether an op on these operands must run exactly in int64 (an int64 tensor or a bigint scalar, no floats). */
export function needsBigInt(promoted: DType, ...vals: TensorOrScalar[]): boolean {
  if (promoted !== int64) return false;
  return vals.some((v) => (v instanceof Tensor ? v.dtype === int64 : typeof v === "bigint"));
}

// ---- ternary ops ----------------------------------------------------------------------------

export interface TernarySpec {
  name: string;
  node: string;
  f: TernaryFn;
  outDtype?: (promoted: DType) => DType;
  vjp?: (g: Tensor, a: Tensor, b: Tensor, c: Tensor, out: Tensor) => [Tensor | null, Tensor | null, Tensor | null];
  /** How torch.onnx.export records the op when its node name does not say everything (its arguments). */
  onnx?: { kind: string; attrs: TraceAttrs };
}

/** A ternary pointwise op: promotion over the three operands, broadcasting, recording. */
export function ternaryOp(spec: TernarySpec, a: TensorOrScalar, b: TensorOrScalar, c: TensorOrScalar, out?: Tensor): Tensor {
  const promoted = resultTypeMany(a, b, c);
  const outDtype = spec.outDtype ? spec.outDtype(promoted) : promoted;
  const x = asOperand(spec.name, a, promoted), y = asOperand(spec.name, b, promoted), z = asOperand(spec.name, c, promoted);
  const res = onDevice(x, y, z, out) ? deviceOp("ternary", spec.name)(spec, x, y, z, outDtype, out) : ternaryMap(exactOperand(x, promoted), exactOperand(y, promoted), exactOperand(z, promoted), outDtype, spec.f, out, spec.name);
  if (!spec.vjp || out) {
    if (tracing.on && !out) traceOp(traceKind(spec), [x, y, z], res, spec.onnx?.attrs);
    return res;
  }
  const vjp = spec.vjp;
  record(spec.node, [x, y, z], res, ([g]) => vjp(g!, x, y, z, res), [x, y, z]);
  if (tracing.on && spec.onnx) traceOp(spec.onnx.kind, [x, y, z], res, spec.onnx.attrs);
  return res;
}

// ---- shared activation kernels ----------------------------------------------------------------

/** An output-dtype rule that accepts floating dtypes only (integer inputs are dispatch errors). */
export function floatOnlyOut(kernel: string): (d: DType) => DType {
  return (d) => {
    if (!d.isFloatingPoint) throw notImplementedFor(kernel, d);
    return d;
  };
}
