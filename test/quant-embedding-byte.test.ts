// 8-bit row-wise packing of float embedding weights against PyTorch 1.13 without fbgemm
// (test/fixtures/quant-embedding-byte.py): embedding_bag_byte_prepack / _unpack (2-d and batched,
// float32 and float16 weights) and embedding_bag_byte_rowwise_offsets, bit for bit.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";

import * as torch from "../src/index.js";

interface Values { values: number[]; shape: number[] }
const fx = JSON.parse(readFileSync(new URL("./fixtures/quant-embedding-byte.json", import.meta.url), "utf8")) as {
  weight: Values; weight3: Values; packed: number[]; packedShape: number[]; packed3: number[]; packed3Shape: number[];
  unpacked: Values; unpacked3: Values; idx: number[]; offsets: number[]; psw: number[];
  bag: Values; bagWeighted: Values; bagLast: Values; bag2d: Values; errors: Record<string, string>;
};
const qops = torch.ops.quantized;
const t = (v: Values): torch.Tensor => torch.tensor(v.values).reshape(v.shape);
const long = (v: number[], shape = [v.length]): torch.Tensor => torch.tensor(v, { dtype: "int64" }).reshape(shape);
const sameValues = (a: torch.Tensor, e: Values, what: string): void => {
  assert.deepEqual(a.shape, e.shape, what);
  assert.deepEqual(a.reshape(-1).tolist(), e.values, what);
};

test("embedding_bag_byte_prepack / unpack: PyTorch's bytes and values", () => {
  const p = qops.embeddingBagBytePrepack(t(fx.weight));
  assert.deepEqual(p.shape, fx.packedShape);
  assert.deepEqual(p.reshape(-1).tolist(), fx.packed);
  const p3 = qops.embeddingBagBytePrepack(t(fx.weight3));
  assert.deepEqual(p3.shape, fx.packed3Shape);
  assert.deepEqual(p3.reshape(-1).tolist(), fx.packed3);
  // float16 weights are packed as their float32 values (1.13's fallback reads their buffer as float32: garbage).
  const half = t(fx.weight).half();
  assert.deepEqual(qops.embeddingBagBytePrepack(half).tolist(), qops.embeddingBagBytePrepack(half.float()).tolist());
  sameValues(qops.embeddingBagByteUnpack(p), fx.unpacked, "unpack");
  sameValues(qops.embeddingBagByteUnpack(p3), fx.unpacked3, "unpack, batched");
  assert.throws(() => qops.embeddingBagBytePrepack(torch.ones([3, 4], { dtype: "int32" })), { message: fx.errors.int });
});

test("embedding_bag_byte_rowwise_offsets: PyTorch's sums", () => {
  const p = torch.tensor(fx.packed, { dtype: "uint8" }).reshape(fx.packedShape), idx = long(fx.idx), offs = long(fx.offsets);
  sameValues(qops.embeddingBagByteRowwiseOffsets(p, idx, offs), fx.bag, "bag");
  sameValues(qops.embeddingBagByteRowwiseOffsets(p, idx, offs, { perSampleWeights: torch.tensor(fx.psw) }), fx.bagWeighted, "weighted");
  sameValues(qops.embeddingBagByteRowwiseOffsets(p, idx, long([...fx.offsets, 7]), { includeLastOffset: true }), fx.bagLast, "include_last_offset");
  sameValues(qops.embeddingBagByteRowwiseOffsets(p, long(fx.idx.slice(0, 6), [2, 3])), fx.bag2d, "2-d indices");
  const E = fx.errors;
  assert.throws(() => qops.embeddingBagByteRowwiseOffsets(p, idx), { message: E.noOffsets });
  assert.throws(() => qops.embeddingBagByteRowwiseOffsets(p, long(fx.idx.slice(0, 6), [2, 3]), offs), { message: E.offsetsWith2d });
  assert.throws(() => qops.embeddingBagByteRowwiseOffsets(p, long([6]), long([0])), { message: E.badIndex });
  assert.throws(() => qops.embeddingBagByteRowwiseOffsets(p, idx, offs, { perSampleWeights: torch.tensor(fx.psw).half() }), { message: E.halfWeights });
});
