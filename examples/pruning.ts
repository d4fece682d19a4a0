// PyTorch's "Pruning Tutorial" (https://pytorch.org/tutorials/intermediate/pruning_tutorial.html,
// torch.nn.utils.prune), ported line by line from examples/py/pruning.py: the same seed gives the
// same masks and numbers. What the tutorial prints is also returned (for
// test/examples-nn-tutorials.test.ts).
//   npx tsx examples/pruning.ts

import * as torch from "../src/index.js";
import { isMain } from "./main-module.js";

type Tensor = torch.Tensor;
const nn = torch.nn;
const F = torch.nn.functional;
const prune = torch.nn.utils.prune;

const device = torch.device("cpu");

export class LeNet extends nn.Module {
  // 1 input image channel, 6 output channels, 5x5 square conv kernel
  conv1 = new nn.Conv2d(1, 6, 5);
  conv2 = new nn.Conv2d(6, 16, 5);
  fc1 = new nn.Linear(16 * 5 * 5, 120); // 5x5 image dimension
  fc2 = new nn.Linear(120, 84);
  fc3 = new nn.Linear(84, 10);

  override forward(x: Tensor): Tensor {
    x = F.maxPool2d(F.relu(this.conv1.call(x)), [2, 2]);
    x = F.maxPool2d(F.relu(this.conv2.call(x)), 2);
    x = x.view(-1, Math.trunc(x.nelement() / x.shape[0]!));
    x = F.relu(this.fc1.call(x));
    x = F.relu(this.fc2.call(x));
    x = this.fc3.call(x);
    return x;
  }
}

export type Shown = number | string[] | unknown[] | Record<string, number>;
export interface PruningOptions { seed?: number; verbose?: boolean }

