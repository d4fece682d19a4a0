// Special functions: erf, erfc, erfinv, lgamma, digamma, polygamma, mvlgamma, i0, sinc, logit,
// xlogy, igamma, igammac (+ in-place forms), computed in double precision by ./special-math.ts and
// ./special-gamma-math.ts. torch.special's own functions are in ./special-namespace.ts.

import { autocasting } from "../amp/state.js";
import { autocasts, runAutocast } from "../amp/hook.js";
import { Tensor } from "../core/tensor.js";
import { roundToDType } from "../core/dtype.js";
import { type Args, bindArgs, checkTensor, installMethods, type Method, checkArgs, isOptionsObject, rebind, type Rebound } from "./args.js";
import { type BinarySpec, binaryInPlace, binaryOp, floatOut, gradFor, type UnarySpec, unaryInPlace, unaryOp } from "./pointwise-engine.js";
import { type TensorOrScalar } from "./promotion.js";
import { fusedGrad, notImplementedFor, pyType, requireTensor } from "./pointwise-util.js";
import { nativeUnary } from "./native-fast.js";
import * as M from "./special-math.js";
import { where } from "./comparison.js";
import { nativeTyped } from "./native-typed.js";
import { i1 } from "./special-namespace.js";
import { igamma as igammaKernel, igammac as igammacKernel } from "./special-gamma-math.js";

import { outCall, type OutOption, hasOut, withOut } from "./out.js";
const TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);
const HALF_SQRT_PI = 0.5 * Math.sqrt(Math.PI);

const ERF: UnarySpec = {
  name: "erf", node: "ErfBackward0", f: nativeUnary(M.erf, "erf"),
  vjp: (g, x) => fusedGrad(g, x, (gv, xv) => gv * TWO_OVER_SQRT_PI * Math.exp(-xv * xv), () => g.mul(x.pow(2).neg().exp().mul(TWO_OVER_SQRT_PI))),
};
const ERFC: UnarySpec = {
  name: "erfc", node: "ErfcBackward0", f: nativeUnary(M.erfc, "erfc"),
  vjp: (g, x) => fusedGrad(g, x, (gv, xv) => -gv * TWO_OVER_SQRT_PI * Math.exp(-xv * xv), () => g.mul(x.pow(2).neg().exp().mul(-TWO_OVER_SQRT_PI))),
};
const ERFINV: UnarySpec = {
  name: "erfinv", node: "ErfinvBackward0", f: nativeUnary(M.erfinv, "erfinv"), savesOutput: true,
  vjp: (g, _x, out) => g.mul(out.pow(2).exp().mul(HALF_SQRT_PI)),
};
const LGAMMA: UnarySpec = { name: "lgamma", node: "LgammaBackward0", f: nativeUnary(M.lgamma, "lgamma"), vjp: (g, x) => g.mul(digamma(x)) };
const DIGAMMA: UnarySpec = { name: "digamma", node: "DigammaBackward0", f: nativeUnary(M.digamma, "digamma"), vjp: (g, x) => g.mul(polygamma(1, x)) };
const I0: UnarySpec = { name: "i0", node: "I0Backward0", f: nativeUnary(M.i0, "i0"), vjp: (g, x) => g.mul(i1(x)) };

const SINC: UnarySpec = {
  name: "sinc", node: "SincBackward0", f: nativeUnary(M.sinc, "sinc"),
  vjp: (g, x) => {
    const px = x.mul(Math.PI);
    const d = px.mul(px.cos()).sub(px.sin()).div(px.mul(x));
    return where(x.eq(0), 0, g.mul(d));
  },
};

