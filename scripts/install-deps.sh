#!/usr/bin/env bash
# Installs the Debian packages bsattn builds with, where any is missing.
set -euo pipefail

packages=(llvm-22-dev libmlir-22-dev mlir-22-tools llvm-22-tools cmake ninja-build g++)
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

if [[ ! -x /usr/local/cuda/bin/ptxas ]]; then
  echo "warning: CUDA toolkit not found at /usr/local/cuda (ptxas is needed to" \
       "emit cubins)" >&2
fi
