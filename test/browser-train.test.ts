// The web bundle in headless Chromium: the example page (web/) trains the digits CNN and its
// per-step losses equal Node's for the same seed (both run the JS kernels: 1e-6 relative), on
// WebGPU (Chromium's SwiftShader adapter here) within float32's 1e-4 of Node's CPU run, and the
// bundle's Node-only parts (file paths, the native addon, the embedded dataset's file) fail with
// clear errors while the byte forms work. Needs Debian's Chromium (apt-get install -y chromium);
// skipped, saying so, where /usr/bin/chromium is missing. Never downloads a browser.

import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { BrowserContext, Page } from "playwright-core";
import type { DigitsAsset, TrainResult } from "../web/digits-train.js";

// npm test runs every file twice, with the native kernels and with the JS ones (TORCH_TS_BACKEND=js);
// this one computes with the JS kernels either way (below), so it runs in the JS pass only, or in
// the one pass there is when the addon is not built.
const nativePass = process.env["TORCH_TS_BACKEND"] !== "js" && existsSync(new URL("../build/Release/torch_ts_native.node", import.meta.url));

// The browser has no native addon, so Node's reference run uses the JS kernels too. Set before
// torch-ts is first imported (below, dynamically): the kernel table is filled at import.
process.env["TORCH_TS_BACKEND"] = "js";

const CHROMIUM = "/usr/bin/chromium";
const skip = !existsSync(CHROMIUM) ? `${CHROMIUM} is missing; install Debian's Chromium: apt-get install -y chromium`
  : nativePass ? "runs in npm test's JS-kernel pass (TORCH_TS_BACKEND=js): the page and Node's reference both use the JS kernels" : false;

// Headless Chromium as root on a closed network: no sandbox, no background connections (they are
// refused, many at a time). --enable-unsafe-webgpu gives the page a WebGPU adapter (SwiftShader
// on CPU-only machines, where --disable-gpu leaves no other).
const CHROMIUM_ARGS = [
  "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync",
  "--enable-unsafe-webgpu",
];

const RTOL_CPU = 1e-6;
const RTOL_WEBGPU = 1e-4;

interface PageRun {
  device: { device: string; note: string } | null;
  result: TrainResult | null;
  losses: number[];
  error: string | null;
  errors: string[];
}

/**
 * Relative closeness of each element (|a - e| <= rtol * |e|), naming the first that differs;
 * returns the largest relative difference.
 */
function assertClose(actual: readonly number[], expected: readonly number[], rtol: number, what: string): number {
  assert.equal(actual.length, expected.length, `${what}: ${actual.length} values, Node has ${expected.length}`);
  let worst = 0;
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i]!, e = expected[i]!;
    const rel = Math.abs(a - e) / Math.max(Math.abs(e), Number.MIN_VALUE);
    if (!(rel <= rtol)) assert.fail(`${what}[${i}]: ${a} in the browser, ${e} in Node (relative difference ${rel.toExponential(2)} > ${rtol})`);
    worst = Math.max(worst, rel);
  }
  return worst;
}

