// Comparisons and logic: eq/ne/lt/le/gt/ge (bool results, exact on int64), equal, isclose,
// allclose, isnan/isinf/isfinite/..., logical_*, bitwise_* and shifts, where, heaviside.

import { isNested } from "../core/nested-kind.js";
import { nestedRefusal } from "./nested-engine.js";
import { checkOutNames, hideNames, isNamed, namedRefusal, namesMode, namesOf, putNames, unifyFromRight } from "./named-engine.js";
import { anyNamed, eitherNamed, keepNamed } from "./named-rules.js";
import { Tensor } from "../core/tensor.js";
import { type DType, bool, complex32, float32, float64, getDefaultDtype, int64, roundToDType } from "../core/dtype.js";
import { record } from "../autograd/record.js";
import { traceOp, tracing } from "../onnx/hook.js";
import { broadcastShapes, broadcastStrides, numel, shapesEqual } from "../core/shape.js";
import { forEachRow } from "../backends/js/strided.js";
import { type Args, bindArgs, checkTensor, installMethods, type Method, checkArgs, isOptionsObject, rebind, type Rebound } from "./args.js";
import { binaryMap, emptyTensor, fillTensor, lay, unaryMap, copyInto, toNumbers, uninitTensor, pointwiseResult, readable } from "./engine.js";
import { applyInPlace, checkInplaceCast } from "./inplace.js";
import { asOperand, type BinarySpec, binaryInPlace, binaryOp, gradFor, type UnarySpec } from "./pointwise-engine.js";
import { resultType, type TensorOrScalar } from "./promotion.js";
import { bigBinary, bigUnary, exactOperand, kernelTypeName, needsBigInt, notImplementedFor, pyType } from "./pointwise-util.js";
import { deviceOp, onDevice, valueOnDevice } from "./device-hooks.js";
import type { CompareOp } from "../backends/native/masks.js";
import type { ClassOp } from "../backends/native/unary-math.js";
import { tryNativeByteReduce, tryNativeClassify, tryNativeCompare, tryNativeSelect, tryNativeSelectFresh } from "./native-masks.js";
import { kernels } from "../backends/kernels.js";
import { add, mul, sub } from "./arithmetic.js";
import { abs } from "./pointwise.js";
import { isclose as nativeIscloseKernel } from "../backends/native/isclose.js";
import { nativeLogical, nativeLogicalApplies, nativeTyped } from "./native-typed.js";

import { outCall, type OutOption } from "./out.js";
import { Complex } from "../core/complex.js";
import { complexCompare, complexTest, complexWhere } from "./complex-compare.js";
import { backendRefusal } from "../core/op-name.js";
import { anyBatched, batching, isBatched } from "../func/batched-tensor.js";
import { broadcastRule } from "../func/batching-rules.js";
// ---- eq / ne / lt / le / gt / ge --------------------------------------------------------------

type Cmp = (a: number, b: number) => number;
type CmpBig = (a: bigint, b: bigint) => number;

interface CompareSpec { name: CompareOp; f: Cmp; big: CmpBig }

const EQ: CompareSpec = { name: "eq", f: (a, b) => (a === b ? 1 : 0), big: (a, b) => (a === b ? 1 : 0) };
const NE: CompareSpec = { name: "ne", f: (a, b) => (a !== b ? 1 : 0), big: (a, b) => (a !== b ? 1 : 0) };
const LT: CompareSpec = { name: "lt", f: (a, b) => (a < b ? 1 : 0), big: (a, b) => (a < b ? 1 : 0) };
const LE: CompareSpec = { name: "le", f: (a, b) => (a <= b ? 1 : 0), big: (a, b) => (a <= b ? 1 : 0) };
const GT: CompareSpec = { name: "gt", f: (a, b) => (a > b ? 1 : 0), big: (a, b) => (a > b ? 1 : 0) };
const GE: CompareSpec = { name: "ge", f: (a, b) => (a >= b ? 1 : 0), big: (a, b) => (a >= b ? 1 : 0) };

function checkOther(op: string, input: unknown, other: unknown): void {
  if (!(input instanceof Tensor)) {
    throw new Error(`${op}() received an invalid combination of arguments - got (${pyType(input)}, ${pyType(other)})`);
  }
  if (!(other instanceof Tensor) && typeof other !== "number" && typeof other !== "bigint" && typeof other !== "boolean" && !(other instanceof Complex)) {
    throw new Error(`${op}(): argument 'other' (position 2) must be Tensor or Number, not ${pyType(other)}`);
  }
}

/**
 * Compares in the promoted dtype, as PyTorch does: operands are rounded to it first (an int64 vs
 * float32 comparison sees float32 values), and int64 compares exactly.
 */
function compare(spec: CompareSpec, input: Tensor, other: TensorOrScalar, out?: Tensor): Tensor {
  if (batching.on && out === undefined && (isBatched(input) || isBatched(other))) return broadcastRule([input, other], (a, b) => compare(spec, a as Tensor, b as TensorOrScalar));
  const r = compareKernel(spec, input, other, out);
  if (tracing.on && !out) traceOp(spec.name, [input, other], r);
  return r;
}

function compareKernel(spec: CompareSpec, input: Tensor, other: TensorOrScalar, out?: Tensor): Tensor {
  if (isNested(input) || isNested(other)) throw nestedRefusal(`${spec.name}.${other instanceof Tensor ? "Tensor" : "Scalar"}`);
  checkOther(spec.name, input, other);
  const promoted = resultType(input, other);
  if (promoted.isComplex) return complexCompare(spec.name, input, other, promoted, out);
  const y = asOperand(spec.name, other, promoted);
  if ((input._names !== null || y._names !== null) && namesMode.enabled) {
    const names = unifyFromRight(namesOf(input), namesOf(y));
    if (out) checkOutNames(out, names);
    return putNames(hideNames([input, y, out], () => compareKernel(spec, input, other, out)), names);
  }
  if (onDevice(input, y, out)) return deviceOp("compare", spec.name)(spec.name, input, y, promoted, out);
  // A negative view's values resolved once (its own elements): the fast kernels read storages whole.
  if (input.storage._physical !== null || y.storage._physical !== null) return compareKernel(spec, readable(input), readable(y), out);
  const big = needsBigInt(promoted, input, other);
  const a = big ? input : exactOperand(input, promoted), b = big ? y : exactOperand(y, promoted);
  const fast = out ? null : tryNativeCompare(spec.name, a, b);
  if (fast) return fast;
  if (big) return bigBinary(input, y, bool, spec.big, out);
  return (out ? null : denseCompare(spec.name, a, b)) ?? binaryMap(a, b, bool, spec.f, out, undefined, spec.name);
}

type DenseArray = Float32Array | Float64Array | Int32Array;

/**
 * x and y contiguous in one dtype, y of x's shape or a single element: one loop per comparison.
 * The generic loop calls the comparison through a function value, and `c ? 1 : 0` compiles to a
 * branch that random data mispredicts; Number(c) does not (4M float32 gt: 45 -> 5 ms).
 */
function denseCompare(name: string, x: Tensor, y: Tensor): Tensor | null {
  const xd = x.storage.data, yd = y.storage.data;
  if (!(xd instanceof Float32Array || xd instanceof Float64Array || xd instanceof Int32Array) || yd.constructor !== xd.constructor) return null;
  const n = x.numel();
  const scalar = y.numel() === 1;
  if (!x.isContiguous() || !(scalar || (shapesEqual(x._shape, y._shape) && y.isContiguous()))) return null;
  const shape = scalar ? broadcastShapes(x._shape, y._shape) : x._shape;
  const res = emptyTensor(shape, bool);
  const o = res.storage.data as Uint8Array, a = xd as DenseArray, b = yd as DenseArray, p = x._offset, q = y._offset;
  if (scalar) {
    const v = b[q]!;
    switch (name) {
      case "eq": for (let i = 0; i < n; i++) o[i] = Number(a[p + i]! === v); break;
      case "ne": for (let i = 0; i < n; i++) o[i] = Number(a[p + i]! !== v); break;
      case "lt": for (let i = 0; i < n; i++) o[i] = Number(a[p + i]! < v); break;
      case "le": for (let i = 0; i < n; i++) o[i] = Number(a[p + i]! <= v); break;
      case "gt": for (let i = 0; i < n; i++) o[i] = Number(a[p + i]! > v); break;
      case "ge": for (let i = 0; i < n; i++) o[i] = Number(a[p + i]! >= v); break;
      default: return null;
    }
  } else {
    switch (name) {
      case "eq": for (let i = 0; i < n; i++) o[i] = Number(a[p + i]! === b[q + i]!); break;
      case "ne": for (let i = 0; i < n; i++) o[i] = Number(a[p + i]! !== b[q + i]!); break;
      case "lt": for (let i = 0; i < n; i++) o[i] = Number(a[p + i]! < b[q + i]!); break;
      case "le": for (let i = 0; i < n; i++) o[i] = Number(a[p + i]! <= b[q + i]!); break;
      case "gt": for (let i = 0; i < n; i++) o[i] = Number(a[p + i]! > b[q + i]!); break;
      case "ge": for (let i = 0; i < n; i++) o[i] = Number(a[p + i]! >= b[q + i]!); break;
      default: return null;
    }
  }
  return res;
}

