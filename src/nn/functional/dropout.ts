// F.dropout, dropout1d/2d/3d (channel masks), alpha_dropout, feature_alpha_dropout, each with its
// inplace form. As ATen's CPU _dropout_impl: the noise is empty_like(input).bernoulli_(1 - p), then
// divided by (1 - p) in the input's dtype (so float32 values are x * fround(mask / fround(1 - p)),
// bit for bit PyTorch's), and the result is input * noise (MulBackward0).

import type { Tensor } from "../../core/tensor.js";
import { type Args, bindArgs } from "../../ops/args.js";
import { boolArg, numberArg, tensorArg, warnOnce } from "./loss-util.js";
import { checkP, dropoutImpl, featureShape } from "./dropout-engine.js";

interface DropoutOptions { p?: number; training?: boolean; inplace?: boolean }
type DropoutArgs = Args<[p?: number, training?: boolean, inplace?: boolean], DropoutOptions>;

function bind(op: string, args: readonly unknown[], trainingDefault: boolean): { p: number; training: boolean; inplace: boolean } {
  const a = bindArgs(op, args, ["p", "training", "inplace"]);
  const p = numberArg(op, "p", a.p, 0.5);
  checkP(p);
  return { p, training: boolArg(op, "training", a.training, trainingDefault), inplace: boolArg(op, "inplace", a.inplace, false) };
}

/** F.dropout(input, p=0.5, training=True, inplace=False). */
export function dropout(input: Tensor, ...args: DropoutArgs): Tensor {
  const x = tensorArg("dropout", "input", 1, input);
  const { p, training, inplace } = bind("dropout", args, true);
  return dropoutImpl(x, p, training, null, false, inplace);
}

/** F.alpha_dropout(input, p=0.5, training=False, inplace=False): keeps SELU's mean and variance. */
export function alphaDropout(input: Tensor, ...args: DropoutArgs): Tensor {
  const x = tensorArg("alpha_dropout", "input", 1, input);
  const { p, training, inplace } = bind("alpha_dropout", args, false);
  return dropoutImpl(x, p, training, null, true, inplace);
}

/** F.feature_alpha_dropout(input, p=0.5, training=False, inplace=False): alpha dropout of whole channels. */
export function featureAlphaDropout(input: Tensor, ...args: DropoutArgs): Tensor {
  const x = tensorArg("feature_alpha_dropout", "input", 1, input);
  const { p, training, inplace } = bind("feature_alpha_dropout", args, false);
  return dropoutImpl(x, p, training, () => featureShape(x), true, inplace);
}

/** F.dropout1d(input, p=0.5, training=True, inplace=False): zeroes whole channels of (N, C, L) or (C, L). */
export function dropout1d(input: Tensor, ...args: DropoutArgs): Tensor {
  const x = tensorArg("dropout1d", "input", 1, input);
  const { p, training, inplace } = bind("dropout1d", args, true);
  const nd = x.dim();
  if (nd !== 2 && nd !== 3) {
    throw new Error(`dropout1d: Expected 2D or 3D input, but received a ${nd}D input. Note that dropout1d exists to provide channel-wise dropout on inputs with 1 spatial dimension, a channel dimension, and an optional batch dimension (i.e. 2D or 3D inputs).`);
  }
  return dropoutImpl(x, p, training, () => featureShape(x, nd === 3), false, inplace);
}

/** F.dropout2d(input, p=0.5, training=True, inplace=False): zeroes whole channels of (N, C, H, W). */
export function dropout2d(input: Tensor, ...args: DropoutArgs): Tensor {
  const x = tensorArg("dropout2d", "input", 1, input);
  const { p, training, inplace } = bind("dropout2d", args, true);
  const nd = x.dim();
  if (nd !== 3 && nd !== 4) {
    warnOnce(`dropout2d: Received a ${nd}-D input to dropout2d, which is deprecated and will result in an error in a future release. ` +
      "To retain the behavior and silence this warning, please use dropout instead. Note that dropout2d exists to provide channel-wise " +
      "dropout on inputs with 2 spatial dimensions, a channel dimension, and an optional batch dimension (i.e. 3D or 4D inputs).");
  }
  if (nd === 3) {
    warnOnce("dropout2d: Received a 3D input to dropout2d and assuming that channel-wise 1D dropout behavior is desired - input is " +
      "interpreted as shape (N, C, L), where C is the channel dim. This behavior will change in a future release to interpret the " +
      "input as one without a batch dimension, i.e. shape (C, H, W). To maintain the 1D channel-wise dropout behavior, please switch to using dropout1d instead.");
  }
  return dropoutImpl(x, p, training, () => featureShape(x), false, inplace);
}

/** F.dropout3d(input, p=0.5, training=True, inplace=False): zeroes whole channels of (N, C, D, H, W) or (C, D, H, W). */
export function dropout3d(input: Tensor, ...args: DropoutArgs): Tensor {
  const x = tensorArg("dropout3d", "input", 1, input);
  const { p, training, inplace } = bind("dropout3d", args, true);
  const nd = x.dim();
  if (nd !== 4 && nd !== 5) {
    warnOnce(`dropout3d: Received a ${nd}-D input to dropout3d, which is deprecated and will result in an error in a future release. ` +
      "To retain the behavior and silence this warning, please use dropout instead. Note that dropout3d exists to provide channel-wise " +
      "dropout on inputs with 3 spatial dimensions, a channel dimension, and an optional batch dimension (i.e. 4D or 5D inputs).");
  }
  return dropoutImpl(x, p, training, () => featureShape(x, nd === 5), false, inplace);
}
