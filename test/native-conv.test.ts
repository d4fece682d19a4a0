// Native convolution, pooling and activation-gradient kernels against the JS kernels
// (src/backends/js/conv.ts, pool.ts and the fused-gradient loops), on every ISA the CPU runs:
// 1d/2d/3d, stride, padding, dilation, groups, depthwise, 1x1, transposed geometries, both dtypes,
// and the argument checks that keep bad input out of C++.
import { test } from "node:test";
import assert from "node:assert/strict";

import * as native from "../src/backends/native/index.js";
import * as jsConv from "../src/backends/js/conv.js";
import * as jsPool from "../src/backends/js/pool.js";
import { DTYPES, filled, forEachIsa, mismatch, rng, skipReason, type Ctor } from "../src/backends/native/test-support.js";

const prod = (v: readonly number[]): number => v.reduce((a, b) => a * b, 1);

interface Case {
  input: number[];
  weight: number[];
  stride?: number[];
  padding?: number[];
  dilation?: number[];
  groups?: number;
}

const CASES: Case[] = [
  { input: [2, 1, 7, 9], weight: [4, 1, 3, 3], padding: [1, 1] },                     // Cin = 1 (the CNN's first layer)
  { input: [3, 3, 8, 8], weight: [5, 3, 3, 3], padding: [1, 1] },                     // Cin = 3
  { input: [2, 6, 9, 7], weight: [4, 3, 3, 2], stride: [2, 1], padding: [1, 0], dilation: [1, 2], groups: 2 },
  { input: [2, 4, 6, 6], weight: [8, 1, 3, 3], padding: [1, 1], groups: 4 },          // depthwise, multiplier 2
  { input: [1, 4, 5, 5], weight: [4, 1, 3, 3], stride: [2, 2], padding: [1, 1], dilation: [2, 1], groups: 4 },
  { input: [3, 5, 4, 6], weight: [7, 5, 1, 1] },                                      // 1x1: the column matrix is the input
  { input: [2, 4, 5, 5], weight: [6, 2, 1, 1], groups: 2 },
  { input: [2, 3, 11], weight: [4, 3, 4], stride: [3], padding: [2], dilation: [2] }, // 1d
  { input: [1, 2, 4, 5, 6], weight: [3, 2, 2, 3, 2], stride: [1, 2, 1], padding: [1, 0, 1] }, // 3d
  { input: [5, 8, 10, 10], weight: [16, 8, 3, 3], padding: [1, 1] },                  // enough images for every thread
  // Stride 1, dilation 1: the direct AVX-512 kernel (forward and backward input) where available.
  { input: [2, 6, 7, 7], weight: [4, 3, 3, 3], padding: [1, 1], groups: 2 },
  { input: [2, 5, 9, 11], weight: [7, 5, 2, 3], padding: [0, 2] },                   // partial channel block
  { input: [1, 2, 3, 40], weight: [9, 2, 3, 3], padding: [1, 1] },                    // wide rows, one image
  { input: [3, 4, 6, 5], weight: [17, 4, 3, 1] },                                     // no padding
  { input: [0, 3, 4, 4], weight: [2, 3, 3, 3] },                                      // empty batch
  { input: [2, 0, 4, 4], weight: [2, 0, 3, 3] },                                      // no input channels
];

function geometry(c: Case): jsConv.ConvGeometry {
  const k = c.input.length - 2;
  const ones = new Array<number>(k).fill(1), zeros = new Array<number>(k).fill(0);
  return jsConv.convGeometry(c.input, c.weight, {
    stride: c.stride ?? ones, padding: c.padding ?? zeros, dilation: c.dilation ?? ones, groups: c.groups ?? 1,
  });
}

function tolerance(ctor: Ctor, reduce: number): [number, number] {
  // GEMM sums in a different order (and with FMA): error grows with the length of each sum.
  return ctor === Float32Array ? [2e-5, 2e-6 * Math.sqrt(reduce + 1)] : [1e-12, 1e-13 * Math.sqrt(reduce + 1)];
}

