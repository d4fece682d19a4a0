// The tracing hook that ops call while torch.onnx.export traces a forward pass. It imports no
// runtime code, so any op file can use it without an import cycle. When no trace is active an op
// pays one boolean check: `if (tracing.on) traceOp(...)`.

import type { Tensor } from "../core/tensor.js";
import type { Complex } from "../core/complex.js";

/** An op input as the tracer sees it: a tensor, a scalar, or an absent optional input. */
export type TraceInput = Tensor | number | bigint | boolean | Complex | null | undefined;

/**
 * Attributes of a traced op: plain data (numbers, strings, booleans, arrays of them, null). One
 * key is read by the exporter itself: `dataDependentDims`, a list of [output index, dim] whose
 * size depends on the input values (unique's length), which the exporter then treats as dynamic.
 */
export type TraceAttrs = Readonly<Record<string, unknown>>;

/** The attribute key that lists an op's data-dependent output dims (see TraceAttrs). */
export const DATA_DEPENDENT_DIMS = "dataDependentDims";

/** What a trace receives from the ops. */
export interface TraceSink {
  /** `outputs = kind(inputs; attrs)`; an output that is also an input was written in place. */
  op(kind: string, inputs: readonly TraceInput[], outputs: Tensor | readonly Tensor[], attrs: TraceAttrs): void;
  /** An in-place write into `self` (named for the error message if nothing traces its result). */
  inPlace(op: string, self: Tensor): void;
}

/** Whether a trace is active. Ops read this before calling traceOp. */
export const tracing = { on: false };

let sink: TraceSink | null = null;

/** Records one op call into the active trace (call only when tracing.on). */
export function traceOp(kind: string, inputs: readonly TraceInput[], outputs: Tensor | readonly Tensor[], attrs: TraceAttrs = {}): void {
  if (sink) sink.op(kind, inputs, outputs, attrs);
}

/** Notes an in-place write (call only when tracing.on). */
export function traceInPlace(op: string, self: Tensor): void {
  if (sink) sink.inPlace(op, self);
}

/** Installs (or, with null, removes) the sink; returns the previous one. */
export function setTraceSink(next: TraceSink | null): TraceSink | null {
  const prev = sink;
  sink = next;
  tracing.on = next !== null;
  return prev;
}

/** Runs fn with tracing off (the tracer's own copies and casts must not be recorded). */
export function untraced<T>(fn: () => T): T {
  const prev = setTraceSink(null);
  try {
    return fn();
  } finally {
    setTraceSink(prev);
  }
}
