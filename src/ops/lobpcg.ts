// torch.lobpcg: the k largest (or smallest) eigenpairs of a symmetric positive definite generalized
// problem A X = B X E by PyTorch's LOBPCG (torch/_lobpcg.py, Knyazev's method with Stathopoulos and
// Wu's "ortho" basis and Duersch et al.'s robust Rayleigh-Ritz): the same steps on public ops, the
// same random start (randn(m, n) through the default generator for each matrix of the batch), the
// same convergence test. It reads norms back to steer, so it runs on the CPU.

import type { Tensor } from "../core/tensor.js";
import { float32, float64 } from "../core/dtype.js";
import { type Args, bindArgs, checkTensor } from "./args.js";
import { matmul } from "./blas.js";
import { randn } from "./random.js";
import { cat, stack } from "./shape-join.js";
import { eye } from "./creation.js";
import { noGrad } from "../autograd/grad-mode.js";
import { record } from "../autograd/record.js";
import { lobpcgBackward } from "./lobpcg-backward.js";
import { notImplementedOnDevice, onDevice } from "./device-hooks.js";
import { cholesky, eigh, qr, solveTriangular, vectorNorm } from "./linalg.js";

interface LobpcgOptions {
  k?: number | null; B?: Tensor | null; X?: Tensor | null; n?: number | null; iK?: Tensor | null; niter?: number | null;
  tol?: number | null; largest?: boolean | null; method?: "basic" | "ortho" | null; tracker?: null;
  orthoIparams?: { ortho_i_max?: number; ortho_j_max?: number } | null;
  orthoFparams?: { ortho_tol?: number; ortho_tol_drop?: number; ortho_tol_replace?: number } | null;
  orthoBparams?: { ortho_use_drop?: boolean } | null;
}

/** Settings of one run (PyTorch's iparams, fparams and bparams). */
interface Settings {
  m: number; n: number; k: number; niter: number; tol: number; largest: boolean; ortho: boolean;
  orthoIMax: number; orthoJMax: number; orthoTol: number; orthoTolDrop: number; orthoTolReplace: number; orthoUseDrop: boolean;
}

const POSITIONAL = ["k", "B", "X", "n", "iK", "niter", "tol", "largest", "method", "tracker", "orthoIparams", "orthoFparams", "orthoBparams"] as const;

/**
 * torch.lobpcg(A, k = null, B = null, X = null, n = null, iK = null, niter = null, tol = null,
 * largest = null, method = null, tracker = null, orthoIparams, orthoFparams, orthoBparams):
 * (E, X), the k eigenvalues and eigenvectors of A X = B X E (B the identity by default) by LOBPCG
 * with n ≥ k vectors (X's columns, or randn(m, n)), iK a preconditioner ("basic" method), niter
 * iterations at most (1000), until each residual is below tol (√eps); method "ortho" (default) or
 * "basic". A [..., m, m] with m ≥ 3n. Differentiable in A (B the identity) as PyTorch's.
 */
