// SVD along LAPACK gesdd's path for min(m, n) <= 25, where its divide and conquer (bdsdc)
// hands the bidiagonal problem to implicit-shift QR (bdsqr): QR/LQ first when the matrix is
// far from square (gesdd's mnthr), Householder bidiagonalization (gebrd), bdsqr with its shifts,
// convergence tests, 2×2 solves (dlasv2) and plane rotations (dlartg, in the "classic" or
// "lapack310" convention, see linalg-eigh.ts), then the reflectors applied back (ormbr).
// Following the same steps gives LAPACK's signs of U and Vh. Beyond 25, gesdd uses divide and
// conquer and its signs may differ from these.

import { EPS, SAFMIN, fsign } from "./linalg-common.js";
import { type RotationConvention, givens, givensClassic } from "./linalg-eigh.js";
import { formQ, householderQrInPlace } from "./linalg-qr.js";
import { makeReflector } from "./linalg-householder.js";
import { transpose } from "./linalg-lu.js";

type Rotate = (f: number, g: number) => { c: number; s: number; r: number };

interface Reflector {
  /** Full-length vector (zeros outside its support). */
  v: Float64Array;
  tau: number;
}

interface Bidiagonal {
  /** 1-based diagonal d[1..k] and off-diagonal e[1..k-1]. */
  d: Float64Array;
  e: Float64Array;
  /** Q = H(0) H(1) ..., each acting on rows; P = G(0) G(1) ..., each acting on columns. */
  hs: Reflector[];
  gs: Reflector[];
  lower: boolean;
}

/** gebd2 on an m×n row-major matrix (destroyed): upper bidiagonal when m >= n, else lower. */
function bidiagonalize(a: Float64Array, m: number, n: number): Bidiagonal {
  const k = Math.min(m, n);
  const d = new Float64Array(k + 1);
  const e = new Float64Array(k + 1);
  const hs: Reflector[] = [];
  const gs: Reflector[] = [];
  const columnReflector = (col: number, row0: number): Reflector => {
    // Annihilates a(row0+1:m, col); alpha at a(row0, col).
    const tau = makeReflector(a, row0 * n + col, (row0 + 1) * n + col, n, m - row0);
    const v = new Float64Array(m);
    v[row0] = 1;
    for (let r = row0 + 1; r < m; r++) v[r] = a[r * n + col]!;
    return { v, tau };
  };
  const rowReflector = (row: number, col0: number): Reflector => {
    const tau = makeReflector(a, row * n + col0, row * n + col0 + 1, 1, n - col0);
    const v = new Float64Array(n);
    v[col0] = 1;
    for (let c = col0 + 1; c < n; c++) v[c] = a[row * n + c]!;
    return { v, tau };
  };
  if (m >= n) {
    for (let i = 0; i < n; i++) {
      const h = columnReflector(i, i);
      d[i + 1] = a[i * n + i]!;
      applyLeft(a, m, n, h, i, i + 1);
      hs.push(h);
      if (i < n - 1) {
        const g = rowReflector(i, i + 1);
        e[i + 1] = a[i * n + i + 1]!;
        applyRight(a, m, n, g, i + 1, i + 1);
        gs.push(g);
      }
    }
  } else {
    for (let i = 0; i < m; i++) {
      const g = rowReflector(i, i);
      d[i + 1] = a[i * n + i]!;
      applyRight(a, m, n, g, i + 1, i);
      gs.push(g);
      if (i < m - 1) {
        const h = columnReflector(i, i + 1);
        e[i + 1] = a[(i + 1) * n + i]!;
        applyLeft(a, m, n, h, i + 1, i + 1);
        hs.push(h);
      }
    }
  }
  return { d, e, hs, gs, lower: m < n };
}

/** C := H C on rows where v is nonzero, for columns c0.. of the rows×cols row-major C. */
function applyLeft(c: Float64Array, rows: number, cols: number, h: Reflector, _r0: number, c0: number): void {
  if (h.tau === 0) return;
  const v = h.v;
  for (let j = c0; j < cols; j++) {
    let s = 0;
    for (let i = 0; i < rows; i++) if (v[i] !== 0) s += v[i]! * c[i * cols + j]!;
    if (s === 0) continue;
    s *= h.tau;
    for (let i = 0; i < rows; i++) if (v[i] !== 0) c[i * cols + j]! -= s * v[i]!;
  }
}

