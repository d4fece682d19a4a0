// One round of the CPU workloads (bench/workloads.ts) in its own process, printed as one JSON line:
// bench/run.ts runs this compiled (bench/compiled.ts), as users run the package.
import * as torch from "../src/index.js";
import { runWorkloads } from "./workloads.js";

const { native } = torch.backends;
const kernels = native.isAvailable() ? `native addon (${native.isa()}, ${torch.getNumThreads()} threads)` : "JavaScript";
console.log(JSON.stringify({ kernels, timings: runWorkloads(process.argv.includes("--quick")) }));
