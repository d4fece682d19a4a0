// What a converter works with: the graph being built, the traced record it converts, and the
// dynamic-shape machinery. A dim is dynamic when it differs between the two traces (the second one
// runs with the dynamic axes resized); at run time such a dim is read from a graph input's shape.

import type { Tensor } from "../core/tensor.js";
import { type DType, type DTypeLike, bool, float32, float64, int64, toDType } from "../core/dtype.js";
import { type Attrs, GraphBuilder, attr, onnxType, tensorBytes } from "./graph.js";
import type { TRecord, TValue } from "./trace.js";
import type { TraceAttrs } from "./hook.js";

/** The message prefix of every export error. */
export const WHO = "torch.onnx.export";

/** A readable name for a traced op kind: "AddmmBackward0" → "addmm", "module:LSTM" → "nn.LSTM". */
export function opLabel(kind: string): string {
  if (kind.startsWith("module:")) return `nn.${kind.slice(7)}`;
  const m = /^([A-Z][A-Za-z0-9]*?)Backward\d*$/.exec(kind);
  if (!m) return kind;
  return m[1]!.replace(/(\d)D$/, "$1d").replace(/(\d)D(?=[A-Z])/g, "$1d")
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2").toLowerCase();
}

function stableString(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) => (typeof x === "bigint" ? `${x}n` : x));
}

/** The pair of sizes a dim has in the two traces. */
export interface DimAB { a: number; b: number }

export function dimsOf(v: TValue): DimAB[] {
  return v.shape.map((a, i) => ({ a, b: v.b ? v.b.shape[i] ?? a : a }));
}

/** Whether a tensor's elements are all the same (for constants of a dynamic shape). */
function uniformBytes(t: Tensor): Uint8Array | null {
  const bytes = tensorBytes(t);
  const k = t.dtype.itemsize;
  if (bytes.length < k) return null;
  for (let i = k; i < bytes.length; i++) if (bytes[i] !== bytes[i % k]) return null;
  return bytes.subarray(0, k);
}

function sameBytes(x: Uint8Array, y: Uint8Array): boolean {
  if (x.length !== y.length) return false;
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
  return true;
}

/** A tensor's values in row-major order. */
function flatValues(t: Tensor): (number | bigint | boolean)[] {
  const out: (number | bigint | boolean)[] = [];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) for (const x of v) walk(x);
    else out.push(v as number | bigint | boolean);
  };
  walk(t.tolist());
  return out;
}

/** The export-wide state converters share: the graph, the graph inputs, the dim sources. */
export class ExportEnv {
  private readonly dimCache = new Map<string, string | null>();

  constructor(readonly g: GraphBuilder, readonly graphInputs: readonly TValue[]) {}

  get opset(): number { return this.g.opset; }

  /** The name of a value in the graph, emitting parameters and constants on first use. */
  name(v: TValue, user: string): string {
    if (v.name) return v.name;
    if (v.unsupported) throw new Error(`${WHO}: ${v.unsupported} is used by ${user} but has no ONNX mapping`);
    if (v.kind === "param") {
      const key = v.paramName!;
      v.name = this.g.claim(key) ? key : this.g.fresh(key);
      this.g.initializer(v.name, v.tensor!);
      return v.name;
    }
    if (v.kind === "scalar") {
      const s = v.scalar!;
      if (v.b && v.b.scalar !== s) {
        throw new Error(`${WHO}: the number given to ${user} depends on the values of the model's inputs (${String(s)} in one trace, ${String(v.b.scalar)} in another); a value read with item() or tolist() is a constant in the exported graph`);
      }
      const dtype = typeof s === "boolean" ? bool : typeof s === "bigint" || Number.isInteger(s) ? int64 : float32;
      v.name = this.g.scalar(s, dtype);
      return v.name;
    }
    if (v.kind === "const" || v.folded) {
      v.name = this.constantName(v, user);
      return v.name;
    }
    throw new Error(`${WHO}: internal error: the value consumed by ${user} was not produced yet`);
  }

