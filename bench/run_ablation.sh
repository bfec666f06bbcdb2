#!/usr/bin/env bash
# On the GPU machine: the variants of bench/compile_ablation.sh (in DIR,
# default .device/ablation). First correctness (smoke and adversarial for
# every variant, synccheck and racecheck on the SANITIZE ones, default
# `main`, the challenge kernel itself),
# then ROUNDS (default 2) rounds of quick and full timings, the variants
# alternating within a round so that they share the lease's clocks. One
# JSON line per case in $OUT/ablation.jsonl; bench/summarize_ablation.py
# makes the table. A check that outlasts CHECK_TIMEOUT seconds (default 120;
# a kernel that deadlocks) is reported FAILED and the run goes on.
set -uo pipefail
dir=${1:-.device/ablation}
out=${OUT:-/tmp}/ablation.jsonl
variants=${VARIANTS:-main novote nolazy nopvwait nopc nopp noov s2 nows none pers}
nvidia-smi --query-gpu=name,driver_version,clocks.sm --format=csv
check() {
  local v=$1; shift
  timeout "${CHECK_TIMEOUT:-120}" python3 bench/check_kernel.py --cubin "$dir/$v.cubin" \
    --manifest "$dir/$v.json" --out "$out" "$@" 2>&1 | tail -1 ||
    echo "FAILED: $v $*"
}
for v in $variants; do
  echo "== $v: $(check "$v" --suite smoke) / $(check "$v" --suite adversarial)"
done
for v in ${SANITIZE:-main}; do
  for tool in synccheck racecheck; do
    echo "== $tool $v"
    compute-sanitizer --tool "$tool" --print-limit 5 python3 bench/check_kernel.py \
      --cubin "$dir/$v.cubin" --manifest "$dir/$v.json" --suite smoke 2>&1 | tail -2
  done
done
for round in $(seq "${ROUNDS:-2}"); do
  for v in $variants; do
    echo "== $v round $round: $(check "$v" --suite quick --time) / $(check "$v" --suite full --time)"
  done
done
