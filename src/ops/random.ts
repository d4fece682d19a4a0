// Random tensors and in-place random fills, drawing from PyTorch-identical CPU generators
// (src/core/generator.ts): the same seed gives the same numbers as PyTorch.

import { Tensor } from "../core/tensor.js";
import { type DType, type DTypeLike, getDefaultDtype, int64, toDType, float32, float64, realOf } from "../core/dtype.js";
import { rawRealView } from "./complex-engine.js";
import { Generator, defaultGenerator } from "../core/generator.js";
import { type DeviceLike, Storage, allowComplexHalf, toDevice } from "../core/storage.js";
import {
  type AnyOut, type FloatOut, type RandomDType, type RandomFloatDType, bernoulliScalarFill, bernoulliTensorFill,
  cauchyFill, exponentialFill, geometricFill, logNormalFill, multinomial as multinomialDraw, normalFill,
  normalTensorFill, randintFill, randperm as randpermDraw, uniformFill,
} from "../core/random-transforms.js";
import { bindArgs, bindSize, installMethods, type Method, checkTensor, checkArgs, isOptionsObject, rebind, type Rebound, checkSizeElements } from "./args.js";
import { copyInto, emptyTensor, toNumbers } from "./engine.js";
import { type MemoryFormat, iterationOrder, permuted, pointwiseStrides } from "../core/memory-format.js";
import { checkIntArg, finishFactory, invalidCombination, likeStrides } from "./factory-utils.js";
import { isNamed, keepNamesOf } from "./named-engine.js";
import { keepNamed } from "./named-rules.js";
import { applyInPlace, checkInplaceLeaf } from "./inplace.js";
import { copy_ } from "./conversion.js";
import { notImplementedOnDevice, onDevice } from "./device-hooks.js";
import { broadcastShapes } from "../core/shape.js";
import { noGrad } from "../autograd/grad-mode.js";

import { hasOut, withOut, type OutOption } from "./out.js";
export { Generator };
export { manualSeed, seed, initialSeed, getRngState, setRngState } from "../core/generator.js";

// `out` is not among them: rand, randn, randint and randperm split it off first (out.ts).
const FACTORY_KW = ["dtype", "device", "requiresGrad", "generator", "pinMemory", "layout", "memoryFormat"];

function genOf(opts: Record<string, unknown>): Generator {
  const g = opts.generator;
  if (g === undefined || g === null) return defaultGenerator;
  if (!(g instanceof Generator)) throw new Error(`generator must be a torch.Generator`);
  return g;
}

/**
 * Runs `fill` on a contiguous scratch array of t's dtype (its storage array when t is contiguous),
 * then writes the values into t. Fills follow PyTorch's element order: TensorIterator's walk, which
 * is row-major for a contiguous tensor and memory order for a channels-last or transposed one.
 */
function fillInto(t: Tensor, fill: (out: AnyOut, dtype: RandomDType) => void): void {
  // A complex tensor draws its parts as PyTorch does: through its real view, re and im in turn.
  if (t.dtype.isComplex) return fillInto(allowComplexHalf(() => rawRealView(t)), fill);
  if (t.isContiguous()) {
    const n = t.numel();
    const data = t.storage.data;
    fill(data.subarray(t._offset, t._offset + n) as AnyOut, t.dtype.name as RandomDType);
    return;
  }
  const walked = walkOrderView(t);
  const tmp = emptyTensor(walked._shape, t.dtype);
  fill(tmp.storage.data as AnyOut, t.dtype.name as RandomDType);
  copyInto(walked, tmp);
}

/** t's elements as a view whose row-major order is TensorIterator's walk of t (no autograd). */
function walkOrderView(t: Tensor): Tensor {
  const order = iterationOrder(t._shape, [t._strides]);
  return new Tensor(t.storage, permuted(t._shape, order), permuted(t._strides, order), t._offset);
}

function floatDtype(op: string, t: Tensor): RandomFloatDType {
  if (t.dtype.isComplex) return realOf(t.dtype).name as RandomFloatDType;
  if (!t.dtype.isFloatingPoint) throw new Error(`${op} expects a floating point tensor, got ${t.dtype}`);
  return t.dtype.name as RandomFloatDType;
}

// ---- factories --------------------------------------------------------------------------------

type SizeArgs = (number | number[] | Record<string, unknown>)[];

