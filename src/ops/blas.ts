// Matrix products: mm, bmm, matmul (batch broadcasting), mv, dot, outer, addmm & co, einsum,
// tensordot, kron, trace, cross, cdist.

import { isNested } from "../core/nested-kind.js";
import { nestedBmm, nestedMatmul } from "./nested-ops.js";
import { isNamed, namedRefusal } from "./named-engine.js";
import { namesMode } from "./named-engine.js";
import { eitherNamed, namedMatmul } from "./named-rules.js";
import { forwardGrads } from "../autograd/forward-grad.js";
import { isSparse } from "../core/sparse-tensor.js";
import { sparseAddmmDense, sparseMatmul } from "./sparse-dispatch.js";
import { isCompressed } from "../core/sparse-compressed-tensor.js";
import { backendRefusal } from "../core/op-name.js";
import { compressedMatmul, refuseCompressedBatchProduct } from "./sparse-compressed-products.js";
import { sparseBmm } from "./sparse-bmm.js";
import { autocasting } from "../amp/state.js";
import { autocasts, runAutocast } from "../amp/hook.js";
import { Tensor } from "../core/tensor.js";
import { int64 } from "../core/dtype.js";
import { broadcastShapes, numel, normalizeDim, shapeStr } from "../core/shape.js";
import { record, sumToShape } from "../autograd/record.js";
import { traceOp, tracing } from "../onnx/hook.js";
import { type Args, bindArgs, installMethods, type Method, checkTensor, checkArgs, describe, isOptionsObject, rebind, type Rebound } from "./args.js";
import { emptyTensor, uninitTensor, toNumbers, writeNumbers } from "./engine.js";
import { kernels, type FloatArray } from "../backends/kernels.js";
import { tensor } from "./creation.js";
import { deviceOp, onDevice } from "./device-hooks.js";
import { kernelTypeName, notImplementedFor, pyType, requireTensor } from "./pointwise-util.js";

import { unsafeView } from "./unsafe-view.js";
import { shouldFold } from "./matmul-fold.js";
import { outCall, type OutOption, writeOut, hasOut, withOut } from "./out.js";
import { complexBmm } from "./complex-matmul.js";
import { hasConjBit } from "../core/lazy-storage.js";
import { anyBatched, batching, isBatched } from "../func/batched-tensor.js";
import { matmulRule, mmRule } from "../func/batching-rules.js";
const TYPE_NAMES: Record<string, string> = {
  float32: "float", float64: "double", float16: "c10::Half", bfloat16: "c10::BFloat16", int8: "signed char",
  uint8: "unsigned char", int16: "short", int32: "int", int64: "long int", bool: "bool",
  complex64: "c10::complex<float>", complex128: "c10::complex<double>",
};

/** The adjoint's conjugation in a product's gradient (PyTorch's mm backward: grad @ mat2^H). */
const conjIfComplex = (t: Tensor): Tensor => (t.dtype.isComplex ? t.conj() : t);

/** PyTorch's CPU matrix-product kernels take every dtype but bool; `kernel` is the name its error gives. */
function refuseBool(kernel: string, t: Tensor): void {
  if (t.dtype.name === "bool") throw notImplementedFor(kernel, t.dtype);
}

function checkSameDtype(op: string, a: Tensor, b: Tensor): void {
  if (a.dtype !== b.dtype) {
    throw new Error(`${op}: expected m1 and m2 to have the same dtype, but got: ${TYPE_NAMES[a.dtype.name]} != ${TYPE_NAMES[b.dtype.name]}`);
  }
}

/**
 * out[i] = alpha * a[i] @ b[i] + beta * out[i] for float32/float64 CPU operands a [B, M, K], b
 * [B, K, N] read through their strides, out a fresh contiguous [B, M, N] (beta = 0 ignores it).
 */
function gemmBatches(a: Tensor, b: Tensor, out: Tensor, alpha: number, beta: number): void {
  const [B, M, K] = a._shape as [number, number, number];
  const N = b._shape[2]!;
  if (M === 0 || N === 0) return;
  const A = a.storage.data as FloatArray, Bd = b.storage.data as FloatArray, C = out.storage.data as FloatArray;
  const [as0, as1, as2] = a._strides as [number, number, number];
  const [bs0, bs1, bs2] = b._strides as [number, number, number];
  for (let i = 0; i < B; i++) {
    kernels.gemm(M, N, K, alpha, A, a._offset + i * as0, as1, as2, Bd, b._offset + i * bs0, bs1, bs2, beta, C, i * M * N, N);
  }
}

/**
 * out[b] = a[b] @ b[b] for 3-d operands with equal batch (no autograd). Reads strided operands
 * directly (transposes cost nothing); float32/float64 through the GEMM kernel.
 */
export function bmmKernel(a: Tensor, b: Tensor): Tensor {
  if (onDevice(a, b)) return deviceOp("bmm", "matmul")(a, b);
  if (a.dtype.isComplex) return complexBmm(a, b, bmmKernel);
  const [B, M, K] = a._shape as [number, number, number];
  const N = b._shape[2]!;
  const name = a.dtype.name;
  const float = name === "float32" || name === "float64";
  // Written in full by the GEMM (beta = 0) or writeNumbers.
  const out = float ? uninitTensor([B, M, N], a.dtype) : emptyTensor([B, M, N], a.dtype);
  if (M === 0 || N === 0 || B === 0) return out;
  if (float) {
    gemmBatches(a, b, out, 1, 0);
    return out;
  }
  // Other dtypes: through float64 numbers (exact for values below 2^53); int64 whose products
  // could pass 2^53 in BigInt, wrapping at 2^63 as PyTorch's int64 arithmetic does.
  const A = toNumbers(a.contiguous()), Bd = toNumbers(b.contiguous());
  if (a.dtype === int64 && !productsExact(A, Bd, K)) return bigBmm(a, b, out);
  const C = new Float64Array(B * M * N);
  for (let i = 0; i < B; i++) {
    for (let r = 0; r < M; r++) for (let k = 0; k < K; k++) {
      const av = A[i * M * K + r * K + k]!;
      for (let c = 0; c < N; c++) C[i * M * N + r * N + c]! += av * Bd[i * K * N + k * N + c]!;
    }
  }
  if (a.dtype.name === "bool") for (let i = 0; i < C.length; i++) C[i] = C[i] ? 1 : 0;
  writeNumbers(out, C);
  return out;
}

/** Whether every sum of K products of A's and B's values stays exact in doubles (below 2^53). */
function productsExact(A: ArrayLike<number>, B: ArrayLike<number>, K: number): boolean {
  let ma = 0, mb = 0;
  for (let i = 0; i < A.length; i++) ma = Math.max(ma, Math.abs(A[i]!));
  for (let i = 0; i < B.length; i++) mb = Math.max(mb, Math.abs(B[i]!));
  // 2^52: room for the rounding of this bound itself (the values read are already rounded).
  return ma * mb * Math.max(K, 1) < 2 ** 52;
}

/** bmm of int64 [B, M, K] @ [B, K, N] in BigInt into out (contiguous [B, M, N]). */
function bigBmm(a: Tensor, b: Tensor, out: Tensor): Tensor {
  const [B, M, K] = a._shape as [number, number, number];
  const N = b._shape[2]!;
  const ac = a.contiguous(), bc = b.contiguous();
  const A = (ac.storage.data as BigInt64Array).subarray(ac._offset), Bd = (bc.storage.data as BigInt64Array).subarray(bc._offset);
  const C = out.storage.data as BigInt64Array;
  for (let i = 0; i < B; i++) {
    for (let r = 0; r < M; r++) for (let c = 0; c < N; c++) {
      let acc = 0n;
      for (let k = 0; k < K; k++) acc += A[i * M * K + r * K + k]! * Bd[i * K * N + k * N + c]!;
      C[i * M * N + r * N + c] = BigInt.asIntN(64, acc);
    }
  }
  return out;
}

