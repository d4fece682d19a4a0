// Pointwise math: unary (abs, exp, log, trig, rounding, clamp, ...) and binary (pow, atan2, hypot,
// fmod, remainder, maximum, lerp, addcmul, ...) ops with PyTorch's dtype rules, int64 exactness,
// in-place forms and vjps. Special functions (erf, lgamma, ...) live in special.ts.

import { hideNames, isNamed, nameAll, namedRefusal, namesMode, namesOf, unifyFromRight } from "./named-engine.js";
import { anyNamed, unifiedNames } from "./named-rules.js";
import { SparseStorage } from "../core/storage.js";
import { autocasting } from "../amp/state.js";
import { autocasts, runAutocast } from "../amp/hook.js";
import { Tensor } from "../core/tensor.js";
import { broadcastShapes } from "../core/shape.js";
import { type DType, bool, complex32, float64, getDefaultDtype, int32, int64, roundToDType } from "../core/dtype.js";
import { record } from "../autograd/record.js";
import { traceOp, tracing } from "../onnx/hook.js";
import { type Args, bindArgs, checkTensor, installMethods, type Method, checkArgs, isOptionsObject, rebind, type Rebound } from "./args.js";
import { binaryMap, copyInto, emptyTensor, hasZeroValue, scalarOf, ternaryMap, unaryMap } from "./engine.js";
import { applyInPlace, checkInplaceCast } from "./inplace.js";
import { type BinarySpec, binaryInPlace, binaryOp, floatOut, gradFor, sameOut, type UnarySpec, unaryInPlace, unaryOp } from "./pointwise-engine.js";
import { resultType, resultTypeMany, type TensorOrScalar } from "./promotion.js";
import { castTo } from "./conversion.js";
import {
  bigUnary, exactOperand, type Floats, fusedGrad, kernelTypeName, type Loop1, unaryFast, unaryFastInPlace, needsBigInt, notImplementedFor, pyType, requireTensor, ternaryOp,
  type TernarySpec,
} from "./pointwise-util.js";
import { roundHalfEven } from "./special-math.js";
import { where } from "./comparison.js";
import { deviceOp, onDevice } from "./device-hooks.js";
import { nativeBinary, nativeDerivativeLoop, nativeGradLoop, nativeUnary, tryNativeClamp } from "./native-fast.js";
import { nativeTyped, nativeTypedTernary } from "./native-typed.js";
import { Complex } from "../core/complex.js";
import { complexPow } from "./complex-pow.js";

import { outCall, type OutOption, type OutPairOption, hasOut, withOut } from "./out.js";
import { backendRefusal } from "../core/op-name.js";
import { isQuantizedTensor } from "./quantized-engine.js";
import { quantizedClamp, quantizedSigmoid, quantizedTanh } from "./quantized-elementwise.js";

/** clamp of a quantized tensor: number bounds only (PyTorch's quantized clamp takes no tensors). */
function quantizedClampOf(input: Tensor, lo: Bound, hi: Bound): Tensor {
  if (lo instanceof Tensor || hi instanceof Tensor) throw new Error("clamp: a quantized tensor takes number bounds only");
  if (lo === null && hi === null) throw new Error("torch.clamp: At least one of 'min' or 'max' must not be None");
  return quantizedClamp(input, lo === null ? null : Number(lo), hi === null ? null : Number(hi));
}
// ---- helpers --------------------------------------------------------------------------------

const sgnOf = (x: number): number => (x > 0 ? 1 : x < 0 ? -1 : 0);

function noBool(kernel: string, x: Tensor): void {
  if (x.dtype === bool) throw notImplementedFor(kernel, bool);
}

/** x, unless it is quantized: ops whose integer forms compute nothing still have no quantized kernel. */
function refuseQuantized(x: Tensor): Tensor {
  if (x.dtype.category === "quantized") throw backendRefusal("QuantizedCPU");
  return x;
}

/** A copy of an integer tensor (rounding ops leave integers unchanged). */
function intCopy(x: Tensor): Tensor {
  const out = emptyTensor(x.shape, x.dtype);
  copyInto(out, x);
  return out;
}

/** The vjp of ops whose derivative is zero almost everywhere (floor, sign, ...). */
const zeroGrad = (g: Tensor): Tensor => g.newZeros(g.shape);

/** In-place form through the out-of-place op: checks the cast, then writes the result into self. */
function inPlaceVia(op: string, self: Tensor, resultDtype: DType, others: readonly (Tensor | null)[], outOfPlace: (s: Tensor) => Tensor): Tensor {
  checkInplaceCast(op, resultDtype, self);
  let computed: Tensor | null = null;
  const r = applyInPlace(op, self, others, () => { computed = outOfPlace(self.detach()); copyInto(self, computed); }, outOfPlace);
  if (tracing.on && computed) traceOp("copy_", [self, computed], self);
  return r;
}

// ---- sign family ----------------------------------------------------------------------------

const ABS: UnarySpec = {
  name: "abs", node: "AbsBackward0", f: nativeUnary(nativeTyped((x: number) => Math.abs(x), "abs"), "abs"), outDtype: sameOut,
  vjp: (g, x) => fusedGrad(g, x, (gv, xv) => gv * sgnOf(xv), () => g.mul(x.sgn())),
};
const NEG: UnarySpec = { name: "neg", node: "NegBackward0", f: nativeUnary(nativeTyped((x: number) => -x, "neg"), "neg"), outDtype: sameOut, vjp: (g) => g.neg(), savesNothing: true };
const SIGN: UnarySpec = { name: "sign", node: "SignBackward0", f: nativeUnary(sgnOf, "sign"), outDtype: sameOut, vjp: zeroGrad, savesNothing: true };
const SGN: UnarySpec = { ...SIGN, name: "sgn", node: "SgnBackward0" };

const bigAbs = (v: bigint): bigint => (v < 0n ? -v : v);
const bigSign = (v: bigint): bigint => (v > 0n ? 1n : v < 0n ? -1n : 0n);

export function abs(input: Tensor, options?: OutOption): Tensor;
export function abs<A extends Rebound<[input: Tensor], ["input"], OutOption>>(...args: A): Tensor;
export function abs(input: Tensor, options?: OutOption): Tensor {
  if (arguments.length > 1) return outCall("abs", arguments, 1, () => abs(input)); else if (isOptionsObject(input)) return rebind(abs, "abs", arguments, ["input"], 1, ["out"]);
  checkTensor("abs", "input", input);
  noBool("abs_cpu", input);
  return input.dtype === int64 && !onDevice(input) ? bigUnary(input, bigAbs) : unaryOp(ABS, input);
}
export const absolute = abs;
export function abs_(self: Tensor): Tensor;
export function abs_<A extends Rebound<[self: Tensor], ["self"]>>(...args: A): Tensor;
export function abs_(self: Tensor): Tensor {
  if (arguments.length > 1) checkArgs("abs_", arguments, 1); else if (isOptionsObject(self)) return rebind(abs_, "abs_", arguments, ["self"], 1, []);
  noBool("abs_cpu", self);
  if (self.dtype === int64 && !onDevice(self) && !(self.storage instanceof SparseStorage)) return applyInPlace("abs_", self, [], () => { bigUnary(self, bigAbs, self); }, abs);
  return unaryInPlace(ABS, self);
}

function checkNegBool(x: Tensor): void {
  if (x.dtype === bool) throw new Error("Negation, the `-` operator, on a bool tensor is not supported. If you are trying to invert a mask, use the `~` or `logical_not()` operator instead.");
}
export function neg(input: Tensor, options?: OutOption): Tensor;
export function neg<A extends Rebound<[input: Tensor], ["input"], OutOption>>(...args: A): Tensor;
export function neg(input: Tensor, options?: OutOption): Tensor {
  if (arguments.length > 1) return outCall("neg", arguments, 1, () => neg(input)); else if (isOptionsObject(input)) return rebind(neg, "neg", arguments, ["input"], 1, ["out"]);
  checkTensor("neg", "input", input);
  checkNegBool(input);
  // int64 negates exactly (bigint) on strided CPU tensors; sparse ones map their values through unaryOp.
  return input.dtype === int64 && !onDevice(input) && !(input.storage instanceof SparseStorage) ? bigUnary(input, (v) => -v) : unaryOp(NEG, input);
}
export const negative = neg;
export const negative_ = neg_;
export function neg_(self: Tensor): Tensor;
export function neg_<A extends Rebound<[self: Tensor], ["self"]>>(...args: A): Tensor;
export function neg_(self: Tensor): Tensor {
  if (arguments.length > 1) checkArgs("neg_", arguments, 1); else if (isOptionsObject(self)) return rebind(neg_, "neg_", arguments, ["self"], 1, []);
  checkNegBool(self);
  if (self.dtype === int64 && !onDevice(self)) return applyInPlace("neg_", self, [], () => { bigUnary(self, (v) => -v, self); }, neg);
  return unaryInPlace(NEG, self);
}

/** torch.positive: the input itself (bool is an error, as for unary +). */
export function positive(input: Tensor): Tensor;
export function positive<A extends Rebound<[input: Tensor], ["input"]>>(...args: A): Tensor;
export function positive(input: Tensor): Tensor {
  if (arguments.length > 1) checkArgs("positive", arguments, 1); else if (isOptionsObject(input)) return rebind(positive, "positive", arguments, ["input"], 1, []);
  checkTensor("positive", "input", input);
  if (input.dtype === bool) throw new Error("The `+` operator, on a bool tensor is not supported.");
  return input;
}

export function sign(input: Tensor, options?: OutOption): Tensor;
export function sign<A extends Rebound<[input: Tensor], ["input"], OutOption>>(...args: A): Tensor;
export function sign(input: Tensor, options?: OutOption): Tensor {
  if (arguments.length > 1) return outCall("sign", arguments, 1, () => sign(input)); else if (isOptionsObject(input)) return rebind(sign, "sign", arguments, ["input"], 1, ["out"]);
  checkTensor("sign", "input", input);
  if (input.dtype === bool) return intCopy(input);
  return input.dtype === int64 && !onDevice(input) ? bigUnary(input, bigSign) : unaryOp(SIGN, input);
}
export function sign_(self: Tensor): Tensor;
export function sign_<A extends Rebound<[self: Tensor], ["self"]>>(...args: A): Tensor;
export function sign_(self: Tensor): Tensor {
  if (arguments.length > 1) checkArgs("sign_", arguments, 1); else if (isOptionsObject(self)) return rebind(sign_, "sign_", arguments, ["self"], 1, []);
  if (self.dtype === bool) return self;
  return inPlaceVia("sign_", self, self.dtype, [], sign);
}
export function sgn(input: Tensor, options?: OutOption): Tensor;
export function sgn<A extends Rebound<[input: Tensor], ["input"], OutOption>>(...args: A): Tensor;
export function sgn(input: Tensor, options?: OutOption): Tensor {
  if (arguments.length > 1) return outCall("sgn", arguments, 1, () => sgn(input)); else if (isOptionsObject(input)) return rebind(sgn, "sgn", arguments, ["input"], 1, ["out"]);
  checkTensor("sgn", "input", input);
  if (input.dtype === bool) return intCopy(input);
  return input.dtype === int64 && !onDevice(input) ? bigUnary(input, bigSign) : unaryOp(SGN, input);
}
export function sgn_(self: Tensor): Tensor;
export function sgn_<A extends Rebound<[self: Tensor], ["self"]>>(...args: A): Tensor;
export function sgn_(self: Tensor): Tensor {
  if (arguments.length > 1) checkArgs("sgn_", arguments, 1); else if (isOptionsObject(self)) return rebind(sgn_, "sgn_", arguments, ["self"], 1, []);
  if (self.dtype === bool) return self;
  return inPlaceVia("sgn_", self, self.dtype, [], sgn);
}

// ---- exp / log / roots ------------------------------------------------------------------------

const EXP: UnarySpec = {
  name: "exp", node: "ExpBackward0", f: nativeUnary(Math.exp, "exp"), savesOutput: true,
  vjp: (g, _x, out) => fusedGrad(g, out, (gv, ov) => gv * ov, () => g.mul(out),
    nativeGradLoop("mul", (gs, os, d, n) => { for (let i = 0; i < n; i++) d[i] = gs[i]! * os[i]!; })),
};
const expLoop: Loop1 = (s, d, n) => { for (let i = 0; i < n; i++) d[i] = Math.exp(s[i]!); };
const EXP2: UnarySpec = {
  name: "exp2", node: "Exp2Backward0", f: nativeUnary((x: number) => Math.pow(2, x), "exp2"), savesOutput: true,
  vjp: (g, _x, out) => g.mul(out).mul(Math.LN2),
};
const EXPM1: UnarySpec = {
  name: "expm1", node: "Expm1Backward0", f: nativeUnary(Math.expm1, "expm1"), savesOutput: true,
  vjp: (g, _x, out) => g.mul(out.add(1)),
};
const LOG: UnarySpec = {
  name: "log", node: "LogBackward0", f: nativeUnary(Math.log, "log"),
  vjp: (g, x) => fusedGrad(g, x, (gv, xv) => gv / xv, () => g.div(x),
    (gs, xs, d, n) => { for (let i = 0; i < n; i++) d[i] = gs[i]! / xs[i]!; }),
};
const logLoop: Loop1 = (s, d, n) => { for (let i = 0; i < n; i++) d[i] = Math.log(s[i]!); };
const LOG2: UnarySpec = { name: "log2", node: "Log2Backward0", f: nativeUnary(Math.log2, "log2"), vjp: (g, x) => g.div(x.mul(Math.LN2)) };
const LOG10: UnarySpec = { name: "log10", node: "Log10Backward0", f: nativeUnary(Math.log10, "log10"), vjp: (g, x) => g.div(x.mul(Math.LN10)) };
const LOG1P: UnarySpec = { name: "log1p", node: "Log1PBackward0", f: nativeUnary(Math.log1p, "log1p"), vjp: (g, x) => g.div(x.add(1)) };
const SQRT: UnarySpec = {
  name: "sqrt", node: "SqrtBackward0", f: nativeUnary(Math.sqrt, "sqrt"), savesOutput: true,
  vjp: (g, _x, out) => fusedGrad(g, out, (gv, ov) => gv / (2 * ov), () => g.div(out.mul(2)),
    (gs, os, d, n) => { for (let i = 0; i < n; i++) d[i] = gs[i]! / (2 * os[i]!); }),
};
const sqrtLoop: Loop1 = (s, d, n) => { for (let i = 0; i < n; i++) d[i] = Math.sqrt(s[i]!); };
const RSQRT: UnarySpec = {
  name: "rsqrt", node: "RsqrtBackward0", f: nativeUnary((x: number) => 1 / Math.sqrt(x), "rsqrt"), savesOutput: true,
  vjp: (g, _x, out) => fusedGrad(g, out, (gv, ov) => -0.5 * gv * ov * ov * ov, () => g.mul(out.pow(3)).mul(-0.5)),
};
const RECIPROCAL: UnarySpec = {
  name: "reciprocal", node: "ReciprocalBackward0", f: nativeUnary((x: number) => 1 / x, "reciprocal"), savesOutput: true,
  vjp: (g, _x, out) => fusedGrad(g, out, (gv, ov) => -gv * ov * ov, () => g.neg().mul(out.mul(out))),
};