export function erf(input: Tensor, options?: OutOption): Tensor;
export function erf<A extends Rebound<[input: Tensor], ["input"], OutOption>>(...args: A): Tensor;
export function erf(input: Tensor, options?: OutOption): Tensor {
  if (arguments.length > 1) return outCall("erf", arguments, 1, () => erf(input)); else if (isOptionsObject(input)) return rebind(erf, "erf", arguments, ["input"], 1, ["out"]);
  return unaryOp(ERF, input);
}
export function erf_(self: Tensor): Tensor;
export function erf_<A extends Rebound<[self: Tensor], ["self"]>>(...args: A): Tensor;
export function erf_(self: Tensor): Tensor {
  if (arguments.length > 1) checkArgs("erf_", arguments, 1); else if (isOptionsObject(self)) return rebind(erf_, "erf_", arguments, ["self"], 1, []);
  return unaryInPlace(ERF, self);
}
export function erfc(input: Tensor, options?: OutOption): Tensor;
export function erfc<A extends Rebound<[input: Tensor], ["input"], OutOption>>(...args: A): Tensor;
export function erfc(input: Tensor, options?: OutOption): Tensor {
  if (arguments.length > 1) return outCall("erfc", arguments, 1, () => erfc(input)); else if (isOptionsObject(input)) return rebind(erfc, "erfc", arguments, ["input"], 1, ["out"]);
  return unaryOp(ERFC, input);
}
export function erfc_(self: Tensor): Tensor;
export function erfc_<A extends Rebound<[self: Tensor], ["self"]>>(...args: A): Tensor;
export function erfc_(self: Tensor): Tensor {
  if (arguments.length > 1) checkArgs("erfc_", arguments, 1); else if (isOptionsObject(self)) return rebind(erfc_, "erfc_", arguments, ["self"], 1, []);
  return unaryInPlace(ERFC, self);
}
export function erfinv(input: Tensor, options?: OutOption): Tensor;
export function erfinv<A extends Rebound<[input: Tensor], ["input"], OutOption>>(...args: A): Tensor;
export function erfinv(input: Tensor, options?: OutOption): Tensor {
  if (autocasting.on && autocasts("erfinv", arguments)) return runAutocast(erfinv, arguments);
  if (arguments.length > 1) return outCall("erfinv", arguments, 1, () => erfinv(input)); else if (isOptionsObject(input)) return rebind(erfinv, "erfinv", arguments, ["input"], 1, ["out"]);
  return unaryOp(ERFINV, input);
}
export function erfinv_(self: Tensor): Tensor;
export function erfinv_<A extends Rebound<[self: Tensor], ["self"]>>(...args: A): Tensor;
export function erfinv_(self: Tensor): Tensor {
  if (arguments.length > 1) checkArgs("erfinv_", arguments, 1); else if (isOptionsObject(self)) return rebind(erfinv_, "erfinv_", arguments, ["self"], 1, []);
  return unaryInPlace(ERFINV, self);
}
export function lgamma(input: Tensor, options?: OutOption): Tensor;
export function lgamma<A extends Rebound<[input: Tensor], ["input"], OutOption>>(...args: A): Tensor;
export function lgamma(input: Tensor, options?: OutOption): Tensor {
  if (arguments.length > 1) return outCall("lgamma", arguments, 1, () => lgamma(input)); else if (isOptionsObject(input)) return rebind(lgamma, "lgamma", arguments, ["input"], 1, ["out"]);
  return unaryOp(LGAMMA, input);
}
export function lgamma_(self: Tensor): Tensor;
export function lgamma_<A extends Rebound<[self: Tensor], ["self"]>>(...args: A): Tensor;
export function lgamma_(self: Tensor): Tensor {
  if (arguments.length > 1) checkArgs("lgamma_", arguments, 1); else if (isOptionsObject(self)) return rebind(lgamma_, "lgamma_", arguments, ["self"], 1, []);
  return unaryInPlace(LGAMMA, self);
}
export function digamma(input: Tensor, options?: OutOption): Tensor;
export function digamma<A extends Rebound<[input: Tensor], ["input"], OutOption>>(...args: A): Tensor;
export function digamma(input: Tensor, options?: OutOption): Tensor {
  if (arguments.length > 1) return outCall("digamma", arguments, 1, () => digamma(input)); else if (isOptionsObject(input)) return rebind(digamma, "digamma", arguments, ["input"], 1, ["out"]);
  return unaryOp(DIGAMMA, input);
}
export function digamma_(self: Tensor): Tensor;
export function digamma_<A extends Rebound<[self: Tensor], ["self"]>>(...args: A): Tensor;
export function digamma_(self: Tensor): Tensor {
  if (arguments.length > 1) checkArgs("digamma_", arguments, 1); else if (isOptionsObject(self)) return rebind(digamma_, "digamma_", arguments, ["self"], 1, []);
  return unaryInPlace(DIGAMMA, self);
}
export function i0(input: Tensor, options?: OutOption): Tensor;
export function i0<A extends Rebound<[input: Tensor], ["input"], OutOption>>(...args: A): Tensor;
export function i0(input: Tensor, options?: OutOption): Tensor {
  if (arguments.length > 1) return outCall("i0", arguments, 1, () => i0(input)); else if (isOptionsObject(input)) return rebind(i0, "i0", arguments, ["input"], 1, ["out"]);
  return unaryOp(I0, input);
}
export function i0_(self: Tensor): Tensor;
export function i0_<A extends Rebound<[self: Tensor], ["self"]>>(...args: A): Tensor;
export function i0_(self: Tensor): Tensor {
  if (arguments.length > 1) checkArgs("i0_", arguments, 1); else if (isOptionsObject(self)) return rebind(i0_, "i0_", arguments, ["self"], 1, []);
  return unaryInPlace(I0, self);
}
export function sinc(input: Tensor, options?: OutOption): Tensor;
export function sinc<A extends Rebound<[input: Tensor], ["input"], OutOption>>(...args: A): Tensor;
export function sinc(input: Tensor, options?: OutOption): Tensor {
  if (arguments.length > 1) return outCall("sinc", arguments, 1, () => sinc(input)); else if (isOptionsObject(input)) return rebind(sinc, "sinc", arguments, ["input"], 1, ["out"]);
  return unaryOp(SINC, input);
}
export function sinc_(self: Tensor): Tensor;
export function sinc_<A extends Rebound<[self: Tensor], ["self"]>>(...args: A): Tensor;
export function sinc_(self: Tensor): Tensor {
  if (arguments.length > 1) checkArgs("sinc_", arguments, 1); else if (isOptionsObject(self)) return rebind(sinc_, "sinc_", arguments, ["self"], 1, []);
  return unaryInPlace(SINC, self);
}

