// Checked wrappers of the addon's activation kernels (native/activation.h): forward y = f(x) and
// backward out = g * f'(x) over contiguous float32/float64 arrays. As in ./index.ts, every
// argument is checked here before the addon, which checks nothing, is called.

import { addonAs, checkCount, checkSpan, type FloatArray, overlaps } from "./index.js";

export type ActivationOp =
  | "gelu" | "geluTanh" | "softplus" | "elu" | "leakyRelu" | "hardtanh" | "hardswish" | "hardsigmoid"
  | "mish" | "logSigmoid" | "softsign" | "threshold" | "hardshrink" | "softshrink" | "tanhshrink" | "silu";

// Codes of native/activation.h's ActivationOp, and how many parameters each op reads.
const CODES: Readonly<Record<ActivationOp, readonly [code: number, params: number]>> = {
  gelu: [0, 0], geluTanh: [1, 0], softplus: [2, 2], elu: [3, 3], leakyRelu: [4, 1], hardtanh: [5, 2],
  hardswish: [6, 0], hardsigmoid: [7, 0], mish: [8, 0], logSigmoid: [9, 0], softsign: [10, 0],
  threshold: [11, 2], hardshrink: [12, 1], softshrink: [13, 1], tanhshrink: [14, 0], silu: [15, 0],
};

/**
 * The parameters of an op, in the order of native/activation.h: softplus [beta, threshold], elu
 * [alpha * scale, scale, input_scale], leakyRelu [slope], hardtanh [min, max], threshold
 * [threshold, value], hardshrink/softshrink [lambda]; none for the others.
 */
export type ActivationParams = readonly number[];

interface ActivationAddon {
  activation(op: number, backward: boolean, g: FloatArray | null, x: FloatArray, out: FloatArray, args: Float64Array): void;
  prelu(backward: boolean, g: FloatArray | null, x: FloatArray, w: FloatArray, out: FloatArray, args: Float64Array): void;
}

const ARGS = new Float64Array(4);

function checkFloat(name: string, a: unknown): asserts a is FloatArray {
  if (!(a instanceof Float32Array) && !(a instanceof Float64Array)) throw new Error(`native.activation: ${name} must be a Float32Array or Float64Array`);
}

/** Checks out and the inputs (one array type; out equal to an input or apart from it); returns n. */
function checkArrays(op: string, out: FloatArray, n: number, inputs: readonly (readonly [string, FloatArray | null, number])[]): void {
  checkFloat("out", out);
  checkCount(op, "n", n);
  const so = checkSpan(op, "out", out, 0, [n], [1]);
  for (const [name, a, len] of inputs) {
    if (a === null) continue;
    checkFloat(name, a);
    if (a.constructor !== out.constructor) throw new Error(`native.${op}: ${name} is a ${a.constructor.name}, out a ${out.constructor.name}`);
    const sa = checkSpan(op, name, a, 0, [len], [1]);
    // out may be an input itself (in place), never a shifted view of it.
    const same = a.buffer === out.buffer && a.byteOffset === out.byteOffset && len === n;
    if (!same && overlaps(out, so, a, sa)) throw new Error(`native.${op}: out partially overlaps ${name}`);
  }
}

function run(op: ActivationOp, params: ActivationParams, g: FloatArray | null, x: FloatArray, out: FloatArray, n: number): void {
  const addon = addonAs<ActivationAddon>("activation");
  const entry = Object.hasOwn(CODES, op) ? CODES[op] : undefined;
  if (entry === undefined) throw new Error(`native.activation: unknown op ${String(op)}`);
  const [code, count] = entry;
  if (!Array.isArray(params) || params.length !== count || params.some((v) => typeof v !== "number")) {
    throw new Error(`native.activation: ${op} takes ${count} numeric parameters, got ${JSON.stringify(params)}`);
  }
  checkArrays("activation", out, n, [["g", g, n], ["x", x, n]]);
  if (n === 0) return;
  ARGS[0] = n; ARGS[1] = params[0] ?? 0; ARGS[2] = params[1] ?? 0; ARGS[3] = params[2] ?? 0;
  addon.activation(code, g !== null, g, x, out, ARGS);
}

/** out[i] = op(x[i]) for i < n (both from index 0; out may be x itself). */
export function activationForward<T extends FloatArray>(op: ActivationOp, params: ActivationParams, x: T, out: T, n: number = out.length): void {
  run(op, params, null, x, out, n);
}

/** out[i] = g[i] * op'(x[i]) for i < n (all from index 0; out may be g or x itself). */
export function activationBackward<T extends FloatArray>(op: ActivationOp, params: ActivationParams, g: T, x: T, out: T, n: number = out.length): void {
  run(op, params, g, x, out, n);
}

function runPrelu(g: FloatArray | null, x: FloatArray, w: FloatArray, out: FloatArray, outer: number, channels: number, inner: number): void {
  const addon = addonAs<ActivationAddon>("prelu");
  for (const [name, v] of [["outer", outer], ["channels", channels], ["inner", inner]] as const) checkCount("prelu", name, v);
  const n = outer * channels * inner;
  if (!Number.isSafeInteger(n)) throw new Error(`native.prelu: ${outer} x ${channels} x ${inner} elements are too many`);
  checkArrays("prelu", out, n, [["g", g, n], ["x", x, n], ["w", w, channels]]);
  if (n === 0) return;
  ARGS[0] = outer; ARGS[1] = channels; ARGS[2] = inner;
  addon.prelu(g !== null, g, x, w, out, ARGS);
}

/**
 * PReLU with one weight per channel, x viewed as [outer, channels, inner] (contiguous from index
 * 0): out = x > 0 ? x : w[c] * x. out may be x itself.
 */
export function preluForward<T extends FloatArray>(x: T, w: T, out: T, outer: number, channels: number, inner: number): void {
  runPrelu(null, x, w, out, outer, channels, inner);
}

/** The input gradient of preluForward: out = x > 0 ? g : w[c] * g. out may be g or x itself. */
export function preluInputGrad<T extends FloatArray>(g: T, x: T, w: T, out: T, outer: number, channels: number, inner: number): void {
  runPrelu(g, x, w, out, outer, channels, inner);
}
