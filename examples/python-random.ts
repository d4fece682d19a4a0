// Python's `random` module, the part the tutorials use (random.seed(int), random.randint,
// random.choice), with CPython's exact stream: MT19937 seeded by init_by_array over the seed's
// 32-bit words, integers drawn by getrandbits with rejection (_randbelow_with_getrandbits). The
// ports need it to draw the same training examples as the Python originals; it is not part of
// torch (PyTorch's generator is seeded differently, by init_genrand).

const N = 624, M = 397;

export class PythonRandom {
  private readonly mt = new Uint32Array(N);
  private index = N;

  constructor(seed = 0) { this.seed(seed); }

  /** random.seed(a) for a non-negative integer a below 2^53. */
  seed(a: number): void {
    if (!Number.isSafeInteger(a)) throw new Error(`PythonRandom.seed: expected an integer, got ${a}`);
    a = Math.abs(a);
    const key: number[] = [];
    do { key.push(a % 0x100000000); a = Math.floor(a / 0x100000000); } while (a > 0);
    this.initByArray(key);
  }

  /** random.randint(a, b): an integer in [a, b], both ends included. */
  randint(a: number, b: number): number {
    if (!Number.isSafeInteger(a) || !Number.isSafeInteger(b) || b < a) throw new Error(`empty range for randrange() (${a}, ${b + 1}, ${b + 1 - a})`);
    return a + this.randbelow(b - a + 1);
  }

  /** random.choice(seq). */
  choice<T>(seq: readonly T[]): T {
    if (seq.length === 0) throw new Error("Cannot choose from an empty sequence");
    return seq[this.randbelow(seq.length)]!;
  }

  /** random.getrandbits(k) for 0 < k <= 32. */
  getrandbits(k: number): number {
    if (!(k > 0 && k <= 32)) throw new Error(`PythonRandom.getrandbits: k must be in 1..32, got ${k}`);
    return this.next32() >>> (32 - k);
  }

  private randbelow(n: number): number {
    if (n > 0x100000000) throw new Error(`PythonRandom: ranges above 2^32 are not supported (got ${n})`);
    const k = Math.floor(Math.log2(n)) + 1; // n.bit_length()
    let r = this.getrandbits(Math.min(k, 32));
    while (r >= n) r = this.getrandbits(Math.min(k, 32));
    return r;
  }

  private initGenrand(s: number): void {
    const mt = this.mt;
    mt[0] = s >>> 0;
    for (let i = 1; i < N; i++) mt[i] = Math.imul(1812433253, mt[i - 1]! ^ (mt[i - 1]! >>> 30)) + i;
    this.index = N;
  }

  private initByArray(key: number[]): void {
    const mt = this.mt;
    this.initGenrand(19650218);
    let i = 1, j = 0;
    for (let k = Math.max(N, key.length); k > 0; k--) {
      mt[i] = (mt[i]! ^ Math.imul(mt[i - 1]! ^ (mt[i - 1]! >>> 30), 1664525)) + key[j]! + j;
      i++; j++;
      if (i >= N) { mt[0] = mt[N - 1]!; i = 1; }
      if (j >= key.length) j = 0;
    }
    for (let k = N - 1; k > 0; k--) {
      mt[i] = (mt[i]! ^ Math.imul(mt[i - 1]! ^ (mt[i - 1]! >>> 30), 1566083941)) - i;
      i++;
      if (i >= N) { mt[0] = mt[N - 1]!; i = 1; }
    }
    mt[0] = 0x80000000;
    this.index = N;
  }

  private next32(): number {
    const mt = this.mt;
    if (this.index >= N) {
      for (let k = 0; k < N; k++) {
        const y = (mt[k]! & 0x80000000) | (mt[(k + 1) % N]! & 0x7fffffff);
        mt[k] = mt[(k + M) % N]! ^ (y >>> 1) ^ (y & 1 ? 0x9908b0df : 0);
      }
      this.index = 0;
    }
    let y = mt[this.index++]!;
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }
}
