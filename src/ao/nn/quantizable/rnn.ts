// torch.ao.nn.quantizable.LSTMCell / LSTM (PyTorch 1.13's quantizable/modules/rnn.py): the LSTM
// rebuilt from Linear and FloatFunctional pieces so that prepare puts an observer on every gate
// (layers.0.layer_fw.cell.igates, ...), and torch.ao.nn.quantized.LSTM, what convert makes of an
// observed one (its pieces swapped for quantized Linear / QFunctional; sigmoid and tanh run on
// quantized tensors with their fixed output parameters). The same forward serves float, observed
// and quantized modules: the tensors' kind decides.
import type { Tensor } from "../../../core/tensor.js";
import { float32, quint8 } from "../../../core/dtype.js";
import { Module } from "../../../nn/module.js";
import { type Args } from "../../../ops/args.js";
import { bindCtor } from "../../../nn/modules/utils.js";
import { Parameter } from "../../../nn/parameter.js";
import { ModuleList } from "../../../nn/modules/container.js";
import { Linear } from "../../../nn/modules/linear.js";
import { LSTM as FloatLSTM, LSTMCell as FloatLSTMCell } from "../../../nn/modules/rnn.js";
import { zeros } from "../../../ops/creation.js";
import { quantizePerTensor } from "../../../ops/quantize.js";
import { cat, stack } from "../../../ops/shape-join.js";
import { FloatFunctional } from "../quantized/functional-modules.js";
import { type QConfig } from "../../quantization/qconfig.js";
import { convert, prepare } from "../../quantization/quantize.js";

type LSTMState = [Tensor, Tensor];
type WithQconfig = { qconfig?: QConfig | null };

/** torch.ao.nn.quantizable.LSTMCell: the gates as two Linears and FloatFunctionals. */
export class QuantizableLSTMCell extends Module {
  readonly inputSize: number;
  readonly hiddenSize: number;
  readonly bias: boolean;
  igates: Linear;
  hgates: Linear;
  gates = new FloatFunctional();
  fgate_cx = new FloatFunctional();
  igate_cgate = new FloatFunctional();
  fgate_cx_igate_cgate = new FloatFunctional();
  ogate_cy = new FloatFunctional();

  constructor(...args: Args<[inputDim: number, hiddenDim: number, bias?: boolean], { inputDim?: number; hiddenDim?: number; bias?: boolean }>) {
    super();
    const a = bindCtor("QuantizableLSTMCell", args, ["inputDim", "hiddenDim", "bias"], 2);
    const inputDim = a.inputDim as number, hiddenDim = a.hiddenDim as number, bias = (a.bias as boolean | undefined) ?? true;
    for (const [n, v] of [["input_dim", inputDim], ["hidden_dim", hiddenDim]] as const) {
      if (!Number.isInteger(v) || v < 0) throw new Error(`QuantizableLSTMCell: ${n} must be a non-negative int, got ${String(v)}`);
    }
    this.inputSize = inputDim;
    this.hiddenSize = hiddenDim;
    this.bias = bias;
    this.igates = new Linear(inputDim, 4 * hiddenDim, bias);
    this.hgates = new Linear(hiddenDim, 4 * hiddenDim, bias);
  }

  override forward(x: Tensor, hidden: [Tensor | null, Tensor | null] | null = null): LSTMState {
    const [hx, cx] = hidden === null || hidden[0] === null || hidden[1] === null ? this.initializeHidden(x.shape[0]!, x.isQuantized) : hidden as LSTMState;
    const gates = this.gates.add(this.igates.call(x), this.hgates.call(hx));
    const [i, f, g, o] = gates.chunk(4, 1) as [Tensor, Tensor, Tensor, Tensor];
    const cy = this.fgate_cx_igate_cgate.add(this.fgate_cx.mul(f.sigmoid(), cx), this.igate_cgate.mul(i.sigmoid(), g.tanh()));
    const hy = this.ogate_cy.mul(o.sigmoid(), cy.tanh());
    return [hy, cy];
  }

  /** Zero (h, c) of [batch, hidden]; quantized (scale 1, zero point 0, quint8) for a quantized input. */
  initializeHidden(batchSize: number, isQuantized = false): LSTMState {
    const h = zeros([batchSize, this.hiddenSize]), c = zeros([batchSize, this.hiddenSize]);
    if (!isQuantized) return [h, c];
    return [quantizePerTensor(h, 1.0, 0, quint8), quantizePerTensor(c, 1.0, 0, quint8)];
  }

