// PyTorch's "Spatial Transformer Networks Tutorial"
// (https://pytorch.org/tutorials/intermediate/spatial_transformer_tutorial.html), ported line by line
// from examples/py/spatial-transformer.py (the 8x8 digits torch-ts embeds, scaled up to MNIST's
// 28x28; see there): the same seed gives the same numbers.
//   npx tsx examples/spatial-transformer.ts [--epochs 20]

import * as torch from "../src/index.js";
import { parseArgs } from "node:util";
import { isMain } from "./main-module.js";

type Tensor = torch.Tensor;
const { nn, optim } = torch;
const F = torch.nn.functional;

const device = torch.device("cpu");

/** The 8x8 digits as the tutorial's MNIST loader gives them: 28x28, normalized. */
function mnistLike(images: Tensor): Tensor {
  const x = F.interpolate(images, { size: [28, 28], mode: "bilinear", alignCorners: false });
  return x.sub(0.1307).div(0.3081); // transforms.Normalize((0.1307,), (0.3081,))
}

export class Net extends nn.Module {
  conv1 = new nn.Conv2d(1, 10, { kernelSize: 5 });
  conv2 = new nn.Conv2d(10, 20, { kernelSize: 5 });
  conv2_drop = new nn.Dropout2d();
  fc1 = new nn.Linear(320, 50);
  fc2 = new nn.Linear(50, 10);

  // Spatial transformer localization-network
  localization = new nn.Sequential(
    new nn.Conv2d(1, 8, { kernelSize: 7 }),
    new nn.MaxPool2d(2, { stride: 2 }),
    new nn.ReLU(true),
    new nn.Conv2d(8, 10, { kernelSize: 5 }),
    new nn.MaxPool2d(2, { stride: 2 }),
    new nn.ReLU(true),
  );

  // Regressor for the 3 * 2 affine matrix
  fc_loc = new nn.Sequential(
    new nn.Linear(10 * 3 * 3, 32),
    new nn.ReLU(true),
    new nn.Linear(32, 3 * 2),
  );

  constructor() {
    super();
    // Initialize the weights/bias with identity transformation
    const last = this.fc_loc.at(2) as torch.nn.Linear;
    last.weight.data.zero_();
    last.bias!.data.copy_(torch.tensor([1, 0, 0, 0, 1, 0], { dtype: torch.float }));
  }

  // Spatial transformer network forward function
  stn(x: Tensor): Tensor {
    let xs = this.localization.call(x);
    xs = xs.view(-1, 10 * 3 * 3);
    let theta = this.fc_loc.call(xs);
    theta = theta.view(-1, 2, 3);

    const grid = F.affineGrid(theta, x.size());
    x = F.gridSample(x, grid);

    return x;
  }

  override forward(x: Tensor): Tensor {
    // transform the input
    x = this.stn(x);

    // Perform the usual forward pass
    x = F.relu(F.maxPool2d(this.conv1.call(x), 2));
    x = F.relu(F.maxPool2d(this.conv2_drop.call(this.conv2.call(x)), 2));
    x = x.view(-1, 320);
    x = F.relu(this.fc1.call(x));
    x = F.dropout(x, { training: this.training });
    x = this.fc2.call(x);
    return F.logSoftmax(x, { dim: 1 });
  }
}

export interface StnOptions { epochs?: number; seed?: number; maxBatches?: number | null; verbose?: boolean }
export interface StnResult { losses: number[]; testLosses: number[]; correct: number[]; inputSum: number; transformedSum: number }

/**
 * Trains and tests as the tutorial does; returns the per-step training losses, the test loss and
 * accuracy after each epoch, and the sum of the STN's output on the first test batch. maxBatches
 * cuts each training epoch to that many batches (for tests).
 */
export function run({ epochs = 20, seed = 0, maxBatches = null, verbose = true }: StnOptions = {}): StnResult {
  torch.manualSeed(seed);

  let { data: images, targets: labels } = new torch.datasets.Digits();
  images = mnistLike(images);
  // Training dataset
  const trainLoader = new torch.utils.data.DataLoader(
    new torch.utils.data.TensorDataset(images.get(":1437"), labels.get(":1437")), { batchSize: 64, shuffle: true });
  // Test dataset
  const testLoader = new torch.utils.data.DataLoader(
    new torch.utils.data.TensorDataset(images.get("1437:"), labels.get("1437:")), { batchSize: 64, shuffle: true });

  const model = new Net().to(device);

  const optimizer = new optim.SGD(model.parameters(), { lr: 0.01 });
  const losses: number[] = [], testLosses: number[] = [], accuracies: number[] = [];

  function train(epoch: number): void {
    model.train();
    let batchIdx = -1;
    for (let [data, target] of trainLoader) {
      batchIdx += 1;
      if (maxBatches !== null && batchIdx === maxBatches) break;
      [data, target] = [data.to(device), target.to(device)];

      optimizer.zeroGrad();
      const output = model.call(data);
      const loss = F.nllLoss(output, target);
      loss.backward();
      optimizer.step();
      losses.push(Number(loss.item()));
      if (verbose && batchIdx % 500 === 0) {
        console.log(`Train Epoch: ${epoch} [${batchIdx * data.length}/${trainLoader.dataset.length} ` +
          `(${(100 * batchIdx / trainLoader.length).toFixed(0)}%)]\tLoss: ${Number(loss.item()).toFixed(6)}`);
      }
    }
  }

  // A simple test procedure to measure the STN performances on the digits.
  function test(): void {
    torch.noGrad(() => {
      model.eval();
      let testLoss = 0;
      let correct = 0;
      for (let [data, target] of testLoader) {
        [data, target] = [data.to(device), target.to(device)];
        const output = model.call(data);

        // sum up batch loss
        testLoss += Number(F.nllLoss(output, target, { reduction: "sum" }).item());
        // get the index of the max log-probability
        const pred = output.max(1, { keepdim: true })[1];
        correct += Number(pred.eq(target.viewAs(pred)).sum().item());
      }

      testLoss /= testLoader.dataset.length;
      testLosses.push(testLoss);
      accuracies.push(correct);
      if (verbose) {
        console.log(`\nTest set: Average loss: ${testLoss.toFixed(4)}, Accuracy: ${correct}/${testLoader.dataset.length} ` +
          `(${(100 * correct / testLoader.dataset.length).toFixed(0)}%)\n`);
      }
    });
  }

  for (let epoch = 1; epoch < epochs + 1; epoch++) {
    train(epoch);
    test();
  }

  // Visualizing the STN results (here: the transformed batch's sum)
  return torch.noGrad(() => {
    // Get a batch of training data
    const data = testLoader[Symbol.iterator]().next().value![0].to(device);

    const inputTensor = data.cpu();
    const transformedInputTensor = model.stn(data).cpu();
    return { losses, testLosses, correct: accuracies,
      inputSum: Number(inputTensor.sum().item()), transformedSum: Number(transformedInputTensor.sum().item()) };
  });
}

if (isMain(import.meta.url)) {
  const { values } = parseArgs({ options: { epochs: { type: "string", default: "20" } } });
  run({ epochs: Number(values.epochs) });
}
