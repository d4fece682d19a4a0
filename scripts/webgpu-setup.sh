#!/usr/bin/env bash
# Makes a WebGPU adapter available to Node on a machine without a GPU (CI), for the webgpu tests.
# Idempotent: does nothing when an adapter is already found.
#
#   scripts/webgpu-setup.sh            # install what is missing, then probe
#   scripts/webgpu-setup.sh --check    # probe only (exit 1 if no adapter)
#
# Dawn (the npm package `webgpu`, an optional dependency) needs either
#   - Vulkan: the loader (libvulkan1) and Mesa's lavapipe from Mesa >= 24 (Debian bookworm's Mesa 22
#     is rejected by Dawn, so on bookworm it comes from bookworm-backports), or
#   - OpenGL ES: stock Mesa through EGL (backend=opengles, featureLevel "compatibility",
#     EGL_PLATFORM=surfaceless), selected with TORCH_TS_WEBGPU_BACKEND=opengles.
# Lavapipe is preferred: it offers the core feature level (all of WebGPU), GLES only compatibility.
set -euo pipefail

cd "$(dirname "$0")/.."

probe() {
  # Prints the adapter and exits 0 if Dawn finds one with the given backend ("" = Dawn's default).
  local backend="$1"
  TORCH_TS_WEBGPU_BACKEND="$backend" node --input-type=module -e '
    const b = process.env.TORCH_TS_WEBGPU_BACKEND;
    let m;
    try { m = await import("webgpu"); } catch { console.error("webgpu-setup: the npm package webgpu is not installed"); process.exit(2); }
    if (b && b.startsWith("opengl")) process.env.EGL_PLATFORM ??= "surfaceless";
    const gpu = m.create(b ? [`backend=${b}`] : []);
    const fl = b && b.startsWith("opengl") ? "compatibility" : "core";
    const a = await gpu.requestAdapter({ featureLevel: fl });
    if (!a) process.exit(1);
    const i = a.info;
    console.log(`webgpu-setup: adapter ${[i.vendor, i.architecture, i.description].filter(Boolean).join(" / ")} (${b || "default backend"}, ${fl})`);
    process.exit(0);
  ' 2>/dev/null
}

SUDO=""
if [ "$(id -u)" != "0" ] && command -v sudo >/dev/null; then SUDO="sudo"; fi

if [ ! -d node_modules/webgpu ]; then
  echo "webgpu-setup: installing the optional npm package webgpu"
  npm install --no-save --ignore-scripts webgpu@"$(node -p 'require("./package.json").optionalDependencies.webgpu')"
fi

if probe ""; then exit 0; fi
if [ "${1:-}" = "--check" ]; then
  if probe opengles; then echo "webgpu-setup: use TORCH_TS_WEBGPU_BACKEND=opengles"; exit 0; fi
  echo "webgpu-setup: no WebGPU adapter" >&2
  exit 1
fi

export DEBIAN_FRONTEND=noninteractive
codename="$(. /etc/os-release 2>/dev/null && echo "${VERSION_CODENAME:-}")"
distro="$(. /etc/os-release 2>/dev/null && echo "${ID:-}")"
APT_OPTS=(-y --no-install-recommends)

if [ "$distro" = "debian" ] && [ "$codename" = "bookworm" ]; then
  # Mesa 25 (lavapipe) from bookworm-backports, added from the existing bookworm entry.
  if ! grep -rqs "bookworm-backports" /etc/apt/sources.list /etc/apt/sources.list.d/; then
    if [ -f /etc/apt/sources.list.d/debian.sources ]; then
      awk 'BEGIN { RS = ""; ORS = "\n\n" } /Suites: bookworm( |\n|$)/ && !/security/ {
             sub(/Suites:[^\n]*/, "Suites: bookworm-backports"); print; exit }' \
        /etc/apt/sources.list.d/debian.sources | $SUDO tee /etc/apt/sources.list.d/bookworm-backports.sources >/dev/null
    else
      grep -E '^deb .* bookworm( |$)' /etc/apt/sources.list | head -n1 | sed 's/ bookworm / bookworm-backports /' |
        $SUDO tee /etc/apt/sources.list.d/bookworm-backports.list >/dev/null
    fi
  fi
  $SUDO apt-get update -qq
  $SUDO apt-get install "${APT_OPTS[@]}" -t bookworm-backports mesa-vulkan-drivers libvulkan1
else
  $SUDO apt-get update -qq
  $SUDO apt-get install "${APT_OPTS[@]}" mesa-vulkan-drivers libvulkan1
fi

if probe ""; then exit 0; fi

# Vulkan gave nothing: Dawn's OpenGL ES backend on Mesa's llvmpipe.
$SUDO apt-get install "${APT_OPTS[@]}" libegl1 libgles2 libegl-mesa0 libgl1-mesa-dri
if probe opengles; then
  echo "webgpu-setup: Vulkan found no adapter; export TORCH_TS_WEBGPU_BACKEND=opengles for the tests"
  exit 0
fi
echo "webgpu-setup: no WebGPU adapter after installing Mesa's Vulkan and GLES drivers" >&2
exit 1
