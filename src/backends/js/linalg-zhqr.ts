// Complex Hessenberg reduction and single-shift complex QR to Schur form, as LAPACK's zgehd2 +
// zunghr and zhseqr for n < 75 (zlahqr, LAPACK >= 3.10: exceptional shifts counted from the last
// deflation). Matrices are row-major n×n as separate real and imaginary parts; the QR code keeps
// LAPACK's 1-based indices through `at(i, j)`.

import { SAFMIN, fsign } from "./linalg-common.js";
import { ULP } from "./linalg-balance.js";
import { complexDivide } from "./linalg-common.js";
import { roundedNorm } from "./linalg-householder.js";

type C = [number, number];

const cabs1 = (re: number, im: number): number => Math.abs(re) + Math.abs(im);

/** Principal square root of re + i im (Fortran's SQRT on COMPLEX*16). */
export function complexSqrt(re: number, im: number): C {
  if (re === 0 && im === 0) return [0, im];
  const m = Math.hypot(re, im);
  if (re >= 0) {
    const t = Math.sqrt(0.5 * (m + re));
    return [t, im / (2 * t)];
  }
  const t = Math.sqrt(0.5 * (m - re));
  return [Math.abs(im) / (2 * t), im >= 0 ? t : -t];
}

/**
 * zlarfg: a reflector H = I - tau v vᴴ with Hᴴ [alpha; x] = [beta; 0], beta real, v[0] = 1.
 * alpha is at `alphaAt`, x at xAt, xAt + stride, ... (count - 1 entries). Overwrites alpha with
 * beta, x with v[1:], and returns tau. Unlike the real case, count = 1 still makes alpha real.
 */
export function complexReflector(re: Float64Array, im: Float64Array, alphaAt: number, xAt: number, stride: number, count: number): C {
  if (count <= 0) return [0, 0];
  const xnorm = roundedNorm(re, xAt, stride, count - 1, im);
  let alphr = re[alphaAt];
  let alphi = im[alphaAt];
  if (xnorm === 0 && alphi === 0) return [0, 0];
  const norm3 = (x: number, y: number, z: number): number => {
    const w = Math.max(Math.abs(x), Math.abs(y), Math.abs(z));
    return w === 0 ? 0 : w * Math.sqrt((x / w) ** 2 + (y / w) ** 2 + (z / w) ** 2);
  };
  let beta = -fsign(norm3(alphr, alphi, xnorm), alphr);
  const safmin = SAFMIN / 2 ** -53;
  const rsafmn = 1 / safmin;
  let knt = 0;
  if (Math.abs(beta) < safmin) {
    do {
      knt++;
      for (let t = 0, p = xAt; t < count - 1; t++, p += stride) {
        re[p] *= rsafmn;
        im[p] *= rsafmn;
      }
      beta *= rsafmn;
      alphi *= rsafmn;
      alphr *= rsafmn;
    } while (Math.abs(beta) < safmin && knt < 20);
    let ssq = 0;
    for (let t = 0, p = xAt; t < count - 1; t++, p += stride) ssq += re[p] ** 2 + im[p] ** 2;
    beta = -fsign(norm3(alphr, alphi, Math.sqrt(ssq)), alphr);
  }
  const tau: C = [(beta - alphr) / beta, -alphi / beta];
  const [sr, si] = complexDivide(1, 0, alphr - beta, alphi);
  for (let t = 0, p = xAt; t < count - 1; t++, p += stride) {
    const xr = re[p];
    const xi = im[p];
    re[p] = sr * xr - si * xi;
    im[p] = sr * xi + si * xr;
  }
  for (let j = 0; j < knt; j++) beta *= safmin;
  re[alphaAt] = beta;
  im[alphaAt] = 0;
  return tau;
}

/**
 * Applies I - tau v vᴴ (conjugate: I - conj(tau) v vᴴ, i.e. Hᴴ) from the left to rows
 * r0..r0+len-1, columns c0..c1-1 of (mr, mi); v[0] = 1, v[1:] at vAt, vAt + vStride, ...
 */