function compareInPlace(spec: CompareSpec, self: Tensor, other: TensorOrScalar): Tensor {
  checkOther(spec.name + "_", self, other);
  return applyInPlace(spec.name + "_", self, [other instanceof Tensor ? other : null],
    () => { copyInto(self, compare(spec, self, other)); },
    (s) => compare(spec, s, other).to(s.dtype));
}

export function eq(input: Tensor, other: TensorOrScalar, options?: OutOption): Tensor;
export function eq<A extends Rebound<[input: Tensor, other: TensorOrScalar], ["input", "other"], OutOption>>(...args: A): Tensor;
export function eq(input: Tensor, other: TensorOrScalar, options?: OutOption): Tensor {
  if (arguments.length > 2) return outCall("eq", arguments, 2, () => eq(input, other)); else if (isOptionsObject(arguments.length === 2 ? other : input)) return rebind(eq, "eq", arguments, ["input", "other"], 2, ["out"]);
  return compare(EQ, input, other);
}
export function ne(input: Tensor, other: TensorOrScalar, options?: OutOption): Tensor;
export function ne<A extends Rebound<[input: Tensor, other: TensorOrScalar], ["input", "other"], OutOption>>(...args: A): Tensor;
export function ne(input: Tensor, other: TensorOrScalar, options?: OutOption): Tensor {
  if (arguments.length > 2) return outCall("ne", arguments, 2, () => ne(input, other)); else if (isOptionsObject(arguments.length === 2 ? other : input)) return rebind(ne, "ne", arguments, ["input", "other"], 2, ["out"]);
  return compare(NE, input, other);
}
export function lt(input: Tensor, other: TensorOrScalar, options?: OutOption): Tensor;
export function lt<A extends Rebound<[input: Tensor, other: TensorOrScalar], ["input", "other"], OutOption>>(...args: A): Tensor;
export function lt(input: Tensor, other: TensorOrScalar, options?: OutOption): Tensor {
  if (arguments.length > 2) return outCall("lt", arguments, 2, () => lt(input, other)); else if (isOptionsObject(arguments.length === 2 ? other : input)) return rebind(lt, "lt", arguments, ["input", "other"], 2, ["out"]);
  return compare(LT, input, other);
}
export function le(input: Tensor, other: TensorOrScalar, options?: OutOption): Tensor;
export function le<A extends Rebound<[input: Tensor, other: TensorOrScalar], ["input", "other"], OutOption>>(...args: A): Tensor;
export function le(input: Tensor, other: TensorOrScalar, options?: OutOption): Tensor {
  if (arguments.length > 2) return outCall("le", arguments, 2, () => le(input, other)); else if (isOptionsObject(arguments.length === 2 ? other : input)) return rebind(le, "le", arguments, ["input", "other"], 2, ["out"]);
  return compare(LE, input, other);
}
export function gt(input: Tensor, other: TensorOrScalar, options?: OutOption): Tensor;
export function gt<A extends Rebound<[input: Tensor, other: TensorOrScalar], ["input", "other"], OutOption>>(...args: A): Tensor;
export function gt(input: Tensor, other: TensorOrScalar, options?: OutOption): Tensor {
  if (arguments.length > 2) return outCall("gt", arguments, 2, () => gt(input, other)); else if (isOptionsObject(arguments.length === 2 ? other : input)) return rebind(gt, "gt", arguments, ["input", "other"], 2, ["out"]);
  return compare(GT, input, other);
}
export function ge(input: Tensor, other: TensorOrScalar, options?: OutOption): Tensor;
export function ge<A extends Rebound<[input: Tensor, other: TensorOrScalar], ["input", "other"], OutOption>>(...args: A): Tensor;
export function ge(input: Tensor, other: TensorOrScalar, options?: OutOption): Tensor {
  if (arguments.length > 2) return outCall("ge", arguments, 2, () => ge(input, other)); else if (isOptionsObject(arguments.length === 2 ? other : input)) return rebind(ge, "ge", arguments, ["input", "other"], 2, ["out"]);
  return compare(GE, input, other);
}
export const notEqual = ne, less = lt, lessEqual = le, greater = gt, greaterEqual = ge;
export function eq_(self: Tensor, other: TensorOrScalar): Tensor;
export function eq_<A extends Rebound<[self: Tensor, other: TensorOrScalar], ["self", "other"]>>(...args: A): Tensor;
export function eq_(self: Tensor, other: TensorOrScalar): Tensor {
  if (arguments.length > 2) checkArgs("eq_", arguments, 2); else if (isOptionsObject(arguments.length === 2 ? other : self)) return rebind(eq_, "eq_", arguments, ["self", "other"], 2, []);
  return compareInPlace(EQ, self, other);
}
export function ne_(self: Tensor, other: TensorOrScalar): Tensor;
export function ne_<A extends Rebound<[self: Tensor, other: TensorOrScalar], ["self", "other"]>>(...args: A): Tensor;
export function ne_(self: Tensor, other: TensorOrScalar): Tensor {
  if (arguments.length > 2) checkArgs("ne_", arguments, 2); else if (isOptionsObject(arguments.length === 2 ? other : self)) return rebind(ne_, "ne_", arguments, ["self", "other"], 2, []);
  return compareInPlace(NE, self, other);
}
export function lt_(self: Tensor, other: TensorOrScalar): Tensor;
export function lt_<A extends Rebound<[self: Tensor, other: TensorOrScalar], ["self", "other"]>>(...args: A): Tensor;
export function lt_(self: Tensor, other: TensorOrScalar): Tensor {
  if (arguments.length > 2) checkArgs("lt_", arguments, 2); else if (isOptionsObject(arguments.length === 2 ? other : self)) return rebind(lt_, "lt_", arguments, ["self", "other"], 2, []);
  return compareInPlace(LT, self, other);
}
export function le_(self: Tensor, other: TensorOrScalar): Tensor;
export function le_<A extends Rebound<[self: Tensor, other: TensorOrScalar], ["self", "other"]>>(...args: A): Tensor;
export function le_(self: Tensor, other: TensorOrScalar): Tensor {
  if (arguments.length > 2) checkArgs("le_", arguments, 2); else if (isOptionsObject(arguments.length === 2 ? other : self)) return rebind(le_, "le_", arguments, ["self", "other"], 2, []);
  return compareInPlace(LE, self, other);
}
export function gt_(self: Tensor, other: TensorOrScalar): Tensor;
export function gt_<A extends Rebound<[self: Tensor, other: TensorOrScalar], ["self", "other"]>>(...args: A): Tensor;
export function gt_(self: Tensor, other: TensorOrScalar): Tensor {
  if (arguments.length > 2) checkArgs("gt_", arguments, 2); else if (isOptionsObject(arguments.length === 2 ? other : self)) return rebind(gt_, "gt_", arguments, ["self", "other"], 2, []);
  return compareInPlace(GT, self, other);
}
export function ge_(self: Tensor, other: TensorOrScalar): Tensor;
export function ge_<A extends Rebound<[self: Tensor, other: TensorOrScalar], ["self", "other"]>>(...args: A): Tensor;
export function ge_(self: Tensor, other: TensorOrScalar): Tensor {
  if (arguments.length > 2) checkArgs("ge_", arguments, 2); else if (isOptionsObject(arguments.length === 2 ? other : self)) return rebind(ge_, "ge_", arguments, ["self", "other"], 2, []);
  return compareInPlace(GE, self, other);
}

