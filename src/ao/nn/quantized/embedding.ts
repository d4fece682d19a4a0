// torch.ao.nn.quantized.Embedding and EmbeddingBag: a quint8 or quint4x2 weight with a float scale
// and zero point per row (per_channel_affine_float_qparams), packed as
// torch.ops.quantized.embedding_bag_prepack does, looked up by embedding_byte / embedding_4bit.
// State dict as PyTorch's: _packed_params.dtype and _packed_params._packed_weight.
// Where PyTorch 1.13 mixes dtypes (its constructor packs a quint8 placeholder whatever the dtype, and
// Embedding.from_float makes a quint8 module around a quint4x2 weight, whose lookups then fail or
// read the bytes wrongly), torch-ts keeps the module's dtype and its weight's the same.
import { Tensor } from "../../../core/tensor.js";
import { DType, float32, quint4x2, quint8 } from "../../../core/dtype.js";
import { noGrad } from "../../../autograd/grad-mode.js";
import { Module } from "../../../nn/module.js";
import { Embedding as FloatEmbedding, EmbeddingBag as FloatEmbeddingBag } from "../../../nn/modules/sparse.js";
import { ones, zeros } from "../../../ops/creation.js";
import { perChannelAffineFloatQparams, quantizePerChannel } from "../../../ops/quantize.js";
import { EmbeddingPackedParams, quantizedEmbeddingBagByte } from "../../../ops/quantized-embedding.js";
import { embedding4bit, embeddingBag4bit } from "../../../ops/quantized-namespace.js";
import { defaultFloatQparamsObserver } from "../../quantization/defaults.js";
import type { Observed } from "./float-observed.js";
import { type WeightObserver, asWeightObserver } from "./weight.js";
import { Embedding as QatEmbedding } from "../qat/embedding.js";

/** The weight the constructor starts with: scales 1, zero points 0 (all integers 0). */
function emptyWeight(rows: number, cols: number, dtype: DType): Tensor {
  return quantizePerChannel(zeros(rows, cols), ones(rows), zeros(rows), 0, dtype);
}

/** torch.ao.nn.quantized.Embedding(num_embeddings, embedding_dim, ..., _weight=None, dtype=quint8). */
export class Embedding extends Module {
  override _getName(): string { return "QuantizedEmbedding"; }
  /** PyTorch's state-dict version. */
  static _version = 1;
  /** @internal */ _packed: EmbeddingPackedParams;
  readonly dtype: DType;
  constructor(readonly numEmbeddings: number, readonly embeddingDim: number, options: { weight?: Tensor; dtype?: DType } = {}) {
    super();
    this.dtype = options.dtype ?? quint8;
    if (this.dtype !== quint8 && this.dtype !== quint4x2) throw new Error(`Unsupported dtype on quantized embedding! Supports quint8 and quint4x2. Got dtype: ${this.dtype}`);
    const w = options.weight ?? emptyWeight(numEmbeddings, embeddingDim, this.dtype);
    if (w.shape.join() !== [numEmbeddings, embeddingDim].join()) throw new Error("Shape of weight does not match num_embeddings and embedding_dim");
    this._packed = new EmbeddingPackedParams(w);
  }
  /** Packs a new float-qparams weight of the module's dtype. */
  setWeight(w: Tensor): void {
    if (w instanceof Tensor && w.dtype !== this.dtype) throw new Error(`${this._getName()}: expected a ${this.dtype} weight, got ${w.dtype}`);
    this._packed = new EmbeddingPackedParams(w);
  }
  /** The quantized weight. */
  weight(): Tensor { return this._packed.unpack(); }
  override forward(indices: Tensor): Tensor {
    if (this.dtype === quint4x2) return embedding4bit(this._packed, indices);
    return quantizedEmbeddingBagByte("quantized::embedding_byte", this._packed, indices, null, null, false, true);
  }
  override extraRepr(): string {
    return `num_embeddings=${this.numEmbeddings}, embedding_dim=${this.embeddingDim}, dtype=${this.dtype}, qscheme=${this.weight().qscheme()}`;
  }
  override _extraState(): [string, unknown][] { return [["_packed_params.dtype", this.dtype], ["_packed_params._packed_weight", this._packed.unpack()]]; }
  /** PyTorch's EmbeddingPackedParams submodule is at version 1. */
  override _extraVersions(): [string, number][] { return [["_packed_params", 1]]; }
  override _loadExtraState(get: (name: string) => unknown): void {
    const w = get("_packed_params._packed_weight"), dtype = get("_packed_params.dtype");
    // PyTorch takes the dtype from the state dict.
    if (dtype instanceof DType && (dtype === quint8 || dtype === quint4x2)) (this as { dtype: DType }).dtype = dtype;
    if (w instanceof Tensor) this.setWeight(w);
  }
  /** PyTorch's from_float: the weight observed per row by the qconfig's weight observer (float qparams). */
  static fromFloat(mod: Module): Embedding {
    if (hasFakeQuant(mod)) {
      if (mod.constructor !== QatEmbedding) throw new Error(`nnq.${this.name}.from_float with fake quant only works for ${QatEmbedding.name}`);
    } else if (mod.constructor !== FloatEmbedding) throw new Error(`nnq.${this.name}.from_float only works for ${FloatEmbedding.name}`);
    const f = mod as FloatEmbedding;
    const weight = quantizeEmbeddingWeight(f.weight, mod, this.name);
    const out = new Embedding(f.numEmbeddings, f.embeddingDim, { dtype: weight.dtype });
    out.setWeight(weight);
    return out;
  }
}

