// Data movement on complex tensors (indexing, gather/scatter, index_*, masked_*, where, nonzero,
// tril/triu, take/put, pads; and a convolution), their gradients, torch.save/load and safetensors of complex tensors:
// values recorded from PyTorch 1.13 by test/fixtures/complex/data.py.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as torch from "../src/index.js";

const { Complex } = torch;
const F = torch.nn.functional;
type T = torch.Tensor;
const c = (re: number, im: number) => new Complex(re, im);

interface Recorded { shape: number[]; dtype: string; value: number[]; grad?: number[] }
const DATA = JSON.parse(readFileSync(new URL("./fixtures/complex/data.json", import.meta.url), "utf8")) as {
  z: number[]; cases: Record<string, Recorded>; counts: Record<string, Recorded>;
};
const FIXTURE_PT = new URL("./fixtures/complex/data_113.pt", import.meta.url).pathname;

const idx = () => torch.tensor([1, 0]);
const mask = () => torch.tensor([[true, false, true], [false, true, false]]);
const gidx = () => torch.tensor([[0, 2], [1, 1]]);
const setitem = (x: T, key: torch.Tensor, value: T | InstanceType<typeof Complex>) => { const y = x.clone(); y.set(key, value); return y; };

/** The same calls as data.py's CASES, key by key. */
const CASES: Record<string, (z: T) => T> = {
  get_int: (z) => z.get(idx()),
  get_bool: (z) => z.get(mask()),
  get_int_slice: (z) => z.get(idx(), "1:"),
  set_complex_mask: (z) => setitem(z, mask(), c(1, -1)),
  set_tensor_int: (z) => setitem(z, idx(), z.get(0).mul(2)),
  index_select: (z) => z.indexSelect(1, torch.tensor([2, 0, 2])),
  gather: (z) => z.gather(1, gidx()),
  take_along_dim: (z) => z.takeAlongDim(gidx(), 1),
  scatter_src: (z) => z.scatter(1, gidx(), z.flip(0).get(":", ":2")),
  scatter_value: (z) => z.scatter(1, gidx(), c(2, -3)),
  scatter_add_mode: (z) => z.detach().scatter(1, gidx(), z.detach(), { reduce: "add" }),
  scatter_multiply: (z) => z.detach().scatter(1, gidx(), z.detach(), { reduce: "multiply" }),
  scatter_add: (z) => z.scatterAdd(1, gidx(), z.flip(1).get(":", ":2")),
  scatter_reduce_sum: (z) => z.detach().scatterReduce(1, gidx(), z.detach(), "sum"),
  scatter_reduce_prod: (z) => z.detach().scatterReduce(1, gidx(), z.detach(), "prod", { includeSelf: false }),
  scatter_reduce_mean: (z) => z.detach().scatterReduce(1, gidx(), z.detach(), "mean"),
  index_add_alpha: (z) => z.detach().indexAdd(0, idx(), z.detach(), { alpha: c(1, -2) }),
  index_add_real_alpha: (z) => z.indexAdd(0, idx(), z, { alpha: 2.5 }),
  index_copy: (z) => z.indexCopy(0, idx(), z),
  index_fill: (z) => z.indexFill(1, torch.tensor([0, 2]), c(-1, 0.5)),
  index_put_acc: (z) => z.indexPut([idx(), torch.tensor([2, 2])], z.get(0, ":2"), true),
  index_reduce_prod: (z) => z.detach().indexReduce(0, idx(), z.detach(), "prod"),
  index_reduce_mean: (z) => z.detach().indexReduce(0, idx(), z.detach(), "mean"),
  masked_fill: (z) => z.maskedFill(mask(), c(0.5, 3)),
  masked_fill_tensor: (z) => z.maskedFill(mask(), torch.tensor(2.5, { dtype: torch.float64 })),
  masked_select: (z) => z.maskedSelect(mask()),
  masked_scatter: (z) => z.maskedScatter(mask(), z.flip(1)),
  where_scalar: (z) => torch.where(mask(), z, c(0, 1)),
  where_real: (z) => torch.where(mask(), torch.arange(3, { dtype: torch.float64 }), z),
  tril: (z) => z.tril(),
  triu: (z) => z.triu(1),
  roll: (z) => z.roll(1, 1),
  take: (z) => z.take(torch.tensor([5, 0, -2])),
  put_acc: (z) => z.put(torch.tensor([1, 1]), z.get(1, ":2"), true),
  diag_embed: (z) => z.diagEmbed(),
  flip: (z) => z.flip(1),
  narrow_copy: (z) => z.detach().narrowCopy(1, 1, 2),
  unfold: (z) => z.unfold(1, 2, 1),
  pad_constant: (z) => F.pad(z, [1, 2], "constant", 2.5),
  pad_reflect: (z) => F.pad(z.unsqueeze(0), [2, 1], "reflect"),
  repeat_interleave: (z) => z.repeatInterleave(torch.tensor([2, 1]), 0),
  conv2d: (z) => F.conv2d(z.reshape([1, 1, 2, 3]), torch.tensor([[[[c(1, -1), c(0, 0.5)]]]], { dtype: torch.complex128 }),
    torch.tensor([c(0.25, 1)], { dtype: torch.complex128 }), { padding: [0, 1] }),
};

