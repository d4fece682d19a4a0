// torch.ao.quantization: the observers and the FakeQuantize module of quantization-aware training.
export {
  MinMaxObserver, MovingAverageMinMaxObserver, PerChannelMinMaxObserver, MovingAveragePerChannelMinMaxObserver, UniformQuantizationObserverBase,
  type ObserverOptions, type PerChannelObserverOptions,
} from "./observer.js";
export { FakeQuantize, type FakeQuantizeOptions } from "./fake-quantize.js";
