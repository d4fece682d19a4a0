// torch.nn.modules.module: nn.Module and the hooks every module runs (register_module_*_hook).

import type { RemovableHandle } from "../autograd/node.js";
import { type BackwardHook, type BackwardPreHook, type ForwardHook, type ForwardPreHook, globalHooks } from "./module-hooks.js";

export { Module } from "./module.js";

/** torch.nn.modules.module.register_module_forward_pre_hook(hook): runs before every module's own forward pre-hooks. */
export function registerModuleForwardPreHook(hook: ForwardPreHook): RemovableHandle { return globalHooks.forwardPre.add(hook); }
/** register_module_forward_hook(hook, *, with_kwargs=False, always_call=False): runs before every module's own forward hooks. */
export function registerModuleForwardHook(hook: ForwardHook, options: { withKwargs?: boolean; alwaysCall?: boolean } = {}): RemovableHandle { return globalHooks.forward.add(hook, options); }
/** register_module_full_backward_pre_hook(hook): every module's full backward pre-hook, before its own. */
export function registerModuleFullBackwardPreHook(hook: BackwardPreHook): RemovableHandle { return globalHooks.backwardPre.add(hook); }
/** register_module_full_backward_hook(hook): every module's full backward hook, before its own. */
export function registerModuleFullBackwardHook(hook: BackwardHook): RemovableHandle {
  if (globalHooks.isFullBackward === false) throw new Error("Cannot use both regular backward hooks and full backward hooks as a global Module hook. Please use only one of them.");
  globalHooks.isFullBackward = true;
  return globalHooks.backward.add(hook);
}
/** register_module_backward_hook(hook): deprecated (the regular, non-full backward hook); see Module.registerBackwardHook. */
export function registerModuleBackwardHook(hook: BackwardHook): RemovableHandle {
  if (globalHooks.isFullBackward === true) throw new Error("Cannot use both regular backward hooks and full backward hooks as a global Module hook. Please use only one of them.");
  globalHooks.isFullBackward = false;
  return globalHooks.backward.add(hook);
}
