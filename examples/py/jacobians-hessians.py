# The torch.func tutorial "Jacobians, Hessians, hvp, vhp, and more: composing function transforms"
# (pytorch/tutorials intermediate_source/jacobians_hessians.py): every step, with the sizes as
# options (the defaults are the tutorial's; the test passes smaller ones) and the Timer sections run
# only when timeit > 0 (their random draws are made either way, so the stream stays the tutorial's).
# Debian's PyTorch 1.13 has no torch.func: functorch spells vmap, vjp, jacrev, jacfwd, hessian, jvp
# and grad the same way (functorch.vmap is torch.func.vmap, and so on).
# The TypeScript port, line by line (with torch.func): examples/jacobians-hessians.ts.
#   /usr/bin/python3 examples/py/jacobians-hessians.py
import torch
import torch.nn.functional as F
from functools import partial
from functorch import vmap, vjp, jacrev, jacfwd, hessian, jvp, grad  # torch.func's in PyTorch 2


def predict(weight, bias, x):
    return F.linear(x, weight, bias).tanh()


def get_perf(first, first_descriptor, second, second_descriptor):
    """takes torch.benchmark objects and compares delta of second vs first."""
    faster = second.times[0]
    slower = first.times[0]
    gain = (slower-faster)/slower
    if gain < 0: gain *=-1
    final_gain = gain*100
    print(f" Performance delta: {final_gain:.4f} percent improvement with {second_descriptor} ")


