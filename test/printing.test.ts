// PyTorch's tensor repr. Every expected string in CASES and FORMATS was printed by a real PyTorch
// (Debian's 1.13: `repr(eval(py))` after torch.set_printoptions(profile="default", **options));
// its _tensor_str.py agrees with 2.x on all of them. The few cases that 1.13 cannot produce
// (non-CPU devices, edgeitems=0, whose 1.13 behaviour 2.x changed) are derived from 2.x's source
// and marked as such.
import { describe, test, afterEach } from "node:test";
import assert from "node:assert/strict";
import {
  dtypeRepr, formatExponential, formatFixed, formatPythonFloat, formatScalarForRepr, formatTensor,
  formatTensorData, getPrintOptions, setPrintOptions, withPrintOptions,
  type Printable, type PrintDType, type SetPrintOptionsArgs,
} from "../src/core/printing.js";
import { setDefaultDtype } from "../src/core/dtype.js";

type Element = number | bigint | boolean;

interface Case {
  name: string;
  py: string;
  options?: SetPrintOptionsArgs;
  defaultDtype?: "float64";
  shape: number[];
  dtype: PrintDType;
  data: readonly Element[] | ((i: number) => Element);
  requiresGrad?: boolean;
  gradFn?: string;
  isParameter?: boolean;
  device?: string;
  expected: string;
}

function printable(c: Omit<Case, "name" | "py" | "expected">): Printable {
  const data = c.data;
  return {
    shape: c.shape,
    dtype: c.dtype,
    at: typeof data === "function" ? data : (i: number) => data[i]!,
    requiresGrad: c.requiresGrad ?? false,
    gradFnName: c.gradFn ?? null,
    device: c.device ?? "cpu",
    isParameter: c.isParameter,
  };
}

function render(c: Case): string {
  setPrintOptions({ profile: "default" });
  if (c.options) setPrintOptions(c.options);
  if (c.defaultDtype) setDefaultDtype(c.defaultDtype);
  try {
    return formatTensor(printable(c));
  } finally {
    setDefaultDtype("float32");
    setPrintOptions({ profile: "default" });
  }
}