/** Whether a bool tensor is all true (a direct scan: no reduction op needed). */
function allTrue(t: Tensor): boolean {
  const flag = emptyTensor([], bool);
  if (tryNativeByteReduce("all", t, [...t._shape.keys()], flag)) return flag.storage.data[0] === 1;
  const d = toNumbers(t);
  for (let i = 0; i < d.length; i++) if (d[i] === 0) return false;
  return true;
}

/** torch.equal: same size and the same values (NaN is never equal). */
export function equal(input: Tensor, other: Tensor): boolean;
export function equal<A extends Rebound<[input: Tensor, other: Tensor], ["input", "other"]>>(...args: A): boolean;
export function equal(input: Tensor, other: Tensor): boolean {
  if (arguments.length > 2) checkArgs("equal", arguments, 2); else if (isOptionsObject(arguments.length === 2 ? other : input)) return rebind(equal, "equal", arguments, ["input", "other"], 2, []);
  checkTensor("equal", "input", input);
  checkTensor("equal", "other", other);
  if (eitherNamed(input, other)) return hideNames([input, other], () => equal(input, other));
  if (onDevice(input, other)) throw valueOnDevice("equal", "torch.equalAsync(a, b)");
  if (input.dtype === complex32) throw notImplementedFor("equal_cpu", input.dtype);
  if (!shapesEqual(input.shape, other.shape)) return false;
  return allTrue(eq(input, other));
}

// ---- isclose / allclose ---------------------------------------------------------------------

interface CloseOpts { rtol?: number; atol?: number; equalNan?: boolean }

function closeArgs(op: string, args: readonly unknown[]): { rtol: number; atol: number; equalNan: boolean } {
  const a = bindArgs(op, args, ["rtol", "atol", "equalNan"], [], 2);
  const rtol = (a.rtol as number | undefined) ?? 1e-5, atol = (a.atol as number | undefined) ?? 1e-8;
  const equalNan = (a.equalNan as boolean | undefined) ?? false;
  if (rtol < 0) throw new Error(`rtol must be greater than or equal to zero, but got ${rtol}`);
  if (atol < 0) throw new Error(`atol must be greater than or equal to zero, but got ${atol}`);
  return { rtol, atol, equalNan };
}

/** |a - b| <= atol + |rtol * b|, with infinities equal only to themselves (PyTorch's isclose). */
function closeTensor(op: string, input: Tensor, other: Tensor, o: { rtol: number; atol: number; equalNan: boolean }): Tensor {
  checkTensor(op, "input", input);
  checkTensor(op, "other", other);
  if (input.dtype !== other.dtype) throw new Error(`${kernelTypeName(input.dtype)} did not match ${kernelTypeName(other.dtype)}`);
  const d = input.dtype;
  // int64 beyond 2^53 does not fit a JS number: by ops, where a == b is exact.
  if (d.isComplex || d === int64) return closeByOps(input, other, o);
  const isFloat = d.isFloatingPoint;
  // Allowed error in the tensor's dtype (the default float dtype for integers and bool).
  const errDtype: DType = isFloat ? d : getDefaultDtype();
  const q = (v: number): number => roundToDType(v, errDtype);
  const { rtol, atol, equalNan } = o;
  const zeroTol = rtol === 0 && atol === 0;
  const qAtol = q(atol), qRtol = q(rtol);
  if (onDevice(input) || onDevice(other)) return closeByOps(input, other, o);
  const fast = nativeIsclose(input, other, o);
  if (fast) return fast;
  return binaryMap(input, other, bool, (a, b) => {
    if (a === b) return 1;
    if (equalNan && isFloat && a !== a && b !== b) return 1;
    if (zeroTol) return 0;
    const actual = isFloat ? q(Math.abs(a - b)) : Math.abs(a - b);
    if (!Number.isFinite(actual)) return 0;
    return actual <= q(qAtol + Math.abs(q(qRtol * b))) ? 1 : 0;
  }, undefined, undefined, op);
}

/**
 * isclose as PyTorch defines it, in other ops (the device path: each op runs there, rounding each
 * result to the dtype as the CPU loop does): a == b, or both NaN with equal_nan, or a finite
 * |a - b| <= atol + |rtol * b| (integer and bool b in the default float dtype).
 */
function closeByOps(input: Tensor, other: Tensor, o: { rtol: number; atol: number; equalNan: boolean }): Tensor {
  let close = eq(input, other);
  const inexact = input.dtype.isFloatingPoint || input.dtype.isComplex;
  if (o.equalNan && inexact) close = logicalOr(close, logicalAnd(isnan(input), isnan(other)));
  if (o.rtol === 0 && o.atol === 0) return close;
  // Integer and bool `other` in the default float dtype, so that |a - b| cannot wrap (PyTorch's
  // cast_other: int64 values beyond 2^24 are compared as float32 there too, unless both tolerances are 0).
  const b = inexact ? other : other.to(getDefaultDtype());
  const allowed = add(abs(mul(b, o.rtol)), o.atol);
  const actual = abs(sub(input.dtype === bool ? input.to(b.dtype) : input, b));
  return logicalOr(close, logicalAnd(isfinite(actual), le(actual, allowed)));
}

/** Below this many elements the JS loop is as fast as a native call. */
const NATIVE_MIN_ISCLOSE = 4096;

/**
 * isclose of float32/float64 CPU tensors through the native kernel (a broadcast operand copied out
 * first); null when not applicable.
 */
function nativeIsclose(input: Tensor, other: Tensor, o: { rtol: number; atol: number; equalNan: boolean }): Tensor | null {
  if (kernels.backend !== "native" || (input.dtype !== float32 && input.dtype !== float64) || onDevice(input, other)) return null;
  const shape = broadcastShapes(input._shape, other._shape);
  const n = numel(shape);
  if (n < NATIVE_MIN_ISCLOSE) return null;
  const full = (t: Tensor) => {
    const e = shapesEqual(t._shape, shape) ? t : t.expand(shape);
    return e.isContiguous() ? e : e.detach().contiguous();
  };
  const a = full(input), b = full(other);
  const out = uninitTensor(shape, bool);
  nativeIscloseKernel(a.storage.data as Float32Array, b.storage.data as Float32Array, out.storage.data as Uint8Array, n,
    o.rtol, o.atol, o.equalNan, a._offset, b._offset, 0);
  return out;
}

export function isclose(input: Tensor, other: Tensor, ...args: Args<[rtol?: number, atol?: number, equalNan?: boolean], CloseOpts>): Tensor;
export function isclose<A extends Rebound<[input: Tensor, other: Tensor], ["input", "other"], CloseOpts>>(...args: A): Tensor;
export function isclose(input: Tensor, other: Tensor, ...args: Args<[rtol?: number, atol?: number, equalNan?: boolean], CloseOpts>): Tensor {
  if (arguments.length <= 2 && isOptionsObject(arguments.length === 2 ? other : input)) return rebind(isclose, "isclose", arguments, ["input", "other", "rtol", "atol", "equalNan"], 2, []);
  return closeTensor("isclose", input, other, closeArgs("isclose", args));
}

export type CloseArgs = Args<[rtol?: number, atol?: number, equalNan?: boolean], CloseOpts>;

export function allclose(input: Tensor, other: Tensor, ...args: CloseArgs): boolean;
export function allclose<A extends Rebound<[input: Tensor, other: Tensor], ["input", "other"], CloseOpts>>(...args: A): boolean;
export function allclose(input: Tensor, other: Tensor, ...args: CloseArgs): boolean {
  if (arguments.length <= 2 && isOptionsObject(arguments.length === 2 ? other : input)) return rebind(allclose, "allclose", arguments, ["input", "other", "rtol", "atol", "equalNan"], 2, []);
  if (onDevice(input, other)) throw valueOnDevice("allclose", "torch.allcloseAsync(a, b, ...)");
  return allTrue(closeTensor("allclose", input, other, closeArgs("allclose", args)));
}

