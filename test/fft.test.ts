// torch.fft, torch.stft and torch.istft against PyTorch 1.13 (fixtures/fft/fft.py → fft.json):
// values, dtypes and the gradient of a weighted real loss for every transform, norm, n/s
// padding and trimming, dims and input dtype; the helpers; PyTorch's errors; double backward.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as torch from "../src/index.js";

type Encoded = { shape: number[]; dtype: string; data: number[] | [number, number][] };
type Kwargs = Record<string, unknown>;
interface TransformCase { fn: string; kwargs: Kwargs; input: Encoded; output: Encoded; weight?: Encoded; grad?: Encoded }
interface HelperCase { fn: string; args?: number[]; kwargs?: Kwargs; input?: Encoded; output: Encoded }
interface StftCase { fn: "stft" | "istft"; nFft: number; kwargs: Kwargs; input: Encoded; window: Encoded | null; output: Encoded; weight: Encoded; grad: Encoded }
const fixture = JSON.parse(readFileSync(new URL("./fixtures/fft/fft.json", import.meta.url), "utf8")) as {
  transforms: TransformCase[]; helpers: HelperCase[]; stft: StftCase[];
};

const isComplexName = (d: string): boolean => d.startsWith("complex");

function decode(e: Encoded): torch.Tensor {
  const dtype = e.dtype as torch.DTypeName;
  if (isComplexName(e.dtype)) {
    const pairs = torch.tensor((e.data as [number, number][]).flat(), { dtype: "float64" }).reshape([...e.shape, 2]);
    return torch.viewAsComplex(pairs).to(dtype);
  }
  return torch.tensor(e.data as number[], { dtype }).reshape(e.shape);
}

/** The numbers of a tensor (a complex one's (re, im) pairs, flattened). */
function numbers(t: torch.Tensor): number[] {
  const r = t.isComplex() ? torch.viewAsReal(t.detach().resolveConj().contiguous()) : t.detach();
  return (r.flatten().tolist() as number[]).map(Number);
}

function assertClose(actual: torch.Tensor, expected: Encoded, label: string): void {
  assert.equal(actual.dtype.name, expected.dtype, `${label}: dtype`);
  assert.deepEqual(actual.shape, expected.shape, `${label}: shape`);
  const want = (expected.data as (number | number[])[]).flat();
  const got = numbers(actual);
  const scale = Math.max(1, ...want.map(Math.abs));
  const single = expected.dtype === "float32" || expected.dtype === "complex64";
  const tol = single ? 2e-5 : 1e-11;
  got.forEach((v, i) => assert.ok(Math.abs(v - want[i]!) <= tol * scale, `${label}: element ${i}: ${v} vs ${want[i]} (tolerance ${tol * scale})`));
}

type Transform = (x: torch.Tensor, options: Kwargs) => torch.Tensor;
const fftNamespace = torch.fft as unknown as Record<string, Transform>;

function weightedLoss(y: torch.Tensor, weight: Encoded): torch.Tensor {
  return (y.isComplex() ? torch.viewAsReal(y.resolveConj()) : y).mul(decode(weight)).sum();
}

test("every transform, norm, n/s and dim matches PyTorch 1.13, with the gradient of a weighted loss", () => {
  for (const c of fixture.transforms) {
    const label = `${c.fn}(${c.input.dtype}[${c.input.shape}], ${JSON.stringify(c.kwargs)})`;
    const x = decode(c.input);
    if (c.grad) x.requiresGrad_(true);
    const y = fftNamespace[c.fn]!(x, c.kwargs);
    assertClose(y, c.output, label);
    if (c.grad && c.weight) {
      weightedLoss(y, c.weight).backward();
      assertClose(x.grad!, c.grad, `${label} grad`);
    }
  }
});

test("autograd node names are PyTorch's", () => {
  const x = torch.randn([4], { dtype: "float64", requiresGrad: true });
  assert.equal(torch.fft.rfft(x).gradFn?.name(), "FftR2CBackward0");
  const z = torch.fft.fft(x);
  assert.equal(torch.fft.ifft(z).gradFn?.name(), "FftC2CBackward0");
  assert.equal(torch.fft.irfft(torch.fft.rfft(x)).gradFn?.name(), "FftC2RBackward0");
});

test("double backward: gradgradcheck through each primitive (over real views)", () => {
  const opts = { dtype: "float64" as const, requiresGrad: true };
  const asComplex = (r: torch.Tensor): torch.Tensor => torch.viewAsComplex(r);
  assert.ok(torch.autograd.gradgradcheck((r) => torch.viewAsReal(torch.fft.fft(asComplex(r), { norm: "ortho" })), [torch.randn([5, 2], opts)]));
  assert.ok(torch.autograd.gradgradcheck((x) => torch.viewAsReal(torch.fft.rfft(x, { n: 6 })), [torch.randn([5], opts)]));
  assert.ok(torch.autograd.gradgradcheck((r) => torch.fft.irfft(asComplex(r), { n: 7 }), [torch.randn([4, 2], opts)]));
  assert.ok(torch.autograd.gradcheck((r) => torch.fft.hfft2(asComplex(r), { norm: "forward" }), [torch.randn([3, 3, 2], opts)]));
});