export function lobpcg(
  A: Tensor,
  ...args: Args<[k?: number | null, B?: Tensor | null, X?: Tensor | null, n?: number | null, iK?: Tensor | null, niter?: number | null, tol?: number | null, largest?: boolean | null, method?: "basic" | "ortho" | null], LobpcgOptions>
): [Tensor, Tensor] {
  checkTensor("lobpcg", "A", A);
  const o = bindArgs("lobpcg", args, [...POSITIONAL], [], 1);
  const B = (o.B ?? null) as Tensor | null;
  const X0 = (o.X ?? null) as Tensor | null;
  const iK = (o.iK ?? null) as Tensor | null;
  if (o.tracker !== undefined && o.tracker !== null) throw new Error("lobpcg: a tracker is not supported in torch-ts");
  if (A.dim() < 2 || A.shape[A.dim() - 2] !== A.shape[A.dim() - 1]) throw new Error(`lobpcg: A must be a batch of square matrices, but got shape [${A.shape.join(", ")}]`);
  if (B !== null && (B.dim() !== A.dim() || B.shape.some((s, i) => s !== A.shape[i]))) {
    throw new Error(`lobpcg: A and B must have the same shape, but got [${A.shape.join(", ")}] and [${B.shape.join(", ")}]`);
  }
  if (onDevice(A, B, X0, iK)) throw notImplementedOnDevice("lobpcg");
  const dtype = A.dtype === float64 ? float64 : float32;
  const m = A.shape[A.dim() - 1]!;
  const kArg = (o.k as number | null | undefined) ?? null;
  const k = kArg ?? (X0 === null ? 1 : X0.shape[X0.dim() - 1]!);
  const n = X0 === null ? ((o.n as number | null | undefined) ?? k) : X0.shape[X0.dim() - 1]!;
  if (m < 3 * n) {
    throw new Error(`LPBPCG algorithm is not applicable when the number of A rows (=${m}) is smaller than 3 x the number of requested eigenpairs (=${n})`);
  }
  const tol = (o.tol as number | null | undefined) ?? Math.sqrt(dtype === float64 ? 2.23e-16 : 1.2e-7);
  const method = (o.method as string | null | undefined) ?? "ortho";
  const ip = (method === "ortho" ? o.orthoIparams ?? {} : {}) as NonNullable<LobpcgOptions["orthoIparams"]>;
  const fp = (method === "ortho" ? o.orthoFparams ?? {} : {}) as NonNullable<LobpcgOptions["orthoFparams"]>;
  const bp = (method === "ortho" ? o.orthoBparams ?? {} : {}) as NonNullable<LobpcgOptions["orthoBparams"]>;
  const settings: Settings = {
    m, n, k, niter: (o.niter as number | null | undefined) ?? 1000, tol, largest: (o.largest as boolean | null | undefined) ?? true, ortho: method === "ortho",
    orthoIMax: ip.ortho_i_max ?? 3, orthoJMax: ip.ortho_j_max ?? 3,
    orthoTol: fp.ortho_tol ?? tol, orthoTolDrop: fp.ortho_tol_drop ?? tol, orthoTolReplace: fp.ortho_tol_replace ?? tol, orthoUseDrop: bp.ortho_use_drop ?? false,
  };
  if (A.requiresGrad || (B !== null && B.requiresGrad)) {
    // PyTorch's LOBPCGAutogradFunction: the eigenpairs of the symmetrized A (and B), and their
    // backward through the eigendecomposition's formula (not through the iterations).
    const Asym = A.add(A.mT).div(2);
    const Bsym = B === null ? null : B.add(B.mT).div(2);
    const [D, U] = noGrad(() => solve(Asym.detach(), Bsym?.detach() ?? null, X0, iK, settings));
    return record("LOBPCGAutogradFunctionBackward", [Asym, Bsym], [D, U], ([gD, gU]) => {
      if (Bsym !== null) throw new Error("lobpcg.backward does not support backward with B != I yet.");
      return [lobpcgBackward(gD ?? D.mul(0), gU ?? U.mul(0), Asym, D, U, settings.largest), null];
    }, [Asym, D, U]) as [Tensor, Tensor];
  }
  return noGrad(() => solve(A, B, X0, iK, settings));
}

/** The eigenpairs of each matrix of the batch, each run from its own start. */
function solve(A: Tensor, B: Tensor | null, X0: Tensor | null, iK: Tensor | null, settings: Settings): [Tensor, Tensor] {
  const { m, n, k } = settings;
  const dtype = A.dtype === float64 ? float64 : float32;
  const start = (x: Tensor | null): Tensor => {
    const X = x ?? randn([m, n], { dtype });
    if (X.dim() !== 2 || X.shape[0] !== m || X.shape[1] !== n) throw new Error(`lobpcg: X must have shape [${m}, ${n}], but got [${X.shape.join(", ")}]`);
    return X;
  };
  if (A.dim() === 2) return new Lobpcg(A, B, start(X0), iK, settings).run();
  // A batch: one run per matrix, each drawing its own start right before it runs.
  const batch = A.shape.slice(0, -2);
  const flatA = A.reshape(-1, m, m);
  const flatB = B?.reshape(-1, m, m) ?? null;
  const flatX = X0?.reshape(-1, m, n) ?? null;
  const results = Array.from({ length: flatA.shape[0]! }, (_, i) =>
    new Lobpcg(flatA.select(0, i), flatB?.select(0, i) ?? null, start(flatX?.select(0, i) ?? null), iK, settings).run());
  return [stack(results.map((r) => r[0])).reshape([...batch, k]), stack(results.map((r) => r[1])).reshape([...batch, m, k])];
}

/** B·X, with a missing B the identity (PyTorch's _utils.matmul). */
const timesB = (B: Tensor | null, X: Tensor): Tensor => (B === null ? X : matmul(B, X));
/** Sᵀ A S (qform). */
const qform = (A: Tensor | null, S: Tensor): Tensor => matmul(S.mT, timesB(A, S));
/** eigh on the upper triangle, in descending order for `largest`. */
function symeig(A: Tensor, largest: boolean): [Tensor, Tensor] {
  const { eigenvalues, eigenvectors } = eigh(A, "U");
  return largest ? [eigenvalues.flip([-1]), eigenvectors.flip([-1])] : [eigenvalues, eigenvectors];
}
const norm = (t: Tensor): number => Number(vectorNorm(t).item());

