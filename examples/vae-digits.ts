// pytorch/examples vae/main.py, ported line by line to torch-ts on the 8x8 digits it embeds.
// The PyTorch original, as run here: examples/py/vae-digits.py (same seed, same numbers).
//   npx tsx examples/vae-digits.ts [--epochs 10] [--batch-size 128] [--seed 1] [--log-interval 10]

import * as torch from "../src/index.js";
import { parseArgs } from "node:util";
import { pathToFileURL } from "node:url";

const { nn, optim } = torch;
const F = torch.nn.functional;

export class VAE extends nn.Module {
  fc1 = new nn.Linear(64, 400);
  fc21 = new nn.Linear(400, 20);
  fc22 = new nn.Linear(400, 20);
  fc3 = new nn.Linear(20, 400);
  fc4 = new nn.Linear(400, 64);

  encode(x: torch.Tensor): [torch.Tensor, torch.Tensor] {
    const h1 = F.relu(this.fc1.call(x));
    return [this.fc21.call(h1), this.fc22.call(h1)];
  }

  reparameterize(mu: torch.Tensor, logvar: torch.Tensor): torch.Tensor {
    const std = torch.exp(logvar.mul(0.5));
    const eps = torch.randnLike(std);
    return mu.add(eps.mul(std));
  }

  decode(z: torch.Tensor): torch.Tensor {
    const h3 = F.relu(this.fc3.call(z));
    return torch.sigmoid(this.fc4.call(h3));
  }

  override forward(x: torch.Tensor): [torch.Tensor, torch.Tensor, torch.Tensor] {
    const [mu, logvar] = this.encode(x.view(-1, 64));
    const z = this.reparameterize(mu, logvar);
    return [this.decode(z), mu, logvar];
  }
}

// Reconstruction + KL divergence losses summed over all elements and batch
export function lossFunction(reconX: torch.Tensor, x: torch.Tensor, mu: torch.Tensor, logvar: torch.Tensor): torch.Tensor {
  const BCE = F.binaryCrossEntropy(reconX, x.view(-1, 64), { reduction: "sum" });

  // see Appendix B from VAE paper:
  // Kingma and Welling. Auto-Encoding Variational Bayes. ICLR, 2014
  // https://arxiv.org/abs/1312.6114
  // 0.5 * sum(1 + log(sigma^2) - mu^2 - sigma^2)
  const KLD = torch.sum(logvar.add(1).sub(mu.pow(2)).sub(logvar.exp())).mul(-0.5);

  return BCE.add(KLD);
}

export interface VaeOptions { epochs?: number; batchSize?: number; seed?: number; logInterval?: number; maxBatches?: number | null; verbose?: boolean }
export interface VaeResult { losses: number[]; testLosses: number[]; sampleSum: number }

/**
 * Trains as the original does; returns the per-step training losses (loss.item() / len(data)) and
 * the test losses. maxBatches cuts each training epoch to that many batches (for tests).
 */
export function run({ epochs = 10, batchSize = 128, seed = 1, logInterval = 10, maxBatches = null, verbose = true }: VaeOptions = {}): VaeResult {
  torch.manualSeed(seed);

  const { data: images, targets: labels } = new torch.datasets.Digits();
  const trainSet = new torch.utils.data.TensorDataset(images.get(":1437"), labels.get(":1437"));
  const testSet = new torch.utils.data.TensorDataset(images.get("1437:"), labels.get("1437:"));
  const trainLoader = new torch.utils.data.DataLoader(trainSet, { batchSize, shuffle: true });
  const testLoader = new torch.utils.data.DataLoader(testSet, { batchSize, shuffle: true });

  const model = new VAE();
  const optimizer = new optim.Adam(model.parameters(), { lr: 1e-3 });
  const losses: number[] = [], testLosses: number[] = [];

  function train(epoch: number): void {
    model.train();
    let trainLoss = 0;
    let batchIdx = -1;
    for (const [data] of trainLoader) {
      batchIdx += 1;
      if (maxBatches !== null && batchIdx === maxBatches) break;
      optimizer.zeroGrad();
      const [reconBatch, mu, logvar] = model.call(data);
      const loss = lossFunction(reconBatch, data, mu, logvar);
      loss.backward();
      trainLoss += Number(loss.item());
      optimizer.step();
      losses.push(Number(loss.item()) / data.length);
      if (verbose && batchIdx % logInterval === 0) {
        console.log(`Train Epoch: ${epoch} [${batchIdx * data.length}/${trainSet.length} ` +
          `(${(100 * batchIdx / trainLoader.length).toFixed(0)}%)]\tLoss: ${(Number(loss.item()) / data.length).toFixed(6)}`);
      }
    }

    if (verbose) console.log(`====> Epoch: ${epoch} Average loss: ${(trainLoss / trainSet.length).toFixed(4)}`);
  }

  function test(_epoch: number): void {
    model.eval();
    let testLoss = 0;
    torch.noGrad(() => {
      for (const [data] of testLoader) {
        const [reconBatch, mu, logvar] = model.call(data);
        testLoss += Number(lossFunction(reconBatch, data, mu, logvar).item());
      }
    });

    testLoss /= testSet.length;
    testLosses.push(testLoss);
    if (verbose) console.log(`====> Test set loss: ${testLoss.toFixed(4)}`);
  }

  let sample = torch.empty(0);
  for (let epoch = 1; epoch < epochs + 1; epoch++) {
    train(epoch);
    test(epoch);
    torch.noGrad(() => {
      sample = torch.randn(64, 20);
      sample = model.decode(sample);
    });
  }
  return { losses, testLosses, sampleSum: Number(sample.sum().item()) };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const { values } = parseArgs({
    options: {
      "batch-size": { type: "string", default: "128" },
      epochs: { type: "string", default: "10" },
      seed: { type: "string", default: "1" },
      "log-interval": { type: "string", default: "10" },
    },
  });
  run({ epochs: Number(values.epochs), batchSize: Number(values["batch-size"]), seed: Number(values.seed), logInterval: Number(values["log-interval"]) });
}
