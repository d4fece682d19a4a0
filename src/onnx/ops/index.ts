// Every traced op kind that has an ONNX mapping. Kinds are autograd node names
// ("AddBackward0": the op's inputs and outputs say everything), op names traced with their
// arguments ("transpose", "conv"), or "module:<Class>" for modules exported whole.

import type { Converter } from "../context.js";
import { ARITHMETIC } from "./arithmetic.js";
import { DATA_DEPENDENT } from "./data-dependent.js";
import { DIAGONALS } from "./diagonals.js";
import { ELEMENTWISE } from "./elementwise.js";
import { EMBEDDING_BAG } from "./embedding-bag.js";
import { HISTOGRAMS } from "./histograms.js";
import { IM2COL } from "./im2col.js";
import { INDEXING } from "./indexing.js";
import { LOSSES } from "./losses.js";
import { MATH } from "./math.js";
import { MEDIANS } from "./medians.js";
import { NN } from "./nn.js";
import { ORDERING } from "./ordering.js";
import { REDUCTIONS } from "./reductions.js";
import { RESIZE } from "./resize.js";
import { RNN } from "./rnn.js";
import { SCANS } from "./scans.js";
import { SHAPE } from "./shape.js";
import { SIGN } from "./sign.js";
import { SPECIAL } from "./special.js";

export const CONVERTERS: ReadonlyMap<string, Converter> = new Map(Object.entries({ ...ELEMENTWISE, ...MATH, ...SIGN, ...SPECIAL, ...ARITHMETIC, ...SHAPE, ...NN, ...RNN, ...ORDERING, ...SCANS, ...DATA_DEPENDENT, ...REDUCTIONS, ...INDEXING, ...RESIZE, ...IM2COL, ...HISTOGRAMS, ...MEDIANS, ...DIAGONALS, ...EMBEDDING_BAG, ...LOSSES }));

export { wrapRecurrentModules } from "./rnn.js";
