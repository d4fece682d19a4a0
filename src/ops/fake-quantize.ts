// Fake quantization (what quantization-aware training runs): a float tensor rounded to the grid of
// an affine quantization and back to float, torch.fake_quantize_per_tensor_affine and
// torch.fake_quantize_per_channel_affine, and torch.fused_moving_avg_obs_fake_quant (an observer's
// step and fake quantization in one op). The gradient is PyTorch's straight-through estimator: the
// output's gradient where the quantized index fell inside [quant_min, quant_max], zero outside.

import { Tensor } from "../core/tensor.js";
import { float16, float32, float64, int32, scalarTypeName } from "../core/dtype.js";
import { normalizeDim } from "../core/shape.js";
import { record } from "../autograd/record.js";
import { checkArgs, checkInt, checkNumber, checkTensor, describe, isOptionsObject, rebind, type Rebound } from "./args.js";
import { notImplementedFor } from "./pointwise-util.js";
import { notImplementedOnDevice } from "./device-hooks.js";
import { toNumbers } from "./engine.js";
import { mul } from "./arithmetic.js";
import { chooseQuantizationParams, fakeQuantizeKernel } from "./quantize-kernels.js";
import { aminmax } from "./reduction-more.js";
import { onesLike, tensor } from "./creation.js";
import { clone } from "./view.js";

// PyTorch's message, line continuation and all.
const RANGE_ORDER = "`quant_min` should be less than or         equal to `quant_max`.";
const ZERO_POINT_RANGE = "`zero_point` must be between `quant_min` and `quant_max`.";

/** The input checks every form shares: a CPU tensor of a dtype the kernel has (float32/64/16). */
function checkInput(op: string, kernel: string, input: Tensor): void {
  if (input.device.type !== "cpu") throw notImplementedOnDevice(op);
  const d = input.dtype;
  if (d !== float32 && d !== float64 && d !== float16) throw notImplementedFor(kernel, d);
}

function notDifferentiable(fn: string, name: string, t: Tensor): void {
  if (t.requiresGrad) throw new Error(`The function '${fn}' is not differentiable with respect to argument '${name}'. This input cannot have requires_grad True.`);
}

/** PyTorch's item() of a one-element tensor, as the kernel reads a tensor scale or zero point. */
function oneValue(t: Tensor): number {
  return Number(t._realItem());
}

/** Python's error for arguments that match neither overload. */
function invalidCombination(args: ArrayLike<unknown>): Error {
  const types = Array.from(args, describe);
  return new Error(
    `fake_quantize_per_tensor_affine() received an invalid combination of arguments - got (${types.join(", ")}), but expected one of:\n` +
    " * (Tensor input, Tensor scale, Tensor zero_point, int quant_min, int quant_max)\n" +
    " * (Tensor input, float scale, int zero_point, int quant_min, int quant_max)",
  );
}

/**
 * torch.fake_quantize_per_tensor_affine(input, scale, zero_point, quant_min, quant_max):
 * (clamp(nearbyint(input / scale) + zero_point, quant_min, quant_max) - zero_point) * scale, in
 * the input's dtype (float32, float64, float16). scale and zero_point are numbers (zero_point an
 * int within [quant_min, quant_max]; a 0-d tensor converts) or two one-element tensors (PyTorch's
 * tensor_qparams overload: read as a float and a truncated int, not range-checked, never
 * differentiated).
 */
