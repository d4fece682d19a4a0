import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { deflateRawSync } from "node:zlib";
import { BytesSink, BytesSource } from "../src/io/bytes.js";
import { crc32, crc32Js } from "../src/io/crc32.js";
import { FormatError } from "../src/io/errors.js";
import { ZipReader, ZipWriter, type ZipWriterOptions } from "../src/io/zip.js";

const FIXTURES = "test/fixtures/conformance/fixtures";

function zipBytes(entries: [string, Uint8Array][], options: ZipWriterOptions = {}): Uint8Array {
  const sink = new BytesSink();
  const w = new ZipWriter(sink, options);
  for (const [name, data] of entries) w.add(name, data);
  w.finish();
  return sink.bytes();
}

function open(bytes: Uint8Array): ZipReader {
  return ZipReader.open(new BytesSource(bytes));
}

function rejects(bytes: Uint8Array, pattern: RegExp, readAll = true): void {
  assert.throws(() => {
    const z = open(bytes);
    if (readAll) for (const e of z.entries) z.read(e);
  }, (e: unknown) => e instanceof FormatError && pattern.test(e.message));
}

const u32 = (b: Uint8Array, at: number, v: number): void => new DataView(b.buffer, b.byteOffset).setUint32(at, v, true);
const u16 = (b: Uint8Array, at: number, v: number): void => new DataView(b.buffer, b.byteOffset).setUint16(at, v, true);
const getU32 = (b: Uint8Array, at: number): number => new DataView(b.buffer, b.byteOffset).getUint32(at, true);
const bytesOf = (s: string): Uint8Array => new TextEncoder().encode(s);

/** Offsets of a writer-made archive: its end record and central directory. */
function layout(b: Uint8Array): { eocd: number; cd: number } {
  const eocd = b.length - 22;
  return { eocd, cd: getU32(b, eocd + 16) };
}

test("crc32 matches the standard check values", () => {
  assert.equal(crc32(bytesOf("123456789")), 0xcbf43926);
  assert.equal(crc32(new Uint8Array(0)), 0);
  assert.equal(crc32(bytesOf("The quick brown fox jumps over the lazy dog")), 0x414fa339);
  const data = Uint8Array.from({ length: 1000 }, (_, i) => (i * 7) & 0xff);
  assert.equal(crc32(data.subarray(300), crc32(data.subarray(0, 300))), crc32(data));
  for (const n of [0, 1, 7, 8, 9, 255, 256, 1000, 4099]) {
    const d = data.length >= n ? data.subarray(0, n) : new Uint8Array(n).fill(0xa5);
    assert.equal(crc32Js(d, 0x1234), crc32(d, 0x1234), `length ${n}`);
  }
  assert.equal(crc32Js(bytesOf("123456789")), 0xcbf43926);
});

test("writer and reader round-trip records of every size, data 64-byte aligned", () => {
  const entries: [string, Uint8Array][] = [0, 1, 30, 63, 64, 65, 1000, 4097].map((n, i) => [
    `archive/rec${i}`, Uint8Array.from({ length: n }, (_, j) => (j * 31 + i) & 0xff),
  ]);
  entries.push(["archive/ünïcode/名前", bytesOf("utf-8 name")]);
  const bytes = zipBytes(entries);
  const z = open(bytes);
  assert.deepEqual(z.entries.map((e) => e.name), entries.map(([n]) => n));
  for (const [name, data] of entries) {
    const e = z.entry(name)!;
    assert.equal(e.dataOffset % 64, 0, `${name} aligned`);
    assert.equal(e.method, 0);
    assert.deepEqual(z.read(name), data);
    // PyTorch's padding: an extra field tagged "FB" filled with 'Z'.
    const extraStart = e.localHeaderOffset + 30 + new TextEncoder().encode(name).length;
    assert.equal(String.fromCharCode(bytes[extraStart]!, bytes[extraStart + 1]!), "FB");
  }
});

