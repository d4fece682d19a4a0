// The Tensor: a strided view (shape, strides, offset) over a shared Storage, plus autograd state.
// Ops are installed as methods by the op families (src/ops/*), which augment this interface.

import { type DType, bf16ToF32, complex32, f16ToF32, f32ToBf16, f32ToF16 } from "./dtype.js";
import { type Shape, contiguousStrides, isContiguousLayout, numel, normalizeDim } from "./shape.js";
import { ComplexStorage, Device, Storage, VersionCounter } from "./storage.js";
import { MemoryFormat, isContiguousAs, memoryFormatOption } from "./memory-format.js";
import { Complex } from "./complex.js";
import { addHook } from "./hook-handle.js";
import { ConjStorage, complexHalfBits, resolvedElements } from "./lazy-storage.js";
import { AccumulateGrad, type GradHook, type Node } from "../autograd/node.js";
import { type PrintDType, formatTensor } from "./printing.js";
import { runBackward, type BackwardOptions } from "../autograd/engine.js";
import { forwardGrads, tangentOf } from "../autograd/forward-grad.js";

export type Scalar = number | bigint | boolean;
export type NestedArray<T> = T | NestedArray<T>[];

/** @internal Leaves' post-accumulate-grad hooks (few tensors have any: kept off the Tensor object). */
export const postAccumulateGradHooks = new WeakMap<Tensor, ((tensor: Tensor) => void)[]>();

export class Tensor {
  /** @internal */ _shape: number[];
  /** @internal */ _strides: number[];
  /** @internal */ _offset: number;
  /** @internal */ _requiresGrad = false;
  /** @internal */ _grad: Tensor | null = null;
  /** @internal */ _gradFn: Node | null = null;
  /** @internal Which output of gradFn this tensor is. */ _outputNr = 0;
  /** @internal */ _accumulator: AccumulateGrad | null = null;
  /** @internal Hooks of a leaf tensor (made on first use: every tensor has this field). */ _leafHooks: GradHook[] | null = null;
  /** @internal */ _retainsGrad = false;
  /** @internal The tensor this one is a view of (for in-place ops on views). */ _base: Tensor | null = null;
  /** @internal Set by nn.Parameter. */ _isParameter = false;
  /** @internal Bumped when an in-place op rebases this (root) tensor's autograd history. */ _historyVersion = 0;
  /** @internal For a view: the base's history version its gradFn was made for. */ _viewHistory = 0;
  /**
   * @internal The version counter of Tensor.data (and of its views and detached copies), null on
   * every other tensor, which counts with its storage: writes through .data are not the versions
   * of the tensors it was taken from, as in PyTorch.
   */
  _versionCounter: VersionCounter | null = null;
  /**
   * @internal Dim names of a named tensor; null on an unnamed one (almost every tensor), so ops pay
   * one load to tell (src/ops/named-*.ts). Names belong to the tensor, not its storage.
   */
  _names: (string | null)[] | null = null;
  /**
   * @internal true only on a SparseTensor: a constant on each class's prototype, which hot ops read
   * instead of `instanceof SparseTensor` (measured: that test cost a dense transpose ~1000
   * instructions, a walk to the end of the prototype chain; this is one load).
   */
  declare readonly _sparse: boolean;

  constructor(readonly storage: Storage, shape: number[], strides?: number[], offset = 0) {
    this._shape = shape;
    this._strides = strides ?? contiguousStrides(shape);
    this._offset = offset;
    storage._attach?.(this);
  }

  get dtype(): DType { return this.storage.dtype; }
  get device(): Device { return this.storage.device; }
  get shape(): number[] { return this._shape.slice(); }
  get ndim(): number { return this._shape.length; }
  /** @internal */ get _version(): number {
    if (this._versionCounter !== null) return this._versionCounter.value;
    const v = this.storage._versions;
    return v.value - v.detached;
  }
  /** @internal Marks an in-place write through this tensor (storage.version counts every write). */
  _bumpVersion(): void {
    this.storage.version++;
    if (this._versionCounter !== null) {
      this._versionCounter.value++;
      this.storage._versions.detached++;
    }
  }

  size(): number[];
  size(dim: number | string): number;
  size(dim?: number | string): number[] | number {
    if (dim === undefined) return this._shape.slice();
    if (typeof dim === "string") dim = this._dimNamed(dim);
    return this._shape[normalizeDim(dim, this._shape.length, "size")] ?? 1;
  }
  dim(): number { return this._shape.length; }
  numel(): number { return numel(this._shape); }
  nelement(): number { return this.numel(); }
  elementSize(): number { return this.dtype.itemsize; }
  stride(): number[];
  stride(dim: number | string): number;
  stride(dim?: number | string): number[] | number {
    if (dim === undefined) return this._strides.slice();
    if (typeof dim === "string") dim = this._dimNamed(dim);
    return this._strides[normalizeDim(dim, this._shape.length, "stride")] ?? 1;
  }
  storageOffset(): number { return this._offset; }

