// torch.nn.functional losses. Each family lives in its own loss-*.ts file; this file is the public
// surface (re-exports only).

export { nllLoss, crossEntropy } from "./loss-nll.js";
export {
  mseLoss, l1Loss, smoothL1Loss, huberLoss, binaryCrossEntropy, binaryCrossEntropyWithLogits, klDiv, poissonNllLoss,
  gaussianNllLoss,
} from "./loss-regression.js";
export {
  hingeEmbeddingLoss, marginRankingLoss, softMarginLoss, multilabelSoftMarginLoss, multiMarginLoss, multilabelMarginLoss,
  cosineEmbeddingLoss, tripletMarginLoss, tripletMarginWithDistanceLoss, type DistanceFunction,
} from "./loss-margin.js";
export { ctcLoss } from "./loss-ctc.js";
