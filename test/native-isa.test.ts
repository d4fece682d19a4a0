// The addon on a CPU without AVX-512: valgrind runs x86-64 code on a virtual CPU that reports no
// AVX-512 (it has no AVX-512 support), so a workload through every kernel family under it fails
// with an illegal instruction if any code built for AVX-512 runs where the CPU lacks it (as the
// kernel tables once did, all built at first use whatever the CPU). Skipped without valgrind.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";

import { kernels } from "../src/backends/kernels.js";
import { skipReason } from "../src/backends/native/test-support.js";

const valgrind = spawnSync("valgrind", ["--version"], { encoding: "utf8" }).status === 0;
const skip = skipReason ?? (kernels.backend !== "native" ? "the native kernels are off" : !valgrind ? "valgrind is not installed" : false);

test("every kernel family runs on a CPU without AVX-512 (under valgrind)", { skip, timeout: 600_000 }, () => {
  const r = spawnSync("valgrind", ["--tool=none", "-q", process.execPath, "--import", "tsx", "test/support/isa-workload.ts"], {
    encoding: "utf8", maxBuffer: 64 << 20,
  });
  assert.equal(r.signal, null, `killed by ${r.signal}: ${r.stderr.slice(-2000)}`);
  assert.equal(r.status, 0, r.stderr.slice(-2000));
  assert.match(r.stdout, /isa workload done: finite/);
  // The workload must have run on the native kernels at AVX2 (or lower), not fallen back to JS.
  assert.match(r.stdout, /native isa (avx2|scalar)/);
});
