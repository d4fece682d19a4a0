// A nested tensor (torch.nested, PyTorch 1.13's NestedTensorImpl): a batch of tensors of one ndim
// whose sizes may differ, held as PyTorch holds it: one 1-D buffer plus each component's sizes,
// strides and offset into it. Its own storage is a SparseStorage of backend NestedTensorCPU, whose
// data throws "Could not run 'aten::<op>' with arguments from the 'NestedTensorCPU' backend.", so
// every dense kernel refuses it; the ops 1.13 runs on it live in src/ops/nested-*.ts.

import { Tensor } from "./tensor.js";
import { SparseStorage } from "./storage.js";
import { contiguousStrides, normalizeDim, numel } from "./shape.js";
import { backendRefusal, currentOpName } from "./op-name.js";

export { isNested } from "./nested-kind.js";

/** 1.13's words for members a nested tensor does not have. */
export const NO_SIZES = "Internal error: NestedTensorImpl doesn't support sizes. Please file an issue on https://github.com/pytorch/nestedtensor";
export const NO_STRIDES = "Internal error: NestedTensorImpl doesn't support strides. Please file an issue on https://github.com/pytorch/nestedtensor";

export class NestedTensor extends Tensor {
  /** @internal The 1-D strided tensor every component lies in. */ _nestedBuffer: Tensor;
  /** @internal Each component's sizes. */ _nestedSizes: number[][];
  /** @internal Each component's strides (elements of the buffer). */ _nestedStrides: number[][];
  /** @internal Each component's offset from the buffer's start. */ _nestedOffsets: number[];

  /** @internal Use the ops (torch.nested.nestedTensor, nested-engine's packNested): this trusts its arguments. */
  constructor(buffer: Tensor, sizes: number[][], strides: number[][], offsets: number[]) {
    super(new SparseStorage(buffer.dtype, buffer.device, "NestedTensorCPU"), paddedShape(sizes));
    this._nestedBuffer = buffer;
    this._nestedSizes = sizes;
    this._nestedStrides = strides;
    this._nestedOffsets = offsets;
  }

  /** @internal How many components. */
  get _count(): number { return this._nestedSizes.length; }

  /** @internal Component i as a plain strided tensor over the buffer (no autograd). */
  _component(i: number): Tensor {
    const b = this._nestedBuffer;
    return new Tensor(b.storage, this._nestedSizes[i]!.slice(), this._nestedStrides[i]!.slice(), b._offset + this._nestedOffsets[i]!);
  }

  /** @internal Every component (plain tensors over the buffer). */
  _components(): Tensor[] {
    return this._nestedSizes.map((_, i) => this._component(i));
  }

  /** @internal In-place writes go to the buffer, whose version saved-tensor checks read. */
  override get _version(): number { return this._nestedBuffer.storage.version; }

  override get shape(): never { throw missing(NO_SIZES); }
  override get length(): never { throw missing(NO_SIZES); }

  override size(): never;
  override size(dim: number | string): number;
  override size(dim?: number | string): number {
    if (dim === undefined || typeof dim === "string") throw missing(NO_SIZES);
    const d = normalizeDim(dim, this._shape.length);
    if (d === 0) return this._count;
    const sizes = this._nestedSizes;
    const first = sizes[0]![d - 1]!;
    if (sizes.some((s) => s[d - 1] !== first)) throw new Error(`Given dimension ${dim} is irregular and does not have a size.`);
    return first;
  }

  override stride(): never;
  override stride(dim: number): never;
  override stride(): never { throw missing(NO_STRIDES); }

  override numel(): number {
    let n = 0;
    for (const s of this._nestedSizes) n += numel(s);
    return n;
  }

  /** Packed: components in order, each contiguous, right after the previous one (1.13's rule). */
  override isContiguous(): boolean {
    let next = 0;
    for (let i = 0; i < this._count; i++) {
      const sizes = this._nestedSizes[i]!, strides = this._nestedStrides[i]!;
      if (this._nestedOffsets[i] !== next) return false;
      const want = contiguousStrides(sizes);
      if (sizes.some((s, d) => s > 1 && strides[d] !== want[d])) return false;
      next += numel(sizes);
    }
    return true;
  }

  /** A nested tensor over the same buffer, cut from the graph. */
  override detach(): Tensor {
    return new NestedTensor(this._nestedBuffer.detach(), this._nestedSizes, this._nestedStrides, this._nestedOffsets);
  }

  override tolist(): never { throw new Error(NO_STRIDES); }
  override item(): never { throw new Error("only one element tensors can be converted to Python scalars"); }

  override toString(): string {
    this._requireCpu("toString", "cpuAsync");
    // 1.13 prints unbind's tensors, two spaces in; they require grad when the nested tensor does.
    const parts = this._components().map((c) => {
      c._requiresGrad = this._requiresGrad;
      return c.toString().split("\n").map((line) => `  ${line}`).join("\n");
    });
    const suffix = this._gradFn ? `, grad_fn=<${this._gradFn.name()}>` : this._requiresGrad ? ", requires_grad=True" : "";
    return `nested_tensor([\n${parts.join(",\n")}\n]${suffix})`;
  }
}

Object.defineProperty(NestedTensor.prototype, "_nested", { value: true });
Object.defineProperty(Tensor.prototype, "_nested", { value: false });

/**
 * Sizes or strides asked of a nested tensor: inside a dense op (which has no nested kernel) that
 * op's refusal, as its dispatch gives in PyTorch; asked directly, 1.13's internal error.
 */
function missing(what: string): Error {
  const op = currentOpName(2);
  return op === "this op" ? new Error(what) : backendRefusal("NestedTensorCPU", op);
}

/** The dims a nested tensor reports: the batch, then each component dim's largest size. */
function paddedShape(sizes: readonly number[][]): number[] {
  if (sizes.length === 0) return [0];
  const nd = sizes[0]!.length;
  const out = [sizes.length];
  for (let d = 0; d < nd; d++) out.push(Math.max(...sizes.map((s) => s[d]!)));
  return out;
}
