// Node's fs/zlib/path, reached without a static import so the core bundles for the web.

import { nodeBuiltin } from "../core/node-builtin.js";

interface NodeBuiltins {
  fs: typeof import("node:fs");
  zlib: typeof import("node:zlib");
  path: typeof import("node:path");
  url: typeof import("node:url");
}

export function nodeBuiltins(what: string): NodeBuiltins {
  const fs = nodeBuiltin<NodeBuiltins["fs"]>("node:fs");
  if (!fs) throw new Error(`${what} reads files and needs Node.js (20.16 or newer)`);
  return {
    fs,
    zlib: nodeBuiltin<NodeBuiltins["zlib"]>("node:zlib")!,
    path: nodeBuiltin<NodeBuiltins["path"]>("node:path")!,
    url: nodeBuiltin<NodeBuiltins["url"]>("node:url")!,
  };
}