const CASES: Case[] = [
  {
    name: "float fixed",
    py: "torch.tensor([1.5, 2.25, -3.0])",
    shape: [3], dtype: "float32", data: [1.5, 2.25, -3.0],
    expected: "tensor([ 1.5000,  2.2500, -3.0000])",
  },
  {
    name: "float whole numbers (int mode)",
    py: "torch.tensor([1., 2., 3.])",
    shape: [3], dtype: "float32", data: [1.0, 2.0, 3.0],
    expected: "tensor([1., 2., 3.])",
  },
  {
    name: "float 2-D int mode",
    py: "torch.tensor([[1., 2.], [3., 4.]])",
    shape: [2, 2], dtype: "float32", data: [1.0, 2.0, 3.0, 4.0],
    expected: [
      "tensor([[1., 2.],",
      "        [3., 4.]])",
    ].join("\n"),
  },
  {
    name: "float alignment mixed widths",
    py: "torch.tensor([-1.5, 100.25, 3.])",
    shape: [3], dtype: "float32", data: [-1.5, 100.25, 3.0],
    expected: "tensor([ -1.5000, 100.2500,   3.0000])",
  },
  {
    name: "float32 0.1 rounding",
    py: "torch.tensor([0.1, 0.2, 0.3])",
    shape: [3], dtype: "float32", data: [0.10000000149011612, 0.20000000298023224, 0.30000001192092896],
    expected: "tensor([0.1000, 0.2000, 0.3000])",
  },
  {
    name: "float32 1e-4 with 0.05 -> sci",
    py: "torch.tensor([1e-4, 0.05])",
    shape: [2], dtype: "float32", data: [9.999999747378752e-05, 0.05000000074505806],
    expected: "tensor([1.0000e-04, 5.0000e-02])",
  },
  {
    name: "float64 1e-4 with 0.05 stays fixed",
    py: "torch.tensor([1e-4, 0.05], dtype=torch.float64)",
    shape: [2], dtype: "float64", data: [0.0001, 0.05],
    expected: "tensor([0.0001, 0.0500], dtype=torch.float64)",
  },
  {
    name: "sci: small values",
    py: "torch.tensor([1e-5, 1.0])",
    shape: [2], dtype: "float32", data: [9.999999747378752e-06, 1.0],
    expected: "tensor([1.0000e-05, 1.0000e+00])",
  },
  {
    name: "sci: negative and positive",
    py: "torch.tensor([-1e-5, 1e3, 2.5])",
    shape: [3], dtype: "float32", data: [-9.999999747378752e-06, 1000.0, 2.5],
    expected: "tensor([-1.0000e-05,  1.0000e+03,  2.5000e+00])",
  },
  {
    name: "sci: int mode ratio > 1000",
    py: "torch.tensor([1., 2000.])",
    shape: [2], dtype: "float32", data: [1.0, 2000.0],
    expected: "tensor([1.0000e+00, 2.0000e+03])",
  },
  {
    name: "sci: int mode max > 1e8",
    py: "torch.tensor([1e9, 1.])",
    shape: [2], dtype: "float32", data: [1000000000.0, 1.0],
    expected: "tensor([1.0000e+09, 1.0000e+00])",
  },
  {
    name: "int mode at exactly 1e8 stays fixed",
    py: "torch.tensor([1e8, 1e6])",
    shape: [2], dtype: "float32", data: [100000000.0, 1000000.0],
    expected: "tensor([100000000.,   1000000.])",
  },
  {
    name: "sci: fractional ratio > 1000",
    py: "torch.tensor([0.1, 100.5])",
    shape: [2], dtype: "float32", data: [0.10000000149011612, 100.5],
    expected: "tensor([1.0000e-01, 1.0050e+02])",
  },
  {
    name: "nan and inf with fractions",
    py: "torch.tensor([nan, inf, -inf, 1.5])",
    shape: [4], dtype: "float32", data: [NaN, Infinity, -Infinity, 1.5],
    expected: "tensor([   nan,    inf,   -inf, 1.5000])",
  },
  {
    name: "nan with whole numbers",
    py: "torch.tensor([nan, 1., 2.])",
    shape: [3], dtype: "float32", data: [NaN, 1.0, 2.0],
    expected: "tensor([nan, 1., 2.])",
  },
  {
    name: "-inf wider than int-mode width",
    py: "torch.tensor([1., -inf])",
    shape: [2], dtype: "float32", data: [1.0, -Infinity],
    expected: "tensor([1., -inf])",
  },
  {
    name: "only non-finite",
    py: "torch.tensor([nan, inf])",
    shape: [2], dtype: "float32", data: [NaN, Infinity],
    expected: "tensor([nan, inf])",
  },
  {
    name: "all zeros",
    py: "torch.tensor([0., 0.])",
    shape: [2], dtype: "float32", data: [0.0, 0.0],
    expected: "tensor([0., 0.])",
  },
  {
    name: "negative zero",
    py: "torch.tensor([-0., 1.])",
    shape: [2], dtype: "float32", data: [-0, 1.0],
    expected: "tensor([-0., 1.])",
  },
  {
    name: "negative zero fixed",
    py: "torch.tensor([-0., 1.5])",
    shape: [2], dtype: "float32", data: [-0, 1.5],
    expected: "tensor([-0.0000, 1.5000])",
  },
  {
    name: "float64 dtype suffix",
    py: "torch.tensor([1.5, 2.5], dtype=torch.float64)",
    shape: [2], dtype: "float64", data: [1.5, 2.5],
    expected: "tensor([1.5000, 2.5000], dtype=torch.float64)",
  },
  {
    name: "float64 round half even",
    py: "torch.tensor([0.03125, 0.5], dtype=torch.float64)",
    shape: [2], dtype: "float64", data: [0.03125, 0.5],
    expected: "tensor([0.0312, 0.5000], dtype=torch.float64)",
  },
  {
    name: "float64 sci round half even",
    py: "torch.tensor([1.03125, 1e-5], dtype=torch.float64)",
    shape: [2], dtype: "float64", data: [1.03125, 1e-05],
    expected: "tensor([1.0312e+00, 1.0000e-05], dtype=torch.float64)",
  },
  {
    name: "sci rounding carries into exponent",
    py: "torch.tensor([9.99996e-05, 1.0], dtype=torch.float64)",
    shape: [2], dtype: "float64", data: [9.99996e-05, 1.0],
    expected: "tensor([1.0000e-04, 1.0000e+00], dtype=torch.float64)",
  },
  {
    name: "float16",
    py: "torch.tensor([0.1, 1.5, -2.], dtype=torch.float16)",
    shape: [3], dtype: "float16", data: [0.0999755859375, 1.5, -2.0],
    expected: "tensor([ 0.1000,  1.5000, -2.0000], dtype=torch.float16)",
  },
  {
    name: "bfloat16",
    py: "torch.tensor([0.1, 3.14159], dtype=torch.bfloat16)",
    shape: [2], dtype: "bfloat16", data: [0.10009765625, 3.140625],
    expected: "tensor([0.1001, 3.1406], dtype=torch.bfloat16)",
  },
  {
    name: "float16 whole numbers",
    py: "torch.tensor([[1., 2.], [300., -4.]], dtype=torch.float16)",
    shape: [2, 2], dtype: "float16", data: [1.0, 2.0, 300.0, -4.0],
    expected: [
      "tensor([[  1.,   2.],",
      "        [300.,  -4.]], dtype=torch.float16)",
    ].join("\n"),
  },
  {
    name: "int64",
    py: "torch.tensor([1, -20, 300])",
    shape: [3], dtype: "int64", data: [1n, -20n, 300n],
    expected: "tensor([  1, -20, 300])",
  },
  {
    name: "int64 2-D alignment",
    py: "torch.tensor([[1, -100], [20, 3]])",
    shape: [2, 2], dtype: "int64", data: [1n, -100n, 20n, 3n],
    expected: [
      "tensor([[   1, -100],",
      "        [  20,    3]])",
    ].join("\n"),
  },
  {
    name: "int64 beyond 2^53",
    py: "torch.tensor([2**62 + 1, -2**63])",
    shape: [2], dtype: "int64", data: [4611686018427387905n, -9223372036854775808n],
    expected: "tensor([ 4611686018427387905, -9223372036854775808])",
  },
  {
    name: "int32",
    py: "torch.tensor([1, 2], dtype=torch.int32)",
    shape: [2], dtype: "int32", data: [1, 2],
    expected: "tensor([1, 2], dtype=torch.int32)",
  },
  {
    name: "int16",
    py: "torch.tensor([-7, 300], dtype=torch.int16)",
    shape: [2], dtype: "int16", data: [-7, 300],
    expected: "tensor([ -7, 300], dtype=torch.int16)",
  },
  {
    name: "int8",
    py: "torch.tensor([-128, 127], dtype=torch.int8)",
    shape: [2], dtype: "int8", data: [-128, 127],
    expected: "tensor([-128,  127], dtype=torch.int8)",
  },
  {
    name: "uint8",
    py: "torch.tensor([0, 255, 7], dtype=torch.uint8)",
    shape: [3], dtype: "uint8", data: [0, 255, 7],
    expected: "tensor([  0, 255,   7], dtype=torch.uint8)",
  },
  {
    name: "bool",
    py: "torch.tensor([True, False])",
    shape: [2], dtype: "bool", data: [true, false],
    expected: "tensor([ True, False])",
  },
  {
    name: "bool all true",
    py: "torch.tensor([True, True])",
    shape: [2], dtype: "bool", data: [true, true],
    expected: "tensor([True, True])",
  },
  {
    name: "bool 2-D",
    py: "torch.tensor([[True, False], [False, True]])",
    shape: [2, 2], dtype: "bool", data: [true, false, false, true],
    expected: [
      "tensor([[ True, False],",
      "        [False,  True]])",
    ].join("\n"),
  },
  {
    name: "scalar float",
    py: "torch.tensor(3.5)",
    shape: [], dtype: "float32", data: [3.5],
    expected: "tensor(3.5000)",
  },
  {
    name: "scalar whole float",
    py: "torch.tensor(5.)",
    shape: [], dtype: "float32", data: [5.0],
    expected: "tensor(5.)",
  },
  {
    name: "scalar zero",
    py: "torch.tensor(0.)",
    shape: [], dtype: "float32", data: [0.0],
    expected: "tensor(0.)",
  },
  {
    name: "scalar negative zero",
    py: "torch.tensor(-0.)",
    shape: [], dtype: "float32", data: [-0],
    expected: "tensor(-0.)",
  },
  {
    name: "scalar sci",
    py: "torch.tensor(1e-5)",
    shape: [], dtype: "float32", data: [9.999999747378752e-06],
    expected: "tensor(1.0000e-05)",
  },
  {
    name: "scalar nan",
    py: "torch.tensor(nan)",
    shape: [], dtype: "float32", data: [NaN],
    expected: "tensor(nan)",
  },
  {
    name: "scalar int64",
    py: "torch.tensor(7)",
    shape: [], dtype: "int64", data: [7n],
    expected: "tensor(7)",
  },
  {
    name: "scalar int32",
    py: "torch.tensor(3, dtype=torch.int32)",
    shape: [], dtype: "int32", data: [3],
    expected: "tensor(3, dtype=torch.int32)",
  },
  {
    name: "scalar bool",
    py: "torch.tensor(True)",
    shape: [], dtype: "bool", data: [true],
    expected: "tensor(True)",
  },
  {
    name: "scalar float64",
    py: "torch.tensor(1.5, dtype=torch.float64)",
    shape: [], dtype: "float64", data: [1.5],
    expected: "tensor(1.5000, dtype=torch.float64)",
  },
  {
    name: "empty 1-D float",
    py: "torch.empty(0)",
    shape: [0], dtype: "float32", data: [],
    expected: "tensor([])",
  },
  {
    name: "empty 2-D float",
    py: "torch.zeros(0, 3)",
    shape: [0, 3], dtype: "float32", data: [],
    expected: "tensor([], size=(0, 3))",
  },
  {
    name: "empty int64",
    py: "torch.zeros(0, dtype=torch.int64)",
    shape: [0], dtype: "int64", data: [],
    expected: "tensor([], dtype=torch.int64)",
  },
  {
    name: "empty bool 2-D",
    py: "torch.zeros(2, 0, dtype=torch.bool)",
    shape: [2, 0], dtype: "bool", data: [],
    expected: "tensor([], size=(2, 0), dtype=torch.bool)",
  },
  {
    name: "empty float64 3-D",
    py: "torch.zeros(1, 0, 2, dtype=torch.float64)",
    shape: [1, 0, 2], dtype: "float64", data: [],
    expected: "tensor([], size=(1, 0, 2), dtype=torch.float64)",
  },
  {
    name: "requires_grad",
    py: "torch.tensor([1., 2.], requires_grad=True)",
    shape: [2], dtype: "float32", data: [1.0, 2.0],
    requiresGrad: true,
    expected: "tensor([1., 2.], requires_grad=True)",
  },
  {
    name: "requires_grad float64",
    py: "torch.tensor([1.5, 2.], dtype=torch.float64, requires_grad=True)",
    shape: [2], dtype: "float64", data: [1.5, 2.0],
    requiresGrad: true,
    expected: "tensor([1.5000, 2.0000], dtype=torch.float64, requires_grad=True)",
  },
  {
    name: "grad_fn",
    py: "torch.tensor([1., 2.], requires_grad=True) + 1",
    shape: [2], dtype: "float32", data: [2.0, 3.0],
    requiresGrad: true, gradFn: "AddBackward0",
    expected: "tensor([2., 3.], grad_fn=<AddBackward0>)",
  },
  {
    name: "scalar grad_fn",
    py: "torch.tensor([2., 3.], requires_grad=True).sum()",
    shape: [], dtype: "float32", data: [5.0],
    requiresGrad: true, gradFn: "SumBackward0",
    expected: "tensor(5., grad_fn=<SumBackward0>)",
  },
  {
    name: "empty requires_grad",
    py: "torch.zeros(0, 2, requires_grad=True)",
    shape: [0, 2], dtype: "float32", data: [],
    requiresGrad: true,
    expected: "tensor([], size=(0, 2), requires_grad=True)",
  },
  {
    name: "parameter",
    py: "torch.nn.Parameter(torch.tensor([[1., 2.], [3., 4.5]]))",
    shape: [2, 2], dtype: "float32", data: [1.0, 2.0, 3.0, 4.5],
    requiresGrad: true, isParameter: true,
    expected: [
      "Parameter containing:",
      "tensor([[1.0000, 2.0000],",
      "        [3.0000, 4.5000]], requires_grad=True)",
    ].join("\n"),
  },
  {
    name: "parameter without grad",
    py: "torch.nn.Parameter(torch.tensor([1, 2]), requires_grad=False)",
    shape: [2], dtype: "int64", data: [1n, 2n],
    isParameter: true,
    expected: [
      "Parameter containing:",
      "tensor([1, 2])",
    ].join("\n"),
  },
  {
    name: "wrap: float vector",
    py: "torch.arange(30.) / 7",
    shape: [30], dtype: "float32", data: (i) => Math.fround(i / 7),
    expected: [
      "tensor([0.0000, 0.1429, 0.2857, 0.4286, 0.5714, 0.7143, 0.8571, 1.0000, 1.1429,",
      "        1.2857, 1.4286, 1.5714, 1.7143, 1.8571, 2.0000, 2.1429, 2.2857, 2.4286,",
      "        2.5714, 2.7143, 2.8571, 3.0000, 3.1429, 3.2857, 3.4286, 3.5714, 3.7143,",
      "        3.8571, 4.0000, 4.1429])",
    ].join("\n"),
  },
  {
    name: "wrap: int vector",
    py: "torch.arange(100)",
    shape: [100], dtype: "int64", data: (i) => BigInt(i),
    expected: [
      "tensor([ 0,  1,  2,  3,  4,  5,  6,  7,  8,  9, 10, 11, 12, 13, 14, 15, 16, 17,",
      "        18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35,",
      "        36, 37, 38, 39, 40, 41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, 52, 53,",
      "        54, 55, 56, 57, 58, 59, 60, 61, 62, 63, 64, 65, 66, 67, 68, 69, 70, 71,",
      "        72, 73, 74, 75, 76, 77, 78, 79, 80, 81, 82, 83, 84, 85, 86, 87, 88, 89,",
      "        90, 91, 92, 93, 94, 95, 96, 97, 98, 99])",
    ].join("\n"),
  },
  {
    name: "wrap: 2-D rows",
    py: "torch.arange(60.).reshape(2, 30) * 1.5",
    shape: [2, 30], dtype: "float32", data: (i) => i * 1.5,
    expected: [
      "tensor([[ 0.0000,  1.5000,  3.0000,  4.5000,  6.0000,  7.5000,  9.0000, 10.5000,",
      "         12.0000, 13.5000, 15.0000, 16.5000, 18.0000, 19.5000, 21.0000, 22.5000,",
      "         24.0000, 25.5000, 27.0000, 28.5000, 30.0000, 31.5000, 33.0000, 34.5000,",
      "         36.0000, 37.5000, 39.0000, 40.5000, 42.0000, 43.5000],",
      "        [45.0000, 46.5000, 48.0000, 49.5000, 51.0000, 52.5000, 54.0000, 55.5000,",
      "         57.0000, 58.5000, 60.0000, 61.5000, 63.0000, 64.5000, 66.0000, 67.5000,",
      "         69.0000, 70.5000, 72.0000, 73.5000, 75.0000, 76.5000, 78.0000, 79.5000,",
      "         81.0000, 82.5000, 84.0000, 85.5000, 87.0000, 88.5000]])",
    ].join("\n"),
  },
  {
    name: "wrap: 3-D rows",
    py: "torch.arange(80).reshape(2, 2, 20) * 1000",
    shape: [2, 2, 20], dtype: "int64", data: (i) => BigInt(i * 1000),
    expected: [
      "tensor([[[    0,  1000,  2000,  3000,  4000,  5000,  6000,  7000,  8000,  9000,",
      "          10000, 11000, 12000, 13000, 14000, 15000, 16000, 17000, 18000, 19000],",
      "         [20000, 21000, 22000, 23000, 24000, 25000, 26000, 27000, 28000, 29000,",
      "          30000, 31000, 32000, 33000, 34000, 35000, 36000, 37000, 38000, 39000]],",
      "",
      "        [[40000, 41000, 42000, 43000, 44000, 45000, 46000, 47000, 48000, 49000,",
      "          50000, 51000, 52000, 53000, 54000, 55000, 56000, 57000, 58000, 59000],",
      "         [60000, 61000, 62000, 63000, 64000, 65000, 66000, 67000, 68000, 69000,",
      "          70000, 71000, 72000, 73000, 74000, 75000, 76000, 77000, 78000, 79000]]])",
    ].join("\n"),
  },
  {
    name: "3-D",
    py: "torch.arange(24).reshape(2, 3, 4)",
    shape: [2, 3, 4], dtype: "int64", data: (i) => BigInt(i),
    expected: [
      "tensor([[[ 0,  1,  2,  3],",
      "         [ 4,  5,  6,  7],",
      "         [ 8,  9, 10, 11]],",
      "",
      "        [[12, 13, 14, 15],",
      "         [16, 17, 18, 19],",
      "         [20, 21, 22, 23]]])",
    ].join("\n"),
  },
  {
    name: "4-D",
    py: "torch.arange(16.).reshape(2, 2, 2, 2)",
    shape: [2, 2, 2, 2], dtype: "float32", data: (i) => i,
    expected: [
      "tensor([[[[ 0.,  1.],",
      "          [ 2.,  3.]],",
      "",
      "         [[ 4.,  5.],",
      "          [ 6.,  7.]]],",
      "",
      "",
      "        [[[ 8.,  9.],",
      "          [10., 11.]],",
      "",
      "         [[12., 13.],",
      "          [14., 15.]]]])",
    ].join("\n"),
  },
  {
    name: "size-1 dims",
    py: "torch.tensor([[[1.5]]])",
    shape: [1, 1, 1], dtype: "float32", data: [1.5],
    expected: "tensor([[[1.5000]]])",
  },
  {
    name: "suffix wraps onto a new line",
    py: "torch.linspace(0, 1, 9, dtype=torch.float64, requires_grad=True)",
    shape: [9], dtype: "float64", data: (i) => i / 8,
    requiresGrad: true,
    expected: [
      "tensor([0.0000, 0.1250, 0.2500, 0.3750, 0.5000, 0.6250, 0.7500, 0.8750, 1.0000],",
      "       dtype=torch.float64, requires_grad=True)",
    ].join("\n"),
  },
  {
    name: "suffix wraps after wrapped rows",
    py: "(torch.arange(20.).reshape(2, 10) * 1.25 + 100).requires_grad_().mul(2)",
    shape: [2, 10], dtype: "float32", data: (i) => (i * 1.25 + 100) * 2,
    requiresGrad: true, gradFn: "MulBackward0",
    expected: [
      "tensor([[200.0000, 202.5000, 205.0000, 207.5000, 210.0000, 212.5000, 215.0000,",
      "         217.5000, 220.0000, 222.5000],",
      "        [225.0000, 227.5000, 230.0000, 232.5000, 235.0000, 237.5000, 240.0000,",
      "         242.5000, 245.0000, 247.5000]], grad_fn=<MulBackward0>)",
    ].join("\n"),
  },
  {
    name: "dtype and grad_fn wrap",
    py: "torch.arange(10., dtype=torch.float64, requires_grad=True) * 1.5",
    shape: [10], dtype: "float64", data: (i) => i * 1.5,
    requiresGrad: true, gradFn: "MulBackward0",
    expected: [
      "tensor([ 0.0000,  1.5000,  3.0000,  4.5000,  6.0000,  7.5000,  9.0000, 10.5000,",
      "        12.0000, 13.5000], dtype=torch.float64, grad_fn=<MulBackward0>)",
    ].join("\n"),
  },
  {
    name: "summarize 1-D int",
    py: "torch.arange(2000)",
    shape: [2000], dtype: "int64", data: (i) => BigInt(i),
    expected: "tensor([   0,    1,    2,  ..., 1997, 1998, 1999])",
  },
  {
    name: "summarize 2-D float",
    py: "torch.arange(2000.).reshape(40, 50)",
    shape: [40, 50], dtype: "float32", data: (i) => i,
    expected: [
      "tensor([[0.0000e+00, 1.0000e+00, 2.0000e+00,  ..., 4.7000e+01, 4.8000e+01,",
      "         4.9000e+01],",
      "        [5.0000e+01, 5.1000e+01, 5.2000e+01,  ..., 9.7000e+01, 9.8000e+01,",
      "         9.9000e+01],",
      "        [1.0000e+02, 1.0100e+02, 1.0200e+02,  ..., 1.4700e+02, 1.4800e+02,",
      "         1.4900e+02],",
      "        ...,",
      "        [1.8500e+03, 1.8510e+03, 1.8520e+03,  ..., 1.8970e+03, 1.8980e+03,",
      "         1.8990e+03],",
      "        [1.9000e+03, 1.9010e+03, 1.9020e+03,  ..., 1.9470e+03, 1.9480e+03,",
      "         1.9490e+03],",
      "        [1.9500e+03, 1.9510e+03, 1.9520e+03,  ..., 1.9970e+03, 1.9980e+03,",
      "         1.9990e+03]])",
    ].join("\n"),
  },
  {
    name: "summarize 3-D",
    py: "torch.arange(3000).reshape(10, 10, 30)",
    shape: [10, 10, 30], dtype: "int64", data: (i) => BigInt(i),
    expected: [
      "tensor([[[   0,    1,    2,  ...,   27,   28,   29],",
      "         [  30,   31,   32,  ...,   57,   58,   59],",
      "         [  60,   61,   62,  ...,   87,   88,   89],",
      "         ...,",
      "         [ 210,  211,  212,  ...,  237,  238,  239],",
      "         [ 240,  241,  242,  ...,  267,  268,  269],",
      "         [ 270,  271,  272,  ...,  297,  298,  299]],",
      "",
      "        [[ 300,  301,  302,  ...,  327,  328,  329],",
      "         [ 330,  331,  332,  ...,  357,  358,  359],",
      "         [ 360,  361,  362,  ...,  387,  388,  389],",
      "         ...,",
      "         [ 510,  511,  512,  ...,  537,  538,  539],",
      "         [ 540,  541,  542,  ...,  567,  568,  569],",
      "         [ 570,  571,  572,  ...,  597,  598,  599]],",
      "",
      "        [[ 600,  601,  602,  ...,  627,  628,  629],",
      "         [ 630,  631,  632,  ...,  657,  658,  659],",
      "         [ 660,  661,  662,  ...,  687,  688,  689],",
      "         ...,",
      "         [ 810,  811,  812,  ...,  837,  838,  839],",
      "         [ 840,  841,  842,  ...,  867,  868,  869],",
      "         [ 870,  871,  872,  ...,  897,  898,  899]],",
      "",
      "        ...,",
      "",
      "        [[2100, 2101, 2102,  ..., 2127, 2128, 2129],",
      "         [2130, 2131, 2132,  ..., 2157, 2158, 2159],",
      "         [2160, 2161, 2162,  ..., 2187, 2188, 2189],",
      "         ...,",
      "         [2310, 2311, 2312,  ..., 2337, 2338, 2339],",
      "         [2340, 2341, 2342,  ..., 2367, 2368, 2369],",
      "         [2370, 2371, 2372,  ..., 2397, 2398, 2399]],",
      "",
      "        [[2400, 2401, 2402,  ..., 2427, 2428, 2429],",
      "         [2430, 2431, 2432,  ..., 2457, 2458, 2459],",
      "         [2460, 2461, 2462,  ..., 2487, 2488, 2489],",
      "         ...,",
      "         [2610, 2611, 2612,  ..., 2637, 2638, 2639],",
      "         [2640, 2641, 2642,  ..., 2667, 2668, 2669],",
      "         [2670, 2671, 2672,  ..., 2697, 2698, 2699]],",
      "",
      "        [[2700, 2701, 2702,  ..., 2727, 2728, 2729],",
      "         [2730, 2731, 2732,  ..., 2757, 2758, 2759],",
      "         [2760, 2761, 2762,  ..., 2787, 2788, 2789],",
      "         ...,",
      "         [2910, 2911, 2912,  ..., 2937, 2938, 2939],",
      "         [2940, 2941, 2942,  ..., 2967, 2968, 2969],",
      "         [2970, 2971, 2972,  ..., 2997, 2998, 2999]]])",
    ].join("\n"),
  },
  {
    name: "summarize small dims kept",
    py: "torch.arange(1200.).reshape(2, 600) / 3",
    shape: [2, 600], dtype: "float32", data: (i) => Math.fround(i / 3),
    expected: [
      "tensor([[0.0000e+00, 3.3333e-01, 6.6667e-01,  ..., 1.9900e+02, 1.9933e+02,",
      "         1.9967e+02],",
      "        [2.0000e+02, 2.0033e+02, 2.0067e+02,  ..., 3.9900e+02, 3.9933e+02,",
      "         3.9967e+02]])",
    ].join("\n"),
  },
  {
    name: "formatter sees only summarised values",
    py: "torch.ones(2000).index_fill_(0, torch.tensor([1000]), 1e10)",
    shape: [2000], dtype: "float32", data: (i) => (i === 1000 ? 1e10 : 1),
    expected: "tensor([1., 1., 1.,  ..., 1., 1., 1.])",
  },
  {
    name: "summarize bool",
    py: "torch.arange(1500) % 3 == 0",
    shape: [1500], dtype: "bool", data: (i) => i % 3 === 0,
    expected: "tensor([ True, False, False,  ...,  True, False, False])",
  },
  {
    name: "precision 2",
    py: "torch.tensor([1.12345, 2.])",
    options: { precision: 2 },
    shape: [2], dtype: "float32", data: [1.1234500408172607, 2.0],
    expected: "tensor([1.12, 2.00])",
  },
  {
    name: "precision 0",
    py: "torch.tensor([1.5, 2.5, 0.25])",
    options: { precision: 0 },
    shape: [3], dtype: "float32", data: [1.5, 2.5, 0.25],
    expected: "tensor([2, 2, 0])",
  },
  {
    name: "precision 6 sci",
    py: "torch.tensor([1e-7, 2.5], dtype=torch.float64)",
    options: { precision: 6 },
    shape: [2], dtype: "float64", data: [1e-07, 2.5],
    expected: "tensor([1.000000e-07, 2.500000e+00], dtype=torch.float64)",
  },
  {
    name: "sci_mode False",
    py: "torch.tensor([1e-5, 1.])",
    options: { sciMode: false },
    shape: [2], dtype: "float32", data: [9.999999747378752e-06, 1.0],
    expected: "tensor([    0.0000,     1.0000])",
  },
  {
    name: "sci_mode False int mode wide",
    py: "torch.tensor([1e9, 1.])",
    options: { sciMode: false },
    shape: [2], dtype: "float32", data: [1000000000.0, 1.0],
    expected: "tensor([1000000000.,         1.])",
  },
  {
    name: "sci_mode True",
    py: "torch.tensor([1.5, -2.])",
    options: { sciMode: true },
    shape: [2], dtype: "float32", data: [1.5, -2.0],
    expected: "tensor([1.5000e+00, -2.0000e+00])",
  },
  {
    name: "sci_mode True whole",
    py: "torch.tensor([1., 20.])",
    options: { sciMode: true },
    shape: [2], dtype: "float32", data: [1.0, 20.0],
    expected: "tensor([1.0000e+00, 2.0000e+01])",
  },
  {
    name: "sci_mode True ignored for zeros",
    py: "torch.tensor([0., 0.])",
    options: { sciMode: true },
    shape: [2], dtype: "float32", data: [0.0, 0.0],
    expected: "tensor([0., 0.])",
  },
  {
    name: "threshold 5",
    py: "torch.arange(10)",
    options: { threshold: 5 },
    shape: [10], dtype: "int64", data: (i) => BigInt(i),
    expected: "tensor([0, 1, 2,  ..., 7, 8, 9])",
  },
  {
    name: "threshold 5 edgeitems 1 2-D",
    py: "torch.arange(20.).reshape(4, 5)",
    options: { threshold: 5, edgeitems: 1 },
    shape: [4, 5], dtype: "float32", data: (i) => i,
    expected: [
      "tensor([[ 0.,  ...,  4.],",
      "        ...,",
      "        [15.,  ..., 19.]])",
    ].join("\n"),
  },
  {
    name: "linewidth 40",
    py: "torch.arange(20.) + 0.5",
    options: { linewidth: 40 },
    shape: [20], dtype: "float32", data: (i) => i + 0.5,
    expected: [
      "tensor([ 0.5000,  1.5000,  2.5000,",
      "         3.5000,  4.5000,  5.5000,",
      "         6.5000,  7.5000,  8.5000,",
      "         9.5000, 10.5000, 11.5000,",
      "        12.5000, 13.5000, 14.5000,",
      "        15.5000, 16.5000, 17.5000,",
      "        18.5000, 19.5000])",
    ].join("\n"),
  },
  {
    name: "linewidth 40 suffix",
    py: "torch.tensor([1.5, 2.5, 3.5, 4.5], dtype=torch.float64, requires_grad=True)",
    options: { linewidth: 40 },
    shape: [4], dtype: "float64", data: [1.5, 2.5, 3.5, 4.5],
    requiresGrad: true,
    expected: [
      "tensor([1.5000, 2.5000, 3.5000, 4.5000],",
      "       dtype=torch.float64,",
      "       requires_grad=True)",
    ].join("\n"),
  },
  {
    name: "profile short",
    py: "torch.arange(2000.) / 3",
    options: { profile: "short" },
    shape: [2000], dtype: "float32", data: (i) => Math.fround(i / 3),
    expected: "tensor([0.00e+00, 3.33e-01,  ..., 6.66e+02, 6.66e+02])",
  },
  {
    name: "profile full",
    py: "torch.arange(1001)",
    options: { profile: "full" },
    shape: [1001], dtype: "int64", data: (i) => BigInt(i),
    expected: [
      "tensor([   0,    1,    2,    3,    4,    5,    6,    7,    8,    9,   10,   11,",
      "          12,   13,   14,   15,   16,   17,   18,   19,   20,   21,   22,   23,",
      "          24,   25,   26,   27,   28,   29,   30,   31,   32,   33,   34,   35,",
      "          36,   37,   38,   39,   40,   41,   42,   43,   44,   45,   46,   47,",
      "          48,   49,   50,   51,   52,   53,   54,   55,   56,   57,   58,   59,",
      "          60,   61,   62,   63,   64,   65,   66,   67,   68,   69,   70,   71,",
      "          72,   73,   74,   75,   76,   77,   78,   79,   80,   81,   82,   83,",
      "          84,   85,   86,   87,   88,   89,   90,   91,   92,   93,   94,   95,",
      "          96,   97,   98,   99,  100,  101,  102,  103,  104,  105,  106,  107,",
      "         108,  109,  110,  111,  112,  113,  114,  115,  116,  117,  118,  119,",
      "         120,  121,  122,  123,  124,  125,  126,  127,  128,  129,  130,  131,",
      "         132,  133,  134,  135,  136,  137,  138,  139,  140,  141,  142,  143,",
      "         144,  145,  146,  147,  148,  149,  150,  151,  152,  153,  154,  155,",
      "         156,  157,  158,  159,  160,  161,  162,  163,  164,  165,  166,  167,",
      "         168,  169,  170,  171,  172,  173,  174,  175,  176,  177,  178,  179,",
      "         180,  181,  182,  183,  184,  185,  186,  187,  188,  189,  190,  191,",
      "         192,  193,  194,  195,  196,  197,  198,  199,  200,  201,  202,  203,",
      "         204,  205,  206,  207,  208,  209,  210,  211,  212,  213,  214,  215,",
      "         216,  217,  218,  219,  220,  221,  222,  223,  224,  225,  226,  227,",
      "         228,  229,  230,  231,  232,  233,  234,  235,  236,  237,  238,  239,",
      "         240,  241,  242,  243,  244,  245,  246,  247,  248,  249,  250,  251,",
      "         252,  253,  254,  255,  256,  257,  258,  259,  260,  261,  262,  263,",
      "         264,  265,  266,  267,  268,  269,  270,  271,  272,  273,  274,  275,",
      "         276,  277,  278,  279,  280,  281,  282,  283,  284,  285,  286,  287,",
      "         288,  289,  290,  291,  292,  293,  294,  295,  296,  297,  298,  299,",
      "         300,  301,  302,  303,  304,  305,  306,  307,  308,  309,  310,  311,",
      "         312,  313,  314,  315,  316,  317,  318,  319,  320,  321,  322,  323,",
      "         324,  325,  326,  327,  328,  329,  330,  331,  332,  333,  334,  335,",
      "         336,  337,  338,  339,  340,  341,  342,  343,  344,  345,  346,  347,",
      "         348,  349,  350,  351,  352,  353,  354,  355,  356,  357,  358,  359,",
      "         360,  361,  362,  363,  364,  365,  366,  367,  368,  369,  370,  371,",
      "         372,  373,  374,  375,  376,  377,  378,  379,  380,  381,  382,  383,",
      "         384,  385,  386,  387,  388,  389,  390,  391,  392,  393,  394,  395,",
      "         396,  397,  398,  399,  400,  401,  402,  403,  404,  405,  406,  407,",
      "         408,  409,  410,  411,  412,  413,  414,  415,  416,  417,  418,  419,",
      "         420,  421,  422,  423,  424,  425,  426,  427,  428,  429,  430,  431,",
      "         432,  433,  434,  435,  436,  437,  438,  439,  440,  441,  442,  443,",
      "         444,  445,  446,  447,  448,  449,  450,  451,  452,  453,  454,  455,",
      "         456,  457,  458,  459,  460,  461,  462,  463,  464,  465,  466,  467,",
      "         468,  469,  470,  471,  472,  473,  474,  475,  476,  477,  478,  479,",
      "         480,  481,  482,  483,  484,  485,  486,  487,  488,  489,  490,  491,",
      "         492,  493,  494,  495,  496,  497,  498,  499,  500,  501,  502,  503,",
      "         504,  505,  506,  507,  508,  509,  510,  511,  512,  513,  514,  515,",
      "         516,  517,  518,  519,  520,  521,  522,  523,  524,  525,  526,  527,",
      "         528,  529,  530,  531,  532,  533,  534,  535,  536,  537,  538,  539,",
      "         540,  541,  542,  543,  544,  545,  546,  547,  548,  549,  550,  551,",
      "         552,  553,  554,  555,  556,  557,  558,  559,  560,  561,  562,  563,",
      "         564,  565,  566,  567,  568,  569,  570,  571,  572,  573,  574,  575,",
      "         576,  577,  578,  579,  580,  581,  582,  583,  584,  585,  586,  587,",
      "         588,  589,  590,  591,  592,  593,  594,  595,  596,  597,  598,  599,",
      "         600,  601,  602,  603,  604,  605,  606,  607,  608,  609,  610,  611,",
      "         612,  613,  614,  615,  616,  617,  618,  619,  620,  621,  622,  623,",
      "         624,  625,  626,  627,  628,  629,  630,  631,  632,  633,  634,  635,",
      "         636,  637,  638,  639,  640,  641,  642,  643,  644,  645,  646,  647,",
      "         648,  649,  650,  651,  652,  653,  654,  655,  656,  657,  658,  659,",
      "         660,  661,  662,  663,  664,  665,  666,  667,  668,  669,  670,  671,",
      "         672,  673,  674,  675,  676,  677,  678,  679,  680,  681,  682,  683,",
      "         684,  685,  686,  687,  688,  689,  690,  691,  692,  693,  694,  695,",
      "         696,  697,  698,  699,  700,  701,  702,  703,  704,  705,  706,  707,",
      "         708,  709,  710,  711,  712,  713,  714,  715,  716,  717,  718,  719,",
      "         720,  721,  722,  723,  724,  725,  726,  727,  728,  729,  730,  731,",
      "         732,  733,  734,  735,  736,  737,  738,  739,  740,  741,  742,  743,",
      "         744,  745,  746,  747,  748,  749,  750,  751,  752,  753,  754,  755,",
      "         756,  757,  758,  759,  760,  761,  762,  763,  764,  765,  766,  767,",
      "         768,  769,  770,  771,  772,  773,  774,  775,  776,  777,  778,  779,",
      "         780,  781,  782,  783,  784,  785,  786,  787,  788,  789,  790,  791,",
      "         792,  793,  794,  795,  796,  797,  798,  799,  800,  801,  802,  803,",
      "         804,  805,  806,  807,  808,  809,  810,  811,  812,  813,  814,  815,",
      "         816,  817,  818,  819,  820,  821,  822,  823,  824,  825,  826,  827,",
      "         828,  829,  830,  831,  832,  833,  834,  835,  836,  837,  838,  839,",
      "         840,  841,  842,  843,  844,  845,  846,  847,  848,  849,  850,  851,",
      "         852,  853,  854,  855,  856,  857,  858,  859,  860,  861,  862,  863,",
      "         864,  865,  866,  867,  868,  869,  870,  871,  872,  873,  874,  875,",
      "         876,  877,  878,  879,  880,  881,  882,  883,  884,  885,  886,  887,",
      "         888,  889,  890,  891,  892,  893,  894,  895,  896,  897,  898,  899,",
      "         900,  901,  902,  903,  904,  905,  906,  907,  908,  909,  910,  911,",
      "         912,  913,  914,  915,  916,  917,  918,  919,  920,  921,  922,  923,",
      "         924,  925,  926,  927,  928,  929,  930,  931,  932,  933,  934,  935,",
      "         936,  937,  938,  939,  940,  941,  942,  943,  944,  945,  946,  947,",
      "         948,  949,  950,  951,  952,  953,  954,  955,  956,  957,  958,  959,",
      "         960,  961,  962,  963,  964,  965,  966,  967,  968,  969,  970,  971,",
      "         972,  973,  974,  975,  976,  977,  978,  979,  980,  981,  982,  983,",
      "         984,  985,  986,  987,  988,  989,  990,  991,  992,  993,  994,  995,",
      "         996,  997,  998,  999, 1000])",
    ].join("\n"),
  },
  {
    name: "default dtype float64: float64 unmarked",
    py: "torch.tensor([1.5, 2.])",
    defaultDtype: "float64",
    shape: [2], dtype: "float64", data: [1.5, 2.0],
    expected: "tensor([1.5000, 2.0000])",
  },
  {
    name: "default dtype float64: float32 marked",
    py: "torch.tensor([1.5, 2.], dtype=torch.float32)",
    defaultDtype: "float64",
    shape: [2], dtype: "float32", data: [1.5, 2.0],
    expected: "tensor([1.5000, 2.0000], dtype=torch.float32)",
  },
  {
    name: "default dtype float64: empty int64",
    py: "torch.zeros(0, dtype=torch.int64)",
    defaultDtype: "float64",
    shape: [0], dtype: "int64", data: [],
    expected: "tensor([], dtype=torch.int64)",
  },
];

