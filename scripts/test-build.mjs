// The compiled tree npm test runs (scripts/test.mjs), built afresh by esbuild on every call:
// - .test-build/test/*.test.js: each test file bundled with what it imports, the code the files
//   share split into chunks/, so a test process loads a few files instead of ~500 modules.
// - the other .ts files under MIRRORED transpiled 1:1 beside them (.test-build/src/..., same paths),
//   for what is loaded by URL at run time: the DataLoader's worker-main.js and the modules its
//   worker threads import (a dataset's workerModule, e.g. test/fixtures/data-workers/).
// In the bundles, import.meta.url names each module's 1:1 file, so paths relative to a module
// (fixtures, the embedded digits, the addon, worker scripts) resolve as in the source tree: the
// rest of it is linked there (a folder without .ts files as one link, else each file, .ts sources
// included, e.g. scripts/bundle-web.ts bundles src/index.ts), plain JS modules copied (Node would
// resolve a linked one's imports from its real folder), and the package root's build/ linked.
// (import.meta.resolve stays the chunk's: src/ uses it only when running from .ts under tsx.)
// tsx's transform options (keepNames: messages name classes), tsconfig.json read, linked source maps.
// Usage: node scripts/test-build.mjs; or import { buildTestTree }.
import * as esbuild from "esbuild";
import { copyFileSync, mkdirSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

export const ROOT = resolve(fileURLToPath(new URL("..", import.meta.url)));
export const OUT = join(ROOT, ".test-build");

/** The folders the tests import from (their imports reach src/, web/, bench/ and scripts/). */
const MIRRORED = ["src", "test", "web", "bench", "scripts"];

const isSource = (name) => name.endsWith(".ts") && !name.endsWith(".d.ts");
const isJsModule = (name) => /\.(js|mjs|cjs)$/.test(name);
const isTestFile = (path) => dirname(path) === join(ROOT, "test") && path.endsWith(".test.ts");

/** Whether a folder holds a .ts source anywhere below it. */
function hasSources(dir) {
  return readdirSync(dir, { withFileTypes: true }).some((e) => (e.isDirectory() ? hasSources(join(dir, e.name)) : isSource(e.name)));
}

/** Links (or copies) what the compiled tree needs beside its .js files; collects the .ts sources. */
function mirror(rel, sources) {
  mkdirSync(join(OUT, rel), { recursive: true });
  for (const e of readdirSync(join(ROOT, rel), { withFileTypes: true })) {
    const r = join(rel, e.name), target = join(ROOT, r), link = join(OUT, r);
    if (e.isDirectory() && hasSources(target)) {
      mirror(r, sources);
    } else if (!e.isDirectory() && isJsModule(e.name)) {
      copyFileSync(target, link);
    } else {
      if (!e.isDirectory() && isSource(e.name)) sources.push(target);
      symlinkSync(relative(dirname(link), target), link);
    }
  }
}

/** Replaces import.meta.url (the expression, not the words in a string) with the module's 1:1 file's URL. */
const moduleUrls = {
  name: "module-urls",
  setup(build) {
    build.onLoad({ filter: /\.(ts|js|mjs)$/ }, (args) => {
      const text = readFileSync(args.path, "utf8");
      if (!text.includes("import.meta.url")) return undefined;
      const url = pathToFileURL(join(OUT, relative(ROOT, args.path)).replace(/\.ts$/, ".js")).href;
      return { loader: args.path.endsWith(".ts") ? "ts" : "js", contents: `const __moduleUrl = ${JSON.stringify(url)};${text}` };
    });
  },
};

/** Rebuilds .test-build/ from the sources; returns the number of test files bundled. */
export async function buildTestTree() {
  rmSync(OUT, { recursive: true, force: true });
  const sources = [];
  for (const rel of MIRRORED) mirror(rel, sources);
  symlinkSync("../build", join(OUT, "build"));
  writeFileSync(join(OUT, "package.json"), JSON.stringify({ private: true, type: "module" }) + "\n");
  const tests = sources.filter(isTestFile);
  const options = {
    format: "esm",
    platform: "node",
    target: `node${process.versions.node}`,
    keepNames: true,
    sourcemap: "linked",
    sourcesContent: false,
    logLevel: "error",
  };
  await Promise.all([
    esbuild.build({ ...options, entryPoints: sources.filter((f) => !isTestFile(f)), outdir: OUT, outbase: ROOT }),
    esbuild.build({
      ...options,
      entryPoints: tests,
      outdir: join(OUT, "test"),
      chunkNames: "chunks/[name]-[hash]",
      bundle: true,
      splitting: true,
      packages: "external",
      define: { "import.meta.url": "__moduleUrl" },
      plugins: [moduleUrls],
    }),
  ]);
  return tests.length;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const t0 = performance.now();
  const n = await buildTestTree();
  console.log(`${relative(process.cwd(), OUT) || "."}: ${n} test files in ${Math.round(performance.now() - t0)} ms`);
}
