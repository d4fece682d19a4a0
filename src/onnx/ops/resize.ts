// F.interpolate / nn.Upsample as ONNX Resize. PyTorch's modes map to Resize's attributes:
// nearest = floor of the asymmetric source position, nearest-exact = half-pixel position rounded
// half up, linear/bilinear/trilinear and bicubic (a = -0.75) with half-pixel or align-corners
// positions. A scale factor is passed as Resize's scales (the output is floor(input * scale), and
// the source step 1/scale, as in PyTorch); an explicit size as Resize's sizes, with the batch and
// channel dims read from the input so that they stay dynamic. antialias=True (bilinear, bicubic)
// is Resize's antialias attribute, which opset 18 added. F.grid_sample is GridSample.

import { float32 } from "../../core/dtype.js";
import type { ConvertContext, Converter } from "../context.js";
import { type Attrs, attr } from "../graph.js";

function resizeAttrs(c: ConvertContext, mode: string, alignCorners: boolean): Attrs {
  switch (mode) {
    case "nearest":
      return { mode: attr.s("nearest"), coordinate_transformation_mode: attr.s("asymmetric"), nearest_mode: attr.s("floor") };
    case "nearest-exact":
      return { mode: attr.s("nearest"), coordinate_transformation_mode: attr.s("half_pixel"), nearest_mode: attr.s("round_prefer_ceil") };
    case "linear": case "bilinear": case "trilinear":
      return { mode: attr.s("linear"), coordinate_transformation_mode: attr.s(alignCorners ? "align_corners" : "half_pixel") };
    case "bicubic":
      return {
        mode: attr.s("cubic"), cubic_coeff_a: attr.f(-0.75), exclude_outside: attr.i(0),
        coordinate_transformation_mode: attr.s(alignCorners ? "align_corners" : "half_pixel"),
      };
    default:
      return c.fail(`mode '${mode}' has no ONNX mapping`);
  }
}

const interpolate: Converter = (c) => {
  const mode = c.attr<string>("mode");
  let attrs = resizeAttrs(c, mode, c.attr<boolean>("alignCorners"));
  if (c.attr<boolean>("antialias")) {
    if (c.opset < 18) c.fail(`antialias=True needs opset 18 (Resize's antialias attribute); export with opsetVersion: 18 (this export is at opset ${c.opset})`);
    // PyTorch's antialiased filters sit at half-pixel centres spaced by (in - 1) / (out - 1) there,
    // which no coordinate_transformation_mode of Resize computes.
    if (c.attr<boolean>("alignCorners")) c.fail("antialias=True with align_corners=True has no ONNX mapping (Resize's align_corners places its antialiasing filters differently)");
    // PyTorch's antialiased resampling is PIL's: taps outside the input dropped and the weights
    // renormalized (exclude_outside), and bicubic with a = -0.5.
    attrs = { ...attrs, antialias: attr.i(1), exclude_outside: attr.i(1), ...(mode === "bicubic" ? { cubic_coeff_a: attr.f(-0.5) } : {}) };
  }
  const scales = c.attr<(number | null)[] | null>("scales");
  const x = c.input(0);
  if (scales && scales.every((s) => typeof s === "number" && s > 0)) {
    const all = c.g.constant(float32, [1, 1, ...(scales as number[])], [scales.length + 2]);
    return c.op("Resize", [x, "", all], attrs);
  }
  const size = c.attr<number[]>("outputSize");
  const sizes = c.op("Concat", [c.op("Shape", [x], { start: attr.i(0), end: attr.i(2) }), c.g.ints(size)], { axis: attr.i(0) });
  return c.op("Resize", [x, "", "", sizes], attrs);
};

/**
 * grid_sample (4-D): ONNX's GridSample (opset 16) has PyTorch's modes, padding modes and
 * align_corners, with the same grid layout (N, H_out, W_out, 2) of (x, y) in [-1, 1]. Volumetric
 * (5-D) inputs need GridSample of opset 20, past the opsets this exporter writes.
 */
const gridSample: Converter = (c) => {
  const rank = c.value(0).shape.length;
  if (rank !== 4) c.fail(`a ${rank}-D input has no ONNX mapping at opset ${c.opset} (GridSample takes 4-D inputs before opset 20)`);
  return c.op("GridSample", [c.input(0), c.input(1)], {
    mode: attr.s(c.attr<string>("mode")), padding_mode: attr.s(c.attr<string>("paddingMode")), align_corners: attr.i(c.attr<boolean>("alignCorners") ? 1 : 0),
  });
};

export const RESIZE: Record<string, Converter> = { interpolate, grid_sample: gridSample };
