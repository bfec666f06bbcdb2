#!/usr/bin/env bash
# On the GPU machine: every correctness suite and the timings for the
# kernels compiled by bench/compile_examples.sh (in .device/). Results go to
# $OUT/results.jsonl.
set -uo pipefail
dir=${1:-.device}
out=${OUT:-/tmp}/results.jsonl
check() { python3 bench/check_kernel.py --out "$out" "$@" || echo "FAILED: $*"; }
nvidia-smi --query-gpu=name,driver_version,clocks.sm --format=csv
k="--cubin $dir/challenge.cubin --manifest $dir/challenge.json"
check $k --suite smoke
check $k --suite adversarial
check $k --suite quick --time
check $k --suite full --time
k16="--cubin $dir/challenge_split_bf16.cubin --manifest $dir/challenge_split_bf16.json"
check $k16 --suite smoke
check $k16 --suite adversarial
check $k16 --suite quick --time
check $k16 --suite full --time
for name in sliding_window sliding_window_global causal_d128; do
  check --cubin "$dir/$name.cubin" --manifest "$dir/$name.json" --suite static --time
done
compute-sanitizer --tool memcheck --print-limit 5 python3 bench/check_kernel.py $k --suite smoke 2>&1 | tail -4
