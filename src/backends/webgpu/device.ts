// Finding a WebGPU device: the browser's navigator.gpu, or in Node the `webgpu` package (Dawn).
// Nothing here imports a Node built-in, so bundlers for the web can include this file as is.

import "./gpu-types.js";
import { GpuContext, kernelWorkgroupSize } from "./context.js";
import { probeSubgroups } from "./subgroups.js";

/** Dawn backends selectable in Node (`backend=` flag of dawn.node). */
export type DawnBackend = "vulkan" | "opengles" | "opengl" | "metal" | "d3d12" | "d3d11" | "null";

export interface RequestDeviceOptions {
  /** Node only: Dawn's backend. Default: Dawn's choice, then "opengles" if that gives no adapter. */
  backend?: DawnBackend;
  /** "compatibility" is needed by the OpenGL ES backend. Default: "core" ("compatibility" for GLES). */
  featureLevel?: "core" | "compatibility";
  powerPreference?: "low-power" | "high-performance";
  /**
   * Node only: keep Dawn's bounds clamping of buffer and workgroup-memory accesses (default true).
   * Every kernel here checks its own bounds, so false is safe for them and makes matmul faster;
   * it applies to the whole process's Dawn instance.
   */
  robustness?: boolean;
  /** Node only: extra dawn.node flags (`enable-dawn-features=...`, `adapter=...`). */
  dawnFlags?: readonly string[];
  /**
   * Let the reductions use subgroup operations where the adapter offers them and the probe
   * confirms them (default true; TORCH_TS_WEBGPU_SUBGROUPS=0 makes it false).
   */
  subgroups?: boolean;
}

interface DawnModule {
  create(flags: string[]): GPU;
  globals: Record<string, unknown>;
}

type Env = Record<string, string | undefined>;

function env(): Env {
  const p = (globalThis as { process?: { env?: Env } }).process;
  return p?.env ?? {};
}

function browserGpu(): GPU | undefined {
  const nav = (globalThis as { navigator?: { gpu?: GPU } }).navigator;
  return nav?.gpu;
}

function isNode(): boolean {
  const p = (globalThis as { process?: { versions?: { node?: string } } }).process;
  return typeof p?.versions?.node === "string";
}

let dawnModule: Promise<DawnModule | null> | null = null;

/** The `webgpu` package, or null where it is not installed (it is an optional dependency). */
function loadDawn(): Promise<DawnModule | null> {
  if (!dawnModule) {
    // A computed specifier keeps bundlers for the web from trying to resolve the Node package.
    const spec = ["web", "gpu"].join("");
    dawnModule = (import(/* @vite-ignore */ spec) as Promise<DawnModule>).then(
      (m) => (typeof m.create === "function" ? m : null),
      () => null,
    );
  }
  return dawnModule;
}

const dawnInstances = new Map<string, GPU>();

function dawnFlags(o: RequestDeviceOptions, backend: DawnBackend | undefined): string[] {
  const flags: string[] = [];
  if (backend) flags.push(`backend=${backend}`);
  const toggles: string[] = [];
  if (o.robustness === false) toggles.push("disable_robustness");
  const extra = (o.dawnFlags ?? []).slice();
  const i = extra.findIndex((f) => f.startsWith("enable-dawn-features="));
  if (i >= 0) toggles.push(...extra.splice(i, 1)[0]!.slice("enable-dawn-features=".length).split(","));
  if (toggles.length > 0) flags.push(`enable-dawn-features=${toggles.join(",")}`);
  flags.push(...extra);
  return flags;
}

function dawnGpu(m: DawnModule, flags: string[]): GPU {
  const key = flags.join(" ");
  let gpu = dawnInstances.get(key);
  if (!gpu) {
    gpu = m.create(flags);
    dawnInstances.set(key, gpu);
  }
  return gpu;
}

/** Options from the environment, so CI can pick an adapter without code changes. */
function envOptions(): RequestDeviceOptions {
  const e = env();
  const o: RequestDeviceOptions = {};
  const b = e["TORCH_TS_WEBGPU_BACKEND"];
  if (b) o.backend = b as DawnBackend;
  const fl = e["TORCH_TS_WEBGPU_FEATURE_LEVEL"];
  if (fl === "core" || fl === "compatibility") o.featureLevel = fl;
  if (e["TORCH_TS_WEBGPU_ROBUSTNESS"] === "0") o.robustness = false;
  if (e["TORCH_TS_WEBGPU_SUBGROUPS"] === "0") o.subgroups = false;
  const flags = e["TORCH_TS_WEBGPU_DAWN_FLAGS"]?.trim();
  if (flags) o.dawnFlags = flags.split(/\s+/);
  return o;
}