/**
 * a @ b for checked 2-d operands (no autograd). float32/float64 CPU tensors go straight to the
 * GEMM kernel with their own strides: no views are made, which is most of a small product's
 * cost outside the kernel.
 */
function mmKernel(a: Tensor, b: Tensor): Tensor {
  const name = a.dtype.name;
  if ((name !== "float32" && name !== "float64") || onDevice(a, b)) {
    return bmmKernel(a.detach().unsqueeze(0), b.detach().unsqueeze(0)).squeeze(0).detach();
  }
  const [M, K] = a._shape as [number, number];
  const N = b._shape[1]!;
  // Written in full by the GEMM (beta = 0, also when K = 0).
  const out = uninitTensor([M, N], a.dtype);
  if (M > 0 && N > 0) {
    kernels.gemm(M, N, K, 1, a.storage.data as FloatArray, a._offset, a._strides[0]!, a._strides[1]!,
      b.storage.data as FloatArray, b._offset, b._strides[0]!, b._strides[1]!, 0, out.storage.data as FloatArray, 0, N);
  }
  return out;
}

export function mm(input: Tensor, mat2: Tensor, options?: OutOption): Tensor;
export function mm<A extends Rebound<[input: Tensor, mat2: Tensor], ["input", "mat2"], OutOption>>(...args: A): Tensor;
export function mm(input: Tensor, mat2: Tensor, options?: OutOption): Tensor {
  if (autocasting.on && autocasts("mm", arguments)) return runAutocast(mm, arguments);
  if (arguments.length > 2) return outCall("mm", arguments, 2, () => mm(input, mat2), "same"); else if (isOptionsObject(arguments.length === 2 ? mat2 : input)) return rebind(mm, "mm", arguments, ["input", "mat2"], 2, ["out"]);
  if (!(input instanceof Tensor)) requireTensor("mm", "input", 1, input);
  if (!(mat2 instanceof Tensor)) requireTensor("mm", "mat2", 2, mat2);
  if (batching.on && (isBatched(input) || isBatched(mat2))) return mmRule(input, mat2, 2, matmul);
  if (eitherNamed(input, mat2)) return namedMatmul(input, mat2, () => mm(input, mat2));
  checkTensor("mm", "input", input);
  checkTensor("mm", "mat2", mat2);
  if (isCompressed(input) || isCompressed(mat2)) return compressedMatmul("mm", null, input, mat2);
  if (isSparse(input) || isSparse(mat2)) return sparseMatmul("mm", input, mat2);
  if (input.dim() !== 2) throw new Error(`mm: self must be a matrix`);
  if (mat2.dim() !== 2) throw new Error(`mm: mat2 must be a matrix`);
  if (input._shape[1] !== mat2._shape[0]) {
    throw new Error(`mat1 and mat2 shapes cannot be multiplied (${input._shape[0]}x${input._shape[1]} and ${mat2._shape[0]}x${mat2._shape[1]})`);
  }
  checkSameDtype("mm", input, mat2);
  refuseBool("addmm_impl_cpu_", input);
  const out = mmKernel(input, mat2);
  return record("MmBackward0", [input, mat2], out, ([g]) => [
    input._requiresGrad ? g!.mm(conjIfComplex(mat2.t())) : null,
    mat2._requiresGrad ? conjIfComplex(input.t()).mm(g!) : null,
  ], [input, mat2], forwardGrads.on ? ([ta, tb]) => [productJvp(ta, tb, input, mat2, mm)] : undefined);
}

/** The tangent of a product a·b: ta·b + a·tb (either tangent may be missing). */
function productJvp(ta: Tensor | null, tb: Tensor | null, a: Tensor, b: Tensor, prod: (x: Tensor, y: Tensor) => Tensor): Tensor {
  const left = ta ? prod(ta, b) : null, right = tb ? prod(a, tb) : null;
  return left && right ? left.add(right) : (left ?? right)!;
}

export function bmm(input: Tensor, mat2: Tensor, options?: OutOption): Tensor;
export function bmm<A extends Rebound<[input: Tensor, mat2: Tensor], ["input", "mat2"], OutOption>>(...args: A): Tensor;
export function bmm(input: Tensor, mat2: Tensor, options?: OutOption): Tensor {
  if (autocasting.on && autocasts("bmm", arguments)) return runAutocast(bmm, arguments);
  if (arguments.length > 2) return outCall("bmm", arguments, 2, () => bmm(input, mat2), "same"); else if (isOptionsObject(arguments.length === 2 ? mat2 : input)) return rebind(bmm, "bmm", arguments, ["input", "mat2"], 2, ["out"]);
  if (!(input instanceof Tensor)) requireTensor("bmm", "input", 1, input);
  if (!(mat2 instanceof Tensor)) requireTensor("bmm", "mat2", 2, mat2);
  if (batching.on && (isBatched(input) || isBatched(mat2))) return mmRule(input, mat2, 3, matmul);
  if (isNested(input) || isNested(mat2)) return nestedBmm(input, mat2);
  if (eitherNamed(input, mat2)) return namedMatmul(input, mat2, () => bmm(input, mat2));
  checkTensor("bmm", "input", input);
  checkTensor("bmm", "mat2", mat2);
  if (isCompressed(input) || isCompressed(mat2)) refuseCompressedBatchProduct("bmm", null, input, mat2);
  if (isSparse(input) || isSparse(mat2)) return sparseBmm(input, mat2);
  if (input.dim() !== 3) throw new Error(`batch1 must be a 3D tensor`);
  if (mat2.dim() !== 3) throw new Error(`batch2 must be a 3D tensor`);
  const [B, M, K] = input._shape as [number, number, number];
  if (mat2._shape[0] !== B || mat2._shape[1] !== K) {
    throw new Error(`Expected size for first two dimensions of batch2 tensor to be: [${B}, ${K}] but got: [${mat2._shape[0]}, ${mat2._shape[1]}].`);
  }
  void M;
  checkSameDtype("bmm", input, mat2);
  refuseBool("bmm", input);
  const out = bmmKernel(input.detach(), mat2.detach());
  return record("BmmBackward0", [input, mat2], out, ([g]) => [
    input._requiresGrad ? g!.bmm(conjIfComplex(mat2.transpose(1, 2))) : null,
    mat2._requiresGrad ? conjIfComplex(input.transpose(1, 2)).bmm(g!) : null,
  ], [input, mat2]);
}

