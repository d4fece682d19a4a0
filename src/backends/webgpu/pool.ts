// The GPU buffer pool: buffers are rounded up to size classes and kept on free lists when released,
// so a training step reuses the previous step's buffers instead of asking the driver again.
// Handles are reference counted; a FinalizationRegistry returns the buffer of a handle that was
// dropped without release() (the backstop: user code never has to free anything).
// JavaScript's collector does not see GPU memory: a step that drops 1 GB of activations may leave
// them uncollected for many steps, and a pool that keeps creating buffers is slow (and grows). So
// the pool asks for full collections (where the runtime offers them: Node) by the memory held
// beyond the live set's estimate, TORCH_TS_WEBGPU_GC_MIB (1024; 0 never collects) and what
// collections cost (collectIfPressed); buffers come back when the finalizers run: at the next
// await, or at a safe point (safePoint, the optimizers' step) where V8 offers
// FinalizationRegistry.cleanupSome (Node: syncRegistry).
// Where the native addon offers death notices (src/core/death-notices.ts), each handle also holds a
// token that reports when a young-generation collection frees it: at points between ops (the end of
// a backward, the optimizers' step) reclaim() asks for one (cheap: a step's garbage is young) and
// takes back the dead handles' buffers at once, in a fixed order, so each training step reuses the
// previous step's buffers and bind groups instead of creating them and waiting for full collections.

import { deathNotices } from "../../core/death-notices.js";
import { BufferUsage } from "./gpu-types.js";
import { nodeBuiltin } from "../../core/node-builtin.js";
import { runtimeGc } from "../../core/runtime-gc.js";

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
  owner: BufferPool;
  /** The id of the handle's death token (0: none). */
  tokenId: number;
  /** The owner's young collections when the handle was made: released before the next, it needs none. */
  youngEpoch: number;
}

/** Backings whose handles hold a death token, by the token's id (unique across pools and isolates). */
const watched = new Map<number, Backing>();
/** Token ids are reserved from the addon in blocks: [nextTokenId, tokenIdEnd) are this realm's. */
const TOKEN_ID_BLOCK = 1 << 20;
let nextTokenId = 0;
let tokenIdEnd = 0;

/**
 * Takes back the buffers of handles whose death tokens reported, then puts each free list the pools
 * changed in a fixed order (oldest buffer on top): a training step then starts from the same free
 * lists as the one before and asks for buffers in the same order, so it gets the same buffers, and
 * the context's bind groups over them are found in its cache instead of made again (tens of
 * microseconds each).
 */
function takeBackDead(): void {
  const ids = deathNotices()?.take();
  if (!ids || ids.length === 0) return;
  const owners = new Set<BufferPool>();
  for (const id of ids) {
    const b = watched.get(id);
    if (!b) continue;
    b.owner._recycleCollected(b);
    owners.add(b.owner);
  }
  for (const pool of owners) pool._orderFreeLists();
}

/**
 * One pooled GPU buffer, reference counted. `release()` drops one reference; the last one returns
 * the buffer to the pool. `using b = pool.acquire(n)` releases at the end of the scope.
 */
export class GpuBuffer {
  private refs = 1;
  /** @internal */ readonly backing: Backing;
  /** @internal The death token (see BufferPool.reclaim): it dies with this handle. */
  _token: object | null = null;

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
  /** Full collections the pool asked for under memory pressure, and the milliseconds they took. */
  gcs: number;
  gcMillis: number;
  /** Young collections reclaim() asked for, and their milliseconds. */
  youngGcs: number;
  youngGcMillis: number;
  /** Of `gcs`: the full collections that followed one of V8's own (BufferPool.afterZeroGrad). */
  followUps: number;
}

/** How much memory may be held beyond the live set before a collection is asked for (bytes). */
function gcThresholdBytes(): number {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
  const mib = Number(env?.["TORCH_TS_WEBGPU_GC_MIB"] ?? 1024);
  return (Number.isFinite(mib) && mib >= 0 ? mib : 1024) * 2 ** 20;
}

/** Registries made by syncRegistry whose callbacks runPendingFinalizers can run at once. */
const syncRegistries: { cleanupSome(): void }[] = [];
let syncRegistryCtor: FinalizationRegistryConstructor | null | undefined;

/**
 * V8's FinalizationRegistry with cleanupSome() (behind --harmony-weak-refs-with-cleanup-some, which
 * applies to contexts made after it is set: hence the new vm context), or null. With it, the
 * buffers of tensors a full collection found dead come back within the same event-loop turn, so a
 * loop that never awaits still reuses them.
 */
