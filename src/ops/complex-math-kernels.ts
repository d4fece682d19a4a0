// Elementary functions of one complex number (re, im) -> [re, im], computed in double precision
// (a complex64 result is rounded when stored). Principal branches as C99/std::complex; the forms
// avoid the cancellations of the textbook formulas where that is cheap (sqrt, asinh, tanh).

export type Pair = [number, number];

export function cmul(a: number, b: number, c: number, d: number): Pair { return [a * c - b * d, a * d + b * c]; }
/** The textbook quotient, as PyTorch's vectorised CPU kernels (1/0 is nan+nanj there too). */
export function cdiv(a: number, b: number, c: number, d: number): Pair {
  const den = c * c + d * d;
  return [(a * c + b * d) / den, (b * c - a * d) / den];
}

export function cexp(a: number, b: number): Pair {
  const e = Math.exp(a);
  return b === 0 ? [e, b] : [e * Math.cos(b), e * Math.sin(b)];
}
export function clog(a: number, b: number): Pair { return [Math.log(Math.hypot(a, b)), Math.atan2(b, a)]; }

/** Whether the sign bit of x is set (-0 too): the side of a branch cut a zero imaginary part is on. */
const negative = (x: number): boolean => x < 0 || Object.is(x, -0);

export function csqrt(a: number, b: number): Pair {
  if (b === Infinity || b === -Infinity) return [Infinity, b];
  const r = Math.hypot(a, b);
  if (r === 0) return [0, b];
  if (a >= 0) {
    const t = Math.sqrt((r + a) / 2);
    return [t, b / (2 * t)];
  }
  const t = Math.sqrt((r - a) / 2);
  return [Math.abs(b) / (2 * t), negative(b) ? -t : t];
}
export function crsqrt(a: number, b: number): Pair { const [c, d] = csqrt(a, b); return cdiv(1, 0, c, d); }
export function creciprocal(a: number, b: number): Pair { return cdiv(1, 0, a, b); }

// On the axes the other part is exactly 0 (C99's rule): no inf * 0 = NaN from the product forms.
export function csin(a: number, b: number): Pair {
  if (b === 0) return [Math.sin(a), b];
  if (a === 0) return [a, Math.sinh(b)];
  return [Math.sin(a) * Math.cosh(b), Math.cos(a) * Math.sinh(b)];
}
export function ccos(a: number, b: number): Pair {
  if (b === 0) return [Math.cos(a), -b];
  if (a === 0) return [Math.cosh(b), -a];
  return [Math.cos(a) * Math.cosh(b), -Math.sin(a) * Math.sinh(b)];
}
export function csinh(a: number, b: number): Pair {
  if (b === 0) return [Math.sinh(a), b];
  if (a === 0) return [a, Math.sin(b)];
  return [Math.sinh(a) * Math.cos(b), Math.cosh(a) * Math.sin(b)];
}
export function ccosh(a: number, b: number): Pair {
  if (b === 0) return [Math.cosh(a), b];
  if (a === 0) return [Math.cos(b), a];
  return [Math.cosh(a) * Math.cos(b), Math.sinh(a) * Math.sin(b)];
}

/** tanh(a+ib) = (sinh 2a + i sin 2b) / (cosh 2a + cos 2b); past |a| = 20 the real part is ±1. */
export function ctanh(a: number, b: number): Pair {
  if (b === 0) return [Math.tanh(a), b];
  if (a === 0) return [a, Math.tan(b)];
  if (Math.abs(a) > 20) return [Math.sign(a), 4 * Math.sin(b) * Math.cos(b) * Math.exp(-2 * Math.abs(a))];
  const den = Math.cosh(2 * a) + Math.cos(2 * b);
  return [Math.sinh(2 * a) / den, Math.sin(2 * b) / den];
}
/** tan z = -i tanh(iz). */
export function ctan(a: number, b: number): Pair { const [p, q] = ctanh(-b, a); return [q, -p]; }

/** asinh z = log(z + sqrt(z^2 + 1)), on the right half-plane (odd: the left one by symmetry, no cancellation). */
export function casinh(a: number, b: number): Pair {
  if (b === 0) return [Math.asinh(a), b];
  if (a < 0 || (a === 0 && b < 0)) { const [p, q] = casinh(-a, -b); return [-p, -q]; }
  const [s, t] = csqrt(a * a - b * b + 1, 2 * a * b);
  return clog(a + s, b + t);
}
/** asin z = -i asinh(iz). */
export function casin(a: number, b: number): Pair { const [p, q] = casinh(-b, a); return [q, -p]; }
/** acos z = pi/2 - asin z. */
export function cacos(a: number, b: number): Pair { const [p, q] = casin(a, b); return [Math.PI / 2 - p, -q]; }
/** acosh z = log(z + sqrt(z + 1) sqrt(z - 1)). */
export function cacosh(a: number, b: number): Pair {
  const [p, q] = csqrt(a + 1, b), [r, s] = csqrt(a - 1, b);
  const [u, v] = cmul(p, q, r, s);
  return clog(a + u, b + v);
}
/** atanh z = (log(1 + z) - log(1 - z)) / 2. */
export function catanh(a: number, b: number): Pair {
  const [p, q] = clog(1 + a, b), [r, s] = clog(1 - a, -b);
  return [(p - r) / 2, (q - s) / 2];
}
/** atan z = -i atanh(iz). */
export function catan(a: number, b: number): Pair { const [p, q] = catanh(-b, a); return [q, -p]; }

/** sigmoid z = 1 / (1 + exp(-z)). */
export function csigmoid(a: number, b: number): Pair { const [e, f] = cexp(-a, -b); return cdiv(1, 0, 1 + e, f); }

/** sinc z = sin(pi z) / (pi z), 1 at 0. */
export function csinc(a: number, b: number): Pair {
  if (a === 0 && b === 0) return [1, 0];
  const [p, q] = csin(Math.PI * a, Math.PI * b);
  return cdiv(p, q, Math.PI * a, Math.PI * b);
}

/** x ** y as exp(y log x); 0 ** y is 0 when Re y > 0 (std::pow), as PyTorch. */
export function cpow(a: number, b: number, c: number, d: number): Pair {
  if (a === 0 && b === 0 && c > 0) return [0, 0];
  const [l, m] = clog(a, b);
  const [p, q] = cmul(c, d, l, m);
  return cexp(p, q);
}
