// torch.pow with a complex result: complex ** number, complex ** Complex, tensor ** tensor (either
// complex), number or Complex ** complex tensor, real tensor ** Complex. Values exp(y log x) with
// PyTorch's shortcuts (0: ones, 1: a copy, 2: x * x, 0.5: sqrt, -0.5: rsqrt, -1: reciprocal);
// gradients are PyTorch's pow_backward formulas (PowBackward0/1/2).

import { Tensor } from "../core/tensor.js";
import type { DType } from "../core/dtype.js";
import { Complex } from "../core/complex.js";
import type { ComplexStorage } from "../core/storage.js";
import { record } from "../autograd/record.js";
import { broadcastShapes } from "../core/shape.js";
import { emptyTensor } from "./engine.js";
import { asComplexTensor } from "./complex-arith.js";
import { mapComplex } from "./complex-unary.js";
import { gradFor } from "./pointwise-engine.js";
import * as K from "./complex-math-kernels.js";

type Scalar = number | bigint | boolean | Complex;

const pairOf = (v: Scalar): [number, number] => (v instanceof Complex ? [v.re, v.im] : [Number(v), 0]);

/** The element function of x ** (c + di) for a fixed exponent. */
function powByScalar(c: number, d: number): (a: number, b: number) => K.Pair {
  if (d === 0) {
    switch (c) {
      case 0: return () => [1, 0];
      case 1: return (a, b) => [a, b];
      case 2: return (a, b) => K.cmul(a, b, a, b);
      case 0.5: return K.csqrt;
      case -0.5: return K.crsqrt;
      case -1: return K.creciprocal;
    }
  }
  return (a, b) => K.cpow(a, b, c, d);
}

/** z ** e for a complex tensor z and a Python number or complex e (PowBackward0). */
function powTensorScalar(z: Tensor, e: Scalar): Tensor {
  const [c, d] = pairOf(e);
  const out = mapComplex(z, powByScalar(c, d));
  const exponent: number | Complex = d === 0 ? c : new Complex(c, d);
  return record("PowBackward0", [z], out, ([g]) => [
    c === 0 && d === 0 ? g!.mul(0) : g!.mul(z.pow(d === 0 ? c - 1 : new Complex(c - 1, d)).mul(exponent).conj()),
  ], [z]);
}

/** Both operands broadcast to one shape, contiguous: their pairs side by side. */
function pairsOf(t: Tensor, shape: readonly number[]): [Float32Array | Float64Array, number] {
  const c = t.detach().expand(shape as number[]).contiguous();
  return [(c.storage as ComplexStorage).pairs, 2 * c._offset];
}

/** x ** y for two complex tensors of one dtype (PowBackward1). */
function powTensors(x: Tensor, y: Tensor): Tensor {
  const shape = broadcastShapes(x._shape, y._shape);
  const out = emptyTensor(shape, x.dtype);
  const [p, i0] = pairsOf(x, shape), [q, j0] = pairsOf(y, shape);
  const o = (out.storage as ComplexStorage).pairs;
  for (let k = 0; k < o.length; k += 2) {
    const [re, im] = K.cpow(p[i0 + k]!, p[i0 + k + 1]!, q[j0 + k]!, q[j0 + k + 1]!);
    o[k] = re;
    o[k + 1] = im;
  }
  return record("PowBackward1", [x, y], out, ([g]) => [
    x.requiresGrad ? gradFor(g!.mul(y.mul(x.pow(y.sub(1))).conj()).where(y.ne(0), 0), x) : null,
    y.requiresGrad ? gradFor(g!.mul(out.mul(x.log()).conj()).where(x.ne(0).logicalOr(y.real.lt(0)), 0), y) : null,
  ], [x, y]);
}

/** s ** z for a Python number or complex s and a complex tensor z (PowBackward2). */
function powScalarTensor(s: Scalar, z: Tensor): Tensor {
  const [a, b] = pairOf(s);
  const out = mapComplex(z, (c, d) => K.cpow(a, b, c, d));
  const [la, lb] = K.clog(a, b);
  return record("PowBackward2", [z], out, ([g]) => {
    const grad = g!.mul(out.mul(new Complex(la, lb)).conj());
    return [a === 0 && b === 0 ? grad.where(z.real.lt(0), 0) : grad];
  }, [z]);
}

/** torch.pow when the promoted dtype is complex. */
export function complexPow(input: Tensor | Scalar, exponent: Tensor | Scalar, dtype: DType): Tensor {
  if (!(input instanceof Tensor)) return powScalarTensor(input, asComplexTensor(exponent, dtype));
  if (!(exponent instanceof Tensor)) return powTensorScalar(asComplexTensor(input, dtype), exponent);
  return powTensors(asComplexTensor(input, dtype), asComplexTensor(exponent, dtype));
}
