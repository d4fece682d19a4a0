// torch.distributions.transforms: invertible maps with log|det J| (transforms.py). A transform is
// applied with `t.call(x)` (Python's t(x)), inverted with `t.inv.call(y)`; cacheSize 1 remembers the
// last (x, y) pair so that the inverse of a sample is the exact x it came from.

import { Tensor } from "../core/tensor.js";
import { finfo } from "../core/type-info.js";
import { broadcastShapes } from "../core/shape.js";
import { fullLike, ones, zerosLike } from "../ops/creation.js";
import { matmul } from "../ops/blas.js";
import { cholesky } from "../ops/linalg.js";
import { softplus, logsigmoid } from "../nn/functional/activation.js";
import { pad } from "../nn/functional/padding.js";
import {
  type Constraint, independent, interval, lowerCholesky, positive, positiveDefinite, real, realVector, simplex, unitInterval,
} from "./constraints.js";
import { type TensorLike, broadcastAll, sumRightmost } from "./utils.js";

/** An invertible (or at least forward) map between the domain and codomain constraints. */
export abstract class Transform {
  private cached: [Tensor, Tensor] | null = null;
  private inverse: Transform | null = null;

  constructor(readonly cacheSize = 0) {
    if (cacheSize !== 0 && cacheSize !== 1) throw new Error("cache_size must be 0 or 1");
  }

  abstract get domain(): Constraint;
  abstract get codomain(): Constraint;
  /** Whether the transform is bijective. */
  get bijective(): boolean { return false; }
  /** +1 or -1 (or a tensor of them) for monotone univariate transforms. */
  get sign(): number | Tensor { throw new Error(`${this.constructor.name} does not implement sign`); }
  get eventDim(): number {
    if (this.domain.eventDim === this.codomain.eventDim) return this.domain.eventDim;
    throw new Error("Please use either .domain.event_dim or .codomain.event_dim");
  }

  /** The inverse transform (the same object each time while this one lives). */
  get inv(): Transform { return (this.inverse ??= new InverseTransform(this)); }

  /** A copy with the given cache size (this one when it already has it). */
  withCache(cacheSize = 1): Transform {
    if (this.cacheSize === cacheSize) return this;
    throw new Error(`${this.constructor.name}.with_cache is not implemented`);
  }

  /** Transform equality as PyTorch's __eq__ (identity unless a subclass says otherwise). */
  equals(other: Transform): boolean { return this === other; }

  /** y = t(x). */
  call(x: Tensor): Tensor {
    if (this.cacheSize === 0) return this.forward(x);
    if (this.cached && this.cached[0] === x) return this.cached[1];
    const y = this.forward(x);
    this.cached = [x, y];
    return y;
  }

  /** x = t^-1(y), through the cache when it holds y. */
  invCall(y: Tensor): Tensor {
    if (this.cacheSize === 0) return this.backward(y);
    if (this.cached && this.cached[1] === y) return this.cached[0];
    const x = this.backward(y);
    this.cached = [x, y];
    return x;
  }

  protected abstract forward(x: Tensor): Tensor;
  protected backward(y: Tensor): Tensor { void y; throw new Error(`${this.constructor.name} is not invertible`); }
  /** log |dy/dx| given x and y = t(x). */
  logAbsDetJacobian(x: Tensor, y: Tensor): Tensor { void x; void y; throw new Error(`${this.constructor.name} does not implement log_abs_det_jacobian`); }
  forwardShape(shape: readonly number[]): number[] { return [...shape]; }
  inverseShape(shape: readonly number[]): number[] { return [...shape]; }
  toString(): string { return `${this.constructor.name}()`; }
}

class InverseTransform extends Transform {
  constructor(private readonly base: Transform) { super(base.cacheSize); }
  get domain(): Constraint { return this.base.codomain; }
  get codomain(): Constraint { return this.base.domain; }
  override get bijective(): boolean { return this.base.bijective; }
  override get sign(): number | Tensor { return this.base.sign; }
  override get inv(): Transform { return this.base; }
  override withCache(cacheSize = 1): Transform { return this.base.withCache(cacheSize).inv; }
  override equals(other: Transform): boolean { return other instanceof InverseTransform && this.base.equals(other.base); }
  override call(x: Tensor): Tensor { return this.base.invCall(x); }
  protected forward(x: Tensor): Tensor { return this.base.invCall(x); }
  override logAbsDetJacobian(x: Tensor, y: Tensor): Tensor { return this.base.logAbsDetJacobian(y, x).neg(); }
  override forwardShape(shape: readonly number[]): number[] { return this.base.inverseShape(shape); }
  override inverseShape(shape: readonly number[]): number[] { return this.base.forwardShape(shape); }
  override toString(): string { return `_InverseTransform()`; }
}

