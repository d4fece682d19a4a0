// Arithmetic: add, sub, mul, div (+ in-place forms), with broadcasting, PyTorch's type promotion
// and scalar operands. The template for every binary pointwise op.

import { Tensor } from "../core/tensor.js";
import { Complex } from "../core/complex.js";
import { pyType } from "./pointwise-util.js";
import { type DType, getDefaultDtype, int64, float64, roundToDType } from "../core/dtype.js";
import { fma64, fmaf } from "../core/random-transforms.js";
import { nativeBinary, nativeScaledAdd } from "./native-fast.js";
import { nativeTyped } from "./native-typed.js";
import { type Args, bindArgs, installMethods, type Method, checkTensor, checkArgs, isOptionsObject, rebind, type Rebound } from "./args.js";
import { type TensorOrScalar, resultType } from "./promotion.js";
import { binaryOp, binaryInPlace, gradFor, type BinarySpec } from "./pointwise-engine.js";
import { hasZeroValue } from "./engine.js";
import { onDevice } from "./device-hooks.js";

import { outCall, type OutOption, hasOut, withOut } from "./out.js";
// ---- add / sub ------------------------------------------------------------------------------

interface AlphaOpts { alpha?: number }

const ADD: BinarySpec = {
  name: "add", node: "AddBackward0",
  f: nativeBinary((a, b) => a + b, "add"), fBig: (a, b) => a + b,
  vjp: (g, a, b) => [gradFor(g, a), gradFor(g, b)],
  saves: { a: [], b: [] },
  jvp: (ta, tb) => (ta && tb ? ta.add(tb) : ta ?? tb),
};
const SUB: BinarySpec = {
  name: "sub", node: "SubBackward0",
  f: nativeBinary((a, b) => a - b, "sub"), fBig: (a, b) => a - b,
  vjp: (g, a, b) => [gradFor(g, a), gradFor(g.neg(), b)],
  saves: { a: [], b: [] },
  jvp: (ta, tb) => (ta && tb ? ta.sub(tb) : ta ?? tb!.neg()),
};

/**
 * add/sub with alpha on a floating result, as PyTorch's kernel (vec::fmadd on CPU, an FMA on CUDA):
 * a + alpha * b (sub: a - alpha * b) rounded once. alpha is first converted to the dtype
 * (PyTorch's alpha.to<scalar_t>()); float16/bfloat16 compute that fma in float32 and round it to
 * the dtype, as PyTorch's vectorised kernels (1.13's scalar loop for 16-bit types rounds the
 * product first, and its float16 kernel is that loop). Still one autograd node.
 */
function fusedSpec(base: BinarySpec, alpha: number, dtype: DType): BinarySpec {
  const a = roundToDType(alpha, dtype);
  const signed = base === SUB ? -a : a;
  // fmaf/fma64 are exact fmas (error-free transformations), the bits of the native kernel's fma.
  const f = dtype === float64
    ? nativeScaledAdd((x: number, y: number) => fma64(signed, y, x), signed)
    : nativeScaledAdd((x: number, y: number) => fmaf(signed, Math.fround(y), Math.fround(x)), signed);
  return {
    name: base.name, node: base.node, f, alpha: a,
    onnx: { kind: "add_scaled", attrs: { alpha: signed } },
    vjp: (g, x, y) => [x._requiresGrad ? gradFor(g, x) : null, y._requiresGrad ? gradFor(g.mul(signed), y) : null],
    saves: { a: [], b: [] },
    jvp: (ta, tb) => (tb ? (ta ? ta.add(tb, { alpha: signed }) : tb.mul(signed)) : ta),
  };
}

/**
 * The spec and second operand of `base` (ADD or SUB) with alpha: one rounding for floating
 * results, b scaled exactly by an integral alpha otherwise (PyTorch checks alpha against the
 * common dtype).
 */
function withAlpha(op: string, base: BinarySpec, a: TensorOrScalar, b: TensorOrScalar, alpha: number): [BinarySpec, TensorOrScalar] {
  if (alpha === 1 || !isOperand(a) || !isOperand(b)) return [base, b];
  const dtype = resultType(a, b);
  if (dtype.isFloatingPoint) return [fusedSpec(base, alpha, dtype), b];
  if (!Number.isInteger(alpha)) throw new Error(`${op}: For integral input tensors, argument alpha must not be a floating point number.`);
  if (b instanceof Tensor) return [base, mul(b, alpha)];
  return [base, typeof b === "bigint" ? b * BigInt(alpha) : Number(b) * alpha];
}

