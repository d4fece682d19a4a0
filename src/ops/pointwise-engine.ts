// The machinery of pointwise ops: a spec per op (kernel, dtype rule, vjp) run through one path
// for promotion, broadcasting, scalars, in-place forms and autograd recording.

import { isSparse } from "../core/sparse-tensor.js";
import { isNested } from "../core/nested-kind.js";
import { nestedBinary, nestedBinaryInPlace } from "./nested-ops.js";
import { nestedRefusal } from "./nested-engine.js";
import { sparseBinary, sparseUnary, sparseUnaryInPlace } from "./sparse-dispatch.js";
import { isCompressed } from "../core/sparse-compressed-tensor.js";
import { compressedBinary, compressedUnary } from "./sparse-compressed-dispatch.js";
import { Tensor } from "../core/tensor.js";
import { type DType, getDefaultDtype } from "../core/dtype.js";
import { record, sumToShape } from "../autograd/record.js";
import { forwardGrads } from "../autograd/forward-grad.js";
import { checkTensor, describe } from "./args.js";
import { binaryMap, type BinaryFn, scalarOf, unaryMap, type UnaryFn } from "./engine.js";
import { resultType, type TensorOrScalar } from "./promotion.js";
import { applyInPlace, checkInplaceCast } from "./inplace.js";
import { type TraceAttrs, traceOp, tracing } from "../onnx/hook.js";
import { deviceOp, onDevice } from "./device-hooks.js";
import { directOut, outOffered } from "./out.js";
import { broadcastShapes, shapesEqual } from "../core/shape.js";
import { complexBinary } from "./complex-arith.js";
import { complexUnary, complexUnaryInPlace } from "./complex-unary.js";
import { checkOutNames, hideNames, namesMode, namesOf, putNames, unifyFromRight } from "./named-engine.js";
import { keepNamed, refuseWithoutRule } from "./named-rules.js";
import { batching, isBatched } from "../func/batched-tensor.js";
import { broadcastRule, unaryRule } from "../func/batching-rules.js";

/** A scalar operand as a 0-d tensor of the op's compute dtype. */
export function asOperand(op: string, v: TensorOrScalar, dtype: DType): Tensor {
  if (v instanceof Tensor) return v;
  if (typeof v !== "number" && typeof v !== "bigint" && typeof v !== "boolean") {
    throw new Error(`${op}(): argument 'other' must be Tensor or Number, not ${describe(v)}`);
  }
  return scalarOf(v, dtype);
}

/** The gradient of a broadcast input: summed to its shape, cast to its dtype. */
export function gradFor(g: Tensor, input: Tensor): Tensor {
  const r = sumToShape(g, input.shape);
  return r.dtype === input.dtype ? r : r.to(input.dtype);
}

function checkSameDevice(op: string, a: Tensor, b: TensorOrScalar): void {
  if (b instanceof Tensor && b.device.type !== a.device.type && b.dim() > 0 && a.dim() > 0) {
    throw new Error(`${op}: Expected all tensors to be on the same device, but found at least two devices, ${a.device} and ${b.device}!`);
  }
}

/** A tensor a binary op's backward reads: an operand or the result. */
export type BinarySaved = "a" | "b" | "out";

export interface BinarySpec {
  name: string;
  node: string;
  f: BinaryFn;
  fBig?: (a: bigint, b: bigint) => bigint;
  /**
   * The op in float32 arithmetic, for float32/float16/bfloat16 operands, where rounding inside it
   * matters (trunc(a / b): the float quotient may round up to an integer the double one stays below).
   */
  f32?: BinaryFn;
  /**
   * add/sub with alpha on a floating result: the scale of b (in the op's dtype), which `f`
   * applies with one rounding; device kernels read it here.
   */
  alpha?: number;
  /** Result dtype from the promoted dtype (true division makes ints float). */
  outDtype?: (promoted: DType) => DType;
  vjp?: (g: Tensor, a: Tensor, b: Tensor, out: Tensor) => [Tensor | null, Tensor | null];
  /**
   * What each operand's gradient reads, saved for the version check as PyTorch's derivatives.yaml
   * saves it (AddBackward0 nothing, MulBackward0 the other operand): an in-place write to anything
   * else after the op does not fail its backward. Default: both operands for both.
   */
  saves?: { a: readonly BinarySaved[]; b: readonly BinarySaved[] };
  /**
   * Forward-mode AD's derivative (tangents ta, tb, either may be null) for the hottest ops; without
   * one, it is derived from the vjp (src/autograd/forward-rule.ts).
   */
  jvp?: (ta: Tensor | null, tb: Tensor | null, a: Tensor, b: Tensor, out: Tensor) => Tensor | null;
  /** How torch.onnx.export records the op when its node name does not say everything (its arguments). */
  onnx?: { kind: string; attrs: TraceAttrs };
}