def run(seed=0, D=16, tall=(32, 2048), wide=(2048, 32), hess=(512, 32), batch=(64, 31, 33), hvp_size=2048,
        verbose=True, timeit=0):
    """The tutorial's steps. tall and wide are the benchmarks' (Din, Dout), hess the Hessian's
    (Din, Dout), batch the batch Jacobian's (batch_size, Din, Dout). Returns the quantities the
    tutorial computes (as nested lists) and the largest differences between the ways it compares."""
    from torch.utils.benchmark import Timer
    _ = torch.manual_seed(seed)
    out = {}

    # Computing the Jacobian
    weight = torch.randn(D, D)
    bias = torch.randn(D)
    x = torch.randn(D)  # feature vector

    def compute_jac(xp):
        jacobian_rows = [torch.autograd.grad(predict(weight, bias, xp), xp, vec)[0]
                         for vec in unit_vectors]
        return torch.stack(jacobian_rows)

    xp = x.clone().requires_grad_()
    unit_vectors = torch.eye(D)

    jacobian = compute_jac(xp)

    if verbose:
        print(jacobian.shape)
        print(jacobian[0])  # show first row
    out["jacobian"] = jacobian.tolist()

    _, vjp_fn = vjp(partial(predict, weight, bias), x)

    ft_jacobian, = vmap(vjp_fn)(unit_vectors)

    # let's confirm both methods compute the same result
    assert torch.allclose(ft_jacobian, jacobian)
    out["vmap_vjp_diff"] = (ft_jacobian - jacobian).abs().max().item()

    ft_jacobian = jacrev(predict, argnums=2)(weight, bias, x)

    # confirm
    assert torch.allclose(ft_jacobian, jacobian)
    out["jacrev_diff"] = (ft_jacobian - jacobian).abs().max().item()

    if timeit:
        without_vmap = Timer(stmt="compute_jac(xp)", globals={**globals(), **locals()})
        with_vmap = Timer(stmt="jacrev(predict, argnums=2)(weight, bias, x)", globals={**globals(), **locals()})
        no_vmap_timer = without_vmap.timeit(timeit)
        with_vmap_timer = with_vmap.timeit(timeit)
        print(no_vmap_timer)
        print(with_vmap_timer)
        get_perf(no_vmap_timer, "without vmap",  with_vmap_timer, "vmap")

    # note the change in input via argnums params of 0,1 to map to weight and bias
    ft_jac_weight, ft_jac_bias = jacrev(predict, argnums=(0, 1))(weight, bias, x)
    out["jac_weight_row0"] = ft_jac_weight[0].tolist()
    out["jac_bias"] = ft_jac_bias.tolist()

    # reverse-mode Jacobian (jacrev) vs forward-mode Jacobian (jacfwd)
    for i, (Din, Dout) in enumerate([tall, wide]):
        weight = torch.randn(Dout, Din)
        bias = torch.randn(Dout)
        x = torch.randn(Din)
        if i == 0 and verbose:
            print(weight.shape)
        if timeit:
            using_fwd = Timer(stmt="jacfwd(predict, argnums=2)(weight, bias, x)", globals={**globals(), **locals()})
            using_bwd = Timer(stmt="jacrev(predict, argnums=2)(weight, bias, x)", globals={**globals(), **locals()})
            jacfwd_timing = using_fwd.timeit(timeit)
            jacrev_timing = using_bwd.timeit(timeit)
            print(f'jacfwd time: {jacfwd_timing}')
            print(f'jacrev time: {jacrev_timing}')
            if i == 0:
                get_perf(jacfwd_timing, "jacfwd", jacrev_timing, "jacrev", )
            else:
                get_perf(jacrev_timing, "jacrev", jacfwd_timing, "jacfwd")

    # Hessian computation
    Din, Dout = hess
    weight = torch.randn(Dout, Din)
    bias = torch.randn(Dout)
    x = torch.randn(Din)

    hess_api = hessian(predict, argnums=2)(weight, bias, x)
    hess_fwdfwd = jacfwd(jacfwd(predict, argnums=2), argnums=2)(weight, bias, x)
    hess_revrev = jacrev(jacrev(predict, argnums=2), argnums=2)(weight, bias, x)

    # Let's verify we have the same result regardless of using hessian api or
    # using jacfwd(jacfwd()) (the tutorial shows the value, as a notebook does)
    if verbose:
        print(torch.allclose(hess_api, hess_fwdfwd))
    out["hess_api"] = hess_api.tolist()
    out["hess_diffs"] = [(hess_api - hess_fwdfwd).abs().max().item(), (hess_api - hess_revrev).abs().max().item()]

    # Batch Jacobian and Batch Hessian
    batch_size, Din, Dout = batch

    weight = torch.randn(Dout, Din)
    if verbose:
        print(f"weight shape = {weight.shape}")

    bias = torch.randn(Dout)

    x = torch.randn(batch_size, Din)

    compute_batch_jacobian = vmap(jacrev(predict, argnums=2), in_dims=(None, None, 0))
    batch_jacobian0 = compute_batch_jacobian(weight, bias, x)

    def predict_with_output_summed(weight, bias, x):
        return predict(weight, bias, x).sum(0)

    batch_jacobian1 = jacrev(predict_with_output_summed, argnums=2)(weight, bias, x).movedim(1, 0)
    assert torch.allclose(batch_jacobian0, batch_jacobian1)
    out["batch_jacobian"] = batch_jacobian0.tolist()
    out["batch_jacobian_diff"] = (batch_jacobian0 - batch_jacobian1).abs().max().item()

    compute_batch_hessian = vmap(hessian(predict, argnums=2), in_dims=(None, None, 0))

    batch_hess = compute_batch_hessian(weight, bias, x)
    out["batch_hess"] = batch_hess.tolist()

    # Computing Hessian-vector products
    def hvp(f, primals, tangents):
        return jvp(grad(f), primals, tangents)[1]

    def f(x):
        return x.sin().sum()

    x = torch.randn(hvp_size)
    tangent = torch.randn(hvp_size)

    result = hvp(f, (x,), (tangent,))

    def hvp_revrev(f, primals, tangents):
        _, vjp_fn = vjp(grad(f), *primals)
        return vjp_fn(*tangents)

    result_hvp_revrev = hvp_revrev(f, (x,), (tangent,))
    assert torch.allclose(result, result_hvp_revrev[0])
    out["hvp"] = result.tolist()
    out["hvp_revrev"] = result_hvp_revrev[0].tolist()
    return out


if __name__ == "__main__":
    result = run(timeit=500)
    print("hvp[:4]", result["hvp"][:4])
