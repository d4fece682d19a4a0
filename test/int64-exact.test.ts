// int64 values past 2^53 (and near ±2^63) through reductions, comparisons, sorts, scans, indexing
// and integer arithmetic: every result must be exact, as PyTorch 1.13 gives it
// (test/fixtures/int64-exact.json, made by test/fixtures/int64-exact.py; bigints as strings).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as torch from "../src/index.js";
import type { Tensor } from "../src/index.js";

type Encoded = { dtype: string; shape: number[]; values: (string | number | boolean)[] }
  | { int: string } | { float: number } | { error: string } | boolean | Encoded[];

const fixtures = JSON.parse(readFileSync(new URL("./fixtures/int64-exact.json", import.meta.url), "utf8")) as Record<string, Encoded>;

const P = 2n ** 60n;
const long = (values: bigint[]): Tensor => torch.tensor(values, { dtype: torch.int64 });
const A = long([P + 1n, P, -P - 1n, 2n ** 53n + 1n, 2n ** 63n - 1n, -(2n ** 63n), 3n, P + 3n]);
const B = long([P, P + 1n, -P - 1n, 2n ** 53n, 2n ** 63n - 2n, -(2n ** 63n) + 1n, 3n, P + 2n]);
const M = A.reshape(2, 4);
const S = long([P + 3n, P + 1n, P + 2n, P + 1n, P + 2n, P + 1n]);
const SMALL = long([P + 1n, P + 2n, 2n ** 53n + 1n, 7n]);
const DIVISORS = long([3n, -3n, 7n, 2n, 5n, 9n, 2n, -1n]);
// Large enough for every native path (40000 > each NATIVE_MIN_*): distinct values 1 apart past 2^60.
const PT = torch.tensor(P, { dtype: torch.int64 });
const H = torch.arange(40000).mul(7).remainder(40000).add(PT);
const H2 = H.flip(0);
const HM = H.reshape(200, 200);
const MM = long([P + 1n, 3n, 2n ** 53n + 1n, -1n]).reshape(2, 2);
const first = (x: Tensor, k: number): Tensor => x.narrow(0, 0, k);
const last = (x: Tensor, k: number): Tensor => x.narrow(0, x.shape[0]! - k, k);

function errorOf(f: () => unknown): string | null {
  try { f(); } catch (e) { return (e as Error).message.split("\n")[0]; }
  return null;
}

type Result = Tensor | Result[] | bigint | number | boolean | string | null | unknown[];