export function dot(input: Tensor, other: Tensor, options?: OutOption): Tensor;
export function dot<A extends Rebound<[input: Tensor, other: Tensor], ["input", "tensor"], OutOption>>(...args: A): Tensor;
export function dot(input: Tensor, other: Tensor, options?: OutOption): Tensor {
  if (autocasting.on && autocasts("dot", arguments)) return runAutocast(dot, arguments);
  if (arguments.length > 2) return outCall("dot", arguments, 2, () => dot(input, other), "same"); else if (isOptionsObject(arguments.length === 2 ? other : input)) return rebind(dot, "dot", arguments, ["input", "tensor"], 2, ["out"]);
  if (!(input instanceof Tensor)) requireTensor("dot", "input", 1, input);
  if (!(other instanceof Tensor)) requireTensor("dot", "tensor", 2, other);
  if (eitherNamed(input, other)) return namedMatmul(input, other, () => dot(input, other));
  if (input.dim() !== 1 || other.dim() !== 1) {
    throw new Error(`1D tensors expected, but got ${input.dim()}D and ${other.dim()}D tensors`);
  }
  if (input.numel() !== other.numel()) {
    throw new Error(`inconsistent tensor size, expected tensor [${input.numel()}] and src [${other.numel()}] to have the same number of elements, but got ${input.numel()} and ${other.numel()} elements respectively`);
  }
  checkSameDtype("dot", input, other);
  if (batching.on && (isBatched(input) || isBatched(other))) return matmulRule(input, other, matmul);
  refuseBool("dot", input);
  // Two conjugate views: the conjugate view of their physical values' dot, as PyTorch's.
  const bothConj = hasConjBit(input) && hasConjBit(other);
  const [a, b] = bothConj ? [input.detach().conj(), other.detach().conj()] : [input.detach(), other.detach()];
  const product = bmmKernel(a.view(1, 1, -1), b.view(1, -1, 1)).reshape([]).detach();
  const out = bothConj ? product.conj() : product;
  return record("DotBackward0", [input, other], out, ([g]) => [
    input._requiresGrad ? conjIfComplex(other).mul(g!) : null,
    other._requiresGrad ? conjIfComplex(input).mul(g!) : null,
  ], [input, other]);
}
export const inner1d = dot;

export function vdot(input: Tensor, other: Tensor, options?: OutOption): Tensor;
export function vdot<A extends Rebound<[input: Tensor, other: Tensor], ["input", "other"], OutOption>>(...args: A): Tensor;
export function vdot(input: Tensor, other: Tensor, options?: OutOption): Tensor {
  if (autocasting.on && autocasts("vdot", arguments)) return runAutocast(vdot, arguments);
  if (arguments.length > 2) return outCall("vdot", arguments, 2, () => vdot(input, other), "same"); else if (isOptionsObject(arguments.length === 2 ? other : input)) return rebind(vdot, "vdot", arguments, ["input", "other"], 2, ["out"]);
  // vdot conjugates its first operand (the identity on real tensors).
  return dot(input.dtype.isComplex ? input.conj() : input, other);
}

export function mv(input: Tensor, vec: Tensor, options?: OutOption): Tensor;
export function mv<A extends Rebound<[input: Tensor, vec: Tensor], ["input", "vec"], OutOption>>(...args: A): Tensor;
export function mv(input: Tensor, vec: Tensor, options?: OutOption): Tensor {
  if (autocasting.on && autocasts("mv", arguments)) return runAutocast(mv, arguments);
  if (arguments.length > 2) return outCall("mv", arguments, 2, () => mv(input, vec), "same"); else if (isOptionsObject(arguments.length === 2 ? vec : input)) return rebind(mv, "mv", arguments, ["input", "vec"], 2, ["out"]);
  if (!(input instanceof Tensor)) requireTensor("mv", "input", 1, input);
  if (!(vec instanceof Tensor)) requireTensor("mv", "vec", 2, vec);
  if (eitherNamed(input, vec)) return namedMatmul(input, vec, () => mv(input, vec));
  if (isCompressed(input)) return compressedMatmul("mv", null, input, vec);
  if (isSparse(input) && vec.dim() === 1) return sparseMatmul("mv", input, vec);
  if (input.dim() !== 2 || vec.dim() !== 1) {
    throw new Error(`vector + matrix @ vector expected, got 1, ${input.dim()}, ${vec.dim()}`); // the first is the 1-D result
  }
  if (input._shape[1] !== vec._shape[0]) {
    throw new Error(`size mismatch, got input (${input._shape[0]}), mat (${input._shape[0]}x${input._shape[1]}), vec (${vec._shape[0]})`);
  }
  if (batching.on && (isBatched(input) || isBatched(vec))) return matmulRule(input, vec, matmul);
  refuseBool("addmv_impl_cpu", input);
  // The product through mm's kernels; recorded as one node, as PyTorch's mv.
  const out = unsafeView(mm(input.detach(), vec.detach().unsqueeze(1)), [input._shape[0]!]);
  return record("MvBackward0", [input, vec], out, ([g]) => [
    input._requiresGrad ? outer(g!, conjIfComplex(vec)) : null,
    vec._requiresGrad ? mv(conjIfComplex(input).t(), g!) : null,
  ], [input, vec]);
}

/** torch.matmul: NumPy-style, with broadcast batch dims. */
export function matmul(input: Tensor, other: Tensor, options?: OutOption): Tensor;
export function matmul<A extends Rebound<[input: Tensor, other: Tensor], ["input", "other"], OutOption>>(...args: A): Tensor;
export function matmul(input: Tensor, other: Tensor, options?: OutOption): Tensor {
  if (autocasting.on && autocasts("matmul", arguments)) return runAutocast(matmul, arguments);
  if (arguments.length > 2) return outCall("matmul", arguments, 2, () => matmul(input, other), "same"); else if (isOptionsObject(arguments.length === 2 ? other : input)) return rebind(matmul, "matmul", arguments, ["input", "other"], 2, ["out"]);
  if (!(input instanceof Tensor)) requireTensor("matmul", "input", 1, input);
  if (!(other instanceof Tensor)) requireTensor("matmul", "other", 2, other);
  if (batching.on && (isBatched(input) || isBatched(other))) return matmulRule(input, other, matmul);
  if (isNested(input) || isNested(other)) return nestedMatmul(input, other);
  if (eitherNamed(input, other)) return namedMatmul(input, other, () => matmul(input, other));
  if (isCompressed(input) || isCompressed(other)) return compressedMatmul("matmul", null, input, other);
  if (isSparse(input) || isSparse(other)) return sparseMatmul("matmul", input, other);
  const out = matmulImpl(input, other);
  if (tracing.on) traceOp("matmul", [input, other], out);
  return out;
}

function matmulImpl(input: Tensor, other: Tensor): Tensor {
  checkTensor("matmul", "input", input);
  checkTensor("matmul", "other", other);
  const da = input.dim(), db = other.dim();
  if (da === 0 || db === 0) throw new Error(`both arguments to matmul need to be at least 1D, but they are ${da}D and ${db}D`);
  if (da === 1 && db === 1) return dot(input, other);
  if (da === 2 && db === 1) return mv(input, other);
  // PyTorch squeezes the product in place (squeeze_): no view of it, node SqueezeBackward3.
  if (da === 1 && db === 2) return unsafeView(mm(input.unsqueeze(0), other), [other._shape[1]!], "SqueezeBackward3");
  if (da === 2 && db === 2) return mm(input, other);
  const k = input._shape[da - 1]!, k2 = db > 1 ? other._shape[db - 2]! : other._shape[0]!;
  if (k !== k2) {
    throw new Error(`mat1 and mat2 shapes cannot be multiplied (${da === 1 ? 1 : numel(input._shape.slice(0, -1))}x${k} and ${k2}x${db > 1 ? other._shape[db - 1] : 1})`);
  }
  if (shouldFold(input, db) || shouldFold(other, da)) return foldedMatmul(input, other);
  return batchedMatmul(input, other);
}

/**
 * One mm (or mv) over the folded rows of the 3-d+ operand, as at::matmul records it: a left
 * operand folded directly; a right one transposed first (and the product transposed back).
 */
