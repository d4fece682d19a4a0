// The models the benchmarks train, one definition for the CPU and webgpu benchmarks.
import * as torch from "../src/index.js";

const { nn } = torch;
const F = torch.nn.functional;

/** The MLP step's model: 784-512-256-10 with ReLU. */
export function mlpModel(): torch.nn.Sequential {
  return new nn.Sequential(new nn.Linear(784, 512), new nn.ReLU(), new nn.Linear(512, 256), new nn.ReLU(), new nn.Linear(256, 10));
}

/** Fashion-MNIST's CNN of examples/train.ts (28x28 inputs): conv 1->32, pool, conv 32->64, pool, linear. */
export class CNN extends nn.Module {
  conv1 = new nn.Conv2d(1, 32, 3, { padding: 1 });
  conv2 = new nn.Conv2d(32, 64, 3, { padding: 1 });
  fc = new nn.Linear(64 * 7 * 7, 10);
  override forward(x: torch.Tensor): torch.Tensor {
    x = F.maxPool2d(F.relu(this.conv1.call(x)), 2);
    x = F.maxPool2d(F.relu(this.conv2.call(x)), 2);
    return this.fc.call(x.flatten(1));
  }
}
