// torch.save / torch.load of sparse tensors in PyTorch's format (torch._utils._rebuild_sparse_tensor):
// files PyTorch 1.13 wrote (test/fixtures/sparse/, made by make_fixtures.py, which also writes the
// records PyTorch 2.11 writes), round trips, invariant checks on load, and Python 1.13 reading
// what torch-ts writes (skipped, saying why, where /usr/bin/python3 cannot import torch).
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as torch from "../src/index.js";
import { FormatError } from "../src/io/errors.js";
import { OrderedDict } from "../src/io/pickle-values.js";

type T = torch.Tensor;
const FIX = "test/fixtures/sparse";
const PYTHON = "/usr/bin/python3";
const probe = spawnSync(PYTHON, ["-c", "import torch"], { encoding: "utf8" });
const skip = probe.status === 0 ? false : `${PYTHON} cannot import torch (install Debian's python3-torch to run this round trip)`;

const refused = (path: string, pattern: RegExp): void => {
  assert.throws(() => torch.load(join(FIX, path)), (e: unknown) => e instanceof FormatError && pattern.test(e.message), `expected ${pattern}`);
};

describe("sparse COO checkpoints", () => {
  test("a state dict PyTorch 1.13 wrote: uncoalesced, hybrid and dense entries", () => {
    const sd = torch.load<OrderedDict<string, T>>(join(FIX, "coo_113.pt"));
    assert.ok(sd instanceof OrderedDict);
    const w = sd.get("weight")!, table = sd.get("table")!;
    assert.equal(w.layout, torch.sparseCoo);
    assert.equal(w.dtype, torch.float64);
    assert.equal(w.isCoalesced(), false);
    assert.deepEqual(w._indices().tolist(), [[1, 0, 1], [2, 1, 2]]);
    assert.deepEqual(w.toDense().tolist(), [[0, -2, 0], [0, 0, 4.5]]);
    assert.deepEqual([table.sparseDim(), table.denseDim(), table.dtype], [1, 1, torch.int32]);
    assert.deepEqual(table.toDense().tolist(), [[1, 2], [0, 0], [3, 4]]);
    assert.deepEqual(sd.get("bias")!.tolist(), [0.5, 1]);
  });

  test("PyTorch 2.11's record with is_coalesced keeps the flag", () => {
    const c = torch.load<Map<string, T>>(join(FIX, "coo_211.pt")).get("c")!;
    assert.equal(c.isCoalesced(), true);
    assert.deepEqual(c.indices().tolist(), [[0, 1], [1, 2]]);
    assert.deepEqual(c.values().tolist(), [-2, 4.5]);
  });

  test("a round trip keeps indices, values, size, dtype and sharing", () => {
    const s = torch.sparseCooTensor([[2, 0, 2], [1, 1, 1]], [1, 2, 3], [4, 2], { dtype: torch.float32 });
    const hybrid = torch.sparseCooTensor([[1]], [[5, 6]], [3, 2]);
    const empty = torch.sparseCooTensor(torch.zeros([2, 0], { dtype: torch.int64 }), torch.zeros([0]), [3, 3]);
    const back = torch.load<Map<string, T | T[]>>(torch.save({ s, both: [s, s], hybrid, empty }));
    const s2 = back.get("s") as T;
    assert.deepEqual([s2.shape, s2.dtype, s2.isCoalesced()], [[4, 2], torch.float32, false]);
    assert.deepEqual(s2._indices().tolist(), [[2, 0, 2], [1, 1, 1]]);
    assert.deepEqual(s2._values().tolist(), [1, 2, 3]);
    const [a, b] = back.get("both") as T[];
    assert.ok(a === s2 && b === s2, "one tensor saved twice loads as one tensor");
    assert.deepEqual((back.get("hybrid") as T).toDense().tolist(), [[0, 0], [5, 6], [0, 0]]);
    assert.deepEqual([(back.get("empty") as T)._nnz(), (back.get("empty") as T).shape], [0, [3, 3]]);
  });

  test("invariants are checked on load (nothing out of bounds gets in)", () => {
    refused("coo_bad_index.pt", /invalid sparse COO tensor: size is inconsistent with indices: for dim 0, size is 3 but found index 5/);
  });
});

