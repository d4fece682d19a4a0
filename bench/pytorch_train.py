# The PyTorch side of `npm run bench -- --epoch`: one Fashion-MNIST epoch of the program in
# examples/train.ts (same CNN, Adam lr 1e-3, batch 64, shuffled, the loss and hits read back every
# step), on 2 threads. Prints JSON {seconds, samplesPerSec, testAcc, maxRssMB}: the epoch's training
# loop time, as train.ts reports it, and the process's peak resident memory.
import gzip, json, resource, sys, time
import numpy as np
import torch
import torch.nn.functional as F
from bench_util import CNN

torch.set_num_threads(2)
torch.manual_seed(0)
ROOT = sys.argv[1] if len(sys.argv) > 1 else "/usr/share/datasets/fashion-mnist"

def idx(name, offset):
    with gzip.open(f"{ROOT}/{name}", "rb") as f:
        return np.frombuffer(f.read(), dtype=np.uint8, offset=offset)

def images(name):
    return torch.from_numpy(idx(name, 16).astype(np.float32) / 255).reshape(-1, 1, 28, 28)

def labels(name):
    return torch.from_numpy(idx(name, 8).astype(np.int64))

train_x, train_y = images("train-images-idx3-ubyte.gz"), labels("train-labels-idx1-ubyte.gz")
test_x, test_y = images("t10k-images-idx3-ubyte.gz"), labels("t10k-labels-idx1-ubyte.gz")

model = CNN()
opt = torch.optim.Adam(model.parameters(), lr=1e-3)
loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(train_x, train_y), batch_size=64, shuffle=True)
start = time.perf_counter()
seen = 0
for x, y in loader:
    opt.zero_grad()
    logits = model(x)
    loss = F.cross_entropy(logits, y)
    loss.backward()
    opt.step()
    l, c = torch.stack([loss.detach(), (logits.detach().argmax(1) == y).sum().float()]).tolist()
    seen += y.shape[0]
secs = time.perf_counter() - start
model.eval()
with torch.no_grad():
    acc = sum((model(test_x[i:i + 1000]).argmax(1) == test_y[i:i + 1000]).sum().item() for i in range(0, len(test_y), 1000)) / len(test_y)
print(json.dumps({"seconds": secs, "samplesPerSec": seen / secs, "testAcc": acc,
                  "maxRssMB": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
