// torch.autocast on the CPU against PyTorch (test/fixtures/amp-cpu.json, recorded by amp-cpu.py
// with PyTorch 1.13): output dtypes of listed and unlisted ops inside a region, regions nested and
// disabled, the weight-cast cache, and a small MLP's loss and float32 gradients.

import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as torch from "../src/index.js";
import { autocasting } from "../src/amp/state.js";

const F = torch.nn.functional;
const fixture = JSON.parse(readFileSync(new URL("./fixtures/amp-cpu.json", import.meta.url), "utf8")) as {
  dtypes: Record<string, string>;
  mlp: {
    x: number[][]; y: number[]; params: Record<string, number[] | number[][]>; loss: number; logits: number[][];
    hidden_dtype: string; logits_dtype: string; loss_dtype: string; grads: Record<string, number[] | number[][]>;
  };
};

const f = (...s: number[]) => torch.randn(s);
const h = (...s: number[]) => torch.randn(s).bfloat16();
const idx = torch.tensor([0, 2, 1, 0]);

const CASES: Record<string, () => torch.Tensor> = {
  mm: () => torch.mm(f(3, 4), f(4, 2)),
  bmm: () => torch.bmm(f(2, 3, 4), f(2, 4, 2)),
  matmul: () => torch.matmul(f(2, 3, 4), f(4, 2)),
  addmm: () => torch.addmm(f(3, 2), f(3, 4), f(4, 2)),
  baddbmm: () => torch.baddbmm(f(2, 3, 2), f(2, 3, 4), f(2, 4, 2)),
  addbmm: () => torch.addbmm(f(3, 2), f(2, 3, 4), f(2, 4, 2)),
  linear: () => F.linear(f(3, 4), f(2, 4), f(2)),
  conv1d: () => F.conv1d(f(1, 2, 5), f(3, 2, 3)),
  conv2d: () => F.conv2d(f(1, 2, 5, 5), f(3, 2, 3, 3), f(3)),
  conv3d: () => F.conv3d(f(1, 1, 4, 4, 4), f(2, 1, 2, 2, 2)),
  conv_transpose1d: () => F.convTranspose1d(f(1, 2, 5), f(2, 3, 3)),
  conv_transpose2d: () => F.convTranspose2d(f(1, 2, 4, 4), f(2, 3, 3, 3)),
  prelu: () => F.prelu(f(2, 3), f(1)),
  "nn.Linear": () => new torch.nn.Linear(4, 2).call(f(3, 4)),
  conv_tbc: () => torch.convTbc(f(5, 1, 2), f(3, 2, 2), f(2)),
  einsum: () => torch.einsum("ij,jk->ik", f(2, 3), f(3, 2)),
  tensordot: () => torch.tensordot(f(2, 3), f(3, 2), 1),
  multi_dot: () => torch.linalg.multiDot([f(2, 3), f(3, 2)]),
  "nn.RNN": () => new torch.nn.RNN(3, 4).call(f(2, 1, 3))[0] as torch.Tensor,
  "nn.MultiheadAttention": () => new torch.nn.MultiheadAttention(4, 2).call(f(2, 1, 4), f(2, 1, 4), f(2, 1, 4))[0],
  convolution: () => torch.convolution(f(1, 1, 4, 4), f(1, 1, 3, 3), null, [1, 1], [0, 0], [1, 1], false, [0, 0], 1),
  bilinear: () => F.bilinear(f(2, 3), f(2, 4), f(5, 3, 4)),
  mv: () => torch.mv(f(2, 3), f(3)),
  layer_norm_low: () => F.layerNorm(h(2, 3), [3]),
  interpolate_bilinear_low: () => F.interpolate(h(1, 1, 4, 4), { size: 2, mode: "bilinear" }),
  mse_loss: () => F.mseLoss(h(3, 4), h(3, 4)),
  l1_loss: () => F.l1Loss(h(3, 4), h(3, 4)),
  smooth_l1_loss: () => F.smoothL1Loss(h(3, 4), h(3, 4)),
  huber_loss: () => F.huberLoss(h(3, 4), h(3, 4)),
  kl_div: () => F.klDiv(h(3, 4), h(3, 4), { reduction: "batchmean" }),
  nll_loss: () => F.nllLoss(h(4, 3), idx),
  cross_entropy: () => F.crossEntropy(h(4, 3), idx),
  binary_cross_entropy_with_logits: () => F.binaryCrossEntropyWithLogits(h(3, 4), h(3, 4).sigmoid()),
  binary_cross_entropy: () => F.binaryCrossEntropy(h(3, 4).sigmoid(), h(3, 4).sigmoid()),
  soft_margin_loss: () => F.softMarginLoss(h(3, 4), h(3, 4).sign()),
  hinge_embedding_loss: () => F.hingeEmbeddingLoss(h(3, 4), h(3, 4).sign()),
  margin_ranking_loss: () => F.marginRankingLoss(h(4), h(4), h(4).sign()),
  cosine_embedding_loss: () => F.cosineEmbeddingLoss(h(3, 4), h(3, 4), h(3).sign()),
  triplet_margin_loss: () => F.tripletMarginLoss(h(3, 4), h(3, 4), h(3, 4)),
  multi_margin_loss: () => F.multiMarginLoss(h(4, 3), idx),
  poisson_nll_loss: () => F.poissonNllLoss(h(3, 4), h(3, 4).abs()),
  max_pool3d: () => F.maxPool3d(h(1, 1, 4, 4, 4), 2),
  avg_pool3d: () => F.avgPool3d(h(1, 1, 4, 4, 4), 2),
  adaptive_avg_pool3d: () => F.adaptiveAvgPool3d(h(1, 1, 4, 4, 4), 2),
  adaptive_max_pool3d: () => F.adaptiveMaxPool3d(h(1, 1, 4, 4, 4), 2),
  pad_reflect: () => F.pad(h(1, 2, 4), [1, 1], { mode: "reflect" }),
  pad_replicate: () => F.pad(h(1, 1, 4, 4), [1, 1, 1, 1], { mode: "replicate" }),
  prod: () => torch.prod(h(3, 4)),
  cdist: () => torch.cdist(h(3, 4), h(2, 4)),
  trace: () => torch.trace(h(3, 3)),
  fft_rfft: () => torch.fft.rfft(h(8)),
  linalg_inv: () => torch.linalg.inv(h(3, 3).add(torch.eye(3).bfloat16().mul(3))),
  inverse: () => torch.inverse(h(3, 3).add(torch.eye(3).bfloat16().mul(3))),
  interpolate_area_3d: () => F.interpolate(h(1, 1, 4, 4, 4), { size: 2, mode: "area" }),
  grid_sample: () => F.gridSample(h(1, 1, 4, 4), h(1, 2, 2, 2).tanh(), { alignCorners: false }),
  cat_mixed: () => torch.cat([h(2), f(2)]),
  cat_low: () => torch.cat([h(2), h(2)]),
  stack_mixed: () => torch.stack([h(2), f(2)]),
  index_copy_mixed: () => torch.indexCopy(h(3, 2), 0, torch.tensor([0, 2]), f(2, 2)),
  exp_low: () => torch.exp(h(3)),
  softmax_low: () => torch.softmax(h(3), 0),
  sum_low: () => torch.sum(h(3)),
  relu_low: () => F.relu(h(3)),
  add_mixed: () => h(3).add(f(3)),
  mm_f64: () => torch.mm(f(2, 2).double(), f(2, 2).double()),
};

