// Mutation fuzzing of every reader: .pt (zip and legacy, with and without CRC checks, so that
// corrupted pickles reach the unpickler), safetensors, and raw pickles. Each mutated input must
// either load or be refused with a FormatError: no other exception (a crash), no case running long
// (a hang), no ArrayBuffer memory growing with claimed sizes (an allocation of what a header says).

import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { Tensor } from "../src/core/tensor.js";
import { Storage } from "../src/core/storage.js";
import { toDType } from "../src/core/dtype.js";
import { FormatError } from "../src/io/errors.js";
import { unpickle } from "../src/io/pickle.js";
import { load, save } from "../src/io/pt.js";
import * as st from "../src/io/safetensors.js";
import { tuple } from "../src/io/pickle-values.js";
import { rng } from "./support/random.js";


const EXTREMES = [0, 1, 0x7f, 0x80, 0xff, 0x7fff, 0xffff, 0x7fffffff, 0xffffffff];

function mutate(seed: Uint8Array, r: () => number, textual: boolean): Uint8Array {
  const int = (n: number): number => Math.floor(r() * n);
  // Bias positions toward the ends, where zip directories and headers live.
  const pos = (len: number): number => {
    const u = r();
    if (u < 0.3) return Math.min(len - 1, int(Math.min(len, 160)));
    if (u < 0.6) return Math.max(0, len - 1 - int(Math.min(len, 200)));
    return int(len);
  };
  let b = seed.slice();
  const rounds = 1 + int(3);
  for (let k = 0; k < rounds && b.length > 0; k++) {
    switch (int(textual ? 8 : 7)) {
      case 0: for (let i = 0, n = 1 + int(4); i < n; i++) b[pos(b.length)] = int(256); break;
      case 1: b = b.slice(0, int(b.length)); break;
      case 2: {
        const at = pos(b.length), width = [1, 2, 4, 8][int(4)]!;
        const v = EXTREMES[int(EXTREMES.length)]!;
        for (let i = 0; i < width && at + i < b.length; i++) b[at + i] = i < 4 ? (v >>> (8 * i)) & 0xff : (r() < 0.5 ? 0 : 0xff);
        break;
      }
      case 3: {
        const at = pos(b.length), n = 1 + int(16);
        const out = new Uint8Array(b.length + n);
        out.set(b.subarray(0, at)); for (let i = 0; i < n; i++) out[at + i] = int(256); out.set(b.subarray(at), at + n);
        b = out;
        break;
      }
      case 4: {
        const at = pos(b.length), n = 1 + int(32);
        b = Uint8Array.from([...b.subarray(0, at), ...b.subarray(Math.min(b.length, at + n))]);
        break;
      }
      case 5: {
        const from = int(b.length), n = 1 + int(64), to = pos(b.length);
        const chunk = b.slice(from, from + n);
        b.set(chunk.subarray(0, Math.max(0, b.length - to)), to);
        break;
      }
      case 6: b[pos(b.length)] ^= 1 << int(8); break;
      case 7: {
        // Headers are JSON: change digits and punctuation, where the sizes and offsets are.
        const digits: number[] = [];
        for (let i = 8; i < Math.min(b.length, 4096); i++) if (b[i]! >= 0x30 && b[i]! <= 0x39) digits.push(i);
        if (digits.length) {
          const at = digits[int(digits.length)]!;
          b[at] = r() < 0.8 ? 0x30 + int(10) : "-.e],"[int(5)]!.charCodeAt(0);
        }
        break;
      }
    }
  }
  return b;
}

function float32(values: number[], shape: number[]): Tensor {
  return new Tensor(new Storage(Float32Array.from(values), toDType("float32")), shape);
}

