// torch.func.grad, gradAndValue, vjp and jvp over torch-ts's reverse-mode autograd (see level.ts
// for how a transform level is kept). Like functorch's, they run func with grad enabled whatever
// the caller's mode, respect a noGrad inside func, take pytrees (arrays, plain objects) of tensors,
// and nest: grad(grad(f)), grad of a vjp, vmap(grad(f)). jvp runs in forward mode (forward.ts), in
// a dual level of its own nested inside any open one (jvp of jvp, jvp of grad, grad of jvp).

import { Tensor } from "../core/tensor.js";
import { enableGrad, isGradEnabled } from "../autograd/grad-mode.js";
import { type Args, bindArgs, isOptionsObject } from "../ops/args.js";
import { zerosLike } from "../ops/creation.js";
import { type Argnums, checkArgnums, replaceArgnums } from "./argnums.js";
import { Level, gradsOrZeros } from "./level.js";
import { pythonType, specString, specsEqual, treeFlatten, treeMap, treeUnflatten } from "./pytree.js";
import { fnName } from "./vmap.js";
import { forwardPass } from "./forward.js";

export interface GradTransformOptions { argnums?: Argnums; hasAux?: boolean }

/** Gives the transform's wrapper func's name, as functools.wraps does (vmap's errors show it). */
export function named<F extends (...args: never[]) => unknown>(wrapper: F, func: (...args: never[]) => unknown): F {
  Object.defineProperty(wrapper, "name", { value: fnName(func) });
  return wrapper;
}

function gradOptions(op: string, rest: readonly unknown[]): { argnums: Argnums; hasAux: boolean } {
  const o = bindArgs(op, rest, ["argnums", "hasAux"]);
  return { argnums: (o.argnums as Argnums | undefined) ?? 0, hasAux: (o.hasAux as boolean | undefined) ?? false };
}

function splitAux(output: unknown, hasAux: boolean, api: string): [unknown, unknown] {
  if (!hasAux) return [output, undefined];
  if (!(Array.isArray(output) && output.length === 2)) throw new Error(`${api}: output of function f should be a tuple: (output, aux) if has_aux is True`);
  return [output[0], output[1]];
}

/** grad_and_value_impl: [gradients shaped as the differentiated arguments, output, aux]. */
function gradAndValueImpl(func: (...args: never[]) => unknown, argnums: Argnums, hasAux: boolean, args: unknown[]): [unknown, Tensor, unknown] {
  const level = new Level();
  return enableGrad(() => {
    const idx = checkArgnums(argnums, args.length);
    const [callArgs, diffArgs] = replaceArgnums(args, idx, (a) => treeMap(a, (leaf) => level.differentiable(leaf)));
    const [output, aux] = splitAux(func(...(callArgs as never[])), hasAux, "grad_and_value(f)(*args)");
    if (!(output instanceof Tensor)) throw new Error(`grad_and_value(f)(*args): Expected f(*args) to return a Tensor, got ${pythonType(output)}`);
    if (output.dim() !== 0) {
      throw new Error(`grad_and_value(f)(*args): Expected f(*args) to return a scalar Tensor, got tensor with ${output.dim()} dims. Maybe you wanted to use the vjp or jacrev APIs instead?`);
    }
    const [flatDiff, spec] = treeFlatten(diffArgs);
    // A graph of the gradient only where an outer level (or the caller's autograd) can use it.
    const createGraph = level.reachesOuter(output);
    const grads = gradsOrZeros([output], flatDiff as Tensor[], null, createGraph, createGraph).map((g) => level.unwrap(g));
    return [treeUnflatten(grads, spec), level.unwrap(output), hasAux ? level.unwrapTree(aux) : undefined];
  });
}

/**
 * torch.func.grad(func, argnums=0, has_aux=False): a function returning the gradient of func's
 * scalar output with respect to the arguments at argnums (shaped as those arguments; an array of
 * them for an array argnums), or [gradient, aux] with hasAux. R types the result: by default the
 * type of the first argument (argnums 0: a Tensor, or a dict of them as torch.func's tutorials pass).
 */
export function grad<A extends unknown[], R = A[0]>(func: (...args: A) => unknown, ...rest: Args<[argnums?: Argnums, hasAux?: boolean], GradTransformOptions>): (...args: A) => R {
  const { argnums, hasAux } = gradOptions("grad", rest);
  return named((...args: A): R => {
    const [g, , aux] = gradAndValueImpl(func as (...a: never[]) => unknown, argnums, hasAux, args);
    return (hasAux ? [g, aux] : g) as R;
  }, func as (...a: never[]) => unknown);
}

