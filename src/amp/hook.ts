// The hook at the top of each autocast-listed op:
//   if (autocasting.on && autocasts("mm", arguments)) return runAutocast(mm, arguments);
// `autocasts` looks the op up for the device of its first tensor argument; `runAutocast` casts the
// eligible tensor arguments as the op's policy says (through the weight-cast cache) and calls the
// op again with autocast off, as PyTorch's Autocast dispatch-key wrappers do. Casts are ordinary
// differentiable `to` calls, so gradients flow back to float32 parameters as float32.

import { DType, float32, float64, toDType, type DTypeLike } from "../core/dtype.js";
import { Tensor } from "../core/tensor.js";
import { isOptionsObject } from "../ops/args.js";
import { castPolicy, type CastPolicy } from "./policy.js";
import { cachedCasts, deviceDtype, deviceEnabled, isAutocastCacheEnabled, withoutAutocast, type AutocastDevice } from "./state.js";

let pendingDevice: AutocastDevice = "cpu";
let pendingPolicy: CastPolicy = "lower";

/** Whether autocast applies to this call of `op` (and remembers how, for runAutocast). */
export function autocasts(op: string, args: ArrayLike<unknown>): boolean {
  const device = deviceOfArgs(args);
  if (device === null || !deviceEnabled(device)) return false;
  const policy = castPolicy(device, op);
  if (policy === undefined) return false;
  if (policy === "banned") {
    throw new Error("torch.nn.functional.binary_cross_entropy and torch.nn.BCELoss are unsafe to autocast.\n" +
      "Many models use a sigmoid layer right before the binary cross entropy layer.\n" +
      "In this case, combine the two layers using torch.nn.functional.binary_cross_entropy_with_logits\n" +
      "or torch.nn.BCEWithLogitsLoss.  binary_cross_entropy_with_logits and BCEWithLogits are\n" +
      "safe to autocast.");
  }
  pendingDevice = device;
  pendingPolicy = policy;
  return true;
}

/** Calls fn on the cast arguments with autocast off (right after `autocasts` returned true). */
export function runAutocast<F extends (...a: never[]) => unknown>(fn: F, args: ArrayLike<unknown>): ReturnType<F> {
  const device = pendingDevice, policy = pendingPolicy;
  const list = Array.from(args);
  const call = (a: unknown[]) => withoutAutocast(() => (fn as unknown as (...x: unknown[]) => ReturnType<F>)(...a));
  // out= forms are not autocast in PyTorch (their overloads are not registered): run as given.
  if (policy === "keep" || list.some((a) => isOptionsObject(a) && a["out"] != null)) return call(list);
  if (policy === "fp32SetOptDtype") {
    const first = list[0];
    if (!(first instanceof Tensor) || !eligible(first, device) || dtypeGiven(list)) return call(list);
    // Trailing None positionals (softmax(x, 1, null)) are defaults; the dtype goes in the options.
    while (list.length > 1 && list[list.length - 1] == null) list.pop();
    const last = list[list.length - 1];
    if (list.length > 1 && isOptionsObject(last)) list[list.length - 1] = { ...last, dtype: float32 };
    else list.push({ dtype: float32 });
    return call(list);
  }
  const to = policy === "lower" ? deviceDtype(device) : policy === "fp32" ? float32 : promoteType(list, device);
  return call(list.map((a) => castArg(a, to, device)));
}

function deviceOfArgs(args: ArrayLike<unknown>): AutocastDevice | null {
  for (let i = 0; i < args.length; i++) {
    const t = firstTensor(args[i]);
    if (t) return t.device.type as AutocastDevice;
  }
  return null;
}

function firstTensor(a: unknown): Tensor | null {
  if (a instanceof Tensor) return a;
  if (Array.isArray(a)) { for (const x of a) if (x instanceof Tensor) return x; return null; }
  if (isOptionsObject(a)) { for (const v of Object.values(a)) if (v instanceof Tensor) return v; }
  return null;
}

/** PyTorch's is_eligible: a floating tensor of the device, float64 excepted. */
function eligible(t: Tensor, device: AutocastDevice): boolean {
  return t.dtype.isFloatingPoint && t.dtype !== float64 && t.device.type === device;
}

function dtypeGiven(list: readonly unknown[]): boolean {
  for (let i = 1; i < list.length; i++) {
    const a = list[i];
    if (a instanceof DType) return true;
    if (typeof a === "string" && isDTypeName(a)) return true;
    if (isOptionsObject(a) && a["dtype"] != null) return true;
  }
  return false;
}

function isDTypeName(s: string): boolean {
  try { toDType(s as DTypeLike); return true; } catch { return false; }
}

/** PyTorch's promote_type: float32 wins over the lower dtype; float64 tensors are left as they are. */
function promoteType(list: readonly unknown[], device: AutocastDevice): DType {
  const lower = deviceDtype(device);
  let current = lower;
  const visit = (t: Tensor) => {
    if (!t.dtype.isFloatingPoint || t.device.type !== device || t.dtype === float64) return;
    if (current === float32 || t.dtype === float32) current = float32;
    else if (current !== lower || t.dtype !== lower) throw new Error("Unexpected floating ScalarType in at::autocast::prioritize");
  };
  for (const a of list) {
    if (a instanceof Tensor) visit(a);
    else if (Array.isArray(a)) for (const x of a) { if (x instanceof Tensor) visit(x); }
    else if (isOptionsObject(a)) for (const v of Object.values(a)) { if (v instanceof Tensor) visit(v); }
  }
  return current;
}

function castArg(a: unknown, to: DType, device: AutocastDevice): unknown {
  if (a instanceof Tensor) return cachedCast(a, to, device);
  if (Array.isArray(a)) return a.some((x) => x instanceof Tensor) ? a.map((x) => castArg(x, to, device)) : a;
  if (isOptionsObject(a)) {
    let copy: Record<string, unknown> | null = null;
    for (const [k, v] of Object.entries(a)) {
      if (v instanceof Tensor) (copy ??= { ...a })[k] = cachedCast(v, to, device);
    }
    return copy ?? a;
  }
  return a;
}

/**
 * PyTorch's cached_cast: float32 leaf tensors that require grad (model weights), cast to the lower
 * dtype, are cast once per outermost autocast region while the cache is enabled.
 */
function cachedCast(t: Tensor, to: DType, device: AutocastDevice): Tensor {
  if (!eligible(t, device) || t.dtype === to) return t;
  const canCache = to === deviceDtype(device) && t.dtype === float32 && t.requiresGrad && t.isLeaf && t._base === null && isAutocastCacheEnabled();
  if (!canCache) return t.to(to);
  const cache = cachedCasts();
  let cast = cache.get(t);
  // PyTorch keys the cache by tensor alone; the dtype test keeps a nested region of another lower
  // dtype from getting the outer region's cast.
  if (cast === undefined || cast.dtype !== to) { cast = t.to(to); cache.set(t, cast); }
  return cast;
}
