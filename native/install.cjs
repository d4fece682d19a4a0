// `npm install` hook: builds the native addon (build/Release/torch_ts_native.node) from source
// with node-gyp and the machine's C++ compiler, against the Node headers already installed.
// Never downloads anything and never fails the install: without the addon, torch-ts uses its
// JS kernels. Prints one line either way; the compiler's output goes to build/native-build.log.
"use strict";
const fs = require("node:fs");
const path = require("node:path");
const { spawnSync } = require("node:child_process");

const root = path.resolve(__dirname, "..");
const say = (msg) => console.log(`torch-ts: ${msg}`);

function headersDir() {
  const candidates = [process.env.npm_config_nodedir, path.resolve(path.dirname(process.execPath), "..")];
  return candidates.find((d) => d && fs.existsSync(path.join(d, "include", "node", "common.gypi")));
}

function nodeGyp() {
  const candidates = [
    process.env.npm_config_node_gyp,
    path.resolve(path.dirname(process.execPath), "..", "lib", "node_modules", "npm", "node_modules", "node-gyp", "bin", "node-gyp.js"),
  ];
  try {
    candidates.push(require.resolve("node-gyp/bin/node-gyp.js"));
  } catch {
    // not installed as a package: fine, npm bundles one
  }
  return candidates.find((p) => p && fs.existsSync(p));
}

function main() {
  if (process.env.TORCH_TS_SKIP_NATIVE_BUILD) return say("native build skipped (TORCH_TS_SKIP_NATIVE_BUILD); using JS kernels");
  const nodedir = headersDir();
  if (!nodedir) return say("native backend not built (no Node headers found); using JS kernels");
  const gyp = nodeGyp();
  if (!gyp) return say("native backend not built (node-gyp not found); using JS kernels");
  const r = spawnSync(process.execPath, [gyp, "rebuild", `--nodedir=${nodedir}`, "-j", "max"], {
    cwd: root,
    encoding: "utf8",
    env: { ...process.env, npm_config_nodedir: nodedir },
  });
  const log = path.join(root, "build", "native-build.log");
  try {
    fs.mkdirSync(path.dirname(log), { recursive: true });
    fs.writeFileSync(log, `${r.stdout ?? ""}\n${r.stderr ?? ""}\n${r.error ? String(r.error) : ""}`);
  } catch {
    // the log is a convenience only
  }
  const addon = path.join(root, "build", "Release", "torch_ts_native.node");
  if (r.status === 0 && fs.existsSync(addon)) return say("native backend built (build/Release/torch_ts_native.node)");
  say(`native backend not built (see build/native-build.log); using JS kernels`);
}

try {
  main();
} catch (e) {
  say(`native backend not built (${e && e.message}); using JS kernels`);
}
process.exitCode = 0;
