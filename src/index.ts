// torch-ts: the public surface (the `torch` namespace). Re-exports only.
//   import * as torch from "torch-ts";

export { Tensor } from "./core/tensor.js";
export {
  DType, float32, float64, float16, bfloat16, int8, uint8, int16, int32, int64, bool, complex32, complex64, complex128, quint8, qint8, qint32, quint4x2, quint2x4,
  float, double, half, int, long, short, cfloat, cdouble, chalf, getDefaultDtype, setDefaultDtype, type DTypeLike, type DTypeName,
} from "./core/dtype.js";
export { Complex } from "./core/complex.js";
export { Device, type DeviceLike } from "./core/storage.js";
export { setPrintOptions as setPrintoptions, getPrintOptions as getPrintoptions } from "./core/printing.js";
export { noGrad, enableGrad, inferenceMode, setGradEnabled, isGradEnabled, isInferenceModeEnabled } from "./autograd/grad-mode.js";
export { resultType, promoteTypes, canCast } from "./ops/promotion.js";
export { autocast } from "./amp/autocast.js";
export {
  isAutocastEnabled, setAutocastEnabled, getAutocastDtype, setAutocastDtype, isAutocastCpuEnabled, setAutocastCpuEnabled,
  getAutocastCpuDtype, setAutocastCpuDtype, getAutocastGpuDtype, setAutocastGpuDtype, isAutocastCacheEnabled,
  setAutocastCacheEnabled, clearAutocastCache, autocastIncrementNesting, autocastDecrementNesting,
} from "./amp/state.js";
export * as amp from "./amp/index.js";
export * as cpu from "./amp/cpu.js";

export * from "./ops/creation.js";
// The factories of torch.set_default_device: these shadow the plain ones of the `export *` lines.
export {
  setDefaultDevice, getDefaultDevice, tensor, asTensor, asarray, zeros, ones, empty, full, arange, range, linspace, logspace,
  eye, trilIndices, triuIndices, scalarTensor, emptyStrided, rand, randn, randint, randperm, hannWindow, hammingWindow,
  blackmanWindow, bartlettWindow, kaiserWindow, device,
} from "./ops/default-device.js";
export * from "./ops/frombuffer.js";
export * from "./ops/view.js";
export * from "./ops/conversion.js";
export * from "./ops/complex-views.js";
export * from "./ops/arithmetic.js";
export * from "./ops/pointwise.js";
export * from "./ops/comparison.js";
export * from "./ops/activation.js";
export * from "./ops/special.js";
export * from "./ops/reduction.js";
export * from "./ops/scan.js";
export * from "./ops/sorting.js";
export * from "./ops/indexing.js";
export * from "./ops/value-sized.js";
export * from "./ops/shape.js";
export * from "./ops/blas.js";
export * from "./ops/blas-inplace.js";
export * from "./ops/random.js";
export * from "./ops/random-counts.js";
export * from "./ops/random-gamma.js";

export * as autograd from "./autograd/index.js";
export * as func from "./func/index.js";
export { vmap } from "./func/vmap.js";
export * as linalg from "./ops/linalg.js";
export * as special from "./ops/special-namespace.js";
export * as fft from "./ops/fft.js";
export * as nn from "./nn/index.js";
export * as optim from "./optim/index.js";
export * as utils from "./utils/index.js";
export * as datasets from "./datasets/index.js";
export * from "./ops/reduction-more.js";
export { save, load } from "./io/pt.js";
export * as safetensors from "./io/safetensors.js";
export * as serialization from "./io/serialization.js";
export * from "./ops/linalg-functions.js";
export * from "./ops/linalg-householder.js";
export * from "./ops/lu-functions.js";
export * as backends from "./backends/index.js";
export * as cuda from "./backends/cuda.js";
export { getNumThreads, setNumThreads, initNumThreads } from "./backends/threads.js";
export {
  useDeterministicAlgorithms, areDeterministicAlgorithmsEnabled, isDeterministicAlgorithmsWarnOnlyEnabled,
  setFloat32MatmulPrecision, getFloat32MatmulPrecision, type Float32MatmulPrecision, setFlushDenormal,
  getNumInteropThreads, setNumInteropThreads, setDeterministicDebugMode, getDeterministicDebugMode, type DeterministicDebugMode,
  isVulkanAvailable,
} from "./core/settings.js";
export { setWarnAlways, isWarnAlwaysEnabled } from "./core/warnings.js";
export { finfo, iinfo, FInfo, IInfo } from "./core/type-info.js";
export { isAnomalyEnabled, isAnomalyCheckNanEnabled, setAnomalyEnabled } from "./autograd/anomaly.js";
export * from "./ops/introspection.js";
export * from "./ops/statistics.js";
export * from "./ops/histogram.js";
export * from "./ops/lowrank.js";
export * from "./ops/lobpcg.js";
export * from "./ops/integration.js";
export * from "./ops/windows.js";
export * from "./ops/stft.js";
export * from "./ops/products-norms.js";
export * from "./ops/shape-split.js";
export * from "./ops/split-forms.js";
export * from "./ops/creation-strided.js";
export * from "./ops/nn-forms.js";
export * from "./ops/matrix-exp.js";
export * from "./ops/conjugation.js";
export * from "./ops/asarray.js";
export * as memory from "./core/memory.js";
export * as onnx from "./onnx/index.js";
export * as webgpu from "./webgpu/index.js";
import "./ops/public-names.js";
export * from "./ops/torch-forms.js";
export * from "./ops/view-copies.js";
export * from "./ops/tensor-storage.js";
export { Layout, Layout as layout, strided, sparseCoo, sparseCsr, sparseCsc, sparseBsr, sparseBsc } from "./core/layout.js";
export { MemoryFormat, MemoryFormat as memoryFormat, contiguousFormat, channelsLast, channelsLast3d, preserveFormat } from "./core/memory-format.js";
export * from "./ops/sparse.js";
export * from "./ops/sparse-compressed.js";
export * from "./ops/sparse-products.js";
export * from "./ops/sparse-copies.js";
export * from "./ops/sparse-resize.js";
export * as sparse from "./ops/sparse-namespace.js";
export * as nested from "./ops/nested.js";
export * from "./ops/nn-forms-native.js";
export * from "./ops/nn-forms-sampling.js";
export * from "./ops/rnn-forms.js";
export * from "./ops/tensor-flags.js";
export * from "./ops/named.js";
export * from "./ops/segment-reduce.js";
export * from "./ops/type-names.js";
export * from "./ops/fake-quantize.js";
export * from "./ops/quantize.js";
export * from "./ops/quantized-torch.js";
export {
  quantizedLstm, quantizedGru, quantizedLstmCell, quantizedGruCell, quantizedRnnReluCell, quantizedRnnTanhCell, type QuantizedRnnOptions,
} from "./ao/nn/quantized/rnn-functions.js";
export * as ops from "./ops/torch-ops.js";
export * as ao from "./ao/index.js";
export * as testing from "./testing/index.js";
export { compile, OptimizedModule, type CompileOptions } from "./compile.js";
export * as compiler from "./compiler.js";
export * as random from "./ops/random-namespace.js";
export { defaultGenerator } from "./core/generator.js";
export * as distributions from "./distributions/index.js";
