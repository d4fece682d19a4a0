// torch.trapezoid / trapz / cumulative_trapezoid (the trapezoidal rule along a dim) and
// torch.gradient (finite differences): composed of slices, sums, cumsums and cat, so
// differentiable in the samples and the coordinates.

import type { Tensor } from "../core/tensor.js";
import { type Args, bindArgs, checkTensor } from "./args.js";
import { zeros } from "./creation.js";
import { cat } from "./shape-join.js";

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

interface GradientOptions { spacing?: number | number[] | Tensor[] | null; dim?: number | number[] | null; edgeOrder?: number }

/**
 * torch.gradient(input, *, spacing=1, dim=None, edge_order=1): numerical derivatives along each
 * of dim (every dim by default) by central differences inside and one-sided differences of order
 * edgeOrder at the ends. spacing is a number, one number per dim, or one 1-d coordinate tensor
 * per dim (for unevenly spaced samples). Returns one tensor per dim.
 */
export function gradient(input: Tensor, options: GradientOptions = {}): Tensor[] {
  const op = "torch.gradient";
  checkTensor("gradient", "input", input);
  bindArgs("gradient", [options], [], ["spacing", "dim", "edgeOrder"]);
  const edgeOrder = options.edgeOrder ?? 1;
  if (edgeOrder !== 1 && edgeOrder !== 2) throw new Error(`${op} only supports edge_order=1 and edge_order=2.`);
  const dimArg = options.dim ?? null;
  const dims = (dimArg === null ? input.shape.map((_, i) => i) : typeof dimArg === "number" ? [dimArg] : dimArg)
    .map((d) => sampleDim("gradient", input, { dim: d }));
  const spacingArg = options.spacing ?? 1;
  const spacing: (number | Tensor)[] = typeof spacingArg === "number" ? dims.map(() => spacingArg) : spacingArg;
  if (spacing.length !== dims.length) {
    throw new Error(dimArg === null
      ? `${op} expected spacing to be unspecified, a scalar or a list of length ${dims.length} but got a list of length ${spacing.length}`
      : `${op} expected spacing to be unspecified, a scalar or it's spacing and dim arguments to have the same length, but got a spacing argument of length ${spacing.length} and a dim argument of length ${dims.length}.`);
  }
  for (const d of dims) if (input.shape[d]! < edgeOrder + 1) throw new Error(`${op} expected each dimension size to be at least edge_order+1`);
  return dims.map((d, i) => {
    const h = spacing[i]!;
    const n = input.shape[d]!;
    const s = (start: number, end: number): Tensor => input.narrow(d, start < 0 ? start + n : start, (end <= 0 ? end + n : end) - (start < 0 ? start + n : start));
    let center: Tensor, first: Tensor, last: Tensor;
    if (typeof h === "number") {
      center = s(2, 0).sub(s(0, -2)).div(h).div(2);
      if (edgeOrder === 1) {
        first = s(1, 2).sub(s(0, 1)).div(h);
        last = s(-1, 0).sub(s(-2, -1)).div(h);
      } else {
        first = s(0, 1).mul(-1.5).add(s(1, 2).mul(2)).sub(s(2, 3).mul(0.5)).div(h);
        last = s(-3, -2).mul(0.5).add(s(-2, -1).mul(-2)).add(s(-1, 0).mul(1.5)).div(h);
      }
    } else {
      checkTensor("gradient", "spacing", h);
      if (h.dim() !== 1 || h.shape[0] !== n) throw new Error(`${op} expected each coordinate tensor of spacing to be 1-d with input.size(${d}) = ${n} elements, but got shape [${h.shape.join(", ")}]`);
      const shape = input.shape.map((_, k) => (k === d ? -1 : 1));
      const dx = h.narrow(0, 1, n - 1).sub(h.narrow(0, 0, n - 1));
      const dx1 = dx.narrow(0, 0, n - 2), dx2 = dx.narrow(0, 1, n - 2);
      const a = dx2.neg().div(dx1.mul(dx1.add(dx2))).reshape(shape);
      const b = dx2.sub(dx1).div(dx1.mul(dx2)).reshape(shape);
      const c = dx1.div(dx2.mul(dx1.add(dx2))).reshape(shape);
      center = a.mul(s(0, -2)).add(b.mul(s(1, -1))).add(c.mul(s(2, 0)));
      const h0 = dx.get(0), h1 = dx.get(1), hl = dx.get(-1), hm = dx.get(-2);
      if (edgeOrder === 1) {
        first = s(1, 2).sub(s(0, 1)).div(h0);
        last = s(-1, 0).sub(s(-2, -1)).div(hl);
      } else {
        const fa = h0.mul(2).add(h1).neg().div(h0.mul(h0.add(h1))), fb = h0.add(h1).div(h0.mul(h1)), fc = h0.neg().div(h1.mul(h0.add(h1)));
        first = s(0, 1).mul(fa).add(s(1, 2).mul(fb)).add(s(2, 3).mul(fc));
        const la = hl.div(hm.mul(hl.add(hm))), lb = hl.add(hm).neg().div(hl.mul(hm)), lc = hl.mul(2).add(hm).div(hl.mul(hl.add(hm)));
        last = s(-3, -2).mul(la).add(s(-2, -1).mul(lb)).add(s(-1, 0).mul(lc));
      }
    }
    return cat([first, center, last], d);
  });
}
