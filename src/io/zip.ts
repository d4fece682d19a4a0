// Zip archives as PyTorch writes and reads them: stored (uncompressed) records whose data start on
// 64-byte boundaries (padding goes in a local extra field tagged "FB", as PyTorch's writer does),
// zip64 when sizes or offsets need it. The reader also takes deflated records (archives re-zipped by
// other tools) and checks every offset, size and count against the input before allocating.

import { type ByteSink, type ByteSource, CountingSink, checkRange } from "./bytes.js";
import { crc32 } from "./crc32.js";
import { FormatError } from "./errors.js";
import { nodeBuiltin } from "../core/node-builtin.js";

const LOCAL_SIG = 0x04034b50;
const CENTRAL_SIG = 0x02014b50;
const EOCD_SIG = 0x06054b50;
const ZIP64_EOCD_SIG = 0x06064b50;
const ZIP64_LOCATOR_SIG = 0x07064b50;
const LOCAL_HEADER_SIZE = 30;
const CENTRAL_HEADER_SIZE = 46;
const EOCD_SIZE = 22;
const ZIP64_EOCD_SIZE = 56;
const ZIP64_LOCATOR_SIZE = 20;
const ZIP64_EXTRA_ID = 0x0001;
const U16_MAX = 0xffff;
const U32_MAX = 0xffffffff;
const FLAG_ENCRYPTED = 0x0001;
const FLAG_STRONG_ENCRYPTION = 0x0040;
const FLAG_UTF8 = 0x0800;
const METHOD_STORED = 0;
const METHOD_DEFLATE = 8;
/** Deflate cannot expand more than about 1032:1; a record claiming more is lying (a zip bomb). */
const MAX_DEFLATE_RATIO = 1032;

type InflateRawSync = (data: Uint8Array, options: { maxOutputLength: number }) => Uint8Array;

// Node's zlib, reached lazily (no static import) so the core bundles for the web. PyTorch writes
// stored records, so a browser needs it only for archives re-zipped with deflate.
function inflateRawSync(record: string): InflateRawSync {
  const zlib = nodeBuiltin<{ inflateRawSync: InflateRawSync }>("node:zlib");
  if (!zlib) throw new Error(`zip: record '${record}' is deflate-compressed, and inflating it needs Node.js (20.16 or newer)`);
  return zlib.inflateRawSync;
}

export interface ZipEntry {
  readonly name: string;
  readonly method: number;
  readonly flags: number;
  readonly crc32: number;
  readonly compressedSize: number;
  /** Uncompressed size. */
  readonly size: number;
  readonly localHeaderOffset: number;
  /** Where the (possibly compressed) data start in the archive. */
  readonly dataOffset: number;
}

export interface ZipReadOptions {
  /** Check each record's CRC-32 when it is read (default true). */
  verifyCrc?: boolean;
}

function u16(b: Uint8Array, at: number): number {
  return b[at]! | (b[at + 1]! << 8);
}
function u32(b: Uint8Array, at: number): number {
  return (b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16) | (b[at + 3]! << 24)) >>> 0;
}
function u64(b: Uint8Array, at: number, what: string): number {
  const lo = u32(b, at), hi = u32(b, at + 4);
  const v = hi * 2 ** 32 + lo;
  if (!Number.isSafeInteger(v)) throw new FormatError(`zip: ${what} (${(BigInt(hi) << 32n) | BigInt(lo)}) is too large`);
  return v;
}

const utf8 = new TextDecoder("utf-8", { fatal: true });
function decodeName(bytes: Uint8Array, flags: number): string {
  if (flags & FLAG_UTF8) {
    try { return utf8.decode(bytes); } catch { throw new FormatError("zip: a record name is not valid UTF-8"); }
  }
  // Names without the UTF-8 flag: read as Latin-1 (PyTorch only writes ASCII names).
  let s = "";
  for (const c of bytes) s += String.fromCharCode(c);
  return s;
}

export class ZipReader {
  private readonly byName: Map<string, ZipEntry>;

  private constructor(
    private readonly source: ByteSource,
    readonly entries: readonly ZipEntry[],
    private readonly options: Required<ZipReadOptions>,
  ) {
    this.byName = new Map(entries.map((e) => [e.name, e]));
  }

  /** Reads and validates the central directory and every local header. */
  static open(source: ByteSource, options: ZipReadOptions = {}): ZipReader {
    const entries = readDirectory(source);
    return new ZipReader(source, entries, { verifyCrc: options.verifyCrc ?? true });
  }

