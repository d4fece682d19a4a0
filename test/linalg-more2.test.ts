// torch.geqrf, ormqr, triangular_solve, histogramdd, svd_lowrank, pca_lowrank and lobpcg: values and
// gradients against PyTorch (test/fixtures/linalg/more2.json, made by more2.py: 1.13's results, and
// for the low-rank SVD PyTorch 2.x's algorithm run on 1.13's ops), gradcheck, PyTorch's errors.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as torch from "../src/index.js";
import { checkRecordedBackward, closeToRecorded, type RecordedBackward, type RecordedTensor, recordedTensor } from "./support/recorded.js";

type Tensor = torch.Tensor;

/** diff: which outputs the recorded loss weights, in the weights' order. */
interface RefCase extends RecordedBackward { inputs: RecordedTensor[]; diff: number[]; outputs: RecordedTensor[]; seed?: number }

const refCases = JSON.parse(readFileSync(new URL("./fixtures/linalg/more2.json", import.meta.url), "utf8")) as RefCase[];

/** `actual` with each column's sign flipped where its largest entry's sign differs from `expected`'s. */
function alignSigns(actual: Tensor, expected: RecordedTensor): Tensor {
  const e = recordedTensor(expected);
  const at = e.abs().argmax(-2, true);
  const flip = actual.gather(-2, at).mul(e.gather(-2, at)).sign();
  return actual.mul(flip);
}

const triangular = (upper: boolean, transpose: boolean, unit: boolean) => (x: Tensor[]) => [...torch.triangularSolve(x[0]!, x[1]!, upper, transpose, unit)];
const ormqrCase = (left: boolean, transpose: boolean) => (x: Tensor[]) => [torch.ormqr(x[0]!, x[1]!, x[2]!, left, transpose)];
const squared = ([E, X]: [Tensor, Tensor]): Tensor[] => [E, X.square()];
const histdd = (r: torch.HistogramddResult): Tensor[] => [r.hist, ...r.binEdges];

/** The op each recorded case ran, as torch-ts calls (outputs in PyTorch's order). */
const ops: Record<string, (x: Tensor[]) => Tensor[]> = {
  geqrf_tall: (x) => [...torch.geqrf(x[0]!)],
  geqrf_wide: (x) => [...torch.geqrf(x[0]!)],
  geqrf_batch: (x) => [...x[0]!.geqrf()],
  geqrf_float32: (x) => [...torch.geqrf(x[0]!)],
  ormqr_left1_transpose0: ormqrCase(true, false),
  ormqr_left1_transpose1: ormqrCase(true, true),
  ormqr_left0_transpose0: ormqrCase(false, false),
  ormqr_left0_transpose1: (x) => [x[0]!.ormqr(x[1]!, x[2]!, { left: false, transpose: true })],
  ormqr_batch_two_reflectors: (x) => [torch.ormqr(x[0]!, x[1]!, x[2]!)],
  triangular_solve_u1_t0_unit0: (x) => [...torch.triangularSolve(x[0]!, x[1]!)],
  triangular_solve_u1_t0_unit1: triangular(true, false, true),
  triangular_solve_u1_t1_unit0: triangular(true, true, false),
  triangular_solve_u1_t1_unit1: triangular(true, true, true),
  triangular_solve_u0_t0_unit0: (x) => [...x[0]!.triangularSolve(x[1]!, { upper: false })],
  triangular_solve_u0_t0_unit1: triangular(false, false, true),
  triangular_solve_u0_t1_unit0: triangular(false, true, false),
  triangular_solve_u0_t1_unit1: triangular(false, true, true),
  triangular_solve_broadcast: (x) => [...torch.triangularSolve(x[0]!, x[1]!, { upper: false })],
  histogramdd_int: (x) => histdd(torch.histogramdd(x[0]!, 3)),
  histogramdd_list: (x) => histdd(torch.histogramdd(x[0]!, [4, 2])),
  histogramdd_range_weight_density: (x) => histdd(torch.histogramdd(x[0]!, [2, 3], { range: [-1, 1, -2, 0.5], weight: x[1]!, density: true })),
  histogramdd_edges: (x) => histdd(torch.histogramdd(x[0]!, { bins: [x[1]!, x[2]!, x[3]!] })),
  svd_lowrank_tall_torch113: (x) => torch.svdLowrank(x[0]!, { q: 4 }),
  svd_lowrank_tall: (x) => torch.svdLowrank(x[0]!, 4),
  svd_lowrank_tall_q_small: (x) => torch.svdLowrank(x[0]!, 3, 1),
  svd_lowrank_wide_batch: (x) => torch.svdLowrank(x[0]!, 3),
  svd_lowrank_mean: (x) => torch.svdLowrank(x[0]!, 3, 2, x[1]!),
  svd_lowrank_float32: (x) => torch.svdLowrank(x[0]!, 3),
  pca_lowrank: (x) => torch.pcaLowrank(x[0]!, 4),
  pca_lowrank_uncentered_wide: (x) => torch.pcaLowrank(x[0]!, { q: 3, center: false, niter: 1 }),
  lobpcg_ortho: (x) => torch.lobpcg(x[0]!, 2),
  lobpcg_basic_n4: (x) => torch.lobpcg(x[0]!, { k: 2, n: 4, method: "basic" }),
  lobpcg_smallest_B: (x) => torch.lobpcg(x[0]!, { k: 2, B: x[1]!, largest: false }),
  lobpcg_batch_X: (x) => torch.lobpcg(x[0]!, { X: x[1]!, niter: 4 }),
  lobpcg_grad_squared_k2: (x) => squared(torch.lobpcg(x[0]!, { k: 2, tol: 1e-13 })),
  lobpcg_grad_squared_smallest_k1: (x) => squared(torch.lobpcg(x[0]!, { k: 1, largest: false, tol: 1e-13 })),
};

