// Complex FFT of any length over interleaved (re, im) arrays, unnormalised (the op layer scales).
// Mixed radix 4/2/3/5 plus a direct butterfly for other small odd factors, in Stockham autosort
// form (natural order in and out, no bit reversal); lengths whose factors make that costly go
// through Bluestein's chirp-z convolution on a 2·3·5-smooth length. Twiddles are computed from
// exact integer angle reductions (as pocketfft does), which keeps the error near pocketfft's:
// relative rms ~1e-16·log n in float64. The plans (twiddles, scratch) are cached per length.

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
  /** e^{-2πi·q/radix} for q < radix (only for radices without a dedicated butterfly). */
  roots: Float64Array | null;
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

type Plan = MixedRadixPlan | BluesteinPlan;

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
    stages.push({ radix, span, twiddles, roots });
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
  const kernelSpectrum = Float64Array.from(runMixedRadix(inner));
  return { kind: "bluestein", n, chirp, kernelSpectrum, inner, work: new Float64Array(2 * n) };
}

const planCache = new Map<number, Plan>();
const PLAN_CACHE_LIMIT = 64;

function planFor(n: number): Plan {
  const cached = planCache.get(n);
  if (cached !== undefined) return cached;
  const direct = mixedRadixCost(n);
  // pocketfft's rule: Bluestein runs two transforms of the longer length, plus its overhead.
  const bluestein = n > 5 ? 2 * mixedRadixCost(smoothLength(2 * n - 1)) * 1.5 : Infinity;
  const plan = bluestein < direct ? makeBluesteinPlan(n) : makeMixedRadixPlan(n);
  if (planCache.size >= PLAN_CACHE_LIMIT) planCache.delete(planCache.keys().next().value!);
  planCache.set(n, plan);
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
  const v = radixBuffer(radix);
  for (let k = 0; k < span; k++) {
    const tw = 2 * k * (radix - 1);
    for (let b = 0; b < blocks; b++) {
      const j = b * span + k;
      v[0] = src[2 * j]!;
      v[1] = src[2 * j + 1]!;
      for (let r = 1; r < radix; r++) {
        const at = 2 * (j + r * stride);
        const xr = src[at]!;
        const xi = src[at + 1]!;
        if (k === 0) {
          v[2 * r] = xr;
          v[2 * r + 1] = xi;
        } else {
          const wr = twiddles[tw + 2 * (r - 1)]!;
          const wi = twiddles[tw + 2 * (r - 1) + 1]!;
          v[2 * r] = xr * wr - xi * wi;
          v[2 * r + 1] = xr * wi + xi * wr;
        }
      }
      butterfly(radix, v, stage.roots);
      const out = b * span * radix + k;
      for (let r = 0; r < radix; r++) {
        const at = 2 * (out + r * span);
        dst[at] = v[2 * r]!;
        dst[at + 1] = v[2 * r + 1]!;
      }
    }
  }
}

const radixBuffers = new Map<number, Float64Array>();
const genericOut = new Map<number, Float64Array>();

function radixBuffer(radix: number): Float64Array {
  let buffer = radixBuffers.get(radix);
  if (buffer === undefined) {
    buffer = new Float64Array(2 * radix);
    radixBuffers.set(radix, buffer);
  }
  return buffer;
}

const SIN_60 = Math.sqrt(3) / 2;
const COS_72 = 0.30901699437494745; // cos(2π/5)
const COS_144 = -0.8090169943749475; // cos(4π/5)
const SIN_72 = 0.9510565162951535; // sin(2π/5)
const SIN_144 = 0.5877852522924731; // sin(4π/5)

