// Shape ops: joining (cat, stack, ...), rearranging copies (flip, roll, repeat, tril, diag, ...),
// in-place shape changes and iteration. The ops live in shape-*.ts by kind; this family file
// re-exports the public ones.

export {
  cat, concat, concatenate, stack, hstack, vstack, rowStack, dstack, columnStack, atleast1d, atleast2d, atleast3d,
  broadcastTensors, broadcastShapes, meshgrid, cartesianProd, combinations, blockDiag,
} from "./shape-join.js";
export {
  flip, fliplr, flipud, roll, rot90, tile, repeatInterleave, narrowCopy, tril, triu, tril_, triu_, diag, diagEmbed, diagflat,
} from "./shape-reorder.js";
import "./shape-inplace.js";
