// The example page: loads the web bundle (./torch.js) and the digits (./digits.json), both built by
// `npm run build:web` into dist-web/, trains the CNN of digits-train.js and shows its progress.
// For tests, window.trainLosses grows by one loss per step, and when the run ends window.trainResult
// holds the whole result (or window.trainError the error) and body[data-state] is "done" ("error");
// window.trainDevice says which device runs it and why.

import * as torch from "./torch.js";
import { DEFAULTS, trainDigits } from "./digits-train.js";

const $ = (id) => document.getElementById(id);

function intParam(params, name, fallback) {
  const raw = params.get(name);
  if (raw === null) return fallback;
  const v = Number(raw);
  if (!Number.isInteger(v) || v < 0) throw new Error(`?${name}= must be a non-negative integer, got '${raw}'`);
  return v;
}

/** null where a tensor goes to "webgpu", computes there and reads back; else why not. */
async function webgpuTensorsFail() {
  try {
    const two = await torch.ones(1).to("webgpu").add(1).itemAsync();
    return Number(two) === 2 ? null : `a WebGPU tensor computed 1 + 1 = ${two}`;
  } catch (e) {
    return `WebGPU tensors fail here (${e instanceof Error ? e.message : e})`;
  }
}

/** "cpu" unless WebGPU is asked for (or "auto") and both the browser and this build have it. */
async function pickDevice(requested) {
  if (requested !== "auto" && requested !== "cpu" && requested !== "webgpu") {
    throw new Error(`?device= must be auto, cpu or webgpu, got '${requested}'`);
  }
  if (requested === "cpu") return { device: "cpu", note: "as asked" };
  const webgpu = torch.webgpu;
  let why = null;
  if (!("gpu" in navigator)) why = "this browser does not expose WebGPU";
  else if (!webgpu || typeof webgpu.init !== "function") why = "this torch-ts build has no WebGPU backend";
  else if (!(await webgpu.isAvailable())) why = "the browser gives no WebGPU adapter";
  else {
    try {
      await webgpu.init(); // once: creating the WebGPU device is asynchronous
      why = await webgpuTensorsFail();
    } catch (e) {
      why = `the WebGPU device could not be created (${e instanceof Error ? e.message : e})`;
    }
  }
  if (why === null) return { device: "webgpu", note: `WebGPU: ${webgpu.deviceName()}` };
  if (requested === "webgpu") throw new Error(`?device=webgpu: ${why}`);
  return { device: "cpu", note: `CPU: ${why}` };
}

function drawChart(canvas, losses, totalSteps) {
  const ctx = canvas.getContext("2d");
  const w = canvas.width, h = canvas.height, pad = 28;
  ctx.clearRect(0, 0, w, h);
  ctx.strokeStyle = "#ccc";
  ctx.strokeRect(pad, 4, w - pad - 4, h - pad - 4);
  if (losses.length === 0) return;
  const top = Math.max(...losses);
  ctx.fillStyle = "#666";
  ctx.font = "11px system-ui, sans-serif";
  ctx.fillText(top.toFixed(2), 2, 14);
  ctx.fillText("0", 14, h - pad);
  ctx.fillText(`step ${totalSteps}`, w - 60, h - 8);
  ctx.strokeStyle = "#d2571c";
  ctx.lineWidth = 1.5;
  ctx.beginPath();
  losses.forEach((v, i) => {
    const x = pad + ((w - pad - 4) * i) / Math.max(1, totalSteps - 1);
    const y = 4 + (h - pad - 4) * (1 - v / top);
    if (i === 0) ctx.moveTo(x, y); else ctx.lineTo(x, y);
  });
  ctx.stroke();
}

const nextFrame = () => new Promise((resolve) => setTimeout(resolve, 0));

async function main() {
  window.trainLosses = [];
  const params = new URLSearchParams(location.search);
  const options = {
    seed: intParam(params, "seed", DEFAULTS.seed),
    epochs: intParam(params, "epochs", DEFAULTS.epochs),
  };
  const { device, note } = await pickDevice(params.get("device") ?? "auto");
  window.trainDevice = { device, note };

  $("status").textContent = "loading the digits…";
  const response = await fetch("./digits.json");
  if (!response.ok) throw new Error(`digits.json: HTTP ${response.status} (run npm run build:web first)`);
  const asset = await response.json();

  const stepsPerEpoch = Math.ceil(DEFAULTS.trainRows / DEFAULTS.batchSize);
  const totalSteps = stepsPerEpoch * options.epochs;
  $("device").textContent = `${device} (${note})`;
  $("run").textContent = `seed ${options.seed}, ${options.epochs} epochs × ${stepsPerEpoch} steps, batch ${DEFAULTS.batchSize}, ` +
    `Adam lr ${DEFAULTS.lr}, ${DEFAULTS.trainRows} training / ${asset.rows - DEFAULTS.trainRows} test images`;
  document.body.dataset.state = "running";

  const list = $("steps"), chart = $("chart"), epochs = [];
  const result = await trainDigits(torch, asset, {
    ...options,
    device,
    onStep: async (step, loss) => {
      window.trainLosses.push(loss);
      const item = document.createElement("li");
      item.textContent = `step ${String(step).padStart(3)}  loss ${loss.toFixed(6)}`;
      list.append(item);
      $("status").textContent = `training: step ${step}/${totalSteps}`;
      if (step % stepsPerEpoch === 1 || step % 8 === 0) {
        drawChart(chart, window.trainLosses, totalSteps);
        list.scrollTop = list.scrollHeight;
        await nextFrame();
      }
    },
    onEpoch: async (epoch, meanLoss) => {
      epochs.push(`${epoch}: ${meanLoss.toFixed(4)}`);
      $("epochs").textContent = epochs.join(", ");
      await nextFrame();
    },
  });
  drawChart(chart, result.losses, totalSteps);
  $("accuracy").textContent = `${(100 * result.accuracy).toFixed(1)}% of ${result.testRows} held-out images`;
  $("status").textContent = `done in ${(result.millis / 1000).toFixed(2)} s`;
  window.trainResult = result;
  document.body.dataset.state = "done";
}

main().catch((e) => {
  console.error(e);
  window.trainError = e instanceof Error ? `${e.message}\n${e.stack ?? ""}` : String(e);
  $("status").textContent = `error: ${e instanceof Error ? e.message : e}`;
  document.body.dataset.state = "error";
});
