// torch.ao.quantization.fuse_modules / fuse_modules_qat and the fuser methods (fuser_method_mappings.py):
// each listed group of modules becomes one fused module in the first name's place, the others
// Identity. In eval mode a conv's batch norm is folded into its weights; for QAT (is_qat) conv + bn
// (+ relu) become ConvBn / ConvBnReLU, which prepareQat turns into the batch-norm-folding QAT modules.
import { Module } from "../../nn/module.js";
import { deepCopy } from "../../nn/deep-copy.js";
import { Linear as FloatLinear, Identity } from "../../nn/modules/linear.js";
import {
  Conv1d as FloatConv1d, Conv2d as FloatConv2d, Conv3d as FloatConv3d, ConvTranspose1d, ConvTranspose2d, ConvTranspose3d,
} from "../../nn/modules/conv.js";
import { ReLU } from "../../nn/modules/activation.js";
import { BatchNorm1d, BatchNorm2d, BatchNorm3d } from "../../nn/modules/normalization.js";
import { fuseConvBnEval, fuseLinearBnEval } from "../../nn/utils/fusion.js";
import * as nni from "../nn/intrinsic/fused.js";

type Conv = FloatConv1d | FloatConv2d | FloatConv3d;
type BatchNorm = BatchNorm1d | BatchNorm2d | BatchNorm3d;
type ConvTranspose = ConvTranspose1d | ConvTranspose2d | ConvTranspose3d;

/** torch.nn.utils.fuse_conv_bn_eval (also reached from here, as quantize.py imports it). */
export { fuseConvBnEval };

/** The fused classes of a convolution's dimensionality. */
function fusedFor(conv: Conv): { ConvBn: new (c: Module, b: Module) => Module; ConvBnReLU: new (c: Module, b: Module, r: Module) => Module; ConvReLU: new (c: Module, r: Module) => Module } {
  if (conv instanceof FloatConv3d) return { ConvBn: nni.ConvBn3d, ConvBnReLU: nni.ConvBnReLU3d, ConvReLU: nni.ConvReLU3d };
  if (conv instanceof FloatConv2d) return { ConvBn: nni.ConvBn2d, ConvBnReLU: nni.ConvBnReLU2d, ConvReLU: nni.ConvReLU2d };
  return { ConvBn: nni.ConvBn1d, ConvBnReLU: nni.ConvBnReLU1d, ConvReLU: nni.ConvReLU1d };
}

/** fuse_conv_bn(is_qat, conv, bn): ConvBn{1,2,3}d for QAT, else the conv with the batch norm folded in. */
export function fuseConvBn(isQat: boolean, conv: Conv, bn: BatchNorm): Module {
  if (conv.training !== bn.training) throw new Error("Conv and BN both must be in the same mode (train or eval).");
  if (!isQat) return fuseConvBnEval(conv, bn);
  checkQatBn(conv, bn);
  return new (fusedFor(conv).ConvBn)(conv, bn);
}

/** fuse_conv_bn_relu(is_qat, conv, bn, relu): ConvBnReLU{1,2,3}d for QAT, else ConvReLU of the folded conv. */
export function fuseConvBnRelu(isQat: boolean, conv: Conv, bn: BatchNorm, relu: Module): Module {
  if (conv.training !== bn.training || bn.training !== relu.training) throw new Error("Conv and BN both must be in the same mode (train or eval).");
  if (isQat) {
    checkQatBn(conv, bn);
    return new (fusedFor(conv).ConvBnReLU)(conv, bn, relu);
  }
  return new (fusedFor(conv).ConvReLU)(fuseConvBnEval(conv, bn), relu);
}

/** fuse_linear_bn(is_qat, linear, bn): LinearBn1d for QAT, else the linear layer with the batch norm folded in. */
export function fuseLinearBn(isQat: boolean, linear: FloatLinear, bn: BatchNorm1d): Module {
  if (linear.training !== bn.training) throw new Error("Linear and BN both must be in the same mode (train or eval).");
  if (!isQat) return fuseLinearBnEval(linear, bn);
  if (bn.numFeatures !== linear.outFeatures) throw new Error("Output features of Linear must match num_features of BatchNorm1d");
  if (!bn.affine) throw new Error("Only support fusing BatchNorm1d with affine set to True");
  if (!bn.trackRunningStats) throw new Error("Only support fusing BatchNorm1d with tracking_running_stats set to True");
  return new nni.LinearBn1d(linear, bn);
}

/** fuse_convtranspose_bn(is_qat, convt, bn): the transposed convolution with the batch norm folded in (eval only). */
export function fuseConvtransposeBn(isQat: boolean, convt: ConvTranspose, bn: BatchNorm): Module {
  if (convt.training !== bn.training) throw new Error("ConvTranspose and BN both must be in the same mode (train or eval).");
  if (isQat) throw new Error("Fusing ConvTranspose+BatchNorm not yet supported in QAT.");
  return fuseConvBnEval(convt, bn, true);
}

function checkQatBn(conv: Conv, bn: BatchNorm): void {
  if (bn.numFeatures !== conv.outChannels) throw new Error("Output channel of Conv2d must match num_features of BatchNorm2d");
  if (!bn.affine) throw new Error("Only support fusing BatchNorm2d with affine set to True");
  if (!bn.trackRunningStats) throw new Error("Only support fusing BatchNorm2d with tracking_running_stats set to True");
}

