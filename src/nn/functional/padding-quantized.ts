// F.pad of a per-tensor quantized tensor, as PyTorch 1.13's QuantizedCPU kernels: constant padding
// fills with quantize_val(value) (the zero point for 0), reflect padding (1-d and 2-d) copies the
// integers; the output keeps the input's scale and zero point. reflection_pad3d and the replicate
// pads have no quantized kernel there, and circular padding fails inside PyTorch: all refused.
import { Tensor } from "../../core/tensor.js";
import { int32 } from "../../core/dtype.js";
import { backendRefusal } from "../../core/op-name.js";
import { fromArray, toNumbers } from "../../ops/engine.js";
import { perTensorResult, quantizeValue } from "../../ops/quantized-engine.js";
import { QuantizedStorage, viewQuantizerOf } from "../../core/quantized-storage.js";
import { constantPad, indexPad } from "./padding-ops.js";

export function quantizedPad(x: Tensor, padding: readonly number[], mode: "constant" | "reflect" | "replicate" | "circular", value: number): Tensor {
  const storage = x.storage as QuantizedStorage, k = padding.length / 2;
  if (mode === "replicate") throw backendRefusal("QuantizedCPU", `replication_pad${k}d.out`);
  if (mode === "reflect" && k === 3) throw backendRefusal("QuantizedCPU", "reflection_pad3d.out");
  if (mode === "circular") throw new Error("pad: circular padding of quantized tensors is not supported (PyTorch 1.13 fails inside its kernel)");
  if (storage.bits !== null) throw backendRefusal("QuantizedCPU", mode === "constant" ? "constant_pad_nd" : `reflection_pad${k}d.out`);
  const q = viewQuantizerOf(storage, x);
  if (q.scheme !== "per_tensor_affine") throw new Error("Only per tensor quantization is supported");
  const idx = x._storageIndices(), ints = new Int32Array(idx.length);
  for (let i = 0; i < idx.length; i++) ints[i] = storage.raw[idx[i]!]!;
  const asInts = fromArray(ints, x.shape, int32);
  const padded = mode === "constant"
    ? constantPad(asInts, padding, quantizeValue(x.dtype, q.scale, q.zeroPoint)(value))
    : indexPad(asInts, padding, "reflect");
  return perTensorResult(toNumbers(padded), x.dtype, q.scale, q.zeroPoint, padded.shape);
}