function sizedRandom(op: string, args: readonly unknown[], fill: (t: Tensor, g: Generator) => void, defaultDtype?: DType): Tensor {
  const { size, opts } = bindSize(op, args);
  bindArgs(op, [opts], [], [...FACTORY_KW, "names"]);
  const dt = opts.dtype ? toDType(opts.dtype as DTypeLike) : defaultDtype ?? getDefaultDtype();
  const t = emptyTensor(size, dt);
  fill(t, genOf(opts));
  return finishFactory(t, opts);
}

/** torch.rand(*size, { generator, dtype }): uniform on [0, 1). */
export function rand(...size: SizeArgs): Tensor {
  if (hasOut(size)) return withOut("rand", size, (rest) => rand(...(rest as SizeArgs)), "cast", true);
  return sizedRandom("rand", size, (t, g) => fillInto(t, (o) => uniformFill(g, o as FloatOut, 0, 1, floatDtype("rand", t))));
}

/** torch.randn(*size, { generator, dtype }): standard normal. */
export function randn(...size: SizeArgs): Tensor {
  if (hasOut(size)) return withOut("randn", size, (rest) => randn(...(rest as SizeArgs)), "cast", true);
  // Complex: each part has variance 1/2 (PyTorch draws normal(0, 1/sqrt(2)) into the real view).
  return sizedRandom("randn", size, (t, g) => fillInto(t, (o) => normalFill(g, o as FloatOut, 0, t.dtype.isComplex ? Math.SQRT1_2 : 1, floatDtype("randn", t))));
}

export interface RandintOptions { generator?: Generator; dtype?: DTypeLike; requiresGrad?: boolean; device?: DeviceLike | null; memoryFormat?: MemoryFormat | null }

/** torch.randint(high, size) or randint(low, high, size): int64 by default. */
export function randint(...args: (number | bigint | number[] | (RandintOptions & OutOption))[]): Tensor {
  if (hasOut(args)) return withOut("randint", args, (rest) => randint(...(rest as (number | number[] | RandintOptions)[])), "cast", true);
  let opts: Record<string, unknown> = {};
  let rest = args;
  const last = rest[rest.length - 1];
  if (last !== undefined && typeof last === "object" && !Array.isArray(last)) { opts = last as Record<string, unknown>; rest = rest.slice(0, -1); }
  bindArgs("randint", [opts], [], ["low", "high", "size", ...FACTORY_KW]);
  let low: number | bigint = (opts.low as number | undefined) ?? 0, high: number | bigint, size: number[];
  if (rest.length === 3) [low, high, size] = rest as [number, number, number[]];
  else if (rest.length === 2) [high, size] = rest as [number, number[]];
  else if (rest.length === 1 && opts.size) { high = rest[0] as number; size = opts.size as number[]; }
  else if (rest.length === 0 && opts.high !== undefined && opts.size) { high = opts.high as number; size = opts.size as number[]; }
  else throw new Error("randint() received an invalid combination of arguments: expected (high, size) or (low, high, size)");
  if (!Array.isArray(size)) throw new Error("randint(): argument 'size' must be tuple of ints");
  // Python's parser: (high, size) names high; with low given, no overload takes a non-int bound.
  if (rest.length === 3) { if (![low, high].every(isInt)) throw invalidCombination("randint", rest); } else checkIntArg("randint", "high", 1, high);
  checkSizeElements("randint", "size", size, size, "ints");
  const dt = opts.dtype ? toDType(opts.dtype as DTypeLike) : int64;
  const t = emptyTensor(size, dt);
  const g = genOf(opts);
  fillInto(t, (o, d) => randintFill(g, o, low, high, d));
  return finishFactory(t, opts);
}

function isInt(v: unknown): boolean { return typeof v === "bigint" || (typeof v === "number" && Number.isInteger(v)); }

/** torch.randperm(n, { generator, dtype }). */
export function randperm(n: number, options?: { generator?: Generator; dtype?: DTypeLike; requiresGrad?: boolean } & OutOption): Tensor;
export function randperm<A extends Rebound<[n: number], ["n"], { generator?: Generator; dtype?: DTypeLike; requiresGrad?: boolean } & OutOption>>(...args: A): Tensor;
export function randperm(n: number, options: { generator?: Generator; dtype?: DTypeLike; requiresGrad?: boolean } & OutOption = {}): Tensor {
  if (arguments.length > 2) checkArgs("randperm", arguments, 1, [...FACTORY_KW, "out"]); else if (arguments.length <= 1 && isOptionsObject(n)) return rebind(randperm, "randperm", arguments, ["n"], 1, [...FACTORY_KW, "out"]);
  if (hasOut([options])) return withOut("randperm", [options], (rest) => randperm(n, rest[0] as { dtype?: DTypeLike }), "cast", true);
  const opts = bindArgs("randperm", [options], [], FACTORY_KW);
  checkIntArg("randperm", "n", 1, n);
  if (n < 0) throw new Error(`randperm: n must be non-negative, got ${n}`);
  const perm = randpermDraw(genOf(opts), n);
  const t = emptyTensor([n], int64);
  (t.storage.data as BigInt64Array).set(perm);
  const dt = opts.dtype ? toDType(opts.dtype as DTypeLike) : int64;
  return finishFactory(dt === int64 ? t : t.to(dt), opts);
}

