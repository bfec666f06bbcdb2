#!/usr/bin/env bash
# CI's fuzzing: a fixed-seed batch (the same inputs every run) and a
# time-seeded batch (new inputs every run; its seed is printed so a failure
# can be replayed with --seed) of scripts/fuzz/bsattn_fuzz.py against the
# tools in BUILD/bin (default build/). Failing inputs go to out/fuzz/.
#   FUZZ_SECONDS  time budget of the time-seeded batch (default 60)
#   FUZZ_COUNT    inputs in the fixed-seed batch (default 150)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build="${1:-$root/build}"
fuzz=(python3 "$root/scripts/fuzz/bsattn_fuzz.py" --bin "$build/bin"
      --jobs "${BSATTN_JOBS:-2}" --out "$root/out/fuzz/$(basename "$build")")
status=0
"${fuzz[@]}" --seed 1 --count "${FUZZ_COUNT:-150}" || status=1
"${fuzz[@]}" --seed "$(date +%s)" --count 1000000 \
  --time-budget "${FUZZ_SECONDS:-60}" || status=1
exit "$status"
