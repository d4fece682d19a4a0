// Flatten and Unflatten.

import type { Tensor } from "../../core/tensor.js";
import { type Args } from "../../ops/args.js";
import { Module } from "../module.js";
import { bindCtor, pyRepr } from "./utils.js";

export class Flatten extends Module {
  readonly startDim: number;
  readonly endDim: number;
  constructor(...args: Args<[startDim?: number, endDim?: number], { startDim?: number; endDim?: number }>) {
    super();
    const a = bindCtor("Flatten", args, ["startDim", "endDim"]);
    this.startDim = (a.startDim as number | undefined) ?? 1;
    this.endDim = (a.endDim as number | undefined) ?? -1;
  }
  override forward(input: Tensor): Tensor { return input.flatten(this.startDim, this.endDim); }
  override extraRepr(): string { return `start_dim=${this.startDim}, end_dim=${this.endDim}`; }
}

export class Unflatten extends Module {
  readonly dim: number;
  readonly unflattenedSize: number[];
  constructor(...args: Args<[dim: number, unflattenedSize: number[]], { dim?: number; unflattenedSize?: number[] }>) {
    super();
    const a = bindCtor("Unflatten", args, ["dim", "unflattenedSize"], 2);
    if (typeof a.dim !== "number" || !Number.isInteger(a.dim)) throw new Error(`Unflatten: invalid type of dim, expected int but got ${pyRepr(a.dim)}`);
    const size = a.unflattenedSize;
    if (!Array.isArray(size) || size.some((s) => typeof s !== "number" || !Number.isInteger(s))) {
      throw new Error(`Unflatten: unflattened_size must be a tuple of ints, but found ${pyRepr(size)}`);
    }
    this.dim = a.dim;
    this.unflattenedSize = size as number[];
  }
  override forward(input: Tensor): Tensor { return input.unflatten(this.dim, this.unflattenedSize); }
  override extraRepr(): string { return `dim=${this.dim}, unflattened_size=${pyRepr(this.unflattenedSize)}`; }
}