test("values and gradients equal PyTorch's (recorded cases)", () => {
  for (const c of refCases) {
    const op = ops[c.name];
    assert.ok(op, `an op for ${c.name}`);
    const xs = c.inputs.map((r) => recordedTensor(r).requiresGrad_(c.weights.length > 0));
    if (c.seed !== undefined) torch.manualSeed(c.seed);
    const outs = op(xs);
    assert.equal(outs.length, c.outputs.length, `${c.name}: outputs`);
    const tol = c.outputs[0]!.dtype === "float32" ? 2e-5 : 1e-10;
    // The low-rank SVD's U and V up to each column's sign (torch-ts's linalg.svd, which they come
    // from, does not give LAPACK's signs for every matrix); lobpcg's eigenvectors likewise (eigh's).
    const signed = (o: Tensor, i: number): Tensor => (c.name.includes("lowrank") ? (i !== 1 ? alignSigns(o, c.outputs[i]!) : o) : c.name.startsWith("lobpcg") && !c.name.includes("squared") && i === 1 ? alignSigns(o, c.outputs[i]!) : o);
    outs.forEach((o, i) => closeToRecorded(signed(o, i), c.outputs[i]!, tol, `${c.name}: output ${i}`));
    if (c.weights.length === 0) continue;
    checkRecordedBackward(c, c.diff.map((k) => outs[k]!), xs);
  }
});

const rand64 = (...shape: number[]): Tensor => torch.randn(shape, { dtype: "float64" });

test("gradcheck: ormqr (all four sides and transposes, batched), triangular_solve, svd_lowrank", () => {
  torch.manualSeed(21);
  const { a, tau } = torch.geqrf(rand64(2, 4, 3));
  const A = a.requiresGrad_(true), T = tau.requiresGrad_(true);
  for (const left of [true, false]) {
    for (const transpose of [false, true]) {
      const C = (left ? rand64(2, 4, 2) : rand64(2, 2, 4)).requiresGrad_(true);
      assert.ok(torch.autograd.gradcheck((x: Tensor, t: Tensor, c: Tensor) => torch.ormqr(x, t, c, left, transpose), [A, T, C]), `ormqr ${left} ${transpose}`);
    }
  }
  const U = rand64(3, 3).add(torch.eye(3, { dtype: "float64" }).mul(3)).requiresGrad_(true);
  const B = rand64(2, 3, 2).requiresGrad_(true);
  assert.ok(torch.autograd.gradcheck((b: Tensor, m: Tensor) => [...torch.triangularSolve(b, m, false, true)], [B, U]), "triangular_solve");
  const L = rand64(6, 4).requiresGrad_(true);
  assert.ok(torch.autograd.gradcheck((x: Tensor) => { torch.manualSeed(3); return torch.svdLowrank(x, 4)[1]; }, [L]), "svd_lowrank S");
});

