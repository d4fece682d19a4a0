// Tensor members about memory and storage that PyTorch programs use: the is_* flags of kinds
// torch-ts does not have, layout, data_ptr, share_memory_ / is_shared, resize_ / resize_as_, set_,
// and the per-element Python callbacks apply_ / map_ / map2_ (CPU only, as in PyTorch).

import { Tensor } from "../core/tensor.js";
import { Storage } from "../core/storage.js";
import { type StorageArray, allocArray } from "../core/dtype.js";
import { contiguousStrides } from "../core/shape.js";
import { type Layout, strided } from "../core/layout.js";
import { record } from "../autograd/record.js";
import { isGradEnabled } from "../autograd/grad-mode.js";
import { bindSize, checkArgs, checkTensor, describe, installMethods, isOptionsObject, rebind, type Rebound } from "./args.js";
import { checkInplaceLeaf } from "./inplace.js";
import { copyInto, encoder } from "./engine.js";
import { notImplementedOnDevice } from "./device-hooks.js";

declare module "../core/tensor.js" {
  interface Tensor {
    /** false: torch-ts has no CUDA device (its GPU device is "webgpu"). */
    readonly isCuda: boolean;
    /** Whether this is a sparse COO tensor (torch.sparseCooTensor, toSparse; core/sparse-tensor.ts). */
    readonly isSparse: boolean;
    /** false: torch-ts has no meta device. */
    readonly isMeta: boolean;
    /** false: torch-ts has no MKL-DNN tensors. */
    readonly isMkldnn: boolean;
    /** torch.strided, or torch.sparseCoo for a sparse COO tensor. */
    readonly layout: Layout;
    /**
     * An integer standing for the address of the first element, as PyTorch's data_ptr(): JS has no
     * addresses, so it is a per-buffer id times 2^32 plus the element's byte offset in that buffer.
     * Tensors over the same memory (views, set_, frombuffer over one buffer) compare as PyTorch's
     * pointers do (equal at the same byte, differing by byte distances); 0 for an empty tensor.
     */
    dataPtr(): number;
    /** Whether the storage's memory can be shared with worker threads (a SharedArrayBuffer). */
    isShared(): boolean;
    /** Moves a CPU storage into a SharedArrayBuffer (worker threads then share it, never copy it). */
    shareMemory_(): this;
    resize_(...size: (number | number[] | { memoryFormat?: null })[]): this;
    resizeAs_(theTemplate: Tensor, options?: { memoryFormat?: null }): this;
    set_(source?: Tensor | Storage, storageOffset?: number, size?: number[], stride?: number[]): this;
    apply_(callable: (value: number | bigint | boolean) => number | bigint | boolean): this;
    map_(tensor: Tensor, callable: (value: number | bigint | boolean, other: number | bigint | boolean) => number | bigint | boolean): this;
    map2_(x: Tensor, y: Tensor, callable: (value: number | bigint | boolean, x: number | bigint | boolean, y: number | bigint | boolean) => number | bigint | boolean): this;
  }
}

const proto = Tensor.prototype as unknown as Record<string, unknown>;
// A SparseTensor answers isSparse and layout from its own prototype (ops/sparse-dispatch.ts).
for (const name of ["isCuda", "isSparse", "isMeta", "isMkldnn"]) {
  Object.defineProperty(proto, name, { get() { return false; }, configurable: true });
}
Object.defineProperty(proto, "layout", { get() { return strided; }, configurable: true });

const bufferIds = new WeakMap<object, number>();
let nextBufferId = 1;

function dataPtr(self: Tensor): number {
  if (arguments.length > 1) checkArgs("data_ptr", arguments, 1);
  if (self.numel() === 0) return 0;
  const memory = self.storage._memory;
  let id = bufferIds.get(memory);
  if (id === undefined) bufferIds.set(memory, id = nextBufferId++);
  const viewStart = self.device.type === "cpu" ? self.storage._array.byteOffset : 0;
  return id * 2 ** 32 + viewStart + self._offset * self.dtype.itemsize;
}

const sharedMemory = (t: Tensor): boolean => typeof SharedArrayBuffer !== "undefined" && t.storage._array.buffer instanceof SharedArrayBuffer;

function isShared(self: Tensor): boolean {
  if (arguments.length > 1) checkArgs("is_shared", arguments, 1);
  return self.device.type === "cpu" && sharedMemory(self);
}

