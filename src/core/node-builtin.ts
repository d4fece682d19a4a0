// Node's built-in modules, reached lazily through process.getBuiltinModule (Node 20.16+) instead
// of static imports, so that the core bundles for the web; undefined in a browser or older Node.

type Process = { getBuiltinModule?: (id: string) => unknown };

/** `node:${id}`'s exports, typed by the caller, or undefined where there is no such module. */
export function nodeBuiltin<T>(id: `node:${string}`): T | undefined {
  return (globalThis as { process?: Process }).process?.getBuiltinModule?.(id) as T | undefined;
}
