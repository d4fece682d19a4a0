// The safetensors format: an 8-byte little-endian header length N, N bytes of JSON
// ({name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__": {str: str}}, padded with
// spaces), then the data buffer. Validation follows the reference implementation
// (huggingface/safetensors): N ≤ 100 MB, UTF-8 JSON object starting with '{', offsets that tile the
// buffer from 0 with no gap or overlap, end − begin = numel × dtype size, and the buffer ending
// exactly at the end of the file. Writing orders tensors as the reference writer does (by dtype
// alignment, then name) so every tensor's data is aligned.

import { type ByteSink, type ByteSource } from "./bytes.js";
import { FormatError } from "./errors.js";
import type { StorageDType } from "./pickle-values.js";

export const MAX_HEADER_SIZE = 100_000_000;

/** The safetensors dtypes torch-ts has, with their torch-ts dtype. */
export const SAFETENSORS_DTYPES = {
  BOOL: "bool", U8: "uint8", I8: "int8", I16: "int16", F16: "float16", BF16: "bfloat16",
  I32: "int32", F32: "float32", F64: "float64", I64: "int64", C64: "complex64",
} as const satisfies Record<string, StorageDType>;

export type SafetensorsDType = keyof typeof SAFETENSORS_DTYPES;

/** Every dtype of the format, in the reference implementation's order (increasing alignment). */
const FORMAT_DTYPE_ORDER = [
  "BOOL", "F4", "F6_E2M3", "F6_E3M2", "U8", "I8", "F8_E5M2", "F8_E4M3", "F8_E8M0", "I16", "U16", "F16", "BF16",
  "I32", "U32", "F32", "C64", "F64", "I64", "U64",
];
const RANK = new Map(FORMAT_DTYPE_ORDER.map((d, i) => [d, i]));

export const DTYPE_SIZE: Readonly<Record<SafetensorsDType, number>> = {
  BOOL: 1, U8: 1, I8: 1, I16: 2, F16: 2, BF16: 2, I32: 4, F32: 4, F64: 8, I64: 8, C64: 8,
};

const TORCH_TO_SAFETENSORS = new Map<StorageDType, SafetensorsDType>(
  Object.entries(SAFETENSORS_DTYPES).map(([k, v]) => [v, k as SafetensorsDType]),
);

export function safetensorsDType(dtype: StorageDType): SafetensorsDType {
  const d = TORCH_TO_SAFETENSORS.get(dtype);
  if (!d) {
    // The format's one complex dtype is C64 (complex64).
    const hint = dtype === "complex128" ? " (the format's only complex dtype is C64, complex64: convert with .to(torch.complex64))" : "";
    throw new Error(`safetensors: no safetensors dtype for ${dtype}${hint}`);
  }
  return d;
}

export interface TensorInfo {
  readonly name: string;
  readonly dtype: SafetensorsDType;
  readonly shape: readonly number[];
  /** Offsets in the data buffer (which starts right after the header). */
  readonly begin: number;
  readonly end: number;
}

export interface SafetensorsHeader {
  /** N: the JSON header's length. */
  readonly headerSize: number;
  /** Where the data buffer starts in the file (8 + N). */
  readonly dataStart: number;
  /** The tensors, in the order of their data. */
  readonly tensors: readonly TensorInfo[];
  readonly metadata: Readonly<Record<string, string>> | null;
}

function fail(message: string): never {
  throw new FormatError(`safetensors: ${message}`);
}

/** Validates the 8-byte length prefix against the file size. */
export function parseHeaderSize(prefix: Uint8Array, fileSize: number): number {
  if (prefix.length < 8 || fileSize < 8) fail(`the file is ${fileSize} bytes, too short for the 8-byte header length (HeaderTooSmall)`);
  const view = new DataView(prefix.buffer, prefix.byteOffset, 8);
  const n = view.getBigUint64(0, true);
  if (n > BigInt(MAX_HEADER_SIZE)) fail(`header length ${n} exceeds the 100 MB limit (HeaderTooLarge)`);
  const size = Number(n);
  if (size + 8 > fileSize) fail(`header length ${size} runs past the end of the ${fileSize}-byte file (InvalidHeaderLength)`);
  return size;
}

