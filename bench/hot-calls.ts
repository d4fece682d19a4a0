// The per-call cost of the hottest small ops (what the argument handling of API.md rule 2 must not
// slow down): 10^6 calls (argv[3]) each of a.add(b), a.mul(2), a.exp(), a.transpose(0, 1) on
// 16-element float32 tensors (the JS kernels), and of add, add_, mul, relu on 1000 elements (the
// native ones where the addon is built); prints CPU ns per call as JSON. argv[2] is the checkout to load
// (its src/index.ts), so two trees can be compared in interleaved processes:
//   for i in 1 2 3 4 5 6; do for r in /path/to/base /path/to/new; do echo "$r $(npx tsx bench/hot-calls.ts $r)"; done; done
// argv[4] keeps one op ("transpose").

const root = process.argv[2] ?? process.cwd();
const calls = Number(process.argv[3] ?? 1_000_000);
const only = process.argv[4];
const torch = (await import(`${root}/src/index.ts`)) as typeof import("../src/index.js");
const a = torch.rand(4, 4), b = torch.rand(4, 4);
// 1000 elements take the native kernels (a few hundred ns of arithmetic): the rest is the op's cost.
const c = torch.rand(1000), d = torch.rand(1000), e = torch.rand(1000);
const cases: [string, () => unknown][] = [
  ["add", () => a.add(b)], ["mul", () => a.mul(2)], ["exp", () => a.exp()], ["transpose", () => a.transpose(0, 1)],
  ["add 1k", () => c.add(d)], ["add_ 1k", () => e.add_(d)], ["mul 1k", () => c.mul(2)], ["relu 1k", () => c.relu()],
];
const nsPerCall: Record<string, number> = {};
for (const [name, f] of cases) {
  if (only && name !== only) continue;
  for (let i = 0; i < 50_000; i++) f();
  const t0 = process.cpuUsage();
  for (let i = 0; i < calls; i++) f();
  const t = process.cpuUsage(t0);
  nsPerCall[name] = Math.round(((t.user + t.system) * 1000) / calls * 10) / 10;
}
console.log(JSON.stringify(nsPerCall));
