// A complex number as a JS value: what item()/tolist() of a complex tensor return and what
// torch.tensor, full and the arithmetic ops take as a complex scalar (Python's complex).

export class Complex {
  constructor(readonly re: number, readonly im = 0) {
    if (typeof re !== "number" || typeof im !== "number") throw new TypeError(`Complex(re, im) takes two numbers, got ${typeof re}, ${typeof im}`);
  }
  /** Python's repr: (1+2j), -3j, (1-0j), (nan+infj). */
  toString(): string {
    const part = (v: number): string => (Number.isNaN(v) ? "nan" : v === Infinity ? "inf" : v === -Infinity ? "-inf" : Object.is(v, -0) ? "-0" : String(v));
    const im = part(this.im);
    if (this.re === 0 && !Object.is(this.re, -0)) return `${im}j`;
    const sign = im.startsWith("-") ? "" : "+";
    return `(${part(this.re)}${sign}${im}j)`;
  }
  [Symbol.for("nodejs.util.inspect.custom")](): string { return this.toString(); }
}

export function isComplexValue(v: unknown): v is Complex { return v instanceof Complex; }
