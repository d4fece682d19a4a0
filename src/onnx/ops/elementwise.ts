// Elementwise ops: arithmetic, comparisons, logic, unary math and every activation.

import { type DType, bool, getDefaultDtype, int64, promoteTypes } from "../../core/dtype.js";
import type { ConvertContext, Converter } from "../context.js";
import { attr } from "../graph.js";

/** A binary op computed in the output dtype (bool add/mul are or/and, as in PyTorch). */
function binary(opType: string): Converter {
  return (c) => {
    if (c.arity !== 2) c.fail("has no ONNX mapping in this form (it does not record both operands)");
    const d = c.outDtype();
    const t = d === bool && opType === "Add" ? "Or" : d === bool && opType === "Mul" ? "And" : opType;
    return c.op(t, [c.inputAs(0, d), c.inputAs(1, d)]);
  };
}

/** The dtype two operands are compared in (PyTorch's promotion, numbers adapting to the tensor). */
function comparedIn(c: ConvertContext): DType {
  const a = c.dtypeOf(0)!, b = c.dtypeOf(1);
  if (b === null) {
    const s = c.value(1).scalar;
    return typeof s === "number" && !Number.isInteger(s) && !a.isFloatingPoint ? getDefaultDtype() : a;
  }
  return promoteTypes(a, b);
}

function compare(opType: string, negate = false): Converter {
  return (c) => {
    const d = comparedIn(c);
    const r = c.op(opType, [c.inputAs(0, d), c.inputAs(1, d)]);
    return negate ? c.op("Not", [r]) : r;
  };
}

function logical(opType: string): Converter {
  return (c) => c.op(opType, [c.inputAs(0, bool), c.inputAs(1, bool)]);
}

/** A unary op on the input cast to the output dtype (int → float math). */
function unary(opType: string, attrs: Parameters<ConvertContext["op"]>[2] = {}): Converter {
  return (c) => c.op(opType, [c.inputAs(0, c.outDtype())], attrs);
}

function scalarOf(c: ConvertContext, v: number): string { return c.g.scalar(v, c.outDtype()); }

const silu: Converter = (c) => {
  const x = c.inputAs(0, c.outDtype());
  return c.op("Mul", [x, c.op("Sigmoid", [x])]);
};

const mish: Converter = (c) => {
  const x = c.inputAs(0, c.outDtype());
  if (c.opset >= 18) return c.op("Mish", [x]);
  return c.op("Mul", [x, c.op("Tanh", [c.op("Softplus", [x])])]);
};

/** erf form of GELU (ONNX has Gelu only from opset 20). */
const gelu: Converter = (c) => {
  const x = c.input(0);
  const half = scalarOf(c, 0.5), one = scalarOf(c, 1);
  if (c.attr<string>("approximate") === "tanh") {
    const cube = c.op("Mul", [c.op("Mul", [x, x]), x]);
    const inner = c.op("Mul", [c.op("Add", [x, c.op("Mul", [cube, scalarOf(c, 0.044715)])]), scalarOf(c, Math.sqrt(2 / Math.PI))]);
    return c.op("Mul", [c.op("Mul", [x, half]), c.op("Add", [c.op("Tanh", [inner]), one])]);
  }
  const erf = c.op("Erf", [c.op("Div", [x, scalarOf(c, Math.SQRT2)])]);
  return c.op("Mul", [c.op("Mul", [x, half]), c.op("Add", [erf, one])]);
};

/** PyTorch's softplus: log(1 + exp(βx)) / β, and x itself where βx > threshold. */
const softplus: Converter = (c) => {
  const x = c.input(0);
  const beta = c.attr<number>("beta"), th = c.attr<number>("threshold");
  const bx = beta === 1 ? x : c.op("Mul", [x, scalarOf(c, beta)]);
  let sp = c.op("Softplus", [bx]);
  if (beta !== 1) sp = c.op("Div", [sp, scalarOf(c, beta)]);
  return c.op("Where", [c.op("Greater", [bx, scalarOf(c, th)]), x, sp]);
};

