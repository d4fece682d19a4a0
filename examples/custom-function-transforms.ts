// Two pages on custom autograd Functions, ported line by line to torch-ts: the tutorial "Double
// Backward with Custom Functions" (pytorch/tutorials
// intermediate_source/custom_function_double_backward_tutorial.py) and the note "Extending
// torch.func with autograd.Function" (pytorch/pytorch docs/source/notes/extending.func.rst), where
// "another system" (NumPy there) is plain JavaScript arrays. The PyTorch original as run here:
// examples/py/custom-function-transforms.py (PyTorch 1.13: see its header for how it computes the
// torch.func parts; same seed, same numbers).
//
// torch-ts's vmap runs the function once per batch element (src/func/vmap.ts), so a Function works
// under vmap as it is: the vmap staticmethod is never called, and generateVmapRule changes nothing
// (PyTorch 2 refuses a Function that has neither under vmap; torch-ts does not). Both are kept as
// the note writes them, and the vmap rule is called by hand to check that it agrees.
//   npx tsx examples/custom-function-transforms.ts

import * as torch from "../src/index.js";
import { pathToFileURL } from "node:url";
import assert from "node:assert/strict";

type Tensor = torch.Tensor;
type Ctx = torch.autograd.FunctionCtx;
const one = (r: Tensor | Tensor[]): Tensor => r as Tensor; // apply of a one-output Function
const many = (r: Tensor | Tensor[]): Tensor[] => r as Tensor[];

// ---- Double Backward with Custom Functions ----

class Square extends torch.autograd.Function {
  static override forward(ctx: Ctx, x: Tensor): Tensor {
    // Because we are saving one of the inputs use `save_for_backward`
    // Save non-tensors and non-inputs/non-outputs directly on ctx
    ctx.saveForBackward(x);
    return x.pow(2);
  }

  static override backward(ctx: Ctx, gradOut: Tensor): Tensor {
    // A function support double backward automatically if autograd
    // is able to record the computations performed in backward
    const [x] = ctx.savedTensors;
    return gradOut.mul(2).mul(x!);
  }
}

class Exp extends torch.autograd.Function {
  // Simple case where everything goes well
  static override forward(ctx: Ctx, x: Tensor): Tensor {
    // This time we save the output
    const result = torch.exp(x);
    // Note that we should use `save_for_backward` here when
    // the tensor saved is an ouptut (or an input).
    ctx.saveForBackward(result);
    return result;
  }

  static override backward(ctx: Ctx, gradOut: Tensor): Tensor {
    const [result] = ctx.savedTensors;
    return result!.mul(gradOut);
  }
}

class Sinh extends torch.autograd.Function {
  static override forward(ctx: Ctx, x: Tensor): Tensor[] {
    const expx = torch.exp(x);
    const expnegx = torch.exp(x.neg());
    ctx.saveForBackward(expx, expnegx);
    // In order to be able to save the intermediate results, a trick is to
    // include them as our outputs, so that the backward graph is constructed
    return [expx.sub(expnegx).div(2), expx, expnegx];
  }

  static override backward(ctx: Ctx, gradOut: Tensor, _gradOutExp: Tensor, _gradOutNegexp: Tensor): Tensor {
    const [expx, expnegx] = ctx.savedTensors as [Tensor, Tensor];
    let gradInput = gradOut.mul(expx.add(expnegx)).div(2);
    // We cannot skip accumulating these even though we won't use the outputs
    // directly. They will be used later in the second backward.
    gradInput = gradInput.add(_gradOutExp.mul(expx)); // grad_input += (out of place: grad_input is part of the recorded graph)
    gradInput = gradInput.sub(_gradOutNegexp.mul(expnegx));
    return gradInput;
  }
}

function sinh(x: Tensor): Tensor {
  // Create a wrapper that only returns the first output
  return many(Sinh.apply(x))[0]!;
}

class SinhBad extends torch.autograd.Function {
  // This is an example of what NOT to do!
  static override forward(ctx: Ctx, x: Tensor): Tensor {
    const expx = torch.exp(x);
    const expnegx = torch.exp(x.neg());
    ctx.expx = expx;
    ctx.expnegx = expnegx;
    return expx.sub(expnegx).div(2);
  }

