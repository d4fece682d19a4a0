// Balancing of a general square matrix before its eigendecomposition, as LAPACK dgebal/zgebal
// with job 'B' (permute to isolate eigenvalues, then scale rows and columns by powers of 2), and
// its undoing on right eigenvectors (dgebak/zgebak 'B', 'R'). One implementation serves real
// (im = null) and complex matrices (re/im parts in two row-major n×n arrays). Also dgeev's
// scaling of matrices whose largest entry is tiny or huge (dlascl).

import { SAFMIN } from "./linalg-common.js";

/** dlamch('P'): the spacing of 1 and the next float64 (LAPACK's ULP). */
export const ULP = 2 ** -52;

/** dlascl 'G': multiplies x by cto/cfrom without overflow or underflow along the way. */
export function rescale(x: Float64Array, cfrom: number, cto: number): void {
  const smlnum = SAFMIN;
  const bignum = 1 / smlnum;
  let cfromc = cfrom;
  let ctoc = cto;
  let done = false;
  while (!done) {
    const cfrom1 = cfromc * smlnum;
    let mul: number;
    if (cfrom1 === cfromc) {
      mul = ctoc / cfromc;
      done = true;
    } else {
      const cto1 = ctoc / bignum;
      if (cto1 === ctoc) {
        mul = ctoc;
        done = true;
        cfromc = 1;
      } else if (Math.abs(cfrom1) > Math.abs(ctoc) && ctoc !== 0) {
        mul = smlnum;
        cfromc = cfrom1;
      } else if (Math.abs(cto1) > Math.abs(cfromc)) {
        mul = bignum;
        ctoc = cto1;
      } else {
        mul = ctoc / cfromc;
        done = true;
      }
    }
    for (let i = 0; i < x.length; i++) x[i] *= mul;
  }
}

/** dgeev's range for max |a_ij| outside of which the matrix is scaled first. */
export function scalingRange(): { smlnum: number; bignum: number } {
  const smlnum = Math.sqrt(SAFMIN) / ULP;
  return { smlnum, bignum: 1 / smlnum };
}

/** The target of dgeev's scaling of a matrix with max |a_ij| = anrm, or null when none is needed. */
export function scalingTarget(anrm: number): number | null {
  const { smlnum, bignum } = scalingRange();
  if (anrm > 0 && anrm < smlnum) return smlnum;
  if (anrm > bignum) return bignum;
  return null;
}

export interface Balance {
  /** 0-based inclusive bounds of the block that still needs QR iterations. */
  lo: number;
  hi: number;
  /** Per row: the scaling factor (lo..hi) or, 1-based as in LAPACK, the row it was swapped with. */
  scale: Float64Array;
}

function isNonZero(re: Float64Array, im: Float64Array | null, p: number): boolean {
  return re[p] !== 0 || (im !== null && im[p] !== 0);
}

function swapColumns(a: Float64Array, n: number, j: number, m: number, rows: number): void {
  for (let r = 0; r < rows; r++) {
    const t = a[r * n + j];
    a[r * n + j] = a[r * n + m];
    a[r * n + m] = t;
  }
}

function swapRows(a: Float64Array, n: number, j: number, m: number, fromCol: number): void {
  for (let c = fromCol; c < n; c++) {
    const t = a[j * n + c];
    a[j * n + c] = a[m * n + c];
    a[m * n + c] = t;
  }
}

/** 2-norm of `count` entries starting at `at`, `stride` apart (complex when im is given). */
function norm2(re: Float64Array, im: Float64Array | null, at: number, stride: number, count: number): number {
  let scale = 0;
  for (let t = 0, p = at; t < count; t++, p += stride) {
    scale = Math.max(scale, Math.abs(re[p]), im ? Math.abs(im[p]) : 0);
  }
  if (scale === 0 || !Number.isFinite(scale)) return scale;
  let ssq = 0;
  for (let t = 0, p = at; t < count; t++, p += stride) {
    const x = re[p] / scale;
    ssq += x * x;
    if (im) {
      const y = im[p] / scale;
      ssq += y * y;
    }
  }
  return scale * Math.sqrt(ssq);
}

/** |entry| of the entry idamax/izamax picks (the first largest |re| + |im|), as a modulus. */
function largest(re: Float64Array, im: Float64Array | null, at: number, stride: number, count: number): number {
  let best = -1;
  let bestAt = at;
  for (let t = 0, p = at; t < count; t++, p += stride) {
    const v = Math.abs(re[p]) + (im ? Math.abs(im[p]) : 0);
    if (v > best) {
      best = v;
      bestAt = p;
    }
  }
  return im ? Math.hypot(re[bestAt], im[bestAt]) : Math.abs(re[bestAt]);
}

