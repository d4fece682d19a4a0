// F.grid_sample on 5-D (volumetric) inputs: values and input/grid gradients of every mode, padding
// mode and align_corners against PyTorch 1.13 (fixtures/grid-sample-3d.py → grid-sample-3d.json),
// gradcheck, the missing double backward, PyTorch's errors, torch.grid_sampler(_3d) with int
// modes, F.affine_grid's 5-D grids fed to it, and the ONNX exporter's refusal.
// Run with TORCH_TS_BACKEND=js too.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as torch from "../src/index.js";
import { throwsMsg } from "./support/recorded.js";

type T = torch.Tensor;
type Mode = "bilinear" | "nearest";
type Padding = "zeros" | "border" | "reflection";
const F = torch.nn.functional;

interface Sample { input_shape: number[]; grid_shape: number[]; input: number[]; grid: number[] }
interface Case {
  sample: number; mode: Mode; padding_mode: Padding; align_corners: boolean;
  out_shape: number[]; out: number[]; grad_input: number[]; grad_grid: number[];
}
interface AffineRecord { theta: number[]; input: number[]; input_shape: number[]; size: number[]; results: { align_corners: boolean; grid: number[]; out: number[] }[] }
const rec = JSON.parse(readFileSync(new URL("./fixtures/grid-sample-3d.json", import.meta.url), "utf8")) as {
  samples: Sample[]; cases: Case[]; affine: AffineRecord;
};

const f64 = (values: number[], shape: number[], requiresGrad = false): T =>
  torch.tensor(values, { dtype: "float64" }).reshape(shape).requiresGrad_(requiresGrad);
const flat = (t: T): number[] => t.reshape(-1).tolist() as number[];

function close(actual: number[], expected: number[], tol: number, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < expected.length; i++) {
    assert.ok(Math.abs(actual[i]! - expected[i]!) <= tol * Math.max(1, Math.abs(expected[i]!)), `${what}[${i}]: ${actual[i]} != ${expected[i]}`);
  }
}

/** grad_output of a recorded case: linspace(-1, 1) over the output, as the generator made it. */
function gradOutput(shape: number[]): T {
  return torch.linspace(-1, 1, shape.reduce((a, b) => a * b, 1), { dtype: "float64" }).reshape(shape);
}

