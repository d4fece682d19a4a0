// torch.nn
export * as functional from "./functional/index.js";
export * as init from "./init.js";
export { Module, type ForwardHook, type ForwardPreHook, type HookHandle, type LoadResult, type StateDictOptions } from "./module.js";
export { Parameter, UninitializedParameter, UninitializedBuffer } from "./parameter.js";
export * from "./modules/index.js";
export * as utils from "./utils/index.js";
export * as quantized from "../ao/nn/quantized/namespace.js";
export * as quantizable from "../ao/nn/quantizable/namespace.js";
