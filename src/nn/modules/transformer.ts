// Transformer, TransformerEncoder/Decoder (num_layers deep copies of a layer, optional final
// norm) and TransformerEncoderLayer/DecoderLayer (post- or pre-norm, relu/gelu/callable
// activation). Submodule names and order are PyTorch's, so state_dict keys match.

import { Tensor } from "../../core/tensor.js";
import { type DTypeLike, bool as boolDtype } from "../../core/dtype.js";
import { type Args } from "../../ops/args.js";
import { full } from "../../ops/creation.js";
import { triu } from "../../ops/shape-reorder.js";
import { Module } from "../module.js";
import * as init from "../init.js";
import * as F from "../functional/index.js";
import { Linear } from "./linear.js";
import { Dropout } from "./dropout.js";
import { LayerNorm } from "./normalization.js";
import { ModuleList } from "./container.js";
import { deepCopy } from "../deep-copy.js";
import { MultiheadAttention } from "./attention.js";
import { type FactoryOptions, bindCtor, bindForward, factory, placeOnDevice, pyRepr } from "./utils.js";
import { fastPathLengths, nestedEncoderLayer, padToLengths } from "./transformer-nested.js";
import { isNested } from "../../core/nested-kind.js";

export type Activation = "relu" | "gelu" | ((x: Tensor) => Tensor) | Module;

// ---- private helpers (PyTorch's module-level helpers in transformer.py) -----------------------

function activationFn(a: Activation): ((x: Tensor) => Tensor) | Module {
  if (a === "relu") return F.relu;
  if (a === "gelu") return F.gelu;
  if (typeof a === "function" || a instanceof Module) return a;
  throw new Error(`activation should be relu/gelu, not ${String(a)}`);
}

/** PyTorch's F._canonical_mask: a bool mask becomes a float mask (-inf where true). */
function canonicalMask(mask: Tensor | null | undefined, name: string, target: Tensor): Tensor | null {
  if (mask === null || mask === undefined) return null;
  // On the mask's device, as PyTorch's zeros_like(mask, dtype=...).
  if (mask.dtype === boolDtype) return mask.newZeros(mask.shape, { dtype: target.dtype }).maskedFill(mask, -Infinity);
  if (!mask.dtype.isFloatingPoint) throw new Error(`only bool and floating types of ${name} are supported`);
  return mask;
}

/** PyTorch's _get_seq_len. */
function seqLen(src: Tensor, batchFirst: boolean): number {
  return src.dim() === 2 ? src.shape[0]! : src.shape[batchFirst ? 1 : 0]!;
}

/** PyTorch's _detect_is_causal_mask: is_causal, or whether `mask` is the square subsequent mask. */
function detectIsCausalMask(mask: Tensor | null, isCausal: boolean | null, size: number | null): boolean {
  let makeCausal = isCausal === true;
  if (isCausal === null && mask !== null) {
    const sz = size ?? mask.shape[mask.dim() - 2]!;
    const causal = generateSquareSubsequentMask(sz, { dtype: mask.dtype });
    makeCausal = mask.shape.join() === causal.shape.join() && Boolean(mask.eq(causal).all().item());
  }
  return makeCausal;
}

function generateSquareSubsequentMask(sz: number, options: { dtype?: DTypeLike | null } = {}): Tensor {
  return triu(full([sz, sz], -Infinity, options.dtype ? { dtype: options.dtype } : {}), 1);
}

function getClones<T extends Module>(module: T, n: number): ModuleList {
  return new ModuleList(Array.from({ length: n }, () => deepCopy(module)));
}

// ---- layers -----------------------------------------------------------------------------------

export interface TransformerLayerOptions extends FactoryOptions {
  dModel?: number;
  nhead?: number;
  dimFeedforward?: number;
  dropout?: number;
  activation?: Activation;
  layerNormEps?: number;
  batchFirst?: boolean;
  normFirst?: boolean;
  bias?: boolean;
}

type LayerArgs = Args<[dModel: number, nhead: number, dimFeedforward?: number, dropout?: number, activation?: Activation, layerNormEps?: number, batchFirst?: boolean, normFirst?: boolean, bias?: boolean], TransformerLayerOptions>;
const LAYER_NAMES = ["dModel", "nhead", "dimFeedforward", "dropout", "activation", "layerNormEps", "batchFirst", "normFirst", "bias", "device", "dtype"];