  entry(name: string): ZipEntry | undefined {
    return this.byName.get(name);
  }

  private need(nameOrEntry: string | ZipEntry): ZipEntry {
    if (typeof nameOrEntry !== "string") return nameOrEntry;
    const e = this.byName.get(nameOrEntry);
    if (!e) throw new FormatError(`zip: no record named '${nameOrEntry}' in the archive`);
    return e;
  }

  /** The uncompressed contents of a record, in a new buffer. */
  read(nameOrEntry: string | ZipEntry): Uint8Array {
    const e = this.need(nameOrEntry);
    const out = new Uint8Array(e.size);
    this.readInto(e, out);
    return out;
  }

  /** Fills `target` (exactly the record's size) with the record's uncompressed contents. */
  readInto(nameOrEntry: string | ZipEntry, target: Uint8Array): void {
    const e = this.need(nameOrEntry);
    if (target.length !== e.size) throw new Error(`zip: record '${e.name}' holds ${e.size} bytes, not ${target.length}`);
    if (e.method === METHOD_STORED) {
      this.source.readInto(e.dataOffset, target);
    } else {
      const inflate = inflateRawSync(e.name);
      const compressed = this.source.read(e.dataOffset, e.compressedSize);
      let out: Uint8Array;
      try {
        // Never let a record inflate past what it declared (and deflate can produce from its size).
        out = inflate(compressed, { maxOutputLength: Math.max(1, e.size) });
      } catch (err) {
        throw new FormatError(`zip: record '${e.name}' does not inflate to its declared ${e.size} bytes (${(err as Error).message})`);
      }
      if (out.length !== e.size) throw new FormatError(`zip: record '${e.name}' inflates to ${out.length} bytes, not its declared ${e.size}`);
      target.set(out);
    }
    if (this.options.verifyCrc) {
      const c = crc32(target);
      if (c !== e.crc32) throw new FormatError(`zip: CRC-32 mismatch in record '${e.name}' (corrupted file)`);
    }
  }
}

interface EndOfDirectory {
  entryCount: number;
  cdOffset: number;
  cdSize: number;
  /** Where the directory must end: the zip64 record when there is one, else the end record. */
  cdLimit: number;
}

function findEnd(source: ByteSource): EndOfDirectory {
  if (source.size < EOCD_SIZE) throw new FormatError(`zip: ${source.size} bytes is too short for a zip archive (truncated file?)`);
  const tailLength = Math.min(source.size, EOCD_SIZE + U16_MAX);
  const tailStart = source.size - tailLength;
  const tail = source.read(tailStart, tailLength);
  let at = -1;
  for (let i = tailLength - EOCD_SIZE; i >= 0; i--) {
    if (u32(tail, i) === EOCD_SIG && i + EOCD_SIZE + u16(tail, i + 20) <= tailLength) { at = i; break; }
  }
  if (at < 0) throw new FormatError("zip: end of central directory not found (not a zip archive, or truncated)");
  const eocdPos = tailStart + at;
  const diskEntries = u16(tail, at + 8);
  let entryCount = u16(tail, at + 10);
  let cdSize = u32(tail, at + 12);
  let cdOffset = u32(tail, at + 16);
  if (u16(tail, at + 4) !== 0 || u16(tail, at + 6) !== 0 || diskEntries !== entryCount) {
    throw new FormatError("zip: multi-disk archives are not supported");
  }
  let cdLimit = eocdPos;
  if (eocdPos >= ZIP64_LOCATOR_SIZE) {
    const loc = source.read(eocdPos - ZIP64_LOCATOR_SIZE, ZIP64_LOCATOR_SIZE);
    if (u32(loc, 0) === ZIP64_LOCATOR_SIG) {
      const recOffset = u64(loc, 8, "zip64 end record offset");
      if (recOffset + ZIP64_EOCD_SIZE > eocdPos - ZIP64_LOCATOR_SIZE) throw new FormatError("zip: zip64 end record offset points past the locator (corrupted file)");
      const rec = source.read(recOffset, ZIP64_EOCD_SIZE);
      if (u32(rec, 0) !== ZIP64_EOCD_SIG) throw new FormatError("zip: zip64 end record signature missing (corrupted file)");
      if (u32(rec, 16) !== 0 || u32(rec, 20) !== 0) throw new FormatError("zip: multi-disk archives are not supported");
      entryCount = u64(rec, 32, "zip64 entry count");
      cdSize = u64(rec, 40, "zip64 central directory size");
      cdOffset = u64(rec, 48, "zip64 central directory offset");
      cdLimit = recOffset;
    }
  }
  if (cdOffset + cdSize > cdLimit) {
    throw new FormatError(`zip: central directory (${cdSize} bytes at ${cdOffset}) runs past its end record at ${cdLimit} (truncated or corrupted file)`);
  }
  if (entryCount * CENTRAL_HEADER_SIZE > cdSize) {
    throw new FormatError(`zip: ${entryCount} entries cannot fit in a ${cdSize}-byte central directory (corrupted file)`);
  }
  return { entryCount, cdOffset, cdSize, cdLimit };
}

