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
// Each run builds its own tree, .test-build/<pid>/, so two runs in one checkout (two terminals, or
// a run started while another is still going) never overwrite each other's files; the runner
// removes its tree when done, and the trees of runs that no longer exist (killed) at the next start.
// Usage: node scripts/test-build.mjs (builds .test-build/<its pid>/ and leaves it); or import
// { buildTestTree, removeTestTree }.
import * as esbuild from "esbuild";
import { copyFileSync, mkdirSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

export const ROOT = resolve(fileURLToPath(new URL("..", import.meta.url)));
/** The parent of the per-run trees. */
export const TREES = join(ROOT, ".test-build");

/** The folders the tests import from (their imports reach src/, web/, bench/ and scripts/). */
const MIRRORED = ["src", "test", "web", "bench", "scripts", "examples"];

const isSource = (name) => name.endsWith(".ts") && !name.endsWith(".d.ts");
const isJsModule = (name) => /\.(js|mjs|cjs)$/.test(name);
const isTestFile = (path) => dirname(path) === join(ROOT, "test") && path.endsWith(".test.ts");

/** Whether a folder holds a .ts source anywhere below it. */
function hasSources(dir) {
  return readdirSync(dir, { withFileTypes: true }).some((e) => (e.isDirectory() ? hasSources(join(dir, e.name)) : isSource(e.name)));
}

/** Links (or copies) what the compiled tree out needs beside its .js files; collects the .ts sources. */
function mirror(out, rel, sources) {
  mkdirSync(join(out, rel), { recursive: true });
  for (const e of readdirSync(join(ROOT, rel), { withFileTypes: true })) {
    const r = join(rel, e.name), target = join(ROOT, r), link = join(out, r);
    if (e.isDirectory() && hasSources(target)) {
      mirror(out, r, sources);
    } else if (!e.isDirectory() && isJsModule(e.name)) {
      copyFileSync(target, link);
    } else {
      if (!e.isDirectory() && isSource(e.name)) sources.push(target);
      symlinkSync(relative(dirname(link), target), link);
    }
  }
}

/** Replaces import.meta.url (the expression, not the words in a string) with the module's 1:1 file's URL in out. */
const moduleUrls = (out) => ({
  name: "module-urls",
  setup(build) {
    build.onLoad({ filter: /\.(ts|js|mjs)$/ }, (args) => {
      const text = readFileSync(args.path, "utf8");
      if (!text.includes("import.meta.url")) return undefined;
      const url = pathToFileURL(join(out, relative(ROOT, args.path)).replace(/\.ts$/, ".js")).href;
      return { loader: args.path.endsWith(".ts") ? "ts" : "js", contents: `const __moduleUrl = ${JSON.stringify(url)};${text}` };
    });
  },
});

/** Whether a process with this id is running (signal 0 tests without sending anything). */
function isRunning(pid) {
  try { process.kill(pid, 0); return true; } catch (e) { return e.code === "EPERM"; }
}

/** Removes one run's tree. */
export function removeTestTree(out) {
  rmSync(out, { recursive: true, force: true });
}

/**
 * Builds this process's tree .test-build/<pid>/ afresh from the sources (removing the trees of
 * runs that have ended without removing theirs); returns its path and the number of test files bundled.
 */
export async function buildTestTree() {
  mkdirSync(TREES, { recursive: true });
  for (const e of readdirSync(TREES, { withFileTypes: true })) {
    const pid = Number(e.name);
    if (!e.isDirectory() || !Number.isInteger(pid) || pid === process.pid || !isRunning(pid)) removeTestTree(join(TREES, e.name));
  }
  const out = join(TREES, String(process.pid));
  const sources = [];
  for (const rel of MIRRORED) mirror(out, rel, sources);
  symlinkSync(relative(out, join(ROOT, "build")), join(out, "build"));
  writeFileSync(join(out, "package.json"), JSON.stringify({ private: true, type: "module" }) + "\n");
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
    esbuild.build({ ...options, entryPoints: sources.filter((f) => !isTestFile(f)), outdir: out, outbase: ROOT }),
    esbuild.build({
      ...options,
      entryPoints: tests,
      outdir: join(out, "test"),
      chunkNames: "chunks/[name]-[hash]",
      bundle: true,
      splitting: true,
      packages: "external",
      define: { "import.meta.url": "__moduleUrl" },
      plugins: [moduleUrls(out)],
    }),
  ]);
  return { out: out, tests: tests.length };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const t0 = performance.now();
  const { out, tests } = await buildTestTree();
  console.log(`${relative(process.cwd(), out)}: ${tests} test files in ${Math.round(performance.now() - t0)} ms`);
}
