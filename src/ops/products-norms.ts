// torch.dist, inner, renorm, vander and isin: small composites over public ops (so the
// differentiable ones get autograd and double backward from the ops they are made of).

import { autocasting } from "../amp/state.js";
import { autocasts, runAutocast } from "../amp/hook.js";
import { Tensor } from "../core/tensor.js";
import { bool, complex32, int64 } from "../core/dtype.js";
import { notImplementedFor } from "./pointwise-util.js";
import { normalizeDim } from "../core/shape.js";
import { type Args, bindArgs, checkTensor, describe, installMethods, type Method, checkArgs, isOptionsObject, rebind, type Rebound } from "./args.js";
import { promoteTypes } from "./promotion.js";
import { castTo } from "./conversion.js";
import { copyInto, fromArray } from "./engine.js";
import { applyInPlace } from "./inplace.js";
import { type OutOption, outCall } from "./out.js";
import { noGrad } from "../autograd/grad-mode.js";
import { tensordot } from "./blas.js";
import { vectorNormImpl } from "./reduction-more.js";
import { cat } from "./shape-join.js";
import { ones } from "./creation.js";
import { div } from "./arithmetic.js";
import { where } from "./comparison.js";

type Ord = number | "inf" | "-inf";

function ordOf(op: string, p: unknown): number {
  if (p === "inf" || p === Infinity) return Infinity;
  if (p === "-inf" || p === -Infinity) return -Infinity;
  if (typeof p !== "number") throw new Error(`${op}(): argument 'p' must be a number, not ${describe(p)}`);
  return p;
}

/** torch.dist(input, other, p=2): the p-norm of input - other (broadcast). */
export function dist(input: Tensor, other: Tensor, ...args: Args<[p?: Ord], { p?: Ord }>): Tensor;
export function dist<A extends Rebound<[input: Tensor, other: Tensor], ["input", "other"], { p?: Ord }>>(...args: A): Tensor;
export function dist(input: Tensor, other: Tensor, ...args: Args<[p?: Ord], { p?: Ord }>): Tensor {
  if (autocasting.on && autocasts("dist", arguments)) return runAutocast(dist, arguments);
  if (arguments.length <= 2 && isOptionsObject(arguments.length === 2 ? other : input)) return rebind(dist, "dist", arguments, ["input", "other", "p"], 2, []);
  checkTensor("dist", "input", input);
  checkTensor("dist", "other", other);
  const p = ordOf("dist", bindArgs("dist", args, ["p"]).p ?? 2);
  const diff = input.sub(other);
  if (!diff.dtype.isFloatingPoint) throw new Error(`linalg.vector_norm: Expected a floating point or complex tensor as input. Got ${typeNameOf(diff.dtype.name)}`);
  return vectorNormImpl(diff, p, null, false);
}

function typeNameOf(name: string): string {
  const n: Record<string, string> = { int8: "Char", uint8: "Byte", int16: "Short", int32: "Int", int64: "Long", bool: "Bool" };
  return n[name] ?? name;
}

/** torch.inner(input, other): sums of products over the last dims (a scalar operand scales). */
export function inner(input: Tensor, other: Tensor, options?: OutOption): Tensor;
export function inner<A extends Rebound<[input: Tensor, other: Tensor], ["input", "other"], OutOption>>(...args: A): Tensor;
export function inner(input: Tensor, other: Tensor, options?: OutOption): Tensor {
  if (arguments.length > 2) return outCall("inner", arguments, 2, () => inner(input, other), "same"); else if (isOptionsObject(arguments.length === 2 ? other : input)) return rebind(inner, "inner", arguments, ["input", "other"], 2, ["out"]);
  checkTensor("inner", "input", input);
  checkTensor("inner", "other", other);
  if (input.dim() === 0 || other.dim() === 0) return input.mul(other);
  const a = input.shape[input.dim() - 1], b = other.shape[other.dim() - 1];
  if (a !== b) {
    throw new Error(`inner() the last dimension must match on both input tensors but got shapes [${input.shape.join(", ")}] and [${other.shape.join(", ")}]`);
  }
  return tensordot(input, other, [[-1], [-1]]);
}

