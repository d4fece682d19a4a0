// torch.linalg.eig / eigvals against Debian's PyTorch 1.13 (test/fixtures/linalg/eig.py): values,
// dtypes, batching, out=, PyTorch's errors, and the backward.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as torch from "../src/index.js";
import type { Tensor } from "../src/index.js";

interface Recorded {
  dtype: "float32" | "float64" | "complex64" | "complex128";
  shape: number[];
  data: (number | [number, number])[];
}
interface EigCase { name: string; A: Recorded; eigenvalues: Recorded; eigenvectors: Recorded; eigvals: Recorded }

const { cases } = JSON.parse(readFileSync(new URL("./fixtures/linalg/eig.json", import.meta.url), "utf8")) as { cases: EigCase[] };

function decode(r: Recorded): Tensor {
  if (r.dtype === "float32" || r.dtype === "float64") return torch.tensor(r.data as number[], { dtype: torch[r.dtype] }).reshape(r.shape);
  const part = r.dtype === "complex64" ? torch.float32 : torch.float64;
  return torch.viewAsComplex(torch.tensor((r.data as [number, number][]).flat(), { dtype: part }).reshape([...r.shape, 2]));
}

/** The (re, im) numbers of a complex tensor, flattened. */
function pairs(z: Tensor): number[] {
  return torch.viewAsReal(z).flatten().tolist() as number[];
}

function assertClose(actual: number[], expected: number[], tol: number, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: ${actual.length} numbers vs ${expected.length}`);
  actual.forEach((x, i) => assert.ok(Math.abs(x - expected[i]!) <= tol, `${what}[${i}]: ${x} vs ${expected[i]}`));
}

/**
 * Eigenvectors agree column by column up to a unit factor: LAPACK fixes them up to a sign only
 * (the dlartg of its last rotation: torch-ts follows MKL's, Debian's OpenBLAS a newer one).
 */
function assertSameUpToPhase(V: Tensor, ref: Tensor, tol: number, what: string): void {
  const n = V.shape[V.shape.length - 1]!;
  const v = pairs(V);
  const r = pairs(ref);
  for (let base = 0; base < v.length; base += 2 * n * n) {
    for (let j = 0; j < n; j++) {
      let pr = 0;
      let pi = 0;
      for (let k = 0; k < n; k++) {
        const p = base + 2 * (k * n + j);
        pr += r[p]! * v[p]! + r[p + 1]! * v[p + 1]!;
        pi += r[p]! * v[p + 1]! - r[p + 1]! * v[p]!;
      }
      assert.ok(Math.abs(Math.hypot(pr, pi) - 1) < tol, `${what}: column ${j} is not the reference's up to a phase`);
    }
  }
}

for (const c of cases) {
  test(`linalg.eig/eigvals ${c.name} equal PyTorch 1.13's`, () => {
    const A = decode(c.A);
    const single = c.A.dtype === "float32" || c.A.dtype === "complex64";
    const tol = single ? 1e-5 : 1e-12;
    const { eigenvalues: L, eigenvectors: V } = torch.linalg.eig(A);
    const complexDtype = single ? torch.complex64 : torch.complex128;
    assert.equal(L.dtype, complexDtype);
    assert.equal(V.dtype, complexDtype);
    assert.deepEqual(L.shape, c.eigenvalues.shape);
    assert.deepEqual(V.shape, c.eigenvectors.shape);
    assertClose(pairs(L), pairs(decode(c.eigenvalues)), tol * 10, "eigenvalues");
    assertSameUpToPhase(V, decode(c.eigenvectors), tol * 10, "eigenvectors");
    assertClose(pairs(torch.linalg.eigvals(A)), pairs(decode(c.eigvals)), tol * 10, "eigvals");
    // A V = V diag(L)
    const Ac = A.dtype.isComplex ? A : A.to(complexDtype);
    const residual = A.numel() === 0 ? 0 : (torch.viewAsReal(torch.matmul(Ac, V).sub(V.mul(L.unsqueeze(-2)))).abs().max().item() as number);
    assert.ok(residual < (single ? 1e-4 : 1e-12), `residual ${residual}`);
  });
}

