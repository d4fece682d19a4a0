// PyTorch's legacy tensor-type names ("torch.FloatTensor"): torch.typename, and
// torch.set_default_tensor_type, which sets the default float dtype from such a name; the legacy
// storage classes' names (Tensor.storage_type). torch.is_distributed sits here too: another
// question about a tensor's kind.

import { Tensor } from "../core/tensor.js";
import { ALL_DTYPES, DType, scalarTypeName, setDefaultDtype } from "../core/dtype.js";
import { checkArgs, checkTensor, installMethods, pyType } from "./args.js";

/**
 * torch.typename(obj): "torch.FloatTensor" (and so on) for a tensor, Python's type name for a
 * number ("int" / "float"), boolean ("bool"), string ("str"), array ("list"), dtype ("torch.dtype")
 * and null ("NoneType"); the class name for other objects (torch-ts's modules have no Python paths).
 */
export function typename(obj: unknown): string {
  if (obj instanceof Tensor) return obj.type() as string;
  if (obj instanceof DType) return "torch.dtype";
  if (typeof obj === "function") return "function";
  if (typeof obj === "object" && obj !== null && !Array.isArray(obj)) return obj.constructor?.name ?? "object";
  return pyType(obj);
}

/**
 * torch.set_default_tensor_type(t): t a name such as "torch.DoubleTensor"; the default float dtype
 * becomes its dtype. Floating types only, and no CUDA types, with PyTorch's errors.
 */
export function setDefaultTensorType(t: string): void {
  if (arguments.length > 1) throw new Error(`set_default_tensor_type() takes 1 positional argument but ${arguments.length} were given`);
  if (typeof t !== "string") throw new Error("invalid type object: only floating-point types are supported as the default type");
  if (t.startsWith("torch.cuda.")) throw new Error(`type ${t} not available. Torch not compiled with CUDA enabled.`);
  if (!t.startsWith("torch.")) throw new Error(`No module named '${t.split(".")[0]}'`);
  const dtype = ALL_DTYPES.find((d) => `torch.${scalarTypeName(d)}Tensor` === t);
  if (!dtype) throw new Error(`module 'torch' has no attribute '${t.slice(6)}'`);
  if (!dtype.isFloatingPoint) throw new Error("only floating-point types are supported as the default type");
  setDefaultDtype(dtype);
}

/** torch.is_distributed(input): false, torch-ts has no distributed tensors. */
export function isDistributed(input: Tensor): boolean {
  checkTensor("is_distributed", "input", input);
  return false;
}

/**
 * What Tensor.storage_type() returns. PyTorch returns the legacy storage class (torch.FloatStorage);
 * torch-ts has no such classes, so this describes one: its name and dtype, one frozen object per
 * dtype, so that `x.storageType() === y.storageType()` as PyTorch's classes compare.
 */
export interface StorageType {
  /** The class name, e.g. "FloatStorage" (PyTorch's `__name__`). */
  readonly name: string;
  readonly dtype: DType;
  /** "torch.FloatStorage", the name Tensor.type() uses for tensors ("torch.FloatTensor"). */
  toString(): string;
}

const storageTypes = new Map<DType, StorageType>();

/** Tensor.storage_type(): the legacy storage class of the tensor's dtype, named as Tensor.type() names it. */
function storageType(self: Tensor): StorageType {
  if (arguments.length > 1) checkArgs("storage_type", arguments, 1);
  let t = storageTypes.get(self.dtype);
  if (!t) {
    const name = `${scalarTypeName(self.dtype)}Storage`;
    t = Object.freeze({ name, dtype: self.dtype, toString: () => `torch.${name}` });
    storageTypes.set(self.dtype, t);
  }
  return t;
}

declare module "../core/tensor.js" {
  interface Tensor {
    /** The legacy storage class of this tensor's dtype, described (see StorageType). */
    storageType(): StorageType;
  }
}

installMethods({ storageType });