function foldedMatmul(input: Tensor, other: Tensor): Tensor {
  const da = input.dim(), db = other.dim();
  const transpose = db > da;
  const t1 = transpose ? other.mT : input;
  const t2 = !transpose ? other : da === 2 ? input.t() : input;
  const outShape = t1._shape.slice(0, -1);
  const rows = numel(outShape);
  const folded = t1.reshape(rows, t1._shape[t1.dim() - 1]!);
  if (t2.dim() === 1) return unsafeView(mv(folded, t2), outShape);
  const out = unsafeView(mm(folded, t2), [...outShape, t2._shape[1]!]);
  return transpose ? out.mT.contiguous() : out;
}

/** Broadcast batch dims, each operand expanded and reshaped to 3-d, one bmm, as at::matmul records it. */
function batchedMatmul(input: Tensor, other: Tensor): Tensor {
  const da = input.dim(), db = other.dim();
  const n = da > 1 ? input._shape[da - 2]! : 1, k = input._shape[da - 1]!;
  const p = db > 1 ? other._shape[db - 1]! : 1;
  const batch = broadcastShapes(input._shape.slice(0, Math.max(da - 2, 0)), other._shape.slice(0, Math.max(db - 2, 0)));
  const B = numel(batch);
  const a3 = (da > 1 ? input : input.unsqueeze(0)).expand([...batch, n, k]).reshape(B, n, k);
  const b3 = (db > 1 ? other : other.unsqueeze(1)).expand([...batch, k, p]).reshape(B, k, p);
  const outShape = [...batch];
  if (da > 1) outShape.push(n);
  if (db > 1) outShape.push(p);
  return unsafeView(bmm(a3, b3), outShape);
}

export function outer(input: Tensor, vec2: Tensor, options?: OutOption): Tensor;
export function outer<A extends Rebound<[input: Tensor, vec2: Tensor], ["input", "vec2"], OutOption>>(...args: A): Tensor;
export function outer(input: Tensor, vec2: Tensor, options?: OutOption): Tensor {
  if (arguments.length > 2) return outCall("outer", arguments, 2, () => outer(input, vec2)); else if (isOptionsObject(arguments.length === 2 ? vec2 : input)) return rebind(outer, "outer", arguments, ["input", "vec2"], 2, ["out"]);
  if (!(input instanceof Tensor)) requireTensor("outer", "input", 1, input);
  if (!(vec2 instanceof Tensor)) requireTensor("outer", "vec2", 2, vec2);
  if (input.dim() !== 1 || vec2.dim() !== 1) throw new Error(`outer: expected 1D tensors, got ${input.dim()}D and ${vec2.dim()}D`);
  return input.unsqueeze(1).mul(vec2.unsqueeze(0));
}
export const ger = outer;

interface BetaAlpha { beta?: number; alpha?: number }

/** beta * input + alpha * prod; with beta = 0 the input is ignored (its NaNs do not propagate). */
function scaleAdd(op: string, input: Tensor, prod: Tensor, beta: number, alpha: number): Tensor {
  const shape = broadcastShapes(input.shape, prod.shape);
  if (shape.join() !== prod.shape.join()) {
    throw new Error(`${op}: input of shape ${shapeStr(input.shape)} cannot be broadcast to ${shapeStr(prod.shape)}`);
  }
  // Integer products take beta and alpha converted to their dtype, as PyTorch does (0.5 -> 0).
  // addr refuses fractional ones instead.
  if (!prod.dtype.isFloatingPoint && !prod.dtype.isComplex) {
    if (op === "addr") {
      for (const [name, v] of [["beta", beta], ["alpha", alpha]] as const) {
        if (!Number.isInteger(v)) throw new Error(`For integral input tensors, argument ${name} must not be a floating point number.`);
      }
    }
    beta = Math.trunc(beta); alpha = Math.trunc(alpha);
  }
  const p = alpha === 1 ? prod : prod.mul(alpha);
  if (beta === 0) return p;
  return (beta === 1 ? input : input.mul(beta)).add(p);
}

const BETA_ALPHA_OUT = ["beta", "alpha", "out"];

/** The add* family writes into out with the matmul rule (out's dtype must be the result's). */
function maybeOut(op: string, result: Tensor, out: unknown): Tensor {
  return out === undefined || out === null ? result : writeOut(op, result, out, "same");
}

/**
 * beta * input + alpha * product() (the addmm family), its arguments checked before the product is
 * computed, written into out= when given.
 */
function scaledProduct(op: string, args: IArguments, input: Tensor, options: BetaAlpha & OutOption, product: () => Tensor): Tensor {
  const { beta, alpha, out } = betaAlphaOut(op, args, options);
  return maybeOut(op, scaleAdd(op, input, product(), beta, alpha), out);
}

/** The add* family's options: beta and alpha (numbers, default 1) and out, checked. */
function betaAlphaOut(op: string, args: IArguments, options: BetaAlpha & OutOption): { beta: number; alpha: number; out: unknown } {
  if (args.length > 4) checkArgs(op, args, 3, BETA_ALPHA_OUT);
  const bound = bindArgs(op, [options], [], BETA_ALPHA_OUT);
  const beta = (bound.beta as number | undefined) ?? 1, alpha = (bound.alpha as number | undefined) ?? 1;
  for (const [name, v] of [["beta", beta], ["alpha", alpha]] as const) {
    if (typeof v !== "number") throw new Error(`${op}: ${name} must be a number, got ${describe(v)}`);
  }
  return { beta, alpha, out: bound.out };
}

/**
 * Whether addmm/baddbmm run as one GEMM: all three operands of one float dtype the GEMM kernels
 * take (float32/float64 on the CPU; float32, float16, bfloat16 on a device). Others compose.
 */
function fusable(input: Tensor, a: Tensor, b: Tensor): boolean {
  const d = a.dtype.name;
  if (b.dtype !== a.dtype || input.dtype !== a.dtype) return false;
  if (onDevice(input, a, b)) return d === "float32" || d === "float16" || d === "bfloat16";
  return d === "float32" || d === "float64";
}

const scaled = (t: Tensor, s: number): Tensor => (s === 1 ? t : t.mul(s));

/**
 * addmm / baddbmm as PyTorch computes them: the input broadcast into the result, which one GEMM
 * scales by beta and adds alpha times the product to, each sum rounded once (the composite's
 * product + add rounds twice); beta = 0 ignores the input. a, b: checked [M, K] @ [K, N] or
 * [B, M, K] @ [B, K, N]. Recorded as AddmmBackward0 / BaddbmmBackward0, traced with beta and alpha.
 */
function fusedScaledProduct(op: "addmm" | "baddbmm", args: IArguments, input: Tensor, a: Tensor, b: Tensor, options: BetaAlpha & OutOption): Tensor {
  const { beta, alpha, out: outArg } = betaAlphaOut(op, args, options);
  const batched = op === "baddbmm";
  const shape = batched ? [a._shape[0]!, a._shape[1]!, b._shape[2]!] : [a._shape[0]!, b._shape[1]!];
  input.expand(shape);  // PyTorch's error where the input does not broadcast to the result
  let out: Tensor;
  if (onDevice(input, a, b)) {
    out = deviceOp("scaledProduct", op)(input.detach(), a.detach(), b.detach(), beta, alpha);
  } else {
    out = uninitTensor(shape, a.dtype);
    if (beta !== 0) out.copy_(input.detach());
    const batch = (t: Tensor): Tensor => (batched ? t.detach() : t.detach().unsqueeze(0));
    gemmBatches(batch(a), batch(b), out, alpha, beta);
  }
  const node = batched ? "BaddbmmBackward0" : "AddmmBackward0";
  const tr = (t: Tensor): Tensor => (batched ? t.transpose(1, 2) : t.t());
  const prod = (x: Tensor, y: Tensor): Tensor => (batched ? x.bmm(y) : x.mm(y));
  record(node, [input, a, b], out, ([g]) => [
    input._requiresGrad ? sumToShape(scaled(g!, beta), input.shape) : null,
    a._requiresGrad ? scaled(prod(g!, tr(b)), alpha) : null,
    b._requiresGrad ? scaled(prod(tr(a), g!), alpha) : null,
  ], [a, b], forwardGrads.on ? ([ti, ta, tb]) => {
    const p = ta || tb ? scaled(productJvp(ta, tb, a, b, prod), alpha) : null;
    const i = ti && beta !== 0 ? scaled(ti, beta) : null;
    return [p && i ? p.add(i) : p ?? i];
  } : undefined);
  if (tracing.on) traceOp("scaled_product", [input, a, b], out, { beta, alpha });
  return maybeOut(op, out, outArg);
}

