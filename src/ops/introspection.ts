// torch.is_tensor, is_floating_point, numel, torch.device, ...: questions about tensors and devices.

import { isNested } from "../core/nested-kind.js";
import { sameNestedSizes } from "./nested-engine.js";
import { Tensor } from "../core/tensor.js";
import { Device, type DeviceType, Storage, cpu, unknownDeviceType } from "../core/storage.js";
import { installMethods, type Method, describe, checkArgs, isOptionsObject, rebind, type Rebound } from "./args.js";
import { requireTensor } from "./pointwise-util.js";

/** torch.is_tensor(obj): whether obj is a Tensor. */
export function isTensor(obj: unknown): obj is Tensor { if (arguments.length > 1) checkArgs("is_tensor", arguments, 1); return obj instanceof Tensor; }

/** torch.is_storage(obj): whether obj is a Storage (what `tensor.storage` holds). */
export function isStorage(obj: unknown): obj is Storage { if (arguments.length > 1) checkArgs("is_storage", arguments, 1); return obj instanceof Storage; }


/** torch.is_floating_point(input): whether input's dtype is a floating-point one. */
export function isFloatingPoint(input: Tensor): boolean;
export function isFloatingPoint<A extends Rebound<[input: Tensor], ["input"]>>(...args: A): boolean;
export function isFloatingPoint(input: Tensor): boolean { if (arguments.length > 1) checkArgs("is_floating_point", arguments, 1); else if (isOptionsObject(input)) return rebind(isFloatingPoint, "is_floating_point", arguments, ["input"], 1, []);
  return requireTensor("is_floating_point", "input", 1, input).dtype.isFloatingPoint;
}

/** torch.is_complex(input): false; torch-ts has no complex dtypes. */
export function isComplex(input: Tensor): boolean;
export function isComplex<A extends Rebound<[input: Tensor], ["input"]>>(...args: A): boolean;
export function isComplex(input: Tensor): boolean { if (arguments.length > 1) checkArgs("is_complex", arguments, 1); else if (isOptionsObject(input)) return rebind(isComplex, "is_complex", arguments, ["input"], 1, []);
  return requireTensor("is_complex", "input", 1, input).dtype.isComplex;
}

/** torch.is_signed(input): whether input's dtype holds negative numbers (uint8 and bool do not). */
export function isSigned(input: Tensor): boolean;
export function isSigned<A extends Rebound<[input: Tensor], ["input"]>>(...args: A): boolean;
export function isSigned(input: Tensor): boolean { if (arguments.length > 1) checkArgs("is_signed", arguments, 1); else if (isOptionsObject(input)) return rebind(isSigned, "is_signed", arguments, ["input"], 1, []);
  return requireTensor("is_signed", "input", 1, input).dtype.isSigned;
}

/** torch.is_nonzero(input): the truth of a one-element tensor (NaN is true, as in Python). */
export function isNonzero(input: Tensor): boolean;
export function isNonzero<A extends Rebound<[input: Tensor], ["input"]>>(...args: A): boolean;
export function isNonzero(input: Tensor): boolean { if (arguments.length > 1) checkArgs("is_nonzero", arguments, 1); else if (isOptionsObject(input)) return rebind(isNonzero, "is_nonzero", arguments, ["input"], 1, []);
  const n = requireTensor("is_nonzero", "input", 1, input).numel();
  if (n === 0) throw new Error("Boolean value of Tensor with no values is ambiguous");
  if (n > 1) throw new Error("Boolean value of Tensor with more than one value is ambiguous");
  const v = input.item();
  return typeof v === "number" ? v !== 0 : typeof v === "bigint" ? v !== 0n : typeof v === "boolean" ? v : v.re !== 0 || v.im !== 0;
}

/** torch.is_same_size(input, other): whether the two shapes are equal. */
export function isSameSize(input: Tensor, other: Tensor): boolean;
export function isSameSize<A extends Rebound<[input: Tensor, other: Tensor], ["input", "other"]>>(...args: A): boolean;
export function isSameSize(input: Tensor, other: Tensor): boolean { if (arguments.length > 2) checkArgs("is_same_size", arguments, 2); else if (isOptionsObject(arguments.length === 2 ? other : input)) return rebind(isSameSize, "is_same_size", arguments, ["input", "other"], 2, []);
  requireTensor("is_same_size", "input", 1, input);
  requireTensor("is_same_size", "other", 2, other);
  if (isNested(input) || isNested(other)) {
    if (!isNested(input) || !isNested(other)) {
      throw new Error(`Expected both self and other to be nested tensors. Self ${isNested(input) ? "is" : "is not"} nested. While Other ${isNested(other) ? "is" : "is not"} nested.`);
    }
    return sameNestedSizes(input, other);
  }
  return input._shape.length === other._shape.length && input._shape.every((s, i) => s === other._shape[i]);
}