/** C := C G for rows r0.. of the rows×cols row-major C. */
function applyRight(c: Float64Array, rows: number, cols: number, g: Reflector, r0: number, _c0: number): void {
  if (g.tau === 0) return;
  const v = g.v;
  for (let i = r0; i < rows; i++) {
    let s = 0;
    for (let j = 0; j < cols; j++) if (v[j] !== 0) s += c[i * cols + j]! * v[j]!;
    if (s === 0) continue;
    s *= g.tau;
    for (let j = 0; j < cols; j++) if (v[j] !== 0) c[i * cols + j]! -= s * v[j]!;
  }
}

/** dlas2: singular values of [[f, g], [0, h]]. */
function singular2x2(f: number, g: number, h: number): { ssmin: number; ssmax: number } {
  const fa = Math.abs(f);
  const ga = Math.abs(g);
  const ha = Math.abs(h);
  const fhmn = Math.min(fa, ha);
  const fhmx = Math.max(fa, ha);
  if (fhmn === 0) {
    if (fhmx === 0) return { ssmin: 0, ssmax: ga };
    const mx = Math.max(fhmx, ga);
    const mn = Math.min(fhmx, ga);
    return { ssmin: 0, ssmax: mx * Math.sqrt(1 + (mn / mx) ** 2) };
  }
  if (ga < fhmx) {
    const as = 1 + fhmn / fhmx;
    const at = (fhmx - fhmn) / fhmx;
    const au = (ga / fhmx) ** 2;
    const c = 2 / (Math.sqrt(as * as + au) + Math.sqrt(at * at + au));
    return { ssmin: fhmn * c, ssmax: fhmx / c };
  }
  const au = fhmx / ga;
  if (au === 0) return { ssmin: (fhmn * fhmx) / ga, ssmax: ga };
  const as = 1 + fhmn / fhmx;
  const at = (fhmx - fhmn) / fhmx;
  const c = 1 / (Math.sqrt(1 + (as * au) ** 2) + Math.sqrt(1 + (at * au) ** 2));
  const ssmin = fhmn * c * au;
  return { ssmin: ssmin + ssmin, ssmax: ga / (c + c) };
}

/** dlasv2: SVD of [[f, g], [0, h]] with LAPACK's signs. */
function svd2x2(f: number, g: number, h: number): { ssmin: number; ssmax: number; snr: number; csr: number; snl: number; csl: number } {
  let ft = f;
  let fa = Math.abs(ft);
  let ht = h;
  let ha = Math.abs(h);
  let pmax = 1;
  const swap = ha > fa;
  if (swap) {
    pmax = 3;
    [ft, ht] = [ht, ft];
    [fa, ha] = [ha, fa];
  }
  const gt = g;
  const ga = Math.abs(gt);
  let ssmin: number;
  let ssmax: number;
  let clt: number;
  let crt: number;
  let slt: number;
  let srt: number;
  if (ga === 0) {
    ssmin = ha;
    ssmax = fa;
    clt = 1;
    crt = 1;
    slt = 0;
    srt = 0;
  } else {
    let gasmal = true;
    ssmin = 0;
    ssmax = 0;
    clt = 1;
    crt = 1;
    slt = 0;
    srt = 0;
    if (ga > fa) {
      pmax = 2;
      if (fa / ga < EPS) {
        gasmal = false;
        ssmax = ga;
        ssmin = ha > 1 ? fa / (ga / ha) : (fa / ga) * ha;
        clt = 1;
        slt = ht / gt;
        srt = 1;
        crt = ft / gt;
      }
    }
    if (gasmal) {
      const dd = fa - ha;
      let l = dd === fa ? 1 : dd / fa;
      const mm0 = gt / ft;
      let t = 2 - l;
      const mm = mm0 * mm0;
      const tt = t * t;
      const s = Math.sqrt(tt + mm);
      const r = l === 0 ? Math.abs(mm0) : Math.sqrt(l * l + mm);
      const aa = 0.5 * (s + r);
      ssmin = ha / aa;
      ssmax = fa * aa;
      if (mm === 0) {
        if (l === 0) t = fsign(2, ft) * fsign(1, gt);
        else t = gt / fsign(dd, ft) + mm0 / t;
      } else {
        t = (mm0 / (s + t) + mm0 / (r + l)) * (1 + aa);
      }
      l = Math.sqrt(t * t + 4);
      crt = 2 / l;
      srt = t / l;
      clt = (crt + srt * mm0) / aa;
      slt = ((ht / ft) * srt) / aa;
    }
  }
  let csl: number;
  let snl: number;
  let csr: number;
  let snr: number;
  if (swap) {
    csl = srt;
    snl = crt;
    csr = slt;
    snr = clt;
  } else {
    csl = clt;
    snl = slt;
    csr = crt;
    snr = srt;
  }
  let tsign = 1;
  if (pmax === 1) tsign = fsign(1, csr) * fsign(1, csl) * fsign(1, f);
  if (pmax === 2) tsign = fsign(1, snr) * fsign(1, csl) * fsign(1, g);
  if (pmax === 3) tsign = fsign(1, snr) * fsign(1, snl) * fsign(1, h);
  ssmax = fsign(ssmax, tsign);
  ssmin = fsign(ssmin, tsign * fsign(1, f) * fsign(1, h));
  return { ssmin, ssmax, snr, csr, snl, csl };
}

