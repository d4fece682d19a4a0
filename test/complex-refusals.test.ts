// Ops that once took complex input as if it were an integer or a float one (they short-circuited on
// !isFloatingPoint or cast it to a real dtype): they now refuse it in PyTorch's words or compute it.
// test/ops-complex.test.ts holds every op of the sample table to PyTorch on complex input.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../src/index.js";

test("ops that took complex input for an integer or a float one now refuse it in PyTorch's words", () => {
  const z = torch.tensor([new torch.Complex(1.5, -2.5)], { dtype: torch.complex128 });
  assert.throws(() => z.floor(), /^Error: floor is not supported for complex inputs$/);
  assert.throws(() => z.clone().ceil_(), /^Error: ceil is not supported for complex inputs$/);
  assert.throws(() => z.trunc(), /^Error: trunc is not supported for complex inputs$/);
  assert.throws(() => z.round(), /"round_vml_cpu" not implemented for 'ComplexDouble'/);
  assert.throws(() => z.nanToNum(), /"nan_to_num" not implemented for 'ComplexDouble'/);
  assert.throws(() => z.clone().nanToNum_(), /"nan_to_num" not implemented for 'ComplexDouble'/);
  assert.throws(() => z.logsumexp(0), /logsumexp\(\): Expected floating point type for result tensor, but got: ComplexDouble/);
  assert.throws(() => torch.nn.functional.dropout(z, 0.5, true), /"bernoulli_scalar_cpu_" not implemented for 'ComplexDouble'/);
  // a transposed complex convolution computes (z * z for one element)
  assert.deepEqual(torch.viewAsReal(torch.nn.functional.convTranspose1d(z.reshape([1, 1, 1]), z.reshape([1, 1, 1]))).flatten().tolist(), [-4, -7.5]);
  // cumsum/cumprod cast complex input to int64; PyTorch 1.13: [1.5-2.5j, 1+1.2j] and [1.5-2.5j, 8.5+6.8j]
  const w = torch.tensor([new torch.Complex(1.5, -2.5), new torch.Complex(-0.5, 3.7)], { dtype: torch.complex128, requiresGrad: true });
  const flat = (t: torch.Tensor) => (torch.viewAsReal(t.detach()).flatten().tolist() as number[]).map((v) => Math.round(v * 1e9) / 1e9);
  assert.deepEqual(flat(w.cumsum(0)), [1.5, -2.5, 1, 1.2]);
  const p = w.cumprod(0);
  assert.deepEqual(flat(p), [1.5, -2.5, 8.5, 6.8]);
  // d/dw of sum(real(cumprod)) is conj of (1 + w1, w0): PyTorch 1.13 gives [0.5-3.7j, 1.5+2.5j]
  torch.real(p).sum().backward();
  assert.deepEqual(flat(w.grad!), [0.5, -3.7, 1.5, 2.5]);
});
