// Arithmetic with PyTorch's own rounding rules: fmod, remainder, div with rounding_mode, lerp,
// add/sub with alpha, addmm/baddbmm, addcmul/addcdiv, nan_to_num and atan2, each written with the formula torch-ts's kernel uses.

import type { ConvertContext, Converter } from "../context.js";
import { attr } from "../graph.js";

/** Both operands in the output dtype. */
function operands(c: ConvertContext): [string, string] {
  const d = c.outDtype();
  return [c.inputAs(0, d), c.inputAs(1, d)];
}

function num(c: ConvertContext, v: number): string { return c.g.scalar(v, c.outDtype()); }

/** C's fmod: the sign of the dividend. */
const fmod: Converter = (c) => c.op("Mod", operands(c), { fmod: attr.i(1) });

/** (x, y) → whether x and y have different signs (x ≠ 0). */
function signsDiffer(c: ConvertContext, x: string, y: string): string {
  const zero = num(c, 0);
  return c.op("And", [c.op("Not", [c.op("Equal", [x, zero])]), c.op("Xor", [c.op("Less", [x, zero]), c.op("Less", [y, zero])])]);
}

/** Python's remainder: the sign of the divisor (fmod, plus the divisor where the signs differ). */
const remainder: Converter = (c) => {
  const [x, y] = operands(c);
  if (!c.outDtype().isFloatingPoint) return c.op("Mod", [x, y], { fmod: attr.i(0) });
  const m = c.op("Mod", [x, y], { fmod: attr.i(1) });
  return c.op("Where", [signsDiffer(c, m, y), c.op("Add", [m, y]), m]);
};

function truncOf(c: ConvertContext, x: string): string {
  return c.op("Mul", [c.op("Sign", [x]), c.op("Floor", [c.op("Abs", [x])])]);
}

/** div(rounding_mode='trunc' | 'floor'), floor_divide: PyTorch's div_floor for floats, exact for integers. */
const divRounding: Converter = (c) => {
  const [a, b] = operands(c);
  const floor = c.attr<string>("mode") === "floor";
  const one = num(c, 1);
  if (!c.outDtype().isFloatingPoint) {
    const q = c.op("Div", [a, b]); // integer Div truncates
    if (!floor) return q;
    const r = c.op("Mod", [a, b], { fmod: attr.i(1) });
    return c.op("Where", [signsDiffer(c, r, b), c.op("Sub", [q, one]), q]);
  }
  const quotient = c.op("Div", [a, b]);
  if (!floor) return truncOf(c, quotient);
  // div = (a - fmod(a, b)) / b, one less where fmod's sign differs from b's, then floor rounded to nearest.
  const mod = c.op("Mod", [a, b], { fmod: attr.i(1) });
  let div = c.op("Div", [c.op("Sub", [a, mod]), b]);
  div = c.op("Where", [signsDiffer(c, mod, b), c.op("Sub", [div, one]), div]);
  const fl = c.op("Floor", [div]);
  const rounded = c.op("Where", [c.op("Greater", [c.op("Sub", [div, fl]), num(c, 0.5)]), c.op("Add", [fl, one]), fl]);
  return c.op("Where", [c.op("Equal", [b, num(c, 0)]), quotient, rounded]);
};

/** PyTorch's lerp: a + w (b - a) where |w| < 0.5, else b - (b - a)(1 - w). */
function lerpWith(c: ConvertContext, a: string, b: string, w: string, small: string | boolean): string {
  const diff = c.op("Sub", [b, a]);
  const low = (): string => c.op("Add", [a, c.op("Mul", [w, diff])]);
  const high = (): string => c.op("Sub", [b, c.op("Mul", [diff, c.op("Sub", [num(c, 1), w])])]);
  if (typeof small === "boolean") return small ? low() : high();
  return c.op("Where", [small, low(), high()]);
}

const lerpScalar: Converter = (c) => {
  const w = c.attr<number>("weight");
  const [a, b] = operands(c);
  return lerpWith(c, a, b, num(c, w), Math.abs(w) < 0.5);
};