  private constantName(v: TValue, user: string): string {
    const a = v.tensor!;
    const b = v.b?.tensor ?? a;
    const sameShape = a.shape.join() === b.shape.join();
    if (sameShape) {
      if (a !== b && !sameBytes(tensorBytes(a), tensorBytes(b))) {
        const from = v.folded ? ` (computed by ${opLabel(v.producer!.kind)}, which has no ONNX mapping)` : " (computed by an op the exporter does not trace: a non-differentiable op, an in-place op or a value read with item())";
        throw new Error(`${WHO}: a tensor used by ${user} depends on the values of the model's inputs but is a constant in the trace${from}`);
      }
      if (a.numel() <= 64) return this.g.constant(a.dtype, flatValues(a), a.shape);
      return this.g.initializer(this.g.fresh("const"), a);
    }
    if (v.folded && v.producer?.kind === "arange" && v.b?.producer) return this.dynamicArange(v.producer.attrs, v.b.producer.attrs, user);
    const ua = uniformBytes(a), ub = uniformBytes(b);
    if (!ua || !ub || !sameBytes(ua, ub) || a.dim() !== b.dim()) {
      throw new Error(`${WHO}: a constant used by ${user} (shape [${a.shape.join(", ")}]) changes with the dynamic axes and is not a fill of one value; compute it from the inputs with traced ops instead`);
    }
    const shape = this.shapeTensor(a.shape.map((x, i) => ({ a: x, b: b.shape[i]! })), user);
    const value = { name: "", dataType: onnxType(a.dtype), dims: [1], raw: ua.slice() };
    return this.g.op("ConstantOfShape", [shape], { value: attr.tensor(value) });
  }

  /**
   * torch.arange(start, end, step) whose length follows a dynamic axis: start + step * Range(0, n)
   * computed in int64, or in double for float dtypes (as PyTorch does), then cast.
   */
  private dynamicArange(a: TraceAttrs, b: TraceAttrs, user: string): string {
    if (a.start !== b.start || a.step !== b.step || a.dtype !== b.dtype) {
      throw new Error(`${WHO}: an arange used by ${user} changes its start or step with the dynamic axes; only its end may follow them`);
    }
    const n = this.dimSource({ a: a.n as number, b: b.n as number });
    if (!n) throw new Error(`${WHO}: cannot express the length of an arange used by ${user} (${String(a.n)}) from the dynamic axes of the inputs`);
    const dtype = toDType(a.dtype as DTypeLike);
    const start = a.start as number, step = a.step as number;
    let r = this.g.op("Range", [this.g.scalar(0, int64), this.g.op("Reshape", [n, this.g.ints([])]), this.g.scalar(1, int64)]);
    const via = dtype.isFloatingPoint ? float64 : int64;
    if (via !== int64) r = this.g.op("Cast", [r], { to: attr.i(onnxType(via)) });
    if (step !== 1) r = this.g.op("Mul", [r, this.g.scalar(step, via)]);
    if (start !== 0) r = this.g.op("Add", [r, this.g.scalar(start, via)]);
    return via === dtype ? r : this.g.op("Cast", [r], { to: attr.i(onnxType(dtype)) });
  }

  /** A 1-D int64 tensor [1] holding a dynamic dim at run time, read from a graph input's shape. */
  dimSource(d: DimAB): string | null {
    const key = `${d.a}:${d.b}`;
    if (this.dimCache.has(key)) return this.dimCache.get(key)!;
    let found: string | null = null;
    const dyn: { v: TValue; j: number; a: number; b: number }[] = [];
    for (const v of this.graphInputs) {
      dimsOf(v).forEach((x, j) => { if (x.a !== x.b) dyn.push({ v, j, a: x.a, b: x.b }); });
    }
    const shapeDim = (s: { v: TValue; j: number }): string => this.g.op("Shape", [s.v.name!], { start: attr.i(s.j), end: attr.i(s.j + 1) });
    const exact = dyn.find((s) => s.a === d.a && s.b === d.b);
    if (exact) found = shapeDim(exact);
    else {
      const mul = dyn.find((s) => d.a % s.a === 0 && d.b % s.b === 0 && d.a / s.a === d.b / s.b);
      if (mul) found = this.g.op("Mul", [shapeDim(mul), this.g.ints([d.a / mul.a])]);
      else {
        const div = dyn.find((s) => s.a % d.a === 0 && s.b % d.b === 0 && s.a / d.a === s.b / d.b);
        if (div) found = this.g.op("Div", [shapeDim(div), this.g.ints([div.a / d.a])]);
      }
    }
    this.dimCache.set(key, found);
    return found;
  }