// ---- polygamma / mvlgamma -------------------------------------------------------------------

function polygammaSpec(n: number): UnarySpec {
  if (typeof n !== "number" || !Number.isInteger(n)) throw new Error(`polygamma(): argument 'n' must be int, not ${pyType(n)}`);
  if (n < 0) throw new Error("polygamma(n, x) does not support negative n.");
  return { name: "polygamma", node: "PolygammaBackward0", f: (x) => M.polygamma(n, x), vjp: (g, x) => g.mul(polygamma(n + 1, x)), onnx: { kind: "polygamma", attrs: { n } } };
}

/** torch.polygamma(n, input): the n-th derivative of digamma. */
export function polygamma(n: number, input: Tensor, options?: OutOption): Tensor;
export function polygamma<A extends Rebound<[n: number, input: Tensor], ["n", "input"], OutOption>>(...args: A): Tensor;
export function polygamma(n: number, input: Tensor, options?: OutOption): Tensor {
  if (arguments.length > 2) return outCall("polygamma", arguments, 2, () => polygamma(n, input)); else if (isOptionsObject(arguments.length === 2 ? input : n)) return rebind(polygamma, "polygamma", arguments, ["n", "input"], 2, ["out"]);
  checkTensor("polygamma", "input", input);
  return unaryOp(polygammaSpec(n), input);
}
export function polygamma_(self: Tensor, n: number): Tensor;
export function polygamma_<A extends Rebound<[self: Tensor, n: number], ["self", "n"]>>(...args: A): Tensor;
export function polygamma_(self: Tensor, n: number): Tensor {
  if (arguments.length > 2) checkArgs("polygamma_", arguments, 2); else if (isOptionsObject(arguments.length === 2 ? n : self)) return rebind(polygamma_, "polygamma_", arguments, ["self", "n"], 2, []);
  return unaryInPlace(polygammaSpec(n), self);
}

function mvlgammaSpec(input: Tensor, p: number): UnarySpec {
  if (typeof p !== "number" || !Number.isInteger(p)) throw new Error(`mvlgamma(): argument 'p' must be int, not ${pyType(p)}`);
  if (input.dtype.name === "bool") throw new Error("The input tensor may not be a boolean tensor.");
  if (p < 1) throw new Error("p has to be greater than or equal to 1");
  const c = (p * (p - 1) / 4) * Math.log(Math.PI);
  return {
    name: "mvlgamma", node: "MvlgammaBackward0",
    f: (x) => { let s = c; for (let j = 0; j < p; j++) s += M.lgamma(x - j / 2); return s; },
    vjp: (g, x) => {
      let d = digamma(x);
      for (let j = 1; j < p; j++) d = d.add(digamma(x.sub(j / 2)));
      return g.mul(d);
    },
  };
}

