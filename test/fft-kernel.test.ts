// The JS FFT kernel (src/backends/js/fft.ts) against a naive DFT and against numpy's pocketfft
// (fixtures/fft/kernel.py → kernel.json): every length kind (powers of 2 and 4, 3/5-smooth,
// other small odd factors, Bluestein primes), strided and in-place use, float32 arrays. Then the
// same checks for the kernel table's line kernels, JS and native, and their float32 error against
// PyTorch's (fixtures/fft/float32.py → float32.json).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { fftc2c, fftAlgorithm, smoothLength, cosSin2Pi } from "../src/backends/js/fft.js";
import { fftc2r, fftr2c } from "../src/backends/js/fft-real.js";
import * as js from "../src/backends/js/fft-lines.js";
import * as nativeFft from "../src/backends/native/fft.js";
import * as nativeIndex from "../src/backends/native/index.js";

type Pair = [number, number];
interface KernelCase {
  n: number; seed_re: number; seed_im: number; index: number[]; half_index: number[];
  forward: Pair[]; forward_rms: number; inverse: Pair[]; inverse_rms: number;
  rfft: Pair[]; rfft_rms: number; irfft: number[]; irfft_rms: number; hfft: number[]; hfft_rms: number;
}
const fixture = JSON.parse(readFileSync(new URL("./fixtures/fft/kernel.json", import.meta.url), "utf8")) as {
  cases: KernelCase[];
};

const float32Fixture = JSON.parse(readFileSync(new URL("./fixtures/fft/float32.json", import.meta.url), "utf8")) as {
  rows: number; cases: { kind: "c2c" | "c2c-inverse" | "r2c" | "c2r"; n: number; error: number }[];
};

const M = 2 ** 31 - 1;
function minstd(count: number, seed: number): Float64Array {
  const out = new Float64Array(count);
  let x = seed;
  for (let i = 0; i < count; i++) {
    x = (48271 * x) % M;
    out[i] = x / M - 0.5;
  }
  return out;
}

function interleave(re: Float64Array, im: Float64Array): Float64Array {
  const z = new Float64Array(2 * re.length);
  for (let i = 0; i < re.length; i++) {
    z[2 * i] = re[i]!;
    z[2 * i + 1] = im[i]!;
  }
  return z;
}

/** Σ_j z_j·e^{∓2πi·jk/n} with each angle reduced exactly (jk mod n): accurate to ~√n·eps. */
function naiveDft(z: Float64Array, inverse: boolean): Float64Array {
  const n = z.length / 2;
  const out = new Float64Array(2 * n);
  const sign = inverse ? 1 : -1;
  const cos = new Float64Array(n), sin = new Float64Array(n);
  for (let m = 0; m < n; m++) {
    cos[m] = Math.cos((2 * Math.PI * m) / n);
    sin[m] = sign * Math.sin((2 * Math.PI * m) / n);
  }
  for (let k = 0; k < n; k++) {
    let sr = 0, si = 0;
    for (let j = 0, m = 0; j < n; j++, m = (m + k) % n) {
      const c = cos[m]!, s = sin[m]!;
      sr += z[2 * j]! * c - z[2 * j + 1]! * s;
      si += z[2 * j]! * s + z[2 * j + 1]! * c;
    }
    out[2 * k] = sr;
    out[2 * k + 1] = si;
  }
  return out;
}

/** rms(actual - expected) / rms(expected) over complex (pairs) or real arrays of equal length. */
function relativeRms(actual: ArrayLike<number>, expected: ArrayLike<number>, scale?: number): number {
  let err = 0, ref = 0;
  for (let i = 0; i < expected.length; i++) {
    err += (actual[i]! - expected[i]!) ** 2;
    ref += expected[i]! ** 2;
  }
  const count = expected.length;
  return Math.sqrt(err / count) / (scale ?? Math.sqrt(ref / count));
}