export function fakeQuantizePerTensorAffine(input: Tensor, scale: number | Tensor, zeroPoint: number | Tensor, quantMin: number, quantMax: number): Tensor;
export function fakeQuantizePerTensorAffine<A extends Rebound<[input: Tensor, scale: number | Tensor, zeroPoint: number | Tensor, quantMin: number, quantMax: number], ["input", "scale", "zeroPoint", "quantMin", "quantMax"]>>(...args: A): Tensor;
export function fakeQuantizePerTensorAffine(input: Tensor, scale: number | Tensor, zeroPoint: number | Tensor, quantMin: number, quantMax: number): Tensor {
  if (arguments.length > 5) checkArgs("fake_quantize_per_tensor_affine", arguments, 5);
  else if (arguments.length < 5 && isOptionsObject(arguments[arguments.length - 1])) {
    return rebind(fakeQuantizePerTensorAffine, "fake_quantize_per_tensor_affine", arguments, ["input", "scale", "zeroPoint", "quantMin", "quantMax"], 5);
  }
  const op = "fake_quantize_per_tensor_affine";
  checkTensor(op, "input", input);
  // Python's parser takes the tensor overload only for two tensors; a 0-d tensor beside a number
  // converts to the number (an int only from an integer tensor).
  const asNumber = (v: unknown, int: boolean): number | null => {
    if (v instanceof Tensor) return v.dim() === 0 && (!int || v.dtype.category === "int") ? Number(v._realItem()) : null;
    return typeof v === "number" && (!int || Number.isInteger(v)) ? v : null;
  };
  const bothTensors = scale instanceof Tensor && zeroPoint instanceof Tensor;
  const qmin = asNumber(quantMin, true), qmax = asNumber(quantMax, true);
  const scaleValue = bothTensors ? 0 : asNumber(scale, false), zeroPointValue = bothTensors ? 0 : asNumber(zeroPoint, true);
  if (qmin === null || qmax === null || scaleValue === null || zeroPointValue === null) throw invalidCombination(arguments);
  if (qmin > qmax) throw new Error(RANGE_ORDER);
  let node = "FakeQuantizePerTensorAffineCachemaskBackward0";
  let params = { scale: scaleValue, zeroPoint: zeroPointValue };
  if (scale instanceof Tensor && zeroPoint instanceof Tensor) {
    const fn = "_fake_quantize_per_tensor_affine_cachemask_tensor_qparams";
    notDifferentiable(fn, "scale", scale);
    notDifferentiable(fn, "zero_point", zeroPoint);
    params = { scale: oneValue(scale), zeroPoint: Math.trunc(oneValue(zeroPoint)) };
    node = "FakeQuantizePerTensorAffineCachemaskTensorQparamsBackward0";
  } else if (zeroPointValue < qmin || zeroPointValue > qmax) {
    throw new Error(ZERO_POINT_RANGE);
  }
  checkInput(op, "fake_quantize_tensor_cachemask_kernel_type_handling", input);
  const { output, mask } = fakeQuantizeKernel(input, params, qmin, qmax);
  return record(node, [input], output, ([g]) => [mul(g!, mask)]);
}

/**
 * torch.fake_quantize_per_channel_affine(input, scale, zero_point, axis, quant_min, quant_max):
 * fake quantization with scale[c] and zero_point[c] for the slices c of dim `axis`. scale is a 1-D
 * float32 tensor; zero_point a 1-D int32 tensor (each within [quant_min, quant_max]) or a float32 /
 * float16 one (then added before rounding, as PyTorch's float-qparams quantizers do).
 */
