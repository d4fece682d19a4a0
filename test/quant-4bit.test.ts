// Sub-byte quantization against PyTorch 1.13 (test/fixtures/quant-4bit.py, no fbgemm: the fallback
// kernels): torch.quint4x2 / quint2x4 tensors (packed intRepr, values, reprs, views, errors, files
// 1.13 wrote), the 4-bit and 2-bit embedding-bag packing and lookups, bit for bit.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import * as torch from "../src/index.js";

interface Values { values: number[]; shape: number[] }
interface QRecord {
  dtype: "quint4x2" | "quint2x4"; shape: number[]; bytes: number[]; values: number[]; repr: string;
  scale?: number; zeroPoint?: number; scales?: number[]; zeroPoints?: number[]; axis?: number;
}
type Errors = Record<string, string>;
const fx = JSON.parse(readFileSync(new URL("./fixtures/quant-4bit.json", import.meta.url), "utf8")) as {
  tensors: { x: Values; q4: QRecord; q4bigZp: QRecord; q4zeroScale: QRecord; q2: QRecord; pc4: QRecord; pc4axis1: QRecord; pc2: QRecord; odd: QRecord; errors: Errors };
  packing: {
    weight: Values; p4: number[]; p4shape: number[]; p2: number[]; p2shape: number[]; p4half: number[]; p4optimized: number[]; p2optimized: number[];
    chooseOptimized: number[][]; chooseOptimizedLong: number[]; wide: number[];
    unpack4: Values; unpack2: Values; idx: number[]; offsets: number[]; idx2: number[]; psw: number[];
    bag4: Values; bag4weighted: Values; bag4halfWeights: Values; bag4last: Values; bag4idx2: Values; bag2: Values; bag2weighted: Values; errors: Errors;
  };
  packed: { scales: number[]; zeroPoints: number[]; qweight: QRecord; unpacked: QRecord; embedding: Values; embedding1d: Values; bag: Values; bagWeighted: Values; bagLast: Values; errors: Errors };
};
const qops = torch.ops.quantized;
const t = (v: Values): torch.Tensor => torch.tensor(v.values.map((e) => e ?? NaN)).reshape(v.shape);
const long = (v: number[], shape = [v.length]): torch.Tensor => torch.tensor(v, { dtype: "int64" }).reshape(shape);
const bytes = (v: number[], shape: number[]): torch.Tensor => torch.tensor(v, { dtype: "uint8" }).reshape(shape);
const sameValues = (a: torch.Tensor, e: Values, what: string): void => {
  assert.deepEqual(a.shape, e.shape, what);
  assert.deepEqual(a.reshape(-1).tolist(), e.values, what);
};
const x = t(fx.tensors.x);

function assertQ(q: torch.Tensor, e: QRecord, what: string): void {
  assert.equal(q.dtype.name, e.dtype, what);
  assert.deepEqual(q.shape, e.shape, what);
  assert.deepEqual(q.intRepr().tolist(), e.bytes, `${what}: packed bytes`);
  assert.deepEqual(q.dequantize().reshape(-1).tolist(), e.values, `${what}: values`);
  assert.equal(String(q), e.repr, `${what}: repr`);
  if (e.scale !== undefined) {
    assert.equal(q.qScale(), e.scale, what);
    assert.equal(q.qZeroPoint(), e.zeroPoint, what);
  } else {
    assert.deepEqual(q.qPerChannelScales().tolist(), e.scales, `${what}: scales`);
    assert.deepEqual(q.qPerChannelZeroPoints().tolist(), e.zeroPoints, `${what}: zero points`);
    assert.equal(q.qPerChannelAxis(), e.axis, what);
  }
}

