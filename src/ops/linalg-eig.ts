// torch.linalg.eig and eigvals: the eigendecomposition of general square matrices (LAPACK
// geev's path: backends/js/linalg-geev.ts), batched over leading dims. Real inputs give complex
// results (float32 -> complex64, float64 -> complex128): a real matrix's complex eigenvalues come
// in conjugate pairs, positive imaginary part first, with conjugate eigenvectors.

import { autocasting } from "../amp/state.js";
import { autocasts, runAutocast } from "../amp/hook.js";
import { Tensor } from "../core/tensor.js";
import { complex128, complex64, complexOf, float32, float64, realOf, scalarTypeName } from "../core/dtype.js";
import { needsGrad, record } from "../autograd/record.js";
import * as K from "../backends/js/linalg.js";
import { type Args, bindArgs, checkTensor } from "./args.js";
import { copyInto, emptyTensor, toNumbers } from "./engine.js";
import { rawRealView } from "./complex-engine.js";
import { notImplementedOnDevice, onDevice } from "./device-hooks.js";
import { notImplementedFor } from "./pointwise-util.js";
import { hasOut, withOut } from "./out.js";
import { solve as linalgSolve } from "./linalg.js";
import { type NamedTuple, allocLike, checkSquare, namedTuple, wrap } from "./linalg-engine.js";

type FloatArray = Float32Array | Float64Array;

/** PyTorch's checks, in its order: dims, square, dtype (float32/float64/complex64/complex128). */
function checkEigInput(api: string, A: Tensor): void {
  checkSquare(api, A);
  const d = A.dtype;
  if (!d.isFloatingPoint && !d.isComplex) throw new Error(`${api}: Expected a floating point or complex tensor as input. Got ${scalarTypeName(d)}`);
  if (d !== float32 && d !== float64 && d !== complex64 && d !== complex128) throw notImplementedFor("linalg_eig_out_cpu", d);
  if (onDevice(A)) throw notImplementedOnDevice(api);
}

/** A complex tensor of `shape` holding the interleaved (re, im) pairs `pairs` (no autograd). */
function complexFromPairs(pairs: FloatArray, shape: readonly number[], dtype: typeof complex64): Tensor {
  const out = emptyTensor(shape, dtype);
  copyInto(rawRealView(out), wrap(pairs, [...shape, 2], realOf(dtype)));
  return out;
}

function containsNonFinite(values: ArrayLike<number>): boolean {
  for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i])) return true;
  return false;
}

/** Runs the kernel on every matrix of A; vectors only when asked for. */
function eigForward(api: string, A: Tensor, wantVectors: boolean): { L: Tensor; V: Tensor | null } {
  checkEigInput(api, A);
  const s = A.shape;
  const n = s[s.length - 1]!;
  const batchShape = s.slice(0, -2);
  const batch = batchShape.reduce((p, q) => p * q, 1);
  const complexIn = A.dtype.isComplex;
  const outDtype = complexIn ? A.dtype : complexOf(A.dtype);
  const partDtype = realOf(outDtype);
  const data = toNumbers(complexIn ? rawRealView(A.detach()) : A.detach()) as FloatArray;
  // 1.13 checks this for eig only; eigvals gives NaN eigenvalues for such input.
  if (wantVectors && containsNonFinite(data)) throw new Error(`torch.linalg.eig: input tensor should not contain infs or NaNs.`);
  const values = allocLike(partDtype, batch * n * 2);
  const vectors = wantVectors ? allocLike(partDtype, batch * n * n * 2) : null;
  const infos = complexIn ? K.geevComplex(data, n, batch, values, vectors) : K.geev(data, n, batch, values, vectors);
  // PyTorch words geev's failure as syevd's.
  K.checkLinalgErrors(infos, api, "eigh", batchShape.length > 0);
  return {
    L: complexFromPairs(values, [...batchShape, n], outDtype),
    V: vectors ? complexFromPairs(vectors, s, outDtype) : null,
  };
}

interface EigOutOption { out?: readonly [Tensor, Tensor] | null }

/** out= must be complex (any complex dtype: the result is cast), as PyTorch checks it. */
function checkComplexOut(api: string, A: Tensor, outs: readonly Tensor[], names: readonly string[]): void {
  const computed = A.dtype.isComplex ? A.dtype : A.dtype === float64 ? complex128 : complex64;
  outs.forEach((o, i) => {
    // Anything but a tensor gets withOut's error.
    if (o instanceof Tensor && !o.dtype.isComplex) {
      throw new Error(`${api}: Expected ${names[i]} to be safely castable from ${scalarTypeName(computed)} dtype, but got ${names[i]} with dtype ${scalarTypeName(o.dtype)}`);
    }
  });
}

