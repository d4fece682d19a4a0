// The transforms over structured events (transforms.py): CorrCholeskyTransform (vectors to Cholesky
// factors of correlation matrices), ReshapeTransform, CatTransform / StackTransform (other transforms
// applied to slices of a dim) and CumulativeDistributionTransform (a distribution's cdf).

import type { Tensor } from "../core/tensor.js";
import { finfo } from "../core/type-info.js";
import { eye, zeros } from "../ops/creation.js";
import { cat as catTensors, stack as stackTensors } from "../ops/shape-join.js";
import { softplus } from "../nn/functional/activation.js";
import { pad } from "../nn/functional/padding.js";
import { type Constraint, cat, corrCholesky, independent, real, realVector, stack, unitInterval } from "./constraints.js";
import type { Distribution } from "./distribution.js";
import { ParameterlessTransform, Transform } from "./transforms.js";
import { pySize, sameShape, sumRightmost, trilMatrixToVec, vecToTrilMatrix } from "./utils.js";

/**
 * Unconstrained vectors of length D(D-1)/2 -> Cholesky factors of D x D correlation matrices: each
 * row of the strict lower triangle goes through tanh, then a signed stick breaking onto the unit sphere.
 */
export class CorrCholeskyTransform extends ParameterlessTransform {
  get domain(): Constraint { return realVector; }
  get codomain(): Constraint { return corrCholesky; }
  override get bijective(): boolean { return true; }
  // PyTorch defines no __eq__ for it: equality is identity.
  override equals(other: Transform): boolean { return this === other; }

  protected forward(x: Tensor): Tensor {
    const eps = finfo(x.dtype).eps;
    const r = vecToTrilMatrix(x.tanh().clamp(-1 + eps, 1 - eps), -1);
    const remaining = r.pow(2).neg().add(1).sqrt().cumprod(-1);
    const n = r.size(-1);
    return r.add(eye(n, { dtype: r.dtype })).mul(pad(remaining.narrow(-1, 0, n - 1), [1, 0], { value: 1 }));
  }

  protected override backward(y: Tensor): Tensor {
    const n = y.size(-1);
    const remaining = y.mul(y).cumsum(-1).neg().add(1);
    const shifted = pad(remaining.narrow(-1, 0, n - 1), [1, 0], { value: 1 });
    const t = trilMatrixToVec(y, -1).div(trilMatrixToVec(shifted, -1).sqrt());
    // atanh(t), written as PyTorch 2.x does.
    return t.log1p().sub(t.neg().log1p()).div(2);
  }

  override logAbsDetJacobian(x: Tensor, y: Tensor): Tensor {
    const remaining = trilMatrixToVec(y.mul(y).cumsum(-1).neg().add(1), -2);
    const stickBreaking = remaining.log().sum(-1).mul(0.5);
    const tanh = x.add(softplus(x.mul(-2))).sub(Math.log(2.0)).sum(-1).mul(-2);
    return stickBreaking.add(tanh);
  }

  override forwardShape(shape: readonly number[]): number[] {
    if (shape.length < 1) throw new Error("Too few dimensions on input");
    const count = shape[shape.length - 1]!;
    const d = Math.round(Math.sqrt(0.25 + 2 * count) + 0.5);
    if ((d * (d - 1)) / 2 !== count) throw new Error("Input is not a flattend lower-diagonal number");
    return [...shape.slice(0, -1), d, d];
  }

  override inverseShape(shape: readonly number[]): number[] {
    if (shape.length < 2) throw new Error("Too few dimensions on input");
    if (shape[shape.length - 2] !== shape[shape.length - 1]) throw new Error("Input is not square");
    const d = shape[shape.length - 1]!;
    return [...shape.slice(0, -2), (d * (d - 1)) / 2];
  }
}

/** Reshapes the rightmost inShape part of a tensor to outShape (unit Jacobian). */
export class ReshapeTransform extends Transform {
  readonly inShape: number[];
  readonly outShape: number[];