/** In-place forward DFT (e^{-2πi·rs/radix}) of the radix points in v. */
function butterfly(radix: number, v: Float64Array, roots: Float64Array | null): void {
  switch (radix) {
    case 2: {
      const ar = v[0]!, ai = v[1]!, br = v[2]!, bi = v[3]!;
      v[0] = ar + br;
      v[1] = ai + bi;
      v[2] = ar - br;
      v[3] = ai - bi;
      return;
    }
    case 3: {
      const sr = v[2]! + v[4]!, si = v[3]! + v[5]!;
      const dr = v[2]! - v[4]!, di = v[3]! - v[5]!;
      const mr = v[0]! - 0.5 * sr, mi = v[1]! - 0.5 * si;
      v[0] += sr;
      v[1] += si;
      v[2] = mr + SIN_60 * di;
      v[3] = mi - SIN_60 * dr;
      v[4] = mr - SIN_60 * di;
      v[5] = mi + SIN_60 * dr;
      return;
    }
    case 4: {
      const ar = v[0]! + v[4]!, ai = v[1]! + v[5]!;
      const br = v[0]! - v[4]!, bi = v[1]! - v[5]!;
      const cr = v[2]! + v[6]!, ci = v[3]! + v[7]!;
      const dr = v[2]! - v[6]!, di = v[3]! - v[7]!;
      v[0] = ar + cr;
      v[1] = ai + ci;
      v[4] = ar - cr;
      v[5] = ai - ci;
      v[2] = br + di; // b - i·d
      v[3] = bi - dr;
      v[6] = br - di; // b + i·d
      v[7] = bi + dr;
      return;
    }
    case 5: {
      const t1r = v[2]! + v[8]!, t1i = v[3]! + v[9]!;
      const t2r = v[4]! + v[6]!, t2i = v[5]! + v[7]!;
      const t3r = v[2]! - v[8]!, t3i = v[3]! - v[9]!;
      const t4r = v[4]! - v[6]!, t4i = v[5]! - v[7]!;
      const x0r = v[0]!, x0i = v[1]!;
      const a1r = x0r + COS_72 * t1r + COS_144 * t2r, a1i = x0i + COS_72 * t1i + COS_144 * t2i;
      const a2r = x0r + COS_144 * t1r + COS_72 * t2r, a2i = x0i + COS_144 * t1i + COS_72 * t2i;
      const b1r = SIN_72 * t3r + SIN_144 * t4r, b1i = SIN_72 * t3i + SIN_144 * t4i;
      const b2r = SIN_144 * t3r - SIN_72 * t4r, b2i = SIN_144 * t3i - SIN_72 * t4i;
      v[0] = x0r + t1r + t2r;
      v[1] = x0i + t1i + t2i;
      v[2] = a1r + b1i; // a1 - i·b1
      v[3] = a1i - b1r;
      v[8] = a1r - b1i;
      v[9] = a1i + b1r;
      v[4] = a2r + b2i; // a2 - i·b2
      v[5] = a2i - b2r;
      v[6] = a2r - b2i;
      v[7] = a2i + b2r;
      return;
    }
    default:
      genericButterfly(radix, v, roots!);
  }
}