function input(): T {
  return torch.viewAsComplex(torch.tensor(DATA.z, { dtype: torch.float64 }).reshape([2, 3, 2])).detach().requiresGrad_();
}
const numbers = (t: T): number[] => (t.dtype.isComplex ? torch.viewAsReal(t.detach()) : t).flatten().tolist() as number[];
function close(actual: number[], expected: number[], what: string): void {
  assert.equal(actual.length, expected.length, `${what}: ${actual.length} numbers, PyTorch ${expected.length}`);
  actual.forEach((v, i) => assert.ok(Math.abs(v - expected[i]!) <= 1e-9 * (1 + Math.abs(expected[i]!)), `${what}[${i}]: ${v} vs ${expected[i]}\n${actual}\n${expected}`));
}

test("every recorded case has its torch-ts call, and the other way round", () => {
  assert.deepEqual(Object.keys(CASES).sort(), Object.keys(DATA.cases).sort());
});

for (const [name, expected] of Object.entries(DATA.cases)) {
  test(`${name}: values${expected.grad ? " and gradient" : ""} as PyTorch 1.13`, () => {
    const z = input();
    const out = CASES[name]!(z);
    assert.deepEqual(out.shape, expected.shape, name);
    assert.equal(out.dtype.name, expected.dtype, name);
    close(numbers(out), expected.value, name);
    if (!expected.grad) return;
    const r = torch.viewAsReal(out);
    r.mul(torch.arange(1, r.numel() + 1, { dtype: torch.float64 }).reshape(r.shape)).sum().backward();
    assert.equal(z.grad!.dtype, torch.complex128);
    close(numbers(z.grad!), expected.grad, `${name} grad`);
  });
}

test("nonzero / count_nonzero / argwhere count an element when either part is nonzero", () => {
  const z = input().detach().to(torch.complex64);
  for (const [name, f] of [["nonzero", (x: T) => x.nonzero()], ["count_nonzero", (x: T) => x.countNonzero(0)]] as const) {
    const e = DATA.counts[name]!, out = f(z);
    assert.deepEqual([out.shape, out.dtype.name, out.flatten().tolist()], [e.shape, e.dtype, e.value], name);
  }
  assert.deepEqual(z.argwhere().tolist(), z.nonzero().tolist());
  assert.deepEqual(z.nonzero({ asTuple: true }).map((t) => t.tolist()), [[0, 0, 1, 1, 1], [0, 1, 0, 1, 2]]);
});

