// Sparse BSR/BSC tensors: construction with PyTorch's invariant checks, printing, conversions among
// the layouts, transpose, products with a dense operand and their gradients. Printing and messages
// recorded from PyTorch 1.13 (CPU) where it has them; conversions 1.13 lacks (BSR -> COO) and the
// products (1.13 needs MKL) follow PyTorch 2.11's code, checked against the dense computation.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../src/index.js";
import { throwsMsg } from "./support/recorded.js";

type T = torch.Tensor;
const long = (v: number[]): T => torch.tensor(v, { dtype: torch.int64 });
const DENSE = [[1, 2, 0, 0], [3, 4, 0, 0], [0, 0, 0, 5], [0, 0, 6, 0]];
const dense = (): T => torch.tensor(DENSE, { dtype: torch.float32 });
const bsr = (): T => dense().toSparseBsr([2, 2]);

describe("sparse BSR/BSC: construction and printing", () => {
  test("to_sparse_bsr / to_sparse_bsc of a dense tensor: members and repr (PyTorch 1.13)", () => {
    const b = bsr();
    assert.deepEqual([b.layout, b._nnz(), b.sparseDim(), b.denseDim(), b.values().shape], [torch.sparseBsr, 2, 2, 0, [2, 2, 2]]);
    assert.deepEqual([b.crowIndices().tolist(), b.colIndices().tolist()], [[0, 1, 2], [0, 1]]);
    assert.equal(String(b), [
      "tensor(crow_indices=tensor([0, 1, 2]),",
      "       col_indices=tensor([0, 1]),",
      "       values=tensor([[[1., 2.],",
      "                       [3., 4.]],",
      "",
      "                      [[0., 5.],",
      "                       [6., 0.]]]), size=(4, 4), nnz=2,",
      "       layout=torch.sparse_bsr)",
    ].join("\n"));
    assert.deepEqual(b.toDense().tolist(), DENSE);
    const k = torch.tensor([[1, 0, 0, 0], [0, 0, 0, 1]], { dtype: torch.float32 }).toSparseBsc([2, 1]);
    assert.equal(String(k), [
      "tensor(ccol_indices=tensor([0, 1, 1, 1, 2]),",
      "       row_indices=tensor([0, 0]),",
      "       values=tensor([[[1.],",
      "                       [0.]],",
      "",
      "                      [[0.],",
      "                       [1.]]]), size=(2, 4), nnz=2, layout=torch.sparse_bsc)",
    ].join("\n"));
    throwsMsg(() => b.rowIndices(), '"row_indices" expected sparse column compressed tensor layout but got SparseBsr');
    const empty = torch.zeros([2, 4, 4]).toSparseBsr([2, 2]);
    assert.deepEqual([empty.crowIndices().tolist(), empty.colIndices().shape, empty.values().shape], [[[0, 0, 0], [0, 0, 0]], [2, 0], [2, 0, 2, 2]]);
  });

  test("constructors infer the size from blocks; hybrid and batched blocks", () => {
    const b = torch.sparseBsrTensor(long([0, 1, 2]), long([0, 1]), torch.ones([2, 2, 3]));
    assert.deepEqual(b.shape, [4, 6]);
    assert.deepEqual(b.toDense().sum(1).tolist(), [3, 3, 3, 3]);
    const hybrid = torch.sparseBsrTensor(long([0, 1, 2]), long([0, 1]), torch.ones([2, 2, 3, 4]));
    assert.deepEqual([hybrid.shape, hybrid.denseDim()], [[4, 6, 4], 1]);
    // Dense -> hybrid BSR (PyTorch 2.x; 1.13 misplaces the block dims when dense_dim > 0).
    const ones = torch.ones([4, 6, 2]).narrow(1, 0, 3).contiguous();
    const fromDense = torch.cat([ones, torch.zeros([4, 3, 2])], 1).toSparseBsr([2, 3], 1);
    assert.deepEqual([fromDense.crowIndices().tolist(), fromDense.colIndices().tolist(), fromDense.values().shape], [[0, 1, 2], [0, 0], [2, 2, 3, 2]]);
    assert.deepEqual(fromDense.toDense().sum().item(), 24);
    throwsMsg(() => torch.mm(fromDense, torch.ones([6, 1])), "mat1 must be a matrix, got 3-D tensor");
    const viaLayout = torch.sparseCompressedTensor(long([0, 1, 2]), long([1, 0]), torch.arange(8, { dtype: torch.float32 }).reshape([2, 2, 2]), [4, 4], { layout: torch.sparseBsc });
    assert.deepEqual(viaLayout.toDense().tolist(), [[0, 0, 4, 5], [0, 0, 6, 7], [0, 1, 0, 0], [2, 3, 0, 0]]);
    const batched = torch.tensor([[[1, 0, 2], [0, 3, 0]], [[0, 4, 0], [5, 0, 6]]], { dtype: torch.float32 }).toSparseBsr([1, 1]);
    assert.deepEqual([batched.crowIndices().tolist(), batched.values().shape], [[[0, 2, 3], [0, 1, 3]], [2, 3, 1, 1]]);
  });

  test("PyTorch's invariant checks, in its words (PyTorch 1.13)", () => {
    const c = long([0, 1, 2]), p = long([0, 1]), v = torch.ones([2, 2, 3]);
    throwsMsg(() => torch.sparseBsrTensor(c, p, v, [4, 7]), "tensor shape[1] (=7) must be divisible with blocksize[1] (=3) as defined by values shape");
    throwsMsg(() => torch.sparseBsrTensor(c, p, v, [5, 6]), "tensor shape[0] (=5) must be divisible with blocksize[0] (=2) as defined by values shape");
    throwsMsg(() => torch.sparseBsrTensor(c, p, v, [4, 3]), "`0 <= col_indices < ncols` is not satisfied.");
    throwsMsg(() => torch.sparseBsrTensor(c, long([0, 2]), v, [4, 6]), "`0 <= col_indices < ncols` is not satisfied.");
    throwsMsg(() => torch.sparseBsrTensor(c, p, torch.ones([2, 2])), "values must have dimensionality > sum of batch and block dimensionalities (=0 + 2) but got 2");
    throwsMsg(() => torch.sparseBscTensor(long([0, 1, 2]), long([0, 2]), v, [4, 6]), "`0 <= row_indices < nrows` is not satisfied.");
    throwsMsg(() => dense().toSparseBsr([3, 2]), "Tensor size(-2) 4 needs to be divisible by blocksize[0] 3");
    throwsMsg(() => dense().toSparseBsr([0, 2]), "blocksize needs to be non zero, but got [0, 2]");
  });
});