test("native conv forward/backward match the JS kernels", { skip: skipReason }, () => {
  forEachIsa((isa) => {
    for (const ctor of DTYPES) {
      CASES.forEach((c, ci) => {
        const g = geometry(c);
        const rand = rng(100 + ci);
        const x = filled(ctor, prod(g.inputShape), rand), w = filled(ctor, prod(g.weightShape), rand);
        const gy = filled(ctor, prod(g.outputShape), rand), bias = filled(ctor, g.outChannels, rand);
        const what = `${isa} ${ctor.name} case ${ci}`;
        const perOut = g.inChannels / g.groups * prod(g.kernelSize);
        const [r1, a1] = tolerance(ctor, perOut);
        for (const b of [null, bias]) {
          const want = new ctor(prod(g.outputShape)), got = new ctor(prod(g.outputShape)).fill(NaN);
          jsConv.convForward(g, x, w, b, want);
          native.convForward(g, x, w, b, got);
          assert.equal(mismatch(got, want, r1, a1, `${what} forward${b ? " + bias" : ""}`), null);
        }
        const [r2, a2] = tolerance(ctor, g.outChannels / g.groups * prod(g.kernelSize));
        const wantX = new ctor(prod(g.inputShape)), gotX = new ctor(prod(g.inputShape)).fill(NaN);
        jsConv.convBackwardInput(g, gy, w, wantX);
        native.convBackwardInput(g, gy, w, gotX);
        assert.equal(mismatch(gotX, wantX, r2, a2, `${what} backward input`), null);
        const [r3, a3] = tolerance(ctor, g.batch * prod(g.outputSize));
        const wantW = new ctor(prod(g.weightShape)), gotW = new ctor(prod(g.weightShape)).fill(NaN);
        jsConv.convBackwardWeight(g, x, gy, wantW);
        native.convBackwardWeight(g, x, gy, gotW);
        assert.equal(mismatch(gotW, wantW, r3, a3, `${what} backward weight`), null);
        const L = prod(g.outputSize);
        const wantB = new ctor(g.outChannels), gotB = new ctor(g.outChannels).fill(NaN);
        jsConv.channelSum(gy, g.batch, g.outChannels, L, wantB);
        native.channelSum(gy, g.batch, g.outChannels, L, gotB);
        assert.equal(mismatch(gotB, wantB, r3, a3, `${what} bias grad`), null);
      });
    }
  });
});