/** The options a *_like random factory passes on: input's dtype and device unless given. */
function likeOptions(input: Tensor, o: LikeOptions): Record<string, unknown> {
  return {
    dtype: o.dtype ?? input.dtype, device: o.device ?? input.device,
    ...(o.generator ? { generator: o.generator } : {}), ...(o.requiresGrad ? { requiresGrad: true } : {}),
  };
}

type LikeOptions = { dtype?: DTypeLike | null; device?: DeviceLike | null; requiresGrad?: boolean; generator?: Generator; memoryFormat?: MemoryFormat | null };

/**
 * A *_like random factory: `sized` for a contiguous result; a result laid out as input (preserve_format)
 * or in the memoryFormat given is filled in place (`fillIn`), so it takes its draws in memory order,
 * as PyTorch's empty_like(...).uniform_() does.
 */
function randomLike(op: string, input: Tensor, o: LikeOptions, sized: (opts: Record<string, unknown>) => Tensor, fillIn: (t: Tensor, g: GenOpt) => void): Tensor {
  const strides = likeStrides(op, input, o.memoryFormat);
  const opts = likeOptions(input, o);
  const device = toDevice(opts.device as DeviceLike);
  if (strides === null || device.type !== "cpu") return sized(opts);
  const t = new Tensor(Storage.alloc(toDType(opts.dtype as DTypeLike), input.numel()), input.shape, strides);
  fillIn(t, { generator: o.generator ?? null });
  return finishFactory(t, opts);
}

export function randLike(input: Tensor, options?: LikeOptions): Tensor;
export function randLike<A extends Rebound<[input: Tensor], ["input"], LikeOptions>>(...args: A): Tensor;
export function randLike(input: Tensor, options: LikeOptions = {}): Tensor {
  if (arguments.length > 2) checkArgs("rand_like", arguments, 1, FACTORY_KW); else if (arguments.length <= 1 && isOptionsObject(input)) return rebind(randLike, "rand_like", arguments, ["input"], 1, FACTORY_KW);
  bindArgs("rand_like", [options], [], FACTORY_KW);
  return keepNamesOf(input, randomLike("rand_like", input, options, (opts) => rand(input.shape, opts), (t, g) => uniform_(t, g)));
}
export function randnLike(input: Tensor, options?: LikeOptions): Tensor;
export function randnLike<A extends Rebound<[input: Tensor], ["input"], LikeOptions>>(...args: A): Tensor;
export function randnLike(input: Tensor, options: LikeOptions = {}): Tensor {
  if (arguments.length > 2) checkArgs("randn_like", arguments, 1, FACTORY_KW); else if (arguments.length <= 1 && isOptionsObject(input)) return rebind(randnLike, "randn_like", arguments, ["input"], 1, FACTORY_KW);
  bindArgs("randn_like", [options], [], FACTORY_KW);
  return keepNamesOf(input, randomLike("randn_like", input, options, (opts) => randn(input.shape, opts), (t, g) => normal_(t, g)));
}
export function randintLike(input: Tensor, low: number, high?: number | RandintOptions, options: RandintOptions = {}): Tensor {
  let lo = 0, hi: number, o = options;
  if (typeof high === "number") { lo = low; hi = high; } else { hi = low; if (high) o = high; }
  return randomLike("randint_like", input, o as LikeOptions, (opts) => randint(lo, hi, input.shape, opts), (t, g) => random_(t, lo, hi, g));
}

interface NormalOptions { generator?: Generator; dtype?: DTypeLike; size?: number[]; requiresGrad?: boolean }

/**
 * torch.normal(mean, std, size?) with numbers, or with tensor mean and/or std (broadcast together).
 */