// [value, f"{v:.4f}", f"{v:.0f}", f"{v:.2f}", f"{v:.4e}", f"{v:.0e}", repr(v)] from Python 3.
const FORMATS: [number, string, string, string, string, string, string][] = [
  [0.0, "0.0000", "0", "0.00", "0.0000e+00", "0e+00", "0.0"],
  [-0, "-0.0000", "-0", "-0.00", "-0.0000e+00", "-0e+00", "-0.0"],
  [1.0, "1.0000", "1", "1.00", "1.0000e+00", "1e+00", "1.0"],
  [-1.5, "-1.5000", "-2", "-1.50", "-1.5000e+00", "-2e+00", "-1.5"],
  [0.1, "0.1000", "0", "0.10", "1.0000e-01", "1e-01", "0.1"],
  [0.03125, "0.0312", "0", "0.03", "3.1250e-02", "3e-02", "0.03125"],
  [2.5, "2.5000", "2", "2.50", "2.5000e+00", "2e+00", "2.5"],
  [0.125, "0.1250", "0", "0.12", "1.2500e-01", "1e-01", "0.125"],
  [1.03125, "1.0312", "1", "1.03", "1.0312e+00", "1e+00", "1.03125"],
  [9.99996e-05, "0.0001", "0", "0.00", "1.0000e-04", "1e-04", "9.99996e-05"],
  [99999.5, "99999.5000", "100000", "99999.50", "1.0000e+05", "1e+05", "99999.5"],
  [123456789.0, "123456789.0000", "123456789", "123456789.00", "1.2346e+08", "1e+08", "123456789.0"],
  [1e+21, "1000000000000000000000.0000", "1000000000000000000000", "1000000000000000000000.00", "1.0000e+21", "1e+21", "1e+21"],
  [5e-324, "0.0000", "0", "0.00", "4.9407e-324", "5e-324", "5e-324"],
  [2.2250738585072014e-308, "0.0000", "0", "0.00", "2.2251e-308", "2e-308", "2.2250738585072014e-308"],
  [0.3, "0.3000", "0", "0.30", "3.0000e-01", "3e-01", "0.3"],
  [0.3333333333333333, "0.3333", "0", "0.33", "3.3333e-01", "3e-01", "0.3333333333333333"],
  [0.6666666666666666, "0.6667", "1", "0.67", "6.6667e-01", "7e-01", "0.6666666666666666"],
  [1e-05, "0.0000", "0", "0.00", "1.0000e-05", "1e-05", "1e-05"],
  [1e+16, "10000000000000000.0000", "10000000000000000", "10000000000000000.00", "1.0000e+16", "1e+16", "1e+16"],
  [1000000000000000.0, "1000000000000000.0000", "1000000000000000", "1000000000000000.00", "1.0000e+15", "1e+15", "1000000000000000.0"],
  [0.0001, "0.0001", "0", "0.00", "1.0000e-04", "1e-04", "0.0001"],
  [123.456, "123.4560", "123", "123.46", "1.2346e+02", "1e+02", "123.456"],
  [6.02214076e+23, "602214075999999987023872.0000", "602214075999999987023872", "602214075999999987023872.00", "6.0221e+23", "6e+23", "6.02214076e+23"],
  [-2.5e-07, "-0.0000", "-0", "-0.00", "-2.5000e-07", "-2e-07", "-2.5e-07"],
  [NaN, "nan", "nan", "nan", "nan", "nan", "nan"],
  [Infinity, "inf", "inf", "inf", "inf", "inf", "inf"],
  [-Infinity, "-inf", "-inf", "-inf", "-inf", "-inf", "-inf"],
];

