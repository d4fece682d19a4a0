// Round trips through Debian's PyTorch (/usr/bin/python3 with python3-torch): PyTorch reads what
// torch-ts writes (torch.load(..., weights_only=True)) and torch-ts reads what PyTorch writes.
// Skipped, saying why, where that Python cannot import torch.

import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Tensor } from "../src/core/tensor.js";
import { Storage } from "../src/core/storage.js";
import { allocArray, f32ToBf16, f32ToF16, toDType, type DTypeName } from "../src/core/dtype.js";
import { load, save, type LoadedValue, type SaveValue } from "../src/io/pt.js";
import { OrderedDict, PyComplex, PyFloat, tuple } from "../src/io/pickle-values.js";
import * as st from "../src/io/safetensors.js";
import { describe, normalize } from "./fixtures/io/describe.js";

const PYTHON = "/usr/bin/python3";
const SCRIPT = "test/fixtures/io/roundtrip.py";

const probe = spawnSync(PYTHON, ["-c", "import torch; print(torch.__version__)"], { encoding: "utf8" });
const TORCH_VERSION = probe.status === 0 ? probe.stdout.trim() : null;
const skip = TORCH_VERSION === null
  ? `${PYTHON} cannot import torch (install Debian's python3-torch to run these round trips)`
  : false;

type Command = [string, ...string[]];

/** Runs commands in one Python process (importing torch takes seconds); throws for a failed command. */
function python(commands: Command[]): unknown[] {
  const r = spawnSync(PYTHON, [SCRIPT, "batch"], { input: JSON.stringify(commands), encoding: "utf8", maxBuffer: 256 << 20 });
  if (r.status !== 0) throw new Error(`python batch failed:\n${r.stderr}`);
  return (JSON.parse(r.stdout) as ({ ok: unknown } | { error: string })[]).map((x, i) => {
    if ("error" in x) return new Error(`python ${commands[i]!.join(" ")}: ${x.error}`);
    return x.ok;
  });
}

function ok(v: unknown): unknown {
  if (v instanceof Error) throw v;
  return v;
}

function tensorOf(dtype: DTypeName, shape: number[], values: (number | bigint)[]): Tensor {
  const d = toDType(dtype);
  const n = shape.reduce((a, b) => a * b, 1);
  const data = allocArray(d, n);
  for (let i = 0; i < n; i++) {
    const v = values[i % values.length]!;
    if (data instanceof BigInt64Array) data[i] = BigInt(v);
    else if (dtype === "float16") data[i] = f32ToF16(Number(v));
    else if (dtype === "bfloat16") data[i] = f32ToBf16(Number(v));
    else data[i] = Number(v);
  }
  return new Tensor(new Storage(data, d), shape);
}

/** A checkpoint of everything PyTorch 1.13's weights-only loader reads (it has no floats: no BINFLOAT there). */
function weightsOnlyCheckpoint(): SaveValue {
  const base = tensorOf("float32", [4, 5], Array.from({ length: 20 }, (_, i) => i * 0.25 - 2));
  const w = tensorOf("float32", [3, 2], [1.5, -2.25, 3, 0.125, 8, -1]).requiresGrad_(true);
  const p = tensorOf("float32", [2], [0.5, 0.75]).requiresGrad_(true);
  p._isParameter = true;
  const dtypes: [DTypeName, (number | bigint)[]][] = [
    ["float32", [1.5, -3]], ["float64", [Math.PI, -1e-300]], ["float16", [0.5, 65504, -0.0001]], ["bfloat16", [1.5, -3e38]],
    ["int8", [-128, 127]], ["uint8", [0, 255]], ["int16", [-32768, 32767]], ["int32", [-(2 ** 31), 2 ** 31 - 1]],
    ["int64", [-(2n ** 63n), 2n ** 63n - 1n, 2n ** 53n + 1n]], ["bool", [1, 0, 1]],
  ];
  return {
    model: new Map<string, Tensor>([["fc.weight", w], ["fc.bias", p], ["bn.num_batches_tracked", tensorOf("int64", [], [7])]]),
    optimizer: {
      state: new Map([[0, { step: tensorOf("float32", [], [3]), exp_avg: tensorOf("float32", [3, 2], [0.5]) }]]),
      param_groups: [{ params: [0, 1], amsgrad: false, foreach: null, betas: tuple([1, 2]) }],
    },
    epoch: 7, big: 2n ** 70n, neg: -(2 ** 40), name: "ünï 😀", empty: tensorOf("float32", [0, 3], []),
    views: [base, new Tensor(base.storage, [5, 4], [1, 5], 0), new Tensor(base.storage, [2, 2], [5, 2], 6), base],
    dtypes: new Map(dtypes.map(([d, v]) => [d, tensorOf(d, [v.length], v)])),
    scalar: tensorOf("float64", [], [2.5]),
  };
}

