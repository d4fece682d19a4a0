// The async forms of the ops whose result's size depends on the values (nonzeroAsync,
// argwhereAsync, maskedSelectAsync, x.getAsync, uniqueAsync, uniqueConsecutiveAsync) and
// LBFGS.stepAsync: on the CPU they give the sync ops' results (these tests run everywhere); on
// "webgpu" they match the sync CPU results (dtypes, shapes, order, gradients), and the sync forms'
// errors name them. The device part is skipped without a WebGPU adapter (scripts/webgpu-setup.sh).

import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../src/index.js";

const available = await torch.webgpu.isAvailable();
const skip = available ? false : "no WebGPU adapter here; run scripts/webgpu-setup.sh to install a CPU adapter";

before(async () => { if (available) await torch.webgpu.init(); });
after(() => torch.webgpu.shutdown());

type Result = torch.Tensor | torch.Tensor[];
const on = (x: torch.Tensor, device: "cpu" | "webgpu"): torch.Tensor => (device === "cpu" ? x : x.to("webgpu"));
const list = (r: Result): torch.Tensor[] => (Array.isArray(r) ? r : [r]);

/** Same structure, dtypes, shapes and values (the device result read back). */
async function assertSame(what: string, actual: Result, expected: Result, device: string): Promise<void> {
  assert.equal(Array.isArray(actual), Array.isArray(expected), `${what}: tuple or tensor`);
  const a = list(actual), e = list(expected);
  assert.equal(a.length, e.length, `${what}: outputs`);
  for (let i = 0; i < a.length; i++) {
    assert.equal(a[i]!.device.type, device, `${what}[${i}]: device`);
    assert.equal(a[i]!.dtype, e[i]!.dtype, `${what}[${i}]: dtype`);
    assert.deepEqual(a[i]!.shape, e[i]!.shape, `${what}[${i}]: shape`);
    assert.deepEqual(await a[i]!.tolistAsync(), e[i]!.tolist(), `${what}[${i}]: values`);
  }
}

// Inputs: multi-dim, empty results, all true, duplicates in ints and floats (with -0 and 0).
const ints = (): torch.Tensor => torch.tensor([[3, 0, 1, 3], [0, 0, 7, 1], [5, 3, 0, 0]], { dtype: "int32" });
const floats = (): torch.Tensor => torch.tensor([[0.5, -2, 0.5, 0], [-0, 1.25, -2, 8]]);
const MASKS: [string, () => torch.Tensor][] = [
  ["2-d", () => ints().gt(1)],
  ["none true", () => torch.zeros([3, 4], { dtype: "bool" })],
  ["all true", () => torch.ones([3, 4], { dtype: "bool" })],
];

/** The async form `f` on `device` against the sync CPU op `sync`. */
async function compare(what: string, device: "cpu" | "webgpu", inputs: torch.Tensor[], f: (...xs: torch.Tensor[]) => Promise<Result>, sync: (...xs: torch.Tensor[]) => Result): Promise<void> {
  const moved = inputs.map((x) => (device === "cpu" ? x : x.to("webgpu")));
  await assertSame(`${what} on ${device}`, await f(...moved), sync(...inputs), device);
}

