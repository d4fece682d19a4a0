// The main job: train a small CNN on Fashion-MNIST with Adam, the same program a PyTorch user
// writes. Falls back to the embedded digits dataset when Fashion-MNIST is not installed.
//   npm run train -- --epochs 3 --batch-size 64 --lr 0.001 --data fashion-mnist|digits --device cpu|webgpu

import * as torch from "../src/index.js";
import { parseArgs } from "node:util";

const { nn, optim } = torch;
const F = torch.nn.functional;
const { DataLoader, TensorDataset } = torch.utils.data;

const { values: opts } = parseArgs({
  options: {
    epochs: { type: "string", default: "3" },
    "batch-size": { type: "string", default: "64" },
    lr: { type: "string", default: "0.001" },
    data: { type: "string", default: "fashion-mnist" },
    out: { type: "string", default: "model.pt" },
    seed: { type: "string", default: "0" },
    "limit-train": { type: "string" },
    device: { type: "string", default: "cpu" },
  },
});
const epochs = Number(opts.epochs), batchSize = Number(opts["batch-size"]), lr = Number(opts.lr);
if (!(epochs > 0) || !(batchSize > 0) || !(lr > 0)) throw new Error("--epochs, --batch-size and --lr must be positive numbers");
if (opts.device !== "cpu" && opts.device !== "webgpu") throw new Error(`--device must be cpu or webgpu, got ${opts.device}`);
const device: "cpu" | "webgpu" = opts.device;
// Creating a WebGPU device is asynchronous: once, before any tensor goes there.
if (device === "webgpu") await torch.webgpu.init();

/** Two conv+relu+pool blocks and a linear head, for square images of side `size`. */
class Net extends nn.Module {
  conv1 = new nn.Conv2d(1, 32, 3, { padding: 1 });
  conv2 = new nn.Conv2d(32, 64, 3, { padding: 1 });
  fc: torch.nn.Linear;
  constructor(size: number) {
    super();
    this.fc = new nn.Linear(64 * Math.floor(size / 4) ** 2, 10);
  }
  override forward(x: torch.Tensor): torch.Tensor {
    x = F.maxPool2d(F.relu(this.conv1.call(x)), 2);
    x = F.maxPool2d(F.relu(this.conv2.call(x)), 2);
    return this.fc.call(x.flatten(1));
  }
}

function loadData(): { name: string; train: [torch.Tensor, torch.Tensor]; test: [torch.Tensor, torch.Tensor] } {
  if (opts.data === "fashion-mnist") {
    if (torch.datasets.fashionMnistAvailable()) {
      const tr = new torch.datasets.FashionMNIST({ train: true });
      const te = new torch.datasets.FashionMNIST({ train: false });
      return { name: "Fashion-MNIST", train: [tr.images(), tr.targets], test: [te.images(), te.targets] };
    }
    console.log("Fashion-MNIST is not installed (apt-get install -y dataset-fashion-mnist puts it in /usr/share/datasets/fashion-mnist).");
    console.log("Training on the embedded digits dataset instead.\n");
  } else if (opts.data !== "digits") {
    throw new Error(`--data must be fashion-mnist or digits, got ${opts.data}`);
  }
  const all = new torch.datasets.Digits();
  const n = all.length, split = Math.floor(n * 0.8);
  return {
    name: "digits (8x8)",
    train: [all.data.narrow(0, 0, split), all.targets.narrow(0, 0, split)],
    test: [all.data.narrow(0, split, n - split), all.targets.narrow(0, split, n - split)],
  };
}

function bar(done: number, total: number, width = 24): string {
  const filled = Math.round((done / total) * width);
  return "[" + "=".repeat(Math.max(0, filled - 1)) + (filled ? ">" : "") + " ".repeat(width - filled) + "]";
}

function fmtTime(s: number): string {
  const m = Math.floor(s / 60);
  return m ? `${m}m${String(Math.round(s % 60)).padStart(2, "0")}s` : `${s.toFixed(1)}s`;
}