function extrasValue(): SaveValue {
  return {
    lr: 0.001, betas: tuple([0.9, 0.999]), one: new PyFloat(1), nan: NaN, inf: -Infinity, negzero: -0,
    set: new Set([1, 2, 3]), bytes: Uint8Array.from([0, 1, 255]), complex: new PyComplex(1.5, -2),
    dtype: toDType("bfloat16"), device: new Storage(new Float32Array(1), toDType("float32")).device,
    t: tensorOf("float32", [2], [0.1, 0.2]),
  };
}

function safetensorsValue(): Map<string, Tensor> {
  return new Map<string, Tensor>([
    ["w", tensorOf("float32", [2, 3], [1.5, -2, 3.25])], ["ids", tensorOf("int64", [2], [2n ** 62n, -5n])],
    ["h", tensorOf("float16", [3], [0.5, -1, 2])], ["bf", tensorOf("bfloat16", [2], [1.5, -3])],
    ["mask", tensorOf("bool", [2], [1, 0])], ["b", tensorOf("int8", [2], [-1, 1])], ["u", tensorOf("uint8", [1], [200])],
    ["s", tensorOf("int16", [1], [-300])], ["i", tensorOf("int32", [1], [70000])], ["d", tensorOf("float64", [1], [Math.E])],
    ["empty", tensorOf("float32", [0], [])],
  ]);
}

const LINEAR_W = [0.5, -1.25, 2, 0.125, 3, -0.5, 1, 1, -2, 0.25, 0.75, -1];
const LINEAR_B = [0.1, -0.2, 0.3];

/** What nn.Linear(4, 3).stateDict() holds: a Map of names to tensors. */
function linearStateDict(): Map<string, Tensor> {
  return new Map([["weight", tensorOf("float32", [3, 4], LINEAR_W)], ["bias", tensorOf("float32", [3], LINEAR_B)]]);
}

// One Python process reads everything torch-ts wrote and writes what torch-ts will read.
let dir = "";
let py: Record<string, unknown> = {};
const at = (name: string): string => join(dir, name);

before(() => {
  if (skip) return;
  dir = mkdtempSync(join(tmpdir(), "torch-ts-py-"));
  save(weightsOnlyCheckpoint(), at("ckpt.pt"));
  save(extrasValue(), at("extras.pt"));
  save({ a: tensorOf("int32", [3], [1, 2, 3]) }, at("z64.pt"), { zip64: "always" });
  st.saveFile(safetensorsValue(), at("ours.safetensors"), { format: "pt" });
  const bad = save({ x: tensorOf("float32", [4], [1, 2, 3, 4]) });
  bad[100] ^= 0xff; // inside data.pkl: the CRC no longer matches
  writeFileSync(at("bad.pt"), bad);
  save(linearStateDict(), at("linear.pt"));
  mkdirSync(at("py"));
  const commands: Record<string, Command> = {
    ckpt: ["describe", at("ckpt.pt"), "weights-only"], ckptZip: ["zipcheck", at("ckpt.pt")],
    extras: ["describe", at("extras.pt"), "full"], extrasOps: ["pickle-ops", at("extras.pt")],
    z64: ["describe", at("z64.pt"), "weights-only"], z64Zip: ["zipcheck", at("z64.pt")],
    written: ["write", at("py")], stRead: ["st-read", at("ours.safetensors")], stWrite: ["st-write", at("theirs.safetensors")],
    bad: ["describe", at("bad.pt"), "weights-only"], linear: ["linear", at("linear.pt")],
  };
  const results = python(Object.values(commands));
  py = Object.fromEntries(Object.keys(commands).map((k, i) => [k, results[i]]));
});

after(() => { if (dir) rmSync(dir, { recursive: true, force: true }); });

test("PyTorch reads torch-ts checkpoints with weights_only=True", { skip }, () => {
  const fromPython = normalize(ok(py["ckpt"]));
  assert.deepStrictEqual(fromPython, describe(load(at("ckpt.pt"))));
  // The model state dict is an OrderedDict in PyTorch too, and the views share one storage there.
  const top = (fromPython as { dict: [string, unknown][] }).dict;
  assert.ok("ordered" in (top.find(([k]) => k === "model")![1] as object));
  const zip = ok(py["ckptZip"]) as { bad: null; names: string[]; data_offsets: number[]; methods: number[] };
  assert.equal(zip.bad, null, "every CRC checks out");
  assert.equal(zip.names[0], "ckpt/data.pkl");
  assert.ok(zip.data_offsets.every((o) => o % 64 === 0), "64-byte aligned records");
  assert.deepEqual(zip.methods, [0]);
});