function reflectLeft(mr: Float64Array, mi: Float64Array, n: number, r0: number, len: number, c0: number, c1: number, tr: number, ti: number, vr: Float64Array, vi: Float64Array, vAt: number, vStride: number): void {
  if (tr === 0 && ti === 0) return;
  for (let j = c0; j < c1; j++) {
    // w = vᴴ C(:, j)
    let wr = mr[r0 * n + j];
    let wi = mi[r0 * n + j];
    for (let t = 1, p = vAt; t < len; t++, p += vStride) {
      const cr = mr[(r0 + t) * n + j];
      const ci = mi[(r0 + t) * n + j];
      wr += vr[p] * cr + vi[p] * ci;
      wi += vr[p] * ci - vi[p] * cr;
    }
    // C(:, j) -= tau v w
    const sr = tr * wr - ti * wi;
    const si = tr * wi + ti * wr;
    mr[r0 * n + j] -= sr;
    mi[r0 * n + j] -= si;
    for (let t = 1, p = vAt; t < len; t++, p += vStride) {
      mr[(r0 + t) * n + j] -= vr[p] * sr - vi[p] * si;
      mi[(r0 + t) * n + j] -= vr[p] * si + vi[p] * sr;
    }
  }
}

/**
 * zgehd2 on rows/columns lo..hi (0-based) of (re, im), in place (reflectors cleared afterwards);
 * returns Q = H(lo) ... H(hi-1) (zunghr) with Qᴴ A Q = H.
 */
export function complexHessenberg(re: Float64Array, im: Float64Array, n: number, lo: number, hi: number): { qr: Float64Array; qi: Float64Array } {
  const taus: C[] = [];
  for (let i = lo; i < hi; i++) {
    const count = hi - i;
    const [tr, ti] = complexReflector(re, im, (i + 1) * n + i, Math.min(i + 2, n - 1) * n + i, n, count);
    taus[i] = [tr, ti];
    if (tr === 0 && ti === 0) continue;
    // From the right on rows 0..hi, columns i+1..hi: C -= tau (C v) vᴴ.
    for (let r = 0; r <= hi; r++) {
      let wr = re[r * n + i + 1];
      let wi = im[r * n + i + 1];
      for (let t = i + 2; t <= hi; t++) {
        const vr = re[t * n + i];
        const vi = im[t * n + i];
        wr += re[r * n + t] * vr - im[r * n + t] * vi;
        wi += re[r * n + t] * vi + im[r * n + t] * vr;
      }
      const sr = tr * wr - ti * wi;
      const si = tr * wi + ti * wr;
      re[r * n + i + 1] -= sr;
      im[r * n + i + 1] -= si;
      for (let t = i + 2; t <= hi; t++) {
        // s * conj(v)
        const vr = re[t * n + i];
        const vi = im[t * n + i];
        re[r * n + t] -= sr * vr + si * vi;
        im[r * n + t] -= si * vr - sr * vi;
      }
    }
    // From the left with Hᴴ on rows i+1..hi, columns i+1..n-1.
    reflectLeft(re, im, n, i + 1, count, i + 1, n, tr, -ti, re, im, (i + 2) * n + i, n);
  }
  const qr = new Float64Array(n * n);
  const qi = new Float64Array(n * n);
  for (let i = 0; i < n; i++) qr[i * n + i] = 1;
  for (let i = hi - 1; i >= lo; i--) {
    const [tr, ti] = taus[i];
    reflectLeft(qr, qi, n, i + 1, hi - i, i + 1, hi + 1, tr, ti, re, im, (i + 2) * n + i, n);
  }
  for (let r = 2; r < n; r++) {
    for (let c = 0; c < r - 1; c++) {
      re[r * n + c] = 0;
      im[r * n + c] = 0;
    }
  }
  return { qr, qi };
}

/**
 * zhseqr for n < 75 (zlahqr): eigenvalues (wr, wi) of the upper Hessenberg (hr, hi) and, when
 * `wantT`, its Schur form in place; Schur vectors accumulated into (zr, zi) when given.
 * lo/hi 0-based. Returns LAPACK's info.
 */
