// torch.linalg's LU family on the "webgpu" device: lu_factor(_ex) and lu_solve run on the device's
// getrf / solves and equal the CPU's (pivots exactly); what needs the pivots' values on the host
// raises the device's not-implemented error; the compositions run on the device's ops. Skipped
// without a WebGPU adapter.
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
  assert.throws(() => torch.linalg.lstsq(A.to("webgpu"), B.to("webgpu")), /linalg.lstsq is not implemented for the 'webgpu' device/);
  // eig/eigvals (complex results) run on the CPU only.
  assert.throws(() => torch.linalg.eig(A.to("webgpu")), /linalg.eig is not implemented for the 'webgpu' device/);
  assert.throws(() => torch.linalg.eigvals(A.to("webgpu")), /linalg.eigvals is not implemented for the 'webgpu' device/);
});

test("the compositions run on the device: householder_product, multi_dot, vecdot", { skip }, async () => {
  torch.manualSeed(6);
  const V = torch.randn(2, 5, 3);
  const tau = torch.rand(2, 3);
  const dQ = (await torch.linalg.householderProduct(V.to("webgpu"), tau.to("webgpu")).cpuAsync()).sub(torch.linalg.householderProduct(V, tau)).abs().max().item() as number;
  assert.ok(dQ < 1e-5, `householder_product off by ${dQ}`);
  const mats = [torch.randn(3), torch.randn(3, 4), torch.randn(4, 2)];
  const dM = (await torch.linalg.multiDot(mats.map((m) => m.to("webgpu"))).cpuAsync()).sub(torch.linalg.multiDot(mats)).abs().max().item() as number;
  assert.ok(dM < 1e-5, `multi_dot off by ${dM}`);
  const dV = (await torch.linalg.vecdot(V.to("webgpu"), V.to("webgpu")).cpuAsync()).sub(torch.linalg.vecdot(V, V)).abs().max().item() as number;
  assert.ok(dV < 1e-5, `vecdot off by ${dV}`);
});

test("geqrf, histogramdd and lobpcg raise the device's error; ormqr, triangular_solve and svd_lowrank run on the device", { skip }, async () => {
  torch.manualSeed(7);
  const A = torch.randn(2, 4, 3);
  const { a, tau } = torch.geqrf(A);
  assert.throws(() => torch.geqrf(A.to("webgpu")), { message: "geqrf is not implemented for the 'webgpu' device; move the tensors to the CPU first (await x.cpuAsync())" });
  assert.throws(() => torch.histogramdd(A.to("webgpu"), 2), /histogramdd is not implemented for the 'webgpu' device/);
  assert.throws(() => torch.lobpcg(torch.eye(9).to("webgpu")), /lobpcg is not implemented for the 'webgpu' device/);
  const C = torch.randn(2, 4, 2);
  const dO = (await torch.ormqr(a.to("webgpu"), tau.to("webgpu"), C.to("webgpu"), true, true).cpuAsync()).sub(torch.ormqr(a, tau, C, true, true)).abs().max().item() as number;
  assert.ok(dO < 1e-5, `ormqr off by ${dO}`);
  const U = torch.randn(3, 3).add(torch.eye(3).mul(3));
  const B = torch.randn(2, 3, 2);
  const dT = (await torch.triangularSolve(B.to("webgpu"), U.to("webgpu"), { transpose: true }).solution.cpuAsync()).sub(torch.triangularSolve(B, U, { transpose: true }).solution).abs().max().item() as number;
  assert.ok(dT < 1e-5, `triangular_solve off by ${dT}`);
  const L = torch.randn(6, 2).matmul(torch.randn(2, 5));
  torch.manualSeed(9);
  const [Uc, Sc, Vc] = torch.svdLowrank(L, 2);
  torch.manualSeed(9);
  const [Ug, Sg, Vg] = torch.svdLowrank(L.to("webgpu"), 2);
  const dS = (await Sg.cpuAsync()).sub(Sc).abs().max().item() as number;
  assert.ok(dS < 1e-4, `svd_lowrank S off by ${dS}`);
  const rebuilt = (await Ug.cpuAsync()).mul(await Sg.cpuAsync()).matmul((await Vg.cpuAsync()).mT);
  assert.ok(rebuilt.sub(Uc.mul(Sc).matmul(Vc.mT)).abs().max().item() as number < 1e-4, "svd_lowrank U S Vᵀ");
});
