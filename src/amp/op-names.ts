// The aten op a call reaches, where it depends on the arguments (F.pad's mode, F.interpolate's
// mode, F.max_pool3d's return_indices): autocast lists aten ops, not Python functions.

import { Tensor } from "../core/tensor.js";
import { isOptionsObject } from "../ops/args.js";

/** The argument at `index` of the call, or the trailing options object's `name`. */
function argOrOption(args: ArrayLike<unknown>, index: number, name: string): unknown {
  const last = args[args.length - 1];
  if (isOptionsObject(last) && last[name] !== undefined) return last[name];
  return index < args.length && !isOptionsObject(args[index]) ? args[index] : undefined;
}

function spatialDims(args: ArrayLike<unknown>): number {
  const x = argOrOption(args, 0, "input");
  return x instanceof Tensor ? x.dim() - 2 : 0;
}

/** F.pad: reflection_pad{n}d / replication_pad{n}d (n = len(pad) / 2), else not a listed op. */
export function padOpName(args: ArrayLike<unknown>): string {
  const mode = argOrOption(args, 2, "mode");
  const pad = argOrOption(args, 1, "pad");
  const n = Array.isArray(pad) ? pad.length / 2 : 0;
  return mode === "reflect" ? `reflection_pad${n}d` : mode === "replicate" ? `replication_pad${n}d` : "constant_pad_nd";
}

/** F.interpolate: the upsample kernel of its mode and rank (area: adaptive average pooling). */
export function interpolateOpName(args: ArrayLike<unknown>): string {
  const mode = argOrOption(args, 3, "mode") ?? "nearest";
  const aa = argOrOption(args, 6, "antialias") === true;
  const n = spatialDims(args);
  switch (mode) {
    case "nearest": return `upsample_nearest${n}d`;
    case "nearest-exact": return `_upsample_nearest_exact${n}d`;
    case "linear": return "upsample_linear1d";
    case "bilinear": return aa ? "_upsample_bilinear2d_aa" : "upsample_bilinear2d";
    case "bicubic": return aa ? "_upsample_bicubic2d_aa" : "upsample_bicubic2d";
    case "trilinear": return "upsample_trilinear3d";
    default: return `adaptive_avg_pool${n}d`;
  }
}

/** F.max_pool3d: max_pool3d, or max_pool3d_with_indices (not listed) when it returns indices. */
export function maxPool3dOpName(args: ArrayLike<unknown>): string {
  return argOrOption(args, 6, "returnIndices") === true ? "max_pool3d_with_indices" : "max_pool3d";
}
