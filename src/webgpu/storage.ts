// The "webgpu" variant of Storage: a pooled GPU buffer instead of a typed array. Every tensor over
// it holds one reference (views, detach() and saved tensors included); the buffer returns to the
// pool when the last of them is disposed (`using`) or collected (a FinalizationRegistry). Host code
// that asks such a storage for `data` gets an error naming the op: no op ever silently runs on the
// CPU with a GPU tensor.

import { Tensor } from "../core/tensor.js";
import { type DType, bool, float16, float32, int32, int64 } from "../core/dtype.js";
import { Device, Storage } from "../core/storage.js";
import { deathNotices } from "../core/death-notices.js";
import { deviceState, notImplementedOnDevice } from "../ops/device-hooks.js";
import type { GpuContext } from "../backends/webgpu/context.js";
import { type GpuBuffer, syncRegistry } from "../backends/webgpu/pool.js";
import { type GpuDType, type HalfFormat, type NarrowFormat, isFloatDType, itemSize } from "../backends/webgpu/gpu-types.js";
import { type GpuTensor, isContiguous, numel } from "../backends/webgpu/tensor.js";
import { contiguous, copyInto as copyIntoGpu, narrowInPlace } from "../backends/webgpu/pointwise.js";
import { isInitialized, context } from "./runtime.js";
import { currentOpName } from "../core/op-name.js";

export const WEBGPU_DEVICE = new Device("webgpu", 0);

/**
 * The GPU type that holds each dtype the device supports: int64 is kept in int32 (range-checked on
 * upload), float16 in f16 where the context stores 16-bit floats (`GpuContext.f16Storage`), else
 * (and bfloat16 always) in float32 whose values are all rounded to the 16-bit format, int8, uint8
 * and int16 in int32 whose values are all wrapped to the narrow type (narrowFormatOf): they compute
 * in 32 bits and narrow each result as PyTorch's CPU does. `ctx`: the device's context by default.
 */
export function gpuDTypeOf(d: DType, ctx: GpuContext | null = isInitialized() ? context() : null): GpuDType | null {
  switch (d.name) {
    case "float16": return ctx?.f16Storage ? "float16" : "float32";
    case "float32": case "bfloat16": return "float32";
    case "int8": case "uint8": case "int16": case "int32": case "int64": return "int32";
    case "bool": return "bool";
    default: return null;
  }
}

/** The 16-bit format whose values a float32 buffer of logical dtype `d` holds, or null. */
export function halfFormatOf(d: DType): HalfFormat | null {
  return d.name === "float16" || d.name === "bfloat16" ? d.name : null;
}

/**
 * The format narrower than its buffer that dtype `d` is (float16/bfloat16 in float32, int8/uint8/
 * int16 in int32), or null: whatever writes a tensor of `d` narrows each value to it.
 */
export function narrowFormatOf(d: DType): NarrowFormat | null {
  switch (d.name) {
    case "float16": case "bfloat16": case "int8": case "uint8": case "int16": return d.name;
    default: return null;
  }
}

export function supportedOrThrow(op: string, d: DType): GpuDType {
  const g = gpuDTypeOf(d);
  if (!g) {
    const why = d.name === "float64" ? " (WebGPU has no 64-bit floats: WGSL has no f64 type; use float32)" : "";
    throw new Error(`${op}: dtype ${d.name} is not supported on the 'webgpu' device${why}; float32, float16, bfloat16, int32, int8, uint8, int16, int64 (held in int32) and bool are`);
  }
  return g;
}

/**
 * The operands of a kernel that computes in float32 (matmul, conv, softmax, pooling, losses...):
 * each float32, float16 or bfloat16, all of one dtype (the result takes it and is rounded to it).
 */
export function requireFloatOperands(op: string, ...ts: (Tensor | null | undefined)[]): void {
  let first: Tensor | null = null;
  for (const t of ts) {
    if (!t) continue;
    const g = gpuDTypeOf(t.dtype);
    if (g === null || !isFloatDType(g)) throw notImplementedOnDevice(`${op} (dtype ${t.dtype.name})`);
    if (first && t.dtype !== first.dtype) {
      throw new Error(`${op}: expected all tensors to have the same dtype, but found ${first.dtype.name} and ${t.dtype.name}`);
    }
    first ??= t;
  }
}

