import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, existsSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Tensor } from "../src/core/tensor.js";
import { Device, Storage } from "../src/core/storage.js";
import { allocArray, f32ToBf16, f32ToF16, toDType, float16, type DTypeName } from "../src/core/dtype.js";
import { BytesSink, BytesSource } from "../src/io/bytes.js";
import { FormatError } from "../src/io/errors.js";
import { pickle } from "../src/io/pickle.js";
import { OrderedDict, PyFloat, PyTuple, StorageRef, TensorRef, tuple, type PickleValue } from "../src/io/pickle-values.js";
import { writeCheckpoint } from "../src/io/pt-format.js";
import { load, save, type LoadedValue, type SaveValue } from "../src/io/pt.js";
import { ZipReader, ZipWriter } from "../src/io/zip.js";
import { Parameter } from "../src/nn/parameter.js";
import { describe, normalize } from "./fixtures/io/describe.js";

/** load's result type follows its use, e.g. as Module.loadStateDict's argument. */
function takesStateDict(sd: Map<string, Tensor> | Record<string, Tensor>): number {
  return sd instanceof Map ? sd.size : Object.keys(sd).length;
}

const CONF = "test/fixtures/conformance/fixtures";
const IO = "test/fixtures/io";
const MANIFEST = JSON.parse(readFileSync(`${CONF}/manifest.json`, "utf8"));
const EXPECTED = JSON.parse(readFileSync(`${IO}/expected.json`, "utf8")).files as Record<string, unknown>;

function tensorOf(dtype: DTypeName, shape: number[], values: (number | bigint)[]): Tensor {
  const d = toDType(dtype);
  const n = shape.reduce((a, b) => a * b, 1);
  const data = allocArray(d, n);
  for (let i = 0; i < n; i++) {
    const v = values[i]!;
    if (data instanceof BigInt64Array) data[i] = BigInt(v);
    else if (dtype === "float16") data[i] = f32ToF16(Number(v));
    else if (dtype === "bfloat16") data[i] = f32ToBf16(Number(v));
    else data[i] = Number(v);
  }
  return new Tensor(new Storage(data, d), shape);
}

function flat(t: Tensor): unknown[] {
  const out: unknown[] = [];
  const walk = (x: unknown): void => { if (Array.isArray(x)) x.forEach(walk); else out.push(x); };
  if (t.numel()) walk(t.tolist());
  return out;
}

function tmp(): string {
  return mkdtempSync(join(tmpdir(), "torch-ts-pt-"));
}

function rejects(bytes: Uint8Array, pattern: RegExp): void {
  assert.throws(() => load(bytes), (e: unknown) => e instanceof FormatError && pattern.test(e.message), `expected ${pattern}`);
}

/** A zip checkpoint with hand-made records (for files PyTorch would not write). */
function handmade(records: [string, Uint8Array][]): Uint8Array {
  const sink = new BytesSink();
  const w = new ZipWriter(sink);
  for (const [name, data] of records) w.add(`archive/${name}`, data);
  w.finish();
  return sink.bytes();
}
const text = (s: string): Uint8Array => new TextEncoder().encode(s);

test("loads PyTorch 2.x's state_dict.pt: every dtype, int64 beyond 2^53, views sharing a storage", () => {
  const sd = load<Map<string, Tensor>>(`${CONF}/state_dict.pt`);
  const expected = MANIFEST["state_dict.pt"] as Record<string, { T: string; shape: number[]; data: unknown[] }>;
  assert.deepEqual([...sd.keys()], Object.keys(expected));
  for (const [name, e] of Object.entries(expected)) {
    const t = sd.get(name)!;
    assert.equal(t.dtype.name, e.T, name);
    assert.deepEqual(t.shape, e.shape, name);
    assert.deepEqual(flat(t), e.data, name);
  }
  const vt = sd.get("view_t")!, vr = sd.get("view_row")!;
  assert.equal(vt.storage, vr.storage, "views share one storage");
  assert.deepEqual(vt.stride(), [1, 5]);
  assert.equal(vr.storageOffset(), 5);
  assert.ok(!(sd instanceof OrderedDict), "a plain dict stays a dict");
});

