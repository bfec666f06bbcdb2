#!/usr/bin/env bash
# The README's first command: install what is missing, build, and run the
# main job on the shipped example.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bash "$root/scripts/install-deps.sh"
bash "$root/scripts/build.sh"

echo "== main job: verify and pretty-print examples/challenge.mlir"
"$root/build/bin/bsattn-opt" "$root/examples/challenge.mlir"