  constructor(inShape: readonly number[], outShape: readonly number[], cacheSize = 0) {
    const numel = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);
    if (numel(inShape) !== numel(outShape)) throw new Error("in_shape, out_shape have different numbers of elements");
    super(cacheSize);
    this.inShape = [...inShape];
    this.outShape = [...outShape];
  }

  get domain(): Constraint { return independent(real, this.inShape.length); }
  get codomain(): Constraint { return independent(real, this.outShape.length); }
  override get bijective(): boolean { return true; }
  override withCache(cacheSize = 1): Transform {
    return this.cacheSize === cacheSize ? this : new ReshapeTransform(this.inShape, this.outShape, cacheSize);
  }

  protected forward(x: Tensor): Tensor { return x.reshape([...x.shape.slice(0, x.dim() - this.inShape.length), ...this.outShape]); }
  protected override backward(y: Tensor): Tensor { return y.reshape([...y.shape.slice(0, y.dim() - this.outShape.length), ...this.inShape]); }
  override logAbsDetJacobian(x: Tensor, y?: Tensor): Tensor { void y; return zeros(x.shape.slice(0, x.dim() - this.inShape.length), { dtype: x.dtype }); }

  override forwardShape(shape: readonly number[]): number[] { return ReshapeTransform.swap(shape, this.inShape, this.outShape); }
  override inverseShape(shape: readonly number[]): number[] { return ReshapeTransform.swap(shape, this.outShape, this.inShape); }
  private static swap(shape: readonly number[], from: readonly number[], to: readonly number[]): number[] {
    if (shape.length < from.length) throw new Error("Too few dimensions on input");
    const cut = shape.length - from.length;
    if (!sameShape(shape.slice(cut), from)) throw new Error(`Shape mismatch: expected ${pySize(shape.slice(cut))} but got ${pySize(from)}`);
    return [...shape.slice(0, cut), ...to];
  }
}

/** Throws unless dim is a valid dim of t and t.size(dim) is `size` (the asserts of Cat/StackTransform). */
function checkSlices(op: string, t: Tensor, dim: number, size: number): void {
  if (!(-t.dim() <= dim && dim < t.dim())) throw new Error(`${op}: dim ${dim} is out of range for a ${t.dim()}-d input`);
  if (t.size(dim) !== size) throw new Error(`${op}: expected size ${size} at dim ${dim}, got ${t.size(dim)}`);
}

/** Applies transforms to consecutive slices of `dim`, of lengths `lengths`, as torch.cat joins them. */
export class CatTransform extends Transform {
  readonly transforms: Transform[];
  readonly lengths: number[];

  constructor(tseq: Transform[], readonly dim = 0, lengths: number[] | null = null, cacheSize = 0) {
    if (!tseq.every((t) => t instanceof Transform)) throw new TypeError("CatTransform: every element of tseq must be a Transform");
    const lens = lengths ?? tseq.map(() => 1);
    if (lens.length !== tseq.length) throw new Error(`CatTransform: ${tseq.length} transforms but ${lens.length} lengths`);
    super(cacheSize);
    this.transforms = cacheSize ? tseq.map((t) => t.withCache(cacheSize)) : [...tseq];
    this.lengths = [...lens];
  }

  override get eventDim(): number { return Math.max(...this.transforms.map((t) => t.eventDim)); }
  get length(): number { return this.lengths.reduce((a, b) => a + b, 0); }
  override get bijective(): boolean { return this.transforms.every((t) => t.bijective); }
  get domain(): Constraint { return cat(this.transforms.map((t) => t.domain), this.dim, this.lengths); }
  get codomain(): Constraint { return cat(this.transforms.map((t) => t.codomain), this.dim, this.lengths); }
  override withCache(cacheSize = 1): Transform {
    return this.cacheSize === cacheSize ? this : new CatTransform(this.transforms, this.dim, this.lengths, cacheSize);
  }

