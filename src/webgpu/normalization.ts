// layer_norm and batch_norm on the "webgpu" device: the forward computed without recording (layer_norm
// in one fused kernel, batch_norm composed of GPU ops), then one node under the CPU's name
// (NativeLayerNormBackward0 / NativeBatchNormBackward0) whose vjp is the closed-form gradient
// (layer_norm's in fused kernels). When the backward itself is differentiated (create_graph),
// the vjp recomputes the statistics from x in public ops, as the CPU's composite gradient does, so
// double backward reaches x, weight and bias; otherwise it reuses the saved statistics.
// float16/bfloat16 inputs normalize in float32 (differentiable casts around the float32 op), so the
// statistics are not rounded at every step; the result and the gradients are rounded once.

import type { Tensor } from "../core/tensor.js";
import { needsGrad, record } from "../autograd/record.js";
import { noGrad } from "../autograd/grad-mode.js";
import { checkDevices } from "./pointwise.js";
import { gpuOf, halfFormatOf, requireFloatOperands as requireFloat, wrap } from "./storage.js";
import { layerNormBackward, layerNormForward } from "../backends/webgpu/layer-norm.js";

const float32Of = (t: Tensor | null): Tensor | null => (t ? t.float() : null);

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
  requireFloat("layer_norm", x, weight, bias);
  if (halfFormatOf(x.dtype)) return gpuLayerNorm(x.float(), k, float32Of(weight), float32Of(bias), eps).to(x.dtype);
  const dims = Array.from({ length: k }, (_, i) => x.dim() - k + i);
  const D = dims.reduce((n, d) => n * x.size(d), 1), M = D === 0 ? 0 : x.numel() / D;
  if (D === 0) return composedLayerNorm(x, dims, weight, bias, eps);
  // One kernel forward (x̂ w + b, and each row's mean and 1/σ), three backward (see layer-norm.ts).
  const xc = x.detach().contiguous(), wd = weight?.detach().contiguous() ?? null, bd = bias?.detach().contiguous() ?? null;
  const r = layerNormForward(gpuOf(xc), M, D, wd && gpuOf(wd), bd && gpuOf(bd), eps);
  const y = wrap(r.y), mean = wrap(r.mean), rstd = wrap(r.rstd);
  return record("NativeLayerNormBackward0", [x, weight, bias], y, ([g]) => {
    // A differentiable gradient (create_graph) recomputes the statistics from x in public ops.
    if (needsGrad(g, x, weight, bias)) return layerNormGradComposite(g!, x, dims, weight, bias, eps);
    const gc = g!.contiguous();
    const grads = layerNormBackward(gpuOf(gc), gpuOf(xc), gpuOf(mean), gpuOf(rstd), wd && gpuOf(wd), M, D, {
      x: x._requiresGrad, weight: weight !== null && weight._requiresGrad, bias: bias !== null && bias._requiresGrad,
    });
    return [
      grads.dx && wrap(grads.dx).reshape(x.shape),
      grads.dweight && wrap(grads.dweight).reshape(weight!.shape),
      grads.dbias && wrap(grads.dbias).reshape(bias!.shape),
    ];
  }, weight ? [x, weight] : [x]);
}

/** The gradients of layer_norm in public ops (differentiable again): statistics recomputed from x. */
function layerNormGradComposite(g: Tensor, x: Tensor, dims: number[], weight: Tensor | null, bias: Tensor | null, eps: number): (Tensor | null)[] {
  const { xhat, rstd } = standardize(x, dims, eps);
  const lead = Array.from({ length: x.dim() - dims.length }, (_, i) => i);
  const sumLead = (t: Tensor): Tensor => (lead.length ? t.sum(lead) : t);
  return [
    x._requiresGrad ? normalizedGrad(weight ? g.mul(weight) : g, xhat, rstd, dims) : null,
    weight && weight._requiresGrad ? sumLead(g.mul(xhat)) : null,
    bias && bias._requiresGrad ? sumLead(g) : null,
  ];
}

/** layer_norm over rows of no elements: composed (empty results, NaN-free). */
function composedLayerNorm(x: Tensor, dims: number[], weight: Tensor | null, bias: Tensor | null, eps: number): Tensor {
  const xd = x.detach();
  let y!: Tensor;
  noGrad(() => {
    y = standardize(xd, dims, eps).xhat;
    if (weight) y = y.mul(weight.detach());
    if (bias) y = y.add(bias.detach());
  });
  return record("NativeLayerNormBackward0", [x, weight, bias], y, ([g]) => layerNormGradComposite(g!, x, dims, weight, bias, eps),
    weight ? [x, weight] : [x]);
}

export function gpuBatchNorm(x: Tensor, rm: Tensor | null, rv: Tensor | null, weight: Tensor | null, bias: Tensor | null,
  training: boolean, momentum: number, eps: number): Tensor {
  checkDevices("batch_norm", x, rm, rv, weight, bias);
  requireFloat("batch_norm", x, rm, rv, weight, bias);
  if (halfFormatOf(x.dtype)) {
    // The running stats update float32 copies, written back (rounded) after.
    const rm32 = float32Of(rm), rv32 = float32Of(rv);
    const y = gpuBatchNorm(x.float(), rm32, rv32, float32Of(weight), float32Of(bias), training, momentum, eps).to(x.dtype);
    if (training) noGrad(() => { if (rm) rm.copy_(rm32!); if (rv) rv.copy_(rv32!); });
    return y;
  }
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
