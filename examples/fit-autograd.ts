// Fits y = 3x² - 2x + 0.5 (plus noise) with a hand-written model and autograd alone:
// tensors, backward(), and a gradient-descent update under noGrad.
//   npm run example

import * as torch from "../src/index.js";

torch.manualSeed(0);
const x = torch.linspace(-1, 1, 200).unsqueeze(1);
const y = x.pow(2).mul(3).sub(x.mul(2)).add(0.5).add(torch.randn(200, 1).mul(0.05));

// Parameters of y ≈ a x² + b x + c.
const a = torch.zeros(1, { requiresGrad: true });
const b = torch.zeros(1, { requiresGrad: true });
const c = torch.zeros(1, { requiresGrad: true });

const lr = 0.5;
for (let step = 0; step <= 500; step++) {
  const pred = x.pow(2).mul(a).add(x.mul(b)).add(c);
  const loss = pred.sub(y).pow(2).mean();
  loss.backward();
  torch.noGrad(() => {
    for (const p of [a, b, c]) {
      p.sub_(p.grad!.mul(lr));
      p.grad = null;
    }
  });
  if (step % 100 === 0) console.log(`step ${String(step).padStart(3)}  loss ${Number(loss.item()).toFixed(5)}`);
}
console.log(`fitted: a=${Number(a.item()).toFixed(3)} b=${Number(b.item()).toFixed(3)} c=${Number(c.item()).toFixed(3)}  (true: 3, -2, 0.5)`);