function nonNegativeInts(v: unknown, what: string, name: string): number[] {
  if (!Array.isArray(v)) fail(`${what} of tensor '${name}' must be an array of integers`);
  return v.map((x) => {
    if (typeof x !== "number" || !Number.isSafeInteger(x) || x < 0) fail(`${what} of tensor '${name}' holds ${JSON.stringify(x)}, not a non-negative integer below 2^53`);
    return x;
  });
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

/** Parses and validates the JSON header (the N bytes after the prefix) of a `fileSize`-byte file. */
export function parseHeader(json: Uint8Array, fileSize: number): SafetensorsHeader {
  const headerSize = json.length;
  let text: string;
  try { text = utf8.decode(json); } catch { fail("the header is not valid UTF-8 (InvalidHeader)"); }
  if (!text.startsWith("{")) fail("the header does not start with '{' (InvalidHeaderStart)");
  let parsed: unknown;
  try { parsed = JSON.parse(text); } catch (e) { fail(`the header is not valid JSON: ${(e as Error).message} (InvalidHeaderDeserialization)`); }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) fail("the header is not a JSON object (InvalidHeaderDeserialization)");

  let metadata: Record<string, string> | null = null;
  const tensors: TensorInfo[] = [];
  for (const [name, entry] of Object.entries(parsed as Record<string, unknown>)) {
    if (name === "__metadata__") {
      if (typeof entry !== "object" || entry === null || Array.isArray(entry)) fail("__metadata__ must be an object of strings");
      const pairs = Object.entries(entry as Record<string, unknown>);
      for (const [k, v] of pairs) if (typeof v !== "string") fail(`__metadata__ entry '${k}' must be a string, got ${JSON.stringify(v)}`);
      metadata = Object.fromEntries(pairs as [string, string][]);
      continue;
    }
    if (typeof entry !== "object" || entry === null || Array.isArray(entry)) fail(`tensor '${name}' must be described by an object`);
    const e = entry as Record<string, unknown>;
    const dtype = e["dtype"];
    if (typeof dtype !== "string") fail(`tensor '${name}' has no dtype`);
    if (!(dtype in DTYPE_SIZE)) {
      if (RANK.has(dtype)) fail(`tensor '${name}' has dtype ${dtype}, which torch-ts does not support`);
      fail(`tensor '${name}' has unknown dtype ${JSON.stringify(dtype)}`);
    }
    const shape = nonNegativeInts(e["shape"], "shape", name);
    const offsets = nonNegativeInts(e["data_offsets"], "data_offsets", name);
    if (offsets.length !== 2) fail(`data_offsets of tensor '${name}' must be [begin, end]`);
    tensors.push({ name, dtype: dtype as SafetensorsDType, shape, begin: offsets[0]!, end: offsets[1]! });
  }
  tensors.sort((a, b) => a.begin - b.begin || a.end - b.end);
  let start = 0;
  for (const t of tensors) {
    if (t.begin !== start || t.end < t.begin) {
      fail(`tensor '${t.name}' has data_offsets [${t.begin}, ${t.end}] where [${start}, …] was expected: offsets must tile the buffer with no gap or overlap (InvalidOffset)`);
    }
    let numel = 1;
    for (const d of t.shape) {
      numel *= d;
      if (!Number.isSafeInteger(numel)) fail(`shape [${t.shape.join(", ")}] of tensor '${t.name}' overflows (ValidationOverflow)`);
    }
    const nbytes = numel * DTYPE_SIZE[t.dtype];
    if (!Number.isSafeInteger(nbytes)) fail(`tensor '${t.name}' is too large (ValidationOverflow)`);
    if (t.end - t.begin !== nbytes) {
      fail(`tensor '${t.name}' of dtype ${t.dtype} and shape [${t.shape.join(", ")}] needs ${nbytes} bytes but its data_offsets span ${t.end - t.begin} (TensorInvalidInfo)`);
    }
    start = t.end;
  }
  const dataStart = 8 + headerSize;
  if (dataStart + start !== fileSize) {
    fail(`the tensors cover ${start} bytes of data but the file holds ${fileSize - dataStart} after the header (MetadataIncompleteBuffer)`);
  }
  return { headerSize, dataStart, tensors, metadata };
}

/** Reads and validates the header of a safetensors file, touching no tensor data. */
export function readHeader(source: ByteSource): SafetensorsHeader {
  if (source.size < 8) fail(`the file is ${source.size} bytes, too short for the 8-byte header length (HeaderTooSmall)`);
  const n = parseHeaderSize(source.read(0, 8), source.size);
  return parseHeader(source.read(8, n), source.size);
}

// ---- Writing ------------------------------------------------------------------------------

export interface TensorToWrite {
  readonly name: string;
  readonly dtype: SafetensorsDType;
  readonly shape: readonly number[];
  /** Little-endian, C-contiguous bytes; possibly in chunks. */
  readonly data: Uint8Array | readonly Uint8Array[];
}

function byteLength(d: Uint8Array | readonly Uint8Array[]): number {
  return d instanceof Uint8Array ? d.length : d.reduce((n, c) => n + c.length, 0);
}