function asyncFormsMatchSync(device: "cpu" | "webgpu"): void {
  test(`nonzeroAsync / argwhereAsync on ${device}`, async () => {
    const cases: [string, torch.Tensor][] = [
      ...MASKS.map(([n, m]): [string, torch.Tensor] => [n, m()]),
      ["ints", ints()], ["floats", floats()], ["1-d", torch.tensor([0, 2, 0, 4])], ["0-d", torch.tensor(3)], ["0-d zero", torch.tensor(0)],
      ["3-d", torch.arange(24).reshape([2, 3, 4]).remainder(5).eq(0)], ["empty", torch.zeros([2, 0, 3])],
    ];
    for (const [name, x] of cases) {
      await compare(`nonzero ${name}`, device, [x], (t) => t.nonzeroAsync(), (t) => torch.nonzero(t));
      await compare(`nonzero asTuple ${name}`, device, [x], (t) => torch.nonzeroAsync(t, { asTuple: true }), (t) => torch.nonzero(t, { asTuple: true }));
    }
    await compare("argwhere", device, [ints()], (t) => t.argwhereAsync(), (t) => torch.argwhere(t));
    await compare("argwhere (torch.)", device, [floats()], (t) => torch.argwhereAsync(t), (t) => torch.argwhere(t));
  });

  test(`maskedSelectAsync and getAsync on ${device}`, async () => {
    for (const [name, mask] of MASKS) {
      await compare(`maskedSelect ${name}`, device, [ints(), mask()], (x, m) => torch.maskedSelectAsync(x, m), (x, m) => torch.maskedSelect(x, m));
      await compare(`get ${name}`, device, [floats().repeat([2, 1]).narrow(0, 0, 3), mask()], (x, m) => x.getAsync(m), (x, m) => x.get(m));
    }
    // The mask broadcasts with the input (both ways).
    const rowMask = torch.tensor([true, false, true, true]);
    await compare("maskedSelect broadcast mask", device, [ints(), rowMask], (x, m) => x.maskedSelectAsync(m), (x, m) => x.maskedSelect(m));
    await compare("maskedSelect broadcast input", device, [torch.tensor([1.5, 2, -3, 4]), ints().gt(0)], (x, m) => torch.maskedSelectAsync(x, { mask: m }), (x, m) => torch.maskedSelect(x, m));
    // Masks among other indices: a 1-d mask on a later dim with a slice, with an integer, with "..." and a new axis.
    const x3 = torch.arange(24, { dtype: "float32" }).reshape([2, 3, 4]);
    const m1 = torch.tensor([true, false, true]);
    await compare("get slice, mask", device, [x3, m1], (x, m) => x.getAsync(":", m), (x, m) => x.get(":", m));
    await compare("get int, mask", device, [x3, m1], (x, m) => x.getAsync(1, m), (x, m) => x.get(1, m));
    await compare("get ..., mask, null", device, [x3, torch.tensor([false, true, true, false])], (x, m) => x.getAsync("...", m, null), (x, m) => x.get("...", m, null));
    await compare("get int, 2-d mask", device, [x3, x3.get(0).remainder(3).eq(1)], (x, m) => x.getAsync(1, m), (x, m) => x.get(1, m));
    await compare("get slice, 2-d mask", device, [x3, x3.get(0).remainder(3).eq(1)], (x, m) => x.getAsync(":", m), (x, m) => x.get(":", m));
    // As PyTorch, a mask advances the basic indexing by one dim only, so this slice lands on dim 1.
    await assert.rejects(on(x3, device).getAsync(on(x3.sum(2).gt(20), device), "1:3"), /The shape of the mask \[2, 3\] at index 1 does not match the shape of the indexed tensor \[2, 2, 4\] at index 1/);
    await compare("get mask, index tensor", device, [x3, torch.tensor([true, false]), torch.tensor([2, 0])], (x, m, i) => x.getAsync(m, i), (x, m, i) => x.get(m, i));
    await compare("get JS bool array", device, [x3], (x) => x.getAsync([false, true]), (x) => x.get([false, true]));
    await compare("get 0-d mask", device, [x3, torch.tensor(true)], (x, m) => x.getAsync(m), (x, m) => x.get(m));
    await compare("get plain index", device, [x3], (x) => x.getAsync(1, "::2"), (x) => x.get(1, "::2"));
  });

  test(`uniqueAsync / uniqueConsecutiveAsync on ${device}`, async () => {
    const withDuplicates: [string, torch.Tensor][] = [
      ["ints", ints()], ["floats", floats()], ["int64", torch.tensor([4, -1, 4, 4, 2, -1])],
      ["bool", torch.tensor([[true, false], [true, true]])], ["empty", torch.zeros([0, 3])], ["0-d", torch.tensor(2.5)],
    ];
    const flags = [{}, { returnInverse: true }, { returnCounts: true }, { returnInverse: true, returnCounts: true }];
    for (const [name, x] of withDuplicates) {
      for (const o of flags) {
        await compare(`unique ${name} ${JSON.stringify(o)}`, device, [x], (t) => torch.uniqueAsync(t, o), (t) => torch.unique(t, o));
        await compare(`unique_consecutive ${name} ${JSON.stringify(o)}`, device, [x], (t) => t.uniqueConsecutiveAsync(o), (t) => t.uniqueConsecutive(o));
      }
    }
    const rows = torch.tensor([[1, 2, 0], [0, 5, 1], [1, 2, 0], [0, 1, 1], [0, 5, 1]]);
    const all = { returnInverse: true, returnCounts: true };
    await compare("unique dim 0", device, [rows], (t) => t.uniqueAsync({ dim: 0, ...all }), (t) => t.unique({ dim: 0, ...all }));
    await compare("unique dim 1", device, [rows.t().contiguous()], (t) => t.uniqueAsync({ dim: -1, ...all }), (t) => t.unique({ dim: -1, ...all }));
    await compare("unique dim, positional", device, [rows], (t) => torch.uniqueAsync(t, true, true, false, 0), (t) => torch.unique(t, true, true, false, 0));
    await compare("unique_consecutive dim", device, [torch.tensor([[1, 1, 2, 2, 1], [3, 3, 4, 5, 3]])], (t) => torch.uniqueConsecutiveAsync(t, { dim: 1, ...all }), (t) => torch.uniqueConsecutive(t, { dim: 1, ...all }));
  });

  test(`gradients through maskedSelectAsync and getAsync on ${device}`, async () => {
    const base = torch.tensor([[1, -2, 3], [4, 5, -6]], { dtype: "float32" });
    const mask = torch.tensor([[true, false, true], [false, true, true]]);
    const want = torch.tensor([[2, 0, 6], [0, 10, -12]]);
    const x = (device === "cpu" ? base.clone() : base.to("webgpu")).requiresGrad_();
    const m = device === "cpu" ? mask : mask.to("webgpu");
    (await torch.maskedSelectAsync(x, m)).square().sum().backward();
    assert.deepEqual(await x.grad!.tolistAsync(), want.tolist(), "maskedSelectAsync gradient");
    x.grad = null;
    (await x.getAsync(m)).square().sum().backward();
    assert.deepEqual(await x.grad!.tolistAsync(), want.tolist(), "getAsync gradient");
    // A broadcast input sums its gradient over the broadcast rows.
    const row = (device === "cpu" ? torch.tensor([1, 2, 3]) : torch.tensor([1, 2, 3]).to("webgpu")).float().requiresGrad_();
    (await row.maskedSelectAsync(m)).sum().backward();
    assert.deepEqual(await row.grad!.tolistAsync(), [1, 1, 2]);
  });
}

