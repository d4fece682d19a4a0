// torch.linalg.lstsq: PyTorch's checks, its rules for which outputs each driver fills
// (residuals: m > n, not gelsy, and for gelsd/gelss only when every matrix has rank n; rank: not
// gels; singular values: gelsd/gelss), and the backward through pinv(A) (LinalgLstsqBackward0).

import { autocasting } from "../amp/state.js";
import { autocasts, runAutocast } from "../amp/hook.js";
import type { Tensor } from "../core/tensor.js";
import { float32, float64, int64 } from "../core/dtype.js";
import { numel } from "../core/shape.js";
import { record, sumToShape } from "../autograd/record.js";
import * as K from "../backends/js/linalg.js";
import { type Args, bindArgs, checkTensor, isOptionsObject, rebind, type Rebound } from "./args.js";
import { matmul } from "./blas.js";
import { fromArray } from "./engine.js";
import { notImplementedOnDevice, onDevice } from "./device-hooks.js";
import { type NamedTuple, allocLike, broadcastBatch, matricesOf, namedTuple, pinvBackward, scalarTypeName, wrap } from "./linalg-engine.js";
import { pinv } from "./linalg.js";

const DRIVERS = ["gels", "gelsy", "gelsd", "gelss"] as const;

/**
 * torch.linalg.lstsq(A, B, rcond = null, { driver }): (solution, residuals, rank, singularValues)
 * minimizing ‖A X - B‖_F; B [..., m, k], or [..., m] when it has one dim less than A. The CPU's
 * default driver is gelsy; the fields a driver does not compute are empty tensors, as PyTorch's.
 */
export function lstsq(A: Tensor, B: Tensor, ...args: Args<[rcond?: number | null], { rcond?: number | null; driver?: string | null }>): NamedTuple<"solution" | "residuals" | "rank" | "singularValues">;
export function lstsq<A extends Rebound<[A: Tensor, B: Tensor], ["A", "B"], { rcond?: number | null; driver?: string | null }>>(...args: A): NamedTuple<"solution" | "residuals" | "rank" | "singularValues">;
export function lstsq(
  A: Tensor,
  B: Tensor,
  ...args: Args<[rcond?: number | null], { rcond?: number | null; driver?: string | null }>
): NamedTuple<"solution" | "residuals" | "rank" | "singularValues"> {
  if (autocasting.on && autocasts("linalg_lstsq", arguments)) return runAutocast(lstsq, arguments);
  if (arguments.length <= 2 && isOptionsObject(arguments.length === 2 ? B : A)) return rebind(lstsq, "linalg.lstsq", arguments, ["A", "B", "rcond"], 2, ["driver"]);
  const api = "torch.linalg.lstsq";
  checkTensor("linalg.lstsq", "A", A);
  checkTensor("linalg.lstsq", "B", B);
  const a = bindArgs("linalg.lstsq", args, ["rcond"], ["driver"], 2);
  if (A.dim() < 2) throw new Error(`${api}: input must have at least 2 dimensions.`);
  if (B.dim() < 1) throw new Error(`${api}: other must have at least 1 dimension.`);
  if (A.dtype !== B.dtype) {
    throw new Error(`${api}: Expected input and other to have the same dtype, but got input's dtype ${scalarTypeName(A.dtype)} and other's dtype ${scalarTypeName(B.dtype)}`);
  }
  const dimDiff = A.dim() - B.dim();
  if (dimDiff < 0 || dimDiff > 1) throw new Error(`${api}: input.dim() must be greater or equal to other.dim() and (input.dim() - other.dim()) <= 1`);
  const vector = dimDiff === 1;
  const Bm = vector ? B.unsqueeze(-1) : B;
  const m = A.shape[A.dim() - 2]!;
  const n = A.shape[A.dim() - 1]!;
  if (Bm.shape[Bm.dim() - 2] !== m) throw new Error(`${api}: input.size(-2) should match other.size(${vector ? -1 : -2})`);
  const driver = (a.driver as string | null | undefined) ?? "gelsy";
  if (!(DRIVERS as readonly string[]).includes(driver)) throw new Error(`${api}: parameter \`driver\` should be one of (gels, gelsy, gelsd, gelss)`);
  if (A.dtype !== float32 && A.dtype !== float64) throw new Error("This function doesn't handle types other than float and double");
  if (onDevice(A, B)) throw notImplementedOnDevice("linalg.lstsq");
  const eps = A.dtype === float32 ? 2 ** -23 : 2 ** -52;
  const rcond = (a.rcond as number | null | undefined) ?? eps * Math.max(m, n);
  const [Ab, Bb] = broadcastBatch(A, Bm);
  const batchShape = Ab.shape.slice(0, -2);
  const batch = numel(batchShape);
  const kc = Bb.shape[Bb.dim() - 1]!;
  const k = Math.min(m, n);
  const withSingularValues = driver === "gelsd" || driver === "gelss";
  const out: K.LstsqOutputs = {
    solution: allocLike(A.dtype, batch * n * kc),
    residuals: new Float64Array(batch * kc),
    rank: new Int32Array(batch),
    singularValues: withSingularValues ? allocLike(A.dtype, batch * k) : null,
  };
  const wantResiduals = m > n && driver !== "gelsy";
  K.lstsq(matricesOf(Ab.detach()).data, matricesOf(Bb.detach()).data, m, n, kc, batch, driver as K.LstsqDriver, rcond, out, wantResiduals);
  const empty = (dtype = A.dtype): Tensor => fromArray(dtype === int64 ? new BigInt64Array(0) : allocLike(dtype, 0), [0], dtype);
  let solution = wrap(out.solution, [...batchShape, n, kc], A.dtype);
  if (vector) solution = solution.squeeze(-1);
  const fullRank = driver === "gels" || out.rank.every((r) => r === n);
  let residuals = empty();
  if (wantResiduals && fullRank) {
    const r = allocLike(A.dtype, batch * kc);
    r.set(out.residuals);
    residuals = wrap(r, [...batchShape, kc], A.dtype);
  }
  const rank = driver === "gels" ? empty(int64) : fromArray(BigInt64Array.from(out.rank, (r) => BigInt(r)), batchShape, int64);
  const singularValues = out.singularValues ? wrap(out.singularValues, [...batchShape, k], A.dtype) : empty();
  record("LinalgLstsqBackward0", [A, B], solution, ([g]) => {
    // PyTorch's formula: through pinv(A), whatever the driver and rcond.
    const gX = vector ? g!.unsqueeze(-1) : g!;
    const pinvA = pinv(A);
    const gA = pinvBackward(matmul(gX, Bm.mT), pinvA, A);
    let gB = matmul(pinvA.mT, gX);
    if (vector) gB = gB.squeeze(-1);
    return [sumToShape(gA, A.shape), sumToShape(gB, B.shape)];
  }, [A, B]);
  return namedTuple(["solution", "residuals", "rank", "singularValues"], [solution, residuals, rank, singularValues]);
}