afterEach(() => {
  setPrintOptions({ profile: "default" });
  setDefaultDtype("float32");
});

describe("formatTensor matches PyTorch's repr", () => {
  for (const c of CASES) {
    test(`${c.name}: ${c.py}`, () => {
      assert.equal(render(c), c.expected);
    });
  }
});

describe("cases derived from PyTorch 2.x's _tensor_str.py", () => {
  test("a non-CPU device prints first, with its index, like cuda", () => {
    const base = { shape: [2], dtype: "float32" as const, data: [1, 2] };
    assert.equal(formatTensor(printable({ ...base, device: "webgpu:0" })), "tensor([1., 2.], device='webgpu:0')");
    assert.equal(formatTensor(printable({ ...base, device: "webgpu" })), "tensor([1., 2.], device='webgpu:0')");
    assert.equal(
      formatTensor(printable({ shape: [2], dtype: "int32", data: [1, 2], device: "webgpu:1", requiresGrad: false })),
      "tensor([1, 2], device='webgpu:1', dtype=torch.int32)",
    );
    assert.equal(
      formatTensor(printable({ shape: [0, 2], dtype: "float32", data: [], device: "webgpu:0", requiresGrad: true })),
      "tensor([], device='webgpu:0', size=(0, 2), requires_grad=True)",
    );
  });

  test("edgeitems=0 prints only the ellipsis (2.x; 1.13 printed every element or raised)", () => {
    setPrintOptions({ threshold: 5, edgeitems: 0 });
    assert.equal(formatTensor(printable({ shape: [10], dtype: "int64", data: (i) => BigInt(i) })), "tensor([...])");
    assert.equal(formatTensor(printable({ shape: [4, 5], dtype: "float32", data: (i) => i })), "tensor([...])");
  });
});