interface LayerConfig { d: number; h: number; ff: number; p: number; eps: number; batchFirst: boolean; normFirst: boolean; bias: boolean; fk: FactoryOptions; device: unknown; activation: Activation }

function layerConfig(cls: string, args: readonly unknown[]): LayerConfig {
  const a = bindCtor(cls, args, LAYER_NAMES, 2);
  return {
    d: a.dModel as number, h: a.nhead as number, ff: (a.dimFeedforward as number | undefined) ?? 2048,
    p: (a.dropout as number | undefined) ?? 0.1, eps: (a.layerNormEps as number | undefined) ?? 1e-5,
    batchFirst: (a.batchFirst as boolean | undefined) ?? false, normFirst: (a.normFirst as boolean | undefined) ?? false,
    bias: (a.bias as boolean | undefined) ?? true, fk: factory(a), device: a.device, activation: (a.activation as Activation | undefined) ?? "relu",
  };
}

function applyActivation(act: ((x: Tensor) => Tensor) | Module, x: Tensor): Tensor {
  return act instanceof Module ? (act.call as (x: Tensor) => Tensor).call(act, x) : act(x);
}

export interface EncoderLayerForwardOptions { srcMask?: Tensor | null; srcKeyPaddingMask?: Tensor | null; isCausal?: boolean }

export class TransformerEncoderLayer extends Module {
  self_attn: MultiheadAttention;
  linear1: Linear;
  dropout: Dropout;
  linear2: Linear;
  readonly normFirst: boolean;
  norm1: LayerNorm;
  norm2: LayerNorm;
  dropout1: Dropout;
  dropout2: Dropout;
  activation: ((x: Tensor) => Tensor) | Module;

  constructor(...args: LayerArgs) {
    super();
    const c = layerConfig("TransformerEncoderLayer", args);
    this.self_attn = new MultiheadAttention(c.d, c.h, { dropout: c.p, bias: c.bias, batchFirst: c.batchFirst, ...c.fk });
    this.linear1 = new Linear(c.d, c.ff, { bias: c.bias, ...c.fk });
    this.dropout = new Dropout(c.p);
    this.linear2 = new Linear(c.ff, c.d, { bias: c.bias, ...c.fk });
    this.normFirst = c.normFirst;
    this.norm1 = new LayerNorm(c.d, { eps: c.eps, bias: c.bias, ...c.fk });
    this.norm2 = new LayerNorm(c.d, { eps: c.eps, bias: c.bias, ...c.fk });
    this.dropout1 = new Dropout(c.p);
    this.dropout2 = new Dropout(c.p);
    this.activation = activationFn(c.activation);
    placeOnDevice(this, { device: c.device });
  }

  get selfAttn(): MultiheadAttention { return this.self_attn; }

  /** forward(src, src_mask=None, src_key_padding_mask=None, is_causal=False). */
  override forward(src: Tensor, ...args: Args<[srcMask?: Tensor | null, srcKeyPaddingMask?: Tensor | null, isCausal?: boolean], EncoderLayerForwardOptions>): Tensor {
    const a = bindForward("TransformerEncoderLayer", args, ["srcMask", "srcKeyPaddingMask", "isCausal"]);
    const kpm = canonicalMask(a.srcKeyPaddingMask as Tensor | null | undefined, "src_key_padding_mask", src);
    const mask = canonicalMask(a.srcMask as Tensor | null | undefined, "src_mask", src);
    if (isNested(src)) return nestedEncoderLayer(this, src, mask, kpm);
    const isCausal = (a.isCausal as boolean | undefined) ?? false;
    let x = src;
    if (this.normFirst) {
      x = x.add(this.saBlock(this.norm1.call(x), mask, kpm, isCausal));
      x = x.add(this.ffBlock(this.norm2.call(x)));
    } else {
      x = this.norm1.call(x.add(this.saBlock(x, mask, kpm, isCausal)));
      x = this.norm2.call(x.add(this.ffBlock(x)));
    }
    return x;
  }

  private saBlock(x: Tensor, mask: Tensor | null, kpm: Tensor | null, isCausal: boolean): Tensor {
    const [y] = this.self_attn.call(x, x, x, { attnMask: mask, keyPaddingMask: kpm, needWeights: false, isCausal });
    return this.dropout1.call(y);
  }

  private ffBlock(x: Tensor): Tensor {
    return this.dropout2.call(this.linear2.call(this.dropout.call(applyActivation(this.activation, this.linear1.call(x)))));
  }
}

