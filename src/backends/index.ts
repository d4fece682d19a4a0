// torch.backends: which kernels run (the native addon or the JS fallback).
import { kernels } from "./kernels.js";

export const native = {
  /** Whether the native CPU addon is loaded (false where it could not be built, or under TORCH_TS_BACKEND=js). */
  isAvailable(): boolean { return kernels.backend === "native"; },
};
