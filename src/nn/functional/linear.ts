// F.linear and F.bilinear.

import { isNested } from "../../core/nested-kind.js";
import { nestedLinear } from "../../ops/nested-ops.js";
import { hideNames, nameAll, namesMode, namesOf, unifyFromRight } from "../../ops/named-engine.js";
import { matmulNames } from "../../ops/named-rules.js";
import { forwardGrads } from "../../autograd/forward-grad.js";
import { autocasting } from "../../amp/state.js";
import { autocasts, runAutocast } from "../../amp/hook.js";
import { Tensor } from "../../core/tensor.js";
import { requireTensor } from "../../ops/pointwise-util.js";
import { scalarTypeName } from "../../core/dtype.js";
import { type Jvp, needsGrad, record, sumToShape } from "../../autograd/record.js";
import { traceOp, tracing } from "../../onnx/hook.js";
import { checkTensor, checkArgs, isOptionsObject, rebind, type Rebound } from "../../ops/args.js";
import { uninitTensor } from "../../ops/engine.js";
import { kernels, type FloatArray } from "../../backends/kernels.js";
import { einsum } from "../../ops/blas.js";
import { shouldFold } from "../../ops/matmul-fold.js";
import { unsafeView } from "../../ops/unsafe-view.js";
import { deviceOp, onDevice } from "../../ops/device-hooks.js";
import { anyBatched, batching, isBatched } from "../../func/batched-tensor.js";
import { linearRule } from "../../func/batching-rules.js";

/**
 * y = x W^T + b, recorded as PyTorch 1.13's at::linear records it: a 2-d input with a bias is
 * addmm(b, x, W.t()) (AddmmBackward0 over b, x and TBackward0 -> W); a contiguous 3-d one with a
 * bias folds its rows into that addmm between two views; otherwise matmul(x, W.t()), then + b. The
 * 2-d products, and matmul + b where matmul folds x's rows into one mm, run as one GEMM with the
 * bias preloaded into the output, W read through its strides.
 */
export function linear(input: Tensor, weight: Tensor, bias?: Tensor | null): Tensor;
export function linear<A extends Rebound<[input: Tensor, weight: Tensor, bias?: Tensor | null], ["input", "weight", "bias?"]>>(...args: A): Tensor;
export function linear(input: Tensor, weight: Tensor, bias: Tensor | null = null): Tensor {
  if (autocasting.on && autocasts("linear", arguments)) return runAutocast(linear, arguments);
  if (arguments.length > 3) checkArgs("linear", arguments, 3);
  else if (isOptionsObject(arguments.length === 3 ? bias : arguments.length === 2 ? weight : input)) return rebind(linear, "linear", arguments, ["input", "weight", "bias"], 2, []);
  if (!(input instanceof Tensor)) requireTensor("linear", "input", 1, input);
  if (!(weight instanceof Tensor)) requireTensor("linear", "weight", 2, weight);
  if (bias !== null && !(bias instanceof Tensor)) requireTensor("linear", "bias", 3, bias);
  if (isNested(input) || isNested(weight)) return nestedLinear(input, weight, bias);
  if (batching.on && anyBatched([input, weight, bias])) return linearRule(input, weight, bias, linear);
  if ((input._names !== null || weight._names !== null || (bias !== null && bias._names !== null)) && namesMode.enabled) {
    // input @ weight.T (+ bias): the names of a matrix product with the transposed weight.
    let names = matmulNames(namesOf(input), namesOf(weight).reverse());
    if (bias) names = unifyFromRight(names, namesOf(bias));
    return nameAll(hideNames([input, weight, bias], () => linear(input, weight, bias)), names);
  }
  const out = linearImpl(input, weight, bias);
  if (tracing.on) traceOp("linear", [input, weight, bias], out);
  return out;
}

