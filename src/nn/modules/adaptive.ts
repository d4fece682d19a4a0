// nn.AdaptiveLogSoftmaxWithLoss (Grave et al., "Efficient softmax approximation for GPUs"): a head
// over the frequent classes plus one entry per tail cluster, and per cluster a two-layer
// projection whose width shrinks by div_value. forward returns PyTorch's named tuple
// (output, loss); logProb and predict as PyTorch's log_prob and predict.

import type { Tensor } from "../../core/tensor.js";
import { type Args } from "../../ops/args.js";
import { cat } from "../../ops/shape.js";
import { maskedSelect } from "../../ops/indexing-mask.js";
import { nonzero } from "../../ops/indexing-mask.js";
import { argmax } from "../../ops/reduction-more.js";
import { where } from "../../ops/comparison.js";
import { namedTuple } from "../../ops/named-tuple.js";
import { logSoftmax } from "../functional/activation.js";
import { Module } from "../module.js";
import { Linear } from "./linear.js";
import { ModuleList, Sequential } from "./container.js";
import { type FactoryOptions, bindCtor, factory, placeOnDevice } from "./utils.js";

/** PyTorch's _ASMoutput: [output, loss], also reachable by name. */
export type ASMOutput = [Tensor, Tensor] & { output: Tensor; loss: Tensor };

interface AdaptiveLogSoftmaxOptions extends FactoryOptions { inFeatures?: number; nClasses?: number; cutoffs?: number[]; divValue?: number; headBias?: boolean }

/** Python's float floor division (int(in_features // div_value ** (i + 1))). */
function pyFloorDiv(a: number, b: number): number {
  const mod = a % b;
  let div = (a - mod) / b;
  if (mod !== 0 && (b < 0) !== (mod < 0)) div -= 1;
  const floor = Math.floor(div);
  return div - floor > 0.5 ? floor + 1 : floor;
}

export class AdaptiveLogSoftmaxWithLoss extends Module {
  readonly inFeatures: number;
  readonly nClasses: number;
  /** The cutoffs given, with n_classes appended (as PyTorch stores them). */
  readonly cutoffs: number[];
  readonly divValue: number;
  readonly headBias: boolean;
  readonly shortlistSize: number;
  readonly nClusters: number;
  readonly headSize: number;
  head: Linear;
  tail: ModuleList;

  constructor(...args: Args<[inFeatures: number, nClasses: number, cutoffs: number[], divValue?: number, headBias?: boolean], AdaptiveLogSoftmaxOptions>) {
    super();
    const a = bindCtor("AdaptiveLogSoftmaxWithLoss", args, ["inFeatures", "nClasses", "cutoffs", "divValue", "headBias", "device", "dtype"], 3);
    const inFeatures = a.inFeatures as number, nClasses = a.nClasses as number;
    const cutoffs = [...(a.cutoffs as number[])];
    const sorted = [...cutoffs].sort((x, y) => x - y);
    if (cutoffs.length === 0 || cutoffs.some((c, i) => c !== sorted[i]) || Math.min(...cutoffs) <= 0 || Math.max(...cutoffs) > nClasses - 1
      || new Set(cutoffs).size !== cutoffs.length || cutoffs.some((c) => !Number.isInteger(c))) {
      throw new Error("cutoffs should be a sequence of unique, positive integers sorted in an increasing order, where each value is between 1 and n_classes-1");
    }
    this.inFeatures = inFeatures;
    this.nClasses = nClasses;
    this.cutoffs = [...cutoffs, nClasses];
    this.divValue = (a.divValue as number | undefined) ?? 4.0;
    this.headBias = (a.headBias as boolean | undefined) ?? false;
    this.shortlistSize = this.cutoffs[0]!;
    this.nClusters = this.cutoffs.length - 1;
    this.headSize = this.shortlistSize + this.nClusters;
    const f = factory(a);
    this.head = new Linear(inFeatures, this.headSize, { bias: this.headBias, ...f });
    this.tail = new ModuleList();
    for (let i = 0; i < this.nClusters; i++) {
      const hsz = pyFloorDiv(inFeatures, this.divValue ** (i + 1));
      const osz = this.cutoffs[i + 1]! - this.cutoffs[i]!;
      this.tail.append(new Sequential(new Linear(inFeatures, hsz, { bias: false, ...f }), new Linear(hsz, osz, { bias: false, ...f })));
    }
    placeOnDevice(this, a);
  }

