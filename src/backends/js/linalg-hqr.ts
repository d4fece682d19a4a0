// Real Hessenberg reduction and the Francis double-shift QR to real Schur form, as LAPACK's
// dgehd2 + dorghr and dhseqr for n < 75 (dlahqr, LAPACK >= 3.10: exceptional shifts counted
// from the last deflation, and dlanv2's standardisation of 2×2 blocks). Following the same
// reflectors, shifts and rotations gives LAPACK's Schur vectors, hence its eigenvector signs.
// Matrices are row-major n×n; the QR code keeps LAPACK's 1-based indices through `at(i, j)`.

import { fsign, hypot2, SAFMIN } from "./linalg-common.js";
import { applyReflectorLeft, makeReflector } from "./linalg-householder.js";
import { ULP } from "./linalg-balance.js";

/**
 * dgehd2 on rows/columns lo..hi (0-based, inclusive) of `a`, in place: leaves H above the first
 * subdiagonal and the reflectors below it. Returns Q (n×n) with Qᵀ A Q = H, as dorghr forms it.
 */
export function hessenberg(a: Float64Array, n: number, lo: number, hi: number): Float64Array {
  const taus = new Float64Array(n);
  for (let i = lo; i < hi; i++) {
    // H(i) annihilates a[i+2..hi][i]; its vector is 1 at row i+1 and a[i+2..hi][i] below.
    const count = hi - i;
    const tau = makeReflector(a, (i + 1) * n + i, Math.min(i + 2, n - 1) * n + i, n, count, "rounded");
    taus[i] = tau;
    if (tau === 0) continue;
    // From the right on rows 0..hi, columns i+1..hi.
    for (let r = 0; r <= hi; r++) {
      let w = a[r * n + i + 1];
      for (let t = i + 2; t <= hi; t++) w += a[r * n + t] * a[t * n + i];
      if (w === 0) continue;
      w *= tau;
      a[r * n + i + 1] -= w;
      for (let t = i + 2; t <= hi; t++) a[r * n + t] -= w * a[t * n + i];
    }
    // From the left on rows i+1..hi, columns i+1..n-1.
    applyReflectorLeft(a, n, i + 1, count, i + 1, n, tau, a, (i + 2) * n + i, n);
  }
  const q = new Float64Array(n * n);
  for (let i = 0; i < n; i++) q[i * n + i] = 1;
  for (let i = hi - 1; i >= lo; i--) {
    applyReflectorLeft(q, n, i + 1, hi - i, i + 1, hi + 1, taus[i], a, (i + 2) * n + i, n);
  }
  // Only H is kept: clear the reflectors.
  for (let r = 2; r < n; r++) for (let c = 0; c < r - 1; c++) a[r * n + c] = 0;
  return q;
}

interface Standard2x2 {
  a: number;
  b: number;
  c: number;
  d: number;
  rt1r: number;
  rt1i: number;
  rt2r: number;
  rt2i: number;
  cs: number;
  sn: number;
}

/**
 * dlanv2: the Schur factorisation of a real 2×2 block [[a, b], [c, d]] in standard form (c = 0,
 * or a = d and b·c < 0 for a complex pair), with the rotation (cs, sn) that gives it.
 */
