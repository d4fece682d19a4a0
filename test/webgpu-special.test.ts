// torch.special on the "webgpu" device: aliases of ops with GPU kernels run there (expit is
// sigmoid, exp2, softmax), torch.special's own functions raise the device's "not implemented"
// error rather than computing on the CPU. Skipped without a WebGPU adapter (scripts/webgpu-setup.sh).

import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../src/index.js";

const available = await torch.webgpu.isAvailable();
const skip = available ? false : "no WebGPU adapter here; run scripts/webgpu-setup.sh to install a CPU adapter";

before(async () => { if (available) await torch.webgpu.init(); });
after(() => torch.webgpu.shutdown());

test("aliases run on webgpu, torch.special's own functions refuse it", { skip }, async () => {
  const cpu = torch.tensor([[-1, 0.5], [2, 3]]);
  const x = cpu.to("webgpu");
  for (const [name, gpu, ref] of [
    ["expit", torch.special.expit(x), torch.special.expit(cpu)],
    ["exp2", torch.special.exp2(x), torch.special.exp2(cpu)],
    ["softmax", torch.special.softmax(x, 1), torch.special.softmax(cpu, 1)],
  ] as const) {
    assert.equal(gpu.device.type, "webgpu", name);
    const got = (await gpu.cpuAsync()).tolist() as number[][];
    (ref.tolist() as number[][]).flat().forEach((v, i) => assert.ok(Math.abs(got.flat()[i]! - v) < 1e-5, `${name}[${i}]`));
  }
  const refusals: [string, () => unknown][] = [
    ["special_i0e", () => torch.special.i0e(x)],
    ["special_bessel_j0", () => torch.special.besselJ0(x)],
    ["special_zeta", () => torch.special.zeta(x.add(2), 2)],
    ["special_chebyshev_polynomial_t", () => torch.special.chebyshevPolynomialT(x, 3)],
    ["igamma", () => torch.special.gammainc(x, x)],
  ];
  for (const [op, f] of refusals) {
    assert.throws(f, { message: `${op} is not implemented for the 'webgpu' device; move the tensors to the CPU first (await x.cpuAsync())` }, op);
  }
});