export function exp(input: Tensor, options?: OutOption): Tensor;
export function exp<A extends Rebound<[input: Tensor], ["input"], OutOption>>(...args: A): Tensor;
export function exp(input: Tensor, options?: OutOption): Tensor {
  if (autocasting.on && autocasts("exp", arguments)) return runAutocast(exp, arguments);
  if (arguments.length > 1) return outCall("exp", arguments, 1, () => exp(input)); else if (isOptionsObject(input)) return rebind(exp, "exp", arguments, ["input"], 1, ["out"]);
  return unaryFast(EXP, expLoop, input);
}
export function exp_(self: Tensor): Tensor;
export function exp_<A extends Rebound<[self: Tensor], ["self"]>>(...args: A): Tensor;
export function exp_(self: Tensor): Tensor {
  if (arguments.length > 1) checkArgs("exp_", arguments, 1); else if (isOptionsObject(self)) return rebind(exp_, "exp_", arguments, ["self"], 1, []);
  return unaryFastInPlace(EXP, expLoop, self);
}
export function exp2(input: Tensor, options?: OutOption): Tensor;
export function exp2<A extends Rebound<[input: Tensor], ["input"], OutOption>>(...args: A): Tensor;
export function exp2(input: Tensor, options?: OutOption): Tensor {
  if (arguments.length > 1) return outCall("exp2", arguments, 1, () => exp2(input)); else if (isOptionsObject(input)) return rebind(exp2, "exp2", arguments, ["input"], 1, ["out"]);
  return unaryOp(EXP2, input);
}
export function exp2_(self: Tensor): Tensor;
export function exp2_<A extends Rebound<[self: Tensor], ["self"]>>(...args: A): Tensor;
export function exp2_(self: Tensor): Tensor {
  if (arguments.length > 1) checkArgs("exp2_", arguments, 1); else if (isOptionsObject(self)) return rebind(exp2_, "exp2_", arguments, ["self"], 1, []);
  return unaryInPlace(EXP2, self);
}
export function expm1(input: Tensor, options?: OutOption): Tensor;
export function expm1<A extends Rebound<[input: Tensor], ["input"], OutOption>>(...args: A): Tensor;
export function expm1(input: Tensor, options?: OutOption): Tensor {
  if (autocasting.on && autocasts("expm1", arguments)) return runAutocast(expm1, arguments);
  if (arguments.length > 1) return outCall("expm1", arguments, 1, () => expm1(input)); else if (isOptionsObject(input)) return rebind(expm1, "expm1", arguments, ["input"], 1, ["out"]);
  return unaryOp(EXPM1, input);
}
export function expm1_(self: Tensor): Tensor;
export function expm1_<A extends Rebound<[self: Tensor], ["self"]>>(...args: A): Tensor;
export function expm1_(self: Tensor): Tensor {
  if (arguments.length > 1) checkArgs("expm1_", arguments, 1); else if (isOptionsObject(self)) return rebind(expm1_, "expm1_", arguments, ["self"], 1, []);
  return unaryInPlace(EXPM1, self);
}
export function log(input: Tensor, options?: OutOption): Tensor;
export function log<A extends Rebound<[input: Tensor], ["input"], OutOption>>(...args: A): Tensor;
export function log(input: Tensor, options?: OutOption): Tensor {
  if (autocasting.on && autocasts("log", arguments)) return runAutocast(log, arguments);
  if (arguments.length > 1) return outCall("log", arguments, 1, () => log(input)); else if (isOptionsObject(input)) return rebind(log, "log", arguments, ["input"], 1, ["out"]);
  return unaryFast(LOG, logLoop, input);
}
export function log_(self: Tensor): Tensor;
export function log_<A extends Rebound<[self: Tensor], ["self"]>>(...args: A): Tensor;
export function log_(self: Tensor): Tensor {
  if (arguments.length > 1) checkArgs("log_", arguments, 1); else if (isOptionsObject(self)) return rebind(log_, "log_", arguments, ["self"], 1, []);
  return unaryFastInPlace(LOG, logLoop, self);
}
export function log2(input: Tensor, options?: OutOption): Tensor;
export function log2<A extends Rebound<[input: Tensor], ["input"], OutOption>>(...args: A): Tensor;
export function log2(input: Tensor, options?: OutOption): Tensor {
  if (autocasting.on && autocasts("log2", arguments)) return runAutocast(log2, arguments);
  if (arguments.length > 1) return outCall("log2", arguments, 1, () => log2(input)); else if (isOptionsObject(input)) return rebind(log2, "log2", arguments, ["input"], 1, ["out"]);
  return unaryOp(LOG2, input);
}
export function log2_(self: Tensor): Tensor;
export function log2_<A extends Rebound<[self: Tensor], ["self"]>>(...args: A): Tensor;
export function log2_(self: Tensor): Tensor {
  if (arguments.length > 1) checkArgs("log2_", arguments, 1); else if (isOptionsObject(self)) return rebind(log2_, "log2_", arguments, ["self"], 1, []);
  return unaryInPlace(LOG2, self);
}
export function log10(input: Tensor, options?: OutOption): Tensor;
export function log10<A extends Rebound<[input: Tensor], ["input"], OutOption>>(...args: A): Tensor;
export function log10(input: Tensor, options?: OutOption): Tensor {
  if (autocasting.on && autocasts("log10", arguments)) return runAutocast(log10, arguments);
  if (arguments.length > 1) return outCall("log10", arguments, 1, () => log10(input)); else if (isOptionsObject(input)) return rebind(log10, "log10", arguments, ["input"], 1, ["out"]);
  return unaryOp(LOG10, input);
}
export function log10_(self: Tensor): Tensor;
export function log10_<A extends Rebound<[self: Tensor], ["self"]>>(...args: A): Tensor;
export function log10_(self: Tensor): Tensor {
  if (arguments.length > 1) checkArgs("log10_", arguments, 1); else if (isOptionsObject(self)) return rebind(log10_, "log10_", arguments, ["self"], 1, []);
  return unaryInPlace(LOG10, self);
}
export function log1p(input: Tensor, options?: OutOption): Tensor;
export function log1p<A extends Rebound<[input: Tensor], ["input"], OutOption>>(...args: A): Tensor;
export function log1p(input: Tensor, options?: OutOption): Tensor {
  if (autocasting.on && autocasts("log1p", arguments)) return runAutocast(log1p, arguments);
  if (arguments.length > 1) return outCall("log1p", arguments, 1, () => log1p(input)); else if (isOptionsObject(input)) return rebind(log1p, "log1p", arguments, ["input"], 1, ["out"]);
  return unaryOp(LOG1P, input);
}
export function log1p_(self: Tensor): Tensor;
export function log1p_<A extends Rebound<[self: Tensor], ["self"]>>(...args: A): Tensor;
export function log1p_(self: Tensor): Tensor {
  if (arguments.length > 1) checkArgs("log1p_", arguments, 1); else if (isOptionsObject(self)) return rebind(log1p_, "log1p_", arguments, ["self"], 1, []);
  return unaryInPlace(LOG1P, self);
}
export function sqrt(input: Tensor, options?: OutOption): Tensor;
export function sqrt<A extends Rebound<[input: Tensor], ["input"], OutOption>>(...args: A): Tensor;
export function sqrt(input: Tensor, options?: OutOption): Tensor {
  if (arguments.length > 1) return outCall("sqrt", arguments, 1, () => sqrt(input)); else if (isOptionsObject(input)) return rebind(sqrt, "sqrt", arguments, ["input"], 1, ["out"]);
  return unaryFast(SQRT, sqrtLoop, input);
}
export function sqrt_(self: Tensor): Tensor;
export function sqrt_<A extends Rebound<[self: Tensor], ["self"]>>(...args: A): Tensor;
export function sqrt_(self: Tensor): Tensor {
  if (arguments.length > 1) checkArgs("sqrt_", arguments, 1); else if (isOptionsObject(self)) return rebind(sqrt_, "sqrt_", arguments, ["self"], 1, []);
  return unaryFastInPlace(SQRT, sqrtLoop, self);
}
export function rsqrt(input: Tensor, options?: OutOption): Tensor;
export function rsqrt<A extends Rebound<[input: Tensor], ["input"], OutOption>>(...args: A): Tensor;
export function rsqrt(input: Tensor, options?: OutOption): Tensor {
  if (autocasting.on && autocasts("rsqrt", arguments)) return runAutocast(rsqrt, arguments);
  if (arguments.length > 1) return outCall("rsqrt", arguments, 1, () => rsqrt(input)); else if (isOptionsObject(input)) return rebind(rsqrt, "rsqrt", arguments, ["input"], 1, ["out"]);
  return unaryOp(RSQRT, input);
}
export function rsqrt_(self: Tensor): Tensor;
export function rsqrt_<A extends Rebound<[self: Tensor], ["self"]>>(...args: A): Tensor;
export function rsqrt_(self: Tensor): Tensor {
  if (arguments.length > 1) checkArgs("rsqrt_", arguments, 1); else if (isOptionsObject(self)) return rebind(rsqrt_, "rsqrt_", arguments, ["self"], 1, []);
  return unaryInPlace(RSQRT, self);
}
export function reciprocal(input: Tensor, options?: OutOption): Tensor;
export function reciprocal<A extends Rebound<[input: Tensor], ["input"], OutOption>>(...args: A): Tensor;
export function reciprocal(input: Tensor, options?: OutOption): Tensor {
  if (autocasting.on && autocasts("reciprocal", arguments)) return runAutocast(reciprocal, arguments);
  if (arguments.length > 1) return outCall("reciprocal", arguments, 1, () => reciprocal(input)); else if (isOptionsObject(input)) return rebind(reciprocal, "reciprocal", arguments, ["input"], 1, ["out"]);
  return unaryOp(RECIPROCAL, input);
}
export function reciprocal_(self: Tensor): Tensor;
export function reciprocal_<A extends Rebound<[self: Tensor], ["self"]>>(...args: A): Tensor;
export function reciprocal_(self: Tensor): Tensor {
  if (arguments.length > 1) checkArgs("reciprocal_", arguments, 1); else if (isOptionsObject(self)) return rebind(reciprocal_, "reciprocal_", arguments, ["self"], 1, []);
  return unaryInPlace(RECIPROCAL, self);
}

/** torch.square: pow(input, 2) (bool squares to int64, as in PyTorch). */
export function square(input: Tensor, options?: OutOption): Tensor;
export function square<A extends Rebound<[input: Tensor], ["input"], OutOption>>(...args: A): Tensor;
export function square(input: Tensor, options?: OutOption): Tensor {
  if (arguments.length > 1) return outCall("square", arguments, 1, () => square(input)); else if (isOptionsObject(input)) return rebind(square, "square", arguments, ["input"], 1, ["out"]);
  checkTensor("square", "input", input);
  return pow(input, 2);
}
export function square_(self: Tensor): Tensor;
export function square_<A extends Rebound<[self: Tensor], ["self"]>>(...args: A): Tensor;
export function square_(self: Tensor): Tensor {
  if (arguments.length > 1) checkArgs("square_", arguments, 1); else if (isOptionsObject(self)) return rebind(square_, "square_", arguments, ["self"], 1, []);
  return pow_(self, 2);
}

// ---- trigonometric / hyperbolic -------------------------------------------------------------

const sinGradLoop = nativeDerivativeLoop("cos", false, (gs, xs, d, n) => { for (let i = 0; i < n; i++) d[i] = gs[i]! * Math.cos(xs[i]!); });
const cosGradLoop = nativeDerivativeLoop("sin", true, (gs, xs, d, n) => { for (let i = 0; i < n; i++) d[i] = -gs[i]! * Math.sin(xs[i]!); });
const SIN: UnarySpec = { name: "sin", node: "SinBackward0", f: nativeUnary(Math.sin, "sin"), vjp: (g, x) => fusedGrad(g, x, (gv, xv) => gv * Math.cos(xv), () => g.mul(x.cos()), sinGradLoop) };
const COS: UnarySpec = { name: "cos", node: "CosBackward0", f: nativeUnary(Math.cos, "cos"), vjp: (g, x) => fusedGrad(g, x, (gv, xv) => -gv * Math.sin(xv), () => g.mul(x.sin().neg()), cosGradLoop) };
const TAN: UnarySpec = { name: "tan", node: "TanBackward0", f: nativeUnary(Math.tan, "tan"), savesOutput: true, vjp: (g, _x, out) => g.mul(out.pow(2).add(1)) };
const ASIN: UnarySpec = { name: "asin", node: "AsinBackward0", f: nativeUnary(Math.asin, "asin"), vjp: (g, x) => g.mul(x.mul(x).neg().add(1).rsqrt()) };
const ACOS: UnarySpec = { name: "acos", node: "AcosBackward0", f: nativeUnary(Math.acos, "acos"), vjp: (g, x) => g.mul(x.mul(x).neg().add(1).rsqrt().neg()) };
const ATAN: UnarySpec = { name: "atan", node: "AtanBackward0", f: nativeUnary(Math.atan, "atan"), vjp: (g, x) => g.div(x.mul(x).add(1)) };
const SINH: UnarySpec = { name: "sinh", node: "SinhBackward0", f: nativeUnary(Math.sinh, "sinh"), vjp: (g, x) => g.mul(x.cosh()) };
const COSH: UnarySpec = { name: "cosh", node: "CoshBackward0", f: nativeUnary(Math.cosh, "cosh"), vjp: (g, x) => g.mul(x.sinh()) };
const TANH: UnarySpec = {
  name: "tanh", node: "TanhBackward0", f: nativeUnary(Math.tanh, "tanh"), savesOutput: true,
  vjp: (g, _x, out) => fusedGrad(g, out, (gv, ov) => gv * (1 - ov * ov), () => g.mul(out.mul(out).neg().add(1)),
    nativeGradLoop("tanh", (gs, os, d, n) => { for (let i = 0; i < n; i++) { const o = os[i]!; d[i] = gs[i]! * (1 - o * o); } }),
    { kernel: "tanh_backward" }),
};
const tanhLoop: Loop1 = (s, d, n) => { for (let i = 0; i < n; i++) d[i] = Math.tanh(s[i]!); };
const ASINH: UnarySpec = { name: "asinh", node: "AsinhBackward0", f: nativeUnary(Math.asinh, "asinh"), vjp: (g, x) => g.mul(x.pow(2).add(1).rsqrt()) };
const ACOSH: UnarySpec = { name: "acosh", node: "AcoshBackward0", f: nativeUnary(Math.acosh, "acosh"), vjp: (g, x) => g.mul(x.pow(2).sub(1).rsqrt()) };
const ATANH: UnarySpec = { name: "atanh", node: "AtanhBackward0", f: nativeUnary(Math.atanh, "atanh"), vjp: (g, x) => g.div(x.pow(2).neg().add(1)) };
const SIGMOID: UnarySpec = {
  name: "sigmoid", node: "SigmoidBackward0", f: nativeUnary((x: number) => 1 / (1 + Math.exp(-x)), "sigmoid"), savesOutput: true,
  vjp: (g, _x, out) => fusedGrad(g, out, (gv, ov) => gv * (1 - ov) * ov, () => g.mul(out.neg().add(1)).mul(out),
    nativeGradLoop("sigmoid", (gs, os, d, n) => { for (let i = 0; i < n; i++) { const o = os[i]!; d[i] = gs[i]! * (1 - o) * o; } }),
    { kernel: "sigmoid_backward" }),
};
const sigmoidLoop: Loop1 = (s, d, n) => { for (let i = 0; i < n; i++) d[i] = 1 / (1 + Math.exp(-s[i]!)); };
const DEG2RAD: UnarySpec = { name: "deg2rad", node: "Deg2RadBackward0", f: nativeUnary((x: number) => x * (Math.PI / 180), "deg2rad"), vjp: (g) => g.mul(Math.PI / 180), savesNothing: true };
const RAD2DEG: UnarySpec = { name: "rad2deg", node: "Rad2DegBackward0", f: nativeUnary((x: number) => x * (180 / Math.PI), "rad2deg"), vjp: (g) => g.mul(180 / Math.PI), savesNothing: true };

