// torch.nn.utils.rnn: PackedSequence, pack_padded_sequence, pad_packed_sequence, pad_sequence,
// pack_sequence, unpad_sequence and unpack_sequence. Packing and padding are written with
// differentiable ops (narrow/cat/stack), so gradients flow through them as in PyTorch.

import { Tensor } from "../../core/tensor.js";
import { type DType, type DTypeLike, int64 } from "../../core/dtype.js";
import { type Args, bindArgs } from "../../ops/args.js";
import { full, tensor } from "../../ops/creation.js";
import { cat, stack } from "../../ops/shape-join.js";
import { sort } from "../../ops/sorting.js";

function intList(t: Tensor | null): number[] | null {
  return t === null ? null : (t.tolist() as (number | bigint)[]).map(Number);
}

/** PyTorch's invert_permutation: the inverse of a permutation given as an int64 tensor. */
function invertPermutation(permutation: Tensor | null): Tensor | null {
  if (permutation === null) return null;
  const p = intList(permutation)!;
  const inv = new Array<number>(p.length);
  p.forEach((v, i) => { inv[v] = i; });
  return tensor(inv, { dtype: int64 });
}

/**
 * The packed form of a batch of variable-length sequences (a named tuple in PyTorch:
 * `const [data, batchSizes] = packed` works). `data` holds the time steps one after the other,
 * each with `batchSizes[t]` rows; `sortedIndices`/`unsortedIndices` map the batch order.
 */
export class PackedSequence {
  readonly data: Tensor;
  readonly batchSizes: Tensor;
  readonly sortedIndices: Tensor | null;
  readonly unsortedIndices: Tensor | null;

  constructor(data: Tensor, batchSizes: Tensor | null = null, sortedIndices: Tensor | null = null, unsortedIndices: Tensor | null = null) {
    if (batchSizes === null) throw new Error("PackedSequence: batch_sizes is required (use nn.utils.rnn.packPaddedSequence to build one)");
    if (batchSizes.dim() !== 1) {
      throw new Error(`batch_sizes should always be on CPU and a 1D int64 tensor. Instances of PackedSequence should never be created manually. They should be instantiated by functions like pack_sequence and pack_padded_sequences in nn.utils.rnn.`);
    }
    this.data = data;
    this.batchSizes = batchSizes.dtype === int64 ? batchSizes : batchSizes.to(int64);
    this.sortedIndices = sortedIndices;
    this.unsortedIndices = unsortedIndices ?? invertPermutation(sortedIndices);
  }

  *[Symbol.iterator](): Iterator<Tensor | null> {
    yield this.data;
    yield this.batchSizes;
    yield this.sortedIndices;
    yield this.unsortedIndices;
  }
  get length(): number { return 4; }

  /** A copy with `data` converted (dtype/device), the index tensors unchanged. */
  to(...args: (DTypeLike | string | { dtype?: DTypeLike; device?: string })[]): PackedSequence {
    const data = (this.data.to as (...a: unknown[]) => Tensor)(...args);
    if (data === this.data) return this;
    return new PackedSequence(data, this.batchSizes, this.sortedIndices, this.unsortedIndices);
  }
  float(): PackedSequence { return this.to("float32"); }
  double(): PackedSequence { return this.to("float64"); }
  half(): PackedSequence { return this.to("float16"); }
  cpu(): PackedSequence { return this; }
  get isCuda(): boolean { return false; }
  isPinned(): boolean { return false; }
  get dtype(): DType { return this.data.dtype; }

  toString(): string {
    return `PackedSequence(data=${this.data.toString()}, batch_sizes=${this.batchSizes.toString()}, sorted_indices=${this.sortedIndices?.toString() ?? "None"}, unsorted_indices=${this.unsortedIndices?.toString() ?? "None"})`;
  }
  [Symbol.for("nodejs.util.inspect.custom")](): string { return this.toString(); }
}

function lengthsOf(op: string, lengths: Tensor | number[]): number[] {
  const l = lengths instanceof Tensor ? intList(lengths.to(int64))! : lengths;
  if (!Array.isArray(l) || l.some((x) => typeof x !== "number" || !Number.isInteger(x))) {
    throw new Error(`${op}(): lengths must be a list of ints or an int64 tensor`);
  }
  return l;
}

interface PackOptions { lengths?: Tensor | number[]; batchFirst?: boolean; enforceSorted?: boolean }

