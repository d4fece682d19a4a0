// The native nn kernels (layer norm, batch norm, embedding, cross-entropy, 16-bit float
// conversions) against the JS kernels they replace: every op runs once on the native path and
// once with the kernel table switched to "js", on odd sizes (vector tails), sizes split over
// threads, float32 and float64, weights, padding_idx, ignore_index, label smoothing; then the
// wrappers' argument checks, determinism across thread counts, and every float16 bit pattern.
import { test } from "node:test";
import assert from "node:assert/strict";

import * as torch from "../src/index.js";
import { Tensor } from "../src/core/tensor.js";
import { bf16ToF32, f16ToF32, f32ToBf16, f32ToF16 } from "../src/core/dtype.js";
import { kernels } from "../src/backends/kernels.js";
import * as native from "../src/backends/native/index.js";
import { filled, forEachIsa, mismatch, rng, skipReason, nativeAndJs } from "../src/backends/native/test-support.js";

const F = torch.nn.functional;
type DT = "float32" | "float64";
const DTS: readonly DT[] = ["float32", "float64"];


function values(t: Tensor | null): number[] {
  assert.ok(t, "a gradient is missing");
  return Array.from(t.detach().double().contiguous().flatten().tolist() as number[]);
}

function close(got: Tensor | null, want: Tensor | null, dt: DT, what: string, scale = 1): void {
  const tol = dt === "float32" ? 2e-5 * scale : 1e-11 * scale;
  const m = mismatch(values(got), values(want), tol, tol, what);
  assert.equal(m, null, m ?? "");
}

/**
 * torch.randn(shape) after manualSeed(seed), drawn once per (shape, dtype, seed) and copied after:
 * every case redraws the same values for each run (native, JS, each affine form), and a float64
 * draw (the exact Box-Muller) costs microseconds. The generator is left where the draw left it.
 */
const draws = new Map<string, { values: Tensor; state: Uint8Array }>();
function seededNormal(shape: readonly number[], dtype: torch.DType, seed: number): Tensor {
  const key = `${shape.join("x")} ${dtype.name} ${seed}`;
  let d = draws.get(key);
  if (d) torch.setRngState(d.state);
  else {
    torch.manualSeed(seed);
    const values = torch.randn([...shape], { dtype });
    d = { values, state: torch.getRngState() };
    draws.set(key, d);
  }
  return d.values.clone();
}

function randn(shape: number[], dt: DT, seed: number, requiresGrad = false): Tensor {
  return seededNormal(shape, torch[dt], seed).requiresGrad_(requiresGrad);
}

/** Forward value and the gradients of (out * probe).sum() for leaves created by make(). */
function run(make: () => (Tensor | null)[], op: (...a: (Tensor | null)[]) => Tensor, probeSeed = 99): { y: Tensor; grads: (Tensor | null)[] } {
  const leaves = make();
  const y = op(...leaves);
  const probe = seededNormal(y.shape, y.dtype, probeSeed);
  y.mul(probe).sum().backward();
  return { y: y.detach(), grads: leaves.map((l) => (l && l.requiresGrad ? l.grad : null)) };
}

function compareRuns(dt: DT, what: string, [a, b]: [{ y: Tensor; grads: (Tensor | null)[] }, { y: Tensor; grads: (Tensor | null)[] }], scale = 1): void {
  close(a.y, b.y, dt, `${what} forward`, scale);
  a.grads.forEach((g, i) => { if (g || b.grads[i]) close(g, b.grads[i]!, dt, `${what} grad ${i}`, scale); });
}