/**
 * A composition of GPU ops run in float32 for a float16/bfloat16 input and rounded once at the end
 * (as the CPU computes such ops), instead of rounding every intermediate result.
 */
export function inFloat32(x: Tensor, f: (x32: Tensor) => Tensor): Tensor {
  return halfFormatOf(x.dtype) ? f(x.float()).to(x.dtype) : f(x);
}

/**
 * Narrows a GPU tensor's values in place to its dtype when that is narrower than its buffer
 * (after an in-place kernel wrote 32-bit values): rounds float16/bfloat16, wraps int8/uint8/int16.
 */
export function narrowToDTypeInPlace(t: Tensor): void {
  const format = narrowFormatOf(t.dtype);
  if (format) narrowInPlace(gpuOf(t), format);
}

/** The logical dtype a GPU result of type `g` gets when the op does not say. */
export function dtypeOfGpu(g: GpuDType): DType {
  return g === "float32" ? float32 : g === "int32" ? int32 : g === "float16" ? float16 : bool;
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
    super(null as unknown as Float32Array, dtype, WEBGPU_DEVICE);
    // Autograd may give this storage's reference back early (Storage._releaseToCache).
    this._pooled = true;
    deviceState.active = true;
  }
  override get length(): number { return this.numel; }
  get gpuDType(): GpuDType { return gpuDTypeOf(this.dtype, this.ctx)!; }

  override _attach(tensor: object): void {
    this.refs++;
    // With death notices the buffer's handle reports its own death (src/backends/webgpu/pool.ts);
    // registering the tensor would keep it alive through young collections.
    if (deathNotices() === null) released().register(tensor, this, tensor);
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
    if (deathNotices() === null) released().unregister(tensor);
    this._detach();
  }
}

// Any CPU kernel that reaches for the values of a GPU tensor stops here. One getter on the
// prototype: defining it on each storage made a closure and turned the storage into a dictionary
// (0.6 KB more per storage, copied by every young collection that finds it alive).
Object.defineProperty(GpuStorage.prototype, "data", { get(): never { throw notImplementedOnDevice(currentOpName()); }, configurable: true });

export function isGpuTensor(t: unknown): t is Tensor & { storage: GpuStorage } {
  return t instanceof Tensor && t.storage instanceof GpuStorage;
}

export function isDisposed(t: Tensor): boolean { return disposed.has(t); }

/**
 * The kernel's view of a GPU tensor (no copy, no new reference). A float16 tensor on a context
 * with f16 storage gives a "float16" view, which only the pointwise kernels (and copies, fills,
 * transfers) take: kernels that compute in float32 read it through `Staged.f32`.
 */
export function gpuOf(t: Tensor): GpuTensor {
  const s = t.storage;
  if (!(s instanceof GpuStorage)) throw new Error(`webgpu: internal error: a tensor on ${t.device} reached a GPU kernel`);
  if (disposed.has(t)) throw new Error("webgpu: use of a tensor after it was disposed");
  if (s.isFreed || s.buffer.isReleased) throw new Error("webgpu: use of a tensor whose GPU memory was released");
  return { ctx: s.ctx, buffer: s.buffer, dtype: s.gpuDType, shape: t._shape, strides: t._strides, offset: t._offset };
}

/**
 * A tensor owning a kernel's result (the storage takes over the caller's reference to its buffer).
 * `dtype` is the logical dtype (int64 results live in int32 buffers). A result of a dtype narrower
 * than its buffer is narrowed here, in place (one extra pass over it): float16/bfloat16 rounded,
 * int8/uint8/int16 wrapped. The one place where the kernels that compute in 32 bits (matmul, conv,
 * reductions, softmax, losses, pooling, scatter-adds...) get PyTorch's narrow results.
 */
