// What recording PyTorch 1.13's graphs costs (test/graph-shapes.test.ts): a TransformerEncoderLayer
// forward+backward (multi_head_attention_forward's 1.13 composition), einsum forward+backward for
// two common equations (1.13's sumproduct_pair), in-place ops on views (CopySlices) and an MLP step
// with label-smoothed cross-entropy (one fused node; 1.13's ten nodes measured 18-35% slower). Best
// of 15 batches, ms per call. The machine is shared: compare runs made back to back.
//
//   node --import tsx bench/graph-shapes-costs.ts
import * as torch from "../src/index.js";

const { nn, optim } = torch;
type Tensor = torch.Tensor;

function best(f: () => void, batch: number): number {
  for (let i = 0; i < batch; i++) f();
  let b = Infinity;
  for (let r = 0; r < 15; r++) {
    const t = performance.now();
    for (let i = 0; i < batch; i++) f();
    b = Math.min(b, (performance.now() - t) / batch);
  }
  return b;
}

torch.manualSeed(0);
const layer = new nn.TransformerEncoderLayer(64, 4, { dimFeedforward: 128, batchFirst: true, dropout: 0 });
const seq = torch.randn(16, 32, 64);
const rows: [string, number][] = [];
rows.push(["TransformerEncoderLayer(64, 4, ff 128) x(16,32,64) fwd+bwd", best(() => (layer.call(seq) as Tensor).sum().backward(), 5)]);

for (const [eq, shapes] of [["bij,bjk->bik", [[16, 32, 32], [16, 32, 32]]], ["bhqd,bhkd->bhqk", [[8, 4, 64, 32], [8, 4, 64, 32]]]] as [string, number[][]][]) {
  const ops = shapes.map((s) => torch.randn(s).requiresGrad_());
  const w = torch.randn(torch.einsum(eq, ...ops).shape);
  rows.push([`einsum ${eq} fwd+bwd`, best(() => torch.einsum(eq, ...ops).mul(w).sum().backward(), 20)]);
}

const leaf = torch.randn(256, 256).requiresGrad_();
rows.push(["y = x*2; y[:, 1:].mul_(x[:, :-1]); backward (256x256)", best(() => {
  const y = leaf.mul(2);
  y.get(":", "1:").mul_(leaf.get(":", ":-1"));
  y.sum().backward();
}, 20)]);

const mlp = new nn.Sequential(new nn.Linear(784, 256), new nn.ReLU(), new nn.Linear(256, 10));
const opt = new optim.SGD(mlp.parameters(), { lr: 0.01 });
const loss = new nn.CrossEntropyLoss({ labelSmoothing: 0.1 });
const x = torch.randn(64, 784), target = torch.randint(0, 10, [64]);
rows.push(["MLP 784-256-10 b64 SGD step, CrossEntropyLoss(label_smoothing=0.1)", best(() => {
  opt.zeroGrad();
  (loss.call(mlp.call(x) as Tensor, target) as Tensor).backward();
  opt.step();
}, 20)]);

for (const [name, ms] of rows) console.log(`${ms.toFixed(3).padStart(9)} ms  ${name}`);
