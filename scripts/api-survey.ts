// Which of PyTorch's public names torch-ts lacks, by API.md's rule (snake_case -> camelCase, a
// trailing _ kept): `npx tsx scripts/api-survey.ts` (needs /usr/bin/python3 with torch, or
// TORCH_TS_PYTHON). Prints, per namespace, the missing names; internal, CUDA, quantized, sparse
// and complex ones are listed too, since the survey does not judge.

import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import * as torch from "../src/index.js";

const python = process.env["TORCH_TS_PYTHON"] ?? "/usr/bin/python3";
const names = JSON.parse(execFileSync(python, [fileURLToPath(new URL("./api-survey.py", import.meta.url))], { encoding: "utf8" })) as Record<string, string[]>;

function camel(n: string): string {
  const trailing = n.endsWith("_") && !n.endsWith("__") ? "_" : "";
  return (trailing ? n.slice(0, -1) : n).replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase()) + trailing;
}

const spaces: Record<string, object | undefined> = {
  torch, Tensor: torch.zeros(1), F: torch.nn.functional, nn: torch.nn, linalg: torch.linalg,
  special: (torch as Record<string, unknown>)["special"] as object | undefined,
  fft: (torch as Record<string, unknown>)["fft"] as object | undefined,
  optim: torch.optim, sched: torch.optim.lrScheduler, init: torch.nn.init, sparse: torch.sparse,
};
// The dotted namespaces (torch.distributions, torch.nn.utils.prune, ...): looked up by path, so a
// namespace torch-ts does not have yet reads as missing whole.
const lookUp = (path: string): object | undefined => {
  let at: unknown = torch;
  for (const part of path.split(".")) at = at === undefined || at === null ? undefined : (at as Record<string, unknown>)[part];
  return typeof at === "object" || typeof at === "function" ? (at as object) : undefined;
};
for (const space of ["distributions", "autograd.functional", "nn.utils", "nn.utils.parametrize", "nn.utils.parametrizations",
  "nn.utils.prune", "nn.utils.stateless", "utils.checkpoint", "ao.quantization", "ao.nn.quantized", "testing", "random", "utils.data"]) spaces[space] = lookUp(space);
for (const [space, list] of Object.entries(names)) {
  const obj = spaces[space] as Record<string, unknown> | undefined;
  if (!obj) { console.log(`${space}: no such namespace (${list.length} names)`); continue; }
  const missing = list.filter((n) => { try { return obj[camel(n)] === undefined && obj[n] === undefined; } catch { return false; } });
  console.log(`${space}: ${missing.length}/${list.length} missing: ${missing.join(" ")}`);
}
