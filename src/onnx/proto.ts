// The ONNX protobuf messages torch.onnx.export writes, encoded by hand: ModelProto, GraphProto,
// NodeProto, AttributeProto, TensorProto, ValueInfoProto (with TypeProto and TensorShapeProto).
// Field numbers and wire types are those of onnx/onnx.proto.

// ---- wire format --------------------------------------------------------------------------------

const VARINT = 0, LEN = 2, FIXED32 = 5;

/** A growable byte buffer with protobuf's primitive encodings. */
export class ProtoWriter {
  private buf = new Uint8Array(256);
  private len = 0;

  private reserve(n: number): void {
    if (this.len + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.len + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
  }

  private byte(b: number): void {
    this.reserve(1);
    this.buf[this.len++] = b;
  }

  /** An unsigned varint; negative numbers are written as 64-bit two's complement (10 bytes). */
  private varint(v: number | bigint): void {
    let x = typeof v === "bigint" ? BigInt.asUintN(64, v) : v >= 0 && Number.isSafeInteger(v) ? v : BigInt.asUintN(64, BigInt(v));
    if (typeof x === "number") {
      while (x > 0x7f) {
        this.byte((x % 128) | 0x80);
        x = Math.floor(x / 128);
      }
      this.byte(x);
      return;
    }
    while (x > 0x7fn) {
      this.byte(Number(x & 0x7fn) | 0x80);
      x >>= 7n;
    }
    this.byte(Number(x));
  }

  private tag(field: number, wire: number): void { this.varint(field * 8 + wire); }

  /** int64 / int32 / enum / bool field (varint). */
  int(field: number, v: number | bigint | boolean): void {
    this.tag(field, VARINT);
    this.varint(typeof v === "boolean" ? (v ? 1 : 0) : v);
  }

  /** float field (fixed32). */
  float(field: number, v: number): void {
    this.tag(field, FIXED32);
    this.reserve(4);
    new DataView(this.buf.buffer, this.buf.byteOffset + this.len, 4).setFloat32(0, v, true);
    this.len += 4;
  }

  /** bytes field. */
  bytes(field: number, data: Uint8Array): void {
    this.tag(field, LEN);
    this.varint(data.length);
    this.reserve(data.length);
    this.buf.set(data, this.len);
    this.len += data.length;
  }

  /** string field (UTF-8). */
  string(field: number, s: string): void { this.bytes(field, new TextEncoder().encode(s)); }

  /** Embedded message field. */
  message(field: number, write: (w: ProtoWriter) => void): void {
    const inner = new ProtoWriter();
    write(inner);
    this.bytes(field, inner.finish());
  }

  /** Packed repeated varints (int64s). */
  packedInts(field: number, values: readonly (number | bigint)[]): void {
    const inner = new ProtoWriter();
    for (const v of values) inner.varint(v);
    this.bytes(field, inner.finish());
  }

  /** Packed repeated floats. */
  packedFloats(field: number, values: readonly number[]): void {
    const data = new Uint8Array(values.length * 4);
    const dv = new DataView(data.buffer);
    values.forEach((v, i) => dv.setFloat32(i * 4, v, true));
    this.bytes(field, data);
  }

  finish(): Uint8Array { return this.buf.slice(0, this.len); }
}

// ---- ONNX messages ------------------------------------------------------------------------------

/** TensorProto.DataType. */
export const DataType = {
  FLOAT: 1, UINT8: 2, INT8: 3, UINT16: 4, INT16: 5, INT32: 6, INT64: 7, STRING: 8, BOOL: 9,
  FLOAT16: 10, DOUBLE: 11, UINT32: 12, UINT64: 13, BFLOAT16: 16,
} as const;

/** A tensor with its values as little-endian raw bytes (TensorProto.raw_data). */
export interface TensorMsg {
  name: string;
  dataType: number;
  dims: readonly number[];
  raw: Uint8Array;
}

export type AttrValue =
  | { kind: "float"; value: number }
  | { kind: "int"; value: number | bigint }
  | { kind: "string"; value: string }
  | { kind: "tensor"; value: TensorMsg }
  | { kind: "floats"; value: readonly number[] }
  | { kind: "ints"; value: readonly (number | bigint)[] }
  | { kind: "strings"; value: readonly string[] }
  | { kind: "graph"; value: GraphMsg };

export interface NodeMsg {
  opType: string;
  inputs: readonly string[];
  outputs: readonly string[];
  name: string;
  attributes: readonly [string, AttrValue][];
  domain?: string;
}

/** One dim of a value's shape: a size, a symbolic name (dim_param), or unknown. */
export type DimMsg = number | string | null;

export interface ValueInfoMsg {
  name: string;
  elemType: number;
  shape: readonly DimMsg[] | null;
}

export interface GraphMsg {
  name: string;
  nodes: readonly NodeMsg[];
  initializers: readonly TensorMsg[];
  inputs: readonly ValueInfoMsg[];
  outputs: readonly ValueInfoMsg[];
  valueInfo: readonly ValueInfoMsg[];
  docString?: string;
}

export interface ModelMsg {
  irVersion: number;
  opsets: readonly { domain: string; version: number }[];
  producerName: string;
  producerVersion: string;
  graph: GraphMsg;
  docString?: string;
}

// AttributeProto.AttributeType
const ATTR_TYPE = { float: 1, int: 2, string: 3, tensor: 4, graph: 5, floats: 6, ints: 7, strings: 8 } as const;

function writeTensor(w: ProtoWriter, t: TensorMsg): void {
  if (t.dims.length) w.packedInts(1, t.dims);
  w.int(2, t.dataType);
  if (t.name) w.string(8, t.name);
  w.bytes(9, t.raw);
}

function writeAttribute(w: ProtoWriter, name: string, a: AttrValue): void {
  w.string(1, name);
  w.int(20, ATTR_TYPE[a.kind]);
  switch (a.kind) {
    case "float": w.float(2, a.value); break;
    case "int": w.int(3, a.value); break;
    case "string": w.bytes(4, new TextEncoder().encode(a.value)); break;
    case "tensor": w.message(5, (m) => writeTensor(m, a.value)); break;
    case "floats": if (a.value.length) w.packedFloats(7, a.value); break;
    case "ints": if (a.value.length) w.packedInts(8, a.value); break;
    case "strings": for (const s of a.value) w.bytes(9, new TextEncoder().encode(s)); break;
    case "graph": w.message(6, (m) => writeGraph(m, a.value)); break;
  }
}

function writeNode(w: ProtoWriter, n: NodeMsg): void {
  for (const i of n.inputs) w.string(1, i);
  for (const o of n.outputs) w.string(2, o);
  if (n.name) w.string(3, n.name);
  w.string(4, n.opType);
  for (const [name, a] of n.attributes) w.message(5, (m) => writeAttribute(m, name, a));
  if (n.domain) w.string(7, n.domain);
}

function writeValueInfo(w: ProtoWriter, v: ValueInfoMsg): void {
  w.string(1, v.name);
  // TypeProto { tensor_type = 1: TypeProto.Tensor { elem_type = 1; shape = 2 } }
  w.message(2, (type) => type.message(1, (tensor) => {
    tensor.int(1, v.elemType);
    if (v.shape) {
      tensor.message(2, (shape) => {
        for (const d of v.shape!) {
          // TensorShapeProto.Dimension { dim_value = 1; dim_param = 2 }
          shape.message(1, (dim) => {
            if (typeof d === "number") dim.int(1, d);
            else if (typeof d === "string") dim.string(2, d);
          });
        }
      });
    }
  }));
}

function writeGraph(w: ProtoWriter, g: GraphMsg): void {
  for (const n of g.nodes) w.message(1, (m) => writeNode(m, n));
  w.string(2, g.name);
  for (const t of g.initializers) w.message(5, (m) => writeTensor(m, t));
  if (g.docString) w.string(10, g.docString);
  for (const v of g.inputs) w.message(11, (m) => writeValueInfo(m, v));
  for (const v of g.outputs) w.message(12, (m) => writeValueInfo(m, v));
  for (const v of g.valueInfo) w.message(13, (m) => writeValueInfo(m, v));
}

/** The serialized ModelProto. */
export function encodeModel(model: ModelMsg): Uint8Array {
  const w = new ProtoWriter();
  w.int(1, model.irVersion);
  w.string(2, model.producerName);
  w.string(3, model.producerVersion);
  if (model.docString) w.string(6, model.docString);
  w.message(7, (m) => writeGraph(m, model.graph));
  // OperatorSetIdProto { domain = 1; version = 2 }
  for (const o of model.opsets) w.message(8, (m) => { m.string(1, o.domain); m.int(2, o.version); });
  return w.finish();
}
