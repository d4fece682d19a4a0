// PyTorch's CPU random number generator, bit for bit.
//
// The engine is at::mt19937 (aten/src/ATen/core/MT19937RNGEngine.h): the 2002 Matsumoto-Nishimura
// MT19937 with 32-bit state words, seeded from the low 32 bits of a 64-bit seed while the whole
// seed is kept as the generator's initial seed. CPUGeneratorImpl (aten/src/ATen/CPUGeneratorImpl.cpp)
// adds random64() (two draws, the first one high) and a cached second Box-Muller sample for the
// scalar normal path, and serialises everything into the 5056-byte CPUGeneratorImplState that
// torch.get_rng_state() returns. The distribution transforms live in random-transforms.ts.

export * from "./random-transforms.js";
import { randomKernels } from "./random-kernels.js";

const N = 624;
const M = 397;
const MATRIX_A = 0x9908b0df;
const UMASK = 0x80000000;
const LMASK = 0x7fffffff;

/** PyTorch's default_rng_seed_val (c10/core/GeneratorImpl.h): the seed of the default generator. */
export const DEFAULT_RNG_SEED = 67280421310721;

/** sizeof(CPUGeneratorImplState) on x86-64 / aarch64 Linux: torch.get_rng_state().numel(). */
export const CPU_RNG_STATE_SIZE = 5056;

// Byte offsets of CPUGeneratorImplState's fields (CPUGeneratorImplStateLegacy first).
const OFF_SEED = 0;            // uint64_t the_initial_seed
const OFF_LEFT = 8;            // int left
const OFF_SEEDED = 12;         // int seeded
const OFF_NEXT = 16;           // uint64_t next
const OFF_STATE = 24;          // uint64_t state[624]
const OFF_NORMAL_X = 24 + 8 * N;       // double normal_x (unused, written as 0)
const OFF_NORMAL_Y = OFF_NORMAL_X + 8; // double normal_y: the cached double normal sample
const OFF_NORMAL_RHO = OFF_NORMAL_Y + 8;
const OFF_NORMAL_VALID = OFF_NORMAL_RHO + 8; // int normal_is_valid
const OFF_FLOAT_NORMAL = 5048;  // float next_float_normal_sample (after 4 bytes of padding)
const OFF_FLOAT_VALID = 5052;   // bool is_next_float_normal_sample_valid

const UINT64_MAX = (1n << 64n) - 1n;

function toSeed64(seed: number | bigint, op: string): bigint {
  let s: bigint;
  if (typeof seed === "bigint") s = seed;
  else {
    if (!Number.isInteger(seed)) throw new Error(`${op} expected a long, but got float ${seed}`);
    s = BigInt(seed);
  }
  // THPGenerator_manualSeed reads the seed as uint64, and a negative int64 wraps around.
  if (s < -(1n << 63n) || s > UINT64_MAX) throw new Error(`Overflow when unpacking long long (${op}: seed ${s} is outside [-2^63, 2^64))`);
  return BigInt.asUintN(64, s);
}

/** c10::detail::getNonDeterministicRandom, limited to 53 bits so that the seed is an exact JS number. */
function nondeterministicSeed(): bigint {
  const words = new Uint32Array(2);
  globalThis.crypto.getRandomValues(words);
  return (BigInt(words[0]! & 0x1fffff) << 32n) | BigInt(words[1]!);
}

/**
 * torch.func.vmap's randomness modes (src/func/vmap-randomness.ts): called with the generator before
 * every draw while set, null otherwise (one comparison on the draw path).
 */
let drawGuard: ((g: Generator) => void) | null = null;

/** @internal Installs the draw guard and returns the previous one (vmap nests). */
export function setDrawGuard(guard: ((g: Generator) => void) | null): ((g: Generator) => void) | null {
  const prev = drawGuard;
  drawGuard = guard;
  return prev;
}

/** @internal For a draw that reads no new word (a cached normal sample): the guard sees it too. */
export function noteDraw(g: Generator): void {
  if (drawGuard !== null) drawGuard(g);
}

export class Generator {
  readonly device: "cpu" = "cpu";

  // at::mt19937_data_pod
  private readonly mt = new Uint32Array(N);
  private left = 1;
  private next = 0;
  private seeded = false;
  private initial = 0n;