// PyTorch 2.11 added these to the CPU lower-precision list; 1.13 (the recording) ran them in float32.
const LISTED_SINCE_1_13: Record<string, string> = { conv_transpose1d: "bfloat16", conv_transpose2d: "bfloat16", prelu: "bfloat16" };

describe("autocast('cpu') output dtypes", () => {
  test("every recorded case has a torch-ts twin", () => {
    assert.deepEqual(Object.keys(CASES).sort(), Object.keys(fixture.dtypes).sort());
  });
  for (const [name, run] of Object.entries(CASES)) {
    test(name, () => {
      const want = LISTED_SINCE_1_13[name] ?? fixture.dtypes[name];
      const got = torch.autocast("cpu", () => run().dtype.name);
      assert.equal(got, want);
    });
  }
  test("outside a region nothing is cast", () => {
    assert.equal(CASES["mm"]!().dtype.name, "float32");
    assert.equal(CASES["mse_loss"]!().dtype.name, "bfloat16");
    assert.equal(autocasting.on, false);
  });
});

describe("autocast regions", () => {
  const a = f(2, 2), b = f(2, 2);
  test("state inside and after; the callback's value is returned", () => {
    assert.equal(torch.isAutocastCpuEnabled(), false);
    const r = torch.autocast("cpu", () => {
      assert.equal(torch.isAutocastCpuEnabled(), true);
      assert.equal(torch.isAutocastEnabled("cpu"), true);
      assert.equal(torch.getAutocastCpuDtype(), torch.bfloat16);
      return 42;
    });
    assert.equal(r, 42);
    assert.equal(torch.isAutocastCpuEnabled(), false);
  });
  test("nested: disabled inside enabled, float16 inside bfloat16, restored on exit and on throw", () => {
    torch.autocast("cpu", () => {
      torch.autocast("cpu", { enabled: false }, () => assert.equal(torch.mm(a, b).dtype, torch.float32));
      torch.autocast("cpu", { dtype: torch.float16 }, () => assert.equal(torch.mm(a, b).dtype, torch.float16));
      assert.throws(() => torch.autocast("cpu", { enabled: false }, () => { throw new Error("boom"); }), /boom/);
      assert.equal(torch.mm(a, b).dtype, torch.bfloat16);
    });
    assert.equal(torch.mm(a, b).dtype, torch.float32);
  });
  test("cpu.amp.autocast and amp.autocast", () => {
    assert.equal(torch.cpu.amp.autocast(() => torch.mm(a, b).dtype), torch.bfloat16);
    assert.equal(torch.cpu.amp.autocast({ dtype: torch.float16 }, () => torch.mm(a, b).dtype), torch.float16);
    assert.equal(torch.amp.autocast("cpu", { enabled: false }, () => torch.mm(a, b).dtype), torch.float32);
    assert.equal(torch.amp.isAutocastAvailable("cpu"), true);
    assert.equal(torch.amp.isAutocastAvailable("cuda"), false);
  });
  test("an async callback keeps the region until it settles", async () => {
    const p = torch.autocast("cpu", async () => {
      await new Promise((r) => setTimeout(r, 1));
      return torch.mm(a, b).dtype;
    });
    assert.equal(await p, torch.bfloat16);
    assert.equal(torch.isAutocastCpuEnabled(), false);
  });
  test("bad arguments", () => {
    assert.throws(() => torch.autocast("cuda", () => 0), /unsupported autocast device_type 'cuda'/);
    assert.throws(() => torch.autocast("cpu", { dtpye: torch.float16 } as never, () => 0), /unexpected keyword argument 'dtpye'/);
    // An unsupported dtype disables the region with PyTorch's warning.
    const warn = console.warn;
    const seen: string[] = [];
    console.warn = (m: string) => { seen.push(m); };
    try {
      assert.equal(torch.autocast("cpu", { dtype: torch.float64 }, () => torch.mm(a, b).dtype), torch.float32);
    } finally { console.warn = warn; }
    assert.match(seen.join(""), /CPU Autocast only supports dtype of torch.bfloat16, torch.float16/);
  });
  test("query and set functions", () => {
    assert.equal(torch.getAutocastGpuDtype(), torch.float16);
    assert.equal(torch.getAutocastDtype("webgpu"), torch.float16);
    torch.setAutocastCpuDtype(torch.float16);
    torch.setAutocastCpuEnabled(true);
    try {
      assert.equal(torch.mm(a, b).dtype, torch.float16);
    } finally {
      torch.setAutocastCpuEnabled(false);
      torch.setAutocastCpuDtype(torch.bfloat16);
    }
    assert.equal(torch.mm(a, b).dtype, torch.float32);
    assert.equal(torch.autocastIncrementNesting(), 1);
    assert.equal(torch.autocastDecrementNesting(), 0);
    assert.equal(torch.isAutocastCacheEnabled(), true);
  });
  test("out= calls are not autocast (their overloads are not listed)", () => {
    const out = torch.empty(2, 2);
    torch.autocast("cpu", () => torch.mm(a, b, { out }));
    assert.equal(out.dtype, torch.float32);
  });
});

