// layer_norm and batch_norm on the "webgpu" device: the forward composed of GPU ops without
// recording, then one node under the CPU's name (NativeLayerNormBackward0 / NativeBatchNormBackward0)
// whose vjp is the closed-form gradient. When the backward itself is differentiated (create_graph),
// the vjp recomputes the statistics from x in public ops, as the CPU's composite gradient does, so
// double backward reaches x, weight and bias; otherwise it reuses the saved x̂ and 1/σ.

import type { Tensor } from "../core/tensor.js";
import { float32 } from "../core/dtype.js";
import { needsGrad, record } from "../autograd/record.js";
import { noGrad } from "../autograd/grad-mode.js";
import { notImplementedOnDevice } from "../ops/device-hooks.js";
import { checkDevices } from "./pointwise.js";

function requireFloat32(op: string, ...ts: (Tensor | null | undefined)[]): void {
  for (const t of ts) if (t && t.dtype !== float32) throw notImplementedOnDevice(`${op} (dtype ${t.dtype.name})`);
}

/** x̂ = (x - mean) / sqrt(var + eps) over `dims` (biased variance), and 1/sqrt(var + eps). */
function standardize(x: Tensor, dims: number[], eps: number): { xhat: Tensor; rstd: Tensor } {
  const xc = x.sub(x.mean(dims, true));
  const rstd = xc.square().mean(dims, true).add(eps).rsqrt();
  return { xhat: xc.mul(rstd), rstd };
}

/** dL/dx of y = x̂ w + b with batch statistics over `dims`: rstd (d - mean(d) - x̂ mean(d x̂)), d = g w. */
function normalizedGrad(dxhat: Tensor, xhat: Tensor, rstd: Tensor, dims: number[]): Tensor {
  return dxhat.sub(dxhat.mean(dims, true)).sub(xhat.mul(dxhat.mul(xhat).mean(dims, true))).mul(rstd);
}

export function gpuLayerNorm(x: Tensor, k: number, weight: Tensor | null, bias: Tensor | null, eps: number): Tensor {
  checkDevices("layer_norm", x, weight, bias);
  requireFloat32("layer_norm", x, weight, bias);
  const dims = Array.from({ length: k }, (_, i) => x.dim() - k + i);
  const lead = Array.from({ length: x.dim() - k }, (_, i) => i);
  const xd = x.detach(), wd = weight?.detach() ?? null;
  let saved!: { xhat: Tensor; rstd: Tensor }, y!: Tensor;
  noGrad(() => {
    saved = standardize(xd, dims, eps);
    y = saved.xhat;
    if (wd) y = y.mul(wd);
    if (bias) y = y.add(bias.detach());
  });
  return record("NativeLayerNormBackward0", [x, weight, bias], y, ([g]) => {
    const { xhat, rstd } = needsGrad(g, x, weight, bias) ? standardize(x, dims, eps) : saved;
    const w = needsGrad(g, x, weight, bias) ? weight : wd;
    const sumLead = (t: Tensor): Tensor => (lead.length ? t.sum(lead) : t);
    return [
      x._requiresGrad ? normalizedGrad(w ? g!.mul(w) : g!, xhat, rstd, dims) : null,
      weight && weight._requiresGrad ? sumLead(g!.mul(xhat)) : null,
      bias && bias._requiresGrad ? sumLead(g!) : null,
    ];
  }, weight ? [x, weight] : [x]);
}

export function gpuBatchNorm(x: Tensor, rm: Tensor | null, rv: Tensor | null, weight: Tensor | null, bias: Tensor | null,
  training: boolean, momentum: number, eps: number): Tensor {
  checkDevices("batch_norm", x, rm, rv, weight, bias);
  requireFloat32("batch_norm", x, rm, rv, weight, bias);
  const C = x.size(1);
  const dims = [0, ...Array.from({ length: x.dim() - 2 }, (_, i) => i + 2)];
  const view = x.shape.map((_, i) => (i === 1 ? C : 1));
  const xd = x.detach();
  const wv = weight ? weight.detach().reshape(view) : null;
  let xhat!: Tensor, rstd!: Tensor, y!: Tensor, evalMean: Tensor | null = null;
  noGrad(() => {
    if (training) {
      const mean = xd.mean(dims, true);
      const variance = xd.sub(mean).square().mean(dims, true);
      rstd = variance.add(eps).rsqrt();
      xhat = xd.sub(mean).mul(rstd);
      const M = x.numel() / C;
      if (rm) rm.mul_(1 - momentum).add_(mean.reshape([C]).mul(momentum));
      if (rv) rv.mul_(1 - momentum).add_(variance.reshape([C]).mul(momentum * M / (M - 1)));
    } else {
      // Eval mode normalizes with constants (copies of the running stats, which may change later).
      evalMean = rm!.detach().reshape(view).clone();
      rstd = rv!.detach().reshape(view).add(eps).rsqrt();
      xhat = xd.sub(evalMean).mul(rstd);
    }
    y = wv ? xhat.mul(wv) : xhat;
    if (bias) y = y.add(bias.detach().reshape(view));
  });
  return record("NativeBatchNormBackward0", [x, weight, bias], y, ([g]) => {
    let xh = xhat, rs = rstd, w = wv;
    if (needsGrad(g, x, weight, bias)) {
      // Recomputed from x, so that the gradient is itself differentiable w.r.t. x and weight.
      if (training) ({ xhat: xh, rstd: rs } = standardize(x, dims, eps));
      else xh = x.sub(evalMean!).mul(rstd);
      w = weight ? weight.reshape(view) : null;
    }
    const dxhat = w ? g!.mul(w) : g!;
    return [
      x._requiresGrad ? (training ? normalizedGrad(dxhat, xh, rs, dims) : dxhat.mul(rs)) : null,
      weight && weight._requiresGrad ? g!.mul(xh).sum(dims).reshape(weight.shape) : null,
      bias && bias._requiresGrad ? g!.sum(dims).reshape(bias.shape) : null,
    ];
  }, weight ? [x, weight] : [x]);
}
