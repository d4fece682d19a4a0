// torch.cpu.amp: the CPU forms (autocast's dtype defaults to bfloat16; GradScaler's device is "cpu").
export { cpuAutocast as autocast } from "./autocast.js";
export { CpuGradScaler as GradScaler } from "./grad-scaler.js";
