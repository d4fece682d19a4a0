// PyTorch's _quantize_weight: a float weight quantized to qint8 with its observer's parameters.
import type { Tensor } from "../../../core/tensor.js";
import { float64, int64 } from "../../../core/dtype.js";
import { perChannelAffine, perChannelSymmetric, quantizePerChannel, quantizePerTensor } from "../../../ops/quantize.js";
import type { UniformQuantizationObserverBase } from "../../quantization/observer.js";
import { noGrad } from "../../../autograd/grad-mode.js";

/** Observes `weight` with a new observer of the qconfig and quantizes it as the observer says. */
export function quantizeWeight(weight: Tensor, observer: UniformQuantizationObserverBase): Tensor {
  return noGrad(() => {
    const w = weight.detach().float();
    observer.call(w);
    const [scale, zeroPoint] = observer.calculateQparams();
    if (observer.dtype.name !== "qint8") throw new Error(`Unsupported dtype of weight observer: ${observer.dtype}`);
    if (observer.qscheme === perChannelAffine || observer.qscheme === perChannelSymmetric) {
      const axis = (observer as UniformQuantizationObserverBase & { chAxis: number }).chAxis;
      return quantizePerChannel(w, scale.to(float64), zeroPoint.to(int64), axis, observer.dtype);
    }
    return quantizePerTensor(w, Number(scale.reshape(-1).get(0).item()), Number(zeroPoint.reshape(-1).get(0).item()), observer.dtype);
  });
}
