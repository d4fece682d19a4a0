import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import {
  convBackwardBias, convBackwardInput, convBackwardWeight, convForward, convGeometry,
  convTransposeBackwardBias, convTransposeBackwardInput, convTransposeBackwardWeight, convTransposeForward,
  convTransposeGeometry, type ConvGeometry, type ConvParams, type FloatArray,
} from "../src/backends/js/conv.js";
import { col2im, colSize, fold2d, foldShape, im2col, unfold2d, unfoldShape, type WindowParams } from "../src/backends/js/im2col.js";

type Ctor = Float32ArrayConstructor | Float64ArrayConstructor;

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 4294967296 - 0.5;
  };
}

function randomArray(ctor: Ctor, n: number, rand: () => number): FloatArray {
  const a = new ctor(n);
  for (let i = 0; i < n; i++) a[i] = rand();
  return a;
}

const prod = (v: readonly number[]): number => v.reduce((a, b) => a * b, 1);

/** Row-major strides of a shape. */
function stridesOf(shape: readonly number[]): number[] {
  const st = new Array<number>(shape.length).fill(1);
  for (let d = shape.length - 2; d >= 0; d--) st[d] = st[d + 1]! * shape[d + 1]!;
  return st;
}

/** Every multi-index of a shape, in row-major order. */
function* indices(shape: readonly number[]): Generator<number[]> {
  if (shape.some((s) => s === 0)) return;
  const idx = new Array<number>(shape.length).fill(0);
  for (;;) {
    yield idx;
    let d = shape.length - 1;
    while (d >= 0 && ++idx[d]! === shape[d]) idx[d--] = 0;
    if (d < 0) return;
  }
}

/**
 * The definition, by direct loops in float64: y[n, o, out] += x[n, g*cinG + c, out*s - p + k*d] *
 * w[o, c, k] over c, k. Returns y and, for a given gY, the exact gradients of sum(y * gY).
 */
function naiveConv(g: ConvGeometry, x: FloatArray, w: FloatArray, bias: FloatArray | null, gy: FloatArray | null) {
  const y = new Float64Array(prod(g.outputShape));
  const gx = new Float64Array(x.length), gw = new Float64Array(w.length), gb = new Float64Array(g.outChannels);
  const xs = stridesOf(g.inputShape), ws = stridesOf(g.weightShape), ys = stridesOf(g.outputShape);
  const k = g.kernelSize.length;
  const cinG = g.inChannels / g.groups, coutG = g.outChannels / g.groups;
  for (const [n, o, ...out] of indices(g.outputShape)) {
    const yi = n! * ys[0]! + o! * ys[1]! + out.reduce((a, v, d) => a + v * ys[d + 2]!, 0);
    const grp = Math.floor(o! / coutG);
    let s = bias ? bias[o!]! : 0;
    const gyv = gy ? gy[yi]! : 0;
    for (let c = 0; c < cinG; c++) {
      for (const kidx of indices(g.kernelSize)) {
        let xi = n! * xs[0]! + (grp * cinG + c) * xs[1]!;
        let inside = true;
        for (let d = 0; d < k; d++) {
          const pos = out[d]! * g.stride[d]! - g.padding[d]! + kidx[d]! * g.dilation[d]!;
          if (pos < 0 || pos >= g.inputSize[d]!) inside = false;
          xi += pos * xs[d + 2]!;
        }
        if (!inside) continue;
        const wi = o! * ws[0]! + c * ws[1]! + kidx.reduce((a, v, d) => a + v * ws[d + 2]!, 0);
        s += x[xi]! * w[wi]!;
        gx[xi] += gyv * w[wi]!;
        gw[wi] += gyv * x[xi]!;
      }
    }
    y[yi] = s;
    gb[o!] += gyv;
  }
  return { y, gx, gw, gb };
}

function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string, atol: number, rtol = atol): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i]!, e = expected[i]!;
    if (!(Math.abs(a - e) <= atol + rtol * Math.abs(e))) assert.fail(`${what}: [${i}] = ${a}, expected ${e}`);
  }
}

interface Case {
  x: number[]; w: number[]; stride?: number[]; padding?: number[]; dilation?: number[]; groups?: number; bias?: boolean;
}

function params(c: Case, k: number): ConvParams {
  return {
    stride: c.stride ?? new Array<number>(k).fill(1),
    padding: c.padding ?? new Array<number>(k).fill(0),
    dilation: c.dilation ?? new Array<number>(k).fill(1),
    groups: c.groups ?? 1,
  };
}

