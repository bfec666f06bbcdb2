#!/usr/bin/env bash
# The README's first command: install what is missing, build, and run the
# main job on the shipped example.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bash "$root/scripts/install-deps.sh"
bash "$root/scripts/build.sh"

# The main job: compile the challenge kernel to PTX, a cubin and its
# manifest under out/, and the challenge submission (the kernel in its
# variants by T) to out/submission/.
out="$root/out"
mkdir -p "$out"
translate="$root/build/bin/bsattn-translate"
example="$root/examples/challenge.mlir"
"$translate" --emit-ptx "$example" -o "$out/challenge.ptx"
"$translate" --emit-cubin "$example" -o "$out/challenge.cubin"
"$translate" --emit-manifest "$example" -o "$out/challenge.json"
rm -rf "$out/submission"
"$translate" --emit-challenge-submission --bsattn-submission-dir "$out/submission" \
  "$root/examples/challenge_submission.mlir" > /dev/null
echo "== main job: examples/challenge.mlir -> out/challenge.{ptx,cubin,json}" \
     "and examples/challenge_submission.mlir -> the challenge submission out/submission/"
grep -m1 -A3 "^.visible .entry" "$out/challenge.ptx"
grep -c "wgmma.mma_async" "$out/challenge.ptx" | sed 's/^/wgmma instructions in the PTX: /'