describe("sparse BSR/BSC: conversions", () => {
  test("BSR <-> BSC flip (blocks kept as they are), CSR -> BSR, COO -> BSR/BSC, to COO", () => {
    const b = bsr();
    const k = b.toSparseBsc([2, 2]);
    assert.deepEqual([k.layout, k.ccolIndices().tolist(), k.rowIndices().tolist()], [torch.sparseBsc, [0, 1, 2], [0, 1]]);
    assert.deepEqual(k.values().tolist(), b.values().tolist());
    assert.deepEqual(k.toSparseBsr([2, 2]).toDense().tolist(), DENSE);
    const off = torch.tensor([[0, 0, 1, 0], [0, 0, 0, 0], [2, 0, 0, 0], [0, 3, 0, 0]], { dtype: torch.float32 });
    const flipped = off.toSparseBsr([2, 2]).toSparseBsc([2, 2]);
    assert.deepEqual([flipped.ccolIndices().tolist(), flipped.rowIndices().tolist(), flipped.values().tolist()],
      [[0, 1, 2], [1, 0], [[[2, 0], [0, 3]], [[1, 0], [0, 0]]]]);
    assert.deepEqual(dense().toSparseCsr().toSparseBsr([2, 2]).values().tolist(), b.values().tolist());
    assert.deepEqual(dense().toSparse().toSparseBsr([2, 2]).colIndices().tolist(), [0, 1]);
    assert.deepEqual(dense().toSparse().toSparseBsc([2, 2]).toDense().tolist(), DENSE);
    assert.deepEqual(dense().toSparse({ layout: torch.sparseBsr, blocksize: [2, 2] }).crowIndices().tolist(), [0, 1, 2]);
    assert.deepEqual(b.toSparse({ layout: torch.sparseBsc }).layout, torch.sparseBsc);
    // COO of a BSR tensor: every element of a stored block (zeros included), block by block.
    const coo = b.toSparse();
    assert.deepEqual([coo._nnz(), coo.isCoalesced()], [8, false]);
    assert.deepEqual(coo._indices().tolist(), [[0, 0, 1, 1, 2, 2, 3, 3], [0, 1, 0, 1, 2, 3, 2, 3]]);
    assert.deepEqual(coo._values().tolist(), [1, 2, 3, 4, 0, 5, 6, 0]);
  });

  test("the conversions PyTorch refuses, in its words", () => {
    const b = bsr();
    throwsMsg(() => b.toSparseCsr(), "sparse_compressed_to_sparse_csr expected SparseCsr or SparseCsc layout but got SparseBsr");
    throwsMsg(() => dense().toSparseCsc().toSparseBsr([2, 2]), "sparse_compressed_to_sparse_bsr expected SparseCsr, SparseBsr or SparseBsc layout but got SparseCsc");
    throwsMsg(() => dense().toSparseCsr().toSparseBsc([2, 2]), "sparse_compressed_to_sparse_bsc expected SparseBsr or SparseBsc layout but got SparseCsr");
    throwsMsg(() => dense().toSparseCsr().toSparseBsr([1, 2]), "blocks must be square. Got (1, 2) instead.");
    throwsMsg(() => b.toSparseBsc([1, 1]), "to_sparse_bsc:conversion from SparseBsr[blocksize=[2, 2]] to SparseBsc[blocksize=[1, 1]] is not implemented.");
    throwsMsg(() => dense().toSparse({ layout: torch.sparseBsr }), "to_sparse: Strided to SparseBsr conversion requires blocksize specified.");
  });
});

