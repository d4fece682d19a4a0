// x.newZeros / newOnes / newFull / newEmpty on a GPU tensor: allocated and filled on the GPU. The
// CPU versions build the tensor on the CPU and upload it, which costs a host allocation and a copy
// of every byte, and a submit, each time: backward passes call newZeros for every slice, select,
// gather and index (a TransformerEncoderLayer step uploaded 75 MB of zeros that way).

import type { Tensor } from "../core/tensor.js";
import { type DTypeLike, toDType } from "../core/dtype.js";
import { type DeviceLike, toDevice } from "../core/storage.js";
import { bindArgs, bindSize } from "../ops/args.js";
import { gpuEmpty, gpuFill } from "./pointwise.js";
import { isGpuTensor } from "./storage.js";
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

/** Replaces the new_* methods installed by ops/creation.ts with ones that stay on the GPU for GPU tensors. */
export function installGpuFactories(proto: Record<string, unknown>): void {
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
