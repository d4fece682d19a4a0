// In-place shape changes (unsqueeze_, squeeze_, t_, transpose_, swapaxes_, swapdims_): the
// tensor takes the geometry (and autograd node) of the out-of-place view. And Tensor iteration.

import { isNamed, namedRefusal } from "./named-engine.js";
import { forwardGrads, takeViewTangent } from "../autograd/forward-grad.js";
import { Tensor } from "../core/tensor.js";
import { installMethods, type Method } from "./args.js";
import { checkInplaceLeaf } from "./inplace.js";
import { inPlaceTransposeView, select, squeeze, unsqueeze } from "./view.js";

function restride(op: string, self: Tensor, view: (x: Tensor) => Tensor): Tensor {
  // PyTorch has no name rule for these in-place reshapes.
  if (isNamed(self)) throw namedRefusal(op);
  checkInplaceLeaf(op, self);
  const r = view(self);
  self._shape = r._shape.slice();
  self._strides = r._strides.slice();
  self._offset = r._offset;
  if (forwardGrads.on) takeViewTangent(self, r);
  if (r._gradFn) {
    self._gradFn = r._gradFn;
    self._outputNr = r._outputNr;
  }
  self._bumpVersion();
  return self;
}

function unsqueeze_(self: Tensor, dim: number): Tensor {
  return restride("unsqueeze_", self, (x) => unsqueeze(x, dim));
}

function squeeze_(self: Tensor, dim?: number | number[] | null): Tensor {
  return restride("squeeze_", self, (x) => squeeze(x, dim));
}

function t_(self: Tensor): Tensor {
  if (self.dim() > 2) throw new Error(`t_() expects a tensor with <= 2 dimensions, but self is ${self.dim()}D`);
  return restride("t_", self, (x) => inPlaceTransposeView(x, 0, null));
}

function transpose_(self: Tensor, dim0: number, dim1: number): Tensor {
  return restride("transpose_", self, (x) => inPlaceTransposeView(x, dim0, dim1));
}

declare module "../core/tensor.js" {
  interface Tensor {
    unsqueeze_: Method<typeof unsqueeze_>;
    squeeze_: Method<typeof squeeze_>;
    t_: Method<typeof t_>;
    transpose_: Method<typeof transpose_>;
    swapaxes_: Method<typeof transpose_>;
    swapdims_: Method<typeof transpose_>;
    /** Python's iter(x): the sub-tensors x[0], x[1], ... along dim 0 (views). */
    [Symbol.iterator](): IterableIterator<Tensor>;
  }
}

installMethods({ unsqueeze_, squeeze_, t_, transpose_, swapaxes_: transpose_, swapdims_: transpose_ });

Object.defineProperty(Tensor.prototype, Symbol.iterator, {
  configurable: true,
  writable: true,
  value: function* (this: Tensor): IterableIterator<Tensor> {
    if (this.dim() === 0) throw new Error("iteration over a 0-d tensor");
    const n = this._shape[0]!;
    for (let i = 0; i < n; i++) yield select(this, 0, i);
  },
});