export function addmm(input: Tensor, mat1: Tensor, mat2: Tensor, options?: BetaAlpha & OutOption): Tensor;
export function addmm<A extends Rebound<[input: Tensor, mat1: Tensor, mat2: Tensor], ["input", "mat1", "mat2"], BetaAlpha & OutOption>>(...args: A): Tensor;
export function addmm(input: Tensor, mat1: Tensor, mat2: Tensor, options: BetaAlpha & OutOption = {}): Tensor {
  if (autocasting.on && autocasts("addmm", arguments)) return runAutocast(addmm, arguments);
  if (arguments.length <= 3 && isOptionsObject(arguments.length === 3 ? mat2 : arguments.length === 2 ? mat1 : input)) return rebind(addmm, "addmm", arguments, ["input", "mat1", "mat2"], 3, ["beta", "alpha", "out"]);
  for (const [name, t] of [["input", input], ["mat1", mat1], ["mat2", mat2]] as const) checkTensor("addmm", name, t);
  if (batching.on && anyBatched([input, mat1, mat2]) && options.out == null) return addmmComposite(input, mat1, mat2, options.beta ?? 1, options.alpha ?? 1);
  if ((input._names !== null || eitherNamed(mat1, mat2)) && namesMode.enabled) return namedMatmul(mat1, mat2, () => addmm(input, mat1, mat2, options), input);
  if (isCompressed(mat1) || isCompressed(mat2)) return compressedMatmul("addmm", input, mat1, mat2, options.beta ?? 1, options.alpha ?? 1);
  if (isSparse(mat1)) return sparseAddmmDense(input, mat1, mat2, options.beta ?? 1, options.alpha ?? 1);
  if (mat1.dtype !== mat2.dtype) throw new Error("mat1 and mat2 must have the same dtype");
  if (input.dtype !== mat2.dtype) throw new Error("self and mat2 must have the same dtype");
  if (fusable(input, mat1, mat2)) {
    if (mat1.dim() !== 2) throw new Error(`mat1 must be a matrix, got ${mat1.dim()}-D tensor`);
    if (mat2.dim() !== 2) throw new Error(`mat2 must be a matrix, got ${mat2.dim()}-D tensor`);
    if (mat1._shape[1] !== mat2._shape[0]) {
      throw new Error(`mat1 and mat2 shapes cannot be multiplied (${mat1._shape[0]}x${mat1._shape[1]} and ${mat2._shape[0]}x${mat2._shape[1]})`);
    }
    return fusedScaledProduct("addmm", arguments, input, mat1, mat2, options);
  }
  return scaledProduct("addmm", arguments, input, options, () => mm(mat1, mat2));
}

export function addmv(input: Tensor, mat: Tensor, vec: Tensor, options?: BetaAlpha & OutOption): Tensor;
export function addmv<A extends Rebound<[input: Tensor, mat: Tensor, vec: Tensor], ["input", "mat", "vec"], BetaAlpha & OutOption>>(...args: A): Tensor;
export function addmv(input: Tensor, mat: Tensor, vec: Tensor, options: BetaAlpha & OutOption = {}): Tensor {
  if (autocasting.on && autocasts("addmv", arguments)) return runAutocast(addmv, arguments);
  if (arguments.length <= 3 && isOptionsObject(arguments.length === 3 ? vec : arguments.length === 2 ? mat : input)) return rebind(addmv, "addmv", arguments, ["input", "mat", "vec"], 3, ["beta", "alpha", "out"]);
  return scaledProduct("addmv", arguments, input, options, () => mv(mat, vec));
}

export function addr(input: Tensor, vec1: Tensor, vec2: Tensor, options: BetaAlpha & OutOption = {}): Tensor {
  if (autocasting.on && autocasts("addr", arguments)) return runAutocast(addr, arguments);
  return scaledProduct("addr", arguments, input, options, () => outer(vec1, vec2));
}

export function baddbmm(input: Tensor, batch1: Tensor, batch2: Tensor, options?: BetaAlpha & OutOption): Tensor;
export function baddbmm<A extends Rebound<[input: Tensor, batch1: Tensor, batch2: Tensor], ["input", "batch1", "batch2"], BetaAlpha & OutOption>>(...args: A): Tensor;
export function baddbmm(input: Tensor, batch1: Tensor, batch2: Tensor, options: BetaAlpha & OutOption = {}): Tensor {
  if (autocasting.on && autocasts("baddbmm", arguments)) return runAutocast(baddbmm, arguments);
  if (arguments.length <= 3 && isOptionsObject(arguments.length === 3 ? batch2 : arguments.length === 2 ? batch1 : input)) return rebind(baddbmm, "baddbmm", arguments, ["input", "batch1", "batch2"], 3, ["beta", "alpha", "out"]);
  for (const [name, t] of [["input", input], ["batch1", batch1], ["batch2", batch2]] as const) checkTensor("baddbmm", name, t);
  if (isCompressed(input) || isCompressed(batch1) || isCompressed(batch2)) refuseCompressedBatchProduct("baddbmm", input, batch1, batch2);
  if (isSparse(input) || isSparse(batch1) || isSparse(batch2)) throw backendRefusal("SparseCPU", "baddbmm");
  if (fusable(input, batch1, batch2)) {
    if (batch1.dim() !== 3) throw new Error(`batch1 must be a 3D tensor`);
    if (batch2.dim() !== 3) throw new Error(`batch2 must be a 3D tensor`);
    const [B, , K] = batch1._shape as [number, number, number];
    if (batch2._shape[0] !== B || batch2._shape[1] !== K) {
      throw new Error(`Expected size for first two dimensions of batch2 tensor to be: [${B}, ${K}] but got: [${batch2._shape[0]}, ${batch2._shape[1]}].`);
    }
    return fusedScaledProduct("baddbmm", arguments, input, batch1, batch2, options);
  }
  return scaledProduct("baddbmm", arguments, input, options, () => {
    refuseBool("baddbmm", batch1);
    return bmm(batch1, batch2);
  });
}

