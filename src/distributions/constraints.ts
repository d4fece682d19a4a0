// torch.distributions.constraints: the sets parameters and values live in. check(value) gives a bool
// tensor of shape value.shape minus the constraint's event_dim rightmost dims.

import { Tensor } from "../core/tensor.js";
import { finfo } from "../core/type-info.js";
import { full } from "../ops/creation.js";
import { isclose } from "../ops/comparison.js";
import { choleskyEx, eigvalsh, vectorNorm } from "../ops/linalg.js";
import { cat as catTensors, stack as stackTensors } from "../ops/shape-join.js";
import { type TensorLike, pyBound } from "./utils.js";

/** A region over which a variable is valid (PyTorch's constraints.Constraint). */
export abstract class Constraint {
  /** Whether the space is discrete. */
  get isDiscrete(): boolean { return false; }
  /** Number of rightmost dimensions that together define an event. */
  get eventDim(): number { return 0; }
  /** A bool tensor: whether each event of value satisfies the constraint. */
  abstract check(value: Tensor): Tensor;
  /** The class name PyTorch prints (its class name without the leading underscore). */
  protected abstract get name(): string;
  toString(): string { return `${this.name}()`; }
}

/** A placeholder for variables whose support depends on other variables: it cannot be checked. */
export class Dependent extends Constraint {
  constructor(private readonly discrete: boolean | null = null, private readonly dim: number | null = null) { super(); }
  protected get name(): string { return "Dependent"; }
  override get isDiscrete(): boolean {
    if (this.discrete === null) throw new Error(".is_discrete cannot be determined statically");
    return this.discrete;
  }
  override get eventDim(): number {
    if (this.dim === null) throw new Error(".event_dim cannot be determined statically");
    return this.dim;
  }
  check(): Tensor { throw new Error("Cannot determine validity of dependent constraint"); }
  /** dependent(is_discrete=..., event_dim=...): a copy with those fields set. */
  call(options: { isDiscrete?: boolean; eventDim?: number } = {}): Dependent {
    return new Dependent(options.isDiscrete ?? this.discrete, options.eventDim ?? this.dim);
  }
}

/** Whether `c` is a dependent constraint (constraints.is_dependent). */
export function isDependent(c: Constraint): boolean { return c instanceof Dependent; }

/** Reinterprets the rightmost `reinterpretedBatchNdims` batch dims of a constraint as event dims. */
export class IndependentConstraint extends Constraint {
  constructor(readonly baseConstraint: Constraint, readonly reinterpretedBatchNdims: number) {
    super();
    if (!Number.isInteger(reinterpretedBatchNdims) || reinterpretedBatchNdims < 0) throw new Error("reinterpreted_batch_ndims must be a non-negative int");
  }
  protected get name(): string { return "IndependentConstraint"; }
  override get isDiscrete(): boolean { return this.baseConstraint.isDiscrete; }
  override get eventDim(): number { return this.baseConstraint.eventDim + this.reinterpretedBatchNdims; }
  check(value: Tensor): Tensor {
    let result = this.baseConstraint.check(value);
    const n = this.reinterpretedBatchNdims;
    if (result.dim() < n) {
      throw new Error(`Expected value.dim() >= ${this.baseConstraint.eventDim + n} but got ${value.dim()}`);
    }
    result = result.reshape([...result.shape.slice(0, result.dim() - n), -1]);
    return result.all(-1);
  }
  override toString(): string { return `${this.name}(${this.baseConstraint}, ${this.reinterpretedBatchNdims})`; }
}

class BooleanConstraint extends Constraint {
  protected get name(): string { return "Boolean"; }
  override get isDiscrete(): boolean { return true; }
  check(value: Tensor): Tensor { return value.eq(0).logicalOr(value.eq(1)); }
}

class OneHotConstraint extends Constraint {
  protected get name(): string { return "OneHot"; }
  override get isDiscrete(): boolean { return true; }
  override get eventDim(): number { return 1; }
  check(value: Tensor): Tensor {
    const isBoolean = value.eq(0).logicalOr(value.eq(1));
    const isNormalized = value.sum(-1).eq(1);
    return isBoolean.all(-1).logicalAnd(isNormalized);
  }
}

