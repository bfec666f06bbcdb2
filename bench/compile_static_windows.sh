#!/usr/bin/env bash
# Compiles the challenge kernel (examples/challenge.mlir, as main.*) and the
# same kernel on static window patterns (no row_ptr / col_idx: the loop's
# bounds and key blocks come from the tile's index) into DIR (default
# .device/static-windows), for bench/blocksparse.py on the GPU machine:
#   sw4 sw6 sw8   #bsattn.sliding_window<4 | 6 | 8>
#   wg41 wg52     #bsattn.window_global<4, 1 | 5, 2>
# Each static kernel is correct only on the cases whose CSR it equals
# (the challenge's sliding_window / sliding_window_global families of that
# window and global count); on those, its time against main's is what
# reading the indices costs.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$root/.device/static-windows}
translate="$root/build/bin/bsattn-translate"
mkdir -p "$out"
cp "$root/examples/challenge.mlir" "$out/main.mlir"
declare -A patterns=(
  [sw4]="#bsattn.sliding_window<4>" [sw6]="#bsattn.sliding_window<6>"
  [sw8]="#bsattn.sliding_window<8>" [wg41]="#bsattn.window_global<4, 1>"
  [wg52]="#bsattn.window_global<5, 2>"
)
for name in "${!patterns[@]}"; do
  sed -e '/%row_ptr: memref<?x?x?xi32>, %col_idx/d' \
      -e '/^ *indices(/d' \
      -e "s/bsattn.attention #bsattn.csr/bsattn.attention ${patterns[$name]}/" \
      "$root/examples/challenge.mlir" > "$out/$name.mlir"
done
for name in main "${!patterns[@]}"; do
  "$translate" --emit-cubin "$out/$name.mlir" -o "$out/$name.cubin"
  "$translate" --emit-manifest "$out/$name.mlir" -o "$out/$name.json"
done
