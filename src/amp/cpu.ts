// torch.cpu (the parts torch-ts has: amp).
export * as amp from "./cpu-amp.js";
