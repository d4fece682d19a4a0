// MNIST-family datasets from IDX files (torchvision's MNIST / FashionMNIST). Items are
// [image, label]: the image a float32 [1, 28, 28] tensor in [0, 1] (torchvision's ToTensor()),
// unless a transform is given, which then receives the uint8 [28, 28] image.

import type { Tensor } from "../core/tensor.js";
import { Dataset } from "../utils/data/dataset.js";
import { float32, int64 } from "../core/dtype.js";
import { readIdx } from "./idx.js";
import { nodeBuiltins } from "./node-fs.js";

export interface MNISTOptions {
  root?: string;
  train?: boolean;
  transform?: ((image: Tensor) => Tensor) | null;
  targetTransform?: ((target: number) => unknown) | null;
  download?: boolean;
}

function findFile(root: string, base: string): string | null {
  const { fs, path } = nodeBuiltins("MNIST");
  for (const name of [base, base + ".gz"]) {
    for (const dir of [root, path.join(root, "raw")]) {
      const p = path.join(dir, name);
      if (fs.existsSync(p)) return p;
    }
  }
  return null;
}

export class MNIST extends Dataset<[Tensor, unknown]> {
  static readonly defaultRoot: string = "/usr/share/datasets/mnist";
  static readonly installHint: string = "MNIST IDX files (train-images-idx3-ubyte[.gz], ...) are expected under the root folder";
  /** uint8 images [N, 28, 28] and int64 labels [N], as torchvision's .data / .targets. */
  readonly data: Tensor;
  readonly targets: Tensor;
  readonly train: boolean;
  readonly root: string;
  private readonly transform: ((image: Tensor) => Tensor) | null;
  private readonly targetTransform: ((target: number) => unknown) | null;
  /** The images as float32 in [0, 1] with a channel dim, made once. */
  private floatImages: Tensor | null = null;

  constructor(options: MNISTOptions = {}) {
    super();
    const ctor = this.constructor as typeof MNIST;
    this.root = options.root ?? ctor.defaultRoot;
    this.train = options.train ?? true;
    if (options.download) throw new Error(`${ctor.name}: download is not supported (no network access); ${ctor.installHint}`);
    const prefix = this.train ? "train" : "t10k";
    const images = findFile(this.root, `${prefix}-images-idx3-ubyte`);
    const labels = findFile(this.root, `${prefix}-labels-idx1-ubyte`);
    if (!images || !labels) throw new Error(`${ctor.name}: dataset not found in ${this.root}. ${ctor.installHint}`);
    this.data = readIdx(images);
    this.targets = readIdx(labels).to(int64);
    if (this.data.dim() !== 3 || this.targets.dim() !== 1 || this.data.shape[0] !== this.targets.shape[0]) {
      throw new Error(`${ctor.name}: images [${this.data.shape}] and labels [${this.targets.shape}] do not match`);
    }
    this.transform = options.transform ?? null;
    this.targetTransform = options.targetTransform ?? null;
  }

  get length(): number { return this.data.shape[0]!; }

  /** All images as one float32 tensor [N, 1, 28, 28] in [0, 1] (what ToTensor() gives per item). */
  images(): Tensor {
    // Scaled in place: one float32 copy of the images (188 MB for Fashion-MNIST's training set), not two.
    if (!this.floatImages) this.floatImages = this.data.to(float32).div_(255).unsqueeze(1);
    return this.floatImages;
  }

  getItem(index: number): [Tensor, unknown] {
    const n = this.length;
    const i = index < 0 ? index + n : index;
    if (!Number.isInteger(i) || i < 0 || i >= n) throw new Error(`index ${index} is out of range for ${this.constructor.name} of length ${n}`);
    const img = this.transform ? this.transform(this.data.select(0, i)) : this.images().select(0, i);
    const target = Number(this.targets.get(i).item());
    return [img, this.targetTransform ? this.targetTransform(target) : target];
  }

  get classes(): string[] { return ["0 - zero", "1 - one", "2 - two", "3 - three", "4 - four", "5 - five", "6 - six", "7 - seven", "8 - eight", "9 - nine"]; }
}

export class FashionMNIST extends MNIST {
  static override readonly defaultRoot: string = "/usr/share/datasets/fashion-mnist";
  static override readonly installHint: string = "Install it with: apt-get install -y dataset-fashion-mnist";
  override get classes(): string[] { return ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]; }
}

/** Whether Fashion-MNIST's files are present under `root` (default: Debian's location). */
export function fashionMnistAvailable(root: string = FashionMNIST.defaultRoot): boolean {
  try {
    return findFile(root, "train-images-idx3-ubyte") !== null && findFile(root, "t10k-labels-idx1-ubyte") !== null;
  } catch {
    return false;
  }
}