const isInteger = (value: Tensor): Tensor => value.remainder(1).eq(0);

/** Integers in [lowerBound, upperBound]. */
export class IntegerInterval extends Constraint {
  constructor(readonly lowerBound: TensorLike, readonly upperBound: TensorLike) { super(); }
  protected get name(): string { return "IntegerInterval"; }
  override get isDiscrete(): boolean { return true; }
  check(value: Tensor): Tensor { return isInteger(value).logicalAnd(value.ge(this.lowerBound)).logicalAnd(value.le(this.upperBound)); }
  override toString(): string { return `${this.name}(lower_bound=${pyBound(this.lowerBound, true)}, upper_bound=${pyBound(this.upperBound, true)})`; }
}

/** Integers in (-inf, upperBound]. */
export class IntegerLessThan extends Constraint {
  constructor(readonly upperBound: TensorLike) { super(); }
  protected get name(): string { return "IntegerLessThan"; }
  override get isDiscrete(): boolean { return true; }
  check(value: Tensor): Tensor { return isInteger(value).logicalAnd(value.le(this.upperBound)); }
  override toString(): string { return `${this.name}(upper_bound=${pyBound(this.upperBound, true)})`; }
}

/** Integers in [lowerBound, inf). */
export class IntegerGreaterThan extends Constraint {
  constructor(readonly lowerBound: TensorLike) { super(); }
  protected get name(): string { return "IntegerGreaterThan"; }
  override get isDiscrete(): boolean { return true; }
  check(value: Tensor): Tensor { return isInteger(value).logicalAnd(value.ge(this.lowerBound)); }
  override toString(): string { return `${this.name}(lower_bound=${pyBound(this.lowerBound, true)})`; }
}

class RealConstraint extends Constraint {
  protected get name(): string { return "Real"; }
  // NaN is the only value not equal to itself.
  check(value: Tensor): Tensor { return value.eq(value); }
}

/** (lowerBound, inf). */
export class GreaterThan extends Constraint {
  constructor(readonly lowerBound: TensorLike) { super(); }
  protected get name(): string { return "GreaterThan"; }
  check(value: Tensor): Tensor { return value.gt(this.lowerBound); }
  override toString(): string { return `${this.name}(lower_bound=${pyBound(this.lowerBound)})`; }
}

/** [lowerBound, inf). */
export class GreaterThanEq extends Constraint {
  constructor(readonly lowerBound: TensorLike) { super(); }
  protected get name(): string { return "GreaterThanEq"; }
  check(value: Tensor): Tensor { return value.ge(this.lowerBound); }
  override toString(): string { return `${this.name}(lower_bound=${pyBound(this.lowerBound)})`; }
}

/** (-inf, upperBound). */
export class LessThan extends Constraint {
  constructor(readonly upperBound: TensorLike) { super(); }
  protected get name(): string { return "LessThan"; }
  check(value: Tensor): Tensor { return value.lt(this.upperBound); }
  override toString(): string { return `${this.name}(upper_bound=${pyBound(this.upperBound)})`; }
}

/** [lowerBound, upperBound]. */
export class Interval extends Constraint {
  constructor(readonly lowerBound: TensorLike, readonly upperBound: TensorLike) { super(); }
  protected get name(): string { return "Interval"; }
  check(value: Tensor): Tensor { return value.ge(this.lowerBound).logicalAnd(value.le(this.upperBound)); }
  override toString(): string { return `${this.name}(lower_bound=${pyBound(this.lowerBound)}, upper_bound=${pyBound(this.upperBound)})`; }
}

/** [lowerBound, upperBound). */
export class HalfOpenInterval extends Constraint {
  constructor(readonly lowerBound: TensorLike, readonly upperBound: TensorLike) { super(); }
  protected get name(): string { return "HalfOpenInterval"; }
  check(value: Tensor): Tensor { return value.ge(this.lowerBound).logicalAnd(value.lt(this.upperBound)); }
  override toString(): string { return `${this.name}(lower_bound=${pyBound(this.lowerBound)}, upper_bound=${pyBound(this.upperBound)})`; }
}