/**
 * A transform without parameters: equal to any instance of its class (PyTorch's isinstance __eq__),
 * and withCache builds a new one of the class (Transform.with_cache's default).
 */
export abstract class ParameterlessTransform extends Transform {
  override equals(other: Transform): boolean { return other instanceof (this.constructor as abstract new (cacheSize?: number) => Transform); }
  override withCache(cacheSize = 1): Transform {
    return this.cacheSize === cacheSize ? this : new (this.constructor as new (cacheSize?: number) => Transform)(cacheSize);
  }
}

/** Applies `parts` in order. */
export class ComposeTransform extends Transform {
  readonly parts: Transform[];
  constructor(parts: Transform[], cacheSize = 0) {
    super(cacheSize);
    this.parts = cacheSize ? parts.map((p) => p.withCache(cacheSize)) : [...parts];
  }
  override withCache(cacheSize = 1): Transform { return this.cacheSize === cacheSize ? this : new ComposeTransform(this.parts, cacheSize); }
  override equals(other: Transform): boolean {
    return other instanceof ComposeTransform && other.parts.length === this.parts.length && this.parts.every((p, i) => p.equals(other.parts[i]!));
  }
  get domain(): Constraint {
    if (this.parts.length === 0) return real;
    const domain = this.parts[0]!.domain;
    let eventDim = this.parts[this.parts.length - 1]!.codomain.eventDim;
    for (const part of [...this.parts].reverse()) {
      eventDim += part.domain.eventDim - part.codomain.eventDim;
      eventDim = Math.max(eventDim, part.domain.eventDim);
    }
    return eventDim > domain.eventDim ? independent(domain, eventDim - domain.eventDim) : domain;
  }
  get codomain(): Constraint {
    if (this.parts.length === 0) return real;
    const codomain = this.parts[this.parts.length - 1]!.codomain;
    let eventDim = this.parts[0]!.domain.eventDim;
    for (const part of this.parts) {
      eventDim += part.codomain.eventDim - part.domain.eventDim;
      eventDim = Math.max(eventDim, part.codomain.eventDim);
    }
    return eventDim > codomain.eventDim ? independent(codomain, eventDim - codomain.eventDim) : codomain;
  }
  override get bijective(): boolean { return this.parts.every((p) => p.bijective); }
  override get sign(): number | Tensor {
    let sign: number | Tensor = 1;
    for (const p of this.parts) { const s = p.sign; sign = typeof sign === "number" ? (typeof s === "number" ? sign * s : s.mul(sign)) : sign.mul(s); }
    return sign;
  }
  override get inv(): Transform { return new ComposeTransform([...this.parts].reverse().map((p) => p.inv)); }
  protected forward(x: Tensor): Tensor { return this.parts.reduce((v, p) => p.call(v), x); }
  protected override backward(y: Tensor): Tensor { return [...this.parts].reverse().reduce((v, p) => p.inv.call(v), y); }
  override logAbsDetJacobian(x: Tensor, y: Tensor): Tensor {
    if (this.parts.length === 0) return zerosLike(x);
    const xs = [x];
    for (const part of this.parts.slice(0, -1)) xs.push(part.call(xs[xs.length - 1]!));
    xs.push(y);
    let eventDim = this.domain.eventDim;
    let total: Tensor | null = null;
    this.parts.forEach((part, i) => {
      const term = sumRightmost(part.logAbsDetJacobian(xs[i]!, xs[i + 1]!), eventDim - part.domain.eventDim);
      total = total ? total.add(term) : term;
      eventDim += part.codomain.eventDim - part.domain.eventDim;
    });
    return total!;
  }
  override forwardShape(shape: readonly number[]): number[] { return this.parts.reduce((s, p) => p.forwardShape(s), [...shape]); }
  override inverseShape(shape: readonly number[]): number[] { return [...this.parts].reverse().reduce((s, p) => p.inverseShape(s), [...shape]); }
  override toString(): string { return `ComposeTransform(\n    ${this.parts.map(String).join(",\n    ")}\n)`; }
}

