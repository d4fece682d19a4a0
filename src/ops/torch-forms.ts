// torch.* functions that PyTorch keeps beside their methods or F.* forms: torch.detach / detach_,
// torch.fill (out of place), torch.constant_pad_nd, the deprecated torch.range, and the ATen norms
// torch.frobenius_norm / torch.nuclear_norm. Each is written over the existing op.

import { autocasting } from "../amp/state.js";
import { autocasts, runAutocast } from "../amp/hook.js";
import { Tensor } from "../core/tensor.js";
import { type DTypeLike, getDefaultDtype, int64, toDType } from "../core/dtype.js";
import { normalizeDim, normalizeDims } from "../core/shape.js";
import { type Args, bindArgs, checkArgs, checkTensor, describe, isOptionsObject, rebind, type Rebound } from "./args.js";
import { checkFiniteRange, checkNumberArg } from "./factory-utils.js";
import { type FactoryOptions, arange } from "./creation.js";
import { fillInPlace } from "./conversion.js";
import { clone } from "./view.js";
import { matrixNorm, vectorNorm } from "./linalg.js";
import { hasOut, withOut, type OutOption } from "./out.js";
import { scalarTypeName } from "./indexing-kernels.js";
import { constantPad } from "../nn/functional/padding-ops.js";
import { warnOnce } from "../nn/functional/loss-util.js";

/** torch.detach(input): Tensor.detach. */
export function detach(input: Tensor): Tensor;
export function detach<A extends Rebound<[input: Tensor], ["input"]>>(...args: A): Tensor;
export function detach(input: Tensor): Tensor {
  if (arguments.length > 1) checkArgs("detach", arguments, 1); else if (isOptionsObject(input)) return rebind(detach, "detach", arguments, ["input"], 1, []);
  return checkTensor("detach", "input", input).detach();
}

/** torch.detach_(input): Tensor.detach_. */
export function detach_(input: Tensor): Tensor;
export function detach_<A extends Rebound<[input: Tensor], ["input"]>>(...args: A): Tensor;
export function detach_(input: Tensor): Tensor {
  if (arguments.length > 1) checkArgs("detach_", arguments, 1); else if (isOptionsObject(input)) return rebind(detach_, "detach_", arguments, ["input"], 1, []);
  return checkTensor("detach_", "input", input).detach_();
}

/** torch.fill(input, value): a new tensor of input's shape and dtype holding value (FillBackward0: zero gradient). */
export function fill(input: Tensor, value: number | bigint | boolean | Tensor): Tensor;
export function fill<A extends Rebound<[input: Tensor, value: number | bigint | boolean | Tensor], ["input", "value"]>>(...args: A): Tensor;
export function fill(input: Tensor, value: number | bigint | boolean | Tensor): Tensor {
  if (arguments.length > 2) checkArgs("fill", arguments, 2); else if (isOptionsObject(arguments.length === 2 ? value : input)) return rebind(fill, "fill", arguments, ["input", "value"], 2, []);
  checkTensor("fill", "input", input);
  if (value instanceof Tensor && value.dim() !== 0) throw new Error(`fill_ only supports 0-dimension value tensor but got tensor with ${value.dim()} dimensions.`);
  return fillInPlace(clone(input), value, value instanceof Tensor ? "FillBackward1" : "FillBackward0");
}

/** torch.constant_pad_nd(input, pad, value=0): F.pad's constant mode (negative pads crop). */
export function constantPadNd(input: Tensor, pad: number[], value?: number | boolean): Tensor;
export function constantPadNd<A extends Rebound<[input: Tensor, pad: number[], value?: number | boolean], ["input", "pad", "value?"]>>(...args: A): Tensor;
export function constantPadNd(input: Tensor, pad: number[], value: number | boolean = 0): Tensor {
  if (arguments.length > 3) checkArgs("constant_pad_nd", arguments, 3); else if (isOptionsObject(arguments.length === 3 ? value : arguments.length === 2 ? pad : input)) return rebind(constantPadNd, "constant_pad_nd", arguments, ["input", "pad", "value"], 2, []);
  checkTensor("constant_pad_nd", "input", input);
  if (!Array.isArray(pad) || pad.some((p) => !Number.isInteger(p))) throw new Error(`constant_pad_nd(): argument 'pad' (position 2) must be tuple of ints, not ${describe(pad)}`);
  if (typeof value !== "number" && typeof value !== "boolean") throw new Error(`constant_pad_nd(): argument 'value' (position 3) must be Number, not ${describe(value)}`);
  return constantPad(input, pad, Number(value));
}

const RANGE_DEPRECATED = "torch.range is deprecated and will be removed in a future release because its behavior is inconsistent with Python's range builtin. Instead, use torch.arange, which produces values in [start, end).";

/**
 * torch.range(start, end, step=1): deprecated; end is included, the dtype is the default float
 * dtype unless given, and an integer dtype truncates start, end and step first, as PyTorch does.
 */
