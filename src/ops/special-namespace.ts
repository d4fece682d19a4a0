// torch.special: PyTorch's special-function namespace. Functions that alias torch ops are those
// ops (re-exported under torch.special's names); the others compute with the double-precision
// scalar kernels of special-bessel-math.ts, special-normal-math.ts, special-gamma-math.ts and
// special-poly-math.ts through the pointwise engine (float32 computed in double and rounded; integer
// and bool inputs give the default float dtype). They run on the CPU: a webgpu tensor gets the
// device's "not implemented" error from the engine.

import { Tensor } from "../core/tensor.js";
import type { DType, DTypeLike } from "../core/dtype.js";
import { type Args, bindArgs, checkTensor, isOptionsObject, rebind, type Rebound } from "./args.js";
import { type BinarySpec, binaryOp, floatOut, gradFor, type UnarySpec, unaryOp } from "./pointwise-engine.js";
import { resultType, type TensorOrScalar } from "./promotion.js";
import { notImplementedFor, pyType } from "./pointwise-util.js";
import { outCall, type OutOption } from "./out.js";
import { where } from "./comparison.js";
import { softmax as torchSoftmax, logSoftmax as torchLogSoftmax } from "./activation.js";
import { i0 as torchI0, igamma, igammac } from "./special.js";
import * as M from "./special-math.js";
import * as B from "./special-bessel-math.js";
import * as N from "./special-normal-math.js";
import { POLYNOMIALS, type PolynomialName } from "./special-poly-math.js";

export { erf, erfc, erfinv, digamma, digamma as psi, lgamma as gammaln, polygamma, mvlgamma as multigammaln, i0, sinc, logit, xlogy } from "./special.js";
export { sigmoid as expit, exp2, expm1, log1p, round } from "./pointwise.js";
export { logsumexp } from "./reduction-more.js";

const SQRT_2PI = Math.sqrt(2 * Math.PI);
const TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);

/** The input dtypes of PyTorch 1.13's CPU kernels: floating ones except float16 (and bfloat16 unless listed). */
function checkFloatKernel(kernel: string, d: DType, bfloat16: boolean): void {
  if (d.name === "float16" || (d.name === "bfloat16" && !bfloat16)) throw notImplementedFor(kernel, d);
}

type UnaryFunction = (input: Tensor, options?: OutOption) => Tensor;

/** A torch.special function of one tensor (spec.name is PyTorch's op name, `special_<name>`). */
function unaryFunction(spec: UnarySpec, bfloat16 = false): UnaryFunction {
  const op = spec.name, kernel = `${op.replace(/^special_/, "")}_cpu`;
  const f = function (input: Tensor, options?: OutOption): Tensor {
    if (arguments.length > 1) return outCall(op, arguments, 1, () => f(input)); else if (isOptionsObject(input)) return rebind(f, op, arguments, ["input"], 1, ["out"]);
    checkTensor(op, "input", input);
    checkFloatKernel(kernel, input.dtype, bfloat16);
    return unaryOp(spec, input);
  };
  return f;
}

// ---- exponentially scaled and modified Bessel functions with gradients -----------------------

const I0E: UnarySpec = {
  name: "special_i0e", node: "SpecialI0EBackward0", f: B.i0e, savesOutput: true, savesInput: true,
  vjp: (g, x, out) => g.mul(i1e(x).sub(x.sgn().mul(out))),
};
const I1E: UnarySpec = {
  name: "special_i1e", node: "SpecialI1EBackward0", f: B.i1e, savesOutput: true, savesInput: true,
  // d/dx i1e = i0e(x) - i1e(x) (sgn(x) + 1/x), 1/2 at 0.
  vjp: (g, x, out) => g.mul(where(x.eq(0), 0.5, i0e(x).sub(out.mul(x.sgn().add(x.reciprocal()))))),
};
// I1 is the derivative of I0; its own derivative is I0(x) - I1(x)/x (1/2 at 0).
const I1: UnarySpec = {
  name: "special_i1", node: "SpecialI1Backward0", f: M.i1, savesOutput: true, savesInput: true,
  vjp: (g, x, out) => g.mul(where(x.eq(0), 0.5, torchI0(x).sub(out.div(x)))),
};