function isOperand(v: unknown): v is TensorOrScalar {
  return v instanceof Tensor || typeof v === "number" || typeof v === "bigint" || typeof v === "boolean";
}

function alphaOf(op: string, args: readonly unknown[]): number {
  if (args.length === 0) return 1;
  const a = bindArgs(op, args, ["alpha"], [], 2);
  return (a.alpha as number | undefined) ?? 1;
}

function checkNotBoolSub(input: TensorOrScalar, other: TensorOrScalar): void {
  if ((input instanceof Tensor && input.dtype.name === "bool") || (other instanceof Tensor && other.dtype.name === "bool")) {
    throw new Error("Subtraction, the `-` operator, with a bool tensor is not supported. If you are trying to invert a mask, use the `~` or `logical_not()` operator instead.");
  }
}

export function add(input: TensorOrScalar, other: TensorOrScalar, ...args: Args<[alpha?: number], AlphaOpts & OutOption>): Tensor;
export function add<A extends Rebound<[input: TensorOrScalar, other: TensorOrScalar], ["input", "other"], AlphaOpts & OutOption>>(...args: A): Tensor;
export function add(input: TensorOrScalar, other: TensorOrScalar, ...args: Args<[alpha?: number], AlphaOpts & OutOption>): Tensor {
  if (arguments.length <= 2 && isOptionsObject(arguments.length === 2 ? other : input)) return rebind(add, "add", arguments, ["input", "other", "alpha"], 2, ["out"]);
  if (hasOut(args)) return withOut("add", args, (rest) => add(input, other, ...(rest as [])), "cast", false, [input, other]);
  const alpha = alphaOf("add", args);
  if (!(input instanceof Tensor) && !(other instanceof Tensor)) checkTensor("add", "input", input);
  if (typeof input === "boolean" || (input instanceof Tensor && input.dtype.name === "bool" && other instanceof Tensor && other.dtype.name === "bool")) {
    // bool + bool is logical or in PyTorch.
    if (input instanceof Tensor && other instanceof Tensor) return binaryOp({ ...ADD, f: (x, y) => (x || y ? 1 : 0) }, input, other);
  }
  const [spec, b] = withAlpha("add", ADD, input, other, alpha);
  return binaryOp(spec, input, b);
}

export function sub(input: TensorOrScalar, other: TensorOrScalar, ...args: Args<[alpha?: number], AlphaOpts & OutOption>): Tensor;
export function sub<A extends Rebound<[input: TensorOrScalar, other: TensorOrScalar], ["input", "other"], AlphaOpts & OutOption>>(...args: A): Tensor;
export function sub(input: TensorOrScalar, other: TensorOrScalar, ...args: Args<[alpha?: number], AlphaOpts & OutOption>): Tensor {
  if (arguments.length <= 2 && isOptionsObject(arguments.length === 2 ? other : input)) return rebind(sub, "sub", arguments, ["input", "other", "alpha"], 2, ["out"]);
  if (hasOut(args)) return withOut("sub", args, (rest) => sub(input, other, ...(rest as [])), "cast", false, [input, other]);
  const alpha = alphaOf("sub", args);
  checkNotBoolSub(input, other);
  const [spec, b] = withAlpha("sub", SUB, input, other, alpha);
  return binaryOp(spec, input, b);
}
export const subtract = sub;

export function rsub(input: Tensor, other: TensorOrScalar, ...args: Args<[alpha?: number], AlphaOpts>): Tensor;
export function rsub<A extends Rebound<[input: Tensor, other: TensorOrScalar], ["input", "other"], AlphaOpts>>(...args: A): Tensor;
export function rsub(input: Tensor, other: TensorOrScalar, ...args: Args<[alpha?: number], AlphaOpts>): Tensor {
  if (arguments.length <= 2 && isOptionsObject(arguments.length === 2 ? other : input)) return rebind(rsub, "rsub", arguments, ["input", "other", "alpha"], 2, []);
  const alpha = alphaOf("rsub", args);
  checkNotBoolSub(input, other);
  // other - alpha * input, recorded as PyTorch's own node (RsubBackward1 for a Number other).
  const [spec, b] = withAlpha("rsub", SUB, other, input, alpha);
  return binaryOp({ ...spec, node: other instanceof Tensor ? "RsubBackward0" : "RsubBackward1" }, other, b);
}

