// torch.amp.GradScaler (torch/amp/grad_scaler.py): dynamic loss scaling. scale(loss) multiplies by
// the scale; step(optimizer) unscales the grads, skips optimizer.step() if any is inf/NaN;
// update() backs the scale off after a skip and grows it after growthInterval clean steps.
// The scale lives on the device of the first scaled output; on "webgpu", where reading a value is
// asynchronous, use `await scaler.stepAsync(optimizer)` and `await scaler.getScaleAsync()`.

import { float32, float64, int32 } from "../core/dtype.js";
import { Tensor } from "../core/tensor.js";
import type { Device } from "../core/storage.js";
import { warnOnce } from "../core/warnings.js";
import { full } from "../ops/creation.js";
import { bindArgs, isOptionsObject } from "../ops/args.js";
import type { Optimizer } from "../optim/optimizer.js";
import { noGrad } from "../autograd/grad-mode.js";
import { foreachNonFiniteCheckAndUnscale_, updateScale_ } from "./scale-kernels.js";

export interface GradScalerOptions {
  device?: string; initScale?: number; growthFactor?: number; backoffFactor?: number; growthInterval?: number; enabled?: boolean;
}
export interface GradScalerStateDict { scale: number; growth_factor: number; backoff_factor: number; growth_interval: number; _growth_tracker: number }
/** Values scale() accepts and returns: a tensor, or (nested) arrays of tensors. */
export type Scalable = Tensor | readonly Scalable[];

enum OptState { READY, UNSCALED, STEPPED }
interface PerOptimizerState { stage: OptState; foundInfPerDevice: Map<string, Tensor> }

const PARAMS = ["device", "initScale", "growthFactor", "backoffFactor", "growthInterval", "enabled"];

export class GradScaler {
  private _enabled: boolean;
  private readonly _device: string;
  private _initScale = 2 ** 16;
  private _growthFactor = 2;
  private _backoffFactor = 0.5;
  private _growthInterval = 2000;
  private _initGrowthTracker = 0;
  private _scale: Tensor | null = null;
  private _growthTracker: Tensor | null = null;
  private _perOptimizerStates = new Map<Optimizer, PerOptimizerState>();

  /** new GradScaler(device = "cuda", initScale = 2**16, growthFactor = 2, backoffFactor = 0.5, growthInterval = 2000, enabled = true). */
  constructor(device?: string | GradScalerOptions, initScale?: number | GradScalerOptions, growthFactor?: number | GradScalerOptions,
    backoffFactor?: number | GradScalerOptions, growthInterval?: number | GradScalerOptions, enabled?: boolean | GradScalerOptions, options?: GradScalerOptions);
  constructor(...args: unknown[]) {
    const a = bindArgs("GradScaler", args, PARAMS) as GradScalerOptions;
    this._device = a.device ?? "cuda";
    if (!["cuda", "cpu", "webgpu"].includes(this._device)) throw new Error(`GradScaler: unsupported device '${this._device}' (expected 'cpu' or 'webgpu')`);
    this._enabled = a.enabled ?? true;
    if (this._device === "cuda" && this._enabled) {
      warnOnce("torch.cuda.amp.GradScaler is enabled, but CUDA is not available.  Disabling.");
      this._enabled = false;
    }
    if (!this._enabled) return;
    this._initScale = a.initScale ?? this._initScale;
    this._growthFactor = a.growthFactor ?? this._growthFactor;
    this._backoffFactor = a.backoffFactor ?? this._backoffFactor;
    this._growthInterval = a.growthInterval ?? this._growthInterval;
    if (!(this._growthFactor > 1)) throw new Error("The growth factor must be > 1.0.");
    if (!(this._backoffFactor < 1)) throw new Error("The backoff factor must be < 1.0.");
  }

  private checkScaleGrowthTracker(funcname: string): [Tensor, Tensor] {
    const fix = "This may indicate your script did not use scaler.scale(loss or outputs) earlier in the iteration.";
    if (this._scale === null) throw new Error(`Attempted ${funcname} but _scale is None.  ${fix}`);
    if (this._growthTracker === null) throw new Error(`Attempted ${funcname} but _growth_tracker is None.  ${fix}`);
    return [this._scale, this._growthTracker];
  }

  private stateOf(optimizer: Optimizer): PerOptimizerState {
    let s = this._perOptimizerStates.get(optimizer);
    if (!s) { s = { stage: OptState.READY, foundInfPerDevice: new Map() }; this._perOptimizerStates.set(optimizer, s); }
    return s;
  }

  /** Multiplies a tensor (or arrays of tensors) by the scale; returns them unchanged when disabled. */
  scale<T extends Scalable>(outputs: T): T {
    if (!this._enabled) return outputs;
    const apply = (v: Scalable): Scalable => {
      if (v instanceof Tensor) {
        if (this._scale === null) {
          this._scale = full([], this._initScale, { dtype: float32, device: v.device });
          this._growthTracker = full([], this._initGrowthTracker, { dtype: int32, device: v.device });
        }
        return v.mul(this._scale.device.type === v.device.type ? this._scale : this._scale.to(v.device));
      }
      if (Array.isArray(v)) return v.map(apply);
      throw new Error("outputs must be a Tensor or an iterable of Tensors");
    };
    return apply(outputs) as T;
  }