export interface DecoderLayerForwardOptions {
  tgtMask?: Tensor | null;
  memoryMask?: Tensor | null;
  tgtKeyPaddingMask?: Tensor | null;
  memoryKeyPaddingMask?: Tensor | null;
  tgtIsCausal?: boolean;
  memoryIsCausal?: boolean;
}
type DecoderForwardArgs = Args<[tgtMask?: Tensor | null, memoryMask?: Tensor | null, tgtKeyPaddingMask?: Tensor | null, memoryKeyPaddingMask?: Tensor | null, tgtIsCausal?: boolean | null, memoryIsCausal?: boolean], DecoderLayerForwardOptions>;
const DECODER_FORWARD = ["tgtMask", "memoryMask", "tgtKeyPaddingMask", "memoryKeyPaddingMask", "tgtIsCausal", "memoryIsCausal"];

export class TransformerDecoderLayer extends Module {
  self_attn: MultiheadAttention;
  multihead_attn: MultiheadAttention;
  linear1: Linear;
  dropout: Dropout;
  linear2: Linear;
  readonly normFirst: boolean;
  norm1: LayerNorm;
  norm2: LayerNorm;
  norm3: LayerNorm;
  dropout1: Dropout;
  dropout2: Dropout;
  dropout3: Dropout;
  activation: ((x: Tensor) => Tensor) | Module;

  constructor(...args: LayerArgs) {
    super();
    const c = layerConfig("TransformerDecoderLayer", args);
    this.self_attn = new MultiheadAttention(c.d, c.h, { dropout: c.p, batchFirst: c.batchFirst, bias: c.bias, ...c.fk });
    this.multihead_attn = new MultiheadAttention(c.d, c.h, { dropout: c.p, batchFirst: c.batchFirst, bias: c.bias, ...c.fk });
    this.linear1 = new Linear(c.d, c.ff, { bias: c.bias, ...c.fk });
    this.dropout = new Dropout(c.p);
    this.linear2 = new Linear(c.ff, c.d, { bias: c.bias, ...c.fk });
    this.normFirst = c.normFirst;
    this.norm1 = new LayerNorm(c.d, { eps: c.eps, bias: c.bias, ...c.fk });
    this.norm2 = new LayerNorm(c.d, { eps: c.eps, bias: c.bias, ...c.fk });
    this.norm3 = new LayerNorm(c.d, { eps: c.eps, bias: c.bias, ...c.fk });
    this.dropout1 = new Dropout(c.p);
    this.dropout2 = new Dropout(c.p);
    this.dropout3 = new Dropout(c.p);
    this.activation = activationFn(c.activation);
    placeOnDevice(this, { device: c.device });
  }

  get selfAttn(): MultiheadAttention { return this.self_attn; }
  get multiheadAttn(): MultiheadAttention { return this.multihead_attn; }

  /** forward(tgt, memory, tgt_mask=None, memory_mask=None, tgt_key_padding_mask=None, memory_key_padding_mask=None, tgt_is_causal=False, memory_is_causal=False). */
  override forward(tgt: Tensor, memory: Tensor, ...args: DecoderForwardArgs): Tensor {
    const a = bindForward("TransformerDecoderLayer", args, DECODER_FORWARD);
    const tgtMask = (a.tgtMask as Tensor | null | undefined) ?? null, memoryMask = (a.memoryMask as Tensor | null | undefined) ?? null;
    const tgtKpm = (a.tgtKeyPaddingMask as Tensor | null | undefined) ?? null, memKpm = (a.memoryKeyPaddingMask as Tensor | null | undefined) ?? null;
    const tgtCausal = (a.tgtIsCausal as boolean | null | undefined) ?? false, memCausal = (a.memoryIsCausal as boolean | undefined) ?? false;
    let x = tgt;
    if (this.normFirst) {
      x = x.add(this.saBlock(this.norm1.call(x), tgtMask, tgtKpm, tgtCausal));
      x = x.add(this.mhaBlock(this.norm2.call(x), memory, memoryMask, memKpm, memCausal));
      x = x.add(this.ffBlock(this.norm3.call(x)));
    } else {
      x = this.norm1.call(x.add(this.saBlock(x, tgtMask, tgtKpm, tgtCausal)));
      x = this.norm2.call(x.add(this.mhaBlock(x, memory, memoryMask, memKpm, memCausal)));
      x = this.norm3.call(x.add(this.ffBlock(x)));
    }
    return x;
  }

