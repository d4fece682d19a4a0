// modules.jsonl: build the module (PyTorch's ctor args through the translation rule), load the
// recorded state_dict, run `steps` forward calls, compare the output, parameter and input
// gradients, and the state_dict after (running statistics).

import * as torch from "../../src/index.js";
import { type Json, compare, decode, decodeKwargs, floatOutputs, readJsonl, type Tol } from "./values.js";

export interface ModuleCase {
  id: string;
  ctor: string;
  args: Json[];
  kwargs: Record<string, Json>;
  train: boolean;
  state_dict: Record<string, Json>;
  inputs: Json[];
  out: Json;
  steps: number;
  atol?: number;
  rtol?: number;
  grad?: { grad_outputs: Json[]; params: Record<string, Json>; inputs: Json[] };
  state_dict_after?: Record<string, Json>;
}

export function loadModuleCases(): ModuleCase[] { return readJsonl<ModuleCase>("modules.jsonl"); }

type Ctor = new (...a: unknown[]) => torch.nn.Module;

export interface ModuleResult { id: string; forward: boolean; grad: boolean | null; reason: string | null }

export function runModuleCase(c: ModuleCase): ModuleResult {
  const tol: Tol = { atol: c.atol ?? 1e-5, rtol: c.rtol ?? 1e-4 };
  const fail = (reason: string, forward = false): ModuleResult => ({ id: c.id, forward, grad: forward ? false : null, reason });
  let m: torch.nn.Module;
  try {
    const Cls = (torch.nn as unknown as Record<string, Ctor>)[c.ctor.replace("torch.nn.", "")];
    if (!Cls) return fail(`not implemented: ${c.ctor}`);
    const args = c.args.map((a) => decode(a, false));
    const kw = decodeKwargs(c.kwargs);
    m = new Cls(...args, ...(Object.keys(kw).length ? [kw] : []));
    const sd = new Map(Object.entries(c.state_dict).map(([k, v]) => [k, decode(v, false) as torch.Tensor]));
    const firstFloat = [...sd.values()].find((t) => t.dtype.isFloatingPoint);
    if (firstFloat?.dtype.name === "float64") m.double();
    m.loadStateDict(sd);
    m.train(c.train);
  } catch (e) {
    return fail(`construct/load threw: ${(e as Error).message.split("\n")[0]}`);
  }
  let inputs: unknown[] = [];
  let out: unknown;
  try {
    for (let s = 0; s < c.steps; s++) {
      inputs = c.inputs.map((a) => decode(a, true));
      out = (m.call as (...a: unknown[]) => unknown).apply(m, inputs);
    }
  } catch (e) {
    return fail(`forward threw: ${(e as Error).message.split("\n")[0]}`);
  }
  const fwd = compare(out, c.out, tol);
  if (fwd) return fail(fwd);
  if (c.state_dict_after) {
    const sd = m.stateDict();
    for (const [k, v] of Object.entries(c.state_dict_after)) {
      const r = compare(sd.get(k), v, tol, `state_dict_after.${k}`);
      if (r) return fail(r);
    }
  }
  if (!c.grad) return { id: c.id, forward: true, grad: null, reason: null };
  try {
    const outs = floatOutputs(out).filter((o) => o.requiresGrad);
    const gos = c.grad.grad_outputs.map((g) => decode(g, false) as torch.Tensor);
    const named = new Map(m.namedParameters());
    const paramNames = Object.keys(c.grad.params);
    const params = paramNames.map((k) => named.get(k));
    const missing = paramNames.find((k, i) => !params[i]);
    if (missing) return { id: c.id, forward: true, grad: false, reason: `no parameter ${missing}` };
    const inputTensors = inputs.filter((x): x is torch.Tensor => x instanceof torch.Tensor && x.requiresGrad);
    const targets = [...(params as torch.Tensor[]), ...inputTensors];
    const allOuts = floatOutputs(out);
    const pairs = allOuts.map((o, i) => [o, gos[i]] as const).filter(([o]) => o.requiresGrad);
    void outs;
    const grads = torch.autograd.grad(pairs.map((p) => p[0]), targets, { gradOutputs: pairs.map((p) => p[1]!), allowUnused: true });
    for (let i = 0; i < paramNames.length; i++) {
      const g = grads[i] ?? (params[i] as torch.Tensor).detach().mul(0);
      const r = compare(g, c.grad.params[paramNames[i]!]!, tol, `grad.${paramNames[i]}`);
      if (r) return { id: c.id, forward: true, grad: false, reason: r };
    }
    const expectedInputs = c.grad.inputs.filter((x) => x !== null);
    for (let i = 0; i < expectedInputs.length && i < inputTensors.length; i++) {
      const g = grads[paramNames.length + i] ?? inputTensors[i]!.detach().mul(0);
      const r = compare(g, expectedInputs[i]!, tol, `grad.input${i}`);
      if (r) return { id: c.id, forward: true, grad: false, reason: r };
    }
    return { id: c.id, forward: true, grad: true, reason: null };
  } catch (e) {
    return { id: c.id, forward: true, grad: false, reason: `grad threw: ${(e as Error).message.split("\n")[0]}` };
  }
}
