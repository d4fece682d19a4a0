// Complex FFT of any length over interleaved (re, im) arrays, unnormalised (the op layer scales).
// Mixed radix 4/2/3/5 plus a direct butterfly for other small odd factors, in Stockham autosort
// form (natural order in and out, no bit reversal; the passes are in fft-passes.ts, the real
// transforms in fft-real.ts); lengths whose factors make that costly go
// through Bluestein's chirp-z convolution on a 2·3·5-smooth length. Twiddles are computed from
// exact integer angle reductions (as pocketfft does), which keeps the error near pocketfft's:
// relative rms ~1e-16·log n in float64. The plans (twiddles, scratch) are cached per length.

import { pass2, pass3, pass4, pass5, passGeneric } from "./fft-passes.js";

export type FloatArray = Float32Array | Float64Array;

/** cos and sin of 2π·k/n, reduced to the first octant in exact integer arithmetic. */
export function cosSin2Pi(k: number, n: number, out: Float64Array, at: number): void {
  let x = k % n;
  if (x < 0) x += n;
  // The angle is 2π·u/(4n): one quarter turn is u = n.
  let u = 4 * x;
  let negateBoth = false;
  if (u >= 2 * n) {
    u -= 2 * n;
    negateBoth = true;
  }
  let quarter = false;
  if (u >= n) {
    u -= n;
    quarter = true;
  }
  let swap = false;
  if (2 * u > n) {
    u = n - u;
    swap = true;
  }
  const phi = ((Math.PI / 2) * u) / n;
  // At π/4 itself Math.cos and Math.sin differ in the last bit; both are √½.
  let c = 2 * u === n ? Math.SQRT1_2 : Math.cos(phi);
  let s = 2 * u === n ? Math.SQRT1_2 : Math.sin(phi);
  if (swap) [c, s] = [s, c];
  if (quarter) [c, s] = [-s, c];
  if (negateBoth) {
    c = -c;
    s = -s;
  }
  out[at] = c + 0; // no -0: exact zeros of symmetric angles compare equal
  out[at + 1] = s + 0;
}

/** One Stockham pass: `radix`-point DFTs of stride n/radix, after `span` = product of the earlier radices. */
interface Stage {
  radix: number;
  span: number;
  /** e^{-2πi·r·k/(span·radix)} for k < span, 1 ≤ r < radix, at 2·(k·(radix-1) + r-1). */
  twiddles: Float64Array;
  /** e^{-2πi·q/radix} for q < radix, and room for one DFT's points (radices without their own pass). */
  roots: Float64Array | null;
  scratch: Float64Array | null;
}

interface MixedRadixPlan {
  kind: "mixed";
  n: number;
  stages: Stage[];
  work: Float64Array;
  scratch: Float64Array;
}

interface BluesteinPlan {
  kind: "bluestein";
  n: number;
  /** b_j = e^{iπ·j²/n}, j < n. */
  chirp: Float64Array;
  /** The forward transform of the convolution kernel (b_j, wrapped to negative indices), scaled by 1/m. */
  kernelSpectrum: Float64Array;
  inner: MixedRadixPlan;
  work: Float64Array;
}

export type Plan = MixedRadixPlan | BluesteinPlan;

/** Radices in the order the passes run: 4s first, then a 2, then odd factors ascending. */
function factorize(n: number): number[] {
  const factors: number[] = [];
  let rest = n;
  while (rest % 4 === 0) {
    factors.push(4);
    rest /= 4;
  }
  if (rest % 2 === 0) {
    factors.push(2);
    rest /= 2;
  }
  for (let p = 3; p * p <= rest; p += 2) {
    while (rest % p === 0) {
      factors.push(p);
      rest /= p;
    }
  }
  if (rest > 1) factors.push(rest);
  return factors;
}

/** pocketfft's cost model: operations per element grow with the radix, large ones a bit more. */
function mixedRadixCost(n: number): number {
  let perElement = 0;
  for (const p of factorize(n)) perElement += p <= 5 ? p : 1.1 * p;
  return perElement * n;
}