  private saBlock(x: Tensor, mask: Tensor | null, kpm: Tensor | null, isCausal: boolean): Tensor {
    const [y] = this.self_attn.call(x, x, x, { attnMask: mask, keyPaddingMask: kpm, isCausal, needWeights: false });
    return this.dropout1.call(y);
  }

  private mhaBlock(x: Tensor, mem: Tensor, mask: Tensor | null, kpm: Tensor | null, isCausal: boolean): Tensor {
    const [y] = this.multihead_attn.call(x, mem, mem, { attnMask: mask, keyPaddingMask: kpm, isCausal, needWeights: false });
    return this.dropout2.call(y);
  }

  private ffBlock(x: Tensor): Tensor {
    return this.dropout3.call(this.linear2.call(this.dropout.call(applyActivation(this.activation, this.linear1.call(x)))));
  }
}

// ---- stacks -------------------------------------------------------------------------------------

export interface TransformerEncoderOptions { encoderLayer?: TransformerEncoderLayer; numLayers?: number; norm?: Module | null; enableNestedTensor?: boolean; maskCheck?: boolean }

export class TransformerEncoder extends Module {
  layers: ModuleList;
  readonly numLayers: number;
  norm: Module | null;
  /** PyTorch's enable_nested_tensor: eval-mode padded batches take the nested fast path (transformer-nested.ts). */
  enableNestedTensor: boolean;
  /** PyTorch's mask_check: the fast path requires left-aligned padding masks. */
  maskCheck: boolean;

  constructor(...args: Args<[encoderLayer: TransformerEncoderLayer, numLayers: number, norm?: Module | null, enableNestedTensor?: boolean, maskCheck?: boolean], TransformerEncoderOptions>) {
    super();
    const a = bindCtor("TransformerEncoder", args, ["encoderLayer", "numLayers", "norm", "enableNestedTensor", "maskCheck"], 2);
    if (!(a.encoderLayer instanceof Module)) throw new Error(`TransformerEncoder: encoder_layer must be a Module, got ${pyRepr(a.encoderLayer)}`);
    const n = a.numLayers;
    if (typeof n !== "number" || !Number.isInteger(n) || n < 0) throw new Error(`TransformerEncoder: num_layers must be a non-negative integer, got ${pyRepr(n)}`);
    this.layers = getClones(a.encoderLayer, n);
    this.numLayers = n;
    this.norm = null;
    const norm = (a.norm as Module | null | undefined) ?? null;
    if (norm) this.norm = norm;
    else this.registerModule("norm", null);
    this.enableNestedTensor = (a.enableNestedTensor as boolean | undefined) ?? true;
    this.maskCheck = (a.maskCheck as boolean | undefined) ?? true;
  }

  /** forward(src, mask=None, src_key_padding_mask=None, is_causal=None). */
  override forward(src: Tensor, ...args: Args<[mask?: Tensor | null, srcKeyPaddingMask?: Tensor | null, isCausal?: boolean | null], { mask?: Tensor | null; srcKeyPaddingMask?: Tensor | null; isCausal?: boolean | null }>): Tensor {
    const a = bindForward("TransformerEncoder", args, ["mask", "srcKeyPaddingMask", "isCausal"]);
    const kpm = canonicalMask(a.srcKeyPaddingMask as Tensor | null | undefined, "src_key_padding_mask", src);
    const mask = canonicalMask(a.mask as Tensor | null | undefined, "mask", src);
    const first = this.layers.length ? (this.layers.at(0) as TransformerEncoderLayer) : null;
    const lengths = fastPathLengths(first instanceof TransformerEncoderLayer ? first : null, src, mask, (a.srcKeyPaddingMask as Tensor | null | undefined) ?? null, this.enableNestedTensor, this.maskCheck);
    const batchFirst = first?.self_attn?.batchFirst ?? false;
    const isCausal = detectIsCausalMask(mask, (a.isCausal as boolean | null | undefined) ?? null, isNested(src) ? null : seqLen(src, batchFirst));
    let out = src;
    for (const layer of this.layers) {
      out = (layer.call as (...x: unknown[]) => Tensor).call(layer, out, { srcMask: mask, isCausal, srcKeyPaddingMask: kpm });
    }
    if (lengths) out = padToLengths(out, lengths);
    if (this.norm) out = (this.norm.call as (x: Tensor) => Tensor).call(this.norm, out);
    return out;
  }
}