/** torch.mvlgamma(input, p): the multivariate log-gamma function. */
export function mvlgamma(input: Tensor, p: number, options?: OutOption): Tensor;
export function mvlgamma<A extends Rebound<[input: Tensor, p: number], ["input", "p"], OutOption>>(...args: A): Tensor;
export function mvlgamma(input: Tensor, p: number, options?: OutOption): Tensor {
  if (arguments.length > 2) return outCall("mvlgamma", arguments, 2, () => mvlgamma(input, p)); else if (isOptionsObject(arguments.length === 2 ? p : input)) return rebind(mvlgamma, "mvlgamma", arguments, ["input", "p"], 2, ["out"]);
  checkTensor("mvlgamma", "input", input);
  return unaryOp(mvlgammaSpec(input, p), input);
}
export function mvlgamma_(self: Tensor, p: number): Tensor;
export function mvlgamma_<A extends Rebound<[self: Tensor, p: number], ["self", "p"]>>(...args: A): Tensor;
export function mvlgamma_(self: Tensor, p: number): Tensor {
  if (arguments.length > 2) checkArgs("mvlgamma_", arguments, 2); else if (isOptionsObject(arguments.length === 2 ? p : self)) return rebind(mvlgamma_, "mvlgamma_", arguments, ["self", "p"], 2, []);
  return unaryInPlace(mvlgammaSpec(self, p), self);
}

// ---- logit ----------------------------------------------------------------------------------

interface LogitOpts { eps?: number | null }

function logitSpec(op: string, args: readonly unknown[], dtype: Tensor["dtype"]): UnarySpec {
  const a = bindArgs(op, args, ["eps"], [], 1);
  const eps = (a.eps as number | null | undefined) ?? null;
  if (eps !== null && typeof eps !== "number") throw new Error(`${op}(): argument 'eps' must be float, not ${pyType(eps)}`);
  const outDtype = floatOut(dtype);
  if (eps === null || eps < 0) {
    return {
      name: "logit", node: "LogitBackward0", f: nativeUnary((x: number) => Math.log(x / (1 - x)), "logit"), onnx: { kind: "logit", attrs: { lo: null, hi: null } },
      vjp: (g, x) => fusedGrad(g, x, (gv, xv) => gv / (xv * (1 - xv)), () => g.div(x.mul(x.neg().add(1)))),
    };
  }
  const lo = roundToDType(eps, outDtype), hi = roundToDType(1 - eps, outDtype);
  return {
    name: "logit", node: "LogitBackward0", onnx: { kind: "logit", attrs: { lo, hi } },
    f: nativeUnary((x: number) => { const z = x < lo ? lo : x > hi ? hi : x; return Math.log(z / (1 - z)); }, "logitEps", [lo, hi]),
    vjp: (g, x) => fusedGrad(g, x, (gv, xv) => (xv < lo || xv > hi ? 0 : gv / (xv * (1 - xv))),
      () => where(x.lt(lo).logicalOr(x.gt(hi)), 0, g.div(x.mul(x.neg().add(1))))),
  };
}

/** torch.logit(input, eps=None): log(p / (1 - p)), with p clamped to [eps, 1 - eps] when eps is given. */
export function logit(input: Tensor, ...args: Args<[eps?: number | null], LogitOpts & OutOption>): Tensor {
  if (hasOut(args)) return withOut("logit", args, (rest) => logit(input, ...(rest as [never])), "cast", false, [input]);
  checkTensor("logit", "input", input);
  return unaryOp(logitSpec("logit", args, input.dtype), input);
}
export function logit_(self: Tensor, ...args: Args<[eps?: number | null], LogitOpts>): Tensor {
  return unaryInPlace(logitSpec("logit_", args, self.dtype), self);
}

// ---- xlogy ----------------------------------------------------------------------------------

const xlogyKernel = nativeTyped(xlogyJs, "xlogy");
function xlogyJs(x: number, y: number): number {
  if (y !== y) return NaN;
  if (x === 0) return 0;
  return x * Math.log(y);
}

