#!/usr/bin/env bash
# Wall time of .mlir -> cubin (bsattn-translate --emit-cubin: the whole
# pipeline plus ptxas) for each bf16 example, median of 5 runs, as JSON.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo "{\"what\": \"mlir -> cubin wall time, median of 5\", \"date\": \"$(date -u +%F)\","
echo " \"commit\": \"$(git -C "$root" rev-parse --short HEAD)\", \"machine\": \"$(nproc) cores, $(uname -m)\","
echo " \"command\": \"bsattn-translate --emit-cubin EXAMPLE -o OUT\", \"seconds\": {"
first=1
for name in challenge sliding_window sliding_window_global sliding_window_retrieval; do
  times=()
  for _ in 1 2 3 4 5; do
    start=$(date +%s.%N)
    "$root/build/bin/bsattn-translate" --emit-cubin "$root/examples/$name.mlir" -o "$tmp/k.cubin"
    end=$(date +%s.%N)
    times+=("$(echo "$end - $start" | bc)")
  done
  median=$(printf '%s\n' "${times[@]}" | sort -n | sed -n 3p)
  [[ $first == 1 ]] || echo ","
  first=0
  printf '  "%s": %.3f' "$name" "$median"
done
echo; echo "}}"
