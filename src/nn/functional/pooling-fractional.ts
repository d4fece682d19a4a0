// F.fractional_max_pool2d/3d (and their _with_indices forms): max pooling over pool-sized windows
// whose starts are spread pseudo-randomly to reach a target output size. The random samples are
// drawn as PyTorch draws them, torch.rand(N, C, 2 or 3, dtype=input.dtype) from the default
// generator, so one seed gives PyTorch's pooling regions. Kernel: src/backends/js/pool-fractional.ts.

import { autocasting } from "../../amp/state.js";
import { autocasts, runAutocast } from "../../amp/hook.js";
import { Tensor } from "../../core/tensor.js";
import { int64, scalarTypeName } from "../../core/dtype.js";
import { record } from "../../autograd/record.js";
import { type Args, bindArgs, describe } from "../../ops/args.js";
import { emptyTensor } from "../../ops/engine.js";
import { rand } from "../../ops/random.js";
import { notImplementedOnDevice, onDevice } from "../../ops/device-hooks.js";
import { fractionalMaxPoolForward } from "../../backends/js/pool-fractional.js";
import { floatData, scratch } from "./float-scratch.js";
import { scatterByIndices, withIndices } from "./pool-indices.js";

type IntOrTuple = number | number[];
type FloatOrTuple = number | number[];

interface FractionalOptions {
  kernelSize?: IntOrTuple;
  outputSize?: IntOrTuple | null;
  outputRatio?: FloatOrTuple | null;
  returnIndices?: boolean;
  _randomSamples?: Tensor | null;
}
type FractionalArgs = Args<[kernelSize?: IntOrTuple, outputSize?: IntOrTuple | null, outputRatio?: FloatOrTuple | null, returnIndices?: boolean, _randomSamples?: Tensor | null], FractionalOptions>;
/** The argument lists that ask for indices: returnIndices true, positionally or in the options. */
type FractionalIndexArgs =
  | [options: FractionalOptions & { kernelSize: IntOrTuple; returnIndices: true }]
  | [kernelSize: IntOrTuple, options: FractionalOptions & { returnIndices: true }]
  | [kernelSize: IntOrTuple, outputSize: IntOrTuple | null, options: FractionalOptions & { returnIndices: true }]
  | [kernelSize: IntOrTuple, outputSize: IntOrTuple | null, outputRatio: FloatOrTuple | null, returnIndices: true, _randomSamples?: Tensor | null];

const NAMES = ["kernelSize", "outputSize", "outputRatio", "returnIndices", "_randomSamples"];
const DIM_NAMES = { 2: ["height", "width"], 3: ["time", "height", "width"] } as const;

/** An int or a k-tuple of ints (ATen's IntArrayRef[k]); anything else is `message`. */
function ints(v: unknown, k: number, message: string): number[] {
  if (typeof v === "number" && Number.isInteger(v)) return new Array<number>(k).fill(v);
  if (Array.isArray(v) && v.length === k && v.every((x) => typeof x === "number" && Number.isInteger(x))) return [...(v as number[])];
  throw new Error(message);
}

