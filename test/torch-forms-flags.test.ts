// Tensor flags of kinds torch-ts does not have and the legacy Tensor members (output_nr, is_set_to,
// as_strided_, cuda/xpu/ipu/pin_memory errors, to_dense, deprecated resize / resize_as), and the
// module-level switches: set_warn_always, the deterministic debug mode, typename,
// set_default_tensor_type and the deprecated nn.init aliases. Answers checked on PyTorch 1.13 (CPU).
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../src/index.js";
import { throwsMsg } from "./support/recorded.js";

type T = torch.Tensor;

/** The warnings f prints (console.warn), in order. */
function warningsOf(f: () => unknown): string[] {
  const seen: string[] = [];
  const original = console.warn;
  console.warn = (msg: unknown) => { seen.push(String(msg)); };
  try { f(); } finally { console.warn = original; }
  return seen;
}

describe("Tensor flags and legacy members", () => {
  test("kinds torch-ts lacks answer false; names are one null per dim", () => {
    const x = torch.ones(2, 3);
    for (const flag of ["isNested", "isMps", "isXpu", "isIpu", "isVulkan", "isOrt", "isSparseCsr"] as const) assert.equal(x[flag], false, flag);
    assert.deepEqual([x.isPinned(), x.isDistributed(), x.hasNames(), torch.isDistributed(x)], [false, false, false, false]);
    assert.deepEqual(x.names, [null, null]);
    assert.deepEqual(torch.tensor(1).names, []);
  });
  test("outputNr: 0 for leaves and single outputs, the output's index for multi-output nodes", () => {
    const y = torch.ones(4, { requiresGrad: true });
    assert.equal(y.outputNr, 0);
    assert.equal(y.mul(2).outputNr, 0);
    const [values, vectors] = torch.linalg.eigh(torch.tensor([[2, 1], [1, 3]], { dtype: torch.float64, requiresGrad: true }).mul(1));
    assert.deepEqual([values!.outputNr, vectors!.outputNr], [0, 1]);
  });
  test("isSetTo: same storage, offset, sizes and strides", () => {
    const x = torch.ones(2, 3);
    assert.deepEqual([x.isSetTo(x), x.isSetTo(x.view(3, 2)), x.isSetTo(x.get(":")), x.isSetTo(x.clone()), x.t().isSetTo(x)], [true, false, true, false, false]);
  });
  test("asStrided_ changes the geometry in place; gradients flow as through as_strided", () => {
    const z = torch.arange(6).to("float32");
    assert.equal(z.asStrided_([2, 2], [1, 2], 1), z);
    assert.deepEqual(z.tolist(), [[1, 3], [2, 4]]);
    const w = torch.ones(6, { requiresGrad: true });
    const v = w.mul(torch.arange(6));
    v.asStrided_([2], [2]);
    v.sum().backward();
    assert.deepEqual(w.grad!.tolist(), [0, 0, 2, 0, 0, 0]);
    throwsMsg(() => w.asStrided_([1], [1]), "as_strided_: a leaf Variable that requires grad is being used in an in-place operation.");
    throwsMsg(() => torch.ones(2).asStrided_([3], [1]), "setStorage: sizes [3], strides [1], storage offset 0 require a storage of at least 3 elements, but the storage has 2");
  });
  test("cuda/xpu/ipu/pinMemory throw PyTorch's CPU-build errors; toDense is self", () => {
    const x = torch.ones(2);
    throwsMsg(() => x.cuda(), "Torch not compiled with CUDA enabled");
    throwsMsg(() => x.xpu(), "PyTorch is not linked with support for xpu devices");
    throwsMsg(() => x.ipu(), "PyTorch is not linked with support for ipu devices");
    assert.throws(() => x.pinMemory(), /Could not run 'aten::_pin_memory' with arguments from the 'CUDA' backend/);
    assert.equal(x.toDense(), x);
    assert.equal(x.toDense(torch.float64).dtype, torch.float64);
  });
  test("resize / resizeAs: deprecated, a new tensor of the same numel, ResizeBackward", () => {
    const x = torch.arange(6).to("float32").view(2, 3);
    let r: T | undefined;
    const warned = warningsOf(() => { r = x.resize(3, 2); x.resize([6]); });
    assert.deepEqual(warned, ["UserWarning: non-inplace resize is deprecated"]);
    assert.notEqual(r, x);
    assert.deepEqual([r!.tolist(), x.shape], [[[0, 1], [2, 3], [4, 5]], [2, 3]]);
    assert.deepEqual(x.resizeAs(torch.ones(6)).shape, [6]);
    const g = torch.ones(2, 3, { requiresGrad: true });
    const out = g.resize(6);
    assert.equal(out.gradFn!.name(), "ResizeBackward");
    out.mul(torch.arange(6)).sum().backward();
    assert.deepEqual(g.grad!.tolist(), [[0, 1, 2], [3, 4, 5]]);
    throwsMsg(() => x.resize(4, 4), "requested resize to 4x4 (16 elements in total), but the given tensor has a size of 2x3 (6 elements). autograd's resize can only change the shape of a given tensor, while preserving the number of elements. ");
  });
});

