// Naming the public op a kernel was asked to run, for the errors of storages that cannot hand out
// their values (a webgpu storage on the CPU path, a complex storage in a real kernel).

const nameSources: (() => Iterable<string>)[] = [];
let publicNames: Set<string> | null = null;
const NOT_OPS = ["constructor", "toString", "item", "tolist", "backward", "detach", "data", "get", "_read", "_readValue", "_realItem", "_storageIndices"];

/** Public op names (Tensor methods, torch.*, F.*) that errors may name (read when first needed). */
export function addPublicNames(names: () => Iterable<string>): void {
  nameSources.push(names);
  publicNames = null;
}

function names(): Set<string> {
  if (!publicNames) {
    publicNames = new Set();
    for (const f of nameSources) for (const n of f()) publicNames.add(n);
    for (const n of NOT_OPS) publicNames.delete(n);
  }
  return publicNames;
}

/**
 * The innermost public op on the call stack (a best effort: "this op" when none is found), above
 * `skip` more frames of the caller's own.
 */
export function currentOpName(skip = 0): string {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 60;
  const stack = new Error().stack ?? "";
  Error.stackTraceLimit = limit;
  const known = names();
  for (const line of stack.split("\n").slice(2 + skip)) {
    const m = /^\s*at (?:new )?([\w$.<>]+)(?: \[as ([\w$]+)\])?/.exec(line);
    if (!m) continue;
    const candidates = [m[2], m[1]!.split(".").pop()];
    for (const c of candidates) if (c && known.has(c)) return c;
  }
  return "this op";
}

/**
 * PyTorch's refusal of an op that has no kernel for a kind of tensor (its dispatch key: sparse COO,
 * sparse compressed (CSR/CSC), quantized or nested tensors; CPU for an op only those have), naming
 * the op as ATen does (snake_case; an overload name, where given, after a dot).
 */
export function backendRefusal(backend: "CPU" | "SparseCPU" | "SparseCsrCPU" | "QuantizedCPU" | "NestedTensorCPU", op: string = currentOpName()): Error {
  // An overload name after the dot keeps its case (sub.Tensor).
  const dot = op.indexOf("."), base = dot < 0 ? op : op.slice(0, dot), overload = dot < 0 ? "" : op.slice(dot);
  const what = op === "this op" ? op : `'aten::${base.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)}${overload}'`;
  return new Error(`Could not run ${what} with arguments from the '${backend}' backend.`);
}
