// npm test: the whole suite with the native kernels (when the addon is built), then again with
// the JS kernels (TORCH_TS_BACKEND=js), since both must give PyTorch's results. The webgpu files
// run in the first pass only: they test the GPU's kernels, the CPU being only their reference.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";

const files = readdirSync("test").filter((f) => f.endsWith(".test.ts")).sort().map((f) => `test/${f}`);
const extra = process.argv.slice(2);
const run = (label, env, only = files) => {
  console.log(`\n=== test suite: ${label} ===`);
  const r = spawnSync(process.execPath, ["--import", "tsx", "--test", "--test-reporter=spec", ...extra, ...only], { stdio: "inherit", env: { ...process.env, ...env } });
  return r.status ?? 1;
};
const native = existsSync("build/Release/torch_ts_native.node");
let status = run(native ? "native kernels" : "JS kernels (the native addon is not built)", {});
if (native) status = run("JS kernels (webgpu files: first pass only)", { TORCH_TS_BACKEND: "js" }, files.filter((f) => !f.startsWith("test/webgpu-"))) || status;
process.exit(status);
