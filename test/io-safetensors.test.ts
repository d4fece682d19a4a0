import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Tensor } from "../src/core/tensor.js";
import { Storage } from "../src/core/storage.js";
import { toDType, allocArray, f32ToBf16, f32ToF16, type DTypeName } from "../src/core/dtype.js";
import { BytesSource } from "../src/io/bytes.js";
import { FormatError } from "../src/io/errors.js";
import { buildHeader, readHeader, type TensorToWrite } from "../src/io/safetensors-format.js";
import * as st from "../src/io/safetensors.js";
import { describe as describeValue } from "./fixtures/io/describe.js";

const FIXTURE = "test/fixtures/conformance/fixtures/tensors.safetensors";
const MANIFEST = JSON.parse(readFileSync("test/fixtures/conformance/fixtures/manifest.json", "utf8"));

function tensorOf(dtype: DTypeName, shape: number[], values: (number | bigint | boolean)[]): Tensor {
  const d = toDType(dtype);
  const n = shape.reduce((a, b) => a * b, 1);
  const data = allocArray(d, n);
  for (let i = 0; i < n; i++) {
    const v = values[i]!;
    if (data instanceof BigInt64Array) data[i] = BigInt(v as number | bigint);
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
  return mkdtempSync(join(tmpdir(), "torch-ts-st-"));
}

function rejects(bytes: Uint8Array, pattern: RegExp): void {
  assert.throws(() => st.load(bytes), (e: unknown) => e instanceof FormatError && pattern.test(e.message), `expected ${pattern}`);
}

function withHeader(json: string, data = new Uint8Array(0), declared?: bigint): Uint8Array {
  const h = new TextEncoder().encode(json);
  const out = new Uint8Array(8 + h.length + data.length);
  new DataView(out.buffer).setBigUint64(0, declared ?? BigInt(h.length), true);
  out.set(h, 8);
  out.set(data, 8 + h.length);
  return out;
}

test("header bytes match the reference implementation's test vectors", () => {
  const f32 = new Float32Array([0, 1, 2, 3, 4, 5]);
  const data = new Uint8Array(f32.buffer);
  const { header } = buildHeader([{ name: "attn.0", dtype: "F32", shape: [1, 2, 3], data }]);
  assert.deepEqual([...header, ...data], [
    64, 0, 0, 0, 0, 0, 0, 0, 123, 34, 97, 116, 116, 110, 46, 48, 34, 58, 123, 34, 100,
    116, 121, 112, 101, 34, 58, 34, 70, 51, 50, 34, 44, 34, 115, 104, 97, 112, 101, 34,
    58, 91, 49, 44, 50, 44, 51, 93, 44, 34, 100, 97, 116, 97, 95, 111, 102, 102, 115,
    101, 116, 115, 34, 58, 91, 48, 44, 50, 52, 93, 125, 125, 0, 0, 0, 0, 0, 0, 128, 63,
    0, 0, 0, 64, 0, 0, 64, 64, 0, 0, 128, 64, 0, 0, 160, 64,
  ]);
  assert.deepEqual([...buildHeader([]).header], [8, 0, 0, 0, 0, 0, 0, 0, 123, 125, 32, 32, 32, 32, 32, 32]);
  assert.deepEqual([...buildHeader([], { framework: "pt" }).header], [
    40, 0, 0, 0, 0, 0, 0, 0, 123, 34, 95, 95, 109, 101, 116, 97, 100, 97, 116, 97, 95,
    95, 34, 58, 123, 34, 102, 114, 97, 109, 101, 119, 111, 114, 107, 34, 58, 34, 112,
    116, 34, 125, 125, 32, 32, 32, 32, 32,
  ]);
});

test("the writer orders tensors by dtype alignment then name, so every tensor is aligned", () => {
  const mk = (name: string, dtype: TensorToWrite["dtype"], n: number, size: number): TensorToWrite =>
    ({ name, dtype, shape: [n], data: new Uint8Array(n * size) });
  const { order, header } = buildHeader([mk("b", "U8", 3, 1), mk("a", "F16", 1, 2), mk("z", "F64", 1, 8), mk("c", "I64", 2, 8), mk("m", "BOOL", 1, 1)]);
  assert.deepEqual(order.map((t) => t.name), ["c", "z", "a", "b", "m"]);
  assert.equal(header.length % 8, 0);
});

test("loads the fixture written by PyTorch's safetensors", () => {
  const loaded = st.loadFile(FIXTURE);
  const expected = MANIFEST["tensors.safetensors"] as Record<string, { T: string; shape: number[]; data: unknown[] }>;
  assert.deepEqual([...loaded.keys()], Object.keys(expected), "data order");
  for (const [name, e] of Object.entries(expected)) {
    const t = loaded.get(name)!;
    assert.equal(t.dtype.name, e.T, name);
    assert.deepEqual(t.shape, e.shape, name);
    assert.deepEqual(flat(t).map((x) => (typeof x === "bigint" ? Number(x) : x)), e.data, name);
  }
  assert.deepEqual(st.loadMetadata(FIXTURE), { format: "pt" });
  assert.deepEqual(st.load(readFileSync(FIXTURE)).get("idx")!.tolist(), [1, 2, 205891132094649]);
});

test("round-trips every dtype, views and metadata", () => {
  const base = tensorOf("float32", [3, 4], Array.from({ length: 12 }, (_, i) => i - 5.5));
  const transposed = new Tensor(base.storage, [4, 3], [1, 4], 0);
  const row = new Tensor(base.storage, [4], [1], 4);
  const tensors = new Map<string, Tensor>([
    ["f32", base], ["f64", tensorOf("float64", [2], [Math.PI, -1e300])],
    ["f16", tensorOf("float16", [2, 2], [0.5, -1.25, 2, 0])], ["bf16", tensorOf("bfloat16", [3], [1.5, -2, 0.25])],
    ["i8", tensorOf("int8", [3], [-128, 0, 127])], ["u8", tensorOf("uint8", [2], [0, 255])],
    ["i16", tensorOf("int16", [2], [-32768, 32767])], ["i32", tensorOf("int32", [2], [-(2 ** 31), 2 ** 31 - 1])],
    ["i64", tensorOf("int64", [3], [-(2n ** 63n), 2n ** 53n + 1n, 2n ** 63n - 1n])],
    ["bool", tensorOf("bool", [3], [1, 0, 1])], ["scalar", tensorOf("float32", [], [7])],
    ["empty", tensorOf("float32", [0, 5], [])], ["transposed", transposed], ["row", row],
  ]);
  const bytes = st.save(tensors, { note: "hello", "ünï": "cödé" });
  const back = st.load(bytes);
  assert.deepEqual(new Set(back.keys()), new Set(tensors.keys()));
  for (const [name, t] of tensors) {
    const b = back.get(name)!;
    assert.equal(b.dtype, t.dtype, name);
    assert.deepEqual(b.shape, t.shape, name);
    assert.ok(b.isContiguous(), name);
    assert.deepEqual(flat(b), flat(t), name);
  }
  assert.deepEqual(st.loadMetadata(bytes), { note: "hello", "ünï": "cödé" });
  assert.equal(st.loadMetadata(st.save({ x: base })), null);

  const dir = tmp();
  try {
    const path = join(dir, "m.safetensors");
    st.saveFile(Object.fromEntries(tensors), path, { format: "pt" });
    assert.deepEqual(readFileSync(path), Buffer.from(st.save(tensors, { format: "pt" })));
    const fromFile = st.loadFile(path);
    for (const [name, t] of tensors) assert.deepEqual(flat(fromFile.get(name)!), flat(t), name);
  } finally { rmSync(dir, { recursive: true, force: true }); }
});

test("validation: header length, JSON, dtypes, offsets and sizes", () => {
  const f4 = new Uint8Array(16);
  rejects(new Uint8Array(5), /HeaderTooSmall/);
  rejects(withHeader("{}", new Uint8Array(0), 100_000_001n), /HeaderTooLarge/);
  rejects(withHeader("{}", new Uint8Array(0), 2n ** 63n), /HeaderTooLarge/);
  rejects(withHeader("{}", new Uint8Array(0), 50n), /InvalidHeaderLength/);
  rejects(withHeader("\xff{}"), /not valid UTF-8|does not start/);
  const badUtf8 = withHeader("{}  ");
  badUtf8[9] = 0xff;
  rejects(badUtf8, /not valid UTF-8/);
  rejects(withHeader(" {}"), /InvalidHeaderStart/);
  rejects(withHeader("{\"a\":"), /not valid JSON/);
  rejects(withHeader("{\"a\":[1,2]}"), /described by an object/);
  rejects(withHeader("{\"a\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}", new Uint8Array(15)), /MetadataIncompleteBuffer/);
  rejects(withHeader("{\"a\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}", new Uint8Array(17)), /MetadataIncompleteBuffer/);
  rejects(withHeader("{\"a\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,16]}}", f4), /TensorInvalidInfo/);
  rejects(withHeader("{\"a\":{\"dtype\":\"X9\",\"shape\":[4],\"data_offsets\":[0,16]}}", f4), /unknown dtype "X9"/);
  rejects(withHeader("{\"a\":{\"dtype\":\"U16\",\"shape\":[8],\"data_offsets\":[0,16]}}", f4), /dtype U16, which torch-ts does not support/);
  rejects(withHeader("{\"a\":{\"dtype\":\"F32\",\"shape\":[-4],\"data_offsets\":[0,16]}}", f4), /not a non-negative integer/);
  rejects(withHeader("{\"a\":{\"dtype\":\"F32\",\"shape\":[1.5],\"data_offsets\":[0,16]}}", f4), /not a non-negative integer/);
  rejects(withHeader("{\"a\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0]}}", f4), /\[begin, end\]/);
  // Gap, overlap, and a tensor starting past the data.
  rejects(withHeader("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[8,16]}}", f4), /InvalidOffset/);
  rejects(withHeader("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", f4), /InvalidOffset/);
  rejects(withHeader("{\"a\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[16,0]}}", f4), /InvalidOffset/);
  rejects(withHeader("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[1000000000000,1000000000004]}}", f4), /InvalidOffset/);
  // Huge shapes: overflow, and a lying shape whose byte count does not match.
  rejects(withHeader("{\"a\":{\"dtype\":\"F64\",\"shape\":[4294967296,4294967296,4096],\"data_offsets\":[0,16]}}", f4), /ValidationOverflow/);
  rejects(withHeader("{\"a\":{\"dtype\":\"F32\",\"shape\":[1000000000],\"data_offsets\":[0,16]}}", f4), /TensorInvalidInfo/);
  rejects(withHeader("{\"__metadata__\":{\"a\":1}}"), /must be a string/);
  rejects(withHeader("{\"__metadata__\":[]}"), /object of strings/);
  // A valid file with an empty tensor and a __proto__ name.
  const ok = st.load(withHeader("{\"__proto__\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[0,0]}}"));
  assert.deepEqual([...ok.keys()], ["__proto__"]);
  assert.equal(readHeader(new BytesSource(withHeader("{}"))).tensors.length, 0);
});

test("argument checks of the writers", () => {
  assert.throws(() => st.save({ x: 3 as unknown as Tensor }), /'x' is not a Tensor/);
  assert.throws(() => st.save({ x: tensorOf("float32", [1], [1]) }, { a: 1 as unknown as string }), /must be a string/);
  assert.throws(() => st.save(new Map([["__metadata__", tensorOf("float32", [1], [1])]])), /cannot name a tensor/);
  assert.throws(() => st.loadFile(""), /non-empty/);
});

test("sharded checkpoints through model.safetensors.index.json", () => {
  const dir = tmp();
  try {
    const tensors = new Map<string, Tensor>();
    for (let i = 0; i < 10; i++) tensors.set(`layer.${i}.weight`, tensorOf("float32", [16], Array.from({ length: 16 }, (_, j) => i * 100 + j)));
    tensors.set("ids", tensorOf("int64", [2], [2n ** 60n, -3n]));
    const indexPath = st.saveSharded(tensors, dir, { maxShardSize: 200 });
    assert.equal(indexPath, join(dir, st.INDEX_FILE));
    const index = JSON.parse(readFileSync(indexPath, "utf8"));
    const files = new Set(Object.values(index.weight_map as Record<string, string>));
    assert.ok(files.size > 1, "several shards");
    assert.equal(index.metadata.total_size, 10 * 64 + 16);
    for (const f of files) assert.match(f, /^model-\d{5}-of-\d{5}\.safetensors$/);
    for (const loaded of [st.loadSharded(dir), st.loadSharded(indexPath)]) {
      assert.deepEqual([...loaded.keys()].sort(), [...tensors.keys()].sort());
      for (const [name, t] of tensors) assert.deepEqual(flat(loaded.get(name)!), flat(t), name);
    }
    // An index naming a tensor its shard lacks; one reaching outside its folder.
    const first = [...files][0]!;
    writeFileSync(indexPath, JSON.stringify({ weight_map: { missing: first } }));
    assert.throws(() => st.loadSharded(dir), /does not hold it/);
    writeFileSync(indexPath, JSON.stringify({ weight_map: { x: "../../etc/passwd" } }));
    assert.throws(() => st.loadSharded(dir), /not a plain file name/);
    writeFileSync(indexPath, "{not json");
    assert.throws(() => st.loadSharded(dir), /not valid JSON/);
    writeFileSync(indexPath, JSON.stringify({ weight_map: [] }));
    assert.throws(() => st.loadSharded(dir), /no weight_map/);
  } finally { rmSync(dir, { recursive: true, force: true }); }
});

test("loadFile reads tensor by tensor: no second copy of the file in memory", () => {
  const dir = tmp();
  try {
    const path = join(dir, "big.safetensors");
    const n = 4 << 20; // 16 MiB of float32, in 4 tensors
    const tensors = new Map<string, Tensor>();
    for (let k = 0; k < 4; k++) tensors.set(`t${k}`, new Tensor(new Storage(new Float32Array(n / 4).fill(k), toDType("float32")), [n / 4]));
    st.saveFile(tensors, path);
    tensors.clear();
    const size = statSync(path).size;
    const before = process.memoryUsage().arrayBuffers;
    const loaded = st.loadFile(path);
    const grew = process.memoryUsage().arrayBuffers - before;
    assert.equal(loaded.size, 4);
    assert.ok(grew < size * 1.25, `loading a ${size}-byte file grew ArrayBuffer memory by ${grew}`);
    assert.equal(flat(loaded.get("t3")!)[0], 3);
    // A failed save leaves no partial file behind.
    const bad = join(dir, "bad.safetensors");
    assert.throws(() => st.saveFile({ x: 1 as unknown as Tensor }, bad));
    assert.equal(existsSync(bad), false);
  } finally { rmSync(dir, { recursive: true, force: true }); }
});

test("describe helper sees loaded safetensors as plain tensors", () => {
  const d = describeValue(st.load(st.save({ x: tensorOf("int32", [2], [1, 2]) })).get("x"));
  assert.deepEqual((d as { tensor: { data: unknown } }).tensor.data, [1, 2]);
});
