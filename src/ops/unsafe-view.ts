// at::_unsafe_view: a new shape over a contiguous tensor that no one else holds (a reshape's copy,
// a matmul's folded product), recorded as PyTorch records it (UnsafeViewBackward0, or the name of
// the op it stands for) and, unlike a view, not tied to its input: an in-place op on the result
// is recorded as on any tensor (AddBackward0), with no view bookkeeping.

import { Tensor } from "../core/tensor.js";
import { viewStrides } from "../core/shape.js";
import { record } from "../autograd/record.js";
import { refuseNamed } from "./named-engine.js";

/** `input` (a temporary of the caller, laid out so that `shape` is a view of it) read as `shape`; its gradient is reshaped back. */
export function unsafeView(input: Tensor, shape: number[], nodeName = "UnsafeViewBackward0"): Tensor {
  if (input._names !== null) refuseNamed();
  const strides = viewStrides(input._shape, input._strides, shape);
  if (!strides) throw new Error(`_unsafe_view: size [${shape.join(", ")}] is not a view of [${input._shape.join(", ")}] with strides [${input._strides.join(", ")}]`);
  const out = new Tensor(input.storage, shape, strides, input._offset);
  const inShape = input.shape;
  return record(nodeName, [input], out, ([g]) => [g!.reshape(inShape)]);
}
