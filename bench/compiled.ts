// The benchmarks time torch-ts as it ships: the compiled package (dist/, plain JavaScript that Node
// runs as is), not the TypeScript sources under tsx, whose loader wraps every function it compiles
// and adds a few microseconds to each small op. compiledScript() builds dist/ with tsc and bundles
// a benchmark entry with esbuild, its imports of src/ pointing at the same files in dist/.

import * as esbuild from "esbuild";
import { spawnSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(fileURLToPath(new URL("..", import.meta.url)));
const srcDir = path.join(root, "src");
const distDir = path.join(root, "dist");

let built = false;

/** Builds dist/ (once per process) and returns the path of `entry` compiled to plain JS. */
export async function compiledScript(entry: string): Promise<string> {
  if (!built) {
    const tsc = path.join(root, "node_modules", "typescript", "bin", "tsc");
    const r = spawnSync(process.execPath, [tsc, "-p", "tsconfig.build.json"], { cwd: root, encoding: "utf8" });
    if (r.status !== 0) throw new Error(`bench: building dist/ failed:\n${r.stdout}${r.stderr}`);
    built = true;
  }
  const outfile = path.join(root, "tmp", "bench", `${path.basename(entry, ".ts")}.mjs`);
  await esbuild.build({
    entryPoints: [entry], outfile, bundle: true, platform: "node", format: "esm", target: "node20", logLevel: "warning",
    plugins: [{
      name: "src-to-dist",
      setup(b) {
        b.onResolve({ filter: /\.js$/ }, (args) => {
          const abs = path.resolve(args.resolveDir, args.path);
          const rel = path.relative(srcDir, abs);
          if (rel.startsWith("..") || path.isAbsolute(rel)) return undefined;
          return { path: path.join(distDir, rel), external: true };
        });
      },
    }],
  });
  return outfile;
}
