// torch.nn.functional activations: relu/relu6/elu/selu/celu/leaky_relu/hardtanh/rrelu, gelu, silu,
// mish, softplus, shrinks, softsign, hardsigmoid/hardswish, logsigmoid, glu, prelu, threshold,
// softmax/log_softmax/softmin (with PyTorch's implicit-dim rule), gumbel_softmax.

import { isNested } from "../../core/nested-kind.js";
import { nestedActivation } from "../../ops/nested-ops.js";
import { isNamed, namedRefusal } from "../../ops/named-engine.js";
import { autocasting } from "../../amp/state.js";
import { autocasts, runAutocast } from "../../amp/hook.js";
import { Tensor } from "../../core/tensor.js";
import { type DTypeLike, bool, roundToDType } from "../../core/dtype.js";
import { needsGrad, record } from "../../autograd/record.js";
import { normalizeDim } from "../../core/shape.js";
import { defaultGenerator, exponentialFill, type Generator } from "../../core/generator.js";
import { type Args, bindArgs, checkTensor, checkArgs, isOptionsObject, rebind, type Rebound } from "../../ops/args.js";
import { binaryMap, emptyTensor, toNumbers, writeNumbers } from "../../ops/engine.js";
import { sameOut, type UnarySpec } from "../../ops/pointwise-engine.js";
import { floatOnlyOut, fusedGrad, type Loop1, notImplementedFor, pyType, unaryFast, unaryFastInPlace, requireTensor } from "../../ops/pointwise-util.js";
import { activation, type Activation, activationGradLoop, eluActivation, runActivation } from "../../ops/native-activation.js";
import * as M from "../../ops/special-math.js";
import * as act from "../../ops/activation.js";
import { sigmoid as torchSigmoid, tanh as torchTanh } from "../../ops/pointwise.js";
import { erf } from "../../ops/special.js";
import { where } from "../../ops/comparison.js";
import { warnOnce } from "../../core/warnings.js";
import { implicitSoftmaxDim as implicitDim } from "./softmax-dim.js";
import { traceOp, tracing } from "../../onnx/hook.js";
import { onDevice } from "../../ops/device-hooks.js";
import { nativeUnary } from "../../ops/native-fast.js";
import { assignQuantized, isQuantizedTensor } from "../../ops/quantized-engine.js";
import { quantizedClamp, quantizedHardswish, quantizedLeakyRelu, quantizedRelu6 } from "../../ops/quantized-elementwise.js";

/** hardtanh of a quantized tensor: a clamp of its integers (in place when asked). */
function quantizedHardtanh(input: Tensor, minVal: number | undefined, maxVal: number | undefined, inplace: boolean): Tensor {
  const r = quantizedClamp(input, minVal ?? -1, maxVal ?? 1);
  return inplace ? assignQuantized(input, r) : r;
}

interface InplaceOpt { inplace?: boolean }

function inplaceOf(op: string, a: Record<string, unknown>): boolean {
  const v = a.inplace ?? false;
  if (typeof v !== "boolean") throw new Error(`${op}(): argument 'inplace' must be bool, not ${pyType(v)}`);
  return v;
}

// ---- relu family ----------------------------------------------------------------------------

/** F.relu(input, inplace=False). */
export function relu(input: Tensor, ...args: Args<[inplace?: boolean], InplaceOpt>): Tensor {
  const a = bindArgs("relu", args, ["inplace"], [], 1);
  return inplaceOf("relu", a) ? act.relu_(input) : act.relu(input);
}
export function relu_(input: Tensor): Tensor;
export function relu_<A extends Rebound<[input: Tensor], ["input"]>>(...args: A): Tensor;
export function relu_(input: Tensor): Tensor {
  if (arguments.length > 1) checkArgs("relu_", arguments, 1); else if (isOptionsObject(input)) return rebind(relu_, "relu_", arguments, ["input"], 1, []);
  return act.relu_(input);
}

function hardtanhActivation(input: Tensor, minVal: number, maxVal: number): Activation {
  if (input.dtype === bool) throw new Error("Bool inputs not supported for hardtanh");
  let lo = minVal, hi = maxVal;
  if (!input.dtype.isFloatingPoint) {
    lo = Math.trunc(lo); hi = Math.trunc(hi);
    if (input.dtype.name === "uint8" && (lo < 0 || hi < 0)) throw new Error("cannot do hardtanh on an unsigned type with negative limits");
  } else {
    lo = roundToDType(lo, input.dtype); hi = roundToDType(hi, input.dtype);
  }
  return activation("hardtanh", [lo, hi], {
    name: "hardtanh", node: "HardtanhBackward0", outDtype: sameOut,
    onnx: { kind: "hardtanh", attrs: { minVal: lo, maxVal: hi } },
  }, (x) => Math.min(Math.max(x, lo), hi),
  // NaN inputs get a zero gradient, as in PyTorch.
  (gv, xv) => (xv > lo && xv < hi ? gv : 0), (g, x) => where(x.gt(lo).logicalAnd(x.lt(hi)), g, 0));
}