// Stride 1, dilation 1: the direct float32 kernels on AVX-512 and AVX2 (native/conv.cc
// choose_path). Channel vectors (16 output channels per vector on AVX-512, blocks of up to 4
// vectors; 8 on AVX2, blocks of up to 3 forward and 2 for the weight gradient; positions per tile
// and taps per weight tile split evenly): 1 to 4 vectors per block, a partial last vector (one
// lane of 8 to 7 of 8 used), short last tiles, position counts that are no multiple of 16 or 8
// (the transposes' tails), rows narrower than a vector (AVX2's padded copy), sums over more taps
// than AVX2's forward takes in one chunk (128 / 192 / 384 taps for blocks of 3 / 2 / 1 vectors:
// K = 180 to 4500, chunks split unevenly). On AVX2 the forward and the weight gradient run them
// for every case here, the input gradient from 16 channels. The
// flat direct kernel (8 channels x 48 positions per tile, shifted copies of the input): partial
// channel blocks, partial last tiles, shifts across 16-column chunks, output narrower than the
// input. The direct weight gradient (few taps: 3 channels x up to 9 taps per tile, positions
// in the lanes): 1 or 2 channels in the last tile, taps split 6 + 7 + 7, position tails (63).
// Each runs split over the pool across images and inside one image, and on one thread.
const DIRECT_CASES: Case[] = [
  { input: [3, 1, 7, 9], weight: [32, 1, 3, 3], padding: [1, 1] },                    // the CNN's conv1: direct forward, vector weight grad
  { input: [2, 32, 6, 13], weight: [64, 32, 3, 3], padding: [1, 1] },                 // conv2: 4 vectors; input grad 2 vectors
  { input: [1, 16, 5, 5], weight: [48, 16, 3, 3], padding: [1, 1] },                  // 3 vectors, 1 vector back; one image
  { input: [2, 20, 4, 31], weight: [80, 20, 3, 3], padding: [1, 1] },                 // 4 + 1 vectors; input grad direct, K = 720
  { input: [3, 60, 3, 17], weight: [60, 60, 1, 3], padding: [0, 1] },                 // 60 channels: a partial vector
  { input: [2, 32, 9, 8], weight: [64, 16, 3, 3], padding: [1, 1], groups: 2 },       // groups: 32 channels each
  { input: [2, 16, 6, 7], weight: [32, 16, 2, 5], padding: [1, 2] },                  // even kernel height, wide kernel
  { input: [1, 16, 6, 7], weight: [16, 16, 3, 3] },                                   // no padding (output smaller)
  { input: [4, 48, 37], weight: [32, 48, 3], padding: [1] },                          // 1-d
  { input: [2, 3, 7, 9], weight: [8, 3, 3, 3], padding: [1, 1] },                     // direct: 63 positions = 48 + 15
  { input: [3, 2, 5, 6], weight: [12, 2, 3, 3], padding: [1, 1] },                    // direct: 8 + 4 channels, one short tile
  { input: [1, 8, 4, 50], weight: [24, 8, 1, 5], padding: [0, 2] },                   // direct: 3 blocks, shifts of 2 across 16-column chunks
  { input: [2, 6, 6, 9], weight: [8, 6, 2, 3] },                                      // direct both ways, output narrower; 6 channels back
  { input: [3, 4, 70], weight: [8, 4, 5], padding: [2] },                             // direct 1-d
  { input: [2, 3, 4, 2], weight: [8, 3, 3, 5], padding: [1, 2] },                     // shifts as wide as the rows: whole columns zero
  { input: [2, 3, 5, 1], weight: [8, 3, 3, 5], padding: [1, 2] },                     // shifts wider than the rows
  { input: [2, 16, 5, 11], weight: [9, 16, 3, 3], padding: [1, 1] },                  // 9 channels: a one-lane second vector of 8
  { input: [2, 17, 4, 6], weight: [7, 17, 3, 3], padding: [1, 1] },                   // 7 of 8 lanes; 17 back: a one-lane third vector; 24 positions
  { input: [2, 40, 23], weight: [26, 20, 3], padding: [1], groups: 2 },               // 1-d groups: 13 channels forward, 20 back
  { input: [1, 500, 5, 28], weight: [8, 500, 3, 3], padding: [1, 1] },                // AVX2 forward in bands of 2 + 2 + 1 rows, 3 + 2 back
  { input: [1, 256, 3, 100], weight: [8, 256, 3, 3], padding: [1, 1] },               // rows too long for a band: 2 column bands per row
  { input: [1, 512, 130], weight: [8, 512, 3], padding: [1] },                        // 1-d in 2 column bands, both ways
  { input: [1, 43, 5, 7], weight: [24, 43, 3, 3], padding: [1, 1] },                  // AVX2 forward: K = 387 in chunks of 96 + 97 + 97 + 97
];