  static override backward(ctx: Ctx, gradOut: Tensor): Tensor {
    const expx = ctx.expx as Tensor;
    const expnegx = ctx.expnegx as Tensor;
    const gradInput = gradOut.mul(expx.add(expnegx)).div(2);
    return gradInput;
  }
}

function cubeForward(x: Tensor): Tensor {
  return x.pow(3);
}

function cubeBackward(gradOut: Tensor, x: Tensor): Tensor {
  return gradOut.mul(3).mul(x.pow(2));
}

function cubeBackwardBackward(gradOut: Tensor, savGradOut: Tensor, x: Tensor): Tensor {
  return gradOut.mul(savGradOut).mul(6).mul(x);
}

function cubeBackwardBackwardGradOut(gradOut: Tensor, x: Tensor): Tensor {
  return gradOut.mul(3).mul(x.pow(2));
}

class Cube extends torch.autograd.Function {
  static override forward(ctx: Ctx, x: Tensor): Tensor {
    ctx.saveForBackward(x);
    return cubeForward(x);
  }

  static override backward(ctx: Ctx, gradOut: Tensor): Tensor {
    const [x] = ctx.savedTensors;
    return one(CubeBackward.apply(gradOut, x));
  }
}

class CubeBackward extends torch.autograd.Function {
  static override forward(ctx: Ctx, gradOut: Tensor, x: Tensor): Tensor {
    ctx.saveForBackward(x, gradOut);
    return cubeBackward(gradOut, x);
  }

  static override backward(ctx: Ctx, gradOut: Tensor): Tensor[] {
    const [x, savGradOut] = ctx.savedTensors as [Tensor, Tensor];
    const dx = cubeBackwardBackward(gradOut, savGradOut, x);
    const dgradOut = cubeBackwardBackwardGradOut(gradOut, x);
    return [dgradOut, dx];
  }
}

export interface GraphOf { grad_x: number | number[][]; out: number | number[][]; grad_fn: string | null; requires_grad: boolean; grad_grad_x: number | number[][] | null }

/**
 * What the tutorial's torchviz graph of grad_x shows: its grad_fn, and the derivative of
 * grad_x.sum() with respect to x through it (null without a graph).
 */
function graphOf(gradX: Tensor, x: Tensor, out: Tensor): GraphOf {
  const gg = gradX.requiresGrad ? torch.autograd.grad(gradX.sum(), x)[0]!.tolist() as number | number[][] : null;
  return {
    grad_x: gradX.tolist() as number | number[][], out: out.tolist() as number | number[][], grad_fn: gradX.gradFn ? gradX.gradFn.name() : null,
    requires_grad: gradX.requiresGrad, grad_grad_x: gg,
  };
}

function doubleBackward(): Record<string, GraphOf | boolean[]> {
  const out_: Record<string, GraphOf | boolean[]> = {};
  // Use double precision because finite differencing method magnifies errors
  let x = torch.rand(3, 3, { requiresGrad: true, dtype: torch.double });
  const squareApply = (x: Tensor): Tensor => one(Square.apply(x));
  // Use gradcheck to verify second-order derivatives
  out_.square_checks = [torch.autograd.gradcheck(squareApply, x), torch.autograd.gradgradcheck(squareApply, x)];

  // (the torchviz graphs: see graphOf)
  x = torch.tensor(1, { dtype: torch.float32, requiresGrad: true }).clone();
  let out = squareApply(x);
  let [gradX] = torch.autograd.grad(out, x, { createGraph: true });
  // We can see that the gradient wrt to x, is itself a function of x (dout/dx = 2x)
  // And the graph of this function has been properly constructed
  out_.square = graphOf(gradX!, x, out);

  x = torch.tensor(1, { requiresGrad: true, dtype: torch.double }).clone();
  const expApply = (x: Tensor): Tensor => one(Exp.apply(x));
  // Validate our gradients using gradcheck
  out_.exp_checks = [torch.autograd.gradcheck(expApply, x), torch.autograd.gradgradcheck(expApply, x)];
  out = expApply(x);
  [gradX] = torch.autograd.grad(out, x, { createGraph: true });
  out_.exp = graphOf(gradX!, x, out);

  x = torch.rand(3, 3, { requiresGrad: true, dtype: torch.double });
  out_.sinh_checks = [torch.autograd.gradcheck(sinh, x), torch.autograd.gradgradcheck(sinh, x)];
  out = sinh(x);
  [gradX] = torch.autograd.grad(out.sum(), x, { createGraph: true });
  out_.sinh = graphOf(gradX!, x, out);

  // Now we show what happens when we don't also return our intermediate
  // results as outputs: `grad_x` would not even have a backward graph
  out = one(SinhBad.apply(x));
  [gradX] = torch.autograd.grad(out.sum(), x, { createGraph: true });
  out_.sinh_bad = graphOf(gradX!, x, out);

  x = torch.tensor(2, { requiresGrad: true, dtype: torch.double });
  const cubeApply = (x: Tensor): Tensor => one(Cube.apply(x));
  out_.cube_checks = [torch.autograd.gradcheck(cubeApply, x), torch.autograd.gradgradcheck(cubeApply, x)];
  out = cubeApply(x);
  [gradX] = torch.autograd.grad(out, x, { createGraph: true });
  out_.cube = graphOf(gradX!, x, out);
  return out_;
}