/** The distinct ToCopyBackward0 nodes (casts) in the graph of t. */
function castNodes(t: torch.Tensor): number {
  const seen = new Set<unknown>();
  let casts = 0;
  const stack = [t.gradFn];
  while (stack.length) {
    const n = stack.pop();
    if (!n || seen.has(n)) continue;
    seen.add(n);
    if (n.name() === "ToCopyBackward0") casts++;
    for (const [next] of n.nextFunctions) stack.push(next);
  }
  return casts;
}

describe("the weight-cast cache", () => {
  const x = f(3, 4);
  test("a float32 leaf weight is cast once per region; gradients come back float32", () => {
    const w = f(2, 4).requiresGrad_();
    const y = torch.autocast("cpu", () => F.linear(x, w).add(F.linear(x, w)));
    assert.equal(castNodes(y), 1);
    y.float().sum().backward();
    assert.equal(w.grad!.dtype, torch.float32);
  });
  test("without the cache, or across regions, each use casts", () => {
    const w = f(2, 4).requiresGrad_();
    const y = torch.autocast("cpu", { cacheEnabled: false }, () => F.linear(x, w).add(F.linear(x, w)));
    assert.equal(castNodes(y), 2);
    const inner = torch.autocast("cpu", () => {
      F.linear(x, w);
      return torch.autocast("cpu", { dtype: torch.float16 }, () => F.linear(x, w).dtype);
    });
    assert.equal(inner, torch.float16, "a nested region of another dtype does not reuse the outer cast");
    const y1 = torch.autocast("cpu", () => F.linear(x, w));
    const y2 = torch.autocast("cpu", () => F.linear(x, w));
    assert.equal(castNodes(y1.add(y2)), 2);
  });
});