/** One LOBPCG run on one matrix (PyTorch's LOBPCG class without the tracker). */
class Lobpcg {
  private E: Tensor;
  private R: Tensor;
  /** The search basis [X, P, W]: PyTorch keeps it in an m×3n buffer, of which only these columns are read. */
  private S: Tensor;
  private istep = 0;
  private iterationsLeft = 0;
  private convergedCount = 0;
  private convergedEnd = 0;
  private ANorm = 0;
  private BNorm = 0;

  constructor(private readonly A: Tensor, private readonly B: Tensor | null, private X: Tensor, private readonly iK: Tensor | null, private readonly p: Settings) {
    this.E = X.newZeros([p.n]);
    this.R = X.newZeros([p.m, p.n]);
    this.S = X.newZeros([p.m, 0]);
  }

  run(): [Tensor, Tensor] {
    this.update();
    while (!(this.iterationsLeft === 0 || this.convergedCount >= this.p.k)) this.update();
    return [this.E.narrow(0, 0, this.p.k), this.X.narrow(1, 0, this.p.k)];
  }

  private update(): void {
    if (this.istep === 0) {
      const xNorm = norm(this.X);
      this.ANorm = norm(matmul(this.A, this.X)) / xNorm;
      this.BNorm = norm(timesB(this.B, this.X)) / xNorm;
      this.iterationsLeft = this.p.niter;
      this.convergedCount = 0;
      this.convergedEnd = 0;
    }
    if (this.p.ortho) this.updateOrtho(); else this.updateBasic();
    this.iterationsLeft--;
    this.istep++;
  }

  private updateResidual(): void {
    this.R = matmul(this.A, this.X).sub(timesB(this.B, this.X).mul(this.E));
  }

  /** How many leading eigenpairs have a relative residual below tol (it may not decrease). */
  private updateConvergedCount(): number {
    const prev = this.convergedCount;
    const { X, R, E } = this;
    // |E| as PyTorch 2.x (1.13 took E itself, which misjudges negative eigenvalues).
    const rerr = vectorNorm(R, 2, [0]).div(vectorNorm(X, 2, [0]).mul(E.narrow(0, 0, X.shape[1]!).abs().mul(this.BNorm).add(this.ANorm)));
    const converged = rerr.lt(this.p.tol).tolist() as boolean[];
    let count = 0;
    while (count < converged.length && converged[count]) count++;
    if (count < prev) throw new Error(`the number of converged eigenpairs (was ${prev}, got ${count}) cannot decrease`);
    this.convergedCount = count;
    return count;
  }

  /** X's columns from nc on, and E's entries, replaced. */
  private setFrom(nc: number, X: Tensor, E: Tensor): void {
    this.X = nc === 0 ? X : cat([this.X.narrow(1, 0, nc), X], 1);
    this.E = nc === 0 ? E : cat([this.E.narrow(0, 0, nc), E]);
  }

  private updateBasic(): void {
    const { n, largest } = this.p;
    let nc = this.convergedCount;
    let P: Tensor | null = null;
    if (this.istep === 0) {
      const Ri = this.rayleighRitzTransform(this.X);
      const [E, Z] = symeig(qform(qform(this.A, this.X), Ri), largest);
      this.setFrom(0, matmul(this.X, matmul(Ri, Z)), E);
    } else {
      const S = this.S.narrow(1, nc, this.convergedEnd - nc);
      const Ri = this.rayleighRitzTransform(S);
      const [E, Z] = symeig(qform(qform(this.A, S), Ri), largest);
      this.setFrom(nc, matmul(S, matmul(Ri, Z.narrow(1, 0, n - nc))), E.narrow(0, 0, n - nc));
      const cols = Z.shape[1]!;
      P = n >= cols ? S.newZeros([S.shape[0]!, 0]) : matmul(S, matmul(Ri, Z.narrow(1, n, Math.min(2 * n - nc, cols) - n)));
    }
    this.updateResidual();
    nc = this.updateConvergedCount();
    const W = timesB(this.iK, this.istep === 0 ? this.R : this.R.narrow(1, nc, n - nc));
    this.setBasis(P, W);
  }

