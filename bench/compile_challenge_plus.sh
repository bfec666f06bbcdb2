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
  grep -q "tuning = #bsattn.tuning<[^>]*>" "$example" || {
    echo "compile_challenge_plus.sh: no tuning to extend in $example" >&2
    exit 1
  }
  cp "$example" "$out/$name.mlir"
  # Each 'key = value' replaces the tuning's own value for the key, or goes
  # before the tuning's closing '>' (a repeated key does not parse).
  IFS=',' read -ra assignments <<< "$params"
  for assignment in "${assignments[@]}"; do
    assignment=$(echo "$assignment" | sed 's/^ *//; s/ *$//')
    key=${assignment%% *}
    if grep -q "tuning = #bsattn.tuning<[^>]*\b${key} = " "$out/$name.mlir"; then
      sed -i "/tuning = #bsattn.tuning</s/\b${key} = [^,>]*/${assignment}/" "$out/$name.mlir"
    else
      sed -i "s/\(tuning = #bsattn.tuning<[^>]*\)>/\1, ${assignment}>/" "$out/$name.mlir"
    fi
  done
done
for name in "${names[@]}"; do
  "$translate" --emit-cubin "$out/$name.mlir" -o "$out/$name.cubin"
  "$translate" --emit-manifest "$out/$name.mlir" -o "$out/$name.json"
done