const cases: Case[] = [
  // 1-d
  { x: [2, 3, 10], w: [4, 3, 3], bias: true },
  { x: [1, 4, 11], w: [6, 2, 3], stride: [2], padding: [1], dilation: [2], groups: 2 },
  { x: [3, 2, 7], w: [2, 2, 1] },
  { x: [1, 3, 9], w: [3, 1, 4], padding: [2], groups: 3, bias: true },
  // 2-d
  { x: [2, 3, 8, 8], w: [4, 3, 3, 3], bias: true },
  { x: [2, 3, 9, 7], w: [4, 3, 3, 2], stride: [2, 1], padding: [1, 2] },
  { x: [1, 4, 7, 7], w: [4, 1, 3, 3], padding: [1, 1], groups: 4, bias: true },
  { x: [2, 4, 9, 9], w: [8, 1, 3, 3], stride: [2, 2], padding: [1, 1], groups: 4 },
  { x: [1, 2, 9, 9], w: [3, 2, 3, 3], dilation: [2, 2], padding: [2, 2] },
  { x: [1, 6, 11, 13], w: [4, 3, 5, 3], stride: [2, 3], padding: [2, 1], dilation: [1, 2], groups: 2, bias: true },
  { x: [2, 5, 6, 6], w: [7, 5, 1, 1], bias: true },
  { x: [1, 5, 7, 6], w: [3, 5, 1, 1], stride: [2, 2] },
  { x: [1, 1, 1, 1], w: [1, 1, 1, 1] },
  { x: [1, 3, 4, 4], w: [2, 3, 4, 4], padding: [3, 3], stride: [3, 3] },
  { x: [1, 16, 12, 12], w: [24, 16, 3, 3], padding: [1, 1], bias: true },
  // 3-d
  { x: [1, 2, 4, 5, 5], w: [3, 2, 2, 3, 3], padding: [1, 1, 1] },
  { x: [2, 4, 5, 6, 4], w: [4, 2, 3, 2, 3], stride: [2, 1, 2], padding: [1, 0, 2], dilation: [1, 2, 1], groups: 2, bias: true },
  { x: [1, 3, 4, 4, 4], w: [3, 1, 3, 3, 3], padding: [1, 1, 1], groups: 3 },
  // empty batch
  { x: [0, 3, 5, 5], w: [2, 3, 3, 3], bias: true },
];

for (const ctor of [Float32Array, Float64Array] as const) {
  const tol = ctor === Float32Array ? 2e-5 : 1e-12;
  test(`conv ${ctor.name}: forward and backward match the definition (1d, 2d, 3d; stride, padding, dilation, groups)`, () => {
    const rand = rng(7);
    for (const c of cases) {
      const k = c.x.length - 2;
      const g = convGeometry(c.x, c.w, params(c, k));
      const x = randomArray(ctor, prod(c.x), rand), w = randomArray(ctor, prod(c.w), rand);
      const b = c.bias ? randomArray(ctor, c.w[0]!, rand) : null;
      const gy = randomArray(ctor, prod(g.outputShape), rand);
      const ref = naiveConv(g, x, w, b, gy);
      const what = `x ${c.x} w ${c.w} ${JSON.stringify(params(c, k))}`;
      const y = new ctor(prod(g.outputShape)).fill(NaN);
      convForward(g, x, w, b, y);
      assertClose(y, ref.y, `forward ${what}`, tol);
      const gx = new ctor(x.length).fill(NaN), gw = new ctor(w.length).fill(NaN), gb = new ctor(c.w[0]!).fill(NaN);
      convBackwardInput(g, gy, w, gx);
      assertClose(gx, ref.gx, `grad_input ${what}`, tol);
      convBackwardWeight(g, x, gy, gw);
      assertClose(gw, ref.gw, `grad_weight ${what}`, tol * 4);
      convBackwardBias(g, gy, gb);
      assertClose(gb, ref.gb, `grad_bias ${what}`, tol * 4);
    }
  });

  test(`conv_transpose ${ctor.name}: forward is the adjoint of conv, backward matches`, () => {
    const rand = rng(11);
    const tcases: (Case & { outputPadding?: number[] })[] = [
      { x: [2, 3, 5], w: [3, 4, 3], stride: [2], bias: true },
      { x: [2, 3, 4, 4], w: [3, 2, 3, 3], stride: [2, 2], padding: [1, 1], outputPadding: [1, 1], bias: true },
      { x: [1, 4, 3, 3], w: [4, 1, 3, 3], groups: 2 },
      { x: [1, 4, 3, 5], w: [4, 1, 3, 3], groups: 4, stride: [2, 1], outputPadding: [1, 0] },
      { x: [1, 2, 4, 4], w: [2, 3, 3, 3], dilation: [2, 3], stride: [1, 1], outputPadding: [1, 2] },
      { x: [1, 2, 3, 3, 3], w: [2, 2, 2, 3, 2], stride: [2, 1, 2], padding: [0, 1, 1], outputPadding: [1, 0, 0], bias: true },
    ];
    for (const c of tcases) {
      const k = c.x.length - 2;
      const p = { ...params(c, k), outputPadding: c.outputPadding ?? new Array<number>(k).fill(0) };
      const g = convTransposeGeometry(c.x, c.w, p);
      const what = `x ${c.x} w ${c.w} ${JSON.stringify(p)}`;
      // PyTorch's output size formula.
      assert.deepEqual(g.inputShape.slice(2), c.x.slice(2).map((s, d) =>
        (s - 1) * p.stride[d]! - 2 * p.padding[d]! + p.dilation[d]! * (c.w[d + 2]! - 1) + p.outputPadding[d]! + 1), what);
      const x = randomArray(ctor, prod(c.x), rand), w = randomArray(ctor, prod(c.w), rand);
      const b = c.bias ? randomArray(ctor, g.inChannels, rand) : null;
      const gy = randomArray(ctor, prod(g.inputShape), rand);
      // conv_transpose(x) = grad_input of conv at gY = x; its grads come from the conv run at gY.
      const asGrad = naiveConv(g, gy, w, null, x);
      const expectedY = Float64Array.from(asGrad.gx, (v, i) => v + (b ? b[Math.floor(i / prod(g.inputSize)) % g.inChannels]! : 0));
      const y = new ctor(prod(g.inputShape)).fill(NaN);
      convTransposeForward(g, x, w, b, y);
      assertClose(y, expectedY, `forward ${what}`, tol);
      const gx = new ctor(x.length).fill(NaN), gw = new ctor(w.length).fill(NaN), gb = new ctor(g.inChannels).fill(NaN);
      convTransposeBackwardInput(g, gy, w, gx);
      assertClose(gx, asGrad.y, `grad_input ${what}`, tol);
      convTransposeBackwardWeight(g, x, gy, gw);
      assertClose(gw, asGrad.gw, `grad_weight ${what}`, tol * 4);
      convTransposeBackwardBias(g, gy, gb);
      const sums = new Float64Array(g.inChannels);
      gy.forEach((v, i) => { sums[Math.floor(i / prod(g.inputSize)) % g.inChannels] += v; });
      assertClose(gb, sums, `grad_bias ${what}`, tol * 4);
    }
  });
}

