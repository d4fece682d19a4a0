// torch.ao.nn.qat.Embedding and EmbeddingBag: the float modules looking up their weight through
// weight_fake_quant (the qconfig's weight fake quantize, which must use float qparams per row), as
// PyTorch 1.13's. fromFloat shares the float module's weight; convert makes the quantized modules
// from the trained fake quant (getEmbeddingQatModuleMappings / getEmbeddingStaticQuantModuleMappings).
import type { Tensor } from "../../../core/tensor.js";
import type { Module } from "../../../nn/module.js";
import { Parameter } from "../../../nn/parameter.js";
import {
  Embedding as FloatEmbedding, EmbeddingBag as FloatEmbeddingBag, type EmbeddingBagOptions, type EmbeddingOptions,
} from "../../../nn/modules/sparse.js";
import * as F from "../../../nn/functional/index.js";
import { perChannelAffineFloatQparams } from "../../../ops/quantize.js";
import type { QConfig } from "../../quantization/qconfig.js";
import { floatQconfig, requireQconfig, runModule } from "./modules.js";

/** The qconfig's weight fake quant, which must quantize rows with float zero points (PyTorch's assert). */
function embeddingFakeQuant(qconfig: QConfig, what: string): Module {
  const fq = qconfig.weight();
  const qscheme = (fq as Module & { qscheme?: unknown }).qscheme;
  if (qscheme !== perChannelAffineFloatQparams) throw new Error(`${what} weights requires a qscheme of torch.per_channel_affine_float_qparams Got ${String(qscheme)}`);
  return fq;
}

/** torch.ao.nn.qat.Embedding(num_embeddings, embedding_dim, {..., qconfig}). */
export class Embedding extends FloatEmbedding {
  qconfig: QConfig;
  weight_fake_quant: Module;
  constructor(numEmbeddings: number, embeddingDim: number, options: EmbeddingOptions & { qconfig?: QConfig | null } = {}) {
    const { qconfig, ...rest } = options;
    super(numEmbeddings, embeddingDim, rest);
    this.qconfig = requireQconfig(qconfig);
    this.weight_fake_quant = embeddingFakeQuant(this.qconfig, "Embedding");
  }
  override forward(input: Tensor): Tensor {
    return F.embedding(input, runModule(this.weight_fake_quant, this.weight), this.paddingIdx, this.maxNorm, this.normType, this.scaleGradByFreq, this.sparse);
  }
  /** The QAT module of a float Embedding with a float-qparams qconfig (its weight shared). */
  static fromFloat(mod: Module): Embedding {
    const qconfig = floatQconfig(mod, FloatEmbedding, this.name), f = mod as FloatEmbedding;
    embeddingFakeQuant(qconfig, "Embedding");
    return new this(f.numEmbeddings, f.embeddingDim, {
      paddingIdx: f.paddingIdx, maxNorm: f.maxNorm, normType: f.normType, scaleGradByFreq: f.scaleGradByFreq, sparse: f.sparse, _weight: f.weight, qconfig,
    });
  }
  /** A float Embedding with a copy of the weight, in this module's training mode. */
  toFloat(): Module {
    const float = new FloatEmbedding(this.numEmbeddings, this.embeddingDim, { paddingIdx: this.paddingIdx, maxNorm: this.maxNorm, normType: this.normType, scaleGradByFreq: this.scaleGradByFreq, sparse: this.sparse });
    float.weight = new Parameter(this.weight.detach());
    return float.train(this.training);
  }
}

/** torch.ao.nn.qat.EmbeddingBag(num_embeddings, embedding_dim, {..., qconfig}). */
export class EmbeddingBag extends FloatEmbeddingBag {
  qconfig: QConfig;
  weight_fake_quant: Module;
  constructor(numEmbeddings: number, embeddingDim: number, options: EmbeddingBagOptions & { qconfig?: QConfig | null } = {}) {
    const { qconfig, ...rest } = options;
    super(numEmbeddings, embeddingDim, rest);
    this.qconfig = requireQconfig(qconfig);
    this.weight_fake_quant = embeddingFakeQuant(this.qconfig, "Embedding Bag");
  }
  override forward(input: Tensor, offsets: Tensor | null = null, perSampleWeights: Tensor | null = null): Tensor {
    return F.embeddingBag(input, runModule(this.weight_fake_quant, this.weight), offsets, this.maxNorm, this.normType, this.scaleGradByFreq, this.mode, this.sparse,
      perSampleWeights, this.includeLastOffset, this.paddingIdx);
  }
  /** The QAT module of a float EmbeddingBag with a float-qparams qconfig (its weight shared). */
  static fromFloat(mod: Module): EmbeddingBag {
    const qconfig = floatQconfig(mod, FloatEmbeddingBag, this.name), f = mod as FloatEmbeddingBag;
    embeddingFakeQuant(qconfig, "Embedding Bag");
    return new this(f.numEmbeddings, f.embeddingDim, {
      maxNorm: f.maxNorm, normType: f.normType, scaleGradByFreq: f.scaleGradByFreq, mode: f.mode, sparse: f.sparse, _weight: f.weight,
      includeLastOffset: f.includeLastOffset, paddingIdx: f.paddingIdx, qconfig,
    });
  }
  /** A float EmbeddingBag with a copy of the weight, in this module's training mode. */
  toFloat(): Module {
    const float = new FloatEmbeddingBag(this.numEmbeddings, this.embeddingDim, {
      maxNorm: this.maxNorm, normType: this.normType, scaleGradByFreq: this.scaleGradByFreq, mode: this.mode, sparse: this.sparse,
      includeLastOffset: this.includeLastOffset, paddingIdx: this.paddingIdx,
    });
    float.weight = new Parameter(this.weight.detach());
    return float.train(this.training);
  }
}
