// Random-access byte sources and append-only sinks, so that readers take only the bytes they need
// (a header, then one record at a time) and writers can stream to a file without building the
// whole output in memory.

import { FormatError } from "./errors.js";

export interface ByteSource {
  readonly size: number;
  /** Fills `target` with the bytes at [offset, offset + target.length). */
  readInto(offset: number, target: Uint8Array): void;
  /** The bytes at [offset, offset + length); may alias the source's memory: do not modify. */
  read(offset: number, length: number): Uint8Array;
}

export interface ByteSink {
  write(chunk: Uint8Array): void;
}

export function checkRange(source: ByteSource, offset: number, length: number, what: string): void {
  if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(length) || offset < 0 || length < 0 ||
      offset + length > source.size) {
    throw new FormatError(`${what}: bytes ${offset}..${offset + length} lie outside the ${source.size}-byte input (truncated or corrupted file)`);
  }
}

export class BytesSource implements ByteSource {
  constructor(readonly bytes: Uint8Array) {}
  get size(): number { return this.bytes.length; }
  readInto(offset: number, target: Uint8Array): void {
    checkRange(this, offset, target.length, "read");
    target.set(this.bytes.subarray(offset, offset + target.length));
  }
  read(offset: number, length: number): Uint8Array {
    checkRange(this, offset, length, "read");
    return this.bytes.subarray(offset, offset + length);
  }
}

/**
 * Collects chunks; `bytes()` joins them once at the end. Chunks are kept by reference (views of
 * tensor memory are not copied twice): they must not change before `bytes()` is called.
 */
export class BytesSink implements ByteSink {
  private chunks: Uint8Array[] = [];
  private length = 0;
  write(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    this.chunks.push(chunk);
    this.length += chunk.length;
  }
  bytes(): Uint8Array {
    const out = new Uint8Array(this.length);
    let at = 0;
    for (const c of this.chunks) { out.set(c, at); at += c.length; }
    this.chunks = [out];
    return out;
  }
}

/** Counts what passes through, so writers know their offsets without seeking. */
export class CountingSink implements ByteSink {
  position = 0;
  constructor(private readonly inner: ByteSink) {}
  write(chunk: Uint8Array): void {
    this.inner.write(chunk);
    this.position += chunk.length;
  }
}

export function isLittleEndianHost(): boolean {
  return new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
}

/** Reverses the byte order of each `itemsize`-byte element in place. */
export function swapBytes(bytes: Uint8Array, itemsize: number): void {
  if (itemsize <= 1) return;
  for (let i = 0; i + itemsize <= bytes.length; i += itemsize) {
    for (let a = i, b = i + itemsize - 1; a < b; a++, b--) {
      const t = bytes[a]!; bytes[a] = bytes[b]!; bytes[b] = t;
    }
  }
}
