// CRC-32 (ISO-HDLC, the zip one): Node's zlib.crc32 where it exists (Node ≥ 20.15), else slicing
// by 8 bytes at a time in JS.

import { nodeBuiltin } from "../core/node-builtin.js";

// zlib is reached lazily (no static import) so the core bundles for the web, where the JS runs.
type Crc32Fn = (data: Uint8Array, value?: number) => number;
const zlib = nodeBuiltin<{ crc32?: Crc32Fn }>("node:zlib");
const nativeCrc32 = zlib?.crc32;

const TABLES: Uint32Array[] = (() => {
  const t0 = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t0[n] = c >>> 0;
  }
  const tables = [t0];
  for (let s = 1; s < 8; s++) {
    const prev = tables[s - 1]!, t = new Uint32Array(256);
    for (let n = 0; n < 256; n++) t[n] = (prev[n]! >>> 8) ^ t0[prev[n]! & 0xff]!;
    tables.push(t);
  }
  return tables;
})();

/** Continues a CRC-32 over `data`; start with 0. */
export function crc32(data: Uint8Array, crc = 0): number {
  if (nativeCrc32 && data.length >= 256) return nativeCrc32(data, crc) >>> 0;
  return crc32Js(data, crc);
}

/** The portable implementation (also where zlib.crc32 is missing). */
export function crc32Js(data: Uint8Array, crc = 0): number {
  const [t0, t1, t2, t3, t4, t5, t6, t7] = TABLES as [Uint32Array, Uint32Array, Uint32Array, Uint32Array, Uint32Array, Uint32Array, Uint32Array, Uint32Array];
  let c = ~crc >>> 0;
  let i = 0;
  const n = data.length;
  for (; i + 8 <= n; i += 8) {
    const a = (c ^ (data[i]! | (data[i + 1]! << 8) | (data[i + 2]! << 16) | (data[i + 3]! << 24))) >>> 0;
    c = t7[a & 0xff]! ^ t6[(a >>> 8) & 0xff]! ^ t5[(a >>> 16) & 0xff]! ^ t4[a >>> 24]! ^
      t3[data[i + 4]!]! ^ t2[data[i + 5]!]! ^ t1[data[i + 6]!]! ^ t0[data[i + 7]!]!;
  }
  for (; i < n; i++) c = t0[(c ^ data[i]!) & 0xff]! ^ (c >>> 8);
  return ~c >>> 0;
}
