// torch.trapezoid / trapz / cumulative_trapezoid: the trapezoidal rule along a dim, composed of
// slices, sums and cumsums (so differentiable in y and x).

import type { Tensor } from "../core/tensor.js";
import { type Args, bindArgs, checkTensor } from "./args.js";
import { zeros } from "./creation.js";

interface TrapezoidOptions { x?: Tensor | null; dx?: number | null; dim?: number }

/** The sample spacing: a tensor of differences along dim (from x), or a number. */
function spacing(op: string, y: Tensor, o: Record<string, unknown>, dim: number, defaultDx: number): Tensor | number {
  const x = (o.x as Tensor | null | undefined) ?? null;
  const dx = (o.dx as number | null | undefined) ?? null;
  if (x !== null && dx !== null) throw new Error(`${op}(): x and dx cannot both be given`);
  if (y.dtype.name === "bool") throw new Error(`${op}: received a bool input for \`y\`, but bool is not supported`);
  if (x === null) {
    if (dx !== null && typeof dx !== "number") throw new Error(`${op}: Currently, we only support dx as a real number.`);
    return dx ?? defaultDx;
  }
  checkTensor(op, "x", x);
  if (x.dtype.name === "bool") throw new Error(`${op}: received a bool input for \`x\`, but bool is not supported`);
  let xv = x;
  if (x.dim() === 1) {
    if (x.shape[0] !== y.shape[dim]) throw new Error(`${op}: There must be one \`x\` value for each sample point`);
    const sizes = new Array<number>(y.dim()).fill(1);
    sizes[dim] = x.shape[0]!;
    xv = x.view(sizes);
  } else if (x.dim() < y.dim()) {
    xv = x.view([...new Array<number>(y.dim() - x.dim()).fill(1), ...x.shape]);
  }
  const n = xv.shape[dim]!;
  return xv.narrow(dim, 1, n - 1).sub(xv.narrow(dim, 0, n - 1));
}

function sampleDim(op: string, y: Tensor, o: Record<string, unknown>): number {
  checkTensor(op, "y", y);
  const dim = (o.dim as number | undefined) ?? -1;
  if (y.dim() === 0) throw new Error(`Dimension specified as ${dim} but tensor has no dimensions`);
  const n = y.dim();
  if (!Number.isInteger(dim) || dim < -n || dim >= n) throw new Error(`Dimension out of range (expected to be in range of [${-n}, ${n - 1}], but got ${dim})`);
  return dim < 0 ? dim + n : dim;
}

/** torch.trapezoid(y, x=None, *, dx=None, dim=-1): the trapezoidal rule along dim. */
export function trapezoid(y: Tensor, ...args: Args<[x?: Tensor | null], TrapezoidOptions>): Tensor {
  return integrate("trapezoid", y, bindArgs("trapezoid", args, ["x"], ["dx", "dim"]));
}

/** torch.trapz(y, x, *, dim=-1) or torch.trapz(y, *, dx=1, dim=-1): trapezoid's older name. */
export function trapz(y: Tensor, ...args: Args<[x?: Tensor | null], TrapezoidOptions>): Tensor {
  return integrate("trapz", y, bindArgs("trapz", args, ["x"], ["dx", "dim"]));
}

function integrate(op: string, y: Tensor, o: Record<string, unknown>): Tensor {
  const dim = sampleDim(op, y, o);
  const n = y.shape[dim]!;
  if (n === 0) return zeros(y.shape.filter((_, i) => i !== dim), { dtype: y.dtype.isFloatingPoint ? y.dtype : undefined });
  const dx = spacing(op === "trapz" ? "trapezoid" : op, y, o, dim, 1);
  if (typeof dx === "number") return y.sum(dim).sub(y.select(dim, 0).add(y.select(dim, -1)).mul(0.5)).mul(dx);
  return dx.mul(y.narrow(dim, 1, n - 1).add(y.narrow(dim, 0, n - 1))).sum(dim).div(2);
}

/** torch.cumulative_trapezoid(y, x=None, *, dx=None, dim=-1): the running trapezoidal rule (one fewer element along dim). */
export function cumulativeTrapezoid(y: Tensor, ...args: Args<[x?: Tensor | null], TrapezoidOptions>): Tensor {
  const o = bindArgs("cumulative_trapezoid", args, ["x"], ["dx", "dim"]);
  const dim = sampleDim("cumulative_trapezoid", y, o);
  const n = y.shape[dim]!;
  const dx = spacing("cumulative_trapezoid", y, o, dim, 1);
  const pairs = y.narrow(dim, 0, Math.max(n - 1, 0)).add(y.narrow(dim, Math.min(1, n), Math.max(n - 1, 0)));
  return (typeof dx === "number" ? pairs.mul(dx / 2) : dx.div(2).mul(pairs)).cumsum(dim);
}
