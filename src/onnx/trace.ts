// The trace of one forward call: every op that reported through the hook, in call order, with
// its inputs resolved to values. Tensors are identified by object identity (a WeakMap from tensor
// to value). A tensor the trace has not seen is a constant: a parameter or buffer (named by its
// state_dict key) or a snapshot of its values at first use.

import { Tensor } from "../core/tensor.js";
import type { DType } from "../core/dtype.js";
import type { Storage } from "../core/storage.js";
import { clone } from "../ops/view.js";
import { type TraceAttrs, type TraceInput, type TraceSink, untraced } from "./hook.js";

export type ValueKind = "input" | "param" | "const" | "scalar" | "op";

/** A value of the traced program. */
export class TValue {
  /** The same value in the second trace (aligned by position), which tells dynamic dims apart. */
  b: TValue | null = null;
  /** Its name in the ONNX graph, once emitted. */
  name: string | null = null;
  producer: TRecord | null = null;
  outIndex = 0;
  /** Graph inputs: the position among the flattened inputs. */
  inputIndex = -1;
  /** Parameters and buffers: the state_dict key. */
  paramName: string | null = null;
  /** Constants (and outputs of unmapped ops on constants): their values. Parameters: the tensor itself. */
  tensor: Tensor | null = null;
  /** Scalar constants (a number given to an op). */
  scalar: number | bigint | boolean | null = null;
  /** An unmapped op on constants only: the value is the snapshot in `tensor`. */
  folded = false;
  /** Set when the converter of its op could not produce it (e.g. max_pool's indices). */
  unsupported: string | null = null;
  storage: Storage | null = null;
  version = 0;

  constructor(readonly id: number, readonly kind: ValueKind, readonly dtype: DType | null, readonly shape: readonly number[]) {}

  /** Known without running the graph: parameters, constants, scalars, folded values. */
  get isConstant(): boolean {
    return this.kind === "param" || this.kind === "const" || this.kind === "scalar" || this.folded;
  }
}

/** One traced op call. */
export interface TRecord {
  readonly index: number;
  readonly kind: string;
  readonly inputs: (TValue | null)[];
  readonly outputs: TValue[];
  readonly attrs: TraceAttrs;
  /** Set when an input had been modified in place by an op the trace did not see. */
  stale: string | null;
  /** The same call in the second trace. */
  b: TRecord | null;
}

export class Trace implements TraceSink {
  readonly records: TRecord[] = [];
  readonly inputs: TValue[] = [];
  private readonly values = new WeakMap<Tensor, TValue>();
  private readonly constants = new WeakMap<Tensor, TValue>();
  private readonly writers = new WeakMap<Storage, string>();
  private nextId = 0;

  /**
   * `params`: parameter and buffer tensors by state_dict key. `isMapped(kind)`: whether an op
   * kind converts to ONNX (an unmapped op on constants only is folded into a constant).
   */
  constructor(private readonly params: ReadonlyMap<Tensor, string>, private readonly isMapped: (kind: string) => boolean) {}

  /** Declares a graph input. */
  addInput(t: Tensor): TValue {
    const v = this.newValue("input", t);
    v.inputIndex = this.inputs.length;
    this.values.set(t, v);
    this.inputs.push(v);
    return v;
  }

  /** The value a tensor holds now (for the graph outputs). */
  valueOf(t: Tensor): TValue {
    const v = this.resolve(t, null, false);
    if ((v.kind === "op" || v.kind === "input") && t.storage.version !== v.version) {
      throw new Error(`torch.onnx.export: an output of the model was modified in place by ${this.writers.get(t.storage) ?? "an in-place op"} after it was computed; the exporter cannot follow that write (use the out-of-place op)`);
    }
    return v;
  }

  op(kind: string, inputs: readonly TraceInput[], outputs: Tensor | readonly Tensor[], attrs: TraceAttrs): void {
    const outs: readonly Tensor[] = outputs instanceof Tensor ? [outputs] : outputs;
    const rec: TRecord = { index: this.records.length, kind, inputs: [], outputs: [], attrs, stale: null, b: null };
    // Outputs that are also inputs were written in place; an input sharing memory with one of them
    // (x[1:] = x[:-1]) was read before that write. (A view op's output shares memory too, but
    // writes nothing.)
    const written = outs.filter((o) => inputs.includes(o));
    for (const x of inputs) {
      if (x === null || x === undefined) rec.inputs.push(null);
      else if (x instanceof Tensor) rec.inputs.push(this.resolve(x, rec, written.some((o) => o.storage === x.storage)));
      else if (typeof x === "object") throw new Error("torch.onnx.export: complex numbers are not supported (ONNX has no complex operators)");
      else rec.inputs.push(this.scalar(x));
    }
    const fold = !this.isMapped(kind) && rec.inputs.every((v) => v === null || v.isConstant);
    outs.forEach((o, i) => {
      const v = this.newValue("op", o);
      v.producer = rec;
      v.outIndex = i;
      if (fold) {
        v.folded = true;
        v.tensor = snapshot(o);
      }
      this.values.set(o, v);
      rec.outputs.push(v);
    });
    this.records.push(rec);
  }

  inPlace(op: string, self: Tensor): void {
    this.writers.set(self.storage, op);
  }

  private newValue(kind: ValueKind, t: Tensor): TValue {
    const v = new TValue(this.nextId++, kind, t.dtype, t.shape);
    v.storage = t.storage;
    v.version = t.storage.version;
    return v;
  }

  private scalar(x: number | bigint | boolean): TValue {
    const v = new TValue(this.nextId++, "scalar", null, []);
    v.scalar = x;
    return v;
  }

  /**
   * The value a tensor holds. A traced value written in place since it was made, by something the
   * trace did not see, marks the consuming record stale (an error if that record is exported).
   * `inPlace`: the consumer itself writes the tensor's memory (its own write is expected).
   */
  private resolve(t: Tensor, rec: TRecord | null, inPlace: boolean): TValue {
    const known = this.values.get(t);
    if (known) {
      if (rec && !rec.stale && t.storage.version - known.version > (inPlace ? 1 : 0)) {
        rec.stale = this.writers.get(t.storage) ?? "an in-place op";
      }
      return known;
    }
    const cached = this.constants.get(t);
    if (cached && (cached.kind === "param" || cached.version === t.storage.version)) return cached;
    const key = this.params.get(t);
    let v: TValue;
    if (key !== undefined) {
      v = this.newValue("param", t);
      v.paramName = key;
      v.tensor = t;
    } else {
      v = this.newValue("const", t);
      v.tensor = snapshot(t);
    }
    this.constants.set(t, v);
    return v;
  }
}

/**
 * Marks dims of a traced value whose size depends on the input values (unique's length): its
 * second-trace twin gets NaN there, a size equal to no other, so every converter sees the dim as
 * dynamic (read at run time, or an error where it would have to come from an input's shape)
 * and the declared output shape names it instead of fixing the size of this trace.
 */
export function markDataDependent(v: TValue, dims: readonly number[]): void {
  const twin = v.b ?? v;
  const shape = twin.shape.map((s, k) => (dims.includes(k) ? Number.NaN : s));
  v.b = Object.assign(Object.create(TValue.prototype) as TValue, twin, { shape });
}

/** A private copy of a tensor's current values, made without tracing. */
export function snapshot(t: Tensor): Tensor {
  return untraced(() => clone(t.detach()));
}