export function range(start: number, end: number, ...args: Args<[step?: number], { step?: number } & FactoryOptions & OutOption>): Tensor;
export function range<A extends Rebound<[start: number, end: number], ["start", "end"], { step?: number } & FactoryOptions & OutOption>>(...args: A): Tensor;
export function range(start: number, end: number, ...args: Args<[step?: number], { step?: number } & FactoryOptions & OutOption>): Tensor {
  if (hasOut(args)) return withOut("range", [start, end, ...args], (rest) => range(...(rest as [number, number])), "cast", true);
  if (arguments.length <= 2 && isOptionsObject(arguments.length === 2 ? end : start)) return rebind(range, "range", arguments, ["start", "end", "step"], 2, ["dtype", "device", "requiresGrad", "layout", "pinMemory"]);
  const a = bindArgs("range", args, ["step"], ["dtype", "device", "requiresGrad", "layout", "pinMemory"], 2);
  for (const [name, v, position] of [["start", start, 1], ["end", end, 2], ["step", a.step ?? 1, 3]] as const) checkNumberArg("range", name, position, v);
  warnOnce(RANGE_DEPRECATED);
  const dtype = a.dtype === undefined || a.dtype === null ? getDefaultDtype() : toDType(a.dtype as DTypeLike);
  const int = !dtype.isFloatingPoint;
  const [s, e, st] = [start, end, (a.step as number | undefined) ?? 1].map((v) => (int ? Math.trunc(v) : v)) as [number, number, number];
  if (st === 0 || Number.isNaN(st)) throw new Error("step must be nonzero");
  checkFiniteRange(s, e);
  if ((st > 0 && e < s) || (st < 0 && e > s)) throw new Error("upper bound and lower bound inconsistent with step sign");
  const n = Math.floor((e - s) / st) + 1;
  // start + i * step in double, then cast (PyTorch's range kernel).
  const values = arange(n, { dtype: int ? int64 : "float64" }).mul(st).add(s).to(dtype);
  const r = a.device === undefined || a.device === null ? values : values.to(a.device as never);
  return a.requiresGrad ? r.requiresGrad_(true) : r;
}

type Dims = number | number[];

/** torch.frobenius_norm(input) / (input, dim, keepdim=False): the 2-norm over at most two dims. */
export function frobeniusNorm(input: Tensor, ...args: Args<[dim?: Dims, keepdim?: boolean], { dim?: Dims; keepdim?: boolean } & OutOption>): Tensor {
  if (autocasting.on && autocasts("frobenius_norm", arguments)) return runAutocast(frobeniusNorm, arguments);
  if (hasOut(args)) return withOut("frobenius_norm", args, (rest) => frobeniusNorm(input, ...(rest as [never])), "same", false, [input]);
  checkTensor("frobenius_norm", "input", input);
  const a = bindArgs("frobenius_norm", args, ["dim", "keepdim"], [], 1);
  if (a.dim === undefined && a.keepdim !== undefined) throw new Error('frobenius_norm() missing 1 required positional arguments: "dim"');
  if (!input.dtype.isFloatingPoint) throw new Error(`norm(): input dtype should be either floating point or complex. Got ${scalarTypeName(input.dtype)} instead.`);
  const dims = a.dim === undefined ? [] : typeof a.dim === "number" ? [a.dim] : (a.dim as number[]);
  if (dims.length > 2) throw new Error(`Expected at most 2 dimensions, but got ${dims.length} dimensions instead.`);
  if (dims.length === 2) {
    const [d0, d1] = dims.map((d) => normalizeDim(d, input.dim()));
    if (d0 === d1) throw new Error(`Expected dims to be different, got [${dims.join(", ")}] instead`);
  }
  return vectorNorm(input, 2, dims.length ? dims : null, (a.keepdim as boolean | undefined) ?? false);
}

/** torch.nuclear_norm(input, keepdim=False) / (input, dim, keepdim=False): the sum of singular values. */
export function nuclearNorm(input: Tensor, ...args: Args<[dimOrKeepdim?: number[] | boolean, keepdim?: boolean], { dim?: number[]; keepdim?: boolean } & OutOption>): Tensor {
  if (autocasting.on && autocasts("nuclear_norm", arguments)) return runAutocast(nuclearNorm, arguments);
  if (hasOut(args)) return withOut("nuclear_norm", args, (rest) => nuclearNorm(input, ...(rest as [never])), "same", false, [input]);
  checkTensor("nuclear_norm", "input", input);
  if (!input.dtype.isFloatingPoint) throw new Error(`linalg.svd: Expected a floating point or complex tensor as input. Got ${scalarTypeName(input.dtype)}`);
  // The overloads: a boolean second argument is keepdim.
  const a = typeof args[0] === "boolean" ? bindArgs("nuclear_norm", args, ["keepdim"], [], 1) : bindArgs("nuclear_norm", args, ["dim", "keepdim"], [], 1);
  const keepdim = (a.keepdim as boolean | undefined) ?? false;
  if (a.dim === undefined || a.dim === null) {
    if (input.dim() !== 2) throw new Error(`Expected a tensor with 2 dimensions, but got a tensor with ${input.dim()} dimension${input.dim() === 1 ? "" : "s"} instead.`);
    return matrixNorm(input, "nuc", [0, 1], keepdim);
  }
  const dim = a.dim as number[];
  if (!Array.isArray(dim) || dim.length !== 2) throw new Error("nuclear norm requires a 'dim' argument of size 2");
  const [d0, d1] = normalizeDims(dim, input.dim(), "nuclear_norm");
  if (d0 === d1) throw new Error("duplicate or invalid dimensions");
  return matrixNorm(input, "nuc", [d0!, d1!], keepdim);
}
