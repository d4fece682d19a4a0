// The embedded digits dataset: the test set of "Optical Recognition of Handwritten Digits"
// (UCI Machine Learning Repository, E. Alpaydin and C. Kaynak, 1998; CC BY 4.0), as shipped by
// scikit-learn: 1797 images of 8x8 pixels with values 0-16, and their labels 0-9.

import type { Tensor } from "../core/tensor.js";
import { Dataset } from "../utils/data/dataset.js";
import { tensor } from "../ops/creation.js";
import { float32, int64 } from "../core/dtype.js";
import { nodeBuiltins } from "./node-fs.js";

export interface DigitsOptions {
  /** Rows [start, end) of the 1797, for a train/test split (default: all). */
  start?: number;
  end?: number;
  transform?: ((image: Tensor) => Tensor) | null;
}

let cache: { images: Tensor; targets: Tensor } | null = null;

function load(): { images: Tensor; targets: Tensor } {
  if (cache) return cache;
  const { fs, zlib, url } = nodeBuiltins("datasets.Digits");
  const file = url.fileURLToPath(new URL("./data/digits.csv.gz", import.meta.url));
  const text = zlib.gunzipSync(fs.readFileSync(file)).toString("utf8");
  const rows = text.trim().split("\n").map((l) => l.split(",").map(Number));
  if (rows.some((r) => r.length !== 65)) throw new Error("digits.csv.gz: expected 65 columns per row");
  cache = {
    images: tensor(rows.map((r) => r.slice(0, 64)), { dtype: float32 }).div(16).reshape(-1, 1, 8, 8),
    targets: tensor(rows.map((r) => r[64]!), { dtype: int64 }),
  };
  return cache;
}

export class Digits extends Dataset<[Tensor, number]> {
  /** float32 images [N, 1, 8, 8] in [0, 1] and int64 labels [N]. */
  readonly data: Tensor;
  readonly targets: Tensor;
  private readonly transform: ((image: Tensor) => Tensor) | null;
  constructor(options: DigitsOptions = {}) {
    super();
    const all = load();
    const n = all.targets.shape[0]!;
    const s = options.start ?? 0, e = options.end ?? n;
    if (!(0 <= s && s <= e && e <= n)) throw new Error(`Digits: rows [${s}, ${e}) are outside [0, ${n})`);
    this.data = all.images.narrow(0, s, e - s);
    this.targets = all.targets.narrow(0, s, e - s);
    this.transform = options.transform ?? null;
  }
  get length(): number { return this.targets.shape[0]!; }
  getItem(index: number): [Tensor, number] {
    const n = this.length;
    const i = index < 0 ? index + n : index;
    if (!Number.isInteger(i) || i < 0 || i >= n) throw new Error(`index ${index} is out of range for Digits of length ${n}`);
    const img = this.data.select(0, i);
    return [this.transform ? this.transform(img) : img, Number(this.targets.select(0, i).item())];
  }
  get classes(): string[] { return ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"]; }
}