// ---- value tests ----------------------------------------------------------------------------

/**
 * A value test's native form for float32/float64 tensors: one comparison (with itself, or with a
 * value), or one of the classification kernels.
 */
type NativeTest = { op: CompareOp; with: "self" | number } | { classify: ClassOp };

function test(op: string, input: Tensor, f: (v: number) => number, intValue: 0 | 1 | null, native?: NativeTest): Tensor {
  checkTensor(op, "input", input);
  if (isNamed(input)) return keepNamed(input, [], () => test(op, input, f, intValue, native));
  if (onDevice(input)) return deviceOp("test", op)(op, input);
  if (!input.dtype.isFloatingPoint) {
    if (input.dtype.isComplex) return complexTest(op, input);
    // The integer answers are known without reading; a quantized tensor still has no kernel here.
    if (input.dtype.category === "quantized") throw backendRefusal("QuantizedCPU");
    if (intValue !== null) {
      const out = emptyTensor(input.shape, bool);
      fillTensor(out, intValue);
      return out;
    }
  }
  const d = input.storage.data;
  if (native && "classify" in native && (d instanceof Float32Array || d instanceof Float64Array)) {
    const r = tryNativeClassify(native.classify, input);
    if (r) return r;
  } else if (native && "op" in native && (d instanceof Float32Array || d instanceof Float64Array)) {
    let other = input;
    if (native.with !== "self") {
      other = emptyTensor([], input.dtype);
      (other.storage.data as Float32Array | Float64Array)[0] = native.with;
    }
    const r = tryNativeCompare(native.op, input, other);
    if (r) return r;
  }
  return unaryMap(input, bool, f);
}

// x != x is NaN's own test; +-inf compare equal only to themselves.
export function isnan(input: Tensor): Tensor;
export function isnan<A extends Rebound<[input: Tensor], ["input"]>>(...args: A): Tensor;
export function isnan(input: Tensor): Tensor {
  if (arguments.length > 1) checkArgs("isnan", arguments, 1); else if (isOptionsObject(input)) return rebind(isnan, "isnan", arguments, ["input"], 1, []);
  return test("isnan", input, (v) => (v !== v ? 1 : 0), 0, { op: "ne", with: "self" });
}
export function isinf(input: Tensor): Tensor;
export function isinf<A extends Rebound<[input: Tensor], ["input"]>>(...args: A): Tensor;
export function isinf(input: Tensor): Tensor {
  if (arguments.length > 1) checkArgs("isinf", arguments, 1); else if (isOptionsObject(input)) return rebind(isinf, "isinf", arguments, ["input"], 1, []);
  return test("isinf", input, (v) => (v === Infinity || v === -Infinity ? 1 : 0), 0, { classify: "isinf" });
}
export function isposinf(input: Tensor, options?: OutOption): Tensor;
export function isposinf<A extends Rebound<[input: Tensor], ["input"], OutOption>>(...args: A): Tensor;
export function isposinf(input: Tensor, options?: OutOption): Tensor {
  if (isNamed(input)) throw namedRefusal("isposinf");
  if (arguments.length > 1) return outCall("isposinf", arguments, 1, () => isposinf(input)); else if (isOptionsObject(input)) return rebind(isposinf, "isposinf", arguments, ["input"], 1, ["out"]);
  return test("isposinf", input, (v) => (v === Infinity ? 1 : 0), 0, { op: "eq", with: Infinity });
}
export function isneginf(input: Tensor, options?: OutOption): Tensor;
export function isneginf<A extends Rebound<[input: Tensor], ["input"], OutOption>>(...args: A): Tensor;
export function isneginf(input: Tensor, options?: OutOption): Tensor {
  if (isNamed(input)) throw namedRefusal("isneginf");
  if (arguments.length > 1) return outCall("isneginf", arguments, 1, () => isneginf(input)); else if (isOptionsObject(input)) return rebind(isneginf, "isneginf", arguments, ["input"], 1, ["out"]);
  return test("isneginf", input, (v) => (v === -Infinity ? 1 : 0), 0, { op: "eq", with: -Infinity });
}
export function isfinite(input: Tensor): Tensor;
export function isfinite<A extends Rebound<[input: Tensor], ["input"]>>(...args: A): Tensor;
export function isfinite(input: Tensor): Tensor {
  if (arguments.length > 1) checkArgs("isfinite", arguments, 1); else if (isOptionsObject(input)) return rebind(isfinite, "isfinite", arguments, ["input"], 1, []);
  return test("isfinite", input, (v) => (Number.isFinite(v) ? 1 : 0), 1, { classify: "isfinite" });
}
/** Real dtypes only: every element is real. */
export function isreal(input: Tensor): Tensor;
export function isreal<A extends Rebound<[input: Tensor], ["input"]>>(...args: A): Tensor;
export function isreal(input: Tensor): Tensor {
  if (arguments.length > 1) checkArgs("isreal", arguments, 1); else if (isOptionsObject(input)) return rebind(isreal, "isreal", arguments, ["input"], 1, []);
  return test("isreal", input, () => 1, 1);
}
export function signbit(input: Tensor, options?: OutOption): Tensor;
export function signbit<A extends Rebound<[input: Tensor], ["input"], OutOption>>(...args: A): Tensor;
export function signbit(input: Tensor, options?: OutOption): Tensor {
  if (arguments.length > 1) return outCall("signbit", arguments, 1, () => signbit(input)); else if (isOptionsObject(input)) return rebind(signbit, "signbit", arguments, ["input"], 1, ["out"]);
  // Natively the sign bit itself, which a NaN's sign reaches too (as PyTorch); JS cannot see a NaN's sign.
  const r = test("signbit", input, (v) => (v < 0 || Object.is(v, -0) ? 1 : 0), input.dtype.isSigned ? null : 0, { classify: "signbit" });
  if (tracing.on) traceOp("signbit", [input], r);
  return r;
}

// ---- logical ----------------------------------------------------------------------------------

type Logic = (a: boolean, b: boolean) => boolean;

function logical(op: string, fn: Logic, input: Tensor, other: Tensor, out?: Tensor): Tensor {
  checkTensor(op, "input", input);
  if (!(other instanceof Tensor)) throw new Error(`${op}(): argument 'other' (position 2) must be Tensor, not ${pyType(other)}`);
  if (input.dtype === complex32 || other.dtype === complex32) throw notImplementedFor(`${op.replace(/_$/, "")}_cpu`, complex32);
  if (eitherNamed(input, other)) {
    const names = unifyFromRight(namesOf(input), namesOf(other));
    if (out) checkOutNames(out, names);
    return putNames(hideNames([input, other, out], () => logical(op, fn, input, other, out)), names);
  }
  if (onDevice(input, other, out)) return deviceOp("logical", op)(op, input, other, out);
  // A complex number is true when either part is nonzero (a cast to bool would read the real part only).
  if (input.dtype.isComplex || other.dtype.isComplex) {
    return logical(op, fn, input.dtype.isComplex ? input.ne(0) : input, other.dtype.isComplex ? other.ne(0) : other, out);
  }
  const shape = broadcastShapes(input.shape, other.shape);
  if (!out && nativeLogicalApplies(input, other, shape)) {
    // Both operands as bool bytes (NaN is true), then one bytewise pass.
    const xb = input.to(bool), yb = other.to(bool), r = emptyTensor(shape, bool);
    nativeLogical(fn === AND ? "and" : fn === OR ? "or" : "xor", xb, broadcastStrides(xb._shape, xb._strides, shape), yb, broadcastStrides(yb._shape, yb._strides, shape), r);
    if (tracing.on) traceOp(op, [input, other], r);
    return r;
  }
  // NaN is true (nonzero), as in C.
  const r = binaryMap(input, other, out ? out.dtype : bool, (a, b) => (fn(a !== 0, b !== 0) ? 1 : 0), out, undefined, op);
  if (tracing.on && !out) traceOp(op, [input, other], r);
  return r;
}