  /**
   * A 1-D int64 shape tensor for dims that may be dynamic: constants where static, Shape slices of
   * `self` (a value that has the dim at the same position) or of a graph input where dynamic.
   */
  shapeTensor(dims: readonly DimAB[], user: string, self?: { v: TValue; name: string }): string {
    if (dims.every((d) => d.a === d.b)) return this.g.ints(dims.map((d) => d.a));
    const pieces: string[] = [];
    let run: number[] = [];
    const selfDims = self ? dimsOf(self.v) : [];
    dims.forEach((d, i) => {
      if (d.a === d.b) { run.push(d.a); return; }
      if (run.length) { pieces.push(this.g.ints(run)); run = []; }
      const own = selfDims[i];
      if (self && own && own.a === d.a && own.b === d.b) {
        pieces.push(this.g.op("Shape", [self.name], { start: attr.i(i), end: attr.i(i + 1) }));
        return;
      }
      const src = this.dimSource(d);
      if (!src) throw new Error(`${WHO}: cannot express a dynamic dim of ${user} (size ${d.a}) from the dynamic axes of the inputs`);
      pieces.push(src);
    });
    if (run.length) pieces.push(this.g.ints(run));
    return pieces.length === 1 ? pieces[0]! : this.g.op("Concat", pieces, { axis: attr.i(0) });
  }
}

/** The view of one record that its converter gets. */
export class ConvertContext {
  constructor(readonly env: ExportEnv, readonly rec: TRecord) {}

  get g(): GraphBuilder { return this.env.g; }
  get opset(): number { return this.env.opset; }
  /** The op's name for messages. */
  get label(): string { return opLabel(this.rec.kind); }

  fail(message: string): never {
    throw new Error(`${WHO}: ${this.label}: ${message}`);
  }

  /** Number of inputs the op was called with (absent optional ones included). */
  get arity(): number { return this.rec.inputs.length; }
  has(i: number): boolean { return this.rec.inputs[i] !== null && this.rec.inputs[i] !== undefined; }

  value(i: number): TValue {
    const v = this.rec.inputs[i];
    if (!v) this.fail(`input ${i} is missing`);
    return v;
  }

  /** The graph name of input i. */
  input(i: number): string { return this.env.name(this.value(i), this.label); }

  /** Input i, or "" (an omitted optional input) when absent. */
  optional(i: number): string { return this.has(i) ? this.input(i) : ""; }

  /** The dtype of input i (null for a plain number). */
  dtypeOf(i: number): DType | null { return this.value(i).dtype; }

  /** Input i in `dtype`: numbers become constants of that dtype, tensors are cast when needed. */
  inputAs(i: number, dtype: DType): string {
    const v = this.value(i);
    if (v.kind === "scalar") {
      if (v.b && v.b.scalar !== v.scalar) return this.input(i); // raises the data-dependence error
      return this.g.scalar(v.scalar!, dtype);
    }
    return this.cast(this.input(i), v.dtype!, dtype);
  }

  cast(name: string, from: DType, to: DType): string {
    return from === to ? name : this.g.op("Cast", [name], { to: attr.i(onnxType(to)) });
  }

  out(i = 0): TValue { return this.rec.outputs[i]!; }
  outDtype(i = 0): DType { return this.out(i).dtype!; }

  /** An attribute that must be the same in both traces. */
  attr<T>(key: string): T {
    const a = this.rec.attrs[key];
    const b = this.rec.b ? this.rec.b.attrs[key] : a;
    if (stableString(a) !== stableString(b)) {
      this.fail(`argument '${key}' changes with the dynamic axes (${stableString(a)} vs ${stableString(b)}); it is fixed in the exported graph`);
    }
    return a as T;
  }