/**
 * torch.renorm(input, p, dim, maxnorm): each slice along dim whose p-norm exceeds maxnorm scaled
 * to norm maxnorm (by maxnorm / (norm + 1e-7), as PyTorch does).
 */
export function renorm(input: Tensor, p: number, dim: number, maxnorm: number, options?: OutOption): Tensor;
export function renorm<A extends Rebound<[input: Tensor, p: number, dim: number, maxnorm: number], ["input", "p", "dim", "maxnorm"], OutOption>>(...args: A): Tensor;
export function renorm(input: Tensor, p: number, dim: number, maxnorm: number, options?: OutOption): Tensor {
  if (autocasting.on && autocasts("renorm", arguments)) return runAutocast(renorm, arguments);
  if (arguments.length > 4) return outCall("renorm", arguments, 4, () => renorm(input, p, dim, maxnorm), "same"); else if (isOptionsObject(arguments.length === 4 ? maxnorm : arguments.length === 3 ? dim : arguments.length === 2 ? p : input)) return rebind(renorm, "renorm", arguments, ["input", "p", "dim", "maxnorm"], 4, ["out"]);
  const { dims } = renormChecks("renorm", input, p, dim, maxnorm);
  const norms = vectorNormImpl(input, p, dims, true);
  const factor = where(norms.gt(maxnorm), div(maxnorm, norms.add(1e-7)), 1);
  return input.mul(factor);
}

/** In-place renorm. */
export function renorm_(self: Tensor, p: number, dim: number, maxnorm: number): Tensor;
export function renorm_<A extends Rebound<[self: Tensor, p: number, dim: number, maxnorm: number], ["self", "p", "dim", "maxnorm"]>>(...args: A): Tensor;
export function renorm_(self: Tensor, p: number, dim: number, maxnorm: number): Tensor { if (arguments.length > 4) checkArgs("renorm_", arguments, 4); else if (isOptionsObject(arguments.length === 4 ? maxnorm : arguments.length === 3 ? dim : arguments.length === 2 ? p : self)) return rebind(renorm_, "renorm_", arguments, ["self", "p", "dim", "maxnorm"], 4, []);
  renormChecks("renorm_", self, p, dim, maxnorm);
  return applyInPlace("renorm_", self, [], () => copyInto(self, noGrad(() => renorm(self, p, dim, maxnorm))), (snap) => renorm(snap, p, dim, maxnorm));
}

function renormChecks(op: string, input: Tensor, p: number, dim: number, maxnorm: number): { dims: number[] } {
  checkTensor(op, "input", input);
  if (typeof p !== "number") throw new Error(`${op}(): argument 'p' (position 2) must be Number, not ${describe(p)}`);
  if (typeof dim !== "number" || !Number.isInteger(dim)) throw new Error(`${op}(): argument 'dim' (position 3) must be int, not ${describe(dim)}`);
  if (typeof maxnorm !== "number") throw new Error(`${op}(): argument 'maxnorm' (position 4) must be Number, not ${describe(maxnorm)}`);
  if (!(p > 0)) throw new Error("renorm: non-positive-norm not supported");
  if (maxnorm < 0) throw new Error(`renorm: expected maxnorm to be >= 0 but got ${maxnorm}`);
  if (input.dim() <= 1) throw new Error(`renorm: input needs at least 2 dimensions, got ${input.dim()} dimensions`);
  const d = normalizeDim(dim, input.dim());
  if (!input.dtype.isFloatingPoint) throw new Error(`linalg.vector_norm: Expected a floating point or complex tensor as input. Got ${typeNameOf(input.dtype.name)}`);
  return { dims: input.shape.map((_, i) => i).filter((i) => i !== d) };
}

