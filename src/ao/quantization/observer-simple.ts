// torch.ao.quantization's observers that compute nothing: FixedQParamsObserver (parameters given
// up front), PlaceholderObserver and NoopObserver (carry a dtype to convert), RecordingObserver
// (keeps what it sees, for debugging) and ReuseInputObserver (FX's marker).
import type { Tensor } from "../../core/tensor.js";
import { type DType, type DTypeLike, float16, float32, int32, quint8, toDType } from "../../core/dtype.js";
import { tensor } from "../../ops/creation.js";
import { type QScheme, perTensorAffine } from "../../ops/quantize.js";
import { ObserverBase } from "./observer.js";

function noQparams(cls: string): never {
  throw new Error(`calculate_qparams should not be called for ${cls}`);
}

export interface FixedQParamsObserverOptions {
  scale: number;
  zeroPoint: number;
  dtype?: DType | DTypeLike;
  qscheme?: QScheme;
  quantMin?: number;
  quantMax?: number;
}

/** torch.ao.quantization.FixedQParamsObserver(scale, zero_point, dtype=quint8, qscheme, quant_min=0, quant_max=255). */
export class FixedQParamsObserver extends ObserverBase {
  declare scale: Tensor;
  declare zero_point: Tensor;
  readonly quantMin: number;
  readonly quantMax: number;
  readonly qscheme: QScheme;

  constructor(scale: number | FixedQParamsObserverOptions, zeroPoint?: number, options: Omit<FixedQParamsObserverOptions, "scale" | "zeroPoint"> = {}) {
    const o: FixedQParamsObserverOptions = typeof scale === "number" ? { ...options, scale, zeroPoint: zeroPoint! } : scale;
    if (typeof o.scale !== "number" || typeof o.zeroPoint !== "number") throw new Error("FixedQParamsObserver: scale and zero_point are required numbers");
    super(o.dtype ?? quint8);
    this.quantMin = o.quantMin ?? 0;
    this.quantMax = o.quantMax ?? 255;
    this.qscheme = o.qscheme ?? perTensorAffine;
    this.registerBuffer("scale", tensor([o.scale], { dtype: float32 }));
    this.registerBuffer("zero_point", tensor([o.zeroPoint], { dtype: int32 }));
  }
  override forward(x: Tensor): Tensor { return x; }
  override calculateQparams(): [Tensor, Tensor] { return [this.scale, this.zero_point]; }
}

/**
 * torch.ao.quantization.PlaceholderObserver(dtype=float32, custom_op_name="", compute_dtype=None):
 * passes its dtype (float16, or a dynamically quantized activation) to convert.
 */
export class PlaceholderObserver extends ObserverBase {
  readonly customOp: string;
  readonly computeDtype?: DType;
  constructor(options: { dtype?: DType | DTypeLike; customOpName?: string; computeDtype?: DType | DTypeLike | null } = {}) {
    super(options.dtype ?? float32);
    this.customOp = options.customOpName ?? "";
    if (options.computeDtype) this.computeDtype = toDType(options.computeDtype);
  }
  override forward(x: Tensor): Tensor { return x; }
  override calculateQparams(): [Tensor, Tensor] { return noQparams("PlaceholderObserver"); }
}

/** torch.ao.quantization.NoopObserver(dtype=float16, custom_op_name=""). */
export class NoopObserver extends ObserverBase {
  readonly customOp: string;
  constructor(options: { dtype?: DType | DTypeLike; customOpName?: string } = {}) {
    super(options.dtype ?? float16);
    this.customOp = options.customOpName ?? "";
  }
  override forward(x: Tensor): Tensor { return x; }
  override calculateQparams(): [Tensor, Tensor] { return noQparams("NoopObserver"); }
}

/** torch.ao.quantization.RecordingObserver(dtype=quint8): keeps a copy of every input (getTensorValue). */
export class RecordingObserver extends ObserverBase {
  readonly tensorVal: Tensor[] = [];
  constructor(options: { dtype?: DType | DTypeLike } = {}) { super(options.dtype ?? quint8); }
  override forward(x: Tensor): Tensor { this.tensorVal.push(x.clone()); return x; }
  override calculateQparams(): [Tensor, Tensor] { return noQparams("RecordingObserver"); }
  /** The inputs seen so far (PyTorch's get_tensor_value). */
  getTensorValue(): Tensor[] { return this.tensorVal; }
}

/** torch.ao.quantization.ReuseInputObserver: reuses its input's observer (FX graph mode only). */
export class ReuseInputObserver extends ObserverBase {
  constructor(_options: Record<string, never> = {}) { super(quint8); }
  override forward(x: Tensor): Tensor { return x; }
  override calculateQparams(): [Tensor, Tensor] { return noQparams("ReuseInputObserver"); }
}
