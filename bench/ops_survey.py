# The PyTorch side of bench/ops-survey.ts: the same ops on the same shapes, median ms as JSON.
import json, time, torch
torch.set_num_threads(2); torch.manual_seed(0)
x = torch.randn(1000, 1000); y = torch.randn(1000, 1000); m = x.gt(0); idx = torch.randint(0, 1000, (500,))
cases = dict(where=lambda: torch.where(m, x, y), maskedFill=lambda: x.masked_fill(m, 0), clamp=lambda: x.clamp(-0.5, 0.5), mulScalar=lambda: x.mul(2),
  pow2=lambda: x.pow(2), tanh=lambda: x.tanh(), sigmoid=lambda: x.sigmoid(), relu=lambda: torch.relu(x), maximum=lambda: torch.maximum(x, y),
  argmaxDim=lambda: x.argmax(1), maxDim=lambda: x.max(1), meanDim0=lambda: x.mean(0), meanDim1=lambda: x.mean(1), indexSelect=lambda: x.index_select(0, idx),
  cat=lambda: torch.cat([x, y]), transposeContig=lambda: x.t().contiguous(), cumsum=lambda: x.cumsum(1), gtScalar=lambda: x.gt(0), eq=lambda: x.eq(y),
  sumBool=lambda: m.sum(), toHalf=lambda: x.to(torch.float16), logsumexp=lambda: x.logsumexp(1), norm=lambda: x.norm(), var=lambda: x.var(1), sort=lambda: x.sort(1), addmm=lambda: torch.addmm(x, x, y))
out = {}
for k, f in cases.items():
    for _ in range(3): f()
    ts = []; s0 = time.perf_counter()
    while time.perf_counter() - s0 < 0.2 or len(ts) < 3:
        s = time.perf_counter(); f(); ts.append((time.perf_counter() - s) * 1000)
    ts.sort(); out[k] = ts[len(ts) // 2]
print(json.dumps(out))
