// Right eigenvectors of a real upper quasi-triangular Schur form T, back-transformed by the
// Schur vectors, as LAPACK dtrevc3 (side 'R', howmny 'B'): for each eigenvalue, from the last
// one up, x is fixed to 1 (or, for a complex pair, to LAPACK's choice of x[k-1], x[k]) and the
// rest found by back-substitution with dlaln2's perturbed small pivots and overflow scaling.
// Each vector is left scaled so that its largest entry (|re| + |im| for a pair) is 1.
// 1-based indices through `at(i, j)`, as in LAPACK, keep the translation checkable.

import { SAFMIN, complexDivide } from "./linalg-common.js";
import { ULP } from "./linalg-balance.js";

interface SmallSolve {
  /** X column-major as LAPACK's X(2,2): [x11, x21, x12, x22]; x12/x22 are imaginary parts. */
  x: [number, number, number, number];
  scale: number;
  xnorm: number;
}

// dlaln2's complete-pivoting tables for the 2×2 C stored column-major as crv[0..3].
const PIVOT = [
  [0, 1, 2, 3],
  [1, 0, 3, 2],
  [2, 3, 0, 1],
  [3, 2, 1, 0],
];
const ROW_SWAP = [false, true, false, true];
const SOL_SWAP = [false, false, true, true];

/**
 * dlaln2 with ca = 1, d = I, no transpose: solves (A - (wr + i wi)) X = scale B for a 1×1 or 2×2
 * A (`na`), a real (nw = 1) or complex (nw = 2) right-hand side b = [b11, b21, b12, b22]
 * (column-major, imaginary parts in the second column). Pivots below smin are replaced by smin.
 */