test("loads PyTorch 2.x's cnn.pt: an OrderedDict state_dict with its _metadata", () => {
  assert.equal(takesStateDict(load(`${CONF}/cnn.pt`)), 9);
  const sd = load<OrderedDict<string, Tensor>>(`${CONF}/cnn.pt`);
  assert.ok(sd instanceof OrderedDict);
  assert.deepEqual([...sd.keys()], MANIFEST["cnn.pt"].keys);
  assert.deepEqual(sd.get("0.weight")!.shape, [8, 1, 3, 3]);
  assert.equal(sd.get("1.num_batches_tracked")!.dtype.name, "int64");
  const md = sd.attributes!.get("_metadata") as Map<string, Map<string, number>>;
  assert.equal(md.get("1")!.get("version"), 2);
});

test("loads what PyTorch 1.13 wrote: zip, legacy and re-deflated files", () => {
  for (const [file, want] of Object.entries(EXPECTED)) {
    assert.deepStrictEqual(describe(load(`${IO}/${file}`)), normalize(want), file);
  }
  const params = load<Map<string, Tensor>>(`${IO}/params_113.pt`);
  assert.ok(params.get("p") instanceof Parameter);
  assert.ok(params.get("frozen") instanceof Parameter);
  assert.equal(params.get("p")!._isParameter, true);
  assert.equal(params.get("p")!.requiresGrad, true);
  assert.equal(params.get("frozen")!.requiresGrad, false);
  assert.equal(params.get("g")!._isParameter, false);
  assert.equal(params.get("g")!.requiresGrad, true);
});

