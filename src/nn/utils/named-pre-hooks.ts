// The forward pre-hooks that reparametrize one tensor of a module (weight norm, spectral norm,
// pruning), found again by the tensor's name: PyTorch finds them by walking
// module._forward_pre_hooks for instances of its hook class; here each kind keeps its own table.
// As in PyTorch, where the hook registered is the hook object itself (a callable
// BasePruningMethod, WeightNorm, ...), the function registered inherits from the hook object:
// module._forwardPreHooks() yields entries with the object's fields (`_tensorName`), class
// (`constructor.name`) and methods (a PruningContainer's iteration), as the Pruning tutorial reads them.

import type { HookHandle, Module } from "../module.js";

export class NamedPreHooks<H> {
  private readonly byModule = new WeakMap<Module, Map<string, { hook: H; handle: HookHandle }>>();

  /** The hook on module's tensor `name`, if any. */
  get(module: Module, name: string): H | undefined { return this.byModule.get(module)?.get(name)?.hook; }

  /** Registers `run` as a forward pre-hook of module (last in order) and files it under `name`. */
  add(module: Module, name: string, hook: H, run: (module: Module) => void): void {
    let table = this.byModule.get(module);
    if (!table) { table = new Map(); this.byModule.set(module, table); }
    const call = (m: Module): void => { run(m); };
    if (typeof hook === "object" && hook !== null) Object.setPrototypeOf(call, hook);
    table.set(name, { hook, handle: module.registerForwardPreHook(call) });
  }

  /** Unregisters the forward pre-hook filed under `name`; returns the hook (undefined when none). */
  remove(module: Module, name: string): H | undefined {
    const table = this.byModule.get(module), entry = table?.get(name);
    if (!entry) return undefined;
    entry.handle.remove();
    table!.delete(name);
    return entry.hook;
  }

  /** Whether the module has any hook of this kind. */
  any(module: Module): boolean { return (this.byModule.get(module)?.size ?? 0) > 0; }
}
