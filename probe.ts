import * as torch from "./src/index.js";
await torch.webgpu.init();
const l = new torch.nn.TransformerEncoderLayer(16, 4, { dimFeedforward: 32, dropout: 0, batchFirst: true }).to("webgpu");
const src = torch.randn(2, 5, 16).to("webgpu");
const padding = torch.tensor([[false, false, false, true, true], [false, false, false, false, true]]).to("webgpu");
const causal = torch.ones(5, 5, { dtype: torch.bool }).triu(1).to("webgpu");
for (const o of [{ srcKeyPaddingMask: padding }, { srcMask: causal }, { srcMask: causal, srcKeyPaddingMask: padding }]) {
try { const out = l.call(src, o) as torch.Tensor; console.log("ok", out.shape); } catch (e) { console.log((e as Error).stack?.split("\n").slice(0,10).join("\n")); }
}
