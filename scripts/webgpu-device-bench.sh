#!/usr/bin/env bash
# On a GPU machine (the device tool's, which has no Node): `npm run bench -- --device webgpu`
# (bench/webgpu-run.ts, bundled: matmul 1024-8192, the MLP / CNN training steps and a
# TransformerEncoderLayer forward+backward on the "webgpu" device, and the same in PyTorch CUDA
# through bench/cuda_bench.py), then the backend's matmul / add benchmark.
# Needs tmp/webgpu-run/ and .gl/ from scripts/webgpu-device-prep.sh (carry both). Logs go to $OUT.
#   WEBGPU_BENCH_ARGS    arguments for bench/webgpu-run.ts (default: --kernels, each training step's
#                        GPU time by kernel after its timing)
#   WEBGPU_MATMUL_ARGS   arguments for bench/webgpu-matmul.ts (default: --sizes 4096 --sweep 0; it
#                        also times the Transformer's weight-gradient GEMMs and the CNN's conv
#                        weight gradients with split-K off and automatic, see its --wgrad / --conv)
#   WEBGPU_SPLITK_AB=0   skip the rerun of the training steps with TORCH_TS_WEBGPU_SPLIT_K=0 (the
#                        automatic split-K off; default 1: the A/B for the split)
#   WEBGPU_FLUSH_AB="0 1"  rerun the training steps with each TORCH_TS_WEBGPU_FLUSH_MS (milliseconds of
#                        recording before a batch is submitted; 0: by count and at safe points only)
#   WEBGPU_GC_RERUN=MIB  also rerun the webgpu side with TORCH_TS_WEBGPU_GC_MIB=MIB (the pool's
#                        collection threshold; WEBGPU_GC_ARGS its arguments, default --sizes 4096)
#   WEBGPU_KERNEL_TESTS=1  first run the WebGPU kernel tests with every tile configuration (and the
#                        split-K and subgroup tests)
#   WEBGPU_DEVICE_TESTS=1  first run test/webgpu-device.test.ts (the "webgpu" device against the CPU)
#   WEBGPU_SKIP_GL=1     do not unpack .gl/ (a machine that has the loaders, or a local dry run)
set -uo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/webgpu-device-env.sh
. scripts/webgpu-device-env.sh
{ nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.max.sm --format=csv 2>&1 || true; node --version; } | tee "$OUT/gpu.txt"

if [ "${WEBGPU_KERNEL_TESTS:-0}" = "1" ]; then
  echo "== kernel tests (every tile configuration)"
  TORCH_TS_WEBGPU_FULL_TESTS=1 timeout 240 node --test --test-reporter=spec "$R/kernels.test.mjs" "$R/split-k.test.mjs" "$R/subgroups.test.mjs" > "$OUT/tests.log" 2>&1
  echo "tests exit $?"
  grep -E "^\s*(✔|✖|ℹ (tests|pass|fail))|webgpu adapter" "$OUT/tests.log" | tail -30
fi

if [ "${WEBGPU_DEVICE_TESTS:-0}" = "1" ]; then
  echo "== webgpu device tests"
  (cd "$R" && timeout 120 node --test conformance/device.test.mjs > "$OUT/device-tests.log" 2>&1); echo "tests exit $?"
  grep -E "^# (pass|fail)|^not ok|webgpu adapter" "$OUT/device-tests.log" | head -20
fi

echo "== npm run bench -- --device webgpu"
# shellcheck disable=SC2086
timeout 200 node "$R/gpubench.mjs" ${WEBGPU_BENCH_ARGS:---kernels} --json "$OUT/steps.json" 2>&1 | grep -v "artificially reduced" | tee "$OUT/steps.log"

if [ -n "${WEBGPU_GC_RERUN:-}" ]; then
  echo "== webgpu side again, TORCH_TS_WEBGPU_GC_MIB=$WEBGPU_GC_RERUN"
  # shellcheck disable=SC2086
  TORCH_TS_WEBGPU_GC_MIB="$WEBGPU_GC_RERUN" timeout 100 node "$R/gpubench.mjs" --no-pytorch ${WEBGPU_GC_ARGS:---sizes 4096} 2>&1 | grep -v "artificially reduced" | tee "$OUT/steps-gc.log"
fi

for ms in ${WEBGPU_FLUSH_AB:-}; do
  echo "== training steps again, TORCH_TS_WEBGPU_FLUSH_MS=$ms"
  TORCH_TS_WEBGPU_FLUSH_MS="$ms" timeout 100 node "$R/gpubench.mjs" --no-pytorch --sizes 0 2>&1 | grep -v "artificially reduced" | grep -E "step|fwd" | tee "$OUT/steps-flush-$ms.log"
done

if [ "${WEBGPU_SPLITK_AB:-1}" = "1" ]; then
  echo "== training steps again, split-K off (TORCH_TS_WEBGPU_SPLIT_K=0)"
  TORCH_TS_WEBGPU_SPLIT_K=0 timeout 120 node "$R/gpubench.mjs" --no-pytorch --sizes 0 --kernels --json "$OUT/steps-nosplit.json" 2>&1 | grep -v "artificially reduced" | tee "$OUT/steps-nosplit.log"
fi

echo "== backend matmul / add benchmark"
# shellcheck disable=SC2086
timeout 60 node "$R/bench.mjs" ${WEBGPU_MATMUL_ARGS:---sizes 4096 --sweep 0} --json "$OUT/matmul.json" 2>&1 | grep -v "artificially reduced" | tee "$OUT/matmul.log"
