// The example's training run, shared by the page (web/train.js, with the web bundle) and by Node
// (test/browser-train.test.ts, with src/index.ts): a small CNN on the 8x8 digits, Adam, a fixed seed.
// It takes the torch namespace as an argument and imports nothing, so both load the same code.

/** The run the page does unless its URL says otherwise (?epochs=, ?seed=, ?device=). */
export const DEFAULTS = Object.freeze({ seed: 0, epochs: 3, batchSize: 64, lr: 0.01, trainRows: 1500 });

/** The digits asset (dist-web/digits.json) as float32 images [N, 1, 8, 8] in [0, 1] and int64 labels [N]. */
export function decodeDigits(torch, asset) {
  const bytes = Uint8Array.from(atob(asset.data), (c) => c.charCodeAt(0));
  const rows = asset.rows;
  if (bytes.length !== rows * 65) throw new Error(`digits.json: ${bytes.length} bytes for ${rows} rows of 65`);
  const pixels = new Float32Array(rows * 64);
  const labels = new BigInt64Array(rows);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < 64; c++) pixels[r * 64 + c] = bytes[r * 65 + c] / 16;
    labels[r] = BigInt(bytes[r * 65 + 64]);
  }
  return {
    images: torch.tensor(pixels).reshape(rows, 1, 8, 8),
    labels: torch.tensor(labels),
  };
}

/** conv 3x3 (8 channels) → relu → max-pool 2 → linear 128→32 → relu → linear 32→10. */
export function createModel(torch) {
  const { nn } = torch;
  const F = nn.functional;
  class DigitsNet extends nn.Module {
    constructor() {
      super();
      this.conv = new nn.Conv2d(1, 8, 3, { padding: 1 });
      this.fc1 = new nn.Linear(8 * 4 * 4, 32);
      this.fc2 = new nn.Linear(32, 10);
    }
    forward(x) {
      x = F.maxPool2d(F.relu(this.conv.call(x)), 2).flatten(1);
      return this.fc2.call(F.relu(this.fc1.call(x)));
    }
  }
  return new DigitsNet();
}

async function scalar(t, device) {
  return Number(device === "cpu" ? t.item() : await t.itemAsync());
}

/**
 * Trains on rows [0, trainRows) and measures the accuracy on the rest. onStep(step, loss) and
 * onEpoch(epoch, meanLoss) may be async (the page yields to the browser there). Returns the loss
 * of every step, the mean loss of every epoch and the held-out accuracy.
 */
export async function trainDigits(torch, asset, options = {}) {
  const o = { ...DEFAULTS, device: "cpu", ...options };
  const { DataLoader, TensorDataset } = torch.utils.data;
  const F = torch.nn.functional;
  const { images, labels } = decodeDigits(torch, asset);
  const n = labels.shape[0];
  if (!(o.trainRows > 0 && o.trainRows < n)) throw new Error(`trainDigits: trainRows must be in (0, ${n}), got ${o.trainRows}`);

  const start = performance.now();
  torch.manualSeed(o.seed);
  let model = createModel(torch);
  if (o.device !== "cpu") model = model.to(o.device);
  const optimizer = new torch.optim.Adam(model.parameters(), { lr: o.lr });
  const train = new TensorDataset(images.narrow(0, 0, o.trainRows), labels.narrow(0, 0, o.trainRows));
  const loader = new DataLoader(train, { batchSize: o.batchSize, shuffle: true });

  const losses = [], epochLosses = [];
  for (let epoch = 1; epoch <= o.epochs; epoch++) {
    let sum = 0, count = 0;
    for (let [x, y] of loader) {
      if (o.device !== "cpu") { x = x.to(o.device); y = y.to(o.device); }
      optimizer.zeroGrad();
      const loss = F.crossEntropy(model.call(x), y);
      loss.backward();
      optimizer.step();
      const value = await scalar(loss, o.device);
      losses.push(value);
      sum += value;
      count++;
      if (o.onStep) await o.onStep(losses.length, value);
    }
    epochLosses.push(sum / count);
    if (o.onEpoch) await o.onEpoch(epoch, sum / count);
  }

  model.eval();
  let testX = images.narrow(0, o.trainRows, n - o.trainRows), testY = labels.narrow(0, o.trainRows, n - o.trainRows);
  if (o.device !== "cpu") { testX = testX.to(o.device); testY = testY.to(o.device); }
  const correct = torch.noGrad(() => model.call(testX).argmax(1).eq(testY).sum());
  const accuracy = (await scalar(correct, o.device)) / (n - o.trainRows);
  return {
    device: o.device, seed: o.seed, epochs: o.epochs, batchSize: o.batchSize, lr: o.lr,
    trainRows: o.trainRows, testRows: n - o.trainRows,
    losses, epochLosses, accuracy, millis: performance.now() - start,
  };
}
