// torch.nn
export * as functional from "./functional/index.js";
export * as init from "./init.js";
export {
  Module, type BackwardHook, type BackwardPreHook, type ForwardHook, type ForwardHookWithKwargs, type ForwardPreHook, type ForwardPreHookWithKwargs,
  type HookHandle, type LoadResult, type LoadStateDictPostHook, type LoadStateDictPreHook, type StateDictOptions, type StateDictPostHook, type StateDictPreHook,
} from "./module.js";
export * as modules from "./modules-namespace.js";
export { Parameter, UninitializedParameter, UninitializedBuffer } from "./parameter.js";
export * from "./modules/index.js";
export * as utils from "./utils/index.js";
export * as quantized from "../ao/nn/quantized/namespace.js";
export * as quantizable from "../ao/nn/quantizable/namespace.js";
