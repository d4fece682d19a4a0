// The compiled tree npm test runs (scripts/test.mjs): every .ts under MIRRORED transpiled 1:1 by
// esbuild into .test-build/ (same relative paths, .js, linked source maps), so the test files start
// as plain JS instead of going through tsx's loader hooks module by module. Built afresh each call.
//
// Anything a module finds relative to itself (import.meta.url: fixtures, the embedded digits, the
// DataLoader's worker-main.js, a test's workerModule) must be where it is in the source tree, so
// the rest is linked: a folder without .ts files as one link, else each file (.ts sources too, for
// code that reads them, e.g. scripts/bundle-web.ts bundles src/index.ts); plain JS modules are
// copied, since Node would resolve a linked one's imports from its real folder. The package root's
// build/ (the native addon) is linked, and a package.json marks the tree as ESM.
// Usage: node scripts/test-build.mjs (prints the tree's location); or import { buildTestTree }.
import * as esbuild from "esbuild";
import { copyFileSync, mkdirSync, readdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = resolve(fileURLToPath(new URL("..", import.meta.url)));
export const OUT = join(ROOT, ".test-build");

/** The folders the tests import from (their imports reach src/, web/, bench/ and scripts/). */
const MIRRORED = ["src", "test", "web", "bench", "scripts"];

const isSource = (name) => name.endsWith(".ts") && !name.endsWith(".d.ts");
const isJsModule = (name) => /\.(js|mjs|cjs)$/.test(name);

/** Whether a folder holds a .ts source anywhere below it. */
function hasSources(dir) {
  return readdirSync(dir, { withFileTypes: true }).some((e) => (e.isDirectory() ? hasSources(join(dir, e.name)) : isSource(e.name)));
}

/** Links (or copies) what the compiled tree needs beside its .js files; returns the .ts sources. */
function mirror(rel, sources) {
  const from = join(ROOT, rel), to = join(OUT, rel);
  mkdirSync(to, { recursive: true });
  for (const e of readdirSync(from, { withFileTypes: true })) {
    const r = join(rel, e.name), target = join(ROOT, r), link = join(OUT, r);
    if (e.isDirectory()) {
      if (hasSources(target)) mirror(r, sources);
      else symlinkSync(relative(dirname(link), target), link);
    } else if (isJsModule(e.name)) {
      copyFileSync(target, link);
    } else {
      if (isSource(e.name)) sources.push(target);
      symlinkSync(relative(dirname(link), target), link);
    }
  }
}

/** Rebuilds .test-build/ from the sources; returns the number of modules compiled. */
export async function buildTestTree() {
  rmSync(OUT, { recursive: true, force: true });
  const sources = [];
  for (const rel of MIRRORED) mirror(rel, sources);
  symlinkSync("../build", join(OUT, "build"));
  writeFileSync(join(OUT, "package.json"), JSON.stringify({ private: true, type: "module" }) + "\n");
  // tsx's transform options (keepNames: messages name classes and functions), reading tsconfig.json.
  await esbuild.build({
    entryPoints: sources,
    outdir: OUT,
    outbase: ROOT,
    bundle: false,
    format: "esm",
    platform: "node",
    target: `node${process.versions.node}`,
    keepNames: true,
    sourcemap: "linked",
    sourcesContent: false,
    logLevel: "error",
  });
  return sources.length;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const t0 = performance.now();
  const n = await buildTestTree();
  console.log(`${relative(process.cwd(), OUT) || "."}: ${n} modules in ${Math.round(performance.now() - t0)} ms`);
}
