// Products involving batched, hybrid and N-D operands next to sparse tensors, as PyTorch 1.13's CPU
// runs them: matmul of a 2-D CSR/CSC with an N-D dense tensor (either side), CSR @ CSR as CSR, COO
// bmm, the refusals of what 1.13 does not run (batched/hybrid compressed products, bmm/baddbmm of
// compressed tensors, COO operands where 1.13 has no kernel) and sparse_resize_ growing dense dims.
// Values, gradients and messages recorded by test/fixtures/sparse/batched-products.py.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as torch from "../src/index.js";
import { closeNested, throwsMsg } from "./support/recorded.js";

type T = torch.Tensor;
interface Fixture {
  values: Record<string, unknown>;
  errors: Record<string, string>;
  grads: Record<string, unknown>;
}
const FIX = JSON.parse(readFileSync("test/fixtures/sparse/batched-products.json", "utf8")) as Fixture;

const f32 = (v: unknown): T => torch.tensor(v as number[], { dtype: torch.float32 });
const A2 = (): T => f32([[1, 0, 2], [0, 3, 0]]);
const B2 = (): T => f32([[1, 0], [0, 2], [3, 0]]);
const S2 = (): T => f32([[1, 0], [2, 3]]);
const D3 = (): T => torch.arange(24, { dtype: torch.float32 }).reshape([2, 3, 4]);
const L3 = (): T => torch.arange(16, { dtype: torch.float32 }).reshape([2, 4, 2]);
const X4 = (): T => torch.arange(24, { dtype: torch.float32 }).reshape([2, 3, 2, 2]);
const BATCH = (): T => f32([[[1, 0, 2], [0, 3, 0]], [[0, 4, 0], [5, 0, 6]]]);
const b3 = (): T => BATCH().toSparseCsr();
const coo3 = (): T => BATCH().toSparse();
const hyb = (): T => torch.sparseCsrTensor(torch.tensor([0, 2, 3]), torch.tensor([0, 2, 1]), f32([[1, 2], [3, 0], [4, 4]]), [2, 3, 2]);
const ones = (...s: number[]): T => torch.ones(s);
const dense = (t: T): unknown => (t.layout === torch.strided ? t : t.toDense()).tolist();
const expectValue = (name: string, t: T): void => closeNested(dense(t), FIX.values[name], 1e-6, name);

describe("2-D compressed with N-D dense operands (matmul folds the batch dims)", () => {
  test("values as PyTorch 1.13's, CSR and CSC, either side, 3-D and 4-D", () => {
    expectValue("matmul_csr_dense3", torch.matmul(A2().toSparseCsr(), D3()));
    expectValue("matmul_dense3_csr", torch.matmul(L3(), A2().toSparseCsr()));
    expectValue("matmul_csc_dense3", torch.matmul(A2().toSparseCsc(), D3()));
    expectValue("matmul_csr_dense4", torch.matmul(S2().toSparseCsr(), X4()));
    expectValue("matmul_dense4_csc", torch.matmul(X4(), S2().toSparseCsc()));
    expectValue("matmul_csr_dense3", A2().toSparseCsr().matmul(D3()));
  });

  test("gradients reach the dense operand; a CSR leaf's is CSR of its pattern (1.13's dense one there)", () => {
    const d = D3().requiresGrad_();
    torch.matmul(A2().toSparseCsr(), d).pow(2).sum().backward();
    closeNested(d.grad!.tolist(), FIX.grads["matmul_csr_dense3.dense"], 1e-6);
    const l = L3().requiresGrad_();
    torch.matmul(l, A2().toSparseCsr()).pow(2).sum().backward();
    closeNested(l.grad!.tolist(), FIX.grads["matmul_dense3_csr.dense"], 1e-6);
    const c = A2().toSparseCsr().requiresGrad_();
    torch.matmul(L3(), c).pow(2).sum().backward();
    assert.equal(c.grad!.layout, torch.sparseCsr);
    assert.deepEqual([c.grad!.crowIndices().tolist(), c.grad!.colIndices().tolist()], [[0, 2, 3], [0, 2, 1]]);
    const mask = A2().ne(0);
    closeNested(c.grad!.toDense().tolist(), torch.tensor(FIX.grads["matmul_dense3_csr.sparse"] as number[][]).mul(mask).tolist(), 1e-6);
  });

  test("shape and dtype errors in 1.13's words (from its folded product)", () => {
    throwsMsg(() => torch.matmul(S2().toSparseCsr(), ones(2, 3, 2)), FIX.errors.matmul_csr_dense3_mismatch!);
    throwsMsg(() => torch.matmul(ones(2, 3, 3), S2().toSparseCsr()), FIX.errors.matmul_dense3_csr_mismatch!);
    throwsMsg(() => torch.matmul(S2().toSparseCsr(), torch.ones([2, 2, 2], { dtype: torch.float64 })), FIX.errors.matmul_csr_dense3_dtype!);
  });
});

