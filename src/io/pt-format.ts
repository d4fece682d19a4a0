// torch.save's file format at the byte level, with tensors still as records (TensorRef/StorageRef).
//
// Zip format (PyTorch ≥ 1.6): a stored zip whose records all sit in one top folder (named after
// the file, or "archive"): data.pkl (the pickled object; storages as persistent ids),
// data/<key> (raw storage bytes), version, byteorder, and from PyTorch 2.x .format_version,
// .storage_alignment and .data/serialization_id. We write what current PyTorch writes, in its order.
//
// Legacy format (before 1.6; read only): pickles of the magic number, protocol version, sys_info and
// the object, a pickled list of storage keys, then per key an 8-byte element count and the bytes.

import { type ByteSink, type ByteSource, BytesSource, swapBytes } from "./bytes.js";
import { FormatError } from "./errors.js";
import { type PicklableValue, pickle, unpickle, unpickleAt } from "./pickle.js";
import { ITEM_SIZE, StorageRef, type PickleValue } from "./pickle-values.js";
import { storageFromPersistentId } from "./weights-only.js";
import { ZipReader, ZipWriter, type ZipEntry, type ZipReadOptions } from "./zip.js";

export interface Checkpoint {
  /** "zip" (PyTorch ≥ 1.6) or "legacy". */
  readonly format: "zip" | "legacy";
  /** The top folder of a zip checkpoint ("" for the legacy format). */
  readonly archiveName: string;
  /** Byte order the storages were written in; readStorage returns little-endian bytes either way. */
  readonly byteOrder: "little" | "big";
  readonly value: PickleValue;
  /** Every storage the object refers to, by key. */
  readonly storages: ReadonlyMap<string, StorageRef>;
  /** Fills `target` (exactly ref.nbytes) with the storage's little-endian bytes. */
  readStorage(ref: StorageRef, target: Uint8Array): void;
}

export interface ReadCheckpointOptions extends ZipReadOptions {}

const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04];
const LEGACY_MAGIC = 0x1950a86a20f9469cfc6cn;
const LEGACY_PROTOCOL_VERSION = 1001;

export function readCheckpoint(source: ByteSource, options: ReadCheckpointOptions = {}): Checkpoint {
  if (source.size === 0) throw new FormatError("torch.load: the file is empty");
  const head = source.read(0, Math.min(4, source.size));
  if (head.length === 4 && ZIP_MAGIC.every((b, i) => head[i] === b)) return readZipCheckpoint(source, options);
  if (head[0] === 0x80) return readLegacyCheckpoint(source);
  if (head[0] === 0x50 && head[1] === 0x4b) return readZipCheckpoint(source, options);
  throw new FormatError("torch.load: not a PyTorch checkpoint (neither a zip archive nor a legacy torch.save pickle)");
}

