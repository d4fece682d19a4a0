#!/usr/bin/env bash
# On a GPU machine (the device tool's, which has no Node): the WebGPU kernel tests with every tile
# configuration, the matmul / add benchmark, and PyTorch CUDA's figures on the same GPU.
# Needs tmp/webgpu-run/ and .gl/ from scripts/webgpu-device-prep.sh. Logs go to $OUT.
#   WEBGPU_BENCH_ARGS  arguments for bench/webgpu-matmul.ts (default: its own)
#   WEBGPU_FULL_TESTS=0  test only the CPU-adapter subset of tile configurations
#   WEBGPU_SKIP_GL=1   do not unpack .gl/ (a machine that has the loaders, or a local dry run)
set -uo pipefail
cd "$(dirname "$0")/.."
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
{ nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.max.sm --format=csv 2>&1 || true; node --version; } | tee "$OUT/gpu.txt"

echo "== kernel tests (every tile configuration)"
TORCH_TS_WEBGPU_FULL_TESTS="${WEBGPU_FULL_TESTS:-1}" timeout 240 node --test --test-reporter=spec "$R/kernels.test.mjs" > "$OUT/tests.log" 2>&1
echo "tests exit $?"
grep -E "^\s*(✔|✖|ℹ (tests|pass|fail))|webgpu adapter" "$OUT/tests.log" | tail -30

echo "== webgpu benchmark"
# shellcheck disable=SC2086
timeout 300 node "$R/bench.mjs" ${WEBGPU_BENCH_ARGS:-} --json "$OUT/bench.json" 2>&1 | grep -v "artificially reduced" | tee "$OUT/bench.log"

echo "== pytorch benchmark"
timeout 200 python3 - <<'PY' 2>&1 | tee "$OUT/torch.log"
import os, time, torch
if not torch.cuda.is_available():
    print("torch: no CUDA device"); raise SystemExit
torch.backends.cuda.matmul.allow_tf32 = False
torch.backends.cudnn.allow_tf32 = False
print(f"torch {torch.__version__} on {torch.cuda.get_device_name()}")
sizes = [int(s) for s in os.environ.get("TORCH_SIZES", "1024,2048,4096,8192").split(",")]
def bench(f, flop_or_bytes, reps):
    for _ in range(3): f()
    torch.cuda.synchronize()
    t = time.perf_counter()
    for _ in range(reps): f()
    torch.cuda.synchronize()
    return (time.perf_counter() - t) / reps
for n in sizes:
    a = torch.rand(n, n, device="cuda") * 2 - 1
    b = torch.rand(n, n, device="cuda") * 2 - 1
    reps = max(3, min(20, int(2e12 / (2 * n ** 3))))
    dt = bench(lambda: a @ b, 0, reps)
    torch.backends.cuda.matmul.allow_tf32 = True
    dt32 = bench(lambda: a @ b, 0, reps)
    torch.backends.cuda.matmul.allow_tf32 = False
    print(f"torch matmul {n}x{n}x{n} float32: {dt*1e3:.3f} ms  {2*n**3/dt/1e12:.2f} TFLOPS   (tf32: {2*n**3/dt32/1e12:.1f} TFLOPS)")
n = 64 * 1024 * 1024
x = torch.rand(n, device="cuda"); y = torch.rand(n, device="cuda"); out = torch.empty_like(x)
dt = bench(lambda: torch.add(x, y, out=out), 0, 20)
print(f"torch add 256 MiB float32: {dt*1e3:.3f} ms  {3*n*4/dt/1e9:.0f} GB/s")
PY
