// isclose/allclose through the native kernel against the JS formula (float32 and float64, special
// values, equal_nan, zero and large tolerances, broadcasting, strided inputs) and PyTorch's
// answers at the edges; the wrapper's checks.
import { test } from "node:test";
import assert from "node:assert/strict";

import * as torch from "../src/index.js";
import type { Tensor } from "../src/core/tensor.js";
import { isclose } from "../src/backends/native/isclose.js";
import { nativeAndJs, rng, skipReason } from "../src/backends/native/test-support.js";

function same(got: Tensor, want: Tensor, what: string): void {
  assert.deepEqual(got.shape, want.shape, `${what}: shape`);
  assert.equal(got.dtype, want.dtype, `${what}: dtype`);
  assert.deepEqual(got.reshape(-1).tolist(), want.reshape(-1).tolist(), what);
}

const SPECIAL = [NaN, Infinity, -Infinity, 0, -0, 1e-9, 1e38, 1e-45];

test("native isclose/allclose match the JS formula", { skip: skipReason }, () => {
  const r = rng(3), n = 6000;
  const a = Array.from({ length: n }, (_, i) => (i % 97 === 0 ? SPECIAL[i % SPECIAL.length]! : r() * 10));
  // b: a nudged by relative and absolute amounts around the default tolerances, or specials.
  const b = a.map((v, i) => (i % 89 === 0 ? SPECIAL[(i * 7) % SPECIAL.length]! : v * (1 + r() * 4e-5) + r() * 4e-8));
  for (const dt of [torch.float32, torch.float64]) {
    const x = torch.tensor(a, { dtype: dt }).reshape(60, 100), y = torch.tensor(b, { dtype: dt }).reshape(60, 100);
    for (const opts of [{}, { equalNan: true }, { rtol: 0, atol: 0 }, { rtol: 0, atol: 0, equalNan: true }, { rtol: 1e-3, atol: 0 }, { rtol: 0, atol: 1e-3 }, { rtol: 0.5, atol: 2 }]) {
      const what = `${dt.name} ${JSON.stringify(opts)}`;
      const [p, q] = nativeAndJs(() => torch.isclose(x, y, opts));
      same(p, q, `isclose ${what}`);
      const [s, t] = nativeAndJs(() => torch.isclose(x.t(), y.t(), opts));
      same(s, t, `isclose transposed ${what}`);
      const [u, v] = nativeAndJs(() => torch.isclose(x, y.select(0, 3), opts));
      same(u, v, `isclose broadcast ${what}`);
      const [c, d] = nativeAndJs(() => [torch.allclose(x, y, opts), torch.allclose(x, x.clone(), opts)]);
      assert.deepEqual(c, d, `allclose ${what}`);
    }
  }
});

test("isclose at PyTorch's edge values (float32)", () => {
  const a = [1, Infinity, -Infinity, NaN, 0, -0, 1e-9, 1, Infinity, 1e30, 1.0000001];
  const b = [1, Infinity, Infinity, NaN, -0, 1e-9, 0, NaN, 1e38, 1.0000001e30, 1];
  const want: [object, boolean[]][] = [
    [{}, [true, true, false, false, true, true, true, false, false, true, true]],
    [{ equalNan: true }, [true, true, false, true, true, true, true, false, false, true, true]],
    [{ rtol: 0, atol: 0 }, [true, true, false, false, true, false, false, false, false, false, false]],
    [{ rtol: 0.5, atol: 2 }, [true, true, false, false, true, true, true, false, false, true, true]],
  ];
  // Repeated past the native threshold; the JS path checks the same under TORCH_TS_BACKEND=js.
  const x = torch.tensor(a).repeat(500), y = torch.tensor(b).repeat(500);
  for (const [opts, expected] of want) {
    const got = torch.isclose(x, y, opts).tolist() as boolean[];
    assert.deepEqual(got.slice(0, a.length), expected, JSON.stringify(opts));
    assert.deepEqual(got.slice(a.length * 499), expected, `${JSON.stringify(opts)} tail`);
  }
  assert.equal(torch.allclose(x, x.clone()), false); // NaN != NaN
  assert.equal(torch.allclose(x, x.clone(), { equalNan: true }), true);
});

test("native isclose checks its arguments", { skip: skipReason }, () => {
  const a = Float32Array.of(1, 2, 3), b = Float32Array.of(1, 2.5, NaN), out = new Uint8Array(3);
  isclose(a, b, out, 3, 0.1, 0, false);
  assert.deepEqual(Array.from(out), [1, 0, 0]);
  assert.throws(() => isclose(a, b, out, 4, 0, 0, false), /a holds 3 elements, 4 needed/);
  assert.throws(() => isclose(a, Float64Array.of(1, 2, 3) as unknown as Float32Array, out, 3, 0, 0, false), /expected b to be a Float32Array/);
  assert.throws(() => isclose(a, b, new Uint8Array(a.buffer, 0, 3), 3, 0, 0, false), /out overlaps a or b/);
});