  /** f applied to each transform and its slice(s), joined along dim. */
  private perSlice(inputs: Tensor[], f: (t: Transform, slices: Tensor[]) => Tensor): Tensor[] {
    inputs.forEach((v) => checkSlices("CatTransform", v, this.dim, this.length));
    let start = 0;
    return this.transforms.map((t, i) => {
      const out = f(t, inputs.map((v) => v.narrow(this.dim, start, this.lengths[i]!)));
      start += this.lengths[i]!;
      return out;
    });
  }

  protected forward(x: Tensor): Tensor { return catTensors(this.perSlice([x], (t, [s]) => t.call(s!)), this.dim); }
  protected override backward(y: Tensor): Tensor { return catTensors(this.perSlice([y], (t, [s]) => t.inv.call(s!)), this.dim); }
  override logAbsDetJacobian(x: Tensor, y: Tensor): Tensor {
    const eventDim = this.eventDim;
    const parts = this.perSlice([x, y], (t, [xs, ys]) => sumRightmost(t.logAbsDetJacobian(xs!, ys!), eventDim - t.eventDim));
    // The slices' dim, counted from the right once the event dims are summed away.
    const dim = (this.dim >= 0 ? this.dim - x.dim() : this.dim) + eventDim;
    return dim < 0 ? catTensors(parts, dim) : parts.reduce((a, b) => a.add(b));
  }
}

/** Applies transforms to the slices of `dim`, as torch.stack joins them. */
export class StackTransform extends Transform {
  readonly transforms: Transform[];

  constructor(tseq: Transform[], readonly dim = 0, cacheSize = 0) {
    if (!tseq.every((t) => t instanceof Transform)) throw new TypeError("StackTransform: every element of tseq must be a Transform");
    super(cacheSize);
    this.transforms = cacheSize ? tseq.map((t) => t.withCache(cacheSize)) : [...tseq];
  }

  override get bijective(): boolean { return this.transforms.every((t) => t.bijective); }
  get domain(): Constraint { return stack(this.transforms.map((t) => t.domain), this.dim); }
  get codomain(): Constraint { return stack(this.transforms.map((t) => t.codomain), this.dim); }
  override withCache(cacheSize = 1): Transform {
    return this.cacheSize === cacheSize ? this : new StackTransform(this.transforms, this.dim, cacheSize);
  }

  private slices(v: Tensor): Tensor[] {
    checkSlices("StackTransform", v, this.dim, this.transforms.length);
    return v.unbind(this.dim);
  }

  protected forward(x: Tensor): Tensor { return stackTensors(this.slices(x).map((s, i) => this.transforms[i]!.call(s)), this.dim); }
  protected override backward(y: Tensor): Tensor { return stackTensors(this.slices(y).map((s, i) => this.transforms[i]!.inv.call(s)), this.dim); }
  override logAbsDetJacobian(x: Tensor, y: Tensor): Tensor {
    const ys = this.slices(y);
    return stackTensors(this.slices(x).map((s, i) => this.transforms[i]!.logAbsDetJacobian(s, ys[i]!)), this.dim);
  }
}

/** y = distribution.cdf(x), onto the unit interval (its log|det J| is the log density). */
export class CumulativeDistributionTransform extends Transform {
  constructor(readonly distribution: Distribution, cacheSize = 0) { super(cacheSize); }
  get domain(): Constraint { return this.distribution.support; }
  get codomain(): Constraint { return unitInterval; }
  override get bijective(): boolean { return true; }
  override get sign(): number { return 1; }
  override withCache(cacheSize = 1): Transform {
    return this.cacheSize === cacheSize ? this : new CumulativeDistributionTransform(this.distribution, cacheSize);
  }
  protected forward(x: Tensor): Tensor { return this.distribution.cdf(x); }
  protected override backward(y: Tensor): Tensor { return this.distribution.icdf(y); }
  override logAbsDetJacobian(x: Tensor, y?: Tensor): Tensor { void y; return this.distribution.logProb(x); }
}