/** eluSpec's (alpha, scale, inputScale): Elu, Selu or Celu. */
const elu: Converter = (c) => {
  const x = c.input(0);
  const alpha = c.attr<number>("alpha"), scale = c.attr<number>("scale"), inputScale = c.attr<number>("inputScale");
  if (inputScale === 1 && scale === 1) return c.op("Elu", [x], { alpha: attr.f(alpha) });
  if (inputScale === 1) return c.op("Selu", [x], { alpha: attr.f(alpha), gamma: attr.f(scale) });
  if (scale === 1 && Math.abs(inputScale * alpha - 1) < 1e-12) return c.op("Celu", [x], { alpha: attr.f(alpha) });
  const neg = c.op("Mul", [c.op("Sub", [c.op("Exp", [c.op("Mul", [x, scalarOf(c, inputScale)])]), scalarOf(c, 1)]), scalarOf(c, alpha * scale)]);
  return c.op("Where", [c.op("Greater", [x, scalarOf(c, 0)]), c.op("Mul", [x, scalarOf(c, scale)]), neg]);
};

const hardtanh: Converter = (c) => {
  const d = c.outDtype();
  return c.op("Clip", [c.input(0), c.g.scalar(c.attr<number>("minVal"), d), c.g.scalar(c.attr<number>("maxVal"), d)]);
};

const threshold: Converter = (c) => {
  const d = c.outDtype();
  const x = c.input(0);
  return c.op("Where", [c.op("Greater", [x, c.g.scalar(c.attr<number>("threshold"), d)]), x, c.g.scalar(c.attr<number>("value"), d)]);
};

const shrink: Converter = (c) => c.op("Shrink", [c.input(0)], { lambd: attr.f(c.attr<number>("lambd")), bias: attr.f(c.attr<number>("bias")) });

/** clamp(x, min, max) with numbers: Clip. */
const clampScalar: Converter = (c) => {
  const d = c.outDtype();
  const bound = (key: string): string => {
    const v = c.attr<number | null>(key);
    return v === null ? "" : c.g.scalar(v, d);
  };
  return c.op("Clip", [c.inputAs(0, d), bound("min"), bound("max")]);
};

/** clamp(x, min, max) with tensor bounds (ClampBackward0 records [x, min|null, max|null]). */
const clampTensor: Converter = (c) => {
  const d = c.outDtype();
  let x = c.inputAs(0, d);
  const scalarBounds = [1, 2].every((i) => !c.has(i) || c.value(i).shape.length === 0);
  if (scalarBounds) return c.op("Clip", [x, c.has(1) ? c.inputAs(1, d) : "", c.has(2) ? c.inputAs(2, d) : ""]);
  if (c.has(1)) x = c.op("Max", [x, c.inputAs(1, d)]);
  if (c.has(2)) x = c.op("Min", [x, c.inputAs(2, d)]);
  return x;
};

const softsign: Converter = (c) => c.op("Softsign", [c.inputAs(0, c.outDtype())]);

const logSigmoid: Converter = (c) => c.op("Neg", [c.op("Softplus", [c.op("Neg", [c.inputAs(0, c.outDtype())])])]);

const rsqrt: Converter = (c) => c.op("Reciprocal", [c.op("Sqrt", [c.inputAs(0, c.outDtype())])]);

/** round/trunc/frac on integers: the value itself (ONNX's Round and Floor take floats only). */
function rounding(onFloat: (c: ConvertContext, x: string) => string, onInteger: (c: ConvertContext, x: string) => string = (_c, x) => x): Converter {
  return (c) => {
    const x = c.inputAs(0, c.outDtype());
    return c.outDtype().isFloatingPoint ? onFloat(c, x) : onInteger(c, x);
  };
}

/** trunc(x) = sign(x) * floor(|x|), exact for every float. */
function truncOf(c: ConvertContext, x: string): string {
  return c.op("Mul", [c.op("Sign", [x]), c.op("Floor", [c.op("Abs", [x])])]);
}

/** log2 and log10 as ln(x) / ln(base). */
function logBase(base: number): Converter {
  return (c) => c.op("Div", [c.op("Log", [c.inputAs(0, c.outDtype())]), scalarOf(c, Math.log(base))]);
}

