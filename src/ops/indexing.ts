// Indexing: x.get(...) / x.set([...], v) (Python's x[...] and x[...] = v), gather/scatter,
// index_* ops, masked ops, take/put, nonzero. The ops live in indexing-*.ts by kind; this
// family file re-exports the public ones and installs get/set.

import { installMethods } from "./args.js";
import type { Complex } from "../core/complex.js";
import { type Index, getItem, getItemAsync, setItem } from "./indexing-getitem.js";

export { gather, scatter, scatter_, scatterAdd, scatterAdd_, scatterReduce, scatterReduce_, takeAlongDim, indexReduce } from "./indexing-scatter.js";
export { indexSelect, indexAdd, indexAdd_, indexCopy, indexCopy_, indexFill, indexFill_, indexPut, indexPut_, take, put, put_ } from "./indexing-index.js";
export { maskedFill, maskedFill_, maskedScatter, maskedScatter_, maskedSelect, nonzero, argwhere } from "./indexing-mask.js";
export type { Index } from "./indexing-getitem.js";

declare module "../core/tensor.js" {
  interface Tensor {
    /**
     * Python's `x[...]`: integers, slice strings (`":"`, `"1:3"`, `"::2"`, `"-1:"`), `"..."`, `null`
     * (new axis), booleans, integer arrays / int64 tensors and bool masks. Basic indexing returns a view.
     */
    get(...index: Index[]): Tensor;
    /**
     * x.get(...), asynchronously: the form for a bool mask indexing a "webgpu" tensor, where the
     * result's size (the mask's number of true elements) is read back. Any index works, on any device.
     */
    getAsync(...index: Index[]): Promise<Tensor>;
    /**
     * Python's `x[index] = value`, in place. An array is the index tuple: `x.set([":", 0], 1.5)` is
     * `x[:, 0] = 1.5` and `x.set([[0, 2]], v)` is `x[[0, 2]] = v`; a single non-array index may be given
     * bare (`x.set(0, v)`, `x.set(mask, 0)`).
     */
    set(index: Index | Index[], value: Tensor | number | bigint | boolean | Complex): Tensor;
  }
}

installMethods({ get: getItem, getAsync: getItemAsync, set: setItem });
