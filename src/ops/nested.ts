// torch.nested (PyTorch 1.13, a prototype there): nestedTensor, asNestedTensor, toPaddedTensor,
// and the Tensor members isNested and toPaddedTensor. The ops that run on nested tensors are in
// nested-ops.ts, reached from the dense ops' entry points.

import { Tensor } from "../core/tensor.js";
import { type DTypeLike, getDefaultDtype, toDType } from "../core/dtype.js";
import { type DeviceLike, toDevice } from "../core/storage.js";
import { NestedTensor, isNested } from "../core/nested-tensor.js";
import { warnOnce } from "../core/warnings.js";
import { backendRefusal } from "../core/op-name.js";
import { record } from "../autograd/record.js";
import { checkArgs, installMethods, isOptionsObject, rebind, type Method, type Rebound } from "./args.js";
import { nestedRefusal, packNested } from "./nested-engine.js";
import { nestedToPadded } from "./nested-ops.js";

export interface NestedTensorOptions {
  dtype?: DTypeLike | null;
  device?: DeviceLike | null;
  requiresGrad?: boolean | null;
  pinMemory?: boolean | null;
}

/** 1.13's warning, given the first time a nested tensor is made. */
const PROTOTYPE = "The PyTorch API of nested tensors is in prototype stage and will change in the near future.";

/** The checked list of components and the nested tensor's dtype (the leftmost's unless given). */
function componentsArg(tensorList: unknown, dtype: DTypeLike | null | undefined, device: DeviceLike | null | undefined): { list: Tensor[]; dtype: ReturnType<typeof toDType> } {
  if (!Array.isArray(tensorList) || tensorList.some((t) => !(t instanceof Tensor))) {
    throw new TypeError("nested_tensor(): Expected first argument to be a list of tensors ");
  }
  const list = tensorList as Tensor[];
  if (list.some((t) => isNested(t))) throw nestedRefusal("_nested_tensor_from_tensor_list");
  list.forEach((t, i) => {
    if (t.dim() !== list[0]!.dim()) {
      throw new Error(`All Tensors given to nested_tensor must have the same dimension. Found dimension ${t.dim()} for Tensor at index ${i} and dimension ${list[0]!.dim()} for Tensor at index 0.`);
    }
  });
  const where = device === undefined || device === null ? list[0]?.device ?? toDevice("cpu") : toDevice(device);
  if (where.type !== "cpu" || list.some((t) => t.device.type !== "cpu")) throw new Error(`nested_tensor(): nested tensors are CPU only in torch-ts (asked for ${where})`);
  warnOnce(PROTOTYPE);
  return { list, dtype: dtype === undefined || dtype === null ? list[0]?.dtype ?? getDefaultDtype() : toDType(dtype) };
}

/**
 * torch.nested.nested_tensor(tensor_list, *, dtype=None, device=None, requires_grad=False,
 * pin_memory=False): a leaf nested tensor holding copies of the tensors (no autograd history).
 */
export function nestedTensor(tensorList: Tensor[], options?: NestedTensorOptions): Tensor;
export function nestedTensor<A extends Rebound<[tensorList: Tensor[]], ["tensorList"], NestedTensorOptions>>(...args: A): Tensor;
export function nestedTensor(tensorList: Tensor[], options: NestedTensorOptions = {}): Tensor {
  const keywords = ["dtype", "device", "requiresGrad", "pinMemory"];
  if (arguments.length > 1) checkArgs("nested_tensor", arguments, 1, keywords);
  else if (isOptionsObject(tensorList)) return rebind(nestedTensor, "nested_tensor", arguments, ["tensorList"], 1, keywords);
  const { list, dtype } = componentsArg(tensorList, options.dtype, options.device);
  const nt = packNested(list.map((t) => t.detach()), dtype);
  if (options.requiresGrad) {
    if (!dtype.isFloatingPoint) throw new Error("only Tensors of floating point dtype can require gradients");
    nt.requiresGrad_(true);
  }
  return nt;
}

/**
 * torch.nested.as_nested_tensor(tensor_list, dtype=None, device=None): a nested tensor of copies
 * that keeps the tensors' autograd history (NestedTensorFromTensorListBackward0).
 */
export function asNestedTensor(tensorList: Tensor[], dtype?: DTypeLike | null | { dtype?: DTypeLike | null; device?: DeviceLike | null }, device?: DeviceLike | null): Tensor;
export function asNestedTensor<A extends Rebound<[tensorList: Tensor[], dtype?: DTypeLike | null | { dtype?: DTypeLike | null; device?: DeviceLike | null }, device?: DeviceLike | null], ["tensorList", "dtype?", "device?"]>>(...args: A): Tensor;
export function asNestedTensor(tensorList: Tensor[], dtype?: DTypeLike | null | { dtype?: DTypeLike | null; device?: DeviceLike | null }, device?: DeviceLike | null): Tensor {
  if (arguments.length > 3) checkArgs("as_nested_tensor", arguments, 3);
  else if (isOptionsObject(arguments.length === 3 ? device : arguments.length === 2 ? dtype : tensorList)) return rebind(asNestedTensor, "as_nested_tensor", arguments, ["tensorList", "dtype", "device"], 1, []);
  const { list, dtype: d } = componentsArg(tensorList, dtype as DTypeLike | null | undefined, device);
  const nt = packNested(list, d);
  return record("NestedTensorFromTensorListBackward0", list, nt, ([g]) =>
    (g as NestedTensor)._components().map((c, i) => (list[i]!.dtype.isDifferentiable ? c.to(list[i]!.dtype) : null)));
}

/**
 * torch.nested.to_padded_tensor(input, padding, output_size=None): a dense tensor of the components,
 * each in the corner of its slice, the rest filled with padding.
 */
export function toPaddedTensor(input: Tensor, padding: number | { padding: number; outputSize?: number[] | null }, outputSize?: number[] | null): Tensor;
export function toPaddedTensor<A extends Rebound<[input: Tensor, padding: number | { padding: number; outputSize?: number[] | null }, outputSize?: number[] | null], ["input", "padding", "outputSize?"]>>(...args: A): Tensor;
export function toPaddedTensor(input: Tensor, padding: number | { padding: number; outputSize?: number[] | null }, outputSize?: number[] | null): Tensor {
  if (arguments.length > 3) checkArgs("to_padded_tensor", arguments, 3);
  else if (isOptionsObject(arguments.length === 3 ? outputSize : arguments.length === 2 ? padding : input)) return rebind(toPaddedTensor, "to_padded_tensor", arguments, ["input", "padding", "outputSize"], 2, []);
  if (!(input instanceof Tensor)) throw new TypeError(`to_padded_tensor(): argument 'input' (position 1) must be Tensor, not ${typeof input}`);
  if (!isNested(input)) throw backendRefusal("CPU", "to_padded_tensor");
  if (typeof padding !== "number") throw new TypeError(`to_padded_tensor(): argument 'padding' (position 2) must be float, not ${typeof padding}`);
  return nestedToPadded(input, padding, outputSize ?? null);
}

declare module "../core/tensor.js" {
  interface Tensor {
    toPaddedTensor: Method<typeof toPaddedTensor>;
  }
}

installMethods({ toPaddedTensor });
Object.defineProperty(NestedTensor.prototype, "isNested", { get() { return true; }, configurable: true });