  /** @internal The index of the dim named `name` (size/stride by name; ops use named-engine's dimOf). */
  _dimNamed(name: string): number {
    const i = this._names ? this._names.indexOf(name) : -1;
    if (i < 0) {
      const names = (this._names ?? new Array<null>(this._shape.length).fill(null)).map((n) => (n === null ? "None" : `'${n}'`));
      throw new Error(`Name '${name}' not found in Tensor[${names.join(", ")}].`);
    }
    return i;
  }
  /** Whether the elements lie densely in `memoryFormat`'s order (contiguous_format by default). */
  isContiguous(memoryFormat?: MemoryFormat | { memoryFormat?: MemoryFormat | null } | null): boolean {
    if (memoryFormat === undefined) return isContiguousLayout(this._shape, this._strides);
    const format = memoryFormat === null || memoryFormat instanceof MemoryFormat ? memoryFormat : memoryFormatOption("is_contiguous", memoryFormat);
    return format === null ? isContiguousLayout(this._shape, this._strides) : isContiguousAs(this._shape, this._strides, format);
  }
  get isCpu(): boolean { return this.device.type === "cpu"; }
  isFloatingPoint(): boolean { return this.dtype.isFloatingPoint; }
  get length(): number {
    if (this._shape.length === 0) throw new Error("len() of a 0-d tensor");
    return this._shape[0]!;
  }

  // ---- values ----------------------------------------------------------------------------

  /** The element at a storage index, as a JS value (int64 → bigint beyond 2^53 is kept exact). */
  /** @internal */
  _read(storageIndex: number): number | bigint | boolean {
    if (this.storage._physical !== null) return this._readLazy(storageIndex) as number | bigint | boolean;
    const d = this.storage.data;
    const v = d[storageIndex]!;
    switch (this.dtype.name) {
      case "float16": return f16ToF32(v as number);
      case "bfloat16": return bf16ToF32(v as number);
      case "bool": return v !== 0;
      default: return v;
    }
  }

  /** @internal _read, and a complex element as a Complex (what item/tolist/printing show). */
  _readValue(storageIndex: number): number | bigint | boolean | Complex {
    const storage = this.storage;
    if (storage._physical !== null) return this._readLazy(storageIndex);
    if (this.dtype === complex32) return complexFromHalves(complexHalfBits(storage)!, storageIndex);
    if (storage instanceof ComplexStorage) return new Complex(storage.pairs[2 * storageIndex]!, storage.pairs[2 * storageIndex + 1]!);
    return this._read(storageIndex);
  }

  /** One element of a conjugate or negative view, resolved alone (not the whole memory). */
  private _readLazy(storageIndex: number): number | bigint | boolean | Complex {
    return new Tensor(resolvedElements(this.storage, [storageIndex]), [1])._readValue(0);
  }

  /**
   * @internal The values in row-major order: a reader of the k-th element (what tolist/printing
   * walk). A conjugate or negative view resolves its own elements once (core/lazy-storage.ts):
   * its storage's whole-memory pairs/data would copy all of a large base on each read.
   */
  _rowMajorReader(): (k: number) => number | bigint | boolean | Complex {
    const storage = this.storage, idx = this._storageIndices();
    if (storage._physical !== null) {
      const resolved = new Tensor(resolvedElements(storage, idx), [idx.length]);
      return (k) => resolved._readValue(k);
    }
    if (this.dtype === complex32) { const bits = complexHalfBits(storage)!; return (k) => complexFromHalves(bits, idx[k]!); }
    return (k) => this._readValue(idx[k]!);
  }

  /** @internal Row-major iteration of storage indices. */
  _storageIndices(): Int32Array | number[] {
    const n = this.numel();
    const out = n < 1 << 20 ? new Array<number>(n) : new Int32Array(n);
    const shape = this._shape, strides = this._strides, nd = shape.length;
    const idx = new Array<number>(nd).fill(0);
    let off = this._offset;
    for (let i = 0; i < n; i++) {
      out[i] = off;
      for (let d = nd - 1; d >= 0; d--) {
        idx[d]!++;
        off += strides[d]!;
        if (idx[d]! < shape[d]!) break;
        off -= strides[d]! * shape[d]!;
        idx[d] = 0;
      }
    }
    return out;
  }

