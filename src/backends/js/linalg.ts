// Portable dense linear-algebra kernels on contiguous row-major Float32Array/Float64Array
// batches (`batch` matrices one after another). They compute in float64, write into the
// caller's output arrays and return LAPACK-style status codes (one per batch element) instead
// of throwing, so an op can choose between PyTorch's `*_ex` behaviour and raising
// `checkLinalgErrors`'s message.

export {
  type FloatArray,
  type LinalgFailure,
  LinalgError,
  checkLinalgErrors,
  linalgErrorMessage,
} from "./linalg-common.js";
export { luFactor, luInfo, luSolve, det, slogdet, inv, solve, triangularSolve, type TriangularSolveOptions } from "./linalg-lu.js";
export { cholesky, choleskySolve } from "./linalg-cholesky.js";
export { geqrf, qr, qrShapes, type QrMode } from "./linalg-qr.js";
export { eigh, eigvalsh, type Uplo, type RotationConvention } from "./linalg-eigh.js";
export { geev, geevComplex } from "./linalg-geev.js";
export { svd, svdvals, svdShapes, matrixRank, pinv, type SvdShapes } from "./linalg-svd.js";
export { lstsq, type LstsqDriver, type LstsqOutputs } from "./linalg-lstsq.js";
export { ldlFactor, ldlSolve } from "./linalg-ldl.js";
