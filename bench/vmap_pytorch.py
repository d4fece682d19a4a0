# PyTorch 1.13's side of bench/vmap.ts: the per-sample-gradients and model-ensembling tutorials'
# workloads (same shapes: 64 8x8 digits, SimpleCNN; 10 SimpleMLPs on 64 digits each), functorch.vmap
# vs a Python loop. Prints one JSON line of median milliseconds.  /usr/bin/python3 bench/vmap_pytorch.py THREADS
import json, sys, time
import torch, torch.nn as nn, torch.nn.functional as F
from functorch import vmap, grad, make_functional_with_buffers, combine_state_for_ensemble
from torch.nn.utils import stateless

torch.set_num_threads(int(sys.argv[1]) if len(sys.argv) > 1 else 1)
torch.manual_seed(0)

def median_ms(f, warmups=3, min_runs=10, min_ms=1000):
    for _ in range(warmups): f()
    ts, total = [], 0.0
    while len(ts) < min_runs or total < min_ms:
        t = time.perf_counter(); f(); dt = (time.perf_counter() - t) * 1000
        ts.append(dt); total += dt
    return sorted(ts)[len(ts) // 2]

class SimpleCNN(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 32, 3, 1); self.conv2 = nn.Conv2d(32, 64, 3, 1)
        self.fc1 = nn.Linear(256, 128); self.fc2 = nn.Linear(128, 10)
    def forward(self, x):
        x = F.relu(self.conv2(F.relu(self.conv1(x))))
        x = torch.flatten(F.max_pool2d(x, 2), 1)
        return F.log_softmax(self.fc2(F.relu(self.fc1(x))), dim=1)

model = SimpleCNN()
data = torch.rand(64, 1, 8, 8); targets = torch.randint(0, 10, (64,))
def compute_grad(sample, target):
    loss = F.nll_loss(model(sample.unsqueeze(0)), target.unsqueeze(0))
    return torch.autograd.grad(loss, list(model.parameters()))
def loop():
    grads = [compute_grad(data[i], targets[i]) for i in range(64)]
    return [torch.stack(s) for s in zip(*grads)]
params = {k: v.detach() for k, v in model.named_parameters()}
def compute_loss(params, sample, target):
    return F.nll_loss(stateless.functional_call(model, params, (sample.unsqueeze(0),)), target.unsqueeze(0))
ft = vmap(grad(compute_loss), in_dims=(None, 0, 0))
out = {"per_sample_grads_loop": median_ms(loop), "per_sample_grads_vmap": median_ms(lambda: ft(params, data, targets))}

class SimpleMLP(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(64, 128); self.fc2 = nn.Linear(128, 128); self.fc3 = nn.Linear(128, 10)
    def forward(self, x):
        x = x.flatten(1)
        return self.fc3(F.relu(self.fc2(F.relu(self.fc1(x)))))
models = [SimpleMLP() for _ in range(10)]
minibatches = torch.rand(10, 64, 1, 8, 8)
fmodel, eparams, ebuffers = combine_state_for_ensemble(models)
out["ensembling_loop"] = median_ms(lambda: [m(minibatches[i]) for i, m in enumerate(models)])
out["ensembling_vmap"] = median_ms(lambda: vmap(fmodel)(eparams, ebuffers, minibatches))
print(json.dumps(out))
