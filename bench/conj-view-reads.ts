// Reading a small conj view of a large tensor: each op's time should follow the view's 10
// elements, not the 1M-element base (a conj view reads its memory through a sign-flipping alias).
// Run: npx tsx bench/conj-view-reads.ts
import * as torch from "../src/index.js";

const big = torch.randn([1 << 20], { dtype: torch.complex64 });
const small = big.get("0:10").conj();
const strided = big.get("5::100000").conj();
const plain = big.get("0:10");

function time(label: string, f: () => unknown, reps = 200): void {
  f();
  const t0 = performance.now();
  for (let i = 0; i < reps; i++) f();
  console.log(`${label.padEnd(34)} ${((performance.now() - t0) * 1000 / reps).toFixed(1).padStart(9)} us/op`);
}

for (const [name, v] of [["big[0:10] (no conj, for scale)", plain], ["big[0:10].conj()", small], ["big[5::100000].conj()", strided]] as const) {
  console.log(name);
  time("  add(1)", () => v.add(1));
  time("  mul(v)", () => v.mul(v));
  time("  abs()", () => v.abs());
  time("  sum()", () => v.sum());
  time("  exp()", () => v.exp());
  time("  clone()", () => v.clone());
  time("  resolveConj()", () => v.resolveConj());
  time("  tolist()", () => v.tolist());
  time("  imag.add(0) (neg view)", () => v.imag.add(0));
  time("  matmul (10x1 @ 1x10)", () => v.get("0:10").unsqueeze(1).matmul(v.get("0:10").unsqueeze(0)));
  time("  toString()", () => v.toString(), 20);
}
