// The torch.func tutorial "Neural Tangent Kernels" (pytorch/tutorials
// intermediate_source/neural_tangent_kernels.py), ported line by line to torch-ts on the embedded
// 8x8 digits. The PyTorch original as run here (with 1.13's functorch spelling):
// examples/py/neural-tangent-kernels.py (same seed, same numbers).
//   npx tsx examples/neural-tangent-kernels.ts

import * as torch from "../src/index.js";
import { pathToFileURL } from "node:url";
import assert from "node:assert/strict";

const { nn } = torch;
const { functionalCall, vmap, vjp, jvp, jacrev } = torch.func;

export class CNN extends nn.Module {
  conv1 = new nn.Conv2d(1, 32, [3, 3]);
  conv2 = new nn.Conv2d(32, 32, [3, 3]);
  conv3 = new nn.Conv2d(32, 32, [3, 3]);
  fc = new nn.Linear(128, 10);

  override forward(x: torch.Tensor): torch.Tensor {
    x = this.conv1.call(x);
    x = x.relu();
    x = this.conv2.call(x);
    x = x.relu();
    x = this.conv3.call(x);
    x = x.flatten(1);
    x = this.fc.call(x);
    return x;
  }
}

type Params = Record<string, torch.Tensor>;
type FnetSingle = (params: Params, x: torch.Tensor) => torch.Tensor;
export type Compute = "full" | "trace" | "diagonal";

export function empiricalNtkJacobianContraction(fnetSingle: FnetSingle, params: Params, x1: torch.Tensor, x2: torch.Tensor, compute: Compute = "full"): torch.Tensor {
  // Compute J(x1)
  let jac1 = Object.values(vmap(jacrev<[Params, torch.Tensor], Params>(fnetSingle), [null, 0])(params, x1));
  jac1 = jac1.map((j) => j.flatten(2));

  // Compute J(x2)
  let jac2 = Object.values(vmap(jacrev<[Params, torch.Tensor], Params>(fnetSingle), [null, 0])(params, x2));
  jac2 = jac2.map((j) => j.flatten(2));

  // Compute J(x1) @ J(x2).T
  let einsumExpr: string;
  if (compute === "full") einsumExpr = "Naf,Mbf->NMab";
  else if (compute === "trace") einsumExpr = "Naf,Maf->NM";
  else if (compute === "diagonal") einsumExpr = "Naf,Maf->NMa";
  else assert.fail();

  let result = torch.stack(jac1.map((j1, i) => torch.einsum(einsumExpr, j1, jac2[i]!)));
  result = result.sum(0);
  return result;
}

export function empiricalNtkNtkVps(func: FnetSingle, params: Params, x1: torch.Tensor, x2: torch.Tensor, compute: Compute = "full"): torch.Tensor {
  function getNtk(x1: torch.Tensor, x2: torch.Tensor): torch.Tensor {
    function funcX1(params: Params): torch.Tensor {
      return func(params, x1);
    }

    function funcX2(params: Params): torch.Tensor {
      return func(params, x2);
    }

    const [output, vjpFn] = vjp(funcX1, params);

    function getNtkSlice(vec: torch.Tensor): torch.Tensor {
      // This computes vec @ J(x2).T
      // `vec` is some unit vector (a single slice of the Identity matrix)
      const vjps = vjpFn(vec);
      // This computes J(X1) @ vjps
      const [, jvps] = jvp(funcX2, [params], vjps);
      return jvps;
    }

    // Here's our identity matrix
    const basis = torch.eye(output.numel(), { dtype: output.dtype, device: output.device }).view(output.numel(), -1);
    return vmap(getNtkSlice)(basis);
  }

  // getNtk(x1, x2) computes the NTK for a single data point x1, x2
  // Since the x1, x2 inputs to empiricalNtkNtkVps are batched,
  // we actually wish to compute the NTK between every pair of data points
  // between {x1} and {x2}. That's what the vmaps here do.
  const result = vmap(vmap(getNtk, [null, 0]), [0, null])(x1, x2);

  if (compute === "full") return result;
  if (compute === "trace") return torch.einsum("NMKK->NM", result);
  return torch.einsum("NMKK->NMK", result); // 'diagonal'
}

export interface NtkOptions { nTrain?: number; nTest?: number; seed?: number; verbose?: boolean }
export interface NtkResult { full: number[][][][]; trace: number[][]; ntkVps: number[][][][]; vpsDiff: number; diagonal: number[][][]; diagonalVps: number[][][] }

/**
 * The tutorial's steps; returns the NTKs it computes (nested arrays): the full and trace
 * Jacobian-contraction NTKs of (xTrain, xTest), the NTK-vector-products one of (xTest, xTrain) and
 * its largest difference from the Jacobian contraction's, and (not printed by the tutorial) the
 * diagonal of both methods.
 */
export function run({ nTrain = 20, nTest = 5, seed = 0, verbose = true }: NtkOptions = {}): NtkResult {
  torch.manualSeed(seed);
  const { data: images } = new torch.datasets.Digits();
  const xTrain = images.get(`:${nTrain}`);
  const xTest = images.get(`${nTrain}:${nTrain + nTest}`);

  const net = new CNN();

  // Detaching the parameters because we won't be calling Tensor.backward().
  const params = Object.fromEntries([...net.namedParameters()].map(([k, v]) => [k, v.detach()]));

  function fnetSingle(params: Params, x: torch.Tensor): torch.Tensor {
    return functionalCall(net, params, [x.unsqueeze(0)]).squeeze(0);
  }

  let result = empiricalNtkJacobianContraction(fnetSingle, params, xTrain, xTest);
  if (verbose) console.log(result.shape);
  const full = result;

  result = empiricalNtkJacobianContraction(fnetSingle, params, xTrain, xTest, "trace");
  if (verbose) console.log(result.shape);
  const trace = result;

  const resultFromJacobianContraction = empiricalNtkJacobianContraction(fnetSingle, params, xTest, xTrain);
  const resultFromNtkVps = empiricalNtkNtkVps(fnetSingle, params, xTest, xTrain);
  assert.ok(torch.allclose(resultFromJacobianContraction, resultFromNtkVps, { atol: 1e-5 }));

  // Not in the tutorial: the 'diagonal' option of both methods
  const diagonal = empiricalNtkJacobianContraction(fnetSingle, params, xTest, xTrain, "diagonal");
  const diagonalVps = empiricalNtkNtkVps(fnetSingle, params, xTest, xTrain, "diagonal");
  return {
    full: full.tolist() as number[][][][], trace: trace.tolist() as number[][], ntkVps: resultFromNtkVps.tolist() as number[][][][],
    vpsDiff: Number(resultFromJacobianContraction.sub(resultFromNtkVps).abs().max().item()),
    diagonal: diagonal.tolist() as number[][][], diagonalVps: diagonalVps.tolist() as number[][][],
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const r = run();
  console.log("largest |contraction - ntk_vps| difference:", r.vpsDiff);
}