describe("print options", () => {
  test("defaults are torch's", () => {
    assert.deepEqual(getPrintOptions(), { precision: 4, threshold: 1000, edgeitems: 3, linewidth: 80, sciMode: null });
  });

  test("profiles, overrides, and sciMode reset when not given (as torch.set_printoptions does)", () => {
    setPrintOptions({ profile: "short", edgeitems: 5, sciMode: true });
    assert.deepEqual(getPrintOptions(), { precision: 2, threshold: 1000, edgeitems: 5, linewidth: 80, sciMode: true });
    setPrintOptions({ precision: 3 });
    assert.deepEqual(getPrintOptions(), { precision: 3, threshold: 1000, edgeitems: 5, linewidth: 80, sciMode: null });
    setPrintOptions({ profile: "full" });
    assert.equal(getPrintOptions().threshold, Infinity);
  });

  test("withPrintOptions restores the previous options, also when fn throws", () => {
    setPrintOptions({ precision: 6, sciMode: false });
    const before = getPrintOptions();
    const s = withPrintOptions({ precision: 1 }, () => formatTensor(printable({ shape: [1], dtype: "float64", data: [0.25] })));
    assert.equal(s, "tensor([0.2], dtype=torch.float64)");
    assert.deepEqual(getPrintOptions(), before);
    assert.throws(() => withPrintOptions({ linewidth: 10 }, () => { throw new Error("boom"); }), /boom/);
    assert.deepEqual(getPrintOptions(), before);
  });

  test("bad options throw and change nothing", () => {
    const before = getPrintOptions();
    assert.throws(() => setPrintOptions({ precision: -1 }), /set_printoptions\(\): precision/);
    assert.throws(() => setPrintOptions({ precision: 2, edgeitems: 1.5 }), /edgeitems/);
    assert.throws(() => setPrintOptions({ threshold: Number.NaN }), /threshold/);
    assert.throws(() => setPrintOptions({ profile: "long" as "full" }), /profile/);
    assert.throws(() => setPrintOptions({ sciMode: 1 as unknown as boolean }), /sciMode/);
    assert.deepEqual(getPrintOptions(), before);
  });
});

