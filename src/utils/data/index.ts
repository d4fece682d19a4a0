// torch.utils.data
export { Dataset, IterableDataset, TensorDataset, Subset, ConcatDataset, ChainDataset, StackDataset, randomSplit } from "./dataset.js";
export { Sampler, SequentialSampler, RandomSampler, SubsetRandomSampler, WeightedRandomSampler, BatchSampler } from "./sampler.js";
export { DistributedSampler, type DistributedSamplerOptions } from "./distributed-sampler.js";
export { DataLoader, defaultCollate, defaultConvert, type DataLoaderOptions, type CollateFn, type DefaultCollated, type AnyDataset, type ItemOf } from "./dataloader.js";
export { getWorkerInfo, type WorkerInfo } from "./worker-info.js";
