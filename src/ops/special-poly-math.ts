// The orthogonal polynomials of torch.special (Chebyshev T/U/V/W and their shifted forms, Hermite
// H/He, Laguerre L, Legendre P) at (x, n), in double precision. As PyTorch's CPU kernels: n is
// truncated to an integer (a negative or non-finite n gives 0), the three-term recurrence runs
// up to n, and inside (-1, 1) a high degree uses the closed trigonometric form instead.

/** C's cast of a double to int64 as x86 does it: NaN and out-of-range values become INT64_MIN (negative). */
function degree(n: number): number {
  if (!(Math.abs(n) < 9223372036854775807)) return -1;
  return Math.trunc(n);
}

/** The recurrence p_{k+1} = 2y p_k - p_{k-1} from p_0 = 1, p_1 = first, up to degree n. */
function chebyshevRecurrence(y2: number, first: number, n: number): number {
  let p = 1, q = first;
  for (let k = 2; k <= n; k++) {
    const r = y2 * q - p;
    p = q;
    q = r;
  }
  return q;
}

function chebyshevT(x: number, n: number): number {
  if (n < 0) return 0;
  if (Math.abs(x) === 1) return x > 0 || n % 2 === 0 ? 1 : -1;
  if (n > 6 && Math.abs(x) < 1) return Math.cos(n * Math.acos(x));
  if (n === 0) return 1;
  if (n === 1) return x;
  return chebyshevRecurrence(x + x, x, n);
}

function chebyshevU(x: number, n: number): number {
  if (n < 0) return 0;
  if (Math.abs(x) === 1) return x > 0 || n % 2 === 0 ? n + 1 : -(n + 1);
  if (n > 8 && Math.abs(x) < 1) {
    const t = Math.acos(x);
    if (Math.sin(t) !== 0) return Math.sin((n + 1) * t) / Math.sin(t);
    return ((n + 1) * Math.cos((n + 1) * t)) / x;
  }
  if (n === 0) return 1;
  if (n === 1) return x + x;
  return chebyshevRecurrence(x + x, x + x, n);
}

function chebyshevV(x: number, n: number): number {
  if (n < 0) return 0;
  if (Math.abs(x) === 1) {
    if (x > 0) return 1;
    return n % 2 === 0 ? n + n + 1 : -(n + n + 1);
  }
  if (n > 8 && Math.abs(x) < 1) {
    const t = Math.acos(x);
    if (Math.sin(t / 2) !== 1) return Math.cos((n + 0.5) * t) / Math.cos(t / 2);
    return n % 2 === 0 ? n + n + 1 : -(n + n + 1);
  }
  if (n === 0) return 1;
  if (n === 1) return x + x - 1;
  return chebyshevRecurrence(x + x, x + x - 1, n);
}

function chebyshevW(x: number, n: number): number {
  if (n < 0) return 0;
  if (Math.abs(x) === 1) {
    if (x > 0) return n + n + 1;
    return n % 2 === 0 ? 1 : -1;
  }
  if (n > 8 && Math.abs(x) < 1) {
    const t = Math.acos(x);
    if (Math.cos(t / 2) !== 1) return Math.sin((n + 0.5) * t) / Math.sin(t / 2);
    if (x > 0) return n + n + 1;
    return n % 2 === 0 ? 1 : -1;
  }
  if (n === 0) return 1;
  if (n === 1) return x + x + 1;
  return chebyshevRecurrence(x + x, x + x + 1, n);
}

// The shifted polynomials T*(x) = T(2x - 1), ...: their own special points (x = 0, 1) and a lower
// degree threshold for the closed form, as PyTorch's kernels have them.
function shiftedChebyshevT(x: number, n: number): number {
  if (n < 0) return 0;
  if (x === 1) return 1;
  if (x === 0) return n % 2 === 0 ? 1 : -1;
  const y = x + x - 1;
  if (n > 6 && Math.abs(y) < 1) return Math.cos(n * Math.acos(y));
  if (n === 0) return 1;
  if (n === 1) return y;
  return chebyshevRecurrence(y + y, y, n);
}

function shiftedChebyshevU(x: number, n: number): number {
  if (n < 0) return 0;
  if (x === 1) return n + 1;
  if (x === 0) return n % 2 === 0 ? n + 1 : -(n + 1);
  const y = x + x - 1;
  if (n > 6 && Math.abs(y) < 1) {
    const t = Math.acos(y);
    if (Math.sin(t) !== 0) return Math.sin((n + 1) * t) / Math.sin(t);
    return ((n + 1) * Math.cos((n + 1) * t)) / y;
  }
  if (n === 0) return 1;
  if (n === 1) return y + y;
  return chebyshevRecurrence(y + y, y + y, n);
}