  /** An attribute as it was in the two traces. */
  attrPair<T>(key: string): [T, T] {
    const a = this.rec.attrs[key] as T;
    return [a, (this.rec.b ? this.rec.b.attrs[key] : a) as T];
  }

  /** An attribute holding an object (a module): taken from the first trace only. */
  objectAttr<T>(key: string): T { return this.rec.attrs[key] as T; }

  /** Shape tensor for output i (dynamic dims read from input `from` or the graph inputs). */
  shapeOfOutput(i: number, from?: number): string {
    const self = from === undefined ? undefined : { v: this.value(from), name: this.input(from) };
    return this.env.shapeTensor(dimsOf(this.out(i)), this.label, self);
  }

  /**
   * The Reshape target that turns input `from` into output `i`: static dims literally, a dynamic
   * dim kept in place as 0, one other dynamic dim as -1, and any further ones read at run time.
   */
  reshapeTarget(from: number, i = 0): string {
    const inDims = dimsOf(this.value(from));
    const outDims = dimsOf(this.out(i));
    const target: (number | null)[] = outDims.map((d, k) => {
      if (d.a === d.b) return d.a;
      const same = inDims[k];
      return same && same.a === d.a && same.b === d.b ? 0 : null;
    });
    const open = target.filter((t) => t === null).length;
    if (open === 0) return this.g.ints(target as number[]);
    if (open === 1) return this.g.ints(target.map((t) => (t === null ? -1 : t)));
    const pieces = target.map((t, k) => (t === null ? this.env.dimSource(outDims[k]!) : this.g.ints([t])));
    if (pieces.some((p) => p === null)) this.fail(`cannot express the target shape [${outDims.map((d) => d.a).join(", ")}] for the dynamic axes`);
    return this.g.op("Concat", pieces as string[], { axis: attr.i(0) });
  }

  /** Expand target from input `from` to output `i` (a dynamic dim the input already has is 1). */
  expandTarget(from: number, i = 0): string {
    const inDims = dimsOf(this.value(from));
    const outDims = dimsOf(this.out(i));
    const lead = outDims.length - inDims.length;
    const pieces: string[] = [];
    let run: number[] = [];
    outDims.forEach((d, k) => {
      const src = inDims[k - lead];
      if (d.a === d.b) { run.push(d.a); return; }
      if (src && src.a === d.a && src.b === d.b) { run.push(1); return; }
      if (run.length) { pieces.push(this.g.ints(run)); run = []; }
      const s = this.env.dimSource(d);
      if (!s) this.fail(`cannot express the expanded size ${d.a} for the dynamic axes`);
      pieces.push(s);
    });
    if (run.length) pieces.push(this.g.ints(run));
    return pieces.length === 1 ? pieces[0]! : this.g.op("Concat", pieces, { axis: attr.i(0) });
  }

  /**
   * An index into a dim (a slice bound or a selected position) that may move with a dynamic size:
   * the same in both traces → itself; the same distance from the end → negative; `atEnd` bounds
   * equal to the size in both → INT64 max.
   */
  index(key: string, sizeA: number, sizeB: number, atEnd = false): number {
    const [a, b] = this.attrPair<number>(key);
    if (atEnd && a === sizeA && b === sizeB) return sizeA === sizeB ? a : Number.MAX_SAFE_INTEGER;
    if (a === b) return a;
    if (sizeA - a === sizeB - b) return a - sizeA;
    this.fail(`argument '${key}' changes with the dynamic axes (${a} vs ${b}); it is fixed in the exported graph`);
  }

  /** A node with these attributes (shorthand for g.op). */
  op(opType: string, inputs: readonly string[], attrs: Attrs = {}): string { return this.g.op(opType, inputs, attrs); }
}

/** Converts one traced record into ONNX nodes; returns the graph name of each output (null: not supported). */
export type Converter = (c: ConvertContext) => string | (string | null)[];