test("zip64 fields round-trip when forced, and the end records are PyTorch's", () => {
  const entries: [string, Uint8Array][] = [["a/x", bytesOf("hello")], ["a/y", new Uint8Array(100).fill(3)]];
  const bytes = zipBytes(entries, { zip64: "always" });
  const z = open(bytes);
  assert.deepEqual(z.read("a/x"), entries[0]![1]);
  assert.deepEqual(z.read("a/y"), entries[1]![1]);
  assert.equal(getU32(bytes, bytes.length - 22 - 20), 0x07064b50, "zip64 locator");
  assert.equal(getU32(bytes, bytes.length - 22 - 20 - 56), 0x06064b50, "zip64 end record");
  // Even without forcing, the zip64 end record is written (as PyTorch's miniz writer does).
  const plain = zipBytes(entries);
  assert.equal(getU32(plain, plain.length - 22 - 20), 0x07064b50);
});

test("reads the archives PyTorch wrote", () => {
  const z = open(readFileSync(`${FIXTURES}/state_dict.pt`));
  const names = z.entries.map((e) => e.name);
  assert.equal(names[0], "state_dict/data.pkl");
  assert.ok(names.includes("state_dict/.data/serialization_id"));
  assert.equal(new TextDecoder().decode(z.read("state_dict/version")), "3\n");
  assert.equal(new TextDecoder().decode(z.read("state_dict/byteorder")), "little");
  for (const e of z.entries) assert.equal(e.dataOffset % 64, 0);
  assert.equal(z.entry("state_dict/data/0")!.size, 48);
});

test("reads deflated records (archives re-zipped by other tools)", () => {
  const z = open(readFileSync("test/fixtures/io/deflated_113.pt"));
  assert.ok(z.entries.some((e) => e.method === 8));
  assert.equal(new TextDecoder().decode(z.read("views_113/version")), "3\n");
});

test("rejects what is not a zip, and truncated archives", () => {
  rejects(new Uint8Array(0), /too short/);
  rejects(bytesOf("just some text, definitely not an archive"), /end of central directory not found/);
  const good = zipBytes([["a/b", bytesOf("payload")], ["a/c", new Uint8Array(200)]]);
  for (let cut = 0; cut < good.length; cut += 7) {
    assert.throws(() => { const z = open(good.subarray(0, cut)); for (const e of z.entries) z.read(e); }, FormatError, `cut at ${cut}`);
  }
});

test("rejects directories that lie about counts, sizes and offsets", () => {
  const good = zipBytes([["a/b", bytesOf("payload")], ["a/c", new Uint8Array(200)]]);
  const { eocd, cd } = layout(good);
  // Each case patches a copy of a valid archive.
  const patch = (f: (b: Uint8Array) => void): Uint8Array => { const b = good.slice(); f(b); return b; };
  const zip64 = eocd - 20 - 56;
  rejects(patch((b) => { new DataView(b.buffer).setBigUint64(zip64 + 32, 2n ** 40n, true); }), /cannot fit/);
  rejects(patch((b) => { new DataView(b.buffer).setBigUint64(zip64 + 48, 2n ** 50n, true); }), /runs past/);
  rejects(patch((b) => { new DataView(b.buffer).setBigUint64(zip64 + 48, 2n ** 62n, true); }), /too large|runs past/);
  rejects(patch((b) => { new DataView(b.buffer).setBigUint64(eocd - 20 + 8, 2n ** 45n, true); }), /past the locator/);
  // Central entry 0: local header offset past the end, sizes past the end, a stored size mismatch.
  rejects(patch((b) => u32(b, cd + 42, 0x7fffffff)), /past the data area/);
  rejects(patch((b) => { u32(b, cd + 20, 0x10000000); u32(b, cd + 24, 0x10000000); }), /run past the data area/);
  rejects(patch((b) => u32(b, cd + 24, 9)), /declares/);
  rejects(patch((b) => u32(b, cd + 20, 0xffffffff)), /zip64/);
  rejects(patch((b) => u16(b, cd + 10, 12)), /compression method 12/);
  rejects(patch((b) => u16(b, cd + 8, 0x0801)), /encrypted/);
  rejects(patch((b) => u32(b, cd, 0)), /central directory entry 0/);
  rejects(patch((b) => u16(b, cd + 28, 0xffff)), /runs past the directory/);
  // A damaged local header, and one naming another record.
  rejects(patch((b) => u32(b, 0, 0x12345678)), /local header/);
  rejects(patch((b) => { b[30] = "z".charCodeAt(0); }), /names/);
  // Corrupted data: the CRC catches it.
  rejects(patch((b) => { b[64] ^= 0xff; }), /CRC-32/);
});