export function fakeQuantizePerChannelAffine(input: Tensor, scale: Tensor, zeroPoint: Tensor, axis: number, quantMin: number, quantMax: number): Tensor;
export function fakeQuantizePerChannelAffine<A extends Rebound<[input: Tensor, scale: Tensor, zeroPoint: Tensor, axis: number, quantMin: number, quantMax: number], ["input", "scale", "zeroPoint", "axis", "quantMin", "quantMax"]>>(...args: A): Tensor;
export function fakeQuantizePerChannelAffine(input: Tensor, scale: Tensor, zeroPoint: Tensor, axis: number, quantMin: number, quantMax: number): Tensor {
  if (arguments.length > 6) checkArgs("fake_quantize_per_channel_affine", arguments, 6);
  else if (arguments.length < 6 && isOptionsObject(arguments[arguments.length - 1])) {
    return rebind(fakeQuantizePerChannelAffine, "fake_quantize_per_channel_affine", arguments, ["input", "scale", "zeroPoint", "axis", "quantMin", "quantMax"], 6);
  }
  const op = "fake_quantize_per_channel_affine";
  checkTensor(op, "input", input);
  checkTensor(op, "scale", scale);
  checkTensor(op, "zero_point", zeroPoint);
  checkInt(op, "axis", axis);
  checkInt(op, "quant_min", quantMin);
  checkInt(op, "quant_max", quantMax);
  const fn = "fake_quantize_per_channel_affine_cachemask";
  notDifferentiable(fn, "scale", scale);
  notDifferentiable(fn, "zero_point", zeroPoint);
  const zd = zeroPoint.dtype;
  if (zd !== int32 && zd !== float32 && zd !== float16) throw new Error(`Zero-point must be Int32, Float or Half, found ${scalarTypeName(zd)}`);
  if (scale.dim() !== 1) throw new Error("scale should be a 1-D tensor");
  if (zeroPoint.dim() !== 1) throw new Error("zero point should be a 1-D tensor");
  if (scale.numel() !== zeroPoint.numel()) throw new Error("scale and zero-point need to have the same dimensions");
  if (input.dim() === 0) throw new Error(`Dimension specified as ${axis} but tensor has no dimensions`);
  if (scale.numel() !== input.size(normalizeDim(axis, input.dim()))) throw new Error("dimensions of scale and zero-point are not consistent with input tensor");
  if (quantMin > quantMax) throw new Error(RANGE_ORDER);
  const zeroPoints = toNumbers(zeroPoint.contiguous());
  if (zd === int32 && zeroPoints.some((z) => z < quantMin || z > quantMax)) throw new Error(ZERO_POINT_RANGE);
  if (axis < 0) throw new Error("`axis` must be between 0 and number of dimensions of input");
  // PyTorch 1.13 fails an internal assert for any other scale dtype.
  if (scale.dtype !== float32) throw new Error(`${op}: Scale must be Float, found ${scalarTypeName(scale.dtype)}`);
  checkInput(op, "fake_quantize_channel_cachemask_cpu_type_handling", input);
  const { output, mask } = fakeQuantizeKernel(input, {
    scales: toNumbers(scale.contiguous()), zeroPoints, floatZeroPoint: zd !== int32, axis,
  }, quantMin, quantMax);
  return record("FakeQuantizePerChannelAffineCachemaskBackward0", [input], output, ([g]) => [mul(g!, mask)]);
}

/**
 * torch.fused_moving_avg_obs_fake_quant(input, observer_on, fake_quant_on, running_min, running_max,
 * scale, zero_point, averaging_const, quant_min, quant_max, ch_axis, per_row_fake_quant=False,
 * symmetric_quant=False): FakeQuantize's step in one op. When observer_on, running_min/max (per
 * tensor, or per row of a 2-D input) move toward the input's min/max by averaging_const (taking
 * them outright while still infinite); when fake_quant_on, scale and zero_point are chosen from
 * them (ChooseQuantizationParams, as quantizePerTensorDynamic), written in place, and the input is
 * fake-quantized; otherwise it is copied. Per row, an input of another rank is seen as the rows of
 * ch_axis, and empty running_min/max are first sized to them. CPU float32 only, as PyTorch's kernel.
 */
