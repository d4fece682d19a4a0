// The native mask kernels (comparisons into bool bytes, where/masked_fill selects, bool/uint8
// sums, counts, any and all) against plain JS definitions, on every ISA the CPU runs: every
// element type, contiguous, scalar, broadcast and strided operands, NaN / -0 / inf / ties, odd
// lengths (vector tails) and sizes split over the threads; then the wrappers' argument checks,
// and the torch ops on the native path against the same ops with the kernel table set to "js".
import { test } from "node:test";
import assert from "node:assert/strict";

import * as torch from "../src/index.js";
import type { Tensor } from "../src/core/tensor.js";
import { kernels } from "../src/backends/kernels.js";
import * as native from "../src/backends/native/index.js";
import * as masks from "../src/backends/native/masks.js";
import { forEachIsa, rng, skipReason, nativeAndJs } from "../src/backends/native/test-support.js";

type Comparable = masks.ComparableArray;
type Ctor = { new (n: number): Comparable; readonly name: string };

const OPS: readonly masks.CompareOp[] = ["eq", "ne", "lt", "le", "gt", "ge"];
const CMP: Record<masks.CompareOp, (a: number | bigint, b: number | bigint) => boolean> = {
  eq: (a, b) => a === b, ne: (a, b) => a !== b, lt: (a, b) => a < b, le: (a, b) => a <= b, gt: (a, b) => a > b, ge: (a, b) => a >= b,
};
const CTORS: readonly Ctor[] = [Float32Array, Float64Array, Int8Array, Uint8Array, Int16Array, Int32Array, BigInt64Array];
/** Lengths around the vector widths, and above the threads' grain (2 x 32768). */
const LENGTHS = [1, 7, 15, 16, 17, 63, 64, 65, 129, 1000, 100_003];
const SPECIAL = [NaN, -0, 0, Infinity, -Infinity, 1, -1, 0.5];

/** Values with many ties (small integers) and, for floats, the special values. */
function values(ctor: Ctor, n: number, rand: () => number): Comparable {
  const a = new ctor(n);
  const float = a instanceof Float32Array || a instanceof Float64Array;
  for (let i = 0; i < n; i++) {
    const v = float && i % 5 === 0 ? SPECIAL[Math.floor((rand() + 0.5) * SPECIAL.length)]! : Math.round(rand() * 8);
    if (a instanceof BigInt64Array) a[i] = BigInt(v) * (i % 3 === 0 ? 1n << 40n : 1n);
    else if (a instanceof Uint8Array) a[i] = Math.abs(v);
    else a[i] = v;
  }
  return a;
}

/** Element (i_0, ...) of a strided operand of `shape`, by row-major index. */
function at(x: masks.StridedArray<Comparable>, shape: readonly number[], flat: number): number | bigint {
  let off = x.offset ?? 0;
  for (let d = shape.length - 1; d >= 0; d--) {
    off += (flat % shape[d]!) * x.strides[d]!;
    flat = Math.floor(flat / shape[d]!);
  }
  return x.data[off]!;
}

function checkCompare(what: string, shape: number[], a: masks.StridedArray<Comparable>, b: masks.StridedArray<Comparable>): void {
  const n = shape.reduce((p, s) => p * s, 1);
  for (const op of OPS) {
    const out = new Uint8Array(n + 2).fill(7);
    masks.compare(op, shape, a, b, out, 1);
    assert.equal(out[0], 7, `${what} ${op}: wrote before out`);
    assert.equal(out[n + 1], 7, `${what} ${op}: wrote past out`);
    for (let i = 0; i < n; i++) {
      const want = CMP[op](at(a, shape, i), at(b, shape, i)) ? 1 : 0;
      if (out[i + 1] !== want) assert.fail(`${what} ${op} at ${i}: ${String(at(a, shape, i))} vs ${String(at(b, shape, i))} gave ${out[i + 1]}`);
    }
  }
}

