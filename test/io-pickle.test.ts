import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { FormatError } from "../src/io/errors.js";
import { pickle, unpickle } from "../src/io/pickle.js";
import {
  DTypeRef, DeviceRef, OrderedDict, PyComplex, PyFloat, PyGlobal, PyTuple, StorageRef, TensorRef, tuple,
  type PickleValue,
} from "../src/io/pickle-values.js";

const PICKLES: Record<string, string> = JSON.parse(readFileSync("test/fixtures/io/pickles.json", "utf8"));
const fromHex = (h: string): Uint8Array => Uint8Array.from(Buffer.from(h, "hex"));
const py = (name: string): Uint8Array => fromHex(PICKLES[name]!);
const ascii = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0));

function refuses(data: Uint8Array, pattern: RegExp): void {
  assert.throws(() => unpickle(data), (e: unknown) => e instanceof FormatError && pattern.test(e.message),
    `expected a FormatError matching ${pattern}`);
}

test("reads Python's protocol-2 pickles of plain values", () => {
  assert.equal(unpickle(py("none")), null);
  assert.equal(unpickle(py("true")), true);
  assert.equal(unpickle(py("false")), false);
  assert.deepStrictEqual(unpickle(py("ints")), [
    0, 1, 255, 256, 65535, 65536, -1, 2 ** 31 - 1, -(2 ** 31), 2 ** 31, -(2 ** 31) - 1, 2 ** 53,
    2n ** 53n + 1n, -(2n ** 63n), 2n ** 64n, 10n ** 40n,
  ]);
  assert.deepStrictEqual(unpickle(py("floats")), [0.5, -0, 1e300, -2.25, Infinity, -Infinity]);
  assert.deepStrictEqual(unpickle(py("strings")), ["", "abc", "ü€", "😀", "\ud800x"]);
  assert.deepStrictEqual(unpickle(py("tuples")), [tuple([]), tuple([1]), tuple([1, 2]), tuple([1, 2, 3]), tuple([1, 2, 3, 4])]);
  assert.ok((unpickle(py("tuples")) as PickleValue[]).every((t) => t instanceof PyTuple));
  const nested = unpickle(py("nested")) as Map<PickleValue, PickleValue>;
  assert.deepStrictEqual(nested.get("a"), [1, new Map([["b", tuple([2, [3]])]])]);
  assert.equal(nested.get(5), "int key");
  assert.deepStrictEqual([...nested.entries()][2], [tuple([1, 2]), "tuple key"]);
  const ordered = unpickle(py("ordered"));
  assert.ok(ordered instanceof OrderedDict);
  assert.deepStrictEqual([...ordered], [["z", 1], ["a", 2]]);
  assert.deepStrictEqual(unpickle(py("set")), new Set([1, 2, 3]));
  assert.deepStrictEqual(unpickle(py("bytes")), Uint8Array.from([0, 1, 255, 97, 98, 99]));
  assert.deepStrictEqual(unpickle(py("complex")), new PyComplex(1.5, -2));
  assert.deepStrictEqual(unpickle(py("dtype")), new DTypeRef("float16"));
  assert.deepStrictEqual(unpickle(py("size")), tuple([2, 3]));
  assert.deepStrictEqual(unpickle(py("device")), new DeviceRef("cpu", null));
  const shared = unpickle(py("shared")) as PickleValue[][];
  assert.equal(shared[0], shared[1], "one list referenced twice stays one list");
  const rec = unpickle(py("recursive")) as PickleValue[];
  assert.equal(rec[0], rec, "a list containing itself");
});

test("writes what Python's pickler writes where no string memo is involved", () => {
  for (const name of ["none", "true", "false", "ints", "floats", "shared", "recursive", "dtype"]) {
    assert.equal(Buffer.from(pickle(unpickle(py(name)))).toString("hex"), PICKLES[name], name);
  }
});

test("round-trips every kind of value", () => {
  for (const name of Object.keys(PICKLES)) {
    const v = unpickle(py(name));
    assert.deepStrictEqual(unpickle(pickle(v)), v, name);
  }
  const storage = new StorageRef("0", "float32", 6, "cpu");
  const t = new TensorRef(storage, 1, [2, 2], [1, 2], true);
  const p = new TensorRef(storage, 0, [3], [2], true, true);
  const big = Array.from({ length: 2500 }, (_, i) => i);
  const value = new Map<PickleValue, PickleValue>([
    ["t", t], ["again", t], ["p", p], ["big", big], ["map", new Map(big.map((i) => [i, String(i)]))],
    ["float", new PyFloat(2)], ["neg0", -0], ["nan", NaN], ["g", new PyGlobal("torch", "FloatStorage")],
    ["dev", new DeviceRef("cuda", 1)], ["odict", Object.assign(new OrderedDict(), { attributes: new Map([["_metadata", new Map()]]) })],
  ]);
  const back = unpickle(pickle(value)) as Map<PickleValue, PickleValue>;
  assert.deepStrictEqual(back.get("t"), t);
  assert.equal(back.get("t"), back.get("again"), "shared tensor stays shared");
  assert.deepStrictEqual(back.get("p"), p);
  assert.equal((back.get("p") as TensorRef).storage, (back.get("t") as TensorRef).storage, "storages are shared by key");
  assert.deepStrictEqual(back.get("big"), big);
  assert.equal((back.get("map") as Map<PickleValue, PickleValue>).size, 2500);
  assert.equal(back.get("float"), 2);
  assert.ok(Object.is(back.get("neg0"), -0));
  assert.ok(Number.isNaN(back.get("nan")));
  assert.deepStrictEqual(back.get("dev"), new DeviceRef("cuda", 1));
  assert.deepStrictEqual((back.get("odict") as OrderedDict).attributes, new Map([["_metadata", new Map()]]));
});