/**
 * repeat(sizes): Tile by the ratio of the output to the input shape (leading new dims unsqueezed
 * first). A count that differs between the traces (x.repeat(n) with n = a dynamic size) is read
 * from the dynamic axes.
 */
const repeat: Converter = (c) => {
  const inDims = c.value(0).shape, inB = c.value(0).b?.shape ?? inDims;
  const outA = c.out().shape, outB = c.out().b?.shape ?? outA;
  const lead = outA.length - inDims.length;
  const reps = outA.map((o, i) => {
    const n = i < lead ? 1 : inDims[i - lead]!, nb = i < lead ? 1 : inB[i - lead]!;
    if (n === 0 || nb === 0 || o % n !== 0 || outB[i]! % nb !== 0) c.fail(`cannot tell the repeat count of dim ${i} from the shapes [${inDims.join(", ")}] → [${outA.join(", ")}]`);
    return { a: o / n, b: outB[i]! / nb };
  });
  const x = lead > 0 ? c.op("Unsqueeze", [c.input(0), c.g.ints(Array.from({ length: lead }, (_, i) => i))]) : c.input(0);
  return reps.every((r) => r.a === 1 && r.b === 1) ? x : c.op("Tile", [x, c.env.shapeTensor(reps, c.label)]);
};

/** bitwise and/or/xor: And/Or/Xor on bools, BitwiseAnd/Or/Xor on integers (which opset 18 added). */
function bitwiseBinary(logic: "And" | "Or" | "Xor"): Converter {
  return (c) => {
    const d = c.outDtype();
    if (d === bool) return c.op(logic, [c.inputAs(0, bool), c.inputAs(1, bool)]);
    if (c.opset < 18) c.fail(`on ${d.name} needs opset 18 (Bitwise${logic}); export with opsetVersion: 18 (this export is at opset ${c.opset})`);
    return c.op(`Bitwise${logic}`, [c.inputAs(0, d), c.inputAs(1, d)]);
  };
}

/** bitwise_not: Not on bools, -x - 1 on integers (two's complement; BitwiseNot needs opset 18). */
const bitwiseNot: Converter = (c) => {
  const d = c.dtypeOf(0)!;
  if (d === bool) return c.op("Not", [c.input(0)]);
  return c.op("Sub", [c.op("Neg", [c.input(0)]), c.g.scalar(1, d)]);
};

/**
 * F.one_hot: OneHot with off/on values 0/1 along a new last dim. Without num_classes (-1) the
 * depth is read from the values at run time, max + 1, as PyTorch infers it.
 */
const oneHot: Converter = (c) => {
  const values = c.g.constant(int64, [0, 1], [2]);
  const depth = c.attr<boolean>("inferred")
    ? c.op("Add", [c.op("ReduceMax", [c.input(0)], { keepdims: attr.i(0) }), c.g.scalar(1, int64)])
    : c.g.scalar(c.attr<number>("numClasses"), int64);
  return c.op("OneHot", [c.input(0), depth, values], { axis: attr.i(-1) });
};

const glu: Converter = (c) => {
  const dim = c.attr<number>("dim");
  const half = c.value(0).shape[dim]! / 2;
  const [a, b] = c.g.node("Split", [c.input(0), c.g.ints([half, half])], { axis: attr.i(dim) }, 2) as [string, string];
  return c.op("Mul", [a, c.op("Sigmoid", [b])]);
};

const where: Converter = (c) => {
  const d = c.outDtype();
  return c.op("Where", [c.inputAs(0, bool), c.inputAs(1, d), c.inputAs(2, d)]);
};

/** masked_fill(input, mask, value) = where(mask, value, input). */
const maskedFill: Converter = (c) => {
  const d = c.outDtype();
  return c.op("Where", [c.inputAs(1, bool), c.inputAs(2, d), c.inputAs(0, d)]);
};

const hardSigmoid: Converter = (c) => c.op("HardSigmoid", [c.inputAs(0, c.outDtype())], { alpha: attr.f(1 / 6), beta: attr.f(0.5) });