export function sin(input: Tensor, options?: OutOption): Tensor;
export function sin<A extends Rebound<[input: Tensor], ["input"], OutOption>>(...args: A): Tensor;
export function sin(input: Tensor, options?: OutOption): Tensor {
  if (arguments.length > 1) return outCall("sin", arguments, 1, () => sin(input)); else if (isOptionsObject(input)) return rebind(sin, "sin", arguments, ["input"], 1, ["out"]);
  return unaryOp(SIN, input);
}
export function sin_(self: Tensor): Tensor;
export function sin_<A extends Rebound<[self: Tensor], ["self"]>>(...args: A): Tensor;
export function sin_(self: Tensor): Tensor {
  if (arguments.length > 1) checkArgs("sin_", arguments, 1); else if (isOptionsObject(self)) return rebind(sin_, "sin_", arguments, ["self"], 1, []);
  return unaryInPlace(SIN, self);
}
export function cos(input: Tensor, options?: OutOption): Tensor;
export function cos<A extends Rebound<[input: Tensor], ["input"], OutOption>>(...args: A): Tensor;
export function cos(input: Tensor, options?: OutOption): Tensor {
  if (arguments.length > 1) return outCall("cos", arguments, 1, () => cos(input)); else if (isOptionsObject(input)) return rebind(cos, "cos", arguments, ["input"], 1, ["out"]);
  return unaryOp(COS, input);
}
export function cos_(self: Tensor): Tensor;
export function cos_<A extends Rebound<[self: Tensor], ["self"]>>(...args: A): Tensor;
export function cos_(self: Tensor): Tensor {
  if (arguments.length > 1) checkArgs("cos_", arguments, 1); else if (isOptionsObject(self)) return rebind(cos_, "cos_", arguments, ["self"], 1, []);
  return unaryInPlace(COS, self);
}
export function tan(input: Tensor, options?: OutOption): Tensor;
export function tan<A extends Rebound<[input: Tensor], ["input"], OutOption>>(...args: A): Tensor;
export function tan(input: Tensor, options?: OutOption): Tensor {
  if (autocasting.on && autocasts("tan", arguments)) return runAutocast(tan, arguments);
  if (arguments.length > 1) return outCall("tan", arguments, 1, () => tan(input)); else if (isOptionsObject(input)) return rebind(tan, "tan", arguments, ["input"], 1, ["out"]);
  return unaryOp(TAN, input);
}
export function tan_(self: Tensor): Tensor;
export function tan_<A extends Rebound<[self: Tensor], ["self"]>>(...args: A): Tensor;
export function tan_(self: Tensor): Tensor {
  if (arguments.length > 1) checkArgs("tan_", arguments, 1); else if (isOptionsObject(self)) return rebind(tan_, "tan_", arguments, ["self"], 1, []);
  return unaryInPlace(TAN, self);
}
export function asin(input: Tensor, options?: OutOption): Tensor;
export function asin<A extends Rebound<[input: Tensor], ["input"], OutOption>>(...args: A): Tensor;
export function asin(input: Tensor, options?: OutOption): Tensor {
  if (autocasting.on && autocasts("asin", arguments)) return runAutocast(asin, arguments);
  if (arguments.length > 1) return outCall("asin", arguments, 1, () => asin(input)); else if (isOptionsObject(input)) return rebind(asin, "asin", arguments, ["input"], 1, ["out"]);
  return unaryOp(ASIN, input);
}
export function asin_(self: Tensor): Tensor;
export function asin_<A extends Rebound<[self: Tensor], ["self"]>>(...args: A): Tensor;
export function asin_(self: Tensor): Tensor {
  if (arguments.length > 1) checkArgs("asin_", arguments, 1); else if (isOptionsObject(self)) return rebind(asin_, "asin_", arguments, ["self"], 1, []);
  return unaryInPlace(ASIN, self);
}
export function acos(input: Tensor, options?: OutOption): Tensor;
export function acos<A extends Rebound<[input: Tensor], ["input"], OutOption>>(...args: A): Tensor;
export function acos(input: Tensor, options?: OutOption): Tensor {
  if (autocasting.on && autocasts("acos", arguments)) return runAutocast(acos, arguments);
  if (arguments.length > 1) return outCall("acos", arguments, 1, () => acos(input)); else if (isOptionsObject(input)) return rebind(acos, "acos", arguments, ["input"], 1, ["out"]);
  return unaryOp(ACOS, input);
}
export function acos_(self: Tensor): Tensor;
export function acos_<A extends Rebound<[self: Tensor], ["self"]>>(...args: A): Tensor;
export function acos_(self: Tensor): Tensor {
  if (arguments.length > 1) checkArgs("acos_", arguments, 1); else if (isOptionsObject(self)) return rebind(acos_, "acos_", arguments, ["self"], 1, []);
  return unaryInPlace(ACOS, self);
}
export function atan(input: Tensor, options?: OutOption): Tensor;
export function atan<A extends Rebound<[input: Tensor], ["input"], OutOption>>(...args: A): Tensor;
export function atan(input: Tensor, options?: OutOption): Tensor {
  if (arguments.length > 1) return outCall("atan", arguments, 1, () => atan(input)); else if (isOptionsObject(input)) return rebind(atan, "atan", arguments, ["input"], 1, ["out"]);
  return unaryOp(ATAN, input);
}
export function atan_(self: Tensor): Tensor;
export function atan_<A extends Rebound<[self: Tensor], ["self"]>>(...args: A): Tensor;
export function atan_(self: Tensor): Tensor {
  if (arguments.length > 1) checkArgs("atan_", arguments, 1); else if (isOptionsObject(self)) return rebind(atan_, "atan_", arguments, ["self"], 1, []);
  return unaryInPlace(ATAN, self);
}
export function sinh(input: Tensor, options?: OutOption): Tensor;
export function sinh<A extends Rebound<[input: Tensor], ["input"], OutOption>>(...args: A): Tensor;
export function sinh(input: Tensor, options?: OutOption): Tensor {
  if (autocasting.on && autocasts("sinh", arguments)) return runAutocast(sinh, arguments);
  if (arguments.length > 1) return outCall("sinh", arguments, 1, () => sinh(input)); else if (isOptionsObject(input)) return rebind(sinh, "sinh", arguments, ["input"], 1, ["out"]);
  return unaryOp(SINH, input);
}
export function sinh_(self: Tensor): Tensor;
export function sinh_<A extends Rebound<[self: Tensor], ["self"]>>(...args: A): Tensor;
export function sinh_(self: Tensor): Tensor {
  if (arguments.length > 1) checkArgs("sinh_", arguments, 1); else if (isOptionsObject(self)) return rebind(sinh_, "sinh_", arguments, ["self"], 1, []);
  return unaryInPlace(SINH, self);
}
export function cosh(input: Tensor, options?: OutOption): Tensor;
export function cosh<A extends Rebound<[input: Tensor], ["input"], OutOption>>(...args: A): Tensor;
export function cosh(input: Tensor, options?: OutOption): Tensor {
  if (autocasting.on && autocasts("cosh", arguments)) return runAutocast(cosh, arguments);
  if (arguments.length > 1) return outCall("cosh", arguments, 1, () => cosh(input)); else if (isOptionsObject(input)) return rebind(cosh, "cosh", arguments, ["input"], 1, ["out"]);
  return unaryOp(COSH, input);
}
export function cosh_(self: Tensor): Tensor;
export function cosh_<A extends Rebound<[self: Tensor], ["self"]>>(...args: A): Tensor;
export function cosh_(self: Tensor): Tensor {
  if (arguments.length > 1) checkArgs("cosh_", arguments, 1); else if (isOptionsObject(self)) return rebind(cosh_, "cosh_", arguments, ["self"], 1, []);
  return unaryInPlace(COSH, self);
}
export function tanh(input: Tensor, options?: OutOption): Tensor;
export function tanh<A extends Rebound<[input: Tensor], ["input"], OutOption>>(...args: A): Tensor;
export function tanh(input: Tensor, options?: OutOption): Tensor {
  if (arguments.length > 1) return outCall("tanh", arguments, 1, () => tanh(input)); else if (isOptionsObject(input)) return rebind(tanh, "tanh", arguments, ["input"], 1, ["out"]);
  if (isQuantizedTensor(input)) return quantizedTanh(input);
  return unaryFast(TANH, tanhLoop, input);
}
export function tanh_(self: Tensor): Tensor;
export function tanh_<A extends Rebound<[self: Tensor], ["self"]>>(...args: A): Tensor;
export function tanh_(self: Tensor): Tensor {
  if (arguments.length > 1) checkArgs("tanh_", arguments, 1); else if (isOptionsObject(self)) return rebind(tanh_, "tanh_", arguments, ["self"], 1, []);
  return unaryFastInPlace(TANH, tanhLoop, self);
}
export function asinh(input: Tensor, options?: OutOption): Tensor;
export function asinh<A extends Rebound<[input: Tensor], ["input"], OutOption>>(...args: A): Tensor;
export function asinh(input: Tensor, options?: OutOption): Tensor {
  if (arguments.length > 1) return outCall("asinh", arguments, 1, () => asinh(input)); else if (isOptionsObject(input)) return rebind(asinh, "asinh", arguments, ["input"], 1, ["out"]);
  return unaryOp(ASINH, input);
}
export function asinh_(self: Tensor): Tensor;
export function asinh_<A extends Rebound<[self: Tensor], ["self"]>>(...args: A): Tensor;
export function asinh_(self: Tensor): Tensor {
  if (arguments.length > 1) checkArgs("asinh_", arguments, 1); else if (isOptionsObject(self)) return rebind(asinh_, "asinh_", arguments, ["self"], 1, []);
  return unaryInPlace(ASINH, self);
}
export function acosh(input: Tensor, options?: OutOption): Tensor;
export function acosh<A extends Rebound<[input: Tensor], ["input"], OutOption>>(...args: A): Tensor;
export function acosh(input: Tensor, options?: OutOption): Tensor {
  if (arguments.length > 1) return outCall("acosh", arguments, 1, () => acosh(input)); else if (isOptionsObject(input)) return rebind(acosh, "acosh", arguments, ["input"], 1, ["out"]);
  return unaryOp(ACOSH, input);
}
export function acosh_(self: Tensor): Tensor;
export function acosh_<A extends Rebound<[self: Tensor], ["self"]>>(...args: A): Tensor;
export function acosh_(self: Tensor): Tensor {
  if (arguments.length > 1) checkArgs("acosh_", arguments, 1); else if (isOptionsObject(self)) return rebind(acosh_, "acosh_", arguments, ["self"], 1, []);
  return unaryInPlace(ACOSH, self);
}
export function atanh(input: Tensor, options?: OutOption): Tensor;
export function atanh<A extends Rebound<[input: Tensor], ["input"], OutOption>>(...args: A): Tensor;
export function atanh(input: Tensor, options?: OutOption): Tensor {
  if (arguments.length > 1) return outCall("atanh", arguments, 1, () => atanh(input)); else if (isOptionsObject(input)) return rebind(atanh, "atanh", arguments, ["input"], 1, ["out"]);
  return unaryOp(ATANH, input);
}
export function atanh_(self: Tensor): Tensor;
export function atanh_<A extends Rebound<[self: Tensor], ["self"]>>(...args: A): Tensor;
export function atanh_(self: Tensor): Tensor {
  if (arguments.length > 1) checkArgs("atanh_", arguments, 1); else if (isOptionsObject(self)) return rebind(atanh_, "atanh_", arguments, ["self"], 1, []);
  return unaryInPlace(ATANH, self);
}
export function sigmoid(input: Tensor, options?: OutOption): Tensor;
export function sigmoid<A extends Rebound<[input: Tensor], ["input"], OutOption>>(...args: A): Tensor;
export function sigmoid(input: Tensor, options?: OutOption): Tensor {
  if (arguments.length > 1) return outCall("sigmoid", arguments, 1, () => sigmoid(input)); else if (isOptionsObject(input)) return rebind(sigmoid, "sigmoid", arguments, ["input"], 1, ["out"]);
  if (isQuantizedTensor(input)) return quantizedSigmoid(input);
  return unaryFast(SIGMOID, sigmoidLoop, input);
}
export function sigmoid_(self: Tensor): Tensor;
export function sigmoid_<A extends Rebound<[self: Tensor], ["self"]>>(...args: A): Tensor;
export function sigmoid_(self: Tensor): Tensor {
  if (arguments.length > 1) checkArgs("sigmoid_", arguments, 1); else if (isOptionsObject(self)) return rebind(sigmoid_, "sigmoid_", arguments, ["self"], 1, []);
  return unaryFastInPlace(SIGMOID, sigmoidLoop, self);
}
export function deg2rad(input: Tensor, options?: OutOption): Tensor;
export function deg2rad<A extends Rebound<[input: Tensor], ["input"], OutOption>>(...args: A): Tensor;
export function deg2rad(input: Tensor, options?: OutOption): Tensor {
  if (arguments.length > 1) return outCall("deg2rad", arguments, 1, () => deg2rad(input)); else if (isOptionsObject(input)) return rebind(deg2rad, "deg2rad", arguments, ["input"], 1, ["out"]);
  return unaryOp(DEG2RAD, input);
}
export function deg2rad_(self: Tensor): Tensor;
export function deg2rad_<A extends Rebound<[self: Tensor], ["self"]>>(...args: A): Tensor;
export function deg2rad_(self: Tensor): Tensor {
  if (arguments.length > 1) checkArgs("deg2rad_", arguments, 1); else if (isOptionsObject(self)) return rebind(deg2rad_, "deg2rad_", arguments, ["self"], 1, []);
  return unaryInPlace(DEG2RAD, self);
}
export function rad2deg(input: Tensor, options?: OutOption): Tensor;
export function rad2deg<A extends Rebound<[input: Tensor], ["input"], OutOption>>(...args: A): Tensor;
export function rad2deg(input: Tensor, options?: OutOption): Tensor {
  if (arguments.length > 1) return outCall("rad2deg", arguments, 1, () => rad2deg(input)); else if (isOptionsObject(input)) return rebind(rad2deg, "rad2deg", arguments, ["input"], 1, ["out"]);
  return unaryOp(RAD2DEG, input);
}
export function rad2deg_(self: Tensor): Tensor;
export function rad2deg_<A extends Rebound<[self: Tensor], ["self"]>>(...args: A): Tensor;
export function rad2deg_(self: Tensor): Tensor {
  if (arguments.length > 1) checkArgs("rad2deg_", arguments, 1); else if (isOptionsObject(self)) return rebind(rad2deg_, "rad2deg_", arguments, ["self"], 1, []);
  return unaryInPlace(RAD2DEG, self);
}
export const arcsin = asin, arccos = acos, arctan = atan, arcsinh = asinh, arccosh = acosh, arctanh = atanh;
export const arcsin_ = asin_, arccos_ = acos_, arctan_ = atan_, arcsinh_ = asinh_, arccosh_ = acosh_, arctanh_ = atanh_;

// ---- rounding -------------------------------------------------------------------------------

const FLOOR: UnarySpec = { name: "floor", node: "FloorBackward0", f: nativeUnary(Math.floor, "floor"), outDtype: sameOut, vjp: zeroGrad, savesNothing: true };
const CEIL: UnarySpec = { name: "ceil", node: "CeilBackward0", f: nativeUnary(Math.ceil, "ceil"), outDtype: sameOut, vjp: zeroGrad, savesNothing: true };
const TRUNC: UnarySpec = { name: "trunc", node: "TruncBackward0", f: nativeUnary(Math.trunc, "trunc"), outDtype: sameOut, vjp: zeroGrad, savesNothing: true };
const ROUND: UnarySpec = { name: "round", node: "RoundBackward0", f: nativeUnary(roundHalfEven, "round"), outDtype: sameOut, vjp: zeroGrad, savesNothing: true };
const FRAC: UnarySpec = { name: "frac", node: "FracBackward0", f: nativeUnary((x: number) => x - Math.trunc(x), "frac"), outDtype: sameOut, vjp: (g) => g, savesNothing: true };

/** Integers are unchanged by floor/ceil/round/trunc; bool is an error. */
function rounding(spec: UnarySpec, kernel: string, input: Tensor): Tensor {
  checkTensor(spec.name, "input", input);
  noBool(kernel, input);
  // unaryOp refuses complex inputs in PyTorch's words; the integer shortcut is no quantized kernel
  if (!input.dtype.isFloatingPoint) return input.dtype.isComplex ? unaryOp(spec, input) : intCopy(refuseQuantized(input));
  return unaryOp(spec, input);
}
function roundingInPlace(spec: UnarySpec, kernel: string, self: Tensor): Tensor {
  noBool(kernel, self);
  if (!self.dtype.isFloatingPoint && !self.dtype.isComplex) return applyInPlace(spec.name + "_", refuseQuantized(self), [], () => {}, (s) => s);
  return unaryInPlace(spec, self);
}

export function floor(input: Tensor, options?: OutOption): Tensor;
export function floor<A extends Rebound<[input: Tensor], ["input"], OutOption>>(...args: A): Tensor;
export function floor(input: Tensor, options?: OutOption): Tensor {
  if (arguments.length > 1) return outCall("floor", arguments, 1, () => floor(input)); else if (isOptionsObject(input)) return rebind(floor, "floor", arguments, ["input"], 1, ["out"]);
  return rounding(FLOOR, "floor_cpu", input);
}
export function floor_(self: Tensor): Tensor;
export function floor_<A extends Rebound<[self: Tensor], ["self"]>>(...args: A): Tensor;
export function floor_(self: Tensor): Tensor {
  if (arguments.length > 1) checkArgs("floor_", arguments, 1); else if (isOptionsObject(self)) return rebind(floor_, "floor_", arguments, ["self"], 1, []);
  return roundingInPlace(FLOOR, "floor_cpu", self);
}
export function ceil(input: Tensor, options?: OutOption): Tensor;
export function ceil<A extends Rebound<[input: Tensor], ["input"], OutOption>>(...args: A): Tensor;
export function ceil(input: Tensor, options?: OutOption): Tensor {
  if (arguments.length > 1) return outCall("ceil", arguments, 1, () => ceil(input)); else if (isOptionsObject(input)) return rebind(ceil, "ceil", arguments, ["input"], 1, ["out"]);
  return rounding(CEIL, "ceil_cpu", input);
}
export function ceil_(self: Tensor): Tensor;
export function ceil_<A extends Rebound<[self: Tensor], ["self"]>>(...args: A): Tensor;
export function ceil_(self: Tensor): Tensor {
  if (arguments.length > 1) checkArgs("ceil_", arguments, 1); else if (isOptionsObject(self)) return rebind(ceil_, "ceil_", arguments, ["self"], 1, []);
  return roundingInPlace(CEIL, "ceil_cpu", self);
}
export function trunc(input: Tensor, options?: OutOption): Tensor;
export function trunc<A extends Rebound<[input: Tensor], ["input"], OutOption>>(...args: A): Tensor;
export function trunc(input: Tensor, options?: OutOption): Tensor {
  if (arguments.length > 1) return outCall("trunc", arguments, 1, () => trunc(input)); else if (isOptionsObject(input)) return rebind(trunc, "trunc", arguments, ["input"], 1, ["out"]);
  return rounding(TRUNC, "trunc_cpu", input);
}
export function trunc_(self: Tensor): Tensor;
export function trunc_<A extends Rebound<[self: Tensor], ["self"]>>(...args: A): Tensor;
export function trunc_(self: Tensor): Tensor {
  if (arguments.length > 1) checkArgs("trunc_", arguments, 1); else if (isOptionsObject(self)) return rebind(trunc_, "trunc_", arguments, ["self"], 1, []);
  return roundingInPlace(TRUNC, "trunc_cpu", self);
}
export const fix = trunc, fix_ = trunc_;

