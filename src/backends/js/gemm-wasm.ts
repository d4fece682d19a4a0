// The float32 GEMM of the JS backend on WebAssembly SIMD: the same Goto/BLIS blocking as gemm.ts,
// but the micro-kernel (4 rows x 8 columns, eight f32x4 accumulators) runs as wasm, which V8 and
// the browsers compile to 128-bit SSE/NEON multiply-adds, about four times the scalar JS kernel
// (whose loop is bound by typed-array loads, not flops). Packing and the write-back into C stay in
// JS: they read and write the tensors' own strided arrays.
//
// The module is assembled here, byte by byte (about 600 bytes), at the first float32 GEMM, so there
// is no binary to build or ship and no asynchronous compile: engines without SIMD (or without
// WebAssembly) fail validation, and gemm.ts keeps its scalar kernel there. Sums run in float32, as PyTorch's float32 GEMM's do
// (the scalar kernel sums in float64).

// 4 x 8: eight accumulators. 6 x 8 (twelve) measured 2.5x slower: V8's wasm register allocator
// spills them.
const MR = 4;
const NR = 8;
const KC = 256;
const MC = 96;
const NC = 1024;
const A_OFF = 0;
const B_OFF = A_OFF + MC * KC * 4;
const C_OFF = B_OFF + KC * NC * 4;
const PAGES = Math.ceil((C_OFF + MC * NC * 4) / 65536);

interface WasmGemm {
  block: (mTiles: number, nTiles: number, kc: number, ldcBytes: number) => void;
  f32: Float32Array;
  /** The same memory as int32, for packing by bits. */
  i32: Int32Array;
}

/** Not built yet (undefined), built, or null where the engine has no WebAssembly SIMD. */
let wasm: WasmGemm | null | undefined;
/** Off only when a test turns it off (setWasmGemm). */
let enabled = true;

/** True when the SIMD kernel is available and in use (`setWasmGemm(false)` turns it off, for tests). */
export function wasmGemmActive(): boolean {
  return enabled && kernel() !== null;
}

/** Turns the SIMD kernel on or off; returns whether it is on (it stays off where it cannot run). */
export function setWasmGemm(on: boolean): boolean {
  enabled = on;
  return wasmGemmActive();
}

/**
 * The instantiated module, built at the first float32 GEMM of the JS kernels (2-3 ms), not at
 * import: where the native addon runs the GEMMs it is never needed. null where it cannot run.
 */
function kernel(): WasmGemm | null {
  if (wasm === undefined) wasm = instantiate();
  return wasm;
}

/**
 * C = alpha * A * B + beta * C for float32 arrays, M, N, K > 0, beta 0 or 1 (beta 0 ignores C's
 * old contents, NaN included); arguments trusted. Returns false (doing nothing) when the SIMD
 * kernel is off.
 */
export function gemmWasm(
  M: number, N: number, K: number, alpha: number,
  A: Float32Array, aOff: number, aRs: number, aCs: number,
  B: Float32Array, bOff: number, bRs: number, bCs: number,
  beta: 0 | 1, C: Float32Array, cOff: number, cRs: number, cCs: number,
): boolean {
  const w = enabled ? kernel() : null;
  if (w === null) return false;
  const { block, f32, i32 } = w;
  // Packing copies bits (int32 views): a float32 -> float64 -> float32 round trip per element
  // cost more than the copy itself.
  const aBits = bitsOf(A), bBits = bitsOf(B);
  for (let jc = 0; jc < N; jc += NC) {
    const nc = Math.min(NC, N - jc);
    const nTiles = Math.ceil(nc / NR);
    const ldc = nTiles * NR;
    for (let pc = 0; pc < K; pc += KC) {
      const kc = Math.min(KC, K - pc);
      packB(i32, bBits, bOff + pc * bRs + jc * bCs, bRs, bCs, kc, nc);
      // The first depth block writes C (beta 0) or adds to it (beta 1); later ones add.
      const store = pc === 0 && beta === 0;
      for (let ic = 0; ic < M; ic += MC) {
        const mc = Math.min(MC, M - ic);
        packA(i32, aBits, aOff + ic * aRs + pc * aCs, aRs, aCs, mc, kc);
        block(Math.ceil(mc / MR), nTiles, kc, ldc * 4);
        writeBack(f32, mc, nc, ldc, alpha, store, C, cOff + ic * cRs + jc * cCs, cRs, cCs);
      }
    }
  }
  return true;
}

function bitsOf(a: Float32Array): Int32Array {
  return new Int32Array(a.buffer, a.byteOffset, a.length);
}

