// torch.set_default_device / get_default_device and the factories that follow it (the list of
// torch/utils/_device.py's _device_constructors that torch-ts has; the sparse constructors stay on
// the CPU, where torch-ts's sparse layouts live).

import { runScoped } from "../core/scope.js";
import { cpu, Device } from "../core/storage.js";
import type { Tensor } from "../core/tensor.js";
import { defaultDeviceOrNull, storeDefaultDevice } from "../core/default-device.js";
import { isOptionsObject } from "./args.js";
import { device as parseDevice } from "./introspection.js";
import * as creation from "./creation.js";
import * as strided from "./creation-strided.js";
import * as random from "./random.js";
import * as windows from "./windows.js";
import * as freq from "./fft-helpers.js";
import { range as rangeForm } from "./torch-forms.js";
import { asarray as asarrayForm } from "./asarray.js";

/**
 * torch.set_default_device(device): factories called without `device` (torch.zeros, torch.tensor,
 * torch.randn, ...) and nn modules' parameters are made there; `null` restores the CPU.
 */
export function setDefaultDevice(device: string | Device | null): void {
  if (arguments.length !== 1) throw new Error(`set_default_device() takes 1 positional argument but ${arguments.length} were given`);
  if (device === null || device === undefined) { storeDefaultDevice(null); return; }
  if (typeof device !== "string" && !(device instanceof Device)) {
    throw new Error(`set_default_device(): argument 'device' must be torch.device, str or None, not ${Array.isArray(device) ? "list" : typeof device}`);
  }
  storeDefaultDevice(parseDevice(device));
}

/** torch.get_default_device(): where factories called without `device` make their tensors. */
export function getDefaultDevice(): Device {
  return defaultDeviceOrNull() ?? cpu;
}

/**
 * The factory `f` with the default device filled in when the call names none: the options object
 * (the last argument, API.md rule 2) gains `device`, or one is appended. An `out=` call keeps out's
 * device. While the default is the CPU this is one test and the plain call.
 */
function followsDefaultDevice<F extends (...args: never[]) => Tensor>(f: F): F {
  const call = f as unknown as (...a: unknown[]) => Tensor;
  const wrapped = function (...args: unknown[]): Tensor {
    const d = defaultDeviceOrNull();
    if (d === null) return call(...args);
    const last = args[args.length - 1];
    if (args.length > 0 && isOptionsObject(last)) {
      if ((last.device === undefined || last.device === null) && last.out === undefined) args[args.length - 1] = { ...last, device: d };
    } else {
      // Trailing undefined arguments are "not given": the options go right after the given ones.
      let n = args.length;
      while (n > 0 && args[n - 1] === undefined) n--;
      args.length = n;
      args.push({ device: d });
    }
    return call(...args);
  };
  Object.defineProperty(wrapped, "name", { value: f.name });
  return wrapped as unknown as F;
}

export const tensor = followsDefaultDevice(creation.tensor);
export const asTensor = followsDefaultDevice(creation.asTensor);
export const asarray = followsDefaultDevice(asarrayForm);
export const zeros = followsDefaultDevice(creation.zeros);
export const ones = followsDefaultDevice(creation.ones);
export const empty = followsDefaultDevice(creation.empty);
export const full = followsDefaultDevice(creation.full);
export const arange = followsDefaultDevice(creation.arange);
export const range = followsDefaultDevice(rangeForm);
export const linspace = followsDefaultDevice(creation.linspace);
export const logspace = followsDefaultDevice(creation.logspace);
export const eye = followsDefaultDevice(creation.eye);
export const trilIndices = followsDefaultDevice(creation.trilIndices);
export const triuIndices = followsDefaultDevice(creation.triuIndices);
export const scalarTensor = followsDefaultDevice(strided.scalarTensor);
export const emptyStrided = followsDefaultDevice(strided.emptyStrided);
export const rand = followsDefaultDevice(random.rand);
export const randn = followsDefaultDevice(random.randn);
export const randint = followsDefaultDevice(random.randint);
export const randperm = followsDefaultDevice(random.randperm);
export const hannWindow = followsDefaultDevice(windows.hannWindow);
export const hammingWindow = followsDefaultDevice(windows.hammingWindow);
export const blackmanWindow = followsDefaultDevice(windows.blackmanWindow);
export const bartlettWindow = followsDefaultDevice(windows.bartlettWindow);
export const kaiserWindow = followsDefaultDevice(windows.kaiserWindow);
export const fftfreq = followsDefaultDevice(freq.fftfreq);
export const rfftfreq = followsDefaultDevice(freq.rfftfreq);

/**
 * torch.device(type, index?): a Device; `with torch.device(d): body` is `torch.device(d, () => body)`
 * (the callback last, as torch.noGrad(fn)): factories and new modules inside default to `d`, the
 * previous default comes back afterwards (after the promise settles for an async callback), and
 * the callback's result is returned.
 */
export function device(type: string | Device, index?: number | null): Device;
export function device<T>(type: string | Device, body: () => T): T;
export function device<T>(type: string | Device, index: number | null, body: () => T): T;
export function device<T>(type: string | Device, index?: number | null | (() => T), body?: () => T): Device | T {
  if (typeof index === "function") { body = index; index = undefined; }
  const d = index === undefined ? parseDevice(type) : parseDevice(type, index);
  if (body === undefined) return d;
  if (typeof body !== "function") throw new Error(`device(): the body of \`with torch.device(...)\` must be a function, not ${typeof body}`);
  const previous = defaultDeviceOrNull();
  storeDefaultDevice(d);
  return runScoped(body, () => storeDefaultDevice(previous));
}