export function normal(mean: number | Tensor, std?: number | Tensor, size?: number[] | NormalOptions, options?: NormalOptions): Tensor;
export function normal<A extends Rebound<[mean: number | Tensor, std?: number | Tensor, size?: number[] | NormalOptions], ["mean", "std?", "size?"], NormalOptions>>(...args: A): Tensor;
export function normal(mean: number | Tensor, std: number | Tensor = 1, size?: number[] | NormalOptions, options: NormalOptions = {}): Tensor {
  if (arguments.length > 3) checkArgs("normal", arguments, 3, [...FACTORY_KW, "size"]); else if (isOptionsObject(arguments.length === 3 ? size : arguments.length === 2 ? std : mean)) return rebind(normal, "normal", arguments, ["mean", "std", "size"], 1, [...FACTORY_KW, "size"]);
  let opts: NormalOptions = options;
  let shape: number[] | undefined;
  if (Array.isArray(size)) shape = size; else if (size) opts = size;
  bindArgs("normal", [opts], [], [...FACTORY_KW, "size"]);
  shape = shape ?? opts.size;
  const g = genOf(opts as Record<string, unknown>);
  if (!(mean instanceof Tensor) && !(std instanceof Tensor)) {
    if (!shape) throw new Error("normal(): with float mean and std, a size is required");
    const dt = opts.dtype ? toDType(opts.dtype) : getDefaultDtype();
    const t = emptyTensor(shape, dt);
    fillInto(t, (o) => normalFill(g, o as FloatOut, mean, std, floatDtype("normal", t)));
    return finishFactory(t, opts as Record<string, unknown>);
  }
  const shapes = [mean, std].filter((v): v is Tensor => v instanceof Tensor).map((v) => v.shape);
  const outShape = broadcastShapes(...shapes);
  const dt = mean instanceof Tensor ? mean.dtype : (std as Tensor).dtype;
  // The tensor-parameter draws read their parameters on the host (PyTorch's CPU order of draws).
  if (onDevice(mean, std)) throw notImplementedOnDevice("normal");
  if (std instanceof Tensor && (std.lt(0).any().item() as boolean)) throw new Error("normal expects all elements of std >= 0.0");
  const t = emptyTensor(outShape, dt);
  const vals = (v: number | Tensor): number | Float32Array | Float64Array =>
    typeof v === "number" ? v : (toNumbers(v.expand(outShape).contiguous().to(dt === float64 ? float64 : float32)) as Float32Array | Float64Array);
  fillInto(t, (o) => normalTensorFill(g, o as FloatOut, vals(mean), vals(std), floatDtype("normal", t)));
  return t;
}

/** torch.bernoulli(input, p?, { generator }): draws 1 with probability input (or p). */
export function bernoulli(input: Tensor, p?: number | { generator?: Generator; p?: number }, options?: { generator?: Generator }): Tensor;
export function bernoulli<A extends Rebound<[input: Tensor, p?: number | { generator?: Generator; p?: number }], ["input", "p?"], { generator?: Generator }>>(...args: A): Tensor;
export function bernoulli(input: Tensor, p?: number | { generator?: Generator; p?: number }, options: { generator?: Generator } = {}): Tensor {
  if (arguments.length > 2) checkArgs("bernoulli", arguments, 2, ["generator", "p"]); else if (isOptionsObject(arguments.length === 2 ? p : input)) return rebind(bernoulli, "bernoulli", arguments, ["input", "p"], 1, ["generator"]);
  checkTensor("bernoulli", "input", input);
  if (isNamed(input)) return keepNamed(input, [], () => bernoulli(input, p, options));
  let prob: number | undefined, opts: { generator?: Generator; p?: number } = options;
  if (typeof p === "number") prob = p; else if (p) { opts = p; prob = p.p; }
  bindArgs("bernoulli", [opts], [], ["generator", "p"]);
  const g = genOf(opts as Record<string, unknown>);
  if (onDevice(input)) {
    // With a number p only the shape is read: the CPU's draws, uploaded (see randomInPlace).
    if (prob === undefined) throw notImplementedOnDevice("bernoulli");
    return bernoulli(emptyTensor(input.shape, input.dtype), prob, { generator: g }).to(input.device);
  }
  const out = emptyTensor(input.shape, input.dtype);
  if (prob !== undefined) {
    fillInto(out, (o, d) => bernoulliScalarFill(g, o, prob, d));
    return out;
  }
  if (!input.dtype.isFloatingPoint) throw new Error(`bernoulli expects a floating point probability tensor, got ${input.dtype}`);
  const probs = toNumbers(input.contiguous()) as Float32Array | Float64Array;
  const pd = input.dtype.name as RandomFloatDType;
  if (probs.some((v) => !(v >= 0 && v <= 1))) throw new Error("bernoulli_: all elements of p must be in [0, 1]");
  fillInto(out, (o, d) => bernoulliTensorFill(g, o, probs, pd, d));
  return out;
}

