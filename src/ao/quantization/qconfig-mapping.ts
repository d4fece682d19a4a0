// torch.ao.quantization.QConfigMapping: qconfigs by global default, module class or op name,
// module-name regex and module name (PyTorch's FX configuration), and
// get_default_qconfig_mapping / get_default_qat_qconfig_mapping with their module-class and
// op-name entries (FX's function keys are left out: torch-ts has no FX). propagateQconfig_ takes
// one too, through toQconfigDict (its global, class and module-name entries).
import { Conv1d, Conv2d, Conv3d, ConvTranspose1d, ConvTranspose2d, ConvTranspose3d } from "../../nn/modules/conv.js";
import { Linear } from "../../nn/modules/linear.js";
import { Hardsigmoid, ReLU, Sigmoid, Softmax, Tanh } from "../../nn/modules/activation.js";
import { BatchNorm1d, BatchNorm2d, BatchNorm3d, LayerNorm } from "../../nn/modules/normalization.js";
import { FixedQParamsFakeQuantize } from "./fake-quantize.js";
import type { FixedQParamsObserver } from "./observer-simple.js";
import {
  defaultFixedQparamsRange0to1Observer, defaultFixedQparamsRangeNeg1to1Observer, defaultPlaceholderObserver, defaultWeightFakeQuant, defaultWeightObserver,
} from "./defaults.js";
import { QConfig, defaultReuseInputQconfig, getDefaultQatQconfig, getDefaultQconfig } from "./qconfig.js";
import type { ModuleClass } from "./mappings.js";
import type { ModuleFactory } from "./with-args.js";

/** A module class or an op's name (FX's string keys). */
export type ObjectType = ModuleClass | string;

export class QConfigMapping {
  globalQconfig: QConfig | null = null;
  readonly objectTypeQconfigs = new Map<ObjectType, QConfig | null>();
  readonly moduleNameRegexQconfigs = new Map<string, QConfig | null>();
  readonly moduleNameQconfigs = new Map<string, QConfig | null>();
  readonly moduleNameObjectTypeOrderQconfigs = new Map<string, QConfig | null>();
  private readonly orderKeys = new Map<string, [string, ObjectType, number]>();

  setGlobal(globalQconfig: QConfig | null): this { this.globalQconfig = globalQconfig; return this; }
  setObjectType(objectType: ObjectType, qconfig: QConfig | null): this { this.objectTypeQconfigs.set(objectType, qconfig); return this; }
  setModuleNameRegex(moduleNameRegex: string, qconfig: QConfig | null): this { this.moduleNameRegexQconfigs.set(moduleNameRegex, qconfig); return this; }
  setModuleName(moduleName: string, qconfig: QConfig | null): this { this.moduleNameQconfigs.set(moduleName, qconfig); return this; }
  setModuleNameObjectTypeOrder(moduleName: string, objectType: ObjectType, index: number, qconfig: QConfig | null): this {
    const key = `${moduleName}\u0000${typeof objectType === "string" ? objectType : objectType.name}\u0000${index}`;
    this.orderKeys.set(key, [moduleName, objectType, index]);
    this.moduleNameObjectTypeOrderQconfigs.set(key, qconfig);
    return this;
  }

  /** to_dict(): PyTorch's dict form ("" and the lists of (key, qconfig) entries). */
  toDict(): { "": QConfig | null; object_type: [ObjectType, QConfig | null][]; module_name_regex: [string, QConfig | null][]; module_name: [string, QConfig | null][]; module_name_object_type_order: [string, ObjectType, number, QConfig | null][] } {
    return {
      "": this.globalQconfig,
      object_type: [...this.objectTypeQconfigs],
      module_name_regex: [...this.moduleNameRegexQconfigs],
      module_name: [...this.moduleNameQconfigs],
      module_name_object_type_order: [...this.moduleNameObjectTypeOrderQconfigs].map(([k, q]) => [...this.orderKeys.get(k)!, q]),
    };
  }

