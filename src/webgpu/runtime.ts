// torch.webgpu: the device's lifecycle. Requesting a WebGPU device is asynchronous, so a program
// calls `await torch.webgpu.init()` once; after that every op on "webgpu" tensors is synchronous
// (kernels are queued), and only reading values back is asynchronous.

import { type GpuContext } from "../backends/webgpu/context.js";
import { type RequestDeviceOptions, isAvailable as adapterAvailable, requestDevice } from "../backends/webgpu/device.js";

let ctx: GpuContext | null = null;
let pending: Promise<GpuContext> | null = null;

/** Whether a WebGPU adapter can be found here (never throws). */
export function isAvailable(options: RequestDeviceOptions = {}): Promise<boolean> {
  if (ctx) return Promise.resolve(true);
  return adapterAvailable(options);
}

/**
 * Requests the device (once; later calls return the same one). Options come from the arguments,
 * else from TORCH_TS_WEBGPU_BACKEND / _FEATURE_LEVEL / _ROBUSTNESS. Throws where there is no adapter.
 */
export function init(options: RequestDeviceOptions = {}): Promise<GpuContext> {
  if (ctx) return Promise.resolve(ctx);
  if (!pending) {
    pending = requestDevice(options).then((c) => { ctx = c; return c; });
    pending.catch(() => { pending = null; });
  }
  return pending;
}

/** Whether init() has completed. */
export function isInitialized(): boolean { return ctx !== null; }

/** The device's context; throws the "call init() first" error when there is none yet. */
export function context(op = "webgpu"): GpuContext {
  if (!ctx) {
    throw new Error(`${op}: the 'webgpu' device is not initialized; call \`await torch.webgpu.init()\` once before using it`);
  }
  return ctx;
}

/** A one-line description of the adapter ("NVIDIA / hopper / ... [dawn default]"), or null before init(). */
export function deviceName(): string | null { return ctx ? ctx.describe() : null; }

/** Bytes held by live GPU tensors (in the pool's size classes): torch.cuda.memory_allocated's analogue. */
export function memoryAllocated(): number { return ctx ? ctx.memoryAllocated() : 0; }
/** Bytes of every buffer the pool owns, cached ones included (memory_reserved). */
export function memoryReserved(): number { return ctx ? ctx.memoryReserved() : 0; }
export function maxMemoryAllocated(): number { return ctx ? ctx.pool.maxMemoryAllocated() : 0; }
export function resetPeakMemoryStats(): void { ctx?.pool.resetPeakMemoryStats(); }

/** Frees the pool's cached buffers (live tensors keep theirs). */
export function emptyCache(): void { ctx?.emptyCache(); }

/** Resolves when the GPU has finished all work queued so far. */
export async function synchronize(): Promise<void> {
  if (ctx) await ctx.sync();
}

/** Destroys the device (tests); a later init() requests a new one. Tensors made before are unusable. */
export function shutdown(): void {
  ctx?.destroy();
  ctx = null;
  pending = null;
}