  /** CPUGeneratorImpl::next_float_normal_sample_ (kept for get/set_state; no CPU kernel reads it). */
  nextFloatNormalSample: number | null = null;
  /** CPUGeneratorImpl::next_double_normal_sample_: the sin half of the last scalar Box-Muller pair. */
  nextDoubleNormalSample: number | null = null;

  constructor(device: "cpu" = "cpu") {
    if (device !== "cpu") throw new Error(`Generator: device type ${String(device)} is not supported; expected "cpu"`);
    // torch.Generator() starts from default_rng_seed_val.
    this.seedEngine(BigInt(DEFAULT_RNG_SEED));
  }

  /** at::mt19937::init_with_uint32: only the low 32 bits reach the state. */
  private seedEngine(seed: bigint): void {
    const mt = this.mt;
    this.initial = seed;
    this.seeded = true;
    mt[0] = Number(seed & 0xffffffffn);
    for (let j = 1; j < N; j++) {
      const prev = mt[j - 1]!;
      mt[j] = (Math.imul(1812433253, prev ^ (prev >>> 30)) + j) >>> 0;
    }
    this.left = 1;
    this.next = 0;
    // CPUGeneratorImpl::set_current_seed also drops both cached normals.
    this.nextFloatNormalSample = null;
    this.nextDoubleNormalSample = null;
  }

  private twist(): void {
    const mt = this.mt;
    let p = 0;
    for (; p < N - M; p++) {
      const y = (mt[p]! & UMASK) | (mt[p + 1]! & LMASK);
      mt[p] = mt[p + M]! ^ (y >>> 1) ^ (mt[p + 1]! & 1 ? MATRIX_A : 0);
    }
    for (; p < N - 1; p++) {
      const y = (mt[p]! & UMASK) | (mt[p + 1]! & LMASK);
      mt[p] = mt[p + M - N]! ^ (y >>> 1) ^ (mt[p + 1]! & 1 ? MATRIX_A : 0);
    }
    const y = (mt[N - 1]! & UMASK) | (mt[0]! & LMASK);
    mt[N - 1] = mt[M - 1]! ^ (y >>> 1) ^ (mt[0]! & 1 ? MATRIX_A : 0);
    this.left = N;
    this.next = 0;
  }

  /** Seeds the generator (torch.Generator.manual_seed); a negative seed wraps to uint64 as in PyTorch. */
  manualSeed(seed: number | bigint): this {
    this.seedEngine(toSeed64(seed, "manual_seed"));
    return this;
  }

  /** The seed this generator was last seeded with (exact below 2^53; see initialSeedBigInt). */
  initialSeed(): number {
    return Number(this.initial);
  }

  /** The full 64-bit initial seed. */
  initialSeedBigInt(): bigint {
    return this.initial;
  }

  /** Reseeds from a nondeterministic source and returns the new seed (53 bits here; PyTorch uses 64). */
  seed(): number {
    const s = nondeterministicSeed();
    this.seedEngine(s);
    return Number(s);
  }