/** A QAT embedding: its trained weight_fake_quant quantizes the weight. */
function hasFakeQuant(mod: Module): mod is Module & { weight_fake_quant: Module } {
  return (mod as { weight_fake_quant?: unknown }).weight_fake_quant instanceof Module;
}

/**
 * Observes the float weight and quantizes it per row with float zero points (PyTorch's
 * _quantize_weight): by the qconfig's weight observer, or a QAT module's weight_fake_quant.
 */
function quantizeEmbeddingWeight(weight: Tensor, mod: Module, cls: string): Tensor {
  let observer: WeightObserver;
  if (hasFakeQuant(mod)) observer = asWeightObserver(mod.weight_fake_quant);
  else {
    const qconfig = (mod as Module & Observed).qconfig;
    if (qconfig === undefined) throw new Error(`${cls} input float module must have qconfig defined`);
    observer = asWeightObserver(qconfig?.weight ? qconfig.weight() : defaultFloatQparamsObserver());
  }
  if (observer.qscheme !== perChannelAffineFloatQparams) throw new Error(`${cls} quantization is only supported with float_qparams_weight_only_qconfig.`);
  if (observer.dtype !== quint8 && observer.dtype !== quint4x2) throw new Error(`The only supported dtype for nnq.${cls} is torch.quint8 and torch.quint4x2, got ${observer.dtype}`);
  return noGrad(() => {
    const w = weight.detach().to(float32);
    observer.call(w);
    const [scales, zeroPoints] = observer.calculateQparams();
    return quantizePerChannel(w, scales.to(float32), zeroPoints.to(float32), 0, observer.dtype);
  });
}

/** torch.ao.nn.quantized.EmbeddingBag: sums of bags (PyTorch's quantized kernel sums whatever the mode). */
export class EmbeddingBag extends Embedding {
  override _getName(): string { return "QuantizedEmbeddingBag"; }
  readonly mode: string;
  readonly includeLastOffset: boolean;
  constructor(numEmbeddings: number, embeddingDim: number, options: { mode?: "sum" | "mean" | "max"; includeLastOffset?: boolean; weight?: Tensor; dtype?: DType } = {}) {
    super(numEmbeddings, embeddingDim, options);
    this.mode = options.mode ?? "sum";
    this.includeLastOffset = options.includeLastOffset ?? false;
  }
  override forward(indices: Tensor, offsets: Tensor | null = null, perSampleWeights: Tensor | null = null): Tensor {
    if (this.dtype === quint4x2) return embeddingBag4bit(this._packed, indices, offsets, false, 0, false, perSampleWeights, null, this.includeLastOffset);
    return quantizedEmbeddingBagByte("quantized::embedding_bag_byte", this._packed, indices, offsets, perSampleWeights, this.includeLastOffset, false);
  }
  static override fromFloat(mod: Module): EmbeddingBag {
    if (!hasFakeQuant(mod) && mod.constructor !== FloatEmbeddingBag) throw new Error(`nnq.${this.name}.from_float only works for ${FloatEmbeddingBag.name}`);
    const f = mod as unknown as FloatEmbeddingBag;
    const weight = quantizeEmbeddingWeight(f.weight, mod, this.name);
    const out = new EmbeddingBag(f.numEmbeddings, f.embeddingDim, { dtype: weight.dtype });
    out.setWeight(weight);
    return out;
  }
}
