// The general eigendecomposition kernels (LAPACK dgeev/zgeev's path) against Debian's PyTorch 1.13
// (OpenBLAS's LAPACK: test/fixtures/linalg/geev.py), eigenvectors compared exactly as LAPACK
// orders and normalises them; then the defining properties on random matrices.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { geev, geevComplex } from "../src/backends/js/linalg-geev.js";

interface Case {
  name: string;
  n: number;
  complex: boolean;
  phase: boolean;
  a: [number, number][];
  w: [number, number][];
  v: [number, number][];
}

const { cases } = JSON.parse(readFileSync(new URL("./fixtures/linalg/geev.json", import.meta.url), "utf8")) as { cases: Case[] };

function run(c: Case, withVectors: boolean, rotations: "classic" | "lapack310" = "lapack310"): { w: Float64Array; v: Float64Array | null; info: number } {
  const n = c.n;
  const w = new Float64Array(2 * n);
  const v = withVectors ? new Float64Array(2 * n * n) : null;
  const infos = c.complex
    ? geevComplex(Float64Array.from(c.a.flat()), n, 1, w, v)
    : geev(Float64Array.from(c.a.map((p) => p[0])), n, 1, w, v, rotations);
  return { w, v, info: infos[0] };
}

function assertClose(actual: ArrayLike<number>, expected: number[], tol: number, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < expected.length; i++) {
    assert.ok(Math.abs(actual[i] - expected[i]) <= tol, `${what}[${i}]: ${actual[i]} vs ${expected[i]}`);
  }
}

/** Column j of v equals column j of ref times some unit complex number. */
function assertSameUpToPhase(v: Float64Array, ref: number[], n: number, tol: number, what: string): void {
  for (let j = 0; j < n; j++) {
    // phase = <ref_j, v_j> (unit for unit vectors that agree up to phase)
    let pr = 0;
    let pi = 0;
    for (let r = 0; r < n; r++) {
      const p = 2 * (r * n + j);
      pr += ref[p] * v[p] + ref[p + 1] * v[p + 1];
      pi += ref[p] * v[p + 1] - ref[p + 1] * v[p];
    }
    for (let r = 0; r < n; r++) {
      const p = 2 * (r * n + j);
      const er = ref[p] * pr - ref[p + 1] * pi;
      const ei = ref[p] * pi + ref[p + 1] * pr;
      assert.ok(Math.abs(v[p] - er) <= tol && Math.abs(v[p + 1] - ei) <= tol, `${what}: column ${j} row ${r}`);
    }
  }
}

for (const c of cases) {
  test(`geev ${c.name} (${c.complex ? "complex" : "real"} ${c.n}x${c.n}) matches LAPACK`, () => {
    const { w, v, info } = run(c, true);
    assert.equal(info, 0);
    const scale = Math.max(1, ...c.w.flat().map(Math.abs));
    assertClose(w, c.w.flat(), 1e-10 * scale, "eigenvalues");
    if (c.phase) assertSameUpToPhase(v!, c.v.flat(), c.n, 1e-10, "eigenvectors");
    else assertClose(v!, c.v.flat(), 1e-10, "eigenvectors");
    // Eigenvalues alone (dhseqr 'E': only the active block is transformed) agree too.
    const alone = run(c, false);
    assertClose(alone.w, c.w.flat(), 1e-10 * scale, "eigenvalues without vectors");
  });
}

test("geev: the pre-3.10 dlartg ('classic') may flip a complex pair's sign, nothing else", () => {
  let flipped = 0;
  for (const c of cases.filter((x) => !x.complex && x.n > 0)) {
    const a = run(c, true, "lapack310").v!;
    const b = run(c, true, "classic").v!;
    const n = c.n;
    for (let j = 0; j < n; j++) {
      let same = true;
      let negated = true;
      for (let r = 0; r < n; r++) {
        for (const k of [0, 1]) {
          const p = 2 * (r * n + j) + k;
          if (Math.abs(a[p] - b[p]) > 1e-14) same = false;
          if (Math.abs(a[p] + b[p]) > 1e-14) negated = false;
        }
      }
      assert.ok(same || negated, `${c.name} column ${j}`);
      if (!same) flipped++;
    }
  }
  assert.ok(flipped > 0, "the two conventions should differ somewhere in the fixtures");
});

