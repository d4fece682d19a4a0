// The names errors may give to the op that reached a storage it cannot read (core/op-name.ts):
// Tensor methods, F.*, torch.linalg.*, and the torch.* factories and joins that have no method.

import { Tensor } from "../core/tensor.js";
import { addPublicNames } from "../core/op-name.js";
import * as functional from "../nn/functional/index.js";
import * as linalg from "./linalg.js";
import * as creation from "./creation.js";
import * as joins from "./shape-join.js";

addPublicNames(() => [...Object.getOwnPropertyNames(Tensor.prototype), ...Object.keys(functional), ...Object.keys(linalg), ...Object.keys(creation), ...Object.keys(joins)]);
