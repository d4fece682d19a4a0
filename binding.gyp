{
  "targets": [
    {
      "target_name": "torch_ts_native",
      "sources": [
        "native/addon.cc",
        "native/isa.cc",
        "native/threadpool.cc",
        "native/gemm.cc",
        "native/gemm_kernels_scalar.cc",
        "native/gemm_kernels_avx2.cc",
        "native/gemm_kernels_avx512.cc",
        "native/elementwise.cc",
        "native/elementwise_generic.cc",
        "native/elementwise_avx2.cc",
        "native/elementwise_avx512.cc",
        "native/conv.cc",
        "native/conv_direct_avx512.cc",
        "native/pool.cc",
        "native/nn_kernels_generic.cc",
        "native/nn_kernels_avx2.cc",
        "native/nn_kernels_avx512.cc",
        "native/nnk_kernels_generic.cc",
        "native/nnk_kernels_avx2.cc",
        "native/nnk_kernels_avx512.cc",
        "native/norm.cc",
        "native/embedding.cc",
        "native/loss.cc",
        "native/convert.cc",
        "native/tensor_memory.cc",
        "native/random.cc",
        "native/masks.cc",
        "native/masks_addon.cc",
        "native/masks_generic.cc",
        "native/masks_avx2.cc",
        "native/masks_avx512.cc",
        "native/reduce_index.cc",
        "native/reduce_index_kernels.cc",
        "native/sort.cc",
        "native/scan.cc",
        "native/addon_index.cc",
        "native/typed_binary.cc",
        "native/typed_binary_addon.cc",
        "native/typed_binary_generic.cc",
        "native/typed_binary_avx2.cc",
        "native/typed_binary_avx512.cc"
      ],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
      "defines": ["NAPI_VERSION=8", "NODE_ADDON_API_DISABLE_CPP_EXCEPTIONS"],
      "cflags!": ["-O2", "-O0"],
      "cflags_cc!": ["-O2", "-O0", "-std=gnu++17"],
      "cflags": ["-O3", "-fvisibility=hidden"],
      "cflags_cc": ["-O3", "-std=c++17", "-fvisibility=hidden", "-fno-math-errno", "-ffp-contract=off"],
      "xcode_settings": {
        "OTHER_CPLUSPLUSFLAGS": ["-O3", "-std=c++17", "-fvisibility=hidden", "-fno-math-errno", "-ffp-contract=off"]
      }
    }
  ]
}