test("im2col / col2im: layout of F.unfold, and col2im is im2col's adjoint", () => {
  const rand = rng(5);
  const windows: (WindowParams & { C: number })[] = [
    { C: 2, inputSize: [5, 6], kernelSize: [2, 3], dilation: [1, 2], padding: [1, 0], stride: [2, 1], outputSize: [0, 0] },
    { C: 1, inputSize: [7], kernelSize: [3], dilation: [2], padding: [3], stride: [3], outputSize: [0] },
    { C: 2, inputSize: [3, 4, 5], kernelSize: [2, 2, 3], dilation: [1, 1, 1], padding: [1, 0, 1], stride: [1, 2, 2], outputSize: [0, 0, 0] },
  ].map((w) => ({ ...w, outputSize: w.inputSize.map((s, d) => Math.floor((s + 2 * w.padding[d]! - w.dilation[d]! * (w.kernelSize[d]! - 1) - 1) / w.stride[d]!) + 1) }));
  for (const w of windows) {
    const x = randomArray(Float64Array, w.C * prod(w.inputSize), rand);
    const col = new Float64Array(colSize(w.C, w)).fill(NaN);
    im2col(x, 0, w.C, w, col, 0);
    const L = prod(w.outputSize);
    const xs = stridesOf(w.inputSize);
    let r = 0;
    for (let c = 0; c < w.C; c++) {
      for (const kidx of indices(w.kernelSize)) {
        let l = 0;
        for (const out of indices(w.outputSize)) {
          const pos = out.map((o, d) => o * w.stride[d]! - w.padding[d]! + kidx[d]! * w.dilation[d]!);
          const inside = pos.every((p, d) => p >= 0 && p < w.inputSize[d]!);
          const expected = inside ? x[c * prod(w.inputSize) + pos.reduce((a, p, d) => a + p * xs[d]!, 0)]! : 0;
          assert.equal(col[r * L + l], expected);
          l++;
        }
        r++;
      }
    }
    // <im2col(x), v> = <x, col2im(v)>
    const v = randomArray(Float64Array, col.length, rand);
    const back = new Float64Array(x.length);
    col2im(v, 0, w.C, w, back, 0);
    let lhs = 0, rhs = 0;
    col.forEach((c, i) => { lhs += c * v[i]!; });
    back.forEach((b, i) => { rhs += b * x[i]!; });
    assert.ok(Math.abs(lhs - rhs) < 1e-9, `adjoint ${lhs} vs ${rhs}`);
  }
});

