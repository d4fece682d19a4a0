// F.embedding, F.embedding_bag, F.one_hot. Embedding lookups are dedicated ops (a row-copy kernel
// forward) whose vjps accumulate rows with index_add in public ops: no gradient reaches padding_idx,
// scale_grad_by_freq divides by the index counts, and double backward works. With sparse=True the
// weight's gradient is a sparse COO tensor as PyTorch makes it (uncoalesced: one row per index).

import { isNested } from "../../core/nested-kind.js";
import { nestedEmbedding } from "../../ops/nested-ops.js";
import { Tensor } from "../../core/tensor.js";
import { cannotAllocate, float64, int32, int64 } from "../../core/dtype.js";
import { needsGrad, record } from "../../autograd/record.js";
import { traceOp, tracing } from "../../onnx/hook.js";
import { type Args, bindArgs, isOptionsObject, rebind, type Rebound } from "../../ops/args.js";
import { emptyTensor, fromArray, uninitTensor } from "../../ops/engine.js";
import { type Floats, boolArg, floatOut, floatValues, intArg, intValues, numberArg, optTensorArg, scalarName, tensorArg, torchSize } from "./loss-util.js";
import { deviceOp, onDevice } from "../../ops/device-hooks.js";
import * as native from "../../backends/native/index.js";
import { nativeNn } from "./native-nn.js";
import { renormEmbeddingRows } from "./embedding-renorm.js";
import { sparseCooTensor } from "../../ops/sparse.js";
import { batching, isBatched } from "../../func/batched-tensor.js";
import { embeddingRule } from "../../func/batching-rules.js";

/** PyTorch's F.embedding / F.embedding_bag call embedding_renorm_ under no_grad: one version bump. */
function renorm(weight: Tensor, rows: ArrayLike<number>, maxNorm: number, normType: number): void {
  renormEmbeddingRows(weight, rows, maxNorm, normType);
  weight.storage.version++;
}

function checkIndices(op: string, name: string, position: number, t: Tensor): void {
  if (t.dtype !== int64 && t.dtype !== int32) {
    throw new Error(`Expected tensor for argument #${position} '${name}' to have one of the following scalar types: Long, Int; but got torch.${scalarName(t.dtype)}Tensor instead (while checking arguments for ${op})`);
  }
}

/** PyTorch's padding_idx normalization (negative counts from the end); -1 when None. */
function paddingIndex(paddingIdx: unknown, num: number, message: string): number {
  if (paddingIdx === undefined || paddingIdx === null) return -1;
  const p = intArg("embedding", "padding_idx", paddingIdx, -1);
  if (p > 0 && !(p < num)) throw new Error(message);
  if (p < 0) {
    if (!(p >= -num)) throw new Error(message);
    return num + p;
  }
  return p;
}

interface EmbeddingOptions {
  paddingIdx?: number | null; maxNorm?: number | null; normType?: number; scaleGradByFreq?: boolean; sparse?: boolean;
}

/**
 * F.embedding(input, weight, padding_idx=None, max_norm=None, norm_type=2.0, scale_grad_by_freq=False,
 * sparse=False): rows of weight (num_embeddings, embedding_dim) picked by the indices in input.
 */