test("geqrf: named tuple, Q R = A, empty inputs, no derivative (PyTorch's error)", () => {
  torch.manualSeed(22);
  const A = rand64(5, 3);
  const r = torch.geqrf(A);
  assert.deepEqual([r.a.shape, r.tau.shape], [[5, 3], [3]]);
  const Q = torch.linalg.householderProduct(r.a, r.tau);
  assert.ok(Q.matmul(r.a.triu().narrow(0, 0, 3)).sub(A).abs().max().item() as number < 1e-13);
  // ormqr(a, tau, R) = Q R = A; Qᵀ A = R.
  const R = r.a.triu();
  assert.ok(torch.ormqr(r.a, r.tau, R).sub(A).abs().max().item() as number < 1e-13);
  assert.ok(torch.ormqr(r.a, r.tau, A, true, true).sub(R).abs().max().item() as number < 1e-13);
  const empty = torch.geqrf(torch.zeros([2, 0, 3], { dtype: "float64" }));
  assert.deepEqual([empty.a.shape, empty.tau.shape], [[2, 0, 3], [2, 0]]);
  const g = torch.geqrf(A.clone().requiresGrad_(true));
  assert.equal(g.a.gradFn!.name(), "GeqrfBackward0");
  assert.throws(() => g.a.sum().backward(), { message: "the derivative for 'geqrf' is not implemented." });
  const none = torch.ormqr(r.a, r.tau.narrow(0, 0, 0), A);
  assert.deepEqual(none.tolist(), A.tolist());
  assert.notEqual(none, A);
});

test("histogramdd: 3-d inputs, weights of the points' shape, out-of-range points, histogram unchanged", () => {
  const x = torch.tensor([[[0, 0], [1, 1]], [[2, 0.5], [5, 5]]], { dtype: "float64" });
  const r = torch.histogramdd(x, 2, { range: [0, 2, 0, 1], weight: torch.tensor([[1, 2], [3, 4]], { dtype: "float64" }) });
  assert.deepEqual(r.hist.tolist(), [[1, 0], [0, 2 + 3]]);
  assert.deepEqual(r.binEdges.map((e) => e.tolist()), [[0, 1, 2], [0, 0.5, 1]]);
  const [hist, edges] = torch.histogramdd(torch.zeros([0, 2]), [2, 1]);
  assert.deepEqual([hist!.tolist(), (edges as Tensor[]).map((e) => e.tolist())], [[[0], [0]], [[0, 0.5, 1], [0, 1]]]);
  const one = torch.histogram(torch.tensor([1, 2, 2, 3], { dtype: "float64" }), 2, { weight: torch.ones([4, 1], { dtype: "float64" }) });
  assert.deepEqual(one.hist.tolist(), [1, 3]);
});

