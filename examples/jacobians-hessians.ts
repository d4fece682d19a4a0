// The torch.func tutorial "Jacobians, Hessians, hvp, vhp, and more: composing function transforms"
// (pytorch/tutorials intermediate_source/jacobians_hessians.py), ported line by line to torch-ts.
// The PyTorch original as run here (with 1.13's functorch spelling):
// examples/py/jacobians-hessians.py (same seed, same numbers). The sizes are options (the
// tutorial's by default); the Timer sections run with timeit > 0 (as a script: 5 runs each).
//   npx tsx examples/jacobians-hessians.ts

import * as torch from "../src/index.js";
import { pathToFileURL } from "node:url";
import assert from "node:assert/strict";
import { meanMs } from "./timeit.js";

const F = torch.nn.functional;
const { vmap, vjp, jacrev, jacfwd, hessian, jvp, grad } = torch.func;

export function predict(weight: torch.Tensor, bias: torch.Tensor, x: torch.Tensor): torch.Tensor {
  return F.linear(x, weight, bias).tanh();
}

/** The tutorial's get_perf, on two mean times (torch.utils.benchmark's times[0]) in ms. */
function getPerf(first: number, _firstDescriptor: string, second: number, secondDescriptor: string): void {
  const faster = second;
  const slower = first;
  let gain = (slower - faster) / slower;
  if (gain < 0) gain *= -1;
  const finalGain = gain * 100;
  console.log(` Performance delta: ${finalGain.toFixed(4)} percent improvement with ${secondDescriptor} `);
}

export interface JacobiansHessiansOptions {
  seed?: number; D?: number; tall?: [number, number]; wide?: [number, number]; hess?: [number, number];
  batch?: [number, number, number]; hvpSize?: number; verbose?: boolean; timeit?: number;
}
export interface JacobiansHessiansResult {
  jacobian: number[][]; vmapVjpDiff: number; jacrevDiff: number; jacWeightRow0: number[][]; jacBias: number[][];
  hessApi: number[][][]; hessDiffs: [number, number]; batchJacobian: number[][][]; batchJacobianDiff: number;
  batchHess: number[][][][]; hvp: number[]; hvpRevrev: number[];
}

const maxDiff = (a: torch.Tensor, b: torch.Tensor): number => Number(a.sub(b).abs().max().item());

/**
 * The tutorial's steps. tall and wide are the benchmarks' [Din, Dout], hess the Hessian's
 * [Din, Dout], batch the batch Jacobian's [batchSize, Din, Dout]. Returns the quantities the
 * tutorial computes (as nested arrays) and the largest differences between the ways it compares.
 */