function cleanupSomeRegistry(): FinalizationRegistryConstructor | null {
  if (syncRegistryCtor !== undefined) return syncRegistryCtor;
  syncRegistryCtor = null;
  const v8 = nodeBuiltin<{ setFlagsFromString(flags: string): void }>("node:v8");
  const vm = nodeBuiltin<{ runInNewContext(code: string): unknown }>("node:vm");
  if (!v8 || !vm) return null;
  try {
    v8.setFlagsFromString("--harmony-weak-refs-with-cleanup-some");
    const ctor = vm.runInNewContext("FinalizationRegistry") as FinalizationRegistryConstructor;
    if (typeof (ctor.prototype as { cleanupSome?: unknown }).cleanupSome === "function") syncRegistryCtor = ctor;
  } catch {
    // Not V8, or flags cannot be set: finalizers run between event-loop turns.
  }
  return syncRegistryCtor;
}

/** A FinalizationRegistry whose pending callbacks runPendingFinalizers() runs (where V8 allows). */
export function syncRegistry<T>(callback: (held: T) => void): FinalizationRegistry<T> {
  const Ctor = cleanupSomeRegistry();
  if (!Ctor) return new FinalizationRegistry<T>(callback);
  const r = new Ctor<T>(callback);
  syncRegistries.push(r as unknown as { cleanupSome(): void });
  return r;
}

/** Runs the callbacks of dead registered objects now; whether the runtime could. */
export function runPendingFinalizers(): boolean {
  for (const r of syncRegistries) r.cleanupSome();
  return syncRegistries.length > 0;
}

/**
 * A miss after this many buffer creations since the last collection asks for one even when the
 * dead tensors hold little memory: each creation (and the bind groups of a new buffer) costs the
 * host tens of microseconds, and small tensors' buffers would otherwise pile up for many steps.
 */
const GC_AFTER_CREATED = 256;

/** Handles made, or bytes handed out, since the last young collection that make an await collect. */
const YOUNG_AT_AWAIT_TOKENS = 64;
const YOUNG_AT_AWAIT_BYTES = 16 * 2 ** 20;
/** Safe points whose memory after collecting tells what a step keeps (collectIfUnsettled). */
const SETTLED_WINDOW = 8;

export class BufferPool {
  private readonly free = new Map<number, GPUBuffer[]>();
  /** The order buffers were created in (_orderFreeLists), and the size classes given buffers since. */
  private readonly serials = new WeakMap<GPUBuffer, number>();
  private nextSerial = 0;
  private readonly changedClasses = new Set<number>();
  private allocated = 0;
  private reserved = 0;
  private peak = 0;
  private created = 0;
  private reused = 0;
  private collected = 0;
  private gcs = 0;
  private gcMillis = 0;
  private youngGcs = 0;
  private youngGcMillis = 0;
  /** Handles given a death token since the last young collection, and their bytes. */
  private tokensSinceYoung = 0;
  private bytesSinceYoung = 0;
  /** Whether atAwait is queued (once per turn of the event loop, at the first acquire). */
  private awaitReclaimQueued = false;
  /**
   * When the program awaits after handles were made (no op is running then): what died comes back,
   * and past YOUNG_AT_AWAIT_TOKENS handles or YOUNG_AT_AWAIT_BYTES a young collection finds it, so an
   * inference loop that awaits each result reuses its buffers without reaching a safe point.
   */
  private readonly atAwait = (): void => {
    this.awaitReclaimQueued = false;
    this.reclaim(this.tokensSinceYoung >= YOUNG_AT_AWAIT_TOKENS || this.bytesSinceYoung >= YOUNG_AT_AWAIT_BYTES);
  };
  /** `allocated` after the last young collections at safe points (collectIfUnsettled). */
  private readonly settled: number[] = [];
  /** The lowest `allocated` since the last collection: what is surely live. */
  private low = 0;
  private gcBlocked = false;
  /** Buffers created since the last collection (small dead tensors hold little memory but many buffers). */
  private createdSinceGc = 0;
  /** Whether the event loop ran microtasks since the last safePoint (the program awaited). */
  private yielded = true;
  /** Full collections the death notices had counted after the last check (afterZeroGrad) or own collection. */
  private fullSeen = deathNotices()?.fullCollections() ?? 0;
  /** Of `gcs`: the collections that followed one of V8's own (afterZeroGrad). */
  private followUps = 0;
  private lastGcEnd = -Infinity;
  private lastGcMillis = 0;
  private gc: (() => void) | null | undefined = undefined;
  /** Bytes that may be held beyond the live set before a collection (0: never collect). */
  gcThreshold = gcThresholdBytes();
  private readonly registry = syncRegistry<Backing>((b) => this._recycleCollected(b));

  /**
   * @param device the device buffers come from.
   * @param beforeDestroy called before buffers are destroyed, so that commands still being
   *   recorded that use them can be submitted first.
   */
  constructor(private readonly device: GPUDevice, private readonly beforeDestroy: () => void = () => {}) {}