describe("Python number formatting", () => {
  for (const [v, f4, f0, f2, e4, e0, r] of FORMATS) {
    test(`${r}`, () => {
      assert.equal(formatFixed(v, 4), f4);
      assert.equal(formatFixed(v, 0), f0);
      assert.equal(formatFixed(v, 2), f2);
      assert.equal(formatExponential(v, 4), e4);
      assert.equal(formatExponential(v, 0), e0);
      assert.equal(formatPythonFloat(v), r);
    });
  }

  test("formatScalarForRepr", () => {
    assert.equal(formatScalarForRepr(1), "1.0");
    assert.equal(formatScalarForRepr(1e-5), "1e-05");
    assert.equal(formatScalarForRepr(3, "int"), "3");
    assert.equal(formatScalarForRepr(3, "int32"), "3");
    assert.equal(formatScalarForRepr(0.5, "float16"), "0.5");
    assert.equal(formatScalarForRepr(2n ** 62n + 1n), "4611686018427387905");
    assert.equal(formatScalarForRepr(true), "True");
    assert.equal(formatScalarForRepr(0, "bool"), "False");
    assert.throws(() => formatScalarForRepr(1.5, "int"), /not an integer/);
  });

  test("dtypeRepr", () => {
    assert.equal(dtypeRepr("float32"), "torch.float32");
    assert.equal(dtypeRepr("bfloat16"), "torch.bfloat16");
    assert.throws(() => dtypeRepr("float8_e4m3fn" as PrintDType), /unknown dtype/);
  });
});

