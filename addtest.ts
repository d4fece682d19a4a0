import * as torch from "./src/index.js";
import { timeit } from "./bench/workloads.js";
const x = torch.randn(1_000_000), y = torch.randn(1_000_000);
for (let i = 0; i < 4; i++) console.log(JSON.stringify(timeit(() => x.add(y), 200)), JSON.stringify(torch.memory.stats?.() ?? {}).slice(0,200));
const out = torch.empty(1_000_000);
for (let i = 0; i < 2; i++) console.log("into", JSON.stringify(timeit(() => torch.add(x, y, ), 200)));
