// What scripts written for several GPUs or processes use, as PyTorch runs it without CUDA or a
// torch.distributed process group: DataParallel, SyncBatchNorm (+ convertSyncBatchnorm),
// DistributedSampler; and the smaller utilities skipInit, clipGradsWithNorm_, clipGradNorm,
// defaultConvert / DataLoader without automatic batching. Values recorded from PyTorch 1.13.

import { describe, test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../src/index.js";

const { nn } = torch;
const { DataLoader, DistributedSampler, defaultConvert } = torch.utils.data;

describe("nn.DataParallel without CUDA", () => {
  test("wraps the module: forward calls it, state-dict keys gain 'module.'", () => {
    const inner = new nn.Linear(2, 3);
    const dp = new nn.DataParallel(inner);
    assert.deepEqual([...dp.stateDict().keys()], ["module.weight", "module.bias"]);
    assert.deepEqual(dp.deviceIds, []);
    const x = torch.randn(4, 2);
    assert.deepEqual(dp.call(x).tolist(), inner.call(x).tolist());
    assert.equal(dp.toString(), "DataParallel(\n  (module): Linear(in_features=2, out_features=3, bias=True)\n)");
    // A checkpoint saved from a DataParallel model loads into one.
    const other = new nn.DataParallel(new nn.Linear(2, 3));
    other.loadStateDict(dp.stateDict());
    assert.deepEqual(other.module.weight.tolist(), inner.weight.tolist());
    assert.throws(() => new nn.DataParallel(inner, { bogus: 1 } as never), /unexpected keyword argument 'bogus'/);
  });
});

describe("nn.SyncBatchNorm without a process group", () => {
  test("computes BatchNorm over the local batch, for any rank >= 2", () => {
    const sync = new nn.SyncBatchNorm(3), bn = new nn.BatchNorm1d(3);
    const x = torch.arange(24, { dtype: "float32" }).view(2, 3, 4).div(7);
    assert.deepEqual(sync.call(x).tolist(), bn.call(x).tolist());
    assert.deepEqual(sync.running_mean!.tolist(), bn.running_mean!.tolist());
    assert.equal(Number(sync.num_batches_tracked!.item()), 1);
    const x5 = torch.randn(2, 3, 2, 2, 2);
    assert.deepEqual(sync.eval().call(x5).shape, [2, 3, 2, 2, 2]);
    assert.equal(sync.toString(), "SyncBatchNorm(3, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True)");
    assert.throws(() => sync.call(torch.ones(3)), /expected at least 2D input \(got 1D input\)/);
    assert.throws(() => new nn.SyncBatchNorm(0).call(torch.ones(2, 0)), /SyncBatchNorm number of input channels should be non-zero/);
    assert.equal(new nn.SyncBatchNorm(3, 1e-5, 0.1, true, true, "group").processGroup, "group");
  });

  test("binds its arguments once: options (processGroup too) read a single time", () => {
    let reads = 0;
    const options = { get processGroup(): string { reads++; return "group"; }, momentum: null, affine: false };
    const sync = new nn.SyncBatchNorm(4, options);
    assert.equal(reads, 1);
    assert.equal(sync.processGroup, "group");
    assert.equal(sync.toString(), "SyncBatchNorm(4, eps=1e-05, momentum=None, affine=False, track_running_stats=True)");
    assert.equal(new nn.SyncBatchNorm({ numFeatures: 2 }).processGroup, null);
    assert.throws(() => new nn.SyncBatchNorm(3, { bogus: 1 } as never), /SyncBatchNorm.*unexpected keyword argument 'bogus'/);
    assert.throws(() => new (nn.SyncBatchNorm as unknown as new () => unknown)(), /SyncBatchNorm.__init__\(\) missing 1 required positional argument: 'num_features'/);
  });

  test("convertSyncBatchnorm replaces every BatchNorm, sharing its tensors and mode", () => {
    const model = new nn.Sequential(new nn.Conv2d(2, 3, 1), new nn.BatchNorm2d(3), new nn.Sequential(new nn.BatchNorm1d(3)));
    model.eval();
    const bn = model.at(1) as torch.nn.BatchNorm2d;
    const converted = nn.SyncBatchNorm.convertSyncBatchnorm(model) as torch.nn.Sequential;
    assert.equal(converted, model);
    const sync = converted.at(1) as torch.nn.SyncBatchNorm;
    assert.ok(sync instanceof nn.SyncBatchNorm);
    assert.ok((converted.at(2) as torch.nn.Sequential).at(0) instanceof nn.SyncBatchNorm);
    assert.equal(sync.weight, bn.weight);
    assert.equal(sync.running_mean, bn.running_mean);
    assert.equal(sync.training, false);
    assert.deepEqual([...converted.stateDict().keys()].length, 2 + 2 * 5);
  });
});

describe("utils.data.DistributedSampler", () => {
  const ds = { length: 10 };
  test("PyTorch's indices per rank (shuffled, padded, dropped, per epoch)", () => {
    const cases: [unknown[], number[]][] = [
      [[3, 0], [4, 5, 0, 2]],
      [[3, 2], [7, 9, 6, 1]],
      [[3, 1, false], [1, 4, 7, 0]],
      [[{ numReplicas: 3, rank: 1, dropLast: true }], [1, 3, 8]],
      [[4, 3, { seed: 5 }], [6, 2, 4]],
    ];
    for (const [args, expected] of cases) {
      const s = new DistributedSampler(ds, ...(args as never[]));
      assert.deepEqual([...s], expected, JSON.stringify(args));
      assert.equal(s.length, expected.length);
    }
    const s = new DistributedSampler(ds, 3, 0);
    s.setEpoch(2);
    assert.deepEqual([...s], [8, 5, 0, 3]);
    assert.deepEqual([...new DistributedSampler({ length: 2 }, 5, 4, false)], [0]);
  });

  test("errors", () => {
    assert.throws(() => new DistributedSampler(ds), /num_replicas and rank are required/);
    assert.throws(() => new DistributedSampler(ds, 2, 2), /Invalid rank 2, rank should be in the interval \[0, 1\]/);
  });

  test("drives a DataLoader", () => {
    const data = new torch.utils.data.TensorDataset(torch.arange(10));
    const loader = new DataLoader(data, { batchSize: 2, sampler: new DistributedSampler(data, 3, 2) });
    assert.deepEqual([...loader].map((b) => (b as torch.Tensor[])[0]!.tolist()), [[7, 9], [6, 1]]);
  });
});

describe("nn.utils: skipInit, clipGradsWithNorm_, clipGradNorm", () => {
  test("skipInit builds the module without consuming random numbers", () => {
    torch.manualSeed(3);
    const expected = torch.rand(2).tolist();
    torch.manualSeed(3);
    const m = nn.utils.skipInit(nn.Linear, 4, 5, { bias: false });
    assert.deepEqual(m.weight.shape, [5, 4]);
    assert.equal(m.bias, null);
    assert.deepEqual(torch.rand(2).tolist(), expected);
    assert.throws(() => nn.utils.skipInit(Object as never), /Expected a Module/);
  });

  test("clipGradsWithNorm_ scales by min(1, maxNorm / (total + 1e-6)); clipGradNorm is the old name", () => {
    const p = torch.tensor([3, 4], { dtype: "float32", requiresGrad: true });
    p.grad = torch.tensor([3, 4], { dtype: "float32" });
    const total = nn.utils.getTotalNorm([p.grad]);
    nn.utils.clipGradsWithNorm_([p], 1, total);
    assert.deepEqual((p.grad.tolist() as number[]).map((v) => Number(v.toFixed(6))), [0.6, 0.8]);
    p.grad = torch.tensor([3, 4], { dtype: "float32" });
    const q = torch.tensor([3, 4], { dtype: "float32", requiresGrad: true });
    q.grad = torch.tensor([3, 4], { dtype: "float32" });
    assert.deepEqual(nn.utils.clipGradNorm([p], 1).tolist(), nn.utils.clipGradNorm_([q], 1).tolist());
    assert.deepEqual(p.grad.tolist(), q.grad.tolist());
    assert.throws(() => nn.utils.clipGradsWithNorm_([p], 1, 5 as never), /argument 'total_norm' must be a Tensor/);
  });
});

describe("utils.data.defaultConvert and DataLoader without automatic batching", () => {
  test("typed arrays become tensors, everything else stays", () => {
    const out = defaultConvert({ a: new Float64Array([1, 2]), b: 3, c: [new Int32Array([1])], d: "s" }) as Record<string, unknown>;
    assert.ok(out.a instanceof torch.Tensor);
    assert.equal((out.a as torch.Tensor).dtype, torch.float64);
    assert.equal(out.b, 3);
    assert.equal(((out.c as unknown[])[0] as torch.Tensor).dtype, torch.int32);
    assert.equal(out.d, "s");
  });

  test("batchSize null: each item goes alone through collateFn, or defaultConvert", () => {
    const items = new torch.utils.data.TensorDataset(torch.tensor([1, 2, 3]));
    class Numbers extends torch.utils.data.Dataset<number> {
      get length(): number { return 3; }
      getItem(i: number): number { return i + 1; }
    }
    const scaled = new DataLoader(new Numbers(), { batchSize: null, collateFn: ((x: unknown) => (x as number) * 10) as never });
    assert.deepEqual([...scaled], [10, 20, 30]);
    class Arrays extends torch.utils.data.Dataset<Float32Array> {
      get length(): number { return 2; }
      getItem(i: number): Float32Array { return new Float32Array([i, i]); }
    }
    const converted = [...new DataLoader(new Arrays(), { batchSize: null })] as unknown as torch.Tensor[];
    assert.deepEqual(converted.map((t) => t.tolist()), [[0, 0], [1, 1]]);
    assert.equal(items.length, 3);
    // With batching, typed arrays are stacked like numpy arrays.
    const batched = [...new DataLoader(new Arrays(), { batchSize: 2 })] as unknown as torch.Tensor[];
    assert.deepEqual(batched[0]!.tolist(), [[0, 0], [1, 1]]);
  });
});
