#!/usr/bin/env bash
# On a GPU machine (the device tool's, which has no Node): the "webgpu" device test, then one epoch
# of examples/train.ts on Fashion-MNIST with --device webgpu. Needs tmp/webgpu-run/, tmp/fmnist/
# and .gl/ from scripts/webgpu-device-prep.sh (carry all three). Logs go to $OUT.
#   WEBGPU_DEVICE_TESTS=0  skip the device test (already run by webgpu-device-bench.sh on this machine)
set -uo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/webgpu-device-env.sh
. scripts/webgpu-device-env.sh
D=/usr/share/datasets/fashion-mnist
mkdir -p "$D"
for f in tmp/fmnist/*.xz; do xz -dc "$f" > "$D/$(basename "$f" .xz)"; done
cp tmp/fmnist/*.gz "$D/"
{ nvidia-smi --query-gpu=name,driver_version --format=csv,noheader 2>&1 || true; node --version; } | tee "$OUT/gpu.txt"
if [ "${WEBGPU_DEVICE_TESTS:-1}" = "1" ]; then
  echo "== webgpu device tests"
  (cd "$R" && timeout 150 node --test conformance/device.test.mjs > "$OUT/device-tests.log" 2>&1); echo "tests exit $?"
  grep -E "^\s*(ok|not ok)|webgpu adapter|# (pass|fail)|error:" "$OUT/device-tests.log" | head -40
fi
echo "== examples/train.ts, 1 epoch, --device webgpu"
(cd "$R" && timeout 240 node train.mjs --epochs 1 --device webgpu --out /tmp/model.pt 2>&1) | grep -v "artificially reduced" | tee "$OUT/train.log"
