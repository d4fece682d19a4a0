// torch.compile and torch.compiler, eager. PyTorch's compilers (TorchDynamo capturing Python
// bytecode, Inductor generating kernels) have no counterpart in torch-ts: a compiled module or
// function runs eagerly, as PyTorch's backend="eager" runs it, with the same results. What scripts
// see of compilation is kept: torch.compile(model) returns an OptimizedModule that holds the model
// as `_orig_mod` (so its state_dict keys start with "_orig_mod.", as PyTorch's), the arguments are
// checked as PyTorch checks them, and torch.compile(options) without a model is a decorator.

import { Module } from "./nn/module.js";

/** torch.compile's keyword arguments (all accepted as PyTorch's; none changes how torch-ts runs). */
export interface CompileOptions {
  fullgraph?: boolean;
  dynamic?: boolean | null;
  /** A backend name or a callable backend: every backend runs eagerly here. */
  backend?: string | ((...args: never[]) => unknown);
  mode?: "default" | "reduce-overhead" | "max-autotune" | "max-autotune-no-cudagraphs" | null;
  options?: Record<string, unknown> | null;
  /** true returns the model itself, as PyTorch's disable=True. */
  disable?: boolean;
}

const MODES = new Set(["default", "reduce-overhead", "max-autotune", "max-autotune-no-cudagraphs"]);
/** The backends PyTorch 2.11 lists (torch._dynamo.list_backends(), plus the debugging ones). */
const BACKENDS = new Set(["inductor", "eager", "aot_eager", "aot_eager_decomp_partition", "cudagraphs", "onnxrt", "openxla", "tvm", "tensorrt", "torch_tensorrt", "ipex"]);

function checkOptions(o: CompileOptions): void {
  if (typeof o !== "object" || o === null || Array.isArray(o)) throw new TypeError("compile: options must be an object");
  const known = ["fullgraph", "dynamic", "backend", "mode", "options", "disable"];
  for (const k of Object.keys(o)) if (!known.includes(k)) throw new TypeError(`compile() got an unexpected keyword argument '${k}'`);
  if (o.mode !== undefined && o.mode !== null && o.options !== undefined && o.options !== null) {
    throw new Error("Either mode or options can be specified, but both can't be specified at the same time.");
  }
  if (o.mode !== undefined && o.mode !== null && !MODES.has(o.mode)) {
    throw new Error(`Unrecognized mode=${o.mode}, should be one of: ${[...MODES].join(", ")}`);
  }
  const b = o.backend;
  if (typeof b === "string" && !BACKENDS.has(b)) throw new Error(`Invalid backend: '${b}', see \`torch._dynamo.list_backends()\` for available backends.`);
  if (b !== undefined && typeof b !== "string" && typeof b !== "function") throw new TypeError("compile: backend must be a name or a callable");
}

/** What torch.compile returns for a module: the model as `_orig_mod`, called through it. */
export class OptimizedModule<M extends Module = Module> extends Module {
  _orig_mod: M;
  constructor(mod: M) {
    super();
    this._orig_mod = mod;
    // The compiled module's mode is the original's.
    this.training = mod.training;
  }
  override forward(...args: Parameters<M["forward"]>): ReturnType<M["forward"]> {
    return (this._orig_mod.call as (...a: unknown[]) => ReturnType<M["forward"]>).apply(this._orig_mod, args);
  }
}

type Fn = (...args: never[]) => unknown;
type Compiled<T> = T extends Module ? OptimizedModule<T> : T;

/**
 * torch.compile(model, options?) → an OptimizedModule over a module, or a function that calls the
 * given function; torch.compile(options) → a decorator. Runs eagerly (see the file comment).
 */
export function compile<T extends Module | Fn>(model: T, options?: CompileOptions): Compiled<T>;
export function compile(options?: CompileOptions): <T extends Module | Fn>(model: T) => Compiled<T>;
export function compile<T extends Module | Fn>(model?: T | CompileOptions, options: CompileOptions = {}): Compiled<T> | (<U extends Module | Fn>(m: U) => Compiled<U>) {
  if (model === undefined || model === null || (typeof model === "object" && !((model as unknown) instanceof Module))) {
    const o = (model ?? {}) as CompileOptions;
    checkOptions(o);
    return <U extends Module | Fn>(m: U) => compile(m, o);
  }
  checkOptions(options);
  if (options.disable === true) return model as Compiled<T>;
  if (model instanceof Module) return new OptimizedModule<Module>(model) as Compiled<T>;
  if (typeof model !== "function") throw new Error(`A callable function is expected, but ${typeof model} is provided.`);
  const fn = model as Fn;
  const compiled = function (this: unknown, ...args: unknown[]): unknown { return (fn as (...a: unknown[]) => unknown).apply(this, args); };
  Object.defineProperty(compiled, "name", { value: fn.name });
  return compiled as unknown as Compiled<T>;
}
