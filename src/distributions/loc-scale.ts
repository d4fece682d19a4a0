// The shared part of the location-scale families over the real line with a reparameterised sample
// (Laplace, Cauchy): their (loc, scale) arguments, PyTorch's constraints and expand.

import type { Tensor } from "../core/tensor.js";
import { type Constraint, positive, real } from "./constraints.js";
import { Distribution } from "./distribution.js";
import { type TensorLike, bindParams, broadcastAll, validateArgsOf } from "./utils.js";

export interface LocScaleOptions { loc?: TensorLike; scale?: TensorLike; validateArgs?: boolean | null }

export abstract class LocScaleDistribution extends Distribution {
  loc!: Tensor;
  scale!: Tensor;

  /** Binds (loc, scale, validateArgs) as `name`'s constructor takes them (positionally or in one options object). */
  protected constructor(name: string, args: readonly unknown[]) {
    super();
    const p = bindParams(name, [...args], ["loc", "scale", "validateArgs"]);
    if (p.loc === undefined || p.scale === undefined) throw new TypeError(`${name}.__init__() missing required positional arguments: 'loc' and 'scale'`);
    [this.loc, this.scale] = broadcastAll(p.loc, p.scale) as [Tensor, Tensor];
    this.init(typeof p.loc === "number" && typeof p.scale === "number" ? [] : this.loc.shape, [], validateArgsOf(p));
  }

  get argConstraints(): Record<string, Constraint> { return { loc: real, scale: positive }; }
  override get support(): Constraint { return real; }
  override get hasRsample(): boolean { return true; }

  override expand(batchShape: readonly number[]): this {
    const copy = this.blank();
    copy.loc = this.loc.expand([...batchShape]);
    copy.scale = this.scale.expand([...batchShape]);
    return this.finishExpand(copy, batchShape);
  }
}