test("fftfreq, rfftfreq, fftshift and ifftshift match PyTorch", () => {
  for (const c of fixture.helpers) {
    const label = `${c.fn}(${JSON.stringify(c.args ?? c.input?.shape)}, ${JSON.stringify(c.kwargs ?? {})})`;
    let y: torch.Tensor;
    if (c.fn === "fftfreq" || c.fn === "rfftfreq") {
      const f = torch.fft[c.fn] as (n: number, ...rest: unknown[]) => torch.Tensor;
      y = c.kwargs ? f(c.args![0]!, c.args![1] ?? 1, c.kwargs) : f(c.args![0]!, c.args![1]!);
    } else y = fftNamespace[c.fn]!(decode(c.input!), c.kwargs ?? {});
    assertClose(y, c.output, label);
  }
  assert.equal(torch.fft.fftfreq(3, { requiresGrad: true }).requiresGrad, true);
  // rfftfreq(0) is [0 · 1/0] = [nan] in PyTorch (not recordable in JSON).
  assert.ok(Number.isNaN((torch.fft.rfftfreq(0).tolist() as number[])[0]));
});

test("torch.stft and torch.istft match PyTorch 1.13, gradients included", () => {
  for (const c of fixture.stft) {
    const label = `${c.fn}(${c.input.dtype}[${c.input.shape}], ${c.nFft}, ${JSON.stringify(c.kwargs)})`;
    const x = decode(c.input).requiresGrad_(true);
    const window = c.window ? decode(c.window) : null;
    const y = c.fn === "stft"
      ? torch.stft(x, c.nFft, { ...c.kwargs, window, returnComplex: true })
      : torch.istft(x, c.nFft, { ...c.kwargs, window });
    assertClose(y, c.output, label);
    weightedLoss(y, c.weight).backward();
    assertClose(x.grad!, c.grad, `${label} grad`);
  }
});

test("torch.stft without autograd (frames read straight from the signal) matches PyTorch 1.13, with its strides", () => {
  let seen = 0;
  for (const c of fixture.stft) {
    if (c.fn !== "stft") continue;
    const x = decode(c.input);
    const window = c.window ? decode(c.window) : null;
    if (x.isComplex() || (window !== null && window.dtype !== x.dtype)) continue;
    const label = `stft(${c.input.dtype}[${c.input.shape}], ${c.nFft}, ${JSON.stringify(c.kwargs)}) without grad`;
    const y = torch.stft(x, c.nFft, { ...c.kwargs, window, returnComplex: true });
    assertClose(y, c.output, label);
    // PyTorch transposes its [B, frames, freq] spectrum in place: frequencies are the fastest dim.
    assert.equal(y.stride()[y.dim() - 2], 1, `${label}: strides ${y.stride()}`);
    seen++;
  }
  assert.ok(seen >= 2, `${seen} real stft cases ran`);
});