  /** A buffer of at least `byteLength` bytes (usable as storage, copy source and destination). */
  acquire(byteLength: number): GpuBuffer {
    const cap = sizeClass(byteLength);
    this.collectIfPressed(!this.free.get(cap)?.length);
    let raw = this.free.get(cap)?.pop();
    if (raw) this.reused++;
    else {
      raw = this.device.createBuffer({
        size: cap,
        usage: BufferUsage.STORAGE | BufferUsage.COPY_SRC | BufferUsage.COPY_DST,
      });
      this.serials.set(raw, this.nextSerial++);
      this.created++;
      this.createdSinceGc++;
      this.reserved += cap;
    }
    this.allocated += cap;
    if (this.allocated > this.peak) this.peak = this.allocated;
    const backing: Backing = { raw, capacity: cap, returned: false, owner: this, tokenId: 0, youngEpoch: this.youngGcs };
    const handle = new GpuBuffer(this, backing, byteLength);
    const notices = deathNotices();
    if (notices) {
      if (nextTokenId === tokenIdEnd) {
        nextTokenId = notices.reserveIds(TOKEN_ID_BLOCK);
        tokenIdEnd = nextTokenId + TOKEN_ID_BLOCK;
      }
      backing.tokenId = nextTokenId++;
      watched.set(backing.tokenId, backing);
      handle._token = notices.token(backing.tokenId);
      this.tokensSinceYoung++;
      this.bytesSinceYoung += cap;
      if (!this.awaitReclaimQueued) {
        this.awaitReclaimQueued = true;
        queueMicrotask(this.atAwait);
      }
    } else {
      // Not with tokens: V8's young collections keep a registered object alive.
      this.registry.register(handle, backing, backing);
    }
    return handle;
  }

  /**
   * A full collection (its finalizers return the dead tensors' buffers at the next await), at most
   * once per event-loop turn, when the memory held beyond the live set's estimate passes
   * - 1/32 of the threshold, on a miss (the pool would grow), if the last collection ended at
   *   least 10 times its duration ago (collections then cost at most about a tenth of the time);
   * - max(threshold, estimate), if the last one ended at least twice its duration ago;
   * - four times that, always.
   */
  private collectIfPressed(miss: boolean): void {
    if (this.gcBlocked || !this.pressed(miss)) return;
    if (!this.collect()) return;
    // The finalizers run at the next await (never here: a kernel may still hold the buffer of a
    // tensor it made and dropped); collecting again before then would find nothing new.
    this.gcBlocked = true;
    const timer = setTimeout(() => { this.gcBlocked = false; }, 0) as { unref?: () => void };
    timer.unref?.();
  }

  /**
   * Where no kernel holds a buffer that no tensor references (between ops): with death notices, a
   * young collection if handles were made since the last one (and `collect`), then the buffers of
   * the handles found dead (by it or by the collector's own runs) come back. Whether the runtime has
   * death notices.
   */
  reclaim(collect = true): boolean {
    const notices = deathNotices();
    if (!notices) return false;
    const young = collect && this.tokensSinceYoung > 0;
    if (young) {
      const start = performance.now();
      notices.collectYoung();
      this.youngGcMillis += performance.now() - start;
      this.youngGcs++;
      this.tokensSinceYoung = 0;
      this.bytesSinceYoung = 0;
    }
    takeBackDead();
    if (young) this.collectIfUnsettled();
    return true;
  }

  /**
   * After a young collection at a safe point: if more memory stayed allocated than after any of the
   * last SETTLED_WINDOW ones (by an eighth, 32 MiB at least), tensors the young collections could
   * not see (V8 moved them to old space) are likely dead. A full collection here, whose dead
   * buffers come back at once, costs less than the next steps creating buffers and binding them
   * anew; as acquire's collections, at most a tenth of the time.
   */
  private collectIfUnsettled(): void {
    const recent = this.settled;
    const highest = recent.length === SETTLED_WINDOW ? Math.max(...recent) : Infinity;
    const lowest = Math.min(...recent);
    if (this.gcThreshold !== 0 && this.allocated - highest > Math.max(32 * 2 ** 20, lowest / 8)
      && performance.now() - this.lastGcEnd >= 10 * this.lastGcMillis && this.collect()) {
      takeBackDead();
    }
    recent.push(this.allocated);
    if (recent.length > SETTLED_WINDOW) recent.shift();
  }