describe("a small MLP under autocast against PyTorch", () => {
  test("loss, dtypes and float32 gradients", () => {
    const m = fixture.mlp;
    const fc1 = new torch.nn.Linear(6, 8), relu = new torch.nn.ReLU(), fc2 = new torch.nn.Linear(8, 3);
    const mlp = new torch.nn.Sequential(fc1, relu, fc2);
    mlp.loadStateDict(Object.fromEntries(Object.entries(m.params).map(([k, v]) => [k, torch.tensor(v)])));
    const x = torch.tensor(m.x), y = torch.tensor(m.y);
    const [hidden, logits, loss] = torch.autocast("cpu", () => {
      const hid = relu.call(fc1.call(x));
      const lg = fc2.call(hid);
      return [hid, lg, F.crossEntropy(lg, y)];
    });
    assert.equal(`torch.${hidden.dtype.name}`, m.hidden_dtype);
    assert.equal(`torch.${logits.dtype.name}`, m.logits_dtype);
    assert.equal(`torch.${loss.dtype.name}`, m.loss_dtype);
    const lg = logits.float().tolist() as number[][];
    lg.forEach((row, i) => row.forEach((v, j) => assert.ok(Math.abs(v - m.logits[i]![j]!) <= 1e-2 * (1 + Math.abs(v)), `logits[${i}][${j}] ${v} vs ${m.logits[i]![j]}`)));
    assert.ok(Math.abs(loss.item() as number - m.loss) < 5e-3, `loss ${loss.item()} vs ${m.loss}`);
    loss.backward();
    for (const [name, p] of mlp.namedParameters()) {
      assert.equal(p.grad!.dtype, torch.float32, name);
      const got = p.grad!.reshape(-1).tolist() as number[];
      const want = (m.grads[name] as (number | number[])[]).flat();
      got.forEach((v, i) => assert.ok(Math.abs(v - want[i]!) <= 2e-2 * (1 + Math.abs(want[i]!)), `${name}[${i}]: ${v} vs ${want[i]}`));
    }
  });
});
