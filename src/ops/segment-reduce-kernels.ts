// The kernels of torch.segment_reduce and of its backward (ATen's _segment_reduce_backward), on
// contiguous values as numbers. Like ATen's CPU kernels they accumulate in the data's dtype,
// element after element (`round` rounds each step to it), so float32/float16 sums match PyTorch's.

export type SegmentReduction = "sum" | "mean" | "max" | "min" | "prod";

/**
 * The segments of a reduction: data seen as [outer, axisSize, inner] (the dims before, at and
 * after the axis); `starts[b * segments + s]` / `lengths[...]` place segment s of batch b along
 * the axis (checked to lie inside it).
 */
export interface SegmentPlan {
  outer: number; axisSize: number; inner: number; segments: number;
  starts: Float64Array; lengths: Float64Array;
}

type Values = ArrayLike<number>;
type Round = (v: number) => number;

function identity(reduction: SegmentReduction): number {
  switch (reduction) {
    case "max": return -Infinity;
    case "min": return Infinity;
    case "prod": return 1;
    default: return 0;
  }
}

/** The reduced values, [outer, segments, inner]: empty segments hold `initial` (mean without it: NaN). */
export function segmentReduceForward(values: Values, plan: SegmentPlan, reduction: SegmentReduction, initial: number | null, round: Round): Float64Array {
  const { outer, axisSize, inner, segments, starts, lengths } = plan;
  const out = new Float64Array(outer * segments * inner);
  const init = initial === null ? identity(reduction) : round(initial);
  for (let b = 0; b < outer; b++) {
    for (let s = 0; s < segments; s++) {
      const start = starts[b * segments + s]!, len = lengths[b * segments + s]!;
      for (let k = 0; k < inner; k++) {
        let acc = init;
        for (let j = 0, p = (b * axisSize + start) * inner + k; j < len; j++, p += inner) {
          const v = values[p]!;
          // std::max / std::min keep a NaN accumulator; a NaN value replaces it.
          if (reduction === "max") acc = v !== v ? v : acc < v ? v : acc;
          else if (reduction === "min") acc = v !== v ? v : v < acc ? v : acc;
          else if (reduction === "prod") acc = round(acc * v);
          else acc = round(acc + v);
        }
        if (reduction === "mean") {
          if (len === 0 && initial === null) acc = NaN;
          else if (len > 0 && acc === acc) acc = round(acc / len);
        }
        out[(b * segments + s) * inner + k] = acc;
      }
    }
  }
  return out;
}

/**
 * The gradient of the data, [outer, axisSize, inner], as ATen's CPU kernel gives it: sum and mean
 * spread the segment's gradient; max/min give it to every element equal to the result (or NaN),
 * and where several are, divide the positive ones by their count (ATen's rule, kept as it is);
 * prod gives grad * result / x, or grad * (initial times the other elements) where x is 0 or NaN.
 */
export function segmentReduceBackward(
  grad: Values, output: Values, values: Values, plan: SegmentPlan, reduction: SegmentReduction, initial: number | null, round: Round,
): Float64Array {
  const { outer, axisSize, inner, segments, starts, lengths } = plan;
  const gradInput = new Float64Array(outer * axisSize * inner);
  const initialProd = initial === null ? 1 : round(initial);
  for (let b = 0; b < outer; b++) {
    for (let s = 0; s < segments; s++) {
      const start = starts[b * segments + s]!, len = lengths[b * segments + s]!;
      if (len === 0) continue;
      for (let k = 0; k < inner; k++) {
        const o = (b * segments + s) * inner + k;
        const first = (b * axisSize + start) * inner + k, end = first + len * inner;
        const g = grad[o]!;
        if (reduction === "max" || reduction === "min") {
          let count = 0;
          for (let p = first; p < end; p += inner) {
            const v = values[p]!;
            if (v !== v || v === output[o]) { gradInput[p] = g; count++; }
          }
          if (count < 2) continue;
          for (let p = first; p < end; p += inner) if (gradInput[p]! > 0) gradInput[p] = round(gradInput[p]! / count);
        } else if (reduction === "mean" || reduction === "sum") {
          const gv = reduction === "mean" ? round(g / len) : g;
          for (let p = first; p < end; p += inner) gradInput[p] = gv;
        } else {
          const gv = round(g * output[o]!);
          for (let p = first; p < end; p += inner) {
            const v = values[p]!;
            if (v === v && v !== 0) { gradInput[p] = round(gv / v); continue; }
            let exclusive = initialProd;
            for (let q = first; q < end; q += inner) if (q !== p) exclusive = round(exclusive * values[q]!);
            gradInput[p] = round(g * exclusive);
          }
        }
      }
    }
  }
  return gradInput;
}