  private unscaleGrads(optimizer: Optimizer, invScale: Tensor, foundInf: Tensor, allowFp16: boolean): Map<string, Tensor> {
    const groups = new Map<Device, Map<string, Tensor[]>>();
    for (const group of optimizer.paramGroups) {
      for (const p of group.params) {
        const g = p.grad;
        if (g === null) continue;
        if (!allowFp16 && g.dtype.name === "float16") throw new Error("Attempting to unscale FP16 gradients.");
        const device = [...groups.keys()].find((d) => d.toString() === g.device.toString()) ?? g.device;
        let byDtype = groups.get(device);
        if (!byDtype) { byDtype = new Map(); groups.set(device, byDtype); }
        const list = byDtype.get(g.dtype.name);
        if (list) list.push(g); else byDtype.set(g.dtype.name, [g]);
      }
    }
    const perDevice = new Map<string, Tensor>();
    noGrad(() => {
      for (const [device, byDtype] of groups) {
        const same = foundInf.device.toString() === device.toString();
        const found = same ? foundInf : foundInf.to(device);
        const inv = same ? invScale : invScale.to(device);
        for (const grads of byDtype.values()) foreachNonFiniteCheckAndUnscale_(grads, found, inv);
        perDevice.set(device.toString(), found);
      }
    });
    return perDevice;
  }

  /** Divides the optimizer's grads by the scale (once per step), recording whether any is inf/NaN. */
  unscale_(optimizer: Optimizer): void {
    if (!this._enabled) return;
    const [scale] = this.checkScaleGrowthTracker("unscale_");
    const state = this.stateOf(optimizer);
    if (state.stage === OptState.UNSCALED) throw new Error("unscale_() has already been called on this optimizer since the last update().");
    if (state.stage === OptState.STEPPED) throw new Error("unscale_() is being called after step().");
    // PyTorch takes the reciprocal in float64 (float32 division can be imprecise). The GPU has no
    // float64: there it is float32's, exact for the powers of two the default factors keep.
    const invScale = noGrad(() => scale.device.type === "cpu" ? scale.to(float64).reciprocal().to(float32) : scale.reciprocal());
    const foundInf = full([], 0, { dtype: float32, device: scale.device });
    state.foundInfPerDevice = this.unscaleGrads(optimizer, invScale, foundInf, false);
    state.stage = OptState.UNSCALED;
  }

  private prepareStep(optimizer: Optimizer, args: unknown[]): [PerOptimizerState, unknown[], boolean] {
    let returnFoundInf = false;
    const last = args[args.length - 1];
    if (isOptionsObject(last)) {
      if ("closure" in last) throw new Error("Closure use is not currently supported if GradScaler is enabled.");
      if ("returnFoundInf" in last) {
        returnFoundInf = last["returnFoundInf"] === true;
        const { returnFoundInf: _, ...rest } = last;
        args = Object.keys(rest).length ? [...args.slice(0, -1), rest] : args.slice(0, -1);
      }
    }
    this.checkScaleGrowthTracker("step");
    const state = this.stateOf(optimizer);
    if (state.stage === OptState.STEPPED) throw new Error("step() has already been called since the last update().");
    if (state.stage === OptState.READY) this.unscale_(optimizer);
    if (state.foundInfPerDevice.size === 0) throw new Error("No inf checks were recorded for this optimizer.");
    return [state, args, returnFoundInf];
  }

  /**
   * Unscales the grads (unless unscale_ ran) and calls optimizer.step(...args) unless a grad was
   * inf/NaN; returns step's value (with `{ returnFoundInf: true }`: [value, foundInf]).
   */
  step(optimizer: Optimizer, ...args: unknown[]): unknown {
    if (!this._enabled) return this.disabledStep(optimizer, args);
    const [state, rest, returnFoundInf] = this.prepareStep(optimizer, args);
    let found = false;
    for (const [device, f] of state.foundInfPerDevice) {
      if (f.device.type !== "cpu") throw new Error(`GradScaler.step: the gradients are on ${device}, whose values are read asynchronously: use await scaler.stepAsync(optimizer)`);
      if (Number(f.item()) !== 0) found = true;
    }
    return this.finishStep(optimizer, state, rest, found, returnFoundInf);
  }

  /** step() for grads on "webgpu": reads the inf/NaN flag back asynchronously. */
  async stepAsync(optimizer: Optimizer, ...args: unknown[]): Promise<unknown> {
    if (!this._enabled) return this.disabledStep(optimizer, args);
    const [state, rest, returnFoundInf] = this.prepareStep(optimizer, args);
    let found = false;
    for (const f of state.foundInfPerDevice.values()) if (Number(await f.itemAsync()) !== 0) found = true;
    return this.finishStep(optimizer, state, rest, found, returnFoundInf);
  }