test("layer norm: native forward and backward match the JS kernels", { skip: skipReason }, () => {
  const shapes: [number[], number[]][] = [[[37, 33], [33]], [[5, 1031], [1031]], [[3, 300, 17], [17]], [[2, 41, 3, 13], [3, 13]], [[2000, 67], [67]]];
  for (const dt of DTS) {
    for (const [shape, ns] of shapes) {
      for (const affine of ["both", "weight", "bias", "none"] as const) {
        const r = nativeAndJs(() => run(() => [
          randn(shape, dt, 1, true),
          affine === "both" || affine === "weight" ? randn(ns, dt, 2, true) : null,
          affine === "both" || affine === "bias" ? randn(ns, dt, 3, true) : null,
        ], (x, w, b) => F.layerNorm(x!, ns, w, b, 1e-5)));
        compareRuns(dt, `layer_norm ${dt} [${shape}] ${affine}`, r, 10);
      }
    }
  }
  forEachIsa(() => {
    const r = nativeAndJs(() => run(() => [randn([33, 129], "float32", 4, true), randn([129], "float32", 5, true), null], (x, w, b) => F.layerNorm(x!, [129], w, b)));
    compareRuns("float32", "layer_norm per ISA", r, 10);
  });
});

test("layer norm: node name, double backward and a 16-bit input keep working on the native path", { skip: skipReason }, () => {
  const x = randn([40, 50], "float64", 6, true), w = randn([50], "float64", 7, true);
  const y = F.layerNorm(x, [50], w);
  assert.equal(y.gradFn?.name(), "NativeLayerNormBackward0");
  const [ggx, ref] = nativeAndJs(() => {
    const [gx] = torch.autograd.grad([F.layerNorm(x, [50], w).pow(2).sum()], [x], { createGraph: true });
    return torch.autograd.grad([gx!.sum()], [w])[0]!;
  });
  close(ggx!, ref!, "float64", "double backward");
  // The weight/bias gradients do not depend on the thread count (fixed task split).
  const wg = [1, 2].map((threads) => {
    native.setNumThreads(threads);
    const xl = randn([3000, 40], "float32", 9, true), wl = randn([40], "float32", 10, true);
    F.layerNorm(xl, [40], wl).mul(randn([3000, 40], "float32", 11)).sum().backward();
    return values(wl.grad);
  });
  native.setNumThreads(0);
  assert.deepEqual(wg[0], wg[1]);
  const h = randn([64, 48], "float32", 8).half();
  const [a, b] = nativeAndJs(() => F.layerNorm(h, [48]));
  assert.equal(a.dtype.name, "float16");
  assert.deepEqual(values(a), values(b));
});

test("batch norm: native training/eval forward, running stats and backward match the JS kernels", { skip: skipReason }, () => {
  const shapes = [[37, 5, 7, 3], [513, 7], [64, 130], [8, 64, 9, 9], [3, 11, 45]];
  for (const dt of DTS) {
    for (const shape of shapes) {
      const C = shape[1]!;
      for (const training of [true, false]) {
        for (const affine of [true, false]) {
          const stats: Tensor[][] = [];
          const r = nativeAndJs(() => {
            torch.manualSeed(11);
            const rm = torch.randn([C], { dtype: dt }), rv = torch.rand([C], { dtype: dt }).add(0.5);
            stats.push([rm, rv]);
            return run(() => [randn(shape, dt, 12, true), affine ? randn([C], dt, 13, true) : null, affine ? randn([C], dt, 14, true) : null],
              (x, w, b) => F.batchNorm(x!, rm, rv, w, b, training, 0.1, 1e-5));
          });
          compareRuns(dt, `batch_norm ${dt} [${shape}] training=${training} affine=${affine}`, r, 10);
          close(stats[0]![0]!, stats[1]![0]!, dt, "running_mean");
          close(stats[0]![1]!, stats[1]![1]!, dt, "running_var");
        }
      }
    }
  }
});