test("save → load keeps values, dtypes, views, sharing and containers", () => {
  const base = tensorOf("float32", [4, 6], Array.from({ length: 24 }, (_, i) => i / 4));
  const t = new Tensor(base.storage, [6, 4], [1, 6], 0);
  const narrow = new Tensor(base.storage, [2, 3], [6, 1], 8);
  const w = tensorOf("float32", [2, 2], [1, 2, 3, 4]).requiresGrad_(true);
  const p = tensorOf("float32", [3], [5, 6, 7]).requiresGrad_(true);
  p._isParameter = true;
  const stateDict = new Map<string, Tensor>([["weight", w], ["bias", p]]);
  const dtypes: [DTypeName, (number | bigint)[]][] = [
    ["float64", [Math.E, -0.5]], ["float16", [0.5, -2]], ["bfloat16", [1.5, 3]], ["int8", [-128, 127]],
    ["uint8", [0, 255]], ["int16", [-32768, 32767]], ["int32", [-(2 ** 31), 7]], ["int64", [2n ** 62n + 1n, -(2n ** 63n)]], ["bool", [1, 0]],
  ];
  const obj: SaveValue = {
    model: stateDict,
    optimizer: { state: new Map([[0, { step: tensorOf("float32", [], [3]), exp_avg: tensorOf("float32", [2, 2], [0, 0, 0, 1]) }]]),
      param_groups: [{ lr: 0.001, betas: tuple([0.9, 0.999]), params: [0, 1], amsgrad: false, foreach: null }] },
    epoch: 12, big: 2n ** 70n, name: "ünï", flags: [true, false, null, undefined],
    views: { base, t, narrow, again: base },
    dtypes: Object.fromEntries(dtypes.map(([d, v]) => [d, tensorOf(d, [2], v)])),
    lr: new PyFloat(1), empty: tensorOf("float32", [0, 3], []), scalar: tensorOf("float64", [], [2.5]),
  };
  const back = load<Map<string, LoadedValue>>(save(obj));
  assert.ok(!(back instanceof OrderedDict) && back instanceof Map);
  const model = back.get("model") as OrderedDict<string, Tensor>;
  assert.ok(model instanceof OrderedDict, "a Map of tensors is saved as an OrderedDict (a state_dict)");
  assert.deepEqual(flat(model.get("weight")!), [1, 2, 3, 4]);
  assert.equal(model.get("weight")!.requiresGrad, true);
  assert.equal(model.get("bias")!._isParameter, true);
  const opt = back.get("optimizer") as Map<string, LoadedValue>;
  const state = opt.get("state") as Map<number, Map<string, Tensor>>;
  assert.deepEqual(flat(state.get(0)!.get("step")!), [3]);
  const group = (opt.get("param_groups") as Map<string, LoadedValue>[])[0]!;
  assert.equal(group.get("lr"), 0.001);
  assert.ok(group.get("betas") instanceof PyTuple);
  assert.deepEqual([...(group.get("betas") as PyTuple<number>)], [0.9, 0.999]);
  assert.equal(group.get("foreach"), null);
  assert.equal(back.get("epoch"), 12);
  assert.equal(back.get("big"), 2n ** 70n);
  assert.equal(back.get("name"), "ünï");
  assert.deepEqual(back.get("flags"), [true, false, null, null]);
  assert.equal(back.get("lr"), 1);
  const views = back.get("views") as Map<string, Tensor>;
  const [b2, t2, n2] = ["base", "t", "narrow"].map((k) => views.get(k)!);
  assert.equal(views.get("again"), b2, "the same tensor twice stays one tensor");
  assert.ok(b2!.storage === t2!.storage && t2!.storage === n2!.storage, "views share one storage");
  assert.deepEqual([t2!.stride(), t2!.storageOffset()], [[1, 6], 0]);
  assert.deepEqual([n2!.shape, n2!.stride(), n2!.storageOffset()], [[2, 3], [6, 1], 8]);
  assert.deepEqual(flat(n2!), flat(narrow));
  assert.deepEqual(flat(t2!), flat(t));
  const dt = back.get("dtypes") as Map<string, Tensor>;
  for (const [d, v] of dtypes) {
    assert.equal(dt.get(d)!.dtype.name, d);
    assert.deepEqual(flat(dt.get(d)!), flat(tensorOf(d, [2], v)), d);
  }
  assert.deepEqual(back.get("empty") instanceof Tensor && (back.get("empty") as Tensor).shape, [0, 3]);
  assert.deepEqual(flat(back.get("scalar") as Tensor), [2.5]);
});

test("re-saving a loaded PyTorch checkpoint keeps everything PyTorch wrote", () => {
  for (const file of ["checkpoint_113.pt", "dtypes_113.pt", "views_113.pt", "params_113.pt", "legacy_113.pt"]) {
    const once = load(`${IO}/${file}`);
    assert.deepStrictEqual(describe(load(save(once))), describe(once), file);
  }
  const cnn = load(`${CONF}/cnn.pt`);
  assert.deepStrictEqual(describe(load(save(cnn))), describe(cnn));
});