test("compare: contiguous, scalar and strided operands of every element type", { skip: skipReason }, () => {
  forEachIsa((isa) => {
    for (const ctor of CTORS) {
      for (const n of LENGTHS) {
        if (isa !== "avx512" && n > 2000) continue;  // the threaded size once is enough
        const rand = rng(n * 31 + ctor.name.length);
        const x = values(ctor, 2 * n + 1, rand), y = values(ctor, 2 * n + 1, rand);
        const what = `${isa} ${ctor.name} n=${n}`;
        checkCompare(`${what} contiguous`, [n], { data: x, offset: 1, strides: [1] }, { data: y, strides: [1] });
        checkCompare(`${what} scalar`, [n], { data: x, strides: [1] }, { data: y, offset: 3 % y.length, strides: [0] });
        checkCompare(`${what} scalar first`, [n], { data: x, offset: 5 % x.length, strides: [0] }, { data: y, strides: [1] });
        checkCompare(`${what} strided`, [n], { data: x, strides: [2] }, { data: y, offset: 1, strides: [2] });
      }
    }
  });
});

test("compare: broadcast rows and columns, transposed operands, 0-d and empty shapes", { skip: skipReason }, () => {
  forEachIsa((isa) => {
    for (const ctor of [Float32Array, Int32Array, BigInt64Array] as const) {
      const rand = rng(7);
      const [r, c] = [37, 129];
      const x = values(ctor, r * c, rand), row = values(ctor, c, rand), col = values(ctor, r, rand);
      const what = `${isa} ${ctor.name}`;
      checkCompare(`${what} row`, [r, c], { data: x, strides: [c, 1] }, { data: row, strides: [0, 1] });
      checkCompare(`${what} column`, [r, c], { data: x, strides: [c, 1] }, { data: col, strides: [1, 0] });
      checkCompare(`${what} transposed`, [c, r], { data: x, strides: [1, c] }, { data: x, offset: 0, strides: [1, c] });
      checkCompare(`${what} outer`, [r, c], { data: col, strides: [1, 0] }, { data: row, strides: [0, 1] });
      checkCompare(`${what} 3-d`, [r, 3, 43], { data: x, strides: [c, 43, 1] }, { data: row, strides: [0, 43, 1] });
      checkCompare(`${what} 0-d`, [], { data: x, strides: [] }, { data: row, offset: 2, strides: [] });
      checkCompare(`${what} empty`, [0, c], { data: x, strides: [c, 1] }, { data: row, strides: [0, 1] });
    }
  });
});

type Selectable = masks.SelectableArray;

function checkSelect(what: string, shape: number[], cond: masks.StridedArray<Uint8Array>, a: masks.StridedArray<Selectable>, b: masks.StridedArray<Selectable>): void {
  const n = shape.reduce((p, s) => p * s, 1);
  const ctor = a.data.constructor as new (n: number) => Selectable;
  const out = new ctor(n + 2);
  masks.select(shape, cond, a, b, out, 1);
  // Compare bits: NaN payloads must come through unchanged.
  const bits = (x: Selectable) => (x instanceof Float32Array ? new Int32Array(x.buffer, x.byteOffset, x.length) : x instanceof Float64Array ? new BigInt64Array(x.buffer, x.byteOffset, x.length) : x);
  const ob = bits(out);
  const ab = { ...a, data: bits(a.data) } as masks.StridedArray<Comparable>, bb = { ...b, data: bits(b.data) } as masks.StridedArray<Comparable>;
  for (let i = 0; i < n; i++) {
    const want = at(cond as masks.StridedArray<Comparable>, shape, i) !== 0 ? at(ab, shape, i) : at(bb, shape, i);
    if (ob[i + 1] !== want) assert.fail(`${what} at ${i}: got ${String(ob[i + 1])}, want ${String(want)}`);
  }
}

function randomBytes(n: number, rand: () => number, max = 1): Uint8Array {
  const m = new Uint8Array(n);
  for (let i = 0; i < n; i++) m[i] = rand() > 0 ? Math.floor((rand() + 0.5) * max) + (max > 1 ? 0 : 1) : 0;
  return m;
}

