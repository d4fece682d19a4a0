# The torch.func tutorial "Neural Tangent Kernels" (pytorch/tutorials
# intermediate_source/neural_tangent_kernels.py) on the 8x8 digits that torch-ts embeds: the first
# n_train digits stand in for x_train (20 random 3x32x32 images) and the next n_test for x_test (5),
# so the CNN's conv1 takes 1 channel instead of 3 and its fc 32 * 2 * 2 = 128 features instead of
# 21632 (everything else is the tutorial's model and steps; no CUDA).
# Debian's PyTorch 1.13 has no torch.func: functorch spells vmap, vjp, jvp and jacrev the same way,
# and functional_call with one dict is torch.nn.utils.stateless.functional_call.
# The TypeScript port, line by line (with torch.func): examples/neural-tangent-kernels.ts.
#   /usr/bin/python3 examples/py/neural-tangent-kernels.py
import torch
import torch.nn as nn
from functorch import vmap, vjp, jvp, jacrev  # torch.func's in PyTorch 2
from torch.nn.utils.stateless import functional_call  # torch.func.functional_call in PyTorch 2

from digits import load_digits


class CNN(nn.Module):
    def __init__(self):
        super(CNN, self).__init__()
        self.conv1 = nn.Conv2d(1, 32, (3, 3))
        self.conv2 = nn.Conv2d(32, 32, (3, 3))
        self.conv3 = nn.Conv2d(32, 32, (3, 3))
        self.fc = nn.Linear(128, 10)

    def forward(self, x):
        x = self.conv1(x)
        x = x.relu()
        x = self.conv2(x)
        x = x.relu()
        x = self.conv3(x)
        x = x.flatten(1)
        x = self.fc(x)
        return x


def empirical_ntk_jacobian_contraction(fnet_single, params, x1, x2, compute='full'):
    # Compute J(x1)
    jac1 = vmap(jacrev(fnet_single), (None, 0))(params, x1)
    jac1 = jac1.values()
    jac1 = [j.flatten(2) for j in jac1]

    # Compute J(x2)
    jac2 = vmap(jacrev(fnet_single), (None, 0))(params, x2)
    jac2 = jac2.values()
    jac2 = [j.flatten(2) for j in jac2]

    # Compute J(x1) @ J(x2).T
    einsum_expr = None
    if compute == 'full':
        einsum_expr = 'Naf,Mbf->NMab'
    elif compute == 'trace':
        einsum_expr = 'Naf,Maf->NM'
    elif compute == 'diagonal':
        einsum_expr = 'Naf,Maf->NMa'
    else:
        assert False

    result = torch.stack([torch.einsum(einsum_expr, j1, j2) for j1, j2 in zip(jac1, jac2)])
    result = result.sum(0)
    return result


def empirical_ntk_ntk_vps(func, params, x1, x2, compute='full'):
    def get_ntk(x1, x2):
        def func_x1(params):
            return func(params, x1)

        def func_x2(params):
            return func(params, x2)

        output, vjp_fn = vjp(func_x1, params)

        def get_ntk_slice(vec):
            # This computes vec @ J(x2).T
            # `vec` is some unit vector (a single slice of the Identity matrix)
            vjps = vjp_fn(vec)
            # This computes J(X1) @ vjps
            _, jvps = jvp(func_x2, (params,), vjps)
            return jvps

        # Here's our identity matrix
        basis = torch.eye(output.numel(), dtype=output.dtype, device=output.device).view(output.numel(), -1)
        return vmap(get_ntk_slice)(basis)

    # get_ntk(x1, x2) computes the NTK for a single data point x1, x2
    # Since the x1, x2 inputs to empirical_ntk_ntk_vps are batched,
    # we actually wish to compute the NTK between every pair of data points
    # between {x1} and {x2}. That's what the vmaps here do.
    result = vmap(vmap(get_ntk, (None, 0)), (0, None))(x1, x2)

    if compute == 'full':
        return result
    if compute == 'trace':
        return torch.einsum('NMKK->NM', result)
    if compute == 'diagonal':
        return torch.einsum('NMKK->NMK', result)


def run(n_train=20, n_test=5, seed=0, verbose=True):
    """The tutorial's steps; returns the NTKs it computes (nested lists): the full and trace
    Jacobian-contraction NTKs of (x_train, x_test), the NTK-vector-products one of (x_test, x_train)
    and its largest difference from the Jacobian contraction's, and (not printed by the tutorial)
    the diagonal of both methods."""
    torch.manual_seed(seed)
    images, _ = load_digits()
    x_train = images[:n_train]
    x_test = images[n_train:n_train + n_test]

    net = CNN()

    # Detaching the parameters because we won't be calling Tensor.backward().
    params = {k: v.detach() for k, v in net.named_parameters()}

    def fnet_single(params, x):
        return functional_call(net, params, (x.unsqueeze(0),)).squeeze(0)

    result = empirical_ntk_jacobian_contraction(fnet_single, params, x_train, x_test)
    if verbose:
        print(result.shape)
    full = result

    result = empirical_ntk_jacobian_contraction(fnet_single, params, x_train, x_test, 'trace')
    if verbose:
        print(result.shape)
    trace = result

    result_from_jacobian_contraction = empirical_ntk_jacobian_contraction(fnet_single, params, x_test, x_train)
    result_from_ntk_vps = empirical_ntk_ntk_vps(fnet_single, params, x_test, x_train)
    assert torch.allclose(result_from_jacobian_contraction, result_from_ntk_vps, atol=1e-5)

    # Not in the tutorial: the 'diagonal' option of both methods
    diagonal = empirical_ntk_jacobian_contraction(fnet_single, params, x_test, x_train, 'diagonal')
    diagonal_vps = empirical_ntk_ntk_vps(fnet_single, params, x_test, x_train, 'diagonal')
    return {"full": full.tolist(), "trace": trace.tolist(), "ntk_vps": result_from_ntk_vps.tolist(),
            "vps_diff": (result_from_jacobian_contraction - result_from_ntk_vps).abs().max().item(),
            "diagonal": diagonal.tolist(), "diagonal_vps": diagonal_vps.tolist()}


if __name__ == "__main__":
    r = run()
    print("largest |contraction - ntk_vps| difference:", r["vps_diff"])