function logicalInPlace(op: string, fn: Logic, self: Tensor, other: Tensor): Tensor {
  if (!(other instanceof Tensor)) throw new Error(`${op}(): argument 'other' (position 1) must be Tensor, not ${pyType(other)}`);
  const shape = broadcastShapes(self.shape, other.shape);
  if (!shapesEqual(shape, self.shape)) throw new Error(`${op}: output with shape [${self.shape.join(", ")}] doesn't match the broadcast shape [${shape.join(", ")}]`);
  return applyInPlace(op, self, [other], () => { logical(op, fn, self, other, self); },
    (s) => logical(op, fn, s, other).to(s.dtype));
}

const AND: Logic = (a, b) => a && b, OR: Logic = (a, b) => a || b, XOR: Logic = (a, b) => a !== b;
export function logicalAnd(input: Tensor, other: Tensor, options?: OutOption): Tensor;
export function logicalAnd<A extends Rebound<[input: Tensor, other: Tensor], ["input", "other"], OutOption>>(...args: A): Tensor;
export function logicalAnd(input: Tensor, other: Tensor, options?: OutOption): Tensor {
  if (arguments.length > 2) return outCall("logical_and", arguments, 2, () => logicalAnd(input, other)); else if (isOptionsObject(arguments.length === 2 ? other : input)) return rebind(logicalAnd, "logical_and", arguments, ["input", "other"], 2, ["out"]);
  return logical("logical_and", AND, input, other);
}
export function logicalOr(input: Tensor, other: Tensor, options?: OutOption): Tensor;
export function logicalOr<A extends Rebound<[input: Tensor, other: Tensor], ["input", "other"], OutOption>>(...args: A): Tensor;
export function logicalOr(input: Tensor, other: Tensor, options?: OutOption): Tensor {
  if (arguments.length > 2) return outCall("logical_or", arguments, 2, () => logicalOr(input, other)); else if (isOptionsObject(arguments.length === 2 ? other : input)) return rebind(logicalOr, "logical_or", arguments, ["input", "other"], 2, ["out"]);
  return logical("logical_or", OR, input, other);
}
export function logicalXor(input: Tensor, other: Tensor, options?: OutOption): Tensor;
export function logicalXor<A extends Rebound<[input: Tensor, other: Tensor], ["input", "other"], OutOption>>(...args: A): Tensor;
export function logicalXor(input: Tensor, other: Tensor, options?: OutOption): Tensor {
  if (arguments.length > 2) return outCall("logical_xor", arguments, 2, () => logicalXor(input, other)); else if (isOptionsObject(arguments.length === 2 ? other : input)) return rebind(logicalXor, "logical_xor", arguments, ["input", "other"], 2, ["out"]);
  return logical("logical_xor", XOR, input, other);
}
export function logicalAnd_(self: Tensor, other: Tensor): Tensor;
export function logicalAnd_<A extends Rebound<[self: Tensor, other: Tensor], ["self", "other"]>>(...args: A): Tensor;
export function logicalAnd_(self: Tensor, other: Tensor): Tensor {
  if (arguments.length > 2) checkArgs("logical_and_", arguments, 2); else if (isOptionsObject(arguments.length === 2 ? other : self)) return rebind(logicalAnd_, "logical_and_", arguments, ["self", "other"], 2, []);
  return logicalInPlace("logical_and_", AND, self, other);
}
export function logicalOr_(self: Tensor, other: Tensor): Tensor;
export function logicalOr_<A extends Rebound<[self: Tensor, other: Tensor], ["self", "other"]>>(...args: A): Tensor;
export function logicalOr_(self: Tensor, other: Tensor): Tensor {
  if (arguments.length > 2) checkArgs("logical_or_", arguments, 2); else if (isOptionsObject(arguments.length === 2 ? other : self)) return rebind(logicalOr_, "logical_or_", arguments, ["self", "other"], 2, []);
  return logicalInPlace("logical_or_", OR, self, other);
}
export function logicalXor_(self: Tensor, other: Tensor): Tensor;
export function logicalXor_<A extends Rebound<[self: Tensor, other: Tensor], ["self", "other"]>>(...args: A): Tensor;
export function logicalXor_(self: Tensor, other: Tensor): Tensor {
  if (arguments.length > 2) checkArgs("logical_xor_", arguments, 2); else if (isOptionsObject(arguments.length === 2 ? other : self)) return rebind(logicalXor_, "logical_xor_", arguments, ["self", "other"], 2, []);
  return logicalInPlace("logical_xor_", XOR, self, other);
}

export function logicalNot(input: Tensor, options?: OutOption): Tensor;
export function logicalNot<A extends Rebound<[input: Tensor], ["input"], OutOption>>(...args: A): Tensor;
export function logicalNot(input: Tensor, options?: OutOption): Tensor {
  if (arguments.length > 1) return outCall("logical_not", arguments, 1, () => logicalNot(input)); else if (isOptionsObject(input)) return rebind(logicalNot, "logical_not", arguments, ["input"], 1, ["out"]);
  checkTensor("logical_not", "input", input);
  if (isNamed(input)) return keepNamed(input, [], () => logicalNot(input));
  if (onDevice(input)) return deviceOp("test", "logical_not")("logical_not", input);
  if (input.dtype === complex32) throw notImplementedFor("logical_not_cpu", complex32);
  if (input.dtype.isComplex) return complexCompare("eq", input, 0, input.dtype);
  // not x is x == 0 in x's own dtype (NaN is true, -0 false): the native comparison with a zero.
  const r = tryNativeCompare("eq", input, emptyTensor([], input.dtype)) ?? unaryMap(input, bool, (v) => (v === 0 ? 1 : 0));
  if (tracing.on) traceOp("logical_not", [input], r);
  return r;
}
export function logicalNot_(self: Tensor): Tensor;
export function logicalNot_<A extends Rebound<[self: Tensor], ["self"]>>(...args: A): Tensor;
export function logicalNot_(self: Tensor): Tensor {
  if (arguments.length > 1) checkArgs("logical_not_", arguments, 1); else if (isOptionsObject(self)) return rebind(logicalNot_, "logical_not_", arguments, ["self"], 1, []);
  return applyInPlace("logical_not_", self, [], () => { unaryMap(self, self.dtype, (v) => (v === 0 ? 1 : 0), self); },
    (s) => logicalNot(s).to(s.dtype));
}

// ---- bitwise ----------------------------------------------------------------------------------

function bitwiseDtype(kernel: string, promoted: DType): void {
  if (promoted.isFloatingPoint) throw notImplementedFor(kernel, promoted);
}

function bitSpec(name: string, f: (a: number, b: number) => number, fBig: (a: bigint, b: bigint) => bigint): BinarySpec {
  return { name, node: "NotImplemented", f, fBig };
}
const BIT_AND = bitSpec("bitwise_and", nativeTyped((a: number, b: number) => a & b, "bitwiseAnd"), (a, b) => a & b);
const BIT_OR = bitSpec("bitwise_or", nativeTyped((a: number, b: number) => a | b, "bitwiseOr"), (a, b) => a | b);
const BIT_XOR = bitSpec("bitwise_xor", nativeTyped((a: number, b: number) => a ^ b, "bitwiseXor"), (a, b) => a ^ b);

function bitwise(spec: BinarySpec, input: TensorOrScalar, other: TensorOrScalar): Tensor {
  if (!(input instanceof Tensor) && !(other instanceof Tensor)) {
    throw new Error(`${spec.name}() received an invalid combination of arguments - got (${pyType(input)}, ${pyType(other)})`);
  }
  bitwiseDtype(`${spec.name}_cpu`, resultType(input, other));
  return binaryOp(spec, input, other);
}
function bitwiseInPlace(spec: BinarySpec, self: Tensor, other: TensorOrScalar): Tensor {
  bitwiseDtype(`${spec.name}_cpu`, resultType(self, other));
  return binaryInPlace(spec, self, other, (s) => bitwise(spec, s, other));
}