export function run({ seed = 0, verbose = true }: PruningOptions = {}): Record<string, Shown> {
  torch.manualSeed(seed);
  const out: Record<string, Shown> = {};

  function show(key: string, value: Tensor | number | string[] | [string, Tensor][]): void {
    if (verbose) console.log(`${key}:\n`, value);
    out[key] = value instanceof torch.Tensor ? value.tolist() as unknown[]
      : Array.isArray(value) ? value.map((v) => (Array.isArray(v) ? v[0] : v)) // named_parameters() / named_buffers(): the names
      : value;
  }
  // The pruning method behind a forward pre-hook (in PyTorch, the hook is the method object).
  const methodOf = (hook: unknown): torch.nn.utils.prune.BasePruningMethod => hook as torch.nn.utils.prune.BasePruningMethod;

  let model = new LeNet().to({ device });

  // Inspect a Module
  let module: torch.nn.Module = model.conv1;
  show("conv1 named_parameters", [...module.namedParameters()]);
  show("conv1 named_buffers", [...module.namedBuffers()]);

  // Pruning a Module
  prune.randomUnstructured(module, "weight", 0.3);
  show("after random_unstructured named_parameters", [...module.namedParameters()]);
  show("after random_unstructured named_buffers", [...module.namedBuffers()]);
  show("weight_mask", module.getBuffer("weight_mask")); // module.weight_mask: an attribute TypeScript does not know
  show("pruned weight", model.conv1.weight);
  show("forward_pre_hooks", module._forwardPreHooks().map((h) => methodOf(h).constructor.name));

  prune.l1Unstructured(module, "bias", 3);
  show("after l1_unstructured named_parameters", [...module.namedParameters()]);
  show("after l1_unstructured named_buffers", [...module.namedBuffers()]);
  show("pruned bias", model.conv1.bias!);
  show("forward_pre_hooks after bias", module._forwardPreHooks().map((h) => methodOf(h).constructor.name));

  // Iterative Pruning
  prune.lnStructured(module, "weight", 0.5, 2, 0);
  // As we can verify, this will zero out all the connections corresponding to
  // 50% (3 out of 6) of the channels, while preserving the action of the
  // previous mask.
  show("iteratively pruned weight", model.conv1.weight);
  let hook!: torch.nn.utils.prune.BasePruningMethod;
  for (const h of module._forwardPreHooks()) {
    hook = methodOf(h);
    if (hook._tensorName === "weight") break; // select out the correct hook
  }
  show("pruning history", [...(hook as torch.nn.utils.prune.PruningContainer)].map((m) => m.constructor.name)); // pruning history in the container

  // Serializing a pruned model
  show("state_dict keys", [...model.stateDict().keys()]);

  // Remove pruning re-parametrization
  show("before remove named_parameters", [...module.namedParameters()]);
  show("before remove named_buffers", [...module.namedBuffers()]);
  prune.remove(module, "weight");
  show("after remove named_parameters", [...module.namedParameters()]);
  show("after remove named_buffers", [...module.namedBuffers()]);
  show("weight after remove", model.conv1.weight);

  // Pruning multiple parameters in a model
  const newModel = new LeNet();
  for (const [, module] of newModel.namedModules()) {
    // prune 20% of connections in all 2D-conv layers
    if (module instanceof torch.nn.Conv2d) {
      prune.l1Unstructured(module, "weight", 0.2);
    // prune 40% of connections in all linear layers
    } else if (module instanceof torch.nn.Linear) {
      prune.l1Unstructured(module, "weight", 0.4);
    }
  }

  show("new_model buffers", [...new Map(newModel.namedBuffers()).keys()]); // to verify that all masks exist
  show("new_model fc1 zeros", Number(torch.sum(newModel.fc1.weight.eq(0)).item()));

  // Global pruning
  model = new LeNet();

  const parametersToPrune: [torch.nn.Module, string][] = [
    [model.conv1, "weight"],
    [model.conv2, "weight"],
    [model.fc1, "weight"],
    [model.fc2, "weight"],
    [model.fc3, "weight"],
  ];

  prune.globalUnstructured(
    parametersToPrune,
    prune.L1Unstructured,
    { amount: 0.2 },
  );

  const sparsity: Record<string, number> = {};
  for (const name of ["conv1", "conv2", "fc1", "fc2", "fc3"]) {
    const weight = (model.getSubmodule(name) as torch.nn.Conv2d | torch.nn.Linear).weight; // getattr(model, name).weight
    sparsity[name] = 100.0 * Number(torch.sum(weight.eq(0)).item()) / weight.nelement();
    if (verbose) console.log(`Sparsity in ${name}.weight: ${sparsity[name]!.toFixed(2)}%`);
  }
  sparsity.global = 100.0 * Number(
    torch.sum(model.conv1.weight.eq(0))
      .add(torch.sum(model.conv2.weight.eq(0)))
      .add(torch.sum(model.fc1.weight.eq(0)))
      .add(torch.sum(model.fc2.weight.eq(0)))
      .add(torch.sum(model.fc3.weight.eq(0))).item(),
  ) / (
    model.conv1.weight.nelement()
    + model.conv2.weight.nelement()
    + model.fc1.weight.nelement()
    + model.fc2.weight.nelement()
    + model.fc3.weight.nelement()
  );
  if (verbose) console.log(`Global sparsity: ${sparsity.global.toFixed(2)}%`);
  out.sparsity = sparsity;

  // Extending torch.nn.utils.prune with custom pruning functions
  /** Prune every other entry in a tensor */
  class FooBarPruningMethod extends prune.BasePruningMethod {
    readonly PRUNING_TYPE = "unstructured";

    computeMask(t: Tensor, defaultMask: Tensor): Tensor {
      const mask = defaultMask.clone();
      mask.view(-1).set(["::2"], 0);
      return mask;
    }
  }

  /**
   * Prunes tensor corresponding to parameter called `name` in `module` by removing every other
   * entry in the tensors. Modifies module in place (and also return the modified module) by:
   * 1) adding a named buffer called `name+'_mask'` corresponding to the binary mask applied to
   * the parameter `name` by the pruning method. The parameter `name` is replaced by its pruned
   * version, while the original (unpruned) parameter is stored in a new parameter named `name+'_orig'`.
   */
  function foobarUnstructured<M extends torch.nn.Module>(module: M, name: string): M {
    FooBarPruningMethod.apply(module, name);
    return module;
  }

  model = new LeNet();
  foobarUnstructured(model.fc3, "bias");

  show("fc3.bias_mask", model.fc3.getBuffer("bias_mask"));

  // Not in the tutorial: the pruned model at work (each call re-applies the masks).
  show("output", model.call(torch.randn(1, 1, 32, 32)));
  return out;
}

if (isMain(import.meta.url)) run();