function ptSeeds(): Uint8Array[] {
  const base = float32(Array.from({ length: 12 }, (_, i) => i), [3, 4]);
  const ours = save({
    w: base, t: new Tensor(base.storage, [4, 3], [1, 4], 0), row: new Tensor(base.storage, [4], [1], 8),
    ids: new Tensor(new Storage(new BigInt64Array([1n, 2n ** 60n]), toDType("int64")), [2]),
    meta: { epoch: 3, name: "x", pair: tuple([1, 2.5]), flags: [true, null] },
  });
  const files = [
    "test/fixtures/conformance/fixtures/state_dict.pt", "test/fixtures/conformance/fixtures/cnn.pt",
    "test/fixtures/io/legacy_113.pt", "test/fixtures/io/deflated_113.pt", "test/fixtures/io/params_113.pt",
  ];
  return [ours, ...files.map((f) => new Uint8Array(readFileSync(f)))];
}

function safetensorsSeeds(): Uint8Array[] {
  const many = new Map<string, Tensor>();
  for (let i = 0; i < 5; i++) many.set(`layer.${i}`, float32([i, i + 1, i + 2, i + 3], [2, 2]));
  many.set("ids", new Tensor(new Storage(new BigInt64Array([5n, -1n]), toDType("int64")), [2]));
  many.set("mask", new Tensor(new Storage(Uint8Array.from([1, 0, 1]), toDType("bool")), [3]));
  return [new Uint8Array(readFileSync("test/fixtures/conformance/fixtures/tensors.safetensors")), st.save(many, { format: "pt" })];
}

function pickleSeeds(): Uint8Array[] {
  const json: Record<string, string> = JSON.parse(readFileSync("test/fixtures/io/pickles.json", "utf8"));
  return Object.values(json).map((h) => Uint8Array.from(Buffer.from(h, "hex")));
}

interface Stats { cases: number; loaded: number; refused: number; slowest: number }

function fuzz(name: string, seeds: Uint8Array[], cases: number, seed: number, textual: boolean, run: (b: Uint8Array, i: number) => void): Stats {
  const r = rng(seed);
  const stats: Stats = { cases: 0, loaded: 0, refused: 0, slowest: 0 };
  const baseline = process.memoryUsage().arrayBuffers;
  for (let i = 0; i < cases; i++) {
    const input = mutate(seeds[i % seeds.length]!, r, textual);
    const t0 = performance.now();
    try {
      run(input, i);
      stats.loaded++;
    } catch (e) {
      if (!(e instanceof FormatError)) {
        assert.fail(`${name} case ${i}: ${(e as Error)?.constructor?.name}: ${(e as Error)?.message}\ninput: ${Buffer.from(input).toString("base64")}`);
      }
      assert.ok(e.message.length > 10, "the error says what went wrong");
      stats.refused++;
    }
    const dt = performance.now() - t0;
    stats.slowest = Math.max(stats.slowest, dt);
    assert.ok(dt < 2000, `${name} case ${i} took ${dt.toFixed(0)} ms`);
    if (i % 500 === 0) {
      const grown = process.memoryUsage().arrayBuffers - baseline;
      assert.ok(grown < 256 << 20, `${name}: ArrayBuffer memory grew by ${grown} bytes`);
    }
    stats.cases++;
  }
  return stats;
}

test("fuzz: mutated .pt files load or end in a FormatError", () => {
  const seeds = ptSeeds();
  const checked = fuzz("pt", seeds, 3000, 1, false, (b) => { load(b); });
  // Without CRC checks, corrupted pickles and storages get through the zip layer to the unpickler.
  const unchecked = fuzz("pt-nocrc", seeds, 3000, 2, false, (b) => { load(b, { verifyCrc: false }); });
  assert.equal(checked.cases + unchecked.cases, 6000);
  assert.ok(checked.refused > 1000 && unchecked.loaded > 100, JSON.stringify({ checked, unchecked }));
});

test("fuzz: mutated safetensors files load or end in a FormatError", () => {
  const stats = fuzz("safetensors", safetensorsSeeds(), 3000, 3, true, (b) => { st.load(b); });
  assert.equal(stats.cases, 3000);
  assert.ok(stats.refused > 1000 && stats.loaded > 50, JSON.stringify(stats));
});

test("fuzz: mutated pickles unpickle or end in a FormatError", () => {
  const stats = fuzz("pickle", pickleSeeds(), 3000, 4, false, (b) => { unpickle(b); });
  assert.equal(stats.cases, 3000);
  assert.ok(stats.refused > 500, JSON.stringify(stats));
});
