/// <reference types="@webgpu/types" />
// The dtypes the WebGPU backend stores, and the WebGPU constants it needs. The constants are
// spelled out because Node's `webgpu` package does not install GPUBufferUsage & co. as globals.

/**
 * dtypes a GPU buffer can hold: float32 as f32, int32 as i32, bool as u32 (0 or 1), and float16
 * as f16 (2 bytes) on a context with 16-bit float storage (`GpuContext.f16Storage`: the adapter's
 * "shader-f16" feature). Kernels compute a float16 tensor's values in float32: the pointwise
 * kernels, reductions, softmax, pooling, losses and the GEMM (matmul, linear, conv) load and store
 * f16 themselves; the other kernels take float32 operands (the front end stages float16 ones
 * through a float32 copy, see `src/webgpu/storage.ts`) and refuse float16.
 */
export type GpuDType = "float32" | "int32" | "bool" | "float16";

export const GPU_DTYPES: readonly GpuDType[] = ["float32", "int32", "bool", "float16"];

/**
 * The 16-bit float formats a float32 buffer can hold: every value rounded to the format (nearest
 * even) by the kernel that writes it, so the buffer holds exactly what a 16-bit storage would.
 */
export type HalfFormat = "float16" | "bfloat16";

/** The narrow integer formats an int32 buffer can hold: every value wrapped (two's complement) to the format by its writer. */
export type NarrowIntFormat = "int8" | "uint8" | "int16";

/**
 * A logical dtype narrower than the buffer that holds it: a 16-bit float in a float32 buffer
 * (rounded) or a narrow integer in an int32 buffer (wrapped). Writers narrow every stored value.
 */
export type NarrowFormat = HalfFormat | NarrowIntFormat;

/** The 32-bit GPU dtype whose buffers hold values of `format` (float16 may also have f16 buffers of its own). */
export function bufferDTypeOf(format: NarrowFormat): "float32" | "int32" {
  return format === "float16" || format === "bfloat16" ? "float32" : "int32";
}

/** Whether `d` is a float dtype (float32, or float16 stored as f16): kernels compute both in f32. */
export function isFloatDType(d: GpuDType): d is "float32" | "float16" {
  return d === "float32" || d === "float16";
}

/** Bytes per element: 2 for float16, 4 for the others (bool is widened to u32: WGSL has no 8-bit storage type). */
export function itemSize(d: GpuDType): 2 | 4 {
  return d === "float16" ? 2 : 4;
}

/**
 * Bytes a buffer needs for `n` elements of `d`: WebGPU sizes, copies and writes take multiples of
 * 4 bytes, so an odd count of float16 elements gets one more.
 */
export function bufferBytes(n: number, d: GpuDType): number {
  return Math.ceil((n * itemSize(d)) / 4) * 4;
}

/** The WGSL scalar types: f32, i32, u32 compute and store; f16 only stores (float16 computes in f32). */
export type WgslScalar = "f32" | "i32" | "u32";
export type WgslStorage = WgslScalar | "f16";

/** The WGSL type arithmetic runs in for a dtype: float16 computes in f32. */
export function computeScalar(d: GpuDType): WgslScalar {
  return d === "float32" || d === "float16" ? "f32" : d === "int32" ? "i32" : "u32";
}

/** The WGSL type that stores a dtype (f16 needs `enable f16;` in the module). */
export function storageType(d: GpuDType): WgslStorage {
  return d === "float32" ? "f32" : d === "int32" ? "i32" : d === "float16" ? "f16" : "u32";
}

export function isGpuDType(d: string): d is GpuDType {
  return d === "float32" || d === "int32" || d === "bool" || d === "float16";
}

/** GPUBufferUsage flags (WebGPU spec values). */
export const BufferUsage = {
  MAP_READ: 0x0001,
  MAP_WRITE: 0x0002,
  COPY_SRC: 0x0004,
  COPY_DST: 0x0008,
  UNIFORM: 0x0040,
  STORAGE: 0x0080,
  QUERY_RESOLVE: 0x0200,
} as const;

/** GPUMapMode.READ. */
export const MAP_MODE_READ = 0x0001;

/** Host arrays that upload() takes and download() returns for each dtype. */
export interface HostArrayOf {
  float32: Float32Array;
  int32: Int32Array;
  bool: Uint8Array;
  /** The IEEE half bits, as torch-ts's CPU storages keep float16. */
  float16: Uint16Array;
}
export type HostArray = HostArrayOf[GpuDType];