export interface TransformerDecoderOptions { decoderLayer?: TransformerDecoderLayer; numLayers?: number; norm?: Module | null }

export class TransformerDecoder extends Module {
  layers: ModuleList;
  readonly numLayers: number;
  norm: Module | null;

  constructor(...args: Args<[decoderLayer: TransformerDecoderLayer, numLayers: number, norm?: Module | null], TransformerDecoderOptions>) {
    super();
    const a = bindCtor("TransformerDecoder", args, ["decoderLayer", "numLayers", "norm"], 2);
    if (!(a.decoderLayer instanceof Module)) throw new Error(`TransformerDecoder: decoder_layer must be a Module, got ${pyRepr(a.decoderLayer)}`);
    const n = a.numLayers;
    if (typeof n !== "number" || !Number.isInteger(n) || n < 0) throw new Error(`TransformerDecoder: num_layers must be a non-negative integer, got ${pyRepr(n)}`);
    this.layers = getClones(a.decoderLayer, n);
    this.numLayers = n;
    this.norm = null;
    const norm = (a.norm as Module | null | undefined) ?? null;
    if (norm) this.norm = norm;
    else this.registerModule("norm", null);
  }

  /** forward(tgt, memory, tgt_mask=None, memory_mask=None, tgt_key_padding_mask=None, memory_key_padding_mask=None, tgt_is_causal=None, memory_is_causal=False). */
  override forward(tgt: Tensor, memory: Tensor, ...args: DecoderForwardArgs): Tensor {
    const a = bindForward("TransformerDecoder", args, DECODER_FORWARD);
    const first = this.layers.length ? (this.layers.at(0) as TransformerDecoderLayer) : null;
    const batchFirst = first?.self_attn?.batchFirst ?? false;
    const tgtMask = (a.tgtMask as Tensor | null | undefined) ?? null;
    const tgtIsCausal = detectIsCausalMask(tgtMask, (a.tgtIsCausal as boolean | null | undefined) ?? null, seqLen(tgt, batchFirst));
    let out = tgt;
    for (const layer of this.layers) {
      out = (layer.call as (...x: unknown[]) => Tensor).call(layer, out, memory, {
        tgtMask, memoryMask: a.memoryMask ?? null, tgtKeyPaddingMask: a.tgtKeyPaddingMask ?? null,
        memoryKeyPaddingMask: a.memoryKeyPaddingMask ?? null, tgtIsCausal, memoryIsCausal: a.memoryIsCausal ?? false,
      });
    }
    if (this.norm) out = (this.norm.call as (x: Tensor) => Tensor).call(this.norm, out);
    return out;
  }
}

export interface TransformerOptions extends FactoryOptions {
  dModel?: number;
  nhead?: number;
  numEncoderLayers?: number;
  numDecoderLayers?: number;
  dimFeedforward?: number;
  dropout?: number;
  activation?: Activation;
  customEncoder?: Module | null;
  customDecoder?: Module | null;
  layerNormEps?: number;
  batchFirst?: boolean;
  normFirst?: boolean;
  bias?: boolean;
}

export interface TransformerForwardOptions {
  srcMask?: Tensor | null;
  tgtMask?: Tensor | null;
  memoryMask?: Tensor | null;
  srcKeyPaddingMask?: Tensor | null;
  tgtKeyPaddingMask?: Tensor | null;
  memoryKeyPaddingMask?: Tensor | null;
  srcIsCausal?: boolean | null;
  tgtIsCausal?: boolean | null;
  memoryIsCausal?: boolean;
}

export class Transformer extends Module {
  encoder: Module;
  decoder: Module;
  readonly dModel: number;
  readonly nhead: number;
  readonly batchFirst: boolean;