test("quint4x2 / quint2x4 tensors: PyTorch's packed bytes, values and reprs", () => {
  const T = fx.tensors, f = (v: number[]): torch.Tensor => torch.tensor(v, { dtype: "float32" });
  assertQ(torch.quantizePerTensor(x, 0.1, 2, torch.quint4x2), T.q4, "quint4x2");
  assertQ(torch.quantizePerTensor(x, 0.25, 200, torch.quint4x2), T.q4bigZp, "zero point above 15");
  assertQ(torch.quantizePerTensor(x, 0, 3, torch.quint4x2), T.q4zeroScale, "zero scale");
  assertQ(torch.quantizePerTensor(x, 0.3, 1, torch.quint2x4), T.q2, "quint2x4");
  assertQ(torch.quantizePerChannel(x, f([0.1, 0.2, 0]), f([1, 7.5, 3]), 0, torch.quint4x2), T.pc4, "per channel");
  assertQ(torch.quantizePerChannel(x, f([0.1, 0.2, 0.3, 0.4, 0.5]), f([1, 2, -1, 20, 5]), 1, torch.quint4x2), T.pc4axis1, "per channel, axis 1");
  assertQ(torch.quantizePerChannel(x, f([0.3, 0.5, 0.7]), f([1, 2, 0.5]), 0, torch.quint2x4), T.pc2, "quint2x4 per channel");
  assertQ(torch.quantizePerTensor(f([0.1, -0.2, 0.4]), 0.1, 2, torch.quint4x2), T.odd, "odd element count");
  assert.equal(String(torch.quint4x2), "torch.quint4x2");
  assert.equal(torch.quantizePerTensor(x, 0.1, 2, torch.quint2x4).isQuantized, true);
});

test("quint4x2 views and errors as PyTorch's", () => {
  const E = fx.tensors.errors, q = torch.quantizePerTensor(x, 0.1, 2, torch.quint4x2);
  assert.deepEqual(q.view(5, 3).dequantize().reshape(-1).tolist(), q.dequantize().reshape(-1).tolist());
  assert.deepEqual(q.reshape(15).shape, [15]);
  assert.throws(() => q.select(0, 1), { message: E.select });
  assert.throws(() => q.select(0, 0), /must be the whole tensor/);
  assert.throws(() => q.clone(), { message: E.clone });
  assert.throws(() => torch.quantizePerChannel(x, torch.tensor([0.1, 0.2, 0.3]), torch.tensor([1, 2, 3]), 0, torch.quint4x2), { message: E.intZeroPoints });
  assert.throws(() => torch.quantizePerTensor(x, 0.1, -1, torch.quint4x2), { message: E.negativeZp });
  assert.throws(() => torch.quantizePerTensor(x, 0.1, 256, torch.quint4x2), { message: E.zp256 });
  assert.throws(() => q.add(1), /QuantizedCPU/);
});