test("im2col of stride-1 'same' windows (the shifted-plane copy): F.unfold's layout at offsets, float32 and float64", () => {
  const rand = rng(8);
  const windows: (WindowParams & { C: number })[] = [
    { C: 3, inputSize: [5, 6], kernelSize: [3, 5], dilation: [1, 1], padding: [1, 2], stride: [1, 1], outputSize: [5, 6] },
    { C: 2, inputSize: [4, 7], kernelSize: [3, 3], dilation: [2, 3], padding: [2, 3], stride: [1, 1], outputSize: [4, 7] },
    { C: 2, inputSize: [6], kernelSize: [5], dilation: [1], padding: [2], stride: [1], outputSize: [6] },
    { C: 2, inputSize: [2, 1], kernelSize: [3, 3], dilation: [1, 1], padding: [1, 1], stride: [1, 1], outputSize: [2, 1] },
    { C: 1, inputSize: [3, 2], kernelSize: [5, 7], dilation: [1, 1], padding: [2, 3], stride: [1, 1], outputSize: [3, 2] },
  ];
  for (const ctor of [Float32Array, Float64Array] as const) {
    for (const w of windows) {
      const plane = prod(w.inputSize), L = prod(w.outputSize);
      const x = ctor.from(randomArray(Float64Array, 3 + w.C * plane, rand));
      const col = new ctor(2 + colSize(w.C, w)).fill(NaN);
      im2col(x, 3, w.C, w, col, 2);
      const xs = stridesOf(w.inputSize);
      let r = 0;
      for (let c = 0; c < w.C; c++) {
        for (const kidx of indices(w.kernelSize)) {
          let l = 0;
          for (const out of indices(w.outputSize)) {
            const pos = out.map((o, d) => o - w.padding[d]! + kidx[d]! * w.dilation[d]!);
            const inside = pos.every((p, d) => p >= 0 && p < w.inputSize[d]!);
            const expected = inside ? x[3 + c * plane + pos.reduce((a, p, d) => a + p * xs[d]!, 0)]! : 0;
            assert.equal(col[2 + r * L + l], expected, `${ctor.name} ${JSON.stringify(w.kernelSize)} row ${r} column ${l}`);
            l++;
          }
          r++;
        }
      }
      assert.ok(Number.isNaN(col[0]) && Number.isNaN(col[1]), "nothing written before the offset");
    }
  }
});

test("unfold2d / fold2d: shapes, batched and unbatched, and PyTorch's errors", () => {
  const p = { kernelSize: [2, 3] as const, dilation: [1, 1] as const, padding: [1, 1] as const, stride: [2, 1] as const };
  assert.deepEqual(unfoldShape([2, 3, 5, 5], p).outputShape, [2, 18, 15]);
  assert.deepEqual(unfoldShape([3, 5, 5], p).outputShape, [18, 15]);
  assert.deepEqual(unfoldShape([0, 3, 5, 5], p).outputShape, [0, 18, 15]);
  assert.deepEqual(foldShape([2, 18, 15], [5, 5], p).outputShape, [2, 3, 5, 5]);
  assert.throws(() => unfoldShape([1, 1, 3, 5, 5], p), { message: "Expected 3D or 4D (batch mode) tensor with possibly 0 batch size and other non-zero dimensions for input, but got: [1, 1, 3, 5, 5]" });
  assert.throws(() => unfoldShape([1, 3, 5, 5], { ...p, kernelSize: [8, 8] }), /Given input with spatial size \(5, 5\), kernel_size=\(8, 8\), dilation=\(1, 1\), padding=\(1, 1\), calculated shape of the array of sliding blocks as \(0, 0\), but its components must be at least one\./);
  assert.throws(() => unfoldShape([1, 3, 5, 5], { ...p, stride: [0, 0] }), { message: "stride should be greater than zero, but got stride_height: 0 stride_width: 0" });
  assert.throws(() => unfoldShape([1, 3, 5, 5], { ...p, padding: [-1, -1] }), { message: "padding should be non-negative, but got pad_height: -1 pad_width: -1" });
  assert.throws(() => foldShape([1, 13, 9], [4, 4], { ...p, kernelSize: [2, 2], padding: [0, 0], stride: [1, 1] }),
    { message: "Expected size of input's dimension 1 to be divisible by the product of kernel_size, but got input.size(1)=13 and kernel_size=(2, 2)." });
  assert.throws(() => foldShape([1, 12, 10], [4, 4], { ...p, kernelSize: [2, 2], padding: [0, 0], stride: [1, 1] }),
    { message: "Given output_size=(4, 4), kernel_size=(2, 2), dilation=(1, 1), padding=(0, 0), stride=(1, 1), expected size of input's dimension 2 to match the calculated number of sliding blocks 3 * 3 = 9, but got input.size(2)=10." });
  assert.throws(() => foldShape([2, 2, 12, 9], [4, 4], p), { message: "Expected 2D or 3D (batch mode) tensor for input with possibly 0 batch size and non-zero dimensions for input, but got: [2, 2, 12, 9]" });
  // fold(unfold(ones)) counts how many blocks cover each pixel.
  const x = new Float32Array(2 * 3 * 5 * 5).fill(1);
  const cols = new Float32Array(2 * 18 * 15);
  unfold2d(x, [2, 3, 5, 5], p, cols);
  const back = new Float32Array(x.length).fill(NaN);
  fold2d(cols, [2, 18, 15], [5, 5], p, back);
  assert.deepEqual([...back.slice(0, 5)], [2, 3, 3, 3, 2]);
});

