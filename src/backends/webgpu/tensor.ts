// The view a kernel works on: a GPU buffer with shape, strides (in elements) and an offset, the
// same layout torch-ts's CPU tensors have, so a webgpu Storage maps onto it one to one.

import { type GpuDType, bufferBytes, itemSize } from "./gpu-types.js";
import type { GpuContext } from "./context.js";
import type { GpuBuffer } from "./pool.js";

/** The most dims a kernel's strided indexing handles (more are coalesced or rejected). */
export const MAX_DIMS = 8;

export interface GpuTensor {
  readonly ctx: GpuContext;
  readonly buffer: GpuBuffer;
  readonly dtype: GpuDType;
  readonly shape: readonly number[];
  /** In elements; 0 for broadcast dims. Never negative. */
  readonly strides: readonly number[];
  /** In elements. */
  readonly offset: number;
}

export function numel(shape: readonly number[]): number {
  let n = 1;
  for (const s of shape) n *= s;
  return n;
}

export function contiguousStrides(shape: readonly number[]): number[] {
  const st = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    st[i] = s;
    s *= Math.max(1, shape[i]!);
  }
  return st;
}

export function isContiguous(t: Pick<GpuTensor, "shape" | "strides">): boolean {
  let s = 1;
  for (let i = t.shape.length - 1; i >= 0; i--) {
    if (t.shape[i] === 1) continue;
    if (t.strides[i] !== s) return false;
    s *= t.shape[i]!;
  }
  return true;
}

export function shapeStr(shape: readonly number[]): string {
  return `[${shape.join(", ")}]`;
}

function checkShape(op: string, shape: readonly number[]): void {
  for (const s of shape) {
    if (!Number.isInteger(s) || s < 0) throw new Error(`${op}: invalid shape ${shapeStr(shape)}`);
  }
}

/** A view over `buffer`; checks that every element it can address lies inside the buffer. */
export function view(
  ctx: GpuContext, buffer: GpuBuffer, dtype: GpuDType, shape: readonly number[],
  strides: readonly number[] = contiguousStrides(shape), offset = 0,
): GpuTensor {
  checkShape("webgpu view", shape);
  if (strides.length !== shape.length) {
    throw new Error(`webgpu view: strides ${shapeStr(strides)} do not match shape ${shapeStr(shape)}`);
  }
  if (!Number.isInteger(offset) || offset < 0 || strides.some((s) => !Number.isInteger(s) || s < 0)) {
    throw new Error(`webgpu view: offset ${offset} and strides ${shapeStr(strides)} must be non-negative integers`);
  }
  if (numel(shape) > 0) {
    let last = offset;
    for (let i = 0; i < shape.length; i++) last += (shape[i]! - 1) * strides[i]!;
    if ((last + 1) * itemSize(dtype) > buffer.byteLength) {
      throw new Error(
        `webgpu view: shape ${shapeStr(shape)} with strides ${shapeStr(strides)} and offset ${offset} ` +
        `reaches element ${last}, beyond a buffer of ${Math.floor(buffer.byteLength / itemSize(dtype))} ${dtype} elements`,
      );
    }
  }
  return { ctx, buffer, dtype, shape: shape.slice(), strides: strides.slice(), offset };
}

/** A new contiguous tensor with undefined contents; the caller owns its buffer. */
export function empty(ctx: GpuContext, shape: readonly number[], dtype: GpuDType): GpuTensor {
  checkShape("webgpu empty", shape);
  const buffer = ctx.pool.acquire(bufferBytes(Math.max(1, numel(shape)), dtype));
  return { ctx, buffer, dtype, shape: shape.slice(), strides: contiguousStrides(shape), offset: 0 };
}

/** Another view of the same buffer (no copy, no new reference). */
export function restride(t: GpuTensor, shape: readonly number[], strides: readonly number[], offset = t.offset): GpuTensor {
  return view(t.ctx, t.buffer, t.dtype, shape, strides, offset);
}

