// CPU time of the training steps on the JS kernels (TORCH_TS_BACKEND=js is set here, before
// torch-ts loads): the MLP step (784-512-256-10, batch 128, SGD) and the CNN step (conv 1->32,
// pool, conv 32->64, pool, linear, batch 64, Adam) of `npm run bench`, one thread. The machine is
// shared, so each figure is the best of several samples of process CPU time. --kernels adds the
// CNN step's kernels on its own shapes: max pooling forward and backward, im2col, and the three
// GEMMs of conv 32->64 (forward, grad_input, grad_weight) over the batch.
// Run: npx tsx bench/js-steps.ts [--quick] [--mlp | --cnn] [--kernels]
process.env["TORCH_TS_BACKEND"] = "js";
const torch = await import("../src/index.js");
const { CNN, mlpModel } = await import("./models.js");
const F = torch.nn.functional;

const quick = process.argv.includes("--quick");
const only = process.argv.includes("--mlp") ? "mlp" : process.argv.includes("--cnn") ? "cnn" : "";
const withKernels = process.argv.includes("--kernels");

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

if (withKernels) {
  const { maxPoolBackward, maxPoolForward } = await import("../src/backends/js/pool.js");
  const { im2col } = await import("../src/backends/js/im2col.js");
  const { convGeometry } = await import("../src/backends/js/conv.js");
  const { gemm } = await import("../src/backends/js/gemm.js");
  const random = (n: number): Float32Array => Float32Array.from({ length: n }, () => Math.random() - 0.5);
  const row = (name: string, ms: number): void => console.log(`  ${name.padEnd(44)} ${ms.toFixed(2)} ms CPU`);
  console.log("kernels of the CNN step (batch 64):");
  const pool = { kernelSize: [2, 2], stride: [2, 2], padding: [0, 0], dilation: [1, 1] };
  for (const shape of [[64, 32, 28, 28], [64, 64, 14, 14]]) {
    const outShape = [shape[0]!, shape[1]!, shape[2]! / 2, shape[3]! / 2];
    const x = random(shape.reduce((a, b) => a * b)), n = outShape.reduce((a, b) => a * b);
    const y = new Float32Array(n), idx = new BigInt64Array(n), gx = new Float32Array(x.length);
    row(`max_pool2d 2x2 forward ${shape.join("x")}`, cpuMs(() => maxPoolForward(x, shape, y, outShape, idx, pool), 3, samples));
    row(`max_pool2d 2x2 backward ${shape.join("x")}`, cpuMs(() => maxPoolBackward(y, idx, outShape, gx, shape, 2), 3, samples));
  }
  for (const [xs, ws] of [[[64, 1, 28, 28], [32, 1, 3, 3]], [[64, 32, 14, 14], [64, 32, 3, 3]]]) {
    const g = convGeometry(xs!, ws!, { stride: [1, 1], padding: [1, 1], dilation: [1, 1], groups: 1 });
    const N = xs![0]!, Cin = xs![1]!, plane = xs![2]! * xs![3]!, rows = Cin * 9, L = plane;
    const x = random(N * Cin * plane), col = new Float32Array(rows * L);
    row(`im2col 3x3 pad 1 of ${xs!.join("x")}`, cpuMs(() => { for (let i = 0; i < N; i++) im2col(x, i * Cin * plane, Cin, g, col, 0); }, 3, samples));
  }
  const Cout = 64, rows = 288, L = 196, N = 64;
  const w = random(Cout * rows), col = random(rows * L), gy = random(N * Cout * L), gw = new Float32Array(Cout * rows);
  row("conv 32->64 GEMMs, forward", cpuMs(() => { for (let i = 0; i < N; i++) gemm(false, false, Cout, L, rows, 1, w, 0, rows, col, 0, L, 0, gy, i * Cout * L, L); }, 2, samples));
  row("conv 32->64 GEMMs, grad_input", cpuMs(() => { for (let i = 0; i < N; i++) gemm(true, false, rows, L, Cout, 1, w, 0, rows, gy, i * Cout * L, L, 0, col, 0, L); }, 2, samples));
  row("conv 32->64 GEMMs, grad_weight", cpuMs(() => { for (let i = 0; i < N; i++) gemm(false, true, Cout, rows, L, 1, gy, i * Cout * L, L, col, 0, L, 1, gw, 0, rows); }, 2, samples));
}
