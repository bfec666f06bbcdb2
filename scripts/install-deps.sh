#!/usr/bin/env bash
# Installs the Debian packages bsattn builds with, where any is missing.
set -euo pipefail

packages=(llvm-22-dev libmlir-22-dev mlir-22-tools llvm-22-tools cmake ninja-build g++
          libgtest-dev nlohmann-json3-dev libcli11-dev)
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

# PyTorch and pytest for the Python package's tests (python/tests), which
# run on the CPU. PyPI's torch for Linux is built for CUDA and links its
# libraries at import; this image's CUDA 13 (/usr/local/cuda-13.0/lib, on
# the loader's path) has all but four of them, so torch comes without its
# dependencies (about 2 GB of CUDA wheels), plus those four (0.5 GB) and the
# pure-Python packages it imports. About 1.1 GB downloaded, 3 minutes.
if ! python3 -c "import torch, pytest" 2>/dev/null; then
  echo "installing torch (with the CUDA libraries the image lacks) and pytest"
  python3 -m pip install --quiet --disable-pip-version-check --no-deps \
    torch==2.15.0 nvidia-cusparselt-cu13==0.8.1 nvidia-nvshmem-cu13==3.7.2 \
    nvidia-nccl-cu13==2.30.7 nvidia-cufile==1.17.1.22
  python3 -m pip install --quiet --disable-pip-version-check filelock \
    "typing-extensions>=4.13" "sympy>=1.13.3" "networkx>=2.5.1" jinja2 \
    "fsspec>=0.8.5" numpy pytest
fi

if [[ ! -x /usr/local/cuda/bin/ptxas ]]; then
  echo "warning: CUDA toolkit not found at /usr/local/cuda (ptxas is needed to" \
       "emit cubins)" >&2
fi