interface HardtanhOpts { minVal?: number; maxVal?: number; inplace?: boolean }

/** F.hardtanh(input, min_val=-1., max_val=1., inplace=False). */
export function hardtanh(input: Tensor, ...args: Args<[minVal?: number, maxVal?: number, inplace?: boolean], HardtanhOpts>): Tensor {
  if (!(input instanceof Tensor)) requireTensor("hardtanh", "input", 1, input);
  if (isNamed(input)) throw namedRefusal("hardtanh");
  checkTensor("hardtanh", "input", input);
  const a = bindArgs("hardtanh", args, ["minVal", "maxVal", "inplace"], [], 1);
  if (isQuantizedTensor(input)) return quantizedHardtanh(input, a.minVal as number | undefined, a.maxVal as number | undefined, inplaceOf("hardtanh", a));
  const act = hardtanhActivation(input, (a.minVal as number | undefined) ?? -1, (a.maxVal as number | undefined) ?? 1);
  return runActivation(act, input, inplaceOf("hardtanh", a));
}
export function hardtanh_(input: Tensor, ...args: Args<[minVal?: number, maxVal?: number], HardtanhOpts>): Tensor {
  const a = bindArgs("hardtanh_", args, ["minVal", "maxVal"], [], 1);
  if (isQuantizedTensor(input)) return quantizedHardtanh(input, a.minVal as number | undefined, a.maxVal as number | undefined, true);
  return runActivation(hardtanhActivation(input, (a.minVal as number | undefined) ?? -1, (a.maxVal as number | undefined) ?? 1), input, true);
}

/** F.relu6(input, inplace=False) = hardtanh(input, 0, 6). */
export function relu6(input: Tensor, ...args: Args<[inplace?: boolean], InplaceOpt>): Tensor {
  checkTensor("relu6", "input", input);
  const a = bindArgs("relu6", args, ["inplace"], [], 1);
  if (isQuantizedTensor(input)) return inplaceOf("relu6", a) ? assignQuantized(input, quantizedRelu6(input)) : quantizedRelu6(input);
  return runActivation(hardtanhActivation(input, 0, 6), input, inplaceOf("relu6", a));
}

function leakyActivation(slope: number): Activation {
  if (typeof slope !== "number") throw new Error(`leaky_relu(): argument 'negative_slope' must be Number, not ${pyType(slope)}`);
  return activation("leakyRelu", [slope], {
    name: "leaky_relu", node: "LeakyReluBackward0", outDtype: floatOnlyOut("leaky_relu_cpu"),
    onnx: { kind: "leaky_relu", attrs: { negativeSlope: slope } },
  }, (x) => (x > 0 ? x : x * slope), (gv, xv) => (xv > 0 ? gv : gv * slope), (g, x) => where(x.gt(0), g, g.mul(slope)),
  (s, d, n) => { for (let i = 0; i < n; i++) { const v = s[i]!; d[i] = v > 0 ? v : v * slope; } },
  { kernel: "leaky_relu_backward", params: [slope] });
}

interface LeakyOpts { negativeSlope?: number; inplace?: boolean }

/** F.leaky_relu(input, negative_slope=0.01, inplace=False). */
export function leakyRelu(input: Tensor, ...args: Args<[negativeSlope?: number, inplace?: boolean], LeakyOpts>): Tensor {
  if (!(input instanceof Tensor)) requireTensor("leaky_relu", "input", 1, input);
  if (isNamed(input)) throw namedRefusal("leaky_relu");
  checkTensor("leaky_relu", "input", input);
  const a = bindArgs("leaky_relu", args, ["negativeSlope", "inplace"], [], 1);
  const slope = (a.negativeSlope as number | undefined) ?? 0.01;
  if (isQuantizedTensor(input)) return inplaceOf("leaky_relu", a) ? assignQuantized(input, quantizedLeakyRelu(input, slope)) : quantizedLeakyRelu(input, slope);
  return runActivation(leakyActivation(slope), input, inplaceOf("leaky_relu", a));
}
export function leakyRelu_(input: Tensor, ...args: Args<[negativeSlope?: number], LeakyOpts>): Tensor {
  const a = bindArgs("leaky_relu_", args, ["negativeSlope"], [], 1);
  return runActivation(leakyActivation((a.negativeSlope as number | undefined) ?? 0.01), input, true);
}

