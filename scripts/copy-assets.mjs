// After `tsc`, copy the data files the compiled package reads at run time (the embedded digits).
import { cpSync } from "node:fs";

cpSync("src/datasets/data", "dist/datasets/data", { recursive: true });
