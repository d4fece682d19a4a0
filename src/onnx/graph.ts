// Building the ONNX graph: nodes with unique names, initializers (small constants shared by
// content), and the typed encoding of tensors into TensorProto raw data.

import type { Tensor } from "../core/tensor.js";
import { type DType, bool, float32, int64 } from "../core/dtype.js";
import { contiguous } from "../ops/view.js";
import { untraced } from "./hook.js";
import { type AttrValue, DataType, type GraphMsg, type NodeMsg, type TensorMsg, type ValueInfoMsg } from "./proto.js";

/** The ONNX element type of a dtype. */
export function onnxType(d: DType): number {
  switch (d.name) {
    case "float32": return DataType.FLOAT;
    case "float64": return DataType.DOUBLE;
    case "float16": return DataType.FLOAT16;
    case "bfloat16": return DataType.BFLOAT16;
    case "int8": return DataType.INT8;
    case "uint8": return DataType.UINT8;
    case "int16": return DataType.INT16;
    case "int32": return DataType.INT32;
    case "int64": return DataType.INT64;
    case "bool": return DataType.BOOL;
    case "complex32": case "complex64": case "complex128": throw new Error(`torch.onnx.export: ${d} tensors are not supported (ONNX has no complex operators)`);
    case "quint8": case "qint8": case "qint32": case "quint4x2": case "quint2x4": throw new Error(`torch.onnx.export: quantized tensors (${d}) are not supported`);
  }
}

/** A tensor's values as little-endian bytes in row-major order. */
export function tensorBytes(t: Tensor): Uint8Array {
  return untraced(() => {
    const c = contiguous(t.detach());
    const data = c.storage.data;
    const n = c.numel();
    const view = data.subarray(c._offset, c._offset + n);
    return new Uint8Array(view.buffer.slice(view.byteOffset, view.byteOffset + view.byteLength));
  });
}

/** Attribute shorthands. */
export const attr = {
  i: (value: number | bigint | boolean): AttrValue => ({ kind: "int", value: typeof value === "boolean" ? Number(value) : value }),
  f: (value: number): AttrValue => ({ kind: "float", value }),
  s: (value: string): AttrValue => ({ kind: "string", value }),
  ints: (value: readonly number[]): AttrValue => ({ kind: "ints", value }),
  floats: (value: readonly number[]): AttrValue => ({ kind: "floats", value }),
  strings: (value: readonly string[]): AttrValue => ({ kind: "strings", value }),
  tensor: (value: TensorMsg): AttrValue => ({ kind: "tensor", value }),
  graph: (value: GraphMsg): AttrValue => ({ kind: "graph", value }),
};

export type Attrs = Readonly<Record<string, AttrValue | undefined>>;

/** A scalar or 1-D constant as a TensorProto. */
export function constMsg(name: string, dtype: DType, values: readonly (number | bigint | boolean)[], dims: readonly number[]): TensorMsg {
  const n = values.length;
  let raw: Uint8Array;
  switch (dtype.name) {
    case "float32": raw = new Uint8Array(Float32Array.from(values, Number).buffer); break;
    case "float64": raw = new Uint8Array(Float64Array.from(values, Number).buffer); break;
    case "int64": raw = new Uint8Array(BigInt64Array.from(values, (v) => (typeof v === "bigint" ? v : BigInt(Math.trunc(Number(v))))).buffer); break;
    case "int32": raw = new Uint8Array(Int32Array.from(values, Number).buffer); break;
    case "int16": raw = new Uint8Array(Int16Array.from(values, Number).buffer); break;
    case "int8": raw = new Uint8Array(Int8Array.from(values, Number).buffer); break;
    case "uint8": raw = Uint8Array.from(values, Number); break;
    case "bool": raw = Uint8Array.from(values, (v) => (v ? 1 : 0)); break;
    default: {
      // float16 / bfloat16: encode through a 0-d tensor of that dtype would need ops; write bits.
      const u = new Uint16Array(n);
      for (let i = 0; i < n; i++) u[i] = halfBits(dtype, Number(values[i]));
      raw = new Uint8Array(u.buffer);
    }
  }
  return { name, dataType: onnxType(dtype), dims, raw };
}

