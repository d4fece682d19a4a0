// Runs fuzz calls in child processes (./worker.ts), one per backend: a native worker that dies or
// stops answering is a finding with the call that did it, and the worker restarts for the next
// call; outcomes of the native and the JS worker are compared call by call.

import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { isUnclearError, sameOutcome, type Outcome } from "./exec.js";
import type { FuzzCall } from "./generate.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const WORKER = fileURLToPath(new URL("./worker.ts", import.meta.url));

export type Reply =
  | { kind: "done"; outcome: Outcome; ms: number }
  | { kind: "crash"; detail: string }
  | { kind: "hang" }
  | { kind: "memory"; rssMb: number };

export interface WorkerOptions {
  backend: "native" | "js";
  /** A native addon built with AddressSanitizer (the worker preloads libasan). */
  asanAddon?: string;
  asanLib?: string;
  timeoutMs: number;
  maxRssMb: number;
}

/** One child process; restarted after it dies or is killed. */
export class Worker {
  private child: ChildProcess | null = null;
  private ready: Promise<void> | null = null;
  private pending: ((r: Reply) => void) | null = null;
  private buffer = "";
  private stderr = "";
  starts = 0;

  constructor(private readonly opts: WorkerOptions) {}

  private start(): Promise<void> {
    const env: NodeJS.ProcessEnv = { ...process.env, TORCH_TS_BACKEND: this.opts.backend === "js" ? "js" : "native" };
    if (this.opts.asanAddon) {
      env["TORCH_TS_NATIVE_ADDON"] = this.opts.asanAddon;
      env["LD_PRELOAD"] = this.opts.asanLib;
      // allocator_may_return_null: an ArrayBuffer too large for memory is V8's RangeError, as without ASan.
      env["ASAN_OPTIONS"] = "detect_leaks=0:abort_on_error=1:allocator_may_return_null=1";
    }
    this.starts++;
    this.stderr = "";
    this.buffer = "";
    const child = spawn(process.execPath, ["--import", "tsx", WORKER], { cwd: ROOT, env, stdio: ["pipe", "ignore", "pipe", "pipe"] });
    this.child = child;
    // The head of a sanitizer's report names the fault; keep it (and the end of anything else).
    child.stderr!.on("data", (d: Buffer) => { this.stderr = (this.stderr + d.toString()).slice(0, 16000); });
    let onReady: () => void = () => {};
    const ready = new Promise<void>((res) => { onReady = res; });
    (child.stdio[3] as NodeJS.ReadableStream).on("data", (d: Buffer) => {
      this.buffer += d.toString();
      let nl: number;
      while ((nl = this.buffer.indexOf("\n")) >= 0) {
        const line = this.buffer.slice(0, nl);
        this.buffer = this.buffer.slice(nl + 1);
        const msg = JSON.parse(line) as { ready?: boolean; outcome?: Outcome; ms?: number };
        if (msg.ready) onReady();
        else if (this.pending) { const p = this.pending; this.pending = null; p({ kind: "done", outcome: msg.outcome!, ms: msg.ms! }); }
      }
    });
    child.on("exit", (code, signal) => {
      if (this.child === child) this.child = null;
      onReady();
      if (this.pending) {
        const p = this.pending;
        this.pending = null;
        p({ kind: "crash", detail: `exit ${code ?? ""}${signal ? ` signal ${signal}` : ""}: ${crashSummary(this.stderr)}` });
      }
    });
    return ready;
  }

  async call(i: number, code: string): Promise<Reply> {
    if (!this.child) this.ready = this.start();
    await this.ready;
    const child = this.child;
    if (!child) return { kind: "crash", detail: `worker did not start: ${this.stderr.trim()}` };
    return new Promise<Reply>((resolve) => {
      let settled = false;
      const finish = (r: Reply) => { if (settled) return; settled = true; clearTimeout(timer); clearInterval(poll); resolve(r); };
      this.pending = finish;
      const kill = (r: Reply) => { this.pending = null; finish(r); child.kill("SIGKILL"); if (this.child === child) this.child = null; };
      const timer = setTimeout(() => kill({ kind: "hang" }), this.opts.timeoutMs);
      const poll = setInterval(() => {
        const rss = rssMb(child.pid!);
        if (rss > this.opts.maxRssMb) kill({ kind: "memory", rssMb: rss });
      }, 200);
      this.stderr = "";  // what a crash prints is this call's
      child.stdin!.write(JSON.stringify({ i, code }) + "\n");
    });
  }