/** Packs an mc x kc block of A as 4-row slivers, column by column, zero-padding the last. */
function packA(P: Int32Array, A: Int32Array, off: number, rs: number, cs: number, mc: number, kc: number): void {
  let o = A_OFF >> 2;
  for (let ir = 0; ir < mc; ir += MR) {
    const rows = Math.min(MR, mc - ir);
    const base = off + ir * rs;
    if (rows === MR) {
      const r1 = rs, r2 = 2 * rs, r3 = 3 * rs;
      for (let p = 0, s = base; p < kc; p++, s += cs, o += 4) {
        P[o] = A[s]!; P[o + 1] = A[s + r1]!; P[o + 2] = A[s + r2]!; P[o + 3] = A[s + r3]!;
      }
    } else {
      for (let p = 0; p < kc; p++, o += MR) {
        for (let i = 0; i < MR; i++) P[o + i] = i < rows ? A[base + i * rs + p * cs]! : 0;
      }
    }
  }
}

/** Packs a kc x nc panel of B as 8-column slivers, row by row, zero-padding the last. */
function packB(P: Int32Array, B: Int32Array, off: number, rs: number, cs: number, kc: number, nc: number): void {
  let o = B_OFF >> 2;
  for (let jr = 0; jr < nc; jr += NR) {
    const cols = Math.min(NR, nc - jr);
    const base = off + jr * cs;
    if (cols === NR && cs === 1) {
      for (let p = 0, s = base; p < kc; p++, s += rs, o += NR) {
        P[o] = B[s]!; P[o + 1] = B[s + 1]!; P[o + 2] = B[s + 2]!; P[o + 3] = B[s + 3]!;
        P[o + 4] = B[s + 4]!; P[o + 5] = B[s + 5]!; P[o + 6] = B[s + 6]!; P[o + 7] = B[s + 7]!;
      }
    } else if (cols === NR) {
      // Unrolled as the contiguous case: a transposed B (a weight gradient's im2col columns,
      // a linear layer's weight) packs here.
      const c2 = 2 * cs, c3 = 3 * cs, c4 = 4 * cs, c5 = 5 * cs, c6 = 6 * cs, c7 = 7 * cs;
      for (let p = 0, s = base; p < kc; p++, s += rs, o += NR) {
        P[o] = B[s]!; P[o + 1] = B[s + cs]!; P[o + 2] = B[s + c2]!; P[o + 3] = B[s + c3]!;
        P[o + 4] = B[s + c4]!; P[o + 5] = B[s + c5]!; P[o + 6] = B[s + c6]!; P[o + 7] = B[s + c7]!;
      }
    } else {
      for (let p = 0; p < kc; p++, o += NR) {
        for (let j = 0; j < NR; j++) P[o + j] = j < cols ? B[base + p * rs + j * cs]! : 0;
      }
    }
  }
}

/** C[i, j] (+)= alpha * block[i, j] over the mc x nc block the kernel wrote (row stride ldc). */
function writeBack(P: Float32Array, mc: number, nc: number, ldc: number, alpha: number, store: boolean, C: Float32Array, off: number, rs: number, cs: number): void {
  const base = C_OFF >> 2;
  for (let i = 0; i < mc; i++) {
    let s = base + i * ldc;
    let o = off + i * rs;
    if (store) {
      if (alpha === 1 && cs === 1) C.set(P.subarray(s, s + nc), o);
      else if (alpha === 1) for (let j = 0; j < nc; j++, s++, o += cs) C[o] = P[s]!;
      else for (let j = 0; j < nc; j++, s++, o += cs) C[o] = alpha * P[s]!;
    } else if (alpha === 1) for (let j = 0; j < nc; j++, s++, o += cs) C[o] += P[s]!;
    else for (let j = 0; j < nc; j++, s++, o += cs) C[o] += alpha * P[s]!;
  }
}

/** What this file uses of the WebAssembly API (the project's TypeScript libs do not declare it). */
interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
}

function instantiate(): WasmGemm | null {
  const api = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
  if (api === undefined) return null;
  try {
    const bytes = assemble();
    if (!api.validate(bytes)) return null;
    const { exports } = new api.Instance(new api.Module(bytes), {});
    const memory = exports.mem as { buffer: ArrayBuffer };
    return { block: exports.block as WasmGemm["block"], f32: new Float32Array(memory.buffer), i32: new Int32Array(memory.buffer) };
  } catch {
    return null;
  }
}

// ---- the module, in WebAssembly's binary format ----

const I32 = 0x7f, V128 = 0x7b;
const op = {
  block: 0x02, loop: 0x03, br: 0x0c, brIf: 0x0d, end: 0x0b,
  localGet: 0x20, localSet: 0x21, i32Const: 0x41, i32GeU: 0x4f, i32Ne: 0x47,
  i32Add: 0x6a, i32Sub: 0x6b, i32Mul: 0x6c, i32Shl: 0x74,
};
const simd = { load: 0x00, load32Splat: 0x09, store: 0x0b, const: 0x0c, f32x4Add: 0xe4, f32x4Mul: 0xe6 };

function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}

function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (b & 0x40) === 0) || (n === -1 && (b & 0x40) !== 0)) { out.push(b); return out; }
    out.push(b | 0x80);
  }
}