test("pickler: ints, floats and what it refuses", () => {
  assert.equal(Buffer.from(pickle(1.5)).toString("hex"), "8002473ff80000000000002e");
  assert.equal(Buffer.from(pickle(new PyFloat(3))).toString("hex"), "80024740080000000000002e");
  assert.equal(Buffer.from(pickle(-1)).toString("hex"), "80024affffffff2e");
  assert.equal(unpickle(pickle(2 ** 53)), 2 ** 53);
  assert.equal(unpickle(pickle(-(2n ** 200n))), -(2n ** 200n));
  assert.equal(unpickle(pickle(1e20)), 1e20);
  assert.deepStrictEqual(unpickle(pickle({ a: 1, b: [undefined] })), new Map<PickleValue, PickleValue>([["a", 1], ["b", [null]]]));
  assert.throws(() => pickle(2n ** 3000n), /too large/);
  assert.throws(() => pickle((() => 1) as unknown as PickleValue), /function/);
  assert.throws(() => pickle(new Date() as unknown as PickleValue), /Date/);
  assert.throws(() => pickle(new PyGlobal("os", "system")), /os\.system/);
  const t = tuple<PickleValue>([]);
  const l: PickleValue[] = [t];
  t.push(l);
  assert.throws(() => pickle(t), /contains itself/);
});

test("refuses globals outside the weights-only set, naming them", () => {
  refuses(ascii("cos\nsystem\n(S'echo pwned'\ntR."), /'os\.system'/);
  refuses(ascii("\x80\x02cposix\nsystem\nq\x00."), /'posix\.system'/);
  refuses(ascii("c__builtin__\neval\n."), /'builtins\.eval'/);
  refuses(ascii("cbuiltins\ngetattr\n."), /'builtins\.getattr'/);
  refuses(ascii("ctorch\nload\n."), /'torch\.load'/);
  refuses(ascii("csubprocess\nPopen\n."), /'subprocess\.Popen'/);
  refuses(ascii("ctorch._utils\n_rebuild_sparse_tensor\n)R."), /_rebuild_sparse_tensor: takes 2 arguments, got 0/);
});

test("refuses opcodes outside the weights-only set, naming them", () => {
  const cases: [string, string][] = [
    ["\x80\x02X\x02\x00\x00\x00osX\x06\x00\x00\x00system\x93.", "STACK_GLOBAL"],
    ["(ios\nsystem\n.", "INST"],
    ["(N)o.", "OBJ"],
    ["\x80\x04\x95\x05\x00\x00\x00\x00\x00\x00\x00N.", "FRAME"],
    ["C\x03abc.", "SHORT_BINBYTES"],
    ["B\x01\x00\x00\x00a.", "BINBYTES"],
    ["\x8c\x01a.", "SHORT_BINUNICODE"],
    ["I12\n.", "INT"],
    ["S'x'\n.", "STRING"],
    ["F1.0\n.", "FLOAT"],
    ["N2.", "DUP"],
    ["NN0.", "POP"],
    ["(l.", "LIST"],
    ["\x8b\x01\x00\x00\x00\x01.", "LONG4"],
    ["Pabc\n.", "PERSID"],
    ["N\x94.", "MEMOIZE"],
    ["\x82\x01.", "EXT1"],
  ];
  for (const [src, name] of cases) refuses(ascii(src), new RegExp(`opcode ${name} `));
  refuses(ascii("\x80\x02\xff."), /unsupported pickle opcode \(unknown\) \(0xff\)/);
});

