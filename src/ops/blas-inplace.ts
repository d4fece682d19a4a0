// The in-place forms of the addmm family (Tensor.addmm_, addbmm_, baddbmm_, addmv_, addr_ and
// torch.addmv_): the out-of-place op computed on self, whose result must keep self's size (PyTorch
// refuses to broadcast self in place).

import type { Tensor } from "../core/tensor.js";
import { installMethods, type Method, checkArgs, isOptionsObject, rebind } from "./args.js";
import { addbmm, addmm, addmv, addr, baddbmm } from "./blas.js";
import { inPlaceByResult } from "./inplace.js";

interface BetaAlpha { beta?: number; alpha?: number }
type ScaledProduct = (input: Tensor, a: Tensor, b: Tensor, options: BetaAlpha) => Tensor;
type ScaledProductInPlace = (self: Tensor, a: Tensor, b: Tensor, options?: BetaAlpha) => Tensor;

/** The in-place form of `f` (named `op`), whose two operands PyTorch names `names`. */
function scaledProductInPlace(op: string, f: ScaledProduct, names: readonly [string, string]): ScaledProductInPlace {
  const g = function (self: Tensor, a: Tensor, b: Tensor, options: BetaAlpha = {}): Tensor {
    if (arguments.length > 4) checkArgs(op, arguments, 3, ["beta", "alpha"]);
    else if (isOptionsObject(arguments.length === 3 ? b : arguments.length === 2 ? a : self)) return rebind(g, op, arguments, ["input|self", ...names], 3, ["beta", "alpha"]);
    else if (arguments.length === 4) checkArgs(op, arguments, 3, ["beta", "alpha"]);
    return inPlaceByResult(op, self, [a, b], (s) => f(s, a, b, options));
  };
  return g;
}

export const addmv_ = scaledProductInPlace("addmv_", addmv, ["mat", "vec"]);
const addmm_ = scaledProductInPlace("addmm_", addmm, ["mat1", "mat2"]);
const addbmm_ = scaledProductInPlace("addbmm_", addbmm, ["batch1", "batch2"]);
const baddbmm_ = scaledProductInPlace("baddbmm_", baddbmm, ["batch1", "batch2"]);
const addr_ = scaledProductInPlace("addr_", addr, ["vec1", "vec2"]);

declare module "../core/tensor.js" {
  interface Tensor {
    addmm_: Method<ScaledProductInPlace>;
    addbmm_: Method<ScaledProductInPlace>;
    baddbmm_: Method<ScaledProductInPlace>;
    addmv_: Method<ScaledProductInPlace>;
    addr_: Method<ScaledProductInPlace>;
  }
}

installMethods({ addmm_, addbmm_, baddbmm_, addmv_, addr_ });
