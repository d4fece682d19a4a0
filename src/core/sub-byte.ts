// PyTorch's sub-byte quantized dtypes (torch.quint4x2, torch.quint2x4): 8 / bits elements per byte,
// element i in bits [(i % perByte) * bits, ...) of byte floor(i / perByte), packed over the whole
// tensor (quantize_tensor_per_tensor_affine_sub_byte_cpu), while the storage is sized as
// rows * ceil(cols * bits / 8) bytes (get_sub_byte_tensor_size). torch-ts keeps one element per
// uint8 and packs where the bytes show: intRepr and torch.save.

import type { DType } from "./dtype.js";

/** Bits per element of a sub-byte quantized dtype (4 or 2), or null for the others. */
export function subByteBits(dtype: DType): 4 | 2 | null {
  return dtype.name === "quint4x2" ? 4 : dtype.name === "quint2x4" ? 2 : null;
}

/** The byte size PyTorch gives a sub-byte tensor's storage: per row of the last dim, whole bytes. */
export function subByteStorageBytes(shape: readonly number[], bits: number): number {
  if (shape.length === 0) return 1;
  const cols = shape[shape.length - 1]!, rows = shape.slice(0, -1).reduce((a, b) => a * b, 1);
  return rows * Math.ceil((cols * bits) / 8);
}

/** The elements packed flat into `bytes` bytes (at least enough to hold them). */
export function packSubByte(values: ArrayLike<number>, bits: number, bytes = Math.ceil((values.length * bits) / 8)): Uint8Array {
  const out = new Uint8Array(bytes), perByte = 8 / bits;
  for (let i = 0; i < values.length; i++) out[Math.floor(i / perByte)]! |= values[i]! << ((i % perByte) * bits);
  return out;
}

/** The first n elements of flat-packed bytes. */
export function unpackSubByte(bytes: ArrayLike<number>, n: number, bits: number): Uint8Array {
  const out = new Uint8Array(n), perByte = 8 / bits, mask = (1 << bits) - 1;
  for (let i = 0; i < n; i++) out[i] = (bytes[Math.floor(i / perByte)]! >> ((i % perByte) * bits)) & mask;
  return out;
}
