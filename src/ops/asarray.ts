// torch.asarray: a tensor from a tensor, a typed array or Python-style data, sharing memory where
// it can (a tensor or typed array of the requested dtype and device), copying otherwise.

import { Tensor } from "../core/tensor.js";
import { type DTypeLike, type StorageArray, dtypeOfArray, toDType, bfloat16, bool, float16, uint8 } from "../core/dtype.js";
import { type DeviceLike, toDevice } from "../core/storage.js";
import { bindArgs } from "./args.js";
import { fromBuffer, tensor, type TensorData } from "./creation.js";
import { scalarTypeName } from "./indexing-kernels.js";

interface AsarrayOptions { dtype?: DTypeLike | null; device?: DeviceLike | null; copy?: boolean | null; requiresGrad?: boolean }

function isTypedArray(v: unknown): v is StorageArray {
  return ArrayBuffer.isView(v) && !(v instanceof DataView);
}

/**
 * torch.asarray(obj, *, dtype=None, device=None, copy=None, requires_grad=False): obj itself for
 * a tensor that needs no conversion (requiresGrad is then set on it), a tensor over a typed
 * array's own memory, or a new tensor. copy=true always copies; copy=false refuses to copy.
 */
export function asarray(obj: TensorData, options: AsarrayOptions = {}): Tensor {
  bindArgs("asarray", [options], [], ["dtype", "device", "copy", "requiresGrad"]);
  const dtype = options.dtype === undefined || options.dtype === null ? null : toDType(options.dtype);
  const device = options.device === undefined || options.device === null ? null : toDevice(options.device);
  const copy = options.copy ?? null, requiresGrad = options.requiresGrad ?? false;
  let result: Tensor;
  if (obj instanceof Tensor) {
    const toDtype = dtype ?? obj.dtype, toDev = device ?? obj.device;
    if (copy === false && toDtype !== obj.dtype) throw new Error(`can't alias tensor with dtype '${scalarTypeName(obj.dtype)}' into dtype '${scalarTypeName(toDtype)}'.`);
    if (copy === false && toDev.type !== obj.device.type) throw new Error(`can't alias tensor from device '${obj.device}' to '${toDev}'.`);
    result = obj.to({ dtype: toDtype, device: toDev, copy: copy === true });
  } else if (isTypedArray(obj)) {
    const own = dtypeOfArray(obj);
    const aliasable = dtype === null || dtype === own || (obj instanceof Uint16Array && (dtype === float16 || dtype === bfloat16)) || (obj instanceof Uint8Array && (dtype === bool || dtype === uint8));
    if (copy === false && !aliasable) throw new Error(`can't alias tensor with dtype '${scalarTypeName(own)}' into dtype '${scalarTypeName(dtype!)}'.`);
    result = copy !== true && aliasable ? fromBuffer(obj, dtype ? { dtype } : {}) : tensor(obj, dtype ? { dtype } : {});
    if (device && device.type !== "cpu") {
      if (copy === false) throw new Error(`can't alias tensor from device 'cpu' to '${device}'.`);
      result = result.to(device);
    }
  } else {
    if (copy === false) throw new Error("can't alias arbitrary sequence into a tensor.");
    result = tensor(obj, { ...(dtype ? { dtype } : {}), ...(device ? { device } : {}) });
  }
  if (requiresGrad) result.requiresGrad_(true);
  return result;
}
