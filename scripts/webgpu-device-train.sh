#!/usr/bin/env bash
# On a GPU machine (the device tool's, which has no Node): the "webgpu" device test, then one epoch
# of examples/train.ts on Fashion-MNIST with --device webgpu. Needs tmp/webgpu-run/, tmp/fmnist/
# and .gl/ from scripts/webgpu-device-prep.sh (carry all three). Logs go to $OUT.
set -uo pipefail
cd "$(dirname "$0")/.."
R=tmp/webgpu-run
OUT="${OUT:-/tmp/webgpu-out}"
mkdir -p "$OUT"
for f in .gl/*.deb; do dpkg -x "$f" /; done
ldconfig
export VK_DRIVER_FILES=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
export __EGL_VENDOR_LIBRARY_FILENAMES=/usr/local/nvidia/share/glvnd/egl_vendor.d/10_nvidia.json
BIN=/tmp/webgpu-node/bin
mkdir -p "$BIN"
[ -x "$BIN/node" ] || { xz -dc "$R/node.xz" > "$BIN/node" && chmod +x "$BIN/node"; }
[ -s "$R/node_modules/webgpu/dist/linux-x64/dawn.node" ] || xz -dc "$R/dawn.node.xz" > "$R/node_modules/webgpu/dist/linux-x64/dawn.node"
export PATH="$BIN:$PATH"
export TORCH_TS_NATIVE_ADDON="$PWD/$R/torch_ts_native.node"
D=/usr/share/datasets/fashion-mnist
mkdir -p "$D"
for f in tmp/fmnist/*.xz; do xz -dc "$f" > "$D/$(basename "$f" .xz)"; done
cp tmp/fmnist/*.gz "$D/"
{ nvidia-smi --query-gpu=name,driver_version --format=csv,noheader 2>&1 || true; node --version; } | tee "$OUT/gpu.txt"
echo "== webgpu device tests"
(cd "$R" && timeout 150 node --test conformance/device.test.mjs > "$OUT/device-tests.log" 2>&1); echo "tests exit $?"
grep -E "^\s*(ok|not ok)|webgpu adapter|# (pass|fail)|error:" "$OUT/device-tests.log" | head -40
echo "== examples/train.ts, 1 epoch, --device webgpu"
(cd "$R" && timeout 240 node train.mjs --epochs 1 --device webgpu --out /tmp/model.pt 2>&1) | grep -v "artificially reduced" | tee "$OUT/train.log"
