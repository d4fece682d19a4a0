// torch.safetensors: save/load of named tensors in the safetensors format (safetensors.torch's
// save_file/load_file/save/load), and sharded checkpoints through model.safetensors.index.json.
// Loading reads the header, then each tensor's bytes straight into its own storage.

import { Tensor } from "../core/tensor.js";
import { SparseStorage } from "../core/storage.js";
import { type ByteSource, BytesSink, BytesSource } from "./bytes.js";
import { FormatError } from "./errors.js";
import { nodeFs, nodePath, withFileSource, writeFileFromSink } from "./file.js";
import type { StorageDType } from "./pickle-values.js";
import {
  DTYPE_SIZE, SAFETENSORS_DTYPES, parseShardIndex, readHeader, safetensorsDType, writeSafetensors, type TensorToWrite,
} from "./safetensors-format.js";
import { contiguousBytes, newStorage } from "./tensor-bytes.js";

export type TensorDict = ReadonlyMap<string, Tensor> | { readonly [name: string]: Tensor };
export type Metadata = Readonly<Record<string, string>>;

export const INDEX_FILE = "model.safetensors.index.json";

function entriesOf(op: string, tensors: TensorDict): [string, Tensor][] {
  if (tensors === null || typeof tensors !== "object") throw new Error(`safetensors.${op}: expected a Map or an object of tensors, got ${String(tensors)}`);
  const entries: [string, Tensor][] = tensors instanceof Map ? [...tensors] : Object.entries(tensors);
  for (const [name, t] of entries) {
    if (typeof name !== "string") throw new Error(`safetensors.${op}: tensor names must be strings, got ${typeof name}`);
    if (!(t instanceof Tensor)) throw new Error(`safetensors.${op}: '${name}' is not a Tensor`);
    if (t.storage instanceof SparseStorage) throw new Error(`safetensors.${op}: tensor '${name}' is sparse; the format holds dense tensors only (save toDense())`);
    if (t.device.type !== "cpu") throw new Error(`safetensors.${op}: tensor '${name}' is on ${t.device}; move it to the CPU first`);
  }
  return entries;
}

function checkMetadata(op: string, metadata: Metadata | null | undefined): Metadata | null {
  if (metadata === undefined || metadata === null) return null;
  if (typeof metadata !== "object") throw new Error(`safetensors.${op}: metadata must be an object of strings`);
  for (const [k, v] of Object.entries(metadata)) {
    if (typeof v !== "string") throw new Error(`safetensors.${op}: metadata value of '${k}' must be a string, got ${typeof v}`);
  }
  return metadata;
}

function toWrite(op: string, tensors: TensorDict): TensorToWrite[] {
  const entries = entriesOf(op, tensors);
  // safetensors refuses tensors that share memory; we write each one's own elements instead.
  return entries.map(([name, t]) => ({
    name, dtype: safetensorsDType(t.dtype.name as StorageDType), shape: t.shape, data: contiguousBytes(t),
  }));
}

/** safetensors.torch.save: the file's bytes. */
export function save(tensors: TensorDict, metadata?: Metadata | null): Uint8Array {
  const md = checkMetadata("save", metadata);
  const sink = new BytesSink();
  writeSafetensors(sink, toWrite("save", tensors), md);
  return sink.bytes();
}

/** safetensors.torch.save_file: streams the file to `path`. */
export function saveFile(tensors: TensorDict, path: string, metadata?: Metadata | null): void {
  if (typeof path !== "string" || path === "") throw new Error("safetensors.saveFile: path must be a non-empty string");
  const md = checkMetadata("saveFile", metadata);
  const list = toWrite("saveFile", tensors);
  writeFileFromSink(path, (sink) => writeSafetensors(sink, list, md));
}

function loadFrom(source: ByteSource): Map<string, Tensor> {
  const header = readHeader(source);
  const out = new Map<string, Tensor>();
  for (const info of header.tensors) {
    const dtype = SAFETENSORS_DTYPES[info.dtype];
    const numel = (info.end - info.begin) / DTYPE_SIZE[info.dtype];
    const storage = newStorage(dtype, numel, (bytes) => source.readInto(header.dataStart + info.begin, bytes));
    out.set(info.name, new Tensor(storage, info.shape.slice()));
  }
  return out;
}

/** safetensors.torch.load: the tensors of a file's bytes, in the order of their data. */
export function load(bytes: Uint8Array | ArrayBuffer): Map<string, Tensor> {
  if (bytes instanceof ArrayBuffer) bytes = new Uint8Array(bytes);
  if (!(bytes instanceof Uint8Array)) throw new Error("safetensors.load: expected a Uint8Array or an ArrayBuffer");
  return loadFrom(new BytesSource(bytes));
}