/** A contiguous tensor viewed with a new shape of the same numel. */
export function reshapeContiguous(t: GpuTensor, shape: readonly number[]): GpuTensor {
  if (!isContiguous(t)) throw new Error("webgpu reshape: the tensor is not contiguous");
  if (numel(shape) !== numel(t.shape)) {
    throw new Error(`webgpu reshape: shape ${shapeStr(shape)} is invalid for input of size ${numel(t.shape)}`);
  }
  return view(t.ctx, t.buffer, t.dtype, shape, contiguousStrides(shape), t.offset);
}

/** Drops the caller's reference to the tensor's buffer. */
export function release(...ts: (GpuTensor | null | undefined)[]): void {
  for (const t of ts) t?.buffer.release();
}

/** The context all tensors share; throws if they come from different devices. */
export function sameContext(op: string, ...ts: (GpuTensor | null | undefined)[]): GpuContext {
  let ctx: GpuContext | null = null;
  for (const t of ts) {
    if (!t) continue;
    if (ctx === null) ctx = t.ctx;
    else if (t.ctx !== ctx) throw new Error(`${op}: Expected all tensors to be on the same device, but found tensors on two different WebGPU devices`);
    if (t.buffer.isReleased) throw new Error(`${op}: a tensor's GPU buffer was already released`);
  }
  if (ctx === null) throw new Error(`${op}: no tensor given`);
  return ctx;
}

export function checkDType(op: string, name: string, t: GpuTensor, allowed: readonly GpuDType[]): void {
  if (!allowed.includes(t.dtype)) {
    throw new Error(`${op}: expected ${name} of dtype ${allowed.join(" or ")}, but got ${t.dtype}`);
  }
}

/** PyTorch's broadcast of shapes (right-aligned; a dim of 1 stretches). */
export function broadcastShapes(op: string, ...shapes: (readonly number[])[]): number[] {
  const nd = Math.max(0, ...shapes.map((s) => s.length));
  const out = new Array<number>(nd).fill(1);
  for (const s of shapes) {
    for (let i = 0; i < s.length; i++) {
      const j = nd - s.length + i;
      const a = out[j]!, b = s[i]!;
      if (a === b || b === 1) continue;
      if (a === 1) out[j] = b;
      else {
        throw new Error(
          `${op}: The size of tensor a (${a}) must match the size of tensor b (${b}) at non-singleton dimension ${j}`,
        );
      }
    }
  }
  return out;
}

/** The strides that read `t` as if expanded to `shape` (0 on broadcast dims). */
export function expandStrides(t: Pick<GpuTensor, "shape" | "strides">, shape: readonly number[]): number[] {
  const nd = shape.length, off = nd - t.shape.length;
  const st = new Array<number>(nd).fill(0);
  for (let i = 0; i < t.shape.length; i++) st[off + i] = t.shape[i] === 1 && shape[off + i] !== 1 ? 0 : t.strides[i]!;
  return st;
}

/**
 * Merges adjacent dims that every operand walks contiguously (TensorIterator's coalescing), so a
 * kernel indexes fewer dims: contiguous operands of any shape become one dim.
 */
export function coalesce(shape: readonly number[], strides: readonly (readonly number[])[]): { shape: number[]; strides: number[][] } {
  // Plain loops: every op's kernel plan runs this, and closures per dim were its main allocation.
  const m = strides.length;
  const outShape: number[] = [];
  const outStrides: number[][] = [];
  for (let j = 0; j < m; j++) outStrides.push([]);
  for (let d = 0; d < shape.length; d++) {
    const size = shape[d]!;
    if (size === 1) continue;
    const k = outShape.length - 1;
    let merge = k >= 0;
    for (let j = 0; merge && j < m; j++) merge = outStrides[j]![k] === strides[j]![d]! * size;
    if (merge) {
      outShape[k] = outShape[k]! * size;
      for (let j = 0; j < m; j++) outStrides[j]![k] = strides[j]![d]!;
    } else {
      outShape.push(size);
      for (let j = 0; j < m; j++) outStrides[j]!.push(strides[j]![d]!);
    }
  }
  return { shape: outShape, strides: outStrides };
}