export function wrap(g: GpuTensor, dtype: DType = dtypeOfGpu(g.dtype)): Tensor {
  const format = narrowFormatOf(dtype);
  if (format && gpuDTypeOf(dtype, g.ctx) === g.dtype) narrowInPlace(g, format);
  return wrapExact(g, dtype);
}

/**
 * wrap() for a result whose values are already those of `dtype`: copied, gathered or sorted from a
 * tensor of that dtype, or rounded by the kernel that wrote them (pointwise stores). A float32
 * result of a float16 op on a context with f16 storage (kernels that compute in float32) is
 * stored as f16 here: one pass that rounds each value (exact for values already float16's), and
 * the float32 buffer goes back to the pool.
 */
export function wrapExact(g: GpuTensor, dtype: DType = dtypeOfGpu(g.dtype)): Tensor {
  const expected = gpuDTypeOf(dtype, g.ctx);
  if ((expected === "float16" && g.dtype === "float32") || (expected === "float32" && g.dtype === "float16")) {
    const h = contiguous(g, expected);
    g.buffer.release();
    return wrapExact(h, dtype);
  }
  if (expected !== g.dtype) throw new Error(`webgpu: internal error: a ${g.dtype} buffer cannot hold ${dtype.name}`);
  // Buffers hold whole 4-byte words: an odd count of 2-byte elements leaves a spare half-word,
  // which is no element (counted, every odd-length float16 gradient would look shared to
  // autograd's ownership test, which then copies it).
  const fit = Math.floor(g.buffer.byteLength / itemSize(g.dtype));
  const spare = itemSize(g.dtype) === 2 && g.offset === 0 && fit === numel(g.shape) + 1 && isContiguous(g);
  const storage = new GpuStorage(g.ctx, g.buffer, dtype, Math.max(1, spare ? fit - 1 : fit));
  return new Tensor(storage, g.shape.slice(), g.strides.slice(), g.offset);
}

/**
 * The operands of one call of a kernel that reads only float32 (scans, sorts, fold, the
 * scatter-adds; the GEMM reads f16 itself): `f32(t)` is t's view, or for a tensor stored as f16 a
 * float32 copy of it (one pass), which `release()` gives back once the kernel has recorded its
 * work (`staged(f)` does both; releasing earlier would let the kernel's own allocations reuse
 * the copy). The copies are exact, so results equal those of float32 storage bit for bit.
 */
export class Staged {
  private readonly copies: GpuTensor[] = [];
  /** inPlace() copies and the f16 views they are written back to. */
  private readonly writes: [GpuTensor, GpuTensor][] = [];
  f32(t: Tensor): GpuTensor {
    const g = gpuOf(t);
    if (g.dtype !== "float16") return g;
    const c = contiguous(g, "float32");
    this.copies.push(c);
    return c;
  }
  /** f32() of an optional operand. */
  f32Or(t: Tensor | null | undefined): GpuTensor | null {
    return t ? this.f32(t) : null;
  }
  /**
   * A float32 tensor that `t` (stored as f16) gets its values from after an in-place kernel wrote
   * them (`writeBack()`); t's own view for any other storage.
   */
  inPlace(t: Tensor): GpuTensor {
    const g = gpuOf(t);
    if (g.dtype !== "float16") return g;
    const c = contiguous(g, "float32");
    this.copies.push(c);
    this.writes.push([g, c]);
    return c;
  }
  /** Stores what in-place kernels wrote into inPlace() copies back into their f16 tensors (rounding). */
  writeBack(): void {
    // A copy into dst's strides, its store rounding to float16.
    for (const [dst, src] of this.writes.splice(0)) copyIntoGpu(dst, src);
  }
  release(): void {
    for (const c of this.copies.splice(0)) c.buffer.release();
  }
}

/** Runs `f` with a Staged whose copies are released when it returns (its in-place copies written back first). */
export function staged<R>(f: (s: Staged) => R): R {
  const s = new Staged();
  try {
    const r = f(s);
    s.writeBack();
    return r;
  } finally {
    s.release();
  }
}

