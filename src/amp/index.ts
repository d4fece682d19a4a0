// torch.amp: autocast regions and gradient scaling.
export { autocast, type AutocastOptions } from "./autocast.js";
export { GradScaler, type GradScalerOptions, type GradScalerStateDict, type Scalable } from "./grad-scaler.js";
export { isAutocastAvailable } from "./state.js";
export { customFwd, customBwd, type CustomFwdOptions, type CustomBwdOptions } from "./custom-fwd.js";
