// torch.nn.utils
export { clipGradNorm_, clipGradNorm, clipGradsWithNorm_, clipGradValue_, getTotalNorm, type ParametersArg } from "./clip-grad.js";
export { skipInit } from "./skip-init.js";
export { convertConv2dWeightMemoryFormat } from "./memory-format.js";
export { parametersToVector, vectorToParameters } from "./convert-parameters.js";
export * as rnn from "./rnn.js";
export * as stateless from "./stateless.js";
export * as parametrize from "./parametrize.js";
export * as parametrizations from "./parametrizations.js";
export { weightNorm, removeWeightNorm } from "./weight-norm.js";
export { spectralNorm, removeSpectralNorm } from "./spectral-norm.js";
export * as prune from "./prune.js";
export { fuseConvBnEval, fuseConvBnWeights, fuseLinearBnEval, fuseLinearBnWeights } from "./fusion.js";
export * as fusion from "./fusion.js";
