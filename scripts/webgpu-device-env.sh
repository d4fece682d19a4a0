# Sourced by the scripts/webgpu-device-*.sh scripts on a GPU machine without Node (the device
# tool's): unpacks the Vulkan/GL loaders from .gl/ (unless WEBGPU_SKIP_GL=1: a machine that has
# them, or a local dry run), the carried Node and dawn.node from tmp/webgpu-run/ (built by
# scripts/webgpu-device-prep.sh), and points the bundles at the carried native addon.
# Sets R (the run folder) and OUT (logs; the device tool's $OUT, else /tmp/webgpu-out).
R=tmp/webgpu-run
OUT="${OUT:-/tmp/webgpu-out}"
mkdir -p "$OUT"
if [ "${WEBGPU_SKIP_GL:-0}" != "1" ]; then
  for f in .gl/*.deb; do dpkg -x "$f" /; done
  ldconfig
  export VK_DRIVER_FILES=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
  export __EGL_VENDOR_LIBRARY_FILENAMES=/usr/local/nvidia/share/glvnd/egl_vendor.d/10_nvidia.json
fi
BIN=/tmp/webgpu-node/bin
mkdir -p "$BIN"
[ -x "$BIN/node" ] || { xz -dc "$R/node.xz" > "$BIN/node" && chmod +x "$BIN/node"; }
[ -s "$R/node_modules/webgpu/dist/linux-x64/dawn.node" ] || xz -dc "$R/dawn.node.xz" > "$R/node_modules/webgpu/dist/linux-x64/dawn.node"
export PATH="$BIN:$PATH"
export TORCH_TS_NATIVE_ADDON="$PWD/$R/torch_ts_native.node"