test("geev: batched, float32 input and output, eigenvalues only", () => {
  const r4 = cases.find((c) => c.name === "random4")!;
  const r3 = cases.find((c) => c.name === "rotation3")!;
  // A and 2A in one batch: same eigenvectors, doubled eigenvalues.
  const a = new Float32Array(2 * 16);
  const src = r4.a.map((p) => p[0]);
  a.set(src, 0);
  a.set(src.map((x) => 2 * x), 16);
  const w = new Float32Array(2 * 4 * 2);
  const v = new Float32Array(2 * 16 * 2);
  const infos = geev(a, 4, 2, w, v, "lapack310");
  assert.deepEqual(Array.from(infos), [0, 0]);
  // The inputs were rounded to float32 first, so compare at float32's precision.
  assertClose(w.subarray(0, 8), r4.w.flat(), 1e-5, "batch 0 eigenvalues");
  assertClose(w.subarray(8), r4.w.flat().map((x) => 2 * x), 2e-5, "batch 1 eigenvalues (2A)");
  assertClose(v.subarray(0, 32), r4.v.flat(), 1e-5, "batch 0 eigenvectors");
  assertClose(v.subarray(32), r4.v.flat(), 1e-5, "batch 1 eigenvectors (same as A's)");
  const onlyValues = new Float64Array(6);
  geev(Float64Array.from(r3.a.map((p) => p[0])), 3, 1, onlyValues, null);
  assertClose(onlyValues, r3.w.flat(), 1e-12, "eigenvalues only");
});

/** A deterministic generator, so that the property tests are repeatable. */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32 - 0.5;
  };
}

test("geev/geevComplex: A v = λ v, unit columns, largest entry real, pairs conjugate (n up to 40)", () => {
  const rand = lcg(7);
  for (const n of [1, 2, 3, 7, 13, 25, 40]) {
    for (const complex of [false, true]) {
      const re = Array.from({ length: n * n }, rand);
      const im = complex ? Array.from({ length: n * n }, rand) : re.map(() => 0);
      const w = new Float64Array(2 * n);
      const v = new Float64Array(2 * n * n);
      const info = complex ? geevComplex(Float64Array.from(re.flatMap((x, i) => [x, im[i]])), n, 1, w, v) : geev(Float64Array.from(re), n, 1, w, v);
      assert.equal(info[0], 0);
      for (let j = 0; j < n; j++) {
        let norm = 0;
        let bestAt = 0;
        let best = -1;
        for (let r = 0; r < n; r++) {
          const m = v[2 * (r * n + j)] ** 2 + v[2 * (r * n + j) + 1] ** 2;
          norm += m;
          if (m > best + 1e-12) {
            best = m;
            bestAt = r;
          }
          // (A v)_r - λ v_r
          let sr = 0;
          let si = 0;
          for (let k = 0; k < n; k++) {
            const ar = re[r * n + k];
            const ai = im[r * n + k];
            const vr = v[2 * (k * n + j)];
            const vi = v[2 * (k * n + j) + 1];
            sr += ar * vr - ai * vi;
            si += ar * vi + ai * vr;
          }
          const lr = w[2 * j];
          const li = w[2 * j + 1];
          sr -= lr * v[2 * (r * n + j)] - li * v[2 * (r * n + j) + 1];
          si -= lr * v[2 * (r * n + j) + 1] + li * v[2 * (r * n + j)];
          assert.ok(Math.hypot(sr, si) < 1e-11 * n, `n=${n} complex=${complex}: residual of column ${j} row ${r}`);
        }
        assert.ok(Math.abs(norm - 1) < 1e-13, `n=${n}: column ${j} has norm² ${norm}`);
        assert.ok(Math.abs(v[2 * (bestAt * n + j) + 1]) < 1e-7, `n=${n}: largest entry of column ${j} is real`);
        if (complex) assert.ok(v[2 * (bestAt * n + j)] > 0, `n=${n}: zgeev makes the largest entry positive`);
        if (!complex && w[2 * j + 1] > 0) {
          assert.equal(w[2 * (j + 1)], w[2 * j]);
          assert.equal(w[2 * (j + 1) + 1], -w[2 * j + 1]);
          for (let r = 0; r < n; r++) {
            assert.equal(v[2 * (r * n + j + 1)], v[2 * (r * n + j)]);
            assert.equal(v[2 * (r * n + j + 1) + 1], -v[2 * (r * n + j) + 1]);
          }
        }
      }
    }
  }
});

test("geev: non-finite input gives NaN, bad sizes throw", () => {
  const w = new Float64Array(4);
  const v = new Float64Array(8);
  geev(Float64Array.from([NaN, 0, 0, 1]), 2, 1, w, v);
  assert.ok(Array.from(w).every(Number.isNaN) && Array.from(v).every(Number.isNaN), "NaN in, NaN out");
  geevComplex(Float64Array.from([Infinity, 0, 0, 0, 0, 0, 1, 0]), 2, 1, w, v);
  assert.ok(Array.from(w).every(Number.isNaN), "an infinity gives NaN eigenvalues");
  assert.throws(() => geev(new Float64Array(3), 2, 1, w, v), /linalg.eig: A holds 3 elements but 4 are needed/);
  assert.throws(() => geev(new Float64Array(4), 2, 1, new Float64Array(3), null), /eigenvalues holds 3/);
  assert.throws(() => geevComplex(new Float64Array(4), 2, 1, w, null), /A holds 4 elements but 8/);
});