export function embedding(input: Tensor, weight: Tensor, ...args: Args<[paddingIdx?: number | null, maxNorm?: number | null, normType?: number, scaleGradByFreq?: boolean, sparse?: boolean], EmbeddingOptions>): Tensor;
export function embedding<A extends Rebound<[input: Tensor, weight: Tensor], ["input", "weight"], EmbeddingOptions>>(...args: A): Tensor;
export function embedding(input: Tensor, weight: Tensor,
  ...args: Args<[paddingIdx?: number | null, maxNorm?: number | null, normType?: number, scaleGradByFreq?: boolean, sparse?: boolean], EmbeddingOptions>): Tensor {
  if (arguments.length <= 2 && isOptionsObject(arguments.length === 2 ? weight : input)) return rebind(embedding, "embedding", arguments, ["input", "weight", "paddingIdx", "maxNorm", "normType", "scaleGradByFreq", "sparse"], 2, []);
  const op = "embedding";
  const a = bindArgs(op, args, ["paddingIdx", "maxNorm", "normType", "scaleGradByFreq", "sparse"], [], 2);
  const idx = tensorArg(op, "input", 1, input), w = tensorArg(op, "weight", 2, weight);
  if (isNested(idx)) return nestedEmbedding(idx, w, (c, wc) => embedding(c, wc, ...args));
  const padding = paddingIndex(a.paddingIdx, w.dim() ? w.size(0) : 0, "Padding_idx must be within num_embeddings");
  const maxNorm = a.maxNorm === undefined || a.maxNorm === null ? null : numberArg(op, "max_norm", a.maxNorm, 0);
  const normType = numberArg(op, "norm_type", a.normType, 2);
  const byFreq = boolArg(op, "scale_grad_by_freq", a.scaleGradByFreq, false);
  const sparse = boolArg(op, "sparse", a.sparse, false);
  if (w.dim() !== 2) throw new Error("'weight' must be 2-D");
  checkIndices(op, "indices", 1, idx);
  if (batching.on && (isBatched(idx) || isBatched(w))) {
    return embeddingRule(idx, w, padding >= 0 || byFreq || maxNorm !== null || sparse, (i, ww) => embedding(i, ww, { paddingIdx: a.paddingIdx as number | null | undefined, maxNorm, normType, scaleGradByFreq: byFreq, sparse }));
  }
  if (onDevice(idx, w)) return deviceOp("embedding")(idx, w, padding, maxNorm, byFreq);
  const V = w.size(0), D = w.size(1);
  if (maxNorm === null && !sparse && nativeNn(idx.numel() * D) && idx.dtype === int64 && (w.dtype.name === "float32" || w.dtype.name === "float64")) {
    return nativeEmbedding(idx, w, padding, byFreq);
  }
  const iv = intValues(idx);
  for (let i = 0; i < iv.length; i++) if (!(iv[i]! >= 0 && iv[i]! < V)) throw new Error("index out of range in self");
  if (maxNorm !== null) renorm(w, iv, maxNorm, normType);
  const outShape = [...idx.shape, D];
  if (!w.dtype.isFloatingPoint) return w.indexSelect(0, idx.reshape(-1)).reshape(outShape);
  const wv = floatValues(w);
  const out = floatOut(outShape, w.dtype);
  for (let i = 0; i < iv.length; i++) out.data.set(wv.subarray(iv[i]! * D, iv[i]! * D + D), i * D);
  const res = out.done();
  const n = iv.length;
  const r = record("EmbeddingBackward0", [w], res, ([g]) => [
    sparse ? embeddingSparseGrad(g!, iv, padding, byFreq, V, D) : embeddingGradComposite(g!, w, iv, padding, byFreq),
  ]);
  if (tracing.on) traceOp("embedding", [idx, w], r, { maxNorm, normType });
  return r;
}

/**
 * The vjp of embedding in public ops (so createGraph differentiates it again): the output rows
 * accumulated with index_add, none for padding_idx, divided by the index counts for
 * scale_grad_by_freq.
 */
function embeddingGradComposite(g: Tensor, w: Tensor, iv: ArrayLike<number>, padding: number, byFreq: boolean): Tensor {
  const V = w.size(0), D = w.size(1), n = iv.length;
  const flat = fromArray(BigInt64Array.from(iv, (v) => BigInt(v)), [n], int64);
  let rows = g.reshape(n, D);
  if (padding >= 0 || byFreq) {
    const counts = new Map<number, number>();
    if (byFreq) for (let i = 0; i < n; i++) counts.set(iv[i]!, (counts.get(iv[i]!) ?? 0) + 1);
    const scale = new Float64Array(n);
    for (let i = 0; i < n; i++) scale[i] = iv[i] === padding ? 0 : byFreq ? 1 / counts.get(iv[i]!)! : 1;
    rows = rows.mul(fromArray(scale, [n, 1], float64).to(g.dtype));
  }
  return w.newZeros([V, D]).indexAdd(0, flat, rows);
}

/**
 * PyTorch's sparse embedding gradient (uncoalesced): indices (1 x m) the weight row of each lookup
 * in order, values the gradient row of that lookup.
 */