/** safetensors.torch.load_file: reads the header, then each tensor's bytes into its storage. */
export function loadFile(path: string): Map<string, Tensor> {
  if (typeof path !== "string" || path === "") throw new Error("safetensors.loadFile: path must be a non-empty string");
  return withFileSource(path, loadFrom);
}

/** The file's __metadata__ (null when it has none), reading only the header. */
export function loadMetadata(pathOrBytes: string | Uint8Array): Metadata | null {
  if (typeof pathOrBytes === "string") return withFileSource(pathOrBytes, (s) => readHeader(s).metadata);
  return readHeader(new BytesSource(pathOrBytes)).metadata;
}

/**
 * Loads a sharded checkpoint: `dirOrIndexPath` is a folder holding model.safetensors.index.json
 * or the index file itself. Every tensor of the index's weight_map is read from its shard.
 */
export function loadSharded(dirOrIndexPath: string): Map<string, Tensor> {
  if (typeof dirOrIndexPath !== "string" || dirOrIndexPath === "") throw new Error("safetensors.loadSharded: expected a folder or an index path");
  const { statSync, readFileSync } = nodeFs("safetensors.loadSharded"), { join, dirname } = nodePath("safetensors.loadSharded");
  const indexPath = statSync(dirOrIndexPath).isDirectory() ? join(dirOrIndexPath, INDEX_FILE) : dirOrIndexPath;
  const index = parseShardIndex(readFileSync(indexPath));
  const byShard = new Map<string, string[]>();
  for (const [name, file] of index.weightMap) {
    const list = byShard.get(file) ?? [];
    list.push(name);
    byShard.set(file, list);
  }
  const loaded = new Map<string, Tensor>();
  for (const [file, names] of byShard) {
    const shard = loadFile(join(dirname(indexPath), file));
    for (const name of names) {
      const t = shard.get(name);
      if (!t) throw new FormatError(`safetensors: the index puts '${name}' in ${file}, which does not hold it`);
      loaded.set(name, t);
    }
  }
  // The index's order: the order the model listed its tensors in.
  const out = new Map<string, Tensor>();
  for (const name of index.weightMap.keys()) out.set(name, loaded.get(name)!);
  return out;
}

export interface SaveShardedOptions {
  /** Largest shard, in bytes of tensor data (default 5 GB, as transformers). */
  maxShardSize?: number;
  metadata?: Metadata | null;
}

/**
 * Writes `tensors` as model-0000i-of-0000n.safetensors shards plus model.safetensors.index.json in
 * `dir`, as transformers' save_pretrained does. Returns the index path.
 */
export function saveSharded(tensors: TensorDict, dir: string, options: SaveShardedOptions = {}): string {
  const max = options.maxShardSize ?? 5_000_000_000;
  if (!(max > 0)) throw new Error(`safetensors.saveSharded: maxShardSize must be positive, got ${max}`);
  const md = checkMetadata("saveSharded", options.metadata);
  const { statSync, writeFileSync } = nodeFs("safetensors.saveSharded"), { join } = nodePath("safetensors.saveSharded");
  if (!statSync(dir).isDirectory()) throw new Error(`safetensors.saveSharded: ${dir} is not a folder`);
  const list = toWrite("saveSharded", tensors);
  const shards: TensorToWrite[][] = [];
  let current: TensorToWrite[] = [], size = 0, total = 0;
  for (const t of list) {
    const n = t.data instanceof Uint8Array ? t.data.length : 0;
    if (current.length && size + n > max) { shards.push(current); current = []; size = 0; }
    current.push(t);
    size += n;
    total += n;
  }
  if (current.length || shards.length === 0) shards.push(current);
  const count = String(shards.length).padStart(5, "0");
  const weightMap: [string, string][] = [];
  shards.forEach((shard, i) => {
    const file = `model-${String(i + 1).padStart(5, "0")}-of-${count}.safetensors`;
    writeFileFromSink(join(dir, file), (sink) => writeSafetensors(sink, shard, md ?? { format: "pt" }));
    for (const t of shard) weightMap.push([t.name, file]);
  });
  const indexPath = join(dir, INDEX_FILE);
  writeFileSync(indexPath, JSON.stringify({ metadata: { total_size: total }, weight_map: Object.fromEntries(weightMap) }, null, 2) + "\n");
  return indexPath;
}