function selectData(ctor: new (n: number) => Selectable, n: number, rand: () => number): Selectable {
  const x = new ctor(n);
  for (let i = 0; i < n; i++) {
    const v = Math.round(rand() * 1000);
    if (x instanceof BigInt64Array) x[i] = BigInt(v) << 33n;
    else x[i] = v;
  }
  if (x instanceof Float32Array) new Int32Array(x.buffer)[0] = 0x7fc01234;  // a NaN with a payload
  if (x instanceof Float64Array) x[1 % n] = -0;
  return x;
}

test("select: every element width; contiguous, scalar, broadcast and strided operands; in place", { skip: skipReason }, () => {
  const ctors = [Uint8Array, Int8Array, Uint16Array, Int16Array, Float32Array, Int32Array, Float64Array, BigInt64Array] as const;
  forEachIsa((isa) => {
    for (const ctor of ctors) {
      for (const n of LENGTHS) {
        if (isa !== "avx512" && n > 2000) continue;
        const rand = rng(n + 3);
        const x = selectData(ctor, 2 * n, rand), y = selectData(ctor, 2 * n, rand);
        const c = randomBytes(2 * n, rand, n % 2 ? 1 : 200);  // uint8 conditions: any nonzero byte
        const what = `${isa} ${ctor.name} n=${n}`;
        checkSelect(`${what} contiguous`, [n], { data: c, strides: [1] }, { data: x, strides: [1] }, { data: y, offset: 1, strides: [1] });
        checkSelect(`${what} a scalar`, [n], { data: c, strides: [1] }, { data: x, strides: [0] }, { data: y, strides: [1] });
        checkSelect(`${what} b scalar`, [n], { data: c, strides: [1] }, { data: x, strides: [1] }, { data: y, offset: 1, strides: [0] });
        checkSelect(`${what} strided`, [n], { data: c, strides: [2] }, { data: x, strides: [2] }, { data: y, strides: [1] });
        checkSelect(`${what} one condition`, [n], { data: c, offset: 1, strides: [0] }, { data: x, strides: [1] }, { data: y, strides: [2] });
      }
      const rand = rng(11);
      const [r, k] = [33, 257];
      const x = selectData(ctor, r * k, rand), y = selectData(ctor, r * k, rand), row = randomBytes(k, rand), col = randomBytes(r, rand);
      const what = `${isa} ${ctor.name}`;
      checkSelect(`${what} mask over rows`, [r, k], { data: row, strides: [0, 1] }, { data: x, strides: [k, 1] }, { data: y, strides: [k, 1] });
      checkSelect(`${what} column mask`, [r, k], { data: col, strides: [1, 0] }, { data: x, strides: [k, 1] }, { data: y, strides: [0, 1] });
      checkSelect(`${what} transposed`, [k, r], { data: row, strides: [1, 0] }, { data: x, strides: [1, k] }, { data: y, offset: 3, strides: [0, 0] });
      // In place: out is b itself (masked_fill_).
      const self = selectData(ctor, r * k, rand), before = self.slice(), v = selectData(ctor, 1, rand);
      masks.select([r, k], { data: row, strides: [0, 1] }, { data: v, strides: [0, 0] }, { data: self, strides: [k, 1] }, self);
      for (let i = 0; i < r * k; i++) assert.equal(self[i], row[i % k] ? v[0] : before[i], `${what} in place at ${i}`);
    }
  });
});

function byteReference(op: masks.ByteReduceOp, x: Uint8Array, outer: number, size: number, inner: number): (number | bigint)[] {
  const out: (number | bigint)[] = [];
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      let sum = 0, count = 0;
      for (let s = 0; s < size; s++) {
        const v = x[(o * size + s) * inner + i]!;
        sum += v;
        count += v !== 0 ? 1 : 0;
      }
      out.push(op === "sum" ? BigInt(sum) : op === "countNonzero" ? BigInt(count) : op === "any" ? Number(count > 0) : Number(count === size));
    }
  }
  return out;
}

