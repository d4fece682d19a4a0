// Factories on the GPU: x.newZeros / newOnes / newFull / newEmpty on a GPU tensor, and torch.zeros /
// ones / full / empty / arange / eye and zerosLike / onesLike / fullLike / emptyLike with device
// "webgpu", allocate and fill on the GPU. The CPU versions build the tensor on the CPU and upload it,
// which costs a host allocation and a copy of every byte, and a submit, each time: backward passes
// call newZeros for every slice, select, gather and index (a TransformerEncoderLayer step uploaded
// 75 MB of zeros that way). Random factories (randn, rand, randint...) still draw from the CPU
// generator and upload, so that a seed gives the same numbers on both devices.

import type { Tensor } from "../core/tensor.js";
import { type DTypeLike, roundToDType, toDType } from "../core/dtype.js";
import { type DeviceLike, toDevice } from "../core/storage.js";
import { bindArgs, bindSize } from "../ops/args.js";
import type { DType } from "../core/dtype.js";
import { type DeviceInit, registerDeviceFactory } from "../ops/factory-utils.js";
import type { PointwiseOp } from "../backends/webgpu/pointwise-ops.js";
import { fillInto, pointwise } from "../backends/webgpu/pointwise.js";
import { empty, restride } from "../backends/webgpu/tensor.js";
import { gpuEmpty, gpuFill } from "./pointwise.js";
import { isGpuTensor, narrowFormatOf, supportedOrThrow, wrapExact } from "./storage.js";
import { context } from "./runtime.js";
// The CPU methods this file wraps must be installed first.
import "../ops/creation.js";

const FACTORY_KW = ["dtype", "device", "requiresGrad", "pinMemory", "layout", "memoryFormat", "out", "generator"];

type Method = (this: Tensor, ...args: unknown[]) => Tensor;

/** A GPU tensor of `size` filled with `fill` (left uninitialized when null), or null when `opts` asks for another device. */
function gpuNew(self: Tensor, op: string, size: readonly number[], opts: Record<string, unknown>, fill: number | bigint | boolean | null): Tensor | null {
  bindArgs(op, [opts], [], FACTORY_KW);
  if (opts["device"] !== undefined && opts["device"] !== null && toDevice(opts["device"] as DeviceLike).type !== "webgpu") return null;
  const dtype = opts["dtype"] === undefined || opts["dtype"] === null ? self.dtype : toDType(opts["dtype"] as DTypeLike);
  const t = gpuEmpty(size, dtype);
  if (fill !== null) gpuFill(t, fill);
  if (opts["requiresGrad"]) t.requiresGrad_(true);
  return t;
}

/** start + i * step (p0, p1) at flat index i: torch.arange on the GPU. */
const ARANGE: PointwiseOp = { name: "arange", arity: 0, expr: "p0 + T(i) * p1", dtypes: ["float32", "int32"] };

/** A factory's tensor allocated and filled on the GPU (the front end checked shape and options). */
function gpuFactory(op: string, shape: readonly number[], dtype: DType, init: DeviceInit): Tensor {
  const g = supportedOrThrow(op, dtype);
  const ctx = context(op);
  const t = empty(ctx, shape, g);
  const compute = g === "float32" || g === "float16" ? "float32" : "int32";
  if ("fill" in init) {
    if (init.fill !== null) fillInto(t, fillValue(op, init.fill, dtype));
  } else if ("arange" in init) {
    pointwise(ARANGE, [], { out: t, computeDtype: compute, params: [init.arange[0], init.arange[1]], narrow: narrowFormatOf(dtype) ?? undefined });
  } else {
    fillInto(t, 0);
    const [rows, cols] = [shape[0]!, shape[1]!];
    const diagonal = Math.min(rows, cols);
    if (diagonal > 0) fillInto(restride(t, [diagonal], [cols + 1], 0), 1);
  }
  // Fill values are rounded on the host, arange in its kernel, eye's 0/1 are exact.
  return wrapExact(t, dtype);
}

/** A fill value as the number the GPU stores (int32/int64 values must fit the int32 it keeps them in). */
function fillValue(op: string, v: number | bigint | boolean, dtype: DType): number {
  const n = typeof v === "boolean" ? (v ? 1 : 0) : Number(v);
  // Half values round and narrow integers wrap on the host, as the CPU stores them.
  if (narrowFormatOf(dtype)) return roundToDType(n, dtype);
  if (!dtype.isFloatingPoint && dtype.name !== "bool" && !(n >= -2147483648 && n <= 2147483647)) {
    throw new Error(`${op}: the value ${String(v)} does not fit the int32 the 'webgpu' device stores ${dtype.name} in`);
  }
  return dtype.name === "bool" ? (n !== 0 ? 1 : 0) : dtype.isFloatingPoint ? n : Math.trunc(n);
}

/** Replaces the new_* methods installed by ops/creation.ts with ones that stay on the GPU for GPU tensors. */
export function installGpuFactories(proto: Record<string, unknown>): void {
  registerDeviceFactory(gpuFactory);
  const sized = (name: string, op: string, fill: number | null): void => {
    const cpu = proto[name] as Method;
    proto[name] = function (this: Tensor, ...args: unknown[]): Tensor {
      if (!isGpuTensor(this)) return cpu.apply(this, args);
      const { size, opts } = bindSize(op, args);
      return gpuNew(this, op, size, opts, fill) ?? cpu.apply(this, args);
    };
  };
  sized("newZeros", "new_zeros", 0);
  sized("newOnes", "new_ones", 1);
  sized("newEmpty", "new_empty", null);
  const cpuFull = proto["newFull"] as Method;
  proto["newFull"] = function (this: Tensor, ...args: unknown[]): Tensor {
    const [size, value, options] = args as [number[], number | bigint | boolean, Record<string, unknown> | undefined];
    if (!isGpuTensor(this) || !Array.isArray(size)) return cpuFull.apply(this, args);
    return gpuNew(this, "new_full", size, options ?? {}, value) ?? cpuFull.apply(this, args);
  };
}