export function schurComplex(
  hr: Float64Array,
  hm: Float64Array,
  n: number,
  lo: number,
  hi: number,
  wr: Float64Array,
  wi: Float64Array,
  wantT: boolean,
  z: { zr: Float64Array; zi: Float64Array } | null,
): number {
  for (let i = 0; i < n; i++) {
    if (i < lo || i > hi) {
      wr[i] = hr[i * n + i];
      wi[i] = hm[i * n + i];
    }
  }
  if (n === 0) return 0;
  if (lo === hi) {
    wr[lo] = hr[lo * n + lo];
    wi[lo] = hm[lo * n + lo];
    return 0;
  }
  const info = singleShiftQR(hr, hm, n, lo + 1, hi + 1, wr, wi, wantT, z);
  if ((wantT || info !== 0) && n > 2) {
    for (let r = 2; r < n; r++) {
      for (let c = 0; c < r - 1; c++) {
        hr[r * n + c] = 0;
        hm[r * n + c] = 0;
      }
    }
  }
  return info;
}

function singleShiftQR(
  hr: Float64Array,
  hm: Float64Array,
  n: number,
  ilo: number,
  ihi: number,
  wr: Float64Array,
  wi: Float64Array,
  wantT: boolean,
  z: { zr: Float64Array; zi: Float64Array } | null,
): number {
  const at = (i: number, j: number): number => (i - 1) * n + (j - 1);
  const dat1 = 3 / 4;
  const kexsh = 10;
  const get = (i: number, j: number): C => [hr[at(i, j)], hm[at(i, j)]];
  const set = (i: number, j: number, v: C): void => {
    hr[at(i, j)] = v[0];
    hm[at(i, j)] = v[1];
  };
  const mul = (a: C, b: C): C => [a[0] * b[0] - a[1] * b[1], a[0] * b[1] + a[1] * b[0]];
  const conj = (a: C): C => [a[0], -a[1]];
  // Scales row i from column j0 .. j1 (1-based, inclusive) of H by s.
  const scaleRow = (i: number, j0: number, j1: number, s: C): void => {
    for (let j = j0; j <= j1; j++) set(i, j, mul(s, get(i, j)));
  };
  const scaleCol = (j: number, i0: number, i1: number, s: C): void => {
    for (let i = i0; i <= i1; i++) set(i, j, mul(s, get(i, j)));
  };
  const scaleZ = (j: number, s: C): void => {
    if (!z) return;
    for (let i = ilo; i <= ihi; i++) {
      const p = at(i, j);
      const [a, b] = mul(s, [z.zr[p], z.zi[p]]);
      z.zr[p] = a;
      z.zi[p] = b;
    }
  };
  for (let j = ilo; j <= ihi - 3; j++) {
    set(j + 2, j, [0, 0]);
    set(j + 3, j, [0, 0]);
  }
  if (ilo <= ihi - 2) set(ihi, ihi - 2, [0, 0]);
  const jlo = wantT ? 1 : ilo;
  const jhi = wantT ? n : ihi;
  // Make the subdiagonal real.
  for (let i = ilo + 1; i <= ihi; i++) {
    if (hm[at(i, i - 1)] !== 0) {
      const h = get(i, i - 1);
      const c1 = cabs1(h[0], h[1]);
      let sc: C = [h[0] / c1, h[1] / c1];
      const asc = Math.hypot(sc[0], sc[1]);
      sc = [sc[0] / asc, -sc[1] / asc];
      set(i, i - 1, [Math.hypot(h[0], h[1]), 0]);
      scaleRow(i, i, jhi, sc);
      scaleCol(i, jlo, Math.min(jhi, i + 1), conj(sc));
      scaleZ(i, conj(sc));
    }
  }
  const nh = ihi - ilo + 1;
  const smlnum = SAFMIN * (nh / ULP);
  let i1 = 1;
  let i2 = n;
  const itmax = 30 * Math.max(10, nh);
  let kdefl = 0;
  let i = ihi;
  while (i >= ilo) {
    let l = ilo;
    let converged = false;
    for (let its = 0; its <= itmax; its++) {
      let k: number;
      for (k = i; k >= l + 1; k--) {
        const hkk1 = get(k, k - 1);
        if (cabs1(hkk1[0], hkk1[1]) <= smlnum) break;
        let tst = cabs1(hr[at(k - 1, k - 1)], hm[at(k - 1, k - 1)]) + cabs1(hr[at(k, k)], hm[at(k, k)]);
        if (tst === 0) {
          if (k - 2 >= ilo) tst += Math.abs(hr[at(k - 1, k - 2)]);
          if (k + 1 <= ihi) tst += Math.abs(hr[at(k + 1, k)]);
        }
        if (Math.abs(hkk1[0]) <= ULP * tst) {
          const hk1k = get(k - 1, k);
          const hkk = get(k, k);
          const diff = cabs1(hr[at(k - 1, k - 1)] - hkk[0], hm[at(k - 1, k - 1)] - hkk[1]);
          const ab = Math.max(cabs1(hkk1[0], hkk1[1]), cabs1(hk1k[0], hk1k[1]));
          const ba = Math.min(cabs1(hkk1[0], hkk1[1]), cabs1(hk1k[0], hk1k[1]));
          const aa = Math.max(cabs1(hkk[0], hkk[1]), diff);
          const bb = Math.min(cabs1(hkk[0], hkk[1]), diff);
          const s = aa + ab;
          if (ba * (ab / s) <= Math.max(smlnum, ULP * (bb * (aa / s)))) break;
        }
      }
      l = k;
      if (l > ilo) set(l, l - 1, [0, 0]);
      if (l >= i) {
        converged = true;
        break;
      }
      kdefl++;
      if (!wantT) {
        i1 = l;
        i2 = i;
      }
      let t: C;
      if (kdefl % (2 * kexsh) === 0) {
        const s = dat1 * Math.abs(hr[at(i, i - 1)]);
        t = [s + hr[at(i, i)], hm[at(i, i)]];
      } else if (kdefl % kexsh === 0) {
        const s = dat1 * Math.abs(hr[at(l + 1, l)]);
        t = [s + hr[at(l, l)], hm[at(l, l)]];
      } else {
        // Wilkinson's shift.
        t = get(i, i);
        const u = mul(complexSqrt(...get(i - 1, i)), complexSqrt(...get(i, i - 1)));
        let s = cabs1(u[0], u[1]);
        if (s !== 0) {
          const hii1 = get(i - 1, i - 1);
          const x: C = [0.5 * (hii1[0] - t[0]), 0.5 * (hii1[1] - t[1])];
          const sx = cabs1(x[0], x[1]);
          s = Math.max(s, sx);
          const xs: C = [x[0] / s, x[1] / s];
          const us: C = [u[0] / s, u[1] / s];
          const x2 = mul(xs, xs);
          const u2 = mul(us, us);
          const r = complexSqrt(x2[0] + u2[0], x2[1] + u2[1]);
          let y: C = [s * r[0], s * r[1]];
          if (sx > 0 && (x[0] / sx) * y[0] + (x[1] / sx) * y[1] < 0) y = [-y[0], -y[1]];
          const q = complexDivide(u[0], u[1], x[0] + y[0], x[1] + y[1]);
          const uq = mul(u, q);
          t = [t[0] - uq[0], t[1] - uq[1]];
        }
      }
      // Look for two consecutive small subdiagonal elements.
      let m: number;
      let v1: C = [0, 0];
      let v2r = 0;
      for (m = i - 1; m >= l + 1; m--) {
        const h11 = get(m, m);
        const h22 = get(m + 1, m + 1);
        let h11s: C = [h11[0] - t[0], h11[1] - t[1]];
        let h21 = hr[at(m + 1, m)];
        const s = cabs1(h11s[0], h11s[1]) + Math.abs(h21);
        h11s = [h11s[0] / s, h11s[1] / s];
        h21 /= s;
        v1 = h11s;
        v2r = h21;
        const h10 = hr[at(m, m - 1)];
        if (Math.abs(h10) * Math.abs(h21) <= ULP * (cabs1(h11s[0], h11s[1]) * (cabs1(h11[0], h11[1]) + cabs1(h22[0], h22[1])))) break;
      }
      if (m === l) {
        const h11 = get(l, l);
        let h11s: C = [h11[0] - t[0], h11[1] - t[1]];
        let h21 = hr[at(l + 1, l)];
        const s = cabs1(h11s[0], h11s[1]) + Math.abs(h21);
        h11s = [h11s[0] / s, h11s[1] / s];
        h21 /= s;
        v1 = h11s;
        v2r = h21;
      }
      // The single-shift QR sweep.
      const vre = new Float64Array(2);
      const vim = new Float64Array(2);
      for (let k2 = m; k2 <= i - 1; k2++) {
        if (k2 > m) {
          vre[0] = hr[at(k2, k2 - 1)];
          vim[0] = hm[at(k2, k2 - 1)];
          vre[1] = hr[at(k2 + 1, k2 - 1)];
          vim[1] = hm[at(k2 + 1, k2 - 1)];
        } else {
          vre[0] = v1[0];
          vim[0] = v1[1];
          vre[1] = v2r;
          vim[1] = 0;
        }
        const t1 = complexReflector(vre, vim, 0, 1, 1, 2);
        if (k2 > m) {
          set(k2, k2 - 1, [vre[0], vim[0]]);
          set(k2 + 1, k2 - 1, [0, 0]);
        }
        const v2: C = [vre[1], vim[1]];
        const t2 = mul(t1, v2)[0];
        for (let j = k2; j <= i2; j++) {
          const a = get(k2, j);
          const b = get(k2 + 1, j);
          const ca = mul(conj(t1), a);
          const sum: C = [ca[0] + t2 * b[0], ca[1] + t2 * b[1]];
          set(k2, j, [a[0] - sum[0], a[1] - sum[1]]);
          const sv = mul(sum, v2);
          set(k2 + 1, j, [b[0] - sv[0], b[1] - sv[1]]);
        }
        for (let j = i1; j <= Math.min(k2 + 2, i); j++) {
          const a = get(j, k2);
          const b = get(j, k2 + 1);
          const ta = mul(t1, a);
          const sum: C = [ta[0] + t2 * b[0], ta[1] + t2 * b[1]];
          set(j, k2, [a[0] - sum[0], a[1] - sum[1]]);
          const sv = mul(sum, conj(v2));
          set(j, k2 + 1, [b[0] - sv[0], b[1] - sv[1]]);
        }
        if (z) {
          for (let j = ilo; j <= ihi; j++) {
            const p = at(j, k2);
            const q = at(j, k2 + 1);
            const ta = mul(t1, [z.zr[p], z.zi[p]]);
            const sum: C = [ta[0] + t2 * z.zr[q], ta[1] + t2 * z.zi[q]];
            z.zr[p] -= sum[0];
            z.zi[p] -= sum[1];
            const sv = mul(sum, conj(v2));
            z.zr[q] -= sv[0];
            z.zi[q] -= sv[1];
          }
        }
        if (k2 === m && m > l) {
          // Keep H(m, m-1) real after a sweep started below l.
          let temp: C = [1 - t1[0], -t1[1]];
          const at0 = Math.hypot(temp[0], temp[1]);
          temp = [temp[0] / at0, temp[1] / at0];
          set(m + 1, m, mul(get(m + 1, m), conj(temp)));
          if (m + 2 <= i) set(m + 2, m + 1, mul(get(m + 2, m + 1), temp));
          for (let j = m; j <= i; j++) {
            if (j !== m + 1) {
              if (i2 > j) scaleRow(j, j + 1, i2, temp);
              scaleCol(j, i1, j - 1, conj(temp));
              scaleZ(j, conj(temp));
            }
          }
        }
      }
      // Make H(i, i-1) real.
      const last = get(i, i - 1);
      if (last[1] !== 0) {
        const rtemp = Math.hypot(last[0], last[1]);
        set(i, i - 1, [rtemp, 0]);
        const temp: C = [last[0] / rtemp, last[1] / rtemp];
        if (i2 > i) scaleRow(i, i + 1, i2, conj(temp));
        scaleCol(i, i1, i - 1, temp);
        scaleZ(i, temp);
      }
    }
    if (!converged) return i;
    wr[i - 1] = hr[at(i, i)];
    wi[i - 1] = hm[at(i, i)];
    kdefl = 0;
    i = l - 1;
  }
  return 0;
}
