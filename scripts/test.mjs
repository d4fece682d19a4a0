// npm test: the whole suite with the native kernels (when the addon is built), then again with
// the JS kernels (TORCH_TS_BACKEND=js), since both must give PyTorch's results. The second pass
// leaves out the files for which it would repeat the first pass's work or run nothing
// (FIRST_PASS_ONLY below, each with its reason).
// Both passes run compiled files: scripts/test-build.mjs first builds .test-build/<pid>/ with esbuild
// (each test file bundled, shared code in chunks; rebuilt on every run, so never stale; source
// maps on, so failures name the .ts lines), and `node --test` runs .test-build/<pid>/test/*.test.js.
// Most of each file's start-up under tsx was its loader hooks transforming the library's ~500
// modules: a small test file took 3.5-4.7 s of CPU under tsx, 1.5-1.9 s as plain JS transpiled
// 1:1, 0.9-1.1 s bundled. One file alone still runs from source:
// node --import tsx --test test/foo.test.ts. Extra arguments go to `node --test`, e.g.
// --test-concurrency=2 (two files at a time): about 25% less wall time measured on a 2-core machine
// busy with other jobs, where it mostly takes a larger share of the CPU; not measured idle, where
// the files already keep the second core partly busy (native kernel threads, lavapipe, V8's
// helpers), so not the default.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { relative } from "node:path";
import { buildTestTree, removeTestTree } from "./test-build.mjs";

/**
 * Files the JS pass leaves out, by what they exercise (their imports, and what their tests skip):
 * - webgpu-*: the GPU's kernels; the CPU is only their reference.
 * - the kernel files below never load the native addon: their import graphs (JS kernels, the
 *   generator, io's zip and pickle readers, printing's formatter) do not reach
 *   src/backends/native/index.ts, so TORCH_TS_BACKEND changes nothing in them.
 * - every test of the native files below skips without the addon (test-support.ts skipReason): they
 *   compare the native kernels with the JS ones in the first pass, and the JS pass only paid
 *   their start-up. data-workers: its worker threads move bytes, not kernels' results (skipped too).
 * - ops-alpha switches the kernel table itself (onEveryKernel: each native ISA, then "js") in every
 *   kernel test, so the first pass already runs them on the JS kernels; the JS pass repeated that
 *   half and its exact BigInt references (~10 s). Its other CPU tests (autograd node on 3 elements,
 *   integer alpha) run the JS kernels in both passes (below the native thresholds, or integers).
 * - io-python: PyTorch (a Python process) reads and writes the files; src/io copies the bytes itself
 *   (tensor-bytes.ts) and calls no kernel, so both passes did the same Python work (~17 s). io-pt,
 *   io-safetensors and io-fuzz still run the same io code in the JS pass.
 * A native-* file with tests that run on the JS kernels (activation, softmax-dims, ...) stays.
 */
const FIRST_PASS_ONLY = new Set([
  // never load the native addon
  "fft-kernel", "generator", "io-pickle", "io-zip", "linalg-geev-kernel", "linalg-kernels", "printing",
  // every test needs the addon
  "data-workers", "native-conv", "native-copy", "native-cumprod", "native-float-math", "native-gemm", "native-index",
  "native-isa", "native-masks", "native-memory", "native-nn", "native-optim", "native-scan", "native-sum-squares",
  "native-typed", "native-unary-math", "native-unary-routing",
  // runs its kernel tests on the JS kernels itself
  "ops-alpha",
  // Python's side of the round trips, the same in both passes
  "io-python",
].map((name) => `test/${name}.test.ts`));
const firstPassOnly = (f) => f.startsWith("test/webgpu-") || FIRST_PASS_ONLY.has(f);

const files = readdirSync("test").filter((f) => f.endsWith(".test.ts")).sort().map((f) => `test/${f}`);
for (const f of FIRST_PASS_ONLY) if (!files.includes(f)) throw new Error(`scripts/test.mjs: FIRST_PASS_ONLY names ${f}, which is not a test file`);
const extra = process.argv.slice(2);
const t0 = performance.now();
const tree = await buildTestTree();
const treeDir = relative(process.cwd(), tree.out);
console.log(`${treeDir}/: ${tree.tests} test files built in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
const compiled = (f) => `${treeDir}/${f.slice(0, -".ts".length)}.js`;
// CPU seconds of the finished child processes (Linux's /proc; null elsewhere), to report each pass's.
const childCpu = () => {
  try { return readFileSync("/proc/self/stat", "utf8").split(") ")[1].split(" ").slice(13, 15).reduce((a, t) => a + Number(t), 0) / 100; } catch { return null; }
};
const run = (label, env, only = files) => {
  console.log(`\n=== test suite: ${label} ===`);
  const args = ["--enable-source-maps", "--test", "--test-reporter=spec", ...extra, ...only.map(compiled)];
  const start = performance.now(), cpu = childCpu();
  const r = spawnSync(process.execPath, args, { stdio: "inherit", env: { ...process.env, ...env } });
  const used = childCpu();
  console.log(`=== ${label}: ${((performance.now() - start) / 1000).toFixed(0)} s wall${used === null ? "" : `, ${(used - cpu).toFixed(0)} s CPU`} ===`);
  return r.status ?? 1;
};
const native = existsSync("build/Release/torch_ts_native.node");
let status = run(native ? "native kernels" : "JS kernels (the native addon is not built)", {});
if (native) status = run("JS kernels (first pass only: webgpu-* and FIRST_PASS_ONLY)", { TORCH_TS_BACKEND: "js" }, files.filter((f) => !firstPassOnly(f))) || status;
removeTestTree(tree.out);
process.exit(status);