test("cosSin2Pi reduces angles exactly: symmetric points are exact negatives/swaps", () => {
  const out = new Float64Array(8);
  for (const n of [7, 8, 12, 1000, 99991]) {
    for (const k of [1, 3, Math.floor(n / 3), n - 1]) {
      cosSin2Pi(k, n, out, 0);
      cosSin2Pi(n - k, n, out, 2);
      cosSin2Pi(-k, n, out, 4);
      assert.equal(out[0], out[2]);
      assert.equal(out[1], -out[3]!);
      assert.equal(out[4], out[2]);
      assert.equal(out[5], out[3]);
      assert.ok(Math.abs(out[0]! - Math.cos((2 * Math.PI * k) / n)) < 1e-15);
      assert.ok(Math.abs(out[1]! - Math.sin((2 * Math.PI * k) / n)) < 1e-15);
    }
  }
  cosSin2Pi(1, 4, out, 0);
  assert.deepEqual([out[0], out[1]], [0, 1]);
  cosSin2Pi(1, 2, out, 0);
  assert.deepEqual([out[0], out[1]], [-1, 0]);
});

test("algorithm choice: smooth lengths run mixed radix, large primes Bluestein on a 2·3·5-smooth length", () => {
  assert.equal(fftAlgorithm(4096), "mixed-radix");
  assert.equal(fftAlgorithm(100000), "mixed-radix");
  assert.equal(fftAlgorithm(49), "mixed-radix");
  assert.equal(fftAlgorithm(1009), "bluestein");
  assert.equal(fftAlgorithm(99991), "bluestein");
  assert.equal(smoothLength(2017), 2025);
  assert.equal(smoothLength(1025), 1080);
  assert.equal(smoothLength(64), 64);
});

test("fftc2c matches a naive DFT for every length 1..130 and a few Bluestein primes", () => {
  const lengths = [...Array.from({ length: 130 }, (_, i) => i + 1), 211, 257, 331, 1009];
  let worst = 0;
  for (const n of lengths) {
    const z = interleave(minstd(n, n), minstd(n, 7 * n + 1));
    for (const inverse of [false, true]) {
      const expected = naiveDft(z, inverse);
      const actual = new Float64Array(2 * n);
      fftc2c(z, 0, 1, actual, 0, 1, n, inverse);
      const err = relativeRms(actual, expected);
      worst = Math.max(worst, err);
      assert.ok(err < 1e-14, `n=${n} inverse=${inverse}: relative rms error ${err}`);
    }
  }
  assert.ok(worst > 0, "the comparison saw rounding differences, so it compared real values");
});

test("fftr2c and fftc2r match a naive DFT for every length 1..70 (even lengths pack into a half-length transform)", () => {
  for (let n = 1; n <= 70; n++) {
    const x = minstd(n, 3 * n + 2);
    const expected = naiveDft(interleave(x, new Float64Array(n)), false);
    for (const inverse of [false, true]) {
      const full = new Float64Array(2 * n);
      fftr2c(x, 0, 1, full, 0, 1, n, n, inverse);
      const want = inverse ? expected.map((v, i) => (i % 2 === 1 ? -v : v)) : expected;
      assert.ok(relativeRms(full, want) < 1e-14, `fftr2c n=${n} inverse=${inverse}`);
    }
    // A Hermitian spectrum's signal: the real part of the inverse DFT of its full completion.
    const half = Math.floor(n / 2) + 1;
    const spec = interleave(minstd(half, n + 5), minstd(half, n + 9));
    spec[1] = 0;
    if (n % 2 === 0) spec[2 * (half - 1) + 1] = 0;
    const complete = new Float64Array(2 * n);
    for (let k = 0; k < n; k++) {
      const mirrored = k >= half;
      const src = mirrored ? n - k : k;
      complete[2 * k] = spec[2 * src]!;
      complete[2 * k + 1] = mirrored ? -spec[2 * src + 1]! : spec[2 * src + 1]!;
    }
    for (const inverse of [false, true]) {
      const signal = new Float64Array(n);
      fftc2r(spec, 0, 1, half, signal, 0, 1, n, inverse);
      const ref = naiveDft(complete, inverse).filter((_, i) => i % 2 === 0);
      assert.ok(relativeRms(signal, ref) < 1e-14, `fftc2r n=${n} inverse=${inverse}`);
    }
  }
});