export function standardize2x2(a: number, b: number, c: number, d: number): Standard2x2 {
  const multpl = 4;
  let cs = 1;
  let sn = 0;
  if (c === 0) {
    // already upper triangular
  } else if (b === 0) {
    cs = 0;
    sn = 1;
    const t = d;
    d = a;
    a = t;
    b = -c;
    c = 0;
  } else if (a - d === 0 && fsign(1, b) !== fsign(1, c)) {
    // already standard (complex pair)
  } else {
    let temp = a - d;
    let p = 0.5 * temp;
    const bcmax = Math.max(Math.abs(b), Math.abs(c));
    const bcmis = Math.min(Math.abs(b), Math.abs(c)) * fsign(1, b) * fsign(1, c);
    let scale = Math.max(Math.abs(p), bcmax);
    let z = (p / scale) * p + (bcmax / scale) * bcmis;
    if (z >= multpl * ULP) {
      // Real eigenvalues.
      z = p + fsign(Math.sqrt(scale) * Math.sqrt(z), p);
      a = d + z;
      d = d - (bcmax / z) * bcmis;
      const tau = hypot2(c, z);
      cs = z / tau;
      sn = c / tau;
      b = b - c;
      c = 0;
    } else {
      // Complex or nearly equal real eigenvalues: make the diagonal entries equal.
      let sigma = b + c;
      // LAPACK 3.10 rescales sigma and temp so that the hypot below cannot overflow.
      const safmn2 = 2 ** Math.trunc(Math.log2(SAFMIN / ULP) / 2);
      const safmx2 = 1 / safmn2;
      for (let count = 1; count <= 20; count++) {
        scale = Math.max(Math.abs(temp), Math.abs(sigma));
        if (scale >= safmx2) {
          sigma *= safmn2;
          temp *= safmn2;
          continue;
        }
        if (scale <= safmn2) {
          sigma *= safmx2;
          temp *= safmx2;
          continue;
        }
        break;
      }
      p = 0.5 * temp;
      let tau = hypot2(sigma, temp);
      cs = Math.sqrt(0.5 * (1 + Math.abs(sigma) / tau));
      sn = -(p / (tau * cs)) * fsign(1, sigma);
      // [aa bb; cc dd] = [a b; c d] [cs -sn; sn cs]
      const aa = a * cs + b * sn;
      const bb = -a * sn + b * cs;
      const cc = c * cs + d * sn;
      const dd = -c * sn + d * cs;
      // [a b; c d] = [cs sn; -sn cs] [aa bb; cc dd]
      a = aa * cs + cc * sn;
      b = bb * cs + dd * sn;
      c = -aa * sn + cc * cs;
      d = -bb * sn + dd * cs;
      temp = 0.5 * (a + d);
      a = temp;
      d = temp;
      if (c !== 0) {
        if (b !== 0) {
          if (fsign(1, b) === fsign(1, c)) {
            // Real eigenvalues after all: reduce to upper triangular form.
            const sab = Math.sqrt(Math.abs(b));
            const sac = Math.sqrt(Math.abs(c));
            p = fsign(sab * sac, c);
            tau = 1 / Math.sqrt(Math.abs(b + c));
            a = temp + p;
            d = temp - p;
            b = b - c;
            c = 0;
            const cs1 = sab * tau;
            const sn1 = sac * tau;
            const t = cs * cs1 - sn * sn1;
            sn = cs * sn1 + sn * cs1;
            cs = t;
          }
        } else {
          b = -c;
          c = 0;
          const t = cs;
          cs = -sn;
          sn = t;
        }
      }
    }
  }
  const rt1r = a;
  const rt2r = d;
  let rt1i = 0;
  let rt2i = 0;
  if (c !== 0) {
    rt1i = Math.sqrt(Math.abs(b)) * Math.sqrt(Math.abs(c));
    rt2i = -rt1i;
  }
  return { a, b, c, d, rt1r, rt1i, rt2r, rt2i, cs, sn };
}

/**
 * dhseqr for n < 75 (dlahqr): the eigenvalues (wr, wi) of the upper Hessenberg h and, when
 * `wantT`, its real Schur form in h; when z is given, the Schur vectors are accumulated into
 * its rows/columns lo..hi. lo/hi are 0-based; rows outside them hold eigenvalues the
 * balancing isolated. Returns LAPACK's info (i > 0: eigenvalues i..n-1, 0-based, converged).
 */
export function schurReal(
  h: Float64Array,
  n: number,
  lo: number,
  hi: number,
  wr: Float64Array,
  wi: Float64Array,
  wantT: boolean,
  z: Float64Array | null,
): number {
  for (let i = 0; i < n; i++) {
    if (i < lo || i > hi) {
      wr[i] = h[i * n + i];
      wi[i] = 0;
    }
  }
  if (n === 0) return 0;
  if (lo === hi) {
    wr[lo] = h[lo * n + lo];
    wi[lo] = 0;
    return 0;
  }
  const info = doubleShiftQR(h, n, lo + 1, hi + 1, wr, wi, wantT, z);
  if ((wantT || info !== 0) && n > 2) {
    for (let r = 2; r < n; r++) for (let c = 0; c < r - 1; c++) h[r * n + c] = 0;
  }
  return info;
}