describe("the web bundle in headless Chromium", { skip }, () => {
  let outDir = "", profile = "";
  let server: { url: string; close(): Promise<void> } | null = null;
  let context: BrowserContext | null = null;
  let reference: TrainResult | null = null;

  before(async () => {
    const { buildWeb, serveWeb } = await import("../scripts/bundle-web.js");
    const torch = await import("../src/index.js");
    assert.equal(torch.backends.native.isAvailable(), false, "TORCH_TS_BACKEND=js should keep the native addon out");
    const { trainDigits } = await import("../web/digits-train.js");

    outDir = mkdtempSync(join(tmpdir(), "torch-ts-web-"));
    await buildWeb({ outDir });
    const asset = JSON.parse(readFileSync(join(outDir, "digits.json"), "utf8")) as DigitsAsset;
    reference = await trainDigits(torch, asset);

    server = await serveWeb({ outDir });
    const { chromium } = await import("playwright-core");
    profile = mkdtempSync(join(tmpdir(), "torch-ts-chromium-"));
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, timeout: 60_000,
    });
  });

  after(async () => {
    await context?.close();
    await server?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
    if (outDir) rmSync(outDir, { recursive: true, force: true });
  });

  async function openPage(path: string): Promise<{ page: Page; errors: string[] }> {
    const page = await context!.newPage();
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(`page error: ${e.message}`));
    page.on("console", (m) => { if (m.type() === "error") errors.push(`console: ${m.text()}`); });
    page.on("requestfailed", (r) => errors.push(`request failed: ${r.url()} ${r.failure()?.errorText ?? ""}`));
    await page.goto(server!.url + path);
    return { page, errors };
  }

  async function runPage(query: string): Promise<PageRun> {
    const { page, errors } = await openPage(`index.html${query}`);
    try {
      // SwiftShader trains on the CPU: a loaded 2-core machine took over 20 s once.
      await page.waitForFunction("document.body.dataset.state === 'done' || document.body.dataset.state === 'error'", null, { timeout: 90_000 });
      return {
        device: (await page.evaluate("window.trainDevice ?? null")) as PageRun["device"],
        result: (await page.evaluate("window.trainResult ?? null")) as TrainResult | null,
        losses: (await page.evaluate("window.trainLosses ?? []")) as number[],
        error: (await page.evaluate("window.trainError ?? null")) as string | null,
        errors,
      };
    } catch (e) {
      throw new Error(`${(e as Error).message}\n${errors.join("\n")}`);
    } finally {
      await page.close();
    }
  }

  function done(run: PageRun): TrainResult {
    if (run.error !== null || run.result === null) assert.fail(`the page failed: ${run.error ?? "no result"}\n${run.errors.join("\n")}`);
    return run.result;
  }

  test("trains on the CPU with Node's losses, step for step", async (t) => {
    const run = await runPage("?device=cpu");
    const r = done(run), ref = reference!;
    assert.equal(r.device, "cpu");
    assert.equal(r.losses.length, 72, "3 epochs of 24 steps");
    const worst = assertClose(r.losses, ref.losses, RTOL_CPU, "loss");
    t.diagnostic(`${r.losses.length} losses, largest relative difference from Node ${worst.toExponential(1)}; ` +
      `held-out accuracy ${(100 * r.accuracy).toFixed(1)}%; ${Math.round(r.millis)} ms in Chromium, ${Math.round(ref.millis)} ms in Node`);
    assertClose(run.losses, ref.losses, RTOL_CPU, "window.trainLosses");
    assertClose(r.epochLosses, ref.epochLosses, RTOL_CPU, "epoch loss");
    assert.equal(r.accuracy, ref.accuracy);
    assert.ok(r.accuracy > 0.8, `held-out accuracy ${r.accuracy}`);
    assert.deepEqual(run.errors, []);
  });

  test("trains on WebGPU where the browser and the build have it, else on the CPU", async (t) => {
    const run = await runPage("?device=auto");
    const r = done(run), ref = reference!;
    t.diagnostic(`?device=auto ran on ${run.device?.note ?? r.device} in ${Math.round(r.millis)} ms (Node, JS kernels: ${Math.round(ref.millis)} ms)`);
    if (r.device === "cpu") {
      assertClose(r.losses, ref.losses, RTOL_CPU, "loss");
      assert.equal(r.accuracy, ref.accuracy);
    } else {
      // float32 on the GPU sums in another order: the first step (same weights, same batch) agrees
      // closely, then the runs drift apart a little and must end up as good.
      assert.equal(r.losses.length, ref.losses.length);
      assertClose(r.losses.slice(0, 1), ref.losses.slice(0, 1), 1e-4, "first-step loss");
      assertClose(r.epochLosses, ref.epochLosses, 0.1, "epoch loss");
      assert.ok(Math.abs(r.accuracy - ref.accuracy) <= 0.03, `accuracy ${r.accuracy} on WebGPU, ${ref.accuracy} in Node`);
    }
    assert.deepEqual(run.errors, []);
  });

  test("trains on WebGPU (SwiftShader here) with Node's CPU losses, step for step", async (t) => {
    const run = await runPage("?device=webgpu");
    const r = done(run), ref = reference!;
    assert.equal(r.device, "webgpu");
    assert.equal(r.losses.length, 72, "3 epochs of 24 steps");
    // float32 on the GPU sums in another order than the CPU: each loss within RTOL_WEBGPU.
    const worst = assertClose(r.losses, ref.losses, RTOL_WEBGPU, "loss");
    t.diagnostic(`on ${run.device?.note}: ${r.losses.length} losses, largest relative difference from Node's CPU run ` +
      `${worst.toExponential(1)}; held-out accuracy ${(100 * r.accuracy).toFixed(1)}% (Node ${(100 * ref.accuracy).toFixed(1)}%); ` +
      `${Math.round(r.millis)} ms in Chromium`);
    assertClose(run.losses, ref.losses, RTOL_WEBGPU, "window.trainLosses");
    assertClose(r.epochLosses, ref.epochLosses, RTOL_WEBGPU, "epoch loss");
    assert.ok(Math.abs(r.accuracy - ref.accuracy) <= 0.01, `accuracy ${r.accuracy} on WebGPU, ${ref.accuracy} in Node`);
    assert.deepEqual(run.errors, []);
  });

  test("the bundle loads without Node built-ins; its Node-only parts fail clearly, bytes work", async () => {
    const { page, errors } = await openPage("index.html?epochs=0");
    try {
      const out = (await page.evaluate(`(async () => {
        const torch = await import("./torch.js");
        const attempt = (fn) => { try { fn(); return "no error"; } catch (e) { return e.message; } };
        const x = torch.arange(6, { dtype: torch.float32 }).reshape(2, 3);
        const bytes = torch.save({ x });
        const back = torch.load(bytes);
        const st = torch.safetensors.load(torch.safetensors.save({ x }));
        return {
          hasProcess: typeof process !== "undefined",
          native: torch.backends.native.isAvailable(),
          roundTrip: torch.equal(back.get("x"), x) && torch.equal(st.get("x"), x),
          savePath: attempt(() => torch.save({ x }, "model.pt")),
          loadPath: attempt(() => torch.load("model.pt")),
          safetensorsFile: attempt(() => torch.safetensors.loadFile("model.safetensors")),
          digits: attempt(() => new torch.datasets.Digits()),
        };
      })()`)) as Record<string, string | boolean>;
      assert.equal(out["hasProcess"], false);
      assert.equal(out["native"], false);
      assert.equal(out["roundTrip"], true, "torch.save/torch.load and safetensors through bytes");
      assert.match(String(out["savePath"]), /writing the file model\.pt needs Node\.js.*torch\.save\(obj\) returns a Uint8Array/);
      assert.match(String(out["loadPath"]), /reading the file model\.pt needs Node\.js/);
      assert.match(String(out["safetensorsFile"]), /reading the file model\.safetensors needs Node\.js/);
      assert.match(String(out["digits"]), /datasets\.Digits reads files and needs Node\.js/);
      assert.deepEqual(errors, []);
    } finally {
      await page.close();
    }
  });
});