test("convGeometry / convTransposeGeometry: PyTorch's argument errors", () => {
  const p2 = (o: Partial<ConvParams> = {}): ConvParams => ({ stride: [1, 1], padding: [0, 0], dilation: [1, 1], groups: 1, ...o });
  const cases: [() => unknown, string][] = [
    [() => convGeometry([1, 3, 5, 5], [4, 2, 3, 3], p2()), "Given groups=1, weight of size [4, 2, 3, 3], expected input[1, 3, 5, 5] to have 2 channels, but got 3 channels instead"],
    [() => convGeometry([1, 3, 5, 5], [4, 3, 7, 7], p2()), "Calculated padded input size per channel: (5 x 5). Kernel size: (7 x 7). Kernel size can't be greater than actual input size"],
    [() => convGeometry([1, 3, 5, 5], [4, 3, 3, 3], p2({ dilation: [1, 3] })), "Calculated padded input size per channel: (5 x 5). Kernel size: (3 x 7). Kernel size can't be greater than actual input size"],
    [() => convGeometry([1, 4, 5, 5], [3, 2, 3, 3], p2({ groups: 2 })), "Given groups=2, expected weight to be divisible by 2 at dimension 0, but got weight of size [[3, 2, 3, 3]] instead"],
    [() => convGeometry([1, 3, 5, 5], [4, 3, 3, 3], p2({ stride: [0, 1] })), "non-positive stride is not supported"],
    [() => convGeometry([1, 3, 5, 5], [4, 3, 3, 3], p2({ padding: [-1, 0] })), "negative padding is not supported"],
    [() => convGeometry([1, 3, 5, 5], [4, 3, 3, 3], p2({ dilation: [0, 0] })), "dilation should be greater than zero, but got [0, 0]"],
    [() => convGeometry([1, 3, 5, 5], [4, 3, 3, 3], p2({ groups: 0 })), "non-positive groups is not supported"],
    [() => convGeometry([1, 3, 5], [4, 3, 3, 3], p2()), "Expected 4-dimensional input for 4-dimensional weight [4, 3, 3, 3], but got 3-dimensional input of size [1, 3, 5] instead"],
    [() => convGeometry([1, 3, 5, 5], [4, 3, 1, 0], p2()), "kernel size should be greater than zero, but got kernel_height: 1 kernel_width: 0"],
    [() => convGeometry([1, 3, 5, 5], [0, 3, 3, 3], p2()), "Given groups=1, expected weight to be at least 1 at dimension 0, but got weight of size [0, 3, 3, 3] instead"],
    [() => convTransposeGeometry([1, 3, 5, 5], [4, 2, 3, 3], { ...p2(), outputPadding: [0, 0] }), "Given transposed=1, weight of size [4, 2, 3, 3], expected input[1, 3, 5, 5] to have 4 channels, but got 3 channels instead"],
    [() => convTransposeGeometry([1, 3, 5, 5], [3, 2, 3, 3], { ...p2({ stride: [1, 2] }), outputPadding: [0, 2] }), "output padding must be smaller than either stride or dilation, but got output_padding_height: 0 output_padding_width: 2 stride_height: 1 stride_width: 2 dilation_height: 1 dilation_width: 1"],
    [() => convTransposeGeometry([1, 3, 5, 5], [3, 2, 3, 3], { ...p2({ padding: [5, 5] }), outputPadding: [0, 0] }), "Given input size per channel: (5 x 5). Calculated output size per channel: (-3 x -3). Output size is too small"],
    [() => convTransposeGeometry([1, 3, 5, 5], [3, 2, 3, 3], { ...p2(), outputPadding: [-1, 0] }), "negative output_padding is not supported"],
  ];
  for (const [f, message] of cases) assert.throws(f, { message });
});

// ---------------------------------------------------------------------------------------------
// PyTorch's recorded values: the F.conv*, F.unfold and F.fold cases of the conformance file.

interface Encoded { T: string; shape: number[]; data: (number | string)[] }
interface OpCase {
  id: string; fn: string; args: unknown[]; kwargs: Record<string, unknown>; out?: Encoded; error?: string;
  grad?: { grad_outputs: Encoded[]; inputs: [number, Encoded][] }; atol?: number; rtol?: number;
}

const decode = (t: Encoded): Float64Array => Float64Array.from(t.data, (v) => (typeof v === "string" ? Number(v.replace("inf", "Infinity")) : v));
const listOf = (v: unknown, k: number, fill: number): number[] => (v === undefined ? new Array<number>(k).fill(fill) : typeof v === "number" ? new Array<number>(k).fill(v) : (v as number[]));

const fixture = readFileSync(new URL("./fixtures/conformance/ops.jsonl", import.meta.url), "utf8")
  .split("\n").filter((l) => l.trim()).map((l) => JSON.parse(l) as OpCase)
  .filter((c) => /^F\.(conv\dd|conv_transpose\dd|unfold|fold)$/.test(c.fn) && !c.error);

