// The GPU buffer pool: buffers are rounded up to size classes and kept on free lists when released,
// so a training step reuses the previous step's buffers instead of asking the driver again.
// Handles are reference counted; a FinalizationRegistry returns the buffer of a handle that was
// dropped without release() (the backstop: user code never has to free anything).

import { BufferUsage } from "./gpu-types.js";

/** The smallest buffer the pool hands out (bytes); also the granularity of small size classes. */
const MIN_BYTES = 256;
/** Above this, size classes are 4 per octave (waste under 25%); below, powers of two. */
const POW2_LIMIT = 1 << 20;

/** The byte size a request of `bytes` is rounded up to. */
export function sizeClass(bytes: number): number {
  if (!Number.isFinite(bytes) || bytes < 0) throw new Error(`webgpu: invalid buffer size ${bytes}`);
  if (bytes <= MIN_BYTES) return MIN_BYTES;
  if (bytes <= POW2_LIMIT) return 2 ** Math.ceil(Math.log2(bytes));
  const octave = 2 ** Math.floor(Math.log2(bytes));
  const step = octave / 4;
  return Math.ceil(bytes / step) * step;
}

/** What the registry needs to recycle a buffer whose handle was collected. */
interface Backing {
  raw: GPUBuffer;
  capacity: number;
  /** Set once the buffer went back to the pool, so a late finalizer does nothing. */
  returned: boolean;
}

/**
 * One pooled GPU buffer, reference counted. `release()` drops one reference; the last one returns
 * the buffer to the pool. `using b = pool.acquire(n)` releases at the end of the scope.
 */
export class GpuBuffer {
  private refs = 1;
  /** @internal */ readonly backing: Backing;

  /** @internal Use BufferPool.acquire. */
  constructor(readonly pool: BufferPool, backing: Backing, readonly byteLength: number) {
    this.backing = backing;
  }

  /** The WebGPU buffer; throws once the last reference was released. */
  get raw(): GPUBuffer {
    if (this.refs <= 0) throw new Error("webgpu: use of a GPU buffer after its last reference was released");
    return this.backing.raw;
  }
  /** Bytes the buffer really has (its size class). */
  get capacity(): number { return this.backing.capacity; }
  get refCount(): number { return this.refs; }
  get isReleased(): boolean { return this.refs <= 0; }

  retain(): this {
    if (this.refs <= 0) throw new Error("webgpu: retain() of a released GPU buffer");
    this.refs++;
    return this;
  }

  release(): void {
    if (this.refs <= 0) throw new Error("webgpu: release() of a GPU buffer that was already released");
    if (--this.refs === 0) this.pool._return(this);
  }

  [Symbol.dispose](): void {
    if (this.refs > 0) this.release();
  }
}

export interface PoolStats {
  /** Bytes of buffers held by live handles (their size classes). */
  allocated: number;
  /** Bytes of every buffer the pool owns: live ones plus those cached on free lists. */
  reserved: number;
  /** The high-water mark of `allocated`. */
  peakAllocated: number;
  /** Buffers created from the device / served from the free lists. */
  created: number;
  reused: number;
  /** Buffers returned by the FinalizationRegistry (dropped without release()). */
  collected: number;
}

export class BufferPool {
  private readonly free = new Map<number, GPUBuffer[]>();
  private allocated = 0;
  private reserved = 0;
  private peak = 0;
  private created = 0;
  private reused = 0;
  private collected = 0;
  private readonly registry = new FinalizationRegistry<Backing>((b) => {
    if (b.returned) return;
    this.collected++;
    this.recycle(b);
  });

  /**
   * @param device the device buffers come from.
   * @param beforeDestroy called before buffers are destroyed, so that commands still being
   *   recorded that use them can be submitted first.
   */
  constructor(private readonly device: GPUDevice, private readonly beforeDestroy: () => void = () => {}) {}

  /** A buffer of at least `byteLength` bytes (usable as storage, copy source and destination). */
  acquire(byteLength: number): GpuBuffer {
    const cap = sizeClass(byteLength);
    const list = this.free.get(cap);
    let raw = list?.pop();
    if (raw) this.reused++;
    else {
      raw = this.device.createBuffer({
        size: cap,
        usage: BufferUsage.STORAGE | BufferUsage.COPY_SRC | BufferUsage.COPY_DST,
      });
      this.created++;
      this.reserved += cap;
    }
    this.allocated += cap;
    if (this.allocated > this.peak) this.peak = this.allocated;
    const backing: Backing = { raw, capacity: cap, returned: false };
    const handle = new GpuBuffer(this, backing, byteLength);
    this.registry.register(handle, backing, backing);
    return handle;
  }

  /** @internal Called by GpuBuffer.release() for the last reference. */
  _return(handle: GpuBuffer): void {
    this.registry.unregister(handle.backing);
    this.recycle(handle.backing);
  }

  private recycle(b: Backing): void {
    if (b.returned) return;
    b.returned = true;
    this.allocated -= b.capacity;
    let list = this.free.get(b.capacity);
    if (!list) this.free.set(b.capacity, (list = []));
    list.push(b.raw);
  }

  /** Bytes held by live buffers (torch.cuda.memory_allocated's analogue, in size classes). */
  memoryAllocated(): number { return this.allocated; }
  /** Bytes of all buffers the pool owns, cached ones included (memory_reserved's analogue). */
  memoryReserved(): number { return this.reserved; }
  maxMemoryAllocated(): number { return this.peak; }
  resetPeakMemoryStats(): void { this.peak = this.allocated; }

  /** Destroys the cached (free) buffers; live ones are untouched. */
  emptyCache(): void {
    if (this.free.size === 0) return;
    this.beforeDestroy();
    for (const [cap, list] of this.free) {
      for (const raw of list) raw.destroy();
      this.reserved -= cap * list.length;
    }
    this.free.clear();
  }

  stats(): PoolStats {
    return {
      allocated: this.allocated, reserved: this.reserved, peakAllocated: this.peak,
      created: this.created, reused: this.reused, collected: this.collected,
    };
  }
}
