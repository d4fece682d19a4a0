// The WebGPU backend: device acquisition, the buffer pool, host transfers, and WGSL kernels over
// strided GPU tensors. Standalone for now; the "webgpu" device of Tensor builds on these.

export type { GpuDType, HalfFormat, HostArray, HostArrayOf, NarrowFormat, NarrowIntFormat } from "./gpu-types.js";
export { GPU_DTYPES, isGpuDType } from "./gpu-types.js";
export { type DawnBackend, type RequestDeviceOptions, getContext, isAvailable, requestDevice } from "./device.js";
export { type AdapterDescription, type Dispatch, GpuContext } from "./context.js";
export { BufferPool, GpuBuffer, type PoolStats, sizeClass } from "./pool.js";
export {
  type GpuTensor, MAX_DIMS, broadcastShapes, contiguousStrides, empty, isContiguous, numel, release, reshapeContiguous,
  restride, view,
} from "./tensor.js";
export { type UploadSource, download, fromArray, item, upload } from "./transfer.js";
export { type ComputeDType, type InputKind, POINTWISE_OPS, type PointwiseOp, type PointwiseOpName } from "./pointwise-ops.js";
export { type PointwiseOptions, contiguous, copyInto, fillInto, full, pointwise, narrowInPlace } from "./pointwise.js";
export { type ReduceKind, type ReduceOptions, amax, amin, mean, reduce, reduceWithIndices, sum } from "./reduce.js";
export { logSoftmax, softmax, softmaxBackward } from "./softmax.js";
export {
  type GemmArgs, type GemmDefaults, type GemmOperand, type GemmOutput, MATMUL_CONFIGS, type MatmulConfig, type MatmulOptions, bmm, gemm,
  linear, matmul, mm, setGemmDefaults,
} from "./matmul.js";
export { SPLIT_K_ENOUGH_WORKGROUPS, SPLIT_K_MAX, SPLIT_K_MIN_SLICE, SPLIT_K_TARGET_WORKGROUPS, chooseSplitK } from "./split-k.js";
export {
  type Conv2dGrads, type Conv2dOptions, type ConvGrads, type ConvOptions, type Spatial, type UnfoldOptions, conv, conv2d, conv2dBackward,
  convBackward, fold, unfold,
} from "./conv.js";
export {
  type Pool2dOptions, type PoolOptions, adaptiveMaxPool, adaptiveMaxPoolBackward, avgPool, avgPool2d, avgPool2dBackward, avgPoolBackward,
  maxPool, maxPool2d, maxPool2dBackward, maxPoolBackward,
} from "./pooling.js";
export { type CrossEntropyOptions, type CrossEntropySaved, type Reduction, crossEntropy, crossEntropyBackward } from "./loss.js";
export { embedding, embeddingBackward, gatherRows, scatterAddRows } from "./embedding.js";
export { type AdamItem, type AdamOptions, type SgdItem, type SgdOptions, adamStep, adamSteps, sgdStep, sgdSteps } from "./optim.js";
export { type ScanKind, scanRows } from "./scan.js";
export { sortRows } from "./sort.js";
