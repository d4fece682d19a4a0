// affine_grid + grid_sample in float32 round as PyTorch's CPU kernels do: the base grid as a
// float32 linspace, the unnormalized coordinates as ATen's 2-d (vectorized) and 3-d kernels
// compute them. With the identity theta the sampling points sit on pixel centres up to that
// rounding, and the bilinear gradient there is one-sided: a point one ulp before a centre takes it
// from the left neighbour. Rounded in float64, theta's gradient was off by up to 40% (the Spatial
// Transformer tutorial's first step). Against test/fixtures/grid-sample-float32-rounding.json
// (made by the .py beside it, PyTorch 1.13).

import { test } from "node:test";
import { readFileSync } from "node:fs";
import * as torch from "../src/index.js";
import { assertClose } from "./support/kernel-checks.js";

const F = torch.nn.functional;
interface Case { size: number[]; grid_x: number[]; theta_grad: number[]; out_sum: number }
const fixture = JSON.parse(readFileSync(new URL("./fixtures/grid-sample-float32-rounding.json", import.meta.url), "utf8")) as Record<"2d" | "3d", Case>;

for (const name of ["2d", "3d"] as const) {
  test(`affine_grid + grid_sample (${name}, identity theta, float32): the base grid and theta's gradient are PyTorch's`, () => {
    const { size, grid_x: gridX, theta_grad: thetaGrad, out_sum: outSum } = fixture[name];
    const n = size.reduce((a, b) => a * b, 1), dims = size.length - 2;
    const x = torch.sin(torch.arange(n, { dtype: torch.float32 }).mul(0.37)).reshape(size);
    const theta = torch.eye(dims, dims + 1).repeat(size[0]!, 1, 1).requiresGrad_();
    const grid = F.affineGrid(theta, size, { alignCorners: false });
    const y = F.gridSample(x, grid, { alignCorners: false });
    const w = torch.cos(torch.arange(y.numel(), { dtype: torch.float32 }).mul(0.11)).reshape(y.shape);
    y.mul(w).sum().backward();
    // bit-exact: the base grid is a float32 linspace, scaled, times an exact identity
    assertClose(grid.reshape(-1, dims).get(`:${size.at(-1)}`, 0).tolist() as number[], gridX, `${name} base grid x`, 0, 0);
    assertClose([Number(y.sum().item())], [outSum], `${name} output sum`, 0, 1e-5);
    assertClose(theta.grad!.reshape(-1).tolist() as number[], thetaGrad, `${name} theta grad`, 1e-3, 1e-5);
  });
}
