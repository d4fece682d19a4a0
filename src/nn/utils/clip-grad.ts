// nn.utils.clip_grad_norm_ and clip_grad_value_: PyTorch's composition (per-gradient vector
// norms, then the norm of those norms; one clamped coefficient multiplies every gradient).

import { Tensor } from "../../core/tensor.js";
import { type Args, bindArgs } from "../../ops/args.js";
import { tensor } from "../../ops/creation.js";
import { stack } from "../../ops/shape-join.js";
import { vectorNorm } from "../../ops/linalg.js";
import { noGrad } from "../../autograd/grad-mode.js";
import { warnOnce } from "../../core/warnings.js";

export type ParametersArg = Tensor | Iterable<Tensor>;

function gradsOf(parameters: ParametersArg): Tensor[] {
  const params = parameters instanceof Tensor ? [parameters] : [...parameters];
  return params.map((p) => p.grad).filter((g): g is Tensor => g !== null && g !== undefined);
}

function normType(v: unknown): number {
  if (v === "inf") return Infinity;
  if (v === "-inf") return -Infinity;
  if (typeof v !== "number") throw new Error(`clip_grad_norm_: norm_type must be a number, got ${String(v)}`);
  return v;
}

interface ClipNormOptions { maxNorm?: number; normType?: number | "inf"; errorIfNonfinite?: boolean; foreach?: boolean | null }

/**
 * nn.utils.clip_grad_norm_(parameters, max_norm, norm_type=2.0, error_if_nonfinite=False, foreach=None):
 * scales the gradients in place so that their total norm is at most max_norm; returns the total
 * norm (before clipping) as a tensor.
 */
export function clipGradNorm_(parameters: ParametersArg, ...args: Args<[maxNorm: number, normType?: number | "inf", errorIfNonfinite?: boolean, foreach?: boolean | null], ClipNormOptions>): Tensor {
  const a = bindArgs("clip_grad_norm_", args, ["maxNorm", "normType", "errorIfNonfinite", "foreach"], [], 1);
  if (typeof a.maxNorm !== "number") throw new Error("clip_grad_norm_() missing 1 required positional argument: 'max_norm'");
  const maxNorm = a.maxNorm;
  const p = normType(a.normType ?? 2);
  const grads = gradsOf(parameters);
  if (grads.length === 0) return tensor(0);
  return noGrad(() => {
    // A sparse grad's norm is its coalesced values' norm (duplicates summed first).
    const norms = grads.map((g) => vectorNorm(g.isSparse ? g.coalesce()._values() : g.detach(), p));
    const total = norms.length === 1 && !Number.isFinite(p) ? norms[0]! : vectorNorm(stack(norms.map((n) => n.to(norms[0]!.dtype))), p);
    if ((a.errorIfNonfinite as boolean | undefined) && !Number.isFinite(Number(total.item()))) {
      throw new Error(`The total norm of order ${p === Infinity ? "inf" : p === -Infinity ? "-inf" : Number.isInteger(p) ? `${p}.0` : p} for gradients from \`parameters\` is non-finite, so it cannot be clipped. To disable this error and scale the gradients by the non-finite norm anyway, set \`error_if_nonfinite=False\``);
    }
    scaleGrads(grads, maxNorm, total);
    return total;
  });
}

/** The gradients times min(1, maxNorm / (totalNorm + 1e-6)), as PyTorch computes that number. */
function scaleGrads(grads: Tensor[], maxNorm: number, totalNorm: Tensor): void {
  // Python's `max_norm / tensor` is tensor.reciprocal() * max_norm.
  const coef = totalNorm.add(1e-6).reciprocal().mul(maxNorm).clamp({ max: 1 });
  for (const g of grads) g.mul_(coef.to(g.dtype));
}

/**
 * nn.utils.clip_grads_with_norm_(parameters, max_norm, total_norm, foreach=None): scales the
 * gradients in place by min(1, max_norm / (total_norm + 1e-6)), total_norm computed beforehand
 * (getTotalNorm), so that the norm and the scaling can be split.
 */
export function clipGradsWithNorm_(parameters: ParametersArg, ...args: Args<[maxNorm: number, totalNorm: Tensor, foreach?: boolean | null], { maxNorm?: number; totalNorm?: Tensor; foreach?: boolean | null }>): void {
  const a = bindArgs("clip_grads_with_norm_", args, ["maxNorm", "totalNorm", "foreach"], [], 1);
  if (typeof a.maxNorm !== "number") throw new Error("clip_grads_with_norm_() missing 1 required positional argument: 'max_norm'");
  if (!(a.totalNorm instanceof Tensor)) throw new Error("clip_grads_with_norm_(): argument 'total_norm' must be a Tensor");
  const grads = gradsOf(parameters);
  if (grads.length === 0) return;
  noGrad(() => scaleGrads(grads, a.maxNorm as number, a.totalNorm as Tensor));
}

/** nn.utils.clip_grad_norm: the deprecated name of clipGradNorm_ (warns once). */
export function clipGradNorm(parameters: ParametersArg, ...args: Args<[maxNorm: number, normType?: number | "inf", errorIfNonfinite?: boolean, foreach?: boolean | null], ClipNormOptions>): Tensor {
  warnOnce("`torch.nn.utils.clip_grad_norm` is now deprecated in favor of `torch.nn.utils.clip_grad_norm_`.");
  return clipGradNorm_(parameters, ...args);
}

/** nn.utils.clip_grad_value_(parameters, clip_value, foreach=None): clamps every gradient to [-clip_value, clip_value] in place. */
export function clipGradValue_(parameters: ParametersArg, ...args: Args<[clipValue: number, foreach?: boolean | null], { clipValue?: number; foreach?: boolean | null }>): void {
  const a = bindArgs("clip_grad_value_", args, ["clipValue", "foreach"], [], 1);
  if (typeof a.clipValue !== "number") throw new Error("clip_grad_value_() missing 1 required positional argument: 'clip_value'");
  const v = a.clipValue;
  noGrad(() => { for (const g of gradsOf(parameters)) g.clamp_(-v, v); });
}

/** nn.utils.get_total_norm(tensors, norm_type=2.0, error_if_nonfinite=False, foreach=None). */
export function getTotalNorm(tensors: ParametersArg, ...args: Args<[normType?: number | "inf", errorIfNonfinite?: boolean, foreach?: boolean | null], Omit<ClipNormOptions, "maxNorm">>): Tensor {
  const a = bindArgs("get_total_norm", args, ["normType", "errorIfNonfinite", "foreach"], [], 1);
  const p = normType(a.normType ?? 2);
  const ts = tensors instanceof Tensor ? [tensors] : [...tensors];
  if (ts.length === 0) return tensor(0);
  return noGrad(() => {
    const total = vectorNorm(stack(ts.map((t) => vectorNorm(t.detach(), p))), p);
    if ((a.errorIfNonfinite as boolean | undefined) && !Number.isFinite(Number(total.item()))) {
      throw new Error(`The total norm of order ${p} for gradients from \`parameters\` is non-finite, so it cannot be clipped. To disable this error and scale the gradients by the non-finite norm anyway, set \`error_if_nonfinite=False\``);
    }
    return total;
  });
}