interface AlphaOpts { alpha?: number; inplace?: boolean }

/** F.elu(input, alpha=1.0, inplace=False). */
export function elu(input: Tensor, ...args: Args<[alpha?: number, inplace?: boolean], AlphaOpts>): Tensor {
  if (!(input instanceof Tensor)) requireTensor("elu", "input", 1, input);
  if (isNamed(input)) throw namedRefusal("elu");
  checkTensor("elu", "input", input);
  const a = bindArgs("elu", args, ["alpha", "inplace"], [], 1);
  return runActivation(eluActivation("EluBackward0", (a.alpha as number | undefined) ?? 1, 1, 1), input, inplaceOf("elu", a));
}
export function elu_(input: Tensor, ...args: Args<[alpha?: number], AlphaOpts>): Tensor {
  const a = bindArgs("elu_", args, ["alpha"], [], 1);
  return runActivation(eluActivation("EluBackward0", (a.alpha as number | undefined) ?? 1, 1, 1), input, true);
}

/** F.selu(input, inplace=False). */
export function selu(input: Tensor, ...args: Args<[inplace?: boolean], InplaceOpt>): Tensor {
  const a = bindArgs("selu", args, ["inplace"], [], 1);
  return inplaceOf("selu", a) ? act.selu_(input) : act.selu(input);
}
export function selu_(input: Tensor): Tensor;
export function selu_<A extends Rebound<[input: Tensor], ["input"]>>(...args: A): Tensor;
export function selu_(input: Tensor): Tensor {
  if (arguments.length > 1) checkArgs("selu_", arguments, 1); else if (isOptionsObject(input)) return rebind(selu_, "selu_", arguments, ["input"], 1, []);
  return act.selu_(input);
}

/** F.celu(input, alpha=1., inplace=False). */
export function celu(input: Tensor, ...args: Args<[alpha?: number, inplace?: boolean], AlphaOpts>): Tensor {
  const a = bindArgs("celu", args, ["alpha", "inplace"], [], 1);
  const alpha = (a.alpha as number | undefined) ?? 1;
  return inplaceOf("celu", a) ? act.celu_(input, alpha) : act.celu(input, alpha);
}
export function celu_(input: Tensor, ...args: Args<[alpha?: number], AlphaOpts>): Tensor {
  const a = bindArgs("celu_", args, ["alpha"], [], 1);
  return act.celu_(input, (a.alpha as number | undefined) ?? 1);
}

interface RreluOpts { lower?: number; upper?: number; training?: boolean; inplace?: boolean }

/** F.rrelu(input, lower=1/8, upper=1/3, training=False, inplace=False). */
export function rrelu(input: Tensor, ...args: Args<[lower?: number, upper?: number, training?: boolean, inplace?: boolean], RreluOpts>): Tensor {
  const a = bindArgs("rrelu", args, ["lower", "upper", "training", "inplace"], [], 1);
  const opts = { lower: (a.lower as number | undefined) ?? 1 / 8, upper: (a.upper as number | undefined) ?? 1 / 3, training: (a.training as boolean | undefined) ?? false };
  return inplaceOf("rrelu", a) ? act.rrelu_(input, opts) : act.rrelu(input, opts);
}
export function rrelu_(input: Tensor, ...args: Args<[lower?: number, upper?: number, training?: boolean], RreluOpts>): Tensor {
  const a = bindArgs("rrelu_", args, ["lower", "upper", "training"], [], 1);
  return act.rrelu_(input, { lower: (a.lower as number | undefined) ?? 1 / 8, upper: (a.upper as number | undefined) ?? 1 / 3, training: (a.training as boolean | undefined) ?? false });
}

interface ThresholdOpts { threshold?: number; value?: number; inplace?: boolean }

/** F.threshold(input, threshold, value, inplace=False). */
export function threshold(input: Tensor, ...args: Args<[threshold?: number, value?: number, inplace?: boolean], ThresholdOpts>): Tensor {
  const a = bindArgs("threshold", args, ["threshold", "value", "inplace"], [], 1);
  const rest = { threshold: a.threshold as number | undefined, value: a.value as number | undefined };
  return inplaceOf("threshold", a) ? act.threshold_(input, rest) : act.threshold(input, rest);
}
export function threshold_(input: Tensor, ...args: Args<[threshold?: number, value?: number], ThresholdOpts>): Tensor {
  return act.threshold_(input, ...args);
}

// ---- smooth activations ---------------------------------------------------------------------

const SQRT1_2 = Math.SQRT1_2;
const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);
const GELU_BETA = Math.SQRT2 * (2 / Math.sqrt(Math.PI)) * 0.5; // sqrt(2/pi)
const GELU_KAPPA = 0.044715;

