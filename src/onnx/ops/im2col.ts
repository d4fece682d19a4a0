// F.unfold (im2col) and F.fold (col2im) through precomputed patch positions: the spatial size is
// fixed in the exported graph (only the leading batch and channel dims may be dynamic), so the
// flat position in the zero-padded image of every (kernel offset, block) pair is a constant.
// unfold Gathers those positions from the padded image flattened; fold ScatterElements-adds the
// columns into a zero padded image (overlapping blocks accumulate), then slices the padding off.

import { int64 } from "../../core/dtype.js";
import { type ConvertContext, type Converter, dimsOf } from "../context.js";
import { attr, constMsg } from "../graph.js";

interface Window {
  kernelSize: [number, number];
  dilation: [number, number];
  padding: [number, number];
  stride: [number, number];
}

function windowOf(c: ConvertContext): Window {
  return { kernelSize: c.attr("kernelSize"), dilation: c.attr("dilation"), padding: c.attr("padding"), stride: c.attr("stride") };
}

/**
 * For an image of `size` (H, W) padded by the window's padding: the padded size, and the flat
 * position in the padded image of kernel offset k (row) for block l (column), as (K, L) row-major.
 */
function patchPositions(w: Window, size: [number, number]): { padded: [number, number]; positions: number[]; k: number; l: number } {
  const padded: [number, number] = [size[0] + 2 * w.padding[0], size[1] + 2 * w.padding[1]];
  const blocks = [0, 1].map((d) => Math.floor((padded[d]! - w.dilation[d]! * (w.kernelSize[d]! - 1) - 1) / w.stride[d]!) + 1);
  const [kh, kw] = w.kernelSize, [bh, bw] = blocks as [number, number];
  const positions: number[] = [];
  for (let i = 0; i < kh; i++) {
    for (let j = 0; j < kw; j++) {
      for (let oh = 0; oh < bh; oh++) {
        for (let ow = 0; ow < bw; ow++) {
          positions.push((oh * w.stride[0] + i * w.dilation[0]) * padded[1] + ow * w.stride[1] + j * w.dilation[1]);
        }
      }
    }
  }
  return { padded, positions, k: kh * kw, l: bh * bw };
}

/** unfold: (N, C, H, W) or (C, H, W) → (N, C*kh*kw, L) or (C*kh*kw, L). */
const unfold: Converter = (c) => {
  const w = windowOf(c);
  const dims = dimsOf(c.value(0));
  const rank = dims.length;
  const [hd, wd] = dims.slice(-2);
  if (hd!.a !== hd!.b || wd!.a !== wd!.b) c.fail("the spatial size of its input changes with the dynamic axes; it is fixed in the exported graph");
  const { padded, positions, k, l } = patchPositions(w, [hd!.a, wd!.a]);
  let x = c.input(0);
  const [ph, pw] = w.padding;
  if (ph || pw) {
    const pads = new Array<number>(2 * rank).fill(0);
    pads[rank - 2] = ph; pads[rank - 1] = pw; pads[2 * rank - 2] = ph; pads[2 * rank - 1] = pw;
    x = c.op("Pad", [x, c.g.ints(pads)], { mode: attr.s("constant") });
  }
  const lead = new Array<number>(rank - 2).fill(0);
  const flat = c.op("Reshape", [x, c.g.ints([...lead, padded[0] * padded[1]])]);
  const patches = c.op("Gather", [flat, c.g.constant(int64, positions, [k, l])], { axis: attr.i(-1) }); // (..., C, K, L)
  return c.op("Reshape", [patches, c.g.ints(rank === 4 ? [0, -1, l] : [-1, l])]);
};

/** fold: (N, C*kh*kw, L) or (C*kh*kw, L) → (N, C, H, W) or (C, H, W); overlapping blocks add up. */
const fold: Converter = (c) => {
  const w = windowOf(c);
  const size = c.attr<[number, number]>("outputSize");
  const { padded, positions, k, l } = patchPositions(w, size);
  const batched = c.value(0).shape.length === 3;
  const dtype = c.outDtype();
  const columns = c.op("Reshape", [c.input(0), c.g.ints(batched ? [0, -1, k * l] : [-1, k * l])]); // (..., C, K*L)
  const lead = c.op("Shape", [columns], { end: attr.i(-1) });
  const zeros = c.op("ConstantOfShape", [c.op("Concat", [lead, c.g.ints([padded[0] * padded[1]])], { axis: attr.i(0) })], { value: attr.tensor(constMsg("", dtype, [0], [1])) });
  const at = c.op("Expand", [c.g.constant(int64, positions, [k * l]), c.op("Shape", [columns])]);
  const summed = c.op("ScatterElements", [zeros, at, columns], { axis: attr.i(-1), reduction: attr.s("add") });
  const image = c.op("Reshape", [summed, c.g.ints(batched ? [0, 0, ...padded] : [0, ...padded])]);
  const [ph, pw] = w.padding;
  if (!ph && !pw) return image;
  return c.op("Slice", [image, c.g.ints([ph, pw]), c.g.ints([ph + size[0], pw + size[1]]), c.g.ints([-2, -1])]);
};

export const IM2COL: Record<string, Converter> = { unfold, fold };
