// The pointwise ops as WGSL expressions: one line per op, the way the op layer's pointwise specs
// could carry them. The kernel generator (pointwise.ts) wraps an expression in strided loads,
// conversions and a store; `T` is the compute type (or its vec4 in vectorised kernels).

import type { WGSL_HELPERS } from "./wgsl.js";

/** How an input is loaded: converted to the compute type, or to a WGSL bool (nonzero is true). */
export type InputKind = "T" | "bool";
export type ComputeDType = "float32" | "int32";

export interface PointwiseOp {
  readonly name: string;
  /** Number of tensor inputs; 0 for fill. */
  readonly arity: 0 | 1 | 2 | 3;
  /**
   * The value: a WGSL expression over inputs `a`, `b`, `c` and scalar parameters `p0`, `p1` (of
   * the compute type `T`), or one per compute dtype.
   */
  readonly expr: string | Readonly<Partial<Record<ComputeDType, string>>>;
  /** Per input; default all "T". */
  readonly inputs?: readonly InputKind[];
  /** "bool" when the expression is a WGSL bool (comparisons, logical ops). Default "T". */
  readonly result?: "T" | "bool";
  /** Compute dtypes the expression is written for. */
  readonly dtypes: readonly ComputeDType[];
  /** Helper functions the expression calls. */
  readonly helpers?: readonly (keyof typeof WGSL_HELPERS | keyof typeof POINTWISE_HELPERS)[];
  /** The expression is valid on vec4<T> too (component-wise). */
  readonly vec4?: boolean;
  /** Default values of p0, p1. */
  readonly params?: readonly [number, number?];
}

/** Helpers only pointwise ops use. */
export const POINTWISE_HELPERS = {
  log1p: `fn log1p_f(x: f32) -> f32 {
  // Kahan: exact where 1 + x rounds, so tiny x keeps its precision.
  let u = 1.0 + x;
  if (u == 1.0) { return x; }
  return log(u) * x / (u - 1.0);
}`,
  expm1: `fn expm1_f(x: f32) -> f32 {
  if (abs(x) < 1e-5) { return x + 0.5 * x * x; }
  return exp(x) - 1.0;
}`,
  pow: `fn pow_f(x: f32, y: f32) -> f32 {
  if (y == 0.0 || x == 1.0) { return 1.0; }
  if (y == 1.0) { return x; }
  if (y == 2.0) { return x * x; }
  let ax = abs(x);
  if (ax == 0.0) { return select(f32_bits(0x7f800000u), 0.0, y > 0.0); }
  var r = pow(ax, y);
  if (x < 0.0) {
    // WGSL's pow is undefined for a negative base: integral powers take the sign, others are NaN.
    if (fract(y) != 0.0) { return f32_bits(0x7fc00000u); }
    if (fract(y * 0.5) != 0.0) { r = -r; }
  }
  return r;
}`,
  ipow: `fn pow_i(x: i32, y: i32) -> i32 {
  if (y < 0) { return select(select(0i, select(1i, -1i, (y & 1) != 0), x == -1), 1i, x == 1); }
  var r = 1i; var b = x; var e = y;
  loop {
    if (e == 0) { break; }
    if ((e & 1) != 0) { r = r * b; }
    b = b * b; e = e >> 1u;
  }
  return r;
}`,
} as const;

const F: readonly ComputeDType[] = ["float32"];
const FI: readonly ComputeDType[] = ["float32", "int32"];
const I: readonly ComputeDType[] = ["int32"];

function op(o: PointwiseOp): PointwiseOp { return o; }