  /** A cell with the given weights (wi: [4H, I], wh: [4H, H]) and biases (both or neither). */
  static fromParams(wi: Tensor, wh: Tensor, bi: Tensor | null = null, bh: Tensor | null = null): QuantizableLSTMCell {
    if ((bi === null) !== (bh === null)) throw new Error("QuantizableLSTMCell.from_params: bi and bh must be both given or both None");
    const cell = new QuantizableLSTMCell(wi.shape[1]!, wh.shape[1]!, bi !== null);
    cell.igates.weight = new Parameter(wi);
    cell.hgates.weight = new Parameter(wh);
    if (bi !== null) cell.igates.bias = new Parameter(bi);
    if (bh !== null) cell.hgates.bias = new Parameter(bh);
    return cell;
  }

  /** From a float nn.LSTMCell with a qconfig (the observed cell; its Linears get the qconfig too). */
  static fromFloat(other: Module): QuantizableLSTMCell {
    if (other.constructor !== FloatLSTMCell) throw new Error(`QuantizableLSTMCell.from_float: expected a torch.nn.LSTMCell, got ${other.constructor.name}`);
    const qconfig = (other as Module & WithQconfig).qconfig;
    if (qconfig === undefined) throw new Error("The float module must have 'qconfig'");
    const f = other as FloatLSTMCell, cell = QuantizableLSTMCell.fromParams(f.weight_ih, f.weight_hh, f.bias_ih, f.bias_hh);
    for (const m of [cell, cell.igates, cell.hgates]) (m as Module & WithQconfig).qconfig = qconfig;
    return cell;
  }
}

/** One direction of one layer: the cell over the sequence (dim 0). */
export class _LSTMSingleLayer extends Module {
  cell: QuantizableLSTMCell;
  constructor(inputDim: number, hiddenDim: number, bias = true) {
    super();
    this.cell = new QuantizableLSTMCell(inputDim, hiddenDim, bias);
  }
  override forward(x: Tensor, hidden: [Tensor | null, Tensor | null] | null = null): [Tensor, LSTMState] {
    const result: Tensor[] = [];
    let state = hidden;
    for (const xx of x.unbind(0)) {
      state = this.cell.call(xx, state);
      result.push(state[0]!);
    }
    return [stack(result, 0), state as LSTMState];
  }
  static fromParams(wi: Tensor, wh: Tensor, bi: Tensor | null = null, bh: Tensor | null = null): _LSTMSingleLayer {
    const cell = QuantizableLSTMCell.fromParams(wi, wh, bi, bh);
    const layer = new _LSTMSingleLayer(cell.inputSize, cell.hiddenSize, cell.bias);
    layer.cell = cell;
    return layer;
  }
}

/** One layer, both directions when bidirectional (layer_fw, layer_bw). */
export class _LSTMLayer extends Module {
  readonly batchFirst: boolean;
  readonly bidirectional: boolean;
  layer_fw: _LSTMSingleLayer;
  declare layer_bw?: _LSTMSingleLayer;
  constructor(inputDim: number, hiddenDim: number, bias = true, batchFirst = false, bidirectional = false) {
    super();
    this.batchFirst = batchFirst;
    this.bidirectional = bidirectional;
    this.layer_fw = new _LSTMSingleLayer(inputDim, hiddenDim, bias);
    if (bidirectional) this.layer_bw = new _LSTMSingleLayer(inputDim, hiddenDim, bias);
  }

  override forward(x: Tensor, hidden: [Tensor | null, Tensor | null] | null = null): [Tensor, LSTMState] {
    if (this.batchFirst) x = x.transpose(0, 1);
    let [hxFw, cxFw] = hidden ?? [null, null];
    let hiddenBw: LSTMState | null = null;
    if (this.bidirectional) {
      // A bidirectional layer's h and c are [2, batch, hidden]: forward first.
      const hxBw = hxFw === null ? null : hxFw.get(1), cxBw = cxFw === null ? null : cxFw.get(1);
      if (hxFw !== null) hxFw = hxFw.get(0);
      if (cxFw !== null) cxFw = cxFw.get(0);
      if (hxBw !== null && cxBw !== null) hiddenBw = [hxBw, cxBw];
    }
    const [resultFw, stateFw] = this.layer_fw.call(x, hxFw === null && cxFw === null ? null : [hxFw, cxFw]);
    let result = resultFw, h = stateFw[0], c = stateFw[1];
    if (this.bidirectional && this.layer_bw) {
      const [rev, stateBw] = this.layer_bw.call(x.flip(0), hiddenBw);
      result = cat([resultFw, rev.flip(0)], resultFw.dim() - 1);
      h = stack([stateFw[0], stateBw[0]], 0);
      c = stack([stateFw[1], stateBw[1]], 0);
    }
    if (this.batchFirst) result = result.transpose(0, 1);
    return [result, [h, c]];
  }

