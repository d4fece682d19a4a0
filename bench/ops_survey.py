# The PyTorch side of bench/ops-survey.ts: the same ops on the same shapes, median ms as JSON.
import json, time, torch
import torch.nn.functional as F
torch.set_num_threads(2); torch.manual_seed(0)
x = torch.randn(1000, 1000); y = torch.randn(1000, 1000); m = x.gt(0); idx = torch.randint(0, 1000, (500,))
p = x.abs() + 0.1; u = torch.rand(1000, 1000) * 0.98 + 0.01; row = torch.randn(1000); t = torch.randint(0, 1000, (1000,))
xi = torch.randint(-100, 100, (1000, 1000), dtype=torch.int32); yi = torch.randint(1, 100, (1000, 1000), dtype=torch.int32)
xg = x.clone().requires_grad_(); g = torch.randn(1000, 1000)
cases = dict(
  # pointwise float
  where=lambda: torch.where(m, x, y), maskedFill=lambda: x.masked_fill(m, 0), clamp=lambda: x.clamp(-0.5, 0.5), mulScalar=lambda: x.mul(2),
  add=lambda: x.add(y), addRow=lambda: x.add(row), neg=lambda: x.neg(), abs=lambda: x.abs(), floor=lambda: x.floor(), rsqrt=lambda: p.rsqrt(),
  sin=lambda: x.sin(), tan=lambda: x.tan(), asin=lambda: u.asin(), atan=lambda: x.atan(), erf=lambda: x.erf(), expm1=lambda: x.expm1(),
  log10=lambda: p.log10(), lgamma=lambda: p.lgamma(), isfinite=lambda: x.isfinite(),
  pow2=lambda: x.pow(2), pow3=lambda: x.pow(3), powHalf=lambda: p.pow(0.5), powTensor=lambda: p.pow(y), tanh=lambda: x.tanh(), sigmoid=lambda: x.sigmoid(),
  relu=lambda: torch.relu(x), maximum=lambda: torch.maximum(x, y), fmod=lambda: x.fmod(y), remainder=lambda: x.remainder(y), atan2=lambda: x.atan2(y),
  logaddexp=lambda: x.logaddexp(y), addcdiv=lambda: x.addcdiv(y, p, value=0.5), lerp=lambda: x.lerp(y, 0.3),
  # activations, forward and backward
  gelu=lambda: F.gelu(x), geluBackward=lambda: torch.autograd.grad(F.gelu(xg), xg, g), softplus=lambda: F.softplus(x), elu=lambda: F.elu(x),
  leakyRelu=lambda: F.leaky_relu(x), hardswish=lambda: F.hardswish(x), mish=lambda: F.mish(x),
  # integers and conversions
  intAdd=lambda: xi.add(yi), intMul=lambda: xi.mul(yi), intFloorDiv=lambda: xi.div(yi, rounding_mode="floor"), toLong=lambda: x.long(), toInt=lambda: x.int(),
  intToFloat=lambda: xi.float(), toHalf=lambda: x.to(torch.float16),
  # reductions, scans, sorting
  argmaxDim=lambda: x.argmax(1), maxDim=lambda: x.max(1), meanDim0=lambda: x.mean(0), meanDim1=lambda: x.mean(1), sumBool=lambda: m.sum(),
  logsumexp=lambda: x.logsumexp(1), norm=lambda: x.norm(), var=lambda: x.var(1), cumsum=lambda: x.cumsum(1), cumprod=lambda: x.cumprod(1),
  softmax0=lambda: x.softmax(0), sort=lambda: x.sort(1), median=lambda: x.median(1), isclose=lambda: torch.isclose(x, y),
  # indexing and shape
  gtScalar=lambda: x.gt(0), eq=lambda: x.eq(y), indexSelect=lambda: x.index_select(0, idx), cat=lambda: torch.cat([x, y]),
  transposeContig=lambda: x.t().contiguous(), flip=lambda: x.flip(0), tril=lambda: x.tril(), nonzero=lambda: m.nonzero(), maskedSelect=lambda: x.masked_select(m),
  # random, losses, matmul
  randn=lambda: torch.randn(1000, 1000), rand=lambda: torch.rand(1000, 1000), dropout=lambda: F.dropout(x, 0.5),
  mseLoss=lambda: F.mse_loss(x, y), l1Loss=lambda: F.l1_loss(x, y), bceWithLogits=lambda: F.binary_cross_entropy_with_logits(x, u),
  crossEntropy=lambda: F.cross_entropy(x, t), addmm=lambda: torch.addmm(x, x, y))
out = {}
for k, f in cases.items():
    for _ in range(3): f()
    ts = []; s0 = time.perf_counter()
    while time.perf_counter() - s0 < 0.2 or len(ts) < 3:
        s = time.perf_counter(); f(); ts.append((time.perf_counter() - s) * 1000)
    ts.sort(); out[k] = ts[len(ts) // 2]
print(json.dumps(out))
