// Sparse gradients in nn and optim against PyTorch 1.13 (CPU): Embedding / EmbeddingBag with
// sparse=true give PyTorch's uncoalesced weight.grad, backward passes accumulate, zeroGrad and
// clipGradNorm_ handle sparse grads, and SparseAdam / SGD / Adagrad step an Embedding to PyTorch's
// parameters (1e-6) while the optimizers PyTorch refuses sparse grads for refuse them.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../src/index.js";
import { closeNested, throwsMsg } from "./support/recorded.js";

type T = torch.Tensor;
const long = (v: number[] | number[][]): T => torch.tensor(v, { dtype: torch.int64 });

function rawGrad(g: T | null, indices: number[][], values: number[][]): void {
  assert.ok(g && g.isSparse && !g.isCoalesced());
  assert.deepEqual(g._indices().tolist(), indices);
  closeNested(g._values().tolist(), values, 1e-6);
}

// Recorded from PyTorch 1.13: the flattened weight after 3 steps of `run` (see the Python below).
//   w0 = (arange(18).reshape(6,3) * 0.37).sin(); batches [[1,3],[1,0]], [[4,4],[2,1]], [[5,1],[0,0]];
//   loss = (out ** 2).sum() + out.sum() * 0.5; opt.zero_grad(); loss.backward(); opt.step()
const EXPECTED: Record<string, number[]> = {
  sparseAdam: [-0.185898781, 0.177274138, 0.49044019, 0.614798665, 0.714615226, 0.680128455, 0.722151816, 0.449630558, 0.106182575, -0.287294328, -0.429836243, -0.700666904, -0.888717294, -0.920826137, -0.818233907, -0.605358362, -0.29137224, -0.05706672],
  sparseAdamBetas: [0.093496136, 0.455564111, 0.768344045, 1.037266016, 1.137364745, 1.102786422, 0.835750639, 0.563229322, 0.21978116, -0.137298569, -0.579835296, -0.850666404, -1.002316236, -1.03442502, -0.93183279, -0.704554796, -0.390567333, 0.042129446],
  sgd: [-0.13000001, 0.043575417, 0.193658203, 0.189948276, 0.228418246, 0.215129688, 0.587252378, 0.369235367, 0.094476983, -0.199835673, -0.473868936, -0.690533519, -0.677878618, -0.697143853, -0.635588586, -0.58539176, -0.334202796, -0.044548318],
  sgdMomentum: [-0.19129999, -0.106392667, -0.032977179, -0.60855782, -0.639910758, -0.629080653, 0.438640058, 0.259321123, 0.033332329, -0.221280918, -0.378164977, -0.502205491, -0.475349426, -0.485495746, -0.453076631, -0.593776524, -0.336307853, -0.039412025],
  sgdNesterov: [-0.258969992, -0.271944761, -0.283163458, -0.753080845, -0.797071218, -0.78187573, 0.229326949, 0.104512267, -0.05278692, -0.230423361, -0.337364852, -0.421918213, -0.190097004, -0.187399909, -0.196017623, -0.509928644, -0.315257162, -0.090774946],
  adagrad: [-0.175315812, 0.177463353, 0.488772094, 0.718272269, 0.817889571, 0.783468306, 0.697555542, 0.425034314, 0.081586331, -0.287294596, -0.429836184, -0.700666845, -0.864121079, -0.896229863, -0.793637633, -0.57120049, -0.257214278, -0.091224618],
  bagSparseAdam: [-0.178081766, 0.175653279, 0.489403158, 0.611406863, 0.709136784, 0.675050497, 0.722151816, 0.449630558, 0.106182583, -0.287294537, -0.629836082, -0.900666773, -0.888717294, -0.920826137, -0.818233907, -0.733120978, -0.419134796, -0.057066727],
};

function run(makeOpt: (p: T[]) => torch.optim.Optimizer, steps = 3, bag = false): number[] {
  const w0 = torch.arange(18, { dtype: torch.float32 }).reshape(6, 3).mul(0.37).sin();
  const e = bag ? new torch.nn.EmbeddingBag(6, 3, { sparse: true, mode: "mean" }) : new torch.nn.Embedding(6, 3, { sparse: true });
  torch.noGrad(() => e.weight.copy_(w0));
  const opt = makeOpt([e.weight]);
  const batches = [long([[1, 3], [1, 0]]), long([[4, 4], [2, 1]]), long([[5, 1], [0, 0]])];
  for (let k = 0; k < steps; k++) {
    opt.zeroGrad(false);
    const out = e.forward(batches[k % 3]!);
    out.pow(2).sum().add(out.sum().mul(0.5)).backward();
    opt.step();
  }
  return e.weight.detach().reshape(-1).tolist() as number[];
}