export function addbmm(input: Tensor, batch1: Tensor, batch2: Tensor, options?: BetaAlpha & OutOption): Tensor;
export function addbmm<A extends Rebound<[input: Tensor, batch1: Tensor, batch2: Tensor], ["input", "batch1", "batch2"], BetaAlpha & OutOption>>(...args: A): Tensor;
export function addbmm(input: Tensor, batch1: Tensor, batch2: Tensor, options: BetaAlpha & OutOption = {}): Tensor {
  if (autocasting.on && autocasts("addbmm", arguments)) return runAutocast(addbmm, arguments);
  if (arguments.length <= 3 && isOptionsObject(arguments.length === 3 ? batch2 : arguments.length === 2 ? batch1 : input)) return rebind(addbmm, "addbmm", arguments, ["input", "batch1", "batch2"], 3, ["beta", "alpha", "out"]);
  if (isCompressed(batch1) || isCompressed(batch2) || isCompressed(input)) throw backendRefusal("SparseCsrCPU", "addbmm");
  if (isSparse(batch1) || isSparse(batch2) || isSparse(input)) throw backendRefusal("SparseCPU", "addbmm");
  return scaledProduct("addbmm", arguments, input, options, () => bmm(batch1, batch2).sum(0));
}

export function chainMatmul(...matrices: Tensor[]): Tensor {
  if (autocasting.on && autocasts("chain_matmul", arguments)) return runAutocast(chainMatmul, arguments);
  if (matrices.length === 0) throw new Error("chain_matmul(): Expected one or more matrices");
  matrices.forEach((m, i) => {
    if (!(m instanceof Tensor)) throw new Error(`chain_matmul(): expected Tensor as element ${i} in argument 0, but got ${describe(m)}`);
  });
  return matrices.reduce((acc, m) => mm(acc, m));
}

// ---- einsum / tensordot / kron --------------------------------------------------------------

interface Term { letters: string[] }

function parseEinsum(equation: string, operands: Tensor[]): { inputs: Term[]; output: string[] } {
  const eq = equation.replace(/\s+/g, "");
  const [lhs, rhs] = eq.split("->") as [string, string | undefined];
  const terms = lhs.split(",");
  if (terms.length !== operands.length) {
    throw new Error(`einsum(): more operands were provided than specified in the equation`);
  }
  // "..." becomes as many fresh letters as the operand's extra dims (aligned from the right).
  let maxEll = 0;
  const ellLetters = (n: number): string[] => [...Array(n).keys()].map((i) => String.fromCharCode(0x100 + i));
  const inputs: Term[] = terms.map((t, i) => {
    const op = operands[i]!;
    const named = t.replace("...", "").length;
    let letters: string[];
    if (t.includes("...")) {
      const nEll = op.dim() - named;
      if (nEll < 0) throw new Error(`einsum(): the number of subscripts in the equation (${named}) is more than the number of dimensions (${op.dim()}) for operand ${i}`);
      maxEll = Math.max(maxEll, nEll);
      const [before, after] = t.split("...") as [string, string];
      letters = [...before, ...ellLetters(maxEll).slice(maxEll - nEll), ...after];
    } else {
      letters = [...t];
      if (letters.length !== op.dim()) {
        throw new Error(`einsum(): the number of subscripts in the equation (${letters.length}) does not match the number of dimensions (${op.dim()}) for operand ${i}${letters.length < op.dim() ? " and no ellipsis was given" : ""}`);
      }
    }
    for (const l of letters) if (!/[a-zA-Z\u0100-\u01ff]/.test(l)) throw new Error(`einsum(): invalid subscript given at index ${t.indexOf(l)} in the equation string, subscripts must be in [a-zA-Z]`);
    return { letters };
  });
  // Ellipsis letters are aligned from the right: re-derive per operand with the global count.
  inputs.forEach((term, i) => {
    const t = terms[i]!;
    if (!t.includes("...")) return;
    const op = operands[i]!;
    const [before, after] = t.split("...") as [string, string];
    const nEll = op.dim() - before.length - after.length;
    term.letters = [...before, ...ellLetters(maxEll).slice(maxEll - nEll), ...after];
  });
  let output: string[];
  if (rhs !== undefined) {
    const [before, after] = rhs.includes("...") ? (rhs.split("...") as [string, string]) : [rhs, ""];
    output = rhs.includes("...") ? [...before, ...ellLetters(maxEll), ...after] : [...rhs];
  } else {
    const counts = new Map<string, number>();
    for (const term of inputs) for (const l of term.letters) counts.set(l, (counts.get(l) ?? 0) + 1);
    output = [...ellLetters(maxEll), ...[...counts.keys()].filter((l) => counts.get(l) === 1 && l.charCodeAt(0) < 0x100).sort()];
  }
  return { inputs, output };
}

/**
 * (left * right).sum(sumDims, keepdim) through one bmm, as PyTorch's sumproduct_pair: both have
 * the same number of dims (1 where a letter is missing). Dims in both and the output form the
 * batch, dims of one side its rows or columns, the summed dims the inner one; the product is
 * viewed back and permuted to the operands' order of dims.
 */
function sumproductPair(left: Tensor, right: Tensor, sumDims: number[]): Tensor {
  if (!sumDims.length) return left.mul(right);
  const lro: number[] = [], lo: number[] = [], ro: number[] = [];
  let lroSize = 1, loSize = 1, roSize = 1, sumSize = 1;
  for (let i = 0; i < left.dim(); i++) {
    const sl = left._shape[i] !== 1, sr = right._shape[i] !== 1;
    if (sumDims.includes(i)) {
      // A summed dim present on one side only is summed there first.
      if (sl && sr) sumSize *= left._shape[i]!;
      else if (sl) left = left.sum(i, true);
      else if (sr) right = right.sum(i, true);
    } else if (sl && sr) { lro.push(i); lroSize *= left._shape[i]!; }
    else if (sl) { lo.push(i); loSize *= left._shape[i]!; }
    else { ro.push(i); roSize *= right._shape[i]!; }
  }
  const outSize = [...lro.map((d) => left._shape[d]!), ...lo.map((d) => left._shape[d]!), ...sumDims.map(() => 1), ...ro.map((d) => right._shape[d]!)];
  const order = [...lro, ...lo, ...sumDims, ...ro];
  const unpermute: number[] = [];
  order.forEach((d, i) => { unpermute[d] = i; });
  const l = left.permute([...lro, ...lo, ...sumDims, ...ro]).reshape(lroSize, loSize, sumSize);
  const r = right.permute([...lro, ...sumDims, ...ro, ...lo]).reshape(lroSize, sumSize, roSize);
  return bmm(l, r).view(outSize).permute(unpermute);
}

/**
 * einsum on parsed terms, as PyTorch computes it (so its graph is PyTorch's): each operand takes
 * diagonals for repeated letters, gets a size-1 dim for each letter it lacks and is permuted to
 * one order (output letters, then the contracted ones: ellipsis dims, then letters A-Z, a-z);
 * operands are then contracted left to right by sumproductPair, each letter summed out as soon as
 * no later operand has it.
 */
