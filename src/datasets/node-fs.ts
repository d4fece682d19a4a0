// Node's fs/zlib/path, reached without a static import so the core bundles for the web.

interface NodeBuiltins {
  fs: typeof import("node:fs");
  zlib: typeof import("node:zlib");
  path: typeof import("node:path");
  url: typeof import("node:url");
}

export function nodeBuiltins(what: string): NodeBuiltins {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  const get = proc?.getBuiltinModule;
  if (!get) throw new Error(`${what} reads files and needs Node.js (20.16 or newer)`);
  return {
    fs: get("node:fs") as NodeBuiltins["fs"],
    zlib: get("node:zlib") as NodeBuiltins["zlib"],
    path: get("node:path") as NodeBuiltins["path"],
    url: get("node:url") as NodeBuiltins["url"],
  };
}