function solveSmall(na: 1 | 2, nw: 1 | 2, smin: number, a: [number, number, number, number], b: [number, number, number, number], wr: number, wi: number): SmallSolve {
  const smlnum = 2 * SAFMIN;
  const bignum = 1 / smlnum;
  const smini = Math.max(smin, smlnum);
  let scale = 1;
  if (na === 1) {
    if (nw === 1) {
      let csr = a[0] - wr;
      let cnorm = Math.abs(csr);
      if (cnorm < smini) {
        csr = smini;
        cnorm = smini;
      }
      const bnorm = Math.abs(b[0]);
      if (cnorm < 1 && bnorm > 1 && bnorm > bignum * cnorm) scale = 1 / bnorm;
      const x11 = (b[0] * scale) / csr;
      return { x: [x11, 0, 0, 0], scale, xnorm: Math.abs(x11) };
    }
    let csr = a[0] - wr;
    let csi = -wi;
    let cnorm = Math.abs(csr) + Math.abs(csi);
    if (cnorm < smini) {
      csr = smini;
      csi = 0;
      cnorm = smini;
    }
    const bnorm = Math.abs(b[0]) + Math.abs(b[2]);
    if (cnorm < 1 && bnorm > 1 && bnorm > bignum * cnorm) scale = 1 / bnorm;
    const [xr, xi] = complexDivide(scale * b[0], scale * b[2], csr, csi);
    return { x: [xr, 0, xi, 0], scale, xnorm: Math.abs(xr) + Math.abs(xi) };
  }
  // 2×2: a = [a11, a21, a12, a22] column-major; C = A - w.
  const crv = [a[0] - wr, a[1], a[2], a[3] - wr];
  if (nw === 1) {
    let cmax = 0;
    let icmax = -1;
    for (let j = 0; j < 4; j++) {
      if (Math.abs(crv[j]) > cmax) {
        cmax = Math.abs(crv[j]);
        icmax = j;
      }
    }
    if (cmax < smini) {
      const bnorm = Math.max(Math.abs(b[0]), Math.abs(b[1]));
      if (smini < 1 && bnorm > 1 && bnorm > bignum * smini) scale = 1 / bnorm;
      const temp = scale / smini;
      return { x: [temp * b[0], temp * b[1], 0, 0], scale, xnorm: temp * bnorm };
    }
    const ur11 = crv[icmax];
    const cr21 = crv[PIVOT[icmax][1]];
    const ur12 = crv[PIVOT[icmax][2]];
    const cr22 = crv[PIVOT[icmax][3]];
    const ur11r = 1 / ur11;
    const lr21 = ur11r * cr21;
    let ur22 = cr22 - ur12 * lr21;
    if (Math.abs(ur22) < smini) ur22 = smini;
    let br1 = ROW_SWAP[icmax] ? b[1] : b[0];
    let br2 = ROW_SWAP[icmax] ? b[0] : b[1];
    br2 -= lr21 * br1;
    const bbnd = Math.max(Math.abs(br1 * (ur22 * ur11r)), Math.abs(br2));
    if (bbnd > 1 && Math.abs(ur22) < 1 && bbnd >= bignum * Math.abs(ur22)) scale = 1 / bbnd;
    const xr2 = (br2 * scale) / ur22;
    const xr1 = scale * br1 * ur11r - xr2 * (ur11r * ur12);
    const x: [number, number, number, number] = SOL_SWAP[icmax] ? [xr2, xr1, 0, 0] : [xr1, xr2, 0, 0];
    let xnorm = Math.max(Math.abs(xr1), Math.abs(xr2));
    if (xnorm > 1 && cmax > 1 && xnorm > bignum / cmax) {
      const temp = cmax / bignum;
      x[0] *= temp;
      x[1] *= temp;
      xnorm *= temp;
      scale *= temp;
    }
    return { x, scale, xnorm };
  }
  const civ = [-wi, 0, 0, -wi];
  let cmax = 0;
  let icmax = -1;
  for (let j = 0; j < 4; j++) {
    if (Math.abs(crv[j]) + Math.abs(civ[j]) > cmax) {
      cmax = Math.abs(crv[j]) + Math.abs(civ[j]);
      icmax = j;
    }
  }
  if (cmax < smini) {
    const bnorm = Math.max(Math.abs(b[0]) + Math.abs(b[2]), Math.abs(b[1]) + Math.abs(b[3]));
    if (smini < 1 && bnorm > 1 && bnorm > bignum * smini) scale = 1 / bnorm;
    const temp = scale / smini;
    return { x: [temp * b[0], temp * b[1], temp * b[2], temp * b[3]], scale, xnorm: temp * bnorm };
  }
  const ur11 = crv[icmax];
  const ui11 = civ[icmax];
  const cr21 = crv[PIVOT[icmax][1]];
  const ci21 = civ[PIVOT[icmax][1]];
  const ur12 = crv[PIVOT[icmax][2]];
  const ui12 = civ[PIVOT[icmax][2]];
  const cr22 = crv[PIVOT[icmax][3]];
  const ci22 = civ[PIVOT[icmax][3]];
  let ur11r: number;
  let ui11r: number;
  let lr21: number;
  let li21: number;
  let ur12s: number;
  let ui12s: number;
  let ur22: number;
  let ui22: number;
  if (icmax === 0 || icmax === 3) {
    // The off-diagonals of the pivoted C are real.
    if (Math.abs(ur11) > Math.abs(ui11)) {
      const temp = ui11 / ur11;
      ur11r = 1 / (ur11 * (1 + temp * temp));
      ui11r = -temp * ur11r;
    } else {
      const temp = ur11 / ui11;
      ui11r = -1 / (ui11 * (1 + temp * temp));
      ur11r = -temp * ui11r;
    }
    lr21 = cr21 * ur11r;
    li21 = cr21 * ui11r;
    ur12s = ur12 * ur11r;
    ui12s = ur12 * ui11r;
    ur22 = cr22 - ur12 * lr21;
    ui22 = ci22 - ur12 * li21;
  } else {
    // The diagonals of the pivoted C are real.
    ur11r = 1 / ur11;
    ui11r = 0;
    lr21 = cr21 * ur11r;
    li21 = ci21 * ur11r;
    ur12s = ur12 * ur11r;
    ui12s = ui12 * ur11r;
    ur22 = cr22 - ur12 * lr21 + ui12 * li21;
    ui22 = -ur12 * li21 - ui12 * lr21;
  }
  const u22abs = Math.abs(ur22) + Math.abs(ui22);
  if (u22abs < smini) {
    ur22 = smini;
    ui22 = 0;
  }
  let br1: number;
  let br2: number;
  let bi1: number;
  let bi2: number;
  if (ROW_SWAP[icmax]) {
    br2 = b[0];
    br1 = b[1];
    bi2 = b[2];
    bi1 = b[3];
  } else {
    br1 = b[0];
    br2 = b[1];
    bi1 = b[2];
    bi2 = b[3];
  }
  br2 = br2 - lr21 * br1 + li21 * bi1;
  bi2 = bi2 - li21 * br1 - lr21 * bi1;
  const bbnd = Math.max((Math.abs(br1) + Math.abs(bi1)) * (u22abs * (Math.abs(ur11r) + Math.abs(ui11r))), Math.abs(br2) + Math.abs(bi2));
  if (bbnd > 1 && u22abs < 1 && bbnd >= bignum * u22abs) {
    scale = 1 / bbnd;
    br1 *= scale;
    bi1 *= scale;
    br2 *= scale;
    bi2 *= scale;
  }
  const [xr2, xi2] = complexDivide(br2, bi2, ur22, ui22);
  const xr1 = ur11r * br1 - ui11r * bi1 - ur12s * xr2 + ui12s * xi2;
  const xi1 = ui11r * br1 + ur11r * bi1 - ui12s * xr2 - ur12s * xi2;
  const x: [number, number, number, number] = SOL_SWAP[icmax] ? [xr2, xr1, xi2, xi1] : [xr1, xr2, xi1, xi2];
  let xnorm = Math.max(Math.abs(xr1) + Math.abs(xi1), Math.abs(xr2) + Math.abs(xi2));
  if (xnorm > 1 && cmax > 1 && xnorm > bignum / cmax) {
    const temp = cmax / bignum;
    for (let t = 0; t < 4; t++) x[t] *= temp;
    xnorm *= temp;
    scale *= temp;
  }
  return { x, scale, xnorm };
}

