// torch.fft, torch.stft and torch.istft on the "webgpu" device: no device kernel, so each raises
// the device's "not implemented" error (never a silent CPU fallback); fftfreq makes its values on
// the CPU and moves them. Skipped without a WebGPU adapter (scripts/webgpu-setup.sh).

import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../src/index.js";

const available = await torch.webgpu.isAvailable();
const skip = available ? false : "no WebGPU adapter here; run scripts/webgpu-setup.sh to install a CPU adapter";

before(async () => { if (available) await torch.webgpu.init(); });
after(() => torch.webgpu.shutdown());

test("the transforms refuse webgpu tensors clearly; fftfreq lands on the device", { skip }, async () => {
  const x = torch.tensor([1, 2, 3, 4]).to("webgpu");
  const refusals: [string, () => unknown][] = [
    ["fft_fft", () => torch.fft.fft(x)],
    ["fft_rfft", () => torch.fft.rfft(x)],
    ["fft_irfftn", () => torch.fft.irfftn(x)],
    ["stft", () => torch.stft(x, 2, { returnComplex: true })],
  ];
  for (const [op, f] of refusals) {
    assert.throws(f, { message: `${op} is not implemented for the 'webgpu' device; move the tensors to the CPU first (await x.cpuAsync())` }, op);
  }
  const freq = torch.fft.fftfreq(4, { device: "webgpu" });
  assert.equal(freq.device.type, "webgpu");
  assert.deepEqual((await freq.cpuAsync()).tolist(), [0, 0.25, -0.5, -0.25]);
});