test("the file is laid out as torch.save lays it out", () => {
  const dir = tmp();
  try {
    const path = join(dir, "my.model.pt");
    const x = tensorOf("float32", [3], [1, 2, 3]);
    save({ a: x, b: tensorOf("int64", [1], [5]) }, path);
    const z = ZipReader.open(new BytesSource(readFileSync(path)));
    assert.deepEqual(z.entries.map((e) => e.name), [
      "my.model/data.pkl", "my.model/.format_version", "my.model/.storage_alignment", "my.model/byteorder",
      "my.model/data/0", "my.model/data/1", "my.model/version", "my.model/.data/serialization_id",
    ]);
    for (const e of z.entries) assert.equal(e.dataOffset % 64, 0);
    const txt = (n: string): string => new TextDecoder().decode(z.read(`my.model/${n}`));
    assert.equal(txt("version"), "3\n");
    assert.equal(txt("byteorder"), "little");
    assert.equal(txt(".format_version"), "1");
    assert.equal(txt(".storage_alignment"), "64");
    assert.match(txt(".data/serialization_id"), /^\d{40}$/);
    assert.deepEqual(new Float32Array(z.read("my.model/data/0").slice().buffer), new Float32Array([1, 2, 3]));
    assert.equal(ZipReader.open(new BytesSource(save(x))).entries[0]!.name, "archive/data.pkl");
    assert.deepEqual(save({ a: x }), save({ a: x }), "deterministic");
    assert.deepEqual(flat(load<Map<string, Tensor>>(path).get("a")!), [1, 2, 3]);
    const ab = save(x);
    assert.deepEqual(flat(load<Tensor>(ab.slice().buffer)), [1, 2, 3]);
    assert.deepEqual(flat(load<Tensor>(save(x, undefined, { zip64: "always" }))), [1, 2, 3]);
  } finally { rmSync(dir, { recursive: true, force: true }); }
});

test("loading from a path reads each storage straight into its tensor: no second copy of the file", () => {
  const dir = tmp();
  try {
    const path = join(dir, "big.pt");
    const n = 1 << 20;
    const tensors = new Map<string, Tensor>();
    for (let k = 0; k < 4; k++) tensors.set(`t${k}`, new Tensor(new Storage(new Float32Array(n).fill(k), toDType("float32")), [n]));
    save(tensors, path);
    tensors.clear();
    const size = statSync(path).size;
    const before = process.memoryUsage().arrayBuffers;
    const loaded = load<Map<string, Tensor>>(path);
    const grew = process.memoryUsage().arrayBuffers - before;
    assert.equal(loaded.size, 4);
    assert.ok(grew < size * 1.25, `loading a ${size}-byte file grew ArrayBuffer memory by ${grew}`);
    assert.equal(loaded.get("t3")!.storage.data[n - 1], 3);
  } finally { rmSync(dir, { recursive: true, force: true }); }
});

test("big-endian checkpoints are byte-swapped on load", () => {
  const s = new StorageRef("0", "float32", 3, "cpu");
  const i = new StorageRef("1", "int64", 2, "cpu");
  const value = new Map<PickleValue, PickleValue>([["f", new TensorRef(s, 0, [3], [1], false)], ["i", new TensorRef(i, 0, [2], [1], false)]]);
  const be = (arr: Float32Array | BigInt64Array, size: number): Uint8Array => {
    const b = new Uint8Array(arr.buffer.slice(0));
    for (let k = 0; k < b.length; k += size) b.subarray(k, k + size).reverse();
    return b;
  };
  const bytes = handmade([
    ["data.pkl", pickle(value)], ["byteorder", text("big")],
    ["data/0", be(new Float32Array([1.5, -2, 1e-3]), 4)], ["data/1", be(new BigInt64Array([2n ** 60n + 3n, -7n]), 8)],
    ["version", text("3\n")],
  ]);
  const m = load<Map<string, Tensor>>(bytes);
  assert.deepEqual(flat(m.get("f")!), [1.5, -2, Math.fround(1e-3)]);
  assert.deepEqual(flat(m.get("i")!), [2n ** 60n + 3n, -7]);
});

