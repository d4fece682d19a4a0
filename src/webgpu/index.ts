// The "webgpu" device: registers its kernels with the op front end, its transfer with x.to(), the
// async readback methods on Tensor, and exports torch.webgpu.
//
//   await torch.webgpu.init();                       // once: device creation is asynchronous
//   const x = torch.randn(64, 784).to("webgpu");     // or torch.zeros(3, { device: "webgpu" })
//   model.to("webgpu");
//   const loss = F.crossEntropy(model.call(x), y);   // ops queue GPU work synchronously
//   loss.backward(); optimizer.step();
//   console.log(await loss.itemAsync());             // readback is asynchronous
//
// dtypes: float32; float16 and bfloat16 (held in float32 buffers, every value rounded to the format,
// so memory is not halved); int32; int8, uint8, int16 (held in int32, every value wrapped to the
// type); int64 (held in int32); bool. float64 is refused: WGSL has no f64.

import { Tensor } from "../core/tensor.js";
import { type DeviceOps, registerDeviceOps, registerDeviceTransfer } from "../ops/device-hooks.js";
import { installMethods } from "../ops/args.js";
import {
  gpuBinary, gpuCompare, gpuCopy, gpuEmpty, gpuFill, gpuLogical, gpuPointwiseGrad, gpuTernary, gpuTest, gpuUnary, gpuWhere,
} from "./pointwise.js";
import {
  gpuAdaptiveMaxPool, gpuAvgPool, gpuBmm, gpuConv, gpuCrossEntropy, gpuEmbedding, gpuIndexAdd, gpuIndexSelect, gpuLinear, gpuLogsumexp, gpuScaledProduct,
  gpuMaxPool, gpuReduce, gpuSelectAlong, gpuSoftmax, gpuVarMean, sameDeviceOrThrow, gpuGather, gpuScatterInto,
  gpuVectorNorm, gpuDiffLoss, gpuClampTensor, gpuNllLoss, gpuUnfold, gpuFold,
} from "./ops.js";
import { gpuAdamStep, gpuSgdStep } from "./optim.js";
import { gpuComposedOptimStep } from "./optim-composite.js";
import { gpuAdaptiveAvgPool, gpuInterpolate } from "./resample.js";
import { gpuBatchNorm, gpuLayerNorm } from "./normalization.js";
import { gpuKthAlong, gpuScan, gpuScanWithIndices, gpuSortAlong } from "./scan-sort.js";
import { cpuAsync, dispose, itemAsync, toAsync, toDevice, tolistAsync } from "./transfer.js";
import { installGpuFactories } from "./factories.js";
import {
  gpuIndexAny, gpuIndexPut, gpuMaskedAssignValueGrad, gpuMaskedFill, gpuMaskedFillInto, gpuMaskedScatter, planIndexPut, planMaskedAssign,
} from "./masked.js";
import { gpuProd } from "./prod.js";
import { gpuLogicalReduce } from "./logical-reduce.js";
import { gpuModeAlong } from "./mode.js";
import { gpuMaskedSelect, gpuNonzero, gpuUnique } from "./value-sized.js";
import { gpuEigh, gpuQr, gpuSvd } from "./linalg-decomp.js";
import { gpuCholesky, gpuCholeskySolve, gpuLuDet, gpuLuFactor, gpuLuFactorForSolve, gpuLuSolve, gpuTriangularSolve } from "./linalg.js";

const OPS = {
  unary: gpuUnary, binary: gpuBinary, ternary: gpuTernary, pointwiseGrad: gpuPointwiseGrad, compare: gpuCompare, logical: gpuLogical, test: gpuTest,
  where: gpuWhere, empty: gpuEmpty, copy: gpuCopy, fill: gpuFill,
  reduce: gpuReduce, selectAlong: gpuSelectAlong, varMean: gpuVarMean, logsumexp: gpuLogsumexp, softmax: gpuSoftmax,
  bmm: gpuBmm, scaledProduct: gpuScaledProduct, linear: gpuLinear, conv: gpuConv, maxPool: gpuMaxPool, avgPool: gpuAvgPool, adaptiveMaxPool: gpuAdaptiveMaxPool,
  crossEntropy: gpuCrossEntropy, embedding: gpuEmbedding, indexSelect: gpuIndexSelect, indexAdd: gpuIndexAdd, index: gpuIndexAny,
  maskedFill: gpuMaskedFill, maskedFillInto: gpuMaskedFillInto, indexPut: gpuIndexPut, prod: gpuProd, logicalReduce: gpuLogicalReduce, modeAlong: gpuModeAlong, planIndexPut, planMaskedAssign,
  maskedAssignValueGrad: gpuMaskedAssignValueGrad, maskedScatter: gpuMaskedScatter,
  sameDevice: sameDeviceOrThrow, sgdStep: gpuSgdStep, adamStep: gpuAdamStep, composedOptimStep: gpuComposedOptimStep,
  interpolate: gpuInterpolate, adaptiveAvgPool: gpuAdaptiveAvgPool, scan: gpuScan, scanWithIndices: gpuScanWithIndices, sortAlong: gpuSortAlong, kthAlong: gpuKthAlong,
  gather: gpuGather, scatterInto: gpuScatterInto, layerNorm: gpuLayerNorm, batchNorm: gpuBatchNorm, vectorNorm: gpuVectorNorm,
  diffLoss: gpuDiffLoss, clampTensor: gpuClampTensor, nllLoss: gpuNllLoss, unfold: gpuUnfold, fold: gpuFold,
  luFactor: gpuLuFactor, luFactorForSolve: gpuLuFactorForSolve, luSolve: gpuLuSolve, luDet: gpuLuDet, triangularSolve: gpuTriangularSolve,
  cholesky: gpuCholesky, choleskySolve: gpuCholeskySolve, qr: gpuQr, eigh: gpuEigh, svd: gpuSvd,
  nonzeroAsync: gpuNonzero, maskedSelectAsync: gpuMaskedSelect, uniqueAsync: gpuUnique,
};

type WebgpuOps = typeof OPS;

declare module "../ops/device-hooks.js" {
  // The entries the front end may call (typed by this backend's implementations).
  interface DeviceOps extends WebgpuOps {}
}

registerDeviceOps(OPS satisfies Partial<DeviceOps>);
registerDeviceTransfer(toDevice);

declare module "../core/tensor.js" {
  interface Tensor {
    /** A CPU copy of a GPU tensor (the tensor itself on the CPU): PyTorch's x.cpu(), asynchronously. */
    cpuAsync(): Promise<Tensor>;
    /** x.item(), asynchronously (works on any device). */
    itemAsync(): Promise<number | boolean | bigint>;
    /** x.tolist(), asynchronously (works on any device). */
    tolistAsync(): Promise<ReturnType<Tensor["tolist"]>>;
    /** x.to(device) for any pair of devices, GPU → CPU included. */
    toAsync(device: string): Promise<Tensor>;
    /** `using x = ...`: releases this tensor's hold on its GPU memory at the end of the scope. */
    [Symbol.dispose](): void;
  }
}


installMethods({ cpuAsync, itemAsync, tolistAsync, toAsync });
installGpuFactories(Tensor.prototype as unknown as Record<string, unknown>);
(Tensor.prototype as unknown as Record<symbol, unknown>)[Symbol.dispose] = function (this: Tensor) { dispose(this); };

export {
  init, isAvailable, isInitialized, deviceName, memoryAllocated, memoryReserved, maxMemoryAllocated, resetPeakMemoryStats,
  emptyCache, synchronize, shutdown,
} from "./runtime.js";