test("svd_lowrank / pca_lowrank: the same draws as randn(n, q) after the seed, U S Vᵀ ≈ A for a low-rank A", () => {
  torch.manualSeed(23);
  const A = rand64(2, 9, 2).matmul(rand64(2, 2, 6));
  torch.manualSeed(5);
  const [U, S, V] = torch.svdLowrank(A, 3);
  assert.deepEqual([U.shape, S.shape, V.shape], [[2, 9, 3], [2, 3], [2, 6, 3]]);
  const rebuilt = U.mul(S.unsqueeze(-2)).matmul(V.mT);
  assert.ok(rebuilt.sub(A).abs().max().item() as number < 1e-12);
  torch.manualSeed(5);
  const again = torch.svdLowrank(A, 3);
  assert.deepEqual(again[0].tolist(), U.tolist());
  // The generator moved by exactly one randn(6, 3) draw.
  torch.manualSeed(5);
  torch.randn([6, 3], { dtype: "float64" });
  const next = torch.rand(1).item();
  torch.manualSeed(5);
  torch.svdLowrank(A, 3);
  assert.equal(torch.rand(1).item(), next);
  const [, Sp, Vp] = torch.pcaLowrank(A.select(0, 0));
  assert.deepEqual([Sp.shape, Vp.shape], [[6], [6, 6]]);
});