function contractTerms(operands: Tensor[], inputs: Term[], output: string[]): Tensor {
  const seen = new Set(inputs.flatMap((t) => t.letters));
  const isEllipsis = (l: string): boolean => l.charCodeAt(0) >= 0x100;
  const contracted = [...seen].filter((l) => !output.includes(l))
    .sort((a, b) => (isEllipsis(a) === isEllipsis(b) ? a.charCodeAt(0) - b.charCodeAt(0) : isEllipsis(a) ? -1 : 1));
  const place = new Map([...output, ...contracted].map((l, i) => [l, i]));
  const total = place.size, outDims = output.length;
  // How many operands have each dim at a size other than 1: a dim is summed with the last of them.
  const counts = new Array<number>(total).fill(0);
  const ops = operands.map((operand, i) => {
    let op = operand;
    const perm = new Array<number>(total).fill(-1);
    let dim = 0;
    for (const l of inputs[i]!.letters) {
      const p = place.get(l)!;
      if (perm[p] === -1) {
        if (op._shape[dim] !== 1) counts[p]!++;
        perm[p] = dim++;
      } else {
        const prev = perm[p]!;
        op = op.diagonal(0, prev, dim).movedim(-1, prev);
      }
    }
    for (let p = 0; p < total; p++) if (perm[p] === -1) { op = op.unsqueeze(dim); perm[p] = dim++; }
    return op.permute(perm);
  });
  while (ops.length > 1) {
    let a = ops.shift()!, b = ops.shift()!;
    const sumDims: number[] = [], aSums: number[] = [], bSums: number[] = [];
    for (let d = outDims; d < total; d++) {
      if (a._shape[d] !== 1 && b._shape[d] !== 1) {
        if (--counts[d]! === 1) { sumDims.push(d); counts[d] = 0; }
      } else if (counts[d] === 1) {
        if (a._shape[d] !== 1) { aSums.push(d); counts[d] = 0; }
        else if (b._shape[d] !== 1) { bSums.push(d); counts[d] = 0; }
      }
    }
    if (aSums.length) a = a.sum(aSums, true);
    if (bSums.length) b = b.sum(bSums, true);
    ops.unshift(sumproductPair(a, b, sumDims));
  }
  const result = ops[0]!;
  if (total === outDims) return result;
  // Several operands: every contracted dim is 1 by now, viewed away; one operand sums them.
  if (operands.length > 1) return result.view(result._shape.slice(0, outDims));
  return result.sum([...Array(total - outDims).keys()].map((k) => outDims + k));
}

/** torch.einsum(equation, ...operands) (operands also as one array). */
export function einsum(equation: string, ...operands: (Tensor | Tensor[])[]): Tensor {
  if (autocasting.on && autocasts("einsum", arguments)) return runAutocast(einsum, arguments);
  if (typeof equation !== "string") throw new Error(`einsum(): argument 'equation' (position 1) must be str, not ${pyType(equation)}`);
  const ops = (operands.length === 1 && Array.isArray(operands[0]) ? operands[0] : operands) as Tensor[];
  // PyTorch's words for its TensorList argument (the operands are argument 1).
  for (let i = 0; i < ops.length; i++) {
    if (!(ops[i] instanceof Tensor)) throw new Error(`einsum(): expected Tensor as element ${i} in argument 1, but got ${pyType(ops[i])}`);
  }
  const { inputs, output } = parseEinsum(equation, ops);
  // Sizes must agree per letter (1 broadcasts).
  const sizes = new Map<string, number>();
  inputs.forEach((term, i) => term.letters.forEach((l, d) => {
    const s = ops[i]!._shape[d]!;
    const prev = sizes.get(l);
    if (prev !== undefined && prev !== s && prev !== 1 && s !== 1) {
      throw new Error(`einsum(): operands do not broadcast with remapped shapes (original->remapped): subscript '${l}' has size ${prev} for one operand and ${s} for another`);
    }
    if (prev === undefined || prev === 1) sizes.set(l, s);
  }));
  for (const l of output) {
    if (!sizes.has(l)) throw new Error(`einsum(): output subscript ${l} does not appear in the equation for any input operand`);
  }
  inputs.forEach((term, i) => term.letters.forEach((l, d) => {
    const first = term.letters.indexOf(l);
    if (first !== d && ops[i]!._shape[d] !== ops[i]!._shape[first]) {
      throw new Error(`einsum(): subscript ${l} is repeated for operand ${i} but the sizes don't match, ${ops[i]!._shape[d]} != ${ops[i]!._shape[first]}`);
    }
  }));
  return contractTerms(ops, inputs, output);
}

type TensordotDims = number | [number[] | number, number[] | number];

export function tensordot(a: Tensor, b: Tensor, ...args: Args<[dims?: TensordotDims], { dims?: TensordotDims } & OutOption>): Tensor;
export function tensordot<A extends Rebound<[a: Tensor, b: Tensor], ["a", "b"], { dims?: TensordotDims } & OutOption>>(...args: A): Tensor;
export function tensordot(a: Tensor, b: Tensor, ...args: Args<[dims?: TensordotDims], { dims?: TensordotDims } & OutOption>): Tensor {
  if (autocasting.on && autocasts("tensordot", arguments)) return runAutocast(tensordot, arguments);
  if (arguments.length <= 2 && isOptionsObject(arguments.length === 2 ? b : a)) return rebind(tensordot, "tensordot", arguments, ["a", "b", "dims"], 2, ["out"]);
  if (hasOut(args)) return withOut("tensordot", args, (rest) => tensordot(a, b, ...(rest as [never])), "same", false, [a, b]);
  if (!(a instanceof Tensor)) requireTensor("tensordot", "input", 1, a);
  if (!(b instanceof Tensor)) requireTensor("tensordot", "other", 2, b);
  const o = bindArgs("tensordot", args, ["dims"], [], 2);
  const dims = (o.dims as TensordotDims | undefined) ?? 2;
  let da: number[], db: number[];
  if (typeof dims === "number") {
    if (!Number.isInteger(dims)) throw new Error(`tensordot expects dims to be int or Tuple[List[int], List[int]] or List[List[int]] containing two lists, but got dims=${dims}`);
    if (dims < 0) throw new Error(`tensordot expects dims >= 0, but got dims=${dims}`);
    // PyTorch contracts a's dims -dims..-1 with b's 0..dims-1: the first out of range is its error
    // (checked before building the lists, which a dims of 2^31 would make enormous).
    if (dims > a.dim()) normalizeDim(-dims, a.dim());
    if (dims > b.dim()) normalizeDim(dims - 1, b.dim());
    da = [...Array(dims).keys()].map((i) => a.dim() - dims + i);
    db = [...Array(dims).keys()];
  } else {
    da = (Array.isArray(dims[0]) ? dims[0] : [dims[0]]).map((d) => normalizeDim(d, a.dim()));
    db = (Array.isArray(dims[1]) ? dims[1] : [dims[1]]).map((d) => normalizeDim(d, b.dim()));
  }
  if (da.length !== db.length) throw new Error(`both dimension lists should have same length`);
  da.forEach((d, i) => {
    if (a._shape[d] !== b._shape[db[i]!]) throw new Error(`contracted dimensions need to match, but first has size ${a._shape[d]} in dim ${d} and second has size ${b._shape[db[i]!]} in dim ${db[i]}`);
  });
  const freeA = [...Array(a.dim()).keys()].filter((d) => !da.includes(d));
  const freeB = [...Array(b.dim()).keys()].filter((d) => !db.includes(d));
  const K = numel(da.map((d) => a._shape[d]!));
  const am = a.permute([...freeA, ...da]).reshape(-1, K);
  const bm = b.permute([...db, ...freeB]).reshape(K, -1);
  return am.mm(bm).reshape([...freeA.map((d) => a._shape[d]!), ...freeB.map((d) => b._shape[d]!)]);
}

export function kron(input: Tensor, other: Tensor, options?: OutOption): Tensor;
export function kron<A extends Rebound<[input: Tensor, other: Tensor], ["input", "other"], OutOption>>(...args: A): Tensor;
export function kron(input: Tensor, other: Tensor, options?: OutOption): Tensor {
  if (arguments.length > 2) return outCall("kron", arguments, 2, () => kron(input, other)); else if (isOptionsObject(arguments.length === 2 ? other : input)) return rebind(kron, "kron", arguments, ["input", "other"], 2, ["out"]);
  if (!(input instanceof Tensor)) requireTensor("kron", "input", 1, input);
  if (!(other instanceof Tensor)) requireTensor("kron", "other", 2, other);
  const nd = Math.max(input.dim(), other.dim());
  const a = input.reshape([...Array(nd - input.dim()).fill(1), ...input._shape]);
  const b = other.reshape([...Array(nd - other.dim()).fill(1), ...other._shape]);
  const aShape: number[] = [], bShape: number[] = [], outShape: number[] = [];
  for (let i = 0; i < nd; i++) {
    aShape.push(a._shape[i]!, 1);
    bShape.push(1, b._shape[i]!);
    outShape.push(a._shape[i]! * b._shape[i]!);
  }
  return a.reshape(aShape).mul(b.reshape(bShape)).reshape(outShape);
}