  /** Python's item(): the value of a one-element tensor. int64 gives a number (bigint if beyond 2^53). */
  item(): number | boolean | bigint | Complex {
    this._requireCpu("item", "itemAsync");
    if (this.numel() !== 1) throw new Error(`a Tensor with ${this.numel()} elements cannot be converted to Scalar`);
    const v = this._readValue(this._storageIndices()[0]!);
    return typeof v === "bigint" ? bigintToNumberIfSafe(v) : v;
  }

  /** @internal item() of a real tensor (a complex one is refused, naming the op, as its kernels do). */
  _realItem(): number | boolean | bigint {
    if (this.numel() !== 1) throw new Error(`a Tensor with ${this.numel()} elements cannot be converted to Scalar`);
    const v = this._read(this._storageIndices()[0]!);
    return typeof v === "bigint" ? bigintToNumberIfSafe(v) : v;
  }

  /** Nested arrays of the values, as Python's tolist(). */
  tolist(): NestedArray<number | boolean | bigint | Complex> {
    this._requireCpu("tolist", "tolistAsync");
    let k = 0;
    const read = this._rowMajorReader();
    const build = (d: number): NestedArray<number | boolean | bigint | Complex> => {
      if (d === this._shape.length) {
        const v = read(k++);
        return typeof v === "bigint" ? bigintToNumberIfSafe(v) : v;
      }
      const out: NestedArray<number | boolean | bigint | Complex>[] = [];
      for (let i = 0; i < this._shape[d]!; i++) out.push(build(d + 1));
      return out;
    };
    return build(0);
  }

  /** @internal */
  _requireCpu(op: string, asyncForm: string): void {
    if (this.device.type !== "cpu") {
      throw new Error(`${op}: tensor is on ${this.device}; reading a GPU tensor is asynchronous, use await x.${asyncForm}()`);
    }
  }

  // ---- autograd --------------------------------------------------------------------------

  get requiresGrad(): boolean { this._refreshView(); return this._requiresGrad; }
  set requiresGrad(v: boolean) { this.requiresGrad_(v); }

  requiresGrad_(requiresGrad = true): this {
    if (this._gradFn && !requiresGrad) {
      throw new Error("you can only change requires_grad flags of leaf variables. If you want to use a computed variable in a subgraph that doesn't require differentiation use var_no_grad = var.detach().");
    }
    if (requiresGrad && !this.dtype.isDifferentiable) {
      throw new Error("only Tensors of floating point and complex dtype can require gradients");
    }
    if (this._gradFn) return this;
    this._requiresGrad = requiresGrad;
    return this;
  }

  get gradFn(): Node | null { this._refreshView(); return this._gradFn; }
  get isLeaf(): boolean { this._refreshView(); return this._gradFn === null; }

  /**
   * @internal A view made before its base's history was rebased by an in-place op gets its
   * gradFn regenerated from the base (as PyTorch regenerates view grad_fns).
   */
  _refreshView(): void {
    const base = this._base;
    if (!base || this._viewHistory === base._historyVersion) return;
    this._viewHistory = base._historyVersion;
    if (!base._requiresGrad) return;
    let v = (base as unknown as { asStrided(size: number[], stride: number[], offset: number): Tensor }).asStrided(this._shape, this._strides, this._offset);
    // A conjugate view of a base without the bit (or the reverse) is the conjugate of that region.
    if ((this.storage instanceof ConjStorage) !== (base.storage instanceof ConjStorage)) v = (v as unknown as { conj(): Tensor }).conj();
    this._gradFn = v._gradFn;
    this._outputNr = v._outputNr;
    this._requiresGrad = v._requiresGrad;
  }

  get grad(): Tensor | null { return this._grad; }
  set grad(g: Tensor | null) {
    if (g !== null) {
      if (!(g instanceof Tensor)) throw new Error("assigned grad expected to be a Tensor or None");
      if (g.dtype !== this.dtype) throw new Error(`assigned grad has data of a different type (${g.dtype} vs ${this.dtype})`);
      if (g._shape.join() !== this._shape.join()) throw new Error(`assigned grad has data of a different size ([${g._shape.join(", ")}] vs [${this._shape.join(", ")}])`);
      if (g.device.type !== this.device.type) throw new Error(`assigned grad has data located on a different device (${g.device} vs ${this.device})`);
    }
    this._grad = g;
  }

  get retainsGrad(): boolean { return this._retainsGrad; }

