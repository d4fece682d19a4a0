// torch.distributions.transforms: PyTorch's public transforms, from the two files that define them
// (named one by one: the helpers those files share, ParameterlessTransform, stay internal).

export {
  Transform, ComposeTransform, IndependentTransform, ExpTransform, PowerTransform, SigmoidTransform, SoftplusTransform, TanhTransform,
  AbsTransform, AffineTransform, SoftmaxTransform, StickBreakingTransform, LowerCholeskyTransform, PositiveDefiniteTransform, identityTransform,
} from "./transforms.js";
export { CorrCholeskyTransform, ReshapeTransform, CatTransform, StackTransform, CumulativeDistributionTransform } from "./transforms-structured.js";