function xlogySpec(form: "tensor" | "scalarSelf" | "scalarOther", other: TensorOrScalar): BinarySpec {
  const node = form === "tensor" ? "XlogyBackward0" : form === "scalarSelf" ? "XlogyBackward1" : "XlogyBackward2";
  return {
    name: "xlogy", node, f: xlogyKernel, outDtype: floatOut,
    vjp: (g, a, b) => {
      let ga: Tensor | null = null;
      if (a._requiresGrad) {
        const base = xlogy(g, b);
        ga = form === "scalarOther"
          ? (Number(other) > 0 ? base : where(a.eq(0), 0, base))
          : where(a.eq(0).logicalAnd(b.le(0)), 0, base);
        ga = gradFor(ga, a);
      }
      const gb = b._requiresGrad ? gradFor(g.mul(a).div(b), b) : null;
      return [ga, gb];
    },
  };
}

/** torch.xlogy(input, other): input * log(other), 0 where input is 0 (NaN where other is NaN). */
export function xlogy(input: TensorOrScalar, other: TensorOrScalar, options?: OutOption): Tensor;
export function xlogy<A extends Rebound<[input: TensorOrScalar, other: TensorOrScalar], ["input", "other"], OutOption>>(...args: A): Tensor;
export function xlogy(input: TensorOrScalar, other: TensorOrScalar, options?: OutOption): Tensor {
  if (arguments.length > 2) return outCall("xlogy", arguments, 2, () => xlogy(input, other)); else if (isOptionsObject(arguments.length === 2 ? other : input)) return rebind(xlogy, "xlogy", arguments, ["input", "other"], 2, ["out"]);
  if (!(input instanceof Tensor) && !(other instanceof Tensor)) {
    throw new Error(`xlogy() received an invalid combination of arguments - got (${pyType(input)}, ${pyType(other)})`);
  }
  const form = !(input instanceof Tensor) ? "scalarSelf" : other instanceof Tensor ? "tensor" : "scalarOther";
  return binaryOp(xlogySpec(form, other), input, other);
}
export function xlogy_(self: Tensor, other: TensorOrScalar): Tensor;
export function xlogy_<A extends Rebound<[self: Tensor, other: TensorOrScalar], ["self", "other"]>>(...args: A): Tensor;
export function xlogy_(self: Tensor, other: TensorOrScalar): Tensor {
  if (arguments.length > 2) checkArgs("xlogy_", arguments, 2); else if (isOptionsObject(arguments.length === 2 ? other : self)) return rebind(xlogy_, "xlogy_", arguments, ["self", "other"], 2, []);
  return binaryInPlace(xlogySpec(other instanceof Tensor ? "tensor" : "scalarOther", other), self, other, (s) => xlogy(s, other));
}

// ---- igamma / igammac -------------------------------------------------------------------------

// The regularized incomplete gamma functions P(a, x) and Q(a, x): PyTorch differentiates them in x only.
function igammaSpec(upper: boolean): BinarySpec {
  const op = upper ? "igammac" : "igamma";
  return {
    name: op, node: upper ? "IgammacBackward0" : "IgammaBackward0", f: upper ? igammacKernel : igammaKernel,
    outDtype: (d) => { if (!d.isFloatingPoint) throw notImplementedFor(`${op}_cpu`, d); return d; },
    vjp: (g, a, x) => {
      if (a._requiresGrad) throw new Error(`the derivative for '${op}: input' is not implemented.`);
      if (!x._requiresGrad) return [null, null];
      // d/dx P(a, x) = x^(a-1) e^-x / Γ(a) = -d/dx Q(a, x).
      const density = a.sub(1).mul(x.log()).sub(x).sub(lgamma(a)).exp();
      return [null, gradFor(upper ? g.mul(density).neg() : g.mul(density), x)];
    },
  };
}
const IGAMMA = igammaSpec(false), IGAMMAC = igammaSpec(true);

function igammaCall(op: string, spec: BinarySpec, input: unknown, other: unknown): Tensor {
  requireTensor(op, "input", 1, input);
  const x = requireTensor(op, "other", 2, other);
  return binaryOp(spec, input as Tensor, x);
}

