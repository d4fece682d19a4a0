// The pytrees of torch.func (torch.utils._pytree, through API.md's translation rule): arrays are
// Python's tuples and lists, plain objects its dicts, null/undefined its None (a node without
// leaves); everything else (tensors, numbers, strings, ...) is a leaf.

import { Tensor } from "../core/tensor.js";
import { isOptionsObject } from "../ops/args.js";

/** A nested structure of arrays and plain objects whose leaves are tensors (or other values). */
export type PyTree = Tensor | number | boolean | string | bigint | null | undefined | readonly PyTree[] | { readonly [key: string]: PyTree };

export type TreeSpec =
  | { kind: "leaf" }
  | { kind: "none" }
  | { kind: "array"; children: TreeSpec[] }
  | { kind: "object"; keys: string[]; children: TreeSpec[] };

const LEAF: TreeSpec = { kind: "leaf" };
const NONE: TreeSpec = { kind: "none" };

/** The leaves of `tree` in order, and its structure. */
export function treeFlatten(tree: unknown): [unknown[], TreeSpec] {
  const leaves: unknown[] = [];
  const spec = flattenInto(tree, leaves);
  return [leaves, spec];
}

function flattenInto(tree: unknown, leaves: unknown[]): TreeSpec {
  if (tree === null || tree === undefined) return NONE;
  if (Array.isArray(tree)) return { kind: "array", children: tree.map((t) => flattenInto(t, leaves)) };
  if (isOptionsObject(tree)) {
    const keys = Object.keys(tree);
    return { kind: "object", keys, children: keys.map((k) => flattenInto(tree[k], leaves)) };
  }
  leaves.push(tree);
  return LEAF;
}

/** Rebuilds a structure from its leaves (the inverse of treeFlatten). */
export function treeUnflatten(leaves: readonly unknown[], spec: TreeSpec): unknown {
  let next = 0;
  const build = (s: TreeSpec): unknown => {
    switch (s.kind) {
      case "leaf": return leaves[next++];
      case "none": return null;
      case "array": return s.children.map(build);
      case "object": {
        const out: Record<string, unknown> = {};
        s.keys.forEach((k, i) => { out[k] = build(s.children[i]!); });
        return out;
      }
    }
  };
  const out = build(spec);
  if (next !== leaves.length) throw new Error(`treeUnflatten: the structure has ${next} leaves but ${leaves.length} values were given`);
  return out;
}

export function treeMap(tree: unknown, fn: (leaf: unknown) => unknown): unknown {
  const [leaves, spec] = treeFlatten(tree);
  return treeUnflatten(leaves.map(fn), spec);
}

export function specsEqual(a: TreeSpec, b: TreeSpec): boolean {
  if (a.kind !== b.kind) return false;
  if (a.kind === "leaf" || a.kind === "none") return true;
  const bc = (b as { children: TreeSpec[] }).children;
  if (a.children.length !== bc.length) return false;
  if (a.kind === "object" && (b as { keys: string[] }).keys.join("\0") !== a.keys.join("\0")) return false;
  return a.children.every((c, i) => specsEqual(c, bc[i]!));
}

/** The structure in Python's words: `(*, {'x': *, 'y': *})`, `*` a leaf. */
export function specString(s: TreeSpec): string {
  switch (s.kind) {
    case "leaf": return "*";
    case "none": return "None";
    case "array": return s.children.length === 1 ? `(${specString(s.children[0]!)},)` : `(${s.children.map(specString).join(", ")})`;
    case "object": return `{${s.keys.map((k, i) => `'${k}': ${specString(s.children[i]!)}`).join(", ")}}`;
  }
}

/**
 * `prefix` (a tree whose leaves stand for whole subtrees, as vmap's in_dims and out_dims) broadcast
 * over `spec`: one value per leaf of spec, or null when the structures do not match
 * (torch.utils._pytree._broadcast_to_and_flatten).
 */
export function broadcastToAndFlatten(prefix: unknown, spec: TreeSpec): unknown[] | null {
  const out: unknown[] = [];
  const walk = (p: unknown, s: TreeSpec): boolean => {
    if (s.kind === "none") return true;
    const pIsNode = Array.isArray(p) || isOptionsObject(p);
    if (!pIsNode) {
      for (let i = countLeaves(s); i > 0; i--) out.push(p);
      return true;
    }
    if (s.kind === "leaf") return false;
    if (s.kind === "array") {
      if (!Array.isArray(p) || p.length !== s.children.length) return false;
      return s.children.every((c, i) => walk(p[i], c));
    }
    if (!isOptionsObject(p)) return false;
    const keys = Object.keys(p);
    if (keys.length !== s.keys.length || !s.keys.every((k) => k in p)) return false;
    return s.keys.every((k, i) => walk(p[k], s.children[i]!));
  };
  return walk(prefix, spec) ? out : null;
}

function countLeaves(s: TreeSpec): number {
  if (s.kind === "leaf") return 1;
  if (s.kind === "none") return 0;
  return s.children.reduce((n, c) => n + countLeaves(c), 0);
}

/** Python's type() of a value passed through the translation rule: `<class 'float'>`. */
export function pythonType(v: unknown): string {
  if (v instanceof Tensor) return "<class 'torch.Tensor'>";
  if (v === null || v === undefined) return "<class 'NoneType'>";
  if (typeof v === "number") return Number.isInteger(v) ? "<class 'int'>" : "<class 'float'>";
  if (typeof v === "bigint") return "<class 'int'>";
  if (typeof v === "boolean") return "<class 'bool'>";
  if (typeof v === "string") return "<class 'str'>";
  if (Array.isArray(v)) return "<class 'tuple'>";
  if (isOptionsObject(v)) return "<class 'dict'>";
  if (typeof v === "function") return "<class 'function'>";
  return `<class '${(v as object).constructor?.name ?? "object"}'>`;
}

/** Python's repr of an int / None / tuple / dict argument (vmap's in_dims and out_dims in errors). */
export function pythonRepr(v: unknown): string {
  if (v === null || v === undefined) return "None";
  if (Array.isArray(v)) return v.length === 1 ? `(${pythonRepr(v[0])},)` : `(${v.map(pythonRepr).join(", ")})`;
  if (isOptionsObject(v)) return `{${Object.keys(v).map((k) => `'${k}': ${pythonRepr(v[k])}`).join(", ")}}`;
  if (typeof v === "string") return `'${v}'`;
  if (typeof v === "boolean") return v ? "True" : "False";
  if (v instanceof Tensor) return "tensor(...)";
  return String(v);
}