/**
 * bdsqr on the upper bidiagonal (d, e) (1-based, n), accumulating into vt (n×ncvt: rows are
 * right vectors) and u (nru×n: columns are left vectors). Returns 0 or the number of
 * off-diagonals that failed to converge.
 */
function bidiagonalQr(n: number, d: Float64Array, e: Float64Array, vt: Float64Array, ncvt: number, u: Float64Array, nru: number, rotate: Rotate): number {
  if (n === 0) return 0;
  const maxitr = 6;
  if (n > 1) {
    const nm1 = n - 1;
    const nm12 = nm1 + nm1;
    const nm13 = nm12 + nm1;
    const work = new Float64Array(4 * n + 1);
    const eps = EPS;
    const unfl = SAFMIN;
    const tolmul = Math.max(10, Math.min(100, eps ** -0.125));
    const tol = tolmul * eps;
    let smax = 0;
    for (let i = 1; i <= n; i++) smax = Math.max(smax, Math.abs(d[i]!));
    for (let i = 1; i <= n - 1; i++) smax = Math.max(smax, Math.abs(e[i]!));
    let sminoa = Math.abs(d[1]!);
    if (sminoa !== 0) {
      let mu = sminoa;
      for (let i = 2; i <= n; i++) {
        mu = Math.abs(d[i]!) * (mu / (mu + Math.abs(e[i - 1]!)));
        sminoa = Math.min(sminoa, mu);
        if (sminoa === 0) break;
      }
    }
    sminoa = sminoa / Math.sqrt(n);
    const thresh = Math.max(tol * sminoa, maxitr * (n * (n * unfl)));
    const maxitdivn = maxitr * n;
    let iterdivn = 0;
    let iter = -1;
    let oldll = -1;
    let oldm = -1;
    let idir = 0;
    let m = n;
    let sminl = 0;

    // Row rotations of vt (dlasr 'L', 'V') and column rotations of u (dlasr 'R', 'V').
    const rotVtRows = (first: number, count: number, cOff: number, sOff: number, forward: boolean): void => {
      if (ncvt === 0) return;
      const step = (j: number): void => {
        const ct = work[cOff + j]!;
        const st = work[sOff + j]!;
        if (ct === 1 && st === 0) return;
        const r1 = (first + j - 1) * ncvt;
        const r2 = (first + j) * ncvt;
        for (let i = 0; i < ncvt; i++) {
          const temp = vt[r2 + i]!;
          vt[r2 + i] = ct * temp - st * vt[r1 + i]!;
          vt[r1 + i] = st * temp + ct * vt[r1 + i]!;
        }
      };
      if (forward) for (let j = 0; j < count - 1; j++) step(j);
      else for (let j = count - 2; j >= 0; j--) step(j);
    };
    const rotUCols = (first: number, count: number, cOff: number, sOff: number, forward: boolean): void => {
      if (nru === 0) return;
      const step = (j: number): void => {
        const ct = work[cOff + j]!;
        const st = work[sOff + j]!;
        if (ct === 1 && st === 0) return;
        const c1 = first + j - 1;
        const c2 = first + j;
        for (let i = 0; i < nru; i++) {
          const temp = u[i * n + c2]!;
          u[i * n + c2] = ct * temp - st * u[i * n + c1]!;
          u[i * n + c1] = st * temp + ct * u[i * n + c1]!;
        }
      };
      if (forward) for (let j = 0; j < count - 1; j++) step(j);
      else for (let j = count - 2; j >= 0; j--) step(j);
    };

    mainLoop: while (m > 1) {
      if (iter >= n) {
        iter -= n;
        iterdivn++;
        if (iterdivn >= maxitdivn) {
          let info = 0;
          for (let i = 1; i <= n - 1; i++) if (e[i] !== 0) info++;
          return info;
        }
      }
      // Find the diagonal block to work on.
      smax = Math.abs(d[m]!);
      let ll = 0;
      let split = false;
      for (let lll = 1; lll <= m - 1; lll++) {
        ll = m - lll;
        const abss = Math.abs(d[ll]!);
        const abse = Math.abs(e[ll]!);
        if (abse <= thresh) {
          split = true;
          break;
        }
        smax = Math.max(smax, abss, abse);
      }
      if (split) {
        e[ll] = 0;
        if (ll === m - 1) {
          m--;
          continue mainLoop;
        }
      } else ll = 0;
      ll++;
      if (ll === m - 1) {
        const r = svd2x2(d[m - 1]!, e[m - 1]!, d[m]!);
        d[m - 1] = r.ssmax;
        e[m - 1] = 0;
        d[m] = r.ssmin;
        if (ncvt > 0) {
          const r1 = (m - 2) * ncvt;
          const r2 = (m - 1) * ncvt;
          for (let i = 0; i < ncvt; i++) {
            const x = vt[r1 + i]!;
            const y = vt[r2 + i]!;
            vt[r1 + i] = r.csr * x + r.snr * y;
            vt[r2 + i] = r.csr * y - r.snr * x;
          }
        }
        if (nru > 0) {
          for (let i = 0; i < nru; i++) {
            const x = u[i * n + m - 2]!;
            const y = u[i * n + m - 1]!;
            u[i * n + m - 2] = r.csl * x + r.snl * y;
            u[i * n + m - 1] = r.csl * y - r.snl * x;
          }
        }
        m -= 2;
        continue mainLoop;
      }
      // A new submatrix: chase the bulge from the larger end.
      if (ll > oldm || m < oldll) idir = Math.abs(d[ll]!) >= Math.abs(d[m]!) ? 1 : 2;
      if (idir === 1) {
        if (Math.abs(e[m - 1]!) <= Math.abs(tol) * Math.abs(d[m]!)) {
          e[m - 1] = 0;
          continue mainLoop;
        }
        let mu = Math.abs(d[ll]!);
        sminl = mu;
        for (let lll = ll; lll <= m - 1; lll++) {
          if (Math.abs(e[lll]!) <= tol * mu) {
            e[lll] = 0;
            continue mainLoop;
          }
          mu = Math.abs(d[lll + 1]!) * (mu / (mu + Math.abs(e[lll]!)));
          sminl = Math.min(sminl, mu);
        }
      } else {
        if (Math.abs(e[ll]!) <= Math.abs(tol) * Math.abs(d[ll]!)) {
          e[ll] = 0;
          continue mainLoop;
        }
        let mu = Math.abs(d[m]!);
        sminl = mu;
        for (let lll = m - 1; lll >= ll; lll--) {
          if (Math.abs(e[lll]!) <= tol * mu) {
            e[lll] = 0;
            continue mainLoop;
          }
          mu = Math.abs(d[lll]!) * (mu / (mu + Math.abs(e[lll]!)));
          sminl = Math.min(sminl, mu);
        }
      }
      oldll = ll;
      oldm = m;
      // Shift: zero when it would spoil relative accuracy, else from the trailing 2×2.
      let shift: number;
      if (n * tol * (sminl / smax) <= Math.max(eps, 0.01 * tol)) shift = 0;
      else {
        let sll: number;
        if (idir === 1) {
          sll = Math.abs(d[ll]!);
          shift = singular2x2(d[m - 1]!, e[m - 1]!, d[m]!).ssmin;
        } else {
          sll = Math.abs(d[m]!);
          shift = singular2x2(d[ll]!, e[ll]!, d[ll + 1]!).ssmin;
        }
        if (sll > 0 && (shift / sll) ** 2 < eps) shift = 0;
      }
      iter += m - ll;
      if (shift === 0) {
        if (idir === 1) {
          let cs = 1;
          let oldcs = 1;
          let sn = 0;
          let oldsn = 0;
          for (let i = ll; i <= m - 1; i++) {
            const r1 = rotate(d[i]! * cs, e[i]!);
            cs = r1.c;
            sn = r1.s;
            if (i > ll) e[i - 1] = oldsn * r1.r;
            const r2 = rotate(oldcs * r1.r, d[i + 1]! * sn);
            oldcs = r2.c;
            oldsn = r2.s;
            d[i] = r2.r;
            work[i - ll + 1] = cs;
            work[i - ll + 1 + nm1] = sn;
            work[i - ll + 1 + nm12] = oldcs;
            work[i - ll + 1 + nm13] = oldsn;
          }
          const h = d[m]! * cs;
          d[m] = h * oldcs;
          e[m - 1] = h * oldsn;
          rotVtRows(ll, m - ll + 1, 1, n, true);
          rotUCols(ll, m - ll + 1, nm12 + 1, nm13 + 1, true);
          if (Math.abs(e[m - 1]!) <= thresh) e[m - 1] = 0;
        } else {
          let cs = 1;
          let oldcs = 1;
          let sn = 0;
          let oldsn = 0;
          for (let i = m; i >= ll + 1; i--) {
            const r1 = rotate(d[i]! * cs, e[i - 1]!);
            cs = r1.c;
            sn = r1.s;
            if (i < m) e[i] = oldsn * r1.r;
            const r2 = rotate(oldcs * r1.r, d[i - 1]! * sn);
            oldcs = r2.c;
            oldsn = r2.s;
            d[i] = r2.r;
            work[i - ll] = cs;
            work[i - ll + nm1] = -sn;
            work[i - ll + nm12] = oldcs;
            work[i - ll + nm13] = -oldsn;
          }
          const h = d[ll]! * cs;
          d[ll] = h * oldcs;
          e[ll] = h * oldsn;
          rotVtRows(ll, m - ll + 1, nm12 + 1, nm13 + 1, false);
          rotUCols(ll, m - ll + 1, 1, n, false);
          if (Math.abs(e[ll]!) <= thresh) e[ll] = 0;
        }
      } else if (idir === 1) {
        let f = (Math.abs(d[ll]!) - shift) * (fsign(1, d[ll]!) + shift / d[ll]!);
        let g = e[ll]!;
        for (let i = ll; i <= m - 1; i++) {
          const rr = rotate(f, g);
          const cosr = rr.c;
          const sinr = rr.s;
          if (i > ll) e[i - 1] = rr.r;
          f = cosr * d[i]! + sinr * e[i]!;
          e[i] = cosr * e[i]! - sinr * d[i]!;
          g = sinr * d[i + 1]!;
          d[i + 1] = cosr * d[i + 1]!;
          const rl = rotate(f, g);
          const cosl = rl.c;
          const sinl = rl.s;
          d[i] = rl.r;
          f = cosl * e[i]! + sinl * d[i + 1]!;
          d[i + 1] = cosl * d[i + 1]! - sinl * e[i]!;
          if (i < m - 1) {
            g = sinl * e[i + 1]!;
            e[i + 1] = cosl * e[i + 1]!;
          }
          work[i - ll + 1] = cosr;
          work[i - ll + 1 + nm1] = sinr;
          work[i - ll + 1 + nm12] = cosl;
          work[i - ll + 1 + nm13] = sinl;
        }
        e[m - 1] = f;
        rotVtRows(ll, m - ll + 1, 1, n, true);
        rotUCols(ll, m - ll + 1, nm12 + 1, nm13 + 1, true);
        if (Math.abs(e[m - 1]!) <= thresh) e[m - 1] = 0;
      } else {
        let f = (Math.abs(d[m]!) - shift) * (fsign(1, d[m]!) + shift / d[m]!);
        let g = e[m - 1]!;
        for (let i = m; i >= ll + 1; i--) {
          const rr = rotate(f, g);
          const cosr = rr.c;
          const sinr = rr.s;
          if (i < m) e[i] = rr.r;
          f = cosr * d[i]! + sinr * e[i - 1]!;
          e[i - 1] = cosr * e[i - 1]! - sinr * d[i]!;
          g = sinr * d[i - 1]!;
          d[i - 1] = cosr * d[i - 1]!;
          const rl = rotate(f, g);
          const cosl = rl.c;
          const sinl = rl.s;
          d[i] = rl.r;
          f = cosl * e[i - 1]! + sinl * d[i - 1]!;
          d[i - 1] = cosl * d[i - 1]! - sinl * e[i - 1]!;
          if (i > ll + 1) {
            g = sinl * e[i - 2]!;
            e[i - 2] = cosl * e[i - 2]!;
          }
          work[i - ll] = cosr;
          work[i - ll + nm1] = -sinr;
          work[i - ll + nm12] = cosl;
          work[i - ll + nm13] = -sinl;
        }
        e[ll] = f;
        if (Math.abs(e[ll]!) <= thresh) e[ll] = 0;
        rotVtRows(ll, m - ll + 1, nm12 + 1, nm13 + 1, false);
        rotUCols(ll, m - ll + 1, 1, n, false);
      }
    }
  }
  // Make the singular values positive (flipping rows of vt), then sort them decreasing.
  for (let i = 1; i <= n; i++) {
    if (d[i]! < 0) {
      d[i] = -d[i]!;
      for (let j = 0; j < ncvt; j++) vt[(i - 1) * ncvt + j] = -vt[(i - 1) * ncvt + j]!;
    }
  }
  for (let i = 1; i <= n - 1; i++) {
    let isub = 1;
    let smin = d[1]!;
    for (let j = 2; j <= n + 1 - i; j++) {
      if (d[j]! <= smin) {
        isub = j;
        smin = d[j]!;
      }
    }
    const last = n + 1 - i;
    if (isub !== last) {
      d[isub] = d[last]!;
      d[last] = smin;
      for (let j = 0; j < ncvt; j++) {
        const t = vt[(isub - 1) * ncvt + j]!;
        vt[(isub - 1) * ncvt + j] = vt[(last - 1) * ncvt + j]!;
        vt[(last - 1) * ncvt + j] = t;
      }
      for (let r = 0; r < nru; r++) {
        const t = u[r * n + isub - 1]!;
        u[r * n + isub - 1] = u[r * n + last - 1]!;
        u[r * n + last - 1] = t;
      }
    }
  }
  return 0;
}

