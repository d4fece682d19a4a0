// torch.fft and torch.stft through the public API: best of 10 calls in ms (process CPU time,
// which other load on the machine disturbs less than the wall clock). PyTorch's figures for the
// same cases: bench/fft.py.
//
//   node --import tsx bench/fft.ts
import * as torch from "../src/index.js";
import type { Tensor } from "../src/core/tensor.js";

function best(f: () => unknown): number {
  for (let i = 0; i < 2; i++) f();
  let b = Infinity;
  for (let r = 0; r < 10; r++) {
    const c = process.cpuUsage();
    f();
    const u = process.cpuUsage(c);
    b = Math.min(b, (u.user + u.system) / 1000);
  }
  return b;
}

torch.manualSeed(0);
const z = torch.randn([256, 1024], { dtype: "complex64" });
const x = torch.randn([256, 1024]);
const big = torch.randn([1 << 20], { dtype: "complex128" });
const prime = torch.randn([64, 10007], { dtype: "complex128" });
const image = torch.randn([512, 512]);
const signal = torch.randn([160000]);
const window = torch.hannWindow(512);
const CASES: [string, () => Tensor][] = [
  ["fft complex64 [256, 1024]", () => torch.fft.fft(z)],
  ["rfft float32 [256, 1024]", () => torch.fft.rfft(x)],
  ["fft complex128 2^20", () => torch.fft.fft(big)],
  ["fft complex128 [64, 10007] (Bluestein)", () => torch.fft.fft(prime)],
  ["rfft2 float32 [512, 512]", () => torch.fft.rfft2(image)],
  ["stft 160000 n_fft=512 hann", () => torch.stft(signal, 512, { window, returnComplex: true })],
];
for (const [name, f] of CASES) console.log(`${name.padEnd(40)} ${best(f).toFixed(2)} ms`);