  private updateOrtho(): void {
    const { n, largest } = this.p;
    let nc = this.convergedCount;
    let P: Tensor | null = null;
    if (this.istep === 0) {
      // As PyTorch's, this first step leaves E at zero (the residual is A X).
      const Ri = this.rayleighRitzTransform(this.X);
      const [, Z] = symeig(qform(qform(this.A, this.X), Ri), largest);
      this.X = matmul(this.X, matmul(Ri, Z));
    } else {
      const S = this.S.narrow(1, nc, this.convergedEnd - nc);
      const [E, Z] = symeig(qform(this.A, S), largest);
      this.setFrom(nc, matmul(S, Z.narrow(1, 0, n - nc)), E.narrow(0, 0, n - nc));
      const rest = Z.shape[1]! - (n - nc);
      P = matmul(S, matmul(Z.narrow(1, n - nc, rest), qr(Z.narrow(0, 0, n - nc).narrow(1, n - nc, rest).mT).Q));
    }
    this.updateResidual();
    nc = this.updateConvergedCount();
    const V = P === null ? this.X : cat([this.X, P], 1);
    const W = this.ortho(this.istep === 0 ? this.R : this.R.narrow(1, nc, n - nc), V);
    this.setBasis(P, W);
  }

  private setBasis(P: Tensor | null, W: Tensor): void {
    this.S = cat(P === null ? [this.X, W] : [this.X, P, W], 1);
    this.convergedEnd = this.S.shape[1]!;
  }

  /** Duersch et al.'s robust Rayleigh-Ritz: Ri with Riᵀ Sᵀ B S Ri = I, by a scaled Cholesky. */
  private rayleighRitzTransform(S: Tensor): Tensor {
    const SBS = qform(this.B, S);
    const dRow = SBS.diagonal(0, -2, -1).pow(-0.5);
    const dCol = dRow.reshape(-1, 1);
    const R = cholesky(SBS.mul(dRow).mul(dCol), { upper: true });
    return solveTriangular(R, dRow.diagEmbed(), { upper: true, left: false });
  }

  /** Stathopoulos and Wu's SVQB: U's columns B-orthonormalized (those of zero B-norm left out). */
  private svqb(U0: Tensor, drop: boolean, tau: number): Tensor {
    let U = U0;
    if (U.numel() === 0) return U;
    let UBU = qform(this.B, U);
    let d = UBU.diagonal(0, -2, -1);
    const nonzero = d.ne(0).nonzero().reshape(-1);
    if (nonzero.numel() < d.numel()) {
      U = U.indexSelect(1, nonzero);
      if (U.numel() === 0) return U;
      UBU = qform(this.B, U);
      d = UBU.diagonal(0, -2, -1);
    }
    let dCol = d.pow(-0.5).reshape(-1, 1);
    let [E, Z] = symeig(UBU.mul(dCol).mul(dCol.mT), false);
    const t = tau * Number(E.abs().max().item());
    if (drop) {
      const keep = E.gt(t).nonzero().reshape(-1);
      E = E.indexSelect(0, keep);
      Z = Z.indexSelect(1, keep);
      dCol = dCol.indexSelect(0, keep);
    } else {
      E = E.where(E.ge(t), t);
    }
    return matmul(U.mul(dCol.mT), Z.mul(E.pow(-0.5)));
  }

  /** U B-orthonormalized and made B-orthogonal to V (itself B-orthonormal), by repeated SVQB. */
  private ortho(U0: Tensor, V: Tensor): Tensor {
    const p = this.p;
    let U = U0;
    const BVNorm = norm(timesB(this.B, V));
    let BU = timesB(this.B, U);
    let VBU = matmul(V.mT, BU);
    for (let i = 0; i < p.orthoIMax; i++) {
      U = U.sub(matmul(V, VBU));
      let drop = false;
      let tauSvqb = p.orthoTolDrop;
      for (let j = 0; j < p.orthoJMax; j++) {
        if (p.orthoUseDrop) {
          U = this.svqb(U, drop, tauSvqb);
          drop = true;
          tauSvqb = p.orthoTolReplace;
        } else {
          U = this.svqb(U, false, p.orthoTolReplace);
        }
        if (U.numel() === 0) return U;
        BU = timesB(this.B, U);
        const UBU = matmul(U.mT, BU);
        const rerr = norm(UBU.sub(eye(UBU.shape[1]!, { dtype: UBU.dtype }))) / (norm(BU) * norm(U));
        if (rerr < p.orthoTol) break;
      }
      VBU = matmul(V.mT, BU);
      if (norm(VBU) / (BVNorm * norm(U)) < p.orthoTol) break;
      if (p.m < U.shape[1]! + V.shape[1]!) {
        throw new Error(`Overdetermined shape of U: #B-cols(=${p.m}) >= #U-cols(=${U.shape[1]}) + #V-cols(=${V.shape[1]}) must hold`);
      }
    }
    return U;
  }
}
