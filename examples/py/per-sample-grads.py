# The torch.func tutorial "Per-sample-gradients" (pytorch/tutorials
# intermediate_source/per_sample_grads.py) on the 8x8 digits that torch-ts embeds: a batch of 64
# digits and their labels instead of random 28x28 data, so SimpleCNN's fc1 takes 64 * 2 * 2 = 256
# features instead of 9216 (everything else is the tutorial's model, loss and steps; no CUDA).
# Debian's PyTorch 1.13 has no torch.func: its functorch spells grad and vmap the same
# (functorch.grad, functorch.vmap) and functional_call is torch.nn.utils.stateless.functional_call,
# which takes one dict: params and buffers are merged here where torch.func takes (params, buffers).
# The TypeScript port, line by line (with torch.func): examples/per-sample-grads.ts.
#   /usr/bin/python3 examples/py/per-sample-grads.py
import torch
import torch.nn as nn
import torch.nn.functional as F
from functorch import grad, vmap  # torch.func's grad, vmap in PyTorch 2
from torch.nn.utils.stateless import functional_call as _functional_call

from digits import load_digits


def functional_call(module, params_and_buffers, args):
    # torch.func.functional_call's (params, buffers) tuple, through 1.13's one-dict form
    params, buffers = params_and_buffers
    return _functional_call(module, {**params, **buffers}, args)


# Here's a simple CNN and loss function:
class SimpleCNN(nn.Module):
    def __init__(self):
        super(SimpleCNN, self).__init__()
        self.conv1 = nn.Conv2d(1, 32, 3, 1)
        self.conv2 = nn.Conv2d(32, 64, 3, 1)
        self.fc1 = nn.Linear(256, 128)
        self.fc2 = nn.Linear(128, 10)

    def forward(self, x):
        x = self.conv1(x)
        x = F.relu(x)
        x = self.conv2(x)
        x = F.relu(x)
        x = F.max_pool2d(x, 2)
        x = torch.flatten(x, 1)
        x = self.fc1(x)
        x = F.relu(x)
        x = self.fc2(x)
        output = F.log_softmax(x, dim=1)
        return output


def loss_fn(predictions, targets):
    return F.nll_loss(predictions, targets)


def run(batch_size=64, seed=0, verbose=True, timeit=0):
    """The tutorial's steps; returns the per-sample gradients' norms, one list of batch_size per
    parameter, from the vmap(grad) way, and the largest difference from the loop way. timeit > 0
    times both ways that many times each, as the tutorial's "Performance comparison" does."""
    torch.manual_seed(seed)

    # Let’s generate a batch of dummy data and pretend that we’re working with an MNIST dataset.
    # (Here: the first batch_size digits.)
    images, labels = load_digits()
    data = images[:batch_size]
    targets = labels[:batch_size]

    model = SimpleCNN()

    predictions = model(data)  # move the entire mini-batch through the model

    loss = loss_fn(predictions, targets)
    loss.backward()  # back propagate the 'average' gradient of this mini-batch

    def compute_grad(sample, target):
        sample = sample.unsqueeze(0)  # prepend batch dimension for processing
        target = target.unsqueeze(0)

        prediction = model(sample)
        loss = loss_fn(prediction, target)

        return torch.autograd.grad(loss, list(model.parameters()))

    def compute_sample_grads(data, targets):
        """ manually process each sample with per sample gradient """
        sample_grads = [compute_grad(data[i], targets[i]) for i in range(batch_size)]
        sample_grads = zip(*sample_grads)
        sample_grads = [torch.stack(shards) for shards in sample_grads]
        return sample_grads

    per_sample_grads = compute_sample_grads(data, targets)

    if verbose:
        print(per_sample_grads[0].shape)

    params = {k: v.detach() for k, v in model.named_parameters()}
    buffers = {k: v.detach() for k, v in model.named_buffers()}

    def compute_loss(params, buffers, sample, target):
        batch = sample.unsqueeze(0)
        targets = target.unsqueeze(0)

        predictions = functional_call(model, (params, buffers), (batch,))
        loss = loss_fn(predictions, targets)
        return loss

    ft_compute_grad = grad(compute_loss)

    ft_compute_sample_grad = vmap(ft_compute_grad, in_dims=(None, None, 0, 0))

    ft_per_sample_grads = ft_compute_sample_grad(params, buffers, data, targets)

    max_diff = 0.0
    for per_sample_grad, ft_per_sample_grad in zip(per_sample_grads, ft_per_sample_grads.values()):
        assert torch.allclose(per_sample_grad, ft_per_sample_grad, atol=3e-3, rtol=1e-5)
        max_diff = max(max_diff, (per_sample_grad - ft_per_sample_grad).abs().max().item())
    if verbose:
        print("largest |loop - vmap| difference:", max_diff)

    if timeit:
        from torch.utils.benchmark import Timer
        without_vmap = Timer(stmt="compute_sample_grads(data, targets)", globals=locals())
        with_vmap = Timer(stmt="ft_compute_sample_grad(params, buffers, data, targets)", globals=locals())
        no_vmap_timing = without_vmap.timeit(timeit)
        with_vmap_timing = with_vmap.timeit(timeit)
        print(f'Per-sample-grads without vmap: {no_vmap_timing.mean * 1e3:.1f} ms')
        print(f'Per-sample-grads with vmap: {with_vmap_timing.mean * 1e3:.1f} ms')

    # in float64: 1.13's float32 norm of a million elements is off by 1e-5 relative
    norms = {k: g.double().flatten(1).norm(dim=1).tolist() for k, g in ft_per_sample_grads.items()}
    return {"norms": norms, "max_diff": max_diff}


if __name__ == "__main__":
    result = run(timeit=10)
    for k, v in result["norms"].items():
        print(k, ["%.6f" % x for x in v[:4]])
