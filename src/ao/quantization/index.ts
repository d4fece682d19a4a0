// torch.ao.quantization: observers, FakeQuantize, QConfig, the stubs and the eager-mode workflow.
export {
  ObserverBase, MinMaxObserver, MovingAverageMinMaxObserver, PerChannelMinMaxObserver, MovingAveragePerChannelMinMaxObserver, UniformQuantizationObserverBase,
  type ObserverOptions, type PerChannelObserverOptions,
} from "./observer.js";
export { HistogramObserver, type HistogramObserverOptions } from "./observer-histogram.js";
export {
  FixedQParamsObserver, type FixedQParamsObserverOptions, PlaceholderObserver, NoopObserver, RecordingObserver, ReuseInputObserver,
} from "./observer-simple.js";
export { type ModuleFactory } from "./with-args.js";
export {
  FakeQuantizeBase, FakeQuantize, type FakeQuantizeOptions, FixedQParamsFakeQuantize, FusedMovingAvgObsFakeQuantize, type RangeObserver, type ObserverConstructor,
  enableFakeQuant, disableFakeQuant, enableObserver, disableObserver,
} from "./fake-quantize.js";
export * from "./defaults.js";
export * from "./qconfig.js";
export { QuantStub, DeQuantStub, QuantWrapper } from "./stubs.js";
export {
  prepare, prepareQat, convert, quantize, quantizeQat, quantizeDynamic, propagateQconfig_, addObserver_, addQuantDequant, swapModule, registerActivationPostProcessHook,
  type QconfigDict, type PrepareOptions, type AddObserverOptions, type ConvertOptions,
} from "./quantize.js";
export { getDefaultCustomConfigDict, noObserverSet, type CustomConfigDict, type ObservedCustomModuleClass, type QuantizedCustomModuleClass } from "./custom-config.js";
export {
  fuseModules, fuseModulesQat, fuseConvBn, fuseConvBnRelu, fuseConvBnEval, fuseLinearBn, fuseConvtransposeBn, fuseKnownModules, getFuserMethod,
} from "./fuse-modules.js";
export {
  getDefaultStaticQuantModuleMappings, getDefaultQatModuleMappings, getDefaultDynamicQuantModuleMappings, getStaticQuantModuleClass,
  getEmbeddingQatModuleMappings, getEmbeddingStaticQuantModuleMappings,
  getDynamicQuantModuleClass, getDefaultQconfigPropagationList, type ModuleMapping, type ModuleClass, type FromFloat,
} from "./mappings.js";
export { getObserverStateDict, loadObserverStateDict, QuantType, quantTypeToStr } from "./observer-state.js";
export { QConfigMapping, type ObjectType, getDefaultQconfigMapping, getDefaultQatQconfigMapping } from "./qconfig-mapping.js";
export {
  isActivationPostProcess, hasNoChildrenIgnoringParametrizations, getObserverDict, getQparamDict, type QparamDict, getCombinedDict, defaultEvalFn,
  assertValidQconfig, QConfigDynamic,
} from "./utils.js";
