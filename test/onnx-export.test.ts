// torch.onnx.export checked by onnxruntime-node: every model is exported, loaded (so the file is a
// valid ONNX model), run on the export inputs and on another batch size through the dynamic axes,
// and compared with torch-ts's own outputs (float32, within 1e-5).
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as ort from "onnxruntime-node";
import * as torch from "../src/index.js";
import * as onnx from "../src/onnx/index.js";
import { tracing } from "../src/onnx/hook.js";

const nn = torch.nn;
const F = torch.nn.functional;
type Tensor = torch.Tensor;

// ---- helpers ------------------------------------------------------------------------------------

const ORT_TYPE: Record<string, ort.Tensor.Type> = { float32: "float32", float64: "float64", int64: "int64", int32: "int32", bool: "bool" };

function toOrt(t: Tensor): ort.Tensor {
  const c = t.contiguous();
  const n = c.numel();
  const data = c.storage.data.subarray(c._offset, c._offset + n);
  const type = ORT_TYPE[t.dtype.name];
  if (!type) throw new Error(`no onnxruntime type for ${t.dtype.name}`);
  return new ort.Tensor(type, type === "bool" ? Uint8Array.from(data as Uint8Array) : data.slice() as Float32Array, t.shape);
}

function flatTensors(v: unknown, out: Tensor[] = []): Tensor[] {
  if (v instanceof torch.Tensor) out.push(v);
  else if (Array.isArray(v)) for (const x of v) flatTensors(x, out);
  return out;
}

function assertClose(got: ort.Tensor, want: Tensor, what: string, tol = 1e-5): void {
  assert.deepEqual([...got.dims], want.shape, `${what}: shape`);
  const w = (want.reshape(-1).tolist() as (number | boolean | bigint)[]).map(Number);
  const g = Array.from(got.data as ArrayLike<number | bigint>, Number);
  let worst = 0, at = -1;
  for (let i = 0; i < w.length; i++) {
    // Equal infinities and two NaNs agree.
    const same = g[i] === w[i] || (Number.isNaN(g[i]) && Number.isNaN(w[i]));
    const err = same ? 0 : Math.abs(g[i]! - w[i]!) / (1 + Math.abs(w[i]!));
    if (!(err <= worst)) { worst = err; at = i; }
  }
  assert.ok(worst <= tol, `${what}: element ${at} is ${g[at]} in onnxruntime, ${w[at]} in torch-ts`);
}

interface Case {
  /** Other inputs to run (another batch size, another sequence length). */
  more?: unknown[][];
  options?: onnx.ExportOptions;
  tol?: number;
}

type Session = Awaited<ReturnType<typeof ort.InferenceSession.create>>;

/** The declared shapes of a session's inputs and outputs (dim names where dynamic). */
function shapesOf(session: Session): Record<string, (number | string)[]> {
  const meta = [...session.inputMetadata, ...session.outputMetadata] as { name: string; shape?: (number | string)[] }[];
  return Object.fromEntries(meta.map((m) => [m.name, m.shape ?? []]));
}

/** Exports, loads in onnxruntime, runs every input set and compares all outputs. */
async function check(model: torch.nn.Module, args: unknown[], c: Case = {}): Promise<Session> {
  const bytes = onnx.export(model, args, null, c.options ?? {});
  const session = await ort.InferenceSession.create(bytes);
  model.eval();
  for (const set of [args, ...(c.more ?? [])]) {
    const inputs = flatTensors(set);
    const feeds: Record<string, ort.Tensor> = {};
    session.inputNames.forEach((name, i) => { feeds[name] = toOrt(inputs[i]!); });
    const want = flatTensors(torch.noGrad(() => (model.call as (...a: unknown[]) => unknown).call(model, ...set)));
    const got = await session.run(feeds);
    assert.equal(session.outputNames.length, want.length, "number of outputs");
    session.outputNames.forEach((name, i) => assertClose(got[name]!, want[i]!, `${model.constructor.name} output '${name}' (input ${inputs[0]!.shape.join("x")})`, c.tol));
  }
  return session;
}

const batchAxes = (inputs: string[], outputs: string[], axis = 0): onnx.DynamicAxes =>
  Object.fromEntries([...inputs, ...outputs].map((n) => [n, { [axis]: "batch" }]));

// ---- models -------------------------------------------------------------------------------------

class MLP extends nn.Module {
  fc1 = new nn.Linear(6, 16);
  act: torch.nn.Module;
  fc2 = new nn.Linear(16, 4);
  constructor(act: torch.nn.Module) { super(); this.act = act; }
  override forward(x: Tensor): Tensor { return this.fc2.call((this.act.call as (x: Tensor) => Tensor).call(this.act, this.fc1.call(x))); }
}

class FashionCNN extends nn.Module {
  conv1 = new nn.Conv2d(1, 8, 3, { padding: 1 });
  pool = new nn.MaxPool2d(2);
  conv2 = new nn.Conv2d(8, 16, 3);
  bn = new nn.BatchNorm2d(16);
  drop = new nn.Dropout(0.25);
  fc1 = new nn.Linear(16 * 6 * 6, 32);
  fc2 = new nn.Linear(32, 10);
  override forward(x: Tensor): Tensor {
    let y = this.pool.call(F.relu(this.conv1.call(x))) as Tensor;
    y = this.pool.call(F.relu(this.bn.call(this.conv2.call(y)))) as Tensor;
    y = y.view(y.size(0), -1);
    y = this.drop.call(F.relu(this.fc1.call(y)));
    return F.logSoftmax(this.fc2.call(y), 1);
  }
}

class ConvZoo extends nn.Module {
  c1 = new nn.Conv1d(3, 4, 3, { padding: "same" });
  mp1 = new nn.MaxPool1d(2);
  c2 = new nn.Conv2d(3, 4, 4, { padding: "same", bias: false, groups: 1, dilation: 1 });
  dw = new nn.Conv2d(4, 8, 3, { groups: 4, stride: 2, dilation: 2, padding: 2 });
  ap = new nn.AvgPool2d(2, { stride: 1, padding: 1 });
  gap = new nn.AdaptiveAvgPool2d([1, 1]);
  aap = new nn.AdaptiveAvgPool2d([2, 3]);
  up = new nn.ConvTranspose2d(4, 3, 3, { stride: 2, padding: 1, outputPadding: 1 });
  amp = new nn.AdaptiveMaxPool2d([4, 2]);
  override forward(x: Tensor, s: Tensor): Tensor[] {
    const y = this.c2.call(x);
    return [this.mp1.call(this.c1.call(s)) as Tensor, this.ap.call(y), this.dw.call(y), this.gap.call(x).flatten(1), this.aap.call(x), this.up.call(y),
      this.amp.call(y) as Tensor, F.adaptiveMaxPool1d(s, 5)];
  }
}

class Norms extends nn.Module {
  bn1 = new nn.BatchNorm1d(6);
  ln = new nn.LayerNorm([5, 6]);
  gn = new nn.GroupNorm(3, 6);
  ln2 = new nn.LayerNorm(6, { elementwiseAffine: false });
  override forward(x: Tensor): Tensor[] {
    // x: (N, 6, 5)
    const a = this.bn1.call(x);
    const b = this.ln.call(x.transpose(1, 2));
    const c = this.gn.call(x.unsqueeze(-1).expand(-1, -1, -1, 2));
    const d = this.ln2.call(x.permute(0, 2, 1));
    return [a, b, c, d];
  }
}

class Bag extends nn.Module {
  emb = new nn.Embedding(20, 8);
  drop = new nn.Dropout(0.5);
  fc = new nn.Linear(8, 3);
  override forward(tokens: Tensor): Tensor {
    return this.fc.call(this.drop.call(this.emb.call(tokens)).mean(1));
  }
}

class SelfAttention extends nn.Module {
  attn: torch.nn.MultiheadAttention;
  constructor(batchFirst: boolean) { super(); this.attn = new nn.MultiheadAttention(16, 4, { batchFirst }); }
  override forward(x: Tensor, mask: Tensor): [Tensor, Tensor | null] {
    return this.attn.call(x, x, x, { attnMask: mask });
  }
}

class Encoder extends nn.Module {
  layer: torch.nn.TransformerEncoderLayer;
  constructor(normFirst: boolean, activation: "relu" | "gelu") {
    super();
    this.layer = new nn.TransformerEncoderLayer(16, 4, { dimFeedforward: 32, dropout: 0.1, batchFirst: true, normFirst, activation });
  }
  override forward(x: Tensor, mask: Tensor): Tensor { return this.layer.call(x, { srcMask: mask }); }
}

class Recurrent extends nn.Module {
  lstm = new nn.LSTM(5, 8, { numLayers: 2, batchFirst: true });
  gru = new nn.GRU(8, 6, { bidirectional: true });
  override forward(x: Tensor): Tensor[] {
    const [y, [h, c]] = this.lstm.call(x) as [Tensor, [Tensor, Tensor]];
    const [z, hz] = this.gru.call(y.transpose(0, 1)) as [Tensor, Tensor];
    return [z, h, c, hz];
  }
}

class RecurrentWithState extends nn.Module {
  lstm = new nn.LSTM(4, 6, { bidirectional: true });
  rnn = new nn.RNN(12, 3, { nonlinearity: "relu" });
  override forward(x: Tensor, h0: Tensor, c0: Tensor): Tensor[] {
    const [y, [h, c]] = this.lstm.call(x, [h0, c0]) as [Tensor, [Tensor, Tensor]];
    const [z] = this.rnn.call(y) as [Tensor, Tensor];
    return [z, h, c];
  }
}