function geluExactGrad(x: number): number {
  return 0.5 * (1 + M.erf(x * SQRT1_2)) + x * INV_SQRT_2PI * Math.exp(-0.5 * x * x);
}
function geluTanhGrad(x: number): number {
  const inner = GELU_BETA * (x + GELU_KAPPA * x * x * x);
  const t = Math.tanh(inner);
  const left = 0.5 * x, right = 1 + t;
  return 0.5 * right + left * (1 - t * t) * GELU_BETA * (1 + 3 * GELU_KAPPA * x * x);
}

const GELU_NONE = activation("gelu", [], {
  name: "gelu", node: "GeluBackward0", outDtype: floatOnlyOut("GeluKernelImpl"),
  onnx: { kind: "gelu", attrs: { approximate: "none" } },
}, (x) => 0.5 * x * (1 + M.erf(x * SQRT1_2)), (gv, xv) => gv * geluExactGrad(xv), (g, x) => {
  const cdf = erf(x.mul(SQRT1_2)).add(1).mul(0.5);
  const pdf = x.mul(x).mul(-0.5).exp().mul(INV_SQRT_2PI);
  return g.mul(cdf.add(x.mul(pdf)));
}, (s, d, n) => { for (let i = 0; i < n; i++) { const x = s[i]!; d[i] = 0.5 * x * (1 + M.erf(x * SQRT1_2)); } },
{ kernel: "gelu_backward" });

const GELU_TANH = activation("geluTanh", [], {
  name: "gelu", node: "GeluBackward0", outDtype: floatOnlyOut("GeluKernelImpl"),
  onnx: { kind: "gelu", attrs: { approximate: "tanh" } },
}, (x) => 0.5 * x * (1 + Math.tanh(GELU_BETA * (x + GELU_KAPPA * x * x * x))), (gv, xv) => gv * geluTanhGrad(xv), (g, x) => {
  const x2 = x.mul(x);
  const t = x.add(x2.mul(x).mul(GELU_KAPPA)).mul(GELU_BETA).tanh();
  const left = x.mul(0.5), right = t.add(1);
  const dInner = x2.mul(3 * GELU_KAPPA).add(1).mul(GELU_BETA);
  return g.mul(right.mul(0.5).add(left.mul(t.mul(t).neg().add(1)).mul(dInner)));
}, (s, d, n) => {
  for (let i = 0; i < n; i++) { const x = s[i]!; d[i] = 0.5 * x * (1 + Math.tanh(GELU_BETA * (x + GELU_KAPPA * x * x * x))); }
});

/** F.gelu(input, approximate='none'): x Φ(x) with erf, or the tanh approximation. */
export function gelu(input: Tensor, ...args: Args<[], { approximate?: "none" | "tanh" }>): Tensor {
  if (!(input instanceof Tensor)) requireTensor("gelu", "input", 1, input);
  if (isNamed(input)) throw namedRefusal("gelu");
  checkTensor("gelu", "input", input);
  const a = bindArgs("gelu", args, [], ["approximate"], 1);
  const mode = (a.approximate as string | undefined) ?? "none";
  if (mode !== "none" && mode !== "tanh") throw new Error("approximate argument must be either none or tanh.");
  if (isNested(input)) return nestedActivation("gelu", input, (c) => gelu(c, { approximate: mode }));
  return runActivation(mode === "tanh" ? GELU_TANH : GELU_NONE, input);
}

const sig = (x: number): number => 1 / (1 + Math.exp(-x));

const SILU: UnarySpec = {
  name: "silu", node: "SiluBackward0", outDtype: floatOnlyOut("silu_cpu"),
  f: nativeUnary((x: number) => x / (1 + Math.exp(-x)), "silu"),
  vjp: (g, x) => fusedGrad(g, x, (gv, xv) => { const s = sig(xv); return gv * s * (1 + xv * (1 - s)); }, () => {
    const s = torchSigmoid(x);
    return g.mul(s.mul(x.mul(s.neg().add(1)).add(1)));
  }, activationGradLoop("silu", [], (gs, xs, d, n) => { for (let i = 0; i < n; i++) { const x = xs[i]!, s = 1 / (1 + Math.exp(-x)); d[i] = gs[i]! * s * (1 + x * (1 - s)); } }),
  { kernel: "silu_backward" }),
};
const siluLoop: Loop1 = (s, d, n) => { for (let i = 0; i < n; i++) { const x = s[i]!; d[i] = x / (1 + Math.exp(-x)); } };
/** F.silu(input, inplace=False) = x * sigmoid(x). */
export function silu(input: Tensor, ...args: Args<[inplace?: boolean], InplaceOpt>): Tensor {
  if (!(input instanceof Tensor)) requireTensor("silu", "input", 1, input);
  if (isNamed(input)) throw namedRefusal("silu");
  checkTensor("silu", "input", input);
  const inplace = inplaceOf("silu", bindArgs("silu", args, ["inplace"], [], 1));
  // Complex: x * sigmoid(x), as PyTorch's complex kernel.
  if (input.dtype.isComplex) return inplace ? input.mul_(input.sigmoid()) : input.mul(input.sigmoid());
  return inplace ? unaryFastInPlace(SILU, siluLoop, input) : unaryFast(SILU, siluLoop, input);
}