function sparseRowsGrad(rows: Tensor, weightRows: ArrayLike<number>, byFreq: boolean, shape: number[]): Tensor {
  if (byFreq) throw new Error("embedding_backward: scale_grad_by_freq not supported with sparse gradients");
  const m = weightRows.length;
  return sparseCooTensor(fromArray(BigInt64Array.from(weightRows, (r) => BigInt(r)), [1, m], int64), rows, shape);
}

/** F.embedding's sparse gradient: a row per lookup, padding_idx's lookups left out. */
function embeddingSparseGrad(g: Tensor, iv: ArrayLike<number>, padding: number, byFreq: boolean, V: number, D: number): Tensor {
  const n = iv.length;
  const rows = g.reshape(n, D);
  const kept: number[] = [];
  for (let i = 0; i < n; i++) if (iv[i] !== padding) kept.push(i);
  if (kept.length === n) return sparseRowsGrad(rows, iv, byFreq, [V, D]);
  const picked = rows.indexSelect(0, fromArray(BigInt64Array.from(kept, (e) => BigInt(e)), [kept.length], int64));
  return sparseRowsGrad(picked, kept.map((e) => iv[e]!), byFreq, [V, D]);
}

/** int64 indices (contiguous copy) checked against [0, V) through their 32-bit halves (little-endian). */
function int64Indices(idx: Tensor, V: number): BigInt64Array {
  const src = idx.contiguous();
  const n = src.numel();
  const iv = (src.storage.data as BigInt64Array).slice(src._offset, src._offset + n);
  const words = new Int32Array(iv.buffer, 0, 2 * n);
  for (let i = 0; i < n; i++) {
    const lo = words[2 * i]!, hi = words[2 * i + 1]!;
    if (hi !== 0 || lo < 0 || lo >= V) throw new Error("index out of range in self");
  }
  return iv;
}

/**
 * F.embedding of float32/float64 weights through the native row gather; the first-order vjp is
 * the native deterministic row scatter-add, the composite index_add serves createGraph (and
 * scale_grad_by_freq).
 */
function nativeEmbedding(idx: Tensor, w: Tensor, padding: number, byFreq: boolean): Tensor {
  const V = w.size(0), D = w.size(1);
  const iv = int64Indices(idx, V);
  const n = iv.length;
  const wv = floatValues(w);
  const res = uninitTensor([...idx.shape, D], w.dtype);
  native.embeddingForward(wv, iv, res.storage.data as Floats, n, V, D);
  const r = record("EmbeddingBackward0", [w], res, ([g]) => {
    if (!byFreq && !needsGrad(g)) {
      const gv = floatValues(g!);
      if (gv.constructor === wv.constructor) {
        const gw = emptyTensor([V, D], w.dtype);
        native.embeddingBackward(gv, iv, gw.storage.data as Floats, n, V, D, padding, true);
        return [gw];
      }
    }
    return [embeddingGradComposite(g!, w, Float64Array.from(iv, Number), padding, byFreq)];
  });
  if (tracing.on) traceOp("embedding", [idx, w], r, { maxNorm: null, normType: 2 });
  return r;
}

type BagMode = "sum" | "mean" | "max";

interface EmbeddingBagOptions {
  offsets?: Tensor | null; maxNorm?: number | null; normType?: number; scaleGradByFreq?: boolean; mode?: BagMode; sparse?: boolean;
  perSampleWeights?: Tensor | null; includeLastOffset?: boolean; paddingIdx?: number | null;
}

/**
 * F.embedding_bag(input, weight, offsets=None, max_norm=None, norm_type=2, scale_grad_by_freq=False,
 * mode='mean', sparse=False, per_sample_weights=None, include_last_offset=False, padding_idx=None):
 * sums, means or maxima of bags of embeddings, without the intermediate (bag, index, dim) tensor.
 */
export function embeddingBag(input: Tensor, weight: Tensor, ...args: Args<[offsets?: Tensor | null, maxNorm?: number | null, normType?: number, scaleGradByFreq?: boolean, mode?: BagMode, sparse?: boolean,
    perSampleWeights?: Tensor | null, includeLastOffset?: boolean, paddingIdx?: number | null], EmbeddingBagOptions>): Tensor;
