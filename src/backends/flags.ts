// torch.backends' CUDA-side flags (cudnn, cuda.matmul, mps), as a CPU-only PyTorch build has them:
// programs set `torch.backends.cudnn.benchmark = true` or `deterministic = true` at start-up; the
// flags are stored and read back, and change nothing, as in PyTorch without CUDA. For determinism on
// torch-ts's devices see torch.useDeterministicAlgorithms.

export const cudnn = {
  enabled: true,
  benchmark: false,
  deterministic: false,
  allowTf32: true,
  /** false: no cuDNN without CUDA. */
  isAvailable(): boolean { return false; },
  /** null: no cuDNN, as PyTorch's version() without it. */
  version(): number | null { return null; },
};

export const cuda = {
  matmul: { allowTf32: false, allowFp16ReducedPrecisionReduction: true, allowBf16ReducedPrecisionReduction: true },
  /** false: torch-ts is not built with CUDA. */
  isBuilt(): boolean { return false; },
};

export const mps = {
  isAvailable(): boolean { return false; },
  isBuilt(): boolean { return false; },
};