const MISH = activation("mish", [], { name: "mish", node: "MishBackward0", outDtype: floatOnlyOut("mish_cpu") },
  (x) => x * Math.tanh(Math.log1p(Math.exp(x))), (gv, xv) => {
    const s = sig(xv), t = Math.tanh(Math.log1p(Math.exp(xv)));
    return gv * (t + xv * s * (1 - t * t));
  }, (g, x) => {
    const t = softplus(x).tanh(), s = torchSigmoid(x);
    return g.mul(t.add(x.mul(s).mul(t.mul(t).neg().add(1))));
  });
/** F.mish(input, inplace=False) = x * tanh(softplus(x)). */
export function mish(input: Tensor, ...args: Args<[inplace?: boolean], InplaceOpt>): Tensor {
  checkTensor("mish", "input", input);
  return runActivation(MISH, input, inplaceOf("mish", bindArgs("mish", args, ["inplace"], [], 1)));
}

interface SoftplusOpts { beta?: number; threshold?: number }

/** F.softplus(input, beta=1.0, threshold=20.0): log(1 + exp(beta x)) / beta, linear above threshold. */
export function softplus(input: Tensor, ...args: Args<[beta?: number, threshold?: number], SoftplusOpts>): Tensor {
  if (!(input instanceof Tensor)) requireTensor("softplus", "input", 1, input);
  if (isNamed(input)) throw namedRefusal("softplus");
  if (autocasting.on && autocasts("softplus", arguments)) return runAutocast(softplus, arguments);
  const a = bindArgs("softplus", args, ["beta", "threshold"], [], 1);
  const beta = (a.beta as number | undefined) ?? 1, th = (a.threshold as number | undefined) ?? 20;
  if (typeof beta !== "number") throw new Error(`softplus(): argument 'beta' must be Number, not ${pyType(beta)}`);
  if (typeof th !== "number") throw new Error(`softplus(): argument 'threshold' must be Number, not ${pyType(th)}`);
  return runActivation(activation("softplus", [beta, th], {
    name: "softplus", node: "SoftplusBackward0", outDtype: floatOnlyOut("softplus_cpu"),
    onnx: { kind: "softplus", attrs: { beta, threshold: th } },
  }, (x) => (x * beta > th ? x : Math.log1p(Math.exp(x * beta)) / beta), (gv, xv) => {
    const z = Math.exp(xv * beta);
    return xv * beta > th ? gv : (gv * z) / (z + 1);
  }, (g, x) => {
    const z = x.mul(beta).exp();
    return where(x.mul(beta).gt(th), g, g.mul(z).div(z.add(1)));
  }), input);
}

const LOG_SIGMOID = activation("logSigmoid", [], { name: "log_sigmoid", node: "LogSigmoidBackward0", outDtype: floatOnlyOut("log_sigmoid_cpu") },
  (x) => Math.min(x, 0) - Math.log1p(Math.exp(-Math.abs(x))), (gv, xv) => {
    const z = Math.exp(-Math.abs(xv));
    return xv < 0 ? gv * (1 - z / (1 + z)) : gv * (z / (1 + z));
  }, (g, x) => g.mul(torchSigmoid(x.neg())));

/** F.logsigmoid(input) = -softplus(-x), computed stably. */
export function logsigmoid(input: Tensor): Tensor;
export function logsigmoid<A extends Rebound<[input: Tensor], ["input"]>>(...args: A): Tensor;
export function logsigmoid(input: Tensor): Tensor {
  if (arguments.length > 1) checkArgs("logsigmoid", arguments, 1); else if (isOptionsObject(input)) return rebind(logsigmoid, "logsigmoid", arguments, ["input"], 1, []);
  checkTensor("logsigmoid", "input", input);
  return runActivation(LOG_SIGMOID, input);
}