class SimplexConstraint extends Constraint {
  protected get name(): string { return "Simplex"; }
  override get eventDim(): number { return 1; }
  check(value: Tensor): Tensor { return value.ge(0).all(-1).logicalAnd(value.sum(-1).sub(1).abs().lt(1e-6)); }
}

/** Nonnegative integer vectors summing to at most upperBound (the total count). */
export class MultinomialConstraint extends Constraint {
  constructor(readonly upperBound: number) { super(); }
  protected get name(): string { return "Multinomial"; }
  override get isDiscrete(): boolean { return true; }
  override get eventDim(): number { return 1; }
  check(value: Tensor): Tensor { return value.ge(0).all(-1).logicalAnd(value.sum(-1).le(this.upperBound)); }
}

const lowerTriangularCheck = (value: Tensor): Tensor => value.tril().eq(value).reshape([...value.shape.slice(0, -2), -1]).min(-1)[0]!;

class LowerTriangularConstraint extends Constraint {
  protected get name(): string { return "LowerTriangular"; }
  override get eventDim(): number { return 2; }
  check(value: Tensor): Tensor { return lowerTriangularCheck(value); }
}

class LowerCholeskyConstraint extends Constraint {
  protected get name(): string { return "LowerCholesky"; }
  override get eventDim(): number { return 2; }
  check(value: Tensor): Tensor {
    const positiveDiagonal = value.diagonal(0, -2, -1).gt(0).min(-1)[0]!;
    return lowerTriangularCheck(value).logicalAnd(positiveDiagonal);
  }
}

class CorrCholeskyConstraint extends Constraint {
  protected get name(): string { return "CorrCholesky"; }
  override get eventDim(): number { return 2; }
  check(value: Tensor): Tensor {
    const tol = finfo(value.dtype).eps * value.size(-1) * 10;
    const rowNorm = vectorNorm(value.detach(), { dim: -1 });
    const unitRowNorm = rowNorm.sub(1).abs().le(tol).all(-1);
    return lowerCholesky.check(value).logicalAnd(unitRowNorm);
  }
}

class SquareConstraint extends Constraint {
  protected get name(): string { return "Square"; }
  override get eventDim(): number { return 2; }
  check(value: Tensor): Tensor { return full(value.shape.slice(0, -2), value.size(-2) === value.size(-1), { dtype: "bool" }); }
}

class SymmetricConstraint extends SquareConstraint {
  protected override get name(): string { return "Symmetric"; }
  override check(value: Tensor): Tensor {
    const square = super.check(value);
    if (!(square.all().item() as boolean)) return square;
    return isclose(value, value.mT, { atol: 1e-6 }).all(-2).all(-1);
  }
}

class PositiveSemidefiniteConstraint extends SymmetricConstraint {
  protected override get name(): string { return "PositiveSemidefinite"; }
  override check(value: Tensor): Tensor {
    const symmetric = super.check(value);
    if (!(symmetric.all().item() as boolean)) return symmetric;
    return eigvalsh(value).ge(0).all(-1);
  }
}

class PositiveDefiniteConstraint extends SymmetricConstraint {
  protected override get name(): string { return "PositiveDefinite"; }
  override check(value: Tensor): Tensor {
    const symmetric = super.check(value);
    if (!(symmetric.all().item() as boolean)) return symmetric;
    return choleskyEx(value).info.eq(0);
  }
}