/**
 * torch.func.grad_and_value(func, argnums=0, has_aux=False): [gradient, value], or
 * [gradient, [value, aux]] with hasAux (the gradient typed as grad's).
 */
export function gradAndValue<A extends unknown[], R = [A[0], Tensor]>(func: (...args: A) => unknown, ...rest: Args<[argnums?: Argnums, hasAux?: boolean], GradTransformOptions>): (...args: A) => R {
  const { argnums, hasAux } = gradOptions("grad_and_value", rest);
  return named((...args: A): R => {
    const [g, value, aux] = gradAndValueImpl(func as (...a: never[]) => unknown, argnums, hasAux, args);
    return (hasAux ? [g, [value, aux]] : [g, value]) as R;
  }, func as (...a: never[]) => unknown);
}

export interface VjpFnOptions { retainGraph?: boolean; createGraph?: boolean | null }
/** The function vjp returns: cotangents shaped as the outputs → one vector-Jacobian product per primal. */
export type VjpFn<T = Tensor> = (cotangents: unknown, options?: VjpFnOptions) => T[];

/** @internal vjp with argnums (jacrev's form): the outputs, the product function, aux. */
export function vjpWithArgnums(func: (...args: never[]) => unknown, primals: unknown[], argnums: Argnums | null, hasAux: boolean): { output: unknown; flatOutputs: Tensor[]; vjpFn: (cotangents: unknown, options?: VjpFnOptions) => unknown; aux: unknown } {
  const level = new Level();
  const make = (a: unknown): unknown => treeMap(a, (leaf) => level.differentiable(leaf));
  const forward = enableGrad(() => {
    let callArgs: unknown[], diff: unknown;
    if (argnums === null) { callArgs = primals.map(make); diff = callArgs; }
    else [callArgs, diff] = replaceArgnums(primals, checkArgnums(argnums, primals.length), make);
    const [out, aux] = splitAux(func(...(callArgs as never[])), hasAux, "vjp(f, *primals)");
    const [flatOut, outSpec] = treeFlatten(out);
    checkNonEmptyTensorOutput(flatOut, "vjp(f, *primals)");
    for (const o of flatOut as Tensor[]) {
      if (!o.dtype.isFloatingPoint && !o.dtype.isComplex) throw new Error(`vjp(f, ...): All outputs of f must be floating-point or complex Tensors, got Tensor with dtype torch.${o.dtype.name}`);
    }
    const [flatDiff, diffSpec] = treeFlatten(diff);
    return { flatOut: flatOut as Tensor[], outSpec, flatDiff: flatDiff as Tensor[], diffSpec, aux: hasAux ? level.unwrapTree(aux) : undefined };
  });
  const outputsReachOuter = level.anyReachesOuter(forward.flatOut);
  const vjpFn = (cotangents: unknown, options: VjpFnOptions = {}): unknown => {
    const [flatCot, cotSpec] = treeFlatten(cotangents);
    if (!specsEqual(cotSpec, forward.outSpec)) {
      throw new Error(`Expected pytree structure of cotangents to be the same as pytree structure of outputs to the function. cotangents: ${specString(cotSpec)}, primal output: ${specString(forward.outSpec)}`);
    }
    flatCot.forEach((c) => { if (!(c instanceof Tensor)) throw new Error(`vjp: expected cotangents to be Tensors, got ${pythonType(c)}`); });
    const cots = flatCot as Tensor[];
    const wanted = options.createGraph ?? isGradEnabled();
    const createGraph = wanted && (outputsReachOuter || cots.some((c) => c.requiresGrad));
    const grads = gradsOrZeros(forward.flatOut, forward.flatDiff, cots, createGraph, options.retainGraph ?? true);
    return treeUnflatten(grads.map((g) => level.unwrap(g)), forward.diffSpec);
  };
  return { output: treeUnflatten(forward.flatOut.map((o) => level.unwrap(o)), forward.outSpec), flatOutputs: forward.flatOut, vjpFn, aux: forward.aux };
}

function checkNonEmptyTensorOutput(flat: unknown[], api: string): void {
  if (flat.length === 0) throw new Error(`${api}: Expected f to be a function that has non-empty output (got output = ${flat.length === 0 ? "None" : "[...]"})`);
  for (const o of flat) if (!(o instanceof Tensor)) throw new Error(`${api}: expected f(*primals) to return only tensors, got unsupported type ${pythonType(o)}`);
}