function fractionalMaxPool(k: 2 | 3, input: unknown, args: readonly unknown[]): Tensor | [Tensor, Tensor] {
  const op = `fractional_max_pool${k}d`;
  if (!(input instanceof Tensor)) throw new Error(`${op}(): argument 'input' must be Tensor, not ${describe(input)}`);
  const x = input;
  const a = bindArgs(op, args, NAMES);
  if (a.kernelSize === undefined) throw new Error(`${op}() missing 1 required positional argument: 'kernel_size'`);
  const outputSizeArg = a.outputSize ?? null, ratioArg = a.outputRatio ?? null;
  if (outputSizeArg === null && ratioArg === null) throw new Error(`${op} requires specifying either an output_size or an output_ratio`);
  const nd = x.dim();
  if (nd !== k + 1 && nd !== k + 2) throw new Error(`${op}(): Expected ${k + 1}D or ${k + 2}D tensor, but got: [${x.shape.join(", ")}]`);
  const inSpatial = x.shape.slice(nd - k);
  let outSpatial: number[];
  if (outputSizeArg !== null) outSpatial = ints(outputSizeArg, k, `${op}: output_size must either be a single Int or tuple of Ints`);
  else {
    const r = typeof ratioArg === "number" ? new Array<number>(k).fill(ratioArg) : (ratioArg as number[]);
    if (!Array.isArray(r) || r.length !== k || !r.every((v) => typeof v === "number")) throw new Error(`${op}: output_ratio must be a float or a tuple of ${k} floats, got ${String(ratioArg)}`);
    outSpatial = inSpatial.map((s, i) => Math.trunc(s * r[i]!));
  }
  const pool = ints(a.kernelSize, k, `${op}: kernel_size must either be a single Int or tuple of Ints`);
  for (let i = 1; i < nd; i++) {
    if (x.size(i) <= 0) throw new Error(`${op}(): Expected input to have non-zero size for non-batch dimensions, but got[${x.shape.join(", ")}] with dimension ${i} being empty.`);
  }
  const where = k === 2 ? op + "()" : `${op}_out()`;
  for (let d = 0; d < k; d++) {
    // ATen's 3-d check is strict (a window may not end on the last element), the 2-d one is not.
    const last = outSpatial[d]! + pool[d]! - 1;
    if (k === 2 ? last > inSpatial[d]! : last >= inSpatial[d]!) {
      throw new Error(`${where}: pool ${DIM_NAMES[k][d]} ${pool[d]} too large relative to input ${DIM_NAMES[k][d]} ${inSpatial[d]}`);
    }
  }
  const isFloat = x.dtype.name === "float32" || x.dtype.name === "float64";
  let samples = (a._randomSamples as Tensor | null | undefined) ?? null;
  if (samples === null && !x.dtype.isFloatingPoint) throw new Error(`"check_uniform_bounds" not implemented for '${scalarTypeName(x.dtype)}'`);
  if (!isFloat) throw new Error(`"${op}_out_frame" not implemented for '${scalarTypeName(x.dtype)}'`);
  if (onDevice(x, samples)) throw notImplementedOnDevice(op);
  const planes = x.numel() / inSpatial.reduce((p, s) => p * s, 1);
  if (samples === null) samples = rand([nd === k + 2 ? x.size(0) : 1, x.size(nd - k - 1), k], { dtype: x.dtype });
  else if (!(samples instanceof Tensor)) throw new Error(`${op}(): argument '_random_samples' must be Tensor, not ${describe(samples)}`);
  else if (samples.numel() < planes * k) {
    throw new Error(`${op}(): _random_samples must hold ${k} samples per plane (${planes} planes), got a tensor of size [${samples.shape.join(", ")}]`);
  }

  const outShape = [...x.shape.slice(0, nd - k), ...outSpatial];
  const out = scratch(outShape, x.dtype, true);
  const indices = emptyTensor(outShape, int64);
  const spatial3 = (v: number[]): number[] => (k === 2 ? [1, ...v] : v);
  fractionalMaxPoolForward(floatData(x), planes, floatData(samples.to(x.dtype)), {
    input: spatial3(inSpatial), output: spatial3(outSpatial), pool: spatial3(pool),
    // ATen: 2-d planes hold (W, H) samples, 3-d planes (T, H, W).
    sampleOf: k === 2 ? [-1, 1, 0] : [0, 1, 2], samplesPerPlane: k, f32: x.dtype.name === "float32",
  }, out.data, indices.storage.data as BigInt64Array);
  const res = out.finish();
  const inShape = x.shape;
  record(`FractionalMaxPool${k}DBackward0`, [x], res, ([g]) => [scatterByIndices(g!, indices, inShape, k, `FractionalMaxPool${k}DBackwardBackward0`)]);
  return (a.returnIndices as boolean | undefined) ? [res, indices] : res;
}


/** F.fractional_max_pool2d(input, kernel_size, output_size=None, output_ratio=None, return_indices=False, _random_samples=None). */
export function fractionalMaxPool2d(input: Tensor, ...args: FractionalIndexArgs): [Tensor, Tensor];
export function fractionalMaxPool2d(input: Tensor, ...args: FractionalArgs): Tensor;
export function fractionalMaxPool2d(input: Tensor, ...args: FractionalArgs): Tensor | [Tensor, Tensor] {
  if (autocasting.on && autocasts("fractional_max_pool2d", arguments)) return runAutocast(fractionalMaxPool2d, arguments);
  return fractionalMaxPool(2, input, args);
}
/** F.fractional_max_pool3d(input, kernel_size, output_size=None, output_ratio=None, return_indices=False, _random_samples=None). */
export function fractionalMaxPool3d(input: Tensor, ...args: FractionalIndexArgs): [Tensor, Tensor];
export function fractionalMaxPool3d(input: Tensor, ...args: FractionalArgs): Tensor;
export function fractionalMaxPool3d(input: Tensor, ...args: FractionalArgs): Tensor | [Tensor, Tensor] {
  if (autocasting.on && autocasts("fractional_max_pool3d", arguments)) return runAutocast(fractionalMaxPool3d, arguments);
  return fractionalMaxPool(3, input, args);
}
/** F.fractional_max_pool2d_with_indices: always [output, indices]. */
export function fractionalMaxPool2dWithIndices(input: Tensor, ...args: FractionalArgs): [Tensor, Tensor] {
  return fractionalMaxPool(2, input, withIndices(args)) as [Tensor, Tensor];
}
/** F.fractional_max_pool3d_with_indices: always [output, indices]. */
export function fractionalMaxPool3dWithIndices(input: Tensor, ...args: FractionalArgs): [Tensor, Tensor] {
  return fractionalMaxPool(3, input, withIndices(args)) as [Tensor, Tensor];
}