function linearImpl(input: Tensor, weight: Tensor, bias: Tensor | null): Tensor {
  checkTensor("linear", "input", input);
  checkTensor("linear", "weight", weight);
  if (weight.dim() !== 2 && weight.dim() !== 1) throw new Error(`linear(): weight must be 1-D or 2-D, got ${weight.dim()}-D`);
  const inF = input.dim() ? input._shape[input.dim() - 1]! : 1;
  const wIn = weight._shape[weight.dim() - 1]!;
  if (input.dim() === 0 || inF !== wIn) {
    const rows = input.dim() ? input.numel() / inF : 1;
    throw new Error(`mat1 and mat2 shapes cannot be multiplied (${rows}x${inF} and ${wIn}x${weight.dim() === 2 ? weight._shape[0] : 1})`);
  }
  const name = input.dtype.name;
  // A device's one-kernel linear also takes float16/bfloat16 (the GEMM sums in float32, adds the
  // bias and rounds once); the CPU composes them of matmul and add.
  const direct = name === "float32" || name === "float64" || ((name === "float16" || name === "bfloat16") && onDevice(input, weight, bias));
  if (weight.dim() === 1 || !direct || weight.dtype !== input.dtype || (bias && (bias.dtype !== input.dtype || bias.dim() !== 1))) {
    if (weight.dtype !== input.dtype) {
      throw new Error(`mat1 and mat2 must have the same dtype, but got ${scalarTypeName(input.dtype)} and ${scalarTypeName(weight.dtype)}`);
    }
    const y = input.matmul(weight.dim() === 1 ? weight : weight.t());
    return bias ? y.add(bias) : y;
  }
  const outF = weight._shape[0]!;
  if (bias && bias._shape[0] !== outF) throw new Error(`linear(): bias of shape [${bias.shape}] does not match weight's ${outF} outputs`);
  const nd = input.dim();
  if (nd === 2) return fusedLinear(input, weight, bias);
  if (nd === 3 && bias && input.isContiguous()) {
    const [n, m] = input._shape as [number, number, number];
    return fusedLinear(input.view(n * m, inF), weight, bias).view(n, m, outF);
  }
  if (bias && nd > 2 && shouldFold(input, 2)) return foldedLinear(input, weight, bias);
  const y = input.matmul(weight.t());
  return bias ? y.add(bias) : y;
}

/**
 * matmul(x, W.t()) + b where matmul folds x's rows into one mm: one GEMM with the bias over the
 * folded rows (one rounding), recorded as PyTorch records the two ops: AddBackward0 over
 * (UnsafeViewBackward0 -> MmBackward0 over (x's rows, TBackward0 -> W), b). The product's nodes
 * get tensors over the result's memory: nothing outside the graph reaches them, and no node reads them.
 */
function foldedLinear(input: Tensor, weight: Tensor, bias: Tensor): Tensor {
  const inF = weight._shape[1]!, outF = weight._shape[0]!;
  const shape = [...input._shape.slice(0, -1), outF];
  const rows = input.reshape(-1, inF);
  const value = linearGemm(rows, weight, bias);
  const out = unsafeView(value, shape);
  if (!needsGrad(input, weight, bias)) return out;
  const product = unsafeView(recordMm(rows, weight, value), shape);
  return record("AddBackward0", [product, bias], out, ([g]) => [g!, bias._requiresGrad ? sumToShape(g!, bias.shape) : null]);
}

/**
 * addmm(bias, x, W.t()), or mm(x, W.t()) without a bias, on a 2-d x: one GEMM (the bias rows
 * preloaded, beta = 1). W.t() is made only for the graph (TBackward0 between the product's node and
 * W, as PyTorch records it); the kernel reads W through its strides.
 */
function fusedLinear(input: Tensor, weight: Tensor, bias: Tensor | null): Tensor {
  const out = linearGemm(input, weight, bias);
  return bias ? recordAddmm(input, weight, bias, out) : recordMm(input, weight, out);
}

/** x W^T (+ b) for a 2-d x: one GEMM, the bias rows preloaded (beta = 1), W read through its strides. No recording. */
function linearGemm(input: Tensor, weight: Tensor, bias: Tensor | null): Tensor {
  if (onDevice(input, weight, bias)) return deviceOp("linear")(input, weight, bias);
  const rows = input._shape[0]!, inF = input._shape[1]!, outF = weight._shape[0]!;
  const x = input.detach().contiguous();
  // Written in full: the bias rows, or the GEMM with beta = 0.
  const out = uninitTensor([rows, outF], input.dtype);
  const C = out.storage.data as FloatArray;
  let beta = 0;
  if (bias) {
    const b = bias.detach().contiguous();
    const bd = b.storage.data as FloatArray;
    for (let r = 0; r < rows; r++) C.set(bd.subarray(b._offset, b._offset + outF), r * outF);
    beta = 1;
  }
  kernels.gemm(rows, outF, inF, 1, x.storage.data as FloatArray, x._offset, inF, 1,
    weight.storage.data as FloatArray, weight._offset, weight._strides[1]!, weight._strides[0]!, beta, C, 0, outF);
  return out;
}

