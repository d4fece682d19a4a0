// The Stockham passes of the FFT kernel (fft.ts), one loop per radix so that each butterfly works
// on local numbers: a pass reads the `radix` points j + r·stride (j = b·span + k) of `src`,
// multiplies point r by the twiddle e^{-2πi·r·k/(span·radix)} (k > 0) and writes the point's
// radix-sized DFT to b·span·radix + k + r·span of `dst`. Arrays are interleaved (re, im);
// `tw` holds the twiddles of k at 2·(k·(radix-1) + r-1). All passes are forward (e^{-2πi·…}).

const SIN_60 = Math.sqrt(3) / 2;
const COS_72 = 0.30901699437494745; // cos(2π/5)
const COS_144 = -0.8090169943749475; // cos(4π/5)
const SIN_72 = 0.9510565162951535; // sin(2π/5)
const SIN_144 = 0.5877852522924731; // sin(4π/5)

export function pass2(src: Float64Array, dst: Float64Array, span: number, blocks: number, stride: number, tw: Float64Array): void {
  const s1 = 2 * stride, os = 2 * span;
  for (let b = 0; b < blocks; b++) {
    const inBase = 2 * b * span, outBase = 4 * b * span;
    for (let k = 0; k < span; k++) {
      const i = inBase + 2 * k;
      const x0r = src[i]!, x0i = src[i + 1]!;
      let x1r = src[i + s1]!, x1i = src[i + s1 + 1]!;
      if (k !== 0) {
        const wr = tw[2 * k]!, wi = tw[2 * k + 1]!;
        const t = x1r * wr - x1i * wi;
        x1i = x1r * wi + x1i * wr;
        x1r = t;
      }
      const o = outBase + 2 * k;
      dst[o] = x0r + x1r;
      dst[o + 1] = x0i + x1i;
      dst[o + os] = x0r - x1r;
      dst[o + os + 1] = x0i - x1i;
    }
  }
}

export function pass3(src: Float64Array, dst: Float64Array, span: number, blocks: number, stride: number, tw: Float64Array): void {
  const s1 = 2 * stride, s2 = 4 * stride, os = 2 * span;
  for (let b = 0; b < blocks; b++) {
    const inBase = 2 * b * span, outBase = 6 * b * span;
    for (let k = 0; k < span; k++) {
      const i = inBase + 2 * k;
      const x0r = src[i]!, x0i = src[i + 1]!;
      let x1r = src[i + s1]!, x1i = src[i + s1 + 1]!;
      let x2r = src[i + s2]!, x2i = src[i + s2 + 1]!;
      if (k !== 0) {
        const t = 4 * k;
        const w1r = tw[t]!, w1i = tw[t + 1]!, w2r = tw[t + 2]!, w2i = tw[t + 3]!;
        let u = x1r * w1r - x1i * w1i;
        x1i = x1r * w1i + x1i * w1r;
        x1r = u;
        u = x2r * w2r - x2i * w2i;
        x2i = x2r * w2i + x2i * w2r;
        x2r = u;
      }
      const sr = x1r + x2r, si = x1i + x2i;
      const dr = x1r - x2r, di = x1i - x2i;
      const mr = x0r - 0.5 * sr, mi = x0i - 0.5 * si;
      const o = outBase + 2 * k;
      dst[o] = x0r + sr;
      dst[o + 1] = x0i + si;
      dst[o + os] = mr + SIN_60 * di;
      dst[o + os + 1] = mi - SIN_60 * dr;
      dst[o + 2 * os] = mr - SIN_60 * di;
      dst[o + 2 * os + 1] = mi + SIN_60 * dr;
    }
  }
}