function readDirectory(source: ByteSource): ZipEntry[] {
  const end = findEnd(source);
  const cd = source.read(end.cdOffset, end.cdSize);
  const entries: ZipEntry[] = [];
  const names = new Set<string>();
  let p = 0;
  for (let i = 0; i < end.entryCount; i++) {
    if (p + CENTRAL_HEADER_SIZE > cd.length || u32(cd, p) !== CENTRAL_SIG) {
      throw new FormatError(`zip: central directory entry ${i} is missing or damaged (corrupted file)`);
    }
    const flags = u16(cd, p + 8);
    const method = u16(cd, p + 10);
    const crc = u32(cd, p + 16);
    let compressedSize = u32(cd, p + 20);
    let size = u32(cd, p + 24);
    const nameLen = u16(cd, p + 28), extraLen = u16(cd, p + 30), commentLen = u16(cd, p + 32);
    const disk = u16(cd, p + 34);
    let localHeaderOffset = u32(cd, p + 42);
    const varStart = p + CENTRAL_HEADER_SIZE;
    const next = varStart + nameLen + extraLen + commentLen;
    if (next > cd.length) throw new FormatError(`zip: central directory entry ${i} runs past the directory (corrupted file)`);
    const name = decodeName(cd.subarray(varStart, varStart + nameLen), flags);
    if (flags & (FLAG_ENCRYPTED | FLAG_STRONG_ENCRYPTION)) throw new FormatError(`zip: record '${name}' is encrypted`);
    if (method !== METHOD_STORED && method !== METHOD_DEFLATE) throw new FormatError(`zip: record '${name}' uses compression method ${method}; only stored (0) and deflate (8) are supported`);
    if (disk !== 0 && disk !== U16_MAX) throw new FormatError("zip: multi-disk archives are not supported");
    if (size === U32_MAX || compressedSize === U32_MAX || localHeaderOffset === U32_MAX) {
      const z = findZip64Extra(cd.subarray(varStart + nameLen, varStart + nameLen + extraLen), name);
      let q = 0;
      const take = (what: string): number => {
        if (q + 8 > z.length) throw new FormatError(`zip: record '${name}' lacks the zip64 ${what} (corrupted file)`);
        const v = u64(z, q, `zip64 ${what} of '${name}'`);
        q += 8;
        return v;
      };
      if (size === U32_MAX) size = take("size");
      if (compressedSize === U32_MAX) compressedSize = take("compressed size");
      if (localHeaderOffset === U32_MAX) localHeaderOffset = take("header offset");
    }
    if (names.has(name)) throw new FormatError(`zip: record '${name}' appears twice (corrupted or hostile file)`);
    names.add(name);
    if (method === METHOD_STORED && compressedSize !== size) {
      throw new FormatError(`zip: stored record '${name}' declares ${compressedSize} stored bytes but ${size} uncompressed bytes`);
    }
    if (method === METHOD_DEFLATE && size > compressedSize * MAX_DEFLATE_RATIO + 1024) {
      throw new FormatError(`zip: record '${name}' claims ${size} bytes from ${compressedSize} compressed bytes, more than deflate can produce (zip bomb?)`);
    }
    entries.push({ name, method, flags, crc32: crc, compressedSize, size, localHeaderOffset, dataOffset: -1 });
    p = next;
  }
  return locateData(source, entries, end.cdOffset);
}

function findZip64Extra(extra: Uint8Array, name: string): Uint8Array {
  let q = 0;
  while (q + 4 <= extra.length) {
    const id = u16(extra, q), len = u16(extra, q + 2);
    if (q + 4 + len > extra.length) break;
    if (id === ZIP64_EXTRA_ID) return extra.subarray(q + 4, q + 4 + len);
    q += 4 + len;
  }
  throw new FormatError(`zip: record '${name}' needs a zip64 extra field and has none (corrupted file)`);
}