async function evaluate(model: Net, images: torch.Tensor, labels: torch.Tensor): Promise<number> {
  model.eval();
  let correct = 0;
  for (const [x, y] of new DataLoader(new TensorDataset(images, labels), { batchSize: 1000 })) {
    const hits = torch.noGrad(() => model.call(x.to(device)).argmax(1).eq(y.to(device)).sum());
    correct += Number(await hits.itemAsync());
  }
  model.train();
  return correct / labels.shape[0]!;
}

torch.manualSeed(Number(opts.seed));
const data = loadData();
let [trainX, trainY] = data.train;
if (opts["limit-train"]) { const k = Number(opts["limit-train"]); trainX = trainX.narrow(0, 0, k); trainY = trainY.narrow(0, 0, k); }
const model = new Net(trainX.shape[2]!).to(device);
const optimizer = new optim.Adam(model.parameters(), { lr });
const loader = new DataLoader(new TensorDataset(trainX, trainY), { batchSize, shuffle: true });
const tty = process.stdout.isTTY;
console.log(`${data.name}: ${trainX.shape[0]} training and ${data.test[0].shape[0]} test images; ${epochs} epochs, batch ${batchSize}, Adam lr ${lr}`);
console.log(device === "webgpu" ? `device: webgpu (${torch.webgpu.deviceName()})\n` : `kernels: ${torch.backends.native.isAvailable() ? "native addon" : "JavaScript"}\n`);

for (let epoch = 1; epoch <= epochs; epoch++) {
  const start = performance.now();
  let seen = 0, lossSum = 0, correct = 0;
  const total = trainX.shape[0]!;
  let lastPrint = 0;
  const report = (final: boolean): void => {
    const now = performance.now();
    if (seen === 0 || (!final && now - lastPrint < (tty ? 100 : 5000))) return;
    lastPrint = now;
    const secs = (now - start) / 1000, rate = seen / secs;
    const line = `epoch ${epoch}/${epochs} ${bar(seen, total)} ${seen}/${total}  loss ${(lossSum / seen).toFixed(4)}  acc ${((100 * correct) / seen).toFixed(1)}%  ${Math.round(rate)} samples/s  ETA ${fmtTime((total - seen) / rate)}`;
    if (tty) process.stdout.write("\r" + line.padEnd(120));
    else console.log(line);
  };
  // Reading values back is asynchronous: each step reads the previous step's loss and hits while
  // the GPU runs this one (on the CPU they are simply ready).
  const account = async (stats: torch.Tensor, n: number): Promise<void> => {
    const [l, c] = (await stats.tolistAsync()) as number[];
    seen += n;
    lossSum += l! * n;
    correct += c!;
  };
  let pending: Promise<void> | null = null;
  for (const [x, y] of loader) {
    const xb = x.to(device), yb = y.to(device);
    optimizer.zeroGrad();
    const logits = model.call(xb);
    const loss = F.crossEntropy(logits, yb);
    loss.backward();
    optimizer.step();
    const stats = torch.stack([loss.detach(), logits.detach().argmax(1).eq(yb).sum().to(torch.float32)]);
    if (pending) await pending;
    pending = account(stats, yb.shape[0]!);
    report(false);
  }
  if (pending) await pending;
  report(true);
  const secs = (performance.now() - start) / 1000;
  if (tty) process.stdout.write("\n");
  const testAcc = await evaluate(model, data.test[0], data.test[1]);
  console.log(`epoch ${epoch}: train loss ${(lossSum / seen).toFixed(4)}, train acc ${((100 * correct) / seen).toFixed(1)}%, test acc ${(100 * testAcc).toFixed(1)}%, ${fmtTime(secs)} (${Math.round(seen / secs)} samples/s)`);
}

const finalAcc = await evaluate(model, data.test[0], data.test[1]);
// torch.save writes CPU tensors: a GPU model's tensors are read back first.
const state = new Map<string, torch.Tensor>();
for (const [k, t] of model.stateDict()) state.set(k, await t.cpuAsync());
torch.save(state, opts.out);
console.log(`saved the model's state_dict to ${opts.out}`);
console.log(`test accuracy: ${(100 * finalAcc).toFixed(1)}%`);
