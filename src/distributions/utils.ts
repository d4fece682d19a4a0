// Helpers shared by the distributions (PyTorch's torch/distributions/utils.py): argument binding,
// broadcast_all, probs <-> logits, Python's formatting of values in error messages.

import { Tensor } from "../core/tensor.js";
import { getDefaultDtype, type DType } from "../core/dtype.js";
import { finfo } from "../core/type-info.js";
import { tensor, empty, zeros } from "../ops/creation.js";
import { indexCopy, indexSelect } from "../ops/indexing-index.js";
import { broadcastTensors } from "../ops/shape-join.js";
import { softmax } from "../ops/activation.js";
import { isOptionsObject } from "../ops/args.js";
import { pyFloat } from "../nn/modules/utils.js";

/** A parameter as PyTorch takes it: a tensor or a Python number. */
export type TensorLike = Tensor | number;

/** Euler–Mascheroni constant (utils.euler_constant). */
export const EULER_CONSTANT = 0.5772156649015329;

/**
 * Binds a constructor's arguments given positionally (PyTorch's order) or in one trailing options
 * object (API.md rule 2), refusing unknown options and duplicates as Python does.
 */
export function bindParams(cls: string, args: readonly unknown[], names: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  let positional = args;
  const last = args[args.length - 1];
  if (args.length > 0 && isOptionsObject(last)) {
    positional = args.slice(0, -1);
    for (const [k, v] of Object.entries(last)) {
      if (!names.includes(k)) throw new TypeError(`${cls}.__init__() got an unexpected keyword argument '${k}'`);
      out[k] = v;
    }
  }
  if (positional.length > names.length) {
    throw new TypeError(`${cls}.__init__() takes from 1 to ${names.length + 1} positional arguments but ${positional.length + 1} were given`);
  }
  positional.forEach((v, i) => {
    const name = names[i]!;
    if (name in out) throw new TypeError(`${cls}.__init__() got multiple values for argument '${name}'`);
    out[name] = v;
  });
  for (const k of Object.keys(out)) if (out[k] === undefined) delete out[k];
  return out;
}

/** The validate_args option of a bound constructor call (null: the class default). */
export function validateArgsOf(p: Record<string, unknown>): boolean | null {
  const v = p.validateArgs;
  if (v === undefined || v === null) return null;
  if (typeof v !== "boolean") throw new TypeError(`validateArgs must be a boolean, got ${typeof v}`);
  return v;
}

/**
 * broadcast_all: numbers become tensors of the first tensor's dtype (the default dtype if none), then
 * all broadcast together.
 */
export function broadcastAll(...values: unknown[]): Tensor[] {
  for (const v of values) {
    if (!(v instanceof Tensor) && typeof v !== "number") {
      throw new Error("Input arguments must all be instances of numbers.Number, torch.Tensor or objects implementing __torch_function__.");
    }
  }
  const first = values.find((v): v is Tensor => v instanceof Tensor);
  const dtype: DType = first?.dtype ?? getDefaultDtype();
  const tensors = values.map((v) => (v instanceof Tensor ? v : tensor(v as number, { dtype, device: first?.device })));
  return broadcastTensors(...tensors);
}

/** A tensor of the given dtype for a number argument (a tensor passes through). */
export function asTensor(v: TensorLike, like?: Tensor): Tensor {
  return v instanceof Tensor ? v : tensor(v, { dtype: like?.dtype ?? getDefaultDtype() });
}

/** _standard_normal: torch.empty(shape).normal_(). */
export function standardNormal(shape: readonly number[], dtype: DType): Tensor {
  return empty([...shape], { dtype }).normal_();
}

/** _sum_rightmost: sums the `dim` rightmost dimensions. */
export function sumRightmost(value: Tensor, dim: number): Tensor {
  if (dim === 0) return value;
  return value.reshape([...value.shape.slice(0, value.dim() - dim), -1]).sum(-1);
}

/** clamp_probs: probabilities kept within [eps, 1 - eps] of their dtype. */
export function clampProbs(probs: Tensor): Tensor {
  const eps = finfo(probs.dtype).eps;
  return probs.clamp(eps, 1 - eps);
}

/** logits_to_probs: a sigmoid for binary logits, a softmax over the last dim otherwise. */
export function logitsToProbs(logits: Tensor, isBinary = false): Tensor {
  return isBinary ? logits.sigmoid() : softmax(logits, -1);
}