/** reshape / permute / cat / slice / select / gather / index_select / matmul broadcasting / softmax / reductions. */
class Shapes extends nn.Module {
  w = new nn.Parameter(torch.randn(6, 5));
  w3 = new nn.Parameter(torch.randn(3, 6));
  override forward(x: Tensor, idx: Tensor): Tensor[] {
    // x: (N, 4, 6), idx: (N, 4, 3) int64
    const a = torch.matmul(x, this.w); // (N, 4, 5)
    const b = torch.matmul(this.w3, x.permute(0, 2, 1)); // (3, 6) @ (N, 6, 4) → (N, 3, 4)
    const cat = torch.cat([a, x.get(":", ":", "1:6")], 2); // (N, 4, 10)
    const flat = cat.reshape(cat.size(0), -1);
    const g = torch.gather(x, 2, idx);
    const row = x.get(":", -1); // (N, 6)
    const picked = x.indexSelect(2, torch.tensor([5, 0, 2], { dtype: "int64" }));
    const st = torch.stack([row, row.mul(2)], 1).flatten(1);
    const sq = x.get(":", ":", 0).unsqueeze(-1).squeeze(-1).mul(x.narrow(2, 2, 1).squeeze(2));
    const extremes = [x.argmax(2, true), x.argmin(), x.amax([1, 2]), x.amin(1, true)];
    return [F.softmax(flat, -1), F.logSoftmax(b, 1), g, picked, st.add(1).div(3).sub(torch.cat([x.sum(1), x.mean(1, true).squeeze(1)], 1)),
      sq.t().contiguous().t(), torch.bmm(x, x.transpose(1, 2)), ...extremes];
  }
}

class BesselI1 extends nn.Module {
  fc = new nn.Linear(3, 3);
  override forward(x: Tensor): Tensor { return torch.special.i1(this.fc.call(x)); }
}

/** cummax/cummin (values and indices) and logcumsumexp: Scans carrying the running value, along every dim. */
class RunningScans extends nn.Module {
  override forward(x: Tensor): Tensor[] {
    // x: (N, L, 6) with ties, NaN, ±inf and large magnitudes (see runningScanInput)
    const out: Tensor[] = [];
    for (const d of [0, 1, 2]) {
      const mx = torch.cummax(x, d), mn = x.cummin(d);
      out.push(mx.values, mx.indices, mn.values, mn.indices, x.logcumsumexp(d));
    }
    const q = x.nanToNum(0, 50, -50).round();
    const ints = torch.cummax(q.to("int32"), 1), bools = torch.cummin(q.gt(0), 2);
    return [...out, ints.values, ints.indices, bools.values, bools.indices, q.to("int64").cummin(-1).indices, q.double().logcumsumexp(1),
      x.get(0, 0, 0).cummax(0).indices, x.get(0, 0, 0).logcumsumexp(0)];
  }
}

/** Small integers (ties), a NaN, -inf, +inf and values of ±1e30 and ±80 (exp over/underflows in float32). */
function runningScanInput(n: number, l: number): Tensor {
  const x = torch.randn(n, l, 6).mul(2).round();
  const special = [NaN, -Infinity, Infinity, 1e30, -1e30, 80, -80, -Infinity];
  special.forEach((v, k) => { x.set([k % n, (3 * k) % l, (5 * k + 1) % 6], v); });
  return x;
}

/** Pointwise math built from ONNX's parts, fed values where a plain formula fails (tiny, huge, ±inf, NaN, ±0). */
class PointwiseMath extends nn.Module {
  override forward(a: Tensor, b: Tensor): Tensor[] {
    return [a.log1p(), a.expm1(), a.double().log1p(), torch.logaddexp(a, b), torch.logaddexp2(a, b), torch.logaddexp(a, a), torch.xlogy(a, b), torch.xlogy(a, 2), torch.xlogy(3, b),
      torch.hypot(a, b), torch.hypot(a.double().mul(1e200), b.double()), torch.sinc(a), torch.logit(a), torch.logit(a, 0.01), torch.deg2rad(a), torch.rad2deg(a),
      torch.fmax(a, b), torch.fmin(a, b), torch.fmax(a.nanToNum().to("int64"), b.nanToNum().to("int64"))];
  }
}

/** nonzero (rows and as_tuple, 0-d), masked_select (broadcast mask), take (negative indices), searchsorted/bucketize (NaN values last), masked_scatter. */
class Selections extends nn.Module {
  edges = torch.tensor([-1, 0, 0, 0.5, 2]);
  override forward(x: Tensor): Tensor[] {
    const e = this.edges;
    return [torch.nonzero(x), ...torch.nonzero(x, { asTuple: true }), torch.maskedSelect(x, x.gt(0.5)), torch.maskedSelect(x.get(0), x.gt(0)),
      torch.take(x, torch.tensor([0, -1, 2], { dtype: "int64" })), torch.nonzero(x.get(0, 0)), torch.argwhere(x.get(0)),
      torch.searchsorted(e, x), torch.searchsorted(e, x, { right: true }), torch.bucketize(x.mul(3).to("int64"), e, { right: true, outInt32: true }),
      torch.searchsorted(x.nanToNum(9).sort(1).values, x.mul(2)), torch.searchsorted(x.nanToNum(9), x.get(":", "0:2"), { sorter: x.nanToNum(9).argsort(1), side: "right" }), torch.searchsorted(e, 0.25),
      x.maskedScatter(x.gt(0), x.mul(10)), x.maskedScatter(x.get(0).gt(0), torch.arange(40, { dtype: "float32" })), x.maskedScatter(x.lt(-10), torch.zeros(0))];
  }
}

/** unique (sorted; inverse and counts; along a dim) and unique_consecutive: outputs whose length depends on the values. */
class Uniques extends nn.Module {
  override forward(x: Tensor): Tensor[] {
    // x: (N, 5) small integers as floats, some NaN
    const [values, inverse, counts] = torch.unique(x, { returnInverse: true, returnCounts: true }) as Tensor[];
    const ints = x.nanToNum(7).to("int64");
    const [rows, rowInverse, rowCounts] = torch.unique(ints, { dim: 0, returnInverse: true, returnCounts: true }) as Tensor[];
    const [runs, runInverse, runCounts] = torch.uniqueConsecutive(x, { returnInverse: true, returnCounts: true }) as Tensor[];
    const [cols, colCounts] = torch.uniqueConsecutive(ints, { dim: 1, returnCounts: true }) as Tensor[];
    return [values!, inverse!, counts!, torch.unique(ints.to("int32")) as Tensor, torch.unique(x.gt(1)) as Tensor, values!.nanToNum(0).sum(),
      rows!, rowInverse!, rowCounts!, runs!, runInverse!, runCounts!, cols!, colCounts!];
  }
}

/** cumprod (a Scan, exact with zeros and negatives, also along the dynamic dim) and diagonal (a Gather). */
class ScansAndDiagonals extends nn.Module {
  override forward(x: Tensor): Tensor[] {
    // x: (N, 4, 6), small integers (many zeros and negatives) plus a fraction
    const q = x.mul(2).round();
    return [q.cumprod(2), q.add(0.5).cumprod(1), x.cumprod(0), q.to("int64").cumprod(2), x.cumprod(-1, { dtype: "float64" }), x.get(0, 0).cumprod(0),
      x.diagonal(0, 1, 2), x.diagonal(2, 1, 2), x.diagonal(-1, 2, 1), x.diagonal(-3, 1, 2), x.get(0).diagonal().sum(), torch.diagonal(x.transpose(0, 2), 1, 0, 1)];
  }
}

/** The losses of torch.nn.functional and nn.*Loss, with their weights, ignored targets, smoothing and reductions. */
class Losses extends nn.Module {
  ce = new nn.CrossEntropyLoss({ weight: torch.tensor([0.5, 1, 1.5, 2, 0.7, 1.2]), ignoreIndex: 1, labelSmoothing: 0.15 });
  bce = new nn.BCEWithLogitsLoss({ posWeight: torch.tensor([1, 2, 3, 0.5, 1, 1]) });
  huber = new nn.HuberLoss({ delta: 0.6 });
  override forward(x: Tensor, labels: Tensor, y: Tensor): Tensor[] {
    // x: (N, 6) logits, labels: (N,) int64 in [0, 6) or -100, y: (N, 6) float
    const w = torch.tensor([1, 0.5, 2, 1, 3, 0.25]);
    const p = x.sigmoid(), q = y.sigmoid();
    const logP = F.logSoftmax(x, 1), probs = F.softmax(y, 1);
    const spatial = x.reshape(-1, 3, 2), spatialLabels = labels.clamp(0, 2).unsqueeze(1).expand(-1, 2);
    return [
      F.mseLoss(x, y), F.mseLoss(x, y.get(0), { reduction: "sum" }), F.mseLoss(x, y, { reduction: "none" }), F.l1Loss(x, y), F.l1Loss(x, y, { reduction: "none" }),
      F.smoothL1Loss(x, y.mul(3), { beta: 0.4 }), F.smoothL1Loss(x, y, { reduction: "none", beta: 0 }), this.huber.call(x, y.mul(2)),
      F.huberLoss(x, y, { reduction: "none", delta: 2 }),
      F.binaryCrossEntropy(p, q), F.binaryCrossEntropy(p, q.gt(0.5).float(), { weight: w, reduction: "sum" }), F.binaryCrossEntropy(p, q, { reduction: "none" }),
      F.binaryCrossEntropyWithLogits(x.mul(20), q), this.bce.call(x, q), F.binaryCrossEntropyWithLogits(x, q, { weight: w.reshape(1, 6), reduction: "none" }),
      F.crossEntropy(x, labels), F.crossEntropy(x, labels, { weight: w, reduction: "sum" }), F.crossEntropy(x, labels, { weight: w, reduction: "none" }),
      F.crossEntropy(x, labels.clamp(0, 5), { ignoreIndex: 3, weight: w }), this.ce.call(x, labels.clamp(0, 5)),
      F.crossEntropy(x, labels, { labelSmoothing: 0.3, reduction: "none" }), F.crossEntropy(x, labels, { labelSmoothing: 0.3 }),
      F.crossEntropy(spatial, spatialLabels), F.crossEntropy(spatial, spatialLabels, { labelSmoothing: 0.2, reduction: "none", weight: w.get("0:3") }),
      F.crossEntropy(x.get(0), labels.clamp(0, 5).get(0)), F.crossEntropy(x.get(0), labels.clamp(0, 5).get(0), { labelSmoothing: 0.1, reduction: "none" }),
      F.crossEntropy(x, probs), F.crossEntropy(x, probs, { weight: w, labelSmoothing: 0.2, reduction: "none" }), F.crossEntropy(spatial, F.softmax(spatial.flip(0), 1), { reduction: "sum" }),
      F.nllLoss(logP, labels), F.nllLoss(logP, labels, { weight: w, reduction: "none" }), F.nllLoss(logP, labels.clamp(0, 5), { ignoreIndex: 4, reduction: "sum" }),
      F.nllLoss(F.logSoftmax(spatial, 1), spatialLabels, { weight: w.get("3:6") }),
      F.klDiv(logP, probs, { reduction: "batchmean" }), F.klDiv(logP, probs.maskedFill(probs.lt(0.1), 0), { reduction: "sum" }),
      F.klDiv(logP, F.logSoftmax(y, 1), { reduction: "none", logTarget: true }),
    ];
  }
}