export function add_(self: Tensor, other: TensorOrScalar, ...args: Args<[alpha?: number], AlphaOpts>): Tensor;
export function add_<A extends Rebound<[self: Tensor, other: TensorOrScalar], ["self", "other"], AlphaOpts>>(...args: A): Tensor;
export function add_(self: Tensor, other: TensorOrScalar, ...args: Args<[alpha?: number], AlphaOpts>): Tensor {
  if (arguments.length <= 2 && isOptionsObject(arguments.length === 2 ? other : self)) return rebind(add_, "add_", arguments, ["self", "other", "alpha"], 2, []);
  const alpha = alphaOf("add_", args);
  const [spec, o] = withAlpha("add_", ADD, self, other, alpha);
  return binaryInPlace(spec, self, o, (s) => binaryOp(spec, s, o));
}

export function sub_(self: Tensor, other: TensorOrScalar, ...args: Args<[alpha?: number], AlphaOpts>): Tensor;
export function sub_<A extends Rebound<[self: Tensor, other: TensorOrScalar], ["self", "other"], AlphaOpts>>(...args: A): Tensor;
export function sub_(self: Tensor, other: TensorOrScalar, ...args: Args<[alpha?: number], AlphaOpts>): Tensor {
  if (arguments.length <= 2 && isOptionsObject(arguments.length === 2 ? other : self)) return rebind(sub_, "sub_", arguments, ["self", "other", "alpha"], 2, []);
  const alpha = alphaOf("sub_", args);
  const [spec, o] = withAlpha("sub_", SUB, self, other, alpha);
  return binaryInPlace(spec, self, o, (s) => binaryOp(spec, s, o));
}

// ---- mul / div ------------------------------------------------------------------------------

const MUL: BinarySpec = {
  name: "mul", node: "MulBackward0",
  f: nativeBinary((a, b) => a * b, "mul"), fBig: (a, b) => a * b,
  vjp: (g, a, b) => [a._requiresGrad ? gradFor(g.mul(b), a) : null, b._requiresGrad ? gradFor(g.mul(a), b) : null],
  saves: { a: ["b"], b: ["a"] },
  jvp: (ta, tb, a, b) => (ta && tb ? ta.mul(b).add(a.mul(tb)) : ta ? ta.mul(b) : tb!.mul(a)),
};

export function mul(input: TensorOrScalar, other: TensorOrScalar, options?: OutOption): Tensor;
export function mul<A extends Rebound<[input: TensorOrScalar, other: TensorOrScalar], ["input", "other"], OutOption>>(...args: A): Tensor;
export function mul(input: TensorOrScalar, other: TensorOrScalar, options?: OutOption): Tensor {
  if (arguments.length > 2) return outCall("mul", arguments, 2, () => mul(input, other)); else if (isOptionsObject(arguments.length === 2 ? other : input)) return rebind(mul, "mul", arguments, ["input", "other"], 2, ["out"]);
  if (input instanceof Tensor && other instanceof Tensor && input.dtype.name === "bool" && other.dtype.name === "bool") {
    return binaryOp({ ...MUL, f: (x, y) => (x && y ? 1 : 0) }, input, other);
  }
  return binaryOp(MUL, input, other);
}
export const multiply = mul;

export function mul_(self: Tensor, other: TensorOrScalar): Tensor;
export function mul_<A extends Rebound<[self: Tensor, other: TensorOrScalar], ["self", "other"]>>(...args: A): Tensor;
export function mul_(self: Tensor, other: TensorOrScalar): Tensor {
  if (arguments.length > 2) checkArgs("mul_", arguments, 2); else if (isOptionsObject(arguments.length === 2 ? other : self)) return rebind(mul_, "mul_", arguments, ["self", "other"], 2, []);
  return binaryInPlace(MUL, self, other, (s) => mul(s, other));
}

export type RoundingMode = "trunc" | "floor" | null;

const trueDivDtype = (d: DType): DType => (d.isFloatingPoint ? d : getDefaultDtype());

const DIV: BinarySpec = {
  name: "div", node: "DivBackward0",
  f: nativeBinary((a, b) => a / b, "div"),
  outDtype: trueDivDtype,
  // other's gradient as PyTorch's div_tensor_other_backward, -grad * ((self / other) / other): from
  // the operands, so a later in-place write to the quotient does not change it.
  vjp: (g, a, b) => [
    a._requiresGrad ? gradFor(g.div(b), a) : null,
    b._requiresGrad ? gradFor(g.neg().mul(a.div(b).div(b)), b) : null,
  ],
  saves: { a: ["b"], b: ["a", "b"] },
  jvp: (ta, tb, _a, b, out) => (tb ? (ta ? ta.sub(tb.mul(out)).div(b) : tb.mul(out).neg().div(b)) : ta!.div(b)),
};