/** The identity (an empty ComposeTransform). */
export const identityTransform = new ComposeTransform([]);

/** Treats `reinterpretedBatchNdims` extra rightmost dims of a transform as event dims. */
export class IndependentTransform extends Transform {
  constructor(readonly baseTransform: Transform, readonly reinterpretedBatchNdims: number, cacheSize = 0) {
    super(cacheSize);
    this.baseTransform = baseTransform.withCache(cacheSize);
  }
  override withCache(cacheSize = 1): Transform {
    return this.cacheSize === cacheSize ? this : new IndependentTransform(this.baseTransform, this.reinterpretedBatchNdims, cacheSize);
  }
  get domain(): Constraint { return independent(this.baseTransform.domain, this.reinterpretedBatchNdims); }
  get codomain(): Constraint { return independent(this.baseTransform.codomain, this.reinterpretedBatchNdims); }
  override get bijective(): boolean { return this.baseTransform.bijective; }
  override get sign(): number | Tensor { return this.baseTransform.sign; }
  protected forward(x: Tensor): Tensor {
    if (x.dim() < this.domain.eventDim) throw new Error("Too few dimensions on input");
    return this.baseTransform.call(x);
  }
  protected override backward(y: Tensor): Tensor {
    if (y.dim() < this.codomain.eventDim) throw new Error("Too few dimensions on input");
    return this.baseTransform.inv.call(y);
  }
  override logAbsDetJacobian(x: Tensor, y: Tensor): Tensor { return sumRightmost(this.baseTransform.logAbsDetJacobian(x, y), this.reinterpretedBatchNdims); }
  override forwardShape(shape: readonly number[]): number[] { return this.baseTransform.forwardShape(shape); }
  override inverseShape(shape: readonly number[]): number[] { return this.baseTransform.inverseShape(shape); }
}

/** y = exp(x). */
export class ExpTransform extends ParameterlessTransform {
  get domain(): Constraint { return real; }
  get codomain(): Constraint { return positive; }
  override get bijective(): boolean { return true; }
  override get sign(): number { return 1; }
  protected forward(x: Tensor): Tensor { return x.exp(); }
  protected override backward(y: Tensor): Tensor { return y.log(); }
  override logAbsDetJacobian(x: Tensor): Tensor { return x; }
}

/** y = x^exponent (x > 0). */
export class PowerTransform extends Transform {
  readonly exponent: Tensor;
  constructor(exponent: TensorLike, cacheSize = 0) { super(cacheSize); [this.exponent] = broadcastAll(exponent) as [Tensor]; }
  get domain(): Constraint { return positive; }
  get codomain(): Constraint { return positive; }
  override get bijective(): boolean { return true; }
  override get sign(): Tensor { return this.exponent.sign(); }
  override withCache(cacheSize = 1): Transform { return this.cacheSize === cacheSize ? this : new PowerTransform(this.exponent, cacheSize); }
  override equals(other: Transform): boolean { return other instanceof PowerTransform && (this.exponent.eq(other.exponent).all().item() as boolean); }
  protected forward(x: Tensor): Tensor { return x.pow(this.exponent); }
  protected override backward(y: Tensor): Tensor { return y.pow(this.exponent.reciprocal()); }
  override logAbsDetJacobian(x: Tensor, y: Tensor): Tensor { return this.exponent.mul(y).div(x).abs().log(); }
  override forwardShape(shape: readonly number[]): number[] { return broadcastShapes([...shape], this.exponent.shape); }
  override inverseShape(shape: readonly number[]): number[] { return broadcastShapes([...shape], this.exponent.shape); }
}

/** sigmoid clamped into [tiny, 1 - eps] of the dtype (transforms._clipped_sigmoid). */
function clippedSigmoid(x: Tensor): Tensor {
  const f = finfo(x.dtype);
  return x.sigmoid().clamp(f.tiny, 1.0 - f.eps);
}