export const ELEMENTWISE: Record<string, Converter> = {
  // arithmetic, by autograd node (the number operands arrive as 0-d constants)
  AddBackward0: binary("Add"),
  SubBackward0: binary("Sub"),
  // rsub records (other, input): other - input.
  RsubBackward0: binary("Sub"),
  RsubBackward1: binary("Sub"),
  MulBackward0: binary("Mul"),
  DivBackward0: binary("Div"),
  PowBackward0: binary("Pow"),
  PowBackward1: binary("Pow"),
  PowBackward2: binary("Pow"),
  pow_scalar: (c) => c.op("Pow", [c.inputAs(0, c.outDtype()), c.g.scalar(c.attr<number>("exponent"), c.outDtype())]),
  MaximumBackward0: binary("Max"),
  MinimumBackward0: binary("Min"),
  ClampBackward0: clampTensor,
  clamp: clampScalar,
  NegBackward0: unary("Neg"),
  AbsBackward0: unary("Abs"),
  ExpBackward0: unary("Exp"),
  LogBackward0: unary("Log"),
  SqrtBackward0: unary("Sqrt"),
  RsqrtBackward0: rsqrt,
  ReciprocalBackward0: unary("Reciprocal"),
  SinBackward0: unary("Sin"),
  CosBackward0: unary("Cos"),
  TanBackward0: unary("Tan"),
  ErfBackward0: unary("Erf"),
  FloorBackward0: unary("Floor"),
  CeilBackward0: unary("Ceil"),
  SignBackward0: unary("Sign"),
  AsinBackward0: unary("Asin"),
  AcosBackward0: unary("Acos"),
  AtanBackward0: unary("Atan"),
  SinhBackward0: unary("Sinh"),
  CoshBackward0: unary("Cosh"),
  AsinhBackward0: unary("Asinh"),
  AcoshBackward0: unary("Acosh"),
  AtanhBackward0: unary("Atanh"),
  Log2Backward0: logBase(2),
  Log10Backward0: logBase(10),
  Exp2Backward0: (c) => c.op("Pow", [scalarOf(c, 2), c.inputAs(0, c.outDtype())]),
  // round(x) without decimals is half-to-even in both
  RoundBackward0: rounding((c, x) => c.op("Round", [x])),
  TruncBackward0: rounding(truncOf),
  FracBackward0: rounding((c, x) => c.op("Sub", [x, truncOf(c, x)]), (c, x) => c.op("Sub", [x, x])),
  RepeatBackward0: repeat,
  bitwise_not: bitwiseNot,
  bitwise_and: bitwiseBinary("And"),
  bitwise_or: bitwiseBinary("Or"),
  bitwise_xor: bitwiseBinary("Xor"),
  one_hot: oneHot,
  // activations
  ReluBackward0: unary("Relu"),
  SigmoidBackward0: unary("Sigmoid"),
  TanhBackward0: unary("Tanh"),
  SiluBackward0: silu,
  MishBackward0: mish,
  HardsigmoidBackward0: hardSigmoid,
  HardswishBackward0: unary("HardSwish"),
  LogSigmoidBackward0: logSigmoid,
  PreluKernelBackward0: (c) => c.op("PRelu", [c.input(0), c.input(1)]),
  leaky_relu: (c) => c.op("LeakyRelu", [c.input(0)], { alpha: attr.f(c.attr<number>("negativeSlope")) }),
  elu,
  hardtanh,
  gelu,
  softplus,
  softsign,
  threshold,
  shrink,
  glu,
  // comparisons and logic
  eq: compare("Equal"),
  ne: compare("Equal", true),
  lt: compare("Less"),
  le: compare("LessOrEqual"),
  gt: compare("Greater"),
  ge: compare("GreaterOrEqual"),
  logical_and: logical("And"),
  logical_or: logical("Or"),
  logical_xor: logical("Xor"),
  logical_not: (c) => c.op("Not", [c.inputAs(0, bool)]),
  where,
  masked_fill: maskedFill,
};

