# What the PyTorch sides of the CPU benchmarks share: the timing rule of bench/workloads.ts and the
# CNN of the training-step workload.
import time
import torch.nn as nn
import torch.nn.functional as F

def timeit(fn, reps):
    """[median milliseconds, CPU ms per run] of fn over reps runs, after at least two runs and 300 ms."""
    start, i = time.perf_counter(), 0
    while i < 2 or time.perf_counter() - start < 0.3:
        fn()
        i += 1
    ts = []
    cpu0 = time.process_time()
    for _ in range(reps):
        t = time.perf_counter()
        fn()
        ts.append((time.perf_counter() - t) * 1000)
    cpu = (time.process_time() - cpu0) * 1000 / reps
    ts.sort()
    return [ts[len(ts) // 2], cpu]

class CNN(nn.Module):
    """conv 1->32, pool, conv 32->64, pool, linear: bench/models.ts's CNN."""
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 32, 3, padding=1); self.conv2 = nn.Conv2d(32, 64, 3, padding=1); self.fc = nn.Linear(64 * 7 * 7, 10)
    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), 2); x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        return self.fc(x.flatten(1))