/** exp(-|x|) I0(x). */
export const i0e = unaryFunction(I0E, true);
/** exp(-|x|) I1(x). */
export const i1e = unaryFunction(I1E);
/** The modified Bessel function of the first kind of order 1 (torch.i0's derivative). */
export function i1(input: Tensor, options?: OutOption): Tensor;
export function i1<A extends Rebound<[input: Tensor], ["input"], OutOption>>(...args: A): Tensor;
export function i1(input: Tensor, options?: OutOption): Tensor {
  if (arguments.length > 1) return outCall("special_i1", arguments, 1, () => i1(input)); else if (isOptionsObject(input)) return rebind(i1, "special_i1", arguments, ["input"], 1, ["out"]);
  checkTensor("special_i1", "input", input);
  checkFloatKernel("i1_cpu", input.dtype, false);
  return unaryOp(I1, input);
}

// ---- the normal distribution, erfcx, entr ----------------------------------------------------

/** The standard normal CDF: (1 + erf(x/√2)) / 2, composed as PyTorch does (its gradient flows through erf). */
export function ndtr(input: Tensor, options?: OutOption): Tensor;
export function ndtr<A extends Rebound<[input: Tensor], ["input"], OutOption>>(...args: A): Tensor;
export function ndtr(input: Tensor, options?: OutOption): Tensor {
  if (arguments.length > 1) return outCall("special_ndtr", arguments, 1, () => ndtr(input)); else if (isOptionsObject(input)) return rebind(ndtr, "special_ndtr", arguments, ["input"], 1, ["out"]);
  checkTensor("special_ndtr", "input", input);
  checkFloatKernel("erf_vml_cpu", input.dtype, true);
  return input.mul(Math.SQRT1_2).erf().add(1).mul(0.5);
}

export const ndtri = unaryFunction({
  name: "special_ndtri", node: "SpecialNdtriBackward0", f: N.ndtri, savesOutput: true,
  vjp: (g, _x, out) => g.mul(out.square().div(2).exp().mul(SQRT_2PI)),
});
export const logNdtr = unaryFunction({
  name: "special_log_ndtr", node: "SpecialLogNdtrBackward0", f: N.logNdtr, savesOutput: true, savesInput: true,
  vjp: (g, x, out) => g.div(SQRT_2PI).mul(out.add(x.square().div(2)).neg().exp()),
});
export const erfcx = unaryFunction({
  name: "special_erfcx", node: "SpecialErfcxBackward0", f: N.erfcx, savesOutput: true, savesInput: true,
  vjp: (g, x, out) => x.mul(out).mul(2).sub(TWO_OVER_SQRT_PI).mul(g),
});
/** -x log(x) elementwise. */
export const entr = unaryFunction({
  name: "special_entr", node: "SpecialEntrBackward0", f: N.entr,
  vjp: (g, x) => g.mul(x.log().add(1).neg()),
}, true);

// ---- functions PyTorch gives no gradient (their results do not require grad) ------------------

const plain = (name: string, f: (x: number) => number): UnaryFunction => unaryFunction({ name: `special_${name}`, node: `special_${name}`, f });
export const airyAi = plain("airy_ai", B.airyAi);
export const besselJ0 = plain("bessel_j0", B.besselJ0);
export const besselJ1 = plain("bessel_j1", B.besselJ1);
export const besselY0 = plain("bessel_y0", B.besselY0);
export const besselY1 = plain("bessel_y1", B.besselY1);
export const modifiedBesselI0 = plain("modified_bessel_i0", B.modifiedBesselI0);
export const modifiedBesselI1 = plain("modified_bessel_i1", B.modifiedBesselI1);
export const modifiedBesselK0 = plain("modified_bessel_k0", B.modifiedBesselK0);
export const modifiedBesselK1 = plain("modified_bessel_k1", B.modifiedBesselK1);
export const scaledModifiedBesselK0 = plain("scaled_modified_bessel_k0", B.scaledModifiedBesselK0);
export const scaledModifiedBesselK1 = plain("scaled_modified_bessel_k1", B.scaledModifiedBesselK1);
export const sphericalBesselJ0 = plain("spherical_bessel_j0", B.sphericalBesselJ0);

// ---- binary functions: a tensor and a tensor or a Python number ------------------------------

type ScalarForm = "tensor" | "scalarSelf" | "scalarOther";
type BinaryFunction = (input: TensorOrScalar, other: TensorOrScalar, options?: OutOption) => Tensor;