test("rejects duplicate names and overlapping records (overlap zip bombs)", () => {
  const good = zipBytes([["a/b", bytesOf("payload")], ["a/c", bytesOf("second")]]);
  const { cd } = layout(good);
  const dup = good.slice();
  dup[cd + 46 + 2] = "b".charCodeAt(0); // entry 0 is "a/b": rename entry 1 "a/c" → "a/b" in the directory
  const secondEntry = cd + 46 + 3;
  dup[secondEntry + 46 + 2] = "b".charCodeAt(0);
  rejects(dup, /twice|names/);
  // Entry 1 pointing at entry 0's header, with entry 0's name: the two records overlap.
  const overlap = good.slice();
  overlap[secondEntry + 46 + 2] = "b".charCodeAt(0);
  u32(overlap, secondEntry + 42, 0);
  rejects(overlap, /twice|overlap/);
  // Entry 0's data claimed to run over entry 1's header.
  const covering = good.slice();
  const next = getU32(good, secondEntry + 42);
  u32(covering, cd + 20, next - 64 + 10); u32(covering, cd + 24, next - 64 + 10);
  rejects(covering, /overlap/);
});

test("deflate bombs: claimed sizes beyond deflate's ratio, and data inflating past the claim", () => {
  const big = new Uint8Array(1 << 20); // 1 MiB of zeros deflates to about 1 KB
  const compressed = deflateRawSync(big);
  // Build a deflated archive by hand: one record, method 8.
  const build = (claimed: number, crc: number): Uint8Array => {
    const name = bytesOf("a/z");
    const local = new Uint8Array(30 + name.length);
    u32(local, 0, 0x04034b50); u16(local, 4, 20); u16(local, 8, 8); u32(local, 14, crc);
    u32(local, 18, compressed.length); u32(local, 22, claimed); u16(local, 26, name.length); local.set(name, 30);
    const central = new Uint8Array(46 + name.length);
    u32(central, 0, 0x02014b50); u16(central, 6, 20); u16(central, 10, 8); u32(central, 16, crc);
    u32(central, 20, compressed.length); u32(central, 24, claimed); u16(central, 28, name.length); central.set(name, 46);
    const cdOffset = local.length + compressed.length;
    const end = new Uint8Array(22);
    u32(end, 0, 0x06054b50); u16(end, 8, 1); u16(end, 10, 1); u32(end, 12, central.length); u32(end, 16, cdOffset);
    const out = new Uint8Array(cdOffset + central.length + 22);
    out.set(local); out.set(compressed, local.length); out.set(central, cdOffset); out.set(end, cdOffset + central.length);
    return out;
  };
  const ok = open(build(big.length, crc32(big)));
  assert.equal(ok.read("a/z").length, big.length);
  rejects(build(0xfffffff0, 0), /more than deflate can produce/);
  // Claims 1000 bytes but inflates to 1 MiB: stopped at the claim, never allocating the rest.
  rejects(build(1000, 0), /does not inflate|inflates to/);
  rejects(build(big.length, 1234), /CRC-32/);
});

test("writer refuses duplicates and use after finish", () => {
  const w = new ZipWriter(new BytesSink());
  w.add("a/x", new Uint8Array(1));
  assert.throws(() => w.add("a/x", new Uint8Array(1)), /already written/);
  w.finish();
  assert.throws(() => w.add("a/y", new Uint8Array(1)), /finished/);
});