export function embeddingBag<A extends Rebound<[input: Tensor, weight: Tensor], ["input", "weight"], EmbeddingBagOptions>>(...args: A): Tensor;
export function embeddingBag(input: Tensor, weight: Tensor,
  ...args: Args<[offsets?: Tensor | null, maxNorm?: number | null, normType?: number, scaleGradByFreq?: boolean, mode?: BagMode, sparse?: boolean,
    perSampleWeights?: Tensor | null, includeLastOffset?: boolean, paddingIdx?: number | null], EmbeddingBagOptions>): Tensor {
  if (arguments.length <= 2 && isOptionsObject(arguments.length === 2 ? weight : input)) return rebind(embeddingBag, "embedding_bag", arguments, ["input", "weight", "offsets", "maxNorm", "normType", "scaleGradByFreq", "mode", "sparse", "perSampleWeights", "includeLastOffset", "paddingIdx"], 2, []);
  const op = "embedding_bag";
  const a = bindArgs(op, args, ["offsets", "maxNorm", "normType", "scaleGradByFreq", "mode", "sparse", "perSampleWeights", "includeLastOffset", "paddingIdx"], [], 2);
  let idx = tensorArg(op, "input", 1, input), w = tensorArg(op, "weight", 2, weight);
  let offsets = optTensorArg(op, "offsets", 3, a.offsets);
  const maxNorm = a.maxNorm === undefined || a.maxNorm === null ? null : numberArg(op, "max_norm", a.maxNorm, 0);
  const normType = numberArg(op, "norm_type", a.normType, 2);
  const byFreq = boolArg(op, "scale_grad_by_freq", a.scaleGradByFreq, false);
  const mode = (a.mode as string | undefined) ?? "mean";
  const sparse = boolArg(op, "sparse", a.sparse, false);
  let psw = optTensorArg(op, "per_sample_weights", 9, a.perSampleWeights);
  const includeLast = boolArg(op, "include_last_offset", a.includeLastOffset, false);
  if (w.dtype === int64 && idx.dtype.isFloatingPoint) {
    console.warn("UserWarning: Argument order of nn.functional.embedding_bag was changed. Usage `embedding_bag(weight, input, ...)` is deprecated, and should now be `embedding_bag(input, weight, ...)`.");
    [w, idx] = [idx, w];
  }
  if (psw && (psw.dim() !== idx.dim() || psw.shape.some((s, i) => s !== idx.size(i)))) {
    throw new Error(`embedding_bag: If per_sample_weights (${torchSize(psw.shape)}) is not None, then it must have the same shape as the input (${torchSize(idx.shape)})`);
  }
  if (w.dim() !== 2) throw new Error(`weight has to be a 2D Tensor, but got Tensor of dimension ${w.dim()}`);
  // What the exporter sees: the bags as given (a 2-D input is fixed-length bags, no offsets).
  const traced = { idx, offsets, psw };
  if (idx.dim() === 2) {
    if (offsets) {
      throw new Error("if input is 2D, then offsets has to be None, as input is treated is a mini-batch of fixed length sequences. However, found offsets of type <class 'torch.Tensor'>");
    }
    const B = idx.size(0), L = idx.size(1);
    offsets = fromArray(BigInt64Array.from({ length: B }, (_, i) => BigInt(i * L)), [B], int64).to(idx.dtype);
    idx = idx.reshape(-1);
    if (psw) psw = psw.reshape(-1);
  } else if (idx.dim() === 1) {
    if (!offsets) throw new Error("offsets has to be a 1D Tensor but got None");
    if (offsets.dim() !== 1) throw new Error("offsets has to be a 1D Tensor");
  } else {
    throw new Error(`input has to be 1D or 2D Tensor, but got Tensor of dimension ${idx.dim()}`);
  }
  if (mode === "max") {
    if (byFreq) throw new Error("max mode does not support scaling the gradient by the frequency");
    if (sparse) throw new Error("max mode does not support sparse weights");
  } else if (mode !== "sum" && mode !== "mean") throw new Error("mode has to be one of sum, mean or max");
  const V = w.size(0);
  const padding = paddingIndex(a.paddingIdx, V, "padding_idx must be within the number of embeddings");
  checkIndices(op, "indices", 1, idx);
  checkIndices(op, "offsets", 1, offsets);
  if (idx.dtype !== offsets.dtype) {
    throw new Error(`Expected tensor for argument #1 'indices' to have the same type as tensor for argument #1 'offsets'; but type torch.${scalarName(idx.dtype)}Tensor does not equal torch.${scalarName(offsets.dtype)}Tensor (while checking arguments for embedding_bag)`);
  }
  if (!w.dtype.isFloatingPoint) {
    throw new Error(`Expected tensor for argument #1 'weight' to have one of the following scalar types: Half, BFloat16, Float, Double; but got torch.${scalarName(w.dtype)}Tensor instead (while checking arguments for embedding_bag)`);
  }
  const iv = intValues(idx), ov = intValues(offsets);
  const n = iv.length;
  if (ov.length > 0) {
    if (ov[0] !== 0) throw new Error(`offsets[0] has to be 0, i.e., the first sequence in the mini-batch has to start from position 0. However, got ${ov[0]}`);
    if (ov[ov.length - 1]! > n) throw new Error(`offsets[-1] can not be greater than input's length ${n}, but got offsets[-1] of ${ov[ov.length - 1]}`);
  }
  if (psw) {
    if (mode !== "sum") {
      throw new Error(`embedding_bag: per_sample_weights was not None. per_sample_weights is only supported for mode='sum' (got mode='${mode}'). Please open a feature request on GitHub.`);
    }
    if (psw.dtype !== w.dtype) throw new Error(`expected scalar type ${scalarName(w.dtype)} but found ${scalarName(psw.dtype)}`);
  }
  if (includeLast && ov.length < 1) throw new Error("include_last_offset: number of offset should be at least 1");
  for (let i = 0; i < n; i++) {
    if (!(iv[i]! >= 0 && iv[i]! < V)) throw new Error(`embedding_bag: Expected idx >= 0 && idx < num_embeddings but found idx to be ${iv[i]}`);
  }
  if (maxNorm !== null) renorm(w, iv, maxNorm, normType);
  const out = embeddingBagOp(w, iv, ov, mode as BagMode, psw, includeLast, padding, byFreq, sparse);
  if (tracing.on) traceOp("embedding_bag", [w, traced.idx, traced.offsets, traced.psw], out, { mode, includeLast, paddingIdx: padding, maxNorm, normType });
  return out;
}