test("byteReduce: sums, counts, any and all over rows, columns and whole arrays", { skip: skipReason }, () => {
  const shapes: [number, number, number][] = [
    [1, 1, 1], [1, 63, 1], [1, 65, 1], [3, 1000, 1], [1, 300_001, 1], [2, 200_000, 1], [1000, 131, 1],
    [1, 100, 3], [7, 33, 65], [2, 300, 2500], [1, 5, 70_000], [4, 0, 3], [0, 4, 3],
  ];
  forEachIsa((isa) => {
    for (const [outer, size, inner] of shapes) {
      const n = outer * size * inner;
      if (isa !== "avx512" && n > 100_000) continue;
      const rand = rng(n + 1);
      for (const max of [1, 255]) {
        const x = randomBytes(n + 2, rand, max);
        if (max === 1 && size > 0) for (let i = 0; i < inner; i++) x[1 + i] = 1;  // a row that is all true
        for (const op of ["sum", "countNonzero", "any", "all"] as const) {
          const counts = op === "sum" || op === "countNonzero";
          const out = counts ? new BigInt64Array(outer * inner + 1) : new Uint8Array(outer * inner + 1);
          masks.byteReduce(op, x, out, outer, size, inner, 1, 1);
          const want = byteReference(op, x.subarray(1), outer, size, inner);
          const got = Array.from(out.subarray(1) as ArrayLike<number | bigint>);
          assert.deepEqual(got, want, `${isa} ${op} [${outer}, ${size}, ${inner}] max ${max}`);
        }
      }
    }
  });
});

test("byteReduce: any / all decided by the last byte of long rows", { skip: skipReason }, () => {
  forEachIsa((isa) => {
    for (const size of [1, 16_383, 16_384, 16_385, 100_001]) {
      for (const [outer, at] of [[1, size - 1], [3, 0], [3, size - 1]] as const) {
        const ones = new Uint8Array(outer * size).fill(1), zeros = new Uint8Array(outer * size);
        ones[(outer - 1) * size + at] = 0;
        zeros[(outer - 1) * size + at] = 1;
        const out = new Uint8Array(outer);
        const expect = (op: "any" | "all", x: Uint8Array, last: number) => {
          masks.byteReduce(op, x, out, outer, size, 1);
          const others = x === ones ? 1 : 0;  // rows left whole: all ones or all zeros
          const want = Array.from({ length: outer }, (_, r) => (r === outer - 1 ? last : others));
          assert.deepEqual(Array.from(out), want, `${isa} ${op} [${outer}, ${size}] flipped at ${at}`);
        };
        expect("all", ones, 0);
        expect("any", ones, size === 1 ? 0 : 1);
        expect("any", zeros, 1);
        expect("all", zeros, size === 1 ? 1 : 0);
      }
    }
  });
});

test("the same results on one thread as on the pool", { skip: skipReason }, () => {
  const n = 300_001, rand = rng(5);
  const x = values(Float32Array, n, rand), m = randomBytes(n, rand);
  const run = () => {
    const out = new Uint8Array(n), sel = new Float32Array(n), sum = new BigInt64Array(1);
    masks.compare("gt", [n], { data: x, strides: [1] }, { data: Float32Array.of(0), strides: [0] }, out);
    masks.select([n], { data: m, strides: [1] }, { data: x, strides: [1] }, { data: Float32Array.of(0), strides: [0] }, sel);
    masks.byteReduce("sum", out, sum, 1, n, 1);
    return [out, sel, sum] as const;
  };
  const pooled = run(), threads = native.getNumThreads();
  native.setNumThreads(1);
  try {
    const single = run();
    for (let i = 0; i < 3; i++) assert.deepEqual(single[i], pooled[i]);
  } finally {
    native.setNumThreads(threads);
  }
});

test("byteReduce on more threads than rows: rows shorter than a chunk", { skip: skipReason }, () => {
  const threads = native.getNumThreads();
  native.setNumThreads(8);
  try {
    const [outer, size] = [7, 40_000], x = randomBytes(outer * size, rng(9), 255);
    for (const op of ["sum", "countNonzero"] as const) {
      const out = new BigInt64Array(outer);
      masks.byteReduce(op, x, out, outer, size, 1);
      assert.deepEqual(Array.from(out), byteReference(op, x, outer, size, 1), op);
    }
  } finally {
    native.setNumThreads(threads);
  }
});

