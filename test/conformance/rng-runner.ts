// rng.jsonl: after torch.manualSeed(seed), the calls in order give PyTorch's outputs; module cases
// build a module right after seeding and compare its state_dict.

import * as torch from "../../src/index.js";
import { type Json, compare, decode, decodeKwargs, readJsonl } from "./values.js";
import { resolveFn } from "./ops-runner.js";

export interface RngCase {
  id: string;
  seed: number;
  calls?: { fn: string; args: Json[]; kwargs: Record<string, Json> }[];
  outs?: Json[];
  module?: string;
  args?: Json[];
  state_dict?: Record<string, Json>;
}

export function loadRngCases(): RngCase[] { return readJsonl<RngCase>("rng.jsonl"); }

/** Returns null when the case matches, else the reason. */
export function runRngCase(c: RngCase): string | null {
  try {
    torch.manualSeed(c.seed);
    if (c.calls) {
      for (let i = 0; i < c.calls.length; i++) {
        const call = c.calls[i]!;
        const args = call.args.map((a) => decode(a, false));
        const kw = decodeKwargs(call.kwargs);
        const out = resolveFn({ id: c.id, fn: call.fn, args: call.args, kwargs: call.kwargs }).call(Object.keys(kw).length ? [...args, kw] : args);
        const r = compare(out, c.outs![i]!, { atol: 0, rtol: 0 }, `call ${i} (${call.fn})`);
        if (r) return r;
      }
      return null;
    }
    const ctorName = c.module!.replace(/^torch\.nn\./, "");
    const Ctor = (torch.nn as unknown as Record<string, new (...a: unknown[]) => torch.nn.Module>)[ctorName];
    if (!Ctor) return `not implemented: ${c.module}`;
    const m = new Ctor(...(c.args ?? []).map((a) => decode(a, false)));
    const sd = m.stateDict();
    for (const [k, v] of Object.entries(c.state_dict ?? {})) {
      const r = compare(sd.get(k), v, { atol: 0, rtol: 0 }, k);
      if (r) return r;
    }
    return null;
  } catch (e) {
    return `threw: ${(e as Error).message.split("\n")[0]}`;
  }
}