/** The round-with-decimals kernel in the dtype's opmath precision (float32 below double). */
function roundDecimalsSpec(dtype: DType, decimals: number): UnarySpec {
  const q = dtype === float64 ? (v: number) => v : Math.fround;
  const tenPow = q(Math.pow(10, Math.abs(decimals)));
  const f = decimals < 0
    ? (x: number) => q(roundHalfEven(q(q(x) / tenPow)) * tenPow)
    : (x: number) => q(roundHalfEven(q(q(x) * tenPow)) / tenPow);
  return { name: "round", node: "RoundBackward1", f, outDtype: sameOut, vjp: zeroGrad };
}

interface RoundOpts { decimals?: number }
function decimalsOf(op: string, args: readonly unknown[]): number {
  const a = bindArgs(op, args, [], ["decimals"], 1);
  const d = (a.decimals as number | undefined) ?? 0;
  if (!Number.isInteger(d)) throw new Error(`${op}(): argument 'decimals' must be int, not ${pyType(d)}`);
  return d;
}

/** torch.round(input, *, decimals=0): round half to even. */
export function round(input: Tensor, ...args: Args<[], RoundOpts & OutOption>): Tensor {
  if (hasOut(args)) return withOut("round", args, (rest) => round(input, ...(rest as [])), "same", false, [input]);
  const decimals = decimalsOf("round", args);
  if (decimals === 0) return rounding(ROUND, "round_cpu", input);
  checkTensor("round", "input", input);
  if (!input.dtype.isFloatingPoint) throw notImplementedFor("round_cpu", input.dtype);
  return unaryOp(roundDecimalsSpec(input.dtype, decimals), input);
}
export function round_(self: Tensor, ...args: Args<[], RoundOpts>): Tensor {
  const decimals = decimalsOf("round_", args);
  if (decimals === 0) return roundingInPlace(ROUND, "round_cpu", self);
  if (!self.dtype.isFloatingPoint) throw notImplementedFor("round_cpu", self.dtype);
  return unaryInPlace(roundDecimalsSpec(self.dtype, decimals), self);
}

export function frac(input: Tensor, options?: OutOption): Tensor;
export function frac<A extends Rebound<[input: Tensor], ["input"], OutOption>>(...args: A): Tensor;
export function frac(input: Tensor, options?: OutOption): Tensor {
  if (arguments.length > 1) return outCall("frac", arguments, 1, () => frac(input)); else if (isOptionsObject(input)) return rebind(frac, "frac", arguments, ["input"], 1, ["out"]);
  checkTensor("frac", "input", input);
  if (!input.dtype.isFloatingPoint) throw notImplementedFor("frac_cpu", input.dtype);
  return unaryOp(FRAC, input);
}
export function frac_(self: Tensor): Tensor;
export function frac_<A extends Rebound<[self: Tensor], ["self"]>>(...args: A): Tensor;
export function frac_(self: Tensor): Tensor {
  if (arguments.length > 1) checkArgs("frac_", arguments, 1); else if (isOptionsObject(self)) return rebind(frac_, "frac_", arguments, ["self"], 1, []);
  if (!self.dtype.isFloatingPoint) throw notImplementedFor("frac_cpu", self.dtype);
  return unaryInPlace(FRAC, self);
}

// ---- nan_to_num -----------------------------------------------------------------------------

const FLOAT_MAX: Record<string, number> = {
  float16: 65504, bfloat16: 3.3895313892515355e38, float32: 3.4028234663852886e38, float64: Number.MAX_VALUE,
};

interface NanToNumOpts { nan?: number; posinf?: number | null; neginf?: number | null }

function nanToNumSpec(op: string, dtype: DType, args: readonly unknown[]): UnarySpec {
  const a = bindArgs(op, args, ["nan", "posinf", "neginf"], [], 1);
  const max = FLOAT_MAX[dtype.name] ?? Number.MAX_VALUE;
  const nan = roundToDType((a.nan as number | undefined) ?? 0, dtype);
  const pos = roundToDType((a.posinf as number | null | undefined) ?? max, dtype);
  const negv = roundToDType((a.neginf as number | null | undefined) ?? -max, dtype);
  return {
    name: "nan_to_num", node: "NanToNumBackward0", outDtype: sameOut, onnx: { kind: "nan_to_num", attrs: { nan, posinf: pos, neginf: negv } },
    f: nativeUnary((x: number) => (x !== x ? nan : x === Infinity ? pos : x === -Infinity ? negv : x), "nanToNum", [nan, pos, negv]),
    vjp: (g, x) => where(x.isfinite(), g, 0),
  };
}

/** torch.nan_to_num(input, nan=0.0, posinf=None, neginf=None). */
export function nanToNum(input: Tensor, ...args: Args<[nan?: number, posinf?: number | null, neginf?: number | null], NanToNumOpts & OutOption>): Tensor {
  if (hasOut(args)) return withOut("nan_to_num", args, (rest) => nanToNum(input, ...(rest as [])), "same", false, [input]);
  checkTensor("nan_to_num", "input", input);
  const spec = nanToNumSpec("nan_to_num", input.dtype, args);
  if (!input.dtype.isFloatingPoint) {
    if (input.dtype.isComplex) throw notImplementedFor("nan_to_num", input.dtype);
    return intCopy(refuseQuantized(input));
  }
  return unaryOp(spec, input);
}
export function nanToNum_(self: Tensor, ...args: Args<[nan?: number, posinf?: number | null, neginf?: number | null], NanToNumOpts>): Tensor {
  const spec = nanToNumSpec("nan_to_num_", self.dtype, args);
  if (!self.dtype.isFloatingPoint) {
    if (self.dtype.isComplex) throw notImplementedFor("nan_to_num", self.dtype);
    return refuseQuantized(self);
  }
  return unaryInPlace(spec, self);
}

// ---- clamp ----------------------------------------------------------------------------------

type Bound = Tensor | number | bigint | boolean | null;
interface ClampOpts { min?: Bound; max?: Bound }

function checkBound(op: string, name: string, v: unknown): Bound {
  if (v === undefined || v === null) return null;
  if (v instanceof Tensor || typeof v === "number" || typeof v === "bigint" || typeof v === "boolean") return v;
  throw new Error(`${op}(): argument '${name}' must be Number or Tensor, not ${pyType(v)}`);
}

/** Bounds in the compute dtype (a float32 clamp compares against float32(min)). */
function boundValue(v: number | bigint | boolean, dtype: DType): number {
  return roundToDType(Number(v), dtype);
}

/**
 * The clamp family (clamp, clamp_min, clamp_max): promotion over input and bounds, NaN
 * propagation, and PyTorch's node per form.
 */
function clampImpl(op: string, input: Tensor, lo: Bound, hi: Bound, nodes: { scalar: string; tensor: string }): Tensor {
  checkTensor(op, "input", input);
  if ((isNamed(input) || (lo instanceof Tensor && isNamed(lo)) || (hi instanceof Tensor && isNamed(hi))) && namesMode.enabled) {
    // The bounds' names unify with the input's, as a pointwise op's operands do.
    let names = namesOf(input);
    for (const b of [lo, hi]) if (b instanceof Tensor) names = unifyFromRight(names, namesOf(b));
    return nameAll(hideNames([input, lo, hi], () => clampImpl(op, input, lo, hi, nodes)), names);
  }
  if (lo === null && hi === null) throw new Error(`torch.${op}: At least one of 'min' or 'max' must not be None`);
  const vals = [input, ...(lo === null ? [] : [lo]), ...(hi === null ? [] : [hi])];
  const promoted = resultTypeMany(...vals);
  if (promoted === bool) throw notImplementedFor(`${op}_cpu`, bool);
  if (needsBigInt(promoted, ...vals)) return clampBig(input, lo, hi);
  if (lo instanceof Tensor || hi instanceof Tensor) return clampTensor(input, lo, hi, promoted, nodes.tensor);
  const loV = lo === null ? -Infinity : boundValue(lo, promoted);
  const hiV = hi === null ? Infinity : boundValue(hi, promoted);
  const boundNaN = loV !== loV || hiV !== hiV;
  const spec: UnarySpec = {
    name: op, node: nodes.scalar, outDtype: () => promoted,
    onnx: { kind: "clamp", attrs: { min: lo === null ? null : loV, max: hi === null ? null : hiV } },
    f: boundNaN ? () => NaN : (x) => Math.min(Math.max(x, loV), hiV),
    vjp: (g, x) => fusedGrad(g, x, (gv, xv) => (xv >= loV && xv <= hiV ? gv : 0), () => {
      const inRange = lo === null ? x.le(hiV) : hi === null ? x.ge(loV) : x.ge(loV).logicalAnd(x.le(hiV));
      return where(inRange, g, 0);
    }),
  };
  if (boundNaN) return unaryOp(spec, input);
  // A loop of its own (one function for every call, so V8 optimises it once): through the engine's
  // shared call site, ~15 ns per element.
  return unaryFast(spec, (src, dst, n) => clampLoop(src, dst, n, loV, hiV), input);
}

function clampLoop(src: Floats, dst: Floats, n: number, lo: number, hi: number): void {
  if (tryNativeClamp(src, dst, n, lo, hi)) return;
  for (let i = 0; i < n; i++) dst[i] = Math.min(Math.max(src[i]!, lo), hi);
}

function clampBig(input: Tensor, lo: Bound, hi: Bound): Tensor {
  let r = input;
  if (lo !== null) r = lo instanceof Tensor ? maximum(r, lo) : maximum(r, scalarLike(lo));
  if (hi !== null) r = hi instanceof Tensor ? minimum(r, hi) : minimum(r, scalarLike(hi));
  return r === input ? intCopy(input) : r;
}

function scalarLike(v: number | bigint | boolean): Tensor {
  const t = emptyTensor([], int64);
  (t.storage.data as BigInt64Array)[0] = BigInt(typeof v === "boolean" ? Number(v) : v);
  return t;
}

function clampTensor(input: Tensor, lo: Bound, hi: Bound, promoted: DType, node: string): Tensor {
  const bound = (v: Bound): Tensor | null => (v === null ? null : v instanceof Tensor ? v : scalarOf(v, promoted));
  const a = bound(lo), b = bound(hi);
  const x = exactOperand(input, promoted);
  const out = onDevice(x, a, b) ? deviceOp("clampTensor", "clamp")(x, a, b) : a && b
    ? ternaryMap(x, exactOperand(a, promoted), exactOperand(b, promoted), promoted, (v, l, h) => Math.min(Math.max(v, l), h), undefined, "clamp")
    : a ? binaryMap(x, exactOperand(a, promoted), promoted, Math.max, undefined, undefined, "clamp")
    : binaryMap(x, exactOperand(b!, promoted), promoted, Math.min, undefined, undefined, "clamp");
  return record(node, [input, a, b], out, ([g]) => {
    // The gradient goes to self where it survives, to min where min won (below max), to max where max won.
    if (!a) return [gradFor(where(input.le(b!), g!, 0), input), null, b!._requiresGrad ? gradFor(where(input.gt(b!), g!, 0), b!) : null];
    if (!b) return [gradFor(where(input.ge(a), g!, 0), input), a._requiresGrad ? gradFor(where(input.lt(a), g!, 0), a) : null, null];
    return [
      gradFor(where(input.ge(a).logicalAnd(input.le(b)), g!, 0), input),
      a._requiresGrad ? gradFor(where(a.gt(input).logicalAnd(a.lt(b)), g!, 0), a) : null,
      b._requiresGrad ? gradFor(where(b.lt(input).logicalOr(b.lt(a)), g!, 0), b) : null,
    ];
  }, [input, ...(a ? [a] : []), ...(b ? [b] : [])]);
}

/** torch.clamp(input, min=None, max=None): numbers or tensors. */
export function clamp(input: Tensor, ...args: Args<[min?: Bound, max?: Bound], ClampOpts & OutOption>): Tensor {
  if (hasOut(args)) return withOut("clamp", args, (rest) => clamp(input, ...(rest as [])), "same", false, [input]);
  const a = bindArgs("clamp", args, ["min", "max"], [], 1);
  if (isQuantizedTensor(input)) return quantizedClampOf(input, checkBound("clamp", "min", a.min), checkBound("clamp", "max", a.max));
  return clampImpl("clamp", input, checkBound("clamp", "min", a.min), checkBound("clamp", "max", a.max), { scalar: "ClampBackward1", tensor: "ClampBackward0" });
}
export const clip = clamp;

export function clamp_(self: Tensor, ...args: Args<[min?: Bound, max?: Bound], ClampOpts>): Tensor {
  const a = bindArgs("clamp_", args, ["min", "max"], [], 1);
  const lo = checkBound("clamp_", "min", a.min), hi = checkBound("clamp_", "max", a.max);
  const fn = (s: Tensor) => clampImpl("clamp", s, lo, hi, { scalar: "ClampBackward1", tensor: "ClampBackward0" });
  return clampInPlace("clamp_", self, lo, hi, fn);
}
export const clip_ = clamp_;

function clampInPlace(op: string, self: Tensor, lo: Bound, hi: Bound, fn: (s: Tensor) => Tensor): Tensor {
  if (lo === null && hi === null) throw new Error(`torch.clamp: At least one of 'min' or 'max' must not be None`);
  const vals = [self, ...(lo === null ? [] : [lo]), ...(hi === null ? [] : [hi])];
  return inPlaceVia(op, self, resultTypeMany(...vals), [lo instanceof Tensor ? lo : null, hi instanceof Tensor ? hi : null], fn);
}

export function clampMin(input: Tensor, min: Tensor | number | bigint | boolean, options?: OutOption): Tensor;
export function clampMin<A extends Rebound<[input: Tensor, min: Tensor | number | bigint | boolean], ["input", "min"], OutOption>>(...args: A): Tensor;
export function clampMin(input: Tensor, min: Tensor | number | bigint | boolean, options?: OutOption): Tensor {
  if (arguments.length > 2) return outCall("clamp_min", arguments, 2, () => clampMin(input, min), "same"); else if (isOptionsObject(arguments.length === 2 ? min : input)) return rebind(clampMin, "clamp_min", arguments, ["input", "min"], 2, ["out"]);
  return clampImpl("clamp_min", input, checkBound("clamp_min", "min", min), null, { scalar: "ClampMinBackward0", tensor: "ClampMinBackward1" });
}
export function clampMax(input: Tensor, max: Tensor | number | bigint | boolean, options?: OutOption): Tensor;
export function clampMax<A extends Rebound<[input: Tensor, max: Tensor | number | bigint | boolean], ["input", "max"], OutOption>>(...args: A): Tensor;
export function clampMax(input: Tensor, max: Tensor | number | bigint | boolean, options?: OutOption): Tensor {
  if (arguments.length > 2) return outCall("clamp_max", arguments, 2, () => clampMax(input, max), "same"); else if (isOptionsObject(arguments.length === 2 ? max : input)) return rebind(clampMax, "clamp_max", arguments, ["input", "max"], 2, ["out"]);
  return clampImpl("clamp_max", input, null, checkBound("clamp_max", "max", max), { scalar: "ClampMaxBackward0", tensor: "ClampMaxBackward1" });
}
export function clampMin_(self: Tensor, min: Tensor | number | bigint | boolean): Tensor;
export function clampMin_<A extends Rebound<[self: Tensor, min: Tensor | number | bigint | boolean], ["self", "min"]>>(...args: A): Tensor;
export function clampMin_(self: Tensor, min: Tensor | number | bigint | boolean): Tensor {
  if (arguments.length > 2) checkArgs("clamp_min_", arguments, 2); else if (isOptionsObject(arguments.length === 2 ? min : self)) return rebind(clampMin_, "clamp_min_", arguments, ["self", "min"], 2, []);
  const lo = checkBound("clamp_min_", "min", min);
  return clampInPlace("clamp_min_", self, lo, null, (s) => clampMin(s, min));
}
export function clampMax_(self: Tensor, max: Tensor | number | bigint | boolean): Tensor;
export function clampMax_<A extends Rebound<[self: Tensor, max: Tensor | number | bigint | boolean], ["self", "max"]>>(...args: A): Tensor;
export function clampMax_(self: Tensor, max: Tensor | number | bigint | boolean): Tensor {
  if (arguments.length > 2) checkArgs("clamp_max_", arguments, 2); else if (isOptionsObject(arguments.length === 2 ? max : self)) return rebind(clampMax_, "clamp_max_", arguments, ["self", "max"], 2, []);
  const hi = checkBound("clamp_max_", "max", max);
  return clampInPlace("clamp_max_", self, null, hi, (s) => clampMax(s, max));
}