test("linalg.eig: a real matrix's pairs are conjugate, positive imaginary part first; the largest entry is real", () => {
  const { eigenvalues: L, eigenvectors: V } = torch.linalg.eig(torch.tensor([[0, -2, 0], [1, 0, 0], [0, 0, 3]], { dtype: torch.float64 }));
  const l = pairs(L);
  assertClose(l, [0, Math.SQRT2, 0, -Math.SQRT2, 3, 0], 1e-14, "eigenvalues");
  const v = pairs(V);
  for (let r = 0; r < 3; r++) {
    assert.equal(v[2 * (r * 3 + 1)], v[2 * (r * 3)]);
    assert.equal(v[2 * (r * 3 + 1) + 1], -v[2 * (r * 3) + 1]!);
  }
  // Column 0 is (sqrt(2/3), -i/sqrt(3), 0) up to a sign: its largest entry is the real one.
  assert.equal(v[1], 0);
  assert.ok(Math.abs(Math.abs(v[0]!) - Math.sqrt(2 / 3)) < 1e-15);
});

test("linalg.eig/eigvals: PyTorch's errors", () => {
  assert.throws(() => torch.linalg.eig(torch.zeros(2, 3)), /^Error: linalg.eig: A must be batches of square matrices, but they are 2 by 3 matrices$/);
  assert.throws(() => torch.linalg.eig(torch.zeros(3)), /linalg.eig: The input tensor A must have at least 2 dimensions./);
  assert.throws(() => torch.linalg.eigvals(torch.zeros(2, 3)), /linalg.eigvals: A must be batches of square matrices/);
  assert.throws(() => torch.linalg.eig(torch.zeros(2, 2, { dtype: torch.int64 })), /linalg.eig: Expected a floating point or complex tensor as input. Got Long/);
  assert.throws(() => torch.linalg.eig(torch.zeros(2, 2, { dtype: torch.float16 })), /"linalg_eig_out_cpu" not implemented for 'Half'/);
  assert.throws(() => torch.linalg.eigvals(torch.zeros(2, 2, { dtype: torch.bfloat16 })), /"linalg_eig_out_cpu" not implemented for 'BFloat16'/);
  assert.throws(() => torch.linalg.eig(torch.tensor([[Infinity, 0], [0, 1]])), /torch.linalg.eig: input tensor should not contain infs or NaNs./);
  // eigvals does not check (1.13): NaN eigenvalues.
  const w = pairs(torch.linalg.eigvals(torch.tensor([[NaN, 0], [0, 1]], { dtype: torch.float64 })));
  assert.ok(w.every(Number.isNaN), `NaN in, NaN out: ${w}`);
  assert.throws(() => torch.linalg.eig(torch.eye(2), torch.eye(2) as never), /linalg.eig\(\) takes 1 positional argument but 2 were given/);
});

test("linalg.eig/eigvals out=: any complex dtype (cast), a real one is refused", () => {
  const A = torch.tensor([[2, 1], [1, 2]], { dtype: torch.float32 });
  const L = torch.empty(0, { dtype: torch.complex128 });
  const V = torch.empty(0, { dtype: torch.complex64 });
  const r = torch.linalg.eig(A, { out: [L, V] });
  assert.ok(r[0] === L && r.eigenvectors === V);
  assertClose(pairs(L), [3, 0, 1, 0], 1e-6, "eigenvalues into out");
  assert.deepEqual(V.shape, [2, 2]);
  const w = torch.empty(2, { dtype: torch.complex64 });
  assert.equal(torch.linalg.eigvals(A.double(), { out: w }), w);
  assertClose(pairs(w), [3, 0, 1, 0], 1e-6, "eigvals into out");
  assert.throws(() => torch.linalg.eig(A, { out: [torch.empty(0), V] }),
    /torch.linalg.eig: Expected eigenvalues to be safely castable from ComplexFloat dtype, but got eigenvalues with dtype Float/);
  assert.throws(() => torch.linalg.eig(A.double(), { out: [L, torch.empty(0, { dtype: torch.float64 })] }),
    /Expected eigenvectors to be safely castable from ComplexDouble dtype, but got eigenvectors with dtype Double/);
  assert.throws(() => torch.linalg.eigvals(A, { out: torch.empty(0) }), /torch.linalg.eigvals: Expected eigenvalues to be safely castable from ComplexFloat dtype/);
});