  stop(): void {
    this.child?.kill("SIGKILL");
    this.child = null;
  }
}

/** A sanitizer report's error line, summary and first frames; else the last lines of stderr. */
function crashSummary(stderr: string): string {
  const lines = stderr.trim().split("\n");
  const asan = lines.filter((l) => /ERROR: AddressSanitizer|SUMMARY:|^\s+#[0-7] /.test(l));
  return (asan.length ? asan.slice(0, 12) : lines.slice(-12)).join("\n");
}

function rssMb(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

export interface Finding {
  kind: "crash" | "hang" | "memory" | "mismatch" | "backstop" | "unclear-error" | "huge";
  call: FuzzCall;
  detail: string;
}

/** The call as one shell line that reproduces it from the repository root. */
export function reproducer(code: string, backend: "native" | "js" = "native"): string {
  const env = backend === "js" ? "TORCH_TS_BACKEND=js " : "";
  return `${env}node --import tsx --input-type=module -e 'import * as torch from "./src/index.ts"; const F = torch.nn.functional, nn = torch.nn, optim = torch.optim; console.log((() => { ${code} })())'`;
}

export interface RunStats {
  calls: number;
  sources: Set<string>;
  /** Calls that returned (threw) on both backends; on the native one alone without comparison. */
  bothOk: number;
  bothThrew: number;
}

/**
 * Runs calls on the native and the JS worker side by side until the budget ends; reports each
 * finding as it comes. A crash, hang or memory blow-up of the JS worker is a finding too.
 */
export async function runCalls(
  calls: FuzzCall[], budgetS: number, opts: Omit<WorkerOptions, "backend">, onFinding: (f: Finding) => void,
  compareBackends = true,
): Promise<RunStats> {
  const native = new Worker({ ...opts, backend: "native" });
  const js = compareBackends ? new Worker({ ...opts, backend: "js", asanAddon: undefined }) : null;
  const stats: RunStats = { calls: 0, sources: new Set(), bothOk: 0, bothThrew: 0 };
  const deadline = Date.now() + budgetS * 1000;
  try {
    for (let i = 0; i < calls.length && Date.now() < deadline; i++) {
      const call = calls[i]!;
      const [n, j] = await Promise.all([native.call(i, call.code), js ? js.call(i, call.code) : Promise.resolve(null)]);
      stats.calls++;
      stats.sources.add(call.source);
      const bad = (r: Reply, who: string) => {
        if (r.kind === "crash") onFinding({ kind: "crash", call, detail: `${who}: ${r.detail}` });
        else if (r.kind === "hang") onFinding({ kind: "hang", call, detail: `${who}: no answer in ${opts.timeoutMs / 1000} s` });
        else if (r.kind === "memory") onFinding({ kind: "memory", call, detail: `${who}: ${Math.round(r.rssMb)} MB resident` });
      };
      // Both backends out of time or memory: a legitimately huge request (arange(2**31)), not a fault.
      const heavy = (r: Reply | null) => r !== null && (r.kind === "hang" || r.kind === "memory");
      if (heavy(n) && heavy(j)) { onFinding({ kind: "huge", call, detail: `both backends: ${n.kind}` }); continue; }
      bad(n, "native");
      if (j) bad(j, "js");
      if (n.kind !== "done" || (j && j.kind !== "done")) continue;
      // The native wrappers' own checks (src/backends/native/) are a backstop: an op should refuse first.
      if (!n.outcome.ok && n.outcome.message.startsWith("native.")) onFinding({ kind: "backstop", call, detail: n.outcome.message });
      else if (isUnclearError(n.outcome)) onFinding({ kind: "unclear-error", call, detail: `${(n.outcome as { name: string }).name}: ${(n.outcome as { message: string }).message}` });
      if (!j) { if (n.outcome.ok) stats.bothOk++; else stats.bothThrew++; continue; }
      if (j.kind !== "done") continue;
      const diff = sameOutcome(n.outcome, j.outcome);
      if (diff) onFinding({ kind: "mismatch", call, detail: diff });
      else if (n.outcome.ok) stats.bothOk++;
      else stats.bothThrew++;
    }
  } finally {
    native.stop();
    js?.stop();
  }
  return stats;
}
