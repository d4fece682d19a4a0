// torch.finfo / torch.iinfo: the numerical limits of a dtype.

import { type DType, type DTypeLike, DType as DTypeClass, getDefaultDtype, realOf, toDType } from "./dtype.js";
import { checkArgs, isOptionsObject, rebind, type Rebound } from "../ops/args.js";

/** Bits of the mantissa (stored) and of the exponent of each floating-point dtype. */
const FLOAT_FORMATS: Record<string, { mantissa: number; exponent: number }> = {
  float16: { mantissa: 10, exponent: 5 },
  bfloat16: { mantissa: 7, exponent: 8 },
  float32: { mantissa: 23, exponent: 8 },
  float64: { mantissa: 52, exponent: 11 },
};

function dtypeArgument(op: string, d: unknown): DType {
  if (d instanceof DTypeClass) return d;
  if (typeof d === "string") return toDType(d as DTypeLike);
  throw new Error(`${op}(): argument 'type' (position 1) must be torch.dtype, not ${d === null ? "None" : typeof d}`);
}

/** torch.finfo(dtype): the limits of a floating-point dtype (the default dtype when none is given). */
export function finfo(type?: DTypeLike): FInfo;
export function finfo<A extends Rebound<[type?: DTypeLike], ["type?"]>>(...args: A): FInfo;
export function finfo(type?: DTypeLike): FInfo { if (arguments.length > 1) checkArgs("finfo", arguments, 1); else if (isOptionsObject(type)) return rebind(finfo, "finfo", arguments, ["type"], 0, []); return new FInfo(type); }

/** torch.iinfo(dtype): the limits of an integer dtype (int64's as bigints). */
export function iinfo(type: DTypeLike): IInfo;
export function iinfo<A extends Rebound<[type: DTypeLike], ["type"]>>(...args: A): IInfo;
export function iinfo(type: DTypeLike): IInfo { if (arguments.length > 1) checkArgs("iinfo", arguments, 1); else if (isOptionsObject(type)) return rebind(iinfo, "iinfo", arguments, ["type"], 1, []); return new IInfo(type); }

/** What torch.finfo returns. */
export class FInfo {
  readonly bits: number;
  /** The gap between 1 and the next representable number. */
  readonly eps: number;
  readonly max: number;
  readonly min: number;
  /** The smallest positive normal number. */
  readonly smallestNormal: number;
  /** Alias of smallestNormal. */
  readonly tiny: number;
  /** The approximate decimal resolution: 10 ** -floor(-log10(eps)). */
  readonly resolution: number;
  /** The dtype's name, as PyTorch's finfo.dtype ("float32"). */
  readonly dtype: string;

  constructor(type?: DTypeLike) {
    // A complex dtype has its parts' limits (finfo(complex64) is finfo(float32)'s), as in PyTorch.
    const d = realOf(type === undefined ? getDefaultDtype() : dtypeArgument("finfo", type));
    const format = FLOAT_FORMATS[d.name];
    if (!format) throw new Error("torch.finfo() requires a floating point input type. Use torch.iinfo to handle 'torch.finfo'");
    const maxExponent = 2 ** (format.exponent - 1) - 1;
    this.bits = d.itemsize * 8;
    this.eps = 2 ** -format.mantissa;
    this.max = (2 - 2 ** -format.mantissa) * 2 ** maxExponent;
    this.min = -this.max;
    this.smallestNormal = 2 ** (1 - maxExponent);
    this.tiny = this.smallestNormal;
    this.resolution = Number(`1e-${Math.floor(-Math.log10(this.eps))}`);
    this.dtype = d.name;
  }

  toString(): string {
    const g = (v: number) => formatG(v);
    return `finfo(resolution=${g(this.resolution)}, min=${g(this.min)}, max=${g(this.max)}, eps=${g(this.eps)}, smallest_normal=${g(this.smallestNormal)}, tiny=${g(this.tiny)}, dtype=${this.dtype})`;
  }
  [Symbol.for("nodejs.util.inspect.custom")](): string { return this.toString(); }
}

/**
 * What torch.iinfo returns. max and min are numbers, except for int64, whose limits (±2^63) a
 * number cannot hold exactly: there they are bigints.
 */
export class IInfo {
  readonly bits: number;
  readonly max: number | bigint;
  readonly min: number | bigint;
  /** The dtype's name, as PyTorch's iinfo.dtype ("int32"). */
  readonly dtype: string;

  constructor(type: DTypeLike) {
    const d = dtypeArgument("iinfo", type);
    if (d.name === "bool") throw new Error("torch.bool is not supported by torch.iinfo");
    if (d.category !== "int") throw new Error("torch.iinfo() requires an integer input type. Use torch.finfo to handle 'torch.iinfo'");
    this.bits = d.itemsize * 8;
    if (d.name === "int64") {
      this.max = 2n ** 63n - 1n;
      this.min = -(2n ** 63n);
    } else if (d.isSigned) {
      this.max = 2 ** (this.bits - 1) - 1;
      this.min = -(2 ** (this.bits - 1));
    } else {
      this.max = 2 ** this.bits - 1;
      this.min = 0;
    }
    this.dtype = d.name;
  }

  toString(): string {
    return `iinfo(min=${formatG(Number(this.min))}, max=${formatG(Number(this.max))}, dtype=${this.dtype})`;
  }
  [Symbol.for("nodejs.util.inspect.custom")](): string { return this.toString(); }
}

/** Python's "%g": 6 significant digits, exponent form outside [1e-4, 1e6). */
function formatG(v: number): string {
  if (v === 0) return "0";
  const exp = Math.floor(Math.log10(Math.abs(v)));
  if (exp < -4 || exp >= 6) {
    const [mant, e] = v.toExponential(5).split("e") as [string, string];
    const trimmed = mant.includes(".") ? mant.replace(/0+$/, "").replace(/\.$/, "") : mant;
    const n = Number(e);
    return `${trimmed}e${n < 0 ? "-" : "+"}${String(Math.abs(n)).padStart(2, "0")}`;
  }
  return String(Number(v.toPrecision(6)));
}