describe("async forms on the CPU", () => {
  asyncFormsMatchSync("cpu");

  test("errors are the sync ops' (as rejections)", async () => {
    await assert.rejects(torch.maskedSelectAsync(ints(), ints()), /masked_select: expected BoolTensor for mask/);
    await assert.rejects(torch.nonzeroAsync(ints(), { asTupel: true } as never), /asTupel/);
    await assert.rejects(ints().getAsync(0, 0, 0), /too many indices/);
  });

  test("LBFGS.stepAsync gives step's iterates (async closures too)", async () => {
    for (const lineSearchFn of [null, "strong_wolfe"] as const) {
      const run = async (asynchronous: boolean): Promise<{ w: unknown; losses: unknown[] }> => {
        const A = torch.tensor([[1, 2, 0.5], [0.3, -1, 2], [2, 0.1, 1], [1, 1, 1]]), b = torch.tensor([1, -2, 0.5, 3]);
        const w = torch.tensor([0.1, -0.2, 0.3], { requiresGrad: true });
        const opt = new torch.optim.LBFGS([w], { lr: 0.5, maxIter: 6, historySize: 3, lineSearchFn });
        const closure = () => { opt.zeroGrad(); const l = A.matmul(w).sub(b).pow(2).sum().add(w.pow(4).sum()); l.backward(); return l; };
        const losses: unknown[] = [];
        for (let i = 0; i < 3; i++) {
          const l = asynchronous ? await opt.stepAsync(async () => closure()) : opt.step(closure);
          losses.push((l as torch.Tensor).item());
        }
        return { w: w.tolist(), losses };
      };
      const sync = await run(false), asynchronous = await run(true);
      assert.deepEqual(asynchronous, sync, `${lineSearchFn}`);
      // It moved: the loss went down from the first step's value.
      assert.ok((sync.losses[2] as number) < (sync.losses[0] as number) - 1, `${lineSearchFn}: ${sync.losses}`);
    }
    const w = torch.zeros(2, { requiresGrad: true });
    const opt = new torch.optim.LBFGS([w]);
    assert.throws(() => opt.step((async () => w.sum()) as never), /returned a Promise; use await optimizer\.stepAsync\(closure\)/);
    await assert.rejects(opt.stepAsync(), /requires a closure/);
  });
});