describe("sparse CSR/CSC checkpoints", () => {
  test("PyTorch 1.13's CSR record and PyTorch 2.11's CSR/CSC records load", () => {
    const old = torch.load<Map<string, T>>(join(FIX, "csr_113.pt")).get("csr")!;
    assert.equal(old.layout, torch.sparseCsr);
    assert.deepEqual([old.crowIndices().tolist(), old.colIndices().tolist(), old.values().tolist()], [[0, 2, 2, 4], [1, 3, 0, 2], [1, 2, 3, 4]]);
    const m = torch.load<Map<string, T>>(join(FIX, "compressed_211.pt"));
    assert.deepEqual(m.get("csr")!.toDense().tolist(), old.toDense().tolist());
    assert.equal(m.get("csc")!.layout, torch.sparseCsc);
    assert.deepEqual(m.get("csc")!.toDense().tolist(), [[0, 1, 0, 2], [0, 0, 0, 0], [3, 0, 4, 0]]);
  });

  test("a round trip keeps the layout, index dtype and values; bad indices are refused", () => {
    const c = torch.sparseCsrTensor(torch.tensor([0, 1, 2], { dtype: torch.int32 }), torch.tensor([1, 0], { dtype: torch.int32 }), [1.5, 2]);
    const back = torch.load<Map<string, T>>(torch.save({ c, k: c.toSparseCsc() }));
    const c2 = back.get("c")!, k2 = back.get("k")!;
    assert.deepEqual([c2.layout, c2.crowIndices().dtype, c2.colIndices().tolist(), c2.values().tolist()], [torch.sparseCsr, torch.int32, [1, 0], [1.5, 2]]);
    assert.deepEqual([k2.layout, k2.toDense().tolist()], [torch.sparseCsc, [[0, 1.5], [2, 0]]]);
    refused("csr_bad_crow.pt", /invalid torch\.sparse_csr tensor: `crow_indices\[\.\.\., -1\] == nnz` is not satisfied\./);
  });
});

describe("Python reads what torch-ts writes", () => {
  test("PyTorch 1.13 loads torch-ts's sparse COO tensors, also with weights_only=True", { skip }, () => {
    const dir = mkdtempSync(join(tmpdir(), "torch-ts-sparse-"));
    try {
      const path = join(dir, "s.pt");
      const s = torch.sparseCooTensor([[1, 0, 1], [2, 1, 2]], [1.5, -2, 3], [2, 3], { dtype: torch.float64 });
      torch.save(new Map<string, T>([["w", s], ["b", torch.tensor([1, 2])]]), path);
      const code = [
        "import json, sys, torch",
        "for wo in (True, False):",
        "    sd = torch.load(sys.argv[1], weights_only=wo)",
        "    w = sd['w']",
        "    print(json.dumps([type(sd).__name__, str(w.layout), str(w.dtype), w._indices().tolist(), w._values().tolist(), w.to_dense().tolist(), sd['b'].tolist()]))",
      ].join("\n");
      const r = spawnSync(PYTHON, ["-W", "ignore", "-c", code, path], { encoding: "utf8" });
      assert.equal(r.status, 0, r.stderr);
      const expected = ["OrderedDict", "torch.sparse_coo", "torch.float64", [[1, 0, 1], [2, 1, 2]], [1.5, -2, 3], [[0, -2, 0], [0, 0, 4.5]], [1, 2]];
      for (const line of r.stdout.trim().split("\n")) assert.deepEqual(JSON.parse(line), expected);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("CSR/CSC files are PyTorch 2.x's records (1.13 refuses them; its loader with 2.x's _rebuild_sparse_tensor reads them)", { skip }, () => {
    const dir = mkdtempSync(join(tmpdir(), "torch-ts-sparse-"));
    try {
      const path = join(dir, "c.pt");
      const c = torch.tensor([[0, 1.5], [2, 0]], { dtype: torch.float32 }).toSparseCsr();
      torch.save({ c, k: c.toSparseCsc() }, path);
      const code = [
        "import json, sys, torch, torch._utils as u",
        "try:",
        "    torch.load(sys.argv[1], weights_only=True); print('loaded')",
        "except Exception:",
        "    print('refused')",
        "orig = u._rebuild_sparse_tensor",
        "def as211(layout, data):",
        "    if layout in (torch.sparse_csr, torch.sparse_csc):",
        "        c, p, v, size = data",
        "        return torch.sparse_compressed_tensor(c, p, v, size, layout=layout)",
        "    return orig(layout, data)",
        "u._rebuild_sparse_tensor = as211",
        "d = torch.load(sys.argv[1])",
        "print(json.dumps([str(d['c'].layout), d['c'].crow_indices().tolist(), str(d['k'].layout), d['k'].row_indices().tolist(), d['k'].to_dense().tolist()]))",
      ].join("\n");
      const r = spawnSync(PYTHON, ["-W", "ignore", "-c", code, path], { encoding: "utf8" });
      assert.equal(r.status, 0, r.stderr);
      const [first, second] = r.stdout.trim().split("\n");
      assert.equal(first, "refused");
      assert.deepEqual(JSON.parse(second!), ["torch.sparse_csr", [0, 1, 2], "torch.sparse_csc", [1, 0], [[0, 1.5], [2, 0]]]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
