// torch.amp.custom_fwd / custom_bwd: wrappers for a custom autograd.Function's forward and backward,
// so that they run under autocast as PyTorch's do. custom_fwd records on ctx whether autocast was on
// (and its dtype) for the backward, or, with castInputs, casts the floating-point inputs of the
// device to that dtype and runs forward with autocast off; custom_bwd runs backward under the
// forward's autocast state.

import { Tensor } from "../core/tensor.js";
import { type DType, float64, toDType, type DTypeLike } from "../core/dtype.js";
import type { FunctionCtx } from "../autograd/function.js";
import { isOptionsObject } from "../ops/args.js";
import { autocast } from "./autocast.js";
import { autocastDevice, getAutocastDtype, isAutocastEnabled } from "./state.js";

export interface CustomFwdOptions { deviceType: string; castInputs?: DTypeLike | null }
export interface CustomBwdOptions { deviceType: string }

type Step<C extends FunctionCtx, A extends unknown[], R> = (ctx: C, ...args: A) => R;

/** The fields custom_fwd leaves on ctx for custom_bwd (PyTorch's ctx._fwd_used_autocast, ctx._dtype). */
interface AutocastCtx { _fwd_used_autocast?: boolean; _dtype?: DType }

function checkDeviceType(op: string, options: unknown): string {
  if (!isOptionsObject(options)) throw new Error(`${op}() missing required keyword-only argument: 'device_type'`);
  const deviceType = options.deviceType;
  if (typeof deviceType !== "string") throw new Error(`Expected \`device_type\` of type \`str\`, got: \`${deviceType === undefined ? "NoneType" : typeof deviceType}\``);
  return deviceType;
}

/**
 * PyTorch's _cast: the device's floating-point tensors other than float64 become `dtype`; arrays and
 * plain objects are cast through; everything else is returned as it is.
 */
function castInputsTo(value: unknown, deviceType: string, dtype: DType): unknown {
  if (value instanceof Tensor) {
    const eligible = value.dtype.isFloatingPoint && value.device.type === deviceType && value.dtype !== float64;
    return eligible ? value.to(dtype) : value;
  }
  if (Array.isArray(value)) return value.map((v) => castInputsTo(v, deviceType, dtype));
  if (isOptionsObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, castInputsTo(v, deviceType, dtype)]));
  return value;
}

/**
 * torch.amp.custom_fwd(fwd, { deviceType, castInputs }): `static forward = torch.amp.customFwd((ctx, x) => ..., { deviceType: "cpu" })`.
 * Without `fwd`, returns the wrapper to apply (Python's decorator with arguments).
 */
export function customFwd<C extends FunctionCtx, A extends unknown[], R>(fwd: Step<C, A, R>, options: CustomFwdOptions): Step<C, A, R>;
export function customFwd(options: CustomFwdOptions): <C extends FunctionCtx, A extends unknown[], R>(fwd: Step<C, A, R>) => Step<C, A, R>;
export function customFwd<C extends FunctionCtx, A extends unknown[], R>(fwdOrOptions: Step<C, A, R> | CustomFwdOptions, maybeOptions?: CustomFwdOptions): unknown {
  return decoratorForm<Step<C, A, R>, CustomFwdOptions>("custom_fwd", fwdOrOptions, maybeOptions, (fwd, deviceType, options) => {
    const castTo = options.castInputs == null ? null : toDType(options.castInputs);
    return function decorateFwd(ctx: C, ...args: A): R {
      const state = ctx as unknown as AutocastCtx;
      const device = autocastDevice(deviceType);
      state._dtype = getAutocastDtype(device);
      if (castTo === null) {
        state._fwd_used_autocast = isAutocastEnabled(device);
        return fwd(ctx, ...args);
      }
      state._fwd_used_autocast = false;
      if (!isAutocastEnabled(device)) return fwd(ctx, ...args);
      const cast = args.map((a) => castInputsTo(a, deviceType, castTo)) as A;
      return autocast(deviceType, { enabled: false }, () => fwd(ctx, ...cast));
    };
  });
}

/**
 * torch.amp.custom_bwd(bwd, { deviceType }): runs backward with autocast as the custom_fwd-wrapped
 * forward found it (on and its dtype, or off).
 */
export function customBwd<C extends FunctionCtx, A extends unknown[], R>(bwd: Step<C, A, R>, options: CustomBwdOptions): Step<C, A, R>;
export function customBwd(options: CustomBwdOptions): <C extends FunctionCtx, A extends unknown[], R>(bwd: Step<C, A, R>) => Step<C, A, R>;
export function customBwd<C extends FunctionCtx, A extends unknown[], R>(bwdOrOptions: Step<C, A, R> | CustomBwdOptions, maybeOptions?: CustomBwdOptions): unknown {
  return decoratorForm<Step<C, A, R>, CustomBwdOptions>("custom_bwd", bwdOrOptions, maybeOptions, (bwd, deviceType) => function decorateBwd(ctx: C, ...grads: A): R {
    const state = ctx as unknown as AutocastCtx;
    if (state._fwd_used_autocast === undefined) {
      throw new Error("custom_bwd: the Function's forward was not wrapped by custom_fwd (ctx has no _fwd_used_autocast)");
    }
    return autocast(deviceType, { enabled: state._fwd_used_autocast, dtype: state._dtype ?? null }, () => bwd(ctx, ...grads));
  });
}

/**
 * Python's decorator with keyword arguments: (fn, options) wraps fn now; (options) alone returns
 * the wrapper to apply to fn. The options' deviceType is checked either way before anything runs.
 */
function decoratorForm<F extends (...args: never[]) => unknown, O extends { deviceType: string }>(
  op: string, fnOrOptions: F | O, maybeOptions: O | undefined, wrap: (fn: F, deviceType: string, options: O) => F,
): F | ((fn: F) => F) {
  if (typeof fnOrOptions === "function") return wrap(fnOrOptions, checkDeviceType(op, maybeOptions), maybeOptions!);
  const deviceType = checkDeviceType(op, fnOrOptions);
  return (fn: F) => wrap(fn, deviceType, fnOrOptions);
}