test("fftc2c, fftr2c and fftc2r match numpy (pocketfft) to ~1e-15 up to n = 100000", () => {
  for (const c of fixture.cases) {
    const { n } = c;
    const re = minstd(n, c.seed_re);
    const im = minstd(n, c.seed_im);
    const z = interleave(re, im);
    const pick = (full: Float64Array, idx: number[]): Float64Array => {
      const out = new Float64Array(2 * idx.length);
      idx.forEach((k, i) => {
        out[2 * i] = full[2 * k]!;
        out[2 * i + 1] = full[2 * k + 1]!;
      });
      return out;
    };
    const pickReal = (full: Float64Array, idx: number[]): Float64Array => Float64Array.from(idx, (k) => full[k]!);
    const check = (label: string, actual: Float64Array, expected: Pair[] | number[], rms: number): void => {
      // numpy's rms is over |z|² per element; per real number (re and im counted apart) it is rms/√2.
      const isComplex = Array.isArray(expected[0]);
      const err = relativeRms(actual, expected.flat(), isComplex ? rms / Math.SQRT2 : rms);
      assert.ok(err < 4e-15, `${label} n=${n}: relative rms error ${err} vs numpy`);
    };

    const forward = new Float64Array(2 * n);
    fftc2c(z, 0, 1, forward, 0, 1, n, false);
    check("fft", pick(forward, c.index), c.forward, c.forward_rms);
    const inverse = new Float64Array(2 * n);
    fftc2c(z, 0, 1, inverse, 0, 1, n, true);
    check("ifft·n", pick(inverse, c.index), c.inverse, c.inverse_rms);

    const half = Math.floor(n / 2) + 1;
    const spectrum = new Float64Array(2 * half);
    fftr2c(re, 0, 1, spectrum, 0, 1, n, half, false);
    check("rfft", pick(spectrum, c.half_index), c.rfft, c.rfft_rms);

    const real = new Float64Array(n);
    fftc2r(z, 0, 1, half, real, 0, 1, n, true);
    check("irfft·n", pickReal(real, c.index), c.irfft, c.irfft_rms);
    fftc2r(z, 0, 1, half, real, 0, 1, n, false);
    check("hfft", pickReal(real, c.index), c.hfft, c.hfft_rms);
  }
});

test("strided, offset and in-place use; float32 arrays", () => {
  const n = 12;
  const z = interleave(minstd(n, 3), minstd(n, 4));
  const expected = naiveDft(z, false);
  // Source every 3rd complex slot from offset 2, destination reversed in a wider buffer.
  const src = new Float64Array(2 * (2 + 3 * n));
  for (let j = 0; j < n; j++) {
    src[2 * (2 + 3 * j)] = z[2 * j]!;
    src[2 * (2 + 3 * j) + 1] = z[2 * j + 1]!;
  }
  const dst = new Float64Array(2 * (n + 5));
  fftc2c(src, 2, 3, dst, n + 4, -1, n, false);
  const gathered = new Float64Array(2 * n);
  for (let k = 0; k < n; k++) {
    gathered[2 * k] = dst[2 * (n + 4 - k)]!;
    gathered[2 * k + 1] = dst[2 * (n + 4 - k) + 1]!;
  }
  assert.ok(relativeRms(gathered, expected) < 1e-15);
  assert.equal(dst[0], 0, "slots outside the destination stay untouched");

  const inPlace = Float64Array.from(z);
  fftc2c(inPlace, 0, 1, inPlace, 0, 1, n, false);
  assert.ok(relativeRms(inPlace, expected) < 1e-15);

  const single = Float32Array.from(z);
  const out32 = new Float32Array(2 * n);
  fftc2c(single, 0, 1, out32, 0, 1, n, false);
  assert.ok(relativeRms(out32, naiveDft(Float64Array.from(single), false)) < 1e-7);

  // A real row read with stride 2 into a onesided spectrum (odd and even lengths, written with
  // stride 3); the round trip through fftc2r (strided output) gives n·x.
  for (const len of [9, 10]) {
    const half = Math.floor(len / 2) + 1;
    const x = minstd(2 * len, 11);
    const spec = new Float64Array(2 * 3 * half);
    fftr2c(x, 1, 2, spec, 0, 3, len, half, false);
    const back = new Float64Array(2 * len);
    fftc2r(spec, 0, 3, half, back, 1, 2, len, true);
    for (let j = 0; j < len; j++) assert.ok(Math.abs(back[1 + 2 * j]! / len - x[1 + 2 * j]!) < 1e-15, `n=${len} j=${j}`);
    assert.ok(back.every((v, i) => i % 2 === 1 || v === 0), "the skipped slots stay untouched");
  }
});

