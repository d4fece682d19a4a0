// Embedding and EmbeddingBag: weight ~ N(0, 1) with the padding row zeroed, as PyTorch does.

import type { Tensor } from "../../core/tensor.js";
import { type Args } from "../../ops/args.js";
import { empty } from "../../ops/creation.js";
import { noGrad } from "../../autograd/grad-mode.js";
import { Module } from "../module.js";
import { Parameter } from "../parameter.js";
import * as init from "../init.js";
import * as F from "../functional/index.js";
import { type FactoryOptions, bindCtor, factory, placeOnDevice, pyFloat, pyRepr, sizeStr } from "./utils.js";

export interface EmbeddingOptions extends FactoryOptions {
  numEmbeddings?: number;
  embeddingDim?: number;
  paddingIdx?: number | null;
  maxNorm?: number | null;
  normType?: number;
  scaleGradByFreq?: boolean;
  sparse?: boolean;
  /** A weight to use instead of a fresh one (PyTorch's _weight). */
  _weight?: Tensor | null;
  /** Freeze the weight (PyTorch's _freeze). */
  _freeze?: boolean;
}

const EMBEDDING_NAMES = ["numEmbeddings", "embeddingDim", "paddingIdx", "maxNorm", "normType", "scaleGradByFreq", "sparse", "_weight", "_freeze", "device", "dtype"];

function checkSizes(cls: string, n: unknown, d: unknown): [number, number] {
  for (const [name, v] of [["num_embeddings", n], ["embedding_dim", d]] as const) {
    if (typeof v !== "number" || !Number.isInteger(v) || v < 0) throw new Error(`${cls}: ${name} must be a non-negative integer, got ${pyRepr(v)}`);
  }
  return [n as number, d as number];
}

function paddingIndex(n: number, p: unknown): number | null {
  if (p === undefined || p === null) return null;
  if (typeof p !== "number" || !Number.isInteger(p)) throw new Error(`padding_idx must be an int, got ${pyRepr(p)}`);
  if (p > 0 && p >= n) throw new Error("Padding_idx must be within num_embeddings");
  if (p < 0) {
    if (p < -n) throw new Error("Padding_idx must be within num_embeddings");
    return n + p;
  }
  return p;
}

function initialWeight(cls: string, n: number, d: number, a: Record<string, unknown>): { weight: Parameter; fresh: boolean } {
  const w = a._weight as Tensor | null | undefined;
  const requiresGrad = !((a._freeze as boolean | undefined) ?? false);
  if (w === undefined || w === null) return { weight: new Parameter(empty([n, d], factory(a)), requiresGrad), fresh: true };
  if (w.shape.length !== 2 || w.shape[0] !== n || w.shape[1] !== d) {
    throw new Error(`${cls}: Shape of weight ${sizeStr(w.shape)} does not match num_embeddings and embedding_dim [${n}, ${d}]`);
  }
  return { weight: new Parameter(w, requiresGrad), fresh: false };
}

function zeroRow(weight: Parameter, paddingIdx: number | null): void {
  if (paddingIdx !== null) noGrad(() => weight.select(0, paddingIdx).fill_(0));
}

export class Embedding extends Module {
  readonly numEmbeddings: number;
  readonly embeddingDim: number;
  readonly paddingIdx: number | null;
  readonly maxNorm: number | null;
  readonly normType: number;
  readonly scaleGradByFreq: boolean;
  weight: Parameter;
  readonly sparse: boolean;

  constructor(...args: Args<[numEmbeddings: number, embeddingDim: number, paddingIdx?: number | null, maxNorm?: number | null, normType?: number, scaleGradByFreq?: boolean, sparse?: boolean], EmbeddingOptions>) {
    super();
    const a = bindCtor("Embedding", args, EMBEDDING_NAMES, 2);
    const [n, d] = checkSizes("Embedding", a.numEmbeddings, a.embeddingDim);
    this.numEmbeddings = n;
    this.embeddingDim = d;
    this.paddingIdx = paddingIndex(n, a.paddingIdx);
    this.maxNorm = (a.maxNorm as number | null | undefined) ?? null;
    this.normType = (a.normType as number | undefined) ?? 2;
    this.scaleGradByFreq = (a.scaleGradByFreq as boolean | undefined) ?? false;
    const { weight, fresh } = initialWeight("Embedding", n, d, a);
    this.weight = weight;
    if (fresh) this.resetParameters();
    this.sparse = (a.sparse as boolean | undefined) ?? false;
    // A given _weight stays where it is, as PyTorch's.
    if (fresh) placeOnDevice(this, a);
  }

