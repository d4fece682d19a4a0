// Unary pointwise math (the template for every unary op): neg, exp, ...

import { Tensor } from "../core/tensor.js";
import { installMethods, type Method } from "./args.js";
import { type UnarySpec, unaryOp, unaryInPlace, sameOut } from "./pointwise-engine.js";

const NEG: UnarySpec = { name: "neg", node: "NegBackward0", f: (x) => -x, outDtype: sameOut, vjp: (g) => g.neg() };
const EXP: UnarySpec = { name: "exp", node: "ExpBackward0", f: Math.exp, vjp: (g, _x, out) => g.mul(out), savesOutput: true };

export function neg(input: Tensor): Tensor {
  if (input.dtype.name === "bool") throw new Error("Negation, the `-` operator, on a bool tensor is not supported. If you are trying to invert a mask, use the `~` or `logical_not()` operator instead.");
  return unaryOp(NEG, input);
}
export const negative = neg;
export function neg_(self: Tensor): Tensor { return unaryInPlace(NEG, self); }
export function exp(input: Tensor): Tensor { return unaryOp(EXP, input); }
export function exp_(self: Tensor): Tensor { return unaryInPlace(EXP, self); }


declare module "../core/tensor.js" {
  interface Tensor {
    neg: Method<typeof neg>;
    negative: Method<typeof neg>;
    neg_: Method<typeof neg_>;
    exp: Method<typeof exp>;
    exp_: Method<typeof exp_>;
  }
}

installMethods({ neg, negative: neg, neg_, exp, exp_ });