describe("sparse gradients of Embedding / EmbeddingBag", () => {
  test("Embedding(sparse=true): one row per lookup, padding_idx left out, accumulation merges", () => {
    let e = new torch.nn.Embedding(5, 2, { sparse: true });
    e.forward(long([[1, 3], [1, 0]])).sum().backward();
    rawGrad(e.weight.grad, [[1, 3, 1, 0]], [[1, 1], [1, 1], [1, 1], [1, 1]]);
    e.forward(long([4])).sum().backward();
    rawGrad(e.weight.grad, [[1, 3, 1, 0, 4]], [[1, 1], [1, 1], [1, 1], [1, 1], [1, 1]]);
    e = new torch.nn.Embedding(5, 2, { sparse: true, paddingIdx: 1 });
    e.forward(long([[1, 3], [3, 0]])).sum().backward();
    rawGrad(e.weight.grad, [[3, 3, 0]], [[1, 1], [1, 1], [1, 1]]);
    const f = new torch.nn.Embedding(5, 2, { sparse: true, scaleGradByFreq: true });
    throwsMsg(() => f.forward(long([1, 1])).sum().backward(), "embedding_backward: scale_grad_by_freq not supported with sparse gradients");
  });

  test("EmbeddingBag(sparse=true), mean and weighted sum", () => {
    let b = new torch.nn.EmbeddingBag(5, 2, { sparse: true, mode: "mean" });
    b.forward(long([1, 3, 1, 0]), long([0, 3])).sum().backward();
    const third = 0.3333333432674408;
    rawGrad(b.weight.grad, [[1, 3, 1, 0]], [[third, third], [third, third], [third, third], [1, 1]]);
    b = new torch.nn.EmbeddingBag(5, 2, { sparse: true, mode: "sum", paddingIdx: 0 });
    b.forward(long([1, 3, 1, 0]), long([0, 3]), torch.tensor([1, 2, 3, 4], { dtype: torch.float32 })).sum().backward();
    rawGrad(b.weight.grad, [[1, 3, 1]], [[1, 1], [2, 2], [3, 3]]);
  });

  test("zeroGrad(false) empties a sparse grad in place; clipGradNorm_ scales it", () => {
    const e = new torch.nn.Embedding(5, 2, { sparse: true });
    e.forward(long([1, 3, 1])).mul(2).sum().backward();
    const g = e.weight.grad!;
    // PyTorch 1.13: total norm over the coalesced values ((4,4), (2,2)) = sqrt(40)
    const norm = torch.nn.utils.clipGradNorm_(e.parameters(), 1);
    closeNested((norm as T).item(), Math.sqrt(40), 1e-6);
    closeNested(g.coalesce().values().tolist(), [[4 / Math.sqrt(40), 4 / Math.sqrt(40)], [2 / Math.sqrt(40), 2 / Math.sqrt(40)]], 1e-5);
    e.zeroGrad(false);
    assert.equal(e.weight.grad, g);
    assert.deepEqual([g._nnz(), g.sparseDim(), g._indices().shape, g._values().shape], [0, 2, [2, 0], [0]]);
    // the next backward merges into the same grad object, as PyTorch's AccumulateGrad does
    e.forward(long([2])).sum().backward();
    assert.equal(e.weight.grad, g);
    assert.deepEqual([g._indices().tolist(), g._values().tolist()], [[[2]], [[1, 1]]]);
  });
});

describe("optimizers with sparse gradients", () => {
  test("SparseAdam, SGD (plain, momentum, nesterov) and Adagrad match PyTorch over 3 steps", () => {
    const cases: [string, (p: T[]) => torch.optim.Optimizer, boolean][] = [
      ["sparseAdam", (p) => new torch.optim.SparseAdam(p, { lr: 0.1 }), false],
      ["sparseAdamBetas", (p) => new torch.optim.SparseAdam(p, { lr: 0.05, betas: [0.8, 0.99], eps: 1e-6, maximize: true }), false],
      ["sgd", (p) => new torch.optim.SGD(p, { lr: 0.1 }), false],
      ["sgdMomentum", (p) => new torch.optim.SGD(p, { lr: 0.1, momentum: 0.9, dampening: 0.1 }), false],
      ["sgdNesterov", (p) => new torch.optim.SGD(p, { lr: 0.1, momentum: 0.9, nesterov: true }), false],
      ["adagrad", (p) => new torch.optim.Adagrad(p, { lr: 0.1, lrDecay: 0.01 }), false],
      ["bagSparseAdam", (p) => new torch.optim.SparseAdam(p, { lr: 0.1 }), true],
    ];
    for (const [name, make, bag] of cases) closeNested(run(make, 3, bag), EXPECTED[name], 1e-6, name);
  });

  test("LBFGS densifies sparse gradients (PyTorch's _gather_flat_grad): the same step as dense ones", () => {
    const step = (sparse: boolean): number[] => {
      const e = new torch.nn.Embedding(4, 2, { sparse });
      torch.noGrad(() => e.weight.copy_(torch.arange(8, { dtype: torch.float32 }).reshape(4, 2).mul(0.1)));
      const opt = new torch.optim.LBFGS([e.weight], { lr: 0.5, maxIter: 3 });
      opt.step(() => { opt.zeroGrad(); const l = e.forward(long([1, 3, 1])).pow(2).sum(); l.backward(); return l; });
      return e.weight.detach().reshape(-1).tolist() as number[];
    };
    closeNested(step(true), step(false), 1e-6);
  });

  test("refusals in PyTorch's words, before any parameter changes", () => {
    const refusals: [(p: T[]) => torch.optim.Optimizer, string][] = [
      [(p) => new torch.optim.Adam(p), "Adam does not support sparse gradients, please consider SparseAdam instead"],
      [(p) => new torch.optim.AdamW(p), "AdamW does not support sparse gradients"],
      [(p) => new torch.optim.RMSprop(p), "RMSprop does not support sparse gradients"],
      [(p) => new torch.optim.SGD(p, { lr: 0.1, weightDecay: 0.1 }), "add(sparse, dense) is not supported. Use add(dense, sparse) instead."],
      [(p) => new torch.optim.Adagrad(p, { weightDecay: 0.1 }), "weight_decay option is not compatible with sparse gradients"],
    ];
    for (const [make, msg] of refusals) throwsMsg(() => run(make, 1), msg);
    const lin = new torch.nn.Linear(2, 2);
    lin.forward(torch.ones([1, 2])).sum().backward();
    throwsMsg(() => new torch.optim.SparseAdam(lin.parameters()).step(), "SparseAdam does not support dense gradients, please consider Adam instead");
  });
});