  /** The next uint32 of the stream (CPUGeneratorImpl::random). */
  random(): number {
    if (drawGuard !== null) drawGuard(this);
    if (--this.left === 0) this.twist();
    let y = this.mt[this.next++]!;
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  /** @internal n draws of random() into out[start .. start + n): the same stream without a call per draw. */
  randomInto(out: Uint32Array, start: number, n: number): void {
    if (drawGuard !== null) drawGuard(this);
    const mt = this.mt;
    const native = n >= 256 ? randomKernels() : null;
    if (native !== null) {
      const counters = Int32Array.of(this.left, this.next);
      native.mtDraw(mt, counters, out, start, n);
      this.left = counters[0]!;
      this.next = counters[1]!;
      return;
    }
    let left = this.left, next = this.next;
    for (let i = 0; i < n; i++) {
      if (--left === 0) { this.twist(); left = N; next = 0; }
      let y = mt[next++]!;
      y ^= y >>> 11;
      y ^= (y << 7) & 0x9d2c5680;
      y ^= (y << 15) & 0xefc60000;
      y ^= y >>> 18;
      out[start + i] = y;
    }
    this.left = left;
    this.next = next;
  }

  /** Two draws joined as (first << 32) | second (CPUGeneratorImpl::random64). */
  random64(): bigint {
    const hi = this.random();
    const lo = this.random();
    return (BigInt(hi) << 32n) | BigInt(lo);
  }

  /** The low 53 bits of random64() as a double in [0, 1): uniform_real_distribution<double>(0, 1). */
  randomDouble53(): number {
    const hi = this.random() & 0x1fffff;
    const lo = this.random();
    return (hi * 4294967296 + lo) * 2 ** -53;
  }

  /** The state as torch.get_rng_state() lays it out (CPUGeneratorImplState, little-endian). */
  getState(): Uint8Array {
    const bytes = new Uint8Array(CPU_RNG_STATE_SIZE);
    const v = new DataView(bytes.buffer);
    v.setBigUint64(OFF_SEED, this.initial, true);
    v.setInt32(OFF_LEFT, this.left, true);
    v.setInt32(OFF_SEEDED, this.seeded ? 1 : 0, true);
    v.setBigUint64(OFF_NEXT, BigInt(this.next), true);
    for (let i = 0; i < N; i++) v.setUint32(OFF_STATE + 8 * i, this.mt[i]!, true);
    if (this.nextDoubleNormalSample !== null) {
      v.setInt32(OFF_NORMAL_VALID, 1, true);
      v.setFloat64(OFF_NORMAL_Y, this.nextDoubleNormalSample, true);
    }
    if (this.nextFloatNormalSample !== null) {
      v.setUint8(OFF_FLOAT_VALID, 1);
      v.setFloat32(OFF_FLOAT_NORMAL, this.nextFloatNormalSample, true);
    }
    return bytes;
  }

  /** Restores a state from getState() or from torch.get_rng_state() bytes (CPUGeneratorImpl::set_state). */
  setState(s: Uint8Array): this {
    if (!(s instanceof Uint8Array)) throw new Error("set_state: expected a torch.ByteTensor state (a Uint8Array)");
    if (s.length !== CPU_RNG_STATE_SIZE) {
      throw new Error(`Expected a CPUGeneratorImplState of size ${CPU_RNG_STATE_SIZE} but found the input RNG state size to be ${s.length}`);
    }
    const v = new DataView(s.buffer, s.byteOffset, s.byteLength);
    const left = v.getInt32(OFF_LEFT, true);
    const seeded = v.getInt32(OFF_SEEDED, true) !== 0;
    // The legacy next is a uint64 that PyTorch narrows to uint32.
    const next = Number(v.getBigUint64(OFF_NEXT, true) & 0xffffffffn);
    // at::mt19937::is_valid
    if (!(seeded && left > 0 && left <= N && next <= N)) throw new Error("Invalid mt19937 state");
    this.initial = v.getBigUint64(OFF_SEED, true);
    this.left = left;
    this.next = next;
    this.seeded = seeded;
    // The legacy state words are uint64; the engine keeps their low 32 bits.
    for (let i = 0; i < N; i++) this.mt[i] = v.getUint32(OFF_STATE + 8 * i, true);
    this.nextDoubleNormalSample = v.getInt32(OFF_NORMAL_VALID, true) !== 0 ? v.getFloat64(OFF_NORMAL_Y, true) : null;
    this.nextFloatNormalSample = v.getUint8(OFF_FLOAT_VALID) !== 0 ? v.getFloat32(OFF_FLOAT_NORMAL, true) : null;
    return this;
  }

  /** An independent copy (CPUGeneratorImpl::clone). */
  clone(): Generator {
    return new Generator().setState(this.getState());
  }
}

/**
 * torch.default_generator. It starts from DEFAULT_RNG_SEED so that runs are reproducible; PyTorch seeds
 * its default generator from /dev/urandom at startup (torch.initial_seed() differs per process).
 */
export const defaultGenerator = new Generator();

/** torch.manual_seed: seeds the default generator and returns it. Like Python's int(seed), a float is truncated. */
export function manualSeed(seed: number | bigint): Generator {
  if (typeof seed === "number") {
    if (!Number.isFinite(seed)) throw new Error(`manual_seed: cannot convert ${seed} to an integer seed`);
    seed = Math.trunc(seed);
  }
  return defaultGenerator.manualSeed(seed);
}

/** torch.initial_seed. */
export function initialSeed(): number {
  return defaultGenerator.initialSeed();
}

/** torch.seed: reseeds the default generator nondeterministically and returns the seed. */
export function seed(): number {
  return defaultGenerator.seed();
}

/** torch.get_rng_state (as bytes). */
export function getRngState(): Uint8Array {
  return defaultGenerator.getState();
}

/** torch.set_rng_state. */
export function setRngState(state: Uint8Array): void {
  defaultGenerator.setState(state);
}