const lerpTensor: Converter = (c) => {
  const d = c.outDtype();
  const w = c.inputAs(2, d);
  return lerpWith(c, c.inputAs(0, d), c.inputAs(1, d), w, c.op("Less", [c.op("Abs", [w]), num(c, 0.5)]));
};

/** addcmul: s + (v a) b; addcdiv: s + (v a) / b (the kernels' order). */
function addc(opType: "Mul" | "Div"): Converter {
  return (c) => {
    const d = c.outDtype();
    const scaled = c.op("Mul", [num(c, c.attr<number>("value")), c.inputAs(1, d)]);
    return c.op("Add", [c.inputAs(0, d), c.op(opType, [scaled, c.inputAs(2, d)])]);
  };
}

/** add/sub/rsub with alpha: a + alpha b (alpha negated for sub), exported as PyTorch does (Mul, then Add). */
const addScaled: Converter = (c) => {
  const d = c.outDtype();
  return c.op("Add", [c.inputAs(0, d), c.op("Mul", [c.inputAs(1, d), num(c, c.attr<number>("alpha"))])]);
};

/**
 * addmm / baddbmm: beta * input + alpha * (a @ b). A 2-d product is ONNX's Gemm (its C broadcasts
 * as addmm's input does); a batched one MatMul, Mul and Add. beta = 0 leaves the input out.
 */
const scaledProduct: Converter = (c) => {
  const beta = c.attr<number>("beta"), alpha = c.attr<number>("alpha");
  if (c.value(1).shape.length === 2) {
    const withC = beta !== 0 ? [c.input(0)] : [];
    return c.op("Gemm", [c.input(1), c.input(2), ...withC], { alpha: attr.f(alpha), beta: attr.f(beta) });
  }
  const p = c.op("MatMul", [c.input(1), c.input(2)]);
  const sp = alpha === 1 ? p : c.op("Mul", [p, num(c, alpha)]);
  if (beta === 0) return sp;
  return c.op("Add", [beta === 1 ? c.input(0) : c.op("Mul", [c.input(0), num(c, beta)]), sp]);
};

const nanToNum: Converter = (c) => {
  const x = c.input(0);
  const inf = (positive: boolean): string => c.op("IsInf", [x], { detect_positive: attr.i(positive ? 1 : 0), detect_negative: attr.i(positive ? 0 : 1) });
  let r = c.op("Where", [c.op("IsNaN", [x]), num(c, c.attr<number>("nan")), x]);
  r = c.op("Where", [inf(true), num(c, c.attr<number>("posinf")), r]);
  return c.op("Where", [inf(false), num(c, c.attr<number>("neginf")), r]);
};

/** atan2(y, x) from atan(y / x) and the quadrant. */
const atan2: Converter = (c) => {
  const [y, x] = operands(c);
  const zero = num(c, 0);
  const base = c.op("Atan", [c.op("Div", [y, x])]);
  const yNonNeg = c.op("GreaterOrEqual", [y, zero]);
  const left = c.op("Where", [yNonNeg, c.op("Add", [base, num(c, Math.PI)]), c.op("Sub", [base, num(c, Math.PI)])]);
  const onAxis = c.op("Where", [c.op("Greater", [y, zero]), num(c, Math.PI / 2), c.op("Where", [c.op("Less", [y, zero]), num(c, -Math.PI / 2), zero])]);
  return c.op("Where", [c.op("Greater", [x, zero]), base, c.op("Where", [c.op("Less", [x, zero]), left, onAxis])]);
};

export const ARITHMETIC: Record<string, Converter> = {
  FmodBackward0: fmod,
  FmodBackward1: fmod,
  RemainderBackward0: remainder,
  RemainderBackward1: remainder,
  div_rounding: divRounding,
  add_scaled: addScaled,
  scaled_product: scaledProduct,
  lerp_scalar: lerpScalar,
  LerpBackward1: lerpTensor,
  addcmul: addc("Mul"),
  addcdiv: addc("Div"),
  nan_to_num: nanToNum,
  Atan2Backward0: atan2,
};