interface Candidate { gpu: GPU; featureLevel: "core" | "compatibility"; label: string }

async function candidates(o: RequestDeviceOptions): Promise<Candidate[]> {
  const nav = browserGpu();
  if (nav && !isNode()) return [{ gpu: nav, featureLevel: o.featureLevel ?? "core", label: "navigator.gpu" }];
  const m = await loadDawn();
  if (!m) return nav ? [{ gpu: nav, featureLevel: o.featureLevel ?? "core", label: "navigator.gpu" }] : [];
  if (o.backend) {
    if (o.backend === "opengles" || o.backend === "opengl") {
      // Dawn's GL backend needs an EGL display; headless machines have only the surfaceless one.
      const e = env();
      if (e["EGL_PLATFORM"] === undefined) e["EGL_PLATFORM"] = "surfaceless";
    }
    const fl = o.featureLevel ?? (o.backend.startsWith("opengl") ? "compatibility" : "core");
    return [{ gpu: dawnGpu(m, dawnFlags(o, o.backend)), featureLevel: fl, label: `dawn ${o.backend}` }];
  }
  return [
    { gpu: dawnGpu(m, dawnFlags(o, undefined)), featureLevel: o.featureLevel ?? "core", label: "dawn default" },
    { label: "dawn opengles", featureLevel: "compatibility", get gpu() {
      const e = env();
      if (e["EGL_PLATFORM"] === undefined) e["EGL_PLATFORM"] = "surfaceless";
      return dawnGpu(m, dawnFlags(o, "opengles"));
    } },
  ];
}

async function findAdapter(o: RequestDeviceOptions): Promise<{ adapter: GPUAdapter; label: string } | null> {
  for (const c of await candidates(o)) {
    const req: GPURequestAdapterOptions & { featureLevel?: string } = { featureLevel: c.featureLevel };
    if (o.powerPreference) req.powerPreference = o.powerPreference;
    const adapter = await c.gpu.requestAdapter(req).catch(() => null);
    if (adapter) return { adapter, label: c.label };
  }
  return null;
}

/** Features the kernels can use when the adapter offers them. */
const WANTED_FEATURES = ["shader-f16", "subgroups", "timestamp-query"] as const;

/**
 * A device with the adapter's full limits (the defaults are far below what GPUs offer: 128 MiB
 * bindings, 16 KiB workgroup memory) and the optional features above.
 */
export async function requestDevice(options: RequestDeviceOptions = {}): Promise<GpuContext> {
  const o = { ...envOptions(), ...options };
  const found = await findAdapter(o);
  if (!found) {
    throw new Error(
      "webgpu: no WebGPU adapter found" +
      (isNode() ? " (is the optional package 'webgpu' installed, and a Vulkan or GLES driver present? see scripts/webgpu-setup.sh)" : ""),
    );
  }
  const { adapter, label } = found;
  const requiredLimits: Record<string, number> = {};
  for (const k in adapter.limits) {
    const v = (adapter.limits as unknown as Record<string, unknown>)[k];
    if (typeof v === "number") requiredLimits[k] = v;
  }
  const requiredFeatures = WANTED_FEATURES.filter((f) => adapter.features.has(f)) as GPUFeatureName[];
  let device: GPUDevice;
  try {
    device = await adapter.requestDevice({ requiredLimits, requiredFeatures });
  } catch {
    device = await adapter.requestDevice();
  }
  // Probed here, before the context exists, so that dispatching never waits on it.
  const subgroups = await probeSubgroups(device, adapter.info, kernelWorkgroupSize(device.limits), o.subgroups !== false);
  return new GpuContext(device, adapter.info, label, subgroups);
}

let defaultContext: Promise<GpuContext> | null = null;

/** The process-wide device (requested once, with options from the environment). */
export function getContext(): Promise<GpuContext> {
  if (!defaultContext) {
    defaultContext = requestDevice();
    defaultContext.catch(() => { defaultContext = null; });
  }
  return defaultContext;
}

/** Whether a WebGPU adapter can be obtained here (never throws). */
export async function isAvailable(options: RequestDeviceOptions = {}): Promise<boolean> {
  try {
    return (await findAdapter({ ...envOptions(), ...options })) !== null;
  } catch {
    return false;
  }
}