describe("CSR @ CSR", () => {
  test("mm / matmul / sparse.mm of CSR and CSC operands give a CSR tensor (1.13's _sparse_csr_mm)", () => {
    const a = A2().toSparseCsr(), b = B2().toSparseCsr();
    for (const r of [torch.mm(a, b), torch.matmul(a, b), torch.sparse.mm(a, b), torch.mm(A2().toSparseCsc(), B2().toSparseCsc()), torch.mm(a, B2().toSparseCsc())]) {
      assert.equal(r.layout, torch.sparseCsr);
      expectValue("mm_csr_csr", r);
    }
    const r = torch.addmm(torch.eye(2).toSparseCsr(), a, b, { beta: 2, alpha: 3 });
    assert.equal(r.layout, torch.sparseCsr);
    expectValue("addmm_csr_csr_csr", r);
  });

  test("gradients reach both values, each at its own pattern", () => {
    const a = A2().toSparseCsr().requiresGrad_(), b = B2().toSparseCsr().requiresGrad_();
    torch.mm(a, b).toDense().pow(2).sum().backward();
    const at = (g: unknown, m: T): unknown => torch.tensor(g as number[][]).mul(m.ne(0)).tolist();
    assert.equal(a.grad!.layout, torch.sparseCsr);
    closeNested(a.grad!.toDense().tolist(), at(FIX.grads["mm_csr_csr.a"], A2()), 1e-6);
    closeNested(b.grad!.toDense().tolist(), at(FIX.grads["mm_csr_csr.b"], B2()), 1e-6);
  });

  test("what 1.13 has no kernel for refuses", () => {
    throwsMsg(() => torch.mm(ones(2, 2).toSparseBsr([1, 1]), ones(2, 2).toSparseBsr([1, 1])), FIX.errors.mm_bsr_bsr!);
    const cases: Record<string, () => unknown> = {
      addmm_dense_csr_csr: () => torch.addmm(ones(2, 2), A2().toSparseCsr(), B2().toSparseCsr()),
      mm_csr_coo: () => torch.mm(A2().toSparseCsr(), B2().toSparse()),
      mm_coo_csr: () => torch.mm(A2().toSparse(), B2().toSparseCsr()),
      addmm_coo_input_csr: () => torch.addmm(torch.eye(2).toSparse(), A2().toSparseCsr(), B2()),
      addmm_csr_input_csr_dense: () => torch.addmm(torch.eye(2).toSparseCsr(), A2().toSparseCsr(), B2()),
      sparse_mm_dense_csr: () => torch.sparse.mm(S2(), A2().toSparseCsr()),
      sparse_mm_coo_csr: () => torch.sparse.mm(S2().toSparse(), A2().toSparseCsr()),
      sparse_mm_dense_coo: () => torch.sparse.mm(S2(), A2().toSparse()),
    };
    for (const [name, f] of Object.entries(cases)) throwsMsg(f, FIX.errors[name]!);
  });

  test("torch.sparse.mm / sparse.addmm with a dense first operand", () => {
    expectValue("sparse_mm_dense_dense", torch.sparse.mm(S2(), S2()));
    expectValue("sparse_addmm_dense_dense_csr", torch.sparse.addmm(ones(2, 3), S2(), A2().toSparseCsr(), { beta: 2, alpha: 3 }));
  });
});