/**
 * W.t(), made only for the graph (TBackward0 between the product's node and W, as PyTorch records
 * it) where W takes part in autograd; the kernels read W through its strides.
 */
const graphWT = (weight: Tensor): Tensor => (weight._requiresGrad || forwardGrads.on ? weight.t() : weight);

/**
 * The gradient of W.t() as the transpose of g^T x: TBackward0 turns it back into a contiguous
 * [out, in] gradient for W, the GEMM PyTorch's weight gradient is.
 */
const gradWT = (g: Tensor, input: Tensor): Tensor => g.t().mm(input).t();

/** out = addmm(b, x, W.t()): AddmmBackward0 over (b, x, W.t()). */
function recordAddmm(input: Tensor, weight: Tensor, bias: Tensor, out: Tensor): Tensor {
  return record("AddmmBackward0", [bias, input, graphWT(weight)], out, ([g]) => [
    bias._requiresGrad ? g!.sum(0) : null,
    input._requiresGrad ? g!.mm(weight) : null,
    weight._requiresGrad ? gradWT(g!, input) : null,
  ], [input, weight], forwardGrads.on ? linearJvp(input, weight, true) : undefined);
}

/** out = mm(x, W.t()): MmBackward0 over (x, W.t()). */
function recordMm(input: Tensor, weight: Tensor, out: Tensor): Tensor {
  return record("MmBackward0", [input, graphWT(weight)], out, ([g]) => [
    input._requiresGrad ? g!.mm(weight) : null,
    weight._requiresGrad ? gradWT(g!, input) : null,
  ], [input, weight], forwardGrads.on ? linearJvp(input, weight, false) : undefined);
}

/** d(x Wᵀ + b) = dx Wᵀ + x dWᵀ + db, from the tangents of (b,) x and W.t(). */
function linearJvp(input: Tensor, weight: Tensor, withBias: boolean): Jvp {
  return (tangents) => {
    const [tb, ti, twT] = withBias ? tangents : [null, ...tangents];
    let t = ti ? ti.mm(weight.t()) : null;
    if (twT) t = t ? t.add(input.mm(twT)) : input.mm(twT);
    if (tb) t = t ? t.add(tb) : tb;
    return [t];
  };
}

/** y = x1^T A x2 + b per output feature: weight [out, in1, in2]. */
export function bilinear(input1: Tensor, input2: Tensor, weight: Tensor, bias?: Tensor | null): Tensor;
export function bilinear<A extends Rebound<[input1: Tensor, input2: Tensor, weight: Tensor, bias?: Tensor | null], ["input1", "input2", "weight", "bias?"]>>(...args: A): Tensor;
export function bilinear(input1: Tensor, input2: Tensor, weight: Tensor, bias: Tensor | null = null): Tensor {
  if (autocasting.on && autocasts("bilinear", arguments)) return runAutocast(bilinear, arguments);
  if (arguments.length > 4) checkArgs("bilinear", arguments, 4);
  else if (isOptionsObject(arguments.length === 4 ? bias : arguments.length === 3 ? weight : arguments.length === 2 ? input2 : input1)) return rebind(bilinear, "bilinear", arguments, ["input1", "input2", "weight", "bias"], 3, []);
  if (!(input1 instanceof Tensor)) requireTensor("bilinear", "input1", 1, input1);
  if (!(input2 instanceof Tensor)) requireTensor("bilinear", "input2", 2, input2);
  if (!(weight instanceof Tensor)) requireTensor("bilinear", "weight", 3, weight);
  if (weight.dim() !== 3) throw new Error(`bilinear(): weight must be 3-dimensional, got ${weight.dim()}`);
  if (input1._shape[input1.dim() - 1] !== weight._shape[1]) {
    throw new Error(`bilinear(): input1 size does not match weight size: got ${input1._shape[input1.dim() - 1]} but expected ${weight._shape[1]}`);
  }
  if (input2._shape[input2.dim() - 1] !== weight._shape[2]) {
    throw new Error(`bilinear(): input2 size does not match weight size: got ${input2._shape[input2.dim() - 1]} but expected ${weight._shape[2]}`);
  }
  const y = einsum("...i,oij,...j->...o", input1, weight, input2);
  return bias ? y.add(bias) : y;
}
