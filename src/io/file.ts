// Files as byte sources and sinks: readers take the header and then one record at a time straight
// into its destination, so loading never holds a second copy of the file.

import { closeSync, fstatSync, openSync, readSync, renameSync, rmSync, writeSync } from "node:fs";
import { type ByteSink, type ByteSource, checkRange } from "./bytes.js";
import { FormatError } from "./errors.js";

const MAX_IO = 1 << 30;

export class FileSource implements ByteSource {
  readonly size: number;
  private fd: number | null;

  constructor(readonly path: string) {
    this.fd = openSync(path, "r");
    try {
      const st = fstatSync(this.fd);
      if (!st.isFile()) throw new Error(`${path} is not a regular file`);
      this.size = st.size;
    } catch (e) {
      closeSync(this.fd);
      throw e;
    }
  }

  readInto(offset: number, target: Uint8Array): void {
    checkRange(this, offset, target.length, `read of ${this.path}`);
    if (this.fd === null) throw new Error(`${this.path} is closed`);
    let done = 0;
    while (done < target.length) {
      const n = readSync(this.fd, target, done, Math.min(MAX_IO, target.length - done), offset + done);
      if (n === 0) throw new FormatError(`${this.path}: the file ended early (it changed while being read?)`);
      done += n;
    }
  }

  read(offset: number, length: number): Uint8Array {
    checkRange(this, offset, length, `read of ${this.path}`);
    const out = new Uint8Array(length);
    this.readInto(offset, out);
    return out;
  }

  close(): void {
    if (this.fd !== null) { closeSync(this.fd); this.fd = null; }
  }
}

/** Opens `path`, runs `fn` on it, and closes it whatever happens. */
export function withFileSource<T>(path: string, fn: (source: FileSource) => T): T {
  const source = new FileSource(path);
  try { return fn(source); } finally { source.close(); }
}

class FileSink implements ByteSink {
  constructor(private readonly fd: number) {}
  write(chunk: Uint8Array): void {
    let done = 0;
    while (done < chunk.length) done += writeSync(this.fd, chunk, done, Math.min(MAX_IO, chunk.length - done));
  }
}

/**
 * Streams what `fn` writes into `path`. The data go to a temporary file next to it, renamed into
 * place at the end, so a failed save never leaves a truncated file under the target name.
 */
export function writeFileFromSink(path: string, fn: (sink: ByteSink) => void): void {
  const tmp = `${path}.${process.pid}.${Date.now().toString(36)}.tmp`;
  const fd = openSync(tmp, "w");
  let ok = false;
  try {
    fn(new FileSink(fd));
    ok = true;
  } finally {
    closeSync(fd);
    if (!ok) rmSync(tmp, { force: true });
  }
  renameSync(tmp, path);
}
