// The "webgpu" variant of Storage: a pooled GPU buffer instead of a typed array. Every tensor over
// it holds one reference (views, detach() and saved tensors included); the buffer returns to the
// pool when the last of them is disposed (`using`) or collected (a FinalizationRegistry). Host code
// that asks such a storage for `data` gets an error naming the op: no op ever silently runs on the
// CPU with a GPU tensor.

import { Tensor } from "../core/tensor.js";
import { type DType, bool, float32, int32, int64 } from "../core/dtype.js";
import { Device, Storage } from "../core/storage.js";
import { deviceState, notImplementedOnDevice } from "../ops/device-hooks.js";
import type { GpuContext } from "../backends/webgpu/context.js";
import { type GpuBuffer, syncRegistry } from "../backends/webgpu/pool.js";
import { GPU_ITEMSIZE, type GpuDType } from "../backends/webgpu/gpu-types.js";
import type { GpuTensor } from "../backends/webgpu/tensor.js";

export const WEBGPU_DEVICE = new Device("webgpu", 0);

/** The GPU type that holds each dtype the device supports; int64 is kept in int32 (range-checked on upload). */
export function gpuDTypeOf(d: DType): GpuDType | null {
  switch (d.name) {
    case "float32": return "float32";
    case "int32": case "int64": return "int32";
    case "bool": return "bool";
    default: return null;
  }
}

export function supportedOrThrow(op: string, d: DType): GpuDType {
  const g = gpuDTypeOf(d);
  if (!g) {
    throw new Error(`${op}: dtype ${d.name} is not supported on the 'webgpu' device (float32, int32, int64 stored as int32, and bool are)`);
  }
  return g;
}

/** The logical dtype a GPU result of type `g` gets when the op does not say. */
export function dtypeOfGpu(g: GpuDType): DType {
  return g === "float32" ? float32 : g === "int32" ? int32 : bool;
}

// Its callbacks run at the next await, or at once when the pool collects under memory pressure.
// Made with the first GPU tensor: a program that never uses the device sets no V8 flags.
let releasedRegistry: FinalizationRegistry<GpuStorage> | null = null;
function released(): FinalizationRegistry<GpuStorage> {
  return (releasedRegistry ??= syncRegistry<GpuStorage>((s) => s._detach()));
}
const disposed = new WeakSet<object>();

export class GpuStorage extends Storage {
  private refs = 0;
  /** The buffer went back to the pool through _releaseToCache (the tensors over it are unreachable). */
  private freed = false;
  constructor(readonly ctx: GpuContext, readonly buffer: GpuBuffer, dtype: DType, readonly numel: number) {
    super(new Float32Array(0), dtype, WEBGPU_DEVICE);
    // Autograd may give this storage's reference back early (Storage._releaseToCache).
    this._pooled = true;
    // Any CPU kernel that reaches for the values of a GPU tensor stops here.
    Object.defineProperty(this, "data", { get: () => { throw notImplementedOnDevice(currentOpName()); } });
    deviceState.active = true;
  }
  override get length(): number { return this.numel; }
  get gpuDType(): GpuDType { return gpuDTypeOf(this.dtype)!; }

  override _attach(tensor: object): void {
    this.refs++;
    released().register(tensor, this, tensor);
  }

  override get _memory(): object { return this.buffer; }

  /** Whether the buffer was given back early (autograd's release points). */
  get isFreed(): boolean { return this.freed; }

  /**
   * @internal Drops this storage's reference to its buffer now, the caller guaranteeing that no
   * tensor over it can be reached any more (the autograd engine's dead gradients): the buffer
   * returns to the pool without waiting for the collector. Later finalizers do nothing.
   */
  override _releaseToCache(): boolean {
    if (!this._pooled || this.freed) return false;
    this._pooled = false;
    this.freed = true;
    if (!this.buffer.isReleased) this.buffer.release();
    return true;
  }

  /** @internal One tensor over this storage is gone. */
  _detach(): void {
    if (--this.refs === 0 && !this.freed && !this.buffer.isReleased) this.buffer.release();
  }

  /** @internal `using` / [Symbol.dispose] of one tensor. */
  _dispose(tensor: object): void {
    if (disposed.has(tensor)) return;
    disposed.add(tensor);
    released().unregister(tensor);
    this._detach();
  }
}

export function isGpuTensor(t: unknown): t is Tensor & { storage: GpuStorage } {
  return t instanceof Tensor && t.storage instanceof GpuStorage;
}

export function isDisposed(t: Tensor): boolean { return disposed.has(t); }

/** The kernel's view of a GPU tensor (no copy, no new reference). */
export function gpuOf(t: Tensor): GpuTensor {
  const s = t.storage;
  if (!(s instanceof GpuStorage)) throw new Error(`webgpu: internal error: a tensor on ${t.device} reached a GPU kernel`);
  if (disposed.has(t)) throw new Error("webgpu: use of a tensor after it was disposed");
  if (s.isFreed || s.buffer.isReleased) throw new Error("webgpu: use of a tensor whose GPU memory was released");
  return { ctx: s.ctx, buffer: s.buffer, dtype: s.gpuDType, shape: t._shape, strides: t._strides, offset: t._offset };
}

/**
 * A tensor owning a kernel's result (the storage takes over the caller's reference to its buffer).
 * `dtype` is the logical dtype (int64 results live in int32 buffers).
 */
export function wrap(g: GpuTensor, dtype: DType = dtypeOfGpu(g.dtype)): Tensor {
  const expected = gpuDTypeOf(dtype);
  if (expected !== g.dtype) throw new Error(`webgpu: internal error: a ${g.dtype} buffer cannot hold ${dtype.name}`);
  const n = Math.max(1, g.buffer.byteLength / GPU_ITEMSIZE);
  const storage = new GpuStorage(g.ctx, g.buffer, dtype, n);
  return new Tensor(storage, g.shape.slice(), g.strides.slice(), g.offset);
}

// ---- naming the op a CPU kernel was asked to run -----------------------------------------------

let publicNames: Set<string> | null = null;
const extraNames: (() => Iterable<string>)[] = [];

/** Public op names (torch.*, F.*) that errors may name besides Tensor methods (read when first needed). */
export function addPublicNames(names: () => Iterable<string>): void {
  extraNames.push(names);
  publicNames = null;
}

function names(): Set<string> {
  if (!publicNames) {
    publicNames = new Set(Object.getOwnPropertyNames(Tensor.prototype));
    for (const f of extraNames) for (const n of f()) publicNames.add(n);
    for (const n of ["constructor", "toString", "item", "tolist", "backward", "detach", "data", "get", "_read", "_storageIndices"]) publicNames.delete(n);
  }
  return publicNames;
}

/** The innermost public op on the call stack (a best effort: "this op" when none is found). */
function currentOpName(): string {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 60;
  const stack = new Error().stack ?? "";
  Error.stackTraceLimit = limit;
  const known = names();
  for (const line of stack.split("\n").slice(2)) {
    const m = /^\s*at (?:new )?([\w$.<>]+)(?: \[as ([\w$]+)\])?/.exec(line);
    if (!m) continue;
    const candidates = [m[2], m[1]!.split(".").pop()];
    for (const c of candidates) if (c && known.has(c)) return c;
  }
  return "this op";
}