test("wrappers: bad arguments throw before the addon runs", { skip: skipReason }, () => {
  const f = new Float32Array(8), o = new Uint8Array(8);
  const s1 = { data: f, strides: [1] };
  assert.throws(() => masks.compare("xx" as masks.CompareOp, [8], s1, s1, o), /unknown op/);
  assert.throws(() => masks.compare("eq", [8], s1, { data: new Float64Array(8), strides: [1] } as unknown as typeof s1, o), /Float32Array like a/);
  assert.throws(() => masks.compare("eq", [8], { data: new Uint16Array(8), strides: [1] } as unknown as typeof s1, s1, o), /typed array of/);
  assert.throws(() => masks.compare("eq", [9], s1, s1, new Uint8Array(9)), /past its length 8/);
  assert.throws(() => masks.compare("eq", [8], s1, s1, o, 1), /out .* past its length 8/);
  assert.throws(() => masks.compare("eq", [8], s1, { data: f, strides: [1, 1] }, o), /expected 1 strides/);
  assert.throws(() => masks.compare("eq", [8], s1, { data: f, strides: [-1] }, o), /non-negative/);
  assert.throws(() => masks.compare("eq", new Array<number>(17).fill(1), { data: f, strides: new Array<number>(17).fill(0) }, { data: f, strides: new Array<number>(17).fill(0) }, o), /at most 16 dims/);
  const bytes = new Uint8Array(16);
  assert.throws(() => masks.compare("eq", [8], { data: bytes, strides: [1] }, { data: bytes, strides: [1] }, bytes.subarray(4)), /out overlaps an input/);
  const m = new Uint8Array(8), g = new Float32Array(16);
  assert.throws(() => masks.select([8], { data: m, strides: [1] }, s1, { data: new Int32Array(8), strides: [1] } as unknown as typeof s1, new Float32Array(8)), /Float32Array like out/);
  assert.throws(() => masks.select([8], { data: m, strides: [1] }, { data: g, strides: [1] }, s1, g.subarray(1, 9)), /out overlaps a other than/);
  assert.throws(() => masks.select([8], { data: m, strides: [1] }, { data: g, strides: [2] }, s1, g), /out overlaps a other than/);
  assert.throws(() => masks.select([8], { data: bytes, strides: [1] }, { data: bytes, strides: [0] }, { data: bytes, strides: [0] }, bytes.subarray(4, 12)), /out overlaps cond/);
  assert.throws(() => masks.select([8], { data: m, strides: [2] }, s1, s1, new Float32Array(8)), /cond .* past its length/);
  assert.throws(() => masks.byteReduce("sum", m, new Uint8Array(1), 1, 8, 1), /BigInt64Array/);
  assert.throws(() => masks.byteReduce("any", m, new BigInt64Array(1), 1, 8, 1), /Uint8Array/);
  assert.throws(() => masks.byteReduce("sum", m, new BigInt64Array(1), 1, 9, 1), /x .* past its length 8/);
  assert.throws(() => masks.byteReduce("all", m, m.subarray(7), 1, 8, 1), /out overlaps x/);
  assert.throws(() => masks.byteReduce("sum", m, new BigInt64Array(1), 1, 2.5, 1), /non-negative integer/);
});

// ---- the torch ops: native path against the JS path ------------------------------------------


function sameTensor(what: string, [got, want]: [Tensor, Tensor]): void {
  assert.equal(got.dtype, want.dtype, `${what}: dtype`);
  assert.deepEqual(got.shape, want.shape, `${what}: shape`);
  const bits = (t: Tensor) => {
    const c = t.contiguous();
    const d = c.storage.data;
    // Compare bits (NaN == NaN, -0 != 0); float16 storage is already bits.
    if (d instanceof Float32Array) return Array.from(new Int32Array(d.buffer, d.byteOffset + c._offset * 4, c.numel()));
    if (d instanceof Float64Array) return Array.from(new BigInt64Array(d.buffer, d.byteOffset + c._offset * 8, c.numel()));
    return Array.from((d as ArrayLike<number | bigint> & { subarray(a: number, b: number): ArrayLike<number | bigint> }).subarray(c._offset, c._offset + c.numel()));
  };
  assert.deepEqual(bits(got), bits(want), what);
}