/** The smallest 2·3·5-smooth length ≥ n. */
export function smoothLength(n: number): number {
  if (n <= 6) return n;
  let best = 2 ** Math.ceil(Math.log2(n));
  for (let f5 = 1; f5 < best; f5 *= 5) {
    for (let f35 = f5; f35 < best; f35 *= 3) {
      let x = f35;
      while (x < n) x *= 2;
      if (x < best) best = x;
    }
  }
  return best;
}

function makeMixedRadixPlan(n: number): MixedRadixPlan {
  const stages: Stage[] = [];
  let span = 1;
  for (const radix of factorize(n)) {
    const length = span * radix;
    const twiddles = new Float64Array(2 * span * (radix - 1));
    for (let k = 0; k < span; k++) {
      for (let r = 1; r < radix; r++) {
        cosSin2Pi(-r * k, length, twiddles, 2 * (k * (radix - 1) + r - 1));
      }
    }
    let roots: Float64Array | null = null;
    if (radix > 5) {
      roots = new Float64Array(2 * radix);
      for (let q = 0; q < radix; q++) cosSin2Pi(-q, radix, roots, 2 * q);
    }
    stages.push({ radix, span, twiddles, roots, scratch: roots && new Float64Array(2 * radix) });
    span = length;
  }
  return { kind: "mixed", n, stages, work: new Float64Array(2 * n), scratch: new Float64Array(2 * n) };
}

function makeBluesteinPlan(n: number): BluesteinPlan {
  const m = smoothLength(2 * n - 1);
  const inner = makeMixedRadixPlan(m);
  const chirp = new Float64Array(2 * n);
  // j² mod 2n, kept exact by stepping (j+1)² = j² + 2j + 1.
  let square = 0;
  for (let j = 0; j < n; j++) {
    cosSin2Pi(square, 2 * n, chirp, 2 * j);
    square = (square + 2 * j + 1) % (2 * n);
  }
  const kernel = inner.work;
  kernel.fill(0);
  const scale = 1 / m;
  for (let j = 0; j < n; j++) {
    kernel[2 * j] = chirp[2 * j]! * scale;
    kernel[2 * j + 1] = chirp[2 * j + 1]! * scale;
    if (j > 0) {
      kernel[2 * (m - j)] = kernel[2 * j]!;
      kernel[2 * (m - j) + 1] = kernel[2 * j + 1]!;
    }
  }
  const kernelSpectrum = runMixedRadix(inner).slice();
  return { kind: "bluestein", n, chirp, kernelSpectrum, inner, work: new Float64Array(2 * n) };
}

/** Plans by length; the oldest go first once all of them hold more than 2^23 numbers (64 MB). */
const planCache = new Map<number, Plan>();
const PLAN_CACHE_NUMBERS = 1 << 23;
let cachedNumbers = 0;

function planNumbers(plan: Plan): number {
  if (plan.kind === "bluestein") return plan.chirp.length + plan.kernelSpectrum.length + plan.work.length + planNumbers(plan.inner);
  let total = plan.work.length + plan.scratch.length;
  for (const stage of plan.stages) total += stage.twiddles.length + 4 * stage.radix;
  return total;
}

/** The cached plan of length n (twiddles, scratch), made on first use. */
export function planFor(n: number): Plan {
  const cached = planCache.get(n);
  if (cached !== undefined) return cached;
  const direct = mixedRadixCost(n);
  // pocketfft's rule: Bluestein runs two transforms of the longer length, plus its overhead.
  const bluestein = n > 5 ? 2 * mixedRadixCost(smoothLength(2 * n - 1)) * 1.5 : Infinity;
  const plan = bluestein < direct ? makeBluesteinPlan(n) : makeMixedRadixPlan(n);
  planCache.set(n, plan);
  cachedNumbers += planNumbers(plan);
  for (const [length, old] of planCache) {
    if (cachedNumbers <= PLAN_CACHE_NUMBERS || length === n) break;
    planCache.delete(length);
    cachedNumbers -= planNumbers(old);
  }
  return plan;
}

/** Which algorithm a length runs (for tests and benchmarks). */
export function fftAlgorithm(n: number): "mixed-radix" | "bluestein" {
  return planFor(n).kind === "bluestein" ? "bluestein" : "mixed-radix";
}

