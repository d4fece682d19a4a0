// torch.nn.utils.fusion.fuse_conv_bn_weights: a convolution's weight and bias with an eval-mode
// batch norm's affine map folded in, in PyTorch's order of operations.
import type { Tensor } from "../../../core/tensor.js";
import { Parameter } from "../../../nn/parameter.js";
import { onesLike, zerosLike } from "../../../ops/creation.js";
import { noGrad } from "../../../autograd/grad-mode.js";

export function fuseConvBnWeights(
  convW: Tensor, convB: Tensor | null, runningMean: Tensor, runningVar: Tensor, eps: number, bnW: Tensor | null, bnB: Tensor | null,
): [Parameter, Parameter] {
  return noGrad(() => {
    const b = convB ?? zerosLike(runningMean), gamma = bnW ?? onesLike(runningMean), beta = bnB ?? zerosLike(runningMean);
    const varRsqrt = runningVar.add(eps).rsqrt();
    const weight = convW.mul(gamma.mul(varRsqrt).reshape([-1, ...new Array<number>(convW.dim() - 1).fill(1)]));
    const bias = b.sub(runningMean).mul(varRsqrt).mul(gamma).add(beta);
    return [new Parameter(weight, convW.requiresGrad), new Parameter(bias, convW.requiresGrad)];
  });
}