  resetParameters(): void {
    init.normal_(this.weight);
    zeroRow(this.weight, this.paddingIdx);
  }

  override forward(input: Tensor): Tensor {
    return F.embedding(input, this.weight, this.paddingIdx, this.maxNorm, this.normType, this.scaleGradByFreq, this.sparse);
  }

  override extraRepr(): string {
    let s = `${this.numEmbeddings}, ${this.embeddingDim}`;
    if (this.paddingIdx !== null) s += `, padding_idx=${this.paddingIdx}`;
    if (this.maxNorm !== null) s += `, max_norm=${pyFloat(this.maxNorm)}`;
    if (this.normType !== 2) s += `, norm_type=${pyFloat(this.normType)}`;
    if (this.scaleGradByFreq) s += ", scale_grad_by_freq=True";
    if (this.sparse) s += ", sparse=True";
    return s;
  }

  /** Embedding.from_pretrained(embeddings, freeze=True, padding_idx=None, max_norm=None, norm_type=2., scale_grad_by_freq=False, sparse=False). */
  static fromPretrained(embeddings: Tensor, ...args: Args<[freeze?: boolean, paddingIdx?: number | null, maxNorm?: number | null, normType?: number, scaleGradByFreq?: boolean, sparse?: boolean], { freeze?: boolean; paddingIdx?: number | null; maxNorm?: number | null; normType?: number; scaleGradByFreq?: boolean; sparse?: boolean }>): Embedding {
    const a = bindCtor("Embedding.from_pretrained", args, ["freeze", "paddingIdx", "maxNorm", "normType", "scaleGradByFreq", "sparse"]);
    if (embeddings.dim() !== 2) throw new Error("Embeddings parameter is expected to be 2-dimensional");
    const [rows, cols] = embeddings.shape as [number, number];
    return new Embedding(rows, cols, {
      _weight: embeddings, _freeze: (a.freeze as boolean | undefined) ?? true,
      paddingIdx: (a.paddingIdx as number | null | undefined) ?? null, maxNorm: (a.maxNorm as number | null | undefined) ?? null,
      normType: (a.normType as number | undefined) ?? 2, scaleGradByFreq: (a.scaleGradByFreq as boolean | undefined) ?? false,
      sparse: (a.sparse as boolean | undefined) ?? false,
    });
  }
}

export type EmbeddingBagMode = "sum" | "mean" | "max";

export interface EmbeddingBagOptions extends FactoryOptions {
  numEmbeddings?: number;
  embeddingDim?: number;
  maxNorm?: number | null;
  normType?: number;
  scaleGradByFreq?: boolean;
  mode?: EmbeddingBagMode;
  sparse?: boolean;
  _weight?: Tensor | null;
  includeLastOffset?: boolean;
  paddingIdx?: number | null;
  _freeze?: boolean;
}

const BAG_NAMES = ["numEmbeddings", "embeddingDim", "maxNorm", "normType", "scaleGradByFreq", "mode", "sparse", "_weight", "includeLastOffset", "paddingIdx", "device", "dtype"];

export class EmbeddingBag extends Module {
  readonly numEmbeddings: number;
  readonly embeddingDim: number;
  readonly maxNorm: number | null;
  readonly normType: number;
  readonly scaleGradByFreq: boolean;
  readonly paddingIdx: number | null;
  weight: Parameter;
  readonly mode: EmbeddingBagMode;
  readonly sparse: boolean;
  readonly includeLastOffset: boolean;

