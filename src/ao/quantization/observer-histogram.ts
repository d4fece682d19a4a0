// torch.ao.quantization.HistogramObserver as PyTorch 1.13 computes it: a running histogram of
// `bins` bins over [min_val, max_val] (a new input widening the range is merged by upsampling the
// old histogram onto a common grid), and calculate_qparams' search for the [min, max] that
// minimises the L2 quantization error (caffe2's NonlinearQuantizationParamsSearch). The error
// terms are PyTorch's float32 tensor expressions, in its order, so the chosen bins are its own;
// the histogram ranges are int()-truncated as 1.13 passes them to histc.
import type { Tensor } from "../../core/tensor.js";
import { float32, int64 } from "../../core/dtype.js";
import { warnOnce } from "../../core/warnings.js";
import { arange, onesLike, tensor, zeros } from "../../ops/creation.js";
import { aminmax } from "../../ops/reduction-more.js";
import { histc } from "../../ops/sorting.js";
import { perTensorAffine, perTensorSymmetric } from "../../ops/quantize.js";
import { type ObserverOptions, UniformQuantizationObserverBase } from "./observer.js";

export interface HistogramObserverOptions extends ObserverOptions {
  /** Number of histogram bins (2048). */
  bins?: number;
  /** How finely the old histogram is resampled when the range widens (128). */
  upsampleRate?: number;
}

const item = (t: Tensor): number => Number(t.item());

export class HistogramObserver extends UniformQuantizationObserverBase {
  declare histogram: Tensor;
  declare min_val: Tensor;
  declare max_val: Tensor;
  readonly bins: number;
  readonly upsampleRate: number;
  /** The number of quantized levels (2 ** bits of the dtype). */
  readonly dstNbins: number;

  constructor(options: HistogramObserverOptions = {}) {
    const qscheme = options.qscheme ?? perTensorAffine;
    if (qscheme !== perTensorAffine && qscheme !== perTensorSymmetric) {
      throw new Error("HistogramObserver's qscheme only support torch.per_tensor_symmetric and torch.per_tensor_affine.");
    }
    super(options);
    this.bins = options.bins ?? 2048;
    this.upsampleRate = options.upsampleRate ?? 128;
    if (!Number.isInteger(this.bins) || this.bins <= 0) throw new Error(`HistogramObserver: bins must be a positive integer, got ${this.bins}`);
    if (!Number.isInteger(this.upsampleRate) || this.upsampleRate <= 0) throw new Error(`HistogramObserver: upsample_rate must be a positive integer, got ${this.upsampleRate}`);
    this.registerBuffer("histogram", zeros(this.bins));
    this.registerBuffer("min_val", tensor(Infinity));
    this.registerBuffer("max_val", tensor(-Infinity));
    this.dstNbins = 2 ** (this.dtype.itemsize * 8);
  }

  override forward(xOrig: Tensor): Tensor {
    if (xOrig.numel() === 0) return xOrig;
    const x = xOrig.detach();
    const minV = item(this.min_val), maxV = item(this.max_val);
    if ((minV === Infinity && maxV === -Infinity) || minV === maxV) {
      const [lo, hi] = aminmax(x);
      this.min_val.resize_(lo!.shape).copy_(lo!);
      this.max_val.resize_(hi!.shape).copy_(hi!);
      this.histogram.copy_(histc(x, this.bins, Math.trunc(item(lo!)), Math.trunc(item(hi!))));
      return xOrig;
    }
    const [lo, hi] = aminmax(x);
    const combinedMin = lo!.minimum(this.min_val);
    const { combinedMax, downsampleRate, startIdx } = this.adjustMinMax(combinedMin, hi!.maximum(this.max_val));
    let combined = histc(x, this.bins, Math.trunc(item(combinedMin)), Math.trunc(item(combinedMax)));
    combined = item(combinedMin) === minV && item(combinedMax) === maxV
      ? combined.add(this.histogram)
      : this.combineHistograms(combined, downsampleRate, startIdx);
    this.histogram.resize_(combined.shape).copy_(combined);
    this.min_val.copy_(combinedMin);
    this.max_val.copy_(combinedMax);
    return xOrig;
  }

  /**
   * PyTorch's _adjust_min_max: widens the combined max so that the combined range is a whole
   * number (downsample_rate) of the old histogram's upsampled bins; start_idx places the old range.
   */
  private adjustMinMax(combinedMin: Tensor, combinedMax: Tensor): { combinedMax: Tensor; downsampleRate: number; startIdx: number } {
    const histBinWidth = this.max_val.sub(this.min_val).div(this.bins * this.upsampleRate);
    const span = histBinWidth.mul(this.bins);
    const downsampleRate = Math.ceil(item(combinedMax.sub(combinedMin).div(span)));
    const e = span.mul(downsampleRate).sub(combinedMax.sub(combinedMin));
    const startIdx = item(this.min_val.sub(combinedMin).div(histBinWidth).round());
    return { combinedMax: combinedMax.add(e), downsampleRate, startIdx };
  }

