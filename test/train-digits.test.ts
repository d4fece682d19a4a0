// End to end: a small model trained on the embedded digits (nn, optim, utils.data together)
// reaches > 90% held-out accuracy, and its state_dict survives torch.save/torch.load.

import { test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../src/index.js";

const { nn } = torch;
const F = torch.nn.functional;

class MLP extends nn.Module {
  fc1 = new nn.Linear(64, 64);
  drop = new nn.Dropout(0.1);
  fc2 = new nn.Linear(64, 10);
  override forward(x: torch.Tensor): torch.Tensor {
    return this.fc2.call(this.drop.call(F.relu(this.fc1.call(x.flatten(1)))));
  }
}

function accuracy(model: MLP, x: torch.Tensor, y: torch.Tensor): number {
  model.eval();
  const acc = torch.noGrad(() => Number(model.call(x).argmax(1).eq(y).sum().item()) / y.shape[0]!);
  model.train();
  return acc;
}

test("an MLP trained on digits reaches > 90% held-out accuracy", () => {
  torch.manualSeed(0);
  const all = new torch.datasets.Digits();
  const [train, test] = torch.utils.data.randomSplit(all, [1437, 360], new torch.Generator().manualSeed(1));
  const pick = (s: torch.utils.data.Subset<[torch.Tensor, number]>) => {
    const idx = torch.tensor(s.indices, { dtype: "int64" });
    return [all.data.indexSelect(0, idx), all.targets.indexSelect(0, idx)] as const;
  };
  const [trainX, trainY] = pick(train), [testX, testY] = pick(test);
  const model = new MLP();
  const opt = new torch.optim.Adam(model.parameters(), { lr: 0.01 });
  const sched = new torch.optim.lrScheduler.StepLR(opt, { stepSize: 10, gamma: 0.5 });
  const loader = new torch.utils.data.DataLoader(new torch.utils.data.TensorDataset(trainX, trainY), { batchSize: 64, shuffle: true });
  let lastLoss = Infinity;
  for (let epoch = 0; epoch < 20; epoch++) {
    let sum = 0, n = 0;
    for (const [x, y] of loader) {
      opt.zeroGrad();
      const loss = F.crossEntropy(model.call(x), y);
      loss.backward();
      opt.step();
      sum += Number(loss.item()) * y.shape[0]!;
      n += y.shape[0]!;
    }
    sched.step();
    lastLoss = sum / n;
  }
  const acc = accuracy(model, testX, testY);
  assert.ok(lastLoss < 0.2, `final training loss ${lastLoss}`);
  assert.ok(acc > 0.9, `held-out accuracy ${acc}`);

  const restored = new MLP();
  restored.loadStateDict(torch.load(torch.save(model.stateDict())) as Map<string, torch.Tensor>);
  assert.equal(accuracy(restored, testX, testY), acc);
});