/** torch.multinomial(input, numSamples, replacement?, { generator }). */
export function multinomial(input: Tensor, numSamples: number, replacement: boolean | { replacement?: boolean; generator?: Generator } = false, options: { generator?: Generator } = {}): Tensor {
  let rep = false, opts = options;
  if (typeof replacement === "boolean") rep = replacement; else { rep = replacement.replacement ?? false; opts = replacement; }
  if (input.dim() !== 1 && input.dim() !== 2) throw new Error(`prob_dist must be 1 or 2 dim`);
  if (!input.dtype.isFloatingPoint) throw new Error(`multinomial only supports floating-point dtypes for input, got: ${input.dtype}`);
  const rows = input.dim() === 1 ? 1 : input._shape[0]!;
  const n = input._shape[input.dim() - 1]!;
  const probs = toNumbers(input.contiguous()) as Float32Array | Float64Array;
  for (const v of probs) {
    if (!Number.isFinite(v) || v < 0) throw new Error("probability tensor contains either `inf`, `nan` or element < 0");
  }
  const draws = multinomialDraw(genOf(opts as Record<string, unknown>), probs, rows, n, numSamples, rep, input.dtype.name as RandomFloatDType);
  const t = emptyTensor(input.dim() === 1 ? [numSamples] : [rows, numSamples], int64);
  (t.storage.data as BigInt64Array).set(draws);
  return t;
}

// ---- in-place fills -------------------------------------------------------------------------

interface GenOpt { generator?: Generator | null }

function randomInPlace(op: string, self: Tensor, fill: (o: AnyOut, d: RandomDType) => void): Tensor {
  if (onDevice(self)) {
    // A device tensor takes the CPU generator's draws (the numbers a CPU tensor of its shape gets,
    // as the device factories do), uploaded by copy_, which also keeps the version and autograd rules.
    checkInplaceLeaf(op, self);
    // Drawn on the CPU in self's layout, so that a strided view takes its draws in the same order.
    const drawn = self.isContiguous() ? emptyTensor(self.shape, self.dtype)
      : new Tensor(Storage.alloc(self.dtype, self.numel()), self.shape, pointwiseStrides(self._shape, [self._strides], false));
    fillInto(drawn, fill);
    return copy_(self, drawn);
  }
  return applyInPlace(op, self, [], () => fillInto(self, fill), (snap) => {
    // A fill replaces the values: the gradient to the old values is zero.
    const out = noGrad(() => snap.detach().clone());
    fillInto(out, fill);
    return out.add(snap.mul(0));
  });
}

function twoNumbers(op: string, a: unknown[], names: [string, string], defaults: [number, number]): { x: number; y: number; g: Generator } {
  const o = bindArgs(op, a, names, ["generator"], 1);
  return { x: (o[names[0]] as number | undefined) ?? defaults[0], y: (o[names[1]] as number | undefined) ?? defaults[1], g: genOf(o) };
}

export function uniform_(self: Tensor, ...args: (number | GenOpt & { from?: number; to?: number })[]): Tensor {
  const { x, y, g } = twoNumbers("uniform_", args, ["from", "to"], [0, 1]);
  const d = floatDtype("uniform_", self);
  return randomInPlace("uniform_", self, (o) => uniformFill(g, o as FloatOut, x, y, d));
}

export function normal_(self: Tensor, ...args: (number | GenOpt & { mean?: number; std?: number })[]): Tensor {
  const { x, y, g } = twoNumbers("normal_", args, ["mean", "std"], [0, 1]);
  const d = floatDtype("normal_", self);
  const contiguous = self.isContiguous();
  // Complex: each part drawn with std / sqrt(2), as PyTorch's normal_ on the real view.
  const std = self.dtype.isComplex ? y * Math.SQRT1_2 : y;
  return randomInPlace("normal_", self, (o) => normalFill(g, o as FloatOut, x, std, d, { contiguous }));
}