describe("torch.bmm of a sparse COO batch", () => {
  test("values (duplicates add up) and BmmBackward0 to the dense operand", () => {
    expectValue("bmm_coo_dense", torch.bmm(coo3(), D3()));
    const unc = torch.sparseCooTensor([[1, 0, 0], [0, 1, 1], [1, 2, 2]], f32([1, 2, 3]), [2, 2, 3]);
    expectValue("bmm_coo_uncoalesced", unc.bmm(D3()));
    const d = D3().requiresGrad_();
    const r = torch.bmm(coo3(), d);
    assert.equal(r.gradFn!.name(), FIX.grads["bmm_coo_dense.gradFn"]);
    r.pow(2).sum().backward();
    closeNested(d.grad!.tolist(), FIX.grads["bmm_coo_dense.dense"], 1e-6);
    const s = coo3().requiresGrad_();
    throwsMsg(() => torch.bmm(s, D3()).sum().backward(), FIX.errors.bmm_coo_sparse_grad!);
  });

  test("integer values, out=, and the in-place / composite forms of the 2-D products", () => {
    expectValue("bmm_coo_int", torch.bmm(BATCH().long().toSparse(), D3().long()));
    const out = torch.empty(2, 2, 4);
    assert.equal(torch.bmm(coo3(), D3(), { out }), out);
    expectValue("bmm_coo_out", out);
    expectValue("addmm__coo", ones(2, 2).addmm_(A2().toSparse(), B2(), { beta: 2, alpha: 3 }));
    expectValue("addmm__csr", ones(2, 2).addmm_(A2().toSparseCsr(), B2(), { beta: 2, alpha: 3 }));
    expectValue("addmm__dense_csr", ones(2, 3).addmm_(S2(), A2().toSparseCsr()));
    expectValue("chain_matmul_csr", torch.chainMatmul(A2().toSparseCsr(), B2(), S2()));
  });

  test("PyTorch's checks, in its order", () => {
    const cases: Record<string, () => unknown> = {
      bmm_coo_hybrid: () => torch.bmm(BATCH().toSparse(2), D3()),
      bmm_coo_2sparse: () => torch.bmm(A2().toSparse(), D3()),
      bmm_dense_coo: () => torch.bmm(L3().get(":", ":3", ":2"), coo3()),
      bmm_coo_coo: () => torch.bmm(coo3(), D3().toSparse()),
      bmm_coo_batch: () => torch.bmm(coo3(), ones(3, 3, 4)),
      bmm_coo_inner: () => torch.bmm(coo3(), ones(2, 4, 4)),
      bmm_coo_dtype: () => torch.bmm(coo3(), D3().double()),
      bmm_coo_2d: () => torch.bmm(coo3(), D3().get(0)),
      baddbmm_coo: () => torch.baddbmm(ones(2, 2, 4), coo3(), D3()),
      addbmm_coo: () => torch.addbmm(ones(2, 4), coo3(), D3()),
      addbmm_csr: () => torch.addbmm(ones(2, 4), b3(), D3()),
      matmul_coo3_coo3: () => torch.matmul(coo3(), D3().toSparse()),
    };
    for (const [name, f] of Object.entries(cases)) throwsMsg(f, FIX.errors[name]!);
  });
});