function outOf(args: readonly unknown[]): unknown {
  return (args[args.length - 1] as { out?: unknown }).out;
}

/**
 * torch.linalg.eig(A): (eigenvalues, eigenvectors) of general square matrices, complex. Each
 * eigenvector (a column) has norm 1 and its largest component real, as LAPACK's geev returns
 * them (order and signs: see backends/js/linalg-geev.ts; a complex pair's sign follows the
 * pre-3.10 dlartg, as eigh's signs do: reference LAPACK >= 3.10 may negate the pair).
 */
export function eig(A: Tensor, ...args: Args<[], EigOutOption>): NamedTuple<"eigenvalues" | "eigenvectors"> {
  if (autocasting.on && autocasts("linalg_eig", arguments)) return runAutocast(eig, arguments);
  if (hasOut(args)) {
    const out = outOf(args);
    checkTensor("linalg.eig", "A", A);
    if (Array.isArray(out) && out.length === 2) checkComplexOut("torch.linalg.eig", A, out as Tensor[], ["eigenvalues", "eigenvectors"]);
    return withOut("linalg_eig", args, (rest) => eig(A, ...(rest as [never])), "cast", false, [A]);
  }
  checkTensor("linalg.eig", "A", A);
  bindArgs("linalg.eig", args, [], [], 1);
  const { L, V } = eigForward("linalg.eig", A, true);
  const vectors = V as Tensor;
  const realInput = !A.dtype.isComplex;
  record("LinalgEigBackward0", [A], [L, vectors], ([gL, gV]) => {
    const gA = eigBackward(gL ?? null, gV ?? null, L, vectors);
    return [realInput ? gA.real : gA];
  }, [L, vectors]);
  return namedTuple(["eigenvalues", "eigenvectors"], [L, vectors]);
}

/**
 * PyTorch's linalg_eig_backward (general A): with Vᴴ gV projected onto the gauge-invariant part
 * (its diagonal's real part removed through VᴴV), divided by conj(λ_j - λ_i) off the diagonal,
 * gL on the diagonal, and pulled back as V⁻ᴴ (·) Vᴴ. A loss that depends on the eigenvectors'
 * phases is PyTorch's error.
 */
function eigBackward(gL: Tensor | null, gV: Tensor | null, L: Tensor, V: Tensor): Tensor {
  const Vh = V.mH;
  const n = L.shape[L.dim() - 1]!;
  let inner: Tensor;
  if (gV) {
    const VhgV = Vh.matmul(gV);
    const diag = VhgV.diagonal(0, -2, -1);
    if (diag.imag.abs().gt(1e-4 * Math.max(1, Number(diag.abs().max().item()))).any().item()) {
      throw new Error("linalg_eig_backward: The eigenvectors in the complex case are specified up to multiplication by e^{i phi}. The specified loss function depends on this quantity, so it is ill-defined.");
    }
    const projected = VhgV.sub(Vh.matmul(V.mul(diag.real.unsqueeze(-2))));
    const Lc = L.conj();
    const eye = identityLike(n, L);
    // conj(λ_j - λ_i) off the diagonal, 1 on it
    const Econj = Lc.unsqueeze(-2).sub(Lc.unsqueeze(-1)).add(eye);
    inner = projected.div(Econj).mul(eye.neg().add(1));
    if (gL) inner = inner.add(gL.diagEmbed());
  } else {
    inner = (gL ?? L.mul(0)).diagEmbed();
  }
  return linalgSolve(Vh, inner.matmul(Vh));
}

/** An n x n identity of L's dtype (complex), for masking diagonals. */
function identityLike(n: number, L: Tensor): Tensor {
  return L.newZeros([n, n]).add(L.newOnes([n]).diagEmbed());
}

/** torch.linalg.eigvals(A): the eigenvalues of general square matrices (complex), as eig's. */
export function eigvals(A: Tensor, ...args: Args<[], { out?: Tensor | null }>): Tensor {
  if (autocasting.on && autocasts("linalg_eigvals", arguments)) return runAutocast(eigvals, arguments);
  if (hasOut(args)) {
    const out = outOf(args);
    checkTensor("linalg.eigvals", "A", A);
    if (out !== null && out !== undefined && !Array.isArray(out)) checkComplexOut("torch.linalg.eigvals", A, [out as Tensor], ["eigenvalues"]);
    return withOut("linalg_eigvals", args, (rest) => eigvals(A, ...(rest as [never])), "cast", false, [A]);
  }
  checkTensor("linalg.eigvals", "A", A);
  bindArgs("linalg.eigvals", args, [], [], 1);
  // With autograd, through eig (as PyTorch), whose backward sees the eigenvectors.
  if (needsGrad(A)) return eig(A)[0]!;
  return eigForward("linalg.eigvals", A, false).L;
}