function shiftedChebyshevV(x: number, n: number): number {
  if (n < 0) return 0;
  if (x === 1) return 1;
  if (x === 0) return n % 2 === 0 ? n + n + 1 : -(n + n + 1);
  const y = x + x - 1;
  if (n > 6 && Math.abs(y) < 1) {
    const t = Math.acos(y);
    if (Math.sin(t / 2) !== 1) return Math.cos((n + 0.5) * t) / Math.cos(t / 2);
    return n % 2 === 0 ? n + n + 1 : -(n + n + 1);
  }
  if (n === 0) return 1;
  if (n === 1) return y + y - 1;
  return chebyshevRecurrence(y + y, y + y - 1, n);
}

function shiftedChebyshevW(x: number, n: number): number {
  if (n < 0) return 0;
  if (x === 1) return n + n + 1;
  if (x === 0) return n % 2 === 0 ? 1 : -1;
  const y = x + x - 1;
  if (n > 4 && Math.abs(y) < 1) {
    const t = Math.acos(y);
    if (Math.cos(t / 2) !== 1) return Math.sin((n + 0.5) * t) / Math.sin(t / 2);
    return n % 2 === 0 ? 1 : -1;
  }
  if (n === 0) return 1;
  if (n === 1) return y + y + 1;
  return chebyshevRecurrence(y + y, y + y + 1, n);
}

/** Physicists' Hermite: H_{k+1} = 2x H_k - 2k H_{k-1}. */
function hermiteH(x: number, n: number): number {
  if (n < 0) return 0;
  if (n === 0) return 1;
  if (n === 1) return x + x;
  let p = 1, q = x + x;
  for (let k = 2; k < n + n; k += 2) {
    const r = (x + x) * q - k * p;
    p = q;
    q = r;
  }
  return q;
}

/** Probabilists' Hermite: He_{k+1} = x He_k - k He_{k-1}. */
function hermiteHe(x: number, n: number): number {
  if (n < 0) return 0;
  if (n === 0) return 1;
  if (n === 1) return x;
  let p = 1, q = x;
  for (let k = 1; k < n; k++) {
    const r = x * q - k * p;
    p = q;
    q = r;
  }
  return q;
}

function laguerreL(x: number, n: number): number {
  if (n < 0) return 0;
  if (x === 0) return 1;
  if (n === 0) return 1;
  if (n === 1) return 1 - x;
  let p = 1, q = 1 - x;
  for (let k = 1; k < n; k++) {
    const r = ((k + k + (1 - x)) * q - k * p) / (k + 1);
    p = q;
    q = r;
  }
  return q;
}

function legendreP(x: number, n: number): number {
  if (n < 0) return 0;
  if (Math.abs(x) === 1) return x > 0 || n % 2 === 0 ? 1 : -1;
  if (n === 0) return 1;
  if (n === 1) return x;
  let p = 1, q = x;
  for (let k = 1; k < n; k++) {
    const r = ((k + k + 1) * x * q - k * p) / (k + 1);
    p = q;
    q = r;
  }
  return q;
}

type Poly = (x: number, n: number) => number;
const withDegree = (f: Poly): Poly => (x, n) => f(x, degree(n));

export const POLYNOMIALS = {
  chebyshev_polynomial_t: withDegree(chebyshevT),
  chebyshev_polynomial_u: withDegree(chebyshevU),
  chebyshev_polynomial_v: withDegree(chebyshevV),
  chebyshev_polynomial_w: withDegree(chebyshevW),
  shifted_chebyshev_polynomial_t: withDegree(shiftedChebyshevT),
  shifted_chebyshev_polynomial_u: withDegree(shiftedChebyshevU),
  shifted_chebyshev_polynomial_v: withDegree(shiftedChebyshevV),
  shifted_chebyshev_polynomial_w: withDegree(shiftedChebyshevW),
  hermite_polynomial_h: withDegree(hermiteH),
  hermite_polynomial_he: withDegree(hermiteHe),
  laguerre_polynomial_l: withDegree(laguerreL),
  legendre_polynomial_p: withDegree(legendreP),
} as const;
export type PolynomialName = keyof typeof POLYNOMIALS;
