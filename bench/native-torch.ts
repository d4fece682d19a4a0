// Shared pieces of the native benchmarks: a PyTorch process that stays up for a whole run (so the
// two sides can alternate case by case), timing, and a plain-text table.
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { pytorchEnv } from "./compare.js";

/** Seconds per call, best over repetitions: by elapsed time and by CPU time (all threads). */
export interface Timing {
  wall: number;
  cpu: number;
}

export function fastest(a: Timing | undefined, b: Timing): Timing {
  return a === undefined ? b : { wall: Math.min(a.wall, b.wall), cpu: Math.min(a.cpu, b.cpu) };
}

/** Times fn: `reps` calls per repetition, 5 repetitions, the best of each measure. */
export function timeCalls(fn: () => void, reps: number): Timing {
  fn();
  let wall = Infinity, cpu = Infinity;
  for (let r = 0; r < 5; r++) {
    const c0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < reps; i++) fn();
    wall = Math.min(wall, Number(process.hrtime.bigint() - t0) / 1e9 / reps);
    const used = process.cpuUsage(c0);
    cpu = Math.min(cpu, (used.user + used.system) / 1e6 / reps);
  }
  return { wall, cpu };
}

/**
 * Python helpers for the PyTorch side: `measure(fn, reps)` prints "wall cpu" seconds per call,
 * timed like timeCalls().
 */
export const PY_TIMING = `
import sys, time
def measure(fn, reps):
    fn()
    wall = cpu = float("inf")
    for _ in range(5):
        c0 = time.process_time()
        t0 = time.perf_counter()
        for _ in range(reps):
            fn()
        wall = min(wall, (time.perf_counter() - t0) / reps)
        cpu = min(cpu, (time.process_time() - c0) / reps)
    print(wall, cpu, flush=True)
`;

/**
 * A `/usr/bin/python3` child running `script`, which prints "ready" once set up and then answers
 * each line it reads with one line. Runs with pytorchEnv() (bench/compare.ts): PyTorch at its best here.
 */
export class TorchWorker {
  private readonly child: ChildProcessWithoutNullStreams;
  private buffered = "";
  private readonly waiting: ((line: string | null) => void)[] = [];
  private closed = false;
  stderr = "";

  constructor(script: string, args: readonly string[]) {
    this.child = spawn("/usr/bin/python3", ["-c", script, ...args], { env: pytorchEnv() });
    this.child.stdout.setEncoding("utf8");
    this.child.stdout.on("data", (chunk: string) => {
      this.buffered += chunk;
      let nl: number;
      while ((nl = this.buffered.indexOf("\n")) >= 0) {
        const line = this.buffered.slice(0, nl);
        this.buffered = this.buffered.slice(nl + 1);
        this.waiting.shift()?.(line);
      }
    });
    this.child.stderr.setEncoding("utf8");
    this.child.stderr.on("data", (chunk: string) => (this.stderr += chunk));
    const close = (): void => {
      this.closed = true;
      for (const w of this.waiting.splice(0)) w(null);
    };
    this.child.on("close", close);
    this.child.on("error", (e) => {
      this.stderr += String(e);
      close();
    });
  }

  /** The next line the child prints, or null once it has exited. */
  private next(): Promise<string | null> {
    if (this.closed) return Promise.resolve(null);
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  /** Whether the child set itself up (printed "ready"). */
  async ready(): Promise<boolean> {
    return (await this.next()) === "ready";
  }

  /** Sends one request line and returns the answer, or null once the child has exited. */
  async request(line: string): Promise<string | null> {
    if (this.closed) return null;
    const answer = this.next();
    this.child.stdin.write(`${line}\n`);
    return answer;
  }

  /** A request answered with "wall cpu" seconds. */
  async time(line: string): Promise<Timing | null> {
    const got = await this.request(line);
    if (got === null) return null;
    const [wall, cpu] = got.split(" ").map(Number);
    return { wall: wall!, cpu: cpu! };
  }

  /** Why the child is not usable (its last line of stderr). */
  failure(): string {
    return this.stderr.trim().split("\n").pop() || "no output";
  }

  stop(): void {
    this.child.stdin.end();
  }
}

/** Lets the other side's threads go idle (OpenBLAS and our pool both spin a while after a call). */
/**
 * Times `expr` in the PyTorch worker between two pauses of `pauseMs` (so that neither side's
 * spinning threads overlap the other's run), keeping the fastest timing under `key` in `best`.
 */
export async function timeTorchInto(torch: TorchWorker, expr: string, key: string, best: Map<string, Timing>, pauseMs: number): Promise<void> {
  await pause(pauseMs);
  const t = await torch.time(expr);
  if (t !== null) best.set(key, fastest(best.get(key), t));
  await pause(pauseMs);
}

export function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Prints rows as right-aligned columns. */
export function printTable(rows: readonly (readonly string[])[]): void {
  const widths = rows[0]!.map((_, j) => Math.max(...rows.map((row) => row[j]!.length)));
  for (const row of rows) console.log(row.map((cell, j) => cell.padStart(widths[j]!)).join("  "));
}

/** Value of `--name V` on the command line. */
export function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}
