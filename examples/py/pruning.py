# PyTorch's "Pruning Tutorial" (https://pytorch.org/tutorials/intermediate/pruning_tutorial.html,
# torch.nn.utils.prune), as a function: seeded, and what it prints also returned, so the TypeScript
# port (examples/pruning.ts, line by line) can be checked against these numbers. Nothing needs
# scaling: the tutorial prunes an untrained LeNet (1x32x32 inputs) and never loads data. Added at
# the end: one forward pass of the pruned model on a random 1x1x32x32 input (the pre-hooks at work).
#   /usr/bin/python3 examples/py/pruning.py
import torch
from torch import nn
import torch.nn.utils.prune as prune
import torch.nn.functional as F

device = torch.device("cpu")


class LeNet(nn.Module):
    def __init__(self):
        super(LeNet, self).__init__()
        # 1 input image channel, 6 output channels, 5x5 square conv kernel
        self.conv1 = nn.Conv2d(1, 6, 5)
        self.conv2 = nn.Conv2d(6, 16, 5)
        self.fc1 = nn.Linear(16 * 5 * 5, 120)  # 5x5 image dimension
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), (2, 2))
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        x = x.view(-1, int(x.nelement() / x.shape[0]))
        x = F.relu(self.fc1(x))
        x = F.relu(self.fc2(x))
        x = self.fc3(x)
        return x


def run(seed=0, verbose=True):
    torch.manual_seed(seed)
    out = {}

    def show(key, value):
        if verbose:
            print(f"{key}:\n{value}")
        if isinstance(value, torch.Tensor):
            value = value.tolist()
        elif isinstance(value, list) and value and isinstance(value[0], tuple):
            value = [name for name, _ in value]  # named_parameters() / named_buffers(): the names
        out[key] = value

    model = LeNet().to(device=device)

    # Inspect a Module
    module = model.conv1
    show("conv1 named_parameters", list(module.named_parameters()))
    show("conv1 named_buffers", list(module.named_buffers()))

    # Pruning a Module
    prune.random_unstructured(module, name="weight", amount=0.3)
    show("after random_unstructured named_parameters", list(module.named_parameters()))
    show("after random_unstructured named_buffers", list(module.named_buffers()))
    show("weight_mask", module.weight_mask)
    show("pruned weight", module.weight)
    show("forward_pre_hooks", [type(h).__name__ for h in module._forward_pre_hooks.values()])

    prune.l1_unstructured(module, name="bias", amount=3)
    show("after l1_unstructured named_parameters", list(module.named_parameters()))
    show("after l1_unstructured named_buffers", list(module.named_buffers()))
    show("pruned bias", module.bias)
    show("forward_pre_hooks after bias", [type(h).__name__ for h in module._forward_pre_hooks.values()])

    # Iterative Pruning
    prune.ln_structured(module, name="weight", amount=0.5, n=2, dim=0)
    # As we can verify, this will zero out all the connections corresponding to
    # 50% (3 out of 6) of the channels, while preserving the action of the
    # previous mask.
    show("iteratively pruned weight", module.weight)
    for hook in module._forward_pre_hooks.values():
        if hook._tensor_name == "weight":  # select out the correct hook
            break
    show("pruning history", [type(m).__name__ for m in hook])  # pruning history in the container

    # Serializing a pruned model
    show("state_dict keys", list(model.state_dict().keys()))

    # Remove pruning re-parametrization
    show("before remove named_parameters", list(module.named_parameters()))
    show("before remove named_buffers", list(module.named_buffers()))
    prune.remove(module, 'weight')
    show("after remove named_parameters", list(module.named_parameters()))
    show("after remove named_buffers", list(module.named_buffers()))
    show("weight after remove", module.weight)

    # Pruning multiple parameters in a model
    new_model = LeNet()
    for name, module in new_model.named_modules():
        # prune 20% of connections in all 2D-conv layers
        if isinstance(module, torch.nn.Conv2d):
            prune.l1_unstructured(module, name='weight', amount=0.2)
        # prune 40% of connections in all linear layers
        elif isinstance(module, torch.nn.Linear):
            prune.l1_unstructured(module, name='weight', amount=0.4)

    show("new_model buffers", list(dict(new_model.named_buffers()).keys()))  # to verify that all masks exist
    show("new_model fc1 zeros", int(torch.sum(new_model.fc1.weight == 0)))

    # Global pruning
    model = LeNet()

    parameters_to_prune = (
        (model.conv1, 'weight'),
        (model.conv2, 'weight'),
        (model.fc1, 'weight'),
        (model.fc2, 'weight'),
        (model.fc3, 'weight'),
    )

    prune.global_unstructured(
        parameters_to_prune,
        pruning_method=prune.L1Unstructured,
        amount=0.2,
    )

    sparsity = {}
    for name in ["conv1", "conv2", "fc1", "fc2", "fc3"]:
        weight = getattr(model, name).weight
        sparsity[name] = 100. * float(torch.sum(weight == 0)) / float(weight.nelement())
        if verbose:
            print("Sparsity in {}.weight: {:.2f}%".format(name, sparsity[name]))
    sparsity["global"] = 100. * float(
        torch.sum(model.conv1.weight == 0)
        + torch.sum(model.conv2.weight == 0)
        + torch.sum(model.fc1.weight == 0)
        + torch.sum(model.fc2.weight == 0)
        + torch.sum(model.fc3.weight == 0)
    ) / float(
        model.conv1.weight.nelement()
        + model.conv2.weight.nelement()
        + model.fc1.weight.nelement()
        + model.fc2.weight.nelement()
        + model.fc3.weight.nelement()
    )
    if verbose:
        print("Global sparsity: {:.2f}%".format(sparsity["global"]))
    out["sparsity"] = sparsity

    # Extending torch.nn.utils.prune with custom pruning functions
    class FooBarPruningMethod(prune.BasePruningMethod):
        """Prune every other entry in a tensor
        """
        PRUNING_TYPE = 'unstructured'

        def compute_mask(self, t, default_mask):
            mask = default_mask.clone()
            mask.view(-1)[::2] = 0
            return mask

    def foobar_unstructured(module, name):
        """Prunes tensor corresponding to parameter called `name` in `module`
        by removing every other entry in the tensors.
        Modifies module in place (and also return the modified module)
        by:
        1) adding a named buffer called `name+'_mask'` corresponding to the
        binary mask applied to the parameter `name` by the pruning method.
        The parameter `name` is replaced by its pruned version, while the
        original (unpruned) parameter is stored in a new parameter named
        `name+'_orig'`.

        Args:
            module (nn.Module): module containing the tensor to prune
            name (string): parameter name within `module` on which pruning
                    will act.

        Returns:
            module (nn.Module): modified (i.e. pruned) version of the input
                module

        Examples:
            >>> m = nn.Linear(3, 4)
            >>> foobar_unstructured(m, name='bias')
        """
        FooBarPruningMethod.apply(module, name)
        return module

    model = LeNet()
    foobar_unstructured(model.fc3, name='bias')

    show("fc3.bias_mask", model.fc3.bias_mask)

    # Not in the tutorial: the pruned model at work (each call re-applies the masks).
    show("output", model(torch.randn(1, 1, 32, 32)))
    return out


if __name__ == "__main__":
    run()