  private disabledStep(optimizer: Optimizer, args: unknown[]): unknown {
    const last = args[args.length - 1];
    const wantFound = isOptionsObject(last) && last["returnFoundInf"] === true;
    if (isOptionsObject(last) && "returnFoundInf" in last) args = args.slice(0, -1);
    const retval = (optimizer.step as (...a: unknown[]) => unknown)(...args);
    return wantFound ? [retval, false] : retval;
  }

  private finishStep(optimizer: Optimizer, state: PerOptimizerState, args: unknown[], found: boolean, returnFoundInf: boolean): unknown {
    const retval = found ? null : (optimizer.step as (...a: unknown[]) => unknown)(...args);
    state.stage = OptState.STEPPED;
    return returnFoundInf ? [retval, found] : retval;
  }

  /** Updates the scale from this iteration's inf checks, or sets it to newScale. */
  update(newScale: number | Tensor | null = null): void {
    if (!this._enabled) return;
    const [scale, tracker] = this.checkScaleGrowthTracker("update");
    if (newScale !== null) {
      if (!(newScale instanceof Tensor)) scale.fill_(newScale);
      else {
        const reason = "new_scale should be a float or a 1-element torch.FloatTensor with requires_grad=False.";
        if (newScale.device.type !== this._device || newScale.numel() !== 1 || newScale.requiresGrad) throw new Error(reason);
        noGrad(() => scale.copy_(newScale.reshape(scale.shape)));
      }
    } else {
      const founds = [...this._perOptimizerStates.values()].flatMap((s) => [...s.foundInfPerDevice.values()]);
      if (founds.length === 0) throw new Error("No inf checks were recorded prior to update.");
      let combined = founds[0]!.to(scale.device);
      for (let i = 1; i < founds.length; i++) combined = combined.add(founds[i]!.to(scale.device));
      updateScale_(scale, tracker, combined, this._growthFactor, this._backoffFactor, this._growthInterval);
    }
    this._perOptimizerStates = new Map();
  }

  /** The current scale (1 when disabled). */
  getScale(): number {
    if (!this._enabled) return 1;
    return this._scale === null ? this._initScale : Number(this._scale.item());
  }

  /** getScale() for a scale on "webgpu". */
  async getScaleAsync(): Promise<number> {
    if (!this._enabled) return 1;
    return this._scale === null ? this._initScale : Number(await this._scale.itemAsync());
  }

  getGrowthFactor(): number { return this._growthFactor; }
  setGrowthFactor(newFactor: number): void { this._growthFactor = newFactor; }
  getBackoffFactor(): number { return this._backoffFactor; }
  setBackoffFactor(newFactor: number): void { this._backoffFactor = newFactor; }
  getGrowthInterval(): number { return this._growthInterval; }
  setGrowthInterval(newInterval: number): void { this._growthInterval = newInterval; }
  /** The number of consecutive clean steps since the last growth or backoff. */
  _getGrowthTracker(): number {
    if (!this._enabled) return 0;
    return this._growthTracker === null ? this._initGrowthTracker : Number(this._growthTracker.item());
  }
  isEnabled(): boolean { return this._enabled; }

  /** PyTorch's state_dict keys ({} when disabled). */
  stateDict(): GradScalerStateDict | Record<string, never> {
    if (!this._enabled) return {};
    return {
      scale: this.getScale(), growth_factor: this._growthFactor, backoff_factor: this._backoffFactor,
      growth_interval: this._growthInterval, _growth_tracker: this._getGrowthTracker(),
    };
  }

  loadStateDict(stateDict: GradScalerStateDict | Record<string, never>): void {
    if (!this._enabled) return;
    if (Object.keys(stateDict).length === 0) {
      throw new Error("The source state dict is empty, possibly because it was saved from a disabled instance of GradScaler.");
    }
    const s = stateDict as GradScalerStateDict;
    this._initScale = s.scale;
    if (this._scale !== null) this._scale.fill_(s.scale);
    this._growthFactor = s.growth_factor;
    this._backoffFactor = s.backoff_factor;
    this._growthInterval = s.growth_interval;
    this._initGrowthTracker = s._growth_tracker;
    if (this._growthTracker !== null) this._growthTracker.fill_(s._growth_tracker);
  }
}

/** torch.cpu.amp.GradScaler(initScale, growthFactor, backoffFactor, growthInterval, enabled): device "cpu". */
export class CpuGradScaler extends GradScaler {
  constructor(initScale?: number | Omit<GradScalerOptions, "device">, growthFactor?: number | Omit<GradScalerOptions, "device">,
    backoffFactor?: number | Omit<GradScalerOptions, "device">, growthInterval?: number | Omit<GradScalerOptions, "device">,
    enabled?: boolean | Omit<GradScalerOptions, "device">, options?: Omit<GradScalerOptions, "device">);
  constructor(...args: unknown[]) {
    const a = bindArgs("GradScaler", args, PARAMS.slice(1)) as GradScalerOptions;
    super("cpu", a);
  }
}