function readZipCheckpoint(source: ByteSource, options: ZipReadOptions): Checkpoint {
  const zip = ZipReader.open(source, options);
  const first = zip.entries[0];
  if (!first) throw new FormatError("torch.load: the archive holds no records");
  const slash = first.name.indexOf("/");
  if (slash <= 0) throw new FormatError(`torch.load: record '${first.name}' is not in a top folder, as torch.save writes them`);
  const archiveName = first.name.slice(0, slash);
  const prefix = archiveName + "/";
  const small = (name: string): string | null => {
    const e = zip.entry(prefix + name);
    if (!e) return null;
    if (e.size > 64) throw new FormatError(`torch.load: record '${name}' is ${e.size} bytes, too long for what it holds`);
    return new TextDecoder().decode(zip.read(e)).trim();
  };
  if (zip.entry(prefix + "constants.pkl") || zip.entry(prefix + "code/__torch__.py")) {
    throw new FormatError("torch.load: this is a TorchScript archive (torch.jit.save), which holds code; torch-ts reads torch.save checkpoints only");
  }
  const version = small("version");
  if (version !== null && !/^\d{1,3}$/.test(version)) throw new FormatError(`torch.load: invalid format version ${JSON.stringify(version)}`);
  const byteorder = small("byteorder") ?? "little";
  if (byteorder !== "little" && byteorder !== "big") throw new FormatError(`torch.load: invalid byteorder ${JSON.stringify(byteorder)}`);
  const pkl = zip.entry(prefix + "data.pkl");
  if (!pkl) throw new FormatError(`torch.load: the archive has no '${prefix}data.pkl'`);

  const storages = new Map<string, StorageRef>();
  const value = unpickle(zip.read(pkl), { persistentLoad: (pid) => storageFromPersistentId(pid, storages) });
  const entries = new Map<StorageRef, ZipEntry>();
  for (const ref of storages.values()) {
    const e = zip.entry(`${prefix}data/${ref.key}`);
    if (!e) throw new FormatError(`torch.load: storage '${ref.key}' has no record '${prefix}data/${ref.key}'`);
    if (e.size !== ref.nbytes) {
      throw new FormatError(`torch.load: storage '${ref.key}' (${ref.numel} × ${ref.dtype}) needs ${ref.nbytes} bytes but its record holds ${e.size}`);
    }
    entries.set(ref, e);
  }
  return {
    format: "zip", archiveName, byteOrder: byteorder, value, storages,
    readStorage(ref: StorageRef, target: Uint8Array): void {
      const e = entries.get(ref);
      if (!e) throw new Error(`torch.load: storage '${ref.key}' is not part of this checkpoint`);
      zip.readInto(e, target);
      if (byteorder === "big") swapBytes(target, ITEM_SIZE[ref.dtype]);
    },
  };
}

function readLegacyCheckpoint(source: ByteSource): Checkpoint {
  // The legacy format has no index: the pickles must be parsed in order, so read it whole.
  const bytes = source instanceof BytesSource ? source.bytes : source.read(0, source.size);
  const magic = unpickleAt(bytes, 0);
  if (magic.value !== LEGACY_MAGIC) {
    throw new FormatError("torch.load: not a PyTorch checkpoint (a pickle, but without torch.save's magic number)");
  }
  const protocol = unpickleAt(bytes, magic.end);
  if (protocol.value !== LEGACY_PROTOCOL_VERSION) throw new FormatError(`torch.load: unsupported legacy protocol version ${String(protocol.value)}`);
  const sysInfo = unpickleAt(bytes, protocol.end);
  if (!(sysInfo.value instanceof Map)) throw new FormatError("torch.load: invalid legacy sys_info");
  const little = sysInfo.value.get("little_endian");
  if (typeof little !== "boolean") throw new FormatError("torch.load: invalid legacy sys_info (little_endian)");
  const storages = new Map<string, StorageRef>();
  const main = unpickleAt(bytes, sysInfo.end, { persistentLoad: (pid) => storageFromPersistentId(pid, storages) });
  const keys = unpickleAt(bytes, main.end);
  if (!Array.isArray(keys.value) || !keys.value.every((k) => typeof k === "string")) throw new FormatError("torch.load: invalid legacy storage key list");
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const located = new Map<StorageRef, number>();
  let at = keys.end;
  for (const key of keys.value as string[]) {
    const ref = storages.get(key);
    if (!ref) throw new FormatError(`torch.load: the legacy key list names storage '${key}', which the object does not use`);
    if (at + 8 > bytes.length) throw new FormatError(`torch.load: truncated legacy file (storage '${key}')`);
    const count = view.getBigInt64(at, little);
    if (count !== BigInt(ref.numel)) throw new FormatError(`torch.load: storage '${key}' holds ${count} elements where ${ref.numel} were declared`);
    at += 8;
    if (at + ref.nbytes > bytes.length) throw new FormatError(`torch.load: truncated legacy file (storage '${key}' needs ${ref.nbytes} bytes)`);
    located.set(ref, at);
    at += ref.nbytes;
  }
  for (const ref of storages.values()) {
    if (!located.has(ref)) throw new FormatError(`torch.load: storage '${ref.key}' is missing from the legacy file`);
  }
  return {
    format: "legacy", archiveName: "", byteOrder: little ? "little" : "big", value: main.value, storages,
    readStorage(ref: StorageRef, target: Uint8Array): void {
      const start = located.get(ref);
      if (start === undefined) throw new Error(`torch.load: storage '${ref.key}' is not part of this checkpoint`);
      if (target.length !== ref.nbytes) throw new Error(`torch.load: storage '${ref.key}' holds ${ref.nbytes} bytes, not ${target.length}`);
      target.set(bytes.subarray(start, start + ref.nbytes));
      if (!little) swapBytes(target, ITEM_SIZE[ref.dtype]);
    },
  };
}