test("refuses files that are not torch.save checkpoints, with clear errors", () => {
  const s = new StorageRef("0", "float32", 3, "cpu");
  const tensor = pickle(new TensorRef(s, 0, [3], [1], false));
  rejects(new Uint8Array(0), /empty/);
  rejects(text("hello world"), /not a PyTorch checkpoint/);
  rejects(handmade([["constants.pkl", pickle(null)], ["data.pkl", pickle(null)]]), /TorchScript/);
  rejects(handmade([["version", text("3\n")]]), /no 'archive\/data\.pkl'/);
  rejects(handmade([["data.pkl", tensor]]), /has no record 'archive\/data\/0'/);
  rejects(handmade([["data.pkl", tensor], ["data/0", new Uint8Array(8)]]), /needs 12 bytes but its record holds 8/);
  rejects(handmade([["data.pkl", tensor], ["data/0", new Uint8Array(12)], ["byteorder", text("middle")]]), /invalid byteorder/);
  rejects(handmade([["data.pkl", tensor], ["data/0", new Uint8Array(12)], ["version", text("x".repeat(100))]]), /too long/);
  rejects(handmade([["data.pkl", text("cos\nsystem\n(S'rm -rf /'\ntR.")]]), /'os\.system'/);
  // torch.save(model) pickles the module's class: refused, naming it.
  assert.throws(() => load(`${IO}/module_113.pt`), /'torch\.nn\.modules\.linear\.Linear'/);
  const iStorage = new StorageRef("0", "int32", 1, "cpu");
  rejects(handmade([["data.pkl", pickle(new TensorRef(iStorage, 0, [1], [1], true))], ["data/0", new Uint8Array(4)]]), /requires_grad/);
  const deep = new Uint8Array(2 + 3000 + 2999 + 1);
  deep[0] = 0x80; deep[1] = 2; deep.fill(0x5d, 2, 3002); deep.fill(0x61, 3002, 6001); deep[6001] = 0x2e;
  rejects(handmade([["data.pkl", deep]]), /nested deeper than 1000/);
  const noFolder = new BytesSink();
  const w = new ZipWriter(noFolder); w.add("data.pkl", pickle(null)); w.finish();
  rejects(noFolder.bytes(), /not in a top folder/);
  assert.throws(() => load(save(1), { weightsOnly: false }), /weights_only=False is not supported/);
  assert.throws(() => load(save(1), { mapLocation: "cuda" as "cpu" }), /map_location/);
  assert.equal(load(save(1), { weightsOnly: true, mapLocation: "cpu" }), 1);
});

test("save refuses what it cannot write", () => {
  assert.throws(() => save({ f: (() => 1) as unknown as SaveValue }), /cannot save a function/);
  assert.throws(() => save(new Date() as unknown as SaveValue), /cannot save a Date/);
  const gpu = new Tensor(new Storage(new Float32Array(2), toDType("float32"), new Device("webgpu")), [2]);
  assert.throws(() => save(gpu), /move it to the CPU/);
  assert.throws(() => save(1, ""), /non-empty string/);
  let deep: SaveValue[] = [];
  for (let i = 0; i < 1500; i++) deep = [deep];
  assert.throws(() => save(deep), /nested deeper/);
  const dir = tmp();
  try {
    const path = join(dir, "x.pt");
    assert.throws(() => save({ bad: new Date() as unknown as SaveValue }, path));
    assert.equal(existsSync(path), false, "no file left behind");
  } finally { rmSync(dir, { recursive: true, force: true }); }
  // A cycle through a list is saved as Python would (memo), and comes back as a cycle.
  const loop: SaveValue[] = [];
  loop.push(loop);
  const back = load<LoadedValue[]>(save(loop));
  assert.equal(back[0], back);
  assert.equal(load<Tensor>(save(tensorOf("float16", [1], [0.5]))).dtype, float16);
  // A bare storage (torch.save(t.untyped_storage()) in PyTorch) comes back as a Storage.
  const storage = tensorOf("int16", [3], [1, -2, 3]).storage;
  const s2 = load<Storage>(save(storage));
  assert.ok(s2 instanceof Storage);
  assert.deepEqual([...s2.data], [1, -2, 3]);
});

test("writeCheckpoint checks storage sizes", () => {
  const s = new StorageRef("0", "float32", 3, "cpu");
  assert.throws(() => writeCheckpoint(new BytesSink(), null, new Map([[s, new Uint8Array(4)]])), /needs 12 bytes, got 4/);
  assert.throws(() => writeCheckpoint(new BytesSink(), null, new Map(), { archiveName: "a/b" }), /invalid archive name/);
});