test("embedding: native gather and deterministic scatter-add match the JS kernels (padding_idx, repeats)", { skip: skipReason }, () => {
  // parallel_for splits work over the threads once it holds two grains: the backward's grain is
  // max(n, 65536 / D) weight rows ([9000, 16, 1000] splits, padding rows 3 and -1 in the first and
  // the last part), the forward's 32768 / D index rows ([7, 300, 240] splits). Kept small: float64
  // randn (the exact Box-Muller) costs microseconds a value.
  for (const dt of DTS) {
    for (const [V, D, n] of [[1000, 37, 376], [50, 129, 64], [7, 300, 240], [9000, 16, 1000]] as const) {
      const rand = rng(V + D);
      const idx = torch.tensor(Array.from({ length: n }, () => Math.floor((rand() + 0.5) * V) % V), { dtype: "int64" }).reshape(-1, n > 100 ? 4 : 1);
      for (const padding of [null, 3, -1]) {
        const r = nativeAndJs(() => run(() => [randn([V, D], dt, 21, true)], (w) => F.embedding(idx, w!, padding)));
        compareRuns(dt, `embedding ${dt} V=${V} D=${D} padding=${padding}`, r);
        const g = r[0].grads[0]!;
        if (padding !== null) assert.ok(values(g.select(0, padding < 0 ? V + padding : padding)).every((v) => v === 0));
      }
    }
  }
  // scale_grad_by_freq and createGraph take the composite gradient on the native forward.
  const fi = torch.randint(0, 30, [200], { dtype: "int64" });
  const rf = nativeAndJs(() => run(() => [randn([30, 64], "float64", 23, true)], (w) => F.embedding(fi, w!, { scaleGradByFreq: true, paddingIdx: 2 })));
  compareRuns("float64", "embedding scale_grad_by_freq", rf);
  const [gg1, gg2] = nativeAndJs(() => {
    const wl = randn([30, 64], "float64", 24, true);
    const [gw] = torch.autograd.grad([F.embedding(fi, wl).pow(2).sum()], [wl], { createGraph: true });
    return torch.autograd.grad([gw!.pow(2).sum()], [wl])[0]!;
  });
  close(gg1, gg2, "float64", "embedding double backward");
  const w = randn([100, 40], "float32", 22, true);
  assert.throws(() => F.embedding(torch.tensor([[1, 100, 2], [3, 4, 5]], { dtype: "int64" }).repeat(10, 10), w), /index out of range in self/);
  assert.throws(() => F.embedding(torch.tensor([-1, 2], { dtype: "int64" }).repeat(100), w), /index out of range in self/);
  // The gradient does not depend on the thread count.
  const idx = torch.randint(0, 100, [5000], { dtype: "int64" });
  const grads = [1, 2].map((t) => {
    native.setNumThreads(t);
    const leaf = w.detach().requiresGrad_(true);
    F.embedding(idx, leaf).mul(3.7).sum().backward();
    return values(leaf.grad);
  });
  native.setNumThreads(0);
  assert.deepEqual(grads[0], grads[1]);
});

test("cross-entropy: native fused forward and backward match the JS kernels", { skip: skipReason }, () => {
  for (const dt of DTS) {
    for (const [N, C] of [[300, 37], [17, 1000], [1025, 3], [4, 4099]] as const) {
      const rand = rng(N * C);
      const t = Array.from({ length: N }, (_, i) => (i % 7 === 3 ? -100 : Math.floor((rand() + 0.5) * C) % C));
      const target = torch.tensor(t, { dtype: "int64" });
      for (const reduction of ["mean", "sum", "none"] as const) {
        for (const weighted of [false, true]) {
          for (const smoothing of [0, 0.2]) {
            const r = nativeAndJs(() => run(() => [randn([N, C], dt, 31, true), weighted ? torch.rand([C], { dtype: dt }).add(0.1) : null],
              (x, w) => F.crossEntropy(x!.mul(3), target, { weight: w, reduction, labelSmoothing: smoothing })));
            compareRuns(dt, `cross_entropy ${dt} [${N}, ${C}] ${reduction} weighted=${weighted} eps=${smoothing}`, r, 10);
          }
        }
      }
    }
  }
  // Custom ignore_index, node names, createGraph (composite) and extreme logits.
  const x = randn([64, 40], "float64", 32, true);
  const tg = torch.randint(0, 40, [64], { dtype: "int64" });
  const loss = F.crossEntropy(x, tg, { ignoreIndex: 5 });
  assert.equal(loss.gradFn?.name(), "NllLossBackward0");
  assert.equal(F.crossEntropy(x, tg, { labelSmoothing: 0.1 }).gradFn?.name(), "AddBackward0");
  const [a, b] = nativeAndJs(() => {
    const [g] = torch.autograd.grad([F.crossEntropy(x, tg, { ignoreIndex: 5 })], [x], { createGraph: true });
    return torch.autograd.grad([g!.pow(2).sum()], [x])[0]!;
  });
  close(a, b, "float64", "cross_entropy double backward");
  const big = nativeAndJs(() => run(() => [torch.tensor(Array.from({ length: 2048 }, (_, i) => (i % 5 === 0 ? 80 : -80 + i % 13)), { dtype: "float32" }).reshape(64, 32).requiresGrad_(true)],
    (z) => F.crossEntropy(z!, torch.zeros([64], { dtype: "int64" }))));
  compareRuns("float32", "cross_entropy large logits", big, 10);
});