function halfBits(dtype: DType, v: number): number {
  const f = new Float32Array([v]);
  const bits = new Uint32Array(f.buffer)[0]!;
  if (dtype.name === "bfloat16") {
    // Round to nearest even on the dropped 16 bits.
    return ((bits + 0x7fff + ((bits >>> 16) & 1)) >>> 16) & 0xffff;
  }
  const sign = (bits >>> 16) & 0x8000;
  const exp = ((bits >>> 23) & 0xff) - 127 + 15;
  const mant = bits & 0x7fffff;
  if (((bits >>> 23) & 0xff) === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0);
  if (exp >= 0x1f) return sign | 0x7c00;
  if (exp <= 0) {
    if (exp < -10) return sign;
    const m = (mant | 0x800000) >> (1 - exp);
    return sign | ((m + 0xfff + ((m >> 13) & 1)) >> 13);
  }
  const r = sign | (exp << 10) | (mant >> 13);
  const rest = mant & 0x1fff;
  return rest > 0x1000 || (rest === 0x1000 && (r & 1)) ? r + 1 : r;
}

/** Nodes and initializers of the graph being written, with unique names. */
export class GraphBuilder {
  readonly nodes: NodeMsg[] = [];
  readonly initializers: TensorMsg[] = [];
  private readonly used = new Set<string>();
  private readonly counters = new Map<string, number>();
  private readonly shared = new Map<string, string>();

  constructor(readonly opset: number) {}

  /** Claims a name (graph inputs, outputs, parameters); false if already taken. */
  claim(name: string): boolean {
    if (this.used.has(name)) return false;
    this.used.add(name);
    return true;
  }

  /** A fresh name starting with `base`. */
  fresh(base: string): string {
    let k = this.counters.get(base) ?? 0;
    let name = `${base}_${k}`;
    while (this.used.has(name)) name = `${base}_${++k}`;
    this.counters.set(base, k + 1);
    this.used.add(name);
    return name;
  }

  /** Appends a node; returns its output names. "" in inputs marks an omitted optional input. */
  node(opType: string, inputs: readonly string[], attrs: Attrs = {}, outputs: number | readonly string[] = 1): string[] {
    const name = this.fresh(opType);
    const outs = typeof outputs === "number" ? Array.from({ length: outputs }, (_, i) => `${name}_output_${i}`) : outputs.slice();
    for (const o of outs) this.used.add(o);
    let last = inputs.length;
    while (last > 0 && inputs[last - 1] === "") last--;
    const attributes = Object.entries(attrs).filter((e): e is [string, AttrValue] => e[1] !== undefined);
    this.nodes.push({ opType, inputs: inputs.slice(0, last), outputs: outs, name, attributes });
    return outs;
  }

  /** One-output node. */
  op(opType: string, inputs: readonly string[], attrs: Attrs = {}): string {
    return this.node(opType, inputs, attrs, 1)[0]!;
  }

  /**
   * A subgraph (a Scan or Loop body): the nodes `build` adds go to the body instead of this graph;
   * names stay unique model-wide, and constants are initializers of the main graph (outer scope).
   */
  subgraph(name: string, inputs: readonly ValueInfoMsg[], build: () => readonly ValueInfoMsg[]): GraphMsg {
    const start = this.nodes.length;
    for (const v of inputs) this.used.add(v.name);
    const outputs = build();
    const nodes = this.nodes.splice(start);
    return { name: this.fresh(name), nodes, initializers: [], inputs, outputs, valueInfo: [] };
  }

  /** Adds an initializer with the tensor's values under `name`. */
  initializer(name: string, t: Tensor): string {
    this.initializers.push({ name, dataType: onnxType(t.dtype), dims: t.shape, raw: tensorBytes(t) });
    return name;
  }

  /** A constant initializer, shared with any identical small constant. */
  constant(dtype: DType, values: readonly (number | bigint | boolean)[], dims: readonly number[]): string {
    // -0 is its own constant (String(-0) is "0"): copysign and 1 / x tell them apart.
    const key = `${dtype.name}|${dims.join(",")}|${values.map((v) => (Object.is(v, -0) ? "-0" : String(v))).join(",")}`;
    const small = values.length <= 64;
    const hit = small ? this.shared.get(key) : undefined;
    if (hit) return hit;
    const name = this.fresh("const");
    this.initializers.push(constMsg(name, dtype, values, dims));
    if (small) this.shared.set(key, name);
    return name;
  }

  /** A 1-D int64 constant (shapes, axes, starts/ends). */
  ints(values: readonly number[]): string { return this.constant(int64, values, [values.length]); }

  /** A 0-d constant. */
  scalar(value: number | bigint | boolean, dtype: DType = float32): string { return this.constant(dtype, [value], []); }

  /** A 0-d bool constant. */
  boolScalar(value: boolean): string { return this.constant(bool, [value], []); }
}