function data(dtype: torch.DTypeName, shape: number[], seed: number): Tensor {
  torch.manualSeed(seed);
  const t = torch.randn(shape).mul(3).round();
  if (dtype === "bool") return t.gt(0);
  const x = t.to(dtype);
  if (dtype !== "float32" && dtype !== "float64") return x;
  // NaN, -0 and inf in place of some of the small integers.
  return x.where(x.ne(2), NaN).where(x.ne(-2), -0).where(x.ne(4), Infinity);
}

test("ops: comparisons on the native path equal the JS path", { skip: skipReason }, () => {
  const dtypes: torch.DTypeName[] = ["float32", "float64", "int32", "int64", "int8", "int16", "uint8", "bool"];
  for (const dtype of dtypes) {
    const x = data(dtype, [67, 131], 1), y = data(dtype, [67, 131], 2), row = data(dtype, [131], 3);
    const cases: [string, () => Tensor][] = [
      ["tensor", () => x.gt(y)], ["scalar", () => x.le(1)], ["row", () => x.eq(row)], ["column", () => x.ne(row.narrow(0, 0, 67).reshape(67, 1))],
      ["transposed", () => x.t().lt(y.t())], ["strided", () => x.narrow(1, 1, 100).ge(y.narrow(1, 3, 100))],
      ["large", () => data(dtype, [300, 400], 4).ge(0)], ["method alias", () => torch.greaterEqual(x, y)],
      ["logical_not", () => x.logicalNot()], ["logical_not transposed", () => x.t().logicalNot()],
      ["isnan", () => x.isnan()], ["isnan transposed", () => x.t().isnan()], ["isposinf", () => x.isposinf()], ["isneginf", () => x.mul(-1).isneginf()],
    ];
    for (const [what, f] of cases) sameTensor(`${dtype} ${what}`, nativeAndJs(f));
  }
  // Mixed dtypes are promoted first: int64 against a float scalar, float32 against float64.
  sameTensor("int64 vs 0.5", nativeAndJs(() => data("int64", [40, 40], 5).gt(0.5)));
  sameTensor("float32 vs float64", nativeAndJs(() => data("float32", [40, 40], 5).lt(data("float64", [40, 40], 6))));
  sameTensor("int64 vs 2**40", nativeAndJs(() => data("int64", [40, 40], 5).mul(2n ** 40n).ge(2n ** 40n)));
  sameTensor("eq_ in place", nativeAndJs(() => data("float32", [40, 40], 7).eq_(data("float32", [40], 8))));
  assert.equal(torch.equal(data("float64", [50, 50], 9), data("float64", [50, 50], 9).clone()), false, "NaN is never equal");
  for (const dtype of ["int64", "bool", "float32"] as const) {
    const a = dtype === "float32" ? torch.randn([300, 400]) : data(dtype, [300, 400], 10), b = a.clone();
    assert.equal(torch.equal(a, b), true, `${dtype} equal`);
    const one = b.view(-1).narrow(0, 119_999, 1);
    if (dtype === "bool") one.logicalNot_();
    else one.add_(1);
    assert.equal(torch.equal(a, b), false, `${dtype} one element differs`);
    assert.equal(torch.equal(a, b.narrow(0, 0, 299)), false, `${dtype} shapes differ`);
  }
});