const floorDivNumber = nativeTyped(floorDivideJs, "floorDivide");
const truncDivNumber = nativeTyped((a: number, b: number): number => Math.trunc(a / b), "divTrunc");
// The quotient rounded to float32 first, as std::trunc(x / y) in float (fround of the double
// quotient of two floats is their correctly rounded float quotient).
const truncDivSingle = nativeTyped((a: number, b: number): number => Math.trunc(Math.fround(a / b)), "divTrunc");

function floorDivideJs(a: number, b: number): number {
  if (b === 0) return a === 0 || Number.isNaN(a) ? NaN : a > 0 === (1 / b > 0) ? Infinity : -Infinity;
  // Python's floor division: floor of the exact quotient, computed as PyTorch's div_floor.
  const mod = a % b;
  let div = (a - mod) / b;
  if (mod !== 0 && (b < 0) !== (mod < 0)) div -= 1;
  if (div === 0) return (a / b < 0 ? -0 : 0);
  const floorDiv = Math.floor(div);
  return div - floorDiv > 0.5 ? floorDiv + 1 : floorDiv;
}

function intDivError(): never {
  throw new Error("ZeroDivisionError: integer division by zero");
}

function divSpec(mode: RoundingMode): BinarySpec {
  if (mode === null) return DIV;
  const trunc = mode === "trunc";
  return {
    name: "div", node: "DivBackward1",
    onnx: { kind: "div_rounding", attrs: { mode } },
    f: trunc ? truncDivNumber : floorDivNumber,
    ...(trunc ? { f32: truncDivSingle } : {}),
    fBig: trunc
      ? (a, b) => (b === 0n ? intDivError() : a / b)
      : (a, b) => { if (b === 0n) intDivError(); const q = a / b; return (a % b !== 0n && (a < 0n) !== (b < 0n)) ? q - 1n : q; },
    // The gradient of a rounded quotient is zero almost everywhere.
    vjp: (g, a, b) => [a._requiresGrad ? gradFor(g.mul(0), a) : null, b._requiresGrad ? gradFor(g.mul(0), b) : null],
  };
}

function checkIntDivByZero(op: string, a: TensorOrScalar, b: TensorOrScalar, mode: RoundingMode): void {
  // Device tensors are not read back for the check (as on CUDA, a zero divisor gives no error).
  if (mode === null || onDevice(a, b)) return;
  const promoted = resultType(a, b);
  if (promoted.isFloatingPoint) return;
  const hasZero = b instanceof Tensor ? hasZeroValue(b) : Number(b) === 0;
  if (hasZero) throw new Error(`${op}: ZeroDivisionError`);
}

interface DivOpts { roundingMode?: RoundingMode }

export function div(input: TensorOrScalar, other: TensorOrScalar, ...args: Args<[], DivOpts & OutOption>): Tensor;
export function div<A extends Rebound<[input: TensorOrScalar, other: TensorOrScalar], ["input", "other"], DivOpts & OutOption>>(...args: A): Tensor;
export function div(input: TensorOrScalar, other: TensorOrScalar, ...args: Args<[], DivOpts & OutOption>): Tensor {
  if (arguments.length <= 2 && isOptionsObject(arguments.length === 2 ? other : input)) return rebind(div, "div", arguments, ["input", "other"], 2, ["roundingMode", "out"]);
  if (hasOut(args)) return withOut("div", args, (rest) => div(input, other, ...(rest as [])), "cast", false, [input, other]);
  // x.div(y), the common call, binds nothing (no allocation).
  const mode = args.length === 0 ? null : ((bindArgs("div", args, [], ["roundingMode"], 2).roundingMode as RoundingMode | undefined) ?? null);
  if (mode !== null && mode !== "trunc" && mode !== "floor") {
    throw new Error(`div expected rounding_mode to be one of None, 'trunc', or 'floor' but found '${String(mode)}'`);
  }
  checkIntDivByZero("div", input, other, mode);
  return binaryOp(divSpec(mode), input, other);
}
export const divide = div;
export function trueDivide(input: TensorOrScalar, other: TensorOrScalar, options?: OutOption): Tensor;
export function trueDivide<A extends Rebound<[input: TensorOrScalar, other: TensorOrScalar], ["input", "other"], OutOption>>(...args: A): Tensor;
export function trueDivide(input: TensorOrScalar, other: TensorOrScalar, options?: OutOption): Tensor {
  if (arguments.length > 2) return outCall("true_divide", arguments, 2, () => div(input, other)); else if (isOptionsObject(arguments.length === 2 ? other : input)) return rebind(trueDivide, "true_divide", arguments, ["input", "other"], 2, ["out"]);
  return div(input, other);
}