export function trace(input: Tensor): Tensor;
export function trace<A extends Rebound<[input: Tensor], ["input"]>>(...args: A): Tensor;
export function trace(input: Tensor): Tensor {
  if (!(input instanceof Tensor) && !isOptionsObject(input)) requireTensor("trace", "input", 1, input);
  if (isNamed(input)) throw namedRefusal("trace");
  if (autocasting.on && autocasts("trace", arguments)) return runAutocast(trace, arguments);
  if (arguments.length > 1) checkArgs("trace", arguments, 1); else if (isOptionsObject(input)) return rebind(trace, "trace", arguments, ["input"], 1, []);
  if (input.dim() !== 2) throw new Error(`trace: expected a matrix, but got tensor with dim ${input.dim()}`);
  refuseBool("trace", input);
  return input.diagonal().sum();
}

export function cross(input: Tensor, other: Tensor, ...args: Args<[dim?: number | null], { dim?: number | null } & OutOption>): Tensor;
export function cross<A extends Rebound<[input: Tensor, other: Tensor], ["input", "other"], { dim?: number | null } & OutOption>>(...args: A): Tensor;
export function cross(input: Tensor, other: Tensor, ...args: Args<[dim?: number | null], { dim?: number | null } & OutOption>): Tensor {
  if (autocasting.on && autocasts("cross", arguments)) return runAutocast(cross, arguments);
  if (arguments.length <= 2 && isOptionsObject(arguments.length === 2 ? other : input)) return rebind(cross, "cross", arguments, ["input", "other", "dim"], 2, ["out"]);
  if (hasOut(args)) return withOut("cross", args, (rest) => cross(input, other, ...(rest as [never])), "same", false, [input, other]);
  if (!(input instanceof Tensor)) requireTensor("cross", "input", 1, input);
  if (!(other instanceof Tensor)) requireTensor("cross", "other", 2, other);
  const o = bindArgs("cross", args, ["dim"], [], 2);
  if (input.dtype.name === "bool" && other.dtype.name === "bool") throw notImplementedFor("cross", input.dtype);
  const shape = broadcastShapes(input.shape, other.shape);
  let d: number;
  if (o.dim === undefined || o.dim === null) {
    d = shape.findIndex((s) => s === 3);
    if (d < 0) throw new Error(`no dimension of size 3 in input`);
  } else d = normalizeDim(o.dim as number, shape.length, "cross");
  if (shape[d] !== 3) throw new Error(`linalg.cross: inputs dimension ${d} must have length 3. Got ${input._shape[d]} and ${other._shape[d]}`);
  // With the vector dim last, a cyclic shift of components is a product with a permutation matrix.
  const a = input.expand(shape).movedim(d, -1), b = other.expand(shape).movedim(d, -1);
  const shift = (k: number) => {
    const m = [[0, 0, 0], [0, 0, 0], [0, 0, 0]];
    for (let j = 0; j < 3; j++) m[(j + k) % 3]![j] = 1;
    return tensor(m, { dtype: a.dtype });
  };
  const s1 = shift(1), s2 = shift(2);
  return a.matmul(s1).mul(b.matmul(s2)).sub(a.matmul(s2).mul(b.matmul(s1))).movedim(-1, d);
}

/** torch.cdist(x1, x2, p=2): pairwise p-norm distances between row sets (batched). */
export function cdist(x1: Tensor, x2: Tensor, ...args: Args<[p?: number], { p?: number; computeMode?: string | null }>): Tensor;
export function cdist<A extends Rebound<[x1: Tensor, x2: Tensor], ["x1", "x2"], { p?: number; computeMode?: string | null }>>(...args: A): Tensor;
export function cdist(x1: Tensor, x2: Tensor, ...args: Args<[p?: number], { p?: number; computeMode?: string | null }>): Tensor {
  if (autocasting.on && autocasts("cdist", arguments)) return runAutocast(cdist, arguments);
  if (arguments.length <= 2 && isOptionsObject(arguments.length === 2 ? x2 : x1)) return rebind(cdist, "cdist", arguments, ["x1", "x2", "p"], 2, ["computeMode"]);
  if (!(x1 instanceof Tensor)) requireTensor("cdist", "x1", 1, x1);
  if (!(x2 instanceof Tensor)) requireTensor("cdist", "x2", 2, x2);
  const o = bindArgs("cdist", args, ["p"], ["computeMode"], 2);
  const p = (o.p as number | undefined) ?? 2;
  if (x1.dim() < 2 || x2.dim() < 2) throw new Error(`cdist only supports at least 2D tensors, X1 got: ${x1.dim()}D`);
  for (const [name, x] of [["X1", x1], ["X2", x2]] as const) {
    if (!x.dtype.isFloatingPoint) throw new Error(`cdist only supports floating-point dtypes, ${name} got: ${kernelTypeName(x.dtype)}`);
  }
  if (x1._shape[x1.dim() - 1] !== x2._shape[x2.dim() - 1]) {
    throw new Error(`X1 and X2 must have the same number of columns. X1: ${x1._shape[x1.dim() - 1]} X2: ${x2._shape[x2.dim() - 1]}`);
  }
  const diff = x1.unsqueeze(-2).sub(x2.unsqueeze(-3)).abs();
  if (p === 0) return diff.ne(0).to(x1.dtype).sum(-1);
  if (p === Infinity) return diff.amax(-1);
  if (p === 1) return diff.sum(-1);
  if (p === 2) return diff.mul(diff).sum(-1).sqrt();
  return diff.pow(p).sum(-1).pow(1 / p);
}

declare module "../core/tensor.js" {
  interface Tensor {
    mm: Method<typeof mm>;
    bmm: Method<typeof bmm>;
    matmul: Method<typeof matmul>;
    mv: Method<typeof mv>;
    dot: Method<typeof dot>;
    vdot: Method<typeof vdot>;
    outer: Method<typeof outer>;
    ger: Method<typeof outer>;
    addmm: Method<typeof addmm>;
    addmv: Method<typeof addmv>;
    addr: Method<typeof addr>;
    baddbmm: Method<typeof baddbmm>;
    addbmm: Method<typeof addbmm>;
    kron: Method<typeof kron>;
    trace: Method<typeof trace>;
    cross: Method<typeof cross>;
  }
}

installMethods({ mm, bmm, matmul, mv, dot, vdot, outer, ger: outer, addmm, addmv, addr, baddbmm, addbmm, kron, trace, cross });

/** addmm on batched tensors: beta * input + alpha * (mat1 @ mat2), each op with its batching rule. */
function addmmComposite(input: Tensor, mat1: Tensor, mat2: Tensor, beta: number, alpha: number): Tensor {
  const prod = mm(mat1, mat2);
  const scaled = alpha === 1 ? prod : prod.mul(alpha);
  // beta 0: input is ignored (its NaNs too), as PyTorch's addmm does.
  return beta === 0 ? scaled : scaled.add(beta === 1 ? input : input.mul(beta));
}
