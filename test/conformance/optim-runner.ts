// optim.jsonl: parameters after every step() (and the lr used, with a scheduler stepped after each).

import * as torch from "../../src/index.js";
import { type Json, camel, compare, decode, readJsonl } from "./values.js";

export interface OptimCase {
  id: string;
  ctor: string;
  kwargs: Record<string, Json>;
  init: Json[];
  grads: Json[][];
  after: Json[][];
  sched: string | null;
  sched_kwargs: Record<string, Json>;
  lrs: number[];
}

export function loadOptimCases(): OptimCase[] { return readJsonl<OptimCase>("optim.jsonl"); }

type Ctor = new (...a: unknown[]) => torch.optim.Optimizer;
type SchedCtor = new (...a: unknown[]) => { step(): void };

function kw(o: Record<string, Json>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) out[camel(k)] = decode(v, false);
  return out;
}

export function runOptimCase(c: OptimCase): string | null {
  try {
    const params = c.init.map((t) => (decode(t, false) as torch.Tensor).requiresGrad_(true));
    const Opt = (torch.optim as unknown as Record<string, Ctor>)[c.ctor.replace("torch.optim.", "")];
    if (!Opt) return `not implemented: ${c.ctor}`;
    const opt = new Opt(params, kw(c.kwargs));
    let sched: { step(): void } | null = null;
    if (c.sched) {
      const name = c.sched.replace("torch.optim.lr_scheduler.", "");
      const S = ((torch.optim as unknown as Record<string, Record<string, SchedCtor>>).lrScheduler ?? {})[name];
      if (!S) return `not implemented: ${c.sched}`;
      sched = new S(opt, kw(c.sched_kwargs));
    }
    for (let step = 0; step < c.grads.length; step++) {
      const lr = opt.paramGroups[0]!.lr as number;
      if (Math.abs(lr - c.lrs[step]!) > 1e-12 * Math.max(1, Math.abs(c.lrs[step]!))) return `step ${step}: lr ${lr}, expected ${c.lrs[step]}`;
      c.grads[step]!.forEach((g, i) => { params[i]!.grad = decode(g, false) as torch.Tensor; });
      opt.step();
      sched?.step();
      for (let i = 0; i < params.length; i++) {
        const r = compare(params[i]!.detach(), c.after[step]![i]!, { atol: 1e-6, rtol: 1e-5 }, `step ${step} param ${i}`);
        if (r) return r;
      }
    }
    return null;
  } catch (e) {
    return `threw: ${(e as Error).message.split("\n")[0]}`;
  }
}