/** Applies a sequence of constraints to slices of `dim` of lengths `lengths` (constraints.cat). */
export class CatConstraint extends Constraint {
  constructor(readonly cseq: Constraint[], readonly dim = 0, readonly lengths: number[] = cseq.map(() => 1)) {
    super();
    if (lengths.length !== cseq.length) throw new Error("cat: lengths must have one entry per constraint");
  }
  protected get name(): string { return "Cat"; }
  override get isDiscrete(): boolean { return this.cseq.some((c) => c.isDiscrete); }
  override get eventDim(): number { return Math.max(...this.cseq.map((c) => c.eventDim)); }
  check(value: Tensor): Tensor {
    if (!(value.dim() >= -this.dim && value.dim() > this.dim)) throw new Error(`cat: dim ${this.dim} out of range for a ${value.dim()}-d value`);
    const checks: Tensor[] = [];
    let start = 0;
    this.cseq.forEach((c, i) => {
      checks.push(c.check(value.narrow(this.dim, start, this.lengths[i]!)));
      start += this.lengths[i]!;
    });
    return catTensors(checks, this.dim);
  }
}

/** Applies a sequence of constraints to the slices of `dim` (constraints.stack). */
export class StackConstraint extends Constraint {
  constructor(readonly cseq: Constraint[], readonly dim = 0) { super(); }
  protected get name(): string { return "Stack"; }
  override get isDiscrete(): boolean { return this.cseq.some((c) => c.isDiscrete); }
  override get eventDim(): number {
    const dim = Math.max(...this.cseq.map((c) => c.eventDim));
    return this.dim + dim < 0 ? dim + 1 : dim;
  }
  check(value: Tensor): Tensor {
    if (value.size(this.dim) !== this.cseq.length) throw new Error(`stack: value.size(${this.dim}) must equal the number of constraints (${this.cseq.length})`);
    const parts = value.unbind(this.dim);
    return stackTensors(this.cseq.map((c, i) => c.check(parts[i]!)), this.dim);
  }
}

export const dependent = new Dependent();
/** constraints.dependent_property: a dependent support computed from the parameters. */
export const dependentProperty = dependent;
export const boolean: Constraint = new BooleanConstraint();
export const oneHot: Constraint = new OneHotConstraint();
export const nonnegativeInteger = new IntegerGreaterThan(0);
export const positiveInteger = new IntegerGreaterThan(1);
export const real: Constraint = new RealConstraint();
export const realVector = new IndependentConstraint(real, 1);
export const positive = new GreaterThan(0.0);
export const nonnegative = new GreaterThanEq(0.0);
export const unitInterval = new Interval(0.0, 1.0);
export const simplex: Constraint = new SimplexConstraint();
export const lowerTriangular: Constraint = new LowerTriangularConstraint();
export const lowerCholesky: Constraint = new LowerCholeskyConstraint();
export const corrCholesky: Constraint = new CorrCholeskyConstraint();
export const square: Constraint = new SquareConstraint();
export const symmetric: Constraint = new SymmetricConstraint();
export const positiveSemidefinite: Constraint = new PositiveSemidefiniteConstraint();
export const positiveDefinite: Constraint = new PositiveDefiniteConstraint();

export function independent(base: Constraint, reinterpretedBatchNdims: number): IndependentConstraint { return new IndependentConstraint(base, reinterpretedBatchNdims); }
export function integerInterval(lowerBound: TensorLike, upperBound: TensorLike): IntegerInterval { return new IntegerInterval(lowerBound, upperBound); }
export function greaterThan(lowerBound: TensorLike): GreaterThan { return new GreaterThan(lowerBound); }
export function greaterThanEq(lowerBound: TensorLike): GreaterThanEq { return new GreaterThanEq(lowerBound); }
export function lessThan(upperBound: TensorLike): LessThan { return new LessThan(upperBound); }
export function interval(lowerBound: TensorLike, upperBound: TensorLike): Interval { return new Interval(lowerBound, upperBound); }
export function halfOpenInterval(lowerBound: TensorLike, upperBound: TensorLike): HalfOpenInterval { return new HalfOpenInterval(lowerBound, upperBound); }
export function multinomial(upperBound: number): MultinomialConstraint { return new MultinomialConstraint(upperBound); }
export function cat(cseq: Constraint[], dim = 0, lengths?: number[]): CatConstraint { return new CatConstraint(cseq, dim, lengths); }
export function stack(cseq: Constraint[], dim = 0): StackConstraint { return new StackConstraint(cseq, dim); }