export function pass4(src: Float64Array, dst: Float64Array, span: number, blocks: number, stride: number, tw: Float64Array): void {
  const s1 = 2 * stride, s2 = 4 * stride, s3 = 6 * stride, os = 2 * span;
  for (let b = 0; b < blocks; b++) {
    const inBase = 2 * b * span, outBase = 8 * b * span;
    for (let k = 0; k < span; k++) {
      const i = inBase + 2 * k;
      const x0r = src[i]!, x0i = src[i + 1]!;
      let x1r = src[i + s1]!, x1i = src[i + s1 + 1]!;
      let x2r = src[i + s2]!, x2i = src[i + s2 + 1]!;
      let x3r = src[i + s3]!, x3i = src[i + s3 + 1]!;
      if (k !== 0) {
        const t = 6 * k;
        const w1r = tw[t]!, w1i = tw[t + 1]!, w2r = tw[t + 2]!, w2i = tw[t + 3]!, w3r = tw[t + 4]!, w3i = tw[t + 5]!;
        let u = x1r * w1r - x1i * w1i;
        x1i = x1r * w1i + x1i * w1r;
        x1r = u;
        u = x2r * w2r - x2i * w2i;
        x2i = x2r * w2i + x2i * w2r;
        x2r = u;
        u = x3r * w3r - x3i * w3i;
        x3i = x3r * w3i + x3i * w3r;
        x3r = u;
      }
      const ar = x0r + x2r, ai = x0i + x2i, br = x0r - x2r, bi = x0i - x2i;
      const cr = x1r + x3r, ci = x1i + x3i, dr = x1r - x3r, di = x1i - x3i;
      const o = outBase + 2 * k;
      dst[o] = ar + cr;
      dst[o + 1] = ai + ci;
      dst[o + os] = br + di; // b - i·d
      dst[o + os + 1] = bi - dr;
      dst[o + 2 * os] = ar - cr;
      dst[o + 2 * os + 1] = ai - ci;
      dst[o + 3 * os] = br - di; // b + i·d
      dst[o + 3 * os + 1] = bi + dr;
    }
  }
}

export function pass5(src: Float64Array, dst: Float64Array, span: number, blocks: number, stride: number, tw: Float64Array): void {
  const s1 = 2 * stride, os = 2 * span;
  for (let b = 0; b < blocks; b++) {
    const inBase = 2 * b * span, outBase = 10 * b * span;
    for (let k = 0; k < span; k++) {
      const i = inBase + 2 * k;
      const x0r = src[i]!, x0i = src[i + 1]!;
      let x1r = src[i + s1]!, x1i = src[i + s1 + 1]!;
      let x2r = src[i + 2 * s1]!, x2i = src[i + 2 * s1 + 1]!;
      let x3r = src[i + 3 * s1]!, x3i = src[i + 3 * s1 + 1]!;
      let x4r = src[i + 4 * s1]!, x4i = src[i + 4 * s1 + 1]!;
      if (k !== 0) {
        const t = 8 * k;
        let wr = tw[t]!, wi = tw[t + 1]!;
        let u = x1r * wr - x1i * wi;
        x1i = x1r * wi + x1i * wr;
        x1r = u;
        wr = tw[t + 2]!; wi = tw[t + 3]!;
        u = x2r * wr - x2i * wi;
        x2i = x2r * wi + x2i * wr;
        x2r = u;
        wr = tw[t + 4]!; wi = tw[t + 5]!;
        u = x3r * wr - x3i * wi;
        x3i = x3r * wi + x3i * wr;
        x3r = u;
        wr = tw[t + 6]!; wi = tw[t + 7]!;
        u = x4r * wr - x4i * wi;
        x4i = x4r * wi + x4i * wr;
        x4r = u;
      }
      const t1r = x1r + x4r, t1i = x1i + x4i, t2r = x2r + x3r, t2i = x2i + x3i;
      const t3r = x1r - x4r, t3i = x1i - x4i, t4r = x2r - x3r, t4i = x2i - x3i;
      const a1r = x0r + COS_72 * t1r + COS_144 * t2r, a1i = x0i + COS_72 * t1i + COS_144 * t2i;
      const a2r = x0r + COS_144 * t1r + COS_72 * t2r, a2i = x0i + COS_144 * t1i + COS_72 * t2i;
      const b1r = SIN_72 * t3r + SIN_144 * t4r, b1i = SIN_72 * t3i + SIN_144 * t4i;
      const b2r = SIN_144 * t3r - SIN_72 * t4r, b2i = SIN_144 * t3i - SIN_72 * t4i;
      const o = outBase + 2 * k;
      dst[o] = x0r + t1r + t2r;
      dst[o + 1] = x0i + t1i + t2i;
      dst[o + os] = a1r + b1i; // a1 - i·b1
      dst[o + os + 1] = a1i - b1r;
      dst[o + 4 * os] = a1r - b1i;
      dst[o + 4 * os + 1] = a1i + b1r;
      dst[o + 2 * os] = a2r + b2i; // a2 - i·b2
      dst[o + 2 * os + 1] = a2i - b2r;
      dst[o + 3 * os] = a2r - b2i;
      dst[o + 3 * os + 1] = a2i + b2r;
    }
  }
}