test("16-bit floats: every float16 and bfloat16 bit pattern decodes as the JS decoders, and encodes back", { skip: skipReason }, () => {
  const bits = Uint16Array.from({ length: 65536 }, (_, i) => i);
  forEachIsa((isa) => {
    for (const format of ["float16", "bfloat16"] as const) {
      const dec = format === "float16" ? f16ToF32 : bf16ToF32, enc = format === "float16" ? f32ToF16 : f32ToBf16;
      const out = new Float32Array(65536);
      native.decode16(format, bits, out);
      const back = new Uint16Array(65536);
      native.encode16(format, out, back);
      const back64 = new Uint16Array(65536);
      native.encode16(format, Float64Array.from(out), back64);
      for (let i = 0; i < 65536; i++) {
        const want = dec(i);
        if (!Object.is(out[i], Math.fround(want)) && !(Number.isNaN(want) && Number.isNaN(out[i]))) assert.fail(`${isa} ${format} decode 0x${i.toString(16)}: ${out[i]} vs ${want}`);
        assert.equal(back[i], enc(out[i]!), `${isa} ${format} encode of 0x${i.toString(16)}`);
        assert.equal(back64[i], back[i]);
        if (!Number.isNaN(want)) assert.equal(back[i], i);
      }
    }
  });
});

test("16-bit floats: float32 edge cases and random bit patterns encode as the JS encoders", { skip: skipReason }, () => {
  const u = new Uint32Array(1 << 16);
  const special = [0, 0x80000000, 0x7f800000, 0xff800000, 0x7fc00000, 0xffc00001, 0x7f800001, 0x7fbfffff, 0x00000001, 0x80000001,
    0x007fffff, 0x00800000, 0x33000000, 0x33000001, 0x337fffff, 0x33800000, 0x38800000, 0x387fe000, 0x387ff000, 0x477fe000,
    0x477ff000, 0x477fefff, 0x47800000, 0x3f808000, 0x3f818000, 0x3f807fff, 0x7f7fffff, 0x7f7f8000, 0xc77ff000];
  let s = 12345;
  for (let i = 0; i < u.length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    u[i] = i < special.length ? special[i]! : i % 3 === 0 ? (s & 0x87ffffff) | 0x30000000 : s;
  }
  const f = new Float32Array(u.buffer);
  forEachIsa((isa) => {
    for (const format of ["float16", "bfloat16"] as const) {
      const enc = format === "float16" ? f32ToF16 : f32ToBf16;
      for (const n of [u.length, 17, 33, 1]) {
        const got = new Uint16Array(n);
        native.encode16(format, f.subarray(0, n), got);
        for (let i = 0; i < n; i++) if (got[i] !== enc(f[i]!)) assert.fail(`${isa} ${format} 0x${u[i]!.toString(16)}: 0x${got[i]!.toString(16)} vs 0x${enc(f[i]!).toString(16)}`);
      }
    }
  });
});