/** y = sigmoid(x). */
export class SigmoidTransform extends ParameterlessTransform {
  get domain(): Constraint { return real; }
  get codomain(): Constraint { return unitInterval; }
  override get bijective(): boolean { return true; }
  override get sign(): number { return 1; }
  protected forward(x: Tensor): Tensor { return clippedSigmoid(x); }
  protected override backward(y: Tensor): Tensor {
    const f = finfo(y.dtype);
    const c = y.clamp(f.tiny, 1.0 - f.eps);
    return c.log().sub(c.neg().log1p());
  }
  override logAbsDetJacobian(x: Tensor): Tensor { return softplus(x.neg()).neg().sub(softplus(x)); }
}

/** y = softplus(x). */
export class SoftplusTransform extends ParameterlessTransform {
  get domain(): Constraint { return real; }
  get codomain(): Constraint { return positive; }
  override get bijective(): boolean { return true; }
  override get sign(): number { return 1; }
  protected forward(x: Tensor): Tensor { return softplus(x); }
  protected override backward(y: Tensor): Tensor { return y.neg().expm1().neg().log().add(y); }
  override logAbsDetJacobian(x: Tensor): Tensor { return softplus(x.neg()).neg(); }
}

/** y = tanh(x). */
export class TanhTransform extends ParameterlessTransform {
  get domain(): Constraint { return real; }
  get codomain(): Constraint { return interval(-1.0, 1.0); }
  override get bijective(): boolean { return true; }
  override get sign(): number { return 1; }
  protected forward(x: Tensor): Tensor { return x.tanh(); }
  protected override backward(y: Tensor): Tensor { return y.atanh(); }
  // log(1 - tanh(x)^2) written stably.
  override logAbsDetJacobian(x: Tensor): Tensor { return x.neg().add(Math.log(2.0)).sub(softplus(x.mul(-2.0))).mul(2.0); }
}

/** y = |x| (not invertible: the inverse keeps y). */
export class AbsTransform extends ParameterlessTransform {
  get domain(): Constraint { return real; }
  get codomain(): Constraint { return positive; }
  protected forward(x: Tensor): Tensor { return x.abs(); }
  protected override backward(y: Tensor): Tensor { return y; }
}

/** y = loc + scale * x, over `eventDim` rightmost dims. */
export class AffineTransform extends Transform {
  constructor(readonly loc: TensorLike, readonly scale: TensorLike, private readonly affineEventDim = 0, cacheSize = 0) { super(cacheSize); }
  override get eventDim(): number { return this.affineEventDim; }
  get domain(): Constraint { return this.affineEventDim === 0 ? real : independent(real, this.affineEventDim); }
  get codomain(): Constraint { return this.domain; }
  override get bijective(): boolean { return true; }
  override get sign(): number | Tensor {
    if (typeof this.scale === "number") return this.scale > 0 ? 1 : this.scale < 0 ? -1 : 0;
    return this.scale.sign();
  }
  override withCache(cacheSize = 1): Transform {
    return this.cacheSize === cacheSize ? this : new AffineTransform(this.loc, this.scale, this.affineEventDim, cacheSize);
  }
  override equals(other: Transform): boolean {
    if (!(other instanceof AffineTransform)) return false;
    const same = (a: TensorLike, b: TensorLike) => (typeof a === "number" && typeof b === "number" ? a === b
      : a instanceof Tensor && b instanceof Tensor ? (a.eq(b).all().item() as boolean) : false);
    return same(this.loc, other.loc) && same(this.scale, other.scale);
  }
  protected forward(x: Tensor): Tensor {
    const scaled = typeof this.scale === "number" ? x.mul(this.scale) : this.scale.mul(x);
    return typeof this.loc === "number" ? scaled.add(this.loc) : this.loc.add(scaled);
  }
  protected override backward(y: Tensor): Tensor { return y.sub(this.loc).div(this.scale); }
  override logAbsDetJacobian(x: Tensor): Tensor {
    let shape = x.shape;
    let result = typeof this.scale === "number" ? fullLike(x, Math.log(Math.abs(this.scale))) : this.scale.abs().log();
    if (this.affineEventDim) {
      result = result.reshape([...result.shape.slice(0, result.dim() - this.affineEventDim), -1]).sum(-1);
      shape = shape.slice(0, shape.length - this.affineEventDim);
    }
    return result.expand(shape);
  }
  override forwardShape(shape: readonly number[]): number[] {
    const shapeOf = (v: TensorLike) => (v instanceof Tensor ? v.shape : []);
    return broadcastShapes([...shape], shapeOf(this.loc), shapeOf(this.scale));
  }
  override inverseShape(shape: readonly number[]): number[] { return this.forwardShape(shape); }
}

