// Exact float arithmetic for tests that check one rounding bit for bit: doubles as m * 2^e with
// BigInt mantissas, sums of products computed exactly and rounded once.

const view = new DataView(new ArrayBuffer(8));

/** x = m * 2^e exactly (x finite). */
export function decompose(x: number): [bigint, number] {
  view.setFloat64(0, x);
  const hi = view.getUint32(0), lo = view.getUint32(4);
  const biased = (hi >>> 20) & 0x7ff;
  let m = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  if (biased !== 0) m |= 1n << 52n;
  const e = biased === 0 ? -1074 : biased - 1075;
  return [x < 0 ? -m : m, e];
}

/** n * 2^e rounded to `bits` significant bits, ties to even (normal results: the test data's). */
export function roundBits(n: bigint, e: number, bits: number): number {
  const neg = n < 0n;
  let m = neg ? -n : n;
  const len = m.toString(2).length;
  if (len > bits) {
    const shift = BigInt(len - bits);
    const q = m >> shift, rem = m - (q << shift), half = 1n << (shift - 1n);
    m = rem > half || (rem === half && (q & 1n) === 1n) ? q + 1n : q;
    e += len - bits;
  }
  const v = Number(m) * 2 ** e;
  return neg ? -v : v;
}

/** The sum of the products (each a list of factors) computed exactly, rounded once to `bits` bits. */
export function roundedSum(products: readonly (readonly number[])[], bits: number): number {
  const terms = products.map((factors) => factors.map(decompose).reduce(([m, e], [m2, e2]) => [m * m2, e + e2] as [bigint, number], [1n, 0] as [bigint, number]));
  const e = Math.min(...terms.map(([, te]) => te));
  return roundBits(terms.reduce((s, [m, te]) => s + (m << BigInt(te - e)), 0n), e, bits);
}
