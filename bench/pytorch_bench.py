# The PyTorch side of `npm run bench`: the same workloads as bench/workloads.ts, timed the same way
# (median of repeated runs after warm-up), printed as JSON {name: [milliseconds, CPU ms per run]}.
# Run by bench/run.ts with Debian's python3-torch, 2 threads, OpenBLAS and malloc tuned for reuse.
import json, sys, time
import torch
import torch.nn as nn
import torch.nn.functional as F
from bench_util import CNN, timeit

torch.set_num_threads(2)
torch.manual_seed(0)
quick = "--quick" in sys.argv

R = 3 if quick else 10
out = {}
for n in (128, 512, 1024, 2048):
    a = torch.randn(n, n); b = torch.randn(n, n)
    out[f"matmul {n}"] = timeit(lambda: a @ b, R if n < 2048 else max(3, R // 2))
for n, label in ((1_000_000, "1M"), (10_000_000, "10M")):
    x = torch.randn(n); y = torch.randn(n)
    out[f"add {label}"] = timeit(lambda: x + y, R)
    out[f"exp {label}"] = timeit(lambda: x.exp(), R)
x = torch.randn(10_000_000)
out["sum 10M"] = timeit(lambda: x.sum(), R)
s = torch.randn(4096, 1024)
out["softmax 4096x1024"] = timeit(lambda: torch.softmax(s, -1), R)
for cin in (3, 64):
    inp = torch.randn(32, cin, 32, 32); w = torch.randn(64, cin, 3, 3); bias = torch.randn(64)
    out[f"conv2d 32x{cin}x32x32->64"] = timeit(lambda: F.conv2d(inp, w, bias, padding=1), R)

mlp = nn.Sequential(nn.Linear(784, 512), nn.ReLU(), nn.Linear(512, 256), nn.ReLU(), nn.Linear(256, 10))
opt = torch.optim.SGD(mlp.parameters(), lr=0.01)
xm = torch.randn(128, 784); ym = torch.randint(0, 10, (128,))
def mlp_step():
    opt.zero_grad(); F.cross_entropy(mlp(xm), ym).backward(); opt.step()
out["MLP step"] = timeit(mlp_step, R * 3)

cnn = CNN(); copt = torch.optim.Adam(cnn.parameters(), lr=1e-3)
xc = torch.randn(64, 1, 28, 28); yc = torch.randint(0, 10, (64,))
def cnn_step():
    copt.zero_grad(); F.cross_entropy(cnn(xc), yc).backward(); copt.step()
out["CNN step"] = timeit(cnn_step, R * 2)
print(json.dumps(out))
