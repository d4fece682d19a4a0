// Developer report for modules/optim/rng: npx tsx test/conformance/cli-modules.ts [filter]
import { loadModuleCases, runModuleCase } from "./modules-runner.js";
import { loadOptimCases, runOptimCase } from "./optim-runner.js";
import { loadRngCases, runRngCase } from "./rng-runner.js";

const filter = process.argv[2];
const pick = <T extends { id: string }>(xs: T[]) => xs.filter((c) => !filter || c.id.includes(filter));
let ok = 0, n = 0;
for (const c of pick(loadModuleCases())) {
  const r = runModuleCase(c);
  n++;
  if (r.forward && r.grad !== false) ok++;
  else console.log(`FAIL ${c.id}: ${r.reason}`);
}
console.log(`modules ${ok}/${n}`);
let ook = 0, on = 0;
for (const c of pick(loadOptimCases())) { on++; const r = runOptimCase(c); if (r) console.log(`FAIL ${c.id}: ${r}`); else ook++; }
console.log(`optim ${ook}/${on}`);
let rok = 0, rn = 0;
for (const c of pick(loadRngCases())) { rn++; const r = runRngCase(c); if (r) console.log(`FAIL ${c.id}: ${r}`); else rok++; }
console.log(`rng ${rok}/${rn}`);