// ---- pow / float_power ----------------------------------------------------------------------

/** C's pow: pow(1, y) = 1 and pow(-1, ±inf) = 1 (JS gives NaN for both). */
const cpow = nativeTyped(powFloat, "pow");
function powFloat(a: number, b: number): number {
  if (a === 1 || b === 0) return 1;
  if (a === -1 && (b === Infinity || b === -Infinity)) return 1;
  return Math.pow(a, b);
}

/** Integer power with C's wrap-around, 32-bit; negative exponents as PyTorch's powi. */
const powi32 = nativeTyped(powInt32, "pow");
function powInt32(a: number, b: number): number {
  if (b < 0) {
    if (a === 1) return 1;
    if (a === -1) return (-b) % 2 !== 0 ? -1 : 1;
    return 0;
  }
  let r = 1, base = a | 0, e = b;
  while (e > 0) {
    if (e % 2 === 1) r = Math.imul(r, base);
    e = Math.floor(e / 2);
    base = Math.imul(base, base);
  }
  return r;
}

function powiBig(a: bigint, b: bigint): bigint {
  if (b < 0n) {
    if (a === 1n) return 1n;
    if (a === -1n) return (-b) % 2n !== 0n ? -1n : 1n;
    return 0n;
  }
  let r = 1n, base = a, e = b;
  while (e > 0n) {
    if (e & 1n) r = BigInt.asIntN(64, r * base);
    e >>= 1n;
    base = BigInt.asIntN(64, base * base);
  }
  return r;
}

/** PyTorch's fast paths for common scalar exponents (sqrt for 0.5 keeps sqrt's -0 and inf rules). */
function scalarPowFn(e: number): (x: number) => number {
  return nativeTyped(scalarPowJs(e), "powScalar", e);
}
function scalarPowJs(e: number): (x: number) => number {
  switch (e) {
    case 2: return (x) => x * x;
    case 3: return (x) => x * x * x;
    case 0.5: return (x) => Math.sqrt(x);
    case -0.5: return (x) => 1 / Math.sqrt(x);
    case -1: return (x) => 1 / x;
    case -2: return (x) => 1 / (x * x);
    default: return (x) => cpow(x, e);
  }
}

function powSelfGrad(g: Tensor, x: Tensor, e: Tensor): Tensor {
  return where(e.eq(0), 0, g.mul(e.mul(x.pow(e.sub(1)))));
}
function powExponentGrad(g: Tensor, x: Tensor, e: Tensor, out: Tensor): Tensor {
  return g.mul(where(x.eq(0).logicalAnd(e.ge(0)), 0, out.mul(x.log())));
}

function powTensorScalar(input: Tensor, e: number | bigint | boolean): Tensor {
  const promoted = resultType(input, e);
  if (promoted === bool) throw notImplementedFor("pow", bool);
  const en = Number(e);
  if (!promoted.isFloatingPoint) {
    if (en < 0) throw new Error("Integers to negative integer powers are not allowed.");
    return binaryOp({ name: "pow", node: "PowBackward0", f: powi32, fBig: powiBig }, input, typeof e === "bigint" ? e : en);
  }
  const f = en === 0 ? () => 1 : en === 1 ? (x: number) => x : scalarPowFn(en);
  const spec: UnarySpec = {
    name: "pow", node: "PowBackward0", f, outDtype: () => promoted,
    onnx: { kind: "pow_scalar", attrs: { exponent: en } },
    vjp: (g, x) => {
      if (en === 0) return g.mul(0);
      return fusedGrad(g, x, (gv, xv) => gv * en * cpow(xv, en - 1), () => g.mul(x.pow(en - 1).mul(en)), undefined,
        { kernel: "pow_backward", params: [en] });
    },
  };
  // x ** 2 is the commonest power (squared errors, norms): the native square, or a loop of its own.
  if (en === 2) return unaryFast({ ...spec, f: squareKernel }, squareLoop, input);
  return unaryOp(spec, input);
}

const squareLoop: Loop1 = (src, dst, n) => { for (let i = 0; i < n; i++) { const v = src[i]!; dst[i] = v * v; } };
/** x ** 2 as the native square kernel computes it (x * x, PyTorch's pow(x, 2)). */
const squareKernel = nativeUnary((x: number) => x * x, "square");

const POW_INT: BinarySpec = { name: "pow", node: "PowBackward1", f: powi32, fBig: powiBig };
const POW_FLOAT: BinarySpec = {
  name: "pow", node: "PowBackward1", f: cpow,
  vjp: (g, a, b, out) => [
    a._requiresGrad ? gradFor(powSelfGrad(g, a, b), a) : null,
    b._requiresGrad ? gradFor(powExponentGrad(g, a, b, out), b) : null,
  ],
  saves: { a: ["a", "b"], b: ["a", "b", "out"] },
};

function powScalarTensor(base: number | bigint | boolean, exponent: Tensor): Tensor {
  const promoted = resultType(base, exponent);
  if (promoted === bool) throw notImplementedFor("pow", bool);
  if (!promoted.isFloatingPoint) return binaryOp(POW_INT, base, exponent);
  const b = Number(base);
  return binaryOp({
    name: "pow", node: "PowBackward2", f: b === 1 ? () => 1 : cpow,
    vjp: (g, _a, e, out) => [null, e._requiresGrad
      ? gradFor(b === 0 ? g.mul(where(e.ge(0), 0, out.mul(Math.log(b)))) : g.mul(out).mul(Math.log(b)), e)
      : null],
    saves: { a: [], b: ["b", "out"] },
  }, b, exponent);
}

/** torch.pow(input, exponent): tensor or number on either side; integer powers are exact. */
export function pow(input: TensorOrScalar, exponent: TensorOrScalar, options?: OutOption): Tensor;
export function pow<A extends Rebound<[input: TensorOrScalar, exponent: TensorOrScalar], ["input", "exponent"], OutOption>>(...args: A): Tensor;
export function pow(input: TensorOrScalar, exponent: TensorOrScalar, options?: OutOption): Tensor {
  if (autocasting.on && autocasts("pow", arguments)) return runAutocast(pow, arguments);
  if (arguments.length > 2) return outCall("pow", arguments, 2, () => pow(input, exponent)); else if (isOptionsObject(arguments.length === 2 ? exponent : input)) return rebind(pow, "pow", arguments, ["input", "exponent"], 2, ["out"]);
  if (!(input instanceof Tensor)) {
    const scalarBase = typeof input === "number" || typeof input === "bigint" || typeof input === "boolean" || input instanceof Complex;
    if (!(exponent instanceof Tensor) || !scalarBase) throw new Error(`pow() received an invalid combination of arguments - got (${pyType(input)}, ${pyType(exponent)})`);
    if (input instanceof Complex || exponent.dtype.isComplex) return complexPow(input, exponent, resultType(input, exponent));
    return powScalarTensor(input, exponent);
  }
  if (!(exponent instanceof Tensor)) {
    if (exponent instanceof Complex || input.dtype.isComplex) return complexPow(input, exponent, resultType(input, exponent));
    if (typeof exponent !== "number" && typeof exponent !== "bigint" && typeof exponent !== "boolean") {
      throw new Error(`pow(): argument 'exponent' must be Tensor or Number, not ${pyType(exponent)}`);
    }
    return powTensorScalar(input, exponent);
  }
  const promoted = resultType(input, exponent);
  if (promoted === bool) throw notImplementedFor("pow", bool);
  if (promoted.isComplex) return complexPow(input, exponent, promoted);
  return binaryOp(promoted.isFloatingPoint ? POW_FLOAT : POW_INT, input, exponent);
}

export function pow_(self: Tensor, exponent: TensorOrScalar): Tensor;
export function pow_<A extends Rebound<[self: Tensor, exponent: TensorOrScalar], ["self", "exponent"]>>(...args: A): Tensor;
export function pow_(self: Tensor, exponent: TensorOrScalar): Tensor {
  if (arguments.length > 2) checkArgs("pow_", arguments, 2); else if (isOptionsObject(arguments.length === 2 ? exponent : self)) return rebind(pow_, "pow_", arguments, ["self", "exponent"], 2, []);
  const promoted = resultType(self, exponent);
  return inPlaceVia("pow_", self, promoted, [exponent instanceof Tensor ? exponent : null], (s) => pow(s, exponent));
}

/** torch.float_power: pow in double precision (the result is always float64). */
export function floatPower(input: TensorOrScalar, exponent: TensorOrScalar, options?: OutOption): Tensor;
export function floatPower<A extends Rebound<[input: TensorOrScalar, exponent: TensorOrScalar], ["input", "exponent"], OutOption>>(...args: A): Tensor;
export function floatPower(input: TensorOrScalar, exponent: TensorOrScalar, options?: OutOption): Tensor {
  if (arguments.length > 2) return outCall("float_power", arguments, 2, () => floatPower(input, exponent)); else if (isOptionsObject(arguments.length === 2 ? exponent : input)) return rebind(floatPower, "float_power", arguments, ["input", "exponent"], 2, ["out"]);
  const a = input instanceof Tensor ? castTo(input, float64) : input;
  const b = exponent instanceof Tensor ? castTo(exponent, float64) : exponent;
  if (!(a instanceof Tensor) && !(b instanceof Tensor)) throw new Error(`float_power() received an invalid combination of arguments - got (${pyType(input)}, ${pyType(exponent)})`);
  if (a instanceof Tensor && !(b instanceof Tensor)) return pow(a, Number(b));
  return pow(a instanceof Tensor ? a : Number(a), b);
}

export function floatPower_(self: Tensor, exponent: TensorOrScalar): Tensor;
export function floatPower_<A extends Rebound<[self: Tensor, exponent: TensorOrScalar], ["self", "exponent"]>>(...args: A): Tensor;
export function floatPower_(self: Tensor, exponent: TensorOrScalar): Tensor {
  if (arguments.length > 2) checkArgs("float_power_", arguments, 2); else if (isOptionsObject(arguments.length === 2 ? exponent : self)) return rebind(floatPower_, "float_power_", arguments, ["self", "exponent"], 2, []);
  if (self.dtype !== float64) {
    throw new Error(`the base given to float_power_ has dtype ${kernelTypeName(self.dtype)} but the operation's result requires dtype Double`);
  }
  return inPlaceVia("float_power_", self, float64, [exponent instanceof Tensor ? exponent : null], (s) => floatPower(s, exponent));
}

// ---- binary float math ----------------------------------------------------------------------

/** A binary op that PyTorch only defines for two tensors. */
function tensors2(op: string, a: unknown, b: unknown): [Tensor, Tensor] {
  return [requireTensor(op, "input", 1, a), requireTensor(op, "other", 2, b)];
}

/** Floating-only kernels (hypot, logaddexp): integers are a dispatch error. */
function floatOnly(kernel: string, promoted: DType): void {
  if (!promoted.isFloatingPoint) throw notImplementedFor(kernel, promoted);
}

const ATAN2: BinarySpec = {
  name: "atan2", node: "Atan2Backward0", f: nativeTyped((a: number, b: number) => Math.atan2(a, b), "atan2"), outDtype: floatOut,
  vjp: (g, a, b) => {
    const r = a.mul(a).add(b.mul(b)).reciprocal();
    return [a._requiresGrad ? gradFor(g.mul(b).mul(r), a) : null, b._requiresGrad ? gradFor(g.mul(a.neg()).mul(r), b) : null];
  },
};
export function atan2(input: Tensor, other: Tensor, options?: OutOption): Tensor;
export function atan2<A extends Rebound<[input: Tensor, other: Tensor], ["input", "other"], OutOption>>(...args: A): Tensor;
export function atan2(input: Tensor, other: Tensor, options?: OutOption): Tensor {
  if (autocasting.on && autocasts("atan2", arguments)) return runAutocast(atan2, arguments);
  if (arguments.length > 2) return outCall("atan2", arguments, 2, () => atan2(input, other)); else if (isOptionsObject(arguments.length === 2 ? other : input)) return rebind(atan2, "atan2", arguments, ["input", "other"], 2, ["out"]);
  const [a, b] = tensors2("atan2", input, other);
  return binaryOp(ATAN2, a, b);
}
export const arctan2 = atan2;
export function atan2_(self: Tensor, other: Tensor): Tensor;
export function atan2_<A extends Rebound<[self: Tensor, other: Tensor], ["self", "other"]>>(...args: A): Tensor;
export function atan2_(self: Tensor, other: Tensor): Tensor {
  if (arguments.length > 2) checkArgs("atan2_", arguments, 2); else if (isOptionsObject(arguments.length === 2 ? other : self)) return rebind(atan2_, "atan2_", arguments, ["self", "other"], 2, []);
  requireTensor("atan2_", "other", 1, other);
  return binaryInPlace(ATAN2, self, other, (s) => atan2(s, other));
}
export const arctan2_ = atan2_;

const HYPOT: BinarySpec = {
  name: "hypot", node: "HypotBackward0", f: nativeTyped((a: number, b: number) => Math.hypot(a, b), "hypot"),
  vjp: (g, a, b, out) => [a._requiresGrad ? gradFor(g.mul(a).div(out), a) : null, b._requiresGrad ? gradFor(g.mul(b).div(out), b) : null],
  saves: { a: ["a", "out"], b: ["b", "out"] },
};
export function hypot(input: Tensor, other: Tensor, options?: OutOption): Tensor;
export function hypot<A extends Rebound<[input: Tensor, other: Tensor], ["input", "other"], OutOption>>(...args: A): Tensor;
export function hypot(input: Tensor, other: Tensor, options?: OutOption): Tensor {
  if (arguments.length > 2) return outCall("hypot", arguments, 2, () => hypot(input, other)); else if (isOptionsObject(arguments.length === 2 ? other : input)) return rebind(hypot, "hypot", arguments, ["input", "other"], 2, ["out"]);
  const [a, b] = tensors2("hypot", input, other);
  floatOnly("hypot_cpu", resultType(a, b));
  return binaryOp(HYPOT, a, b);
}
export function hypot_(self: Tensor, other: Tensor): Tensor;
export function hypot_<A extends Rebound<[self: Tensor, other: Tensor], ["self", "other"]>>(...args: A): Tensor;
export function hypot_(self: Tensor, other: Tensor): Tensor {
  if (arguments.length > 2) checkArgs("hypot_", arguments, 2); else if (isOptionsObject(arguments.length === 2 ? other : self)) return rebind(hypot_, "hypot_", arguments, ["self", "other"], 2, []);
  requireTensor("hypot_", "other", 1, other);
  floatOnly("hypot_cpu", resultType(self, other));
  return binaryInPlace(HYPOT, self, other, (s) => hypot(s, other));
}

const signbitOf = (v: number): boolean => v < 0 || Object.is(v, -0);
const copysignKernel = nativeTyped((a: number, b: number) => (signbitOf(b) ? -Math.abs(a) : Math.abs(a)), "copysign");
const fmodInt = nativeTyped((a: number, b: number) => (b === 0 ? zeroDivision() : a % b), "fmod");
const fmodFloat = nativeTyped((a: number, b: number) => a % b, "fmod");