/** torch.numel(input): the number of elements. */
export function numel(input: Tensor): number;
export function numel<A extends Rebound<[input: Tensor], ["input"]>>(...args: A): number;
export function numel(input: Tensor): number { if (arguments.length > 1) checkArgs("numel", arguments, 1); else if (isOptionsObject(input)) return rebind(numel, "numel", arguments, ["input"], 1, []);
  return requireTensor("numel", "input", 1, input).numel();
}

/**
 * torch.is_inference(input): whether input was made inside torch.inferenceMode (its storage was;
 * a view made there of an ordinary tensor is an ordinary tensor, as in PyTorch).
 */
export function isInference(input: Tensor): boolean;
export function isInference<A extends Rebound<[input: Tensor], ["input"]>>(...args: A): boolean;
export function isInference(input: Tensor): boolean { if (arguments.length > 1) checkArgs("is_inference", arguments, 1); else if (isOptionsObject(input)) return rebind(isInference, "is_inference", arguments, ["input"], 1, []);
  return requireTensor("is_inference", "input", 1, input).storage._inference;
}

/** torch.get_device(input): -1 for a CPU tensor, else the device's index (0 when it has none). */
export function getDevice(input: Tensor): number;
export function getDevice<A extends Rebound<[input: Tensor], ["input"]>>(...args: A): number;
export function getDevice(input: Tensor): number { if (arguments.length > 1) checkArgs("get_device", arguments, 1); else if (isOptionsObject(input)) return rebind(getDevice, "get_device", arguments, ["input"], 1, []);
  const d = requireTensor("get_device", "input", 1, input).device;
  return d.type === "cpu" ? -1 : d.index ?? 0;
}

const DEVICE_TYPES: readonly DeviceType[] = ["cpu", "webgpu"];

/**
 * torch.device(type, index?): "cpu", "webgpu", "webgpu:1" or ("webgpu", 1), or a Device (returned
 * as it is). torch-ts has no CUDA (its GPU device is "webgpu"): "cuda" is an error that says so.
 */
export function device(type: string | Device, index?: number | null): Device {
  if (type instanceof Device) {
    if (index !== undefined && index !== null) throw new Error("device(): a torch.device and an index cannot both be given");
    return type;
  }
  if (typeof type !== "string") throw new Error(`device(): argument 'type' (position 1) must be str, not ${describe(type)}`);
  if (index !== undefined && index !== null) {
    if (typeof index !== "number" || !Number.isInteger(index)) throw new Error(`Device(): argument 'index' (position 2) must be int, not ${typeof index === "number" ? "float" : describe(index)}`);
  }
  const m = /^([a-z_]+)(?::(.*))?$/.exec(type);
  if (m && m[2] !== undefined && !/^(0|[1-9]\d*)$/.test(m[2])) throw new Error(`Invalid device string: '${type}'`);
  const kind = m?.[1] ?? "";
  if (!(DEVICE_TYPES as readonly string[]).includes(kind)) throw unknownDeviceType(type);
  let idx: number | null = m![2] === undefined ? null : Number(m![2]);
  if (index !== undefined && index !== null) {
    if (idx !== null) throw new Error(`type (string) must not include an index because index was passed explicitly: ${type}`);
    if (index < 0) throw new Error("Device index must not be negative");
    idx = index;
  }
  return kind === "cpu" && idx === null ? cpu : new Device(kind as DeviceType, idx);
}

/** Tensor.ndimension(): Tensor.dim()'s older name. */
function ndimension(self: Tensor): number {
  if (arguments.length > 1) checkArgs("ndimension", arguments, 1);
  return self.dim();
}

declare module "../core/tensor.js" {
  interface Tensor {
    ndimension: Method<typeof ndimension>;
    isComplex: Method<typeof isComplex>;
    isSigned: Method<typeof isSigned>;
    isNonzero: Method<typeof isNonzero>;
    isSameSize: Method<typeof isSameSize>;
    isInference: Method<typeof isInference>;
    getDevice: Method<typeof getDevice>;
  }
}
installMethods({ ndimension, isComplex, isSigned, isNonzero, isSameSize, isInference, getDevice });