const HARDSIGMOID = activation("hardsigmoid", [], { name: "hardsigmoid", node: "HardsigmoidBackward0", outDtype: floatOnlyOut("hardsigmoid_cpu") },
  (x) => Math.min(Math.max(x + 3, 0), 6) / 6, (gv, xv) => (xv > -3 && xv < 3 ? gv / 6 : 0), (g, x) => where(x.gt(-3).logicalAnd(x.lt(3)), g.div(6), 0));
/** F.hardsigmoid(input, inplace=False) = relu6(x + 3) / 6. */
export function hardsigmoid(input: Tensor, ...args: Args<[inplace?: boolean], InplaceOpt>): Tensor {
  checkTensor("hardsigmoid", "input", input);
  return runActivation(HARDSIGMOID, input, inplaceOf("hardsigmoid", bindArgs("hardsigmoid", args, ["inplace"], [], 1)));
}

const HARDSWISH = activation("hardswish", [], { name: "hardswish", node: "HardswishBackward0", outDtype: floatOnlyOut("hardswish_cpu") },
  (x) => (x * Math.min(Math.max(x + 3, 0), 6)) / 6, (gv, xv) => (xv < -3 ? 0 : xv >= 3 ? gv : gv * (xv / 3 + 0.5)),
  // Only the open interval (-3, 3) depends on x, so the second derivative vanishes at ±3 as in PyTorch.
  (g, x) => where(x.gt(-3).logicalAnd(x.lt(3)), g.mul(x.div(3).add(0.5)), where(x.lt(-3), 0, where(x.ge(3), g, g.mul(-0.5)))));
/** F.hardswish(input, inplace=False) = x * relu6(x + 3) / 6. */
export function hardswish(input: Tensor, ...args: Args<[inplace?: boolean], InplaceOpt>): Tensor {
  checkTensor("hardswish", "input", input);
  if (isQuantizedTensor(input)) return quantizedHardswish(input, input.qScale(), input.qZeroPoint());
  return runActivation(HARDSWISH, input, inplaceOf("hardswish", bindArgs("hardswish", args, ["inplace"], [], 1)));
}

// ---- shrinks / soft* ------------------------------------------------------------------------

function lambdOf(op: string, args: readonly unknown[]): number {
  const a = bindArgs(op, args, ["lambd"]);
  const l = (a.lambd as number | undefined) ?? 0.5;
  if (typeof l !== "number") throw new Error(`${op}(): argument 'lambd' must be Number, not ${pyType(l)}`);
  return l;
}

/** F.softshrink(input, lambd=0.5). */
export function softshrink(input: Tensor, ...args: Args<[lambd?: number], { lambd?: number }>): Tensor {
  checkTensor("softshrink", "input", input);
  const l = lambdOf("softshrink", args);
  if (l < 0) throw new Error(`lambda must be greater or equal to 0, but found to be ${l}.`);
  return runActivation(activation("softshrink", [l], {
    name: "softshrink", node: "SoftshrinkBackward0", outDtype: floatOnlyOut("softshrink_cpu"),
    onnx: { kind: "shrink", attrs: { lambd: l, bias: l } },
  }, (x) => (x > l ? x - l : x < -l ? x + l : 0),
  // NaN inputs give 0 and a zero gradient, as in PyTorch.
  (gv, xv) => (xv < -l || xv > l ? gv : 0), (g, x) => where(x.lt(-l).logicalOr(x.gt(l)), g, 0)), input);
}

/** F.hardshrink(input, lambd=0.5). */
export function hardshrink(input: Tensor, ...args: Args<[lambd?: number], { lambd?: number }>): Tensor {
  return act.hardshrink(input, ...args);
}

// tanhshrink and softsign are compositions in PyTorch (their nodes are the last op's); here one
// kernel each computes the same values, recorded under those node names.
const TANHSHRINK = activation("tanhshrink", [], { name: "tanhshrink", node: "SubBackward0", outDtype: floatOnlyOut("tanh_cpu") },
  (x) => x - Math.tanh(x), (gv, xv) => { const t = Math.tanh(xv); return gv * t * t; }, (g, x) => { const t = torchTanh(x); return g.mul(t).mul(t); });

/** F.tanhshrink(input) = x - tanh(x). */
export function tanhshrink(input: Tensor): Tensor;
export function tanhshrink<A extends Rebound<[input: Tensor], ["input"]>>(...args: A): Tensor;
export function tanhshrink(input: Tensor): Tensor {
  if (arguments.length > 1) checkArgs("tanhshrink", arguments, 1); else if (isOptionsObject(input)) return rebind(tanhshrink, "tanhshrink", arguments, ["input"], 1, []);
  checkTensor("tanhshrink", "input", input);
  // Integers, devices and ONNX tracing take the composition itself.
  if (!input.dtype.isFloatingPoint || onDevice(input) || tracing.on) return input.sub(torchTanh(input));
  return runActivation(TANHSHRINK, input);
}