function copysignSpec(scalarOther: boolean): BinarySpec {
  return {
    name: "copysign", node: scalarOther ? "CopysignBackward1" : "CopysignBackward0", outDtype: floatOut,
    f: copysignKernel,
    vjp: (g, a, _b, out) => [a._requiresGrad ? gradFor(where(a.eq(0), 0, g.mul(out.div(a))), a) : null, null],
    saves: { a: ["a", "out"], b: [] },
  };
}
export function copysign(input: Tensor, other: TensorOrScalar, options?: OutOption): Tensor;
export function copysign<A extends Rebound<[input: Tensor, other: TensorOrScalar], ["input", "other"], OutOption>>(...args: A): Tensor;
export function copysign(input: Tensor, other: TensorOrScalar, options?: OutOption): Tensor {
  if (arguments.length > 2) return outCall("copysign", arguments, 2, () => copysign(input, other)); else if (isOptionsObject(arguments.length === 2 ? other : input)) return rebind(copysign, "copysign", arguments, ["input", "other"], 2, ["out"]);
  const a = requireTensor("copysign", "input", 1, input);
  return binaryOp(copysignSpec(!(other instanceof Tensor)), a, other);
}
export function copysign_(self: Tensor, other: TensorOrScalar): Tensor;
export function copysign_<A extends Rebound<[self: Tensor, other: TensorOrScalar], ["self", "other"]>>(...args: A): Tensor;
export function copysign_(self: Tensor, other: TensorOrScalar): Tensor {
  if (arguments.length > 2) checkArgs("copysign_", arguments, 2); else if (isOptionsObject(arguments.length === 2 ? other : self)) return rebind(copysign_, "copysign_", arguments, ["self", "other"], 2, []);
  return binaryInPlace(copysignSpec(!(other instanceof Tensor)), self, other, (s) => copysign(s, other));
}

function zeroDivision(): never { throw new Error("ZeroDivisionError"); }

/**
 * Integer fmod/remainder by zero raise before anything is written, in place too (the kernels'
 * own checks would stop halfway). Device tensors are not read back, as on CUDA.
 */
function checkIntDivisor(promoted: DType, other: TensorOrScalar): void {
  if (promoted.isFloatingPoint || promoted === bool) return;
  if (other instanceof Tensor ? !onDevice(other) && hasZeroValue(other) : Number(other) === 0) zeroDivision();
}

function fmodSpec(promoted: DType, scalarOther: boolean): BinarySpec {
  if (promoted === bool) throw notImplementedFor("fmod_cpu", bool);
  const node = scalarOther ? "FmodBackward0" : "FmodBackward1";
  if (!promoted.isFloatingPoint) {
    return { name: "fmod", node, f: fmodInt, fBig: (a, b) => (b === 0n ? zeroDivision() : a % b) };
  }
  return {
    name: "fmod", node, f: fmodFloat,
    vjp: (g, a, b) => [
      a._requiresGrad ? gradFor(g, a) : null,
      b._requiresGrad ? gradFor(g.neg().mul(a.div(b, { roundingMode: "trunc" })), b) : null,
    ],
  };
}
export function fmod(input: Tensor, other: TensorOrScalar, options?: OutOption): Tensor;
export function fmod<A extends Rebound<[input: Tensor, other: TensorOrScalar], ["input", "other"], OutOption>>(...args: A): Tensor;
export function fmod(input: Tensor, other: TensorOrScalar, options?: OutOption): Tensor {
  if (arguments.length > 2) return outCall("fmod", arguments, 2, () => fmod(input, other)); else if (isOptionsObject(arguments.length === 2 ? other : input)) return rebind(fmod, "fmod", arguments, ["input", "other"], 2, ["out"]);
  const a = requireTensor("fmod", "input", 1, input);
  const spec = fmodSpec(resultType(a, other), !(other instanceof Tensor));
  checkIntDivisor(resultType(a, other), other);
  return binaryOp(spec, a, other);
}
export function fmod_(self: Tensor, other: TensorOrScalar): Tensor;
export function fmod_<A extends Rebound<[self: Tensor, other: TensorOrScalar], ["self", "other"]>>(...args: A): Tensor;
export function fmod_(self: Tensor, other: TensorOrScalar): Tensor {
  if (arguments.length > 2) checkArgs("fmod_", arguments, 2); else if (isOptionsObject(arguments.length === 2 ? other : self)) return rebind(fmod_, "fmod_", arguments, ["self", "other"], 2, []);
  const spec = fmodSpec(resultType(self, other), !(other instanceof Tensor));
  checkIntDivisor(resultType(self, other), other);
  return binaryInPlace(spec, self, other, (s) => fmod(s, other));
}

const remainderFloat = nativeTyped(remainderFloatJs, "remainder");
const remainderInt = nativeTyped(remainderIntJs, "remainder");
function remainderFloatJs(a: number, b: number): number {
  let m = a % b;
  if (m !== 0 && (b < 0) !== (m < 0)) m += b;
  return m;
}
function remainderIntJs(a: number, b: number): number {
  if (b === 0) zeroDivision();
  let r = a % b;
  if (r !== 0 && (r < 0) !== (b < 0)) r += b;
  return r;
}
function remainderBig(a: bigint, b: bigint): bigint {
  if (b === 0n) zeroDivision();
  let r = a % b;
  if (r !== 0n && (r < 0n) !== (b < 0n)) r += b;
  return r;
}

function remainderSpec(promoted: DType, form: "tensor" | "scalarOther" | "scalarSelf"): BinarySpec {
  if (promoted === bool) throw notImplementedFor("remainder_cpu", bool);
  const node = form === "scalarOther" ? "RemainderBackward0" : "RemainderBackward1";
  if (!promoted.isFloatingPoint) return { name: "remainder", node, f: remainderInt, fBig: remainderBig };
  if (form === "scalarSelf") {
    return { name: "remainder", node: "torch::autograd::NotImplemented", f: remainderFloat, vjp: notImplementedVjp("remainder"), onnx: { kind: "RemainderBackward1", attrs: {} } };
  }
  return {
    name: "remainder", node, f: remainderFloat,
    vjp: (g, a, b) => [
      a._requiresGrad ? gradFor(g, a) : null,
      b._requiresGrad ? gradFor(g.neg().mul(a.div(b, { roundingMode: "floor" })), b) : null,
    ],
  };
}

function notImplementedVjp(op: string): () => never {
  return () => { throw new Error(`the derivative for '${op}' is not implemented.`); };
}

/** torch.remainder: Python's modulus (the result has the divisor's sign). */
export function remainder(input: TensorOrScalar, other: TensorOrScalar, options?: OutOption): Tensor;
export function remainder<A extends Rebound<[input: TensorOrScalar, other: TensorOrScalar], ["input", "other"], OutOption>>(...args: A): Tensor;
export function remainder(input: TensorOrScalar, other: TensorOrScalar, options?: OutOption): Tensor {
  if (arguments.length > 2) return outCall("remainder", arguments, 2, () => remainder(input, other)); else if (isOptionsObject(arguments.length === 2 ? other : input)) return rebind(remainder, "remainder", arguments, ["input", "other"], 2, ["out"]);
  if (!(input instanceof Tensor)) {
    const b = requireTensor("remainder", "other", 2, other);
    const scalarSelf = remainderSpec(resultType(input, b), "scalarSelf");
    checkIntDivisor(resultType(input, b), b);
    return binaryOp(scalarSelf, input, b);
  }
  const spec = remainderSpec(resultType(input, other), other instanceof Tensor ? "tensor" : "scalarOther");
  checkIntDivisor(resultType(input, other), other);
  return binaryOp(spec, input, other);
}
export function remainder_(self: Tensor, other: TensorOrScalar): Tensor;
export function remainder_<A extends Rebound<[self: Tensor, other: TensorOrScalar], ["self", "other"]>>(...args: A): Tensor;
export function remainder_(self: Tensor, other: TensorOrScalar): Tensor {
  if (arguments.length > 2) checkArgs("remainder_", arguments, 2); else if (isOptionsObject(arguments.length === 2 ? other : self)) return rebind(remainder_, "remainder_", arguments, ["self", "other"], 2, []);
  const spec = remainderSpec(resultType(self, other), other instanceof Tensor ? "tensor" : "scalarOther");
  checkIntDivisor(resultType(self, other), other);
  return binaryInPlace(spec, self, other, (s) => remainder(s, other));
}

// maximum / minimum propagate NaN; fmax / fmin ignore it.
function maxMinSpec(name: "maximum" | "minimum"): BinarySpec {
  const isMax = name === "maximum";
  return {
    name, node: isMax ? "MaximumBackward0" : "MinimumBackward0",
    // The native kernels take NaN from either side and, on ties, the second operand, as PyTorch.
    f: isMax ? nativeBinary((a: number, b: number) => Math.max(a, b), "maximum") : nativeBinary((a: number, b: number) => Math.min(a, b), "minimum"),
    fBig: isMax ? (a, b) => (a > b ? a : b) : (a, b) => (a < b ? a : b),
    vjp: (g, a, b) => {
      // Ties split the gradient; the losing side gets zero.
      const share = (self: Tensor, other: Tensor): Tensor => {
        const loses = isMax ? self.lt(other) : self.gt(other);
        return where(loses, 0, where(self.eq(other), g.div(2), g));
      };
      return [a._requiresGrad ? gradFor(share(a, b), a) : null, b._requiresGrad ? gradFor(share(b, a), b) : null];
    },
  };
}
const MAXIMUM = maxMinSpec("maximum"), MINIMUM = maxMinSpec("minimum");

export function maximum(input: Tensor, other: Tensor, options?: OutOption): Tensor;
export function maximum<A extends Rebound<[input: Tensor, other: Tensor], ["input", "other"], OutOption>>(...args: A): Tensor;
export function maximum(input: Tensor, other: Tensor, options?: OutOption): Tensor {
  if (arguments.length > 2) return outCall("maximum", arguments, 2, () => maximum(input, other)); else if (isOptionsObject(arguments.length === 2 ? other : input)) return rebind(maximum, "maximum", arguments, ["input", "other"], 2, ["out"]);
  const [a, b] = tensors2("maximum", input, other);
  return binaryOp(MAXIMUM, a, b);
}
export function minimum(input: Tensor, other: Tensor, options?: OutOption): Tensor;
export function minimum<A extends Rebound<[input: Tensor, other: Tensor], ["input", "other"], OutOption>>(...args: A): Tensor;
export function minimum(input: Tensor, other: Tensor, options?: OutOption): Tensor {
  if (arguments.length > 2) return outCall("minimum", arguments, 2, () => minimum(input, other)); else if (isOptionsObject(arguments.length === 2 ? other : input)) return rebind(minimum, "minimum", arguments, ["input", "other"], 2, ["out"]);
  const [a, b] = tensors2("minimum", input, other);
  return binaryOp(MINIMUM, a, b);
}

function fmaxMinSpec(name: "fmax" | "fmin"): BinarySpec {
  const isMax = name === "fmax";
  const pick = isMax
    // Of equal values (+0 and -0) the first wins, as in PyTorch.
    ? nativeTyped((a: number, b: number) => (a !== a ? b : b !== b ? a : a >= b ? a : b), "fmax")
    : nativeTyped((a: number, b: number) => (a !== a ? b : b !== b ? a : a <= b ? a : b), "fmin");
  return {
    name, node: isMax ? "FmaxBackward0" : "FminBackward0", f: pick,
    fBig: isMax ? (a, b) => (a > b ? a : b) : (a, b) => (a < b ? a : b),
    vjp: (g, a, b) => {
      const selfWins = (isMax ? a.ge(b) : a.le(b)).logicalOr(b.isnan());
      return [a._requiresGrad ? gradFor(where(selfWins, g, 0), a) : null, b._requiresGrad ? gradFor(where(selfWins, 0, g), b) : null];
    },
  };
}
const FMAX = fmaxMinSpec("fmax"), FMIN = fmaxMinSpec("fmin");
export function fmax(input: Tensor, other: Tensor, options?: OutOption): Tensor;
export function fmax<A extends Rebound<[input: Tensor, other: Tensor], ["input", "other"], OutOption>>(...args: A): Tensor;
export function fmax(input: Tensor, other: Tensor, options?: OutOption): Tensor {
  if (arguments.length > 2) return outCall("fmax", arguments, 2, () => fmax(input, other)); else if (isOptionsObject(arguments.length === 2 ? other : input)) return rebind(fmax, "fmax", arguments, ["input", "other"], 2, ["out"]);
  const [a, b] = tensors2("fmax", input, other);
  return binaryOp(FMAX, a, b);
}
export function fmin(input: Tensor, other: Tensor, options?: OutOption): Tensor;
export function fmin<A extends Rebound<[input: Tensor, other: Tensor], ["input", "other"], OutOption>>(...args: A): Tensor;
export function fmin(input: Tensor, other: Tensor, options?: OutOption): Tensor {
  if (arguments.length > 2) return outCall("fmin", arguments, 2, () => fmin(input, other)); else if (isOptionsObject(arguments.length === 2 ? other : input)) return rebind(fmin, "fmin", arguments, ["input", "other"], 2, ["out"]);
  const [a, b] = tensors2("fmin", input, other);
  return binaryOp(FMIN, a, b);
}

const logaddexpKernel = nativeTyped(logaddexpJs, "logaddexp");
const logaddexp2Kernel = nativeTyped(logaddexp2Js, "logaddexp2");
function logaddexpJs(a: number, b: number): number {
  if ((a === Infinity || a === -Infinity) && a === b) return a;
  const m = Math.max(a, b);
  return m + Math.log1p(Math.exp(-Math.abs(a - b)));
}
function logaddexp2Js(a: number, b: number): number {
  if ((a === Infinity || a === -Infinity) && a === b) return a;
  const m = Math.max(a, b);
  return m + Math.log1p(Math.pow(2, -Math.abs(a - b))) / Math.LN2;
}
const LOGADDEXP: BinarySpec = {
  name: "logaddexp", node: "LogaddexpBackward0", f: logaddexpKernel,
  vjp: (g, a, b) => [
    a._requiresGrad ? gradFor(g.div(b.sub(a).exp().add(1)), a) : null,
    b._requiresGrad ? gradFor(g.div(a.sub(b).exp().add(1)), b) : null,
  ],
};
const LOGADDEXP2: BinarySpec = {
  name: "logaddexp2", node: "Logaddexp2Backward0", f: logaddexp2Kernel,
  vjp: (g, a, b) => [
    a._requiresGrad ? gradFor(g.div(pow(2, b.sub(a)).add(1)), a) : null,
    b._requiresGrad ? gradFor(g.div(pow(2, a.sub(b)).add(1)), b) : null,
  ],
};
export function logaddexp(input: Tensor, other: Tensor, options?: OutOption): Tensor;
export function logaddexp<A extends Rebound<[input: Tensor, other: Tensor], ["input", "other"], OutOption>>(...args: A): Tensor;
export function logaddexp(input: Tensor, other: Tensor, options?: OutOption): Tensor {
  if (arguments.length > 2) return outCall("logaddexp", arguments, 2, () => logaddexp(input, other)); else if (isOptionsObject(arguments.length === 2 ? other : input)) return rebind(logaddexp, "logaddexp", arguments, ["input", "other"], 2, ["out"]);
  const [a, b] = tensors2("logaddexp", input, other);
  floatOnly("logaddexp_cpu", resultType(a, b));
  return binaryOp(LOGADDEXP, a, b);
}
export function logaddexp2(input: Tensor, other: Tensor, options?: OutOption): Tensor;
export function logaddexp2<A extends Rebound<[input: Tensor, other: Tensor], ["input", "other"], OutOption>>(...args: A): Tensor;
export function logaddexp2(input: Tensor, other: Tensor, options?: OutOption): Tensor {
  if (arguments.length > 2) return outCall("logaddexp2", arguments, 2, () => logaddexp2(input, other)); else if (isOptionsObject(arguments.length === 2 ? other : input)) return rebind(logaddexp2, "logaddexp2", arguments, ["input", "other"], 2, ["out"]);
  const [a, b] = tensors2("logaddexp2", input, other);
  floatOnly("logaddexp2_cpu", resultType(a, b));
  return binaryOp(LOGADDEXP2, a, b);
}

/** torch.ldexp(input, other) = input * 2**other (composite, as in PyTorch). */
export function ldexp(input: Tensor, other: Tensor, options?: OutOption): Tensor;
export function ldexp<A extends Rebound<[input: Tensor, other: Tensor], ["input", "other"], OutOption>>(...args: A): Tensor;
export function ldexp(input: Tensor, other: Tensor, options?: OutOption): Tensor {
  if (arguments.length > 2) return outCall("ldexp", arguments, 2, () => ldexp(input, other)); else if (isOptionsObject(arguments.length === 2 ? other : input)) return rebind(ldexp, "ldexp", arguments, ["input", "other"], 2, ["out"]);
  const [a, b] = tensors2("ldexp", input, other);
  return a.mul(pow(2, floatExponent(b)));
}

