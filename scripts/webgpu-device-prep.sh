#!/usr/bin/env bash
# Builds tmp/webgpu-run/, what scripts/webgpu-device-bench.sh needs on a GPU machine without Node:
# an xz-compressed copy of this machine's node, the `webgpu` package (dawn.node compressed), the
# tests and benchmarks bundled to plain ESM by esbuild (with bench/cuda_bench.py), and (in .gl/) the Vulkan/GL loader packages;
# for scripts/webgpu-device-train.sh also the device test, examples/train.ts and tmp/fmnist/.
# These folders are git-ignored; pass them to the device tool's `carry`.
set -euo pipefail
cd "$(dirname "$0")/.."
R=tmp/webgpu-run
mkdir -p "$R/node_modules/webgpu/dist/linux-x64"
cp node_modules/webgpu/package.json node_modules/webgpu/index.js "$R/node_modules/webgpu/"
[ -s "$R/dawn.node.xz" ] || xz -T0 -6 -c node_modules/webgpu/dist/linux-x64/dawn.node > "$R/dawn.node.xz"
[ -s "$R/node.xz" ] || xz -T0 -6 -c "$(command -v node)" > "$R/node.xz"
# The native addon (the CPU kernels and the death notices the GPU buffer pool relies on), built
# here; the bundles find it through TORCH_TS_NATIVE_ADDON, set by the device scripts.
cp build/Release/torch_ts_native.node "$R/"
ESB=node_modules/.bin/esbuild
[ -x "$ESB" ] || ESB="$(dirname "$(node -p 'require.resolve("esbuild/package.json")')")/bin/esbuild"
# `npm run bench -- --device webgpu` (it runs cuda_bench.py from its own folder), the host-side bench and the matmul bench.
"$ESB" bench/webgpu-run.ts --bundle --platform=node --format=esm --target=node20 --outfile="$R/gpubench.mjs" --log-level=warning
cp bench/cuda_bench.py "$R/"
"$ESB" bench/webgpu-host.ts --bundle --platform=node --format=esm --target=node20 --outfile="$R/host.mjs" --log-level=warning
"$ESB" bench/webgpu-matmul.ts --bundle --platform=node --format=esm --target=node20 --outfile="$R/bench.mjs" --log-level=warning
"$ESB" test/webgpu-kernels.test.ts --bundle --platform=node --format=esm --target=node20 --outfile="$R/kernels.test.mjs" --log-level=warning
"$ESB" test/webgpu-split-k.test.ts --bundle --platform=node --format=esm --target=node20 --outfile="$R/split-k.test.mjs" --log-level=warning
"$ESB" test/webgpu-subgroups.test.ts --bundle --platform=node --format=esm --target=node20 --outfile="$R/subgroups.test.mjs" --log-level=warning
# The "webgpu" device: its test (which reads ../fixtures/conformance/ops.jsonl from its own folder)
# and the training example; Fashion-MNIST (xz keeps the carried tree under the tool's 64 MiB).
mkdir -p "$R/conformance" "$R/fixtures/conformance"
cp test/fixtures/conformance/ops.jsonl "$R/fixtures/conformance/"
"$ESB" test/webgpu-device.test.ts --bundle --platform=node --format=esm --target=node20 --outfile="$R/conformance/device.test.mjs" --log-level=error
mkdir -p "$R/data" && cp src/datasets/data/digits.csv.gz "$R/data/"  # train.mjs --data digits reads ./data/ beside it
"$ESB" examples/train.ts --bundle --platform=node --format=esm --target=node20 --outfile="$R/train.mjs" --log-level=warning
if [ -d /usr/share/datasets/fashion-mnist ] && [ ! -s tmp/fmnist/train-images-idx3-ubyte.xz ]; then
  mkdir -p tmp/fmnist
  for f in train-images-idx3-ubyte t10k-images-idx3-ubyte; do gzip -dc "/usr/share/datasets/fashion-mnist/$f.gz" | xz -T0 -9e > "tmp/fmnist/$f.xz"; done
  cp /usr/share/datasets/fashion-mnist/*labels* tmp/fmnist/
fi
if ! ls .gl/*.deb >/dev/null 2>&1; then
  mkdir -p .gl /tmp/amd64/partial
  o=(-oAPT::Architecture=amd64 -oAPT::Architectures=amd64 -oDir::State::Lists=/tmp/amd64)
  apt-get "${o[@]}" update >/dev/null
  (cd .gl && apt-get "${o[@]}" download libvulkan1 libegl1 libglvnd0 libopengl0 libgl1 libglx0 libgles2)
fi
# A local dry run of the device scripts unpacks dawn.node here: leave it out of the carried tree.
rm -f "$R/node_modules/webgpu/dist/linux-x64/dawn.node"
du -sh "$R" .gl tmp/fmnist 2>/dev/null
