// Window functions for signal processing: torch.hann_window, hamming_window, blackman_window,
// bartlett_window, kaiser_window. Each computes its values step by step in the requested dtype,
// as PyTorch does, so float32 windows round as PyTorch's do. A periodic window of length N is the
// symmetric window of length N + 1 without its last value.

import type { Tensor } from "../core/tensor.js";
import { type DType, type DTypeLike, getDefaultDtype, toDType } from "../core/dtype.js";
import { arange, ones, empty, tensor, type FactoryOptions } from "./creation.js";
import { finishFactory } from "./factory-utils.js";
import { noGrad } from "../autograd/grad-mode.js";
import { i0 } from "./special-math.js";
import { type Args, bindArgs } from "./args.js";
import { cat } from "./shape-join.js";

type WindowOptions = FactoryOptions;

/** Checks the length and dtype, handles lengths 0 and 1, and builds the rest with `make(length)`. */
function windowOf(op: string, length: number, periodic: boolean, options: WindowOptions, make: (n: number, dtype: DType) => Tensor): Tensor {
  if (typeof length !== "number" || !Number.isInteger(length)) throw new Error(`${op}(): argument 'window_length' (position 1) must be int, not ${typeof length}`);
  if (typeof periodic !== "boolean") throw new Error(`${op}(): argument 'periodic' (position 2) must be bool, not ${typeof periodic}`);
  const dtype = options.dtype === undefined || options.dtype === null ? getDefaultDtype() : toDType(options.dtype as DTypeLike);
  if (length < 0) throw new Error(`${op} requires non-negative window_length, got window_length=${length}`);
  if (!dtype.isFloatingPoint) throw new Error(`${op} expects floating point dtypes, got: ${dtype}`);
  const opts = options as Record<string, unknown>;
  if (length === 0) return finishFactory(empty([0], { dtype }), opts);
  if (length === 1) return finishFactory(ones([1], { dtype }), opts);
  const n = periodic ? length + 1 : length;
  const w = noGrad(() => make(n, dtype));
  return finishFactory(periodic ? w.narrow(0, 0, length).contiguous() : w, opts);
}

const FACTORY_KW = ["dtype", "device", "requiresGrad", "layout", "pinMemory"];

/** Binds `(periodic?, ...params, options?)` as PyTorch's parameters, with the factory keywords. */
function windowArgs(op: string, args: readonly unknown[], names: readonly string[], defaults: readonly number[]): { periodic: boolean; params: number[]; options: WindowOptions } {
  const o = bindArgs(op, args, ["periodic", ...names], FACTORY_KW);
  const params = names.map((name, i) => {
    const v = o[name] ?? defaults[i]!;
    if (typeof v !== "number") throw new Error(`${op}(): argument '${name}' must be float, not ${typeof v}`);
    return v;
  });
  return { periodic: (o.periodic as boolean | undefined) ?? true, params, options: o as WindowOptions };
}

type PeriodicOptions = WindowOptions & { periodic?: boolean };

/** torch.hamming_window(window_length, periodic=True, alpha=0.54, beta=0.46, *, dtype, device, requires_grad). */
export function hammingWindow(windowLength: number, ...args: Args<[periodic?: boolean, alpha?: number, beta?: number], PeriodicOptions & { alpha?: number; beta?: number }>): Tensor {
  const { periodic, params: [alpha, beta], options } = windowArgs("hamming_window", args, ["alpha", "beta"], [0.54, 0.46]);
  return hamming("hamming_window", windowLength, periodic, alpha!, beta!, options);
}

function hamming(op: string, length: number, periodic: boolean, alpha: number, beta: number, options: WindowOptions): Tensor {
  return windowOf(op, length, periodic, options, (n, dtype) =>
    arange(n, { dtype }).mul((Math.PI * 2) / (n - 1)).cos().mul(-beta).add(alpha));
}

/** torch.hann_window(window_length, periodic=True, *, dtype, device, requires_grad): 0.5 - 0.5 cos(2πn/(N-1)). */
export function hannWindow(windowLength: number, ...args: Args<[periodic?: boolean], PeriodicOptions>): Tensor {
  const { periodic, options } = windowArgs("hann_window", args, [], []);
  return hamming("hann_window", windowLength, periodic, 0.5, 0.5, options);
}

/** torch.blackman_window(window_length, periodic=True, *, dtype, device, requires_grad). */
export function blackmanWindow(windowLength: number, ...args: Args<[periodic?: boolean], PeriodicOptions>): Tensor {
  const { periodic, options } = windowArgs("blackman_window", args, [], []);
  return windowOf("blackman_window", windowLength, periodic, options, (n, dtype) => {
    const x = arange(n, { dtype }).mul(Math.PI / (n - 1));
    return x.mul(4).cos().mul(0.08).sub(x.mul(2).cos().mul(0.5)).add(0.42);
  });
}

/** torch.bartlett_window(window_length, periodic=True, *, dtype, device, requires_grad): the triangular window. */
export function bartlettWindow(windowLength: number, ...args: Args<[periodic?: boolean], PeriodicOptions>): Tensor {
  const { periodic, options } = windowArgs("bartlett_window", args, [], []);
  return windowOf("bartlett_window", windowLength, periodic, options, (n, dtype) => {
    const x = arange(n, { dtype }).mul(2 / (n - 1));
    const firstHalf = ((n - 1) >> 1) + 1;
    return cat([x.narrow(0, 0, firstHalf), x.narrow(0, firstHalf, n - firstHalf).mul(-1).add(2)]);
  });
}

/** torch.kaiser_window(window_length, periodic=True, beta=12.0, *, dtype, device, requires_grad): I0(β√(1-((n-α)/α)²))/I0(β), α = (N-1)/2. */
export function kaiserWindow(windowLength: number, ...args: Args<[periodic?: boolean, beta?: number], PeriodicOptions & { beta?: number }>): Tensor {
  const { periodic, params: [beta], options } = windowArgs("kaiser_window", args, ["beta"], [12.0]);
  return windowOf("kaiser_window", windowLength, periodic, options, (n, dtype) => {
    const alpha = (n - 1) / 2, scale = i0(beta!);
    const values: number[] = [];
    for (let k = 0; k < n; k++) {
      const r = (k - alpha) / alpha;
      values.push(i0(beta! * Math.sqrt(Math.max(1 - r * r, 0))) / scale);
    }
    return tensor(values, { dtype });
  });
}