/** Reads each local header: signature, name, where the data begin; records may not overlap. */
function locateData(source: ByteSource, entries: ZipEntry[], cdOffset: number): ZipEntry[] {
  const located: ZipEntry[] = [];
  for (const e of entries) {
    if (e.localHeaderOffset + LOCAL_HEADER_SIZE > cdOffset) {
      throw new FormatError(`zip: record '${e.name}' starts at ${e.localHeaderOffset}, past the data area (corrupted file)`);
    }
    const h = source.read(e.localHeaderOffset, LOCAL_HEADER_SIZE);
    if (u32(h, 0) !== LOCAL_SIG) throw new FormatError(`zip: local header of '${e.name}' is missing (corrupted file)`);
    const nameLen = u16(h, 26), extraLen = u16(h, 28);
    const nameStart = e.localHeaderOffset + LOCAL_HEADER_SIZE;
    checkRange(source, nameStart, nameLen + extraLen, `zip: local header of '${e.name}'`);
    const localName = decodeName(source.read(nameStart, nameLen), u16(h, 6) | (e.flags & FLAG_UTF8));
    if (localName !== e.name) throw new FormatError(`zip: local header names '${localName}' where the directory says '${e.name}' (corrupted or hostile file)`);
    const dataOffset = nameStart + nameLen + extraLen;
    if (dataOffset + e.compressedSize > cdOffset) {
      throw new FormatError(`zip: data of '${e.name}' (${e.compressedSize} bytes at ${dataOffset}) run past the data area (truncated or corrupted file)`);
    }
    located.push({ ...e, dataOffset });
  }
  const byOffset = [...located].sort((a, b) => a.localHeaderOffset - b.localHeaderOffset);
  for (let i = 1; i < byOffset.length; i++) {
    const prev = byOffset[i - 1]!, cur = byOffset[i]!;
    if (prev.dataOffset + prev.compressedSize > cur.localHeaderOffset) {
      throw new FormatError(`zip: records '${prev.name}' and '${cur.name}' overlap (corrupted or hostile file)`);
    }
  }
  return located;
}

// ---- Writer ---------------------------------------------------------------------------------

export interface ZipWriterOptions {
  /** Data of every record starts at a multiple of this (PyTorch: 64). */
  alignment?: number;
  /** "always" writes zip64 fields for every record even when they are not needed (for tests). */
  zip64?: "auto" | "always";
}

interface CentralRecord {
  nameBytes: Uint8Array;
  crc: number;
  size: number;
  offset: number;
}

const DOS_DATE_1980_01_01 = 0x21;
const VERSION_DEFAULT = 20;
const VERSION_ZIP64 = 45;

class LittleEndianWriter {
  readonly bytes: Uint8Array;
  private p = 0;
  constructor(size: number) { this.bytes = new Uint8Array(size); }
  u16(v: number): this { this.bytes[this.p++] = v & 0xff; this.bytes[this.p++] = (v >>> 8) & 0xff; return this; }
  u32(v: number): this { this.u16(v & 0xffff); return this.u16(Math.floor(v / 0x10000) & 0xffff); }
  u64(v: number): this { this.u32(v % 2 ** 32); return this.u32(Math.floor(v / 2 ** 32)); }
  raw(b: Uint8Array): this { this.bytes.set(b, this.p); this.p += b.length; return this; }
  fill(n: number, byte: number): this { this.bytes.fill(byte, this.p, this.p + n); this.p += n; return this; }
}

export class ZipWriter {
  private readonly out: CountingSink;
  private readonly records: CentralRecord[] = [];
  private readonly names = new Set<string>();
  private readonly alignment: number;
  private readonly forceZip64: boolean;
  private finished = false;

  constructor(sink: ByteSink, options: ZipWriterOptions = {}) {
    this.alignment = options.alignment ?? 64;
    if (!Number.isInteger(this.alignment) || this.alignment < 1 || this.alignment > 0x8000) throw new Error(`ZipWriter: alignment must be an integer in [1, 32768], got ${this.alignment}`);
    this.forceZip64 = options.zip64 === "always";
    this.out = new CountingSink(sink);
  }