/**
 * bdsdc('U' or 'L', 'I') for k <= 25: singular vectors of the bidiagonal B = Ub diag(s) VTb
 * (k×k each); a lower B is first rotated to upper, as bdsdc does. Null when bdsqr fails.
 */
function bidiagonalSvd(b: Bidiagonal, k: number, rotate: Rotate): { s: Float64Array; ub: Float64Array; vtb: Float64Array } | null {
  const d = b.d.slice();
  const e = b.e.slice();
  const ub = new Float64Array(k * k);
  const vtb = new Float64Array(k * k);
  if (k === 1) {
    ub[0] = fsign(1, d[1]!);
    vtb[0] = 1;
    return { s: Float64Array.of(Math.abs(d[1]!)), ub, vtb };
  }
  for (let i = 0; i < k; i++) {
    ub[i * k + i] = 1;
    vtb[i * k + i] = 1;
  }
  const cs = new Float64Array(k);
  const sn = new Float64Array(k);
  if (b.lower) {
    for (let i = 1; i <= k - 1; i++) {
      const r = rotate(d[i]!, e[i]!);
      d[i] = r.r;
      e[i] = r.s * d[i + 1]!;
      d[i + 1] = r.c * d[i + 1]!;
      cs[i] = r.c;
      sn[i] = -r.s;
    }
  }
  if (bidiagonalQr(k, d, e, vtb, k, ub, k, rotate) !== 0) return null;
  if (b.lower) {
    // dlasr('L', 'V', 'F'): undo the lower-to-upper rotations on the rows of Ub.
    for (let j = k - 1; j >= 1; j--) {
      const ct = cs[j]!;
      const st = sn[j]!;
      if (ct === 1 && st === 0) continue;
      for (let i = 0; i < k; i++) {
        const temp = ub[j * k + i]!;
        ub[j * k + i] = ct * temp - st * ub[(j - 1) * k + i]!;
        ub[(j - 1) * k + i] = st * temp + ct * ub[(j - 1) * k + i]!;
      }
    }
  }
  const s = new Float64Array(k);
  for (let i = 0; i < k; i++) s[i] = d[i + 1]!;
  return { s, ub, vtb };
}

