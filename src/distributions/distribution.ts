// Distribution, the base class of every distribution (torch/distributions/distribution.py):
// batch/event shapes, argument and sample validation with PyTorch's messages, sample via rsample
// without gradients, and the defaults (stddev, perplexity) written over the subclass's methods.

import { Tensor } from "../core/tensor.js";
import { noGrad } from "../autograd/grad-mode.js";
import { warnOnce } from "../core/warnings.js";
import { type Constraint, isDependent } from "./constraints.js";
import { isOptionsObject } from "../ops/args.js";
import { pyFormat, pySize, pyTuple, sameShape, snakeCase } from "./utils.js";

/** The sample_shape argument: sizes, or `{ sampleShape }`. */
export type SampleShape = readonly number[] | { sampleShape?: readonly number[] };

function sampleShapeOf(op: string, s: SampleShape | undefined): number[] {
  if (s === undefined) return [];
  if (Array.isArray(s)) {
    if (!s.every((d) => Number.isInteger(d) && d >= 0)) throw new TypeError(`${op}(): sample_shape must be a sequence of non-negative ints, got [${s.join(", ")}]`);
    return [...s];
  }
  if (isOptionsObject(s)) return sampleShapeOf(op, (s as { sampleShape?: readonly number[] }).sampleShape ?? []);
  throw new TypeError(`${op}(): sample_shape must be a sequence of ints`);
}

export abstract class Distribution {
  private static defaultValidate = true;

  /** Distribution.set_default_validate_args(value): whether new instances validate by default. */
  static setDefaultValidateArgs(value: boolean): void {
    if (value !== true && value !== false) throw new Error("set_default_validate_args expects a bool");
    Distribution.defaultValidate = value;
  }

  /** Whether argument and sample validation is on for this instance. */
  protected _validateArgs = Distribution.defaultValidate;
  protected _batchShape: number[] = [];
  protected _eventShape: number[] = [];

  /** Whether rsample gives reparameterised (differentiable) samples. */
  get hasRsample(): boolean { return false; }
  /** Whether enumerateSupport is available. */
  get hasEnumerateSupport(): boolean { return false; }

  /**
   * Sets the shapes and validates the parameters (PyTorch's Distribution.__init__). Subclasses
   * call it at the end of their constructor, once their parameters are set.
   */
  protected init(batchShape: readonly number[], eventShape: readonly number[] = [], validateArgs: boolean | null = null): void {
    this._batchShape = [...batchShape];
    this._eventShape = [...eventShape];
    if (validateArgs !== null) this._validateArgs = validateArgs;
    if (!this._validateArgs) return;
    for (const [param, constraint] of Object.entries(this.argConstraints)) {
      if (isDependent(constraint)) continue;
      const value = this.givenParam(param);
      if (value === undefined) continue; // lazily computed (probs from logits, ...): not checked
      const valid = constraint.check(value);
      if (!(valid.all().item() as boolean)) {
        throw new Error(
          `Expected parameter ${snakeCase(param)} (Tensor of shape ${pyTuple(value.shape)}) of distribution ${this.toString()} ` +
          `to satisfy the constraint ${constraint.toString()}, but found invalid values:\n${pyFormat(value)}`,
        );
      }
    }
  }

  /** Whether validation is on (PyTorch's _validate_args). */
  get validateArgs(): boolean { return this._validateArgs; }

  /** The parameter `name` as given to the constructor (undefined for lazily computed ones). */
  protected givenParam(name: string): Tensor | undefined {
    const v = (this as unknown as Record<string, unknown>)[name];
    return v instanceof Tensor ? v : undefined;
  }

  /** An uninitialised instance of this class, for expand (PyTorch's _get_checked_instance). */
  protected blank<T extends Distribution>(this: T): T {
    return Object.create(Object.getPrototypeOf(this) as object) as T;
  }

  /** Finishes an expanded copy: its shapes, without validation, and this instance's validate flag. */
  protected finishExpand<T extends Distribution>(copy: T, batchShape: readonly number[], eventShape: readonly number[] = this._eventShape): T {
    copy._batchShape = [...batchShape];
    copy._eventShape = [...eventShape];
    copy._validateArgs = this._validateArgs;
    return copy;
  }

  /** A new distribution with batch dims expanded to batchShape (parameters are expanded views). */
  expand(batchShape: readonly number[]): Distribution {
    void batchShape;
    throw new Error(`${this.constructor.name} does not implement expand`);
  }

