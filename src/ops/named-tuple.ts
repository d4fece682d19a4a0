// Named tuples (API.md rule 6): arrays that also carry their field names.

import type { Tensor } from "../core/tensor.js";

export type ValuesIndices = [Tensor, Tensor] & { values: Tensor; indices: Tensor };

export function namedTuple<K extends string>(fields: readonly K[], values: Tensor[]): Tensor[] & Record<K, Tensor> {
  const arr = [...values] as Tensor[] & Record<K, Tensor>;
  fields.forEach((f, i) => {
    Object.defineProperty(arr, f, { value: values[i], enumerable: false });
  });
  return arr;
}

export function valuesIndices(values: Tensor, indices: Tensor): ValuesIndices {
  return namedTuple(["values", "indices"], [values, indices]) as unknown as ValuesIndices;
}

/** (values, indices) from a two-tensor list (a batching rule's outputs). */
export function pairOf(ts: readonly Tensor[]): ValuesIndices {
  return valuesIndices(ts[0]!, ts[1]!);
}
