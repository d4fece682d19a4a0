// A small run through every family of the addon's kernels (GEMM, conv, pooling, elementwise,
// comparisons and masks, unary math, activations, losses, norms, reductions, index kernels,
// scans, sorts, conversions, random, copies), for test/native-isa.test.ts to run under valgrind,
// whose CPU has no AVX-512: code built for an ISA the CPU lacks must never run.
import * as torch from "../../src/index.js";

const { nn, optim } = torch;
const F = torch.nn.functional;
torch.manualSeed(0);

const net = new nn.Sequential(
  new nn.Conv2d(1, 4, 3, { padding: 1 }), new nn.BatchNorm2d(4), new nn.ReLU(), new nn.MaxPool2d(2),
  new nn.Flatten(), new nn.Linear(4 * 4 * 4, 16), new nn.LayerNorm(16), new nn.GELU(), new nn.Linear(16, 3),
);
const opt = new optim.Adam(net.parameters(), { lr: 1e-3 });
const x = torch.randn(8, 1, 8, 8);
const y = torch.randint(0, 3, [8]);
for (let step = 0; step < 2; step++) {
  opt.zeroGrad();
  const loss = F.crossEntropy(net.call(x) as torch.Tensor, y).add(F.mseLoss(x.sigmoid(), x.tanh().abs()));
  loss.backward();
  opt.step();
}
// A float32 stride-1 convolution on the channel-vector kernels (AVX2: forward, input gradient
// from 16 channels, weight gradient), with partial vectors and position tails; the forward's
// 216 taps run in 2 chunks (its accumulating tiles).
const convX = torch.randn([2, 24, 5, 7], { requiresGrad: true });
const convW = torch.randn([12, 24, 3, 3], { requiresGrad: true });
F.conv2d(convX, convW, null, { padding: 1 }).square().sum().backward();
const big = torch.randn(300, 400);
const checks: unknown[] = [
  big.matmul(big.t()).sum().item(),
  big.gt(0).sum().item(),
  big.where(big.lt(0.5), torch.zeros([])).max().item(),
  big.exp().log1p().sin().erf().mean().item(),
  F.softmax(big, 1).logsumexp(0).sum().item(),
  big.sort(1).values.cumsum(1).abs().argmax().item(),
  big.to(torch.float16).to(torch.bfloat16).float().sum().item(),
  big.t().contiguous().to(torch.int32).add(3).mul(2).sum().item(),
  big.get(big.gt(1)).numel(),
  big.isclose(big.add(1e-9)).all().item() ? 1 : 0,
  F.embedding(torch.tensor([1, 2, 2]), big).sum().item(),
  torch.nonzero(big.gt(2)).shape[0],
  big.kthvalue(7, 1).values.sum().item(),
  torch.rand(1000).add(torch.randn(1000)).sum().item(),
  convX.grad!.sum().item(),
  convW.grad!.sum().item(),
];
console.log(`native isa ${torch.backends.native.isa()}`);
console.log(`isa workload done: ${checks.map(Number).every(Number.isFinite) ? "finite" : "NOT FINITE"}`);