  constructor(...args: Args<[numEmbeddings: number, embeddingDim: number, maxNorm?: number | null, normType?: number, scaleGradByFreq?: boolean, mode?: EmbeddingBagMode, sparse?: boolean, _weight?: Tensor | null, includeLastOffset?: boolean, paddingIdx?: number | null], EmbeddingBagOptions>) {
    super();
    const a = bindCtor("EmbeddingBag", args, BAG_NAMES, 2, ["_freeze"]);
    const [n, d] = checkSizes("EmbeddingBag", a.numEmbeddings, a.embeddingDim);
    this.numEmbeddings = n;
    this.embeddingDim = d;
    this.maxNorm = (a.maxNorm as number | null | undefined) ?? null;
    this.normType = (a.normType as number | undefined) ?? 2;
    this.scaleGradByFreq = (a.scaleGradByFreq as boolean | undefined) ?? false;
    this.paddingIdx = paddingIndex(n, a.paddingIdx);
    const { weight, fresh } = initialWeight("EmbeddingBag", n, d, a);
    this.weight = weight;
    if (fresh) this.resetParameters();
    const mode = (a.mode as EmbeddingBagMode | undefined) ?? "mean";
    if (mode !== "sum" && mode !== "mean" && mode !== "max") throw new Error(`mode has to be one of sum, mean or max, but got ${String(mode)}`);
    this.mode = mode;
    this.sparse = (a.sparse as boolean | undefined) ?? false;
    this.includeLastOffset = (a.includeLastOffset as boolean | undefined) ?? false;
    if (fresh) placeOnDevice(this, a);
  }

  resetParameters(): void {
    init.normal_(this.weight);
    zeroRow(this.weight, this.paddingIdx);
  }

  override forward(input: Tensor, offsets: Tensor | null = null, perSampleWeights: Tensor | null = null): Tensor {
    return F.embeddingBag(input, this.weight, offsets, this.maxNorm, this.normType, this.scaleGradByFreq, this.mode, this.sparse, perSampleWeights, this.includeLastOffset, this.paddingIdx);
  }

  override extraRepr(): string {
    let s = `${this.numEmbeddings}, ${this.embeddingDim}`;
    if (this.maxNorm !== null) s += `, max_norm=${pyFloat(this.maxNorm)}`;
    if (this.normType !== 2) s += `, norm_type=${pyFloat(this.normType)}`;
    if (this.scaleGradByFreq) s += ", scale_grad_by_freq=True";
    s += `, mode=${this.mode}`;
    if (this.paddingIdx !== null) s += `, padding_idx=${this.paddingIdx}`;
    return s;
  }

  /** EmbeddingBag.from_pretrained(embeddings, freeze=True, max_norm=None, norm_type=2., scale_grad_by_freq=False, mode='mean', sparse=False, include_last_offset=False, padding_idx=None). */
  static fromPretrained(embeddings: Tensor, ...args: Args<[freeze?: boolean, maxNorm?: number | null, normType?: number, scaleGradByFreq?: boolean, mode?: EmbeddingBagMode, sparse?: boolean, includeLastOffset?: boolean, paddingIdx?: number | null], { freeze?: boolean; maxNorm?: number | null; normType?: number; scaleGradByFreq?: boolean; mode?: EmbeddingBagMode; sparse?: boolean; includeLastOffset?: boolean; paddingIdx?: number | null }>): EmbeddingBag {
    const a = bindCtor("EmbeddingBag.from_pretrained", args, ["freeze", "maxNorm", "normType", "scaleGradByFreq", "mode", "sparse", "includeLastOffset", "paddingIdx"]);
    if (embeddings.dim() !== 2) throw new Error("Embeddings parameter is expected to be 2-dimensional");
    const [rows, cols] = embeddings.shape as [number, number];
    return new EmbeddingBag(rows, cols, {
      _weight: embeddings, _freeze: (a.freeze as boolean | undefined) ?? true,
      maxNorm: (a.maxNorm as number | null | undefined) ?? null, normType: (a.normType as number | undefined) ?? 2,
      scaleGradByFreq: (a.scaleGradByFreq as boolean | undefined) ?? false, mode: (a.mode as EmbeddingBagMode | undefined) ?? "mean",
      sparse: (a.sparse as boolean | undefined) ?? false, includeLastOffset: (a.includeLastOffset as boolean | undefined) ?? false,
      paddingIdx: (a.paddingIdx as number | null | undefined) ?? null,
    });
  }
}