/** Forward transform of plan.work in place of the plan's buffers; returns the buffer holding the result. */
function runMixedRadix(plan: MixedRadixPlan): Float64Array {
  let src = plan.work;
  let dst = plan.scratch;
  for (const stage of plan.stages) {
    runStage(stage, plan.n, src, dst);
    const t = src;
    src = dst;
    dst = t;
  }
  return src;
}

function runStage(stage: Stage, n: number, src: Float64Array, dst: Float64Array): void {
  const { radix, span, twiddles } = stage;
  const blocks = n / (span * radix);
  const stride = n / radix; // input distance between the radix points, in complex elements
  switch (radix) {
    case 2: return pass2(src, dst, span, blocks, stride, twiddles);
    case 3: return pass3(src, dst, span, blocks, stride, twiddles);
    case 4: return pass4(src, dst, span, blocks, stride, twiddles);
    case 5: return pass5(src, dst, span, blocks, stride, twiddles);
    default: return passGeneric(src, dst, span, blocks, stride, twiddles, radix, stage.roots!, stage.scratch!);
  }
}

/** Loads n complex values (conjugated for an inverse transform) into buf. */
function load(src: FloatArray, offset: number, stride: number, n: number, conj: boolean, buf: Float64Array): void {
  const sign = conj ? -1 : 1;
  for (let i = 0; i < n; i++) {
    const at = 2 * (offset + i * stride);
    buf[2 * i] = src[at]!;
    buf[2 * i + 1] = sign * src[at + 1]!;
  }
}

/** Forward transform of `plan`'s n values in plan.work; returns the buffer holding the result. */
export function runPlan(plan: Plan): Float64Array {
  if (plan.kind === "mixed") return runMixedRadix(plan);
  const { n, chirp, kernelSpectrum, inner, work } = plan;
  const a = inner.work;
  a.fill(0);
  // a_j = x_j · conj(b_j)
  for (let j = 0; j < n; j++) {
    const xr = work[2 * j]!, xi = work[2 * j + 1]!;
    const br = chirp[2 * j]!, bi = chirp[2 * j + 1]!;
    a[2 * j] = xr * br + xi * bi;
    a[2 * j + 1] = xi * br - xr * bi;
  }
  const spectrum = runMixedRadix(inner);
  // Multiply by the kernel's spectrum, conjugated so that the next forward pass is an inverse one.
  const m = inner.n;
  const next = inner.work;
  for (let k = 0; k < m; k++) {
    const sr = spectrum[2 * k]!, si = spectrum[2 * k + 1]!;
    const kr = kernelSpectrum[2 * k]!, ki = kernelSpectrum[2 * k + 1]!;
    next[2 * k] = sr * kr - si * ki;
    next[2 * k + 1] = -(sr * ki + si * kr);
  }
  const conv = runMixedRadix(inner); // conj of the circular convolution
  // X_k = conj(b_k) · conv_k
  for (let k = 0; k < n; k++) {
    const cr = conv[2 * k]!, ci = -conv[2 * k + 1]!;
    const br = chirp[2 * k]!, bi = chirp[2 * k + 1]!;
    work[2 * k] = cr * br + ci * bi;
    work[2 * k + 1] = ci * br - cr * bi;
  }
  return work;
}

export function checkLength(api: string, n: number): void {
  if (!Number.isInteger(n) || n < 1) throw new Error(`${api}: the transform length must be a positive integer, got ${n}`);
}

/**
 * dst[k] = Σ_j src[j]·e^{∓2πi·jk/n} (minus sign forward, plus for `inverse`), unnormalised, for
 * interleaved (re, im) arrays: element j is at 2·(offset + j·stride). Offsets and strides count
 * complex elements, as a complex tensor's do. src and dst may be the same array (even the same slots).
 */
export function fftc2c(
  src: FloatArray, srcOffset: number, srcStride: number,
  dst: FloatArray, dstOffset: number, dstStride: number,
  n: number, inverse: boolean,
): void {
  checkLength("fftc2c", n);
  const plan = planFor(n);
  load(src, srcOffset, srcStride, n, inverse, plan.work);
  const result = runPlan(plan);
  const sign = inverse ? -1 : 1;
  for (let k = 0; k < n; k++) {
    const at = 2 * (dstOffset + k * dstStride);
    dst[at] = result[2 * k]!;
    dst[at + 1] = sign * result[2 * k + 1]!;
  }
}
