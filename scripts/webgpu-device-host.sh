#!/usr/bin/env bash
# On a GPU machine (the device tool's, which has no Node): the host side of the training steps
# (bench/webgpu-host.ts, bundled as host.mjs): with Dawn, with Dawn's recording stubbed out (this
# machine's JS cost alone, to compare with other hosts), with other Dawn flags, and a V8 CPU
# profile of the run with Dawn (host.cpuprofile; its timed steps run under the function timedStep). Then, unless WEBGPU_HOST_ONLY=1, the training
# steps' GPU timing by kernel (bench/webgpu-run.ts --sizes 0 --no-pytorch --kernels) and the matmul
# bench (weight gradients, split-K). Needs tmp/webgpu-run/ and .gl/ (scripts/webgpu-device-prep.sh).
#   WEBGPU_HOST_STEPS      timed steps per workload (default 100)
#   WEBGPU_DAWN_FLAGS_AB   dawn.node flags for the A/B rerun (default enable-dawn-features=skip_validation)
set -uo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/webgpu-device-env.sh
. scripts/webgpu-device-env.sh
{ nvidia-smi --query-gpu=name,driver_version --format=csv,noheader 2>&1 || true; node --version; nproc; grep -m1 "model name" /proc/cpuinfo; } | tee "$OUT/gpu.txt"
steps="${WEBGPU_HOST_STEPS:-100}"
flags="${WEBGPU_DAWN_FLAGS_AB:-enable-dawn-features=skip_validation}"
quiet() { grep -v "artificially reduced"; }
echo "== host side, Dawn"
timeout 90 node "$R/host.mjs" --steps "$steps" --no-memory 2>&1 | quiet | tee "$OUT/host.log"
echo "== host side, Dawn's recording stubbed out"
timeout 90 node "$R/host.mjs" --steps "$steps" --no-memory --stub-dawn 2>&1 | quiet | tee "$OUT/host-stub.log"
echo "== host side, TORCH_TS_WEBGPU_DAWN_FLAGS=$flags"
TORCH_TS_WEBGPU_DAWN_FLAGS="$flags" timeout 90 node "$R/host.mjs" --steps "$steps" --no-memory 2>&1 | quiet | tee "$OUT/host-flags.log"
echo "== host side, Dawn, CPU profile"
mkdir -p /tmp/prof
timeout 90 node --cpu-prof --cpu-prof-dir=/tmp/prof --cpu-prof-interval 200 "$R/host.mjs" --steps "$steps" --no-memory 2>&1 | quiet | tail -4
cp "$(ls -S /tmp/prof/*.cpuprofile | head -1)" "$OUT/host.cpuprofile" 2>/dev/null && ls -la "$OUT/host.cpuprofile"
[ "${WEBGPU_HOST_ONLY:-0}" = "1" ] && exit 0
echo "== training steps, GPU time by kernel"
timeout 120 node "$R/gpubench.mjs" --sizes 0 --no-pytorch --kernels 2>&1 | quiet | tee "$OUT/steps.log"
echo "== training steps, TORCH_TS_WEBGPU_DAWN_FLAGS=$flags"
TORCH_TS_WEBGPU_DAWN_FLAGS="$flags" timeout 120 node "$R/gpubench.mjs" --sizes 0 --no-pytorch 2>&1 | quiet | tail -5 | tee "$OUT/steps-flags.log"
echo "== matmul bench (weight gradients, split-K)"
timeout 60 node "$R/bench.mjs" --sizes 4096 --sweep 0 2>&1 | quiet | tee "$OUT/matmul.log"
