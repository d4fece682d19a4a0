// PixelShuffle, PixelUnshuffle and ChannelShuffle.

import type { Tensor } from "../../core/tensor.js";
import { type Args } from "../../ops/args.js";
import { Module } from "../module.js";
import * as F from "../functional/index.js";
import { bindCtor } from "./utils.js";

export class PixelShuffle extends Module {
  readonly upscaleFactor: number;
  constructor(...args: Args<[upscaleFactor: number], { upscaleFactor?: number }>) {
    super();
    this.upscaleFactor = bindCtor("PixelShuffle", args, ["upscaleFactor"], 1).upscaleFactor as number;
  }
  override forward(input: Tensor): Tensor { return F.pixelShuffle(input, this.upscaleFactor); }
  override extraRepr(): string { return `upscale_factor=${this.upscaleFactor}`; }
}

export class PixelUnshuffle extends Module {
  readonly downscaleFactor: number;
  constructor(...args: Args<[downscaleFactor: number], { downscaleFactor?: number }>) {
    super();
    this.downscaleFactor = bindCtor("PixelUnshuffle", args, ["downscaleFactor"], 1).downscaleFactor as number;
  }
  override forward(input: Tensor): Tensor { return F.pixelUnshuffle(input, this.downscaleFactor); }
  override extraRepr(): string { return `downscale_factor=${this.downscaleFactor}`; }
}

export class ChannelShuffle extends Module {
  readonly groups: number;
  constructor(...args: Args<[groups: number], { groups?: number }>) {
    super();
    this.groups = bindCtor("ChannelShuffle", args, ["groups"], 1).groups as number;
  }
  override forward(input: Tensor): Tensor { return F.channelShuffle(input, this.groups); }
  override extraRepr(): string { return `groups=${this.groups}`; }
}