export function bitwiseAnd(input: TensorOrScalar, other: TensorOrScalar, options?: OutOption): Tensor;
export function bitwiseAnd<A extends Rebound<[input: TensorOrScalar, other: TensorOrScalar], ["input", "other"], OutOption>>(...args: A): Tensor;
export function bitwiseAnd(input: TensorOrScalar, other: TensorOrScalar, options?: OutOption): Tensor {
  if (arguments.length > 2) return outCall("bitwise_and", arguments, 2, () => bitwiseAnd(input, other)); else if (isOptionsObject(arguments.length === 2 ? other : input)) return rebind(bitwiseAnd, "bitwise_and", arguments, ["input", "other"], 2, ["out"]);
  return bitwise(BIT_AND, input, other);
}
export function bitwiseOr(input: TensorOrScalar, other: TensorOrScalar, options?: OutOption): Tensor;
export function bitwiseOr<A extends Rebound<[input: TensorOrScalar, other: TensorOrScalar], ["input", "other"], OutOption>>(...args: A): Tensor;
export function bitwiseOr(input: TensorOrScalar, other: TensorOrScalar, options?: OutOption): Tensor {
  if (arguments.length > 2) return outCall("bitwise_or", arguments, 2, () => bitwiseOr(input, other)); else if (isOptionsObject(arguments.length === 2 ? other : input)) return rebind(bitwiseOr, "bitwise_or", arguments, ["input", "other"], 2, ["out"]);
  return bitwise(BIT_OR, input, other);
}
export function bitwiseXor(input: TensorOrScalar, other: TensorOrScalar, options?: OutOption): Tensor;
export function bitwiseXor<A extends Rebound<[input: TensorOrScalar, other: TensorOrScalar], ["input", "other"], OutOption>>(...args: A): Tensor;
export function bitwiseXor(input: TensorOrScalar, other: TensorOrScalar, options?: OutOption): Tensor {
  if (arguments.length > 2) return outCall("bitwise_xor", arguments, 2, () => bitwiseXor(input, other)); else if (isOptionsObject(arguments.length === 2 ? other : input)) return rebind(bitwiseXor, "bitwise_xor", arguments, ["input", "other"], 2, ["out"]);
  return bitwise(BIT_XOR, input, other);
}
export function bitwiseAnd_(self: Tensor, other: TensorOrScalar): Tensor;
export function bitwiseAnd_<A extends Rebound<[self: Tensor, other: TensorOrScalar], ["self", "other"]>>(...args: A): Tensor;
export function bitwiseAnd_(self: Tensor, other: TensorOrScalar): Tensor {
  if (arguments.length > 2) checkArgs("bitwise_and_", arguments, 2); else if (isOptionsObject(arguments.length === 2 ? other : self)) return rebind(bitwiseAnd_, "bitwise_and_", arguments, ["self", "other"], 2, []);
  return bitwiseInPlace(BIT_AND, self, other);
}
export function bitwiseOr_(self: Tensor, other: TensorOrScalar): Tensor;
export function bitwiseOr_<A extends Rebound<[self: Tensor, other: TensorOrScalar], ["self", "other"]>>(...args: A): Tensor;
export function bitwiseOr_(self: Tensor, other: TensorOrScalar): Tensor {
  if (arguments.length > 2) checkArgs("bitwise_or_", arguments, 2); else if (isOptionsObject(arguments.length === 2 ? other : self)) return rebind(bitwiseOr_, "bitwise_or_", arguments, ["self", "other"], 2, []);
  return bitwiseInPlace(BIT_OR, self, other);
}
export function bitwiseXor_(self: Tensor, other: TensorOrScalar): Tensor;
export function bitwiseXor_<A extends Rebound<[self: Tensor, other: TensorOrScalar], ["self", "other"]>>(...args: A): Tensor;
export function bitwiseXor_(self: Tensor, other: TensorOrScalar): Tensor {
  if (arguments.length > 2) checkArgs("bitwise_xor_", arguments, 2); else if (isOptionsObject(arguments.length === 2 ? other : self)) return rebind(bitwiseXor_, "bitwise_xor_", arguments, ["self", "other"], 2, []);
  return bitwiseInPlace(BIT_XOR, self, other);
}

/** bitwise_not as a unary spec, for devices (the CPU path below maps bool and int64 itself). */
const BIT_NOT: UnarySpec = { name: "bitwise_not", node: "NotImplemented", f: (v) => ~v };

export function bitwiseNot(input: Tensor, options?: OutOption): Tensor;
export function bitwiseNot<A extends Rebound<[input: Tensor], ["input"], OutOption>>(...args: A): Tensor;
export function bitwiseNot(input: Tensor, options?: OutOption): Tensor {
  if (arguments.length > 1) return outCall("bitwise_not", arguments, 1, () => bitwiseNot(input)); else if (isOptionsObject(input)) return rebind(bitwiseNot, "bitwise_not", arguments, ["input"], 1, ["out"]);
  checkTensor("bitwise_not", "input", input);
  const d = input.dtype;
  if (d.isFloatingPoint) throw notImplementedFor("bitwise_not_cpu", d);
  if (onDevice(input)) return deviceOp("unary", "bitwise_not")(BIT_NOT, input, d);
  const r = d === bool ? unaryMap(input, bool, (v) => (v === 0 ? 1 : 0)) : d === int64 ? bigUnary(input, (a) => ~a) : unaryMap(input, d, (v) => ~v);
  if (tracing.on) traceOp("bitwise_not", [input], r);
  return r;
}
export function bitwiseNot_(self: Tensor): Tensor;
export function bitwiseNot_<A extends Rebound<[self: Tensor], ["self"]>>(...args: A): Tensor;
export function bitwiseNot_(self: Tensor): Tensor {
  if (arguments.length > 1) checkArgs("bitwise_not_", arguments, 1); else if (isOptionsObject(self)) return rebind(bitwiseNot_, "bitwise_not_", arguments, ["self"], 1, []);
  if (self.dtype.isFloatingPoint) throw notImplementedFor("bitwise_not_cpu", self.dtype);
  return applyInPlace("bitwise_not_", self, [], () => { copyInto(self, bitwiseNot(self)); }, bitwiseNot);
}

/** Shift kernels by width: out-of-range shifts give 0 (left) or the sign fill (right), as PyTorch. */
function shiftSpec(left: boolean, promoted: DType): BinarySpec {
  const bits = promoted.itemsize * 8;
  const name = left ? "bitwise_left_shift" : "bitwise_right_shift";
  if (left) {
    return {
      name, node: "NotImplemented",
      f: (a, b) => (b < 0 || b >= bits ? 0 : bits === 32 ? a << b : a * 2 ** b % 2 ** bits),
      fBig: (a, b) => (b < 0n || b >= 64n ? 0n : a << b),
    };
  }
  const max = bits - (promoted.isSigned ? 1 : 0);
  return {
    name, node: "NotImplemented",
    f: (a, b) => (b < 0 || b >= max ? (a < 0 ? -1 : 0) : a >> b),
    fBig: (a, b) => (b < 0n || b >= 63n ? (a < 0n ? -1n : 0n) : a >> b),
  };
}

