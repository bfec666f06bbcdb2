#!/usr/bin/env bash
# Compiles the challenge kernel (examples/challenge.mlir, as main.*) and,
# for each NAME='PARAMS' argument, the same kernel with those tuning
# parameters added to its tuning (NAME.*) into DIR, for an A/B of knobs
# with bench/blocksparse.py on the GPU machine:
#   bash bench/compile_challenge_plus.sh .device/ann announce='announce_blocks = true'
#   python3 bench/blocksparse.py --kernels .device/ann --variants main,announce ...
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=${1:?usage: compile_challenge_plus.sh DIR [NAME='PARAMS']...}
shift
translate="$root/build/bin/bsattn-translate"
example="$root/examples/challenge.mlir"
mkdir -p "$out"
cp "$example" "$out/main.mlir"
names=(main)
for pair in "$@"; do
  name=${pair%%=*}
  names+=("$name")
  params=${pair#*=}
  # The example's tuning ends in '>': the parameters go before it.
  sed "s/\(tuning = #bsattn.tuning<[^>]*\)>/\1, ${params}>/" "$example" > "$out/$name.mlir"
  grep -q ", ${params}>" "$out/$name.mlir" || {
    echo "compile_challenge_plus.sh: no tuning to extend in $example" >&2
    exit 1
  }
done
for name in "${names[@]}"; do
  "$translate" --emit-cubin "$out/$name.mlir" -o "$out/$name.cubin"
  "$translate" --emit-manifest "$out/$name.mlir" -o "$out/$name.json"
done