test("linalg.eig's backward is PyTorch's (eigenvalue and gauge-invariant eigenvector losses; phase-dependent ones refused)", () => {
  // A = [[1, 2, 0.5], [-1, 0.5, 2], [0.3, -0.7, 1.5]] in PyTorch 1.13, float32
  const rows = [[1, 2, 0.5], [-1, 0.5, 2], [0.3, -0.7, 1.5]];
  const close = (a: number[], b: number[]) => a.forEach((v, k) => assert.ok(Math.abs(v - b[k]!) < 1e-4, `${a} vs ${b}`));
  let A = torch.tensor(rows, { dtype: torch.float32, requiresGrad: true });
  let r = torch.linalg.eig(A);
  assert.equal(r.eigenvalues.gradFn?.name(), "LinalgEigBackward0");
  assert.equal(torch.linalg.eigvals(A).gradFn?.name(), "LinalgEigBackward0");
  // (view_as_real(L)**2 * [1, 2]).sum()
  torch.viewAsReal(r.eigenvalues).pow(2).mul(torch.tensor([1, 2], { dtype: torch.float32 })).sum().backward();
  close(A.grad!.flatten().tolist() as number[], [2.215167, 4.516468, 0.337713, -7.813663, 1.81967, 2.917674, 4.627134, -6.594372, 1.965162]);
  // (V.abs()**2 * [[1, 2, 3], [4, 5, 6], [7, 8, 9]]).sum()
  A = torch.tensor(rows, { dtype: torch.float32, requiresGrad: true });
  r = torch.linalg.eig(A);
  r.eigenvectors.abs().pow(2).mul(torch.tensor([[1, 2, 3], [4, 5, 6], [7, 8, 9]], { dtype: torch.float32 })).sum().backward();
  close(A.grad!.flatten().tolist() as number[], [-0.155131, -1.292307, -0.521606, -2.142331, -0.347529, -0.738323, 2.786025, -1.312613, 0.502663]);
  r = torch.linalg.eig(A);
  assert.throws(() => torch.viewAsReal(r.eigenvectors).sum().backward(), /linalg_eig_backward: The eigenvectors in the complex case are specified up to multiplication by e\^\{i phi\}/);
});

test("linalg.eig's backward on complex input", () => {
  // A2 = [[1, 2], [3, 4]] (complex128), L = eig(A2 * [[1, 1j], [1, 1]]).eigenvalues, (view_as_real(L)**3).sum()
  const A2 = torch.tensor([[1, 2], [3, 4]], { dtype: torch.complex128, requiresGrad: true });
  const M = torch.tensor([[new torch.Complex(1, 0), new torch.Complex(0, 1)], [1, 1]], { dtype: torch.complex128 });
  torch.viewAsReal(torch.linalg.eig(A2.mul(M)).eigenvalues).pow(3).sum().backward();
  const expected = [16.536865, -4.296699, 21.067406, -30.400277, 14.044938, -20.266852, 46.937143, 16.770707];
  (torch.viewAsReal(A2.grad!).flatten().tolist() as number[]).forEach((v, k) => assert.ok(Math.abs(v - expected[k]!) < 1e-5, `${v} vs ${expected[k]}`));
});