// ---- Extending torch.func with autograd.Function ----

/** The offsets in a flat row-major array of each line along `dim` of `shape`. */
function linesAlong(shape: readonly number[], dim: number): number[][] {
  const n = shape[dim]!, inner = shape.slice(dim + 1).reduce((a, b) => a * b, 1), outer = shape.slice(0, dim).reduce((a, b) => a * b, 1);
  const lines: number[][] = [];
  for (let o = 0; o < outer; o++) for (let i = 0; i < inner; i++) lines.push(Array.from({ length: n }, (_, k) => (o * n + k) * inner + i));
  return lines;
}

/** np.argsort(values, axis=dim) on a flat array of that shape. */
function argsort(values: readonly number[], shape: readonly number[], dim: number): number[] {
  const out = new Array<number>(values.length);
  for (const line of linesAlong(shape, dim)) {
    const order = line.map((_, k) => k).sort((a, b) => values[line[a]!]! - values[line[b]!]!);
    line.forEach((off, k) => { out[off] = order[k]!; });
  }
  return out;
}

/** np.take_along_axis(values, ind, axis=dim) on flat arrays of that shape. */
function takeAlongAxis(values: readonly number[], ind: readonly number[], shape: readonly number[], dim: number): number[] {
  const out = new Array<number>(values.length);
  for (const line of linesAlong(shape, dim)) line.forEach((off, k) => { out[off] = values[line[ind[off]!]!]!; });
  return out;
}

// "to_numpy": the tensor's values as a flat JavaScript array (and its shape)
function toJs(tensor: Tensor): number[] {
  return tensor.reshape(-1).tolist() as number[];
}

export class NumpySort extends torch.autograd.Function {
  // Note that forward does not take ctx
  static override forward(x: Tensor, dim: number): Tensor[] {
    const device = x.device, shape = x.shape;
    const d = dim < 0 ? dim + x.dim() : dim;
    const xs = toJs(x);
    const ind = argsort(xs, shape, d);
    const indInv = argsort(ind, shape, d);
    const result = takeAlongAxis(xs, ind, shape, d);
    // Any intermediates to be saved in backward must be returned as
    // outputs.
    return [
      // The desired output
      torch.tensor(result, { device, dtype: x.dtype }).view(shape),
      // intermediate to save for backward
      torch.tensor(ind, { device, dtype: torch.int64 }).view(shape),
      // intermediate to save for backward
      torch.tensor(indInv, { device, dtype: torch.int64 }).view(shape),
    ];
  }

  // setup_context is responsible for calling methods and/or assigning to
  // the ctx object. Please do not do additional compute (e.g. add
  // Tensors together) in setup_context.
  static override setupContext(ctx: Ctx, inputs: unknown[], output: Tensor | Tensor[]): void {
    const [, dim] = inputs as [Tensor, number];
    // Note that output is whatever you returned from forward.
    const [, ind, indInv] = output as Tensor[];
    ctx.markNonDifferentiable(ind!, indInv!);
    // Tensors must be saved via ctx.save_for_backward. Please do not
    // assign them directly onto the ctx object.
    ctx.saveForBackward(ind!, indInv!);
    // Non-tensors may be saved by assigning them as attributes on the ctx object.
    ctx.dim = dim;
  }

  static override backward(ctx: Ctx, gradOutput: Tensor, _0: Tensor, _1: Tensor): (Tensor | null)[] {
    // We've written the backward pass of NumpySort in terms of another
    // autograd.Function, NumpyTake.
    const [ind, indInv] = ctx.savedTensors as [Tensor, Tensor];
    return [one(NumpyTake.apply(gradOutput, indInv, ind, ctx.dim)), null];
  }