test("native direct conv kernels match the JS kernels, on one thread and on the pool", { skip: skipReason }, () => {
  const threads = native.getNumThreads();
  try {
    for (const ctor of DTYPES) {
      DIRECT_CASES.forEach((c, ci) => {
        const g = geometry(c);
        const rand = rng(300 + ci);
        const x = filled(ctor, prod(g.inputShape), rand), w = filled(ctor, prod(g.weightShape), rand);
        const gy = filled(ctor, prod(g.outputShape), rand), bias = filled(ctor, g.outChannels, rand);
        const want = new ctor(prod(g.outputShape)), wantX = new ctor(prod(g.inputShape)), wantW = new ctor(prod(g.weightShape));
        jsConv.convForward(g, x, w, bias, want);
        jsConv.convBackwardInput(g, gy, w, wantX);
        jsConv.convBackwardWeight(g, x, gy, wantW);
        const [r1, a1] = tolerance(ctor, g.inChannels / g.groups * prod(g.kernelSize));
        const [r2, a2] = tolerance(ctor, g.outChannels / g.groups * prod(g.kernelSize));
        const [r3, a3] = tolerance(ctor, g.batch * prod(g.outputSize));
        forEachIsa((isa) => {
          for (const n of [1, threads]) {
            native.setNumThreads(n);
            const what = `${isa} ${ctor.name} case ${ci}, ${n} thread(s)`;
            const got = new ctor(want.length).fill(NaN), gotX = new ctor(wantX.length).fill(NaN), gotW = new ctor(wantW.length).fill(NaN);
            native.convForward(g, x, w, bias, got);
            assert.equal(mismatch(got, want, r1, a1, `${what} forward`), null);
            native.convBackwardInput(g, gy, w, gotX);
            assert.equal(mismatch(gotX, wantX, r2, a2, `${what} backward input`), null);
            native.convBackwardWeight(g, x, gy, gotW);
            assert.equal(mismatch(gotW, wantW, r3, a3, `${what} backward weight`), null);
          }
        });
      });
    }
  } finally {
    native.setNumThreads(threads);
  }
});

test("native conv runs the transposed-convolution geometry and single-threaded", { skip: skipReason }, () => {
  const threads = native.getNumThreads();
  try {
    for (const n of [1, threads]) {
      native.setNumThreads(n);
      const g = jsConv.convTransposeGeometry([2, 4, 5, 5], [4, 3, 3, 3], {
        stride: [2, 2], padding: [1, 1], dilation: [1, 1], groups: 1, outputPadding: [1, 1],
      });
      const rand = rng(7);
      // conv_transpose forward is convBackwardInput of this geometry: gY has g.outputShape.
      const xt = filled(Float64Array, prod(g.outputShape), rand), w = filled(Float64Array, prod(g.weightShape), rand);
      const want = new Float64Array(prod(g.inputShape)), got = new Float64Array(prod(g.inputShape));
      jsConv.convBackwardInput(g, xt, w, want);
      native.convBackwardInput(g, xt, w, got);
      assert.equal(mismatch(got, want, 1e-12, 1e-13, `transposed, ${n} threads`), null);
      const gw = new Float64Array(prod(g.weightShape)), gwJs = new Float64Array(prod(g.weightShape));
      const y = filled(Float64Array, prod(g.inputShape), rand);
      jsConv.convBackwardWeight(g, y, xt, gwJs);
      native.convBackwardWeight(g, y, xt, gw);
      assert.equal(mismatch(gw, gwJs, 1e-12, 1e-12, `transposed weight grad, ${n} threads`), null);
    }
  } finally {
    native.setNumThreads(threads);
  }
});

test("native conv rejects bad geometry, lengths, dtypes and overlaps before the call", { skip: skipReason }, () => {
  const g = geometry({ input: [2, 3, 6, 6], weight: [4, 3, 3, 3], padding: [1, 1] });
  const x = new Float32Array(2 * 3 * 36), w = new Float32Array(4 * 27), y = new Float32Array(2 * 4 * 36);
  assert.throws(() => native.convForward(g, x.subarray(1), w, null, y), /input holds 215 elements/);
  assert.throws(() => native.convForward(g, x, w, new Float32Array(3), y), /bias holds 3 elements/);
  assert.throws(() => native.convForward(g, x, new Float64Array(108), null, y), /Float32Array like the other operands/);
  assert.throws(() => native.convForward({ ...g, groups: 2 }, x, w, null, y), /groups 2 must divide/);
  assert.throws(() => native.convForward({ ...g, stride: [0, 1] }, x, w, null, y), /stride must be an integer/);
  assert.throws(() => native.convForward({ ...g, padding: [1] }, x, w, null, y), /expected 2 values of padding/);
  assert.throws(() => native.convForward({ ...g, inputSize: [6, 2 ** 40] }, x, w, null, y), /inputSize must be an integer/);
  const shared = new Float32Array(y.length + x.length);
  assert.throws(() => native.convForward(g, shared.subarray(y.length - 5), w, null, shared.subarray(0, y.length)), /overlaps input/);
  assert.throws(() => native.convBackwardWeight(g, x, y, new Float32Array(10)), /gradWeight holds 10 elements/);
  assert.throws(() => native.channelSum(y, 2, 4, 37, new Float32Array(4)), /x holds 288 elements/);
});