test("conformance: F.conv*d / F.conv_transpose*d forward and gradients as recorded from PyTorch", () => {
  const convs = fixture.filter((c) => c.fn.startsWith("F.conv"));
  assert.ok(convs.length >= 10, "conv cases present");
  for (const c of convs) {
    const [xe, we, be] = c.args as [Encoded, Encoded, Encoded | null | undefined];
    const k = xe.shape.length - 2;
    const x = decode(xe), w = decode(we), b = be ? decode(be) : null;
    const kw = c.kwargs;
    const stride = listOf(kw.stride, k, 1), dilation = listOf(kw.dilation, k, 1), groups = (kw.groups as number | undefined) ?? 1;
    let padding: number[];
    if (kw.padding === "same") {
      // Symmetric here (odd dilated kernels); the F layer handles the asymmetric case.
      padding = we.shape.slice(2).map((s, d) => (dilation[d]! * (s - 1)) / 2);
      assert.ok(padding.every(Number.isInteger), c.id);
    } else {
      padding = listOf(kw.padding, k, 0);
    }
    const atol = c.atol ?? 1e-5, rtol = c.rtol ?? 1e-4;
    const transposed = c.fn.includes("transpose");
    const g = transposed
      ? convTransposeGeometry(xe.shape, we.shape, { stride, padding, dilation, groups, outputPadding: listOf(kw.output_padding, k, 0) })
      : convGeometry(xe.shape, we.shape, { stride, padding, dilation, groups });
    const yShape = transposed ? g.inputShape : g.outputShape;
    assert.deepEqual(yShape, c.out!.shape, `${c.id} shape`);
    const y = new Float64Array(prod(yShape));
    (transposed ? convTransposeForward : convForward)(g, x, w, b, y);
    assertClose(y, decode(c.out!), `${c.id} out`, atol, rtol);
    const gy = decode(c.grad!.grad_outputs[0]!);
    for (const [arg, expected] of c.grad!.inputs) {
      const got = new Float64Array(prod(expected.shape));
      if (arg === 0) (transposed ? convTransposeBackwardInput : convBackwardInput)(g, gy, w, got);
      else if (arg === 1) (transposed ? convTransposeBackwardWeight : convBackwardWeight)(g, x, gy, got);
      else (transposed ? convTransposeBackwardBias : convBackwardBias)(g, gy, got);
      assertClose(got, decode(expected), `${c.id} grad of arg ${arg}`, atol, rtol);
    }
  }
});

test("conformance: F.unfold / F.fold forward and gradients as recorded from PyTorch", () => {
  const folds = fixture.filter((c) => c.fn === "F.unfold" || c.fn === "F.fold");
  assert.equal(folds.length, 2);
  for (const c of folds) {
    const isFold = c.fn === "F.fold";
    const xe = c.args[0] as Encoded;
    const kernelSize = listOf(c.args[isFold ? 2 : 1], 2, 1) as [number, number];
    const p = {
      kernelSize,
      dilation: listOf(c.kwargs.dilation, 2, 1) as [number, number],
      padding: listOf(c.kwargs.padding, 2, 0) as [number, number],
      stride: listOf(c.kwargs.stride, 2, 1) as [number, number],
    };
    const x = decode(xe), gy = decode(c.grad!.grad_outputs[0]!);
    const expectedGrad = decode(c.grad!.inputs[0]![1]);
    if (isFold) {
      const outputSize = listOf(c.args[1], 2, 1) as [number, number];
      const y = new Float64Array(prod(c.out!.shape));
      fold2d(x, xe.shape, outputSize, p, y);
      assertClose(y, decode(c.out!), `${c.id} out`, 1e-5, 1e-4);
      // fold's gradient is unfold.
      const gx = new Float64Array(x.length);
      unfold2d(gy, c.out!.shape, p, gx);
      assertClose(gx, expectedGrad, `${c.id} grad`, 1e-5, 1e-4);
    } else {
      const { outputShape } = unfoldShape(xe.shape, p);
      assert.deepEqual(outputShape, c.out!.shape);
      const y = new Float64Array(prod(outputShape));
      unfold2d(x, xe.shape, p, y);
      assertClose(y, decode(c.out!), `${c.id} out`, 1e-5, 1e-4);
      const gx = new Float64Array(x.length);
      fold2d(gy, outputShape, [xe.shape[2]!, xe.shape[3]!], p, gx);
      assertClose(gx, expectedGrad, `${c.id} grad`, 1e-5, 1e-4);
    }
  }
});

// ---------------------------------------------------------------------------------------------
// The public ops (src/nn/functional/conv.ts): autograd to second order, argument handling, errors.

const torch = await import("../src/index.js");
const F = torch.nn.functional;
type T = InstanceType<typeof torch.Tensor>;

const f64 = (shape: number[], seed: number): T => {
  const rand = rng(seed);
  return torch.tensor(Float64Array.from({ length: prod(shape) }, rand)).reshape(shape).requiresGrad_();
};

/**
 * gradcheck of the vector-Jacobian product (what PyTorch's gradgradcheck checks). The vjp runs
 * under enableGrad because gradcheck evaluates it under noGrad for the numerical side.
 */
function gradgradcheck(fn: (...a: T[]) => T, inputs: T[]): boolean {
  const n = inputs.length;
  const rand = rng(99);
  const out = fn(...inputs);
  const go = torch.tensor(Float64Array.from({ length: out.numel() }, rand)).reshape(out.shape).requiresGrad_();
  // One check per input's gradient: gradcheck reuses the first graph it builds across outputs.
  for (let i = 0; i < n; i++) {
    const vjp = (...xs: T[]): T => torch.enableGrad(() => torch.autograd.grad([fn(...xs.slice(0, n))], [xs[i]!],
      { gradOutputs: [xs[n]!], createGraph: true })[0]!);
    if (!torch.autograd.gradcheck(vjp, [...inputs, go])) return false;
  }
  return true;
}