  resetParameters(): void {
    this.head.resetParameters();
    for (const seq of this.tail.children()) for (const lin of seq.children()) (lin as Linear).resetParameters();
  }

  private cluster(i: number): Sequential { return this.tail.at(i) as Sequential; }

  /** [output, loss]: each row's log-probability of its target, and their negated mean. */
  override forward(input_: Tensor, target_: Tensor): ASMOutput {
    const targDim = target_.dim();
    if (targDim === 1) {
      if (input_.size(0) !== target_.size(0)) throw new Error("Input and target should have the same size in the batch dimension.");
      if (input_.dim() !== 2) throw new Error(`1D target tensor expects 2D input tensors, but found inputs with size [${input_.shape.join(", ")}]`);
    } else if (targDim === 0) {
      if (input_.dim() !== 1) throw new Error(`0D target tensor expects 1D input tensors, but found inputs with size [${input_.shape.join(", ")}]`);
    } else throw new Error("0D or 1D target tensor expected, multi-target not supported");
    const batched = targDim > 0;
    const input = batched ? input_ : input_.unsqueeze(0);
    const target = batched ? target_ : target_.unsqueeze(0);
    const batchSize = target.size(0);
    let output = input.newZeros([batchSize]);
    let gatherInds = target.newZeros([batchSize]);
    let usedRows = 0;
    const bounds = [0, ...this.cutoffs];
    for (let i = 0; i < bounds.length - 1; i++) {
      const low = bounds[i]!, high = bounds[i + 1]!;
      const mask = target.ge(low).logicalAnd(target.lt(high));
      const rows = nonzero(mask).reshape(-1);
      if (rows.numel() === 0) continue;
      if (i === 0) gatherInds = gatherInds.indexCopy(0, rows, maskedSelect(target, mask));
      else {
        const relative = maskedSelect(target, mask).sub(low);
        const clusterOutput = this.cluster(i - 1).call(input.indexSelect(0, rows)) as Tensor;
        gatherInds = gatherInds.indexFill(0, rows, this.shortlistSize + i - 1);
        const local = logSoftmax(clusterOutput, 1).gather(1, relative.unsqueeze(1));
        output = output.indexCopy(0, rows, local.squeeze(1));
      }
      usedRows += rows.numel();
    }
    if (usedRows !== batchSize) {
      throw new Error(`Target values should be in [0, ${this.nClasses - 1}], but values in range [${target.min().item()}, ${target.max().item()}] were found. `);
    }
    const headLogprob = logSoftmax(this.head.call(input), 1);
    output = output.add(headLogprob.gather(1, gatherInds.unsqueeze(1)).squeeze());
    const loss = output.neg().mean();
    return namedTuple(["output", "loss"], [batched ? output : output.squeeze(0), loss]) as unknown as ASMOutput;
  }

  /** Log-probabilities of every class (PyTorch's _get_full_log_prob). */
  private fullLogProb(input: Tensor, headOutput: Tensor): Tensor {
    const headLogprob = logSoftmax(headOutput, 1);
    const parts = [headLogprob.narrow(1, 0, this.shortlistSize)];
    for (let i = 0; i < this.nClusters; i++) {
      const clusterLogprob = logSoftmax(this.cluster(i).call(input) as Tensor, 1);
      parts.push(clusterLogprob.add(headLogprob.narrow(1, this.shortlistSize + i, 1)));
    }
    return cat(parts, 1);
  }

  /** log_prob(input): (N, n_classes) log-probabilities. */
  logProb(input: Tensor): Tensor { return this.fullLogProb(input, this.head.call(input)); }

  /** predict(input): the most probable class of each row; the tails are evaluated only when needed. */
  predict(input: Tensor): Tensor {
    const headOutput = this.head.call(input);
    const output = argmax(headOutput, 1);
    const notInShortlist = output.ge(this.shortlistSize);
    if (!notInShortlist.any().item()) return output;
    // Rows are independent, so ranking every row's full distribution picks the same classes.
    return where(notInShortlist, argmax(this.fullLogProb(input, headOutput), 1), output);
  }
}