/**
 * dtrevc3 'R', 'B': overwrites the Schur vectors `vr` (row-major n×n) with the right
 * eigenvectors of the quasi-triangular `t`, in LAPACK's real format (a complex pair k-1, k holds
 * the real part in column k-1 and the imaginary part in column k).
 */
export function schurEigenvectors(t: Float64Array, n: number, vr: Float64Array): void {
  const at = (i: number, j: number): number => (i - 1) * n + (j - 1);
  const smlnum = SAFMIN * (n / ULP);
  const bignum = (1 - ULP) / smlnum;
  // 1-norms of the strictly upper columns, to foresee overflow in the solves.
  const colNorm = new Float64Array(n + 1);
  for (let j = 2; j <= n; j++) for (let i = 1; i < j; i++) colNorm[j] += Math.abs(t[at(i, j)]);
  const xr = new Float64Array(n + 1);
  const xi = new Float64Array(n + 1);
  const column = new Float64Array(n);
  const scaleTo = (x: Float64Array, upto: number, s: number): void => {
    for (let k = 1; k <= upto; k++) x[k] *= s;
  };
  let ip = 0;
  for (let ki = n; ki >= 1; ki--) {
    if (ip === -1) {
      ip = 1;
      continue;
    }
    ip = ki === 1 || t[at(ki, ki - 1)] === 0 ? 0 : -1;
    const wr = t[at(ki, ki)];
    const wi = ip !== 0 ? Math.sqrt(Math.abs(t[at(ki, ki - 1)])) * Math.sqrt(Math.abs(t[at(ki - 1, ki)])) : 0;
    const smin = Math.max(ULP * (Math.abs(wr) + Math.abs(wi)), smlnum);
    if (ip === 0) {
      xr[ki] = 1;
      for (let k = 1; k < ki; k++) xr[k] = -t[at(k, ki)];
      let jnxt = ki - 1;
      for (let j = ki - 1; j >= 1; j--) {
        if (j > jnxt) continue;
        let j1 = j;
        jnxt = j - 1;
        if (j > 1 && t[at(j, j - 1)] !== 0) {
          j1 = j - 1;
          jnxt = j - 2;
        }
        if (j1 === j) {
          const r = solveSmall(1, 1, smin, [t[at(j, j)], 0, 0, 0], [xr[j], 0, 0, 0], wr, 0);
          let { scale } = r;
          if (r.xnorm > 1 && colNorm[j] > bignum / r.xnorm) {
            r.x[0] /= r.xnorm;
            scale /= r.xnorm;
          }
          if (scale !== 1) scaleTo(xr, ki, scale);
          xr[j] = r.x[0];
          for (let k = 1; k < j; k++) xr[k] -= r.x[0] * t[at(k, j)];
        } else {
          const a: [number, number, number, number] = [t[at(j - 1, j - 1)], t[at(j, j - 1)], t[at(j - 1, j)], t[at(j, j)]];
          const r = solveSmall(2, 1, smin, a, [xr[j - 1], xr[j], 0, 0], wr, 0);
          let { scale } = r;
          if (r.xnorm > 1 && Math.max(colNorm[j - 1], colNorm[j]) > bignum / r.xnorm) {
            r.x[0] /= r.xnorm;
            r.x[1] /= r.xnorm;
            scale /= r.xnorm;
          }
          if (scale !== 1) scaleTo(xr, ki, scale);
          xr[j - 1] = r.x[0];
          xr[j] = r.x[1];
          for (let k = 1; k < j - 1; k++) xr[k] -= r.x[0] * t[at(k, j - 1)];
          for (let k = 1; k < j - 1; k++) xr[k] -= r.x[1] * t[at(k, j)];
        }
      }
      // Back-transform: VR(:, ki) = VR(:, 1:ki-1) x(1:ki-1) + x(ki) VR(:, ki), then max-normalise.
      for (let r = 1; r <= n; r++) {
        let s = xr[ki] * vr[at(r, ki)];
        for (let k = 1; k < ki; k++) s += vr[at(r, k)] * xr[k];
        column[r - 1] = s;
      }
      let emax = 0;
      for (let r = 0; r < n; r++) if (Math.abs(column[r]) > emax) emax = Math.abs(column[r]);
      const remax = 1 / emax;
      for (let r = 1; r <= n; r++) vr[at(r, ki)] = column[r - 1] * remax;
      continue;
    }
    // A complex pair (ki-1, ki): solve [T(ki-1:ki, ki-1:ki) - (wr + i wi)] x = 0 first.
    if (Math.abs(t[at(ki - 1, ki)]) >= Math.abs(t[at(ki, ki - 1)])) {
      xr[ki - 1] = 1;
      xi[ki] = wi / t[at(ki - 1, ki)];
    } else {
      xr[ki - 1] = -wi / t[at(ki, ki - 1)];
      xi[ki] = 1;
    }
    xr[ki] = 0;
    xi[ki - 1] = 0;
    for (let k = 1; k <= ki - 2; k++) {
      xr[k] = -xr[ki - 1] * t[at(k, ki - 1)];
      xi[k] = -xi[ki] * t[at(k, ki)];
    }
    let jnxt = ki - 2;
    for (let j = ki - 2; j >= 1; j--) {
      if (j > jnxt) continue;
      let j1 = j;
      jnxt = j - 1;
      if (j > 1 && t[at(j, j - 1)] !== 0) {
        j1 = j - 1;
        jnxt = j - 2;
      }
      if (j1 === j) {
        const r = solveSmall(1, 2, smin, [t[at(j, j)], 0, 0, 0], [xr[j], 0, xi[j], 0], wr, wi);
        let { scale } = r;
        if (r.xnorm > 1 && colNorm[j] > bignum / r.xnorm) {
          r.x[0] /= r.xnorm;
          r.x[2] /= r.xnorm;
          scale /= r.xnorm;
        }
        if (scale !== 1) {
          scaleTo(xr, ki, scale);
          scaleTo(xi, ki, scale);
        }
        xr[j] = r.x[0];
        xi[j] = r.x[2];
        for (let k = 1; k < j; k++) {
          xr[k] -= r.x[0] * t[at(k, j)];
          xi[k] -= r.x[2] * t[at(k, j)];
        }
      } else {
        const a: [number, number, number, number] = [t[at(j - 1, j - 1)], t[at(j, j - 1)], t[at(j - 1, j)], t[at(j, j)]];
        const r = solveSmall(2, 2, smin, a, [xr[j - 1], xr[j], xi[j - 1], xi[j]], wr, wi);
        let { scale } = r;
        if (r.xnorm > 1 && Math.max(colNorm[j - 1], colNorm[j]) > bignum / r.xnorm) {
          const rec = 1 / r.xnorm;
          for (let q = 0; q < 4; q++) r.x[q] *= rec;
          scale *= rec;
        }
        if (scale !== 1) {
          scaleTo(xr, ki, scale);
          scaleTo(xi, ki, scale);
        }
        xr[j - 1] = r.x[0];
        xr[j] = r.x[1];
        xi[j - 1] = r.x[2];
        xi[j] = r.x[3];
        for (let k = 1; k < j - 1; k++) xr[k] -= r.x[0] * t[at(k, j - 1)];
        for (let k = 1; k < j - 1; k++) xr[k] -= r.x[1] * t[at(k, j)];
        for (let k = 1; k < j - 1; k++) xi[k] -= r.x[2] * t[at(k, j - 1)];
        for (let k = 1; k < j - 1; k++) xi[k] -= r.x[3] * t[at(k, j)];
      }
    }
    const realPart = new Float64Array(n);
    for (let r = 1; r <= n; r++) {
      let s = xr[ki - 1] * vr[at(r, ki - 1)];
      let u = xi[ki] * vr[at(r, ki)];
      for (let k = 1; k <= ki - 2; k++) {
        s += vr[at(r, k)] * xr[k];
        u += vr[at(r, k)] * xi[k];
      }
      realPart[r - 1] = s;
      column[r - 1] = u;
    }
    let emax = 0;
    for (let r = 0; r < n; r++) emax = Math.max(emax, Math.abs(realPart[r]) + Math.abs(column[r]));
    const remax = 1 / emax;
    for (let r = 1; r <= n; r++) {
      vr[at(r, ki - 1)] = realPart[r - 1] * remax;
      vr[at(r, ki)] = column[r - 1] * remax;
    }
  }
}
