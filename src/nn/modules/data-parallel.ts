// nn.DataParallel as PyTorch builds it on a machine without CUDA devices: it wraps the module
// (state-dict keys gain the "module." prefix, as in checkpoints saved from DataParallel models)
// and forward calls it directly.

import { Module } from "../module.js";
import { bindCtor } from "./utils.js";

export interface DataParallelOptions { deviceIds?: number[] | null; outputDevice?: number | null; dim?: number }

export class DataParallel<M extends Module = Module> extends Module {
  module: M;
  /** Empty: torch-ts has no CUDA devices to replicate over (PyTorch's value without them). */
  readonly deviceIds: number[] = [];

  /** DataParallel(module, deviceIds?, outputDevice?, dim = 0). */
  constructor(module: M, ...args: (number[] | number | null | DataParallelOptions)[]) {
    super();
    bindCtor("DataParallel", args, ["deviceIds", "outputDevice", "dim"]);
    if (!(module instanceof Module)) throw new Error("DataParallel: module must be an nn.Module");
    this.module = module;
  }

  override forward(...inputs: Parameters<M["forward"]>): ReturnType<M["forward"]> {
    return (this.module as Module).call(...(inputs as never[])) as ReturnType<M["forward"]>;
  }
}
