// torch.nn.functional normalization: batch_norm, instance_norm (normalization-batch.ts), layer_norm,
// group_norm, rms_norm, local_response_norm, normalize (normalization-layer.ts). Re-exports only.

export { batchNorm, instanceNorm } from "./normalization-batch.js";
export { layerNorm, groupNorm, rmsNorm, localResponseNorm, normalize } from "./normalization-layer.js";
