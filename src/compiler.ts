// torch.compiler: the calls scripts make around torch.compile (which runs eagerly in torch-ts).
export { compile } from "./compile.js";

/** false: torch-ts never traces a function (torch.compile runs it eagerly). */
export function isCompiling(): boolean { return false; }
/** false, as isCompiling. */
export function isDynamoCompiling(): boolean { return false; }
/** Clears compilation caches: torch-ts keeps none. */
export function reset(): void {}
/** torch.compiler.disable(fn): fn runs eagerly, as everything does here. */
export function disable<T extends (...args: never[]) => unknown>(fn: T, _options: { recursive?: boolean; reason?: string } = {}): T { return fn; }
/** torch.compiler.allow_in_graph(fn): nothing to allow without a graph capture. */
export function allowInGraph<T>(fn: T): T { return fn; }
/** torch.compiler.assume_constant_result(fn). */
export function assumeConstantResult<T>(fn: T): T { return fn; }