test("PyTorch's errors for bad n, dim, norm, s and dtypes", () => {
  const x = torch.randn([4, 6]);
  const z = torch.fft.fft(x);
  const cases: [() => unknown, string | RegExp][] = [
    [() => torch.fft.fft(x, 0), "Invalid number of data points (0) specified"],
    [() => torch.fft.fft(x, { n: -1 }), "Invalid number of data points (-1) specified"],
    [() => torch.fft.irfft(torch.randn([1])), "Invalid number of data points (0) specified"],
    [() => torch.fft.fft(x, { dim: 2 }), "Dimension out of range (expected to be in range of [-2, 1], but got 2)"],
    [() => torch.fft.fft(x, { norm: "bad" as "ortho" }), 'Invalid normalization mode: "bad"'],
    [() => torch.fft.fft(x.half()), "Unsupported dtype Half"],
    [() => torch.fft.rfft(x.to("bfloat16")), "Unsupported dtype BFloat16"],
    [() => torch.fft.rfft(z), "rfft expects a real input tensor, but got ComplexFloat"],
    [() => torch.fft.ihfft(z), "ihfft expects a real input tensor, but got ComplexFloat"],
    [() => torch.fft.rfft2(z), "rfftn expects a real-valued input tensor, but got ComplexFloat"],
    [() => torch.fft.fft2(x, { s: [2] }), "When given, dim and shape arguments must have the same length"],
    [() => torch.fft.fftn(x, { dim: [0, 0] }), "FFT dims must be unique"],
    [() => torch.fft.fftn(x, { s: [1, 2, 3] }), "Got shape with 3 values but input tensor only has 2 dimensions."],
    [() => torch.fft.fftn(x, { s: [0, 3] }), "Invalid number of data points (0) specified"],
    [() => torch.fft.rfftn(x, { dim: [] }), "rfftn must transform at least one axis"],
    [() => torch.fft.irfftn(z, { dim: [] }), "irfftn must transform at least one axis"],
    [() => torch.fft.fftn(torch.tensor(1)), "ndim must be >= 1"],
    [() => torch.fft.fft(torch.tensor(1)), "Invalid number of data points (0) specified"],
    [() => torch.fft.fft(torch.tensor(1), { n: 3 }), "dimension specified as -1 but tensor has no dimensions"],
    [() => torch.fft.fft2(x, { dim: null as unknown as number[] }), "fft_fft2(): argument 'dim' must be tuple of ints, not None"],
    [() => torch.fft.fft(x, { n: 3.5 }), "fft_fft(): argument 'n' must be int, not float"],
    [() => torch.fft.fftfreq(5, { dtype: "int64" }), "fftfreq requires a floating point or complex dtype"],
    [() => torch.fft.fftshift(torch.tensor(1)), "`shifts` required"],
    [() => torch.stft(torch.randn([20]), 8), /stft requires the return_complex parameter be given for real inputs/],
    [() => torch.stft(torch.randn([20]), 8, { winLength: 10, returnComplex: true }), /stft\(torch\.FloatTensor\[28\], n_fft=8, hop_length=2, win_length=10, .*: expected 0 < win_length <= n_fft, but got win_length=10$/],
    [() => torch.stft(torch.randn([20]), 30, { center: false, returnComplex: true }), /expected 0 < n_fft < 20, but got n_fft=30$/],
    [() => torch.stft(torch.randn([5]), 12, { returnComplex: true }), "Argument #4: Padding size should be less than the corresponding input dimension, but got: padding (6, 6) at dimension 2 of input [1, 1, 5]"],
    [() => torch.stft(torch.randn([20]), 8, { hopLength: 0, returnComplex: true }), /expected hop_length > 0, but got hop_length=0$/],
    [() => torch.stft(torch.randn([20]), 8, { window: torch.ones([7]), returnComplex: true }), /expected a 1D window tensor of size equal to win_length=8, but got window with size \[7\]$/],
    [() => torch.stft(z.flatten(), 8, { onesided: true, returnComplex: true }), "Cannot have onesided output if window or input is complex"],
    [() => torch.istft(torch.randn([5, 11, 2]), 8), "istft requires a complex-valued input tensor"],
    [() => torch.istft(torch.randn([5, 11], { dtype: "complex64" }), 8, { hopLength: 9 }), /expected 0 < hop_length <= win_length$/],
    [() => torch.istft(torch.randn([5, 11], { dtype: "complex64" }), 8, { onesided: false }), /match n_fft when onsided=False, but got 5$/],
    [() => torch.istft(torch.randn([5, 7], { dtype: "complex64" }), 8, { window: torch.hannWindow(8), center: false }), /window overlap add min/],
    [() => torch.istft(torch.randn([5, 7], { dtype: "complex64" }), 8, { window: torch.randn([8], { dtype: "complex64" }) }), "Complex windows are incompatible with return_complex=False"],
  ];
  for (const [f, message] of cases) {
    if (typeof message === "string") assert.throws(f, (e: Error) => { assert.equal(e.message, message); return true; });
    else assert.throws(f, message);
  }
});

test("dtype rules: integers and bool give the default float's complex, float64 gives complex128", () => {
  assert.equal(torch.fft.fft(torch.tensor([1, 2, 3])).dtype.name, "complex64");
  assert.equal(torch.fft.fft(torch.tensor([true, false])).dtype.name, "complex64");
  assert.equal(torch.fft.rfft(torch.randn([4], { dtype: "float64" })).dtype.name, "complex128");
  assert.equal(torch.fft.irfft(torch.fft.rfft(torch.randn([4], { dtype: "float64" }))).dtype.name, "float64");
  // An empty batch transforms to an empty result; fftn over no dims is a complex copy.
  assert.deepEqual(torch.fft.rfft(torch.randn([0, 3])).shape, [0, 2]);
  assert.deepEqual(numbers(torch.fft.fftn(torch.tensor([1.5, -2]), { dim: [] })), [1.5, 0, -2, 0]);
});

test("strided inputs (transposed, narrowed complex views) transform as their contiguous copies", () => {
  const x = torch.randn([6, 5], { dtype: "float64" }).t();
  assert.deepEqual(numbers(torch.fft.rfft(x)), numbers(torch.fft.rfft(x.contiguous())));
  const z = torch.randn([6, 8], { dtype: "complex128" });
  const view = torch.viewAsComplex(torch.viewAsReal(z).narrow(1, 2, 5)).t();
  assert.equal(view.isContiguous(), false);
  assert.deepEqual(numbers(torch.fft.fftn(view, { s: [4, 3] })), numbers(torch.fft.fftn(view.contiguous(), { s: [4, 3] })));
  assert.deepEqual(numbers(torch.fft.irfft(view, { dim: 0 })), numbers(torch.fft.irfft(view.contiguous(), { dim: 0 })));
});
