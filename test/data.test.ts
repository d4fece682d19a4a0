// utils.data and datasets: batching, PyTorch's sampling streams (values recorded from PyTorch in
// test/fixtures/data/pytorch-streams.json), default collate, IDX parsing, the embedded digits.

import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import * as torch from "../src/index.js";

const { DataLoader, TensorDataset, RandomSampler, WeightedRandomSampler, SubsetRandomSampler, randomSplit, Subset, ConcatDataset, BatchSampler, SequentialSampler } = torch.utils.data;
const ref = JSON.parse(readFileSync(new URL("./fixtures/data/pytorch-streams.json", import.meta.url), "utf8")) as Record<string, unknown>;

test("DataLoader shuffles in PyTorch's order and batches with dropLast", () => {
  torch.manualSeed(0);
  const dl = new DataLoader(new TensorDataset(torch.arange(100)), { batchSize: 7, shuffle: true, dropLast: true });
  assert.equal(dl.length, ref.len);
  const batches = [...dl].map((b) => (b as torch.Tensor[])[0]!.tolist());
  assert.deepEqual(batches.slice(0, 2), ref.shuffle_first);
  assert.equal(batches.length, 14);
  assert.ok(batches.every((b) => (b as number[]).length === 7));
});

test("samplers and randomSplit draw PyTorch's streams", () => {
  torch.manualSeed(1);
  assert.deepEqual([...new RandomSampler({ length: 10 }, { replacement: true, numSamples: 40 })], ref.replacement);
  torch.manualSeed(2);
  assert.deepEqual([...new WeightedRandomSampler([0.1, 0.9, 0.4, 0.7, 3.0, 0.6], 12)], ref.weighted);
  torch.manualSeed(3);
  const base = new TensorDataset(torch.arange(10));
  assert.deepEqual(randomSplit(base, [0.3, 0.7]).map((s) => s.indices), ref.split);
  const g = new torch.Generator().manualSeed(42);
  assert.deepEqual(randomSplit(new TensorDataset(torch.arange(7)), [3, 4], g).map((s) => s.indices), ref.split_gen);
  torch.manualSeed(4);
  assert.deepEqual([...new SubsetRandomSampler([10, 20, 30, 40, 50])], ref.subset_random);
  assert.deepEqual([...new BatchSampler(new SequentialSampler({ length: 5 }), 2, false)], [[0, 1], [2, 3], [4]]);
  assert.throws(() => randomSplit(base, [3, 3]), /Sum of input lengths does not equal the length of the input dataset/);
});

test("defaultCollate follows PyTorch: floats to float64, ints to int64, per-field for objects", () => {
  const c = torch.utils.data.defaultCollate([{ a: 1.5, b: [1, true] }, { a: 2.5, b: [2, false] }]) as { a: torch.Tensor; b: torch.Tensor[] };
  const exp = ref.collate as Record<string, [string, unknown[]]>;
  assert.equal(String(c.a.dtype), exp.a![0]);
  assert.deepEqual(c.a.tolist(), exp.a![1]);
  assert.equal(String(c.b[0]!.dtype), exp.b0![0]);
  assert.equal(String(c.b[1]!.dtype), exp.b1![0]);
  assert.deepEqual(c.b[1]!.tolist(), exp.b1![1]);
  const stacked = torch.utils.data.defaultCollate([torch.ones(2, 3), torch.zeros(2, 3)]) as torch.Tensor;
  assert.deepEqual(stacked.shape, [2, 2, 3]);
  assert.throws(() => torch.utils.data.defaultCollate([torch.ones(2), torch.ones(3)]), /stack expects each tensor to be equal size/);
});

test("datasets compose: Subset, ConcatDataset, custom Dataset through DataLoader", () => {
  class Squares extends torch.utils.data.Dataset<[number, number]> {
    getItem(i: number): [number, number] { return [i, i * i]; }
    get length(): number { return 5; }
  }
  const cat = new ConcatDataset([new Squares(), new Subset(new Squares(), [4, 3])]);
  assert.equal(cat.length, 7);
  assert.deepEqual(cat.getItem(6), [3, 9]);
  const [x, y] = [...new DataLoader(cat, { batchSize: 4 })][1] as torch.Tensor[];
  assert.deepEqual(x!.tolist(), [4, 4, 3]);
  assert.deepEqual(y!.tolist(), [16, 16, 9]);
  assert.throws(() => cat.getItem(7), /out of range/);
  assert.throws(() => new DataLoader(cat, { batchSize: 0 }), /batch_size should be a positive integer/);
  assert.throws(() => new DataLoader(cat, { sampler: new SequentialSampler(cat), shuffle: true }), /mutually exclusive/);
});

