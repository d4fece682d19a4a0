// torch.nn.modules: the module classes (also nn's own names) and torch.nn.modules.module.
export * from "./modules/index.js";
export * as module from "./module-global-hooks.js";
