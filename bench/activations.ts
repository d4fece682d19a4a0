// Activations forward and backward on a 1000x1000 float32 tensor through the public API
// (allocation, autograd and dispatch included): best of 30 calls in ms, forward and the
// backward alone (best forward+backward minus best forward). PyTorch's figures for the same
// cases: bench/activations.py.
//
//   node --import tsx bench/activations.ts [op,op,...]
import * as torch from "../src/index.js";
import type { Tensor } from "../src/core/tensor.js";

const F = torch.nn.functional;
torch.manualSeed(0);
const x = torch.randn(1000, 1000), g = torch.randn(1000, 1000);
const w = torch.full([1], 0.25);

function best(f: () => void): number {
  for (let i = 0; i < 3; i++) f();
  let b = Infinity;
  for (let r = 0; r < 30; r++) { const t = performance.now(); f(); b = Math.min(b, performance.now() - t); }
  return b;
}

const OPS: Record<string, (t: Tensor) => Tensor> = {
  gelu: (t) => F.gelu(t), geluTanh: (t) => F.gelu(t, { approximate: "tanh" }), softplus: (t) => F.softplus(t), elu: (t) => F.elu(t),
  selu: (t) => F.selu(t), celu: (t) => F.celu(t), leakyRelu: (t) => F.leakyRelu(t), hardtanh: (t) => F.hardtanh(t),
  hardswish: (t) => F.hardswish(t), hardsigmoid: (t) => F.hardsigmoid(t), mish: (t) => F.mish(t), relu6: (t) => F.relu6(t),
  relu: (t) => F.relu(t), silu: (t) => F.silu(t), logsigmoid: (t) => F.logsigmoid(t), softsign: (t) => F.softsign(t),
  threshold: (t) => F.threshold(t, 0.1, 20), hardshrink: (t) => F.hardshrink(t), softshrink: (t) => F.softshrink(t),
  tanhshrink: (t) => F.tanhshrink(t), rreluEval: (t) => F.rrelu(t), prelu: (t) => F.prelu(t, w),
};

const only = process.argv[2]?.split(",");
console.log("op           forward  backward");
for (const [name, op] of Object.entries(OPS)) {
  if (only && !only.includes(name)) continue;
  const fwd = best(() => op(x));
  const xr = x.detach().requiresGrad_();
  const both = best(() => { xr.grad = null; op(xr).backward(g); });
  console.log(name.padEnd(12), fwd.toFixed(3).padStart(8), (both - fwd).toFixed(3).padStart(9));
}
