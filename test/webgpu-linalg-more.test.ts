// torch.linalg's LU family on the "webgpu" device: lu_factor(_ex) and lu_solve run on the device's
// getrf / solves and equal the CPU's (pivots exactly); what needs the pivots' values on the host
// raises the device's not-implemented error. Skipped without a WebGPU adapter.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../src/index.js";

const available = await torch.webgpu.isAvailable();
const skip = available ? false : "no WebGPU adapter here; run scripts/webgpu-setup.sh to install a CPU adapter";

before(async () => { if (available) await torch.webgpu.init(); });
after(() => torch.webgpu.shutdown());

test("lu_factor, lu_factor_ex, lu_solve on the device equal the CPU's", { skip }, async () => {
  torch.manualSeed(5);
  const A = torch.randn(2, 4, 4);
  const B = torch.randn(2, 4, 3);
  const cpu = torch.linalg.luFactor(A);
  const gpu = torch.linalg.luFactor(A.to("webgpu"));
  assert.deepEqual((await gpu.pivots.cpuAsync()).tolist(), cpu.pivots.tolist());
  const dLU = (await gpu.LU.cpuAsync()).sub(cpu.LU).abs().max().item() as number;
  assert.ok(dLU < 1e-5, `LU off by ${dLU}`);
  assert.deepEqual((await torch.linalg.luFactorEx(A.to("webgpu")).info.cpuAsync()).tolist(), [0, 0]);
  for (const adjoint of [false, true]) {
    const X = await torch.linalg.luSolve(gpu.LU, gpu.pivots, B.to("webgpu"), { adjoint }).cpuAsync();
    const dX = X.sub(torch.linalg.luSolve(cpu.LU, cpu.pivots, B, { adjoint })).abs().max().item() as number;
    assert.ok(dX < 1e-4, `lu_solve (adjoint ${adjoint}) off by ${dX}`);
  }
  assert.throws(() => torch.linalg.lu(A.to("webgpu")), /is not implemented for the 'webgpu' device/);
});