/** The op kind torch.onnx.export records for a spec: its own, else its autograd node (its name when it has none). */
export function traceKind(spec: { name: string; node: string; onnx?: { kind: string } }): string {
  return spec.onnx?.kind ?? (spec.node === "NotImplemented" ? spec.name : spec.node);
}

/** float32, or a 16-bit float (which PyTorch's CPU kernels compute in float32). */
function isSingleOrHalf(d: DType): boolean {
  return d.name === "float32" || d.name === "float16" || d.name === "bfloat16";
}

/** `t`'s values in `dtype` when that is a 16-bit float `t` does not have (only for computing: autograd sees `t`). */
function castForHalf(t: Tensor, dtype: DType): Tensor {
  return t.dtype === dtype || (dtype.name !== "float16" && dtype.name !== "bfloat16") ? t : t.detach().to(dtype);
}

/** Runs a binary pointwise op: promotion, broadcasting, recording. `out` for in-place writes. */
export function binaryOp(spec: BinarySpec, a: TensorOrScalar, b: TensorOrScalar, out?: Tensor): Tensor {
  if (batching.on && out === undefined && (isBatched(a) || isBatched(b))) return broadcastRule([a, b], (x, y) => binaryOp(spec, x as TensorOrScalar, y as TensorOrScalar));
  const first = a instanceof Tensor ? a : b instanceof Tensor ? b : null;
  if (!first) throw new Error(`${spec.name}(): at least one argument must be a Tensor`);
  if (isCompressed(a) || isCompressed(b) || isCompressed(out)) return compressedBinary(spec, a, b, out);
  if (isSparse(a) || isSparse(b) || isSparse(out)) return sparseBinary(spec, a, b, out);
  if (isNested(a) || isNested(b)) return nestedBinary(spec, a, b);
  checkSameDevice(spec.name, first, first === a ? b : a);
  const promoted = resultType(a, b);
  if (promoted.isComplex) return complexBinary(spec.name, a, b, promoted, out);
  const outDtype = spec.outDtype ? spec.outDtype(promoted) : promoted;
  const x = asOperand(spec.name, a, promoted), y = asOperand(spec.name, b, promoted);
  if ((x._names !== null || y._names !== null) && namesMode.enabled) {
    // Named inputs: the names unified from the right (broadcasting by position, checked by name).
    refuseWithoutRule(spec.name);
    const names = unifyFromRight(namesOf(x), namesOf(y));
    if (out) checkOutNames(out, names);
    return putNames(hideNames([x, y, out], () => binaryOp(spec, a, b, out)), names);
  }
  // PyTorch casts each operand to the common dtype before computing: for a 16-bit float that rounds
  // an int tensor's or a 0-d float32 tensor's values first (float16 1 + int 2049 is 1 + 2048).
  const cx = castForHalf(x, promoted), cy = castForHalf(y, promoted);
  if (out === undefined && outOffered(spec.name)) out = directOut(spec.name, shapesEqual(cx._shape, cy._shape) ? cx._shape : broadcastShapes(cx._shape, cy._shape), outDtype, [cx, cy]);
  const res = onDevice(cx, cy, out) ? deviceOp("binary", spec.name)(spec, cx, cy, outDtype, out) : binaryMap(cx, cy, outDtype, spec.f32 && isSingleOrHalf(promoted) ? spec.f32 : spec.f, out, spec.fBig, spec.name);
  if (!spec.vjp || out) {
    if (tracing.on && !out) traceOp(traceKind(spec), [x, y], res, spec.onnx?.attrs);
    return res;
  }
  const vjp = spec.vjp, jvp = spec.jvp;
  record(spec.node, [x, y], res, ([g]) => vjp(g!, x, y, res), spec.saves ? binarySaved(spec.saves, x, y, res) : [x, y], forwardGrads.on && jvp ? ([ta, tb]) => [jvp(ta!, tb!, x, y, res)] : undefined);
  if (tracing.on && spec.onnx) traceOp(spec.onnx.kind, [x, y], res, spec.onnx.attrs);
  return res;
}

/** In-place form of a binary op: self op= other, keeping self's dtype. */
export function binaryInPlace(spec: BinarySpec, self: Tensor, other: TensorOrScalar, outOfPlace: (s: Tensor) => Tensor): Tensor {
  if (isCompressed(self)) return compressedBinary(spec, self, other, self);
  if (isNested(self) || isNested(other)) return nestedBinaryInPlace(spec, self, other, outOfPlace);
  const promoted = resultType(self, other);
  checkInplaceCast(spec.name + "_", spec.outDtype ? spec.outDtype(promoted) : promoted, self);
  const r = applyInPlace(spec.name + "_", self, [other instanceof Tensor ? other : null],
    () => { binaryOp({ ...spec, vjp: undefined }, self, other, self); },
    outOfPlace);
  if (tracing.on) traceOp(traceKind(spec), [self, other], self, spec.onnx?.attrs);
  return r;
}