  get batchShape(): number[] { return [...this._batchShape]; }
  get eventShape(): number[] { return [...this._eventShape]; }

  /** The constraint each parameter must satisfy. */
  abstract get argConstraints(): Record<string, Constraint>;
  /** The set the samples live in. */
  get support(): Constraint { throw new Error(`${this.constructor.name} does not implement support`); }

  get mean(): Tensor { throw new Error(`${this.constructor.name} does not implement mean`); }
  get mode(): Tensor { throw new Error(`<class 'torch.distributions.${this.constructor.name}'> does not implement mode`); }
  get variance(): Tensor { throw new Error(`${this.constructor.name} does not implement variance`); }
  get stddev(): Tensor { return this.variance.sqrt(); }

  /** A sample of shape sampleShape + batchShape + eventShape, without gradients. */
  sample(sampleShape?: SampleShape): Tensor {
    return noGrad(() => this.rsample(sampleShape));
  }

  /** A reparameterised sample: differentiable with respect to the parameters. */
  rsample(sampleShape?: SampleShape): Tensor {
    void sampleShape;
    throw new Error(`${this.constructor.name} does not implement rsample`);
  }

  /** sample_n(n): sample([n]) (deprecated in PyTorch). */
  sampleN(n: number): Tensor {
    warnOnce("`sample_n(n)` will be deprecated. Use `sample((n,))` instead.");
    return this.sample([n]);
  }

  logProb(value: Tensor): Tensor { void value; throw new Error(`${this.constructor.name} does not implement log_prob`); }
  cdf(value: Tensor): Tensor { void value; throw new Error(`${this.constructor.name} does not implement cdf`); }
  icdf(value: Tensor): Tensor { void value; throw new Error(`${this.constructor.name} does not implement icdf`); }
  /** All values of a discrete distribution's support, over dim 0. */
  enumerateSupport(expand = true): Tensor { void expand; throw new Error(`${this.constructor.name} does not implement enumerate_support`); }
  entropy(): Tensor { throw new Error(`${this.constructor.name} does not implement entropy`); }
  perplexity(): Tensor { return this.entropy().exp(); }

  /** sampleShape + batchShape + eventShape (PyTorch's _extended_shape). */
  protected extendedShape(sampleShape?: SampleShape): number[] {
    return [...sampleShapeOf("sample", sampleShape), ...this._batchShape, ...this._eventShape];
  }

  /** PyTorch's _validate_sample: value's shape against the event and batch shapes, then the support. */
  protected validateSample(value: Tensor): void {
    if (!(value instanceof Tensor)) throw new Error("The value argument to log_prob must be a Tensor");
    const eventStart = value.dim() - this._eventShape.length;
    if (eventStart < 0 || !sameShape(value.shape.slice(eventStart), this._eventShape)) {
      throw new Error(`The right-most size of value must match event_shape: ${pySize(value.shape)} vs ${pySize(this._eventShape)}.`);
    }
    const actual = value.shape, expected = [...this._batchShape, ...this._eventShape];
    for (let k = 1; k <= Math.min(actual.length, expected.length); k++) {
      const i = actual[actual.length - k]!, j = expected[expected.length - k]!;
      if (i !== 1 && j !== 1 && i !== j) {
        throw new Error(`Value is not broadcastable with batch_shape+event_shape: ${pySize(actual)} vs ${pySize(expected)}.`);
      }
    }
    const support = this.support;
    const valid = support.check(value);
    if (!(valid.all().item() as boolean)) {
      throw new Error(
        `Expected value argument (Tensor of shape ${pyTuple(value.shape)}) to be within the support (${support.toString()}) ` +
        `of the distribution ${this.toString()}, but found invalid values:\n${pyFormat(value)}`,
      );
    }
  }

  /** PyTorch's repr: the class name and the given parameters (values when scalar, else sizes). */
  toString(): string {
    const parts: string[] = [];
    for (const name of Object.keys(this.argConstraints)) {
      const v = this.givenParam(name);
      if (v === undefined) continue;
      parts.push(`${snakeCase(name)}: ${v.numel() === 1 ? pyFormat(v) : pySize(v.shape)}`);
    }
    return `${this.constructor.name}(${parts.join(", ")})`;
  }
}