function compareCodePoints(a: string, b: string): number {
  const x = [...a], y = [...b];
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const d = x[i]!.codePointAt(0)! - y[i]!.codePointAt(0)!;
    if (d) return d;
  }
  return x.length - y.length;
}

/** The header bytes (prefix included) and the order the tensors' data must follow. */
export function buildHeader(
  tensors: readonly TensorToWrite[], metadata: Readonly<Record<string, string>> | null = null,
): { header: Uint8Array; order: TensorToWrite[] } {
  const names = new Set<string>();
  for (const t of tensors) {
    if (t.name === "__metadata__") throw new Error("safetensors: '__metadata__' cannot name a tensor");
    if (names.has(t.name)) throw new Error(`safetensors: tensor name '${t.name}' appears twice`);
    names.add(t.name);
    if (!(t.dtype in DTYPE_SIZE)) throw new Error(`safetensors: unknown dtype ${String(t.dtype)} for tensor '${t.name}'`);
    const numel = t.shape.reduce((n, d) => n * d, 1);
    if (byteLength(t.data) !== numel * DTYPE_SIZE[t.dtype]) {
      throw new Error(`safetensors: tensor '${t.name}' of shape [${t.shape.join(", ")}] and dtype ${t.dtype} needs ${numel * DTYPE_SIZE[t.dtype]} bytes, got ${byteLength(t.data)}`);
    }
  }
  if (metadata !== null) {
    for (const [k, v] of Object.entries(metadata)) if (typeof v !== "string") throw new Error(`safetensors: metadata value of '${k}' must be a string, got ${typeof v}`);
  }
  const order = [...tensors].sort((a, b) => RANK.get(b.dtype)! - RANK.get(a.dtype)! || compareCodePoints(a.name, b.name));
  const parts: string[] = [];
  if (metadata !== null) parts.push(`"__metadata__":${JSON.stringify(metadata)}`);
  let offset = 0;
  for (const t of order) {
    const n = byteLength(t.data);
    parts.push(`${JSON.stringify(t.name)}:{"dtype":"${t.dtype}","shape":[${t.shape.join(",")}],"data_offsets":[${offset},${offset + n}]}`);
    offset += n;
  }
  let json = new TextEncoder().encode(`{${parts.join(",")}}`);
  const padded = Math.ceil(json.length / 8) * 8;
  if (padded !== json.length) {
    const p = new Uint8Array(padded).fill(0x20);
    p.set(json);
    json = p;
  }
  if (json.length > MAX_HEADER_SIZE) throw new Error(`safetensors: the header would be ${json.length} bytes, over the format's 100 MB limit`);
  const header = new Uint8Array(8 + json.length);
  new DataView(header.buffer).setBigUint64(0, BigInt(json.length), true);
  header.set(json, 8);
  return { header, order };
}

/** Writes a whole safetensors file to `sink`. */
export function writeSafetensors(
  sink: ByteSink, tensors: readonly TensorToWrite[], metadata: Readonly<Record<string, string>> | null = null,
): void {
  const { header, order } = buildHeader(tensors, metadata);
  sink.write(header);
  for (const t of order) {
    if (t.data instanceof Uint8Array) sink.write(t.data);
    else for (const c of t.data) sink.write(c);
  }
}

// ---- Sharded checkpoints ---------------------------------------------------------------------

export interface ShardIndex {
  readonly metadata: Readonly<Record<string, unknown>>;
  /** Tensor name → shard file name (a plain file name in the index's folder). */
  readonly weightMap: ReadonlyMap<string, string>;
}

/** Parses a model.safetensors.index.json; shard names must be plain file names (no paths). */
export function parseShardIndex(json: Uint8Array): ShardIndex {
  let parsed: unknown;
  try { parsed = JSON.parse(utf8.decode(json)); } catch (e) { fail(`the shard index is not valid JSON: ${(e as Error).message}`); }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) fail("the shard index is not a JSON object");
  const p = parsed as Record<string, unknown>;
  const wm = p["weight_map"];
  if (typeof wm !== "object" || wm === null || Array.isArray(wm)) fail("the shard index has no weight_map object");
  const weightMap = new Map<string, string>();
  for (const [name, file] of Object.entries(wm as Record<string, unknown>)) {
    if (typeof file !== "string") fail(`weight_map entry '${name}' must be a file name`);
    if (!file || file === "." || file === ".." || /[\\/\0]/.test(file) || /^[a-zA-Z]:/.test(file)) {
      fail(`weight_map entry '${name}' names '${file}', which is not a plain file name in the index's folder`);
    }
    weightMap.set(name, file);
  }
  const md = p["metadata"];
  const metadata = typeof md === "object" && md !== null && !Array.isArray(md) ? Object.fromEntries(Object.entries(md)) : {};
  return { metadata, weightMap };
}
