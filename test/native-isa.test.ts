// The addon on a CPU without AVX-512: valgrind runs x86-64 code on a virtual CPU that reports no
// AVX-512 (it has no AVX-512 support), so a workload through every kernel family under it fails
// with an illegal instruction if any code built for AVX-512 runs where the CPU lacks it (as the
// kernel tables once did, all built at first use whatever the CPU). Skipped without valgrind.
// The workload runs as one esbuild bundle with --jitless: under valgrind, loading the sources
// module by module through tsx cost most of the minute this test took; the kernels run the same.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync, type SpawnSyncReturns } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { buildSync } from "esbuild";

import { kernels } from "../src/backends/kernels.js";
import { skipReason } from "../src/backends/native/test-support.js";

const valgrind = spawnSync("valgrind", ["--version"], { encoding: "utf8" }).status === 0;
const skip = skipReason ?? (kernels.backend !== "native" ? "the native kernels are off" : !valgrind ? "valgrind is not installed" : false);

/** Bundles the workload into a temporary folder and runs it under valgrind. */
function runWorkloadUnderValgrind(): SpawnSyncReturns<string> {
  const dir = mkdtempSync(join(tmpdir(), "torch-ts-isa-"));
  try {
    const bundle = join(dir, "isa-workload.mjs");
    buildSync({ entryPoints: ["test/support/isa-workload.ts"], bundle: true, platform: "node", format: "esm", outfile: bundle, logLevel: "error" });
    return spawnSync("valgrind", ["--tool=none", "-q", process.execPath, "--jitless", bundle], {
      encoding: "utf8", maxBuffer: 64 << 20,
      // The bundle no longer sits three folders below the package root: name the addon's file.
      env: { ...process.env, TORCH_TS_NATIVE_ADDON: fileURLToPath(new URL("../build/Release/torch_ts_native.node", import.meta.url)) },
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test("every kernel family runs on a CPU without AVX-512 (under valgrind)", { skip, timeout: 600_000 }, () => {
  const r = runWorkloadUnderValgrind();
  assert.equal(r.signal, null, `killed by ${r.signal}: ${r.stderr.slice(-2000)}`);
  assert.equal(r.status, 0, r.stderr.slice(-2000));
  assert.match(r.stdout, /isa workload done: finite/);
  // The workload must have run on the native kernels at AVX2 (or lower), not fallen back to JS.
  assert.match(r.stdout, /native isa (avx2|scalar)/);
});