  /**
   * PyTorch's _combine_histograms: the old histogram upsampled (each bin split in upsample_rate),
   * placed at start_idx on the combined grid, summed in double per downsample_rate cells, and added
   * to the new input's histogram.
   */
  private combineHistograms(newHist: Tensor, downsampleRate: number, startIdx: number): Tensor {
    const bins = this.bins, up = this.upsampleRate;
    const old = this.histogram.tolist() as number[], added = newHist.tolist() as number[];
    const cells = bins * downsampleRate;
    if (startIdx < 0 || startIdx + bins * up > cells) throw new Error(`HistogramObserver: cannot place the histogram at ${startIdx} in ${cells} cells`);
    const integral = new Float64Array(bins);
    let acc = 0;
    for (let k = 0; k < cells; k++) {
      if (k >= startIdx && k < startIdx + bins * up) acc += old[Math.floor((k - startIdx) / up)]!;
      if ((k + 1) % downsampleRate === 0) integral[(k + 1) / downsampleRate - 1] = acc;
    }
    // The shifted integral is a float32 buffer in PyTorch; the difference is taken in double.
    const out = added.map((v, j) => Math.fround(v + Math.fround((integral[j]! - (j === 0 ? 0 : Math.fround(integral[j - 1]!))) / up)));
    return tensor(out, { dtype: float32 });
  }

  /** PyTorch's _get_norm: density * (end^3 - begin^3) / 3, the L2 norm of a uniform bin's values. */
  private static norm(begin: Tensor, end: Tensor, density: Tensor): Tensor {
    return density.mul(end.mul(end).mul(end).sub(begin.mul(begin).mul(begin)).div(3));
  }

  /** PyTorch's _compute_quantization_error: the L2 error of quantizing bins [startBin, endBin] to dst_nbins levels. */
  private quantizationError(startBin: number, endBin: number): number {
    const binWidth = (item(this.max_val) - item(this.min_val)) / this.bins;
    const dstBinWidth = binWidth * (endBin - startBin + 1) / this.dstNbins;
    if (dstBinWidth === 0) return 0;
    const last = this.dstNbins - 1, half = dstBinWidth / 2;
    const srcBegin = arange(this.bins, { dtype: float32 }).sub(startBin).mul(binWidth);
    const srcEnd = srcBegin.add(binWidth);
    const dstOfBegin = srcBegin.div(dstBinWidth, { roundingMode: "floor" }).clamp(0, last);
    const dstOfBeginCenter = dstOfBegin.add(0.5).mul(dstBinWidth);
    const dstOfEnd = srcEnd.div(dstBinWidth, { roundingMode: "floor" }).clamp(0, last);
    const density = this.histogram.div(binWidth);
    const norm = zeros(this.bins);
    norm.add_(HistogramObserver.norm(srcBegin.sub(dstOfBeginCenter), onesLike(srcBegin).mul(half), density));
    norm.add_(dstOfEnd.sub(dstOfBegin).sub(1).mul(HistogramObserver.norm(tensor(-half), tensor(half), density)));
    const dstOfEndCenter = dstOfEnd.mul(dstBinWidth).add(half);
    norm.add_(HistogramObserver.norm(tensor(-half), srcEnd.sub(dstOfEndCenter), density));
    return item(norm.sum());
  }

  /**
   * PyTorch's _non_linear_param_search: moves the lower or upper quantile bound by 1e-5 at a time
   * (whichever drops fewer bins), keeping the bin range while the quantization error falls.
   */
  private nonLinearParamSearch(): [Tensor, Tensor] {
    const binWidth = this.max_val.sub(this.min_val).div(this.bins);
    const total = item(this.histogram.sum());
    const cSum = Float32Array.from(this.histogram.cumsum(0).tolist() as number[]);
    const stepsize = 1e-5;
    let alpha = 0, beta = 1, startBin = 0, endBin = this.bins - 1, normMin = Infinity;
    while (alpha < beta) {
      const nextAlpha = alpha + stepsize, nextBeta = beta - stepsize;
      // cSum[l] < next_alpha * total compares in float32 (the tensor's dtype).
      const lowQuantile = Math.fround(nextAlpha * total), highQuantile = Math.fround(nextBeta * total);
      let l = startBin, r = endBin;
      while (l < endBin && cSum[l]! < lowQuantile) l++;
      while (r > startBin && cSum[r]! > highQuantile) r--;
      let nextStart = startBin, nextEnd = endBin;
      if (l - startBin > endBin - r) { nextStart = l; alpha = nextAlpha; } else { nextEnd = r; beta = nextBeta; }
      if (nextStart === startBin && nextEnd === endBin) continue;
      const norm = this.quantizationError(nextStart, nextEnd);
      if (norm > normMin) break;
      normMin = norm;
      startBin = nextStart;
      endBin = nextEnd;
    }
    return [this.min_val.add(binWidth.mul(startBin)), this.min_val.add(binWidth.mul(endBin + 1))];
  }

  override calculateQparams(): [Tensor, Tensor] {
    if (item(this.min_val) === Infinity && item(this.max_val) === -Infinity) {
      warnOnce("must run observer before calling calculate_qparams.                                    Returning default scale and zero point ");
      return [tensor([1.0], { dtype: float32 }), tensor([0], { dtype: int64 })];
    }
    if (this.histogram.numel() !== this.bins) throw new Error("The number of bins in histogram should be equal to the number of bins supplied while making this observer");
    const [newMin, newMax] = this.nonLinearParamSearch();
    return this._calculateQparams(newMin, newMax);
  }

  override extraRepr(): string { return `min_val=${this.min_val}, max_val=${this.max_val}`; }
}