function section(id: number, body: number[]): number[] {
  return [id, ...uleb(body.length), ...body];
}

function name(s: string): number[] {
  return [...uleb(s.length), ...[...s].map((c) => c.charCodeAt(0))];
}

/** The function `block(mTiles, nTiles, kc, ldcBytes)`: every 4x8 tile of the packed blocks. */
function blockBody(): number[] {
  // Locals: params 0-3; i32 4-11; v128 12-22.
  const mT = 0, nT = 1, kc = 2, ldc = 3;
  const jt = 4, it = 5, ap = 6, bp = 7, cp = 8, k = 9, aStride = 10, bStride = 11;
  const acc = (i: number): number => 12 + i;
  const b0 = 12 + 2 * MR, b1 = b0 + 1, a = b0 + 2;
  const c: number[] = [];
  const get = (l: number): void => { c.push(op.localGet, l); };
  const set = (l: number): void => { c.push(op.localSet, l); };
  const i32 = (v: number): void => { c.push(op.i32Const, ...sleb(v)); };
  const v = (code: number, ...imm: number[]): void => { c.push(0xfd, ...uleb(code), ...imm); };
  const memarg = (alignLog2: number, offset: number): number[] => [alignLog2, ...uleb(offset)];

  get(kc); i32(4 * MR); c.push(op.i32Mul); set(aStride); // MR rows x 4 bytes per k
  get(kc); i32(5); c.push(op.i32Shl); set(bStride); // 8 columns x 4 bytes per k
  i32(0); set(jt);
  c.push(op.block, 0x40, op.loop, 0x40);
  get(jt); get(nT); c.push(op.i32GeU, op.brIf, 1);
  i32(0); set(it);
  c.push(op.block, 0x40, op.loop, 0x40);
  get(it); get(mT); c.push(op.i32GeU, op.brIf, 1);
  i32(A_OFF); get(it); get(aStride); c.push(op.i32Mul, op.i32Add); set(ap);
  i32(B_OFF); get(jt); get(bStride); c.push(op.i32Mul, op.i32Add); set(bp);
  for (let i = 0; i < 2 * MR; i++) { v(simd.const, ...new Array<number>(16).fill(0)); set(acc(i)); }
  get(kc); set(k);
  c.push(op.loop, 0x40);
  get(bp); v(simd.load, ...memarg(4, 0)); set(b0);
  get(bp); v(simd.load, ...memarg(4, 16)); set(b1);
  for (let r = 0; r < MR; r++) {
    get(ap); v(simd.load32Splat, ...memarg(2, 4 * r)); set(a);
    for (const [bi, ai] of [[b0, acc(2 * r)], [b1, acc(2 * r + 1)]] as const) {
      get(ai); get(a); get(bi); v(simd.f32x4Mul); v(simd.f32x4Add); set(ai);
    }
  }
  get(ap); i32(4 * MR); c.push(op.i32Add); set(ap);
  get(bp); i32(32); c.push(op.i32Add); set(bp);
  get(k); i32(1); c.push(op.i32Sub); set(k);
  get(k); i32(0); c.push(op.i32Ne, op.brIf, 0, op.end);
  // cp = C_OFF + it * MR * ldc + jt * 32
  i32(C_OFF); get(it); i32(MR); c.push(op.i32Mul); get(ldc); c.push(op.i32Mul, op.i32Add);
  get(jt); i32(5); c.push(op.i32Shl, op.i32Add); set(cp);
  for (let r = 0; r < MR; r++) {
    if (r > 0) { get(cp); get(ldc); c.push(op.i32Add); set(cp); }
    get(cp); get(acc(2 * r)); v(simd.store, ...memarg(4, 0));
    get(cp); get(acc(2 * r + 1)); v(simd.store, ...memarg(4, 16));
  }
  get(it); i32(1); c.push(op.i32Add); set(it);
  c.push(op.br, 0, op.end, op.end);
  get(jt); i32(1); c.push(op.i32Add); set(jt);
  c.push(op.br, 0, op.end, op.end);
  c.push(op.end);
  const locals = [2, ...uleb(8), I32, ...uleb(2 * MR + 3), V128];
  const body = [...locals, ...c];
  return [...uleb(body.length), ...body];
}

function assemble(): Uint8Array {
  const type = section(1, [1, 0x60, 4, I32, I32, I32, I32, 0]);
  const funcs = section(3, [1, 0]);
  const memory = section(5, [1, 0x00, ...uleb(PAGES)]);
  const exports = section(7, [2, ...name("block"), 0x00, 0, ...name("mem"), 0x02, 0]);
  const code = section(10, [1, ...blockBody()]);
  return new Uint8Array([0x00, 0x61, 0x73, 0x6d, 1, 0, 0, 0, ...type, ...funcs, ...memory, ...exports, ...code]);
}
