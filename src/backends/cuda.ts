// torch.cuda as a CPU-only PyTorch build answers it: torch-ts has no CUDA device (its GPU device is
// "webgpu"), so scripts that ask `torch.cuda.isAvailable()` before choosing a device run unchanged.
// The seeding calls are silently ignored (PyTorch documents them as safe without CUDA), the memory
// queries read 0, and what needs a CUDA device throws PyTorch's error.

const notCompiled = (): never => {
  const e = new Error("Torch not compiled with CUDA enabled");
  e.name = "AssertionError";
  throw e;
};

/** false: torch-ts has no CUDA device (see torch.webgpu for its GPU device). */
export function isAvailable(): boolean { return false; }
export function deviceCount(): number { return 0; }
export function isInitialized(): boolean { return false; }
/** Ignored without CUDA, as in PyTorch. */
export function manualSeed(_seed: number | bigint): void {}
/** Ignored without CUDA, as in PyTorch. */
export function manualSeedAll(_seed: number | bigint): void {}
/** Ignored without CUDA, as in PyTorch. */
export function seed(): void {}
/** Ignored without CUDA, as in PyTorch. */
export function seedAll(): void {}
export function emptyCache(): void {}
export function memoryAllocated(_device?: unknown): number { return 0; }
export function maxMemoryAllocated(_device?: unknown): number { return 0; }
export function memoryReserved(_device?: unknown): number { return 0; }
export function maxMemoryReserved(_device?: unknown): number { return 0; }
export const init = notCompiled;
export const currentDevice = notCompiled;
export const setDevice = notCompiled;
export const synchronize = notCompiled;
export const getDeviceName = notCompiled;
export const getDeviceProperties = notCompiled;
export const getDeviceCapability = notCompiled;
export const getRngState = notCompiled;
export const setRngState = notCompiled;
export const initialSeed = notCompiled;
export const isBf16Supported = notCompiled;
export const currentStream = notCompiled;
