// Tensor members PyTorch programs read or call that describe kinds torch-ts does not have (MPS,
// XPU, IPU, Vulkan, ORT, sparse CSR (torch-ts has sparse COO only), pinned, distributed), isNested
// (false but on a nested tensor) and the legacy members
// around them: output_nr, is_set_to, as_strided_, cuda/xpu/ipu and pin_memory (PyTorch's errors of
// a CPU-only build), and the deprecated out-of-place resize / resize_as.

import { forwardGrads, takeViewTangent } from "../autograd/forward-grad.js";
import { Tensor } from "../core/tensor.js";
import type { DTypeLike } from "../core/dtype.js";
import { bindSize, checkArgs, checkTensor, installMethods, isOptionsObject, rebind, type Rebound } from "./args.js";
import { checkInplaceLeaf } from "./inplace.js";
import { asStrided } from "./view.js";
import { record } from "../autograd/record.js";
import { warnOnce } from "../nn/functional/loss-util.js";

declare module "../core/tensor.js" {
  interface Tensor {
    /** Whether this is a nested tensor (torch.nested; core/nested-tensor.ts answers true). */
    readonly isNested: boolean;
    /** false: torch-ts has no MPS device. */
    readonly isMps: boolean;
    /** false: torch-ts has no XPU device. */
    readonly isXpu: boolean;
    /** false: torch-ts has no IPU device. */
    readonly isIpu: boolean;
    /** false: torch-ts has no Vulkan device. */
    readonly isVulkan: boolean;
    /** false: torch-ts has no ORT device. */
    readonly isOrt: boolean;
    /** false: torch-ts tensors are strided, never sparse CSR. */
    readonly isSparseCsr: boolean;
    /** Which output of gradFn this tensor is; 0 for leaves (PyTorch's output_nr). */
    readonly outputNr: number;
    /** false: memory is never page-locked (there is no CUDA). */
    isPinned(): boolean;
    /** false: torch-ts has no distributed tensors. */
    isDistributed(): boolean;
    /** Whether both tensors view the same storage with the same offset, sizes and strides. */
    isSetTo(tensor: Tensor): boolean;
    /** Gives this tensor the geometry (size, stride, storage offset) over its own storage. */
    asStrided_(size: number[], stride: number[], storageOffset?: number): this;
    /** Throws PyTorch's error of a build without CUDA. */
    cuda(device?: unknown, nonBlocking?: boolean): Tensor;
    /** Throws PyTorch's error of a build without XPU. */
    xpu(device?: unknown, nonBlocking?: boolean): Tensor;
    /** Throws PyTorch's error of a build without IPU. */
    ipu(device?: unknown, nonBlocking?: boolean): Tensor;
    /** Throws, as PyTorch does where CUDA is missing: pinned memory is CUDA's. */
    pinMemory(): Tensor;
    /** The dense tensor of a sparse one (ops/sparse.ts); a dense tensor itself, cast when another dtype is given. */
    toDense(dtype?: DTypeLike | null): Tensor;
    /** Deprecated: this tensor's elements under another shape of the same numel (ResizeBackward). */
    resize(...size: (number | number[])[]): Tensor;
    /** Deprecated: resize to the template's shape (ResizeBackward). */
    resizeAs(tensor: Tensor): Tensor;
  }
}

const proto = Tensor.prototype as unknown as Record<string, unknown>;
// isNested: false here; NestedTensor's prototype answers true (ops/nested.ts).
for (const name of ["isNested", "isMps", "isXpu", "isIpu", "isVulkan", "isOrt", "isSparseCsr"]) {
  Object.defineProperty(proto, name, { get() { return false; }, configurable: true });
}
Object.defineProperty(proto, "outputNr", { get(this: Tensor) { return this.gradFn ? this._outputNr : 0; }, configurable: true });

const answersFalse = (op: string) => function (self: Tensor): boolean {
  if (arguments.length > 1) checkArgs(op, arguments, 1);
  void self;
  return false;
};

