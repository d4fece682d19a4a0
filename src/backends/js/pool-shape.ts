// Output sizes and argument checks of PyTorch's pooling (ATen/native/Pool.h), with its error texts.
// The kernels in pool.ts trust their arguments; the op layer calls these first.

/** Sizes as ATen prints them: `[2, 3, 8]`. */
function sizesStr(shape: readonly number[]): string {
  return `[${shape.join(", ")}]`;
}

/** Output length of one pooled dim with left/right padding, no checks (pooling_output_shape_pad_lr). */
export function poolingOutputSizePadLR(
  inputSize: number, kernelSize: number, padL: number, padR: number,
  stride: number, dilation: number, ceilMode: boolean,
): number {
  // Floor division rounds toward -inf (div_rtn), which matters when the window is larger than the input.
  let out = Math.floor(
    (inputSize + padL + padR - dilation * (kernelSize - 1) - 1 + (ceilMode ? stride - 1 : 0)) / stride,
  ) + 1;
  // In ceil mode the last window must start inside the input or its left padding.
  if (ceilMode && (out - 1) * stride >= inputSize + padL) out--;
  return out;
}

/** PyTorch's pooling_output_shape: the output length of one pooled dim, with its argument checks. */
export function poolingOutputSize(
  inputSize: number, kernelSize: number, pad: number,
  stride: number, dilation: number, ceilMode: boolean,
): number {
  if (stride === 0) throw new Error("stride should not be zero");
  if (pad < 0) throw new Error(`pad must be non-negative, but got pad: ${pad}`);
  if (pad > Math.trunc(((kernelSize - 1) * dilation + 1) / 2)) {
    throw new Error(
      `pad should be at most half of effective kernel size, but got pad=${pad}, kernel_size=${kernelSize} and dilation=${dilation}`,
    );
  }
  return poolingOutputSizePadLR(inputSize, kernelSize, pad, pad, stride, dilation, ceilMode);
}

/** Per spatial dim (outermost first) parameters of a pooling window. */
export interface PoolWindow {
  readonly kernelSize: readonly number[];
  readonly stride: readonly number[];
  readonly padding: readonly number[];
  /** 1 per dim when omitted (average pooling has no dilation). */
  readonly dilation?: readonly number[];
  readonly ceilMode: boolean;
}

/**
 * Output shape of pooling `inputShape` (leading dims, then `kernelSize.length` spatial dims) with
 * `window`, through pooling_output_shape and its checks.
 */
export function poolOutputShape(inputShape: readonly number[], window: PoolWindow): number[] {
  const k = window.kernelSize.length;
  const lead = inputShape.length - k;
  if (lead < 0) throw new Error(`pooling: input of shape ${sizesStr(inputShape)} has fewer than ${k} spatial dims`);
  const out = inputShape.slice(0, lead);
  for (let i = 0; i < k; i++) {
    out.push(poolingOutputSize(
      inputShape[lead + i]!, window.kernelSize[i]!, window.padding[i]!, window.stride[i]!,
      window.dilation?.[i] ?? 1, window.ceilMode,
    ));
  }
  return out;
}

/**
 * PyTorch's pool2d_shape_check (max_pool2d, avg_pool2d, and the 1d ones that run through them) on
 * a 3D (C, H, W) or 4D (N, C, H, W) input, given the output size computed by poolOutputShape.
 */
export function pool2dShapeCheck(
  inputShape: readonly number[],
  kH: number, kW: number, dH: number, dW: number, padH: number, padW: number,
  dilationH: number, dilationW: number, outputHeight: number, outputWidth: number,
): void {
  const ndim = inputShape.length;
  if (!(kW > 0 && kH > 0)) throw new Error(`kernel size should be greater than zero, but got kH: ${kH} kW: ${kW}`);
  if (!(dW > 0 && dH > 0)) throw new Error(`stride should be greater than zero, but got dH: ${dH} dW: ${dW}`);
  if (!(dilationH > 0 && dilationW > 0)) {
    throw new Error(`dilation should be greater than zero, but got dilationH: ${dilationH} dilationW: ${dilationW}`);
  }
  const validDims = ndim >= 3 && inputShape[1] !== 0 && inputShape[2] !== 0;
  if (!((ndim === 3 && inputShape[0] !== 0 && validDims) || (ndim === 4 && validDims && inputShape[3] !== 0))) {
    throw new Error(
      `Expected 3D or 4D (batch mode) tensor with optional 0 dim batch size for input, but got:${sizesStr(inputShape)}`,
    );
  }
  const effectiveKW = (kW - 1) * dilationW + 1;
  const effectiveKH = (kH - 1) * dilationH + 1;
  if (!(Math.trunc(effectiveKW / 2) >= padW && Math.trunc(effectiveKH / 2) >= padH)) {
    throw new Error(
      "pad should be smaller than or equal to half of effective kernel size, but got " +
      `padW = ${padW}, padH = ${padH}, effectiveKW = ${effectiveKW}, effectiveKH = ${effectiveKH}`,
    );
  }
  if (!(outputWidth >= 1 && outputHeight >= 1)) {
    const planes = inputShape[ndim - 3]!, h = inputShape[ndim - 2]!, w = inputShape[ndim - 1]!;
    throw new Error(
      `Given input size: (${planes}x${h}x${w}). Calculated output size: (${planes}x${outputHeight}x${outputWidth}). Output size is too small`,
    );
  }
}