export function fusedMovingAvgObsFakeQuant(
  input: Tensor, observerOn: Tensor, fakeQuantOn: Tensor, runningMin: Tensor, runningMax: Tensor, scale: Tensor, zeroPoint: Tensor,
  averagingConst: number, quantMin: number, quantMax: number, chAxis: number, perRowFakeQuant = false, symmetricQuant = false,
): Tensor {
  const op = "fused_moving_avg_obs_fake_quant";
  if (arguments.length > 13) checkArgs(op, arguments, 13);
  else if (arguments.length < 13 && isOptionsObject(arguments[arguments.length - 1])) {
    return rebind(fusedMovingAvgObsFakeQuant, op, arguments, ["input", "observerOn", "fakeQuantOn", "runningMin", "runningMax", "scale", "zeroPoint",
      "averagingConst", "quantMin", "quantMax", "chAxis", "perRowFakeQuant", "symmetricQuant"], 11);
  }
  const names = ["input", "observer_on", "fake_quant_on", "running_min", "running_max", "scale", "zero_point"];
  const tensors = [input, observerOn, fakeQuantOn, runningMin, runningMax, scale, zeroPoint];
  tensors.forEach((t, i) => checkTensor(op, names[i]!, t));
  if (tensors.some((t) => t.device.type !== "cpu")) throw notImplementedOnDevice(op);
  checkNumber(op, "averaging_const", averagingConst);
  for (const [name, v] of [["quant_min", quantMin], ["quant_max", quantMax], ["ch_axis", chAxis]] as const) checkInt(op, name, v);
  notDifferentiable("_fused_moving_avg_obs_fq_helper", "scale", scale);
  notDifferentiable("_fused_moving_avg_obs_fq_helper", "zero_point", zeroPoint);
  for (const t of [input, runningMin, runningMax, scale]) {
    if (t.dtype !== float32) throw new Error(`expected scalar type Float but found ${scalarTypeName(t.dtype)}`);
  }
  if (zeroPoint.dtype !== int32) throw new Error(`expected scalar type Int but found ${scalarTypeName(zeroPoint.dtype)}`);
  let observed = input.detach();
  if (perRowFakeQuant) {
    // Rows are the slices of ch_axis; running_min/max (and scale, zero_point) start empty, as a
    // per-channel observer's, and take the channel count at the first call.
    if (chAxis < 0 || chAxis >= input.dim()) throw new Error(`fused_moving_avg_obs_fake_quant: ch_axis ${chAxis} out of range for a ${input.dim()}-D input`);
    if (observed.dim() !== 2) {
      const order = input.shape.map((_, i) => i);
      [order[0], order[chAxis]] = [chAxis, 0];
      observed = observed.permute(order).flatten(1);
    }
    const size = input.shape[chAxis]!;
    if (runningMin.numel() === 0) {
      runningMin.resize_([size]).fill_(Infinity);
      runningMax.resize_([size]).fill_(-Infinity);
      scale.resize_([size]);
      zeroPoint.resize_([size]);
    }
  }
  if (oneValue(observerOn) !== 0) {
    if (perRowFakeQuant && chAxis !== 0) throw new Error("Per-channel FakeQuant in fused_moving_avg_obs_fake_quant is only supported on axis == 0");
    const [currentMin, currentMax] = perRowFakeQuant ? aminmax(observed, { dim: 1 }) : aminmax(observed);
    const c = Math.fround(averagingConst);
    // PyTorch's float arithmetic: running + c * (current - running), or current while running is infinite.
    const moved = (running: Tensor, current: Tensor): number[] => {
      const r = toNumbers(running.contiguous()), x = toNumbers(current.contiguous());
      return Array.from(r, (v, i) => (Math.abs(v) === Infinity ? x[i]! : Math.fround(v + Math.fround(c * Math.fround(x[i]! - v)))));
    };
    const mins = moved(runningMin, currentMin!), maxs = moved(runningMax, currentMax!);
    runningMin.copy_(tensorOf(mins, runningMin));
    runningMax.copy_(tensorOf(maxs, runningMax));
  }
  let output: Tensor, mask: Tensor;
  if (oneValue(fakeQuantOn) !== 0) {
    const mins = toNumbers(runningMin.contiguous()), maxs = toNumbers(runningMax.contiguous());
    const params = Array.from(mins, (lo, i) => chooseQuantizationParams(lo, maxs[i]!, quantMin, quantMax, false, symmetricQuant));
    scale.copy_(tensorOf(params.map((p) => p.scale), scale));
    zeroPoint.copy_(tensorOf(params.map((p) => p.zeroPoint), zeroPoint));
    ({ output, mask } = perRowFakeQuant
      ? fakeQuantizeKernel(input, { scales: params.map((p) => Math.fround(p.scale)), zeroPoints: params.map((p) => p.zeroPoint), floatZeroPoint: false, axis: chAxis }, quantMin, quantMax)
      : fakeQuantizeKernel(input, params[0]!, quantMin, quantMax));
  } else {
    output = clone(input.detach());
    mask = onesLike(input, { dtype: "bool" });
  }
  return record("FusedMovingAvgObsFqHelperBackward0", [input], output, ([g]) => [mul(g!, mask)]);
}

/** Values shaped and typed as `like` (the in-place results of the fused op). */
function tensorOf(values: number[], like: Tensor): Tensor {
  return tensor(values, { dtype: like.dtype }).reshape(like.shape);
}
