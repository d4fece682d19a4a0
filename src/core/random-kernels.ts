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

/** out[i] = fmaf((words[i] & 0xffffff) * 2^-24, range, from) for float32 uniform_; false when not installed. */
export type UniformFloats = (words: Uint32Array, out: Float32Array, range: number, from: number) => boolean;

let uniformFloats: UniformFloats | null = null;

/** @internal Installs (or, with null, removes) the native uniform transform. */
export function setUniformFloats(f: UniformFloats | null): void { uniformFloats = f; }

/** @internal The installed uniform transform (tests compare it with the JS one). */
export function uniformFloatsKernel(): UniformFloats | null { return uniformFloats; }

/** Runs the installed uniform transform; false when there is none. */
export function nativeUniformFloats(words: Uint32Array, out: Float32Array, range: number, from: number): boolean {
  return uniformFloats !== null && uniformFloats(words, out, range, from);
}

/** n draws of the mt19937 state `mt` (counters = [left, next], updated) into out[start ..). */
export type MtDraw = (mt: Uint32Array, counters: Int32Array, out: Uint32Array, start: number, n: number) => boolean;

let mtDraw: MtDraw | null = null;

/** @internal Installs (or, with null, removes) the native Mersenne Twister. */
export function setMtDraw(f: MtDraw | null): void { mtDraw = f; }

/** @internal The installed draw (tests compare it with the JS one). */
export function mtDrawKernel(): MtDraw | null { return mtDraw; }

/** Runs the installed draw; false when there is none. */
export function nativeMtDraw(mt: Uint32Array, counters: Int32Array, out: Uint32Array, start: number, n: number): boolean {
  return mtDraw !== null && mtDraw(mt, counters, out, start, n);
}