/** torch.igamma(input, other): the regularized lower incomplete gamma function P(input, other). */
export function igamma(input: Tensor, other: Tensor, options?: OutOption): Tensor;
export function igamma<A extends Rebound<[input: Tensor, other: Tensor], ["input", "other"], OutOption>>(...args: A): Tensor;
export function igamma(input: Tensor, other: Tensor, options?: OutOption): Tensor {
  if (arguments.length > 2) return outCall("igamma", arguments, 2, () => igamma(input, other)); else if (isOptionsObject(arguments.length === 2 ? other : input)) return rebind(igamma, "igamma", arguments, ["input", "other"], 2, ["out"]);
  return igammaCall("igamma", IGAMMA, input, other);
}
export function igamma_(self: Tensor, other: Tensor): Tensor;
export function igamma_<A extends Rebound<[self: Tensor, other: Tensor], ["self", "other"]>>(...args: A): Tensor;
export function igamma_(self: Tensor, other: Tensor): Tensor {
  if (arguments.length > 2) checkArgs("igamma_", arguments, 2); else if (isOptionsObject(arguments.length === 2 ? other : self)) return rebind(igamma_, "igamma_", arguments, ["self", "other"], 2, []);
  requireTensor("igamma_", "other", 1, other);
  return binaryInPlace(IGAMMA, self, other, (s) => igamma(s, other));
}
/** torch.igammac(input, other): the regularized upper incomplete gamma function Q(input, other). */
export function igammac(input: Tensor, other: Tensor, options?: OutOption): Tensor;
export function igammac<A extends Rebound<[input: Tensor, other: Tensor], ["input", "other"], OutOption>>(...args: A): Tensor;
export function igammac(input: Tensor, other: Tensor, options?: OutOption): Tensor {
  if (arguments.length > 2) return outCall("igammac", arguments, 2, () => igammac(input, other)); else if (isOptionsObject(arguments.length === 2 ? other : input)) return rebind(igammac, "igammac", arguments, ["input", "other"], 2, ["out"]);
  return igammaCall("igammac", IGAMMAC, input, other);
}
export function igammac_(self: Tensor, other: Tensor): Tensor;
export function igammac_<A extends Rebound<[self: Tensor, other: Tensor], ["self", "other"]>>(...args: A): Tensor;
export function igammac_(self: Tensor, other: Tensor): Tensor {
  if (arguments.length > 2) checkArgs("igammac_", arguments, 2); else if (isOptionsObject(arguments.length === 2 ? other : self)) return rebind(igammac_, "igammac_", arguments, ["self", "other"], 2, []);
  requireTensor("igammac_", "other", 1, other);
  return binaryInPlace(IGAMMAC, self, other, (s) => igammac(s, other));
}

declare module "../core/tensor.js" {
  interface Tensor {
    erf: Method<typeof erf>; erf_: Method<typeof erf_>; erfc: Method<typeof erfc>; erfc_: Method<typeof erfc_>;
    erfinv: Method<typeof erfinv>; erfinv_: Method<typeof erfinv_>;
    lgamma: Method<typeof lgamma>; lgamma_: Method<typeof lgamma_>; digamma: Method<typeof digamma>; digamma_: Method<typeof digamma_>;
    polygamma: (n: number) => Tensor; polygamma_: Method<typeof polygamma_>;
    mvlgamma: Method<typeof mvlgamma>; mvlgamma_: Method<typeof mvlgamma_>;
    i0: Method<typeof i0>; i0_: Method<typeof i0_>; sinc: Method<typeof sinc>; sinc_: Method<typeof sinc_>;
    logit: Method<typeof logit>; logit_: Method<typeof logit_>;
    xlogy: Method<(self: Tensor, other: TensorOrScalar) => Tensor>; xlogy_: Method<typeof xlogy_>;
    igamma: Method<typeof igamma>; igamma_: Method<typeof igamma_>; igammac: Method<typeof igammac>; igammac_: Method<typeof igammac_>;
  }
}

installMethods({
  erf, erf_, erfc, erfc_, erfinv, erfinv_, lgamma, lgamma_, digamma, digamma_,
  polygamma: (self: Tensor, n: number) => polygamma(n, self), polygamma_, mvlgamma, mvlgamma_,
  i0, i0_, sinc, sinc_, logit, logit_, xlogy: (s: Tensor, o: TensorOrScalar) => xlogy(s, o), xlogy_,
  igamma, igamma_, igammac, igammac_,
});