const SOFTSIGN = activation("softsign", [], { name: "softsign", node: "DivBackward0", outDtype: floatOnlyOut("div_cpu") },
  (x) => x / (1 + Math.abs(x)),
  // x / (1 + |x|) differentiated as PyTorch's composition: NaN at ±inf (inf / inf).
  (gv, xv) => { const d = 1 + Math.abs(xv); return d === Infinity ? NaN : gv / (d * d); },
  (g, x) => { const d = x.abs().add(1); return g.div(d.mul(d)); });

/** F.softsign(input) = x / (1 + |x|). */
export function softsign(input: Tensor): Tensor;
export function softsign<A extends Rebound<[input: Tensor], ["input"]>>(...args: A): Tensor;
export function softsign(input: Tensor): Tensor {
  if (arguments.length > 1) checkArgs("softsign", arguments, 1); else if (isOptionsObject(input)) return rebind(softsign, "softsign", arguments, ["input"], 1, []);
  checkTensor("softsign", "input", input);
  const out = !input.dtype.isFloatingPoint || onDevice(input) ? input.div(input.abs().add(1)) : runActivation(SOFTSIGN, input);
  if (tracing.on) traceOp("softsign", [input], out);
  return out;
}

/** F.sigmoid / F.tanh: the torch ops. */
export function sigmoid(input: Tensor): Tensor;
export function sigmoid<A extends Rebound<[input: Tensor], ["input"]>>(...args: A): Tensor;
export function sigmoid(input: Tensor): Tensor {
  if (arguments.length > 1) checkArgs("sigmoid", arguments, 1); else if (isOptionsObject(input)) return rebind(sigmoid, "sigmoid", arguments, ["input"], 1, []);
  return torchSigmoid(input);
}
export function tanh(input: Tensor): Tensor;
export function tanh<A extends Rebound<[input: Tensor], ["input"]>>(...args: A): Tensor;
export function tanh(input: Tensor): Tensor {
  if (arguments.length > 1) checkArgs("tanh", arguments, 1); else if (isOptionsObject(input)) return rebind(tanh, "tanh", arguments, ["input"], 1, []);
  return torchTanh(input);
}

// ---- glu / prelu ----------------------------------------------------------------------------

/** F.glu(input, dim=-1): a * sigmoid(b) for the two halves of `dim`. */
export function glu(input: Tensor, ...args: Args<[dim?: number], { dim?: number }>): Tensor {
  checkTensor("glu", "input", input);
  const a = bindArgs("glu", args, ["dim"], [], 1);
  const dimArg = (a.dim as number | undefined) ?? -1;
  if (input.dim() === 0) throw new Error("glu does not support scalars because halving size must be even");
  const d = normalizeDim(dimArg, input.dim(), "glu");
  const n = input.shape[d]!;
  if (n % 2 !== 0) throw new Error(`Halving dimension must be even, but dimension ${d} is size ${n}`);
  if (!input.dtype.isFloatingPoint) throw notImplementedFor("glu_cpu", input.dtype);
  const half = n / 2;
  const first = input.detach().narrow(d, 0, half), second = input.detach().narrow(d, half, half);
  const out = binaryMap(first, second, input.dtype, (x, y) => x / (1 + Math.exp(-y)));
  const r = record("GluBackward0", [input], out, ([g]) => {
    const x = needsGrad(g!, input) ? input : input.detach();
    const fa = x.narrow(d, 0, half), fb = x.narrow(d, half, half);
    const s = torchSigmoid(fb);
    const ga = g!.mul(s), gb = g!.mul(fa).mul(s).mul(s.neg().add(1));
    return [x.newZeros(x.shape).sliceScatter(ga, d, 0, half).sliceScatter(gb, d, half, n)];
  }, [input]);
  if (tracing.on) traceOp("glu", [input], r, { dim: d });
  return r;
}

/** F.prelu(input, weight). */
export function prelu(input: Tensor, weight: Tensor): Tensor;
export function prelu<A extends Rebound<[input: Tensor, weight: Tensor], ["input", "weight"]>>(...args: A): Tensor;
export function prelu(input: Tensor, weight: Tensor): Tensor {
  if (autocasting.on && autocasts("prelu", arguments)) return runAutocast(prelu, arguments);
  if (arguments.length > 2) checkArgs("prelu", arguments, 2); else if (isOptionsObject(arguments.length === 2 ? weight : input)) return rebind(prelu, "prelu", arguments, ["input", "weight"], 2, []);
  return act.prelu(input, weight);
}

// ---- softmax family -------------------------------------------------------------------------


