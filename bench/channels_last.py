# The PyTorch side of bench/channels-last.ts: conv2d forward 32x64x32x32->64 (3x3, padding 1) and
# the CNN training step of bench/pytorch_bench.py, each with the model and input contiguous and
# in channels_last, timed as bench/pytorch_bench.py times (median after warm-up). Prints JSON
# {name: [milliseconds, CPU ms per run]}. Run with bench/compare.ts's pytorchEnv; argv: runs per case, threads (default 2).
import json, sys, time
import torch
import torch.nn as nn
import torch.nn.functional as F
from bench_util import CNN, timeit

R = int(sys.argv[1]) if len(sys.argv) > 1 else 10
torch.set_num_threads(int(sys.argv[2]) if len(sys.argv) > 2 else 2)
torch.manual_seed(0)


out = {}
for fmt, name in ((torch.contiguous_format, "contiguous"), (torch.channels_last, "channels_last")):
    x = torch.randn(32, 64, 32, 32).contiguous(memory_format=fmt)
    w = torch.randn(64, 64, 3, 3).contiguous(memory_format=fmt)
    b = torch.randn(64)
    out[f"conv2d fwd {name}"] = timeit(lambda: F.conv2d(x, w, b, padding=1), R)
    cnn = CNN().to(memory_format=fmt)
    opt = torch.optim.Adam(cnn.parameters(), lr=1e-3)
    xc = torch.randn(64, 1, 28, 28).contiguous(memory_format=fmt); yc = torch.randint(0, 10, (64,))
    def step():
        opt.zero_grad(); F.cross_entropy(cnn(xc), yc).backward(); opt.step()
    out[f"CNN step {name}"] = timeit(step, R * 2)
print(json.dumps(out))