  /** Keeps .grad for a non-leaf tensor after backward. */
  retainGrad(): void {
    if (!this._requiresGrad) throw new Error("can't retain_grad on Tensor that has requires_grad=False");
    if (this.isLeaf) return;
    this._retainsGrad = true;
    (this._gradFn!.retainedOutputs ??= new Map()).set(this._outputNr, new WeakRef(this));
  }

  /** Registers fn(grad) → new grad | undefined, called when this tensor's gradient is computed. Returns a handle. */
  registerHook(fn: GradHook): { remove(): void } {
    if (!this._requiresGrad) throw new Error("cannot register a hook on a tensor that doesn't require gradient");
    let list: GradHook[];
    if (this._gradFn) {
      const hooks = (this._gradFn.outputHooks ??= new Map());
      list = hooks.get(this._outputNr) ?? [];
      hooks.set(this._outputNr, list);
    } else list = (this._leafHooks ??= []);
    return addHook(list, fn);
  }

  /**
   * register_post_accumulate_grad_hook(hook): hook(tensor) after a backward accumulated into this
   * leaf's `.grad` (an optimizer step per parameter, in backward). Returns a handle.
   */
  registerPostAccumulateGradHook(hook: (tensor: Tensor) => void): { remove(): void } {
    if (!this._requiresGrad) throw new Error("cannot register a hook on a tensor that doesn't require gradient");
    if (this._gradFn) throw new Error("post accumulate grad hooks cannot be registered on non-leaf tensors");
    let list = postAccumulateGradHooks.get(this);
    if (!list) { list = []; postAccumulateGradHooks.set(this, list); }
    return addHook(list, hook);
  }

  /** @internal The node a gradient for this tensor flows into. */
  _gradEdge(): readonly [Node, number] {
    this._refreshView();
    if (this._gradFn) return [this._gradFn, this._outputNr];
    if (!this._accumulator) this._accumulator = new AccumulateGrad(this);
    return [this._accumulator, 0];
  }

  /** A new tensor sharing storage, cut from the graph. */
  detach(): Tensor {
    const t = new Tensor(this.storage, this._shape.slice(), this._strides.slice(), this._offset);
    t._names = this._names;
    t._versionCounter = this._versionCounter;
    return t;
  }

  detach_(): this {
    this._gradFn = null;
    this._requiresGrad = false;
    return this;
  }

  /** Tensor.data: the same storage, without autograd history, with a version counter of its own. */
  get data(): Tensor {
    const t = this.detach();
    t._versionCounter = new VersionCounter();
    return t;
  }

  backward(gradient?: Tensor | null, options: BackwardOptions = {}): void {
    runBackward([this], gradient === undefined || gradient === null ? [null] : [gradient], options);
  }

  // ---- printing --------------------------------------------------------------------------

  toString(): string {
    this._requireCpu("toString", "cpuAsync");
    if (this.storage._format) return this.storage._format(this);
    const read = this._rowMajorReader();
    return formatTensor({
      shape: this._shape,
      // Quantized dtypes (the only names PrintDType lacks) printed through storage._format above.
      dtype: this.dtype.name as PrintDType,
      at: read,
      requiresGrad: this._requiresGrad,
      gradFnName: this._gradFn ? this._gradFn.name() : null,
      device: this.device.toString(),
      isParameter: this._isParameter,
      tangent: forwardGrads.on ? tangentOf(this)?.toString() : null,
      names: this._names,
    });
  }
  [Symbol.for("nodejs.util.inspect.custom")](): string {
    // console.log of a GPU tensor shows what it is instead of throwing (its values need an await).
    if (this.device.type !== "cpu") return `tensor(<on ${this.device}: await x.cpuAsync() to read>, size=(${this._shape.join(", ")}), dtype=${this.dtype})`;
    return this.toString();
  }
}

Object.defineProperty(Tensor.prototype, "_sparse", { value: false });

/** The complex32 element at a storage index from its (re, im) float16 bits. */
function complexFromHalves(bits: Uint16Array, i: number): Complex {
  return new Complex(f16ToF32(bits[2 * i]!), f16ToF32(bits[2 * i + 1]!));
}

function bigintToNumberIfSafe(v: bigint): number | bigint {
  return v >= -(2n ** 53n) && v <= 2n ** 53n ? Number(v) : v;
}

/** Writes a JS number into a storage array of a 16-bit float, rounding. */
export function encodeHalf(dtype: DType, v: number): number {
  return dtype.name === "float16" ? f32ToF16(v) : f32ToBf16(v);
}

/** Builds a contiguous tensor on a fresh storage. */
export function makeTensor(storage: Storage, shape: Shape): Tensor {
  return new Tensor(storage, shape.slice());
}