/**
 * Any odd radix p by its direct DFT, pairing r with p-r so each root serves two terms: with
 * w = e^{-2πi·rs/p} = c + i·sn, X[s] = x0 + Σ_r c·(x_r + x_{p-r}) + i·sn·(x_r - x_{p-r}), and X[p-s]
 * the same with the odd part's sign flipped. `roots` holds e^{-2πi·q/p} at 2q.
 */
export function passGeneric(
  src: Float64Array, dst: Float64Array, span: number, blocks: number, stride: number, tw: Float64Array,
  radix: number, roots: Float64Array, v: Float64Array,
): void {
  const half = (radix - 1) / 2, os = 2 * span;
  for (let b = 0; b < blocks; b++) {
    for (let k = 0; k < span; k++) {
      const j = b * span + k;
      v[0] = src[2 * j]!;
      v[1] = src[2 * j + 1]!;
      const t = 2 * k * (radix - 1);
      for (let r = 1; r < radix; r++) {
        const at = 2 * (j + r * stride);
        const xr = src[at]!, xi = src[at + 1]!;
        if (k === 0) {
          v[2 * r] = xr;
          v[2 * r + 1] = xi;
        } else {
          const wr = tw[t + 2 * (r - 1)]!, wi = tw[t + 2 * (r - 1) + 1]!;
          v[2 * r] = xr * wr - xi * wi;
          v[2 * r + 1] = xr * wi + xi * wr;
        }
      }
      const o = 2 * (b * span * radix + k);
      let dcr = v[0]!, dci = v[1]!;
      for (let r = 1; r <= half; r++) {
        dcr += v[2 * r]! + v[2 * (radix - r)]!;
        dci += v[2 * r + 1]! + v[2 * (radix - r) + 1]!;
      }
      dst[o] = dcr;
      dst[o + 1] = dci;
      for (let s = 1; s <= half; s++) {
        let er = v[0]!, ei = v[1]!, or = 0, oi = 0;
        for (let r = 1; r <= half; r++) {
          const q = (r * s) % radix;
          const c = roots[2 * q]!, sn = roots[2 * q + 1]!;
          const pr = v[2 * r]!, pi = v[2 * r + 1]!;
          const mr = v[2 * (radix - r)]!, mi = v[2 * (radix - r) + 1]!;
          er += c * (pr + mr);
          ei += c * (pi + mi);
          or += sn * (pr - mr);
          oi += sn * (pi - mi);
        }
        // i·(or + i·oi) = -oi + i·or
        dst[o + s * os] = er - oi;
        dst[o + s * os + 1] = ei + or;
        dst[o + (radix - s) * os] = er + oi;
        dst[o + (radix - s) * os + 1] = ei - or;
      }
    }
  }
}