export interface GesddResult {
  /** m×uCols row-major, uCols = m (full) or k. */
  u: Float64Array;
  s: Float64Array;
  /** vhRows×n row-major, vhRows = n (full) or k. */
  vh: Float64Array;
}

/** gesdd's square core: the SVD of a k×k (or m×n with the given shape) matrix by gebrd + bdsqr. */
function direct(a: Float64Array, m: number, n: number, full: boolean, rotate: Rotate): GesddResult | null {
  const k = Math.min(m, n);
  const w = a.slice();
  const b = bidiagonalize(w, m, n);
  const core = bidiagonalSvd(b, k, rotate);
  if (!core) return null;
  const uCols = full ? m : k;
  const vhRows = full ? n : k;
  // U = Q [Ub 0; 0 I]; Vh = [VTb 0; 0 I] Pᵀ.
  const u = new Float64Array(m * uCols);
  for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) u[i * uCols + j] = core.ub[i * k + j]!;
  for (let i = k; i < Math.min(m, uCols); i++) u[i * uCols + i] = 1;
  for (let i = b.hs.length - 1; i >= 0; i--) applyLeft(u, m, uCols, b.hs[i]!, 0, 0);
  const vh = new Float64Array(vhRows * n);
  for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) vh[i * n + j] = core.vtb[i * k + j]!;
  for (let i = k; i < Math.min(n, vhRows); i++) vh[i * n + i] = 1;
  for (let i = b.gs.length - 1; i >= 0; i--) applyRight(vh, vhRows, n, b.gs[i]!, 0, 0);
  return { u, s: core.s, vh };
}