test("torch.save / torch.load of sub-byte tensors: files PyTorch 1.13 wrote, and round trips", () => {
  const sd = torch.load<Map<string, torch.Tensor>>("test/fixtures/quant/sub_byte_113.pt");
  const f = (v: number[]): torch.Tensor => torch.tensor(v, { dtype: "float32" });
  const same = (a: torch.Tensor, b: torch.Tensor): void => {
    assert.equal(a.dtype, b.dtype);
    assert.deepEqual(a.shape, b.shape);
    assert.deepEqual(a.intRepr().tolist(), b.intRepr().tolist());
    assert.equal(String(a), String(b));
  };
  const expected = new Map([
    ["q4", torch.quantizePerTensor(x, 0.1, 2, torch.quint4x2)],
    ["pc4", torch.quantizePerChannel(x, f([0.1, 0.2, 0.3, 0.4, 0.5]), f([1, 2, -1, 20, 5]), 1, torch.quint4x2)],
    ["q2", torch.quantizePerTensor(f([0.1, -0.2, 0.4, 0.3, 0.6, -0.3, 0]), 0.1, 2, torch.quint2x4)],
  ]);
  for (const [k, v] of expected) same(sd.get(k)!, v);
  const dir = mkdtempSync(join(tmpdir(), "quant4-"));
  try {
    torch.save(expected, join(dir, "s.pt"));
    const back = torch.load<Map<string, torch.Tensor>>(join(dir, "s.pt"));
    for (const [k, v] of expected) same(back.get(k)!, v);
    // PyTorch 1.13 reads the file (where /usr/bin/python3 has torch): the same bytes and parameters.
    const py = spawnSync("/usr/bin/python3", ["-c", [
      "import sys, json, torch", "d = torch.load(sys.argv[1])",
      "print(json.dumps({k: [str(v.dtype), v.int_repr().tolist(), repr(v)] for k, v in d.items()}))",
    ].join("\n"), join(dir, "s.pt")], { encoding: "utf8" });
    // Skipped only where there is no python3 or it has no torch.
    if (!py.error && !/No module named 'torch'/.test(py.stderr)) {
      assert.equal(py.status, 0, py.stderr);
      const read = JSON.parse(py.stdout) as Record<string, [string, number[], string]>;
      for (const [k, v] of expected) assert.deepEqual(read[k], [String(v.dtype), v.intRepr().tolist(), String(v)], `PyTorch reads ${k}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("embedding_bag_4bit / 2bit prepack and unpack: PyTorch's bytes (fp16 scale and bias per row)", () => {
  const P = fx.packing, w = t(P.weight);
  const p4 = qops.embeddingBag4bitPrepack(w), p2 = qops.embeddingBag2bitPrepack(w);
  assert.equal(p4.dtype, torch.uint8);
  assert.deepEqual(p4.shape, P.p4shape);
  assert.deepEqual(p4.reshape(-1).tolist(), P.p4);
  assert.deepEqual(p2.shape, P.p2shape);
  assert.deepEqual(p2.reshape(-1).tolist(), P.p2);
  assert.deepEqual(qops.embeddingBag4bitPrepack(w.half()).reshape(-1).tolist(), P.p4half);
  assert.deepEqual(qops.embeddingBag4bitPrepack(w, true).reshape(-1).tolist(), P.p4optimized, "optimized_qparams");
  assert.deepEqual(qops.embeddingBag2bitPrepack(w, { optimizedQparams: true, nbins: 60, ratio: 0.3 }).reshape(-1).tolist(), P.p2optimized, "optimized_qparams, 2 bits");
  sameValues(qops.embeddingBag4bitUnpack(p4), P.unpack4, "4bit unpack");
  sameValues(qops.embeddingBag2bitUnpack(p2), P.unpack2, "2bit unpack");
  P.chooseOptimized.forEach(([max, min], r) => {
    const [xmax, xmin] = torch.chooseQparamsOptimized(w.select(0, r).contiguous(), 8, 200, 0.16, 4);
    assert.deepEqual([xmax!.item(), xmin!.item()], [max, min], `choose_qparams_optimized, row ${r}`);
  });
  const [xmax, xmin] = torch.chooseQparamsOptimized(torch.tensor(P.wide), 64, 100, 0.5, 2);
  assert.deepEqual([xmax!.item(), xmin!.item()], P.chooseOptimizedLong);
  assert.throws(() => qops.embeddingBag4bitPrepack(torch.randn(3, 5)), { message: P.errors.oddColumns });
  assert.throws(() => qops.embeddingBag2bitPrepack(torch.randn(3, 6)), { message: P.errors.columns2bit });
  assert.throws(() => qops.embeddingBag4bitPrepack(torch.ones([3, 4], { dtype: "int32" })), { message: P.errors.int });
});

test("embedding_bag_4bit / 2bit_rowwise_offsets: PyTorch's sums, bit for bit", () => {
  const P = fx.packing, w = t(P.weight), p4 = bytes(P.p4, P.p4shape), p2 = bytes(P.p2, P.p2shape);
  const idx = long(P.idx), offs = long(P.offsets), psw = torch.tensor(P.psw);
  sameValues(qops.embeddingBag4bitRowwiseOffsets(p4, idx, offs), P.bag4, "bag");
  sameValues(qops.embeddingBag4bitRowwiseOffsets(p4, idx, offs, { perSampleWeights: psw }), P.bag4weighted, "per_sample_weights");
  sameValues(qops.embeddingBag4bitRowwiseOffsets(p4, idx, offs, { perSampleWeights: psw.half() }), P.bag4halfWeights, "fp16 per_sample_weights");
  sameValues(qops.embeddingBag4bitRowwiseOffsets(p4, idx, long([...P.offsets, 9]), { includeLastOffset: true }), P.bag4last, "include_last_offset");
  sameValues(qops.embeddingBag4bitRowwiseOffsets(p4, long(P.idx2, [2, 3])), P.bag4idx2, "2-d indices");
  sameValues(qops.embeddingBag2bitRowwiseOffsets(p2, idx, offs), P.bag2, "2 bits");
  sameValues(qops.embeddingBag2bitRowwiseOffsets(p2, idx, offs, false, 0, false, psw), P.bag2weighted, "2 bits, weighted (positional)");
  const E = P.errors;
  assert.throws(() => qops.embeddingBag4bitRowwiseOffsets(p4, idx), { message: E.noOffsets });
  assert.throws(() => qops.embeddingBag4bitRowwiseOffsets(p4, long(P.idx2, [2, 3]), offs), { message: E.offsetsWith2d });
  assert.throws(() => qops.embeddingBag4bitRowwiseOffsets(p4, long([7]), long([0])), { message: E.badIndex });
  assert.throws(() => qops.embeddingBag4bitRowwiseOffsets(p4, idx.float(), offs), { message: E.floatIndices });
  assert.throws(() => qops.embeddingBag4bitRowwiseOffsets(p4, idx, offs, { perSampleWeights: psw.double() }), { message: E.doubleWeights });
  assert.throws(() => qops.embeddingBag4bitRowwiseOffsets(p4, idx.reshape(1, 1, 9)), { message: E.indices3d });
  void w;
});

test("quint4x2 weights through embedding_bag_prepack: embedding_4bit / embedding_bag_4bit as PyTorch's", () => {
  const P = fx.packing, K = fx.packed, w = t(P.weight);
  const observer = torch.ao.quantization.defaultFloatQparamsObserver4bit();
  observer.call(w);
  const [s, z] = observer.calculateQparams();
  assert.deepEqual(s.tolist(), K.scales);
  assert.deepEqual(z.tolist(), K.zeroPoints);
  const qw = torch.quantizePerChannel(w, s, z, 0, torch.quint4x2);
  assertQ(qw, K.qweight, "quint4x2 weight");
  const p = qops.embeddingBagPrepack(qw);
  assertQ(qops.embeddingBagUnpack(p), K.unpacked, "unpacked");
  const idx = long(P.idx), offs = long(P.offsets);
  sameValues(qops.embedding4bit(p, long(P.idx2, [2, 3])), K.embedding, "embedding_4bit, 2-d indices");
  sameValues(qops.embedding4bit(p, idx), K.embedding1d, "embedding_4bit");
  sameValues(qops.embeddingBag4bit(p, idx, offs), K.bag, "embedding_bag_4bit");
  sameValues(qops.embeddingBag4bit(p, idx, offs, false, 0, false, torch.tensor(P.psw)), K.bagWeighted, "weighted");
  sameValues(qops.embeddingBag4bit(p, idx, long([...P.offsets, 9]), { includeLastOffset: true }), K.bagLast, "include_last_offset");
  assert.throws(() => qops.embeddingBagPrepack(torch.quantizePerChannel(w, s, z, 0, torch.quint2x4)), { message: K.errors.quint2x4 });
  assert.throws(() => qops.embeddingBagPrepack(torch.quantizePerChannel(torch.randn(2, 5), torch.ones(2), torch.zeros(2), 0, torch.quint4x2)), /even number of columns/);
  assert.throws(() => qops.embeddingByte(p, idx), /packed with 4 bits/);
});