/**
 * torch.vander(x, N=None, increasing=False): the Vandermonde matrix of a 1-d x, powers N-1 down
 * to 0 (up, with increasing). Integer and bool x give int64, as in PyTorch; the powers are
 * running products (cumprod), as PyTorch computes them.
 */
export function vander(x: Tensor, ...args: Args<[N?: number | null, increasing?: boolean], { N?: number | null; increasing?: boolean }>): Tensor {
  checkTensor("vander", "x", x);
  const o = bindArgs("vander", args, ["N", "increasing"]);
  if (x.dim() !== 1) throw new Error("x must be a one-dimensional tensor.");
  const n = (o.N as number | null | undefined) ?? x.shape[0]!;
  if (typeof n !== "number" || !Number.isInteger(n)) throw new Error(`vander(): argument 'N' must be int, not ${describe(n)}`);
  if (n < 0) throw new Error("N must be non-negative.");
  const increasing = (o.increasing as boolean | undefined) ?? false;
  const dtype = promoteTypes(x.dtype, int64);
  const rows = x.shape[0]!;
  const first = ones([rows, Math.min(n, 1)], { dtype });
  const result = n > 1 ? cat([first, castTo(x, dtype).unsqueeze(1).expand(rows, n - 1).cumprod(1)], 1) : first;
  return increasing ? result : result.flip(1);
}

type Element = Tensor | number | bigint | boolean;
interface IsinOptions { assumeUnique?: boolean; invert?: boolean }

/**
 * torch.isin(elements, testElements, *, assume_unique=False, invert=False): whether each element
 * is one of testElements (compared after type promotion; NaN matches nothing). Either side may be
 * a scalar. assumeUnique is accepted as a hint only: the result is the same either way.
 */
export function isin(elements: Element, testElements: Element, options: IsinOptions = {}): Tensor {
  bindArgs("isin", [options], [], ["assumeUnique", "invert"]);
  const invert = options.invert ?? false;
  if (typeof invert !== "boolean") throw new Error(`isin(): argument 'invert' must be bool, not ${describe(invert)}`);
  if (!(elements instanceof Tensor) && !(testElements instanceof Tensor)) {
    throw new Error(`isin() received an invalid combination of arguments - got (${describe(elements)}, ${describe(testElements)}): at least one of elements and test_elements must be a Tensor`);
  }
  for (const t of [elements, testElements]) {
    if (t instanceof Tensor && t.dtype === bool) throw new Error("Unsupported input type encountered for isin(): Bool");
    if (typeof t === "boolean") throw new Error("Unsupported input type encountered for isin(): Bool");
    if (t instanceof Tensor && t.dtype === complex32) throw notImplementedFor("isin_default_cpu", complex32);
  }
  let found: Tensor;
  if (!(testElements instanceof Tensor)) found = (elements as Tensor).eq(testElements);
  else if (!(elements instanceof Tensor)) found = testElements.eq(elements).any();
  else {
    const common = promoteTypes(elements.dtype, testElements.dtype);
    const test = new Set<number | bigint | boolean>();
    for (const v of castTo(testElements.detach(), common).reshape(-1).tolist() as (number | bigint)[]) if (v === v) test.add(v);
    const values = castTo(elements.detach(), common).reshape(-1).tolist() as (number | bigint)[];
    const out = new Uint8Array(values.length);
    for (let i = 0; i < values.length; i++) out[i] = test.has(values[i]!) ? 1 : 0;
    found = fromArray(out, elements.shape, bool);
  }
  return invert ? found.logicalNot() : found;
}

declare module "../core/tensor.js" {
  interface Tensor {
    dist: Method<typeof dist>;
    inner: Method<typeof inner>;
    renorm: Method<typeof renorm>;
    renorm_: Method<typeof renorm_>;
  }
}
installMethods({ dist, inner, renorm, renorm_ });
