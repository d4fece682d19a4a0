// Fuzzes the ops of the sample table, the nn modules' forward and the optimizers' steps with bad
// and unusual arguments (scripts/fuzz/): each call runs in a native-backend child process (a crash
// or a hang is a finding, printed with a one-line reproducer) and in a JS-backend one (results that
// disagree, or one backend throwing where the other does not, is a finding too).
//
//   node --import tsx scripts/fuzz-ops.ts [--seed 1] [--budget 300] [--only conv] [--family ops|modules|optim|all]
//        [--no-compare] [--asan build-asan/Release/torch_ts_native.node] [--json findings.json]
//        [--mutation "(null|undefined|a number|an array)$"]
//
// Deterministic by seed: the same seed runs the same calls in the same order; --budget (seconds)
// stops early; --mutation keeps the calls whose mutation label matches a regular expression (the
// one above: a non-tensor where a tensor is expected). Exit status 1 when a crash, hang, memory
// blow-up, backend mismatch or native backstop error was found ("unclear" errors, JS TypeErrors where a tensor was expected, and
// "huge" requests, where both backends ran out of time or memory, are listed only).
//
// --asan runs the native worker on an addon built with AddressSanitizer, preloading g++'s libasan,
// to catch silent out-of-bounds accesses. Build one outside the worktree (never commit it):
//   mkdir -p /tmp/asan && cp -a native binding.gyp /tmp/asan && mkdir /tmp/asan/build
//   cp -a build/Makefile build/*.mk build/config.gypi build/binding.Makefile /tmp/asan/build
//   (fix the node-addon-api -I path in /tmp/asan/build/torch_ts_native.target.mk if it is relative)
//   cd /tmp/asan/build && CFLAGS="-fsanitize=address -fno-omit-frame-pointer" \
//     CXXFLAGS="-fsanitize=address -fno-omit-frame-pointer" LDFLAGS=-fsanitize=address make -j2
// then --asan /tmp/asan/build/Release/torch_ts_native.node (about 25 minutes of one core to build).

import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { generateOpCalls, rng, shuffle, type FuzzCall } from "./fuzz/generate.js";
import { moduleCalls, optimizerCalls } from "./fuzz/modules.js";
import { reproducer, runCalls, type Finding } from "./fuzz/run.js";

const { values } = parseArgs({
  options: {
    seed: { type: "string", default: "1" },
    budget: { type: "string", default: "300" },
    only: { type: "string" },
    mutation: { type: "string" },
    family: { type: "string", default: "all" },
    "no-compare": { type: "boolean", default: false },
    asan: { type: "string" },
    json: { type: "string" },
    timeout: { type: "string", default: "20" },
    "max-rss": { type: "string", default: "3000" },
    verbose: { type: "boolean", default: false },
  },
});

const seed = Number(values.seed);
const family = values.family!;
let calls: FuzzCall[] = [];
if (family === "ops" || family === "all") calls.push(...generateOpCalls({ seed, only: values.only }));
if (family === "modules" || family === "all") calls.push(...moduleCalls().filter((c) => !values.only || c.source.includes(values.only)));
if (family === "optim" || family === "all") calls.push(...optimizerCalls().filter((c) => !values.only || c.source.includes(values.only)));
if (values.mutation) {
  const re = new RegExp(values.mutation);
  calls = calls.filter((c) => re.test(c.mutation));
}
calls = shuffle(calls, rng(seed ^ 0x5eed));

const asanLib = values.asan ? execFileSync("g++", ["-print-file-name=libasan.so"]).toString().trim() : undefined;
const findings: Finding[] = [];
const t0 = Date.now();
console.log(`fuzz: seed ${seed}, ${calls.length} calls generated (${family}), budget ${values.budget} s${values.asan ? ", ASan addon" : ""}`);
const stats = await runCalls(calls, Number(values.budget), {
  asanAddon: values.asan, asanLib, timeoutMs: Number(values.timeout) * 1000, maxRssMb: Number(values["max-rss"]),
}, (f) => {
  findings.push(f);
  if (f.kind === "huge" && !values.verbose) return;
  console.log(`\n[${f.kind}] ${f.call.source} / ${f.call.mutation}\n  ${f.detail.split("\n").join("\n  ")}\n  ${reproducer(f.call.code)}`);
}, !values["no-compare"]);

const bySource = new Set(calls.map((c) => c.source));
console.log(`\nfuzz: ${stats.calls}/${calls.length} calls in ${((Date.now() - t0) / 1000).toFixed(0)} s, covering ${stats.sources.size}/${bySource.size} samples; ` +
  `${values["no-compare"] ? "native" : "both backends"} returned ${stats.bothOk}, threw ${stats.bothThrew}; ${findings.length} findings ` +
  `(${["crash", "hang", "memory", "mismatch", "backstop", "unclear-error", "huge"].map((k) => `${findings.filter((f) => f.kind === k).length} ${k}`).join(", ")})`);
if (values.json) writeFileSync(values.json, JSON.stringify(findings.map((f) => ({ ...f, repro: reproducer(f.call.code) })), null, 1));
process.exitCode = findings.some((f) => f.kind !== "unclear-error" && f.kind !== "huge") ? 1 : 0;