test("for await iterates the same batches", async () => {
  const dl = new DataLoader(new TensorDataset(torch.arange(10)), { batchSize: 4 });
  const got: unknown[] = [];
  for await (const b of dl) got.push((b as torch.Tensor[])[0]!.tolist());
  assert.deepEqual(got, [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]);
});

test("IDX files parse raw and gzipped; bad headers are rejected", () => {
  const header = new Uint8Array([0, 0, 0x08, 3, 0, 0, 0, 2, 0, 0, 0, 2, 0, 0, 0, 3]);
  const bytes = new Uint8Array([...header, ...Array.from({ length: 12 }, (_, i) => i * 20)]);
  for (const b of [bytes, new Uint8Array(gzipSync(bytes))]) {
    const t = torch.datasets.parseIdx(b);
    assert.deepEqual(t.shape, [2, 2, 3]);
    assert.equal(t.dtype, torch.uint8);
    assert.equal(Number(t.get(1, 1, 2).item()), 220);
  }
  assert.throws(() => torch.datasets.parseIdx(bytes.slice(0, 20)), /expected 12 values/);
  assert.throws(() => torch.datasets.parseIdx(new Uint8Array([1, 2, 3, 4])), /bad magic/);
});

test("the embedded digits dataset: 1797 8x8 images in [0, 1] with labels 0-9", () => {
  const d = new torch.datasets.Digits();
  assert.equal(d.length, 1797);
  assert.deepEqual(d.data.shape, [1797, 1, 8, 8]);
  const [img, label] = d.getItem(0);
  assert.deepEqual(img.shape, [1, 8, 8]);
  assert.equal(label, 0);
  assert.ok(Number(d.data.max().item()) <= 1 && Number(d.data.min().item()) >= 0);
  assert.deepEqual(torch.bincount(d.targets).tolist(), [178, 182, 177, 183, 181, 182, 181, 179, 174, 180]);
});

test("FashionMNIST reads Debian's IDX files when installed", { skip: !torch.datasets.fashionMnistAvailable() && "dataset-fashion-mnist is not installed" }, () => {
  const ds = new torch.datasets.FashionMNIST({ train: false });
  assert.equal(ds.length, 10000);
  const [img, label] = ds.getItem(0);
  assert.deepEqual(img.shape, [1, 28, 28]);
  assert.equal(label, 9);
});

test("ChainDataset chains iterable datasets; StackDataset zips map-style ones (array or object items)", () => {
  class Items extends torch.utils.data.IterableDataset<number> {
    constructor(readonly xs: number[]) { super(); }
    *[Symbol.iterator](): Iterator<number> { yield* this.xs; }
  }
  class Sized extends Items { get length(): number { return this.xs.length; } }
  const chain = new torch.utils.data.ChainDataset([new Items([1, 2]), new Items([3])]);
  assert.deepEqual([...chain], [1, 2, 3]);
  assert.throws(() => chain.length, /object of type 'Items' has no len\(\)/);
  assert.equal(new torch.utils.data.ChainDataset([new Sized([1, 2]), new Sized([3])]).length, 3);
  assert.throws(() => new ConcatDataset([new Items([1]) as never]), /ConcatDataset does not support IterableDataset/);

  const xs = new TensorDataset(torch.arange(4)), ys = new TensorDataset(torch.arange(10, 14));
  const byPosition = new torch.utils.data.StackDataset<[torch.Tensor[], torch.Tensor[]]>([xs, ys]);
  assert.equal(byPosition.length, 4);
  assert.deepEqual(byPosition.getItem(2).map(([t]) => t!.item()), [2, 12]);
  const byName = new torch.utils.data.StackDataset<{ x: torch.Tensor[]; y: torch.Tensor[] }>({ x: xs, y: ys });
  const item = byName.getItem(-1);
  assert.deepEqual([item.x[0]!.item(), item.y[0]!.item()], [3, 13]);
  const batch = [...new DataLoader(byName, { batchSize: 4 })][0] as { x: torch.Tensor[]; y: torch.Tensor[] };
  assert.deepEqual(batch.y[0]!.tolist(), [10, 11, 12, 13]);
  assert.throws(() => new torch.utils.data.StackDataset([xs, new TensorDataset(torch.arange(3))]), /Size mismatch between datasets/);
});

// Typechecked with the tests: `len(train_loader.dataset)`, as PyTorch's tutorials write it, is
// `trainLoader.dataset.length` without a cast (loader.dataset has the type of the dataset given).
test("loader.dataset keeps the dataset's type: len(loader.dataset) and the batches' types", () => {
  const loader = new DataLoader(new TensorDataset(torch.arange(10), torch.arange(10).mul(2)), { batchSize: 4 });
  const n: number = loader.dataset.length;
  assert.equal(n, 10);
  assert.equal(loader.dataset.tensors.length, 2);
  const [x, y] = [...loader][2]!;
  assert.deepEqual([x!.tolist(), y!.tolist()], [[8, 9], [16, 18]]);
});