function shareMemory_(self: Tensor): Tensor {
  if (arguments.length > 1) checkArgs("share_memory_", arguments, 1);
  if (self.device.type !== "cpu" || sharedMemory(self)) return self;
  if (typeof SharedArrayBuffer === "undefined") throw new Error("share_memory_: this JS environment has no SharedArrayBuffer (a browser page needs cross-origin isolation)");
  const old = self.storage._array;
  const shared = new (old.constructor as new (b: ArrayBufferLike) => StorageArray)(new SharedArrayBuffer(old.byteLength));
  (shared as Float32Array).set(old as Float32Array);
  self.storage._replaceArray(shared);
  return self;
}

/** Grows a CPU storage to `n` elements, keeping its values (the new ones are zero). */
function ensureCapacity(op: string, t: Tensor, n: number): void {
  if (t.device.type !== "cpu") throw notImplementedOnDevice(op);
  const old = t.storage._array;
  if (n * t.dtype.itemsize <= old.byteLength) return;
  const grown = allocArray(t.dtype, n);
  (grown as Float32Array).set(old as Float32Array);
  t.storage._replaceArray(grown);
}

function checkResizable(self: Tensor): void {
  if (self._requiresGrad) throw new Error("cannot resize variables that require grad");
}

function resizeTo(op: string, self: Tensor, size: number[]): Tensor {
  for (const s of size) {
    if (!Number.isInteger(s) || s < 0) throw new Error(`${op}: Trying to create tensor with negative dimension ${s}: [${size.join(", ")}]`);
  }
  checkResizable(self);
  // PyTorch keeps the geometry (strides included) when the size does not change.
  if (size.length === self._shape.length && size.every((n, i) => n === self._shape[i])) return self;
  const n = size.reduce((a, b) => a * b, 1);
  if (n > 0) ensureCapacity(op, self, self._offset + n);
  self._shape = size.slice();
  self._strides = contiguousStrides(size);
  return self;
}

function resize_(self: Tensor, ...args: (number | number[] | { memoryFormat?: null })[]): Tensor {
  const { size } = bindSize("resize_", args, ["memoryFormat"]);
  return resizeTo("resize_", self, size);
}

/**
 * torch.resize_as_(input, the_template) / Tensor.resize_as_: input takes the template's size
 * (contiguous strides unless the size is unchanged), its storage growing as resize_'s does; a
 * tensor that requires grad cannot be resized, as in PyTorch (even under no_grad).
 */
export function resizeAs_(self: Tensor, theTemplate: Tensor, options?: { memoryFormat?: null }): Tensor;
export function resizeAs_<A extends Rebound<[self: Tensor, theTemplate: Tensor], ["input", "theTemplate"], { memoryFormat?: null }>>(...args: A): Tensor;
export function resizeAs_(self: Tensor, theTemplate: Tensor, options: { memoryFormat?: null } = {}): Tensor {
  if (arguments.length > 2) checkArgs("resize_as_", arguments, 2, ["memoryFormat"]);
  else if (isOptionsObject(arguments.length === 2 ? theTemplate : self)) return rebind(resizeAs_, "resize_as_", arguments, ["input", "theTemplate"], 2, ["memoryFormat"]);
  checkTensor("resize_as_", "input", self);
  checkTensor("resize_as_", "the_template", theTemplate);
  void options;
  return resizeTo("resize_as_", self, theTemplate._shape);
}

/**
 * set_(): an empty storage; set_(tensor): the tensor's storage, offset, size and stride;
 * set_(storage, storageOffset = 0, size = [storage length], stride = contiguous). The storage grows
 * when the view reaches past it, as PyTorch's does. PyTorch has no derivative for set_: a backward
 * through it throws, as PyTorch's does.
 */