describe("formatTensor internals", () => {
  test("a summarised print reads only the elements it shows", () => {
    let reads = 0;
    const t: Printable = {
      shape: [1000, 1000, 100], dtype: "float32", requiresGrad: false, gradFnName: null, device: "cpu",
      at: (i) => { reads++; return i % 7; },
    };
    const s = formatTensor(t);
    assert.ok(reads <= 2 * 6 * 6 * 6, `read ${reads} elements`);
    assert.equal(s.split("\n")[0], "tensor([[[0., 1., 2.,  ..., 6., 0., 1.],");
  });

  test("int64 given as numbers prints the same as bigints", () => {
    assert.equal(formatTensor(printable({ shape: [2], dtype: "int64", data: [1, -2] })), "tensor([ 1, -2])");
  });

  test("formatTensorData is the bracketed body", () => {
    assert.equal(formatTensorData(printable({ shape: [2, 2], dtype: "int32", data: [1, 2, 3, 4] }), 2),
      "[[1, 2],\n   [3, 4]]");
    assert.equal(formatTensorData(printable({ shape: [0], dtype: "float32", data: [] })), "[]");
  });

  test("bad inputs throw", () => {
    assert.throws(() => formatTensor(printable({ shape: [-1], dtype: "float32", data: [] })), /formatTensor\(\): shape/);
    assert.throws(() => formatTensor(printable({ shape: [1], dtype: "quint8" as PrintDType, data: [1] })), /unsupported dtype/);
  });
});