describe("what PyTorch 1.13's CPU does not run, refused in its words", () => {
  const cases: Record<string, () => unknown> = {
    bmm_csr3: () => torch.bmm(b3(), D3()),
    bmm_dense_csr3: () => torch.bmm(L3().get(":", ":3", ":2"), b3()),
    bmm_bsr3: () => torch.bmm(ones(2, 2, 2).toSparseBsr([1, 1]), ones(2, 2, 3)),
    baddbmm_csr3: () => torch.baddbmm(ones(2, 2, 4), b3(), D3()),
    baddbmm_dense_csr3: () => torch.baddbmm(ones(2, 5, 3), ones(2, 5, 2), b3()),
    matmul_csr3: () => torch.matmul(b3(), D3()),
    matmul_dense_csr3: () => torch.matmul(ones(2, 5, 2), b3()),
    matmul_csc3: () => torch.matmul(BATCH().toSparseCsc(), D3()),
    matmul_bsr3: () => torch.matmul(ones(2, 2, 2).toSparseBsr([1, 1]), ones(2, 2, 3)),
    mm_csr3: () => torch.mm(b3(), D3()),
    mm_dense3_csr: () => torch.mm(ones(2, 3, 2), ones(2, 2).toSparseCsr()),
    mm_csr_dense3: () => torch.mm(A2().toSparseCsr(), D3()),
    addmm_csr3: () => torch.addmm(ones(2, 4), b3(), D3()),
    sparse_mm_csr3: () => torch.sparse.mm(b3(), D3()),
    sparse_mm_csr_dense3: () => torch.sparse.mm(A2().toSparseCsr(), D3()),
    sparse_addmm_csr3: () => torch.sparse.addmm(ones(2, 4), b3(), D3()),
    mm_hybrid: () => torch.mm(hyb(), ones(3, 2)),
    matmul_hybrid: () => torch.matmul(hyb(), ones(3, 2)),
    sparse_mm_hybrid: () => torch.sparse.mm(hyb(), ones(3, 2)),
    addmm_hybrid: () => torch.addmm(ones(2, 2), hyb(), ones(3, 2)),
    mv_hybrid: () => torch.mv(hyb(), ones(3)),
    mv_csr3: () => torch.mv(b3(), ones(3)),
    mv_csr_matrix: () => torch.mv(A2().toSparseCsr(), ones(3, 1)),
    mv_dense3: () => torch.mv(ones(2, 3, 4), ones(4)),
    matmul_coo3: () => torch.matmul(coo3(), D3()),
    matmul_coo_dense3: () => torch.matmul(A2().toSparse(), D3()),
    matmul_dense3_coo: () => torch.matmul(L3(), A2().toSparse()),
    matmul_vec_coo: () => torch.matmul(ones(2), A2().toSparse()),
    addmm_coo_input: () => torch.addmm(torch.eye(2).toSparse(), A2().toSparse(), B2()),
    sparse_addmm_coo_input: () => torch.sparse.addmm(torch.eye(2).toSparse(), A2().toSparse(), B2()),
    addmm_dense_coo_coo: () => torch.addmm(torch.eye(2), A2().toSparse(), B2().toSparse()),
    sparse_softmax_csr: () => torch.sparse.softmax(A2().toSparseCsr(), 1),
    sparse_log_softmax_csr: () => torch.sparse.logSoftmax(A2().toSparseCsr(), 1),
    sparse_sum_csr: () => torch.sparse.sum(b3()),
    sparse_sum_csr_dim: () => torch.sparse.sum(b3(), 0),
  };
  test("every recorded refusal", () => {
    for (const [name, f] of Object.entries(cases)) throwsMsg(f, FIX.errors[name]!);
  });
});

describe("gradcheck (float64) through the new products", () => {
  test("N-D matmul with CSR values and the dense operand, COO bmm's dense operand, CSR @ CSR values", () => {
    const f64 = (v: unknown): T => torch.tensor(v as number[], { dtype: torch.float64 });
    const crow = torch.tensor([0, 2, 3]), col = torch.tensor([0, 2, 1]);
    const v = f64([1, 2, 3]).requiresGrad_();
    const d = torch.arange(24, { dtype: torch.float64 }).reshape([2, 3, 4]).div(10).requiresGrad_();
    const left = (vals: T, x: T): T => torch.matmul(torch.sparseCsrTensor(crow, col, vals, [2, 3]), x);
    assert.ok(torch.autograd.gradcheck(left, [v, d]));
    const l = torch.arange(16, { dtype: torch.float64 }).reshape([2, 4, 2]).div(10).requiresGrad_();
    const right = (x: T, vals: T): T => torch.matmul(x, torch.sparseCsrTensor(crow, col, vals, [2, 3]));
    assert.ok(torch.autograd.gradcheck(right, [l, v]));
    const s = BATCH().double().toSparse();
    assert.ok(torch.autograd.gradcheck((x: T) => torch.bmm(s, x), [d]));
    const w = f64([1, 2, 3]).requiresGrad_();
    const bcrow = torch.tensor([0, 1, 2, 3]), bcol = torch.tensor([0, 1, 0]);
    const csrCsr = (x: T, y: T): T => torch.mm(torch.sparseCsrTensor(crow, col, x, [2, 3]), torch.sparseCsrTensor(bcrow, bcol, y, [3, 2])).toDense();
    assert.ok(torch.autograd.gradcheck(csrCsr, [v, w]));
  });
});