/** Writes through an index: x[idx] = v, x[mask] = v, x[:, 0] = v, index_put_ (accumulating), masked_fill_. */
class Writes extends nn.Module {
  cols = torch.tensor([5, -1, 0], { dtype: "int64" });
  override forward(x: Tensor, idx: Tensor, v: Tensor): Tensor[] {
    // x: (N, 4, 6), idx: (M,) int64 in [-4, 4), v: (M, 6)
    const a = x.clone();
    a.set([":", idx], v); // broadcast over the batch
    a.set([":", ":", this.cols], a.get(":", ":", "0:3").mul(-1)); // the value reads the tensor written
    const b = x.clone();
    b.set([b.gt(0.5)], 0); // a mask filled with one value: Where
    b.set(["...", torch.tensor([true, false, true, false, false, true])], x.get(":", ":", "0:3").add(10));
    b.set([b.lt(-1)], b.get(b.lt(-1)).mul(0.5)); // a mask with as many values as it selects
    const c = x.clone();
    c.set([":", 0], 7);
    c.set([0, ":", -1], torch.tensor(-7));
    c.set([":", "1:3", null, "2:"], c.get(":", "0:2", null, "0:4").add(1));
    c.set([torch.tensor([0, -1], { dtype: "int64" }), ":", torch.tensor([1, 2], { dtype: "int64" })], 3);
    const d = x.clone();
    d.indexPut_([torch.tensor([0, 0, 1], { dtype: "int64" }), null, torch.tensor([2, 2, 5], { dtype: "int64" })], v.get("0:1", "0:4").reshape(1, 4), true);
    d.maskedFill_(d.eq(0), -1);
    const e = x.indexPut([null, idx], v.unsqueeze(0).mul(2));
    return [a, b, c, d, e];
  }
}

/** sort / argsort / topk (TopK), max/min along a dim, cumsum, flip. */
class Ordering extends nn.Module {
  fc = new nn.Linear(6, 6);
  override forward(x: Tensor): Tensor[] {
    // x: (N, 4, 6)
    const y = this.fc.call(x);
    const [sv, si] = y.sort(2);
    const [dv, di] = y.sort(1, true);
    const [tv, ti] = y.topk(3, 2);
    const [lv, li] = y.topk(2, 1, false);
    const [bv, bi] = y.sort(0); // along the dynamic dim: TopK's k read from the shape
    const [mv, mi] = y.max(2);
    const [nv, ni] = y.min(1, true);
    const [kv, ki] = y.kthvalue(2, 2);
    const [ev, ei] = y.median(1, true);
    return [sv, si, dv, di, tv, ti, lv, li, bv, bi, y.argsort(-1, true), mv, mi, nv, ni, y.max(), y.min(),
      y.cumsum(1), torch.cumsum(y.gt(0), 2), y.flip(0, 2), y.flip(-1).topk(1).values, kv, ki, ev, ei, y.get(0).median()];
  }
}

/** F.interpolate in every mode, by size and by scale factor, and nn.Upsample. */
class Resizes extends nn.Module {
  up = new nn.Upsample({ scaleFactor: 2, mode: "nearest" });
  upBilinear = new nn.Upsample({ size: [7, 10], mode: "bilinear", alignCorners: true });
  override forward(x: Tensor, s: Tensor): Tensor[] {
    // x: (N, 2, 5, 4), s: (N, 3, 6)
    return [
      this.up.call(x) as Tensor, this.upBilinear.call(x) as Tensor,
      F.interpolate(x, { size: [8, 7] }), F.interpolate(x, { scaleFactor: [1.5, 3] }),
      F.interpolate(x, { size: [9, 6], mode: "nearest-exact" }), F.interpolate(x, { scaleFactor: 0.5, mode: "nearest-exact" }),
      F.interpolate(x, { size: [3, 9], mode: "bilinear" }), F.interpolate(x, { scaleFactor: 2, mode: "bilinear" }),
      F.interpolate(x, { scaleFactor: [2, 1.5], mode: "bilinear", alignCorners: true }),
      F.interpolate(x, { size: [10, 3], mode: "bicubic" }), F.interpolate(x, { scaleFactor: 2, mode: "bicubic", alignCorners: true }),
      F.interpolate(s, { size: 11, mode: "linear" }), F.interpolate(s, { scaleFactor: 2, mode: "linear", alignCorners: true }),
      F.interpolate(s, { scaleFactor: 3 }), F.interpolate(x.unsqueeze(2), { scaleFactor: [1, 2, 2], mode: "trilinear" }),
    ];
  }
}

/** Advanced indexing with integer tensors (negative entries included) and masks. */
class Indexing extends nn.Module {
  rows = torch.tensor([0, -1, 2, 0], { dtype: "int64" });
  cols = torch.tensor([[5, -2], [0, 3]], { dtype: "int64" });
  override forward(x: Tensor, idx: Tensor): Tensor[] {
    // x: (N, 4, 6), idx: (M,) int64 in [-4, 4)
    const a = x.get(torch.tensor([0, -1, 0], { dtype: "int64" })); // dim 0
    const b = x.get(":", idx); // (N, M, 6)
    const c = x.get(":", ":", this.cols); // (N, 4, 2, 2)
    const d = x.get(":", this.rows, torch.tensor([1, 5, -1, 0], { dtype: "int64" })); // adjacent pair after a whole dim: (N, 4)
    const e = x.get(torch.tensor([0], { dtype: "int64" }), ":", torch.tensor([[1], [-1]], { dtype: "int64" })); // not adjacent: (2, 1, 4)
    const f = x.get(":", torch.tensor([true, false, true, true]));
    const g = x.get(":", idx, torch.tensor([2, 3], { dtype: "int64" }).unsqueeze(1)); // broadcast (2, M)
    const h = x.get(x.gt(0.5));
    // One row per batch element: an arange whose length follows the dynamic batch becomes a Range.
    const n = x.size(0);
    const perRow = x.get(torch.arange(n), x.sum(2).argmax(1));
    const steps = torch.arange(2, 2 + 3 * n, 3).mul(torch.arange(0.5, n, 1, { dtype: "float64" }).reshape(-1, 1));
    return [a, b, c, d, e, f, g, h, x.get("...", torch.tensor(-1, { dtype: "int64" })), perRow, steps];
  }
}

/** Reductions that carry their dims: prod, logsumexp, vector norms. */
class Reductions extends nn.Module {
  override forward(x: Tensor): Tensor[] {
    return [x.prod(1), x.prod(), x.logsumexp(2), x.logsumexp([0, 2], true), x.norm(2, 2), torch.linalg.vectorNorm(x, 1, [1, 2]),
      torch.linalg.vectorNorm(x, Infinity, 1, true), torch.linalg.vectorNorm(x, -Infinity, 2), torch.linalg.vectorNorm(x, 3, 2),
      torch.linalg.vectorNorm(x.relu(), 0, 2), F.normalize(x, { dim: 2 }), F.cosineSimilarity(x, x.flip(0), 2)];
  }
}

/** roll, scatter/scatter_add, all/any, var/std, bitwise_not, one_hot. */
class Rearrange extends nn.Module {
  override forward(x: Tensor): Tensor[] {
    // x: (N, 4, 6)
    const order = x.argsort(2);
    return [x.roll(2, 2), x.roll([-1, 7], [1, 2]), x.roll(5), x.roll(1, 0),
      torch.zerosLike(x).scatter(2, order, x), x.scatter(1, x.argsort(1).get(":", "0:2"), 2.5),
      torch.zerosLike(x).scatterAdd(2, order.get(":", ":", "0:3"), x), x.scatter(2, order, x, { reduce: "multiply" }),
      x.gt(-1).all(2), x.gt(0).any(1, true), x.gt(0).all(), x.var(2), x.var(1, false, true), x.std([0, 2]), x.std(),
      x.gt(0).bitwiseNot(), x.mul(5).to("int64").bitwiseNot(), F.oneHot(x.argmax(2), 6)];
  }
}

/** scatter_reduce with every reduction, with and without include_self, on floats and int64 (opset 18 for amax/amin). */
class ScatterReduce extends nn.Module {
  constructor(private readonly reduces: readonly ("sum" | "prod" | "mean" | "amax" | "amin")[]) { super(); }
  override forward(x: Tensor): Tensor[] {
    // x: (N, 4, 6); the index sends several values to some positions and none to others.
    const index = x.argsort(2).remainder(3).get(":", ":", "0:5");
    const ints = x.mul(7).round().to("int64");
    const out: Tensor[] = [];
    for (const reduce of this.reduces) {
      for (const includeSelf of [true, false]) {
        out.push(x.scatterReduce(2, index, x.flip(0).mul(2), reduce, { includeSelf }));
        out.push(ints.scatterReduce(2, index, ints.flip(0).sub(3), reduce, { includeSelf }));
      }
    }
    const y = x.clone();
    y.scatterReduce_(1, x.argsort(1).get(":", "0:2"), x.neg(), this.reduces[0]!, { includeSelf: false });
    out.push(y.mul(2));
    return out;
  }
}