  // The signature of the vmap staticmethod is:
  // vmap(info, in_dims: Tuple[Optional[int]], *args)
  // where *args is the same as the arguments to `forward`.
  static vmap(info: { batchSize: number; randomness: string }, inDims: (number | null)[], x: Tensor, dim: number): [Tensor[], number[]] {
    const [xBdim] = inDims;
    // A "vmap rule" is the logic of how to perform the operation given
    // inputs with one additional dimension. In NumpySort, x has an
    // additional dimension (x_bdim). The vmap rule is simply
    // to call NumpySort again but pass it a different `dim`.
    x = x.movedim(xBdim!, 0);
    // Handle negative dims correctly
    dim = dim >= 0 ? dim : dim + x.dim() - 1;
    // NumpySort.forward returns a Tuple of 3 Tensors. Since we moved the
    // dimension being vmapped over to the front of `x`, that appears at
    // dimension 0 of all outputs.
    return [many(NumpySort.apply(x, dim + 1)), [0, 0, 0]];
  }
}

export class NumpyTake extends torch.autograd.Function {
  static override forward(x: Tensor, ind: Tensor, _indInv: Tensor, dim: number): Tensor {
    const device = x.device, shape = x.shape;
    const d = dim < 0 ? dim + x.dim() : dim;
    return torch.tensor(takeAlongAxis(toJs(x), toJs(ind), shape, d), { device, dtype: x.dtype }).view(shape);
  }

  static override setupContext(ctx: Ctx, inputs: unknown[], _output: Tensor | Tensor[]): void {
    const [, ind, indInv, dim] = inputs as [Tensor, Tensor, Tensor, number];
    ctx.saveForBackward(ind, indInv);
    ctx.dim = dim;
  }

  static override backward(ctx: Ctx, gradOutput: Tensor): (Tensor | null)[] {
    const [ind, indInv] = ctx.savedTensors as [Tensor, Tensor];
    const result = one(NumpyTake.apply(gradOutput, indInv, ind, ctx.dim));
    return [result, null, null, null];
  }

  static vmap(info: { batchSize: number; randomness: string }, inDims: (number | null)[], x: Tensor, ind: Tensor, indInv: Tensor, dim: number): [Tensor, number] {
    const [xBdim, indBdim, indInvBdim] = inDims;

    // The strategy is: expand {x, ind, ind_inv} to all have the dimension
    // being vmapped over.
    // Then, call back into NumpyTake(expanded_x, expanded_ind, expanded_ind_inv, new_dim).

    // Handle negative dims by wrapping them to be positive
    const logicalDim = xBdim === null || xBdim === undefined ? x.dim() : x.dim() - 1;
    dim = dim >= 0 ? dim : dim + logicalDim;

    function maybeExpandBdimAtFront(x: Tensor, xBdim: number | null | undefined): Tensor {
      if (xBdim === null || xBdim === undefined) return x.expand(info.batchSize, ...x.shape);
      return x.movedim(xBdim, 0);
    }

    // If the Tensor doesn't have the dimension being vmapped over,
    // expand it out. Otherwise, move it to the front of the Tensor
    x = maybeExpandBdimAtFront(x, xBdim);
    ind = maybeExpandBdimAtFront(ind, indBdim);
    indInv = maybeExpandBdimAtFront(indInv, indInvBdim);

    // The return is a tuple (output, out_dims). Since output is a Tensor,
    // then out_dims is an Optional[int] (instead of being a Tuple).
    return [one(NumpyTake.apply(x, ind, indInv, dim + 1)), 0];
  }
}

function numpySort(x: Tensor, dim = -1): Tensor {
  const [result] = many(NumpySort.apply(x, dim));
  return result!;
}

class MyCube extends torch.autograd.Function {
  // Set generate_vmap_rule to True to ask PyTorch to automatically generate
  // a vmap rule. (torch-ts's vmap needs none: see the header.)
  static generateVmapRule = true;

  static override forward(x: Tensor): Tensor[] {
    const result = x.pow(3);
    // In regular PyTorch, if we had just run y = x ** 3, then the backward
    // pass computes dx = 3 * x ** 2. In this autograd.Function, we've done
    // that computation here in the forward pass instead.
    const dx = x.pow(2).mul(3);
    return [result, dx];
  }