function embeddingBagOp(w: Tensor, iv: ArrayLike<number>, ov: ArrayLike<number>, mode: BagMode, psw: Tensor | null,
  includeLast: boolean, padding: number, byFreq: boolean, sparse: boolean): Tensor {
  const V = w.size(0), D = w.size(1), n = iv.length;
  const B = includeLast ? ov.length - 1 : ov.length;
  const wv = floatValues(w), pv = psw ? floatValues(psw) : null;
  const out = floatOut([B, D], w.dtype);
  const y = out.data;
  y.fill(0);
  const bagOf = new Int32Array(n).fill(-1);
  const counts = new Int32Array(B);
  const argmax = mode === "max" ? new Int32Array(B * D).fill(-1) : null;
  for (let b = 0; b < B; b++) {
    const start = ov[b]!, end = b + 1 < ov.length ? ov[b + 1]! : n;
    for (let e = start; e < end; e++) {
      const r = iv[e]!;
      if (r === padding) continue;
      bagOf[e] = b;
      counts[b]++;
      const row = r * D, o = b * D;
      if (argmax) {
        for (let d = 0; d < D; d++) {
          const v = wv[row + d]!;
          if (argmax[o + d] === -1 || v > y[o + d]!) { y[o + d] = v; argmax[o + d] = r; }
        }
      } else {
        const s = pv ? pv[e]! : 1;
        for (let d = 0; d < D; d++) y[o + d] += s * wv[row + d]!;
      }
    }
    if (mode === "mean" && counts[b]! > 0) for (let d = 0; d < D; d++) y[b * D + d] /= counts[b]!;
  }
  const res = out.done();
  return record("EmbeddingBagBackward0", [w, psw], res, ([g]) => {
    const go = g!;
    let gw: Tensor | null = null, gp: Tensor | null = null;
    if (w._requiresGrad) {
      if (argmax) {
        const pos: bigint[] = [], dst: bigint[] = [];
        for (let k = 0; k < B * D; k++) if (argmax[k]! >= 0) { pos.push(BigInt(k)); dst.push(BigInt(argmax[k]! * D + (k % D))); }
        const src = go.reshape(-1).indexSelect(0, fromArray(BigInt64Array.from(pos), [pos.length], int64));
        gw = w.newZeros([V * D]).indexAdd(0, fromArray(BigInt64Array.from(dst), [dst.length], int64), src).view(V, D);
      } else {
        const elems: number[] = [];
        for (let e = 0; e < n; e++) if (bagOf[e]! >= 0) elems.push(e);
        const freq = new Map<number, number>();
        if (byFreq) for (let e = 0; e < n; e++) freq.set(iv[e]!, (freq.get(iv[e]!) ?? 0) + 1);
        const scale = Float64Array.from(elems, (e) => (mode === "mean" ? 1 / counts[bagOf[e]!]! : 1) / (byFreq ? freq.get(iv[e]!)! : 1));
        const m = elems.length;
        let rows = go.indexSelect(0, fromArray(BigInt64Array.from(elems, (e) => BigInt(bagOf[e]!)), [m], int64))
          .mul(fromArray(scale, [m, 1], float64).to(go.dtype));
        const eIdx = fromArray(BigInt64Array.from(elems, (e) => BigInt(e)), [m], int64);
        if (psw) rows = rows.mul(psw.indexSelect(0, eIdx).unsqueeze(1));
        const dst = fromArray(BigInt64Array.from(elems, (e) => BigInt(iv[e]!)), [m], int64);
        gw = sparse ? sparseRowsGrad(rows, elems.map((e) => iv[e]!), byFreq, [V, D]) : w.newZeros([V, D]).indexAdd(0, dst, rows);
      }
    }
    if (psw && psw._requiresGrad) {
      const safeBag = fromArray(BigInt64Array.from({ length: n }, (_, e) => BigInt(Math.max(bagOf[e]!, 0))), [n], int64);
      const rowIdx = fromArray(BigInt64Array.from({ length: n }, (_, e) => BigInt(iv[e]!)), [n], int64);
      const valid = fromArray(Float64Array.from({ length: n }, (_, e) => (bagOf[e]! >= 0 ? 1 : 0)), [n], float64).to(go.dtype);
      gp = go.indexSelect(0, safeBag).mul(w.indexSelect(0, rowIdx)).sum(1).mul(valid);
    }
    return [gw, gp];
  }, psw ? [w] : []);
}

