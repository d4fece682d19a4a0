// Building matrices around diagonals. diag_embed: a Gather of the last dim at constant (m, m)
// positions, kept on the offset diagonal by Where (zeros elsewhere, so a NaN or inf stays on
// its diagonal), then the two new dims moved to dim1 and dim2 (the last dim's size is fixed in
// the exported graph). block_diag: each block zero-padded to the full width at its column, the
// stripes concatenated (exact: no block is added to another's zeros).

import { bool, int64 } from "../../core/dtype.js";
import { type ConvertContext, type Converter, dimsOf } from "../context.js";
import { attr } from "../graph.js";

/** out[..., i, j] = x[..., k] where j - i = offset (k = i above the main diagonal, j below). */
const diagEmbed: Converter = (c) => {
  const offset = c.attr<number>("offset"), d1 = c.attr<number>("dim1"), d2 = c.attr<number>("dim2");
  const dtype = c.outDtype();
  const dims = dimsOf(c.value(0));
  let x = c.input(0);
  if (dims.length === 0) x = c.op("Reshape", [x, c.g.ints([1])]);
  const last = dims.length === 0 ? { a: 1, b: 1 } : dims[dims.length - 1]!;
  if (last.a !== last.b) c.fail("the size of its input's last dim changes with the dynamic axes; it is fixed in the exported graph");
  const n = last.a, m = n + Math.abs(offset);
  const positions: number[] = [], onDiagonal: boolean[] = [];
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < m; j++) {
      positions.push(Math.min(offset >= 0 ? i : j, n - 1));
      onDiagonal.push(j - i === offset);
    }
  }
  const spread = c.op("Gather", [x, c.g.constant(int64, positions, [m, m])], { axis: attr.i(-1) }); // (..., m, m)
  const placed = c.op("Where", [c.g.constant(bool, onDiagonal, [m, m]), spread, c.g.scalar(0, dtype)]);
  const rank = Math.max(dims.length, 1) + 1;
  const perm: number[] = new Array<number>(rank);
  perm[d1] = rank - 2;
  perm[d2] = rank - 1;
  let batch = 0;
  for (let k = 0; k < rank; k++) if (k !== d1 && k !== d2) perm[k] = batch++;
  return perm.every((p, k) => p === k) ? placed : c.op("Transpose", [placed], { perm: attr.ints(perm) });
};

/** A block's (rows, cols) as block_diag views it: a number is 1 x 1, a vector one row. */
function blockShape(shape: readonly number[]): [number, number] {
  return shape.length === 0 ? [1, 1] : shape.length === 1 ? [1, shape[0]!] : [shape[0]!, shape[1]!];
}

function blockColumns(c: ConvertContext, trace: "a" | "b"): [number, number][] {
  const shapes = c.rec.inputs.map((v) => blockShape(trace === "b" && v!.b ? v!.b.shape : v!.shape));
  const width = shapes.reduce((s, [, w]) => s + w, 0);
  let at = 0;
  return shapes.map(([, w]) => { const before = at; at += w; return [before, width - at]; });
}

const blockDiag: Converter = (c) => {
  const dtype = c.outDtype();
  const columns = blockColumns(c, "a");
  if (JSON.stringify(columns) !== JSON.stringify(blockColumns(c, "b"))) {
    c.fail("the widths of its blocks change with the dynamic axes; they are fixed in the exported graph");
  }
  const stripes = columns.map(([left, right], i) => {
    // A 2-D block keeps its own row count (0 in Reshape), which may follow a dynamic axis.
    const block = c.op("Reshape", [c.inputAs(i, dtype), c.g.ints(blockShape(c.value(i).shape).map((s, k) => (k === 0 && c.value(i).shape.length === 2 ? 0 : s)))]);
    return left || right ? c.op("Pad", [block, c.g.ints([0, left, 0, right])], { mode: attr.s("constant") }) : block;
  });
  return stripes.length === 1 ? stripes[0]! : c.op("Concat", stripes, { axis: attr.i(0) });
};

export const DIAGONALS: Record<string, Converter> = { diag_embed: diagEmbed, BlockDiagBackward0: blockDiag };