/** The ops the backend ships. Names follow PyTorch's (aten) where one exists. */
export const POINTWISE_OPS = {
  // ---- creation / conversion ----
  fill: op({ name: "fill", arity: 0, expr: "p0", dtypes: FI, vec4: true }),
  /** Copy and cast: the store converts to the output dtype. */
  identity: op({ name: "identity", arity: 1, expr: "a", dtypes: FI, vec4: true }),

  // ---- unary ----
  neg: op({ name: "neg", arity: 1, expr: "-a", dtypes: FI, vec4: true }),
  abs: op({ name: "abs", arity: 1, expr: "abs(a)", dtypes: FI, vec4: true }),
  sign: op({ name: "sign", arity: 1, expr: "sign(a)", dtypes: FI, vec4: true }),
  square: op({ name: "square", arity: 1, expr: "a * a", dtypes: FI, vec4: true }),
  reciprocal: op({ name: "reciprocal", arity: 1, expr: "T(1) / a", dtypes: F, vec4: true }),
  exp: op({ name: "exp", arity: 1, expr: "exp(a)", dtypes: F, vec4: true }),
  exp2: op({ name: "exp2", arity: 1, expr: "exp2(a)", dtypes: F, vec4: true }),
  expm1: op({ name: "expm1", arity: 1, expr: "expm1_f(a)", dtypes: F, helpers: ["expm1"] }),
  log: op({ name: "log", arity: 1, expr: "log(a)", dtypes: F, vec4: true }),
  log2: op({ name: "log2", arity: 1, expr: "log2(a)", dtypes: F, vec4: true }),
  log1p: op({ name: "log1p", arity: 1, expr: "log1p_f(a)", dtypes: F, helpers: ["log1p"] }),
  sqrt: op({ name: "sqrt", arity: 1, expr: "sqrt(a)", dtypes: F, vec4: true }),
  rsqrt: op({ name: "rsqrt", arity: 1, expr: "inverseSqrt(a)", dtypes: F, vec4: true }),
  sin: op({ name: "sin", arity: 1, expr: "sin(a)", dtypes: F, vec4: true }),
  cos: op({ name: "cos", arity: 1, expr: "cos(a)", dtypes: F, vec4: true }),
  tan: op({ name: "tan", arity: 1, expr: "tan(a)", dtypes: F, vec4: true }),
  // Clamped: some drivers evaluate tanh as a ratio of exponentials that overflows to NaN; clamp
  // may turn NaN into a bound, so NaN is passed through by its bits.
  tanh: op({ name: "tanh", arity: 1, expr: "select(tanh(clamp(a, T(-15), T(15))), a, isnan_f(a))", dtypes: F, helpers: ["isnan"] }),
  sigmoid: op({ name: "sigmoid", arity: 1, expr: "T(1) / (T(1) + exp(-a))", dtypes: F, vec4: true }),
  floor: op({ name: "floor", arity: 1, expr: "floor(a)", dtypes: F, vec4: true }),
  ceil: op({ name: "ceil", arity: 1, expr: "ceil(a)", dtypes: F, vec4: true }),
  trunc: op({ name: "trunc", arity: 1, expr: "trunc(a)", dtypes: F, vec4: true }),
  /** Half to even, as torch.round. */
  round: op({ name: "round", arity: 1, expr: "round(a)", dtypes: F, vec4: true }),
  // NaN and -0 pass, as in PyTorch's relu (max(x, 0)): tested on the bits (U: u32 or vec4<u32>), since
  // a driver that assumes no NaN (Mesa's GL, under Dawn's OpenGL ES backend) folds `!(a <= 0)` into
  // `a > 0`. Zeroed: the sign set and a magnitude in (0, infinity].
  relu: op({
    name: "relu", arity: 1, dtypes: FI, vec4: true,
    expr: {
      float32: "select(T(0), a, ((bitcast<U>(a) & U(0x80000000u)) == U(0u)) | ((bitcast<U>(a) & U(0x7fffffffu)) > U(0x7f800000u)) | ((bitcast<U>(a) & U(0x7fffffffu)) == U(0u)))",
      int32: "max(a, T(0))",
    },
  }),
  leaky_relu: op({ name: "leaky_relu", arity: 1, expr: "select(a * p0, a, a > T(0))", dtypes: F, vec4: true, params: [0.01] }),
  elu: op({ name: "elu", arity: 1, expr: "select(p0 * (exp(a) - T(1)), a, a > T(0))", dtypes: F, vec4: true, params: [1] }),
  gelu: op({ name: "gelu", arity: 1, expr: "0.5 * a * (1.0 + erf_f(a * 0.7071067811865476))", dtypes: F, helpers: ["erf"] }),
  gelu_tanh: op({
    name: "gelu_tanh", arity: 1, dtypes: F, vec4: true,
    expr: "T(0.5) * a * (T(1) + tanh(clamp(T(0.7978845608028654) * (a + T(0.044715) * a * a * a), T(-15), T(15))))",
  }),
  silu: op({ name: "silu", arity: 1, expr: "a / (T(1) + exp(-a))", dtypes: F, vec4: true }),
  /** softplus(x; beta = p0, threshold = p1). */
  softplus: op({
    name: "softplus", arity: 1, dtypes: F, helpers: ["log1p"], params: [1, 20],
    expr: "select(log1p_f(exp(a * p0)) / p0, a, a * p0 > p1)",
  }),
  /** clamp(x, min = p0, max = p1); NaN stays NaN. */
  clamp: op({
    name: "clamp", arity: 1, dtypes: FI, helpers: ["isnan"],
    expr: { float32: "select(min(max(a, p0), p1), a, isnan_f(a))", int32: "min(max(a, p0), p1)" },
  }),
  add_scalar: op({ name: "add_scalar", arity: 1, expr: "a + p0", dtypes: FI, vec4: true }),
  mul_scalar: op({ name: "mul_scalar", arity: 1, expr: "a * p0", dtypes: FI, vec4: true }),
  pow_scalar: op({ name: "pow_scalar", arity: 1, expr: { float32: "pow_f(a, p0)", int32: "pow_i(a, p0)" }, dtypes: FI, helpers: ["pow", "ipow"] }),
  isnan: op({ name: "isnan", arity: 1, expr: "isnan_f(a)", result: "bool", dtypes: F, helpers: ["isnan"] }),
  isinf: op({ name: "isinf", arity: 1, expr: "isinf_f(a)", result: "bool", dtypes: F, helpers: ["isinf"] }),
  logical_not: op({ name: "logical_not", arity: 1, expr: "!a", inputs: ["bool"], result: "bool", dtypes: FI }),
  bitwise_not: op({ name: "bitwise_not", arity: 1, expr: "~a", dtypes: I, vec4: true }),

  // ---- binary ----
  /**
   * a + alpha * b (alpha = p0), for floats rounded once as PyTorch's fused kernel: WGSL's fma, so
   * that the compiler cannot round the product first.
   */
  add: op({ name: "add", arity: 2, expr: { float32: "fma(p0, b, a)", int32: "a + p0 * b" }, dtypes: FI, vec4: true, params: [1] }),
  /** a - alpha * b (alpha = p0), rounded once for floats as add. */
  sub: op({ name: "sub", arity: 2, expr: { float32: "fma(-p0, b, a)", int32: "a - p0 * b" }, dtypes: FI, vec4: true, params: [1] }),
  mul: op({ name: "mul", arity: 2, expr: "a * b", dtypes: FI, vec4: true }),
  div: op({ name: "div", arity: 2, expr: "a / b", dtypes: F, vec4: true }),
  floor_divide: op({
    name: "floor_divide", arity: 2, dtypes: FI,
    expr: { float32: "floor(a / b)", int32: "(a / b) - select(0i, 1i, (a % b != 0i) && ((a < 0i) != (b < 0i)))" },
  }),
  /** Python's modulo: the result takes the divisor's sign. */
  remainder: op({
    name: "remainder", arity: 2, dtypes: FI,
    expr: { float32: "a - floor(a / b) * b", int32: "(a % b) + select(0i, b, (a % b != 0i) && ((a % b < 0i) != (b < 0i)))" },
  }),
  fmod: op({ name: "fmod", arity: 2, dtypes: FI, expr: { float32: "a - trunc(a / b) * b", int32: "a % b" } }),
  pow: op({ name: "pow", arity: 2, expr: { float32: "pow_f(a, b)", int32: "pow_i(a, b)" }, dtypes: FI, helpers: ["pow", "ipow"] }),
  atan2: op({ name: "atan2", arity: 2, expr: "atan2(a, b)", dtypes: F, vec4: true }),
  maximum: op({
    name: "maximum", arity: 2, dtypes: FI, helpers: ["isnan"],
    expr: { float32: "select(max(a, b), a + b, isnan_f(a) || isnan_f(b))", int32: "max(a, b)" },
  }),
  minimum: op({
    name: "minimum", arity: 2, dtypes: FI, helpers: ["isnan"],
    expr: { float32: "select(min(a, b), a + b, isnan_f(a) || isnan_f(b))", int32: "min(a, b)" },
  }),
  eq: op({ name: "eq", arity: 2, expr: "a == b", result: "bool", dtypes: FI }),
  /** NaN is unequal to everything: tested by bits, since WGSL compilers may assume no NaN (lavapipe's `NaN != b` is false). */
  ne: op({
    name: "ne", arity: 2, result: "bool", dtypes: FI, helpers: ["isnan"],
    expr: { float32: "a != b || isnan_f(a) || isnan_f(b)", int32: "a != b" },
  }),
  lt: op({ name: "lt", arity: 2, expr: "a < b", result: "bool", dtypes: FI }),
  le: op({ name: "le", arity: 2, expr: "a <= b", result: "bool", dtypes: FI }),
  gt: op({ name: "gt", arity: 2, expr: "a > b", result: "bool", dtypes: FI }),
  ge: op({ name: "ge", arity: 2, expr: "a >= b", result: "bool", dtypes: FI }),
  logical_and: op({ name: "logical_and", arity: 2, expr: "a && b", inputs: ["bool", "bool"], result: "bool", dtypes: FI }),
  logical_or: op({ name: "logical_or", arity: 2, expr: "a || b", inputs: ["bool", "bool"], result: "bool", dtypes: FI }),
  logical_xor: op({ name: "logical_xor", arity: 2, expr: "a != b", inputs: ["bool", "bool"], result: "bool", dtypes: FI }),
  bitwise_and: op({ name: "bitwise_and", arity: 2, expr: "a & b", dtypes: I, vec4: true }),
  bitwise_or: op({ name: "bitwise_or", arity: 2, expr: "a | b", dtypes: I, vec4: true }),
  bitwise_xor: op({ name: "bitwise_xor", arity: 2, expr: "a ^ b", dtypes: I, vec4: true }),

  // ---- gradients (grad is `a`) ----
  /** threshold_backward(grad, x, threshold = p0): relu's backward with x the result or input. */
  // `!(b <= p0)`: a NaN saved value passes the gradient, as PyTorch's threshold_backward does.
  threshold_backward: op({ name: "threshold_backward", arity: 2, expr: "select(T(0), a, !(b <= p0))", dtypes: FI, vec4: true, params: [0] }),
  /** grad * y * (1 - y), y = sigmoid(x). */
  sigmoid_backward: op({ name: "sigmoid_backward", arity: 2, expr: "a * b * (T(1) - b)", dtypes: F, vec4: true }),
  /** grad * (1 - y²), y = tanh(x). */
  tanh_backward: op({ name: "tanh_backward", arity: 2, expr: "a * (T(1) - b * b)", dtypes: F, vec4: true }),
  gelu_backward: op({
    name: "gelu_backward", arity: 2, dtypes: F, helpers: ["erf"],
    expr: "a * (0.5 * (1.0 + erf_f(b * 0.7071067811865476)) + b * 0.3989422804014327 * exp(-0.5 * b * b))",
  }),
  silu_backward: op({
    name: "silu_backward", arity: 2, dtypes: F, vec4: true,
    expr: "a * (T(1) / (T(1) + exp(-b))) * (T(1) + b * (T(1) - T(1) / (T(1) + exp(-b))))",
  }),
  /** grad * e * x^(e - 1): pow(x, e)'s backward for a scalar exponent e = p0 (one kernel, not three). */
  pow_backward: op({ name: "pow_backward", arity: 2, expr: "a * p0 * pow_f(b, p0 - 1.0)", dtypes: F, helpers: ["pow"], params: [2] }),
  leaky_relu_backward: op({ name: "leaky_relu_backward", arity: 2, expr: "select(a * p0, a, b > T(0))", dtypes: F, vec4: true, params: [0.01] }),

  // ---- ternary ----
  /** where(cond, x, y). */
  where: op({ name: "where", arity: 3, expr: "select(c, b, a)", inputs: ["bool", "T", "T"], dtypes: FI }),
  /** lerp(start, end, weight) in PyTorch's two-sided form. */
  lerp: op({
    name: "lerp", arity: 3, dtypes: F, vec4: true,
    expr: "select(b - (b - a) * (T(1) - c), a + c * (b - a), abs(c) < T(0.5))",
  }),
  /** a + value * b * c (value = p0). */
  addcmul: op({ name: "addcmul", arity: 3, expr: "a + p0 * b * c", dtypes: FI, vec4: true, params: [1] }),
  /** a + value * b / c (value = p0). */
  addcdiv: op({ name: "addcdiv", arity: 3, expr: "a + p0 * b / c", dtypes: F, vec4: true, params: [1] }),
} as const satisfies Record<string, PointwiseOp>;

export type PointwiseOpName = keyof typeof POINTWISE_OPS;
