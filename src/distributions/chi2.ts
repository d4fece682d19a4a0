// Chi2(df) = Gamma(df / 2, 1 / 2) (chi2.py).

import type { Tensor } from "../core/tensor.js";
import { type Constraint, positive } from "./constraints.js";
import { Gamma } from "./gamma.js";
import { type TensorLike, bindParams, validateArgsOf } from "./utils.js";

export interface Chi2Options { df?: TensorLike; validateArgs?: boolean | null }

export class Chi2 extends Gamma {
  protected static override bindsOwnArguments = true;

  constructor(dfArg: TensorLike | Chi2Options, validateArgs?: boolean | null | Chi2Options) {
    super(dfArg as TensorLike);
    const p = bindParams("Chi2", [...arguments], ["df", "validateArgs"]);
    if (p.df === undefined) throw new TypeError("Chi2.__init__() missing 1 required positional argument: 'df'");
    const df = p.df as TensorLike;
    this.setGamma(typeof df === "number" ? 0.5 * df : df.mul(0.5), 0.5, validateArgsOf(p));
    void validateArgs;
  }

  override get argConstraints(): Record<string, Constraint> { return { df: positive }; }
  // df is a property in PyTorch: validated, not in the repr.
  protected override givenParam(name: string): Tensor | undefined { return name === "df" ? this.df : undefined; }
  override toString(): string { return "Chi2()"; }

  get df(): Tensor { return this.concentration.mul(2); }

  override expand(batchShape: readonly number[]): Chi2 { return super.expand(batchShape) as Chi2; }
}
