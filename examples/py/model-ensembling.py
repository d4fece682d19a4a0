# The torch.func tutorial "Model ensembling" (pytorch/tutorials intermediate_source/ensembling.py)
# on the 8x8 digits that torch-ts embeds: the first 28 minibatches of 64 digits stand in for the
# random [100, 64, 1, 28, 28] data, so SimpleMLP's fc1 takes 64 inputs instead of 784 (everything
# else is the tutorial's: 10 models, vmap over functional_call with the default in_dims and with
# in_dims=(0, 0, None), and, not in the tutorial, in_dims=(0, None, None); no CUDA, no timing).
# Debian's PyTorch 1.13 has no torch.func: functorch.vmap is torch.vmap, and stack_module_state and
# the (params, buffers) form of functional_call are written below as torch.func defines them, over
# 1.13's torch.nn.utils.stateless.functional_call (one dict).
# The TypeScript port, line by line (with torch.func): examples/model-ensembling.ts.
#   /usr/bin/python3 examples/py/model-ensembling.py
import copy

import torch
import torch.nn as nn
import torch.nn.functional as F
from functorch import vmap  # torch.vmap in PyTorch 2
from torch.nn.utils.stateless import functional_call as _functional_call

from digits import load_digits


def stack_module_state(models):
    # torch.func.stack_module_state: each parameter and buffer stacked over the models
    # (parameters as new leaves that require grad)
    params = {k: torch.stack([dict(m.named_parameters())[k] for m in models]).detach().requires_grad_()
              for k, _ in models[0].named_parameters()}
    buffers = {k: torch.stack([dict(m.named_buffers())[k] for m in models]) for k, _ in models[0].named_buffers()}
    return params, buffers


def functional_call(module, params_and_buffers, args):
    # torch.func.functional_call's (params, buffers) tuple, through 1.13's one-dict form
    params, buffers = params_and_buffers
    return _functional_call(module, {**params, **buffers}, args)


# Here's a simple MLP
class SimpleMLP(nn.Module):
    def __init__(self):
        super(SimpleMLP, self).__init__()
        self.fc1 = nn.Linear(64, 128)
        self.fc2 = nn.Linear(128, 128)
        self.fc3 = nn.Linear(128, 10)

    def forward(self, x):
        x = x.flatten(1)
        x = self.fc1(x)
        x = F.relu(x)
        x = self.fc2(x)
        x = F.relu(x)
        x = self.fc3(x)
        return x


def run(num_models=10, seed=0, verbose=True, timeit=0):
    """The tutorial's steps; returns the vmap predictions of option 1 and option 2
    ([num_models, 64, 10] each, as nested lists) and the largest differences from the loops.
    timeit > 0 times the loop and vmap that many times each, as the tutorial's "Performance" does."""
    torch.manual_seed(seed)

    # (Here: 28 minibatches of 64 digits and their labels.)
    images, labels = load_digits()
    data = images[:28 * 64].view(28, 64, 1, 8, 8)
    targets = labels[:28 * 64]

    models = [SimpleMLP() for _ in range(num_models)]

    # Option 1: different minibatch for each model
    minibatches = data[:num_models]
    predictions_diff_minibatch_loop = [model(minibatch) for model, minibatch in zip(models, minibatches)]

    # Option 2: Same minibatch
    minibatch = data[0]
    predictions2 = [model(minibatch) for model in models]

    params, buffers = stack_module_state(models)

    # Construct a "stateless" version of one of the models. It is "stateless" in
    # the sense that the parameters are meta Tensors and do not have storage.
    base_model = copy.deepcopy(models[0])
    base_model = base_model.to('meta')

    def fmodel(params, buffers, x):
        return functional_call(base_model, (params, buffers), (x,))

    if verbose:
        print([p.size(0) for p in params.values()])  # show the leading 'num_models' dimension

    assert minibatches.shape == (num_models, 64, 1, 8, 8)  # verify minibatch has leading dimension of size 'num_models'

    predictions1_vmap = vmap(fmodel)(params, buffers, minibatches)

    # verify the vmap predictions match the
    assert torch.allclose(predictions1_vmap, torch.stack(predictions_diff_minibatch_loop), atol=1e-3, rtol=1e-5)

    predictions2_vmap = vmap(fmodel, in_dims=(0, 0, None))(params, buffers, minibatch)

    assert torch.allclose(predictions2_vmap, torch.stack(predictions2), atol=1e-3, rtol=1e-5)

    # Not in the tutorial: the buffers shared by all models, in_dims=(0, None, None) (SimpleMLP has
    # none, so the stacked dict is empty and either in_dim gives the same predictions)
    predictions3_vmap = vmap(fmodel, in_dims=(0, None, None))(params, buffers, minibatch)

    assert torch.equal(predictions3_vmap, predictions2_vmap)

    diff1 = (predictions1_vmap - torch.stack(predictions_diff_minibatch_loop)).abs().max().item()
    diff2 = (predictions2_vmap - torch.stack(predictions2)).abs().max().item()
    if verbose:
        print("largest |loop - vmap| differences:", diff1, diff2)
    if timeit:
        from torch.utils.benchmark import Timer
        without_vmap = Timer(
            stmt="[model(minibatch) for model, minibatch in zip(models, minibatches)]",
            globals=locals())
        with_vmap = Timer(
            stmt="vmap(fmodel)(params, buffers, minibatches)",
            globals={**globals(), **locals()})
        print(f'Predictions without vmap: {without_vmap.timeit(timeit).mean * 1e3:.2f} ms')
        print(f'Predictions with vmap: {with_vmap.timeit(timeit).mean * 1e3:.2f} ms')
    return {"predictions1_vmap": predictions1_vmap.tolist(), "predictions2_vmap": predictions2_vmap.tolist(),
            "max_diffs": [diff1, diff2]}


if __name__ == "__main__":
    run(timeit=100)