/**
 * PyTorch's pool3d_shape_check on a 4D (C, T, H, W) or 5D input. `checkInputSize` is avg_pool3d's
 * extra rule that the input be at least as large as the kernel.
 */
export function pool3dShapeCheck(
  inputShape: readonly number[],
  kT: number, kH: number, kW: number, dT: number, dH: number, dW: number,
  pT: number, pH: number, pW: number, dilationT: number, dilationH: number, dilationW: number,
  otime: number, oheight: number, owidth: number, fnName: string, checkInputSize = false,
): void {
  const ndim = inputShape.length;
  if (!(kT > 0 && kW > 0 && kH > 0)) {
    throw new Error(`kernel size should be greater than zero, but got kT: ${kT} kH: ${kH} kW: ${kW}`);
  }
  if (!(dT > 0 && dW > 0 && dH > 0)) {
    throw new Error(`stride should be greater than zero, but got dT: ${dT} dH: ${dH} dW: ${dW}`);
  }
  if (!(dilationT > 0 && dilationW > 0 && dilationH > 0)) {
    throw new Error(
      `dilation should be greater than zero, but got dilationT: ${dilationT} dilationH: ${dilationH} dilationW: ${dilationW}`,
    );
  }
  if (!(ndim === 4 || ndim === 5)) {
    throw new Error(`${fnName}: Expected 4D or 5D tensor for input, but got: ${sizesStr(inputShape)}`);
  }
  for (let i = ndim === 5 ? 1 : 0; i < ndim; i++) {
    if (!(inputShape[i]! > 0)) {
      throw new Error(
        `${fnName}: Expected input's non-batch dimensions to have positive length, but input has a shape of ` +
        `${sizesStr(inputShape)} and non-batch dimension ${inputShape[i]} has length zero!`,
      );
    }
  }
  const nslices = inputShape[ndim - 4]!, itime = inputShape[ndim - 3]!;
  const iheight = inputShape[ndim - 2]!, iwidth = inputShape[ndim - 1]!;
  if (checkInputSize && !(itime >= kT && iheight >= kH && iwidth >= kW)) {
    throw new Error(
      `input image (T: ${itime} H: ${iheight} W: ${iwidth}) smaller than kernel size (kT: ${kT} kH: ${kH} kW: ${kW})`,
    );
  }
  const effectiveKT = (kT - 1) * dilationT + 1;
  const effectiveKW = (kW - 1) * dilationW + 1;
  const effectiveKH = (kH - 1) * dilationH + 1;
  // PyTorch compares the padding with the undilated kernel here, and prints the effective sizes.
  if (!(Math.trunc(kT / 2) >= pT && Math.trunc(kW / 2) >= pW && Math.trunc(kH / 2) >= pH)) {
    throw new Error(
      "pad should be smaller than or equal to half of effective kernel size, but got " +
      `padT: ${pT} padW: ${pW} padH: ${pH} effectiveKT: ${effectiveKT} effectiveKW: ${effectiveKW} effectiveKH: ${effectiveKH}`,
    );
  }
  if (!(otime >= 1 && owidth >= 1 && oheight >= 1)) {
    throw new Error(
      `Given input size: (${nslices}x${itime}x${iheight}x${iwidth}). ` +
      `Calculated output size: (${nslices}x${otime}x${oheight}x${owidth}). Output size is too small`,
    );
  }
}

/** PyTorch's adaptive pooling window of output cell `i`: [floor(i*in/out), ceil((i+1)*in/out)). */
export function adaptiveStart(i: number, outSize: number, inSize: number): number {
  return Math.floor((i * inSize) / outSize);
}
export function adaptiveEnd(i: number, outSize: number, inSize: number): number {
  return Math.ceil(((i + 1) * inSize) / outSize);
}
