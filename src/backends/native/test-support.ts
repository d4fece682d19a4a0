// Helpers of the tests of the native addon (test/native-*.test.ts): which ISAs to run, seeded
// data, tolerances. Not part of the public API.
import * as native from "./index.js";
import { kernels } from "../kernels.js";

export type Ctor = Float32ArrayConstructor | Float64ArrayConstructor;
export const DTYPES: readonly Ctor[] = [Float32Array, Float64Array];

/** Why the native tests are skipped, or false when the addon is built and loaded. */
export const skipReason: string | false = native.isAvailable()
  ? false
  : "native addon not built (`npm install` builds it) or TORCH_TS_BACKEND=js";

/** Every ISA this CPU runs, best first; each test body runs once per ISA. */
export function isas(): native.Isa[] {
  if (!native.isAvailable()) return [];
  const best = native.bestIsa()!;
  const all: native.Isa[] = ["avx512", "avx2", "scalar"];
  return all.slice(all.indexOf(best));
}

/** Runs body with the kernels of each ISA in turn, then restores the best one. */
export function forEachIsa(body: (isa: native.Isa) => void): void {
  try {
    for (const isa of isas()) {
      native.setIsa(isa);
      body(isa);
    }
  } finally {
    if (native.isAvailable()) native.setIsa(native.bestIsa()!);
  }
}

export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 4294967296 - 0.5;
  };
}

export function filled<C extends Ctor>(ctor: C, n: number, rand: () => number, scale = 2): InstanceType<C> {
  const a = new ctor(n) as InstanceType<C>;
  for (let i = 0; i < n; i++) a[i] = rand() * scale;
  return a;
}

export function epsOf(a: Float32Array | Float64Array): number {
  return a instanceof Float32Array ? 2 ** -23 : 2 ** -52;
}

/** Checks |got - want| <= rtol*|want| + atol elementwise, NaN matching NaN; returns a message or null. */
export function mismatch(
  got: ArrayLike<number>, want: ArrayLike<number>, rtol: number, atol: number, what: string,
): string | null {
  if (got.length !== want.length) return `${what}: length ${got.length} vs ${want.length}`;
  for (let i = 0; i < got.length; i++) {
    const g = got[i]!, w = want[i]!;
    if (Number.isNaN(w) || Number.isNaN(g)) {
      if (Number.isNaN(w) !== Number.isNaN(g)) return `${what}[${i}]: got ${g}, want ${w}`;
      continue;
    }
    if (g === w) continue;
    if (!(Math.abs(g - w) <= rtol * Math.abs(w) + atol)) return `${what}[${i}]: got ${g}, want ${w} (diff ${Math.abs(g - w)})`;
  }
  return null;
}

/** Runs f on the native kernels, then with the kernel table set to "js"; returns both results. */
export function nativeAndJs<R>(f: () => R): [R, R] {
  const a = f();
  kernels.backend = "js";
  try {
    return [a, f()];
  } finally {
    kernels.backend = "native";
  }
}