test("PyTorch's argument errors", () => {
  const A = rand64(4, 3);
  const tau = rand64(3);
  const C = rand64(4, 2);
  const msg = (f: () => unknown): string => { try { f(); } catch (e) { return (e as Error).message; } return "no error"; };
  const cases: [() => unknown, string][] = [
    [() => torch.geqrf(rand64(3)), "torch.geqrf: input must have at least 2 dimensions."],
    [() => torch.geqrf(A.to("int32")), `"geqrf_cpu" not implemented for 'Int'`],
    [() => torch.geqrf(A.to("float16")), `"geqrf_cpu" not implemented for 'Half'`],
    [() => torch.ormqr(rand64(3), tau, C), "torch.ormqr: input must have at least 2 dimensions."],
    [() => torch.ormqr(A, tau, rand64(4)), "torch.ormqr: other must have at least 2 dimensions."],
    [() => torch.ormqr(rand64(3, 3), rand64(4), rand64(3, 2)), "torch.ormqr: other.shape[-2] must be greater than or equal to tau.shape[-1]"],
    [() => torch.ormqr(A, tau, rand64(5, 2)), "torch.ormqr: other.shape[-2] must be equal to input.shape[-2]"],
    [() => torch.ormqr(A, tau, rand64(2, 5), false), "torch.ormqr: other.shape[-1] must be equal to input.shape[-2]"],
    [() => torch.ormqr(rand64(5, 2), tau, rand64(5, 2)), "torch.ormqr: tau.shape[-1] must be less than or equal to input.shape[-1]"],
    [() => torch.ormqr(A, rand64(3, 3), C), "torch.ormqr: Expected tau to have one dimension less than input, but got tau.ndim equal to 2 and input.ndim is equal to 2"],
    [() => torch.ormqr(rand64(2, 4, 3), rand64(2, 3), C), "torch.ormqr: Expected other to have the same number of dimensions as input, but got other.ndim equal to 2 and input.ndim is equal to 3"],
    [() => torch.ormqr(rand64(2, 5, 3), rand64(3, 3), rand64(2, 5, 2)), "torch.ormqr: Expected batch dimensions of tau to be equal to input.shape[:-2], but got [3]"],
    [() => torch.ormqr(rand64(2, 5, 3), rand64(2, 3), rand64(3, 5, 2)), "torch.ormqr: Expected batch dimensions of other to be equal to input.shape[:-2], but got [3]"],
    [() => torch.ormqr(A.to("float32"), tau, C.to("float32")), "torch.ormqr: Expected input and tau to have the same dtype, but input has dtypeFloat and tau has dtype Double"],
    [() => torch.ormqr(A, tau, C.to("float32")), "torch.ormqr: Expected input and other to have the same dtype, but input has dtypeDouble and other has dtype Float"],
    [() => torch.ormqr(A.to("int32"), tau.to("int32"), C.to("int32")), `"ormqr_cpu" not implemented for 'Int'`],
    [() => torch.triangularSolve(rand64(3), rand64(3, 3)), "torch.triangular_solve: Expected b to have at least 2 dimensions, but it has 1 dimensions instead"],
    [() => torch.triangularSolve(rand64(3, 2), rand64(3)), "torch.triangular_solve: Expected A to have at least 2 dimensions, but it has 1 dimensions instead"],
    [() => torch.triangularSolve(rand64(3, 2), rand64(3, 4)), "A must be batches of square matrices, but they are 3 by 4 matrices"],
    [() => torch.triangularSolve(rand64(4, 2), rand64(3, 3)), "Incompatible matrix sizes for triangular_solve: each A matrix is 3 by 3 but each b matrix is 4 by 2"],
    [() => torch.triangularSolve(rand64(3, 2), rand64(3, 3).to("float32")), "Expected b and A to have the same dtype, but found b of type Double and A of type Float instead."],
    [() => torch.triangularSolve(rand64(3, 2).to("int32"), rand64(3, 3).to("int32")), `"triangular_solve_cpu" not implemented for 'Int'`],
    [() => torch.triangularSolve(rand64(2, 3, 2), rand64(3, 3, 3)), "The size of tensor a (2) must match the size of tensor b (3) at non-singleton dimension 0"],
    [() => torch.histogramdd(rand64(5), 3), "torch.histogramdd: input tensor should have at least 2 dimensions"],
    [() => torch.histogramdd(rand64(5, 2), 3, { range: [0, 1] }), "torch.histogramdd: for a 2-dimensional histogram range should have 4 elements, but got 2"],
    [() => torch.histogramdd(rand64(5, 2), [torch.tensor([0, 1], { dtype: "float64" })]), "torch.histogramdd: expected 2 sequences of bin edges for a 2-dimensional histogram but got 1"],
    [() => torch.histogramdd(rand64(5, 2), 3, { weight: torch.ones([4], { dtype: "float64" }) }), "torch.histogramdd: if weight tensor is provided it should have the same shape as the input tensor excluding its innermost dimension, but got input with shape [5, 2] and weight with shape [4]"],
    [() => torch.histogramdd(rand64(5, 2), 3, { weight: torch.ones([5]) }), "torch.histogramdd: if weight tensor is provided, input tensor and weight tensor should have the same dtype, but got input(double), and weight(float)"],
    [() => torch.histogramdd(rand64(5, 2).to("int32"), 3), `"histogramdd" not implemented for 'Int'`],
    [() => torch.histogramdd(rand64(5, 2), [3, 0]), "torch.histogram(): bins must be > 0, but got 0 for dimension 1"],
    [() => torch.histogramdd(rand64(5, 2), 3, { range: [1, 0, 0, 1] }), "torch.histogramdd: min should not exceed max, but got min 1 max 0 for dimension 0"],
    [() => torch.histogramdd(rand64(5, 2), [torch.tensor([0, 1], { dtype: "float64" }), torch.tensor([[0, 1]], { dtype: "float64" })]), "torch.histogramdd: bins tensor should have one dimension, but got 2 dimensions in the bins tensor for dimension 1"],
    [() => torch.histogramdd(rand64(5, 2), [torch.tensor([0, 1], { dtype: "float64" }), torch.tensor([0.5, 1])]), "torch.histogramdd: input tensor and bins tensors should have the same dtype, but got input with dtype double and bins for dimension 1 with dtype float"],
    [() => torch.histogramdd(rand64(5, 2), [torch.tensor([0, 1], { dtype: "float64" }), torch.tensor([], { dtype: "float64" })]), "torch.histogramdd: bins tensor should have at least 1 element, but got 0 elements in the bins tensor for dimension 1"],
    [() => torch.histogramdd(torch.tensor([[0.5, 0.1], [0.3, Infinity]]), 2), "torch.histogramdd: dimension 1's range [0.1, inf] is not finite"],
    [() => torch.lobpcg(rand64(8, 8), 3), "LPBPCG algorithm is not applicable when the number of A rows (=8) is smaller than 3 x the number of requested eigenpairs (=3)"],
    [() => torch.pcaLowrank(rand64(5, 3), 4), "q(=4) must be non-negative integer and not greater than min(m, n)=3"],
    [() => torch.pcaLowrank(rand64(5, 3), 2, true, -1), "niter(=-1) must be non-negative integer"],
  ];
  assert.deepEqual(cases.map(([f]) => msg(f)), cases.map(([, m]) => m));
});