  /** Appends a stored record; `data` may be given as several chunks. Returns its CRC-32. */
  add(name: string, data: Uint8Array | readonly Uint8Array[]): number {
    if (this.finished) throw new Error("ZipWriter.add: the archive is already finished");
    if (this.names.has(name)) throw new Error(`ZipWriter.add: record '${name}' already written`);
    const nameBytes = new TextEncoder().encode(name);
    if (nameBytes.length > U16_MAX) throw new Error(`ZipWriter.add: record name is too long (${nameBytes.length} bytes)`);
    const chunks = data instanceof Uint8Array ? [data] : data;
    let size = 0, crc = 0;
    for (const c of chunks) { size += c.length; crc = crc32(c, crc); }

    const offset = this.out.position;
    const zip64 = this.forceZip64 || size >= U32_MAX;
    const zip64ExtraLen = zip64 ? 4 + 16 : 0;
    const unpadded = offset + LOCAL_HEADER_SIZE + nameBytes.length + zip64ExtraLen + 4;
    const padding = (this.alignment - (unpadded % this.alignment)) % this.alignment;
    const extraLen = zip64ExtraLen + 4 + padding;
    const h = new LittleEndianWriter(LOCAL_HEADER_SIZE + nameBytes.length + extraLen);
    h.u32(LOCAL_SIG).u16(zip64 ? VERSION_ZIP64 : VERSION_DEFAULT).u16(FLAG_UTF8).u16(METHOD_STORED)
      .u16(0).u16(DOS_DATE_1980_01_01).u32(crc)
      .u32(zip64 ? U32_MAX : size).u32(zip64 ? U32_MAX : size)
      .u16(nameBytes.length).u16(extraLen).raw(nameBytes);
    if (zip64) h.u16(ZIP64_EXTRA_ID).u16(16).u64(size).u64(size);
    // PyTorch's padding field: tag "FB", length, then 'Z' bytes.
    h.u16(0x4246).u16(padding).fill(padding, 0x5a);
    this.out.write(h.bytes);
    for (const c of chunks) this.out.write(c);
    this.names.add(name);
    this.records.push({ nameBytes, crc, size, offset });
    return crc;
  }

  /** Writes the central directory and the end records. */
  finish(): void {
    if (this.finished) throw new Error("ZipWriter.finish: already finished");
    this.finished = true;
    const cdOffset = this.out.position;
    for (const r of this.records) {
      const bigSize = this.forceZip64 || r.size >= U32_MAX;
      const bigOffset = this.forceZip64 || r.offset >= U32_MAX;
      const zipExtraLen = bigSize || bigOffset ? 4 + (bigSize ? 16 : 0) + (bigOffset ? 8 : 0) : 0;
      const w = new LittleEndianWriter(CENTRAL_HEADER_SIZE + r.nameBytes.length + zipExtraLen);
      w.u32(CENTRAL_SIG).u16(zipExtraLen ? VERSION_ZIP64 : VERSION_DEFAULT).u16(zipExtraLen ? VERSION_ZIP64 : VERSION_DEFAULT)
        .u16(FLAG_UTF8).u16(METHOD_STORED).u16(0).u16(DOS_DATE_1980_01_01).u32(r.crc)
        .u32(bigSize ? U32_MAX : r.size).u32(bigSize ? U32_MAX : r.size)
        .u16(r.nameBytes.length).u16(zipExtraLen).u16(0).u16(0).u16(0).u32(0)
        .u32(bigOffset ? U32_MAX : r.offset).raw(r.nameBytes);
      if (zipExtraLen) {
        w.u16(ZIP64_EXTRA_ID).u16(zipExtraLen - 4);
        if (bigSize) w.u64(r.size).u64(r.size);
        if (bigOffset) w.u64(r.offset);
      }
      this.out.write(w.bytes);
    }
    const cdSize = this.out.position - cdOffset;
    const count = this.records.length;
    // Like PyTorch, always write the zip64 end record and its locator.
    const zip64Offset = this.out.position;
    const e = new LittleEndianWriter(ZIP64_EOCD_SIZE + ZIP64_LOCATOR_SIZE + EOCD_SIZE);
    e.u32(ZIP64_EOCD_SIG).u64(ZIP64_EOCD_SIZE - 12).u16(VERSION_ZIP64).u16(VERSION_ZIP64).u32(0).u32(0)
      .u64(count).u64(count).u64(cdSize).u64(cdOffset);
    e.u32(ZIP64_LOCATOR_SIG).u32(0).u64(zip64Offset).u32(1);
    const bigCount = this.forceZip64 || count >= U16_MAX;
    e.u32(EOCD_SIG).u16(0).u16(0).u16(bigCount ? U16_MAX : count).u16(bigCount ? U16_MAX : count)
      .u32(this.forceZip64 || cdSize >= U32_MAX ? U32_MAX : cdSize)
      .u32(this.forceZip64 || cdOffset >= U32_MAX ? U32_MAX : cdOffset).u16(0);
    this.out.write(e.bytes);
  }
}