/** probs_to_logits: log-odds for binary probabilities, log-probabilities otherwise (clamped first). */
export function probsToLogits(probs: Tensor, isBinary = false): Tensor {
  const clamped = clampProbs(probs);
  return isBinary ? clamped.log().sub(clamped.neg().log1p()) : clamped.log();
}

/** Python's `tuple(shape)`. */
export function pyTuple(shape: readonly number[]): string {
  return shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(", ")})`;
}

/** Python's `torch.Size([...])`. */
export function pySize(shape: readonly number[]): string {
  return `torch.Size([${shape.join(", ")}])`;
}

/** f"{t}": a 0-d tensor formats as its Python item, any other as its repr. */
export function pyFormat(t: Tensor): string {
  if (t.dim() !== 0) return t.toString();
  const v = t.item();
  if (typeof v === "boolean") return v ? "True" : "False";
  if (typeof v === "bigint") return String(v);
  if (typeof v === "number") return t.dtype.isFloatingPoint ? pyFloat(v) : String(v);
  return t.toString();
}

/** A bound as a constraint's repr prints it: numbers as Python floats (or ints), tensors by f-string. */
export function pyBound(v: TensorLike, integer = false): string {
  if (v instanceof Tensor) return pyFormat(v);
  return integer && Number.isInteger(v) ? String(v) : pyFloat(v);
}

/** Whether two shapes are equal. */
export function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

/** PyTorch's name of a parameter: camelCase back to snake_case (scaleTril -> scale_tril). */
export function snakeCase(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

/**
 * The `probs`/`logits` pair of PyTorch's discrete families: exactly one must be given (PyTorch's
 * error otherwise); returns it and which one it is.
 */
export function probsOrLogits(p: Record<string, unknown>): { raw: unknown; isProbs: boolean } {
  const probs = p.probs ?? null, logits = p.logits ?? null;
  if ((probs === null) === (logits === null)) throw new Error("Either `probs` or `logits` must be specified, but not both.");
  return probs !== null ? { raw: probs, isProbs: true } : { raw: logits, isProbs: false };
}

/** Flat row-major positions of the entries on or below diagonal `diag` of an n x n matrix (PyTorch's tril_mask). */
function trilPositions(n: number, diag: number): Tensor {
  const positions: number[] = [];
  for (let i = 0; i < n; i++) for (let j = 0; j < n && j <= i + diag; j++) positions.push(i * n + j);
  return tensor(positions, { dtype: "int64" });
}

/** tril_matrix_to_vec: the entries on or below diagonal `diag` of (batched) square matrices, row by row. */
export function trilMatrixToVec(mat: Tensor, diag = 0): Tensor {
  const n = mat.size(-1);
  if (diag < -n || diag >= n) throw new Error(`diag (${diag}) provided is outside [${-n}, ${n - 1}].`);
  return indexSelect(mat.reshape([...mat.shape.slice(0, -2), n * n]), -1, trilPositions(n, diag));
}

/** vec_to_tril_matrix: (batched) vectors laid row by row on and below diagonal `diag` of zero square matrices. */
export function vecToTrilMatrix(vec: Tensor, diag = 0): Tensor {
  const len = vec.size(-1);
  // The positive root of D^2 + (1 + 2 diag) D - |diag| (diag + 1) - 2 len = 0.
  const n = (-(1 + 2 * diag) + Math.sqrt((1 + 2 * diag) ** 2 + 8 * len + 4 * Math.abs(diag) * (diag + 1))) / 2;
  const size = Math.round(n);
  const positions = trilPositions(size, diag);
  if (size - n > finfo(vec.dtype).eps || positions.size(0) !== len) {
    throw new Error(`The size of last dimension is ${len} which cannot be expressed as the lower triangular part of a square D x D matrix.`);
  }
  const flat = zeros([...vec.shape.slice(0, -1), size * size], { dtype: vec.dtype });
  return indexCopy(flat, -1, positions, vec).view([...vec.shape.slice(0, -1), size, size]);
}

/**
 * The elementwise probs or logits of Bernoulli-like families (Bernoulli, LogitRelaxedBernoulli,
 * Geometric): exactly one given, broadcast to a tensor (a number becomes 0-d); its shape is the batch shape.
 */
export function elementwiseProbsOrLogits(p: Record<string, unknown>): { probs: Tensor | undefined; logits: Tensor | undefined; batchShape: number[] } {
  const { raw, isProbs } = probsOrLogits(p);
  const [param] = broadcastAll(raw) as [Tensor];
  return { probs: isProbs ? param : undefined, logits: isProbs ? undefined : param, batchShape: param.shape };
}