  /**
   * After zeroGrad dropped the previous step's gradients. V8 runs full collections of its own when
   * its old space grows (mostly in a program's first seconds), and each moves every live young object
   * to old space: the tensors alive at that moment (a forward's activations, a step's gradients)
   * then die where the young collections at safe points do not look, and a later step creates
   * buffers (and bind groups) in their place, while theirs stay out of the pool until the next full
   * collection. Here, the first time after such a collection, every tensor alive then that a step
   * makes is dead (the activations since the backward, the gradients just now), and only what lives
   * across steps (parameters, optimizer state) is alive: a full collection returns their buffers at
   * once, and moves to old space only what stays.
   */
  afterZeroGrad(): void {
    const notices = deathNotices();
    if (!notices) return;
    const full = notices.fullCollections();
    if (full === this.fullSeen) return;
    this.fullSeen = full;
    if (this.gcThreshold === 0 || !this.collect()) return;
    this.followUps++;
    takeBackDead();
  }

  /**
   * Where no kernel holds a buffer that no tensor references (the optimizers' step: between ops):
   * reclaim(), then runs the finalizers of tensors the collector already found dead, and collects first under the
   * same pressure rules as acquire. So a training loop that never awaits keeps its memory bounded
   * where the runtime can run finalizers synchronously (V8's cleanupSome; see syncRegistry).
   */
  safePoint(): void {
    this.reclaim();
    if (!runPendingFinalizers()) return;
    // A loop that awaits gets its buffers back at the awaits (and collects in acquire under
    // pressure); only one that has not yielded since the last safe point collects here.
    const yielded = this.yielded;
    if (yielded) {
      this.yielded = false;
      queueMicrotask(() => { this.yielded = true; });
      return;
    }
    if (!this.pressed(true, true)) return;
    if (this.collect()) {
      runPendingFinalizers();
      this.low = this.allocated;
    }
  }

  /**
   * Whether to collect now. `unyielding`: a loop that never awaits, whose garbage nothing else
   * returns, collects past 1/32 of the threshold as long as collections take under a third of the
   * time (a tenth otherwise).
   */
  private pressed(miss: boolean, unyielding = false): boolean {
    if (this.gcThreshold === 0) return false;
    const held = this.allocated - this.low;
    const hard = Math.max(this.gcThreshold, this.low);
    let spacing: number;
    if (held > 4 * hard) spacing = 0;
    else if (held > hard) spacing = 2;
    else if (miss && (held > this.gcThreshold / 32 || this.createdSinceGc >= GC_AFTER_CREATED)) spacing = unyielding ? 2 : 10;
    else return false;
    return performance.now() - this.lastGcEnd >= spacing * this.lastGcMillis;
  }

  /** A full collection where the runtime offers one; whether it ran. */
  private collect(): boolean {
    if (this.gc === undefined) this.gc = runtimeGc();
    if (!this.gc) return false;
    const start = performance.now();
    this.gc();
    this.lastGcEnd = performance.now();
    this.lastGcMillis = this.lastGcEnd - start;
    this.gcMillis += this.lastGcMillis;
    this.gcs++;
    // Not one of V8's own (afterZeroGrad).
    this.fullSeen = deathNotices()?.fullCollections() ?? 0;
    this.low = this.allocated;
    this.createdSinceGc = 0;
    return true;
  }

  /** @internal Called by GpuBuffer.release() for the last reference. */
  _return(handle: GpuBuffer): void {
    const b = handle.backing;
    if (b.tokenId === 0) this.registry.unregister(b);
    else if (b.youngEpoch === this.youngGcs) {
      // Released explicitly (`using`, autograd's dead gradients): no collection needs to find it.
      this.tokensSinceYoung--;
      this.bytesSinceYoung -= b.capacity;
    }
    this.recycle(b);
  }

  /** @internal A handle the collector found dead (its finalizer, or its death token: takeBackDead). */
  _recycleCollected(b: Backing): void {
    if (b.returned) return;
    this.collected++;
    this.recycle(b);
  }

  private recycle(b: Backing): void {
    if (b.returned) return;
    b.returned = true;
    if (b.tokenId !== 0) watched.delete(b.tokenId);
    this.allocated -= b.capacity;
    if (this.allocated < this.low) this.low = this.allocated;
    let list = this.free.get(b.capacity);
    if (!list) this.free.set(b.capacity, (list = []));
    list.push(b.raw);
    this.changedClasses.add(b.capacity);
  }

  /** @internal Sorts the changed free lists so that the oldest buffer is handed out first. */
  _orderFreeLists(): void {
    const serial = (raw: GPUBuffer): number => this.serials.get(raw) ?? 0;
    for (const cap of this.changedClasses) this.free.get(cap)?.sort((a, b) => serial(b) - serial(a));
    this.changedClasses.clear();
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
      gcs: this.gcs, gcMillis: this.gcMillis, youngGcs: this.youngGcs, youngGcMillis: this.youngGcMillis, followUps: this.followUps,
    };
  }
}
