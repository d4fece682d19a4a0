// torch.backends: which kernels run (the native addon or the JS fallback), and the CUDA-side flags
// a CPU-only PyTorch has (cudnn, cuda, mps).
import { kernels } from "./kernels.js";
import { getIsa, type Isa } from "./native/index.js";

export const native = {
  /** Whether the native CPU addon is loaded (false where it could not be built, or under TORCH_TS_BACKEND=js). */
  isAvailable(): boolean { return kernels.backend === "native"; },
  /** The instruction set the native kernels run ("avx512", "avx2" or "scalar"), null without the addon. */
  isa(): Isa | null { return kernels.backend === "native" ? getIsa() : null; },
};
export { cudnn, cuda, mps } from "./flags.js";