describe("sparse COO products: PyTorch 1.13's checks and broadcast inputs", () => {
  const a = (): T => A2().toSparse();
  const I2 = (): T => torch.eye(2).toSparse();
  const h1 = (): T => torch.sparseCooTensor([[0, 1]], ones(2, 3), [2, 3]);
  const h2 = (): T => torch.sparseCooTensor([[0, 1], [0, 2]], ones(2, 2), [2, 3, 2]);
  const c3 = (): T => ones(2, 2, 3).toSparse();
  const double = (...s: number[]): T => torch.ones(s, { dtype: torch.float64 });

  test("addmm / sparse.addmm broadcast a dense input", () => {
    expectValue("coo_addmm_input_broadcast", torch.addmm(ones(2), a(), ones(3, 2)));
    expectValue("coo_sparse_addmm_input_broadcast", torch.sparse.addmm(ones(2), a(), ones(3, 2), { beta: 2, alpha: 3 }));
  });

  test("every recorded refusal", () => {
    const cases: Record<string, () => unknown> = {
      coo_mm_3sparse: () => torch.mm(c3(), ones(3, 2)),
      coo_mm_1sparse: () => torch.mm(h1(), ones(3, 2)),
      coo_sparse_mm_3sparse: () => torch.sparse.mm(c3(), ones(3, 2)),
      coo_mm_vector: () => torch.mm(a(), ones(3)),
      coo_mm_mismatch: () => torch.mm(a(), ones(2, 2)),
      coo_addmm_3sparse: () => torch.addmm(ones(2, 2), c3(), ones(3, 2)),
      coo_addmm_input_shape: () => torch.addmm(ones(3, 2), a(), ones(3, 2)),
      coo_addmm_input_dtype: () => torch.addmm(double(2, 2), a(), ones(3, 2)),
      coo_sparse_addmm_input_dtype: () => torch.sparse.addmm(double(2, 2), a(), ones(3, 2)),
      coo_mv_3sparse: () => torch.mv(c3(), ones(3)),
      coo_mv_mismatch: () => torch.mv(a(), ones(2)),
      coo_mv_1sparse: () => torch.mv(h1(), ones(3)),
      coo_matmul_vec_mismatch: () => torch.matmul(a(), ones(2)),
      coo_matmul_3sparse_vec: () => torch.matmul(c3(), ones(3)),
      coo_coo_dtype: () => torch.sparse.mm(a(), a().t().double()),
      coo_coo_mm_dtype: () => torch.mm(a(), a().t().double()),
      coo_coo_3d: () => torch.sparse.mm(c3(), a().t()),
      coo_coo_hybrid: () => torch.sparse.mm(h2(), a().t()),
      coo_coo_3d_right: () => torch.mm(a(), ones(2, 3, 2).toSparse()),
      sparse_addmm_coo_coo: () => torch.sparse.addmm(ones(2, 2), a(), ones(3, 2).toSparse()),
      hspmm_3sparse: () => torch.hspmm(c3(), ones(3, 2)),
      hspmm_hybrid: () => torch.hspmm(h2(), ones(3, 2)),
      hspmm_vector: () => torch.hspmm(a(), ones(3)),
      hspmm_mismatch: () => torch.hspmm(a(), ones(2, 2)),
      hspmm_dtype: () => torch.hspmm(a(), double(3, 2)),
      hspmm_sparse_mat2: () => torch.hspmm(a(), ones(3, 2).toSparse()),
      sspaddmm_3sparse: () => torch.sspaddmm(I2(), c3(), ones(3, 2)),
      sspaddmm_hybrid: () => torch.sspaddmm(I2(), h2(), ones(3, 2)),
      sspaddmm_vector: () => torch.sspaddmm(I2(), a(), ones(3)),
      sspaddmm_mismatch: () => torch.sspaddmm(I2(), a(), ones(2, 2)),
      sspaddmm_input_size: () => torch.sspaddmm(torch.eye(3).toSparse(), a(), ones(3, 2)),
      sspaddmm_dtype: () => torch.sspaddmm(I2(), a(), double(3, 2)),
      sspaddmm_input_dtype: () => torch.sspaddmm(I2().double(), a(), ones(3, 2)),
      sspaddmm_sparse_mat2: () => torch.sspaddmm(I2(), a(), ones(3, 2).toSparse()),
      smm_3sparse: () => torch.smm(c3(), ones(3, 2)),
      smm_sparse_mat2: () => torch.smm(a(), ones(3, 2).toSparse()),
    };
    for (const [name, f] of Object.entries(cases)) throwsMsg(f, FIX.errors[name]!);
  });
});

