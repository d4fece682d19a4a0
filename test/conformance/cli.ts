// Developer report: npx tsx test/conformance/cli.ts [substring-filter] [-v]
// Prints each failing case (or every case with -v) and the counts.

import { loadOpCases, runOpCase, summarize } from "./ops-runner.js";

const args = process.argv.slice(2);
const verbose = args.includes("-v");
const filter = args.find((a) => !a.startsWith("-"));
const cases = loadOpCases().filter((c) => !filter || c.id.includes(filter) || c.fn.includes(filter));
const results = cases.map(runOpCase);
for (const r of results) {
  const bad = r.forward === "fail" || r.grad === "fail";
  if (bad || verbose) console.log(`${bad ? "FAIL" : "ok  "} ${r.id.padEnd(36)} fwd=${r.forward} grad=${r.grad}${r.reason && bad ? "  " + r.reason : ""}`);
}
const s = summarize(results);
console.log(`forward ${s.forward[0]}/${s.forward[1]}, grad ${s.grad[0]}/${s.grad[1]}, errors ${s.errors[0]}/${s.errors[1]}`);
