// biject_to and transform_to (constraint_registry.py): the transform from unconstrained space onto
// a constraint's set (bijective for bijectTo), looked up by the constraint's class.

import {
  type Constraint, CatConstraint, StackConstraint, corrCholesky, GreaterThan, GreaterThanEq, HalfOpenInterval, IndependentConstraint, Interval, LessThan,
  lowerCholesky, positiveDefinite, positiveSemidefinite, real, simplex,
} from "./constraints.js";
import {
  AffineTransform, ComposeTransform, ExpTransform, IndependentTransform, LowerCholeskyTransform, PositiveDefiniteTransform,
  SigmoidTransform, SoftmaxTransform, StickBreakingTransform, type Transform, identityTransform,
} from "./transforms.js";
import { CatTransform, CorrCholeskyTransform, StackTransform } from "./transforms-structured.js";

type ConstraintClass = abstract new (...args: never[]) => Constraint;
type Factory = (constraint: never) => Transform;

/** A registry from constraint classes to transform factories (PyTorch's ConstraintRegistry). */
export class ConstraintRegistry {
  private readonly registry = new Map<unknown, Factory>();

  /** Registers factory for the class of `constraint` (a Constraint subclass or an instance of it). */
  register(constraint: ConstraintClass | Constraint, factory: (constraint: never) => Transform): (constraint: never) => Transform {
    const key = typeof constraint === "function" ? constraint : constraint.constructor;
    this.registry.set(key, factory);
    return factory;
  }

  /** The transform for `constraint` (Python's registry(constraint)). */
  call(constraint: Constraint): Transform {
    const factory = this.registry.get(constraint.constructor);
    if (!factory) throw new Error(`Cannot transform ${constraint.constructor.name.replace(/Constraint$/, "")} constraints`);
    return factory(constraint as never);
  }
}

const bijectRegistry = new ConstraintRegistry();
const transformRegistry = new ConstraintRegistry();

/** A bijective transform from unconstrained reals onto constraint's set. */
export function bijectTo(constraint: Constraint): Transform { return bijectRegistry.call(constraint); }
/** A transform (not necessarily bijective) from unconstrained reals onto constraint's set. */
export function transformTo(constraint: Constraint): Transform { return transformRegistry.call(constraint); }
/** The registries behind bijectTo and transformTo, for registering new constraints. */
export const bijectToRegistry = bijectRegistry;
export const transformToRegistry = transformRegistry;

const both = (c: ConstraintClass | Constraint, f: (constraint: never) => Transform) => { bijectRegistry.register(c, f); transformRegistry.register(c, f); };

both(real, () => identityTransform);
bijectRegistry.register(IndependentConstraint, (c: IndependentConstraint) => new IndependentTransform(bijectTo(c.baseConstraint), c.reinterpretedBatchNdims));
transformRegistry.register(IndependentConstraint, (c: IndependentConstraint) => new IndependentTransform(transformTo(c.baseConstraint), c.reinterpretedBatchNdims));
// positive and nonnegative are GreaterThan(0) / GreaterThanEq(0): PyTorch registers ExpTransform for
// them, then the greater_than factory for the same classes, which wins.
both(GreaterThan, (c: GreaterThan) => new ComposeTransform([new ExpTransform(), new AffineTransform(c.lowerBound, 1)]));
both(GreaterThanEq, (c: GreaterThanEq) => new ComposeTransform([new ExpTransform(), new AffineTransform(c.lowerBound, 1)]));
both(LessThan, (c: LessThan) => new ComposeTransform([new ExpTransform(), new AffineTransform(c.upperBound, -1)]));
const toInterval = (c: Interval | HalfOpenInterval): Transform => {
  if (c.lowerBound === 0 && c.upperBound === 1) return new SigmoidTransform();
  const scale = typeof c.upperBound === "number" && typeof c.lowerBound === "number" ? c.upperBound - c.lowerBound
    : (typeof c.upperBound === "number" ? (c.lowerBound as Exclude<typeof c.lowerBound, number>).neg().add(c.upperBound) : c.upperBound.sub(c.lowerBound));
  return new ComposeTransform([new SigmoidTransform(), new AffineTransform(c.lowerBound, scale)]);
};
both(Interval, toInterval);
both(HalfOpenInterval, toInterval);
bijectRegistry.register(simplex, () => new StickBreakingTransform());
transformRegistry.register(simplex, () => new SoftmaxTransform());
transformRegistry.register(lowerCholesky, () => new LowerCholeskyTransform());
transformRegistry.register(positiveDefinite, () => new PositiveDefiniteTransform());
transformRegistry.register(positiveSemidefinite, () => new PositiveDefiniteTransform());
both(corrCholesky, () => new CorrCholeskyTransform());
bijectRegistry.register(CatConstraint, (c: CatConstraint) => new CatTransform(c.cseq.map(bijectTo), c.dim, c.lengths));
transformRegistry.register(CatConstraint, (c: CatConstraint) => new CatTransform(c.cseq.map(transformTo), c.dim, c.lengths));
bijectRegistry.register(StackConstraint, (c: StackConstraint) => new StackTransform(c.cseq.map(bijectTo), c.dim));
transformRegistry.register(StackConstraint, (c: StackConstraint) => new StackTransform(c.cseq.map(transformTo), c.dim));