  /** from_dict(qconfig_dict): the mapping of PyTorch's dict form. */
  static fromDict(dict: Partial<ReturnType<QConfigMapping["toDict"]>>): QConfigMapping {
    const m = new QConfigMapping();
    if (dict[""] !== undefined) m.setGlobal(dict[""]);
    for (const [t, q] of dict.object_type ?? []) m.setObjectType(t, q);
    for (const [r, q] of dict.module_name_regex ?? []) m.setModuleNameRegex(r, q);
    for (const [n, q] of dict.module_name ?? []) m.setModuleName(n, q);
    for (const [n, t, i, q] of dict.module_name_object_type_order ?? []) m.setModuleNameObjectTypeOrder(n, t, i, q);
    return m;
  }

  /** The eager qconfig dict propagateQconfig_ reads: "" (global), the module classes and the module names. */
  toQconfigDict(): Map<string | ModuleClass, QConfig | null> {
    const dict = new Map<string | ModuleClass, QConfig | null>([["", this.globalQconfig]]);
    for (const [t, q] of this.objectTypeQconfigs) if (typeof t !== "string") dict.set(t, q);
    for (const [n, q] of this.moduleNameQconfigs) dict.set(n, q);
    return dict;
  }
}

const FIXED_QPARAMS: [ObjectType, ModuleFactory<FixedQParamsObserver>][] = [
  [Hardsigmoid, defaultFixedQparamsRange0to1Observer], ["hardsigmoid", defaultFixedQparamsRange0to1Observer], ["hardsigmoid_", defaultFixedQparamsRange0to1Observer],
  [Sigmoid, defaultFixedQparamsRange0to1Observer], ["sigmoid", defaultFixedQparamsRange0to1Observer], ["sigmoid_", defaultFixedQparamsRange0to1Observer],
  [Softmax, defaultFixedQparamsRange0to1Observer],
  [Tanh, defaultFixedQparamsRangeNeg1to1Observer], ["tanh", defaultFixedQparamsRangeNeg1to1Observer], ["tanh_", defaultFixedQparamsRangeNeg1to1Observer],
];

function defaultMapping(isQat: boolean, backend: string, version: number): QConfigMapping {
  const qconfig = isQat ? getDefaultQatQconfig(backend, version) : getDefaultQconfig(backend, version);
  const defaultWeight = isQat ? defaultWeightFakeQuant : defaultWeightObserver;
  const transpose = backend === "fbgemm" || backend === "x86" ? new QConfig(qconfig.activation, defaultWeight) : qconfig;
  const layerNorm = new QConfig(qconfig.activation, defaultPlaceholderObserver);
  const m = new QConfigMapping().setGlobal(qconfig).setObjectType("reshape", defaultReuseInputQconfig);
  for (const t of [Conv1d, Conv2d, Conv3d]) m.setObjectType(t, qconfig);
  for (const t of [ConvTranspose1d, ConvTranspose2d, ConvTranspose3d]) m.setObjectType(t, transpose);
  for (const t of [Linear, ReLU, BatchNorm1d, BatchNorm2d, BatchNorm3d]) m.setObjectType(t, qconfig);
  m.setObjectType(LayerNorm, layerNorm);
  const byObserver = new Map<ModuleFactory<FixedQParamsObserver>, QConfig>();
  for (const [op, observer] of FIXED_QPARAMS) {
    if (!byObserver.has(observer)) byObserver.set(observer, new QConfig(isQat ? FixedQParamsFakeQuantize.withArgs({ observer }) : observer, defaultWeight));
    m.setObjectType(op, byObserver.get(observer)!);
  }
  return m;
}

/** get_default_qconfig_mapping(backend="fbgemm", version=0). */
export function getDefaultQconfigMapping(backend = "fbgemm", version = 0): QConfigMapping { return defaultMapping(false, backend, version); }
/** get_default_qat_qconfig_mapping(backend="fbgemm", version=1). */
export function getDefaultQatQconfigMapping(backend = "fbgemm", version = 1): QConfigMapping { return defaultMapping(true, backend, version); }
