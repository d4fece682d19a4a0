// copy.deepcopy for modules (TransformerEncoder's clones, nn.utils.fusion's fused copies,
// torch.ao.quantization's prepare/convert copies).

import { Tensor } from "../core/tensor.js";
import { Module } from "./module.js";
import { Parameter, isParameter } from "./parameter.js";

/** copy.deepcopy of a module: parameters and buffers cloned, submodules copied recursively, shared objects shared once. */
export function deepCopy<T>(value: T, memo: Map<unknown, unknown> = new Map()): T {
  if (value === null || typeof value !== "object") return value;
  if (memo.has(value)) return memo.get(value) as T;
  if (value instanceof Tensor) {
    const data = value.detach().clone();
    const rg = value.requiresGrad;
    const copy = isParameter(value) ? new Parameter(data, rg) : rg ? data.requiresGrad_(true) : data;
    memo.set(value, copy);
    return copy as T;
  }
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    memo.set(value, out);
    for (const v of value) out.push(deepCopy(v, memo));
    return out as T;
  }
  if (value instanceof Set) {
    const out = new Set<unknown>();
    memo.set(value, out);
    for (const v of value) out.add(deepCopy(v, memo));
    return out as T;
  }
  if (value instanceof Map) {
    const out = new Map<unknown, unknown>();
    memo.set(value, out);
    for (const [k, v] of value) out.set(k, deepCopy(v, memo));
    return out as T;
  }
  const proto = Object.getPrototypeOf(value) as object | null;
  if (!(value instanceof Module) && proto !== Object.prototype && proto !== null) return value;
  const out = Object.create(proto) as Record<PropertyKey, unknown>;
  memo.set(value, out);
  for (const key of Reflect.ownKeys(value)) {
    const d = Object.getOwnPropertyDescriptor(value, key)!;
    if ("value" in d) d.value = deepCopy(d.value, memo);
    Object.defineProperty(out, key, d);
  }
  return out as T;
}
