// One WebGPU device and what the kernels share on it: the buffer pool, compiled pipelines, and the
// command encoder that batches dispatches until something must reach the GPU (a readback, an
// upload, or enough queued work).

import { onSafePoint } from "../../core/safe-point.js";
import { BufferUsage } from "./gpu-types.js";
import { type KernelTime, KernelProfiler } from "./kernel-profile.js";
import { BufferPool, GpuBuffer, sizeClass } from "./pool.js";
import type { SubgroupSupport } from "./subgroups.js";
import type { ParamStruct } from "./wgsl.js";

/** An environment variable where there is a `process` (Node), else undefined. */
function envValue(name: string): string | undefined {
  return (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.[name];
}

/** Dispatches recorded before the batch is submitted on its own. */
const AUTO_FLUSH_DISPATCHES = 64;
/**
 * Milliseconds of recording after which a batch is submitted, so that the GPU starts on the first
 * kernels of a step while the host records the rest (TORCH_TS_WEBGPU_FLUSH_MS; 0 submits by count
 * and at safe points only).
 */
const DEFAULT_FLUSH_MS = 1;
/** Bytes of readback staging buffers kept for reuse. */
const READBACK_POOL_BYTES = 1 << 24;
/** The uniform arena: every dispatch of a batch gets its parameters from one buffer. */
const ARENA_BYTES = 1 << 18;

/**
 * The device's limits as a plain frozen object: in Dawn's Node binding each read of a
 * GPUSupportedLimits property is a native call (a few microseconds), and dispatches read them.
 */
function plainLimits(limits: GPUSupportedLimits): GPUSupportedLimits {
  const out: Record<string, number> = {};
  for (let o: object | null = limits; o !== null && o !== Object.prototype; o = Object.getPrototypeOf(o) as object | null) {
    for (const k of Object.getOwnPropertyNames(o)) {
      const v: unknown = k in out ? undefined : Reflect.get(limits, k);
      if (typeof v === "number") out[k] = v;
    }
  }
  return Object.freeze(out) as unknown as GPUSupportedLimits;
}

/** The largest workgroup the kernels use on a device: 256, or less where the device allows less. */
export function kernelWorkgroupSize(limits: GPUSupportedLimits): number {
  return Math.min(256, limits.maxComputeInvocationsPerWorkgroup, limits.maxComputeWorkgroupSizeX);
}

export interface AdapterDescription {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  /** "dawn default", "dawn opengles", "navigator.gpu", ... */
  source: string;
}

/** One compute dispatch: a pipeline, its parameters and its storage buffers in binding order. */
export interface Dispatch {
  /** Identifies the WGSL source in the pipeline cache. */
  readonly key: string;
  /** Builds the WGSL source; called once per key. */
  readonly wgsl: () => string;
  /** Uniform parameters (binding 0), absent for kernels without any. */
  readonly params?: { readonly layout: ParamStruct; readonly values: Readonly<Record<string, number | readonly number[]>> };
  /** Storage buffers at bindings 1, 2, ... in the order the WGSL declares them. */
  readonly buffers: readonly (GpuBuffer | GPUBuffer)[];
  /** Workgroup counts (x, y, z). */
  readonly workgroups: readonly [number, number?, number?];
}

/** More bind groups than this are dropped at once (buffers churn through the pool's size classes). */
const MAX_CACHED_BIND_GROUPS = 4096;
/** GPUShaderStage.COMPUTE (the global is absent in Node). */
const SHADER_STAGE_COMPUTE = 4;

interface Compiled {
  pipeline: GPUComputePipeline;
  layout: GPUBindGroupLayout;
  /** Identifies the (shared) bind group layout in bind group cache keys. */
  id: number;
  /** Whether binding 0 is the uniform parameter block. */
  hasParams: boolean;
}

type BindingKind = "uniform" | "storage" | "read-only-storage";

/** The buffer binding types of a kernel's group 0, by binding number, read from its WGSL. */
function bindingKinds(code: string): BindingKind[] {
  const kinds: BindingKind[] = [];
  const re = /@group\(0\)\s*@binding\((\d+)\)\s*var<\s*(uniform|storage)\s*(?:,\s*(read_write|read))?\s*>/g;
  for (let m = re.exec(code); m !== null; m = re.exec(code)) {
    const binding = Number(m[1]);
    kinds[binding] = m[2] === "uniform" ? "uniform" : m[3] === "read_write" ? "storage" : "read-only-storage";
  }
  for (let i = 0; i < kinds.length; i++) {
    if (kinds[i] === undefined) throw new Error(`webgpu: internal error: a kernel's bindings skip binding ${i}`);
    if (i > 0 && kinds[i] === "uniform") throw new Error(`webgpu: internal error: a kernel has a uniform at binding ${i} (only binding 0 may be)`);
  }
  return kinds;
}

/** Counters of host-side work (see GpuContext.counters). */
export interface GpuStats {
  dispatches: number;
  submits: number;
  pipelines: number;
  bindGroupsCreated: number;
  uniformBytes: number;
  uploads: number;
  uploadBytes: number;
  buffersCreated: number;
}

export class GpuContext {
  readonly pool: BufferPool;
  /** Stops the pool's reclaim() at the autograd engine's safe points. */
  private readonly leaveSafePoints: () => void;
  readonly adapter: AdapterDescription;
  readonly limits: GPUSupportedLimits;
  readonly features: ReadonlySet<string>;
  /**
   * A software adapter (Mesa's lavapipe/llvmpipe, SwiftShader): kernels pick variants that compile
   * fast there (its shader compiler is slow on large unrolled kernels), speed being moot.
   */
  readonly isCpuAdapter: boolean;
  /**
   * Whether float16 tensors are stored as f16 (2 bytes per element): where the device has the
   * "shader-f16" feature, unless TORCH_TS_WEBGPU_F16_STORAGE=0. Otherwise they live in float32
   * buffers holding float16 values. Decided here once; everything else asks (`src/webgpu/storage.ts`).
   */
  readonly f16Storage: boolean;
  /** The largest workgroup the kernels use here (256, or less where the device allows less). */
  readonly maxWorkgroupSize: number;
  /**
   * Where the reductions (reduce, softmax, layer norm) use subgroup operations: the "subgroups"
   * feature confirmed by a probe as requestDevice creates the context (see subgroups.ts); null
   * keeps the barrier trees.
   */
  readonly subgroups: SubgroupSupport | null;
  /** Compiled pipelines and their bind group layouts (asked once: each call makes a new object). */
  private readonly pipelines = new Map<string, Compiled>();
  private readonly layouts = new Map<string, { layout: GPUBindGroupLayout; id: number }>();
  private readonly bindGroups = new Map<string, GPUBindGroup>();
  private readonly bufferIds = new WeakMap<GPUBuffer, number>();
  private nextBufferId = 0;
  private readonly rawScratch: GPUBuffer[] = [];
  private readonly dynamicOffset = new Uint32Array(1);
  /** The pipeline last set in the open compute pass (set again only when it changes). */
  private passPipeline: GPUComputePipeline | null = null;
  private encoder: GPUCommandEncoder | null = null;
  private pass: GPUComputePassEncoder | null = null;
  private queued = 0;
  /** When the batch's first dispatch was recorded (performance.now()). */
  private batchStart = 0;
  /**
   * Milliseconds of recording after which a batch is submitted (0: by count and at safe points
   * only). From TORCH_TS_WEBGPU_FLUSH_MS, default DEFAULT_FLUSH_MS; benchmarks and tests set it.
   */
  flushAfterMs: number;
  private readonly arena: GPUBuffer;
  /** A small storage buffer to bind where a kernel's optional operand is absent (never read). */
  readonly scratch: GPUBuffer;
  private readonly arenaData = new ArrayBuffer(ARENA_BYTES);
  private readonly arenaView = new DataView(this.arenaData);
  private arenaUsed = 0;
  private readonly uniformAlign: number;
  private readonly afterSubmit: (() => void)[] = [];
  /** Unmapped readback staging buffers by size (acquireReadback). */
  private readonly readbacks = new Map<number, GPUBuffer[]>();
  private readbackBytes = 0;
  private lostReason: string | null = null;
  /** Set between startKernelProfile() and stopKernelProfile(). */
  private profiler: KernelProfiler | null = null;
  private readonly errors: string[] = [];
  /**
   * What the host asked of the device so far (tests and benchmarks read differences): dispatches,
   * submits, compiled pipelines, bind groups created, bytes of kernel parameters written, uploads
   * (host-to-GPU writes) and their bytes. `stats()` adds the pool's buffer creations.
   */
  readonly counters = { dispatches: 0, submits: 0, pipelines: 0, bindGroupsCreated: 0, uniformBytes: 0, uploads: 0, uploadBytes: 0 };

  constructor(readonly device: GPUDevice, info: GPUAdapterInfo, source: string, subgroups: SubgroupSupport | null = null) {
    this.adapter = {
      vendor: info.vendor, architecture: info.architecture, device: info.device,
      description: info.description, source,
    };
    this.limits = plainLimits(device.limits);
    const fallback = (info as GPUAdapterInfo & { isFallbackAdapter?: boolean }).isFallbackAdapter === true;
    this.isCpuAdapter = fallback || /llvmpipe|lavapipe|softpipe|swiftshader/i.test(`${info.device} ${info.description} ${info.architecture}`);
    this.features = new Set(device.features);
    this.f16Storage = this.features.has("shader-f16") && envValue("TORCH_TS_WEBGPU_F16_STORAGE") !== "0";
    // On a CPU adapter the "GPU" runs on the host's own cores: nothing to overlap.
    const flushMs = Number(envValue("TORCH_TS_WEBGPU_FLUSH_MS") ?? (this.isCpuAdapter ? 0 : DEFAULT_FLUSH_MS));
    this.flushAfterMs = Number.isFinite(flushMs) && flushMs > 0 ? flushMs : 0;
    this.maxWorkgroupSize = kernelWorkgroupSize(this.limits);
    this.subgroups = subgroups?.workgroupSize === this.maxWorkgroupSize ? subgroups : null;
    this.uniformAlign = Math.max(16, device.limits.minUniformBufferOffsetAlignment);
    // Buffers about to be destroyed: submit the work that uses them, and forget their bind groups.
    this.pool = new BufferPool(device, () => { this.flush(); this.bindGroups.clear(); });
    // Between ops: the GPU starts on what was recorded while the pool takes back dead buffers.
    this.leaveSafePoints = onSafePoint((kind) => {
      if (kind === "zeroGrad") { this.pool.afterZeroGrad(); return; }
      this.flush();
      this.pool.reclaim();
    });
    this.arena = device.createBuffer({ size: ARENA_BYTES, usage: BufferUsage.UNIFORM | BufferUsage.COPY_DST });
    this.scratch = device.createBuffer({ size: 256, usage: BufferUsage.STORAGE });
    void device.lost.then((info) => { this.lostReason = info.message || String(info.reason); });
    const onError = (ev: { error?: { message?: string } }): void => {
      this.errors.push(ev.error?.message ?? "unknown WebGPU error");
    };
    const target = device as unknown as { addEventListener?: (t: string, f: (ev: { error?: { message?: string } }) => void) => void; onuncapturederror?: unknown };
    if (typeof target.addEventListener === "function") target.addEventListener("uncapturederror", onError);
    else target.onuncapturederror = onError;
  }

  /** A one-line description: "NVIDIA / hopper (vulkan)". */
  describe(): string {
    const a = this.adapter;
    return [a.vendor, a.architecture, a.device, a.description].filter((s) => s).join(" / ") + ` [${a.source}]`;
  }

  private check(): void {
    if (this.lostReason !== null) throw new Error(`webgpu: the device was lost (${this.lostReason})`);
    if (this.errors.length > 0) {
      const msg = this.errors.splice(0).join("; ");
      throw new Error(`webgpu: ${msg}`);
    }
  }

  /** The compiled pipeline of a kernel (compiled on first use). */
  pipeline(key: string, wgsl: () => string): GPUComputePipeline {
    return this.compiled(key, wgsl).pipeline;
  }

  private compiled(key: string, wgsl: () => string): Compiled {
    let p = this.pipelines.get(key);
    if (!p) {
      const code = wgsl();
      const module = this.device.createShaderModule({ code, label: key });
      // An explicit layout, so that the parameters (binding 0) take a dynamic offset into the
      // arena: a bind group then depends only on the buffers, and is cached (see dispatch).
      const kinds = bindingKinds(code);
      const { layout, id } = this.sharedLayout(kinds);
      const pipelineLayout = this.device.createPipelineLayout({ bindGroupLayouts: [layout], label: key });
      const pipeline = this.device.createComputePipeline({ layout: pipelineLayout, compute: { module, entryPoint: "main" }, label: key });
      p = { pipeline, layout, id, hasParams: kinds[0] === "uniform" };
      this.pipelines.set(key, p);
      this.counters.pipelines++;
    }
    return p;
  }

  /**
   * One bind group layout per sequence of binding types, shared by every kernel with that
   * sequence: a bind group made for one of them serves them all (add, mul, sub... over the same
   * buffers hit the same cache entry).
   */
  private sharedLayout(kinds: readonly BindingKind[]): { layout: GPUBindGroupLayout; id: number } {
    const signature = kinds.join(",");
    let shared = this.layouts.get(signature);
    if (!shared) {
      const entries: GPUBindGroupLayoutEntry[] = kinds.map((kind, binding) => ({
        binding, visibility: SHADER_STAGE_COMPUTE,
        buffer: kind === "uniform" ? { type: "uniform", hasDynamicOffset: true } : { type: kind },
      }));
      shared = { layout: this.device.createBindGroupLayout({ entries, label: signature }), id: this.layouts.size };
      this.layouts.set(signature, shared);
    }
    return shared;
  }

  /** A numeric identity per WebGPU buffer, for bind group cache keys (never reused). */
  private bufferId(b: GPUBuffer): number {
    let id = this.bufferIds.get(b);
    if (id === undefined) this.bufferIds.set(b, (id = this.nextBufferId++));
    return id;
  }

  /**
   * The bind group of a pipeline over whole buffers (parameters at a dynamic offset), made once per
   * (bind group layout, parameter size, buffers). Buffers are bound whole, so a pooled buffer that now holds
   * another tensor binds the same way; only destroyed buffers invalidate entries (emptyCache).
   */
  private bindGroup(p: Compiled, paramBytes: number, buffers: readonly (GpuBuffer | GPUBuffer)[]): GPUBindGroup {
    const raws = this.rawScratch;
    raws.length = buffers.length;
    let key = `${p.id}:${paramBytes}`;
    for (let i = 0; i < buffers.length; i++) {
      const b = buffers[i]!;
      const raw = b instanceof GpuBuffer ? b.raw : b;
      raws[i] = raw;
      key += `,${this.bufferId(raw)}`;
    }
    let bg = this.bindGroups.get(key);
    if (bg === undefined) {
      const entries: GPUBindGroupEntry[] = [];
      if (p.hasParams) entries.push({ binding: 0, resource: { buffer: this.arena, offset: 0, size: paramBytes } });
      for (let i = 0; i < raws.length; i++) entries.push({ binding: i + 1, resource: { buffer: raws[i]! } });
      bg = this.device.createBindGroup({ layout: p.layout, entries });
      this.counters.bindGroupsCreated++;
      if (this.bindGroups.size >= MAX_CACHED_BIND_GROUPS) this.bindGroups.clear();
      this.bindGroups.set(key, bg);
    }
    return bg;
  }

  /** Records one dispatch into the current batch. */
  dispatch(d: Dispatch): void {
    this.check();
    const [x, y = 1, z = 1] = d.workgroups;
    if (x === 0 || y === 0 || z === 0) return;
    const maxDim = this.limits.maxComputeWorkgroupsPerDimension;
    if (x > maxDim || y > maxDim || z > maxDim) {
      throw new Error(`webgpu: dispatch ${d.key} of ${x}x${y}x${z} workgroups exceeds the device's ${maxDim} per dimension`);
    }
    // A full batch of timestamps is submitted first (before this dispatch's parameters are packed).
    if (this.profiler?.full) this.flush();
    const p = this.compiled(d.key, d.wgsl);
    let offset = 0, size = 0;
    if (d.params) {
      size = d.params.layout.byteSize;
      if (this.arenaUsed + size > ARENA_BYTES) this.flush();
      offset = this.arenaUsed;
      d.params.layout.pack(d.params.values, this.arenaView, offset);
      this.arenaUsed = Math.ceil((offset + size) / this.uniformAlign) * this.uniformAlign;
      this.counters.uniformBytes += size;
    }
    if (p.hasParams !== (d.params !== undefined)) {
      throw new Error(`webgpu: internal error: kernel ${d.key} ${p.hasParams ? "declares parameters but got none" : "got parameters it does not declare"}`);
    }
    const bindGroup = this.bindGroup(p, size, d.buffers);
    if (this.profiler) {
      this.profiledDispatch(this.profiler.pass(d.key), p, bindGroup, offset, x, y, z);
      return;
    }
    const pass = this.computePass();
    if (this.passPipeline !== p.pipeline) {
      pass.setPipeline(p.pipeline);
      this.passPipeline = p.pipeline;
    }
    this.bindAndDispatch(pass, p, bindGroup, offset, x, y, z);
    this.afterDispatch();
  }

  /** Submits the batch once it holds AUTO_FLUSH_DISPATCHES, or has been recorded for flushAfterMs. */
  private afterDispatch(): void {
    if (this.queued++ === 0) {
      this.batchStart = performance.now();
      return;
    }
    if (this.queued >= AUTO_FLUSH_DISPATCHES || (this.flushAfterMs > 0 && performance.now() - this.batchStart >= this.flushAfterMs)) this.flush();
  }

  /** One dispatch in a compute pass of its own whose timestamps the profiler reads. */
  private profiledDispatch(desc: GPUComputePassDescriptor, p: Compiled, bindGroup: GPUBindGroup, offset: number, x: number, y: number, z: number): void {
    this.endPass();
    const pass = this.commandEncoder().beginComputePass(desc);
    pass.setPipeline(p.pipeline);
    this.bindAndDispatch(pass, p, bindGroup, offset, x, y, z);
    pass.end();
    this.afterDispatch();
  }

  /** Binds group 0 (parameters at `offset`) and records the dispatch in `pass`, whose pipeline is set. */
  private bindAndDispatch(pass: GPUComputePassEncoder, p: Compiled, bindGroup: GPUBindGroup, offset: number, x: number, y: number, z: number): void {
    if (p.hasParams) {
      this.dynamicOffset[0] = offset;
      pass.setBindGroup(0, bindGroup, this.dynamicOffset, 0, 1);
    } else {
      pass.setBindGroup(0, bindGroup);
    }
    pass.dispatchWorkgroups(x, y, z);
    this.counters.dispatches++;
  }

  /**
   * Starts timing every dispatch on the GPU (timestamp queries; the adapter must offer the
   * "timestamp-query" feature). For benchmarks: each dispatch then runs in a pass of its own.
   */
  startKernelProfile(): void {
    this.check();
    if (!this.features.has("timestamp-query")) throw new Error("webgpu: this adapter does not offer timestamp queries (feature 'timestamp-query'); kernels cannot be timed");
    if (this.profiler) throw new Error("webgpu: a kernel profile is already running");
    this.flush();
    this.profiler = new KernelProfiler(this.device);
  }

  /** Stops the profile and returns each kernel's GPU time since startKernelProfile(), most first. */
  async stopKernelProfile(): Promise<KernelTime[]> {
    const profiler = this.profiler;
    if (!profiler) throw new Error("webgpu: no kernel profile is running (call startKernelProfile() first)");
    this.flush();
    this.profiler = null;
    return profiler.results();
  }

  /** Splits `n` workgroups over x and y so neither exceeds the per-dimension limit. */
  grid(n: number): [number, number] {
    const maxDim = this.limits.maxComputeWorkgroupsPerDimension;
    if (n <= maxDim) return [n, 1];
    const y = Math.ceil(n / maxDim);
    return [Math.ceil(n / y), y];
  }

  private commandEncoder(): GPUCommandEncoder {
    if (!this.encoder) this.encoder = this.device.createCommandEncoder();
    return this.encoder;
  }

  private computePass(): GPUComputePassEncoder {
    if (!this.pass) {
      this.pass = this.commandEncoder().beginComputePass();
      this.passPipeline = null;
    }
    return this.pass;
  }

  private endPass(): void {
    if (this.pass) {
      this.pass.end();
      this.pass = null;
    }
  }

  /** Records a buffer-to-buffer copy in order with the dispatches. */
  copyBuffer(src: GPUBuffer, srcOffset: number, dst: GPUBuffer, dstOffset: number, bytes: number): void {
    this.check();
    if (bytes === 0) return;
    this.endPass();
    this.commandEncoder().copyBufferToBuffer(src, srcOffset, dst, dstOffset, bytes);
  }

  /** Runs `f` once the current batch has been submitted (to recycle what it used). */
  onSubmit(f: () => void): void { this.afterSubmit.push(f); }

  /** Submits the recorded work. Cheap when nothing is recorded. */
  flush(): void {
    this.endPass();
    if (this.encoder) {
      if (this.arenaUsed > 0) this.device.queue.writeBuffer(this.arena, 0, this.arenaData, 0, this.arenaUsed);
      const readTimestamps = this.profiler?.resolve(this.encoder);
      this.device.queue.submit([this.encoder.finish()]);
      readTimestamps?.();
      this.counters.submits++;
      this.encoder = null;
    }
    this.arenaUsed = 0;
    this.queued = 0;
    for (const f of this.afterSubmit.splice(0)) f();
  }

  /** Writes host data into a buffer, after the work recorded so far (which may still read it). */
  writeBuffer(dst: GpuBuffer, byteOffset: number, data: ArrayBufferView): void {
    this.check();
    this.flush();
    // WebGPU takes no shared memory, and large CPU storages are SharedArrayBuffers in Node
    // (src/backends/native/tensor-memory.ts): those are copied first.
    const bytes = data.buffer instanceof ArrayBuffer ? data : new Uint8Array(data.buffer, data.byteOffset, data.byteLength).slice();
    this.device.queue.writeBuffer(dst.raw, byteOffset, bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.counters.uploads++;
    this.counters.uploadBytes += data.byteLength;
  }

  /** Resolves when the GPU has finished everything submitted so far (recorded work is submitted). */
  async sync(): Promise<void> {
    this.flush();
    await this.device.queue.onSubmittedWorkDone();
    this.check();
  }

  /** A snapshot of the counters plus the buffers the pool created from the device. */
  stats(): GpuStats {
    return { ...this.counters, buffersCreated: this.pool.stats().created };
  }

  /**
   * A MAP_READ staging buffer of at least `bytes` (the pool's size classes) for a readback;
   * give it back with releaseReadback once unmapped. Up to READBACK_POOL_BYTES of them are kept:
   * on an H100 host, creating and destroying one per read took about 1 ms of a 4-byte read.
   */
  acquireReadback(bytes: number): GPUBuffer {
    const size = sizeClass(bytes);
    const free = this.readbacks.get(size);
    const b = free?.pop();
    if (b) {
      this.readbackBytes -= size;
      return b;
    }
    return this.device.createBuffer({ size, usage: BufferUsage.MAP_READ | BufferUsage.COPY_DST });
  }

  /** Keeps an unmapped staging buffer from acquireReadback for the next read, or destroys it. */
  releaseReadback(b: GPUBuffer): void {
    if (this.readbackBytes + b.size > READBACK_POOL_BYTES) {
      b.destroy();
      return;
    }
    this.readbackBytes += b.size;
    let free = this.readbacks.get(b.size);
    if (!free) this.readbacks.set(b.size, (free = []));
    free.push(b);
  }

  memoryAllocated(): number { return this.pool.memoryAllocated(); }
  memoryReserved(): number { return this.pool.memoryReserved(); }
  emptyCache(): void {
    this.pool.emptyCache();
    for (const free of this.readbacks.values()) for (const b of free) b.destroy();
    this.readbacks.clear();
    this.readbackBytes = 0;
    // Destroyed buffers must not stay bound (their ids are never reused, but their memory is held).
    this.bindGroups.clear();
  }

  /** Submits pending work and destroys the device; the context is unusable afterwards. */
  destroy(): void {
    this.leaveSafePoints();
    this.flush();
    this.pool.emptyCache();
    this.device.destroy();
  }
}
