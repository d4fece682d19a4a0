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
});