/** 2.0 ** other is float even for integer `other` (a JS 2.0 would promote as an int). */
function floatExponent(e: Tensor): Tensor {
  return e.dtype.isFloatingPoint ? e : castTo(e, getDefaultDtype());
}
export function ldexp_(self: Tensor, other: Tensor): Tensor;
export function ldexp_<A extends Rebound<[self: Tensor, other: Tensor], ["self", "other"]>>(...args: A): Tensor;
export function ldexp_(self: Tensor, other: Tensor): Tensor {
  if (arguments.length > 2) checkArgs("ldexp_", arguments, 2); else if (isOptionsObject(arguments.length === 2 ? other : self)) return rebind(ldexp_, "ldexp_", arguments, ["self", "other"], 2, []);
  requireTensor("ldexp_", "other", 1, other);
  return self.mul_(pow(2, floatExponent(other)));
}

// ---- frexp / nextafter / angle --------------------------------------------------------------

/** x = m * 2**e with 0.5 <= |m| < 1 (C's frexp; 0, inf and NaN give (x, 0)). */
function frexpNum(x: number): [number, number] {
  if (x === 0 || !Number.isFinite(x)) return [x, 0];
  const a = Math.abs(x);
  let e = Math.floor(Math.log2(a)) + 1;
  // Scaled in two steps so that 2**-e cannot overflow for subnormal inputs.
  const h = Math.trunc(e / 2);
  let m = a * Math.pow(2, -h) * Math.pow(2, -(e - h));
  while (m < 0.5) { m *= 2; e -= 1; }
  while (m >= 1) { m /= 2; e += 1; }
  return [x < 0 ? -m : m, e];
}

/** torch.frexp(input): the named tuple (mantissa, exponent), exponent as int32. */
export function frexp(input: Tensor, options?: OutPairOption): Tensor[] & { mantissa: Tensor; exponent: Tensor };
export function frexp<A extends Rebound<[input: Tensor], ["input"], OutPairOption>>(...args: A): Tensor[] & { mantissa: Tensor; exponent: Tensor };
export function frexp(input: Tensor, options?: OutPairOption): Tensor[] & { mantissa: Tensor; exponent: Tensor } {
  if (arguments.length > 1) return outCall("frexp", arguments, 1, () => frexp(input), "same"); else if (isOptionsObject(input)) return rebind(frexp, "frexp", arguments, ["input"], 1, ["out"]);
  checkTensor("frexp", "input", input);
  if (!input.dtype.isFloatingPoint) throw new Error("torch.frexp() only supports floating-point dtypes");
  const mantissa = unaryMap(input, input.dtype, (v) => frexpNum(v)[0]);
  const exponent = unaryMap(input, int32, (v) => frexpNum(v)[1]);
  const out = [mantissa, exponent] as Tensor[] & { mantissa: Tensor; exponent: Tensor };
  out.mantissa = mantissa;
  out.exponent = exponent;
  return out;
}

const f32buf = new Float32Array(1), i32buf = new Int32Array(f32buf.buffer);
const f64buf = new Float64Array(1), i64buf = new BigInt64Array(f64buf.buffer);

/** The next float32 after a toward b. */
const nextafter32 = nativeTyped(nextafter32Js, "nextafter");
const nextafter64 = nativeTyped(nextafter64Js, "nextafter");
function nextafter32Js(a: number, b: number): number {
  if (a !== a || b !== b) return NaN;
  if (a === b) return b;
  if (a === 0) { i32buf[0] = 1; return b > 0 ? f32buf[0]! : -f32buf[0]!; }
  f32buf[0] = a;
  i32buf[0] = i32buf[0]! + ((a < b) === (a > 0) ? 1 : -1);
  return f32buf[0]!;
}
function nextafter64Js(a: number, b: number): number {
  if (a !== a || b !== b) return NaN;
  if (a === b) return b;
  if (a === 0) return b > 0 ? Number.MIN_VALUE : -Number.MIN_VALUE;
  f64buf[0] = a;
  i64buf[0] = i64buf[0]! + ((a < b) === (a > 0) ? 1n : -1n);
  return f64buf[0]!;
}

/** torch.nextafter(input, other): the next representable value after input toward other. */
export function nextafter(input: Tensor, other: Tensor, options?: OutOption): Tensor;
export function nextafter<A extends Rebound<[input: Tensor, other: Tensor], ["input", "other"], OutOption>>(...args: A): Tensor;
export function nextafter(input: Tensor, other: Tensor, options?: OutOption): Tensor {
  if (arguments.length > 2) return outCall("nextafter", arguments, 2, () => nextafter(input, other)); else if (isOptionsObject(arguments.length === 2 ? other : input)) return rebind(nextafter, "nextafter", arguments, ["input", "other"], 2, ["out"]);
  const [a, b] = tensors2("nextafter", input, other);
  const promoted = resultType(a, b);
  if (promoted !== float64 && promoted.name !== "float32") throw notImplementedFor("nextafter_cpu", promoted);
  return binaryOp({ name: "nextafter", node: "NextafterBackward0", f: promoted === float64 ? nextafter64 : nextafter32 }, a, b);
}
export function nextafter_(self: Tensor, other: Tensor): Tensor;
export function nextafter_<A extends Rebound<[self: Tensor, other: Tensor], ["self", "other"]>>(...args: A): Tensor;
export function nextafter_(self: Tensor, other: Tensor): Tensor {
  if (arguments.length > 2) checkArgs("nextafter_", arguments, 2); else if (isOptionsObject(arguments.length === 2 ? other : self)) return rebind(nextafter_, "nextafter_", arguments, ["self", "other"], 2, []);
  return inPlaceVia("nextafter_", self, resultType(self, other), [other], (s) => nextafter(s, other));
}

const ANGLE: UnarySpec = {
  name: "angle", node: "AngleBackward0", f: (x) => (x !== x ? x : x < 0 ? Math.PI : 0), vjp: zeroGrad,
};
/** torch.angle for real inputs: pi for negative values, 0 otherwise (NaN stays NaN). */
export function angle(input: Tensor, options?: OutOption): Tensor;
export function angle<A extends Rebound<[input: Tensor], ["input"], OutOption>>(...args: A): Tensor;
export function angle(input: Tensor, options?: OutOption): Tensor {
  if (arguments.length > 1) return outCall("angle", arguments, 1, () => angle(input)); else if (isOptionsObject(input)) return rebind(angle, "angle", arguments, ["input"], 1, ["out"]);
  checkTensor("angle", "input", input);
  return unaryOp(ANGLE, input);
}

// ---- gcd / lcm ------------------------------------------------------------------------------

function gcdNum(a: number, b: number): number {
  a = Math.abs(a); b = Math.abs(b);
  while (b !== 0) { const t = a % b; a = b; b = t; }
  return a;
}
function gcdBig(a: bigint, b: bigint): bigint {
  a = a < 0n ? -a : a; b = b < 0n ? -b : b;
  while (b !== 0n) { const t = a % b; a = b; b = t; }
  return a;
}
function intOnly(kernel: string, promoted: DType): void {
  if (promoted.category !== "int") throw notImplementedFor(kernel, promoted);
}
export function gcd(input: Tensor, other: Tensor, options?: OutOption): Tensor;
export function gcd<A extends Rebound<[input: Tensor, other: Tensor], ["input", "other"], OutOption>>(...args: A): Tensor;
export function gcd(input: Tensor, other: Tensor, options?: OutOption): Tensor {
  if (arguments.length > 2) return outCall("gcd", arguments, 2, () => gcd(input, other)); else if (isOptionsObject(arguments.length === 2 ? other : input)) return rebind(gcd, "gcd", arguments, ["input", "other"], 2, ["out"]);
  const [a, b] = tensors2("gcd", input, other);
  intOnly("gcd_cpu", resultType(a, b));
  return binaryOp({ name: "gcd", node: "GcdBackward0", f: gcdNum, fBig: gcdBig }, a, b);
}
export function lcm(input: Tensor, other: Tensor, options?: OutOption): Tensor;
export function lcm<A extends Rebound<[input: Tensor, other: Tensor], ["input", "other"], OutOption>>(...args: A): Tensor;
export function lcm(input: Tensor, other: Tensor, options?: OutOption): Tensor {
  if (arguments.length > 2) return outCall("lcm", arguments, 2, () => lcm(input, other)); else if (isOptionsObject(arguments.length === 2 ? other : input)) return rebind(lcm, "lcm", arguments, ["input", "other"], 2, ["out"]);
  const [a, b] = tensors2("lcm", input, other);
  intOnly("lcm_cpu", resultType(a, b));
  const f = (x: number, y: number): number => { const g = gcdNum(x, y); return g === 0 ? 0 : Math.abs((x / g) * y); };
  const fBig = (x: bigint, y: bigint): bigint => { const g = gcdBig(x, y); if (g === 0n) return 0n; const r = (x / g) * y; return r < 0n ? -r : r; };
  return binaryOp({ name: "lcm", node: "LcmBackward0", f, fBig }, a, b);
}
export function gcd_(self: Tensor, other: Tensor): Tensor;
export function gcd_<A extends Rebound<[self: Tensor, other: Tensor], ["self", "other"]>>(...args: A): Tensor;
export function gcd_(self: Tensor, other: Tensor): Tensor {
  if (arguments.length > 2) checkArgs("gcd_", arguments, 2); else if (isOptionsObject(arguments.length === 2 ? other : self)) return rebind(gcd_, "gcd_", arguments, ["self", "other"], 2, []);
  return inPlaceVia("gcd_", self, resultType(self, other), [], (s) => gcd(s, other));
}
export function lcm_(self: Tensor, other: Tensor): Tensor;
export function lcm_<A extends Rebound<[self: Tensor, other: Tensor], ["self", "other"]>>(...args: A): Tensor;
export function lcm_(self: Tensor, other: Tensor): Tensor {
  if (arguments.length > 2) checkArgs("lcm_", arguments, 2); else if (isOptionsObject(arguments.length === 2 ? other : self)) return rebind(lcm_, "lcm_", arguments, ["self", "other"], 2, []);
  return inPlaceVia("lcm_", self, resultType(self, other), [], (s) => lcm(s, other));
}

// ---- lerp / addcmul / addcdiv ---------------------------------------------------------------

const lerpKernel = nativeTypedTernary(lerpJs, "lerp");
function lerpJs(a: number, b: number, w: number): number {
  return Math.abs(w) < 0.5 ? a + w * (b - a) : b - (b - a) * (1 - w);
}

function checkLerp(op: string, input: Tensor, end: Tensor, weight: TensorOrScalar): void {
  checkTensor(op, "input", input);
  requireTensor(op, "end", 2, end);
  if (end.dtype !== input.dtype) throw new Error(`expected dtype ${input.dtype.name.replace("float32", "float").replace("float64", "double")} for \`end\` but got dtype ${end.dtype.name.replace("float32", "float").replace("float64", "double")}`);
  if (weight instanceof Tensor && weight.dtype !== input.dtype) {
    throw new Error(`expected dtype ${input.dtype.name.replace("float32", "float").replace("float64", "double")} for \`weight\` but got dtype ${weight.dtype.name.replace("float32", "float").replace("float64", "double")}`);
  }
  if (!(weight instanceof Tensor) && typeof weight !== "number" && !(weight instanceof Complex && input.dtype.isComplex)) throw new Error(`${op}(): argument 'weight' must be Number or Tensor, not ${pyType(weight)}`);
  if (!input.dtype.isFloatingPoint && !input.dtype.isComplex) throw notImplementedFor("lerp_kernel_scalar", input.dtype);
}

/**
 * lerp of complex tensors, in PyTorch's two forms: start + w (end - start) where |w| < 0.5, else
 * end - (end - start)(1 - w) (composite: gradients through complex arithmetic).
 */
function complexLerp(input: Tensor, end: Tensor, weight: TensorOrScalar): Tensor {
  const diff = end.sub(input);
  const w = weight instanceof Tensor ? weight : input.newFull([], weight as number);
  return where(w.abs().lt(0.5), input.add(diff.mul(w)), end.sub(diff.mul(w.neg().add(1))));
}

const LERP: TernarySpec = {
  name: "lerp", node: "LerpBackward1", f: lerpKernel,
  vjp: (g, a, b, w) => [
    a._requiresGrad ? gradFor(g.mul(w.neg().add(1)), a) : null,
    b._requiresGrad ? gradFor(g.mul(w), b) : null,
    w._requiresGrad ? gradFor(g.mul(b.sub(a)), w) : null,
  ],
};

/** torch.lerp(input, end, weight): input + weight * (end - input). */
export function lerp(input: Tensor, end: Tensor, weight: TensorOrScalar, options?: OutOption): Tensor;
export function lerp<A extends Rebound<[input: Tensor, end: Tensor, weight: TensorOrScalar], ["input", "end", "weight"], OutOption>>(...args: A): Tensor;
export function lerp(input: Tensor, end: Tensor, weight: TensorOrScalar, options?: OutOption): Tensor {
  if (!(input instanceof Tensor) && !isOptionsObject(input)) requireTensor("lerp", "input", 1, input);
  if (!(end instanceof Tensor) && !isOptionsObject(end)) requireTensor("lerp", "end", 2, end);
  if (isNamed(input) || isNamed(end) || (weight instanceof Tensor && isNamed(weight))) throw namedRefusal(weight instanceof Tensor ? "lerp.Tensor" : "lerp.Scalar");
  if (arguments.length > 3) return outCall("lerp", arguments, 3, () => lerp(input, end, weight)); else if (isOptionsObject(arguments.length === 3 ? weight : arguments.length === 2 ? end : input)) return rebind(lerp, "lerp", arguments, ["input", "end", "weight"], 3, ["out"]);
  checkLerp("lerp", input, end, weight);
  if (input.dtype === complex32) throw notImplementedFor(weight instanceof Tensor ? "lerp_kernel_tensor" : "lerp_kernel_scalar", complex32);
  if (input.dtype.isComplex) return complexLerp(input, end, weight);
  if (weight instanceof Tensor) return ternaryOp(LERP, input, end, weight);
  const w = roundToDType(weight as number, input.dtype);
  return binaryOp({
    name: "lerp", node: "LerpBackward0", f: nativeTyped((a: number, b: number) => lerpKernel(a, b, w), "lerpScalar", w), onnx: { kind: "lerp_scalar", attrs: { weight: w } },
    vjp: (g, a, b) => [a._requiresGrad ? gradFor(g.mul(1 - w), a) : null, b._requiresGrad ? gradFor(g.mul(w), b) : null],
  }, input, end);
}
export function lerp_(self: Tensor, end: Tensor, weight: TensorOrScalar): Tensor;
export function lerp_<A extends Rebound<[self: Tensor, end: Tensor, weight: TensorOrScalar], ["self", "end", "weight"]>>(...args: A): Tensor;
export function lerp_(self: Tensor, end: Tensor, weight: TensorOrScalar): Tensor {
  if (arguments.length > 3) checkArgs("lerp_", arguments, 3); else if (isOptionsObject(arguments.length === 3 ? weight : arguments.length === 2 ? end : self)) return rebind(lerp_, "lerp_", arguments, ["self", "end", "weight"], 3, []);
  checkLerp("lerp_", self, end, weight);
  if (weight instanceof Tensor) {
    return inPlaceVia("lerp_", self, self.dtype, [end, weight], (s) => lerp(s, end, weight));
  }
  const w = roundToDType(weight as number, self.dtype);
  return binaryInPlace({ name: "lerp", node: "LerpBackward0", f: nativeTyped((a: number, b: number) => lerpKernel(a, b, w), "lerpScalar", w) }, self, end, (s) => lerp(s, end, weight));
}

interface ValueOpts { value?: number }

function valueOf(op: string, args: readonly unknown[]): number {
  const a = bindArgs(op, args, [], ["value"], 3);
  const v = (a.value as number | boolean | undefined) ?? 1;
  if (typeof v !== "number" && typeof v !== "boolean") throw new Error(`${op}(): argument 'value' must be Number, not ${pyType(v)}`);
  return Number(v);
}

function addcmulSpec(value: number, promoted: DType): TernarySpec {
  // The value is converted to the compute dtype (truncated for integers), as PyTorch's kernel does.
  const v = promoted.isFloatingPoint ? value : Math.trunc(value);
  return {
    name: "addcmul", node: "AddcmulBackward0", onnx: { kind: "addcmul", attrs: { value: v } },
    f: nativeTypedTernary((s: number, a: number, b: number) => s + v * a * b, "addcmul", v),
    vjp: (g, s, a, b) => [
      s._requiresGrad ? gradFor(g, s) : null,
      a._requiresGrad ? gradFor(g.mul(b).mul(value), a) : null,
      b._requiresGrad ? gradFor(g.mul(a).mul(value), b) : null,
    ],
  };
}