function shift(left: boolean, input: TensorOrScalar, other: TensorOrScalar): Tensor {
  const name = left ? "bitwise_left_shift" : "bitwise_right_shift";
  if (!(input instanceof Tensor) && !(other instanceof Tensor)) {
    throw new Error(`${name}() received an invalid combination of arguments - got (${pyType(input)}, ${pyType(other)})`);
  }
  const promoted = resultType(input, other);
  if (promoted.isFloatingPoint || promoted === bool) throw notImplementedFor(left ? "lshift_cpu" : "rshift_cpu", promoted);
  return binaryOp(shiftSpec(left, promoted), input, other);
}
export function bitwiseLeftShift(input: TensorOrScalar, other: TensorOrScalar, options?: OutOption): Tensor;
export function bitwiseLeftShift<A extends Rebound<[input: TensorOrScalar, other: TensorOrScalar], ["input", "other"], OutOption>>(...args: A): Tensor;
export function bitwiseLeftShift(input: TensorOrScalar, other: TensorOrScalar, options?: OutOption): Tensor {
  if (arguments.length > 2) return outCall("bitwise_left_shift", arguments, 2, () => bitwiseLeftShift(input, other)); else if (isOptionsObject(arguments.length === 2 ? other : input)) return rebind(bitwiseLeftShift, "bitwise_left_shift", arguments, ["input", "other"], 2, ["out"]);
  return shift(true, input, other);
}
export function bitwiseRightShift(input: TensorOrScalar, other: TensorOrScalar, options?: OutOption): Tensor;
export function bitwiseRightShift<A extends Rebound<[input: TensorOrScalar, other: TensorOrScalar], ["input", "other"], OutOption>>(...args: A): Tensor;
export function bitwiseRightShift(input: TensorOrScalar, other: TensorOrScalar, options?: OutOption): Tensor {
  if (arguments.length > 2) return outCall("bitwise_right_shift", arguments, 2, () => bitwiseRightShift(input, other)); else if (isOptionsObject(arguments.length === 2 ? other : input)) return rebind(bitwiseRightShift, "bitwise_right_shift", arguments, ["input", "other"], 2, ["out"]);
  return shift(false, input, other);
}
export function bitwiseLeftShift_(self: Tensor, other: TensorOrScalar): Tensor;
export function bitwiseLeftShift_<A extends Rebound<[self: Tensor, other: TensorOrScalar], ["self", "other"]>>(...args: A): Tensor;
export function bitwiseLeftShift_(self: Tensor, other: TensorOrScalar): Tensor {
  if (arguments.length > 2) checkArgs("bitwise_left_shift_", arguments, 2); else if (isOptionsObject(arguments.length === 2 ? other : self)) return rebind(bitwiseLeftShift_, "bitwise_left_shift_", arguments, ["self", "other"], 2, []);
  const promoted = resultType(self, other);
  if (promoted.isFloatingPoint || promoted === bool) throw notImplementedFor("lshift_cpu", promoted);
  return binaryInPlace(shiftSpec(true, promoted), self, other, (s) => shift(true, s, other));
}
export function bitwiseRightShift_(self: Tensor, other: TensorOrScalar): Tensor;
export function bitwiseRightShift_<A extends Rebound<[self: Tensor, other: TensorOrScalar], ["self", "other"]>>(...args: A): Tensor;
export function bitwiseRightShift_(self: Tensor, other: TensorOrScalar): Tensor {
  if (arguments.length > 2) checkArgs("bitwise_right_shift_", arguments, 2); else if (isOptionsObject(arguments.length === 2 ? other : self)) return rebind(bitwiseRightShift_, "bitwise_right_shift_", arguments, ["self", "other"], 2, []);
  const promoted = resultType(self, other);
  if (promoted.isFloatingPoint || promoted === bool) throw notImplementedFor("rshift_cpu", promoted);
  return binaryInPlace(shiftSpec(false, promoted), self, other, (s) => shift(false, s, other));
}

// ---- where ----------------------------------------------------------------------------------

/** out[i] = cond[i] ? x[i] : y[i] on raw storage values (exact for every dtype). */
function selectInto(out: Tensor, cond: Tensor, x: Tensor, y: Tensor): void {
  if (selectDense(out, cond, x, y)) return;
  const shape = out._shape;
  const op = (t: Tensor) => ({ strides: broadcastStrides(t._shape, t._strides, shape), offset: t._offset });
  const a = out.storage.data as unknown as (number | bigint)[];
  const c = cond.storage.data as Uint8Array;
  const b = x.storage.data as unknown as ArrayLike<number | bigint>, d = y.storage.data as unknown as ArrayLike<number | bigint>;
  forEachRow(shape, [lay(out), op(cond), op(x), op(y)], (o, len, inner) => {
    const sa = inner[0]!, sc = inner[1]!, sb = inner[2]!, sd = inner[3]!;
    for (let i = 0, p = o[0]!, q = o[1]!, r = o[2]!, s = o[3]!; i < len; i++, p += sa, q += sc, r += sb, s += sd) {
      a[p] = c[q] ? b[r]! : d[s]!;
    }
  });
}

/**
 * where() over a contiguous condition of the output's shape, with contiguous float/int32 operands
 * of that shape or single values: one loop, not the strided four-operand walk.
 */
function selectDense(out: Tensor, cond: Tensor, x: Tensor, y: Tensor): boolean {
  const o = out.storage.data;
  if (!(o instanceof Float32Array || o instanceof Float64Array || o instanceof Int32Array) || !out.isContiguous()) return false;
  const shape = out._shape, n = out.numel();
  const full = (t: Tensor) => t.isContiguous() && shapesEqual(t._shape, shape);
  if (n <= 1 || cond.dtype !== bool || !full(cond) || !(full(x) || x.numel() === 1) || !(full(y) || y.numel() === 1)) return false;
  const c = cond.storage.data as Uint8Array, co = cond._offset;
  if (o instanceof Float64Array) {
    const a = x.storage.data as Float64Array, b = y.storage.data as Float64Array;
    const ao = x._offset, as = x.numel() === 1 ? 0 : 1, bo = y._offset, bs = y.numel() === 1 ? 0 : 1, oo = out._offset;
    for (let i = 0; i < n; i++) o[oo + i] = c[co + i] ? a[ao + i * as]! : b[bo + i * bs]!;
    return true;
  }
  // 32-bit elements: a branch-free select on the bits (a mask that random conditions would
  // mispredict costs ~7 ns per element as a branch).
  const bits = (t: Tensor): Int32Array => { const d = t.storage.data; return new Int32Array(d.buffer, d.byteOffset, d.length); };
  const oi = bits(out), a = bits(x), b = bits(y);
  const ao = x._offset, bo = y._offset, oo = out._offset;
  if (x.numel() === 1 || y.numel() === 1) {
    const as = x.numel() === 1 ? 0 : 1, bs = y.numel() === 1 ? 0 : 1;
    for (let i = 0; i < n; i++) { const k = -c[co + i]!; oi[oo + i] = (a[ao + i * as]! & k) | (b[bo + i * bs]! & ~k); }
  } else {
    for (let i = 0; i < n; i++) { const k = -c[co + i]!; oi[oo + i] = (a[ao + i]! & k) | (b[bo + i]! & ~k); }
  }
  return true;
}

function castExact(t: Tensor, dtype: DType): Tensor {
  if (t.dtype === dtype) return t;
  const out = emptyTensor(t.shape, dtype);
  copyInto(out, t);
  return out;
}

/**
 * torch.where(condition, input, other): input where condition, else other (tensors or numbers,
 * promoted together). torch.where(condition) is torch.nonzero(condition, as_tuple=True).
 */
export function where(condition: Tensor): Tensor[];
export function where(condition: Tensor, input: TensorOrScalar, other: TensorOrScalar, options?: OutOption): Tensor;
export function where(condition: Tensor, input?: TensorOrScalar, other?: TensorOrScalar): Tensor | Tensor[] {
  if (anyNamed(condition, input, other)) throw namedRefusal(input === undefined ? "nonzero" : "where.self");
  if (arguments.length > 3) return outCall("where", arguments, 3, () => where(condition, input!, other!), "same"); else if (isOptionsObject(arguments.length === 3 ? other : arguments.length === 2 ? input : condition)) return rebind(where, "where", arguments, ["condition", "input", "other"], 1, ["out"]);
  checkTensor("where", "condition", condition);
  if (input === undefined && other === undefined) {
    const nz = (condition as unknown as { nonzero?: (o: { asTuple: boolean }) => Tensor[] }).nonzero;
    if (typeof nz !== "function") throw new Error("where(condition): torch.nonzero is not available");
    return nz.call(condition, { asTuple: true });
  }
  if (input === undefined || other === undefined) throw new Error("where() missing required argument 'other'");
  if (condition.dtype !== bool && condition.dtype.name !== "uint8") {
    throw new Error(`where expected condition to be a boolean tensor, but got a tensor with dtype ${kernelTypeName(condition.dtype)}`);
  }
  for (const [n, v] of [["input", input], ["other", other]] as const) {
    if (!(v instanceof Tensor) && typeof v !== "number" && typeof v !== "bigint" && typeof v !== "boolean" && !(v instanceof Complex)) {
      throw new Error(`where(): argument '${n}' must be Tensor or Number, not ${pyType(v)}`);
    }
  }
  if (batching.on && anyBatched([condition, input, other])) return broadcastRule([condition, input, other], (c, a, b) => where(c as Tensor, a as TensorOrScalar, b as TensorOrScalar));
  const dtype = resultType(input, other);
  if (dtype.isComplex) return complexWhere(condition, input, other, dtype);
  const x = asOperand("where", input, dtype), y = asOperand("where", other, dtype);
  let out: Tensor;
  if (onDevice(condition, x, y)) out = deviceOp("where")(condition, x, y, dtype);
  else {
    const shape = broadcastShapes(condition.shape, x.shape, y.shape), xd = castExact(x, dtype), yd = castExact(y, dtype);
    const fast = condition.isContiguous() && x.isContiguous() && y.isContiguous() ? tryNativeSelect(shape, condition, xd, yd) : null;
    if (fast) out = fast;
    else {
      // Laid out as TensorIterator lays it, condition first: a channels-last condition or input
      // gives a channels-last result.
      out = pointwiseResult(shape, dtype, [condition, x, y]);
      if (!tryNativeSelectFresh(out, condition, xd, yd)) selectInto(out, condition, xd, yd);
    }
  }
  const r = record("WhereBackward0", [x, y], out, ([g]) => [
    x._requiresGrad ? gradFor(where(condition, g!, 0), x) : null,
    y._requiresGrad ? gradFor(where(condition, 0, g!), y) : null,
  ], [condition]);
  if (tracing.on) traceOp("where", [condition, input, other], r);
  return r;
}

