// PyTorch's "Parametrizations Tutorial" (https://pytorch.org/tutorials/intermediate/parametrizations.html,
// torch.nn.utils.parametrize), ported line by line from examples/py/parametrizations.py: the same
// seed gives the same numbers. Each printed value is also returned (for test/examples-nn-tutorials.test.ts).
//   npx tsx examples/parametrizations.ts

import * as torch from "../src/index.js";
import { isMain } from "./main-module.js";

type Tensor = torch.Tensor;
const nn = torch.nn;
const parametrize = torch.nn.utils.parametrize;

export type Shown = number | boolean | string | string[] | unknown[];
export interface ParametrizationsOptions { seed?: number; verbose?: boolean }

export function run({ seed = 0, verbose = true }: ParametrizationsOptions = {}): Record<string, Shown> {
  torch.manualSeed(seed);
  const out: Record<string, Shown> = {};

  function show(key: string, value: Tensor | Shown): void {
    if (verbose) console.log(`${key}:\n${value instanceof torch.Tensor ? value.toString() : Array.isArray(value) ? `[${value.map((v) => `'${String(v)}'`).join(", ")}]` : String(value)}`);
    out[key] = value instanceof torch.Tensor ? value.tolist() as unknown[] : value;
  }

  // Implementing parametrizations by hand
  let symmetric = (X: Tensor): Tensor => X.triu().add(X.triu(1).transpose(-1, -2));

  let X = torch.rand(3, 3);
  let A = symmetric(X);
  if (!torch.allclose(A, A.T)) throw new Error("A is not symmetric"); // A is symmetric
  show("A", A); // Quick visual check

  class LinearSymmetric extends nn.Module {
    weight: torch.nn.Parameter;
    constructor(nFeatures: number) {
      super();
      this.weight = new nn.Parameter(torch.rand(nFeatures, nFeatures));
    }

    override forward(x: Tensor): Tensor {
      const A = symmetric(this.weight);
      return x.matmul(A);
    }
  }

  const layerSymmetric = new LinearSymmetric(3);
  const out_ = layerSymmetric.call(torch.rand(8, 3));
  show("LinearSymmetric out", out_);

  // Introduction to parametrizations
  class Symmetric extends nn.Module {
    override forward(X: Tensor): Tensor {
      return X.triu().add(X.triu(1).transpose(-1, -2));
    }
  }

  let layer = new nn.Linear(3, 3);
  parametrize.registerParametrization(layer, "weight", new Symmetric());
  A = layer.weight;
  if (!torch.allclose(A, A.T)) throw new Error("A is not symmetric"); // A is symmetric
  show("Symmetric weight", A); // Quick visual check

  class Skew extends nn.Module {
    override forward(X: Tensor): Tensor {
      const A = X.triu(1);
      return A.sub(A.transpose(-1, -2));
    }
  }

  // nn.Conv2d(in_channels=5, out_channels=8, kernel_size=3): the options-only call runs in
  // torch-ts but does not typecheck (required positional parameters), so positionally here
  const cnn = new nn.Conv2d(5, 8, 3);
  parametrize.registerParametrization(cnn, "weight", new Skew());
  // Print a few kernels
  show("cnn.weight[0, 1]", cnn.weight.get(0, 1));
  show("cnn.weight[2, 2]", cnn.weight.get(2, 2));

  // Inspecting a parametrized module
  layer = new nn.Linear(3, 3);
  show("Unparametrized", layer.toString());
  parametrize.registerParametrization(layer, "weight", new Symmetric());
  show("Parametrized", layer.toString());
  const parametrizations = (layer as unknown as { parametrizations: torch.nn.ModuleDict }).parametrizations;
  show("layer.parametrizations", parametrizations.toString());
  const weightList = parametrizations.get("weight") as torch.nn.utils.parametrize.ParametrizationList;
  show("layer.parametrizations.weight", weightList.toString());
  show("layer.parametrizations.weight[0]", weightList.at(0).toString());
  show("named_parameters", [...new Map(layer.namedParameters()).keys()]);
  show("original", weightList.original);
  const symmetricModule = new Symmetric();
  const weightOrig = weightList.original;
  show("dist(layer.weight, symmetric(weight_orig))", Number(torch.dist(layer.weight, symmetricModule.call(weightOrig)).item()));

  // Caching the value of a parametrization
  const calls: number[] = [];

  class NoisyParametrization extends nn.Module {
    override forward(X: Tensor): Tensor {
      if (verbose) console.log("Computing the Parametrization");
      calls.push(1);
      return X;
    }
  }

  layer = new nn.Linear(4, 4);
  parametrize.registerParametrization(layer, "weight", new NoisyParametrization());
  show("calls after registration", calls.length);
  if (verbose) console.log("Here, layer.weight is recomputed every time we call it");
  let foo = layer.weight.add(layer.weight.T);
  let bar = layer.weight.sum();
  show("calls uncached", calls.length);
  parametrize.cached(() => {
    if (verbose) console.log("Here, it is computed just the first time layer.weight is called");
    foo = layer.weight.add(layer.weight.T);
    bar = layer.weight.sum();
  });
  show("calls cached", calls.length);
  show("foo + bar", Number(foo.add(bar).sum().item()));

  // Concatenating parametrizations
  class CayleyMap extends nn.Module {
    declare Id: Tensor;
    constructor(n: number) {
      super();
      this.registerBuffer("Id", torch.eye(n));
    }

    override forward(X: Tensor): Tensor {
      // (I + X)(I - X)^{-1}
      return torch.linalg.solve(this.Id.sub(X), this.Id.add(X));
    }
  }

  layer = new nn.Linear(3, 3);
  parametrize.registerParametrization(layer, "weight", new Skew());
  parametrize.registerParametrization(layer, "weight", new CayleyMap(3));
  X = layer.weight;
  show("Cayley weight", X);
  show("Cayley dist(X.T @ X, I)", Number(torch.dist(X.T.matmul(X), torch.eye(3)).item())); // X is orthogonal

  class MatrixExponential extends nn.Module {
    override forward(X: Tensor): Tensor {
      return torch.matrixExp(X);
    }
  }

  let layerOrthogonal = new nn.Linear(3, 3);
  parametrize.registerParametrization(layerOrthogonal, "weight", new Skew());
  parametrize.registerParametrization(layerOrthogonal, "weight", new MatrixExponential());
  X = layerOrthogonal.weight;
  show("matrix_exp weight", X);
  show("matrix_exp dist(X.T @ X, I)", Number(torch.dist(X.T.matmul(X), torch.eye(3)).item())); // X is orthogonal

  const layerSpd = new nn.Linear(3, 3);
  parametrize.registerParametrization(layerSpd, "weight", new Symmetric());
  parametrize.registerParametrization(layerSpd, "weight", new MatrixExponential());
  X = layerSpd.weight;
  show("spd weight", X);
  show("spd dist(X, X.T)", Number(torch.dist(X, X.T).item())); // X is symmetric
  show("spd eigvalsh", torch.linalg.eigvalsh(X));
  show("spd positive definite", Boolean(torch.linalg.eigvalsh(X).gt(0.0).all().item())); // X is positive definite

  // Initializing parametrizations
  class SkewWithInverse extends nn.Module { // the tutorial redefines Skew
    override forward(X: Tensor): Tensor {
      const A = X.triu(1);
      return A.sub(A.transpose(-1, -2));
    }

    rightInverse(A: Tensor): Tensor {
      // We assume that A is skew-symmetric
      // We take the upper-triangular elements, as these are those used in the forward
      return A.triu(1);
    }
  }

  layer = new nn.Linear(3, 3);
  parametrize.registerParametrization(layer, "weight", new SkewWithInverse());
  X = torch.rand(3, 3);
  X = X.sub(X.T); // X is now skew-symmetric
  layer.weight = X; // Initialize layer.weight to be X
  show("skew init dist", Number(torch.dist(layer.weight, X).item())); // layer.weight == X
  show("skew init original", (layer as unknown as { parametrizations: { weight: { original: Tensor } } }).parametrizations.weight.original);

  class CayleyMapWithInverse extends nn.Module { // the tutorial redefines CayleyMap
    declare Id: Tensor;
    constructor(n: number) {
      super();
      this.registerBuffer("Id", torch.eye(n));
    }

    override forward(X: Tensor): Tensor {
      // Assume X skew-symmetric
      // (I + X)(I - X)^{-1}
      return torch.linalg.solve(this.Id.sub(X), this.Id.add(X));
    }

    rightInverse(A: Tensor): Tensor {
      // Assume A orthogonal
      // See https://en.wikipedia.org/wiki/Cayley_transform#Matrix_map
      // (A - I)(A + I)^{-1}
      return torch.linalg.solve(A.add(this.Id), A.sub(this.Id));
    }
  }

  layerOrthogonal = new nn.Linear(3, 3);
  parametrize.registerParametrization(layerOrthogonal, "weight", new SkewWithInverse());
  parametrize.registerParametrization(layerOrthogonal, "weight", new CayleyMapWithInverse(3));
  // Sample an orthogonal matrix with positive determinant
  X = torch.empty(3, 3);
  nn.init.orthogonal_(X);
  if (Number(X.det().item()) < 0.0) X.get(0).neg_();
  layerOrthogonal.weight = X;
  show("orthogonal X", X);
  show("orthogonal init dist", Number(torch.dist(layerOrthogonal.weight, X).item())); // layer_orthogonal.weight == X

  class PruningParametrization extends nn.Module {
    mask: Tensor;
    constructor(X: Tensor, pDrop = 0.2) {
      super();
      // sample zeros with probability p_drop
      const mask = torch.fullLike(X, 1.0 - pDrop);
      this.mask = torch.bernoulli(mask);
    }

    override forward(X: Tensor): Tensor {
      return X.mul(this.mask);
    }

    rightInverse(A: Tensor): Tensor {
      return A;
    }
  }

  layer = new nn.Linear(3, 4);
  X = torch.randLike(layer.weight);
  show("Initialization matrix", X);
  parametrize.registerParametrization(layer, "weight", new PruningParametrization(layer.weight));
  layer.weight = X;
  show("Initialized weight", layer.weight);

  // Removing parametrizations
  layer = new nn.Linear(3, 3);
  show("Before (leave_parametrized=True)", layer.weight);
  parametrize.registerParametrization(layer, "weight", new SkewWithInverse());
  show("Parametrized (leave_parametrized=True)", layer.weight);
  parametrize.removeParametrizations(layer, "weight");
  show("After (leave_parametrized=True)", layer.toString());
  show("After weight (leave_parametrized=True)", layer.weight);

  layer = new nn.Linear(3, 3);
  show("Before (leave_parametrized=False)", layer.weight);
  parametrize.registerParametrization(layer, "weight", new SkewWithInverse());
  show("Parametrized (leave_parametrized=False)", layer.weight);
  parametrize.removeParametrizations(layer, "weight", { leaveParametrized: false });
  show("After (leave_parametrized=False)", layer.toString());
  show("After weight (leave_parametrized=False)", layer.weight);
  return out;
}

if (isMain(import.meta.url)) run();