export function run({
  seed = 0, D = 16, tall = [32, 2048], wide = [2048, 32], hess = [512, 32], batch = [64, 31, 33], hvpSize = 2048,
  verbose = true, timeit = 0,
}: JacobiansHessiansOptions = {}): JacobiansHessiansResult {
  torch.manualSeed(seed);

  // Computing the Jacobian
  let weight = torch.randn(D, D);
  let bias = torch.randn(D);
  let x = torch.randn(D); // feature vector

  function computeJac(xp: torch.Tensor): torch.Tensor {
    const jacobianRows = [...unitVectors].map((vec) => torch.autograd.grad(predict(weight, bias, xp), xp, vec)[0]!);
    return torch.stack(jacobianRows);
  }

  const xp = x.clone().requiresGrad_();
  const unitVectors = torch.eye(D);

  const jacobian = computeJac(xp);

  if (verbose) {
    console.log(jacobian.shape);
    console.log(jacobian.get(0).toString()); // show first row
  }

  const [, vjpFn] = vjp((x: torch.Tensor) => predict(weight, bias, x), x); // partial(predict, weight, bias)

  let [ftJacobian] = vmap(vjpFn)(unitVectors);

  // let's confirm both methods compute the same result
  assert.ok(torch.allclose(ftJacobian!, jacobian));
  const vmapVjpDiff = maxDiff(ftJacobian!, jacobian);

  ftJacobian = jacrev(predict, { argnums: 2 })(weight, bias, x);

  // confirm
  assert.ok(torch.allclose(ftJacobian, jacobian));
  const jacrevDiff = maxDiff(ftJacobian, jacobian);

  if (timeit) {
    const noVmapTimer = meanMs(() => computeJac(xp), timeit);
    const withVmapTimer = meanMs(() => jacrev(predict, { argnums: 2 })(weight, bias, x), timeit);
    console.log(`compute_jac(xp): ${noVmapTimer.toFixed(3)} ms`);
    console.log(`jacrev(predict, argnums=2)(weight, bias, x): ${withVmapTimer.toFixed(3)} ms`);
    getPerf(noVmapTimer, "without vmap", withVmapTimer, "vmap");
  }

  // note the change in input via argnums params of 0,1 to map to weight and bias
  const [ftJacWeight, ftJacBias] = jacrev<[torch.Tensor, torch.Tensor, torch.Tensor], torch.Tensor[]>(predict, { argnums: [0, 1] })(weight, bias, x);

  // reverse-mode Jacobian (jacrev) vs forward-mode Jacobian (jacfwd): first more inputs than
  // outputs ("tall"), then the reverse
  for (const [i, [Din, Dout]] of [tall, wide].entries()) {
    weight = torch.randn(Dout, Din);
    bias = torch.randn(Dout);
    x = torch.randn(Din);
    if (i === 0 && verbose) console.log(weight.shape);
    if (timeit) {
      const jacfwdTiming = meanMs(() => jacfwd(predict, { argnums: 2 })(weight, bias, x), timeit);
      const jacrevTiming = meanMs(() => jacrev(predict, { argnums: 2 })(weight, bias, x), timeit);
      console.log(`jacfwd time: ${jacfwdTiming.toFixed(3)} ms`);
      console.log(`jacrev time: ${jacrevTiming.toFixed(3)} ms`);
      if (i === 0) getPerf(jacfwdTiming, "jacfwd", jacrevTiming, "jacrev");
      else getPerf(jacrevTiming, "jacrev", jacfwdTiming, "jacfwd");
    }
  }

  // Hessian computation with hessian
  let [Din, Dout] = hess;
  weight = torch.randn(Dout, Din);
  bias = torch.randn(Dout);
  x = torch.randn(Din);

  const hessApi = hessian(predict, { argnums: 2 })(weight, bias, x);
  const hessFwdfwd = jacfwd(jacfwd(predict, { argnums: 2 }), { argnums: 2 })(weight, bias, x);
  const hessRevrev = jacrev(jacrev(predict, { argnums: 2 }), { argnums: 2 })(weight, bias, x);

  // Let's verify we have the same result regardless of using hessian api or
  // using jacfwd(jacfwd()) (the tutorial shows the value, as a notebook does)
  if (verbose) console.log(torch.allclose(hessApi, hessFwdfwd));

  // Batch Jacobian and Batch Hessian
  let batchSize;
  [batchSize, Din, Dout] = batch;

  weight = torch.randn(Dout, Din);
  if (verbose) console.log("weight shape =", weight.shape);

  bias = torch.randn(Dout);

  x = torch.randn(batchSize, Din);

  const computeBatchJacobian = vmap(jacrev(predict, { argnums: 2 }), { inDims: [null, null, 0] });
  const batchJacobian0 = computeBatchJacobian(weight, bias, x);

  function predictWithOutputSummed(weight: torch.Tensor, bias: torch.Tensor, x: torch.Tensor): torch.Tensor {
    return predict(weight, bias, x).sum(0);
  }

  const batchJacobian1 = jacrev(predictWithOutputSummed, { argnums: 2 })(weight, bias, x).movedim(1, 0);
  // As the tutorial: vmap batches predict into the one matrix product the summed way also runs, so
  // the two agree at allclose's default tolerance (a per-sample loop rounds otherwise: ~6e-6 here).
  assert.ok(torch.allclose(batchJacobian0, batchJacobian1));

  const computeBatchHessian = vmap(hessian(predict, { argnums: 2 }), { inDims: [null, null, 0] });

  const batchHess = computeBatchHessian(weight, bias, x);

  // Computing Hessian-vector products
  function hvp(f: (x: torch.Tensor) => torch.Tensor, primals: torch.Tensor[], tangents: torch.Tensor[]): torch.Tensor {
    return jvp(grad(f), primals, tangents)[1];
  }

  function f(x: torch.Tensor): torch.Tensor {
    return x.sin().sum();
  }

  x = torch.randn(hvpSize);
  const tangent = torch.randn(hvpSize);

  const result = hvp(f, [x], [tangent]);

  function hvpRevrev(f: (x: torch.Tensor) => torch.Tensor, primals: torch.Tensor[], tangents: torch.Tensor[]): torch.Tensor[] {
    const [, vjpFn] = vjp(grad(f), ...primals);
    return vjpFn(tangents[0]);
  }

  const resultHvpRevrev = hvpRevrev(f, [x], [tangent]);
  assert.ok(torch.allclose(result, resultHvpRevrev[0]!));

  return {
    jacobian: jacobian.tolist() as number[][], vmapVjpDiff, jacrevDiff,
    jacWeightRow0: ftJacWeight!.get(0).tolist() as number[][], jacBias: ftJacBias!.tolist() as number[][],
    hessApi: hessApi.tolist() as number[][][], hessDiffs: [maxDiff(hessApi, hessFwdfwd), maxDiff(hessApi, hessRevrev)],
    batchJacobian: batchJacobian0.tolist() as number[][][], batchJacobianDiff: maxDiff(batchJacobian0, batchJacobian1),
    batchHess: batchHess.tolist() as number[][][][],
    hvp: result.tolist() as number[], hvpRevrev: resultHvpRevrev[0]!.tolist() as number[],
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  // The Hessian at Din 64, not the tutorial's 512: torch-ts's jacfwd(jacfwd) runs Din² forward
  // passes (its transforms loop where PyTorch's vmap batches), over ten minutes at 512.
  const result = run({ hess: [64, 32], timeit: 5 });
  console.log("hvp[:4]", result.hvp.slice(0, 4));
}