/**
 * nn.utils.rnn.pack_padded_sequence(input, lengths, batch_first=False, enforce_sorted=True):
 * input is (T, B, *) (or (B, T, *) with batchFirst).
 */
export function packPaddedSequence(input: Tensor, ...args: Args<[lengths: Tensor | number[], batchFirst?: boolean, enforceSorted?: boolean], PackOptions>): PackedSequence {
  const a = bindArgs("pack_padded_sequence", args, ["lengths", "batchFirst", "enforceSorted"], [], 1);
  if (a.lengths === undefined) throw new Error("pack_padded_sequence() missing 1 required positional argument: 'lengths'");
  const batchFirst = (a.batchFirst as boolean | undefined) ?? false;
  const enforceSorted = (a.enforceSorted as boolean | undefined) ?? true;
  let lengths = lengthsOf("pack_padded_sequence", a.lengths as Tensor | number[]);
  let x = input;
  let sortedIndices: Tensor | null = null;
  if (!enforceSorted) {
    const s = sort(tensor(lengths, { dtype: int64 }), { descending: true });
    sortedIndices = s.indices;
    lengths = intList(s.values)!;
    x = x.indexSelect(batchFirst ? 0 : 1, sortedIndices);
  }
  if (batchFirst) x = x.transpose(0, 1);
  const B = x.shape[1]!;
  if (x.dim() < 2) throw new Error(`pack_padded_sequence: expected an input of at least 2 dims, got ${x.dim()}`);
  if (lengths.length !== B) throw new Error(`Expected \`len(lengths)\` to be equal to batch_size, but got ${lengths.length} (batch_size=${B})`);
  if (B === 0) throw new Error("Cannot pack empty tensors.");
  if (lengths.some((l) => l <= 0)) throw new Error("Length of all samples has to be greater than 0, but found an element in 'lengths' that is <= 0");
  for (let i = 1; i < B; i++) {
    if (lengths[i]! > lengths[i - 1]!) {
      throw new Error("`lengths` array must be sorted in decreasing order when `enforce_sorted` is True. You can pass `enforce_sorted=False` to pack_padded_sequence and/or pack_sequence to sidestep this requirement if you do not need ONNX exportability.");
    }
  }
  const T = lengths[0]!;
  if (T > x.shape[0]!) throw new Error(`pack_padded_sequence: a length of ${T} exceeds the input's ${x.shape[0]} time steps`);
  const steps: Tensor[] = [], batchSizes: number[] = [];
  for (let t = 0; t < T; t++) {
    let b = 0;
    while (b < B && lengths[b]! > t) b++;
    batchSizes.push(b);
    steps.push(x.select(0, t).narrow(0, 0, b));
  }
  return new PackedSequence(cat(steps, 0), tensor(batchSizes, { dtype: int64 }), sortedIndices, null);
}

interface PadPackedOptions { batchFirst?: boolean; paddingValue?: number; totalLength?: number | null }

/**
 * nn.utils.rnn.pad_packed_sequence(sequence, batch_first=False, padding_value=0.0, total_length=None):
 * [padded (T, B, *) or (B, T, *), lengths (int64)].
 */
export function padPackedSequence(sequence: PackedSequence, ...args: Args<[batchFirst?: boolean, paddingValue?: number, totalLength?: number | null], PadPackedOptions>): [Tensor, Tensor] {
  const a = bindArgs("pad_packed_sequence", args, ["batchFirst", "paddingValue", "totalLength"], [], 1);
  const batchFirst = (a.batchFirst as boolean | undefined) ?? false;
  const paddingValue = (a.paddingValue as number | undefined) ?? 0;
  const totalLength = (a.totalLength as number | null | undefined) ?? null;
  const bs = intList(sequence.batchSizes)!;
  let maxLen = bs.length;
  if (totalLength !== null) {
    if (totalLength < maxLen) {
      throw new Error(`Expected total_length to be at least the length of the longest sequence in input, but got total_length=${totalLength} and max sequence length being ${maxLen}`);
    }
    maxLen = totalLength;
  }
  const data = sequence.data;
  const B = bs[0]!;
  const feat = data.shape.slice(1);
  const rows: Tensor[] = [];
  let offset = 0;
  for (const b of bs) {
    const step = data.narrow(0, offset, b);
    offset += b;
    rows.push(b < B ? cat([step, full([B - b, ...feat], paddingValue, { dtype: data.dtype })], 0) : step);
  }
  for (let t = bs.length; t < maxLen; t++) rows.push(full([B, ...feat], paddingValue, { dtype: data.dtype }));
  let padded = stack(rows, 0);
  const lengths = new Array<number>(B).fill(0);
  for (const b of bs) for (let i = 0; i < b; i++) lengths[i]!++;
  let lengthsT = tensor(lengths, { dtype: int64 });
  if (batchFirst) padded = padded.transpose(0, 1);
  if (sequence.unsortedIndices !== null) {
    padded = padded.indexSelect(batchFirst ? 0 : 1, sequence.unsortedIndices);
    lengthsT = lengthsT.indexSelect(0, sequence.unsortedIndices);
  }
  return [padded, lengthsT];
}

