import * as torch from "./src/index.js";
const x = torch.randn(1_000_000), y = torch.randn(1_000_000);
for (let i = 0; i < 300; i++) x.add(y);
console.log("---");
for (let i = 0; i < 20; i++) x.add(y);