/** fmod/remainder, rounding divisions, lerp, addcmul/addcdiv, nan_to_num, atan2 with PyTorch's formulas. */
class Arithmetic extends nn.Module {
  override forward(x: Tensor): Tensor[] {
    // x: (N, 4, 6)
    const y = x.flip(0).mul(-1);
    const n = x.mul(9).to("int64"), m = x.mul(3).to("int64").add(10);
    return [x.fmod(0.7), x.remainder(y), x.remainder(-0.6), n.fmod(4), n.remainder(-4), n.remainder(m),
      x.mul(5).div(4, { roundingMode: "trunc" }), x.mul(5).div(y, { roundingMode: "floor" }), x.mul(5).floorDivide(2), n.div(-4, { roundingMode: "trunc" }),
      n.floorDivide(m), torch.lerp(x, y, 0.3), torch.lerp(x, y, 0.8), torch.lerp(x, y, x.sigmoid().mul(1.2)),
      torch.addcmul(x, x, y, { value: 0.5 }), torch.addcdiv(x, x, y.abs().add(1), { value: -2 }),
      x.div(x.gt(0)).log().nanToNum(1, 5, -5), x.div(x.gt(0)).nanToNum(), torch.atan2(x, y), torch.atan2(x, torch.zerosLike(x))];
  }
}

/** Norms that use the batch's own statistics in eval mode: InstanceNorm, BatchNorm without running stats. */
class BatchStatistics extends nn.Module {
  inorm = new nn.InstanceNorm2d(3, { affine: true });
  inormPlain = new nn.InstanceNorm1d(3);
  bn = new nn.BatchNorm1d(3, { trackRunningStats: false });
  override forward(x: Tensor): Tensor[] {
    // x: (N, 3, 4, 5)
    return [this.inorm.call(x) as Tensor, this.inormPlain.call(x.flatten(2)) as Tensor, this.bn.call(x.flatten(2)) as Tensor];
  }
}

/** Unary math and repeat that map to ONNX ops directly. */
class MoreMath extends nn.Module {
  override forward(x: Tensor): Tensor[] {
    const t = x.tanh().mul(0.9);
    return [t.asin(), t.acos(), x.atan(), x.sinh(), x.cosh(), x.asinh(), x.abs().add(1).acosh(), t.atanh(),
      x.abs().add(0.1).log2(), x.abs().add(0.1).log10(), torch.exp2(x), x.mul(3).round(), x.mul(3).trunc(), x.mul(3).frac(),
      x.repeat(2, 1, 3), x.tile([2]), x.get(0).repeat(2, 1, 1, 1)];
  }
}

// ---- tests --------------------------------------------------------------------------------------