/** The form of a call that takes (Tensor, Tensor), (Number, Tensor) or (Tensor, Number), or PyTorch's error. */
function scalarForm(op: string, a: unknown, b: unknown, names: readonly [string, string]): ScalarForm {
  const isNumber = (v: unknown): boolean => typeof v === "number" || typeof v === "bigint" || typeof v === "boolean";
  if (a instanceof Tensor) {
    if (b instanceof Tensor) return "tensor";
    if (isNumber(b)) return "scalarOther";
  } else if (isNumber(a) && b instanceof Tensor) return "scalarSelf";
  const [x, y] = names;
  throw new Error(`${op}() received an invalid combination of arguments - got (${pyType(a)}, ${pyType(b)}), but expected one of:\n` +
    ` * (Tensor ${x}, Tensor ${y}, *, Tensor out)\n * (Number ${x === "input" ? "self" : x}, Tensor ${y}, *, Tensor out)\n * (Tensor ${x}, Number ${y}, *, Tensor out)\n`);
}

/**
 * A torch.special function of two operands: `spec(form)` for the call's form; float16 (and bfloat16
 * unless listed) refused, in PyTorch's words, for the kernels 1.13 has no half version of.
 */
function binaryFunction(op: string, names: readonly [string, string], spec: (form: ScalarForm) => BinarySpec, acceptsHalf: boolean): BinaryFunction {
  const kernel = `${op.replace(/^special_/, "")}_cpu`;
  const f = function (input: TensorOrScalar, other: TensorOrScalar, options?: OutOption): Tensor {
    if (arguments.length > 2) return outCall(op, arguments, 2, () => f(input, other)); else if (isOptionsObject(arguments.length === 2 ? other : input)) return rebind(f, op, arguments, names, 2, ["out"]);
    const form = scalarForm(op, input, other, names);
    if (!acceptsHalf) checkFloatKernel(kernel, resultType(input, other), false);
    return binaryOp(spec(form), input, other);
  };
  return f;
}

function notImplementedGrad(what: string): never {
  throw new Error(`the derivative for '${what}' is not implemented.`);
}

const ZETA_NODES = { tensor: "SpecialZetaBackward0", scalarSelf: "SpecialZetaBackward1", scalarOther: "SpecialZetaBackward2" };
/** The Hurwitz zeta function ζ(x, q); PyTorch differentiates it in q only. */
export const zeta = binaryFunction("special_zeta", ["input", "other"], (form) => ({
  name: "special_zeta", node: ZETA_NODES[form], f: M.zeta, outDtype: floatOut,
  vjp: (g, x, q) => {
    if (x._requiresGrad) notImplementedGrad("zeta");
    return [null, q._requiresGrad ? gradFor(g.mul(x.neg()).mul(zeta(x.add(1), q)), q) : null];
  },
}), false);

const XLOG1PY_NODES = { tensor: "SpecialXlog1PyBackward0", scalarSelf: "SpecialXlog1PyBackward1", scalarOther: "SpecialXlog1PyBackward2" };
/** x log1p(y), 0 where x is 0 (NaN where y is NaN). */
export const xlog1py = binaryFunction("special_xlog1py", ["input", "other"], (form) => ({
  name: "special_xlog1py", node: XLOG1PY_NODES[form], f: N.xlog1py, outDtype: floatOut,
  vjp: (g, x, y) => {
    let gx: Tensor | null = null;
    if (x._requiresGrad) {
      const base = xlog1py(g, y);
      // 0 * log1p(y) has no gradient blow-up at y <= -1 where x is 0 (a Number y > -1 never does).
      gx = form === "scalarOther" && Number(y.item()) > -1 ? base : where(x.eq(0).logicalAnd(y.le(-1)), 0, base);
      gx = gradFor(gx, x);
    }
    return [gx, y._requiresGrad ? gradFor(g.mul(x).div(y.add(1)), y) : null];
  },
}), true);

// ---- the incomplete gamma functions (torch.igamma / torch.igammac under SciPy's names) -------

function tensorPair(op: string, input: unknown, other: unknown): void {
  if (!(input instanceof Tensor)) throw new Error(`${op}(): argument 'input' (position 1) must be Tensor, not ${pyType(input)}`);
  if (!(other instanceof Tensor)) throw new Error(`${op}(): argument 'other' (position 2) must be Tensor, not ${pyType(other)}`);
}