interface SoftmaxOpts { dim?: number | string | null; _stacklevel?: number; dtype?: DTypeLike | null }

function softmaxArgs(op: string, input: Tensor, args: readonly unknown[]): { dim: number; dtype: DTypeLike | null } {
  checkTensor(op, "input", input);
  const a = bindArgs(op, args, ["dim", "_stacklevel", "dtype"]);
  const dim = a.dim === undefined || a.dim === null ? implicitDim(op, input.dim()) : (a.dim as number);
  return { dim, dtype: (a.dtype as DTypeLike | null | undefined) ?? null };
}

/** F.softmax(input, dim=None, _stacklevel=3, dtype=None). */
export function softmax(input: Tensor, ...args: Args<[dim?: number | string | null, _stacklevel?: number, dtype?: DTypeLike | null], SoftmaxOpts>): Tensor {
  const { dim, dtype } = softmaxArgs("softmax", input, args);
  return act.softmax(input, dim, dtype);
}

/** F.log_softmax(input, dim=None, _stacklevel=3, dtype=None). */
export function logSoftmax(input: Tensor, ...args: Args<[dim?: number | string | null, _stacklevel?: number, dtype?: DTypeLike | null], SoftmaxOpts>): Tensor {
  const { dim, dtype } = softmaxArgs("log_softmax", input, args);
  return act.logSoftmax(input, dim, dtype);
}

/** F.softmin(input, dim=None, _stacklevel=3, dtype=None) = softmax(-input). */
export function softmin(input: Tensor, ...args: Args<[dim?: number | null, _stacklevel?: number, dtype?: DTypeLike | null], SoftmaxOpts>): Tensor {
  const { dim, dtype } = softmaxArgs("softmin", input, args);
  return act.softmax(input.neg(), dim, dtype);
}

interface GumbelOpts { tau?: number; hard?: boolean; eps?: number; dim?: number; generator?: Generator | null }

/**
 * F.gumbel_softmax(logits, tau=1, hard=False, eps=1e-10, dim=-1): softmax((logits + g) / tau) with
 * g = -log(Exponential(1)) drawn from the generator; `hard` returns the one-hot of the argmax
 * with the soft gradient (straight-through).
 */
export function gumbelSoftmax(logits: Tensor, ...args: Args<[tau?: number, hard?: boolean, eps?: number, dim?: number], GumbelOpts>): Tensor {
  checkTensor("gumbel_softmax", "logits", logits);
  const a = bindArgs("gumbel_softmax", args, ["tau", "hard", "eps", "dim"], ["generator"], 1);
  const tau = (a.tau as number | undefined) ?? 1, hard = (a.hard as boolean | undefined) ?? false;
  const dim = (a.dim as number | undefined) ?? -1;
  const gen = (a.generator as Generator | null | undefined) ?? defaultGenerator;
  if (!logits.dtype.isFloatingPoint) throw notImplementedFor("exponential_cpu", logits.dtype);
  const buf = logits.dtype.name === "float64" ? new Float64Array(logits.numel()) : new Float32Array(logits.numel());
  exponentialFill(gen, buf, 1, logits.dtype.name === "float64" ? "float64" : "float32");
  const gumbels = emptyTensor(logits.shape, logits.dtype);
  writeNumbers(gumbels, Array.from(buf, (v) => -Math.log(v)));
  const ySoft = act.softmax(logits.add(gumbels).div(tau), dim);
  if (!hard) return ySoft;
  const d = normalizeDim(dim, Math.max(ySoft.dim(), 1), "gumbel_softmax");
  const oneHot = emptyTensor(ySoft.shape, ySoft.dtype);
  writeNumbers(oneHot, argmaxOneHot(toNumbers(ySoft), ySoft.shape, d));
  return oneHot.sub(ySoft.detach()).add(ySoft);
}

/** 1 at the first maximum along `d`, 0 elsewhere (contiguous layout). */
function argmaxOneHot(v: ArrayLike<number>, shape: readonly number[], d: number): Float64Array {
  let outer = 1, inner = 1;
  for (let i = 0; i < d; i++) outer *= shape[i]!;
  for (let i = d + 1; i < shape.length; i++) inner *= shape[i]!;
  const size = shape.length === 0 ? 1 : shape[d]!;
  const out = new Float64Array(v.length);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      let best = -1, bv = -Infinity;
      for (let j = 0; j < size; j++) {
        const x = v[(o * size + j) * inner + i]!;
        if (best < 0 || x > bv || (x !== x && bv === bv)) { best = j; bv = x; }
      }
      if (best >= 0) out[(o * size + best) * inner + i] = 1;
    }
  }
  return out;
}