test("native max/avg pooling match the JS kernels (indices, NaN, padding, dilation, ceil shapes)", { skip: skipReason }, () => {
  const cases: { input: number[]; kernel: number[]; stride: number[]; padding: number[]; dilation: number[] }[] = [
    { input: [2, 3, 8, 8], kernel: [2, 2], stride: [2, 2], padding: [0, 0], dilation: [1, 1] },   // the 2x2 fast path
    { input: [2, 3, 28, 28], kernel: [2, 2], stride: [2, 2], padding: [0, 0], dilation: [1, 1] },
    { input: [1, 2, 7, 9], kernel: [2, 2], stride: [2, 2], padding: [0, 0], dilation: [1, 1] },   // odd sizes: general loop
    { input: [2, 2, 9, 8], kernel: [3, 3], stride: [2, 2], padding: [1, 1], dilation: [1, 1] },
    { input: [1, 3, 10, 10], kernel: [3, 2], stride: [1, 3], padding: [1, 1], dilation: [2, 3] },
    { input: [2, 2, 12], kernel: [3], stride: [2], padding: [1], dilation: [1] },
    { input: [1, 2, 5, 6, 7], kernel: [2, 3, 2], stride: [2, 1, 2], padding: [1, 1, 0], dilation: [1, 1, 2] },
  ];
  forEachIsa((isa) => {
    for (const ctor of DTYPES) {
      cases.forEach((c, ci) => {
        const k = c.kernel.length;
        const spatialOut = c.input.slice(-k).map((s, d) => jsPool.poolingOutputSize(s, c.kernel[d]!, c.padding[d]!, c.stride[d]!, c.dilation[d]!, ci % 2 === 1));
        const outShape = [...c.input.slice(0, -k), ...spatialOut];
        const rand = rng(50 + ci);
        const x = filled(ctor, prod(c.input), rand);
        // Ties and NaNs: the first maximum wins, a NaN wins (the last one seen).
        for (let i = 0; i < x.length; i += 7) x[i + 1] = x[i]!;
        x[3] = NaN; x[4] = NaN; x[x.length - 2] = NaN;
        const params = { kernelSize: c.kernel, stride: c.stride, padding: c.padding, dilation: c.dilation };
        const n = prod(outShape);
        const want = new ctor(n), got = new ctor(n).fill(7);
        const wantI = new BigInt64Array(n), gotI = new BigInt64Array(n).fill(-5n);
        jsPool.maxPoolForward(x, c.input, want, outShape, wantI, params);
        native.maxPoolForward(x, c.input, got, outShape, gotI, params);
        const what = `${isa} ${ctor.name} pool case ${ci}`;
        assert.equal(mismatch(got, want, 0, 0, `${what} max`), null);
        assert.deepEqual(gotI, wantI, `${what} indices`);
        native.maxPoolForward(x, c.input, got.fill(7), outShape, null, params);
        assert.equal(mismatch(got, want, 0, 0, `${what} max without indices`), null);
        const gy = filled(ctor, n, rand);
        const wantG = new ctor(prod(c.input)), gotG = new ctor(prod(c.input)).fill(NaN);
        jsPool.maxPoolBackward(gy, wantI, outShape, wantG, c.input, k);
        native.maxPoolBackward(gy, gotI, outShape, gotG, c.input, k);
        assert.equal(mismatch(gotG, wantG, 1e-6, 0, `${what} max backward`), null);
        if (c.dilation.every((d) => d === 1)) {
          for (const [countIncludePad, divisorOverride] of [[true, null], [false, null], [false, -3]] as const) {
            const ap = { kernelSize: c.kernel, stride: c.stride, padding: c.padding, countIncludePad, divisorOverride };
            const clean = x.map((v) => (Number.isNaN(v) ? 0.25 : v));
            const wa = new ctor(n), ga = new ctor(n).fill(NaN);
            jsPool.avgPoolForward(clean, c.input, wa, outShape, ap);
            native.avgPoolForward(clean, c.input, ga, outShape, ap);
            assert.equal(mismatch(ga, wa, 0, 0, `${what} avg ${countIncludePad} ${divisorOverride}`), null);
            const wb = new ctor(prod(c.input)), gb = new ctor(prod(c.input)).fill(NaN);
            jsPool.avgPoolBackward(gy, outShape, wb, c.input, ap);
            native.avgPoolBackward(gy, outShape, gb, c.input, ap);
            assert.equal(mismatch(gb, wb, 0, 0, `${what} avg backward`), null);
          }
        }
      });
    }
  });
});