describe("module-level switches", () => {
  test("setWarnAlways makes once-only warnings repeat; nn.init's deprecated aliases warn and run the in-place form", () => {
    const w = torch.empty(3, 3);
    const message = "UserWarning: nn.init.eye is now deprecated in favor of nn.init.eye_.";
    assert.equal(torch.isWarnAlwaysEnabled(), false);
    assert.deepEqual(warningsOf(() => { torch.nn.init.eye(w); torch.nn.init.eye(w); }), [message]);
    assert.deepEqual(w.tolist(), torch.eye(3).tolist());
    torch.setWarnAlways(true);
    try {
      assert.equal(torch.isWarnAlwaysEnabled(), true);
      assert.deepEqual(warningsOf(() => { torch.nn.init.eye(w); torch.nn.init.eye(w); }), [message, message]);
    } finally { torch.setWarnAlways(false); }
    assert.deepEqual(warningsOf(() => torch.nn.init.eye(w)), []);
    throwsMsg(() => torch.setWarnAlways(1 as unknown as boolean), "setWarnOnlyOnce expects a bool, but got int");
    const aliases = { normal: [], uniform: [], constant: [0.5], xavierUniform: [], xavierNormal: [], kaimingUniform: [], kaimingNormal: [], orthogonal: [], sparse: [0.5] } as const;
    const names: Record<string, string> = { xavierUniform: "xavier_uniform", xavierNormal: "xavier_normal", kaimingUniform: "kaiming_uniform", kaimingNormal: "kaiming_normal" };
    for (const [name, extra] of Object.entries(aliases)) {
      const py = names[name] ?? name;
      const init = torch.nn.init as unknown as Record<string, (t: T, ...a: number[]) => T>;
      torch.manualSeed(5);
      const a = torch.empty(4, 4);
      const seen = warningsOf(() => init[name]!(a, ...extra));
      assert.deepEqual(seen, [`UserWarning: nn.init.${py} is now deprecated in favor of nn.init.${py}_.`]);
      torch.manualSeed(5);
      assert.deepEqual(a.tolist(), init[`${name}_`]!(torch.empty(4, 4), ...extra).tolist(), name);
    }
    const d = torch.empty(2, 2, 3);
    assert.equal(warningsOf(() => torch.nn.init.dirac(d)).length, 1);
    assert.deepEqual(d.tolist(), torch.nn.init.dirac_(torch.empty(2, 2, 3)).tolist());
  });
  test("deterministic debug mode is useDeterministicAlgorithms' switch", () => {
    assert.equal(torch.getDeterministicDebugMode(), 0);
    try {
      torch.setDeterministicDebugMode("warn");
      assert.deepEqual([torch.getDeterministicDebugMode(), torch.areDeterministicAlgorithmsEnabled(), torch.isDeterministicAlgorithmsWarnOnlyEnabled()], [1, true, true]);
      torch.setDeterministicDebugMode(2);
      assert.deepEqual([torch.getDeterministicDebugMode(), torch.areDeterministicAlgorithmsEnabled(), torch.isDeterministicAlgorithmsWarnOnlyEnabled()], [2, true, false]);
      torch.useDeterministicAlgorithms(true, { warnOnly: true });
      assert.equal(torch.getDeterministicDebugMode(), 1);
      torch.setDeterministicDebugMode("default");
      assert.deepEqual([torch.getDeterministicDebugMode(), torch.areDeterministicAlgorithmsEnabled()], [0, false]);
    } finally { torch.useDeterministicAlgorithms(false); }
    throwsMsg(() => torch.setDeterministicDebugMode(3 as 2), "invalid value of debug_mode, expected 0, 1, or 2, but got 3");
    throwsMsg(() => torch.setDeterministicDebugMode("x" as "warn"), "invalid value of debug_mode, expected one of `default`, `warn`, `error`, but got x");
    throwsMsg(() => torch.setDeterministicDebugMode(1.5 as 1), "debug_mode must be str or int, but got <class 'float'>");
  });
  test("typename, setDefaultTensorType, isVulkanAvailable, initNumThreads", () => {
    assert.deepEqual([torch.typename(torch.ones(1)), torch.typename(torch.ones(1, { dtype: torch.float64 })), torch.typename(torch.ones(1, { dtype: torch.int64 })), torch.typename(torch.ones(1, { dtype: torch.bool }))],
      ["torch.FloatTensor", "torch.DoubleTensor", "torch.LongTensor", "torch.BoolTensor"]);
    assert.deepEqual([torch.typename(1), torch.typename(1.5), torch.typename(true), torch.typename("s"), torch.typename(null), torch.typename([1]), torch.typename(torch.float32)],
      ["int", "float", "bool", "str", "NoneType", "list", "torch.dtype"]);
    try {
      torch.setDefaultTensorType("torch.DoubleTensor");
      assert.deepEqual([torch.getDefaultDtype(), torch.ones(1).dtype], [torch.float64, torch.float64]);
      torch.setDefaultTensorType("torch.HalfTensor");
      assert.equal(torch.getDefaultDtype(), torch.float16);
      throwsMsg(() => torch.setDefaultTensorType("torch.LongTensor"), "only floating-point types are supported as the default type");
      throwsMsg(() => torch.setDefaultTensorType("torch.cuda.FloatTensor"), "type torch.cuda.FloatTensor not available. Torch not compiled with CUDA enabled.");
      throwsMsg(() => torch.setDefaultTensorType("torch.Foo"), "module 'torch' has no attribute 'Foo'");
      throwsMsg(() => torch.setDefaultTensorType(3 as unknown as string), "invalid type object: only floating-point types are supported as the default type");
      assert.equal(torch.getDefaultDtype(), torch.float16);
    } finally { torch.setDefaultDtype(torch.float32); }
    assert.equal(torch.isVulkanAvailable(), false);
    assert.equal(torch.initNumThreads(), undefined);
  });
});