/** dlahqr with 1-based ilo/ihi (iloz = ilo, ihiz = ihi as dhseqr passes them). */
function doubleShiftQR(
  h: Float64Array,
  n: number,
  ilo: number,
  ihi: number,
  wr: Float64Array,
  wi: Float64Array,
  wantT: boolean,
  z: Float64Array | null,
): number {
  const at = (i: number, j: number): number => (i - 1) * n + (j - 1);
  const dat1 = 3 / 4;
  const dat2 = -0.4375;
  const kexsh = 10;
  for (let j = ilo; j <= ihi - 3; j++) {
    h[at(j + 2, j)] = 0;
    h[at(j + 3, j)] = 0;
  }
  if (ilo <= ihi - 2) h[at(ihi, ihi - 2)] = 0;
  const nh = ihi - ilo + 1;
  const smlnum = SAFMIN * (nh / ULP);
  let i1 = 1;
  let i2 = n;
  const itmax = 30 * Math.max(10, nh);
  let kdefl = 0;
  const v = new Float64Array(3);
  let i = ihi;
  while (i >= ilo) {
    let l = ilo;
    let converged = false;
    for (let its = 0; its <= itmax; its++) {
      // Look for a single small subdiagonal element.
      let k: number;
      for (k = i; k >= l + 1; k--) {
        if (Math.abs(h[at(k, k - 1)]) <= smlnum) break;
        let tst = Math.abs(h[at(k - 1, k - 1)]) + Math.abs(h[at(k, k)]);
        if (tst === 0) {
          if (k - 2 >= ilo) tst += Math.abs(h[at(k - 1, k - 2)]);
          if (k + 1 <= ihi) tst += Math.abs(h[at(k + 1, k)]);
        }
        // Ahues & Tisseur's conservative deflation criterion (LAWN 122).
        if (Math.abs(h[at(k, k - 1)]) <= ULP * tst) {
          const ab = Math.max(Math.abs(h[at(k, k - 1)]), Math.abs(h[at(k - 1, k)]));
          const ba = Math.min(Math.abs(h[at(k, k - 1)]), Math.abs(h[at(k - 1, k)]));
          const aa = Math.max(Math.abs(h[at(k, k)]), Math.abs(h[at(k - 1, k - 1)] - h[at(k, k)]));
          const bb = Math.min(Math.abs(h[at(k, k)]), Math.abs(h[at(k - 1, k - 1)] - h[at(k, k)]));
          const s = aa + ab;
          if (ba * (ab / s) <= Math.max(smlnum, ULP * (bb * (aa / s)))) break;
        }
      }
      l = k;
      if (l > ilo) h[at(l, l - 1)] = 0;
      if (l >= i - 1) {
        converged = true;
        break;
      }
      kdefl++;
      if (!wantT) {
        i1 = l;
        i2 = i;
      }
      let h11: number;
      let h12: number;
      let h21: number;
      let h22: number;
      if (kdefl % (2 * kexsh) === 0) {
        const s = Math.abs(h[at(i, i - 1)]) + Math.abs(h[at(i - 1, i - 2)]);
        h11 = dat1 * s + h[at(i, i)];
        h12 = dat2 * s;
        h21 = s;
        h22 = h11;
      } else if (kdefl % kexsh === 0) {
        const s = Math.abs(h[at(l + 1, l)]) + Math.abs(h[at(l + 2, l + 1)]);
        h11 = dat1 * s + h[at(l, l)];
        h12 = dat2 * s;
        h21 = s;
        h22 = h11;
      } else {
        // Francis' double shift (the 2nd degree generalized Rayleigh quotient).
        h11 = h[at(i - 1, i - 1)];
        h21 = h[at(i, i - 1)];
        h12 = h[at(i - 1, i)];
        h22 = h[at(i, i)];
      }
      let rt1r = 0;
      let rt1i = 0;
      let rt2r = 0;
      let rt2i = 0;
      const s0 = Math.abs(h11) + Math.abs(h12) + Math.abs(h21) + Math.abs(h22);
      if (s0 !== 0) {
        h11 /= s0;
        h21 /= s0;
        h12 /= s0;
        h22 /= s0;
        const tr = (h11 + h22) / 2;
        const det = (h11 - tr) * (h22 - tr) - h12 * h21;
        const rtdisc = Math.sqrt(Math.abs(det));
        if (det >= 0) {
          rt1r = tr * s0;
          rt2r = rt1r;
          rt1i = rtdisc * s0;
          rt2i = -rt1i;
        } else {
          // Two real shifts: use the one closer to h22 twice.
          rt1r = tr + rtdisc;
          rt2r = tr - rtdisc;
          if (Math.abs(rt1r - h22) <= Math.abs(rt2r - h22)) {
            rt1r *= s0;
            rt2r = rt1r;
          } else {
            rt2r *= s0;
            rt1r = rt2r;
          }
        }
      }
      // Look for two consecutive small subdiagonal elements.
      let m: number;
      for (m = i - 2; m >= l; m--) {
        let h21s = h[at(m + 1, m)];
        let s = Math.abs(h[at(m, m)] - rt2r) + Math.abs(rt2i) + Math.abs(h21s);
        h21s = h[at(m + 1, m)] / s;
        v[0] = h21s * h[at(m, m + 1)] + (h[at(m, m)] - rt1r) * ((h[at(m, m)] - rt2r) / s) - rt1i * (rt2i / s);
        v[1] = h21s * (h[at(m, m)] + h[at(m + 1, m + 1)] - rt1r - rt2r);
        v[2] = h21s * h[at(m + 2, m + 1)];
        s = Math.abs(v[0]) + Math.abs(v[1]) + Math.abs(v[2]);
        v[0] /= s;
        v[1] /= s;
        v[2] /= s;
        if (m === l) break;
        const h00 = Math.abs(h[at(m - 1, m - 1)]) + Math.abs(h[at(m, m)]) + Math.abs(h[at(m + 1, m + 1)]);
        if (Math.abs(h[at(m, m - 1)]) * (Math.abs(v[1]) + Math.abs(v[2])) <= ULP * Math.abs(v[0]) * h00) break;
      }
      // The double-shift QR sweep: a bulge introduced at row m is chased down to row i.
      for (let k2 = m; k2 <= i - 1; k2++) {
        const nr = Math.min(3, i - k2 + 1);
        if (k2 > m) for (let t = 0; t < nr; t++) v[t] = h[at(k2 + t, k2 - 1)];
        const t1 = makeReflector(v, 0, 1, 1, nr, "rounded");
        if (k2 > m) {
          h[at(k2, k2 - 1)] = v[0];
          h[at(k2 + 1, k2 - 1)] = 0;
          if (k2 < i - 1) h[at(k2 + 2, k2 - 1)] = 0;
        } else if (m > l) {
          // Rather than negating, which goes wrong when v[1] and v[2] underflow.
          h[at(k2, k2 - 1)] *= 1 - t1;
        }
        const v2 = v[1];
        const t2 = t1 * v2;
        if (nr === 3) {
          const v3 = v[2];
          const t3 = t1 * v3;
          for (let j = k2; j <= i2; j++) {
            const sum = h[at(k2, j)] + v2 * h[at(k2 + 1, j)] + v3 * h[at(k2 + 2, j)];
            h[at(k2, j)] -= sum * t1;
            h[at(k2 + 1, j)] -= sum * t2;
            h[at(k2 + 2, j)] -= sum * t3;
          }
          for (let j = i1; j <= Math.min(k2 + 3, i); j++) {
            const sum = h[at(j, k2)] + v2 * h[at(j, k2 + 1)] + v3 * h[at(j, k2 + 2)];
            h[at(j, k2)] -= sum * t1;
            h[at(j, k2 + 1)] -= sum * t2;
            h[at(j, k2 + 2)] -= sum * t3;
          }
          if (z) {
            for (let j = ilo; j <= ihi; j++) {
              const sum = z[at(j, k2)] + v2 * z[at(j, k2 + 1)] + v3 * z[at(j, k2 + 2)];
              z[at(j, k2)] -= sum * t1;
              z[at(j, k2 + 1)] -= sum * t2;
              z[at(j, k2 + 2)] -= sum * t3;
            }
          }
        } else if (nr === 2) {
          for (let j = k2; j <= i2; j++) {
            const sum = h[at(k2, j)] + v2 * h[at(k2 + 1, j)];
            h[at(k2, j)] -= sum * t1;
            h[at(k2 + 1, j)] -= sum * t2;
          }
          for (let j = i1; j <= i; j++) {
            const sum = h[at(j, k2)] + v2 * h[at(j, k2 + 1)];
            h[at(j, k2)] -= sum * t1;
            h[at(j, k2 + 1)] -= sum * t2;
          }
          if (z) {
            for (let j = ilo; j <= ihi; j++) {
              const sum = z[at(j, k2)] + v2 * z[at(j, k2 + 1)];
              z[at(j, k2)] -= sum * t1;
              z[at(j, k2 + 1)] -= sum * t2;
            }
          }
        }
      }
    }
    if (!converged) return i;
    if (l === i) {
      wr[i - 1] = h[at(i, i)];
      wi[i - 1] = 0;
    } else if (l === i - 1) {
      // A 2×2 block split off: bring it to standard form and store its eigenvalues.
      const r = standardize2x2(h[at(i - 1, i - 1)], h[at(i - 1, i)], h[at(i, i - 1)], h[at(i, i)]);
      h[at(i - 1, i - 1)] = r.a;
      h[at(i - 1, i)] = r.b;
      h[at(i, i - 1)] = r.c;
      h[at(i, i)] = r.d;
      wr[i - 2] = r.rt1r;
      wi[i - 2] = r.rt1i;
      wr[i - 1] = r.rt2r;
      wi[i - 1] = r.rt2i;
      const { cs, sn } = r;
      if (wantT) {
        for (let j = i + 1; j <= i2; j++) rotate(h, at(i - 1, j), at(i, j), cs, sn);
        for (let j = i1; j <= i - 2; j++) rotate(h, at(j, i - 1), at(j, i), cs, sn);
      }
      if (z) for (let j = ilo; j <= ihi; j++) rotate(z, at(j, i - 1), at(j, i), cs, sn);
    }
    kdefl = 0;
    i = l - 1;
  }
  return 0;
}

/** drot on one pair: (x, y) <- (cs x + sn y, cs y - sn x). */
function rotate(a: Float64Array, p: number, q: number, cs: number, sn: number): void {
  const x = a[p];
  const y = a[q];
  a[p] = cs * x + sn * y;
  a[q] = cs * y - sn * x;
}
