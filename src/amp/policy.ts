// Autocast's op lists: which ops run in the lower-precision dtype, which in float32 and which at
// their widest input type, per device. PyTorch 2.11's lists (aten/src/ATen/autocast_mode.cpp: the
// AutocastCPU registrations for "cpu"; the CUDA ones, AT_FORALL_* of autocast_mode.h, for
// "webgpu"), keyed by the aten op name each listed torch-ts op passes to its hook. Names of ops
// torch-ts lacks are kept so that the tables read as PyTorch's.

import type { AutocastDevice } from "./state.js";

/**
 * lower: eligible tensor arguments cast to the device's lower dtype; fp32: cast to float32;
 * fp32SetOptDtype: dtype=float32 unless given (ops with a dtype argument, like softmax);
 * promote: cast to the widest eligible floating dtype; banned: refused (binary_cross_entropy on
 * the GPU); keep: not listed, run with autocast off (see CPU_KEEP). Eligible: a floating tensor on
 * the device, not float64.
 */
export type CastPolicy = "lower" | "fp32" | "fp32SetOptDtype" | "promote" | "banned" | "keep";

const CPU_LOWER = [
  "conv1d", "conv2d", "conv3d", "bmm", "mm", "linalg_vecdot", "baddbmm", "addmm", "_addmm_activation", "addbmm",
  "linear", "_convolution", "matmul", "conv_tbc", "mkldnn_rnn_layer", "conv_transpose1d", "conv_transpose2d",
  "conv_transpose3d", "prelu", "scaled_dot_product_attention", "_native_multi_head_attention",
];

const CPU_FP32 = [
  "avg_pool3d", "binary_cross_entropy", "grid_sampler", "polar", "prod", "quantile", "nanquantile", "stft", "cdist",
  "grid_sampler_2d", "grid_sampler_3d", "trace", "view_as_complex", "cholesky", "cholesky_inverse", "cholesky_solve",
  "inverse", "lu_solve", "orgqr", "ormqr", "pinverse", "max_pool3d", "max_unpool2d", "max_unpool3d",
  "adaptive_avg_pool3d", "reflection_pad1d", "reflection_pad2d", "replication_pad1d", "replication_pad2d",
  "replication_pad3d", "mse_loss", "cosine_embedding_loss", "nll_loss", "nll_loss2d", "hinge_embedding_loss",
  "poisson_nll_loss", "smooth_l1_loss", "cross_entropy_loss", "l1_loss", "huber_loss", "margin_ranking_loss",
  "soft_margin_loss", "triplet_margin_loss", "multi_margin_loss", "ctc_loss", "kl_div", "multilabel_margin_loss",
  "binary_cross_entropy_with_logits", "fft_fft", "fft_ifft", "fft_fft2", "fft_ifft2", "fft_fftn", "fft_ifftn",
  "fft_rfft", "fft_irfft", "fft_rfft2", "fft_irfft2", "fft_rfftn", "fft_irfftn", "fft_hfft", "fft_ihfft",
  "linalg_cond", "linalg_matrix_rank", "linalg_solve", "linalg_cholesky", "linalg_svdvals", "linalg_eigvals",
  "linalg_eigvalsh", "linalg_inv", "linalg_householder_product", "linalg_tensorinv", "linalg_tensorsolve",
  "fake_quantize_per_tensor_affine", "geqrf", "_lu_with_info", "qr", "svd", "triangular_solve",
  "fractional_max_pool2d", "fractional_max_pool3d", "adaptive_max_pool3d", "linalg_qr", "linalg_cholesky_ex",
  "linalg_svd", "linalg_eig", "linalg_eigh", "linalg_lstsq", "linalg_inv_ex",
];

const CPU_PROMOTE = ["stack", "cat", "index_copy"];

// Not on PyTorch's CPU list, and its kernels for them are not made of listed ops (convolution
// reaches the non-deprecated _convolution, bilinear _trilinear, mv addmv), so they keep their
// input dtype; torch-ts composes them of conv2d / einsum / mm, which must not be cast inside them.
const CPU_KEEP = ["convolution", "bilinear", "mv"];

const GPU_LOWER = [
  "_convolution", "conv1d", "conv2d", "conv3d", "conv_tbc", "conv_transpose1d", "conv_transpose2d",
  "conv_transpose3d", "convolution", "prelu", "addmm", "addmv", "addr", "matmul", "einsum", "mm", "mv",
  "linalg_vecdot", "linear", "addbmm", "baddbmm", "bmm", "chain_matmul", "linalg_multi_dot", "lstm_cell",
  "gru_cell", "rnn_tanh_cell", "rnn_relu_cell", "scaled_dot_product_attention",
];

// The last entry, cross_entropy_loss, is not on the CUDA lists: PyTorch's is made of log_softmax
// (dtype=float32) and nll_loss (float32), where torch-ts's GPU form is one kernel; casting its
// input to float32 first gives the same values.
const GPU_FP32 = [
  "acos", "asin", "cosh", "erfinv", "exp", "expm1", "log", "log10", "log2", "log1p", "reciprocal", "rsqrt", "sinh",
  "tan", "pow", "softplus", "layer_norm", "native_layer_norm", "group_norm", "frobenius_norm", "nuclear_norm",
  "cosine_similarity", "poisson_nll_loss", "cosine_embedding_loss", "nll_loss", "nll_loss2d",
  "hinge_embedding_loss", "kl_div", "l1_loss", "smooth_l1_loss", "huber_loss", "mse_loss", "margin_ranking_loss",
  "multilabel_margin_loss", "soft_margin_loss", "triplet_margin_loss", "multi_margin_loss",
  "binary_cross_entropy_with_logits", "dist", "pdist", "cdist", "renorm", "logsumexp", "upsample_nearest1d",
  "_upsample_nearest_exact1d", "upsample_nearest2d", "_upsample_nearest_exact2d", "upsample_nearest3d",
  "_upsample_nearest_exact3d", "upsample_linear1d", "upsample_bilinear2d", "_upsample_bilinear2d_aa",
  "upsample_trilinear3d", "upsample_bicubic2d", "_upsample_bicubic2d_aa", "cross_entropy_loss",
];

// norm is PyTorch's fp32_append_dtype (its overloads without a dtype get float32): the same effect.
const GPU_SET_OPT_DTYPE = [
  "prod", "softmax", "log_softmax", "cumprod", "cumsum", "linalg_vector_norm", "linalg_matrix_norm", "sum", "norm",
];

const GPU_PROMOTE = [
  "addcdiv", "addcmul", "atan2", "bilinear", "cross", "dot", "vdot", "grid_sampler", "index_put", "tensordot", "scatter_add",
];

function table(lists: [readonly string[], CastPolicy][]): ReadonlyMap<string, CastPolicy> {
  const m = new Map<string, CastPolicy>();
  for (const [names, policy] of lists) for (const n of names) m.set(n, policy);
  return m;
}

const POLICIES: Readonly<Record<AutocastDevice, ReadonlyMap<string, CastPolicy>>> = {
  cpu: table([[CPU_LOWER, "lower"], [CPU_FP32, "fp32"], [CPU_PROMOTE, "promote"], [CPU_KEEP, "keep"]]),
  webgpu: table([[GPU_LOWER, "lower"], [GPU_FP32, "fp32"], [GPU_SET_OPT_DTYPE, "fp32SetOptDtype"], [GPU_PROMOTE, "promote"], [["binary_cross_entropy"], "banned"]]),
};

/** The op's policy on the device, or undefined where the op is not listed there. */
export function castPolicy(device: AutocastDevice, op: string): CastPolicy | undefined { return POLICIES[device].get(op); }