test("fftc2r ignores the imaginary parts of X_0 and X_{n/2}, as pocketfft", () => {
  const spec = Float64Array.from([1, 5, 2, -1, 3, 7]); // n = 4: X_0, X_1, X_2
  const out = new Float64Array(4);
  fftc2r(spec, 0, 1, 3, out, 0, 1, 4, true);
  const clean = Float64Array.from([1, 0, 2, -1, 3, 0]);
  const ref = new Float64Array(4);
  fftc2r(clean, 0, 1, 3, ref, 0, 1, 4, true);
  assert.deepEqual(Array.from(out), Array.from(ref));
  // x_j = Σ_k X_k·e^{2πi·jk/4} over X = [1, 2-i, 3, 2+i]
  assert.deepEqual(Array.from(ref, (v) => v + 0), [8, 0, 0, -4]);
});

test("bad lengths throw", () => {
  const a = new Float64Array(4);
  assert.throws(() => fftc2c(a, 0, 1, a, 0, 1, 0, false), /fftc2c: the transform length must be a positive integer, got 0/);
  assert.throws(() => fftr2c(a, 0, 1, a, 0, 1, 2, 3, false), /fftr2c: outLength must be in \[0, 2\], got 3/);
});

// The kernel table's line kernels: the JS ones (fft-lines.ts) and the native addon's
// (src/backends/native/fft.ts, on the best ISA and on the portable 16-byte one), over batches of
// lines in [outer, n, inner] layouts, so that vector lanes and single leftover lines both run.
interface LineKernels {
  name: string;
  c2c: typeof js.fftC2CLines;
  r2c: typeof js.fftR2CLines;
  c2r: typeof js.fftC2RLines;
  /** Runs f with this kernel set active (the native ISA lowered for the portable one). */
  around(f: () => void): void;
}
const LINE_KERNELS: LineKernels[] = [{ name: "js", c2c: js.fftC2CLines, r2c: js.fftR2CLines, c2r: js.fftC2RLines, around: (f) => f() }];
if (nativeIndex.isAvailable()) {
  const best = nativeIndex.getIsa()!;
  for (const isa of best === "scalar" ? ["scalar"] as const : [best, "scalar"] as const) {
    LINE_KERNELS.push({
      name: `native ${isa}`, c2c: nativeFft.fftC2CLines, r2c: nativeFft.fftR2CLines, c2r: nativeFft.fftC2RLines,
      around(f) {
        nativeIndex.setIsa(isa);
        try { f(); } finally { nativeIndex.setIsa(best); }
      },
    });
  }
}

/** Lines of an [outer, n, inner] interleaved array (numbers per element: 2 complex, 1 real) as separate arrays. */
function linesOf(a: Float64Array | Float32Array, outer: number, n: number, inner: number, width: 1 | 2): Float64Array[] {
  const out: Float64Array[] = [];
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const line = new Float64Array(width * n);
      for (let j = 0; j < n; j++) for (let c = 0; c < width; c++) line[width * j + c] = a[width * (o * n * inner + i + j * inner) + c]!;
      out.push(line);
    }
  }
  return out;
}

/** An [outer, n, inner] array whose line q is `make(q)` (width numbers per element). */
function batchOf(outer: number, n: number, inner: number, width: 1 | 2, make: (q: number) => Float64Array): Float64Array {
  const a = new Float64Array(width * outer * n * inner);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const line = make(o * inner + i);
      for (let j = 0; j < n; j++) for (let c = 0; c < width; c++) a[width * (o * n * inner + i + j * inner) + c] = line[width * j + c]!;
    }
  }
  return a;
}