/** dgebal/zgebal job 'B' on the row-major n×n matrix (re, im), in place. */
export function balance(re: Float64Array, im: Float64Array | null, n: number): Balance {
  const scale = new Float64Array(n);
  let k = 0;
  let l = n - 1;
  if (n === 0) return { lo: 0, hi: -1, scale };
  const exchange = (j: number, m: number): void => {
    // 1-based as LAPACK: when everything is isolated, scale[lo] = 1 then doubles as a factor.
    scale[m] = j + 1;
    if (j === m) return;
    swapColumns(re, n, j, m, l + 1);
    swapRows(re, n, j, m, k);
    if (im) {
      swapColumns(im, n, j, m, l + 1);
      swapRows(im, n, j, m, k);
    }
  };
  // Rows with no off-diagonal entry in columns 0..l isolate an eigenvalue: push them down.
  let done = false;
  rows: while (true) {
    for (let j = l; j >= 0; j--) {
      let isolated = true;
      for (let i = 0; i <= l && isolated; i++) if (i !== j && isNonZero(re, im, j * n + i)) isolated = false;
      if (!isolated) continue;
      exchange(j, l);
      if (l === 0) {
        done = true;
        break rows;
      }
      l--;
      continue rows;
    }
    break;
  }
  if (!done) {
    // Columns with no off-diagonal entry in rows k..l: push them left.
    cols: while (true) {
      for (let j = k; j <= l; j++) {
        let isolated = true;
        for (let i = k; i <= l && isolated; i++) if (i !== j && isNonZero(re, im, i * n + j)) isolated = false;
        if (!isolated) continue;
        exchange(j, k);
        k++;
        continue cols;
      }
      break;
    }
    for (let i = k; i <= l; i++) scale[i] = 1;
    scaleToBalance(re, im, n, k, l, scale);
  }
  return { lo: k, hi: l, scale };
}

/** The iterative norm reduction of rows/columns k..l by powers of 2. */
function scaleToBalance(re: Float64Array, im: Float64Array | null, n: number, k: number, l: number, scale: Float64Array): void {
  const radix = 2;
  const sfmin1 = SAFMIN / ULP;
  const sfmax1 = 1 / sfmin1;
  const sfmin2 = sfmin1 * radix;
  const sfmax2 = 1 / sfmin2;
  let noconv = true;
  while (noconv) {
    noconv = false;
    for (let i = k; i <= l; i++) {
      let c = norm2(re, im, k * n + i, n, l - k + 1);
      let r = norm2(re, im, i * n + k, 1, l - k + 1);
      let ca = largest(re, im, i, n, l + 1);
      let ra = largest(re, im, i * n + k, 1, n - k);
      if (c === 0 || r === 0) continue;
      if (!Number.isFinite(c + r + ca + ra)) throw new Error("balance: the matrix holds infinities or NaNs");
      let g = r / radix;
      let f = 1;
      const s = c + r;
      while (c < g && Math.max(f, c, ca) < sfmax2 && Math.min(r, g, ra) > sfmin2) {
        f *= radix;
        c *= radix;
        ca *= radix;
        r /= radix;
        g /= radix;
        ra /= radix;
      }
      g = c / radix;
      while (g >= r && Math.max(r, ra) < sfmax2 && Math.min(f, c, g, ca) > sfmin2) {
        f /= radix;
        c /= radix;
        g /= radix;
        ca /= radix;
        r *= radix;
        ra *= radix;
      }
      if (c + r >= 0.95 * s) continue;
      if (f < 1 && scale[i] < 1 && f * scale[i] <= sfmin1) continue;
      if (f > 1 && scale[i] > 1 && scale[i] >= sfmax1 / f) continue;
      const ginv = 1 / f;
      scale[i] *= f;
      noconv = true;
      for (let c2 = k; c2 < n; c2++) {
        re[i * n + c2] *= ginv;
        if (im) im[i * n + c2] *= ginv;
      }
      for (let r2 = 0; r2 <= l; r2++) {
        re[r2 * n + i] *= f;
        if (im) im[r2 * n + i] *= f;
      }
    }
  }
}

/** dgebak/zgebak 'B', 'R': maps eigenvectors (columns of the row-major n×n v) back. */
export function unbalanceVectors(vRe: Float64Array, vIm: Float64Array | null, n: number, bal: Balance): void {
  const { lo, hi, scale } = bal;
  for (let i = lo; i <= hi; i++) {
    const s = scale[i];
    for (let c = 0; c < n; c++) {
      vRe[i * n + c] *= s;
      if (vIm) vIm[i * n + c] *= s;
    }
  }
  for (let ii = 0; ii < n; ii++) {
    let i = ii;
    if (i >= lo && i <= hi) continue;
    if (i < lo) i = lo - 1 - ii;
    const k = scale[i] - 1;
    if (k === i) continue;
    swapRows(vRe, n, i, k, 0);
    if (vIm) swapRows(vIm, n, i, k, 0);
  }
}