describe("elementwise ops with CSR operands", () => {
  const C2 = (): T => f32([[2, 5, 0], [0, 1, 7]]);
  const members = (t: T): unknown => ({ crow: t.crowIndices().tolist(), col: t.colIndices().tolist(), values: t.values().tolist() });

  test("CSR * CSR intersects, CSR * dense keeps the CSR's pattern, dense + CSR is dense (PyTorch 1.13)", () => {
    assert.deepEqual(members(A2().toSparseCsr().mul(C2().toSparseCsr())), FIX.values.csr_mul_csr);
    assert.deepEqual(members(A2().toSparseCsr().mul(f32([[0, 5, 0], [6, 0, 7]]))), FIX.values.csr_mul_dense);
    assert.deepEqual(members(C2().mul(A2().toSparseCsr())), FIX.values.dense_mul_csr);
    expectValue("dense_add_csr", C2().add(A2().toSparseCsr()));
    expectValue("dense_add_csr_alpha", torch.add(C2(), A2().toSparseCsr(), { alpha: 2 }));
    const d = C2();
    d.add_(A2().toSparseCsr());
    expectValue("dense_add__csr", d);
  });
});

describe("sparse_resize_ of dense dims", () => {
  const S = (): T => torch.sparseCooTensor([[0, 1, 1], [2, 0, 1]], f32([[1, 2], [3, 4], [5, 6]]), [2, 3, 2]);
  interface Grown { size: number[]; indices?: number[][]; valuesShape: number[]; flatPrefix: number[] }

  test("growing keeps the split and resizes the values as PyTorch does (flat order kept)", () => {
    const v = f32([[1, 2], [3, 4], [5, 6]]);
    const x = torch.sparseCooTensor([[0, 1, 1], [2, 0, 1]], v, [2, 3, 2]);
    x.sparseResize_([3, 4, 4], 2, 1);
    const want = FIX.values.resize_grow as Grown;
    assert.deepEqual([x.shape, x._indices().tolist(), x._values().shape], [want.size, want.indices, want.valuesShape]);
    assert.deepEqual((x._values().reshape(-1).tolist() as number[]).slice(0, 6), want.flatPrefix);
    assert.deepEqual(v.shape, [3, 2]);
    const y = S();
    y.sparseResize_([2, 3, 3], 2, 1);
    const kept = FIX.values.resize_grow_sparse_dims_kept as Grown;
    assert.deepEqual([y.shape, y._values().shape], [kept.size, kept.valuesShape]);
    assert.deepEqual((y._values().reshape(-1).tolist() as number[]).slice(0, 6), kept.flatPrefix);
  });

  test("shrinking, changing the split and leaves refuse in PyTorch's words", () => {
    // PyTorch's messages go on with the alternatives (sparse-resize.ts); their first line is recorded.
    assert.throws(() => S().sparseResize_([2, 3, 1], 2, 1), (e: Error) => e.message.startsWith(FIX.errors.resize_shrink_dense!));
    assert.throws(() => S().sparseResize_([2, 2, 2], 2, 1), (e: Error) => e.message.startsWith(FIX.errors.resize_shrink_sparse!));
    assert.throws(() => S().sparseResize_([2, 3, 2, 2], 2, 2), (e: Error) => e.message.startsWith(FIX.errors.resize_dense_count!));
    throwsMsg(() => S().requiresGrad_().sparseResize_([2, 3, 3], 2, 1), FIX.errors.resize_leaf!);
  });
});
