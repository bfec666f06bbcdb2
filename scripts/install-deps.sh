#!/usr/bin/env bash
# Installs the Debian packages bsattn builds with, where any is missing.
set -euo pipefail

packages=(llvm-22-dev libmlir-22-dev mlir-22-tools llvm-22-tools cmake ninja-build g++
          libgtest-dev)
missing=()
for pkg in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" ||
    missing+=("$pkg")
done
if ((${#missing[@]})); then
  echo "installing: ${missing[*]}"
  sudo=""
  [[ $(id -u) -eq 0 ]] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}"
fi

# cuobjdump + nvdisasm (SASS checks in the tests) are not in the image's
# toolkit; PyPI ships them.
root=$(cd "$(dirname "$0")/.." && pwd)
tools="$root/build/cuda-tools"
if [[ ! -x "$tools/nvidia/cu13/bin/nvdisasm" ]]; then
  echo "installing cuobjdump and nvdisasm into $tools"
  python3 -m pip install --quiet --disable-pip-version-check --target "$tools" \
    nvidia-cuda-cuobjdump==13.5.37 nvidia-cuda-nvdisasm==13.5.37
fi

if [[ ! -x /usr/local/cuda/bin/ptxas ]]; then
  echo "warning: CUDA toolkit not found at /usr/local/cuda (ptxas is needed to" \
       "emit cubins)" >&2
fi