function addcdivSpec(op: string, value: number, t1: Tensor, t2: Tensor): TernarySpec {
  if (!t1.dtype.isFloatingPoint && !t2.dtype.isFloatingPoint) {
    throw new Error("Integer division with addcdiv is no longer supported, and in a future release addcdiv will perform a true division of tensor1 and tensor2. The historic addcdiv behavior can be implemented as (input + value * torch.trunc(tensor1 / tensor2)).to(input.dtype) for integer inputs and as (input + value * tensor1 / tensor2) for float inputs. The future addcdiv behavior is just the latter implementation: (input + value * tensor1 / tensor2), for all dtypes.");
  }
  void op;
  return {
    name: "addcdiv", node: "AddcdivBackward0", onnx: { kind: "addcdiv", attrs: { value } },
    // (value * a) / b, in PyTorch's order.
    f: nativeTypedTernary((s: number, a: number, b: number) => s + (value * a) / b, "addcdiv", value),
    vjp: (g, s, a, b) => [
      s._requiresGrad ? gradFor(g, s) : null,
      a._requiresGrad ? gradFor(g.mul(value).div(b), a) : null,
      b._requiresGrad ? gradFor(g.neg().mul(value).mul(a).div(b.mul(b)), b) : null,
    ],
  };
}

function checkAddc(op: string, input: Tensor, t1: unknown, t2: unknown): [Tensor, Tensor] {
  checkTensor(op, "input", input);
  return [requireTensor(op, "tensor1", 2, t1), requireTensor(op, "tensor2", 3, t2)];
}

/** torch.addcmul(input, tensor1, tensor2, *, value=1): input + value * tensor1 * tensor2. */
export function addcmul(input: Tensor, tensor1: Tensor, tensor2: Tensor, ...args: Args<[], ValueOpts & OutOption>): Tensor;
export function addcmul<A extends Rebound<[input: Tensor, tensor1: Tensor, tensor2: Tensor], ["input", "tensor1", "tensor2"], ValueOpts & OutOption>>(...args: A): Tensor;
export function addcmul(input: Tensor, tensor1: Tensor, tensor2: Tensor, ...args: Args<[], ValueOpts & OutOption>): Tensor {
  if (autocasting.on && autocasts("addcmul", arguments)) return runAutocast(addcmul, arguments);
  if (arguments.length <= 3 && isOptionsObject(arguments.length === 3 ? tensor2 : arguments.length === 2 ? tensor1 : input)) return rebind(addcmul, "addcmul", arguments, ["input", "tensor1", "tensor2"], 3, ["value", "out"]);
  if (hasOut(args)) return withOut("addcmul", args, (rest) => addcmul(input, tensor1, tensor2, ...(rest as [])), "same", false, [input, tensor1, tensor2]);
  if (anyNamed(input, tensor1, tensor2)) return nameAll(hideNames([input, tensor1, tensor2], () => addcmul(input, tensor1, tensor2, ...args)), unifiedNames(input, tensor1, tensor2));
  const value = valueOf("addcmul", args);
  const [a, b] = checkAddc("addcmul", input, tensor1, tensor2);
  const promoted = resultTypeMany(input, a, b);
  if (promoted === bool || promoted === complex32) throw notImplementedFor("addcmul_cpu_out", promoted);
  if (promoted.isComplex) return input.add(a.mul(b).mul(value));
  // int64 through its exact (BigInt past 2^53) products and sums: the ternary kernel runs on doubles.
  if (promoted === int64) return input.add(a.to(int64).mul(b.to(int64)).mul(Math.trunc(value)));
  return ternaryOp(addcmulSpec(value, promoted), input, a, b);
}
export function addcmul_(self: Tensor, tensor1: Tensor, tensor2: Tensor, ...args: Args<[], ValueOpts>): Tensor;
export function addcmul_<A extends Rebound<[self: Tensor, tensor1: Tensor, tensor2: Tensor], ["self", "tensor1", "tensor2"], ValueOpts>>(...args: A): Tensor;
export function addcmul_(self: Tensor, tensor1: Tensor, tensor2: Tensor, ...args: Args<[], ValueOpts>): Tensor {
  if (arguments.length <= 3 && isOptionsObject(arguments.length === 3 ? tensor2 : arguments.length === 2 ? tensor1 : self)) return rebind(addcmul_, "addcmul_", arguments, ["self", "tensor1", "tensor2"], 3, ["value"]);
  const value = valueOf("addcmul_", args);
  const [a, b] = checkAddc("addcmul_", self, tensor1, tensor2);
  const promoted = resultTypeMany(self, a, b);
  if (promoted === bool || promoted === complex32) throw notImplementedFor("addcmul_cpu_out", promoted);
  // int64 exact, as addcmul: the product through exact int64 ops, added in place (other shapes
  // and dtypes go on to the kernel's own checks and messages).
  if (promoted === int64 && self.dtype === int64 && broadcastShapes(self.shape, a.shape, b.shape).join() === self.shape.join()) {
    return self.add_(a.to(int64).mul(b.to(int64)).mul(Math.trunc(value)));
  }
  const spec = addcmulSpec(value, promoted);
  return ternaryInPlace("addcmul_", spec, self, a, b, promoted, (s) => addcmul(s, a, b, { value }));
}

/** torch.addcdiv(input, tensor1, tensor2, *, value=1): input + value * tensor1 / tensor2. */
export function addcdiv(input: Tensor, tensor1: Tensor, tensor2: Tensor, ...args: Args<[], ValueOpts & OutOption>): Tensor;
export function addcdiv<A extends Rebound<[input: Tensor, tensor1: Tensor, tensor2: Tensor], ["input", "tensor1", "tensor2"], ValueOpts & OutOption>>(...args: A): Tensor;
export function addcdiv(input: Tensor, tensor1: Tensor, tensor2: Tensor, ...args: Args<[], ValueOpts & OutOption>): Tensor {
  if (autocasting.on && autocasts("addcdiv", arguments)) return runAutocast(addcdiv, arguments);
  if (arguments.length <= 3 && isOptionsObject(arguments.length === 3 ? tensor2 : arguments.length === 2 ? tensor1 : input)) return rebind(addcdiv, "addcdiv", arguments, ["input", "tensor1", "tensor2"], 3, ["value", "out"]);
  if (hasOut(args)) return withOut("addcdiv", args, (rest) => addcdiv(input, tensor1, tensor2, ...(rest as [])), "same", false, [input, tensor1, tensor2]);
  if (anyNamed(input, tensor1, tensor2)) return nameAll(hideNames([input, tensor1, tensor2], () => addcdiv(input, tensor1, tensor2, ...args)), unifiedNames(input, tensor1, tensor2));
  const value = valueOf("addcdiv", args);
  const [a, b] = checkAddc("addcdiv", input, tensor1, tensor2);
  if (resultTypeMany(input, a, b).isComplex) return input.add(a.div(b).mul(value));
  return ternaryOp(addcdivSpec("addcdiv", value, a, b), input, a, b);
}
export function addcdiv_(self: Tensor, tensor1: Tensor, tensor2: Tensor, ...args: Args<[], ValueOpts>): Tensor;
export function addcdiv_<A extends Rebound<[self: Tensor, tensor1: Tensor, tensor2: Tensor], ["self", "tensor1", "tensor2"], ValueOpts>>(...args: A): Tensor;
export function addcdiv_(self: Tensor, tensor1: Tensor, tensor2: Tensor, ...args: Args<[], ValueOpts>): Tensor {
  if (arguments.length <= 3 && isOptionsObject(arguments.length === 3 ? tensor2 : arguments.length === 2 ? tensor1 : self)) return rebind(addcdiv_, "addcdiv_", arguments, ["self", "tensor1", "tensor2"], 3, ["value"]);
  const value = valueOf("addcdiv_", args);
  const [a, b] = checkAddc("addcdiv_", self, tensor1, tensor2);
  const spec = addcdivSpec("addcdiv_", value, a, b);
  return ternaryInPlace("addcdiv_", spec, self, a, b, resultTypeMany(self, a, b), (s) => addcdiv(s, a, b, { value }));
}

/** In-place ternary op: the kernel writes straight into self when no graph is recorded. */
function ternaryInPlace(op: string, spec: TernarySpec, self: Tensor, a: Tensor, b: Tensor, promoted: DType, outOfPlace: (s: Tensor) => Tensor): Tensor {
  checkInplaceCast(op, promoted, self);
  return applyInPlace(op, self, [a, b], () => { ternaryOp({ ...spec, vjp: undefined }, self, a, b, self); }, outOfPlace);
}

declare module "../core/tensor.js" {
  interface Tensor {
    abs: Method<typeof abs>; abs_: Method<typeof abs_>; absolute: Method<typeof abs>; absolute_: Method<typeof abs_>;
    neg: Method<typeof neg>; neg_: Method<typeof neg_>; negative: Method<typeof neg>; negative_: Method<typeof neg_>;
    positive: Method<typeof positive>;
    sign: Method<typeof sign>; sign_: Method<typeof sign_>; sgn: Method<typeof sgn>; sgn_: Method<typeof sgn_>;
    exp: Method<typeof exp>; exp_: Method<typeof exp_>; exp2: Method<typeof exp2>; exp2_: Method<typeof exp2_>;
    expm1: Method<typeof expm1>; expm1_: Method<typeof expm1_>;
    log: Method<typeof log>; log_: Method<typeof log_>; log2: Method<typeof log2>; log2_: Method<typeof log2_>;
    log10: Method<typeof log10>; log10_: Method<typeof log10_>; log1p: Method<typeof log1p>; log1p_: Method<typeof log1p_>;
    sqrt: Method<typeof sqrt>; sqrt_: Method<typeof sqrt_>; rsqrt: Method<typeof rsqrt>; rsqrt_: Method<typeof rsqrt_>;
    square: Method<typeof square>; square_: Method<typeof square_>;
    reciprocal: Method<typeof reciprocal>; reciprocal_: Method<typeof reciprocal_>;
    sin: Method<typeof sin>; sin_: Method<typeof sin_>; cos: Method<typeof cos>; cos_: Method<typeof cos_>;
    tan: Method<typeof tan>; tan_: Method<typeof tan_>; asin: Method<typeof asin>; asin_: Method<typeof asin_>;
    acos: Method<typeof acos>; acos_: Method<typeof acos_>; atan: Method<typeof atan>; atan_: Method<typeof atan_>;
    sinh: Method<typeof sinh>; sinh_: Method<typeof sinh_>; cosh: Method<typeof cosh>; cosh_: Method<typeof cosh_>;
    tanh: Method<typeof tanh>; tanh_: Method<typeof tanh_>; asinh: Method<typeof asinh>; asinh_: Method<typeof asinh_>;
    acosh: Method<typeof acosh>; acosh_: Method<typeof acosh_>; atanh: Method<typeof atanh>; atanh_: Method<typeof atanh_>;
    arcsin: Method<typeof asin>; arcsin_: Method<typeof asin_>; arccos: Method<typeof acos>; arccos_: Method<typeof acos_>;
    arctan: Method<typeof atan>; arctan_: Method<typeof atan_>; arcsinh: Method<typeof asinh>; arcsinh_: Method<typeof asinh_>;
    arccosh: Method<typeof acosh>; arccosh_: Method<typeof acosh_>; arctanh: Method<typeof atanh>; arctanh_: Method<typeof atanh_>;
    sigmoid: Method<typeof sigmoid>; sigmoid_: Method<typeof sigmoid_>;
    deg2rad: Method<typeof deg2rad>; deg2rad_: Method<typeof deg2rad_>; rad2deg: Method<typeof rad2deg>; rad2deg_: Method<typeof rad2deg_>;
    floor: Method<typeof floor>; floor_: Method<typeof floor_>; ceil: Method<typeof ceil>; ceil_: Method<typeof ceil_>;
    trunc: Method<typeof trunc>; trunc_: Method<typeof trunc_>; fix: Method<typeof trunc>; fix_: Method<typeof trunc_>;
    round: Method<typeof round>; round_: Method<typeof round_>; frac: Method<typeof frac>; frac_: Method<typeof frac_>;
    nanToNum: Method<typeof nanToNum>; nanToNum_: Method<typeof nanToNum_>;
    clamp: Method<typeof clamp>; clamp_: Method<typeof clamp_>; clip: Method<typeof clamp>; clip_: Method<typeof clamp_>;
    clampMin: Method<typeof clampMin>; clampMin_: Method<typeof clampMin_>; clampMax: Method<typeof clampMax>; clampMax_: Method<typeof clampMax_>;
    pow: Method<(self: Tensor, exponent: TensorOrScalar) => Tensor>; pow_: Method<typeof pow_>;
    floatPower: Method<(self: Tensor, exponent: TensorOrScalar) => Tensor>; floatPower_: Method<typeof floatPower_>;
    atan2: Method<typeof atan2>; atan2_: Method<typeof atan2_>; arctan2: Method<typeof atan2>; arctan2_: Method<typeof atan2_>;
    hypot: Method<typeof hypot>; hypot_: Method<typeof hypot_>;
    copysign: Method<typeof copysign>; copysign_: Method<typeof copysign_>;
    fmod: Method<typeof fmod>; fmod_: Method<typeof fmod_>;
    remainder: Method<(self: Tensor, other: TensorOrScalar) => Tensor>; remainder_: Method<typeof remainder_>;
    maximum: Method<typeof maximum>; minimum: Method<typeof minimum>; fmax: Method<typeof fmax>; fmin: Method<typeof fmin>;
    logaddexp: Method<typeof logaddexp>; logaddexp2: Method<typeof logaddexp2>;
    ldexp: Method<typeof ldexp>; ldexp_: Method<typeof ldexp_>;
    frexp: Method<typeof frexp>; nextafter: Method<typeof nextafter>; nextafter_: Method<typeof nextafter_>; angle: Method<typeof angle>;
    gcd: Method<typeof gcd>; gcd_: Method<typeof gcd_>; lcm: Method<typeof lcm>; lcm_: Method<typeof lcm_>;
    lerp: Method<typeof lerp>; lerp_: Method<typeof lerp_>;
    addcmul: Method<typeof addcmul>; addcmul_: Method<typeof addcmul_>;
    addcdiv: Method<typeof addcdiv>; addcdiv_: Method<typeof addcdiv_>;
  }
}

installMethods({
  abs, abs_, absolute: abs, absolute_: abs_, neg, neg_, negative: neg, negative_: neg_, positive,
  sign, sign_, sgn, sgn_, exp, exp_, exp2, exp2_, expm1, expm1_, log, log_, log2, log2_, log10, log10_, log1p, log1p_,
  sqrt, sqrt_, rsqrt, rsqrt_, square, square_, reciprocal, reciprocal_,
  sin, sin_, cos, cos_, tan, tan_, asin, asin_, acos, acos_, atan, atan_, sinh, sinh_, cosh, cosh_, tanh, tanh_,
  asinh, asinh_, acosh, acosh_, atanh, atanh_, arcsin: asin, arcsin_: asin_, arccos: acos, arccos_: acos_,
  arctan: atan, arctan_: atan_, arcsinh: asinh, arcsinh_: asinh_, arccosh: acosh, arccosh_: acosh_, arctanh: atanh, arctanh_: atanh_,
  sigmoid, sigmoid_, deg2rad, deg2rad_, rad2deg, rad2deg_,
  floor, floor_, ceil, ceil_, trunc, trunc_, fix: trunc, fix_: trunc_, round, round_, frac, frac_, nanToNum, nanToNum_,
  clamp, clamp_, clip: clamp, clip_: clamp_, clampMin, clampMin_, clampMax, clampMax_,
  pow: (s: Tensor, e: TensorOrScalar) => pow(s, e), pow_, floatPower: (s: Tensor, e: TensorOrScalar) => floatPower(s, e), floatPower_,
  atan2, atan2_, arctan2: atan2, arctan2_: atan2_, hypot, hypot_, copysign, copysign_, fmod, fmod_,
  remainder: (s: Tensor, o: TensorOrScalar) => remainder(s, o), remainder_, maximum, minimum, fmax, fmin, logaddexp, logaddexp2, ldexp, ldexp_,
  frexp, nextafter, nextafter_, angle, gcd, gcd_, lcm, lcm_, lerp, lerp_, addcmul, addcmul_, addcdiv, addcdiv_,
});