  static override setupContext(ctx: Ctx, inputs: unknown[], output: Tensor | Tensor[]): void {
    const [x] = inputs as [Tensor];
    const [, dx] = output as Tensor[];
    ctx.saveForBackward(x!, dx!);
    ctx.saveForForward(x!, dx!); // not in the note: what jvp reads
  }

  static override backward(ctx: Ctx, gradOutput: Tensor, gradDx: Tensor): Tensor {
    const [x, dx] = ctx.savedTensors as [Tensor, Tensor];
    // In order for the autograd.Function to work with higher-order
    // gradients, we must add the gradient contribution of `dx`.
    const result = gradOutput.mul(dx).add(gradDx.mul(6).mul(x));
    return result;
  }

  // Not in the note: the jvp staticmethod that torch.func.jvp needs
  static override jvp(ctx: Ctx, xT: Tensor): Tensor[] {
    const [x, dx] = ctx.savedTensors as [Tensor, Tensor];
    return [dx.mul(xT), x.mul(6).mul(xT)];
  }
}

function myCube(x: Tensor): Tensor {
  const [result] = many(MyCube.apply(x));
  return result!;
}

export interface ExtendingFuncResult {
  sort_x: number[][]; sort_grad_x: number[][]; cube_x: number; cube_ggx: number; vmap_cube: number[];
  vmap_sort_x: number[][]; vmap_sort: number[][]; vmap_sort_ind: number[][]; jvp_x: number[]; jvp: number[]; jacfwd: number[][];
}

function extendingFunc(): ExtendingFuncResult {
  const { grad, vmap, jvp, jacfwd } = torch.func;
  // Example 1: autograd.Function calls into another system
  let x = torch.randn(2, 3);
  const gradX = grad((x: Tensor) => numpySort(x).sum())(x);
  assert.ok(torch.allclose(gradX, torch.onesLike(x)));
  const sortX = x;

  // Example 2: autograd.Function specifies custom gradient rules
  x = torch.randn([]);
  const ggx = grad(grad(myCube))(x);
  assert.ok(torch.allclose(ggx, x.mul(6)));
  const cubeX = x;

  // Automatically generate a vmap rule
  x = torch.randn(3);
  let result = vmap(myCube)(x);
  assert.ok(torch.allclose(result, x.pow(3)));
  const vmapCube = result;

  // Defining the vmap staticmethod
  x = torch.randn(2, 3);
  result = vmap(numpySort)(x);
  assert.ok(torch.allclose(result, numpySort(result, 1)));
  // Not in the note: the vmap rule, called by hand as PyTorch's vmap would, agrees
  const [ruleResult, ruleOutDims] = NumpySort.vmap({ batchSize: 2, randomness: "error" }, [0, null], x, -1);
  assert.ok(torch.equal(ruleResult[0]!, result));
  assert.deepEqual(ruleOutDims, [0, 0, 0]);

  // Not in the note: torch.func.jvp and jacfwd through MyCube's jvp staticmethod
  const xj = torch.randn(4);
  const t = torch.randn(4);
  const [, jvpOut] = jvp(myCube, [xj], [t]);
  const jac = jacfwd(myCube)(xj);

  return {
    sort_x: sortX.tolist() as number[][], sort_grad_x: gradX.tolist() as number[][], cube_x: Number(cubeX.item()), cube_ggx: Number(ggx.item()),
    vmap_cube: vmapCube.tolist() as number[], vmap_sort_x: x.tolist() as number[][], vmap_sort: result.tolist() as number[][],
    vmap_sort_ind: ruleResult[1]!.tolist() as number[][], jvp_x: xj.tolist() as number[], jvp: jvpOut.tolist() as number[], jacfwd: jac.tolist() as number[][],
  };
}

export interface CustomFunctionTransformsResult { double_backward: Record<string, GraphOf | boolean[]>; extending_func: ExtendingFuncResult }

/** Both pages' steps from one seed; returns gradcheck's verdicts, the gradients and what the graphs show, and the transforms' values. */
export function run({ seed = 0 }: { seed?: number } = {}): CustomFunctionTransformsResult {
  torch.manualSeed(seed);
  return { double_backward: doubleBackward(), extending_func: extendingFunc() };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const r = run();
  console.log(r.double_backward.square, r.extending_func.cube_ggx);
}