for (const k of LINE_KERNELS) {
  test(`${k.name} line kernels: c2c matches a naive DFT for lengths 1..130 and Bluestein primes, 5 lines [1, n, 5]`, () => {
    k.around(() => {
      const lengths = [...Array.from({ length: 130 }, (_, i) => i + 1), 211, 257, 331, 1009];
      for (const n of lengths) {
        const src = batchOf(1, n, 5, 2, (q) => interleave(minstd(n, n + 11 * q), minstd(n, 7 * n + q + 1)));
        const want = linesOf(src, 1, n, 5, 2);
        for (const inverse of [false, true]) {
          const out = new Float64Array(src.length);
          k.c2c(src, 0, out, 0, 1, n, 5, inverse, 0.5);
          linesOf(out, 1, n, 5, 2).forEach((line, q) => {
            const err = relativeRms(line, naiveDft(want[q]!, inverse).map((v) => 0.5 * v));
            assert.ok(err < 1e-14, `n=${n} inverse=${inverse} line ${q}: relative rms error ${err}`);
          });
          // In place: the same values.
          const inPlace = Float64Array.from(src);
          k.c2c(inPlace, 0, inPlace, 0, 1, n, 5, inverse, 0.5);
          assert.deepEqual(inPlace, out, `n=${n}: in place`);
        }
      }
    });
  });

  test(`${k.name} line kernels: r2c (onesided and full) and c2r match a naive DFT for lengths 1..70, 5 rows`, () => {
    k.around(() => {
      for (let n = 1; n <= 70; n++) {
        const rows = 5, half = Math.floor(n / 2) + 1;
        const x = batchOf(rows, n, 1, 1, (q) => minstd(n, 3 * n + 2 + 100 * q));
        for (const outLength of [half, n]) {
          const out = new Float64Array(2 * rows * outLength);
          k.r2c(x, 0, out, 0, rows, n, 1, outLength, 2);
          for (let q = 0; q < rows; q++) {
            const want = naiveDft(interleave(x.subarray(q * n, (q + 1) * n), new Float64Array(n)), false).subarray(0, 2 * outLength);
            const err = relativeRms(out.subarray(2 * q * outLength, 2 * (q + 1) * outLength), want.map((v) => 2 * v));
            assert.ok(err < 1e-14, `r2c n=${n} outLength=${outLength} row ${q}: ${err}`);
          }
        }
        // Hermitian spectra, also given longer (entries past n/2 ignored) and shorter (zeros) than n/2+1.
        for (const inLength of [half, half + 2, Math.max(1, half - 2)]) {
          const spec = batchOf(rows, inLength, 1, 2, (q) => interleave(minstd(inLength, n + 5 + q), minstd(inLength, n + 9 + q)));
          const out = new Float64Array(rows * n);
          k.c2r(spec, 0, inLength, out, 0, rows, n, 1, 0.25);
          for (let q = 0; q < rows; q++) {
            const complete = new Float64Array(2 * n);
            for (let j = 0; j < n; j++) {
              const mirrored = j >= half, s = mirrored ? n - j : j;
              if (s >= inLength) continue;
              const dropIm = s === 0 || 2 * s === n;
              complete[2 * j] = spec[2 * (q * inLength + s)]!;
              complete[2 * j + 1] = dropIm ? 0 : (mirrored ? -1 : 1) * spec[2 * (q * inLength + s) + 1]!;
            }
            const want = naiveDft(complete, true).filter((_, i) => i % 2 === 0).map((v) => 0.25 * v);
            const err = relativeRms(out.subarray(q * n, (q + 1) * n), want);
            assert.ok(err < 1e-14, `c2r n=${n} inLength=${inLength} row ${q}: ${err}`);
          }
        }
      }
    });
  });

  test(`${k.name} line kernels: float64 within 4e-15 (relative rms) of numpy's pocketfft up to n = 100000`, () => {
    k.around(() => {
      for (const c of fixture.cases) {
        const { n } = c;
        const re = minstd(n, c.seed_re), im = minstd(n, c.seed_im);
        const z = interleave(re, im);
        const half = Math.floor(n / 2) + 1;
        const pick = (full: Float64Array, idx: number[]): Float64Array => {
          const out = new Float64Array(2 * idx.length);
          idx.forEach((j, i) => { out[2 * i] = full[2 * j]!; out[2 * i + 1] = full[2 * j + 1]!; });
          return out;
        };
        const check = (label: string, actual: Float64Array, expected: Pair[] | number[], rms: number): void => {
          const isComplex = Array.isArray(expected[0]);
          const err = relativeRms(actual, expected.flat(), isComplex ? rms / Math.SQRT2 : rms);
          assert.ok(err < 4e-15, `${label} n=${n}: relative rms error ${err} vs numpy`);
        };
        const out = new Float64Array(2 * n);
        k.c2c(z, 0, out, 0, 1, n, 1, false, 1);
        check("fft", pick(out, c.index), c.forward, c.forward_rms);
        k.c2c(z, 0, out, 0, 1, n, 1, true, 1);
        check("ifft·n", pick(out, c.index), c.inverse, c.inverse_rms);
        const spectrum = new Float64Array(2 * half);
        k.r2c(re, 0, spectrum, 0, 1, n, 1, half, 1);
        check("rfft", pick(spectrum, c.half_index), c.rfft, c.rfft_rms);
        const real = new Float64Array(n);
        k.c2r(z, 0, half, real, 0, 1, n, 1, 1);
        check("irfft·n", Float64Array.from(c.index, (j) => real[j]!), c.irfft, c.irfft_rms);
        // hfft: the inverse-sign transform of the conjugated spectrum.
        k.c2r(z.map((v, i) => (i % 2 === 1 ? -v : v)), 0, half, real, 0, 1, n, 1, 1);
        check("hfft", Float64Array.from(c.index, (j) => real[j]!), c.hfft, c.hfft_rms);
      }
    });
  });

  // pocketfft's float32 error, within rounding luck: the same passes in float (AVX2 with FMA measured
  // 0.78-1.04x of PyTorch's error, the portable build without FMA up to 1.12x, the JS kernel 0.1-0.3x).
  test(`${k.name} line kernels: float32 within 1.15x of PyTorch 1.13's float32 error`, () => {
    k.around(() => {
      const rows = float32Fixture.rows;
      for (const c of float32Fixture.cases) {
        const { n, kind } = c;
        const h = Math.floor(n / 2) + 1;
        const len = kind === "c2r" ? h : n;
        const re = batchOf(rows, len, 1, 1, (q) => Float64Array.from(Float32Array.from(minstd(len, 100 * n + q))));
        const im = batchOf(rows, len, 1, 1, (q) => Float64Array.from(Float32Array.from(minstd(len, 100 * n + 50 + q))));
        const z = interleave(re, im);
        let got: Float32Array, want: Float64Array;
        if (kind === "c2c" || kind === "c2c-inverse") {
          const inverse = kind === "c2c-inverse";
          got = new Float32Array(z.length);
          k.c2c(Float32Array.from(z), 0, got, 0, rows, n, 1, inverse, 1);
          want = new Float64Array(z.length);
          js.fftC2CLines(z, 0, want, 0, rows, n, 1, inverse, 1);
        } else if (kind === "r2c") {
          got = new Float32Array(2 * rows * h);
          k.r2c(Float32Array.from(re), 0, got, 0, rows, n, 1, h, 1);
          want = new Float64Array(got.length);
          js.fftR2CLines(re, 0, want, 0, rows, n, 1, h, 1);
        } else {
          got = new Float32Array(rows * n);
          k.c2r(Float32Array.from(z), 0, h, got, 0, rows, n, 1, 1);
          want = new Float64Array(got.length);
          js.fftC2RLines(z, 0, h, want, 0, rows, n, 1, 1);
        }
        const err = relativeRms(got, want);
        if (process.env["FFT_F32_REPORT"]) console.log(k.name, kind, n, (err / c.error).toFixed(3));
        assert.ok(err <= 1.15 * c.error, `${kind} n=${n}: relative rms error ${err}, PyTorch's float32 ${c.error}`);
        assert.ok(err > 0, "float32 rounding was seen");
      }
    });
  });

  test(`${k.name} line kernels: offsets, a shared buffer, and empty batches`, () => {
    k.around(() => {
      const n = 12, lines = 9;
      const z = batchOf(lines, n, 1, 2, (q) => interleave(minstd(n, 3 + q), minstd(n, 40 + q)));
      const buf = new Float64Array(z.length * 2 + 8);
      buf.set(z, 4);
      const want = new Float64Array(z.length);
      k.c2c(z, 0, want, 0, lines, n, 1, false, 1);
      // Source at complex element 2 of buf, destination after it in the same buffer.
      k.c2c(buf, 2, buf, 2 + lines * n, lines, n, 1, false, 1);
      assert.ok(relativeRms(buf.subarray(4 + z.length, 4 + 2 * z.length), want) < 1e-15);
      assert.deepEqual(buf.subarray(4, 4 + z.length), z, "the source stays");
      assert.equal(buf[buf.length - 1], 0, "nothing past the destination is written");
      const none = new Float64Array(0);
      k.c2c(none, 0, none, 0, 0, n, 3, false, 1);
      k.r2c(none, 0, none, 0, 4, n, 0, 7, 1);
      k.c2r(none, 0, 7, none, 0, 0, n, 1, 1);
    });
  });
}

