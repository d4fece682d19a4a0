// A fuzz worker: a child process of ./run.ts that runs calls one at a time on the backend its
// environment chose (TORCH_TS_BACKEND). Requests come on stdin as JSON lines {i, code}; each
// outcome goes back on fd 3 (stdout stays free for whatever the library prints).

import { createInterface } from "node:readline";
import { writeSync } from "node:fs";
import { runCall } from "./exec.js";

const lines = createInterface({ input: process.stdin });
writeSync(3, JSON.stringify({ ready: true }) + "\n");
lines.on("line", (line) => {
  const { i, code } = JSON.parse(line) as { i: number; code: string };
  const t0 = performance.now();
  const outcome = runCall(code);
  writeSync(3, JSON.stringify({ i, outcome, ms: performance.now() - t0 }) + "\n");
});