type FuserMethod = (isQat: boolean, ...mods: Module[]) => Module;
const pairFuser = (Fused: new (a: Module, b: Module) => Module): FuserMethod => (_isQat, a, b) => new Fused(a!, b!);

/** The (classes) -> fuser method table (PyTorch's _DEFAULT_OP_LIST_TO_FUSER_METHOD, the part torch-ts has). */
const FUSER_METHODS: [Function[], FuserMethod][] = [
  [[FloatConv1d, BatchNorm1d], (isQat, c, b) => fuseConvBn(isQat, c as Conv, b as BatchNorm)],
  [[FloatConv1d, BatchNorm1d, ReLU], (isQat, c, b, r) => fuseConvBnRelu(isQat, c as Conv, b as BatchNorm, r!)],
  [[FloatConv2d, BatchNorm2d], (isQat, c, b) => fuseConvBn(isQat, c as Conv, b as BatchNorm)],
  [[FloatConv2d, BatchNorm2d, ReLU], (isQat, c, b, r) => fuseConvBnRelu(isQat, c as Conv, b as BatchNorm, r!)],
  [[FloatConv3d, BatchNorm3d], (isQat, c, b) => fuseConvBn(isQat, c as Conv, b as BatchNorm)],
  [[FloatConv3d, BatchNorm3d, ReLU], (isQat, c, b, r) => fuseConvBnRelu(isQat, c as Conv, b as BatchNorm, r!)],
  [[FloatConv1d, ReLU], pairFuser(nni.ConvReLU1d)],
  [[FloatConv2d, ReLU], pairFuser(nni.ConvReLU2d)],
  [[FloatConv3d, ReLU], pairFuser(nni.ConvReLU3d)],
  [[FloatLinear, BatchNorm1d], (isQat, l, b) => fuseLinearBn(isQat, l as FloatLinear, b as BatchNorm1d)],
  [[FloatLinear, ReLU], pairFuser(nni.LinearReLU)],
  [[BatchNorm2d, ReLU], pairFuser(nni.BNReLU2d)],
  [[BatchNorm3d, ReLU], pairFuser(nni.BNReLU3d)],
  [[ConvTranspose1d, BatchNorm1d], (isQat, c, b) => fuseConvtransposeBn(isQat, c as ConvTranspose, b as BatchNorm)],
  [[ConvTranspose2d, BatchNorm2d], (isQat, c, b) => fuseConvtransposeBn(isQat, c as ConvTranspose, b as BatchNorm)],
  [[ConvTranspose3d, BatchNorm3d], (isQat, c, b) => fuseConvtransposeBn(isQat, c as ConvTranspose, b as BatchNorm)],
];

/** get_fuser_method(op_list): the function that fuses modules of these classes. */
export function getFuserMethod(opList: Function[]): FuserMethod {
  const found = FUSER_METHODS.find(([ops]) => ops.length === opList.length && ops.every((c, i) => c === opList[i]));
  if (!found) throw new Error(`did not find fuser method for: (${opList.map((c) => c.name).join(", ")}) `);
  return found[1];
}

/** fuse_known_modules(mod_list, is_qat): [the fused module, Identity, ...]. */
export function fuseKnownModules(mods: Module[], isQat = false): Module[] {
  const fused = getFuserMethod(mods.map((m) => m.constructor))(isQat, ...mods);
  return mods.map((_, i) => {
    if (i === 0) return fused;
    const identity = new Identity();
    identity.training = mods[0]!.training;
    return identity;
  });
}

function setSubmodule(model: Module, path: string, module: Module): void {
  const parts = path.split(".");
  let parent = model;
  for (const p of parts.slice(0, -1)) parent = parent.getSubmodule(p);
  (parent as unknown as Record<string, Module>)[parts[parts.length - 1]!] = module;
}

function fuse<T extends Module>(model: T, modulesToFuse: string[] | string[][], inplace: boolean, isQat: boolean): T {
  const m = inplace ? model : deepCopy(model);
  const groups = (typeof modulesToFuse[0] === "string" ? [modulesToFuse] : modulesToFuse) as string[][];
  for (const names of groups) {
    const fused = fuseKnownModules(names.map((n) => m.getSubmodule(n)), isQat);
    names.forEach((n, i) => setSubmodule(m, n, fused[i]!));
  }
  return m;
}

/**
 * torch.ao.quantization.fuse_modules(model, modules_to_fuse, inplace=False): for post-training
 * quantization (eval mode: batch norms are folded).
 */
export function fuseModules<T extends Module>(model: T, modulesToFuse: string[] | string[][], options: { inplace?: boolean } = {}): T {
  return fuse(model, modulesToFuse, options.inplace ?? false, false);
}

/** torch.ao.quantization.fuse_modules_qat(model, modules_to_fuse, inplace=False): for quantization-aware training. */
export function fuseModulesQat<T extends Module>(model: T, modulesToFuse: string[] | string[][], options: { inplace?: boolean } = {}): T {
  return fuse(model, modulesToFuse, options.inplace ?? false, true);
}