/** F.one_hot(tensor, num_classes=-1): int64 (..., num_classes); -1 infers max + 1. */
export function oneHot(input: Tensor, ...args: Args<[numClasses?: number], { numClasses?: number }>): Tensor {
  const op = "one_hot";
  const a = bindArgs(op, args, ["numClasses"], [], 1);
  const x = tensorArg(op, "input", 1, input);
  let C = intArg(op, "num_classes", a.numClasses, -1);
  const inferred = C === -1;
  if (x.dtype !== int64) throw new Error("one_hot is only applicable to index tensor of type LongTensor.");
  const shape = x.shape;
  if (x.numel() === 0) {
    if (C <= 0) throw new Error("Can not infer total number of classes from empty tensor.");
    return emptyTensor([...shape, C], int64);
  }
  const v = intValues(x);
  let lo = Infinity, hi = -Infinity;
  for (let i = 0; i < v.length; i++) { lo = Math.min(lo, v[i]!); hi = Math.max(hi, v[i]!); }
  if (lo < 0) throw new Error("Class values must be non-negative.");
  if (C === -1) C = hi + 1;
  else if (!(C > hi)) throw new Error("Class values must be smaller than num_classes.");
  let out: BigInt64Array;
  try {
    out = new BigInt64Array(v.length * C);
  } catch (e) {
    if (!(e instanceof RangeError)) throw e;
    // The exact count: an inferred class count past 2^53 is the int64 maximum plus one.
    const classes = inferred ? BigInt(x.max().item() as number | bigint) + 1n : BigInt(C);
    throw cannotAllocate(int64, BigInt(v.length) * classes);
  }
  for (let i = 0; i < v.length; i++) out[i * C + v[i]!] = 1n;
  const r = fromArray(out, [...shape, C], int64);
  if (tracing.on) traceOp("one_hot", [x], r, { numClasses: C, inferred });
  return r;
}
