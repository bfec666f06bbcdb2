#!/usr/bin/env bash
# Compiles every bf16 example to cubin + manifest under DIR (default
# .device/), for carrying to the GPU machine.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$root/.device}
mkdir -p "$out"
for name in challenge sliding_window sliding_window_global sliding_window_retrieval; do
  "$root/build/bin/bsattn-translate" --emit-cubin "$root/examples/$name.mlir" -o "$out/$name.cubin"
  "$root/build/bin/bsattn-translate" --emit-manifest "$root/examples/$name.mlir" -o "$out/$name.json"
done