test("16-bit floats: tensor casts and decodes take the native path with the JS results", { skip: skipReason }, () => {
  const x = randn([3, 1000], "float32", 41).mul(1e3);
  for (const name of ["half", "bfloat16"] as const) {
    const [a, b] = nativeAndJs(() => x[name]());
    assert.deepEqual(Array.from(a.storage.data as Uint16Array), Array.from(b.storage.data as Uint16Array));
    const [c, d] = nativeAndJs(() => a.float());
    assert.deepEqual(Array.from(c.storage.data as Float32Array), Array.from(d.storage.data as Float32Array));
    const [e, g] = nativeAndJs(() => x.double()[name]());
    assert.deepEqual(Array.from(e.storage.data as Uint16Array), Array.from(g.storage.data as Uint16Array));
    const [p, q] = nativeAndJs(() => a.add(1));
    assert.deepEqual(Array.from(p.storage.data as Uint16Array), Array.from(q.storage.data as Uint16Array));
  }
});

test("native nn wrappers check lengths, dtypes, overlaps and indices before the call", { skip: skipReason }, () => {
  const r = rng(5);
  const x = filled(Float32Array, 64, r), y = new Float32Array(64), m = new Float64Array(8), s = new Float64Array(8);
  assert.throws(() => native.layerNormForward(x, null, null, y, m, s, 8, 9, 1e-5), /x holds 64 elements, expected at least 72/);
  assert.throws(() => native.layerNormForward(x, null, null, new Float64Array(64) as unknown as Float32Array, m, s, 8, 8, 1e-5), /Float32Array/);
  assert.throws(() => native.layerNormForward(x, null, null, x.subarray(8), m, s, 7, 8, 1e-5), /overlap/);
  assert.throws(() => native.layerNormForward(x, null, null, y, new Float32Array(8) as unknown as Float64Array, s, 8, 8, 1e-5), /Float64Array/);
  assert.throws(() => native.batchNormStats(x, 2, 4, 9, m, s), /expected at least 72/);
  assert.throws(() => native.batchNormApply(x, x, 2, 4, 8, m, s, s), /overlap/);
  // Inputs may alias each other (they are only read): scale and shift are the same array here.
  native.batchNormApply(x, y, 2, 4, 8, m, s, s);
  const idx = new BigInt64Array([0n, 3n, 8n]);
  assert.throws(() => native.embeddingForward(x, idx, y, 3, 8, 8), /index 8 at position 2 is out of range \[0, 8\)/);
  assert.throws(() => native.embeddingForward(x, new BigInt64Array([-1n]), y, 1, 8, 8), /out of range/);
  assert.throws(() => native.embeddingForward(x, new BigInt64Array([2n ** 40n]), y, 1, 8, 8), /out of range/);
  assert.throws(() => native.embeddingBackward(x, new BigInt64Array([1n]), y, 1, 8, 8, 8), /paddingIdx/);
  // Without `zeroed` the old contents are cleared; with it they are accumulated into.
  const gw = new Float32Array(64).fill(7);
  native.embeddingBackward(x.subarray(0, 16), new BigInt64Array([2n, 2n]), gw, 2, 8, 8, -1);
  assert.deepEqual(Array.from(gw.subarray(16, 24)), Array.from(x.subarray(0, 8), (v, j) => Math.fround(v + x[8 + j]!)));
  assert.ok(gw.subarray(0, 16).every((v) => v === 0) && gw.subarray(24).every((v) => v === 0));
  native.embeddingBackward(x.subarray(0, 8), new BigInt64Array([0n]), gw, 1, 8, 8, -1, true);
  assert.deepEqual(Array.from(gw.subarray(0, 8)), Array.from(x.subarray(0, 8)));
  assert.throws(() => native.crossEntropyForward(x, new Int32Array([0, 9]), null, new Float64Array(2), 2, 8), /target 9 of row 1/);
  assert.throws(() => native.crossEntropyForward(x, new Int32Array([0]), null, new Float64Array(2), 2, 8), /targets hold 1/);
  assert.throws(() => native.encode16("float16", x, new Uint16Array(10)), /dst holds 10/);
  assert.throws(() => native.encode16("float16", x, new Uint16Array(x.buffer, 0, 64)), /overlap/);
  assert.throws(() => native.decode16("float8" as native.Half, new Uint16Array(4), y), /unknown format/);
});