/** The tensors the gradients of the operands that require grad read (BinarySpec.saves). */
function binarySaved(saves: NonNullable<BinarySpec["saves"]>, x: Tensor, y: Tensor, out: Tensor): Tensor[] {
  // Every recorded binary op passes here: no Set or spread, and add/sub's empty lists cost nothing.
  const saved: Tensor[] = [];
  const keep = (names: readonly BinarySaved[]): void => {
    for (const n of names) { const t = n === "a" ? x : n === "b" ? y : out; if (!saved.includes(t)) saved.push(t); }
  };
  if (x._requiresGrad) keep(saves.a);
  if (y._requiresGrad) keep(saves.b);
  return saved;
}

export interface UnarySpec {
  name: string;
  node: string;
  f: UnaryFn;
  /** Result dtype from the input dtype; default: same dtype, ints promoted to the default float for float math. */
  outDtype?: (d: DType) => DType;
  /** g, input, output → grad of input (public ops only). */
  vjp?: (g: Tensor, x: Tensor, out: Tensor) => Tensor;
  /** Whether the vjp reads the output (saved for the version check). */
  savesOutput?: boolean;
  /** With savesOutput: whether the vjp also reads the input (otherwise only the output is saved, as PyTorch does). */
  savesInput?: boolean;
  /** The vjp reads neither input nor output (neg, floor, frac: PyTorch saves nothing). */
  savesNothing?: boolean;
  /** How torch.onnx.export records the op when its node name does not say everything (its arguments). */
  onnx?: { kind: string; attrs: TraceAttrs };
}

/** The tensors a unary op's vjp reads, saved for the version check. */
export function unarySaved(spec: UnarySpec, input: Tensor, out: Tensor): Tensor[] {
  return spec.savesNothing ? [] : spec.savesOutput ? (spec.savesInput ? [input, out] : [out]) : [input];
}

/** Float math on ints computes in the default float dtype (torch.exp(int tensor) is float32). */
export const floatOut = (d: DType): DType => (d.isFloatingPoint ? d : getDefaultDtype());
export const sameOut = (d: DType): DType => d;

export function unaryOp(spec: UnarySpec, input: Tensor, out?: Tensor): Tensor {
  if (batching.on && out === undefined && isBatched(input)) return unaryRule(input, (p) => unaryOp(spec, p));
  checkTensor(spec.name, "input", input);
  if (isSparse(input)) return sparseUnary(spec, input, (v) => unaryOp(spec, v));
  if (isNested(input)) throw nestedRefusal(spec.name);
  if (isCompressed(input)) return compressedUnary(spec, input, (v) => unaryOp(spec, v), out);
  if (input._names !== null && namesMode.enabled) {
    refuseWithoutRule(spec.name);
    const names = input._names;
    if (out) checkOutNames(out, names);
    return putNames(hideNames([input, out], () => unaryOp(spec, input, out)), names);
  }
  if (input.dtype.isComplex) return complexUnary(spec.name, input, out);
  const dtype = (spec.outDtype ?? floatOut)(input.dtype);
  if (out === undefined && outOffered(spec.name)) out = directOut(spec.name, input._shape, dtype, [input]);
  const res = onDevice(input, out) ? deviceOp("unary", spec.name)(spec, input, dtype, out) : unaryMap(input, dtype, spec.f, out);
  if (!spec.vjp || out || !dtype.isFloatingPoint) {
    if (tracing.on && !out) traceOp(traceKind(spec), [input], res, spec.onnx?.attrs);
    return res;
  }
  const vjp = spec.vjp;
  // A pointwise op's Jacobian is diagonal, so its own transpose: the tangent is the vjp of the tangent.
  const r = record(spec.node, [input], res, ([g]) => [vjp(g!, input, res)], unarySaved(spec, input, res),
    forwardGrads.on ? ([t]) => [vjp(t!, input, res)] : undefined);
  if (tracing.on && spec.onnx) traceOp(spec.onnx.kind, [input], r, spec.onnx.attrs);
  return r;
}

export function unaryInPlace(spec: UnarySpec, self: Tensor): Tensor {
  if (self._names !== null && namesMode.enabled) { refuseWithoutRule(spec.name); return keepNamed(self, [], () => unaryInPlace(spec, self)); }
  if (isCompressed(self)) return compressedUnary(spec, self, (v) => unaryOp(spec, v), self);
  if (isSparse(self)) return sparseUnaryInPlace(spec, self, (v) => unaryOp(spec, v));
  if (self.dtype.isComplex) return complexUnaryInPlace(spec.name, self, (s) => unaryOp(spec, s));
  checkInplaceCast(spec.name + "_", (spec.outDtype ?? floatOut)(self.dtype), self);
  const direct = (): void => { if (onDevice(self)) deviceOp("unary", spec.name)(spec, self, self.dtype, self); else unaryMap(self, self.dtype, spec.f, self); };
  const r = applyInPlace(spec.name + "_", self, [], direct, (s) => unaryOp(spec, s));
  if (tracing.on) traceOp(traceKind(spec), [self], self, spec.onnx?.attrs);
  return r;
}