/** y = softmax(x) over the last dim (not bijective; the inverse is log). */
export class SoftmaxTransform extends ParameterlessTransform {
  get domain(): Constraint { return realVector; }
  get codomain(): Constraint { return simplex; }
  protected forward(x: Tensor): Tensor {
    const probs = x.sub(x.max(-1, true)[0]!).exp();
    return probs.div(probs.sum(-1, true));
  }
  protected override backward(y: Tensor): Tensor { return y.log(); }
}

/** R^(K-1) -> the K-simplex by stick breaking. */
export class StickBreakingTransform extends ParameterlessTransform {
  get domain(): Constraint { return realVector; }
  get codomain(): Constraint { return simplex; }
  override get bijective(): boolean { return true; }
  /** K + 1 - [1, ..., K] for K = x.size(-1). */
  private static offset(x: Tensor): Tensor {
    return ones([x.size(-1)], { dtype: x.dtype }).cumsum(-1).neg().add(x.size(-1) + 1);
  }
  protected forward(x: Tensor): Tensor {
    const z = clippedSigmoid(x.sub(StickBreakingTransform.offset(x).log()));
    const zCumprod = z.neg().add(1).cumprod(-1);
    return pad(z, [0, 1], { value: 1 }).mul(pad(zCumprod, [1, 0], { value: 1 }));
  }
  protected override backward(y: Tensor): Tensor {
    const yCrop = y.narrow(-1, 0, y.size(-1) - 1);
    const offset = ones([yCrop.size(-1)], { dtype: y.dtype }).cumsum(-1).neg().add(y.size(-1));
    const sf = yCrop.cumsum(-1).neg().add(1).clamp(finfo(y.dtype).tiny);
    return yCrop.log().sub(sf.log()).add(offset.log());
  }
  override logAbsDetJacobian(x: Tensor, y: Tensor): Tensor {
    const shifted = x.sub(StickBreakingTransform.offset(x).log());
    return shifted.neg().add(logsigmoid(shifted)).add(y.narrow(-1, 0, y.size(-1) - 1).log()).sum(-1);
  }
  override forwardShape(shape: readonly number[]): number[] {
    if (shape.length < 1) throw new Error("Too few dimensions on input");
    return [...shape.slice(0, -1), shape[shape.length - 1]! + 1];
  }
  override inverseShape(shape: readonly number[]): number[] {
    if (shape.length < 1) throw new Error("Too few dimensions on input");
    return [...shape.slice(0, -1), shape[shape.length - 1]! - 1];
  }
}

/** Unconstrained matrices -> lower triangular with a positive diagonal (exp of the diagonal). */
export class LowerCholeskyTransform extends ParameterlessTransform {
  get domain(): Constraint { return independent(real, 2); }
  get codomain(): Constraint { return lowerCholesky; }
  protected forward(x: Tensor): Tensor { return x.tril(-1).add(x.diagonal(0, -2, -1).exp().diagEmbed()); }
  protected override backward(y: Tensor): Tensor { return y.tril(-1).add(y.diagonal(0, -2, -1).log().diagEmbed()); }
}

/** Unconstrained matrices -> positive definite matrices (L L^T of LowerCholeskyTransform). */
export class PositiveDefiniteTransform extends ParameterlessTransform {
  get domain(): Constraint { return independent(real, 2); }
  get codomain(): Constraint { return positiveDefinite; }
  protected forward(x: Tensor): Tensor {
    const l = new LowerCholeskyTransform().call(x);
    return matmul(l, l.mT);
  }
  protected override backward(y: Tensor): Tensor { return new LowerCholeskyTransform().inv.call(cholesky(y)); }
}