/** Direct DFT of an odd radix, pairing r and radix-r so each root serves two terms. */
function genericButterfly(radix: number, v: Float64Array, roots: Float64Array): void {
  let out = genericOut.get(radix);
  if (out === undefined) {
    out = new Float64Array(2 * radix);
    genericOut.set(radix, out);
  }
  const half = (radix - 1) / 2;
  let dcr = v[0]!, dci = v[1]!;
  for (let r = 1; r <= half; r++) {
    dcr += v[2 * r]! + v[2 * (radix - r)]!;
    dci += v[2 * r + 1]! + v[2 * (radix - r) + 1]!;
  }
  out[0] = dcr;
  out[1] = dci;
  for (let s = 1; s <= half; s++) {
    // With w = e^{-2πi·rs/p} = c + i·sn: X[s] = x0 + Σ_r c·(x_r + x_{p-r}) + i·sn·(x_r - x_{p-r}),
    // and X[p-s] (the conjugate root) the same with the odd part's sign flipped.
    let er = v[0]!, ei = v[1]!, or = 0, oi = 0;
    for (let r = 1; r <= half; r++) {
      const q = (r * s) % radix;
      const c = roots[2 * q]!;
      const sn = roots[2 * q + 1]!;
      const pr = v[2 * r]!, pi = v[2 * r + 1]!;
      const mr = v[2 * (radix - r)]!, mi = v[2 * (radix - r) + 1]!;
      er += c * (pr + mr);
      ei += c * (pi + mi);
      or += sn * (pr - mr);
      oi += sn * (pi - mi);
    }
    // i·(or + i·oi) = -oi + i·or
    out[2 * s] = er - oi;
    out[2 * s + 1] = ei + or;
    out[2 * (radix - s)] = er + oi;
    out[2 * (radix - s) + 1] = ei - or;
  }
  v.set(out);
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
function runPlan(plan: Plan): Float64Array {
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

function checkLength(api: string, n: number): void {
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

/**
 * The transform of n real values (src[offset + j·stride]) into its first `outLength` complex
 * coefficients (n/2+1 for a onesided result, n for the full one): forward e^{-2πi·jk/n}, or its
 * conjugate for `inverse`.
 */
export function fftr2c(
  src: FloatArray, srcOffset: number, srcStride: number,
  dst: FloatArray, dstOffset: number, dstStride: number,
  n: number, outLength: number, inverse: boolean,
): void {
  checkLength("fftr2c", n);
  if (!Number.isInteger(outLength) || outLength < 0 || outLength > n) {
    throw new Error(`fftr2c: outLength must be in [0, ${n}], got ${outLength}`);
  }
  const plan = planFor(n);
  const buf = plan.work;
  for (let j = 0; j < n; j++) {
    buf[2 * j] = src[srcOffset + j * srcStride]!;
    buf[2 * j + 1] = 0;
  }
  const result = runPlan(plan);
  const sign = inverse ? -1 : 1;
  for (let k = 0; k < outLength; k++) {
    const at = 2 * (dstOffset + k * dstStride);
    dst[at] = result[2 * k]!;
    dst[at + 1] = sign * result[2 * k + 1]!;
  }
}

/**
 * n real values from the n/2+1 leading coefficients of a Hermitian spectrum (src, complex
 * elements): dst[j] = Σ_k X_k·e^{±2πi·jk/n} over the full spectrum X_{n-k} = conj(X_k), plus sign
 * for `inverse` (irfft), minus otherwise (hfft). As pocketfft, the imaginary parts of X_0 and (n
 * even) X_{n/2} are ignored. Only min(inLength, n/2+1) inputs are read; the others count as zeros.
 */
export function fftc2r(
  src: FloatArray, srcOffset: number, srcStride: number, inLength: number,
  dst: FloatArray, dstOffset: number, dstStride: number,
  n: number, inverse: boolean,
): void {
  checkLength("fftc2r", n);
  const plan = planFor(n);
  const buf = plan.work;
  buf.fill(0);
  const half = Math.floor(n / 2);
  const used = Math.min(inLength, half + 1);
  // Load conj(X) for the plus sign, so that the forward pass computes it.
  const sign = inverse ? -1 : 1;
  for (let k = 0; k < used; k++) {
    const at = 2 * (srcOffset + k * srcStride);
    const re = src[at]!;
    const im = sign * src[at + 1]!;
    buf[2 * k] = re;
    buf[2 * k + 1] = im;
    if (k > 0 && n - k !== k) {
      buf[2 * (n - k)] = re;
      buf[2 * (n - k) + 1] = -im;
    }
  }
  buf[1] = 0;
  if (n % 2 === 0 && used > half) buf[2 * half + 1] = 0;
  const result = runPlan(plan);
  for (let j = 0; j < n; j++) dst[dstOffset + j * dstStride] = result[2 * j]!;
}
