// Process-wide switches PyTorch programs set at start-up: deterministic algorithms, float32 matmul
// precision, denormal flushing, inter-op threads. torch-ts records what it is told and reports it
// back; each function's comment says what the setting changes here (mostly nothing, and why).

let deterministic = false;
let deterministicWarnOnly = false;

/**
 * torch.use_deterministic_algorithms(mode, *, warn_only=False). Recorded only: torch-ts's CPU
 * kernels are deterministic already (the native thread pool splits work in fixed chunks and
 * reduces in a fixed order, and scatter-adds run in index order), so no op changes behaviour.
 */
export function useDeterministicAlgorithms(mode: boolean, options: { warnOnly?: boolean } = {}): void {
  if (typeof mode !== "boolean") throw new Error(`_set_deterministic_algorithms(): argument 'mode' (position 1) must be bool, not ${typeof mode}`);
  const warnOnly = options.warnOnly ?? false;
  if (typeof warnOnly !== "boolean") throw new Error(`_set_deterministic_algorithms(): argument 'warn_only' must be bool, not ${typeof warnOnly}`);
  deterministic = mode;
  deterministicWarnOnly = warnOnly;
}

/** torch.are_deterministic_algorithms_enabled: the flag useDeterministicAlgorithms last set. */
export function areDeterministicAlgorithmsEnabled(): boolean { return deterministic; }

/** torch.is_deterministic_algorithms_warn_only_enabled: the warnOnly flag last set. */
export function isDeterministicAlgorithmsWarnOnlyEnabled(): boolean { return deterministicWarnOnly; }

export type DeterministicDebugMode = 0 | 1 | 2;
const DEBUG_MODES = ["default", "warn", "error"];

/**
 * torch.set_deterministic_debug_mode(debug_mode): 0 / "default" turns deterministic algorithms off,
 * 1 / "warn" on with warnOnly, 2 / "error" on; the same switch as useDeterministicAlgorithms.
 */
export function setDeterministicDebugMode(debugMode: DeterministicDebugMode | "default" | "warn" | "error"): void {
  let mode: number;
  if (typeof debugMode === "string") {
    mode = DEBUG_MODES.indexOf(debugMode);
    if (mode < 0) throw new Error(`invalid value of debug_mode, expected one of \`default\`, \`warn\`, \`error\`, but got ${debugMode}`);
  } else if (typeof debugMode === "number" && Number.isInteger(debugMode)) {
    mode = debugMode;
    if (mode < 0 || mode > 2) throw new Error(`invalid value of debug_mode, expected 0, 1, or 2, but got ${mode}`);
  } else {
    throw new Error(`debug_mode must be str or int, but got ${typeof debugMode === "number" ? "<class 'float'>" : typeof debugMode}`);
  }
  useDeterministicAlgorithms(mode > 0, { warnOnly: mode === 1 });
}

/** torch.get_deterministic_debug_mode: 0 when deterministic algorithms are off, 1 when on with warnOnly, else 2. */
export function getDeterministicDebugMode(): DeterministicDebugMode {
  return !deterministic ? 0 : deterministicWarnOnly ? 1 : 2;
}

/** torch.is_vulkan_available: false (torch-ts's GPU device is WebGPU, not Vulkan). */
export function isVulkanAvailable(): boolean { return false; }

export type Float32MatmulPrecision = "highest" | "high" | "medium";
let matmulPrecision: Float32MatmulPrecision = "highest";

/**
 * torch.set_float32_matmul_precision. Recorded only: float32 matmuls always run in full float32
 * precision, which is what "highest" means; PyTorch treats "high" and "medium" as permission to use
 * faster, less precise internal types (TF32, bfloat16), not as a requirement, so computing at
 * full precision honours every setting. An unknown name leaves the setting alone, as in PyTorch
 * (which only warns).
 */
export function setFloat32MatmulPrecision(precision: string): void {
  if (typeof precision !== "string") throw new Error(`set_float32_matmul_precision expects a str, but got ${typeof precision}`);
  if (precision === "highest" || precision === "high" || precision === "medium") {
    matmulPrecision = precision;
    return;
  }
  console.warn(`UserWarning: ${precision} is not one of 'highest', 'high', or 'medium'; the current setFloat32MatmulPrecision call has no effect.`);
}

/** torch.get_float32_matmul_precision: the setting last recorded ("highest" at start). */
export function getFloat32MatmulPrecision(): Float32MatmulPrecision { return matmulPrecision; }

/**
 * torch.set_flush_denormal: returns false, PyTorch's answer on CPUs that cannot flush denormals.
 * The JS kernels run on V8's floating-point environment, which a program cannot change, so
 * denormals are never flushed in either direction of the switch.
 */
export function setFlushDenormal(mode: boolean): boolean {
  if (typeof mode !== "boolean") throw new Error(`set_flush_denormal(): argument 'mode' (position 1) must be bool, not ${typeof mode}`);
  return false;
}

let interopThreads: number | null = null;

/**
 * torch.get_num_interop_threads: 1. torch-ts runs one op at a time on the calling thread (there is
 * no inter-op pool; intra-op threads are getNumThreads'); a number setNumInteropThreads recorded
 * is reported back.
 */
export function getNumInteropThreads(): number { return interopThreads ?? 1; }

/**
 * torch.set_num_interop_threads: recorded for getNumInteropThreads. As in PyTorch it may be called
 * once only.
 */
export function setNumInteropThreads(n: number): void {
  if (typeof n !== "number" || !Number.isInteger(n)) throw new Error(`set_num_interop_threads(): argument 'num' (position 1) must be int, not ${typeof n === "number" ? "float" : typeof n}`);
  if (n <= 0) throw new Error("set_num_interop_threads expects a positive integer");
  if (interopThreads !== null) throw new Error("Error: cannot set number of interop threads after parallel work has started or set_num_interop_threads called");
  interopThreads = n;
}