test("ops: where and masked_fill on the native path equal the JS path", { skip: skipReason }, () => {
  const dtypes: torch.DTypeName[] = ["float32", "float64", "int32", "int64", "float16", "bfloat16", "int16", "uint8", "bool"];
  const m = data("bool", [67, 131], 11), mRow = data("bool", [131], 12), mCol = data("bool", [67, 1], 13);
  const mU8 = data("uint8", [67, 131], 14);
  for (const dtype of dtypes) {
    const x = data(dtype, [67, 131], 1), y = data(dtype, [67, 131], 2), row = data(dtype, [131], 3);
    const cases: [string, () => Tensor][] = [
      ["where", () => torch.where(m, x, y)], ["where scalar", () => torch.where(m, x, 0)], ["where scalar first", () => torch.where(m, 1, y)],
      ["where row mask", () => torch.where(mRow, x, y)], ["where column mask", () => torch.where(mCol, row, y)],
      ["where transposed", () => torch.where(m.t(), x.t(), y.t())], ["where uint8 condition", () => torch.where(mU8, x, y)],
      ["masked_fill", () => x.maskedFill(m, 1)], ["masked_fill row mask", () => x.maskedFill(mRow, -3)],
      ["masked_fill broadcast input", () => row.maskedFill(m, 2)], ["masked_fill transposed", () => x.t().maskedFill(m.t(), 5)],
      ["masked_fill_", () => x.clone().maskedFill_(mRow, 7)], ["masked_fill_ column", () => x.clone().maskedFill_(mCol, 7)],
      ["masked_fill_ strided", () => { const c = x.clone(); c.t().maskedFill_(m.t(), 3); return c; }],
      ["masked_fill tensor value", () => x.maskedFill(m, torch.tensor(4))],
    ];
    for (const [what, f] of cases) sameTensor(`${dtype} ${what}`, nativeAndJs(f));
  }
  sameTensor("where promotes", nativeAndJs(() => torch.where(m, data("int32", [67, 131], 1), data("float64", [67, 131], 2))));
  sameTensor("masked_fill NaN", nativeAndJs(() => data("float32", [67, 131], 1).maskedFill(m, NaN)));
  const self = data("bool", [67, 131], 3);
  sameTensor("mask is a copy of self", nativeAndJs(() => self.clone().maskedFill_(self.clone(), false)));
  sameTensor("mask is self", nativeAndJs(() => { const c = self.clone(); return c.maskedFill_(c, false); }));
  // A mask that is part of self (not all of it) is PyTorch's memory-overlap error.
  const c = self.clone();
  assert.throws(() => c.narrow(0, 0, 66).maskedFill_(c.narrow(0, 1, 66), true), /some elements of the input tensor and the written-to tensor/);
  sameTensor("value tensor overlaps self", nativeAndJs(() => { const c = data("float32", [67, 131], 3); return c.maskedFill_(m, c.view(-1).select(0, 0)); }));
  // Gradients still flow through the native forward.
  const x = data("float64", [67, 131], 4).requiresGrad_(true);
  torch.where(m, x, 0).sum().backward();
  sameTensor("where grad", [x.grad!, m.to("float64")]);
});

test("ops: sum, count_nonzero, any and all of bool and uint8 on the native path equal the JS path", { skip: skipReason }, () => {
  for (const dtype of ["bool", "uint8"] as const) {
    const m = data(dtype, [60, 70, 5], 21), big = data(dtype, [700, 1000], 22);
    const cases: [string, () => Tensor][] = [
      ["sum", () => m.sum()], ["sum large", () => big.sum()], ["sum dim 0", () => m.sum(0)], ["sum dim 1", () => m.sum(1)],
      ["sum dim -1 keepdim", () => m.sum(-1, true)], ["sum dims 0,1", () => m.sum([0, 1])], ["sum dims 0,2", () => m.sum([0, 2])],
      ["sum transposed", () => m.transpose(0, 1).sum(0)], ["sum dim 0 large", () => big.sum(0)],
      ["count_nonzero", () => m.countNonzero()], ["count_nonzero dim", () => m.countNonzero(1)],
      ["any", () => m.any()], ["all", () => m.all()], ["any dim", () => m.any(1)], ["all dim keepdim", () => m.all(2, true)],
      ["all of trues", () => torch.ones([50, 50], { dtype }).all()], ["any of falses", () => torch.zeros([50, 50], { dtype }).any(0)],
      ["sum empty", () => torch.zeros([0, 3000], { dtype }).sum(0)],
    ];
    for (const [what, f] of cases) sameTensor(`${dtype} ${what}`, nativeAndJs(f));
  }
  assert.equal(data("bool", [1000, 1000], 23).sum().dtype, torch.int64);
});