// ---- Writing ------------------------------------------------------------------------------

export interface WriteCheckpointOptions {
  /** The top folder: PyTorch uses the file's name without its extension, or "archive" for buffers. */
  archiveName?: string;
  zip64?: "auto" | "always";
}

/** PyTorch's top-folder name for a path: its base name without the extension. */
export function archiveNameForPath(path: string): string {
  const base = path.split(/[\\/]/).pop() ?? "";
  const dot = base.lastIndexOf(".");
  const stem = dot > 0 ? base.slice(0, dot) : base;
  return stem || "archive";
}

function fnv1a64(parts: Iterable<Uint8Array>): bigint {
  let h = 0xcbf29ce484222325n;
  for (const p of parts) for (const b of p) h = ((h ^ BigInt(b)) * 0x100000001b3n) & 0xffffffffffffffffn;
  return h;
}

/**
 * Writes `value` (whose tensors refer to `storages`) as torch.save does. Each storage's bytes must
 * be little-endian and exactly ref.nbytes long; they may be given in chunks.
 */
export function writeCheckpoint(
  sink: ByteSink, value: PicklableValue, storages: ReadonlyMap<StorageRef, Uint8Array | readonly Uint8Array[]>,
  options: WriteCheckpointOptions = {},
): void {
  const archiveName = options.archiveName ?? "archive";
  if (!archiveName || archiveName.includes("/")) throw new Error(`torch.save: invalid archive name ${JSON.stringify(archiveName)}`);
  const byKey = new Map<string, StorageRef>();
  for (const [ref, data] of storages) {
    const length = data instanceof Uint8Array ? data.length : data.reduce((n, c) => n + c.length, 0);
    if (length !== ref.nbytes) throw new Error(`torch.save: storage '${ref.key}' needs ${ref.nbytes} bytes, got ${length}`);
    if (byKey.has(ref.key)) throw new Error(`torch.save: two storages share the key '${ref.key}'`);
    byKey.set(ref.key, ref);
  }
  const data = pickle(value);
  const zip = new ZipWriter(sink, { alignment: 64, zip64: options.zip64 });
  const p = archiveName + "/";
  const text = (s: string): Uint8Array => new TextEncoder().encode(s);
  const names: Uint8Array[] = [];
  const crcs: number[] = [];
  const add = (name: string, bytes: Uint8Array | readonly Uint8Array[]): void => {
    crcs.push(zip.add(p + name, bytes));
    names.push(text(name));
  };
  add("data.pkl", data);
  add(".format_version", text("1"));
  add(".storage_alignment", text("64"));
  add("byteorder", text("little"));
  const keys = [...byKey.keys()].sort((a, b) => {
    const na = /^\d+$/.test(a), nb = /^\d+$/.test(b);
    if (na && nb) return Number(a) - Number(b);
    return na !== nb ? (na ? -1 : 1) : a < b ? -1 : a > b ? 1 : 0;
  });
  for (const key of keys) add(`data/${key}`, storages.get(byKey.get(key)!)!);
  add("version", text("3\n"));
  // An identifier of this file's contents: 20 digits from the record names, 20 from their CRCs.
  const crcBytes = new Uint8Array(new Uint32Array(crcs).buffer);
  const id = fnv1a64(names).toString().padStart(20, "0") + fnv1a64([crcBytes]).toString().padStart(20, "0");
  zip.add(p + ".data/serialization_id", text(id));
  zip.finish();
}
