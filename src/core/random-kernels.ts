// Faster twins of the CPU random draws and transforms, installed by the native backend (the core
// never imports a backend). Each gives its JS twin's values bit for bit (test/native-random.test.ts).

export interface RandomKernels {
  /** n draws of the mt19937 state `mt` into out[start ..); counters = [left, next], updated. */
  mtDraw(mt: Uint32Array, counters: Int32Array, out: Uint32Array, start: number, n: number): void;
  /** float32 uniform_: out[i] = fmaf((words[i] & 0xffffff) * 2^-24, range, from). */
  uniformFloats(words: Uint32Array, out: Float32Array, range: number, from: number): void;
  /** normal_fill_16_AVX2 on data[start .. start + 16 * blocks), which holds uniforms. */
  normalBlocks(data: Float32Array, start: number, blocks: number, mean: number, std: number): void;
}

let kernels: RandomKernels | null = null;

/** @internal Installs (or, with null, removes: the JS twins run) the native random kernels. */
export function setRandomKernels(k: RandomKernels | null): void { kernels = k; }

/** The installed kernels, or null. */
export function randomKernels(): RandomKernels | null { return kernels; }