test("restricts REDUCE, NEWOBJ, BUILD, APPEND, SETITEM and persistent ids as PyTorch's weights-only loader does", () => {
  refuses(ascii("\x80\x02N)R."), /cannot call None/);
  refuses(ascii("\x80\x02ctorch\nFloatStorage\n)R."), /cannot be called/);
  refuses(ascii("\x80\x02ccollections\nOrderedDict\n)\x81."), /only create new objects of torch\.nn\.Parameter/);
  refuses(ascii("\x80\x02}}b."), /BUILD can only set the state of an OrderedDict/);
  refuses(ascii("\x80\x02)Na."), /can only APPEND to lists, got tuple/);
  refuses(ascii("\x80\x02}(Ne."), /can only APPENDS to lists, got dict/);
  refuses(ascii("\x80\x02]NNs."), /can only SETITEM for dict/);
  refuses(ascii("\x80\x02(X\x06\x00\x00\x00moduleNNNNtQ."), /only persistent_load of storage/);
  refuses(ascii("\x80\x02NQ."), /persistent id must be a tuple/);
  const hugeName = pickle(tuple([new Uint8Array(200_000).fill(0x41), null]));
  refuses(Uint8Array.from([...hugeName.subarray(0, hugeName.length - 1), 0x51, 0x2e]), /only persistent_load of storage/);
  refuses(ascii("\x80\x02(X\x07\x00\x00\x00storagecbuiltins\nset\nX\x01\x00\x00\x000X\x03\x00\x00\x00cpuK\x01tQ."), /not a storage class/);
  refuses(ascii("\x80\x02(X\x07\x00\x00\x00storagectorch\nUntypedStorage\nX\x01\x00\x00\x000X\x03\x00\x00\x00cpuK\x01tQ."), /not supported by torch-ts/);
  refuses(ascii("\x80\x02ctorch\ndevice\nX\x03\x00\x00\x00c p\x85R."), /invalid device string/);
  refuses(ascii("\x80\x02ctorch._utils\n_rebuild_tensor_v2\nK\x01\x85R."), /takes 6 to 7 arguments, got 1/);
});

test("checks tensor records against their storage", () => {
  const s = new StorageRef("0", "float32", 6, "cpu");
  refuses(pickle(new TensorRef(s, 0, [7], [1], false)), /past the end of its 6-element storage/);
  refuses(pickle(new TensorRef(s, 5, [2], [1], false)), /past the end/);
  refuses(pickle(new TensorRef(s, 0, [2, 3], [4, 1], false)), /past the end/);
  refuses(pickle(new TensorRef(s, 0, [2 ** 30, 2 ** 30, 2 ** 30], [0, 0, 0], false)), /too many elements/);
  refuses(pickle(new TensorRef(s, 0, [2, 3], [1], false)), /differ in length/);
  refuses(pickle(new TensorRef(s, 7, [0], [1], false)), /past the end/);
  // Expanded (stride 0) views and empty tensors are fine.
  assert.ok(unpickle(pickle(new TensorRef(s, 5, [1000, 1000], [0, 0], false))) instanceof TensorRef);
  assert.ok(unpickle(pickle(new TensorRef(s, 6, [0, 4], [4, 1], false))) instanceof TensorRef);
  const other = new StorageRef("0", "float32", 7, "cpu");
  refuses(pickle([new TensorRef(s, 0, [1], [1], false), new TensorRef(other, 0, [1], [1], false)]), /declared both as/);
  refuses(pickle(new TensorRef(new StorageRef("0", "float64", 2 ** 51, "cpu"), 0, [1], [1], false)), /too large/);
});

test("corrupted and truncated pickles end in a FormatError", () => {
  refuses(ascii("\x80\x02."), /STOP with an empty stack/);
  refuses(ascii("\x80\x02h\x05."), /memo entry 5 read before/);
  refuses(ascii("\x80\x02t."), /without a MARK/);
  refuses(ascii("\x80\x02(K\x01u."), /SETITEMS|underflow/);
  refuses(ascii("\x80\x02}(K\x01u."), /odd number/);
  refuses(ascii("\x80\x02\x85."), /underflow/);
  refuses(ascii("\x80\x02(\x85."), /underflow/);
  refuses(ascii("\x80\x02X\xff\xff\xff\xff."), /truncated/);
  refuses(ascii("\x80\x02X\x02\x00\x00\x00\xff\xfe."), /invalid UTF-8/);
  refuses(ascii("\x80\x09N."), /protocol 9/);
  refuses(ascii("\x80\x02ctorch"), /no end of line/);
  for (const name of Object.keys(PICKLES)) {
    const data = py(name);
    for (let cut = 0; cut < data.length; cut++) {
      assert.throws(() => unpickle(data.subarray(0, cut)), FormatError, `${name} cut at ${cut}`);
    }
  }
});

test("deep nesting is read without recursion", () => {
  const n = 200_000;
  const data = new Uint8Array(2 + n + (n - 1) + 1);
  data[0] = 0x80; data[1] = 2;
  data.fill(0x5d, 2, 2 + n);         // EMPTY_LIST × n
  data.fill(0x61, 2 + n, 2 * n + 1); // APPEND × (n − 1)
  data[2 * n + 1] = 0x2e;
  let v = unpickle(data) as PickleValue[];
  let depth = 0;
  while (v.length) { v = v[0] as PickleValue[]; depth++; }
  assert.equal(depth, n - 1);
});