test("F.conv*d / F.convTranspose*d: gradcheck and gradgradcheck (stride, padding, dilation, groups, bias)", () => {
  const { gradcheck } = torch.autograd;
  const checks: [string, T[], (...a: T[]) => T][] = [
    ["conv1d", [f64([2, 4, 9], 1), f64([6, 2, 3], 2), f64([6], 3)], (x, w, b) => F.conv1d(x!, w!, b!, { stride: 2, padding: 1, dilation: 2, groups: 2 })],
    ["conv2d", [f64([1, 3, 6, 5], 4), f64([2, 3, 3, 2], 5), f64([2], 6)], (x, w, b) => F.conv2d(x!, w!, b!, [2, 1], [1, 0])],
    ["conv2d same", [f64([1, 2, 5, 6], 7), f64([3, 2, 2, 3], 8)], (x, w) => F.conv2d(x!, w!, null, { padding: "same", dilation: [1, 2] })],
    ["conv2d depthwise", [f64([1, 3, 5, 5], 9), f64([6, 1, 3, 3], 10)], (x, w) => F.conv2d(x!, w!, null, 1, 1, 1, 3)],
    ["conv3d", [f64([1, 2, 3, 4, 3], 11), f64([2, 2, 2, 2, 2], 12), f64([2], 13)], (x, w, b) => F.conv3d(x!, w!, b!, { padding: [1, 0, 1] })],
    ["convTranspose1d", [f64([2, 3, 4], 14), f64([3, 2, 3], 15), f64([2], 16)], (x, w, b) => F.convTranspose1d(x!, w!, b!, { stride: 2, outputPadding: 1 })],
    ["convTranspose2d", [f64([1, 4, 3, 3], 17), f64([4, 1, 3, 2], 18)], (x, w) => F.convTranspose2d(x!, w!, null, { stride: [2, 1], padding: 1, groups: 2, dilation: [1, 2] })],
    ["convTranspose3d", [f64([1, 2, 2, 3, 2], 19), f64([2, 2, 2, 2, 2], 20)], (x, w) => F.convTranspose3d(x!, w!, null, 2, 0, [1, 0, 1])],
    ["unfold", [f64([2, 2, 4, 5], 21)], (x) => F.unfold(x!, [2, 3], { padding: 1, stride: [1, 2] })],
    ["fold", [f64([1, 8, 6], 22)], (x) => F.fold(x!, [3, 4], 2, { stride: 1 })],
  ];
  for (const [name, inputs, fn] of checks) {
    assert.ok(gradcheck(fn, inputs), `${name} gradcheck`);
    assert.ok(gradgradcheck(fn, inputs), `${name} gradgradcheck`);
  }
});

test("F.conv*d: padding strings, unbatched inputs, node names, integer and float16 inputs", () => {
  // padding="same" with an even kernel pads one more on the right, as PyTorch does.
  const x = torch.tensor([1, 2, 3, 4, 5, 6], { dtype: torch.float64 }).reshape([1, 1, 6]);
  const w = torch.tensor([1, 10, 100, 1000], { dtype: torch.float64 }).reshape([1, 1, 4]);
  const xs = [0, 1, 2, 3, 4, 5, 6, 0, 0];
  const expected = [0, 1, 2, 3, 4, 5].map((i) => [0, 1, 2, 3].reduce((s, k) => s + xs[i + k]! * 10 ** k, 0));
  assert.deepEqual(F.conv1d(x, w, null, 1, "same").reshape([-1]).tolist(), expected);
  assert.deepEqual(F.conv1d(x, w, { padding: "valid" }).shape, [1, 1, 3]);
  // Unbatched (C, H, W) runs as a batch of one.
  const xu = f64([3, 5, 5], 30), wu = f64([4, 3, 3, 3], 31);
  const yu = F.conv2d(xu, wu);
  assert.deepEqual(yu.shape, [4, 3, 3]);
  assert.deepEqual(yu.tolist(), F.conv2d(xu.unsqueeze(0), wu).squeeze(0).tolist());
  assert.deepEqual(F.convTranspose2d(xu, f64([3, 2, 3, 3], 32)).shape, [2, 7, 7]);
  assert.equal(F.conv2d(f64([1, 3, 5, 5], 33), wu).gradFn!.name(), "ConvolutionBackward0");
  assert.equal(F.convTranspose2d(xu.unsqueeze(0), f64([3, 2, 3, 3], 34)).gradFn!.name(), "ConvolutionBackward0");
  assert.equal(F.unfold(f64([1, 3, 5, 5], 35), 2).gradFn!.name(), "Im2ColBackward0");
  assert.equal(F.fold(f64([1, 12, 9], 36), 4, 2).gradFn!.name(), "Col2ImBackward0");
  // Integers compute exactly; float16 computes in float32 and rounds.
  const xi = torch.arange(2 * 4 * 4).reshape([1, 2, 4, 4]), wi = torch.ones([1, 2, 2, 2], { dtype: torch.int64 });
  const yi = F.conv2d(xi, wi);
  assert.equal(yi.dtype, torch.int64);
  assert.equal(Number(yi.reshape([-1]).get(0).item()), 0 + 1 + 4 + 5 + 16 + 17 + 20 + 21);
  const yh = F.conv2d(xi.to(torch.float16), wi.to(torch.float16));
  assert.equal(yh.dtype, torch.float16);
  assert.deepEqual(yh.to(torch.int64).tolist(), yi.tolist());
});

