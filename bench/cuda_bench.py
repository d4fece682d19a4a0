# The PyTorch CUDA side of `npm run bench -- --device webgpu`: the workloads of bench/webgpu-run.ts,
# timed the same way (median of samples after warm-up, each ending with torch.cuda.synchronize()),
# printed as JSON {name: milliseconds} on the last line. float32 with TF32 off (cuBLAS's true
# float32), so the matmul comparison is like for like; the TF32 figures are printed for reference.
#   python3 bench/cuda_bench.py [--sizes 1024,2048,4096,8192] [--quick]
import json, sys, time
import torch
import torch.nn as nn
import torch.nn.functional as F

if not torch.cuda.is_available():
    sys.exit("no CUDA device")
torch.backends.cuda.matmul.allow_tf32 = False
torch.backends.cudnn.allow_tf32 = False
torch.manual_seed(0)
quick = "--quick" in sys.argv
sizes = [int(s) for s in (sys.argv[sys.argv.index("--sizes") + 1] if "--sizes" in sys.argv else "1024,2048,4096,8192").split(",")]
dev = "cuda"
print(f"torch {torch.__version__} on {torch.cuda.get_device_name()}")


def time_gpu(fn, samples, k=1, warmup=3):
    w0, i = time.perf_counter(), 0
    while i < warmup or time.perf_counter() - w0 < 0.3:  # as bench/webgpu-run.ts: >= warmup samples and 0.3 s
        for _ in range(k):
            fn()
        torch.cuda.synchronize()
        i += 1
    ts = []
    for _ in range(samples):
        t = time.perf_counter()
        for _ in range(k):
            fn()
        torch.cuda.synchronize()
        ts.append((time.perf_counter() - t) * 1000 / k)
    ts.sort()
    return ts[len(ts) // 2]


out = {}
for n in sizes:
    a = torch.randn(n, n, device=dev); b = torch.randn(n, n, device=dev)
    k = max(1, round(2e11 / (2 * n ** 3)))
    out[f"matmul {n}"] = time_gpu(lambda: a @ b, 3 if quick else 9, 1 if quick else k, 2)
    torch.backends.cuda.matmul.allow_tf32 = True
    tf32 = time_gpu(lambda: a @ b, 3 if quick else 9, 1 if quick else k, 2)
    torch.backends.cuda.matmul.allow_tf32 = False
    print(f"matmul {n}: float32 {2 * n ** 3 / out[f'matmul {n}'] / 1e6:.0f} GFLOPS, tf32 {2 * n ** 3 / tf32 / 1e6:.0f} GFLOPS")

R = 3 if quick else 20
mlp = nn.Sequential(nn.Linear(784, 512), nn.ReLU(), nn.Linear(512, 256), nn.ReLU(), nn.Linear(256, 10)).to(dev)
sgd = torch.optim.SGD(mlp.parameters(), lr=0.01)
xm = torch.randn(128, 784, device=dev); ym = torch.randint(0, 10, (128,), device=dev)
def mlp_step():
    sgd.zero_grad(); F.cross_entropy(mlp(xm), ym).backward(); sgd.step()
out["MLP step"] = time_gpu(mlp_step, R)


class CNN(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 32, 3, padding=1)
        self.conv2 = nn.Conv2d(32, 64, 3, padding=1)
        self.fc = nn.Linear(64 * 7 * 7, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        return self.fc(x.flatten(1))


cnn = CNN().to(dev)
adam = torch.optim.Adam(cnn.parameters(), lr=1e-3)
xc = torch.randn(64, 1, 28, 28, device=dev); yc = torch.randint(0, 10, (64,), device=dev)
def cnn_step():
    adam.zero_grad(); F.cross_entropy(cnn(xc), yc).backward(); adam.step()
out["CNN step"] = time_gpu(cnn_step, R)

d, heads, ff, batch, seq = (64, 4, 128, 4, 16) if quick else (512, 8, 2048, 32, 128)
layer = nn.TransformerEncoderLayer(d, heads, dim_feedforward=ff, dropout=0.0, batch_first=True).to(dev)
src = torch.randn(batch, seq, d, device=dev)
def transformer():
    layer.zero_grad(); layer(src).square().mean().backward()
out["Transformer fwd+bwd"] = time_gpu(transformer, 3 if quick else 15)
print(json.dumps(out))