  /** The layer `layerIdx` of a float nn.LSTM (there is no float layer class: prepare's step). */
  static fromFloat(other: FloatLSTM, layerIdx = 0, qconfig: QConfig | null = null, batchFirst: boolean = other.batchFirst): _LSTMLayer {
    const own = (other as FloatLSTM & WithQconfig).qconfig;
    if (own === undefined && qconfig === null) throw new Error("_LSTMLayer.from_float: the float module must have 'qconfig' or one must be given");
    const layer = new _LSTMLayer(other.inputSize, other.hiddenSize, other.bias, batchFirst, other.bidirectional);
    (layer as _LSTMLayer & WithQconfig).qconfig = own !== undefined ? own : qconfig;
    const rec = other as unknown as Record<string, Tensor | null | undefined>;
    const params = (sfx: string): [Tensor, Tensor, Tensor | null, Tensor | null] =>
      [rec[`weight_ih_l${layerIdx}${sfx}`]!, rec[`weight_hh_l${layerIdx}${sfx}`]!, rec[`bias_ih_l${layerIdx}${sfx}`] ?? null, rec[`bias_hh_l${layerIdx}${sfx}`] ?? null];
    layer.layer_fw = _LSTMSingleLayer.fromParams(...params(""));
    if (other.bidirectional) layer.layer_bw = _LSTMSingleLayer.fromParams(...params("_reverse"));
    return layer;
  }
}

export interface QuantizableLSTMOptions { inputSize?: number; hiddenSize?: number; numLayers?: number; bias?: boolean; batchFirst?: boolean; dropout?: number; bidirectional?: boolean }
type LSTMArgs = Args<[inputSize: number, hiddenSize: number, numLayers?: number, bias?: boolean, batchFirst?: boolean, dropout?: number, bidirectional?: boolean], QuantizableLSTMOptions>;

/** torch.ao.nn.quantizable.LSTM: layers of _LSTMLayer (no projections; dropout is ignored, as PyTorch's). */
export class QuantizableLSTM extends Module {
  readonly inputSize: number;
  readonly hiddenSize: number;
  readonly numLayers: number;
  readonly bias: boolean;
  readonly batchFirst: boolean;
  readonly dropout: number;
  readonly bidirectional: boolean;
  layers: ModuleList;

  constructor(...args: LSTMArgs) {
    super();
    const a = bindCtor("QuantizableLSTM", args, ["inputSize", "hiddenSize", "numLayers", "bias", "batchFirst", "dropout", "bidirectional"], 2) as QuantizableLSTMOptions;
    const { inputSize = 0, hiddenSize = 0, numLayers = 1, bias = true, batchFirst = false, dropout = 0, bidirectional = false } = a;
    if (typeof dropout !== "number" || !(dropout >= 0 && dropout <= 1)) {
      throw new Error("dropout should be a number in range [0, 1] representing the probability of an element being zeroed");
    }
    if (!Number.isInteger(numLayers) || numLayers < 1) throw new Error(`QuantizableLSTM: num_layers must be a positive int, got ${String(numLayers)}`);
    this.inputSize = inputSize;
    this.hiddenSize = hiddenSize;
    this.numLayers = numLayers;
    this.bias = bias;
    this.batchFirst = batchFirst;
    this.dropout = dropout;
    this.bidirectional = bidirectional;
    this.training = false; // not for training, as PyTorch's
    if (dropout > 0) {
      console.warn("UserWarning: dropout option for quantizable LSTM is ignored. If you are training, please, use nn.LSTM version followed by `prepare` step.");
      if (numLayers === 1) console.warn(`UserWarning: dropout option adds dropout after all but last recurrent layer, so non-zero dropout expects num_layers greater than 1, but got dropout=${dropout} and num_layers=${numLayers}`);
    }
    const layers = [new _LSTMLayer(inputSize, hiddenSize, bias, false, bidirectional)];
    for (let l = 1; l < numLayers; l++) layers.push(new _LSTMLayer(hiddenSize, hiddenSize, bias, false, bidirectional));
    this.layers = new ModuleList(layers);
  }