const CASES: Record<string, () => Result> = {
  max: () => A.max(),
  min: () => A.min(),
  maxDim: () => [...M.max(1)],
  minDim: () => [...M.min(0)],
  amax: () => M.amax(1),
  amin: () => M.amin(0),
  argmax: () => S.argmax(),
  argmin: () => S.argmin(),
  argmaxDim: () => M.argmax(1),
  aminmax: () => [...torch.aminmax(A)],
  aminmaxDim: () => [...torch.aminmax(M, { dim: 1 })],
  sort: () => [...A.sort()],
  sortDesc: () => [...S.sort({ descending: true, stable: true })],
  argsort: () => A.argsort(),
  topk: () => [...A.topk(3)],
  topkSmallest: () => [...A.topk(3, { largest: false })],
  kthvalue: () => [...A.kthvalue(4)],
  median: () => S.median(),
  medianDim: () => [...M.median(1)],
  mode: () => [...S.mode()],
  unique: () => [...torch.unique(S, { returnInverse: true, returnCounts: true }) as Tensor[]],
  uniqueConsecutive: () => [...torch.uniqueConsecutive(S, { returnCounts: true }) as Tensor[]],
  cumsum: () => SMALL.cumsum(0),
  cumsumWrap: () => A.cumsum(0),
  cumprod: () => long([3n, P + 1n, 1n, -1n]).cumprod(0),
  cummax: () => [...S.cummax(0)],
  cummin: () => [...A.cummin(0)],
  sum: () => SMALL.sum(),
  sumDim: () => M.sum(1),
  sumWrap: () => A.sum(),
  prod: () => long([3n, P + 1n, -1n]).prod(),
  mean: () => errorOf(() => A.mean()),
  eq: () => A.eq(B),
  ne: () => A.ne(B),
  lt: () => A.lt(B),
  le: () => A.le(B),
  gt: () => A.gt(B),
  ge: () => A.ge(B),
  eqScalar: () => A.eq(P + 1n),
  gtScalar: () => A.gt(P),
  maximum: () => torch.maximum(A, B),
  minimum: () => torch.minimum(A, B),
  clamp: () => A.clamp(P + 1n, P + 2n),
  clampTensor: () => A.clamp(B),
  where: () => torch.where(A.gt(B), A, B),
  bincountWeights: () => torch.bincount(long([0n, 1n, 1n]), { weights: long([P + 1n, P + 1n, 1n]) }),
  isin: () => torch.isin(A, long([P, 2n ** 63n - 1n, 2n ** 53n])),
  searchsorted: () => torch.searchsorted(A.sort().values, long([P, P + 2n, 2n ** 53n + 1n, -(2n ** 63n)])),
  diff: () => SMALL.diff(),
  abs: () => A.abs(),
  neg: () => A.neg(),
  sign: () => A.sign(),
  floorDivide: () => torch.floorDivide(A, DIVISORS),
  remainder: () => torch.remainder(A, DIVISORS),
  fmod: () => torch.fmod(A, DIVISORS),
  remainderScalar: () => torch.remainder(A, 1000),
  bitwiseAnd: () => torch.bitwiseAnd(A, B),
  bitwiseOr: () => torch.bitwiseOr(A, B),
  bitwiseXor: () => torch.bitwiseXor(A, B),
  bitwiseNot: () => torch.bitwiseNot(A),
  shiftLeft: () => torch.bitwiseLeftShift(A, 3),
  shiftRight: () => torch.bitwiseRightShift(A, 3),
  gather: () => M.gather(1, long([3n, 0n, 1n, 1n]).reshape(2, 2)),
  scatter: () => torch.zeros([2, 4], { dtype: torch.int64 }).scatter(1, long([3n, 0n, 1n, 2n]).reshape(2, 2), M),
  scatterAdd: () => torch.full([4], P, { dtype: torch.int64 }).scatterAdd(0, long([0n, 0n, 1n, 3n]), SMALL),
  indexSelect: () => A.indexSelect(0, long([7n, 0n, 4n])),
  equal: () => torch.equal(A, A.clone()) && !torch.equal(A, B),
  equalNear: () => torch.equal(long([P]), long([P + 1n])),
  allclose: () => torch.allclose(long([P]), long([P + 1n]), { rtol: 0, atol: 0 }),
  item: () => A.get(0).item() as bigint,
  tolist: () => A.tolist() as unknown[],
  fullMax: () => torch.full([3], P + 1n).max(),
  nanmedian: () => S.nanmedian(),
  msort: () => M.msort(),
  sortDim0: () => [...M.sort(0)],
  topkDim0: () => [...M.topk(1, 0)],
  cumsumDim0: () => M.cumsum(0),
  uniqueDim: () => torch.unique(long([P + 1n, P, P, P, P + 1n, P]).reshape(3, 2), { dim: 0 }) as Tensor,
  bucketize: () => torch.bucketize(long([P + 1n, P + 2n]), long([P, P + 1n, P + 2n, P + 3n]), { right: true }),
  add: () => A.add(B),
  sub: () => A.sub(B),
  mulWrap: () => A.mul(16),
  divTrunc: () => torch.div(A, DIVISORS, { roundingMode: "trunc" }),
  divFloor: () => torch.div(A, DIVISORS, { roundingMode: "floor" }),
  pow: () => torch.pow(long([2n, 3n, -2n]), long([60n, 39n, 61n])),
  whereScalar: () => torch.where(A.gt(B), A, P + 1n),
  maskedFill: () => A.maskedFill(A.gt(B), P + 1n),
  take: () => A.take(long([0n, 7n])),
  maskedSelect: () => A.maskedSelect(A.gt(B)),
  indexAdd: () => torch.full([2], P).indexAdd(0, long([0n, 1n]), long([1n, 3n])),
  scatterReduceAmax: () => torch.full([2], P).scatterReduce(0, long([0n, 0n, 1n]), long([P + 1n, P + 3n, P - 1n]), "amax"),
  dot: () => torch.dot(long([P + 1n, 2n ** 53n + 1n]), long([1n, 1n])),
  mm: () => MM.mm(long([1n, 2n, 3n, -1n]).reshape(2, 2)),
  mmWrap: () => long([2n ** 62n + 1n, 2n ** 62n]).reshape(1, 2).mm(long([4n, 3n]).reshape(2, 1)),
  mv: () => MM.mv(long([1n, 1n])),
  bmm: () => MM.unsqueeze(0).bmm(torch.eye(2, { dtype: torch.int64 }).unsqueeze(0)),
  einsum: () => torch.einsum("ij,j->i", MM, long([1n, 1n])),
  cross: () => torch.cross(long([P + 1n, 0n, 0n]), long([0n, 1n, 0n]), { dim: 0 }),
  addmm: () => torch.addmm(long([1n, 1n, 1n, 1n]).reshape(2, 2), MM, torch.eye(2, { dtype: torch.int64 })),
  addcmul: () => torch.addcmul(long([P + 1n, 2n ** 53n + 1n]), long([1n, 1n]), long([1n, 1n]), { value: 3 }),
  addcmulInPlace: () => long([P + 1n, 2n ** 53n + 1n]).addcmul_(long([1n, 1n]), long([1n, 1n]), { value: 3 }),
  addcmulInt32Factors: () => torch.addcmul(long([1n]), torch.tensor([2 ** 20], { dtype: torch.int32 }), torch.tensor([2 ** 20], { dtype: torch.int32 }), { value: 3 }),
  sumLateBig: () => [torch.cat([torch.arange(100), long([P + 1n])]).sum(), torch.arange(100000).reshape(10, -1).sum(1)],
  arange: () => torch.arange(P, P + 3n),
  arangeDown: () => torch.arange(P + 10n, P, -3),
  arangePast2p53: () => torch.arange(2 ** 53, 2 ** 53 + 4),
  indexReduceAmax: () => torch.full([2], P).indexReduce(0, long([0n, 0n, 1n]), long([P + 1n, P + 3n, P - 1n]), "amax"),
  scatterReduceMean: () => torch.full([2], P + 1n).scatterReduce(0, long([0n, 0n]), long([P + 1n, P + 1n]), "mean"),
  indexPutAccumulate: () => torch.full([2], P).indexPut([long([0n, 0n])], long([1n, 2n]), true),
  remainderBigScalar: () => [torch.remainder(long([P + 5n]), P + 1n), torch.floorDivide(long([3n * P + 5n]), P + 1n)],
  shiftsByTensor: () => [torch.bitwiseRightShift(A, long([1n, 2n, 3n, 60n, 62n, 63n, 1n, 59n])),
    torch.bitwiseLeftShift(A, long([1n, 2n, 3n, 60n, 62n, 0n, 1n, 3n]))],
  largeMax: () => [H.max(), H.argmax(), H.min(), H.argmin()],
  largeMaxDim: () => [...HM.max(0)],
  largeAmaxDim: () => HM.amax(1),
  largeSort: () => first(H.sort().indices, 5),
  largeTopk: () => [...H.topk(3)],
  largeSortMixed: () => {
    const sorted = torch.cat([H, H.neg(), long([2n ** 63n - 1n, -(2n ** 63n)]), H]).sort({ descending: true, stable: true });
    return [sorted.values, sorted.values, sorted.indices, sorted.indices].map((x, i) => (i % 2 ? last(x, 3) : first(x, 3)));
  },
  largeSortDim0: () => [...HM.sort(0)].map((x) => first(x, 2).narrow(1, 0, 3)),
  largeArgsortTies: () => first(torch.cat([H, H]).argsort({ stable: true }), 4),
  largeKthvalue: () => [...H.kthvalue(7)],
  largeMedianDim: () => [...HM.median(1)],
  largeCumsum: () => last(H.cumsum(0), 3),
  largeCummax: () => [...H.cummax(0)].map((x) => last(x, 3)),
  largeSum: () => [H.sum(), first(HM.sum(0), 3)],
  largeCompare: () => [H.eq(H2).sum(), H.lt(H2).sum(), H.gt(P + 20000n).sum()],
  largeMaximum: () => first(torch.maximum(H, H2), 4),
  largeClamp: () => first(H.clamp(P + 5n, P + 9n), 6),
  largeWhere: () => first(torch.where(H.gt(H2), H, H2), 4),
  largeEqual: () => [torch.equal(H, H.clone()), torch.equal(H, H.add(torch.arange(40000).eq(39999)))],
  largeUnique: () => first(torch.unique(H) as Tensor, 3),
  largeIsin: () => torch.isin(H, first(H, 100).add(1)).sum(),
  largeSearchsorted: () => torch.searchsorted(H.sort().values, first(H, 4)),
  largeIntegerOps: () => [first(H.remainder(1000), 4), first(H.floorDivide(3), 4), first(torch.bitwiseAnd(H, H2.add(1)), 3),
    first(torch.bitwiseLeftShift(H, 2), 3), first(H.diff(), 3), first(H.neg().abs(), 3)],
};

/** A result in the fixture's encoding (integers as decimal strings). */
function encode(r: Result): Encoded {
  if (r instanceof torch.Tensor) {
    const flat = r.reshape(-1).tolist() as (number | bigint | boolean)[];
    const dtype = String(r.dtype).replace("torch.", "");
    const values = flat.map((v) => typeof v === "boolean" ? v : dtype.startsWith("float") ? Number(v) : String(v));
    return { dtype, shape: r.shape, values };
  }
  if (Array.isArray(r)) return r.map((x) => encode(x as Result));
  if (typeof r === "boolean") return r;
  if (typeof r === "bigint") return { int: String(r) };
  if (typeof r === "number") return Number.isInteger(r) ? { int: String(r) } : { float: r };
  if (typeof r === "string") return { error: r };
  throw new Error(`unexpected result ${String(r)}`);
}

test("every fixture case has a TypeScript case and back", () => {
  assert.deepEqual(Object.keys(CASES).sort(), Object.keys(fixtures).sort());
});

for (const [name, f] of Object.entries(CASES)) {
  test(`int64 exact: ${name}`, () => {
    assert.deepEqual(encode(f()), fixtures[name]);
  });
}