/** The regularized lower incomplete gamma function P(input, other) (torch.igamma). */
export function gammainc(input: Tensor, other: Tensor, options?: OutOption): Tensor;
export function gammainc<A extends Rebound<[input: Tensor, other: Tensor], ["input", "other"], OutOption>>(...args: A): Tensor;
export function gammainc(input: Tensor, other: Tensor, options?: OutOption): Tensor {
  if (arguments.length > 2) return outCall("special_gammainc", arguments, 2, () => gammainc(input, other)); else if (isOptionsObject(arguments.length === 2 ? other : input)) return rebind(gammainc, "special_gammainc", arguments, ["input", "other"], 2, ["out"]);
  tensorPair("special_gammainc", input, other);
  return igamma(input, other);
}
/** The regularized upper incomplete gamma function Q(input, other) (torch.igammac). */
export function gammaincc(input: Tensor, other: Tensor, options?: OutOption): Tensor;
export function gammaincc<A extends Rebound<[input: Tensor, other: Tensor], ["input", "other"], OutOption>>(...args: A): Tensor;
export function gammaincc(input: Tensor, other: Tensor, options?: OutOption): Tensor {
  if (arguments.length > 2) return outCall("special_gammaincc", arguments, 2, () => gammaincc(input, other)); else if (isOptionsObject(arguments.length === 2 ? other : input)) return rebind(gammaincc, "special_gammaincc", arguments, ["input", "other"], 2, ["out"]);
  tensorPair("special_gammaincc", input, other);
  return igammac(input, other);
}

// ---- orthogonal polynomials at (x, n) (no gradients in PyTorch) --------------------------------

function polynomial(name: PolynomialName): BinaryFunction {
  const spec: BinarySpec = { name: `special_${name}`, node: `special_${name}`, f: POLYNOMIALS[name], outDtype: floatOut };
  return binaryFunction(`special_${name}`, ["x", "n"], () => spec, false);
}
export const chebyshevPolynomialT = polynomial("chebyshev_polynomial_t");
export const chebyshevPolynomialU = polynomial("chebyshev_polynomial_u");
export const chebyshevPolynomialV = polynomial("chebyshev_polynomial_v");
export const chebyshevPolynomialW = polynomial("chebyshev_polynomial_w");
export const shiftedChebyshevPolynomialT = polynomial("shifted_chebyshev_polynomial_t");
export const shiftedChebyshevPolynomialU = polynomial("shifted_chebyshev_polynomial_u");
export const shiftedChebyshevPolynomialV = polynomial("shifted_chebyshev_polynomial_v");
export const shiftedChebyshevPolynomialW = polynomial("shifted_chebyshev_polynomial_w");
export const hermitePolynomialH = polynomial("hermite_polynomial_h");
export const hermitePolynomialHe = polynomial("hermite_polynomial_he");
export const laguerrePolynomialL = polynomial("laguerre_polynomial_l");
export const legendrePolynomialP = polynomial("legendre_polynomial_p");

// ---- softmax / log_softmax: dim required, dtype keyword-only ----------------------------------

interface SoftmaxOpts { dim?: number; dtype?: DTypeLike | null }

function softmaxArgs(op: string, args: readonly unknown[]): { dim: number; dtype: DTypeLike | null | undefined } {
  const a = bindArgs(op, args, ["dim"], ["dtype"], 1);
  if (a.dim === undefined || a.dim === null) throw new Error(`${op}() missing 1 required positional arguments: "dim"`);
  return { dim: a.dim as number, dtype: a.dtype as DTypeLike | null | undefined };
}

/** torch.special.softmax(input, dim, *, dtype=None). */
export function softmax(input: Tensor, ...args: Args<[dim: number], SoftmaxOpts>): Tensor {
  const { dim, dtype } = softmaxArgs("special_softmax", args);
  return torchSoftmax(input, dim, dtype ?? null);
}
/** torch.special.log_softmax(input, dim, *, dtype=None). */
export function logSoftmax(input: Tensor, ...args: Args<[dim: number], SoftmaxOpts>): Tensor {
  const { dim, dtype } = softmaxArgs("special_log_softmax", args);
  return torchLogSoftmax(input, dim, dtype ?? null);
}