test("in-place forms write complex values into self", () => {
  const z = input().detach();
  const expect = (name: string, t: T) => close(numbers(t), DATA.cases[name]!.value, name);
  expect("index_copy", z.clone().indexCopy_(0, idx(), z));
  expect("index_fill", z.clone().indexFill_(1, torch.tensor([0, 2]), c(-1, 0.5)));
  expect("index_add_alpha", z.clone().indexAdd_(0, idx(), z, { alpha: c(1, -2) }));
  expect("masked_fill", z.clone().maskedFill_(mask(), c(0.5, 3)));
  expect("masked_scatter", z.clone().maskedScatter_(mask(), z.flip(1)));
  expect("scatter_value", z.clone().scatter_(1, gidx(), c(2, -3)));
  expect("scatter_multiply", z.clone().scatter_(1, gidx(), z, { reduce: "multiply" }));
  expect("scatter_add", z.clone().scatterAdd_(1, gidx(), z.flip(1).get(":", ":2")));
  expect("put_acc", z.clone().put_(torch.tensor([1, 1]), z.get(1, ":2"), true));
  expect("tril", z.clone().tril_());
  expect("index_put_acc", z.clone().indexPut_([idx(), torch.tensor([2, 2])], z.get(0, ":2"), true));
  // with autograd: the in-place result takes the out-of-place gradient
  const leaf = input(), w = leaf.mul(1);
  w.indexFill_(1, torch.tensor([0, 2]), c(-1, 0.5));
  const r = torch.viewAsReal(w);
  r.mul(torch.arange(1, r.numel() + 1, { dtype: torch.float64 }).reshape(r.shape)).sum().backward();
  close(numbers(leaf.grad!), DATA.cases["index_fill"]!.grad!, "index_fill_ grad");
});

test("complex64 moves its numbers exactly too", () => {
  const z = torch.tensor([[c(1.5, -2), c(0, 3)], [c(-4, 0.25), c(6, 7)]]);
  assert.equal(String(z.get(torch.tensor([1]), torch.tensor([0]))), "tensor([-4.+0.2500j])");
  assert.equal(String(z.gather(0, torch.tensor([[1, 0]]))), "tensor([[-4.+0.2500j,  0.+3.0000j]])");
  assert.equal(z.indexSelect(0, torch.tensor([1])).dtype, torch.complex64);
  assert.equal(String(torch.where(torch.tensor([true, false]), z, c(9, 9)).get(0)), "tensor([1.5000-2.j, 9.0000+9.j])");
});

test("refusals in PyTorch 1.13's words", () => {
  const z = input().detach(), real = torch.zeros([2, 3]);
  const throws = (f: () => unknown, re: RegExp) => assert.throws(f, re);
  throws(() => z.scatterReduce(1, gidx(), z, "amax"), /^Error: "scatter_gather_tensor_cpu_reduce_amax" not implemented for 'ComplexDouble'$/);
  throws(() => z.indexReduce(0, idx(), z, "amin"), /"minimum_cpu" not implemented for 'ComplexDouble'/);
  throws(() => z.indexReduce(0, idx(), z, "mean", { includeSelf: false }), /"index_reduce_func_exclude_input_init" not implemented for 'ComplexDouble'/);
  throws(() => input().scatterReduce(1, gidx(), z, "sum"), /scatter_reduce does not support automatic differentiation for outputs with complex dtype/);
  throws(() => input().indexReduce(0, idx(), z, "prod"), /"index_func_" not implemented for 'ComplexDouble'/);
  throws(() => z.scatter(1, gidx(), real), /scatter\(\): Expected self.dtype to be equal to src.dtype/);
  throws(() => z.indexAdd(0, idx(), real.double()), /index_add_\(\): self \(ComplexDouble\) and source \(Double\) must have the same scalar type/);
  throws(() => z.indexCopy(0, idx(), real.double()), /index_copy_\(\): self and source expected to have the same dtype, but got \(self\) ComplexDouble and \(source\) Double/);
  throws(() => z.maskedScatter(mask(), real.double()), /masked_scatter_: expected self and source to have same dtypes but got ComplexDouble and Double/);
  throws(() => z.put(idx(), torch.ones([2], { dtype: torch.float64 })), /put_\(\): self and source expected to have the same dtype/);
  throws(() => z.indexPut([idx()], torch.tensor(1, { dtype: torch.float64 })), /Index put requires the source and destination dtypes match, got ComplexDouble for the destination and Double for the source/);
  throws(() => z.clone().set(idx(), torch.ones([3], { dtype: torch.float64 })), /Index put requires the source and destination dtypes match/);
  // a complex value into a real tensor
  throws(() => real.clone().set(0, c(1, 1)), /value cannot be converted to type float without overflow/);
  throws(() => real.maskedFill(mask(), c(1, 1)), /value cannot be converted to type float without overflow/);
  throws(() => real.maskedFill(mask(), torch.tensor(c(1, 1))), /value cannot be converted to type float without overflow/);
  throws(() => real.scatter(0, torch.tensor([[0]]), c(1, 1)), /value cannot be converted to type float without overflow/);
  throws(() => real.indexFill(0, torch.tensor([0]), c(1, 1)), /index_fill_\(\): Converting complex Scalar to non-complex type is not supported/);
  throws(() => F.pad(z, [1, 1], "constant", c(1, 1) as unknown as number), /pad\(\): argument 'value' must be float, not complex/);
});