/** tensor.random_(from?, to?): integers in [from, to) (to defaults to the dtype's range). */
export function random_(self: Tensor, ...args: (number | bigint | GenOpt & { from?: number; to?: number })[]): Tensor {
  const o = bindArgs("random_", args, ["from", "to"], ["generator"], 1);
  let from: number | bigint = (o.from as number | bigint | undefined) ?? 0, to = o.to as number | bigint | undefined;
  if (o.to === undefined && o.from !== undefined) { to = from; from = 0; }
  // random_() with no bounds draws from [0, 2^digits] for floats and the dtype's range for ints.
  const limits: Record<string, bigint> = { float32: 2n ** 24n + 1n, float64: 2n ** 53n + 1n, float16: 2n ** 11n + 1n, bfloat16: 2n ** 8n + 1n, int8: 128n, uint8: 256n, int16: 32768n, int32: 2n ** 31n, int64: 2n ** 63n, bool: 2n };
  const hi = to ?? limits[self.dtype.name]!;
  const g = genOf(o);
  return randomInPlace("random_", self, (out, d) => randintFill(g, out, from, hi, d));
}

export function bernoulli_(self: Tensor, p: number | Tensor | GenOpt & { p?: number } = 0.5, options: GenOpt = {}): Tensor {
  let opts = options, prob: number | Tensor = 0.5;
  if (typeof p === "number" || p instanceof Tensor) prob = p; else { opts = p; prob = p.p ?? 0.5; }
  const g = genOf(opts as Record<string, unknown>);
  if (prob instanceof Tensor) {
    if (onDevice(self, prob)) throw notImplementedOnDevice("bernoulli_");
    // The probabilities in the order the fill walks self.
    const order = self.isContiguous() ? null : iterationOrder(self._shape, [self._strides]);
    const expanded = prob.expand(self.shape);
    const probs = toNumbers((order ? expanded.permute(order) : expanded).contiguous()) as Float32Array | Float64Array;
    const pd = (prob.dtype.isFloatingPoint ? prob.dtype.name : "float32") as RandomFloatDType;
    return randomInPlace("bernoulli_", self, (o, d) => bernoulliTensorFill(g, o, probs, pd, d));
  }
  return randomInPlace("bernoulli_", self, (o, d) => bernoulliScalarFill(g, o, prob as number, d));
}

export function exponential_(self: Tensor, lambd: number | GenOpt & { lambd?: number } = 1, options: GenOpt = {}): Tensor {
  const l = typeof lambd === "number" ? lambd : lambd.lambd ?? 1;
  const g = genOf((typeof lambd === "number" ? options : lambd) as Record<string, unknown>);
  const d = floatDtype("exponential_", self);
  return randomInPlace("exponential_", self, (o) => exponentialFill(g, o as FloatOut, l, d));
}

export function geometric_(self: Tensor, p: number, options: GenOpt = {}): Tensor {
  const g = genOf(options as Record<string, unknown>);
  return randomInPlace("geometric_", self, (o, d) => geometricFill(g, o, p, d));
}

export function cauchy_(self: Tensor, ...args: (number | GenOpt & { median?: number; sigma?: number })[]): Tensor {
  const { x, y, g } = twoNumbers("cauchy_", args, ["median", "sigma"], [0, 1]);
  const d = floatDtype("cauchy_", self);
  return randomInPlace("cauchy_", self, (o) => cauchyFill(g, o as FloatOut, x, y, d));
}

export function logNormal_(self: Tensor, ...args: (number | GenOpt & { mean?: number; std?: number })[]): Tensor {
  const { x, y, g } = twoNumbers("log_normal_", args, ["mean", "std"], [1, 2]);
  const d = floatDtype("log_normal_", self);
  return randomInPlace("log_normal_", self, (o) => logNormalFill(g, o as FloatOut, x, y, d));
}

declare module "../core/tensor.js" {
  interface Tensor {
    uniform_: Method<typeof uniform_>;
    normal_: Method<typeof normal_>;
    random_: Method<typeof random_>;
    bernoulli_: Method<typeof bernoulli_>;
    bernoulli: Method<typeof bernoulli>;
    multinomial: Method<typeof multinomial>;
    exponential_: Method<typeof exponential_>;
    geometric_: Method<typeof geometric_>;
    cauchy_: Method<typeof cauchy_>;
    logNormal_: Method<typeof logNormal_>;
  }
}

installMethods({ uniform_, normal_, random_, bernoulli_, bernoulli, multinomial, exponential_, geometric_, cauchy_, logNormal_ });
