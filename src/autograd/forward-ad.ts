// torch.autograd.forward_ad: dual tensors for forward-mode AD. Inside a dual level, makeDual(x, t)
// gives x a tangent t; every op on it computes its output's tangent (J·t) along with its value,
// and unpackDual(y) reads it. The user opens one level at a time, as in PyTorch (which refuses a
// nested dual_level); torch.func's forward transforms open theirs inside any other (forward-grad.ts).

import { runScoped } from "../core/scope.js";
import { Tensor } from "../core/tensor.js";
import { pythonType } from "../func/pytree.js";
import { atLevel, clearTangent, closeLevel, dualLevelNow, isUserLevel, openLevel, setTangent, tangentAt } from "./forward-grad.js";

export interface LevelOption { level?: number | null }

/**
 * torch.autograd.forward_ad.enter_dual_level(): opens the dual level and returns it (0); refused
 * while another level is open (a user's or a torch.func transform's), as PyTorch's.
 */
export function enterDualLevel(): number {
  return openLevel(true);
}

/** torch.autograd.forward_ad.exit_dual_level(*, level=None): closes the level; its tangents vanish. */
export function exitDualLevel(options: LevelOption = {}): void {
  const now = dualLevelNow();
  const level = options.level ?? now;
  if (level < 0) throw new Error("Dual level must be a positive number.");
  // A transform's level is the transform's to exit.
  if (level !== now || !isUserLevel(level)) throw new Error("Trying to exit a forward AD level that was not the last one that was created. This is not supported.");
  closeLevel(level);
}

/**
 * torch.autograd.forward_ad.dual_level as a scope: runs fn(level) inside a new dual level and
 * exits it when fn returns or throws (or, for a promise, when it settles).
 */
export function dualLevel<T>(fn: (level: number) => T): T {
  const level = enterDualLevel();
  return runScoped(() => fn(level), () => exitDualLevel({ level }));
}


function checkTensor(op: string, name: string, position: number, v: unknown): asserts v is Tensor {
  if (!(v instanceof Tensor)) throw new TypeError(`${op}(): argument '${name}' (position ${position}) must be Tensor, not ${pythonType(v).slice(8, -2)}`);
}

/**
 * torch.autograd.forward_ad.make_dual(tensor, tangent, *, level=None): a new tensor aliasing
 * `tensor` (a view: backward-differentiable to it) whose tangent is `tangent`, kept as is when it
 * has tensor's layout and copied into that layout otherwise.
 */
export function makeDual(tensor: Tensor, tangent: Tensor, options: LevelOption = {}): Tensor {
  const level = options.level ?? dualLevelNow();
  if (level < 0) throw new Error("Trying to create a dual Tensor for forward AD but no level exists, make sure to enter_dual_level() first.");
  checkTensor("make_dual", "tensor", 1, tensor);
  checkTensor("make_dual", "tangent", 2, tangent);
  if (!tensor.dtype.isDifferentiable) throw new Error(`Expected primal to be floating point or complex, but got: ${tensor.dtype}`);
  if (!tangent.dtype.isDifferentiable) throw new Error(`Expected tangent to be floating point or complex, but got: ${tangent.dtype}`);
  // Only the innermost level takes new tangents (PyTorch has one level: 0).
  if (level !== dualLevelNow()) throw new Error("Invalid level given to _make_dual");
  if (tangentAt(tangent, level)) throw new Error(`Setting a forward grad that itself has a forward gradient at the same level ${level} is not supported.`);
  if (tangentAt(tensor, level)) throw new Error(`Making a dual Tensor based on a Tensor that already has a forward gradient at the same level ${level} is not supported.`);
  if (tensor.shape.join() !== tangent.shape.join()) {
    throw new Error(`Trying to set a forward gradient that has a different size than that of the original Tensor, this is not supported. Tensor is of size [${tensor.shape.join(", ")}] while the given forward gradient is of size [${tangent.shape.join(", ")}].`);
  }
  // The view keeps the tangents tensor has at the levels outside this one.
  const dual = atLevel(level, () => tensor.view(tensor.shape));
  setTangent(dual, tangent, level);
  return dual;
}

/**
 * torch.autograd.forward_ad.UnpackedDualTensor: the namedtuple (primal, tangent) unpackDual
 * returns; also indexable ([0], [1]) and iterable (`const [p, t] = unpackDual(y)`).
 */
export class UnpackedDualTensor {
  readonly length = 2;
  readonly 0: Tensor;
  readonly 1: Tensor | null;
  constructor(readonly primal: Tensor, readonly tangent: Tensor | null) {
    this[0] = primal;
    this[1] = tangent;
  }
  *[Symbol.iterator](): IterableIterator<Tensor | null> {
    yield this.primal;
    yield this.tangent;
  }
  toString(): string { return `UnpackedDualTensor(primal=${this.primal}, tangent=${this.tangent ?? "None"})`; }
  [Symbol.for("nodejs.util.inspect.custom")](): string { return this.toString(); }
}

/**
 * torch.autograd.forward_ad.unpack_dual(tensor, *, level=None): [primal, tangent] as an
 * UnpackedDualTensor. Inside a level the primal is a view of tensor without the tangent
 * (backward-differentiable; it keeps those of outer levels); the tangent is null where tensor has
 * none. Outside (or at a level not open), [tensor, null].
 */
export function unpackDual(tensor: Tensor, options: LevelOption = {}): UnpackedDualTensor {
  const level = options.level ?? dualLevelNow();
  // No tangent at a level that is not open, as PyTorch's.
  if (level < 0 || level > dualLevelNow()) return new UnpackedDualTensor(tensor, null);
  checkTensor("_unpack_dual", "dual", 1, tensor);
  const tangent = tangentAt(tensor, level);
  const primal = atLevel(level, () => tensor.view(tensor.shape));
  clearTangent(primal, level);
  return new UnpackedDualTensor(primal, tangent);
}