function set_(self: Tensor, source?: Tensor | Storage, storageOffset?: number, size?: number[], stride?: number[]): Tensor {
  if (arguments.length > 5) checkArgs("set_", arguments, 5);
  checkInplaceLeaf("set_", self);
  let storage: Storage, offset: number, shape: number[], strides: number[];
  if (!(source instanceof Tensor) && self.device.type !== "cpu") throw notImplementedOnDevice("set_");
  if (source === undefined) {
    storage = new Storage(allocArray(self.dtype, 0), self.dtype);
    [offset, shape, strides] = [0, [0], [1]];
  } else if (source instanceof Tensor) {
    if (arguments.length > 2) throw new Error(`set_(): a Tensor source takes no further arguments (got ${arguments.length - 1})`);
    [storage, offset, shape, strides] = [source.storage, source._offset, source.shape, source.stride()];
  } else if (source instanceof Storage) {
    storage = source;
    offset = storageOffset ?? 0;
    shape = size ?? [source.device.type === "cpu" ? source.length : 0];
    strides = stride ?? contiguousStrides(shape);
    if (!Number.isInteger(offset) || offset < 0) throw new Error(`set_(): Tensor: invalid storage offset ${offset}`);
    if (strides.length !== shape.length) throw new Error(`set_(): dimensionality of sizes (${shape.length}) must match dimensionality of strides (${strides.length})`);
  } else {
    throw new Error(`set_(): argument 'source' must be Tensor or Storage, not ${describe(source)}`);
  }
  if (storage.dtype !== self.dtype) throw new Error(`set_(): expected a source of dtype ${self.dtype.name}, got ${storage.dtype.name}`);
  if (storage.device.type !== self.device.type) throw new Error(`set_(): expected a source on ${self.device}, got ${storage.device}`);
  const extent = shape.some((s) => s === 0) ? 0 : 1 + offset + shape.reduce((acc, s, i) => acc + (s - 1) * strides[i]!, 0);
  const wasGrad = self._requiresGrad;
  (self as { storage: Storage }).storage = storage;
  // A tensor source's view lies inside its storage; a storage source's may reach past it.
  if (extent > 0 && !(source instanceof Tensor)) ensureCapacity("set_", self, extent);
  self._shape = shape.slice();
  self._strides = strides.slice();
  self._offset = offset;
  self._base = null;
  storage.version++;
  const sourceTensor = source instanceof Tensor ? source : null;
  if (isGradEnabled() && (wasGrad || sourceTensor?._requiresGrad)) {
    self._gradFn = null;
    self._requiresGrad = false;
    record("NotImplemented", [sourceTensor], self, () => { throw new Error("derivative for set_ is not implemented"); });
  }
  return self;
}

type Value = number | bigint | boolean;

/** self[i] = callable(self[i], ...others[i]) on the CPU, others broadcast to self; refused on tensors that require grad. */
function mapElements(op: string, self: Tensor, others: Tensor[], callable: unknown): Tensor {
  if (self._requiresGrad) throw new Error(`Can't call ${op}() on Variable that requires grad. Use var.detach().${op}() instead.`);
  if (typeof callable !== "function") throw new Error(`'${describe(callable)}' object is not callable`);
  for (const t of [self, ...others]) if (t.device.type !== "cpu") throw new Error(`${op} is only implemented on CPU tensors`);
  // Conjugate/negative views: mapped on resolved copies (their storages resolve on every read),
  // the result written back through copyInto, which negates it into the physical memory.
  if (self.storage._physical !== null || others.some((o) => o.storage._physical !== null)) {
    const resolved = self.clone();
    mapElements(op, resolved, others.map((o) => (o.storage._physical !== null ? o.clone() : o)), callable);
    copyInto(self, resolved);
    return self;
  }
  const views = others.map((o) => o.expand(self.shape));
  const at = [self, ...views].map((t) => t._storageIndices());
  const encode = encoder(self.dtype), data = self.storage.data as unknown as Value[];
  const read = (t: Tensor, i: number): Value => {
    const v = t._read(i);
    return typeof v === "bigint" && v >= -(2n ** 53n) && v <= 2n ** 53n ? Number(v) : v;
  };
  const f = callable as (...v: Value[]) => unknown;
  for (let i = 0; i < at[0]!.length; i++) {
    const r = f(read(self, at[0]![i]!), ...views.map((v, k) => read(v, at[k + 1]![i]!)));
    if (typeof r !== "number" && typeof r !== "bigint" && typeof r !== "boolean") throw new Error(`${op}: the callable must return a number, not ${describe(r)}`);
    data[at[0]![i]!] = encode(r) as Value;
  }
  return self;
}

function apply_(self: Tensor, callable: unknown): Tensor {
  if (arguments.length > 2) checkArgs("apply_", arguments, 2);
  return mapElements("apply_", self, [], callable);
}

function map_(self: Tensor, tensor: Tensor, callable: unknown): Tensor {
  if (arguments.length > 3) checkArgs("map_", arguments, 3);
  checkTensor("map_", "tensor", tensor);
  if (tensor.dtype !== self.dtype) throw new Error(`map_: expected ${self.type()} for 'other' (got ${tensor.type()})`);
  return mapElements("map_", self, [tensor], callable);
}

function map2_(self: Tensor, x: Tensor, y: Tensor, callable: unknown): Tensor {
  if (arguments.length > 4) checkArgs("map2_", arguments, 4);
  for (const [name, t] of [["x", x], ["y", y]] as const) {
    checkTensor("map2_", name, t);
    if (t.dtype !== self.dtype) throw new Error(`map2_: expected ${self.type()} for argument '${name}' (got ${t.type()})`);
  }
  return mapElements("map2_", self, [x, y], callable);
}

installMethods({ dataPtr, isShared, shareMemory_, resize_, resizeAs_, set_, apply_, map_, map2_ } as unknown as Record<string, (self: Tensor, ...a: never[]) => unknown>);