/** Tensor.where(condition, other) = torch.where(condition, self, other). */
function whereMethod(self: Tensor, condition: Tensor, other: TensorOrScalar): Tensor {
  if (arguments.length > 3) checkArgs("where", arguments, 3);
  else if (isOptionsObject(arguments.length === 3 ? other : arguments.length === 2 ? condition : self)) return rebind(whereMethod, "where", arguments, ["self", "condition", "other"], 3, []);
  return where(condition, self, other);
}

// ---- heaviside --------------------------------------------------------------------------------

const HEAVISIDE: BinarySpec = {
  name: "heaviside", node: "torch::autograd::NotImplemented", onnx: { kind: "heaviside", attrs: {} },
  f: (a, b) => (a === 0 ? b : a > 0 ? 1 : 0),
  fBig: (a, b) => (a === 0n ? b : a > 0n ? 1n : 0n),
  vjp: () => { throw new Error("the derivative for 'heaviside' is not implemented."); },
};
function checkHeaviside(op: string, input: Tensor, values: Tensor): void {
  checkTensor(op, "input", input);
  if (!(values instanceof Tensor)) throw new Error(`${op}(): argument 'values' (position 2) must be Tensor, not ${pyType(values)}`);
  if (input.dtype !== values.dtype) throw new Error("heaviside is not yet implemented for tensors with different dtypes.");
}
export function heaviside(input: Tensor, values: Tensor, options?: OutOption): Tensor;
export function heaviside<A extends Rebound<[input: Tensor, values: Tensor], ["input", "values"], OutOption>>(...args: A): Tensor;
export function heaviside(input: Tensor, values: Tensor, options?: OutOption): Tensor {
  if (arguments.length > 2) return outCall("heaviside", arguments, 2, () => heaviside(input, values)); else if (isOptionsObject(arguments.length === 2 ? values : input)) return rebind(heaviside, "heaviside", arguments, ["input", "values"], 2, ["out"]);
  checkHeaviside("heaviside", input, values);
  return binaryOp(HEAVISIDE, input, values);
}
export function heaviside_(self: Tensor, values: Tensor): Tensor;
export function heaviside_<A extends Rebound<[self: Tensor, values: Tensor], ["self", "values"]>>(...args: A): Tensor;
export function heaviside_(self: Tensor, values: Tensor): Tensor {
  if (arguments.length > 2) checkArgs("heaviside_", arguments, 2); else if (isOptionsObject(arguments.length === 2 ? values : self)) return rebind(heaviside_, "heaviside_", arguments, ["self", "values"], 2, []);
  checkHeaviside("heaviside_", self, values);
  checkInplaceCast("heaviside_", self.dtype, self);
  return binaryInPlace(HEAVISIDE, self, values, (s) => heaviside(s, values));
}


declare module "../core/tensor.js" {
  interface Tensor {
    eq: Method<typeof eq>; ne: Method<typeof ne>; lt: Method<typeof lt>; le: Method<typeof le>; gt: Method<typeof gt>; ge: Method<typeof ge>;
    notEqual: Method<typeof ne>; less: Method<typeof lt>; lessEqual: Method<typeof le>; greater: Method<typeof gt>; greaterEqual: Method<typeof ge>;
    eq_: Method<typeof eq_>; ne_: Method<typeof ne_>; lt_: Method<typeof lt_>; le_: Method<typeof le_>; gt_: Method<typeof gt_>; ge_: Method<typeof ge_>;
    notEqual_: Method<typeof ne_>; less_: Method<typeof lt_>; lessEqual_: Method<typeof le_>; greater_: Method<typeof gt_>; greaterEqual_: Method<typeof ge_>;
    equal: Method<typeof equal>; isclose: Method<typeof isclose>; allclose: Method<typeof allclose>;
    isnan: Method<typeof isnan>; isinf: Method<typeof isinf>; isposinf: Method<typeof isposinf>; isneginf: Method<typeof isneginf>;
    isfinite: Method<typeof isfinite>; isreal: Method<typeof isreal>; signbit: Method<typeof signbit>;
    logicalAnd: Method<typeof logicalAnd>; logicalOr: Method<typeof logicalOr>; logicalXor: Method<typeof logicalXor>; logicalNot: Method<typeof logicalNot>;
    logicalAnd_: Method<typeof logicalAnd_>; logicalOr_: Method<typeof logicalOr_>; logicalXor_: Method<typeof logicalXor_>; logicalNot_: Method<typeof logicalNot_>;
    bitwiseAnd: Method<(self: Tensor, other: TensorOrScalar) => Tensor>; bitwiseOr: Method<(self: Tensor, other: TensorOrScalar) => Tensor>;
    bitwiseXor: Method<(self: Tensor, other: TensorOrScalar) => Tensor>; bitwiseNot: Method<typeof bitwiseNot>;
    bitwiseAnd_: Method<typeof bitwiseAnd_>; bitwiseOr_: Method<typeof bitwiseOr_>; bitwiseXor_: Method<typeof bitwiseXor_>; bitwiseNot_: Method<typeof bitwiseNot_>;
    bitwiseLeftShift: Method<(self: Tensor, other: TensorOrScalar) => Tensor>; bitwiseRightShift: Method<(self: Tensor, other: TensorOrScalar) => Tensor>;
    bitwiseLeftShift_: Method<typeof bitwiseLeftShift_>; bitwiseRightShift_: Method<typeof bitwiseRightShift_>;
    where: Method<typeof whereMethod>;
    heaviside: Method<typeof heaviside>; heaviside_: Method<typeof heaviside_>;
  }
}

const asMethod2 = (f: (a: TensorOrScalar, b: TensorOrScalar) => Tensor) => (s: Tensor, o: TensorOrScalar) => f(s, o);

installMethods({
  eq, ne, lt, le, gt, ge, notEqual: ne, less: lt, lessEqual: le, greater: gt, greaterEqual: ge,
  eq_, ne_, lt_, le_, gt_, ge_, notEqual_: ne_, less_: lt_, lessEqual_: le_, greater_: gt_, greaterEqual_: ge_,
  equal, isclose, allclose, isnan, isinf, isposinf, isneginf, isfinite, isreal, signbit,
  logicalAnd, logicalOr, logicalXor, logicalNot, logicalAnd_, logicalOr_, logicalXor_, logicalNot_,
  bitwiseAnd: asMethod2(bitwiseAnd), bitwiseOr: asMethod2(bitwiseOr), bitwiseXor: asMethod2(bitwiseXor), bitwiseNot,
  bitwiseAnd_, bitwiseOr_, bitwiseXor_, bitwiseNot_,
  bitwiseLeftShift: asMethod2(bitwiseLeftShift), bitwiseRightShift: asMethod2(bitwiseRightShift), bitwiseLeftShift_, bitwiseRightShift_,
  where: whereMethod, heaviside, heaviside_,
});