interface PadSequenceOptions { batchFirst?: boolean; paddingValue?: number; paddingSide?: "right" | "left" }

/**
 * nn.utils.rnn.pad_sequence(sequences, batch_first=False, padding_value=0.0, padding_side='right'):
 * stacks (L_i, *) tensors into (T, B, *) (or (B, T, *)).
 */
export function padSequence(sequences: Tensor[] | Tensor, ...args: Args<[batchFirst?: boolean, paddingValue?: number, paddingSide?: "right" | "left"], PadSequenceOptions>): Tensor {
  const a = bindArgs("pad_sequence", args, ["batchFirst", "paddingValue", "paddingSide"], [], 1);
  const batchFirst = (a.batchFirst as boolean | undefined) ?? false;
  const paddingValue = (a.paddingValue as number | undefined) ?? 0;
  const side = (a.paddingSide as string | undefined) ?? "right";
  if (side !== "right" && side !== "left") throw new Error(`Expected padding_side to be one of left or right, but got ${side}.`);
  const seqs = sequences instanceof Tensor ? sequences.unbind(0) : sequences;
  if (!Array.isArray(seqs) || seqs.some((s) => !(s instanceof Tensor))) throw new Error("pad_sequence: expected a list of Tensors");
  if (seqs.length === 0) throw new Error("received an empty list of sequences");
  const maxLen = Math.max(...seqs.map((s) => s.shape[0] ?? 0));
  const trailing = seqs[0]!.shape.slice(1);
  const padded = seqs.map((s) => {
    if (s.dim() === 0) throw new Error("pad_sequence: every sequence must have at least one dimension");
    if (s.shape.slice(1).join() !== trailing.join()) {
      throw new Error(`The size of tensor a (${trailing.join(", ")}) must match the size of tensor b (${s.shape.slice(1).join(", ")}) at non-singleton dimension 1`);
    }
    const n = s.shape[0]!;
    if (n === maxLen) return s;
    const pad = full([maxLen - n, ...trailing], paddingValue, { dtype: s.dtype });
    return side === "right" ? cat([s, pad], 0) : cat([pad, s], 0);
  });
  return stack(padded, batchFirst ? 0 : 1);
}

/** nn.utils.rnn.unpad_sequence(padded_sequences, lengths, batch_first=False): the list of unpadded sequences. */
export function unpadSequence(paddedSequences: Tensor, ...args: Args<[lengths: Tensor | number[], batchFirst?: boolean], { lengths?: Tensor | number[]; batchFirst?: boolean }>): Tensor[] {
  const a = bindArgs("unpad_sequence", args, ["lengths", "batchFirst"], [], 1);
  if (a.lengths === undefined) throw new Error("unpad_sequence() missing 1 required positional argument: 'lengths'");
  const lengths = lengthsOf("unpad_sequence", a.lengths as Tensor | number[]);
  const x = (a.batchFirst as boolean | undefined) ? paddedSequences : paddedSequences.transpose(0, 1);
  return lengths.map((l, i) => x.select(0, i).narrow(0, 0, l));
}

/** nn.utils.rnn.pack_sequence(sequences, enforce_sorted=True). */
export function packSequence(sequences: Tensor[], ...args: Args<[enforceSorted?: boolean], { enforceSorted?: boolean }>): PackedSequence {
  const a = bindArgs("pack_sequence", args, ["enforceSorted"], [], 1);
  const lengths = sequences.map((s) => s.shape[0]!);
  return packPaddedSequence(padSequence(sequences), lengths, { enforceSorted: (a.enforceSorted as boolean | undefined) ?? true });
}

/** nn.utils.rnn.unpack_sequence(packed_sequences): the list of sequences. */
export function unpackSequence(packedSequences: PackedSequence): Tensor[] {
  const [padded, lengths] = padPackedSequence(packedSequences, { batchFirst: true });
  return unpadSequence(padded, lengths, { batchFirst: true });
}