test("native max pooling backward skips indices outside the plane; bad shapes throw", { skip: skipReason }, () => {
  const gy = new Float32Array([1, 2, 3, 4]), gx = new Float32Array(8).fill(NaN);
  native.maxPoolBackward(gy, new BigInt64Array([0n, -1n, 99n, 3n]), [1, 4], gx, [1, 8], 1);
  assert.deepEqual([...gx], [1, 0, 0, 4, 0, 0, 0, 0]);
  const p = { kernelSize: [2, 2], stride: [2, 2], padding: [0, 0], dilation: [1, 1] };
  assert.throws(() => native.maxPoolForward(new Float32Array(15), [1, 4, 4], new Float32Array(4), [1, 2, 2], null, p), /input holds 15 elements/);
  assert.throws(() => native.maxPoolForward(new Float32Array(16), [1, 4, 4], new Float32Array(4), [2, 2, 2], null, p), /differ outside the pooled dims/);
  assert.throws(() => native.maxPoolForward(new Float32Array(16), [1, 4, 4], new Float32Array(4), [1, 2, 2], new BigInt64Array(3), p), /indices hold 3 elements/);
  assert.throws(() => native.maxPoolBackward(gy, new BigInt64Array(4), [1, 4], new Float64Array(8), [1, 8], 1), /Float64Array like the other operands/);
});

test("native activation gradients match the JS loops", { skip: skipReason }, () => {
  const ref: Record<native.ActGradOp, (g: number, y: number) => number> = {
    relu: (g, y) => (y <= 0 ? 0 : g),
    sigmoid: (g, y) => g * (1 - y) * y,
    tanh: (g, y) => g * (1 - y * y),
    mul: (g, y) => g * y,
  };
  forEachIsa((isa) => {
    for (const ctor of DTYPES) {
      for (const n of [1, 17, 70_001]) {
        const rand = rng(n);
        const g = filled(ctor, n, rand, 4), x = filled(ctor, n, rand, 5);
        if (n > 3) { x[0] = 0; x[1] = NaN; x[2] = -0; }
        for (const op of Object.keys(ref) as native.ActGradOp[]) {
          const want = new ctor(n);
          for (let i = 0; i < n; i++) want[i] = ref[op](g[i]!, x[i]!);
          const got = new ctor(n);
          native.activationGrad(op, g, x, got, n);
          const tol = ctor === Float32Array ? 1e-6 : 1e-13;
          assert.equal(mismatch(got, want, tol, tol, `${isa} ${ctor.name} ${op} n=${n}`), null);
          const inPlace = g.slice();
          native.activationGrad(op, inPlace, x, inPlace, n);
          assert.equal(mismatch(inPlace, got, 0, 0, `${isa} ${ctor.name} ${op} in place`), null);
        }
      }
    }
  });
  assert.throws(() => native.activationGrad("relu", new Float32Array(4), new Float32Array(3), new Float32Array(4), 4), /x of sizes \[4\]/);
});