function isSetTo(self: Tensor, tensor: Tensor): boolean {
  if (arguments.length > 2) checkArgs("is_set_to", arguments, 2);
  checkTensor("is_set_to", "tensor", tensor);
  return self.storage === tensor.storage && self._offset === tensor._offset &&
    self._shape.length === tensor._shape.length && self._shape.every((s, i) => s === tensor._shape[i] && self._strides[i] === tensor._strides[i]);
}

/**
 * torch.as_strided_ / Tensor.as_strided_: the geometry of asStrided (same bounds check) put on self. A non-leaf takes the
 * view's AsStridedBackward node as its history, so gradients flow as through as_strided.
 */
export function asStrided_(self: Tensor, size: number[], stride: number[], storageOffset?: number): Tensor;
export function asStrided_<A extends Rebound<[self: Tensor, size: number[], stride: number[], storageOffset?: number], ["input", "size", "stride", "storageOffset?"]>>(...args: A): Tensor;
export function asStrided_(self: Tensor, size: number[], stride: number[], storageOffset?: number): Tensor {
  if (arguments.length > 4) checkArgs("as_strided_", arguments, 4);
  else if (isOptionsObject(arguments.length === 4 ? storageOffset : arguments.length === 3 ? stride : arguments.length === 2 ? size : self)) return rebind(asStrided_, "as_strided_", arguments, ["input", "size", "stride", "storageOffset"], 3, []);
  checkTensor("as_strided_", "input", self);
  checkInplaceLeaf("as_strided_", self);
  const view = asStrided(self, size, stride, storageOffset);
  self._shape = view._shape.slice();
  self._strides = view._strides.slice();
  self._offset = view._offset;
  if (forwardGrads.on) takeViewTangent(self, view);
  if (view.gradFn) {
    self._gradFn = view.gradFn;
    self._outputNr = 0;
  }
  return self;
}

const unavailable = (message: string) => function (self: Tensor): Tensor {
  void self;
  throw new Error(message);
};

function pinMemory(self: Tensor): Tensor {
  if (arguments.length > 1) checkArgs("pin_memory", arguments, 1);
  void self;
  throw new Error("Could not run 'aten::_pin_memory' with arguments from the 'CUDA' backend: pinned memory is CUDA's, and torch-ts has no CUDA");
}

/** Python's Resize.apply: a new tensor over the same elements with another shape of the same numel. */
function resizeTo(op: string, self: Tensor, size: number[]): Tensor {
  warnOnce(`non-inplace ${op} is deprecated`);
  const n = size.reduce((a, b) => a * b, 1);
  if (n !== self.numel()) {
    throw new Error(`requested resize to ${size.join("x")} (${n} elements in total), but the given tensor has a size of ${self.shape.join("x")} (${self.numel()} elements). ` +
      "autograd's resize can only change the shape of a given tensor, while preserving the number of elements. ");
  }
  const shape = self.shape;
  const out = self.detach().reshape(size);
  return record("ResizeBackward", [self], out, ([g]) => [g!.reshape(shape)]);
}

function resize(self: Tensor, ...args: (number | number[])[]): Tensor {
  return resizeTo("resize", self, bindSize("resize", args, []).size);
}

function resizeAs(self: Tensor, tensor: Tensor): Tensor {
  if (arguments.length > 2) checkArgs("resize_as", arguments, 2);
  return resizeTo("resize_as", self, checkTensor("resize_as", "tensor", tensor).shape);
}

installMethods({
  isPinned: answersFalse("is_pinned"), isDistributed: answersFalse("is_distributed"), 
  isSetTo, asStrided_, pinMemory, resize, resizeAs,
  cuda: unavailable("Torch not compiled with CUDA enabled"),
  xpu: unavailable("PyTorch is not linked with support for xpu devices"),
  ipu: unavailable("PyTorch is not linked with support for ipu devices"),
} as unknown as Record<string, (self: Tensor, ...a: never[]) => unknown>);
