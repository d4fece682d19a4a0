// nn.utils.skip_init(module_cls, *args, **kwargs): a module whose parameters and buffers are not
// initialised. PyTorch builds it on the meta device and allocates it with to_empty, so the values
// are unspecified and no random number is drawn. torch-ts has no meta device: it builds the module
// with the global generators' state saved and restored (no draw is seen by the program), so the
// values are those of the default initialisation, which the caller is about to overwrite.

import { Module } from "../module.js";
import { forkRng } from "../../ops/random-namespace.js";
import { isOptionsObject } from "../../ops/args.js";

type ModuleClass<M extends Module, A extends unknown[]> = new (...args: A) => M;

/**
 * skipInit(ModuleClass, ...args): `new ModuleClass(...args)` without consuming random numbers; the
 * options' `device` (default "cpu", as PyTorch's skip_init) is where the module is placed.
 */
export function skipInit<M extends Module, A extends unknown[]>(moduleCls: ModuleClass<M, A>, ...args: A): M {
  if (typeof moduleCls !== "function" || !(moduleCls.prototype instanceof Module)) {
    throw new Error(`Expected a Module; got ${typeof moduleCls === "function" ? moduleCls.name : String(moduleCls)}`);
  }
  // Built on the CPU (not the default device: PyTorch's final_device is "cpu"), then moved.
  const ctorArgs = [...args] as unknown[];
  const last = ctorArgs[ctorArgs.length - 1];
  let device: unknown = "cpu";
  if (isOptionsObject(last)) {
    const { device: d, ...rest } = last;
    if (d !== undefined && d !== null) device = d;
    ctorArgs[ctorArgs.length - 1] = { ...rest, device: "cpu" };
  } else {
    ctorArgs.push({ device: "cpu" });
  }
  const module = forkRng(() => new moduleCls(...(ctorArgs as A)));
  return module.to(device as string) as M;
}
