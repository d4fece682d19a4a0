// Checked wrappers of the addon's pointwise losses (native/pointwise_loss.h): mse, l1, smooth_l1,
// huber, binary cross-entropy on probabilities and on logits, forward (elementwise values and/or
// their sum) and the gradient with respect to the input. As in ./index.ts, every argument is
// checked here before the addon, which checks nothing, is called. Arrays are read from their
// first element (pass subarrays for offsets).

import { addonAs, checkCount, overlaps, type FloatArray, type Span } from "./index.js";

export type PointwiseLossKind = "mse" | "l1" | "smoothL1" | "huber" | "bce" | "bceLogits";

// Codes of native/pointwise_loss.h's PointwiseLoss.
const KIND_CODES: Readonly<Record<PointwiseLossKind, number>> = { mse: 0, l1: 1, smoothL1: 2, huber: 3, bce: 4, bceLogits: 5 };

interface LossAddon {
  pointwiseLossForward(kind: number, x: FloatArray, y: FloatArray, w: FloatArray | null, pw: FloatArray | null, out: FloatArray | null, args: Float64Array): number;
  pointwiseLossBackward(kind: number, x: FloatArray, y: FloatArray, w: FloatArray | null, pw: FloatArray | null, g: FloatArray | null, gx: FloatArray, args: Float64Array): void;
}

/** The operands of one loss: n elements each; w (per-element weight) and pw (bceLogits' pos_weight) optional. */
export interface LossOperands<T extends FloatArray> {
  readonly x: T;
  readonly y: T;
  readonly w?: T | null;
  readonly pw?: T | null;
  readonly n: number;
  /** smoothL1's beta (> 0) or huber's delta (> 0); ignored by the others. */
  readonly param?: number;
}

const ARGS = new Float64Array(4);

function spanOf(a: FloatArray, n: number): Span {
  return n === 0 ? null : [0, n - 1];
}

/** Checks the operands and returns the kind's code and the inputs by name. */
function checkOperands<T extends FloatArray>(op: string, kind: PointwiseLossKind, o: LossOperands<T>): [number, [string, T][]] {
  const code = KIND_CODES[kind];
  if (code === undefined) throw new Error(`native.${op}: unknown loss ${String(kind)}`);
  if (!(o.x instanceof Float32Array) && !(o.x instanceof Float64Array)) throw new Error(`native.${op}: x must be a Float32Array or Float64Array`);
  checkCount(op, "n", o.n);
  const inputs: [string, T][] = [["x", o.x], ["y", o.y]];
  if (o.w) inputs.push(["w", o.w]);
  if (o.pw) {
    if (kind !== "bceLogits") throw new Error(`native.${op}: pos_weight is only for bceLogits, not ${kind}`);
    inputs.push(["pw", o.pw]);
  }
  if (o.w && (kind === "mse" || kind === "l1" || kind === "smoothL1" || kind === "huber")) {
    throw new Error(`native.${op}: a weight is only for bce and bceLogits, not ${kind}`);
  }
  for (const [name, a] of inputs) {
    if (a.constructor !== o.x.constructor) throw new Error(`native.${op}: expected ${name} to be a ${o.x.constructor.name} like x, got ${a.constructor.name}`);
    if (a.length < o.n) throw new Error(`native.${op}: ${name} holds ${a.length} elements, expected at least ${o.n}`);
  }
  const param = o.param ?? 1;
  if ((kind === "smoothL1" || kind === "huber") && !(param > 0)) throw new Error(`native.${op}: ${kind} needs a positive parameter, got ${param}`);
  return [code, inputs];
}

function checkOutput<T extends FloatArray>(op: string, name: string, out: T, o: LossOperands<T>, inputs: [string, T][], more: [string, T][] = []): void {
  if (out.constructor !== o.x.constructor) throw new Error(`native.${op}: expected ${name} to be a ${o.x.constructor.name} like x, got ${out.constructor.name}`);
  if (out.length < o.n) throw new Error(`native.${op}: ${name} holds ${out.length} elements, expected at least ${o.n}`);
  for (const [other, a] of [...inputs, ...more]) {
    if (overlaps(out, spanOf(out, o.n), a, spanOf(a, o.n))) throw new Error(`native.${op}: ${name} and ${other} overlap`);
  }
}

/**
 * The elementwise loss of n elements into `out` (null: only summed); returns the sum, added in
 * double over fixed chunks (the same bits on any thread count). For bce, null when an input or
 * target lies outside [0, 1] (NaN included): the caller reports which, and `out` is unspecified.
 */
export function pointwiseLossForward<T extends FloatArray>(kind: PointwiseLossKind, o: LossOperands<T>, out: T | null): number | null {
  const op = "pointwiseLossForward";
  const [code, inputs] = checkOperands(op, kind, o);
  if (out !== null) checkOutput(op, "out", out, o, inputs);
  const native = addonAs<LossAddon>(op);
  if (o.n === 0) return 0;
  ARGS[0] = o.n; ARGS[1] = o.param ?? 1;
  const sum = native.pointwiseLossForward(code, o.x, o.y, o.w ?? null, o.pw ?? null, out, ARGS);
  return ARGS[0] === -1 ? null : sum;
}

/**
 * gx = coef * d loss / d x over n elements, coef = (g ? g[i] : g0) * scale, times w[i] for the
 * weighted cross-entropies.
 */
export function pointwiseLossBackward<T extends FloatArray>(
  kind: PointwiseLossKind, o: LossOperands<T>, g: T | null, g0: number, scale: number, gx: T,
): void {
  const op = "pointwiseLossBackward";
  const [code, inputs] = checkOperands(op, kind, o);
  if (g !== null) {
    if (g.constructor !== o.x.constructor) throw new Error(`native.${op}: expected g to be a ${o.x.constructor.name} like x, got ${g.constructor.name}`);
    if (g.length < o.n) throw new Error(`native.${op}: g holds ${g.length} elements, expected at least ${o.n}`);
  }
  if (typeof g0 !== "number" || typeof scale !== "number") throw new Error(`native.${op}: g0 and scale must be numbers`);
  checkOutput(op, "gx", gx, o, inputs, g !== null ? [["g", g]] : []);
  const native = addonAs<LossAddon>(op);
  if (o.n === 0) return;
  ARGS[0] = o.n; ARGS[1] = o.param ?? 1; ARGS[2] = g0; ARGS[3] = scale;
  native.pointwiseLossBackward(code, o.x, o.y, o.w ?? null, o.pw ?? null, g, gx, ARGS);
}