  constructor(...args: Args<[dModel?: number, nhead?: number, numEncoderLayers?: number, numDecoderLayers?: number, dimFeedforward?: number, dropout?: number, activation?: Activation, customEncoder?: Module | null, customDecoder?: Module | null, layerNormEps?: number, batchFirst?: boolean, normFirst?: boolean, bias?: boolean], TransformerOptions>) {
    super();
    const a = bindCtor("Transformer", args, ["dModel", "nhead", "numEncoderLayers", "numDecoderLayers", "dimFeedforward", "dropout", "activation", "customEncoder", "customDecoder", "layerNormEps", "batchFirst", "normFirst", "bias", "device", "dtype"]);
    const d = (a.dModel as number | undefined) ?? 512, h = (a.nhead as number | undefined) ?? 8;
    const layerOpts: TransformerLayerOptions = {
      dimFeedforward: (a.dimFeedforward as number | undefined) ?? 2048, dropout: (a.dropout as number | undefined) ?? 0.1,
      activation: (a.activation as Activation | undefined) ?? "relu", layerNormEps: (a.layerNormEps as number | undefined) ?? 1e-5,
      batchFirst: (a.batchFirst as boolean | undefined) ?? false, normFirst: (a.normFirst as boolean | undefined) ?? false,
      bias: (a.bias as boolean | undefined) ?? true, ...factory(a),
    };
    const normOpts = { eps: layerOpts.layerNormEps!, bias: layerOpts.bias!, ...factory(a) };
    const customEncoder = (a.customEncoder as Module | null | undefined) ?? null;
    const customDecoder = (a.customDecoder as Module | null | undefined) ?? null;
    this.encoder = customEncoder ?? new TransformerEncoder(new TransformerEncoderLayer(d, h, layerOpts), (a.numEncoderLayers as number | undefined) ?? 6, new LayerNorm(d, normOpts));
    this.decoder = customDecoder ?? new TransformerDecoder(new TransformerDecoderLayer(d, h, layerOpts), (a.numDecoderLayers as number | undefined) ?? 6, new LayerNorm(d, normOpts));
    this._resetParameters();
    placeOnDevice(this, a);
    this.dModel = d;
    this.nhead = h;
    this.batchFirst = layerOpts.batchFirst!;
  }

  _resetParameters(): void {
    for (const p of this.parameters()) if (p.dim() > 1) init.xavierUniform_(p);
  }

  /** Transformer.generate_square_subsequent_mask(sz): -inf above the diagonal, 0 elsewhere. */
  static generateSquareSubsequentMask(sz: number, options: { device?: string | null; dtype?: DTypeLike | null } = {}): Tensor {
    return generateSquareSubsequentMask(sz, options);
  }

  /** forward(src, tgt, src_mask=None, tgt_mask=None, memory_mask=None, src_key_padding_mask=None, tgt_key_padding_mask=None, memory_key_padding_mask=None, src_is_causal=None, tgt_is_causal=None, memory_is_causal=False). */
  override forward(src: Tensor, tgt: Tensor, ...args: Args<[srcMask?: Tensor | null, tgtMask?: Tensor | null, memoryMask?: Tensor | null, srcKeyPaddingMask?: Tensor | null, tgtKeyPaddingMask?: Tensor | null, memoryKeyPaddingMask?: Tensor | null, srcIsCausal?: boolean | null, tgtIsCausal?: boolean | null, memoryIsCausal?: boolean], TransformerForwardOptions>): Tensor {
    const a = bindForward("Transformer", args, ["srcMask", "tgtMask", "memoryMask", "srcKeyPaddingMask", "tgtKeyPaddingMask", "memoryKeyPaddingMask", "srcIsCausal", "tgtIsCausal", "memoryIsCausal"]);
    const batched = src.dim() === 3;
    if (batched && src.shape[this.batchFirst ? 0 : 1] !== tgt.shape[this.batchFirst ? 0 : 1]) throw new Error("the batch number of src and tgt must be equal");
    if (src.shape[src.dim() - 1] !== this.dModel || tgt.shape[tgt.dim() - 1] !== this.dModel) {
      throw new Error("the feature number of src and tgt must be equal to d_model");
    }
    const memory = (this.encoder.call as (...x: unknown[]) => Tensor).call(this.encoder, src, {
      mask: a.srcMask ?? null, srcKeyPaddingMask: a.srcKeyPaddingMask ?? null, isCausal: a.srcIsCausal ?? null,
    });
    return (this.decoder.call as (...x: unknown[]) => Tensor).call(this.decoder, tgt, memory, {
      tgtMask: a.tgtMask ?? null, memoryMask: a.memoryMask ?? null, tgtKeyPaddingMask: a.tgtKeyPaddingMask ?? null,
      memoryKeyPaddingMask: a.memoryKeyPaddingMask ?? null, tgtIsCausal: a.tgtIsCausal ?? null, memoryIsCausal: a.memoryIsCausal ?? false,
    });
  }
}