describe("sparse BSR/BSC: transpose and products", () => {
  test("t() is BSC over the same indices with each block transposed (PyTorch 1.13)", () => {
    const t = bsr().t();
    assert.deepEqual([t.layout, t.ccolIndices().tolist(), t.rowIndices().tolist()], [torch.sparseBsc, [0, 1, 2], [0, 1]]);
    assert.deepEqual(t.values().tolist(), [[[1, 3], [2, 4]], [[0, 6], [5, 0]]]);
    assert.deepEqual(t.toDense().tolist(), dense().t().tolist());
  });

  test("mm / matmul / addmm / sparse.mm with a block operand match the dense products; gradients reach both", () => {
    const w = torch.arange(12, { dtype: torch.float32 }).reshape([4, 3]);
    const want = dense().mm(w).tolist();
    assert.deepEqual(torch.mm(bsr(), w).tolist(), want);
    assert.deepEqual(bsr().toSparseBsc([2, 2]).matmul(w).tolist(), want);
    assert.deepEqual(torch.sparse.mm(bsr(), w).tolist(), want);
    assert.deepEqual(bsr().matmul(torch.ones([4])).tolist(), [3, 7, 5, 6]);
    assert.deepEqual(torch.addmm(torch.ones([4, 3]), bsr(), w, { beta: 2 }).tolist(), dense().mm(w).add(2).tolist());
    const d = w.double().requiresGrad_(true);
    const v = bsr().values().double().requiresGrad_(true);
    const b = torch.sparseBsrTensor(long([0, 1, 2]), long([0, 1]), v, [4, 4]);
    torch.sparse.mm(b, d).mul(torch.arange(12, { dtype: torch.float64 }).reshape([4, 3])).sum().backward();
    const g = torch.arange(12, { dtype: torch.float64 }).reshape([4, 3]);
    assert.deepEqual(d.grad!.tolist(), dense().double().t().mm(g).tolist());
    // The values' gradient is (g @ d^T) at the stored blocks' elements.
    const full = g.mm(w.double().t()).tolist() as number[][];
    assert.deepEqual(v.grad!.tolist(), [[[full[0]![0], full[0]![1]], [full[1]![0], full[1]![1]]], [[full[2]![2], full[2]![3]], [full[3]![2], full[3]![3]]]]);
    throwsMsg(() => torch.mm(bsr(), torch.ones([3, 2])), "mat1 and mat2 shapes cannot be multiplied (4x4 and 3x2)");
  });

  test("value ops keep the blocks", () => {
    assert.deepEqual(bsr().mul(2).values().tolist(), [[[2, 4], [6, 8]], [[0, 10], [12, 0]]]);
    const sum = bsr().add(bsr());
    assert.deepEqual([sum.layout, sum.values().shape, sum.toDense().tolist()], [torch.sparseBsr, [2, 2, 2], dense().mul(2).tolist()]);
    assert.deepEqual(bsr().neg().layout, torch.sparseBsr);
  });
});