test("F.conv*d / F.convTranspose*d / F.unfold / F.fold: PyTorch's argument errors", () => {
  const x = torch.zeros([1, 3, 5, 5]);
  const errors: [() => unknown, string][] = [
    [() => F.conv2d(x, torch.zeros([4, 2, 3, 3])), "Given groups=1, weight of size [4, 2, 3, 3], expected input[1, 3, 5, 5] to have 2 channels, but got 3 channels instead"],
    [() => F.conv2d(torch.zeros([2, 1, 3, 5, 5]), torch.zeros([4, 3, 3, 3])), "Expected 3D (unbatched) or 4D (batched) input to conv2d, but got input of size: [2, 1, 3, 5, 5]"],
    [() => F.conv1d(torch.zeros([1, 3, 5]), torch.zeros([4, 3, 3, 3])), "Expected 4-dimensional input for 4-dimensional weight [4, 3, 3, 3], but got 3-dimensional input of size [1, 3, 5] instead"],
    [() => F.conv2d(x, torch.zeros([4, 3, 3, 3]), torch.zeros([5])), "Given weight of size [4, 3, 3, 3], expected bias to be 1-dimensional with 4 elements, but got bias of size [5] instead"],
    [() => F.conv2d(x, torch.zeros([4, 3, 3, 3]), null, 2, "same"), "padding='same' is not supported for strided convolutions"],
    [() => F.conv2d(x, torch.zeros([4, 3, 3, 3]), { padding: "foo" as "same" }), "Invalid padding string: 'foo'"],
    [() => F.conv2d(x, torch.zeros([4, 3, 3, 3]), { stride: [1, 1, 1] }), "expected stride to be a single integer value or a list of 2 values to match the convolution dimensions, but got stride=[1, 1, 1]"],
    [() => F.conv2d(x, torch.zeros([4, 3, 3, 3]), { groups: 0 }), "non-positive groups is not supported"],
    [() => F.conv2d(x, torch.zeros([4, 3, 3, 3], { dtype: torch.float64 })), "expected scalar type Float but found Double"],
    [() => F.conv2d(x, torch.zeros([4, 3, 3, 3]), torch.zeros([4], { dtype: torch.float64 })), "Input type (float) and bias type (double) should be the same"],
    // c10's TypeMeta names, as PyTorch 1.13 prints them ("long int", "short int").
    [() => F.conv2d(x.long(), torch.zeros([4, 3, 3, 3], { dtype: torch.int64 }), torch.zeros([4], { dtype: torch.int16 })), "Input type (long int) and bias type (short int) should be the same"],
    [() => F.convTranspose2d(x, torch.zeros([4, 2, 3, 3])), "Given transposed=1, weight of size [4, 2, 3, 3], expected input[1, 3, 5, 5] to have 4 channels, but got 3 channels instead"],
    [() => F.convTranspose2d(x, torch.zeros([3, 2, 3, 3]), null, 1, 0, 1), "output padding must be smaller than either stride or dilation, but got output_padding_height: 1 output_padding_width: 1 stride_height: 1 stride_width: 1 dilation_height: 1 dilation_width: 1"],
    [() => F.convTranspose2d(x, torch.zeros([3, 2, 3, 3]), torch.zeros([3])), "Given transposed=1, weight of size [3, 2, 3, 3], expected bias to be 1-dimensional with 2 elements, but got bias of size [3] instead"],
    [() => F.convTranspose2d(x, torch.zeros([3, 2, 3, 3]), { padding: "same" as unknown as number }), "conv_transpose2d(): argument 'padding' must be tuple of ints, not str"],
    [() => F.unfold(x, [2, 2, 2]), "It is expected kernel_size equals to 2, but got size 3"],
    [() => F.unfold(x, 7), "Given input with spatial size (5, 5), kernel_size=(7, 7), dilation=(1, 1), padding=(0, 0), calculated shape of the array of sliding blocks as (-1, -1), but its components must be at least one."],
    [() => F.fold(torch.zeros([1, 12, 10]), [4, 4], 2), "Given output_size=(4, 4), kernel_size=(2, 2), dilation=(1, 1), padding=(0, 0), stride=(1, 1), expected size of input's dimension 2 to match the calculated number of sliding blocks 3 * 3 = 9, but got input.size(2)=10."],
  ];
  for (const [f, message] of errors) assert.throws(f, { message });
});
