// CPU time of the training steps on the JS kernels (TORCH_TS_BACKEND=js is set here, before
// torch-ts loads): the MLP step (784-512-256-10, batch 128, SGD) and the CNN step (conv 1->32,
// pool, conv 32->64, pool, linear, batch 64, Adam) of `npm run bench`, one thread. The machine is
// shared, so each figure is the best of several samples of process CPU time.
// Run: npx tsx bench/js-steps.ts [--quick] [--mlp | --cnn]
process.env["TORCH_TS_BACKEND"] = "js";
const torch = await import("../src/index.js");
const { CNN, mlpModel } = await import("./models.js");
const F = torch.nn.functional;

const quick = process.argv.includes("--quick");
const only = process.argv.includes("--mlp") ? "mlp" : process.argv.includes("--cnn") ? "cnn" : "";

/** Best per-call CPU ms over `samples` samples of `reps` calls, after a warm-up of ~0.5 s. */
function cpuMs(fn: () => void, reps: number, samples: number): number {
  const t0 = performance.now();
  for (let i = 0; i < 3 || performance.now() - t0 < 500; i++) fn();
  let best = Infinity;
  for (let s = 0; s < samples; s++) {
    const u = process.cpuUsage();
    for (let r = 0; r < reps; r++) fn();
    const c = process.cpuUsage(u);
    best = Math.min(best, (c.user + c.system) / 1e3 / reps);
  }
  return best;
}

torch.manualSeed(0);
const samples = quick ? 3 : 7;
if (only !== "cnn") {
  const mlp = mlpModel();
  const opt = new torch.optim.SGD(mlp.parameters(), { lr: 0.01 });
  const x = torch.randn(128, 784), y = torch.randint(0, 10, [128]);
  const ms = cpuMs(() => {
    opt.zeroGrad();
    F.crossEntropy(mlp.call(x) as InstanceType<typeof torch.Tensor>, y).backward();
    opt.step();
  }, 5, samples);
  console.log(`JS MLP step (784-512-256-10, batch 128, SGD): ${ms.toFixed(1)} ms CPU`);
}
if (only !== "mlp") {
  const cnn = new CNN();
  const opt = new torch.optim.Adam(cnn.parameters(), { lr: 1e-3 });
  const x = torch.randn(64, 1, 28, 28), y = torch.randint(0, 10, [64]);
  const ms = cpuMs(() => {
    opt.zeroGrad();
    F.crossEntropy(cnn.call(x), y).backward();
    opt.step();
  }, 2, samples);
  console.log(`JS CNN step (conv 1->32, pool, conv 32->64, pool, linear, batch 64, Adam): ${ms.toFixed(1)} ms CPU`);
}
