// Installs the addon's death notices (native/death_notice.cc) as the core's source
// (src/core/death-notices.ts). Their young collections use the same `gc` as the storage memory,
// which sweeps dead buffers inside the collection, so every dead token has reported when it returns.

import { setDeathNotices } from "../../core/death-notices.js";
import { gcFunction } from "./tensor-memory.js";
import { type GcFunction } from "../../core/runtime-gc.js";

export interface DeathNoticeAddon {
  reserveDeathIds(count: number): number;
  deathToken(id: number): SharedArrayBuffer;
  takeDeathNotices(): Float64Array;
  fullCollections?(): number;
}

/** Installs the notices (an addon built before them lacks the functions); whether it did. */
export function installDeathNotices(a: DeathNoticeAddon): boolean {
  const { reserveDeathIds, deathToken, takeDeathNotices } = a;
  if (typeof reserveDeathIds !== "function" || typeof deathToken !== "function" || typeof takeDeathNotices !== "function") return false;
  // Fetched on the first collection, so programs that never use the webgpu device keep V8's flags.
  let gc: GcFunction | null | undefined;
  setDeathNotices({
    reserveIds(count) {
      if (!Number.isSafeInteger(count) || count < 1 || count > 1e9) throw new Error(`reserveDeathIds: count ${count} is not an integer in [1, 1e9]`);
      return reserveDeathIds(count);
    },
    token(id) {
      if (!Number.isSafeInteger(id)) throw new Error(`deathToken: id ${id} is not a safe integer`);
      return deathToken(id);
    },
    collectYoung() {
      if (gc === undefined) gc = gcFunction();
      gc?.({ type: "minor" });
    },
    take: () => takeDeathNotices(),
    // An addon built before the count: no collection is seen (the pool then never follows one).
    fullCollections: typeof a.fullCollections === "function" ? a.fullCollections : () => 0,
  });
  return true;
}
