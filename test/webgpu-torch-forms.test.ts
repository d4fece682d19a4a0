// The torch.* forms of test/torch-forms-more.test.ts on "webgpu": forms over ops with WebGPU kernels
// run there and match the CPU (the tuples' every field); forms over a CPU-only primitive raise its
// "not implemented for the 'webgpu' device" error. Skipped without a WebGPU adapter.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../src/index.js";
import { closeNested as close } from "./support/recorded.js";

const available = await torch.webgpu.isAvailable();
const skip = available ? false : "no WebGPU adapter here; run scripts/webgpu-setup.sh to install a CPU adapter";

before(async () => { if (available) await torch.webgpu.init(); });
after(() => torch.webgpu.shutdown());

type T = torch.Tensor;
const gpu = (x: T): T => x.to("webgpu");

/** Runs `f` on CPU inputs and on their webgpu copies (same seed); the results agree field by field. */
async function sameOnDevice(what: string, inputs: T[], f: (...xs: T[]) => T | T[]): Promise<void> {
  torch.manualSeed(11);
  const cpu = f(...inputs);
  torch.manualSeed(11);
  const dev = f(...inputs.map(gpu));
  const [c, d] = [cpu, dev].map((r) => (Array.isArray(r) ? r : [r])) as [T[], T[]];
  assert.equal(d.length, c.length, what);
  for (let i = 0; i < c.length; i++) {
    assert.equal(d[i]!.device.type, "webgpu", `${what}[${i}] device`);
    assert.equal(d[i]!.dtype, c[i]!.dtype, `${what}[${i}] dtype`);
    close(await d[i]!.tolistAsync(), c[i]!.tolist(), 1e-5, `${what}[${i}]`);
  }
}

describe("torch.* forms on webgpu", { skip }, () => {
  test("native norms, dropout, conv_tbc, affine_grid_generator and the RNN forms run on the device", async () => {
    torch.manualSeed(0);
    const x = torch.randn(2, 3, 4), w = torch.randn(4), b = torch.randn(4);
    await sameOnDevice("native_layer_norm", [x, w, b], (xx, ww, bb) => torch.nativeLayerNorm(xx!, [4], ww!, bb!, 1e-5));
    await sameOnDevice("native_group_norm", [x], (xx) => torch.nativeGroupNorm(xx!, null, null, 2, 3, 4, 3, 1e-5));
    await sameOnDevice("native_dropout", [x], (xx) => torch.nativeDropout(xx!, 0.3, true));
    await sameOnDevice("conv_tbc", [x, torch.randn(2, 4, 5), torch.randn(5)], (xx, ww, bb) => torch.convTbc(xx!, ww!, bb!, 1));
    await sameOnDevice("affine_grid_generator", [torch.randn(1, 2, 3)], (t) => torch.affineGridGenerator(t!, [1, 1, 2, 3], false));
    const lstm = new torch.nn.LSTM(4, 5);
    const params = lstm._flatWeights.map((p) => p.detach());
    await sameOnDevice("lstm", [x, torch.randn(1, 3, 5), torch.randn(1, 3, 5), ...params],
      (xx, h, c, ...ps) => torch.lstm(xx!, [h!, c!], ps, true, 1, 0, false, false, false));
  });
  test("forms over CPU-only primitives raise the device error", () => {
    const w = gpu(torch.randn(4, 3)), idx = gpu(torch.tensor([0, 1, 2])), off = gpu(torch.tensor([0, 1]));
    assert.throws(() => torch.embeddingBag(w, idx, off, false, 1), /is not implemented for the 'webgpu' device/);
    assert.throws(() => torch.gridSampler(gpu(torch.randn(1, 1, 3, 3)), gpu(torch.randn(1, 2, 2, 2)), 0, 0, false), /is not implemented for the 'webgpu' device/);
    assert.throws(() => torch.gridSampler3d(gpu(torch.randn(1, 1, 2, 3, 3)), gpu(torch.randn(1, 1, 2, 2, 3)), 0, 0, false), /is not implemented for the 'webgpu' device/);
    assert.throws(() => torch.nn.functional.gridSample(gpu(torch.randn(1, 1, 2, 3, 3)), gpu(torch.randn(1, 1, 2, 2, 3)), { mode: "nearest" }), /gridSample is not implemented for the 'webgpu' device/);
  });
  test("segment_reduce, embedding_renorm_, view_as_complex_copy and a growing resize_as_ raise the device error", () => {
    const data = gpu(torch.ones(4)), lengths = gpu(torch.tensor([1, 3]));
    assert.throws(() => torch.segmentReduce(data, "sum", { lengths }), /^Error: segment_reduce is not implemented for the 'webgpu' device/);
    assert.throws(() => torch.embeddingRenorm_(gpu(torch.ones(4, 3)), lengths, 1, 2), /^Error: embedding_renorm_ is not implemented for the 'webgpu' device/);
    assert.throws(() => torch.viewAsComplexCopy(gpu(torch.ones(3, 2))), /^Error: view_as_complex_copy is not implemented for the 'webgpu' device/);
    assert.throws(() => torch.resizeAs_(gpu(torch.ones(2)), torch.ones(3)), /^Error: resize_as_ is not implemented for the 'webgpu' device/);
  });
});