test("a state dict saved by torch-ts loads strictly into PyTorch's nn.Linear and computes the same", { skip }, () => {
  const out = ok(py["linear"]) as number[][];
  const w = LINEAR_W.map(Math.fround), b = LINEAR_B.map(Math.fround);
  for (let n = 0; n < 2; n++) {
    for (let o = 0; o < 3; o++) {
      let y = b[o]!;
      for (let i = 0; i < 4; i++) y += w[o * 4 + i]! * Math.fround((n * 4 + i) / 10);
      assert.ok(Math.abs(out[n]![o]! - y) < 1e-5, `output [${n}, ${o}]: ${out[n]![o]} vs ${y}`);
    }
  }
});

test("PyTorch reads floats, sets, bytes, complex, dtypes and devices; the pickle stays in the weights-only set", { skip }, () => {
  // PyTorch 1.13's weights-only loader predates BINFLOAT and these globals: read with the full loader,
  // then check that every opcode and global is in current PyTorch's weights-only set.
  assert.deepStrictEqual(normalize(ok(py["extras"])), describe(load(at("extras.pt"))));
  const ops = ok(py["extrasOps"]) as { opcodes: string[]; globals: string[] };
  const weightsOnlyOps = new Set(["PROTO", "STOP", "GLOBAL", "NEWOBJ", "REDUCE", "BUILD", "APPEND", "APPENDS", "SETITEM",
    "SETITEMS", "MARK", "TUPLE", "TUPLE1", "TUPLE2", "TUPLE3", "NONE", "NEWFALSE", "NEWTRUE", "EMPTY_TUPLE", "EMPTY_LIST",
    "EMPTY_DICT", "EMPTY_SET", "BININT", "BININT1", "BININT2", "BINFLOAT", "BINUNICODE", "SHORT_BINSTRING", "BINPERSID",
    "BINGET", "LONG_BINGET", "BINPUT", "LONG_BINPUT", "LONG1"]);
  for (const op of ops.opcodes) assert.ok(weightsOnlyOps.has(op), `opcode ${op}`);
  for (const g of ops.globals) {
    assert.match(g, /^(torch\._utils\._rebuild_tensor_v2|torch\.[A-Za-z]+Storage|collections\.OrderedDict|__builtin__\.(set|complex)|_codecs\.encode|torch\.(bfloat16|device))$/, g);
  }
});

test("PyTorch reads zip64 archives written by torch-ts", { skip }, () => {
  assert.deepStrictEqual(normalize(ok(py["z64"])), describe(load(at("z64.pt"))));
  assert.equal((ok(py["z64Zip"]) as { bad: null }).bad, null);
});

test("torch-ts reads what PyTorch writes: big tensors, shared storages, parameters, nesting, legacy format", { skip }, () => {
  const expected = ok(py["written"]) as Record<string, unknown>;
  assert.ok(Object.keys(expected).length >= 6);
  for (const [file, want] of Object.entries(expected)) {
    assert.deepStrictEqual(describe(load(at(`py/${file}`))), normalize(want), file);
  }
  const params = load<Map<string, LoadedValue>>(at("py/module_params.pt"));
  assert.ok((params.get("params") as Tensor[]).every((p) => p._isParameter && p.requiresGrad));
  assert.ok(params.get("sd") instanceof OrderedDict);
});

test("PyTorch's tensors survive a trip through torch-ts and back", { skip }, () => {
  const expected = ok(py["written"]) as Record<string, unknown>;
  const files = Object.keys(expected);
  for (const file of files) save(load(at(`py/${file}`)), at(`py/again-${file}`));
  const back = python(files.map((f): Command => ["describe", at(`py/again-${f}`), "full"]));
  files.forEach((file, i) => assert.deepStrictEqual(normalize(ok(back[i])), normalize(expected[file]), file));
});

test("safetensors files agree with a plain Python reader and writer", { skip }, () => {
  const read = ok(py["stRead"]) as { tensors: unknown; metadata: unknown; aligned: boolean };
  assert.deepStrictEqual(normalize(read.tensors), describe(st.loadFile(at("ours.safetensors"))));
  assert.deepEqual(read.metadata, { format: "pt" });
  assert.equal(read.aligned, true, "every tensor's data is aligned to its dtype");
  const written = ok(py["stWrite"]) as { tensors: unknown; metadata: unknown };
  assert.deepStrictEqual(describe(st.loadFile(at("theirs.safetensors"))), normalize(written.tensors));
  assert.deepEqual(st.loadMetadata(at("theirs.safetensors")), written.metadata);
});

test("a corrupted file is refused by both", { skip }, () => {
  assert.throws(() => load(at("bad.pt")), /CRC-32/);
  assert.ok(py["bad"] instanceof Error, "PyTorch refuses it too");
});
