// Faster twins of the CPU random transforms, installed by the native backend (the core never
// imports a backend). Each must give the JS transform's values bit for bit.

/** normal_fill_16_AVX2 on data[start .. start + 16 * blocks); returns false when it did nothing. */
export type NormalBlocks = (data: Float32Array, start: number, blocks: number, mean: number, std: number) => boolean;

let normalBlocks: NormalBlocks | null = null;

/** @internal Installs (or, with null, removes) the native normal transform. */
export function setNormalBlocks(f: NormalBlocks | null): void { normalBlocks = f; }

/** Runs the installed transform; false when there is none. */
export function nativeNormalBlocks(data: Float32Array, start: number, blocks: number, mean: number, std: number): boolean {
  return normalBlocks !== null && normalBlocks(data, start, blocks, mean, std);
}

/** @internal The installed transform (tests compare it with the JS one). */
export function normalBlocksKernel(): NormalBlocks | null { return normalBlocks; }