  /** forward(x, hidden?) → [output, [h_n, c_n]]; hidden as nn.LSTM's ([layers·dirs, batch, hidden] each) or a list of per-layer pairs. */
  override forward(x: Tensor, hidden: LSTMState | LSTMState[] | null = null): [Tensor, LSTMState] {
    if (this.batchFirst) x = x.transpose(0, 1);
    const batch = x.size(1), dirs = this.bidirectional ? 2 : 1;
    let hxcx: [Tensor | null, Tensor | null][];
    if (hidden === null) {
      let z = zeros([dirs, batch, this.hiddenSize], { dtype: float32 }).squeeze(0);
      if (x.isQuantized) z = quantizePerTensor(z, 1.0, 0, x.dtype);
      hxcx = Array.from({ length: this.numLayers }, () => [z, z]);
    } else if (isStatePair(hidden)) {
      const split = (t: Tensor): Tensor[] => t.reshape(this.numLayers, dirs, batch, this.hiddenSize).unbind(0).map((s) => s.squeeze(0));
      const hx = split(hidden[0]), cx = split(hidden[1]);
      hxcx = hx.map((h, i) => [h, cx[i]!]);
    } else {
      hxcx = hidden;
    }
    const hs: Tensor[] = [], cs: Tensor[] = [];
    [...this.layers].forEach((layer, idx) => {
      const [y, [h, c]] = (layer as _LSTMLayer).call(x, hxcx[idx]!);
      x = y;
      hs.push(h);
      cs.push(c);
    });
    // Bidirectional layers add a dim: fold it into the first.
    const fold = (t: Tensor): Tensor => t.reshape(-1, t.shape[t.dim() - 2]!, t.shape[t.dim() - 1]!);
    const hn = fold(stack(hs)), cn = fold(stack(cs));
    if (this.batchFirst) x = x.transpose(0, 1);
    return [x, [hn, cn]];
  }

  /** The observed LSTM of a float nn.LSTM with a qconfig (or the one given): its weights per layer, prepared. */
  static fromFloat(other: Module, qconfig: QConfig | null = null): QuantizableLSTM {
    if (!(other instanceof FloatLSTM)) throw new Error(`QuantizableLSTM.from_float: expected a torch.nn.LSTM, got ${other.constructor.name}`);
    const own = (other as FloatLSTM & WithQconfig).qconfig;
    if (!own && !qconfig) throw new Error("QuantizableLSTM.from_float: the float module must have 'qconfig' or one must be given");
    if (other.projSize > 0) throw new Error("QuantizableLSTM.from_float: an LSTM with projections (proj_size > 0) is not supported");
    const observed = new this(other.inputSize, other.hiddenSize, {
      numLayers: other.numLayers, bias: other.bias, batchFirst: other.batchFirst, dropout: other.dropout, bidirectional: other.bidirectional,
    });
    (observed as QuantizableLSTM & WithQconfig).qconfig = own !== undefined ? own : qconfig;
    const layers = Array.from({ length: other.numLayers }, (_, idx) => _LSTMLayer.fromFloat(other, idx, qconfig, false));
    observed.layers = new ModuleList(layers);
    observed.eval();
    return prepare(observed, { inplace: true });
  }

  /** PyTorch's: the quantizable LSTM is made from a float one only. */
  static fromObserved(_other: Module): Module {
    throw new Error("NotImplementedError: It looks like you are trying to convert a non-quantizable LSTM module. Please, see the examples on quantizable LSTMs.");
  }
}

function isStatePair(h: LSTMState | LSTMState[]): h is LSTMState {
  return !Array.isArray(h[0]);
}

/** torch.ao.nn.quantized.LSTM: a quantizable LSTM after convert (quint8 in and out). */
export class QuantizedLSTM extends QuantizableLSTM {
  /** PyTorch's: the quantized LSTM is made from an observed (quantizable) one only. */
  static override fromFloat(_other: Module): never {
    throw new Error("NotImplementedError: It looks like you are trying to convert a non-observed LSTM module. Please, see the examples on quantizable LSTMs.");
  }
  /** The observed LSTM's pieces quantized by their observers (convert), as a QuantizedLSTM. */
  static override fromObserved(other: Module): QuantizedLSTM {
    if (other.constructor !== QuantizableLSTM) throw new Error(`QuantizedLSTM.from_observed: expected a torch.ao.nn.quantizable.LSTM, got ${other.constructor.name}`);
    const converted = convert(other, { inplace: false, removeQconfig: true });
    return Object.setPrototypeOf(converted, QuantizedLSTM.prototype) as QuantizedLSTM;
  }
}