test("torch.load reads PyTorch 1.13's complex storages; torch.save writes them back", () => {
  const loaded = torch.load(FIXTURE_PT) as Map<string, T>;
  const z64 = loaded.get("z64")!, z128 = loaded.get("z128")!, view = loaded.get("view")!;
  assert.deepEqual([z64.dtype, z128.dtype], [torch.complex64, torch.complex128]);
  close(numbers(z128), DATA.z, "z128");
  close(numbers(z64), DATA.z, "z64");
  assert.deepEqual(view.shape, [2, 2]);
  close(numbers(view), numbers(z64.get(":", "1:").t()), "view");
  view.set([0, 0], c(42, -1)); // still a view of z64's storage
  assert.equal(String(z64.get(0, 1)), "tensor(42.-1.j)");
  const dir = mkdtempSync(join(tmpdir(), "torch-ts-complex-"));
  try {
    const file = join(dir, "c.pt");
    const grad = torch.tensor([c(1, 2)], { requiresGrad: true });
    torch.save({ z128, t: z128.t(), grad }, file);
    const back = torch.load(file) as Map<string, T>;
    close(numbers(back.get("z128")!), DATA.z, "round trip");
    close(numbers(back.get("t")!), numbers(z128.t()), "round trip of a transposed view");
    assert.equal(back.get("grad")!.requiresGrad, true);
    // safetensors: C64 is complex64; the format has no complex128
    const st = join(dir, "c.safetensors");
    torch.safetensors.saveFile({ z64, zt: z64.t() }, st);
    const sb = torch.safetensors.loadFile(st);
    assert.equal(sb.get("z64")!.dtype, torch.complex64);
    close(numbers(sb.get("zt")!), numbers(z64.t()), "safetensors");
    assert.throws(() => torch.safetensors.saveFile({ z128 }, join(dir, "x.safetensors")), /no safetensors dtype for complex128 \(the format's only complex dtype is C64/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("DataLoader workers move complex tensors", { skip: process.env["TORCH_TS_BACKEND"] === "js" ? "npm test's native pass runs the workers" : false }, async () => {
  const z = input().detach().to(torch.complex64);
  const { DataLoader, TensorDataset } = torch.utils.data;
  const batches: number[][] = [];
  for await (const b of new DataLoader(new TensorDataset(z), { batchSize: 1, numWorkers: 1 })) {
    const t = (b as T[])[0]!;
    assert.equal(t.dtype, torch.complex64);
    batches.push(numbers(t));
  }
  assert.deepEqual(batches, [numbers(z.get(0).unsqueeze(0)), numbers(z.get(1).unsqueeze(0))]);
});