describe("async forms on webgpu", { skip }, () => {
  asyncFormsMatchSync("webgpu");

  test("the sync forms' errors name the async forms", () => {
    const x = ints().to("webgpu"), m = x.gt(1);
    assert.throws(() => x.nonzero(), /nonzero: the result's size depends on the values; on 'webgpu' use await x\.nonzeroAsync\(\)/);
    assert.throws(() => torch.argwhere(x), /await x\.argwhereAsync\(\)/);
    assert.throws(() => torch.maskedSelect(x, m), /await torch\.maskedSelectAsync\(x, mask\).*x\.where\(mask, other\)/);
    assert.throws(() => x.get(m), /await x\.getAsync\(\.\.\.\).*x\.maskedFill/);
    assert.throws(() => torch.unique(x), /unique: the result's size depends on the values; on 'webgpu' use await torch\.uniqueAsync/);
    assert.throws(() => x.uniqueConsecutive(), /await torch\.uniqueConsecutiveAsync/);
    const p = torch.zeros(2).to("webgpu").requiresGrad_();
    assert.throws(() => new torch.optim.LBFGS([p]).step(() => p.sum()), /LBFGS\.step: .*use await optimizer\.stepAsync\(closure\)/);
  });

  test("mixed devices are refused", async () => {
    await assert.rejects(torch.maskedSelectAsync(ints().to("webgpu"), torch.ones([3, 4], { dtype: "bool" })), /same device/);
  });

  test("LBFGS.stepAsync on webgpu follows the CPU", async () => {
    for (const lineSearchFn of [null, "strong_wolfe"] as const) {
      const run = async (device: "cpu" | "webgpu"): Promise<number[]> => {
        const A = torch.tensor([[1, 2, 0.5], [0.3, -1, 2], [2, 0.1, 1], [1, 1, 1]]).to(device), b = torch.tensor([1, -2, 0.5, 3]).to(device);
        const w = torch.tensor([0.1, -0.2, 0.3]).to(device).requiresGrad_();
        const opt = new torch.optim.LBFGS([w], { lr: 0.5, maxIter: 5, historySize: 3, lineSearchFn });
        for (let i = 0; i < 2; i++) {
          await opt.stepAsync(() => { opt.zeroGrad(); const l = A.matmul(w).sub(b).pow(2).sum().add(w.pow(4).sum()); l.backward(); return l; });
        }
        return (await w.detach().tolistAsync()) as number[];
      };
      const cpu = await run("cpu"), gpu = await run("webgpu");
      cpu.forEach((v, i) => assert.ok(Math.abs(v - gpu[i]!) < 1e-4, `${lineSearchFn}: ${gpu} vs ${cpu}`));
      assert.ok(Math.abs(cpu[0]! - 0.1) > 0.1, "the parameters moved");
    }
  });
});