/**
 * The SVD of one m×n float64 matrix with LAPACK gesdd's steps (jobz "A" when `full`, else
 * "S"). Null when the bidiagonal QR does not converge (the caller falls back to Jacobi).
 */
export function gesdd(a: Float64Array, m: number, n: number, full: boolean, rotations: RotationConvention): GesddResult | null {
  const rotate: Rotate = rotations === "classic" ? givensClassic : givens;
  const k = Math.min(m, n);
  if (k === 0) {
    const u = new Float64Array(m * (full ? m : 0));
    const vh = new Float64Array((full ? n : 0) * n);
    if (full) {
      for (let i = 0; i < m; i++) u[i * m + i] = 1;
      for (let i = 0; i < n; i++) vh[i * n + i] = 1;
    }
    return { u, s: new Float64Array(0), vh };
  }
  const mnthr = Math.floor((k * 11) / 6);
  if (m >= n && m >= mnthr) {
    // QR first: A = Q R, then the SVD of R.
    const w = a.slice();
    const tau = householderQrInPlace(w, m, n);
    const r = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = i; j < n; j++) r[i * n + j] = w[i * n + j]!;
    const inner = direct(r, n, n, false, rotate);
    if (!inner) return null;
    const uCols = full ? m : n;
    const q = formQ(w, m, n, tau, uCols);
    const u = new Float64Array(m * uCols);
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let t = 0; t < n; t++) s += q[i * uCols + t]! * inner.u[t * n + j]!;
        u[i * uCols + j] = s;
      }
      for (let j = n; j < uCols; j++) u[i * uCols + j] = q[i * uCols + j]!;
    }
    return { u, s: inner.s, vh: inner.vh };
  }
  if (m < n && n >= mnthr) {
    // LQ first: A = L Q (the transpose of a QR of Aᵀ), then the SVD of L.
    const w = transpose(a, m, n);
    const tau = householderQrInPlace(w, n, m);
    const l = new Float64Array(m * m);
    for (let i = 0; i < m; i++) for (let j = 0; j <= i; j++) l[i * m + j] = w[j * m + i]!;
    const inner = direct(l, m, m, false, rotate);
    if (!inner) return null;
    const vhRows = full ? n : m;
    const qt = formQ(w, n, m, tau, vhRows); // n×vhRows: its transpose holds the rows of Q
    const vh = new Float64Array(vhRows * n);
    for (let i = 0; i < vhRows; i++) {
      for (let j = 0; j < n; j++) {
        if (i < m) {
          let s = 0;
          for (let t = 0; t < m; t++) s += inner.vh[i * m + t]! * qt[j * vhRows + t]!;
          vh[i * n + j] = s;
        } else vh[i * n + j] = qt[j * vhRows + i]!;
      }
    }
    return { u: inner.u, s: inner.s, vh };
  }
  return direct(a, m, n, full, rotate);
}

