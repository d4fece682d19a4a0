// Death notices: tokens that report when the garbage collector frees them, even in a young-generation
// collection (where FinalizationRegistry callbacks and WeakRefs wait for a full one). The native
// backend installs them (native/death_notice.cc); the webgpu buffer pool gives each pooled buffer's
// handle a token, so that at a point between ops a cheap young collection returns the buffers of
// the tensors that died since, in a fixed order. Without the addon (browsers) there are none.

export interface DeathNotices {
  /** The first of `count` token ids that no other caller (another worker's isolate too) gets. */
  reserveIds(count: number): number;
  /** A token that reports `id` once it is freed; hold it only from the object it watches. */
  token(id: number): object;
  /** A young-generation collection, after which the tokens it found dead have reported. */
  collectYoung(): void;
  /** The ids reported since the last call. */
  take(): Float64Array;
  /** How many full collections ran since the first call (V8's own ones too). */
  fullCollections(): number;
}

let notices: DeathNotices | null = null;

/** @internal Installs (or, with null, removes) the source of death notices. */
export function setDeathNotices(n: DeathNotices | null): void { notices = n; }

/** The installed source of death notices, if any. */
export function deathNotices(): DeathNotices | null { return notices; }