describe("F.grid_sample on 5-D inputs", () => {
  for (const c of rec.cases) {
    const s = rec.samples[c.sample]!;
    const name = `${JSON.stringify(s.input_shape)} ${c.mode} ${c.padding_mode} alignCorners=${c.align_corners}`;
    test(`${name}: values and input/grid gradients equal PyTorch 1.13's`, () => {
      const x = f64(s.input, s.input_shape, true), g = f64(s.grid, s.grid_shape, true);
      const out = F.gridSample(x, g, { mode: c.mode, paddingMode: c.padding_mode, alignCorners: c.align_corners });
      assert.deepEqual(out.shape, c.out_shape);
      assert.equal(out.gradFn!.name(), "GridSampler3DBackward0");
      close(flat(out), c.out, 1e-12, "out");
      const [gx, gg] = torch.autograd.grad([out], [x, g], { gradOutputs: [gradOutput(c.out_shape)] });
      close(flat(gx!), c.grad_input, 1e-12, "grad input");
      close(flat(gg!), c.grad_grid, 1e-11, "grad grid");
      // float32 computes the same within its precision.
      const out32 = F.gridSample(x.detach().float(), g.detach().float(), c.mode, c.padding_mode, c.align_corners);
      assert.equal(out32.dtype, torch.float32);
      close(flat(out32), c.out, 1e-5, "out (float32)");
    });
  }

  test("nearest rounds ties to even on every axis, as the 2-D kernel and PyTorch >= 2.1 do", () => {
    // v[z][x] = 10 z + x + 1 on a (1, 1, 2, 1, 4) volume; without align_corners, x = -0.5, 0.5, 0
    // fall on pixel x 0.5, 2.5, 1.5 and z = 0, -1 on voxel z 0.5, -0.5. PyTorch 1.13's 3-D CPU
    // kernel rounds those away from zero instead, giving [12, 0, 0, 13].
    const x = torch.tensor([1, 2, 3, 4, 11, 12, 13, 14], { dtype: "float64" }).reshape(1, 1, 2, 1, 4);
    const g = torch.tensor([[-0.5, 0, 0], [0.5, 0, -1], [-1, 0, 0.9], [0, 0, 0]], { dtype: "float64" }).reshape(1, 1, 1, 4, 3);
    assert.deepEqual(flat(F.gridSample(x, g, { mode: "nearest", alignCorners: false })), [1, 3, 11, 3]);
    // The 2-D kernel on the z = 0 plane agrees (PyTorch 1.13's 2-D answer: [1, 3, 1, 3]).
    const plane = F.gridSample(x.select(2, 0), g.select(1, 0).narrow(-1, 0, 2), { mode: "nearest", alignCorners: false });
    assert.deepEqual(flat(plane), [1, 3, 1, 3]);
  });

  test("gradcheck of trilinear (input and grid) and nearest (input) in float64", () => {
    torch.manualSeed(5);
    const x = torch.randn([1, 2, 2, 3, 3], { dtype: "float64" }).requiresGrad_();
    // Away from pixel centres and borders, where the sampling is smooth in the grid.
    const g = torch.rand([1, 2, 2, 1, 3], { dtype: "float64" }).mul(2.4).sub(1.2).requiresGrad_();
    for (const paddingMode of ["zeros", "border", "reflection"] as const) {
      for (const alignCorners of [false, true]) {
        assert.ok(torch.autograd.gradcheck((a, b) => F.gridSample(a!, b!, { paddingMode, alignCorners }), [x, g]), `bilinear ${paddingMode} ${alignCorners}`);
      }
    }
    const grid = g.detach();
    assert.ok(torch.autograd.gradcheck((a) => F.gridSample(a!, grid, { mode: "nearest", paddingMode: "reflection" }), [x]));
    // Nearest gives the grid a zero gradient, as PyTorch does.
    const gn = grid.clone().requiresGrad_();
    const [dg] = torch.autograd.grad([F.gridSample(x, gn, { mode: "nearest" }).sum()], [gn]);
    assert.deepEqual(flat(dg!), new Array<number>(gn.numel()).fill(0));
  });

  test("no double backward, as in PyTorch (grid_sampler_3d_backward has no derivative)", () => {
    const s = rec.samples[0]!;
    const x = f64(s.input, s.input_shape, true), g = f64(s.grid, s.grid_shape, true);
    const out = F.gridSample(x, g, { alignCorners: false });
    const go = gradOutput(out.shape).requiresGrad_();
    const [gx, gg] = torch.autograd.grad([out], [x, g], { gradOutputs: [go], createGraph: true });
    assert.equal(gx!.gradFn!.name(), "GridSampler3DBackwardBackward0");
    throwsMsg(() => torch.autograd.grad([gx!.sum()], [go]), "derivative for aten::grid_sampler_3d_backward is not implemented");
    throwsMsg(() => torch.autograd.grad([gg!.sum()], [x]), "derivative for aten::grid_sampler_3d_backward is not implemented");
  });

  test("PyTorch's errors", () => {
    const x = torch.zeros([1, 2, 3, 4, 5]), g = torch.zeros([1, 2, 3, 4, 3]);
    throwsMsg(() => F.gridSample(x, g, { mode: "bicubic" }), "grid_sampler(): bicubic interpolation only supports 4D input");
    throwsMsg(() => F.gridSample(x, torch.zeros([1, 2, 3, 3])), "grid_sampler(): expected 5D input and grid with same number of dimensions, but got input with sizes [1, 2, 3, 4, 5] and grid with sizes [1, 2, 3, 3]");
    throwsMsg(() => F.gridSample(x, torch.zeros([1, 2, 3, 4, 2])), "grid_sampler(): expected grid to have size 3 in last dimension, but got grid with sizes [1, 2, 3, 4, 2]");
    throwsMsg(() => F.gridSample(torch.zeros([1, 2, 3, 4]), torch.zeros([1, 2, 3, 4, 2])), "grid_sampler(): expected 4D input and grid with same number of dimensions, but got input with sizes [1, 2, 3, 4] and grid with sizes [1, 2, 3, 4, 2]");
    throwsMsg(() => F.gridSample(torch.zeros([1, 2, 3]), torch.zeros([1, 2, 1])), "grid_sampler(): expected 5D input and grid with same number of dimensions, but got input with sizes [1, 2, 3] and grid with sizes [1, 2, 1]");
    throwsMsg(() => F.gridSample(torch.zeros([1, 2, 0, 4, 5]), g), "grid_sampler(): expected input to have non-empty spatial dimensions, but input has sizes [1, 2, 0, 4, 5] with dimension 2 being empty");
    throwsMsg(() => F.gridSample(x, torch.zeros([2, 2, 3, 4, 3])), "grid_sampler(): expected grid and input to have same batch size, but got input with sizes [1, 2, 3, 4, 5] and grid with sizes [2, 2, 3, 4, 3]");
    throwsMsg(() => F.gridSample(x.int(), g.int()), "\"grid_sampler3d_cpu\" not implemented for 'Int'");
    // Empty batch and channels are fine.
    assert.deepEqual(F.gridSample(torch.zeros([0, 2, 3, 4, 5]), torch.zeros([0, 2, 3, 4, 3])).shape, [0, 2, 2, 3, 4]);
    assert.deepEqual(F.gridSample(torch.zeros([1, 0, 3, 4, 5]), g).shape, [1, 0, 2, 3, 4]);
  });

  test("torch.grid_sampler_3d and torch.grid_sampler with int modes are F.grid_sample", () => {
    const s = rec.samples[0]!;
    const x = f64(s.input, s.input_shape), g = f64(s.grid, s.grid_shape);
    const nearestBorder = rec.cases.find((c) => c.sample === 0 && c.mode === "nearest" && c.padding_mode === "border" && c.align_corners)!;
    close(flat(torch.gridSampler3d(x, g, 1, 1, true)), nearestBorder.out, 1e-12, "grid_sampler_3d");
    const bilinearReflection = rec.cases.find((c) => c.sample === 0 && c.mode === "bilinear" && c.padding_mode === "reflection" && !c.align_corners)!;
    close(flat(torch.gridSampler(x, g, 0, 2, false)), bilinearReflection.out, 1e-12, "grid_sampler");
    throwsMsg(() => torch.gridSampler3d(x, g, 2, 0, false), "grid_sampler(): bicubic interpolation only supports 4D input");
    throwsMsg(() => torch.gridSampler2d(x, g, 0, 0, false), "grid_sampler(): expected 4D input and grid with same number of dimensions, but got input with sizes [2, 2, 3, 4, 5] and grid with sizes [2, 2, 3, 2, 3]");
  });

  test("F.affine_grid's 5-D grid sampled by F.grid_sample (PyTorch 1.13 values, gradient to theta)", () => {
    const a = rec.affine;
    const vol = f64(a.input, a.input_shape);
    for (const r of a.results) {
      const theta = f64(a.theta, [1, 3, 4], true);
      const grid = F.affineGrid(theta, a.size, { alignCorners: r.align_corners });
      assert.deepEqual(grid.shape, [1, 2, 3, 4, 3]);
      close(flat(grid), r.grid, 1e-12, `grid ${r.align_corners}`);
      const out = F.gridSample(vol, grid, { alignCorners: r.align_corners });
      close(flat(out), r.out, 1e-12, `out ${r.align_corners}`);
      assert.ok(torch.autograd.gradcheck((t) => F.gridSample(vol, F.affineGrid(t!, a.size, { alignCorners: r.align_corners }), { alignCorners: r.align_corners }), [theta]));
    }
    // The identity map with align_corners reads every voxel back.
    const identity = torch.tensor([[[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0]]], { dtype: "float64" });
    const same = F.gridSample(vol, F.affineGrid(identity, [1, 2, 3, 4, 3], { alignCorners: true }), { alignCorners: true });
    close(flat(same), a.input, 1e-12, "identity");
  });

  test("ONNX export refuses a 5-D grid_sample (GridSample takes 4-D inputs before opset 20)", () => {
    class Sampling extends torch.nn.Module {
      override forward(x: T, g: T): T { return F.gridSample(x, g, { alignCorners: false }); }
    }
    assert.throws(() => torch.onnx.export(new Sampling(), [torch.randn(1, 1, 2, 2, 2), torch.rand(1, 1, 1, 2, 3)]),
      /grid_sample: a 5-D input has no ONNX mapping at opset 17/);
  });
});