test("native line kernels check their arguments before the addon runs", { skip: !nativeIndex.isAvailable() }, () => {
  const a = new Float64Array(24);
  assert.throws(() => nativeFft.fftC2CLines(a, 0, a, 0, 1, 0, 1, false, 1), /native\.fftC2C: the transform length must be a positive integer, got 0/);
  assert.throws(() => nativeFft.fftC2CLines(a, 0, a, 1, 1, 6, 1, false, 1), /native\.fftC2C: dst overlaps src without being src itself/);
  assert.throws(() => nativeFft.fftC2CLines(a, 1, a, 1, 1, 12, 1, false, 1), /native\.fftC2C: src .* past its length 24/);
  assert.throws(() => nativeFft.fftC2CLines(a, 0, new Float32Array(24), 0, 1, 12, 1, false, 1), /native\.fftC2C: expected dst to be a Float64Array like src, got Float32Array/);
  assert.throws(() => nativeFft.fftR2CLines(a, 0, new Float64Array(8), 0, 1, 4, 1, 5, 1), /native\.fftR2C: outLength must be in \[0, 4\], got 5/);
  assert.throws(() => nativeFft.fftR2CLines(a, 0, a, 1, 1, 4, 1, 3, 1), /native\.fftR2C: dst overlaps src/);
  assert.throws(() => nativeFft.fftC2RLines(a, 0, 3, new Float64Array(4), 0, 1, 5, 1, 1), /native\.fftC2R: dst .* past its length 4/);
  assert.throws(() => nativeFft.fftC2RLines(a, 0, 3, a, 0, 1, 4, 1, 1), /native\.fftC2R: dst overlaps src/);
  const signal = new Float64Array(20), spectrum = new Float64Array(2 * 5 * 3);
  assert.throws(() => nativeFft.fftR2CFrames(signal, 0, 1, 20, 5, 4, 4, new Float64Array(3), spectrum, 0, 3, 1), /native\.fftR2CFrames: window .* past its length 3/);
  assert.throws(() => nativeFft.fftR2CFrames(signal, 0, 1, 20, 5, 5, 4, null, spectrum, 0, 3, 1), /native\.fftR2CFrames: src of sizes \[1, 5, 4\] .* reaches element 23, past its length 20/);
  assert.throws(() => nativeFft.fftR2CFrames(signal, 0, 1, 20, 5, 4, 4, new Float32Array(4), spectrum, 0, 3, 1), /native\.fftR2CFrames: expected window to be a Float64Array like src, got Float32Array/);
  assert.equal(nativeFft.fftAlgorithm(10007), "bluestein");
  assert.equal(nativeFft.fftAlgorithm(100000), "mixed-radix");
  assert.equal(nativeFft.fftAlgorithm(49), "mixed-radix");
});