describe("torch.onnx.export", () => {
  test("MLPs with every activation (and a second batch size through the dynamic axis)", async () => {
    torch.manualSeed(1);
    const activations: [string, torch.nn.Module][] = [
      ["ReLU", new nn.ReLU()], ["LeakyReLU", new nn.LeakyReLU(0.1)], ["ELU", new nn.ELU(0.7)], ["SELU", new nn.SELU()],
      ["CELU", new nn.CELU(1.3)], ["GELU", new nn.GELU()], ["GELU tanh", new nn.GELU("tanh")], ["Sigmoid", new nn.Sigmoid()],
      ["Tanh", new nn.Tanh()], ["Softplus", new nn.Softplus()], ["Softplus beta", new nn.Softplus(2, 5)], ["Softsign", new nn.Softsign()],
      ["Hardsigmoid", new nn.Hardsigmoid()], ["Hardswish", new nn.Hardswish()], ["Mish", new nn.Mish()], ["SiLU", new nn.SiLU()],
      ["PReLU", new nn.PReLU(16)], ["Hardtanh", new nn.Hardtanh(-0.5, 0.8)], ["ReLU6", new nn.ReLU6()], ["ReLU inplace", new nn.ReLU(true)],
      ["LogSigmoid", new nn.LogSigmoid()], ["Tanhshrink", new nn.Tanhshrink()], ["Softshrink", new nn.Softshrink(0.3)],
      ["Hardshrink", new nn.Hardshrink(0.3)], ["Threshold", new nn.Threshold(0.1, -2)], ["GLU", new nn.Sequential(new nn.GLU(), new nn.Linear(8, 16))],
    ];
    const options = { inputNames: ["x"], outputNames: ["y"], dynamicAxes: batchAxes(["x"], ["y"]) };
    for (const [name, act] of activations) {
      const model = new MLP(act);
      for (const opsetVersion of name === "Mish" || name === "ReLU" ? [17, 18] : [17]) {
        await check(model, [torch.randn(3, 6).mul(3)], { more: [[torch.randn(7, 6).mul(3)]], options: { ...options, opsetVersion } })
          .catch((e: Error) => { throw new Error(`${name} (opset ${opsetVersion}): ${e.message}`); });
      }
    }
  });

  test("the Fashion-MNIST CNN: Conv, BatchNorm, MaxPool, view(N, -1), Dropout, Gemm, log_softmax", async () => {
    torch.manualSeed(2);
    const model = new FashionCNN();
    torch.noGrad(() => {
      model.bn.running_mean!.copy_(torch.randn(16).mul(0.1));
      model.bn.running_var!.copy_(torch.rand(16).add(0.5));
    });
    const options: onnx.ExportOptions = { inputNames: ["image"], outputNames: ["logits"], dynamicAxes: batchAxes(["image"], ["logits"]) };
    const session = await check(model, [torch.randn(2, 1, 28, 28)], { more: [[torch.randn(5, 1, 28, 28)], [torch.randn(1, 1, 28, 28)]], options });
    assert.deepEqual(shapesOf(session), { image: ["batch", 1, 28, 28], logits: ["batch", 10] });
    const bytes = onnx.export(model, [torch.randn(2, 1, 28, 28)], null, options);
    const text = new TextDecoder("latin1").decode(bytes);
    for (const key of ["conv1.weight", "conv2.bias", "bn.running_mean", "bn.running_var", "fc1.weight", "fc2.bias"]) assert.ok(text.includes(key), `initializer ${key}`);
    // ModelProto.ir_version = 8, then the opset import of the default domain at 17.
    assert.deepEqual([bytes[0], bytes[1]], [0x08, 8]);
  });

  test("Conv1d/Conv2d (same padding, groups, dilation), ConvTranspose2d, MaxPool1d, AvgPool2d, AdaptiveAvgPool2d, AdaptiveMaxPool1d/2d", async () => {
    torch.manualSeed(11);
    await check(new ConvZoo(), [torch.randn(2, 3, 8, 6), torch.randn(2, 3, 10)], {
      more: [[torch.randn(3, 3, 8, 6), torch.randn(3, 3, 10)]],
      options: { dynamicAxes: { input_0: [0], input_1: [0] } },
    });
  });

  test("BatchNorm1d, LayerNorm (LayerNormalization), GroupNorm at opsets 17 and 18", async () => {
    torch.manualSeed(3);
    const model = new Norms();
    torch.noGrad(() => {
      model.bn1.running_mean!.copy_(torch.randn(6));
      model.bn1.running_var!.copy_(torch.rand(6).add(0.5));
      for (const p of model.parameters()) p.add_(torch.randn(p.shape).mul(0.1));
    });
    for (const opsetVersion of [17, 18]) {
      await check(model, [torch.randn(4, 6, 5)], {
        more: [[torch.randn(2, 6, 5)]],
        options: { opsetVersion, inputNames: ["x"], dynamicAxes: { x: { 0: "n" } } },
      });
    }
  });

  test("Embedding (Gather) with Dropout, dynamic batch and sequence length", async () => {
    torch.manualSeed(4);
    for (const opsetVersion of [17, 18]) {
      const session = await check(new Bag(), [torch.randint(0, 20, [3, 7])], {
        more: [[torch.randint(0, 20, [5, 2])]],
        options: { opsetVersion, inputNames: ["tokens"], dynamicAxes: { tokens: { 0: "batch", 1: "seq" }, output: { 0: "batch" } } },
      });
      assert.deepEqual(shapesOf(session), { tokens: ["batch", "seq"], output: ["batch", 3] });
    }
  });

  test("MultiheadAttention with a mask, sequence-first and batch-first", async () => {
    torch.manualSeed(5);
    const mask = (L: number): Tensor => torch.triu(torch.full([L, L], -1e9, { dtype: "float32" }), 1);
    await check(new SelfAttention(false), [torch.randn(5, 3, 16), mask(5)], {
      more: [[torch.randn(5, 6, 16), mask(5)]],
      options: { inputNames: ["x", "mask"], outputNames: ["y", "weights"], dynamicAxes: { x: { 1: "batch" }, y: { 1: "batch" }, weights: { 0: "batch" } } },
    });
    await check(new SelfAttention(true), [torch.randn(3, 5, 16), mask(5)], {
      more: [[torch.randn(2, 7, 16), mask(7)]],
      options: { inputNames: ["x", "mask"], dynamicAxes: { x: { 0: "batch", 1: "seq" }, mask: { 0: "seq", 1: "seq" } } },
    });
  });

  test("TransformerEncoderLayer (post-norm relu, pre-norm gelu)", async () => {
    torch.manualSeed(6);
    const mask = torch.triu(torch.full([6, 6], -Infinity), 1);
    for (const [normFirst, act] of [[false, "relu"], [true, "gelu"]] as const) {
      await check(new Encoder(normFirst, act), [torch.randn(2, 6, 16), mask], {
        more: [[torch.randn(5, 6, 16), mask]],
        options: { inputNames: ["src", "mask"], dynamicAxes: batchAxes(["src"], ["output"]) },
      });
    }
  });

  test("LSTM (2 layers, batch-first) and bidirectional GRU as ONNX LSTM/GRU: dynamic batch and sequence length", async () => {
    torch.manualSeed(7);
    const recurrent = new Recurrent();
    const options: onnx.ExportOptions = { inputNames: ["x"], dynamicAxes: { x: { 0: "batch", 1: "seq" } } };
    const session = await check(recurrent, [torch.randn(3, 4, 5)], { more: [[torch.randn(2, 9, 5)], [torch.randn(1, 1, 5)]], options });
    // Output dims that follow a dynamic input axis carry its name.
    assert.deepEqual(shapesOf(session), {
      x: ["batch", "seq", 5], output_0: ["seq", "batch", 12], output_1: [2, "batch", 8], output_2: [2, "batch", 8], output_3: [2, "batch", 6],
    });
    const text = new TextDecoder("latin1").decode(onnx.export(recurrent, [torch.randn(3, 4, 5)], null, options));
    assert.ok(text.includes("LSTM") && text.includes("GRU"), "ONNX LSTM and GRU nodes");
    torch.manualSeed(8);
    const withState = new RecurrentWithState();
    const args = (T: number, N: number): Tensor[] => [torch.randn(T, N, 4), torch.randn(2, N, 6), torch.randn(2, N, 6)];
    await check(withState, args(5, 2), {
      more: [args(3, 4)],
      options: { inputNames: ["x", "h0", "c0"], dynamicAxes: { x: { 0: "seq", 1: "batch" }, h0: { 1: "batch" }, c0: { 1: "batch" } } },
    });
  });

  test("reshape, permute, cat, slice, select, gather, index_select, stack, matmul broadcasting, softmax", async () => {
    torch.manualSeed(9);
    const idx = (n: number): Tensor => torch.randint(0, 6, [n, 4, 3]);
    for (const opsetVersion of [17, 18]) {
      await check(new Shapes(), [torch.randn(2, 4, 6), idx(2)], {
        more: [[torch.randn(5, 4, 6), idx(5)]],
        options: { opsetVersion, inputNames: ["x", "idx"], dynamicAxes: { x: { 0: "batch" }, idx: { 0: "batch" } } },
      });
    }
  });

  test("sort, argsort, topk, kthvalue and median as TopK (k from the shape along a dynamic dim), max/min along a dim, cumsum, flip", async () => {
    torch.manualSeed(12);
    for (const opsetVersion of [17, 18]) {
      await check(new Ordering(), [torch.randn(3, 4, 6)], {
        more: [[torch.randn(6, 4, 6)], [torch.randn(1, 4, 6)]],
        options: { opsetVersion, inputNames: ["x"], dynamicAxes: { x: { 0: "batch" } } },
      });
    }
  });

  test("F.interpolate and nn.Upsample as Resize: nearest, nearest-exact, (bi/tri)linear and bicubic, align_corners, size or scale_factor", async () => {
    torch.manualSeed(13);
    const session = await check(new Resizes(), [torch.randn(2, 2, 5, 4), torch.randn(2, 3, 6)], {
      more: [[torch.randn(4, 2, 5, 4), torch.randn(4, 3, 6)]],
      options: { inputNames: ["x", "s"], dynamicAxes: { x: { 0: "batch" }, s: { 0: "batch" } } },
    });
    // An explicit size keeps the batch dim dynamic.
    assert.deepEqual(shapesOf(session).output_1, ["batch", 2, 7, 10]);
    // Spatial dims may be dynamic too when a scale factor is given.
    class Scaled extends nn.Module {
      override forward(x: Tensor): Tensor[] {
        return [F.interpolate(x, { scaleFactor: 2 }), F.interpolate(x, { scaleFactor: 2, mode: "bilinear" }), F.interpolate(x, { scaleFactor: 3, mode: "nearest-exact" })];
      }
    }
    await check(new Scaled(), [torch.randn(1, 3, 4, 5)], {
      more: [[torch.randn(2, 3, 7, 3)]],
      options: { inputNames: ["x"], dynamicAxes: { x: { 0: "batch", 2: "h", 3: "w" } } },
    });
    // antialias=True: Resize's antialias attribute (opset 18), bilinear and bicubic (PIL's a = -0.5), down and up.
    class Antialias extends nn.Module {
      constructor(private readonly alignCorners = false) { super(); }
      override forward(x: Tensor): Tensor[] {
        const alignCorners = this.alignCorners;
        return [F.interpolate(x, { size: [2, 3], mode: "bilinear", antialias: true, alignCorners }), F.interpolate(x, { size: [1, 2], mode: "bicubic", antialias: true }),
          F.interpolate(x, { scaleFactor: 0.4, mode: "bilinear", antialias: true }), F.interpolate(x, { size: [9, 4], mode: "bicubic", antialias: true })];
      }
    }
    await check(new Antialias(), [torch.randn(2, 3, 7, 9)], {
      more: [[torch.randn(3, 3, 7, 9)]],
      options: { opsetVersion: 18, inputNames: ["x"], dynamicAxes: { x: { 0: "batch" } } },
    });
    assert.throws(() => onnx.export(new Antialias(), [torch.randn(1, 1, 4, 4)]), /interpolate: antialias=True needs opset 18 \(Resize's antialias attribute\); export with opsetVersion: 18/);
    assert.throws(() => onnx.export(new Antialias(true), [torch.randn(1, 1, 4, 4)], null, { opsetVersion: 18 }), /antialias=True with align_corners=True has no ONNX mapping/);
  });

  test("advanced indexing: Gather on one dim, GatherND for broadcast index tensors, negative indices, masks", async () => {
    torch.manualSeed(14);
    for (const opsetVersion of [17, 18]) {
      await check(new Indexing(), [torch.randn(3, 4, 6), torch.tensor([1, -1, 0], { dtype: "int64" })], {
        more: [[torch.randn(5, 4, 6), torch.tensor([-4, 2, 3, 3, -2], { dtype: "int64" })]],
        options: { opsetVersion, inputNames: ["x", "idx"], dynamicAxes: { x: { 0: "batch" }, idx: { 0: "m" } } },
      });
    }
  });

  test("asin/acos/atan, sinh/cosh, inverse hyperbolics, log2/log10/exp2, round/trunc/frac, repeat/tile", async () => {
    torch.manualSeed(15);
    await check(new MoreMath(), [torch.randn(2, 3, 4)], {
      more: [[torch.randn(5, 3, 4)]],
      options: { inputNames: ["x"], dynamicAxes: { x: { 0: "batch" } } },
    });
  });

  test("prod, logsumexp, vector norms (L1, L2, ±inf, 0, p), F.normalize, cosine_similarity", async () => {
    torch.manualSeed(16);
    for (const opsetVersion of [17, 18]) {
      await check(new Reductions(), [torch.randn(3, 4, 5)], {
        more: [[torch.randn(6, 4, 5)]],
        options: { opsetVersion, inputNames: ["x"], dynamicAxes: { x: { 0: "batch" } } },
      });
    }
  });

  test("roll (also along the dynamic dim), scatter/scatter_add (ScatterElements), all/any, var/std, bitwise_not, one_hot", async () => {
    torch.manualSeed(17);
    for (const opsetVersion of [17, 18]) {
      await check(new Rearrange(), [torch.randn(3, 4, 6)], {
        more: [[torch.randn(5, 4, 6)]],
        options: { opsetVersion, inputNames: ["x"], dynamicAxes: { x: { 0: "batch" } } },
      });
    }
  });

  test("scatter_reduce (sum, prod, mean at opset 17; amax, amin at 18; include_self either way; floats and int64; in place)", async () => {
    torch.manualSeed(19);
    const cases: [readonly ("sum" | "prod" | "mean" | "amax" | "amin")[], number][] = [[["sum", "prod", "mean"], 17], [["amax", "amin", "mean"], 18]];
    for (const [reduces, opsetVersion] of cases) {
      await check(new ScatterReduce(reduces), [torch.randn(3, 4, 6)], {
        more: [[torch.randn(5, 4, 6)]],
        options: { opsetVersion, inputNames: ["x"], dynamicAxes: { x: { 0: "batch" } } },
      });
    }
    const x = torch.randn(2, 4, 6);
    assert.throws(() => onnx.export(new ScatterReduce(["amax"]), [x], null, { opsetVersion: 17 }), /scatter_reduce with reduce=.amax. needs opset 18/);
  });

  test("fmod/remainder (floats and ints), div rounding modes, floor_divide, lerp, addcmul/addcdiv, nan_to_num, atan2", async () => {
    torch.manualSeed(18);
    await check(new Arithmetic(), [torch.randn(3, 4, 6)], {
      more: [[torch.randn(5, 4, 6)]],
      options: { inputNames: ["x"], dynamicAxes: { x: { 0: "batch" } } },
    });
  });

  test("InstanceNorm (weights repeated per batch element) and BatchNorm without running stats: batch statistics in the graph", async () => {
    torch.manualSeed(19);
    const model = new BatchStatistics();
    torch.noGrad(() => { for (const p of model.parameters()) p.add_(torch.randn(p.shape).mul(0.3)); });
    for (const opsetVersion of [17, 18]) {
      await check(model, [torch.randn(2, 3, 4, 5)], {
        more: [[torch.randn(4, 3, 4, 5)]],
        options: { opsetVersion, inputNames: ["x"], dynamicAxes: { x: { 0: "batch" } } },
      });
    }
  });

  test("cumprod (Scan, along any dim, ints and float64), diagonal (any offset and dims, dynamic others)", async () => {
    torch.manualSeed(21);
    for (const opsetVersion of [17, 18]) {
      await check(new ScansAndDiagonals(), [torch.randn(3, 4, 6)], {
        more: [[torch.randn(5, 4, 6)], [torch.randn(1, 4, 6)]],
        options: { opsetVersion, inputNames: ["x"], dynamicAxes: { x: { 0: "batch" } } },
      });
    }
    class DynamicDiagonal extends nn.Module {
      override forward(x: Tensor): Tensor { return x.diagonal(0, 0, 1); }
    }
    assert.throws(() => onnx.export(new DynamicDiagonal(), [torch.randn(3, 4)], null, { dynamicAxes: { input: [0] } }), /diagonal: the sizes of dims 0 and 1 must stay fixed/);
  });

  test("losses: mse, l1, smooth_l1, huber, binary cross-entropy (probabilities, logits, weights), cross_entropy, nll_loss, kl_div", async () => {
    torch.manualSeed(22);
    const labels = (n: number): Tensor => torch.randint(0, 6, [n]).maskedFill(torch.arange(n).remainder(3).eq(1), -100);
    for (const opsetVersion of [17, 18]) {
      await check(new Losses(), [torch.randn(4, 6), labels(4), torch.randn(4, 6)], {
        more: [[torch.randn(7, 6), labels(7), torch.randn(7, 6)]],
        options: { opsetVersion, inputNames: ["x", "labels", "y"], dynamicAxes: { x: { 0: "batch" }, labels: { 0: "batch" }, y: { 0: "batch" } } },
        tol: 2e-5,
      });
    }
  });

  test("writes through an index (ScatterND, Where for a filled mask) and index_put_ accumulating: a new value of the tensor", async () => {
    torch.manualSeed(23);
    for (const opsetVersion of [17, 18]) {
      await check(new Writes(), [torch.randn(3, 4, 6), torch.tensor([1, -1, 0], { dtype: "int64" }), torch.randn(3, 6)], {
        more: [[torch.randn(5, 4, 6), torch.tensor([-4, 2], { dtype: "int64" }), torch.randn(2, 6)]],
        options: { opsetVersion, inputNames: ["x", "idx", "v"], dynamicAxes: { x: { 0: "batch" }, idx: { 0: "m" }, v: { 0: "m" } } },
      });
    }
    class MaskFill extends nn.Module {
      override forward(x: Tensor): Tensor { const y = x.clone(); y.set([":", y.get(0).gt(0)], -1); return y; }
    }
    const maskFill = new TextDecoder("latin1").decode(onnx.export(new MaskFill(), [torch.randn(3, 4)]));
    assert.ok(maskFill.includes("Where") && !maskFill.includes("ScatterND"), "a mask filled with one value is a Where");
    await check(new MaskFill(), [torch.randn(3, 4)]);
    class BoolIndex extends nn.Module {
      override forward(x: Tensor): Tensor { const y = x.clone(); y.set([":", true], 1); return y; }
    }
    assert.throws(() => onnx.export(new BoolIndex(), [torch.randn(2, 3)]), /index_put: a Python bool among the indices of a write has no ONNX mapping/);
  });

  test("one_hot without num_classes reads the number of classes from the values (ReduceMax + 1)", async () => {
    class Inferred extends nn.Module {
      override forward(x: Tensor): Tensor { return F.oneHot(x); }
    }
    await check(new Inferred(), [torch.tensor([0, 2, 1], { dtype: "int64" })], {
      more: [[torch.tensor([4, 0, 6, 1, 1], { dtype: "int64" })], [torch.tensor([0], { dtype: "int64" })]],
      options: { dynamicAxes: { input: { 0: "n" }, output: { 0: "n", 1: "classes" } } },
    });
  });

  test("cummax/cummin (last index of ties, NaN sticks) and logcumsumexp (stable for ±inf and large values) as Scans, along a dynamic dim too", async () => {
    torch.manualSeed(24);
    for (const opsetVersion of [17, 18]) {
      await check(new RunningScans(), [runningScanInput(3, 4)], {
        more: [[runningScanInput(5, 7)], [runningScanInput(1, 2)]],
        options: { opsetVersion, inputNames: ["x"], dynamicAxes: { x: { 0: "batch", 1: "length" } } },
      });
    }
    class IntLogcumsumexp extends nn.Module {
      override forward(x: Tensor): Tensor { return x.to("int64").logcumsumexp(0); }
    }
    // The op itself refuses integers, as PyTorch does, before anything is traced.
    assert.throws(() => onnx.export(new IntLogcumsumexp(), [torch.randn(3)]), { message: `"logcumsumexp_out_cpu" not implemented for 'Long'` });
  });

  test("multilabel_margin_loss (targets ended by -1, duplicates, every reduction; the target read at run time)", async () => {
    class MultilabelMargin extends nn.Module {
      loss = new nn.MultiLabelMarginLoss({ reduction: "sum" });
      override forward(x: Tensor, t: Tensor): Tensor[] {
        return [F.multilabelMarginLoss(x, t), this.loss.call(x, t), F.multilabelMarginLoss(x, t, { reduction: "none" }),
          F.multilabelMarginLoss(x.get(0), t.get(-1), { reduction: "none" }), F.multilabelMarginLoss(x.get(-1), t.get(0))];
      }
    }
    const i64 = (v: number[][]): Tensor => torch.tensor(v, { dtype: "int64" });
    torch.manualSeed(25);
    const x = torch.randn(4, 5);
    x.set([2, 3], NaN);
    for (const opsetVersion of [17, 18]) {
      await check(new MultilabelMargin(), [torch.randn(3, 5), i64([[3, 0, -1, 1, 4], [0, 1, 2, 3, 4], [1, 1, -1, 2, 2]])], {
        more: [[x, i64([[-1, 0, 0, 0, 0], [4, 2, 2, -1, 0], [0, 3, 2, -1, -1], [2, 1, -1, 0, 0]])]],
        options: { opsetVersion, inputNames: ["x", "t"], dynamicAxes: { x: { 0: "n" }, t: { 0: "n" } } },
      });
    }
  });

  test("unique and unique_consecutive: one export runs inputs whose number of unique values differs, and declares those lengths dynamic", async () => {
    const rows = (v: number[][]): Tensor => torch.tensor(v, { dtype: "float32" });
    const session = await check(new Uniques(), [rows([[1, 3, 3, 4, 1], [2, 2, 0, 1, 1], [1, 3, 3, 4, 1]])], {
      more: [[rows([[5, 5, 5, 5, 5]])], [rows([[0, 1, 2, 3, 4], [NaN, NaN, 4, 4, -1], [0, 1, 2, 3, 4], [9, 9, 8, 8, 8]])]],
      options: { inputNames: ["x"], outputNames: ["values", "inverse", "counts"], dynamicAxes: { x: { 0: "n" } } },
    });
    const shapes = shapesOf(session);
    assert.deepEqual([shapes.values, shapes.inverse, shapes.counts], [["values_dim_0"], ["n", 5], ["counts_dim_0"]]);
  });

  test("log1p/expm1 exact for tiny values, logaddexp/logaddexp2, xlogy, hypot, sinc, logit (eps), deg2rad/rad2deg, fmax/fmin", async () => {
    const edge = [0, -0, 1e-10, -1e-10, 1e-30, 0.5, -0.5, 3, -3, 100, -100, 1e30, -1e30, Infinity, -Infinity, NaN, 88, -1, 0.999, 1e-40];
    const a = torch.tensor(edge), b = a.flip(0);
    // Relative to the value itself (the check's 1e-5 is absolute below 1): log1p(1e-10) computed as log(1 + 1e-10) is 0.
    const tiny = (t: Tensor): Tensor => t.abs().add(1e-30).log10().round();
    class Tiny extends nn.Module {
      override forward(x: Tensor): Tensor[] { return [tiny(x.log1p()), tiny(x.expm1()), tiny(torch.logaddexp(x, x.sub(70)).sub(x))]; }
    }
    await check(new Tiny(), [torch.tensor([1e-10, -3e-9, 1e-20, 2e-15])], { tol: 0 });
    await check(new PointwiseMath(), [a, b], { more: [[b.mul(0.5), a]], tol: 2e-7 });
  });

  test("add/sub/rsub with alpha (one traced op, exported as Mul then Add) and rsub", async () => {
    class Scaled extends nn.Module {
      override forward(x: Tensor, y: Tensor): Tensor[] {
        return [torch.add(x, y, { alpha: 0.3 }), x.sub(y, { alpha: -2 }), torch.rsub(x, y, { alpha: 1.5 }), torch.rsub(x, 2), x.add(1.5, { alpha: 3 })];
      }
    }
    torch.manualSeed(12);
    await check(new Scaled(), [torch.randn(3, 4), torch.randn(4)], { tol: 1e-6 });
  });

  test("nonzero, masked_select (their counts dynamic), take, searchsorted and bucketize, masked_scatter", async () => {
    const rows = (v: number[][]): Tensor => torch.tensor(v, { dtype: "float32" });
    const session = await check(new Selections(), [rows([[1, 0, 2], [0, 0, 3]])], {
      more: [[rows([[0, 0, 0], [0, NaN, -0.5], [5, 0, 0.25]])], [torch.zeros(1, 3)], [torch.randn(6, 3)]],
      options: { inputNames: ["x"], outputNames: ["rows"], dynamicAxes: { x: { 0: "n" } } },
    });
    assert.deepEqual(shapesOf(session).rows, ["rows_dim_0", 2]);
  });

  test("grid_sample as GridSample: every mode, padding mode and align_corners, grids beyond [-1, 1], nearest's ties to even", async () => {
    class GridSampling extends nn.Module {
      override forward(x: Tensor, g: Tensor): Tensor[] {
        const out: Tensor[] = [];
        for (const mode of ["bilinear", "nearest", "bicubic"] as const) {
          for (const paddingMode of ["zeros", "border", "reflection"] as const) {
            for (const alignCorners of [false, true]) out.push(F.gridSample(x, g, { mode, paddingMode, alignCorners }));
          }
        }
        return out;
      }
    }
    torch.manualSeed(27);
    const grid = (n: number): Tensor => torch.rand(n, 3, 5, 2).mul(3).sub(1.5);
    // x = ±0.75, ±0.25 on a width-5, height-4 input with align_corners: source positions k + 0.5 exactly.
    const ties = torch.tensor([[-0.75, -0.75], [-0.25, -0.25], [0.25, 0.25], [0.75, 0.75], [-0.6, 0.2]]).reshape(1, 1, 5, 2).expand(2, 3, 5, 2).contiguous();
    for (const opsetVersion of [17, 18]) {
      await check(new GridSampling(), [torch.randn(2, 3, 4, 5), grid(2)], {
        more: [[torch.randn(3, 3, 4, 5), grid(3)], [torch.randn(2, 3, 4, 5), ties]],
        options: { opsetVersion, inputNames: ["x", "g"], dynamicAxes: { x: { 0: "n" }, g: { 0: "n" } } },
      });
    }
  });

  test("index_add (alpha, repeated indices), index_copy, index_fill (negative and empty indices, a tensor value) with the index a graph input", async () => {
    class IndexWrites extends nn.Module {
      override forward(x: Tensor, idx: Tensor): Tensor[] {
        const i = (v: number[]): Tensor => torch.tensor(v, { dtype: "int64" });
        return [x.indexAdd(0, idx, x.get("0:3").mul(2)), x.indexAdd(1, i([2, 0, 2]), x.get(":", "1:4"), { alpha: -0.5 }), x.indexCopy(1, i([3, 1]), x.get(":", "0:2").neg()),
          x.indexFill(1, i([0, -1]), 7), x.indexFill(0, idx, torch.tensor(-2)), x.indexFill(1, i([]), 1), x.get(0, 0).indexAdd(0, i([0]), torch.tensor(3, { dtype: "float32" })),
          x.to("int64").indexAdd(1, i([1, 1]), x.get(":", "0:2").to("int64"))];
      }
    }
    torch.manualSeed(28);
    const i = (v: number[]): Tensor => torch.tensor(v, { dtype: "int64" });
    await check(new IndexWrites(), [torch.randn(4, 5), i([1, 1, 3])], {
      more: [[torch.randn(6, 5), i([0, 5, 0])]],
      options: { inputNames: ["x", "idx"], dynamicAxes: { x: { 0: "n" } } },
    });
  });

  test("bitwise and/or/xor: And/Or/Xor on bools (any opset), BitwiseAnd/Or/Xor on integers (opset 18)", async () => {
    class Bitwise extends nn.Module {
      override forward(a: Tensor): Tensor[] {
        const i = a.mul(9).to("int64"), m = a.gt(0);
        const masks = [torch.bitwiseAnd(m, a.lt(0.5)), torch.bitwiseOr(m, a.lt(-1)), torch.bitwiseXor(m, a.lt(0.5))];
        return this.ints ? [...masks, torch.bitwiseAnd(i, 6), torch.bitwiseOr(i, i.flip(0)), torch.bitwiseXor(i, -3), torch.bitwiseAnd(i.to("int32"), 5)] : masks;
      }
      constructor(readonly ints: boolean) { super(); }
    }
    torch.manualSeed(26);
    await check(new Bitwise(false), [torch.randn(6)], { more: [[torch.randn(9)]], options: { dynamicAxes: { input: [0] } } });
    await check(new Bitwise(true), [torch.randn(6)], { more: [[torch.randn(9)]], options: { opsetVersion: 18, dynamicAxes: { input: [0] } } });
    assert.throws(() => onnx.export(new Bitwise(true), [torch.randn(3)]), /bitwise_and: on int64 needs opset 18 \(BitwiseAnd\)/);
  });

  test("F.unfold (Gather of patch positions) and F.fold (ScatterElements-add): padding, stride, dilation, unbatched, unfold then fold", async () => {
    class Patches extends nn.Module {
      override forward(x: Tensor): Tensor[] {
        const cols = F.unfold(x, [2, 3], { padding: [1, 0], stride: [1, 2] });
        return [cols, F.unfold(x, 3, { dilation: [2, 1], padding: 1 }), F.unfold(x.get(0), [2, 2]), F.fold(cols, [5, 6], [2, 3], { padding: [1, 0], stride: [1, 2] }),
          F.fold(F.unfold(x, 2, { stride: 1 }), [5, 6], 2), F.fold(x.reshape(-1, 4, 15), [3, 6], 2, { stride: 1, dilation: [2, 1], padding: [1, 0] }), F.fold(x.get(0).reshape(4, 15), [4, 9], [2, 2], { stride: [1, 2], padding: [0, 1] })];
      }
    }
    torch.manualSeed(29);
    await check(new Patches(), [torch.randn(2, 2, 5, 6)], { more: [[torch.randn(3, 2, 5, 6)]], options: { dynamicAxes: { input: [0] } } });
  });

  test("F.embedding_bag: 2-d bags and offsets, sum/mean/max, per_sample_weights, padding_idx, include_last_offset, empty bags", async () => {
    class Bags extends nn.Module {
      emb = new nn.Embedding(10, 3);
      override forward(bags: Tensor, flat: Tensor, unsorted: Tensor): Tensor[] {
        const w = this.emb.weight;
        // Sorted in the model: the second trace moves the input's values (its first offset must stay 0).
        const offsets = unsorted.sort().values, weights = flat.to("float32").mul(0.25).sub(1);
        return [F.embeddingBag(bags, w), F.embeddingBag(bags, w, { mode: "sum", paddingIdx: 2 }), F.embeddingBag(bags, w, { mode: "max", paddingIdx: 0 }),
          F.embeddingBag(flat, w, offsets, { mode: "sum", perSampleWeights: weights }), F.embeddingBag(flat, w, offsets, { mode: "mean", paddingIdx: 4 }),
          F.embeddingBag(flat, w, offsets, { mode: "max" }), F.embeddingBag(flat, w, offsets, { mode: "sum", includeLastOffset: true, paddingIdx: 1 }),
          F.embeddingBag(flat, w, offsets, { mode: "max", includeLastOffset: true })];
      }
    }
    torch.manualSeed(30);
    const i = (v: number[] | number[][]): Tensor => torch.tensor(v, { dtype: "int64" });
    const model = new Bags();
    const flat = i([1, 4, 4, 9, 0, 2, 7, 4]);
    await check(model, [i([[2, 2, 5], [0, 1, 0]]), flat, i([3, 0, 6, 3])], {
      more: [[i([[2, 2, 2], [0, 0, 0], [3, 9, 8], [4, 4, 5]]), i([4, 4, 4, 3, 1]), i([0, 0, 1, 3, 5])]],
      options: { inputNames: ["bags", "flat", "offsets"], dynamicAxes: { bags: [0], flat: [0], offsets: [0] } },
    });
  });

  test("F.embedding / F.embedding_bag with max_norm: the graph scales the looked-up rows (also rows the trace never looked up)", async () => {
    class Renormed extends nn.Module {
      a = new nn.Embedding(10, 3); b = new nn.Embedding(10, 3); c = new nn.Embedding(10, 3); d = new nn.Embedding(10, 4);
      override forward(bags: Tensor): Tensor[] {
        return [F.embedding(bags, this.a.weight, { maxNorm: 1 }), F.embedding(bags, this.b.weight, { maxNorm: 1.5, normType: 1 }),
          F.embedding(bags, this.c.weight, { maxNorm: 0.5, normType: Infinity }).mul(2),
          F.embeddingBag(bags, this.d.weight, { maxNorm: 1, normType: 3, mode: "mean" })];
      }
    }
    torch.manualSeed(31);
    const i = (v: number[][]): Tensor => torch.tensor(v, { dtype: "int64" });
    await check(new Renormed(), [i([[1, 2], [2, 5]])], {
      more: [[i([[3, 4], [9, 1], [0, 7], [8, 6]])]],
      options: { inputNames: ["bags"], dynamicAxes: { bags: [0] } },
    });
  });

  test("diag_embed (offsets, dims in any order, a dynamic batch) and block_diag (numbers, vectors, a dynamic block height, mixed dtypes)", async () => {
    class Diagonals extends nn.Module {
      override forward(x: Tensor): Tensor[] {
        const v = x.get(0);
        return [torch.diagEmbed(x), torch.diagEmbed(x, 2), torch.diagEmbed(x, -1, 0, 2), torch.diagEmbed(x, 1, 2, 0), torch.diag(v.get(0), -2), torch.diagEmbed(x.log()),
          torch.blockDiag(v, x.get(":", 1), torch.tensor(7), torch.tensor([true, false]), x.get(0, 0).to("int64")), torch.blockDiag(v)];
      }
    }
    torch.manualSeed(31);
    await check(new Diagonals(), [torch.randn(2, 3, 4)], { more: [[torch.randn(5, 3, 4)]], options: { dynamicAxes: { input: [0] } } });
  });

  test("copysign, signbit (-0.0), heaviside, rrelu in eval, erfc in full precision far in the tail, remainder of a number by a tensor, nextafter (exact)", async () => {
    class Signs extends nn.Module {
      override forward(a: Tensor, b: Tensor): Tensor[] {
        return [torch.copysign(a, b), torch.copysign(a, -0.0), torch.copysign(a.mul(4).to("int64"), b), torch.signbit(a), torch.signbit(a.double()), torch.signbit(a.mul(3).to("int64")),
          torch.heaviside(a, b), torch.heaviside(a.round(), torch.tensor(0.5)), F.rrelu(a, 0.1, 0.3), torch.rrelu(a.double()), torch.erfc(a), torch.erfc(a.double().mul(9)).log(), torch.erfc(a.mul(0.3)),
          torch.remainder(2.5, b.nanToNum(3, 3, -3).abs().add(0.5))];
      }
    }
    const a = torch.tensor([0, -0, 1.5, -2, Infinity, -Infinity, 0.3, -0.9, 3.1, 0.8, 1.2, -3.05, 2.9]);
    const b = torch.tensor([-1, 2, -0, 0, -3, 1, -0.5, 0, 7, -Infinity, 0.1, 2, -0.01]);
    class Neighbours extends nn.Module {
      override forward(x: Tensor, y: Tensor): Tensor[] {
        return [torch.nextafter(x, y), torch.nextafter(y, x), torch.nextafter(x.double(), y.double()), torch.nextafter(x, torch.tensor(0)), torch.copysign(x.abs(), y)];
      }
    }
    const edges = torch.tensor([2 ** -149, -(2 ** -149), 2 ** -126, 3.4028234663852886e38, 1, -2, 0.75, 1e-40, 0, -0, Infinity, NaN, 8]);
    // Exactly: one ulp off is within any tolerance.
    await check(new Neighbours(), [edges, edges.flip(0).mul(-3)], { more: [[a, b], [torch.randn(20).mul(1e5), torch.randn(20)]], options: { inputNames: ["x", "y"], dynamicAxes: { x: { 0: "n" }, y: { 0: "n" } } }, tol: 0 });
    await check(new Signs(), [a, b], {
      more: [[b.flip(0).mul(2), a.flip(0)], [torch.randn(20).mul(3), torch.randn(20)]],
      options: { inputNames: ["a", "b"], dynamicAxes: { a: { 0: "n" }, b: { 0: "n" } } }, tol: 1e-6,
    });
  });

  test("erfc, erfinv, lgamma, digamma, i0 built in double: float32 results match over the whole range (poles, tails, ±inf, ±0, NaN)", async () => {
    class Special extends nn.Module {
      override forward(x: Tensor): Tensor[] {
        return [x.erfc(), x.mul(0.03).erfinv(), x.clamp(-1, 1).erfinv(), x.lgamma(), x.digamma(), x.i0(), x.double().lgamma(), x.double().i0(), x.double().erfc(), x.mul(3).to("int64").lgamma()];
      }
    }
    const grid: number[] = [0, -0, Infinity, -Infinity, NaN, 1, 2, -1, -2, -3, 10, 0.5, -0.5, 1e-30, -1e-30, 1e-8, 700, 713.5, 800, 1e30, -1e30, 1e20, -100.5, 0.9999999, -0.9999999, 27.5, -27.5, 29.9, 30.1, 14.99, 15, 9.999];
    for (let v = -40; v <= 40; v += 0.37) grid.push(v);
    for (let e = -20; e <= 60; e += 3) grid.push(2 ** e, -(2 ** e), -(2 ** e) + 0.3);
    const x = torch.tensor(grid);
    await check(new Special(), [x], { more: [[x.flip(0).mul(0.5)], [torch.randn(40).mul(10)]], options: { dynamicAxes: { input: [0] } }, tol: 1e-6 });
  });

  test("median and median(dim) propagate NaN, nanmedian skips it, mode (ties to the smallest, last index, NaN runs)", async () => {
    class Medians extends nn.Module {
      override forward(x: Tensor): Tensor[] {
        const ints = x.nanToNum(5).to("int64");
        // nanmedian's overloads are not typed apart: a dim gives (values, indices).
        const both = (r: unknown): Tensor[] => r as Tensor[];
        return [x.median(), x.get(0).median(), ...x.median(1), ...x.median(0, true), x.nanmedian() as Tensor, ...both(x.nanmedian(1)), ...both(x.nanmedian(0, true)), ...both(ints.nanmedian(1)),
          ...x.mode(1), ...x.mode(0, true), ...ints.mode(1), ...ints.median(0)];
      }
    }
    const nan = NaN;
    const x = torch.tensor([[1, nan, 3, 3, 0, 1], [2, 2, 5, 5, 1, 7], [nan, nan, nan, 4, 4, 4], [nan, nan, nan, nan, nan, nan]]);
    const y = torch.tensor([[0, 0, 1, 1, 2, 2], [3, nan, nan, 1, 3, nan], [6, 5, 4, 3, 2, 1]]);
    await check(new Medians(), [x], { more: [[y], [torch.randn(5, 6).round()]], options: { dynamicAxes: { input: [0] } } });
  });

  test("histc (given and data ranges, edges) and bincount (weights, minlength, its length from the values)", async () => {
    class Counts extends nn.Module {
      override forward(x: Tensor, idx: Tensor): Tensor[] {
        return [torch.histc(x, 4, -1, 1), torch.histc(x.nanToNum({ nan: 0.75 }), 6), torch.histc(x.double(), 3, 0, 0.5), torch.histc(x.nanToNum({ nan: 0 }).mul(0).add(2), 3),
          torch.bincount(idx), torch.bincount(idx, { minlength: 6 }), torch.bincount(idx, x.get(":", 0)), torch.bincount(idx, x.get(":", 0).double(), 8), torch.bincount(idx, idx)];
      }
    }
    const session = await check(new Counts(), [torch.tensor([[-1, 0.5], [1, 0.25], [NaN, -3], [-0.5, 1]]), torch.tensor([0, 3, 3, 1], { dtype: "int64" })], {
      more: [[torch.randn(7, 2), torch.tensor([9, 0, 0, 2, 2, 2, 1], { dtype: "int64" })], [torch.randn(2, 2), torch.tensor([1, 1], { dtype: "int64" })]],
      options: { inputNames: ["x", "idx"], outputNames: ["h1", "h2", "h3", "h4", "counts"], dynamicAxes: { x: { 0: "n" }, idx: { 0: "n" } } },
    });
    assert.deepEqual(shapesOf(session).counts, ["counts_dim_0"]);
    assert.deepEqual(shapesOf(session).h2, [6]);
  });

  test("in-place index_add_, index_copy_, index_fill_, scatter_, scatter_add_, masked_scatter_ become new values of the tensor they write", async () => {
    class InPlaceWrites extends nn.Module {
      override forward(x: Tensor, idx: Tensor): Tensor[] {
        const i = (v: number[]): Tensor => torch.tensor(v, { dtype: "int64" });
        const a = x.mul(2);
        a.indexAdd_(0, idx, x.get("0:3"), { alpha: 3 });
        const b = a.add(1);
        b.indexCopy_(1, i([4, 0]), b.get(":", "1:3"));
        b.indexFill_(1, i([-1]), -7);
        const c = x.exp();
        c.scatter_(1, x.argsort(1), x.neg());
        c.scatterAdd_(1, x.argsort(1).get(":", "0:2"), x.mul(3));
        c.scatter_(0, torch.tensor([[1, 0]], { dtype: "int64" }), 9.5);
        const d = x.clone();
        d.maskedScatter_(x.gt(0), x.mul(10));
        return [a, b, c.sum(1), d, a.mul(b)];
      }
    }
    torch.manualSeed(32);
    const i = (v: number[]): Tensor => torch.tensor(v, { dtype: "int64" });
    await check(new InPlaceWrites(), [torch.randn(4, 5), i([1, 1, 3])], { more: [[torch.randn(6, 5), i([0, 5, 0])]], options: { inputNames: ["x", "idx"], dynamicAxes: { x: [0] } } });
  });

  test("an op with no ONNX mapping fails the export naming the op", () => {
    assert.throws(() => onnx.export(new BesselI1(), [torch.randn(2, 3)]), /op 'special_i1' has no ONNX mapping/);
  });

  test("writes the file, and returns the bytes without a path", async () => {
    torch.manualSeed(10);
    const dir = mkdtempSync(join(tmpdir(), "torch-ts-onnx-"));
    try {
      const path = join(dir, "mlp.onnx");
      const model = new MLP(new nn.Tanh());
      const bytes = onnx.export(model, torch.randn(2, 6), path, { opsetVersion: 18 });
      assert.deepEqual(readFileSync(path), Buffer.from(bytes));
      const session = await ort.InferenceSession.create(path);
      assert.deepEqual(session.inputNames, ["input"]);
      assert.deepEqual(session.outputNames, ["output"]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("argument errors", () => {
    const model = new MLP(new nn.ReLU());
    const x = torch.randn(2, 6);
    assert.throws(() => onnx.export(model, [x], null, { opsetVersion: 16 }), /opset_version 16 is not supported; use 17 or 18/);
    assert.throws(() => onnx.export(model, [x], null, { inputNames: ["a", "b"] }), /inputNames has 2 names but there are only 1 inputs/);
    assert.throws(() => onnx.export(model, [x], null, { dynamicAxes: { nope: [0] } }), /dynamicAxes names 'nope'/);
    assert.throws(() => onnx.export(model, [x], null, { dynamicAxes: { input: [2] } }), /axis 2 is out of range/);
    assert.throws(() => onnx.export(model, [x], null, { verbose: true } as onnx.ExportOptions), /unexpected keyword argument 'verbose'/);
    assert.throws(() => onnx.export(model, [], null), /at least one tensor/);
  });

  test("what a trace cannot represent is refused, not baked in; the trace is always cleaned up", () => {
    class Untraced extends nn.Module {
      fc = new nn.Linear(3, 3);
      override forward(x: Tensor): Tensor { return this.fc.call(x).mul(Number(x.abs().sum().item())); }
    }
    class SetItem extends nn.Module {
      fc = new nn.Linear(3, 3);
      // A write into a view of y is a new value of the view, not of y.
      override forward(x: Tensor): Tensor { const y = this.fc.call(x); y.get(0).set([0], 0); return y; }
    }
    class Aliased extends nn.Module {
      fc = new nn.Linear(3, 3);
      override forward(x: Tensor): Tensor { const y = this.fc.call(x); const v = y.view(-1); y.relu_(); return v.add(1); }
    }
    class FilledThenViewed extends nn.Module {
      fc = new nn.Linear(3, 3);
      // A view shares its input's memory but writes nothing: the untraced fill must still be caught.
      override forward(x: Tensor): Tensor { const y = this.fc.call(x); y.fill_(2); return y.t().add(1); }
    }
    class Loop extends nn.Module {
      override forward(x: Tensor): Tensor { return torch.stack(x.unbind(0).map((r) => r.mul(2)), 0); }
    }
    const model = new Untraced();
    model.train();
    assert.throws(() => onnx.export(model, [torch.randn(4, 3)]), /a tensor used by mul depends on the values of the model's inputs but is a constant in the trace/);
    assert.equal(model.training, true, "training mode restored");
    assert.equal(tracing.on, false, "trace removed after a failed export");
    assert.throws(() => onnx.export(new SetItem(), [torch.randn(4, 3)]), /an output of the model was modified in place by setitem/);
    assert.throws(() => onnx.export(new Aliased(), [torch.randn(4, 3)]), /add reads a tensor that relu_ modified in place/);
    assert.throws(() => onnx.export(new FilledThenViewed(), [torch.randn(4, 3)]), /transpose reads a tensor that fill_ modified in place/);
    assert.throws(() => onnx.export(new Loop(), [torch.randn(4, 3)], null, { dynamicAxes: { input: [0] } }), /ran differently when the dynamic axes were resized/);
    assert.ok(onnx.export(new Loop(), [torch.randn(4, 3)]).length > 0, "the same loop over a fixed size exports");
  });
});
