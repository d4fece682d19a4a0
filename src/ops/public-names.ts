// The names errors may give to the op that reached a storage it cannot read (core/op-name.ts):
// Tensor methods, F.* and torch.linalg.*.

import { Tensor } from "../core/tensor.js";
import { addPublicNames } from "../core/op-name.js";
import * as functional from "../nn/functional/index.js";
import * as linalg from "./linalg.js";

addPublicNames(() => [...Object.getOwnPropertyNames(Tensor.prototype), ...Object.keys(functional), ...Object.keys(linalg)]);
