// nn.Parameter: a leaf tensor that a Module registers as a parameter (it shares the data's storage).

import { Tensor } from "../core/tensor.js";
import { Storage } from "../core/storage.js";
import { float32 } from "../core/dtype.js";

export class Parameter extends Tensor {
  constructor(data?: Tensor | null, requiresGrad = true) {
    const d = data ?? new Tensor(Storage.alloc(float32, 0), [0]);
    if (!(d instanceof Tensor)) throw new Error(`Parameter(): data must be a Tensor, not ${typeof d}`);
    super(d.storage, d.shape, d.stride(), d.storageOffset());
    this._isParameter = true;
    if (requiresGrad) this.requiresGrad_(true);
  }
}

/** A buffer placeholder for uninitialised (lazy) modules is not supported; buffers are plain tensors. */
export function isParameter(v: unknown): v is Parameter {
  return v instanceof Tensor && v._isParameter;
}