export function div_(self: Tensor, other: TensorOrScalar, ...args: Args<[], DivOpts>): Tensor;
export function div_<A extends Rebound<[self: Tensor, other: TensorOrScalar], ["self", "other"], DivOpts>>(...args: A): Tensor;
export function div_(self: Tensor, other: TensorOrScalar, ...args: Args<[], DivOpts>): Tensor {
  if (arguments.length <= 2 && isOptionsObject(arguments.length === 2 ? other : self)) return rebind(div_, "div_", arguments, ["self", "other"], 2, ["roundingMode"]);
  const a = bindArgs("div_", args, [], ["roundingMode"], 2);
  const mode = (a.roundingMode as RoundingMode | undefined) ?? null;
  checkIntDivByZero("div_", self, other, mode);
  return binaryInPlace(divSpec(mode), self, other, (s) => div(s, other, { roundingMode: mode }));
}

export function floorDivide(input: TensorOrScalar, other: TensorOrScalar, options?: OutOption): Tensor;
export function floorDivide<A extends Rebound<[input: TensorOrScalar, other: TensorOrScalar], ["input", "other"], OutOption>>(...args: A): Tensor;
export function floorDivide(input: TensorOrScalar, other: TensorOrScalar, options?: OutOption): Tensor {
  if (arguments.length > 2) return outCall("floor_divide", arguments, 2, () => floorDivide(input, other)); else if (isOptionsObject(arguments.length === 2 ? other : input)) return rebind(floorDivide, "floor_divide", arguments, ["input", "other"], 2, ["out"]);
  if (!(input instanceof Tensor) && typeof input !== "number" && typeof input !== "bigint" && typeof input !== "boolean" && !(input instanceof Complex)) {
    throw new Error(`floor_divide() received an invalid combination of arguments - got (${pyType(input)}, ${pyType(other)})`);
  }
  return div(input, other, { roundingMode: "floor" });
}
export function floorDivide_(self: Tensor, other: TensorOrScalar): Tensor;
export function floorDivide_<A extends Rebound<[self: Tensor, other: TensorOrScalar], ["self", "other"]>>(...args: A): Tensor;
export function floorDivide_(self: Tensor, other: TensorOrScalar): Tensor {
  if (arguments.length > 2) checkArgs("floor_divide_", arguments, 2); else if (isOptionsObject(arguments.length === 2 ? other : self)) return rebind(floorDivide_, "floor_divide_", arguments, ["self", "other"], 2, []);
  return div_(self, other, { roundingMode: "floor" });
}
export function trueDivide_(self: Tensor, other: TensorOrScalar): Tensor;
export function trueDivide_<A extends Rebound<[self: Tensor, other: TensorOrScalar], ["self", "other"]>>(...args: A): Tensor;
export function trueDivide_(self: Tensor, other: TensorOrScalar): Tensor {
  if (arguments.length > 2) checkArgs("true_divide_", arguments, 2); else if (isOptionsObject(arguments.length === 2 ? other : self)) return rebind(trueDivide_, "true_divide_", arguments, ["self", "other"], 2, []);
  return div_(self, other);
}
export const subtract_ = sub_, multiply_ = mul_, divide_ = div_;


declare module "../core/tensor.js" {
  interface Tensor {
    add: Method<typeof add>;
    sub: Method<typeof sub>;
    subtract: Method<typeof sub>;
    rsub: Method<typeof rsub>;
    mul: Method<typeof mul>;
    multiply: Method<typeof mul>;
    div: Method<typeof div>;
    divide: Method<typeof div>;
    trueDivide: Method<typeof trueDivide>;
    floorDivide: Method<typeof floorDivide>;
    add_: Method<typeof add_>;
    sub_: Method<typeof sub_>;
    mul_: Method<typeof mul_>;
    div_: Method<typeof div_>;
    subtract_: Method<typeof sub_>;
    multiply_: Method<typeof mul_>;
    divide_: Method<typeof div_>;
    trueDivide_: Method<typeof trueDivide_>;
    floorDivide_: Method<typeof floorDivide_>;
  }
}

installMethods({
  add, sub, subtract: sub, rsub, mul, multiply: mul, div, divide: div, trueDivide, floorDivide, add_, sub_, mul_, div_,
  subtract_: sub_, multiply_: mul_, divide_: div_, trueDivide_, floorDivide_,
});
