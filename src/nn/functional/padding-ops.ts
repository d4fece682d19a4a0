// The padding ops behind F.pad: constant padding (negative pads crop) as one op whose backward is
// constant padding by the negated pads, and reflect/replicate/circular as an index gather per
// padded dim (its gradient, index_add, sums the reflected/replicated/wrapped contributions).

import { Tensor } from "../../core/tensor.js";
import { int64 } from "../../core/dtype.js";
import { record } from "../../autograd/record.js";
import { traceOp, tracing } from "../../onnx/hook.js";
import { copyInto, emptyTensor, fillTensor, fromArray } from "../../ops/engine.js";
import { sizesStr } from "./loss-util.js";
import { deviceOp, onDevice } from "../../ops/device-hooks.js";

/** constant_pad_nd: pads the last pad.length/2 dims (last dim first) with `value`. */
export function constantPad(x: Tensor, pad: readonly number[], value: number): Tensor {
  if (pad.length % 2 !== 0) throw new Error(`Length of pad must be even but instead it equals ${pad.length}`);
  const nd = x.dim(), lp = pad.length / 2;
  if (nd < lp) {
    throw new Error(`Length of pad should be no more than twice the number of dimensions of the input. Pad length is ${pad.length}while the input has ${nd}dimensions.`);
  }
  const shape = x.shape;
  const lead = nd - lp;
  for (let i = 0; i < lp; i++) {
    const d = lead + i;
    const before = pad[2 * (lp - i - 1)]!, after = pad[2 * (lp - i - 1) + 1]!;
    const size = x.size(d) + before + after;
    if (size < 0) {
      throw new Error(`The input size ${x.size(d)}, plus negative padding ${before} and ${after} resulted in a negative output size, which is invalid. Check dimension ${d} of your input.`);
    }
    shape[d] = size;
  }
  const out = onDevice(x) ? deviceOp("empty", "pad")(shape, x.dtype) : emptyTensor(shape, x.dtype);
  fillTensor(out, value);
  let src = x.detach(), dst = out;
  let empty = false;
  for (let i = 0; i < lp; i++) {
    const d = lead + i;
    const before = pad[2 * (lp - i - 1)]!;
    const inStart = Math.max(0, -before), outStart = Math.max(0, before);
    const len = Math.min(x.size(d) - inStart, shape[d]! - outStart);
    if (len <= 0) { empty = true; break; }
    src = src.narrow(d, inStart, len);
    dst = dst.narrow(d, outStart, len);
  }
  if (!empty && src.numel() > 0) copyInto(dst, src);
  const neg = pad.map((v) => -v);
  const r = record("ConstantPadNdBackward0", [x], out, ([g]) => [constantPad(g!, neg, 0)]);
  if (tracing.on) traceOp("constant_pad", [x], r, { pad: pad.slice(), value });
  return r;
}

export type IndexPadMode = "reflect" | "replicate" | "circular";

/** The source index of every output position along one dim of size n padded by (before, after). */
function padIndex(mode: IndexPadMode, n: number, before: number, after: number): BigInt64Array {
  const out = new BigInt64Array(n + before + after);
  for (let o = 0; o < out.length; o++) {
    let i = o - before;
    if (mode === "replicate") i = Math.min(Math.max(i, 0), n - 1);
    else if (mode === "circular") i = ((i % n) + n) % n;
    else {
      if (i < 0) i = -i;
      if (i >= n) i = 2 * (n - 1) - i;
    }
    out[o] = BigInt(i);
  }
  return out;
}

/** Reflect/replicate/circular padding of the last pad.length/2 dims, checked as ATen does. */
export function indexPad(x: Tensor, pad: readonly number[], mode: IndexPadMode): Tensor {
  const k = pad.length / 2, nd = x.dim();
  if (mode === "circular") {
    const nonPadded = nd - k;
    if (nonPadded !== 1 && nonPadded !== 2) {
      throw new Error(`Invalid padding size, expected 1 or 2 non-padded dimensions, which would be equivalent to padding of length ${(nd - 1) * 2} or ${(nd - 2) * 2} respectively but got ${pad.length}`);
    }
  } else {
    const batch = nd === k + 2;
    const from = batch ? 1 : 0;
    if (!x.shape.slice(from).every((s) => s !== 0)) {
      throw new Error(`Expected ${k + 1}D or ${k + 2}D (batch mode) tensor with possibly 0 batch size and other non-zero dimensions for input, but got: ${sizesStr(x.shape)}`);
    }
  }
  const dims: { d: number; before: number; after: number; n: number }[] = [];
  for (let i = 0; i < k; i++) {
    const d = nd - 1 - i;
    dims.push({ d, before: pad[2 * i]!, after: pad[2 * i + 1]!, n: x.size(d) });
  }
  const letters = ["W", "H", "D"];
  const outSizes = dims.map((e) => e.n + e.before + e.after);
  if (mode === "reflect") {
    dims.forEach((e, i) => {
      if (!(e.before < e.n && e.after < e.n)) {
        throw new Error(`Argument #${4 + 2 * i}: Padding size should be less than the corresponding input dimension, but got: padding (${e.before}, ${e.after}) at dimension ${e.d} of input ${sizesStr(x.shape)}`);
      }
    });
  }
  if (mode === "circular") {
    for (const e of dims) {
      if (e.before > e.n || e.after > e.n) throw new Error("Padding value causes wrapping around more than once.");
      if (e.n + e.before + e.after < 0) throw new Error("Negative padding value is resulting in an empty dimension");
    }
  } else if (outSizes.some((s) => s < 1)) {
    const order = dims.map((_, i) => k - 1 - i);
    const ins = order.map((i) => `${letters[i]}: ${dims[i]!.n}`).join(", ");
    const outs = order.map((i) => `${letters[i]}: ${outSizes[i]}`).join(", ");
    throw new Error(`input (${ins}) is too small. Calculated output ${outs}`);
  }
  let y = x;
  for (const e of dims) {
    if (e.before === 0 && e.after === 0) continue;
    const idx = fromArray(padIndex(mode, e.n, e.before, e.after), [e.n + e.before + e.after], int64);
    y = y.indexSelect(e.d, onDevice(y) ? idx.to(y.device) : idx);
  }
  return y === x ? x.clone() : y;
}
