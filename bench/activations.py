# PyTorch's figures for bench/activations.ts (same cases, same method):
#   env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE /usr/bin/python3 bench/activations.py
import time
import torch
import torch.nn.functional as F

torch.set_num_threads(2)
torch.manual_seed(0)
x = torch.randn(1000, 1000)
g = torch.randn(1000, 1000)
w = torch.full([1], 0.25)


def best(f):
    for _ in range(3):
        f()
    b = float("inf")
    for _ in range(30):
        t = time.perf_counter()
        f()
        b = min(b, time.perf_counter() - t)
    return b * 1000


OPS = dict(gelu=F.gelu, geluTanh=lambda t: F.gelu(t, approximate="tanh"), softplus=F.softplus, elu=F.elu, selu=F.selu,
           celu=F.celu, leakyRelu=F.leaky_relu, hardtanh=F.hardtanh, hardswish=F.hardswish, hardsigmoid=F.hardsigmoid,
           mish=F.mish, relu6=F.relu6, relu=F.relu, silu=F.silu, logsigmoid=F.logsigmoid, softsign=F.softsign,
           threshold=lambda t: F.threshold(t, 0.1, 20), hardshrink=F.hardshrink, softshrink=F.softshrink,
           tanhshrink=F.tanhshrink, rreluEval=F.rrelu, prelu=lambda t: F.prelu(t, w))

print("op           forward  backward")
for name, op in OPS.items():
    fwd = best(lambda: op(x))
    xr = x.detach().requires_grad_()

    def both():
        xr.grad = None
        op(xr).backward(g)

    print(f"{name:12} {fwd:8.3f} {best(both) - fwd:9.3f}")