/**
 * torch.func.vjp(func, *primals, has_aux=False): [func(...primals), vjpFn] (and aux with hasAux);
 * vjpFn(cotangents, { retainGraph = true, createGraph = isGradEnabled() }) returns an array with
 * one vector-Jacobian product per primal. hasAux goes in a trailing options object `{ hasAux }`.
 */
export function vjp<R = Tensor>(func: (...args: never[]) => unknown, ...primalsAndOptions: unknown[]): [R, VjpFn] | [R, VjpFn, unknown] {
  let primals = primalsAndOptions;
  let hasAux = false;
  const last = primalsAndOptions[primalsAndOptions.length - 1];
  if (isOptionsObject(last) && Object.keys(last).length > 0 && Object.keys(last).every((k) => k === "hasAux")) {
    hasAux = Boolean(last.hasAux);
    primals = primalsAndOptions.slice(0, -1);
  }
  const r = vjpWithArgnums(func, primals, null, hasAux);
  const fn = r.vjpFn as VjpFn;
  return hasAux ? [r.output as R, fn, r.aux] : [r.output as R, fn];
}

const JVP = "jvp(f, primals, tangents)";

function checkTensorList(flat: unknown[], argName: string): void {
  if (flat.length === 0) throw new Error(`${JVP}: Expected ${argName} to contain at least one Tensor.`);
  for (const t of flat) if (!(t instanceof Tensor)) throw new Error(`${JVP}: Expected ${argName} to only contain Tensors, got ${pythonType(t)}`);
}

export interface JvpOptions { strict?: boolean; hasAux?: boolean }

/**
 * torch.func.jvp(func, primals, tangents, *, strict=False, has_aux=False): [func(...primals), J·tangents]
 * (and aux with hasAux), primals and tangents arrays of the same structure. Computed in forward mode
 * (func runs once on dual tensors); inside another forward level (jvp of jvp), by the
 * double-backward trick (two reverse passes), with the same values.
 */
export function jvp<R = Tensor>(func: (...args: never[]) => unknown, primals: readonly unknown[], tangents: readonly unknown[], options: JvpOptions = {}): [R, R] | [R, R, unknown] {
  if (arguments.length > 4) throw new Error(`jvp() takes 3 positional arguments but ${arguments.length - 1} were given`);
  const o = bindArgs("jvp", [options], [], ["strict", "hasAux"]);
  const strict = (o.strict as boolean | undefined) ?? false, hasAux = (o.hasAux as boolean | undefined) ?? false;
  if (!Array.isArray(primals)) throw new Error(`${JVP}: Expected primals to be a tuple. E.g. it should be valid to call f(*primals).`);
  const [flatP, pSpec] = treeFlatten(primals);
  const [flatT, tSpec] = treeFlatten(tangents);
  if (!specsEqual(pSpec, tSpec)) {
    throw new Error(`${JVP}: Expected primals and tangents to have the same python structure. For example, if primals is a tuple of 3 tensors, tangents also must be. Got primals with structure ${specString(pSpec)} and tangents with structure ${specString(tSpec)}`);
  }
  checkTensorList(flatP, "primals");
  checkTensorList(flatT, "tangents");
  const ps = flatP as Tensor[], ts = flatT as Tensor[];
  ps.forEach((p, i) => {
    if (p.shape.join() !== ts[i]!.shape.join()) {
      throw new Error(`Trying to set a forward gradient that has a different size than that of the original Tensor, this is not supported. Tensor is of size [${p.shape.join(", ")}] while the given forward gradient is of size [${ts[i]!.shape.join(", ")}].`);
    }
  });
  const pass = forwardPass(ps, ts, (duals) => func(...(treeUnflatten(duals, pSpec) as never[])), (out) => splitAux(out, hasAux, JVP), (flat) => checkNonEmptyTensorOutput(flat, JVP));
  const tOut = pass.tangents.map((t, k) => {
    if (t !== null) return t;
    if (strict) throw new Error("jvp(f, primals, tangents, strict=True): The output of f is independent of the inputs. This is not allowed with strict=True.");
    return zerosLike(pass.outputs[k]!);
  });
  const primalsOut = treeUnflatten(pass.outputs, pass.spec) as R, tangentsOut = treeUnflatten(tOut, pass.spec) as R;
  return hasAux ? [primalsOut, tangentsOut, pass.aux] : [primalsOut, tangentsOut];
}


