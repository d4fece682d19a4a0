// torch.scalar_tensor and torch.empty_strided: factories PyTorch programs call directly.

import { Tensor } from "../core/tensor.js";
import { type DTypeLike, cppTypeName, getDefaultDtype, toDType } from "../core/dtype.js";
import { Complex } from "../core/complex.js";
import { Storage } from "../core/storage.js";
import { bindArgs, checkArgs, describe, installMethods, isOptionsObject, type Method, rebind } from "./args.js";
import { tensor, type FactoryOptions } from "./creation.js";
import { finishFactory } from "./factory-utils.js";

const FACTORY_KW = ["dtype", "device", "requiresGrad", "pinMemory", "layout", "memoryFormat"];

/** torch.scalar_tensor(s, *, dtype, device, requires_grad): a 0-d tensor, of the default float dtype unless dtype says otherwise. */
export function scalarTensor(s: number | bigint | boolean | Complex, options: FactoryOptions = {}): Tensor {
  bindArgs("scalar_tensor", [options], [], FACTORY_KW);
  if (typeof s !== "number" && typeof s !== "bigint" && typeof s !== "boolean" && !(s instanceof Complex)) {
    throw new Error(`scalar_tensor(): argument 's' (position 1) must be Number, not ${describe(s)}`);
  }
  const dtype = options.dtype === undefined || options.dtype === null ? getDefaultDtype() : toDType(options.dtype);
  // A complex s needs a complex dtype (the default float one refuses it, as PyTorch's).
  if (s instanceof Complex && !dtype.isComplex) throw new Error(`value cannot be converted to type ${cppTypeName(dtype)} without overflow`);
  return tensor(s, { ...options, dtype });
}

/**
 * torch.empty_strided(size, stride, *, dtype, device, requires_grad): a tensor with the given
 * strides over a storage just large enough for them (its values are unspecified; torch-ts zeroes
 * them).
 */
export function emptyStrided(size: number[], stride: number[], options: FactoryOptions = {}): Tensor {
  bindArgs("empty_strided", [options], [], FACTORY_KW);
  for (const [name, list] of [["size", size], ["stride", stride]] as const) {
    if (!Array.isArray(list) || list.some((v) => typeof v !== "number" || !Number.isInteger(v))) {
      throw new Error(`empty_strided(): argument '${name}' must be tuple of ints, not ${describe(list)}`);
    }
  }
  if (size.length !== stride.length) throw new Error(`dimensionality of sizes (${size.length}) must match dimensionality of strides (${stride.length})`);
  for (const s of size) if (s < 0) throw new Error(`Trying to create tensor with negative dimension ${s}: [${size.join(", ")}]`);
  if (stride.some((s) => s < 0)) throw new Error(`Storage size calculation overflowed with sizes=[${size.join(", ")}] and strides=[${stride.join(", ")}]`);
  const dtype = options.dtype === undefined || options.dtype === null ? getDefaultDtype() : toDType(options.dtype as DTypeLike);
  const elements = size.some((s) => s === 0) ? 0 : 1 + size.reduce((acc, s, i) => acc + (s - 1) * stride[i]!, 0);
  const t = new Tensor(Storage.alloc(dtype, elements), [...size], [...stride]);
  return finishFactory(t, options as Record<string, unknown>);
}

/** Tensor.new_empty_strided(size, stride, *, dtype, device, requires_grad): empty_strided with self's dtype and device by default. */
function newEmptyStrided(self: Tensor, size: number[], stride: number[], options: FactoryOptions = {}): Tensor {
  if (arguments.length > 4) checkArgs("new_empty_strided", arguments, 3, FACTORY_KW);
  else if (isOptionsObject(arguments.length === 3 ? stride : arguments.length === 2 ? size : self)) return rebind(newEmptyStrided, "new_empty_strided", arguments, ["self", "size", "stride"], 3, FACTORY_KW);
  return emptyStrided(size, stride, { dtype: self.dtype, device: self.device, ...options });
}

declare module "../core/tensor.js" {
  interface Tensor {
    newEmptyStrided: Method<typeof newEmptyStrided>;
  }
}

installMethods({ newEmptyStrided });
