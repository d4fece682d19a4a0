// Files as byte sources and sinks: readers take the header and then one record at a time straight
// into its destination, so loading never holds a second copy of the file.

import { type ByteSink, type ByteSource, checkRange } from "./bytes.js";
import { FormatError } from "./errors.js";
import { nodeBuiltin } from "../core/node-builtin.js";

const MAX_IO = 1 << 30;

type NodeFs = typeof import("node:fs");
type NodePath = typeof import("node:path");

// Node's fs and path are reached lazily (no static import) so the core bundles for the web. In a
// browser only the path forms fail, with this error; the byte forms work everywhere.
function builtin<T>(id: `node:${string}`, what: string): T {
  const m = nodeBuiltin<T>(id);
  if (!m) {
    throw new Error(`${what} needs Node.js (20.16 or newer); in a browser use bytes instead: ` +
      "torch.save(obj) returns a Uint8Array, torch.load(bytes), safetensors.save(tensors), safetensors.load(bytes)");
  }
  return m;
}

/** node:fs; where there is none (a browser) an Error that starts with `what`. */
export function nodeFs(what: string): NodeFs {
  return builtin<NodeFs>("node:fs", what);
}

/** node:path; where there is none (a browser) an Error that starts with `what`. */
export function nodePath(what: string): NodePath {
  return builtin<NodePath>("node:path", what);
}

export class FileSource implements ByteSource {
  readonly size: number;
  private fd: number | null;

  private readonly fs: NodeFs;

  constructor(readonly path: string) {
    this.fs = nodeFs(`reading the file ${path}`);
    this.fd = this.fs.openSync(path, "r");
    try {
      const st = this.fs.fstatSync(this.fd);
      if (!st.isFile()) throw new Error(`${path} is not a regular file`);
      this.size = st.size;
    } catch (e) {
      this.fs.closeSync(this.fd);
      throw e;
    }
  }

  readInto(offset: number, target: Uint8Array): void {
    checkRange(this, offset, target.length, `read of ${this.path}`);
    if (this.fd === null) throw new Error(`${this.path} is closed`);
    let done = 0;
    while (done < target.length) {
      const n = this.fs.readSync(this.fd, target, done, Math.min(MAX_IO, target.length - done), offset + done);
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
    if (this.fd !== null) { this.fs.closeSync(this.fd); this.fd = null; }
  }
}

/** Opens `path`, runs `fn` on it, and closes it whatever happens. */
export function withFileSource<T>(path: string, fn: (source: FileSource) => T): T {
  const source = new FileSource(path);
  try { return fn(source); } finally { source.close(); }
}

class FileSink implements ByteSink {
  constructor(private readonly fs: NodeFs, private readonly fd: number) {}
  write(chunk: Uint8Array): void {
    let done = 0;
    while (done < chunk.length) done += this.fs.writeSync(this.fd, chunk, done, Math.min(MAX_IO, chunk.length - done));
  }
}

/**
 * Streams what `fn` writes into `path`. The data go to a temporary file next to it, renamed into
 * place at the end, so a failed save never leaves a truncated file under the target name.
 */
export function writeFileFromSink(path: string, fn: (sink: ByteSink) => void): void {
  const fs = nodeFs(`writing the file ${path}`);
  const tmp = `${path}.${process.pid}.${Date.now().toString(36)}.tmp`;
  const fd = fs.openSync(tmp, "w");
  let ok = false;
  try {
    fn(new FileSink(fs, fd));
    ok = true;
  } finally {
    fs.closeSync(fd);
    if (!ok) fs.rmSync(tmp, { force: true });
  }
  fs.renameSync(tmp, path);
}
