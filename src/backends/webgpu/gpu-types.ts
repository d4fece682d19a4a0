/// <reference types="@webgpu/types" />
// The dtypes the WebGPU backend stores, and the WebGPU constants it needs. The constants are
// spelled out because Node's `webgpu` package does not install GPUBufferUsage & co. as globals.

/** dtypes a GPU buffer can hold: float32 as f32, int32 as i32, bool as u32 (0 or 1). */
export type GpuDType = "float32" | "int32" | "bool";

export const GPU_DTYPES: readonly GpuDType[] = ["float32", "int32", "bool"];

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

/** The GPU dtype whose buffers hold values of `format`. */
export function bufferDTypeOf(format: NarrowFormat): "float32" | "int32" {
  return format === "float16" || format === "bfloat16" ? "float32" : "int32";
}

/** Every GPU dtype takes 4 bytes (bool is widened to u32: WGSL has no 8-bit storage type). */
export const GPU_ITEMSIZE = 4;

/** The WGSL type that stores a dtype. */
export type WgslScalar = "f32" | "i32" | "u32";

export function storageType(d: GpuDType): WgslScalar {
  return d === "float32" ? "f32" : d === "int32" ? "i32" : "u32";
}

export function isGpuDType(d: string): d is GpuDType {
  return d === "float32" || d === "int32" || d === "bool";
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
}
export type HostArray = HostArrayOf[GpuDType];
