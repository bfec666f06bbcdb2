#!/usr/bin/env bash
# On the GPU machine: builds the runtime on its own and checks the kernels
# that bench/compile_examples.sh wrote to DIR (default .device) with
# bsattn-run: the challenge's quick and full shapes (timed), the static
# kernels, FUZZ (default 1200) fuzzed adversarial patterns against both
# references, wrong calls that must be refused, and compute-sanitizer
# memcheck and racecheck on small cases (synccheck too on the persistent
# kernel). Results go to $OUT:
#   checks.jsonl   one JSON line per case, the fuzz summary included
#   fuzz.jsonl     one line per fuzzed case
#   refused.jsonl  the errors of the wrong calls
#   sanitizer.log  compute-sanitizer's output
#   build.log
# The build needs the headers of nlohmann-json and CLI11: the system's, or
# carried under DIR/deps/include (runtime/README.md).
# Usage: bash runtime/tools/run_gpu_checks.sh [DIR] [FUZZ] [FUZZ_SEED]
set -uo pipefail
cd "$(dirname "$0")/../.."
dir=${1:-.device}
fuzz=${2:-1200}
fuzz_seed=${3:-1000}
out=${OUT:-/tmp/bsattn-gpu-checks}
build=/tmp/bsattn-runtime-build
mkdir -p "$out"
checks=$out/checks.jsonl

nvidia-smi --query-gpu=name,driver_version,clocks.sm,clocks.max.sm --format=csv
if ! { cmake -S runtime -B "$build" -G Ninja -DBSATTN_RUNTIME_TESTS=OFF \
         -DCMAKE_PREFIX_PATH="$PWD/$dir/deps" &&
       ninja -C "$build"; } > "$out/build.log" 2>&1; then
  tail -30 "$out/build.log"
  exit 1
fi
run=$build/bin/bsattn-run
k=(--cubin "$dir/challenge.cubin" --manifest "$dir/challenge.json")
failed=0
check() {
  "$run" "$@" | tee -a "$checks"
  ((PIPESTATUS[0] == 0)) || { failed=$((failed + 1)); echo "FAILED: $*"; }
}

# Smoke first: if the basics fail, stop and save the device time.
check "${k[@]}" --name smoke --batch 1 --heads 2 --seq 512 \
  --family sliding_window_retrieval --window 2 --retrieval 2 --reference both
((failed == 0)) || exit 1

# The challenge's quick and full suites (cases.py; seq_len_min_ratio 0.625
# unless given).
check "${k[@]}" --name quick-window --batch 1 --heads 16 --seq 4096 \
  --family sliding_window --window 4 --seq-lens random:0.625 --seed 1 --time
check "${k[@]}" --name quick-global --batch 1 --heads 16 --seq 4096 \
  --family sliding_window_global --window 4 --globals 1 \
  --seq-lens random:0.625 --seed 2 --time
check "${k[@]}" --name quick-retrieval --batch 1 --heads 16 --seq 4096 \
  --family sliding_window_retrieval --window 4 --retrieval 2 --bias 0.75 \
  --seq-lens random:0.625 --seed 3 --time
seed=0
while read -r family window globals retrieval bias ratio; do
  check "${k[@]}" --name "full-$family-w$window" --batch 2 --heads 16 \
    --seq 8192 --family "$family" --window "$window" --globals "$globals" \
    --retrieval "$retrieval" --bias "$bias" --seq-lens "random:$ratio" \
    --seed $((seed++)) --time
done <<'EOF'
sliding_window 4 0 0 0.7 0.625
sliding_window 6 0 0 0.7 0.75
sliding_window 8 0 0 0.7 1.0
sliding_window_global 4 1 0 0.7 0.625
sliding_window_global 5 2 0 0.7 0.75
sliding_window_global 7 4 0 0.7 1.0
sliding_window_retrieval 4 0 2 0.8 0.625
sliding_window_retrieval 5 0 3 0.5 0.75
sliding_window_retrieval 7 0 4 0.2 1.0
EOF

# Dense causal through CSR at T = 8192, and B * H = 512.
check "${k[@]}" --name causal-8192 --batch 2 --heads 16 --seq 8192 \
  --family causal --seq-lens 8192,7000 --time
check "${k[@]}" --name bh512-retrieval --batch 8 --heads 64 --seq 2048 \
  --family sliding_window_retrieval --window 4 --retrieval 2 \
  --seq-lens random:0.625 --seed 5
check "${k[@]}" --name bh512-adversarial --batch 4 --heads 128 --seq 1024 \
  --family adversarial --seq-lens 1,127,129,1024 --seed 6

# Kernels with static shapes: static patterns, and CSR with fixed sizes.
for name in sliding_window sliding_window_global; do
  check --cubin "$dir/$name.cubin" --manifest "$dir/$name.json" \
    --name "static-$name" --seq-lens 8192,7992 --time
done
check --cubin "$dir/sliding_window_retrieval.cubin" \
  --manifest "$dir/sliding_window_retrieval.json" --name static-shape-retrieval \
  --family sliding_window_retrieval --window 5 --retrieval 3 --bias 0.5 \
  --seq-lens random:0.75 --time

# Adversarial rows at seq_len edges (as bench/check_kernel.py's suite), then
# the fuzzer, each case against the fp64 and the fp32 reference.
for lens in 1,127 129,1024 1024,300 0,5000; do
  check "${k[@]}" --name "adversarial-$lens" --batch 2 --heads 4 --seq 1024 \
    --family adversarial --seq-lens "$lens" --seed 100 --reference both
done
# T no multiple of 128: the last query and key blocks partial.
for t in 1 127 129 1000; do
  check "${k[@]}" --name "tail-T$t" --batch 2 --heads 3 --seq "$t" \
    --family adversarial --seq-lens "$t,$(((t + 1) / 2))" --seed 11 \
    --reference both
done
check "${k[@]}" --fuzz "$fuzz" --seed "$fuzz_seed" --reference both \
  --log "$out/fuzz.jsonl"
# The challenge kernel at D = 96 (a half-filled second chunk), 192 and 256
# (64-key tiles; with bf16 P.V, V in a ring of its own) and as a persistent
# warp-specialized kernel, where bench/compile_examples.sh wrote them: a
# quarter as many fuzzed cases.
for variant in d96 d192 d256 d256_value_ring persistent; do
  [[ -f "$dir/challenge_$variant.json" ]] || continue
  check --cubin "$dir/challenge_$variant.cubin" \
    --manifest "$dir/challenge_$variant.json" \
    --fuzz $((fuzz / 4)) --seed "$fuzz_seed" --reference both \
    --log "$out/fuzz_$variant.jsonl"
done

# Wrong calls: a clear error (exit 2), never a launch.
refuse() {
  "$run" "$@" 2>/dev/null | tee -a "$out/refused.jsonl"
  ((PIPESTATUS[0] == 2)) || { failed=$((failed + 1)); echo "NOT REFUSED: $*"; }
}
refuse "${k[@]}" --seq 0
refuse --cubin "$dir/sliding_window.cubin" \
  --manifest "$dir/sliding_window.json" --batch 1
if [[ -f "$dir/causal_d128.json" ]]; then
  # f16 inputs: bsattn-run draws bf16 only, and the runtime says so.
  refuse --cubin "$dir/causal_d128.cubin" --manifest "$dir/causal_d128.json"
fi

# compute-sanitizer on small cases; bsattn-run's own helper kernels
# (bsattn*) are left out of racecheck.
sanitize() {
  echo "== compute-sanitizer --tool $*" >> "$out/sanitizer.log"
  compute-sanitizer --tool "$@" >> "$out/sanitizer.log" 2>&1
  local status=$?
  echo "compute-sanitizer --tool $1: exit $status: ${*:2}"
  ((status == 0)) || failed=$((failed + 1))
}
small=(--batch 2 --heads 2 --seq 1024)
sanitize memcheck --error-exitcode 9 "$run" "${k[@]}" "${small[@]}" \
  --family sliding_window_retrieval --window 2 --retrieval 2 \
  --seq-lens 1000,300
sanitize memcheck --error-exitcode 9 "$run" "${k[@]}" "${small[@]}" \
  --family adversarial --seq-lens 129,5000 --seed 7
sanitize memcheck --error-exitcode 9 "$run" "${k[@]}" --batch 2 --heads 2 \
  --seq 1000 --family adversarial --seq-lens 1000,999 --seed 8
sanitize memcheck --error-exitcode 9 "$run" "${k[@]}" --batch 1 --heads 1 \
  --seq 1 --family adversarial --seq-lens 1 --seed 9
if [[ -f "$dir/challenge_d96.json" ]]; then
  # D = 96 reads and writes through 128-column boxes: TMA's zero fill and
  # clipped store must keep every access inside the 96-column tensors.
  sanitize memcheck --error-exitcode 9 "$run" \
    --cubin "$dir/challenge_d96.cubin" --manifest "$dir/challenge_d96.json" \
    --batch 2 --heads 2 --seq 1000 --family adversarial \
    --seq-lens 1000,999 --seed 8
fi
sanitize memcheck --error-exitcode 9 "$run" \
  --cubin "$dir/sliding_window_global.cubin" \
  --manifest "$dir/sliding_window_global.json" --seq-lens 8192,7992
sanitize racecheck --error-exitcode 9 --kernel-name-exclude kns=bsattn \
  "$run" "${k[@]}" --batch 1 --heads 1 --seq 512 \
  --family sliding_window_global --window 2 --globals 1 --seq-lens 400
sanitize racecheck --error-exitcode 9 --kernel-name-exclude kns=bsattn \
  "$run" "${k[@]}" --batch 1 --heads 2 --seq 512 --family adversarial \
  --seq-lens 129 --seed 3
if [[ -f "$dir/challenge_persistent.json" ]]; then
  # The persistent kernel's tile loop: named barriers that several roles
  # reach from different instructions, and tiles claimed from a counter.
  persistent=(--cubin "$dir/challenge_persistent.cubin"
              --manifest "$dir/challenge_persistent.json")
  for tool in racecheck synccheck; do
    sanitize "$tool" --error-exitcode 9 --kernel-name-exclude kns=bsattn \
      "$run" "${persistent[@]}" --batch 2 --heads 2 --seq 1024 \
      --family adversarial --seq-lens 1024,129 --seed 3
  done
  sanitize memcheck --error-exitcode 9 "$run" "${persistent[@]}" \
    --batch 2 --heads 2 --seq 1000 --family adversarial --seq-lens 1000,999 \
    --seed 8
fi

# A table of what ran (the JSON lines hold everything).
python3 - "$checks" <<'EOF'
import json, sys
for line in open(sys.argv[1]):
    r = json.loads(line)
    if r.get("mode") == "fuzz":
        print(f"fuzz: {r['passed']}/{r['cases']} passed, o diff "
              f"{r['o_max_diff']:.2e}, lse diff {r['lse_max_diff']:.2e}, "
              f"reference gap o {r.get('reference_gap_o', 0):.2e} lse "
              f"{r.get('reference_gap_lse', 0):.2e}")
        continue
    print(f"{r.get('case', r.get('error'))[:40]:40} pass={r.get('pass')} "
          f"o={r.get('o_max_diff', 0):.2e} lse={r.get('lse_max_diff', 0):.2e} "
          f"us={r.get('device_us', '-')} x_floor={r.get('ratio_to_floor', '-')}")
EOF
echo "gpu checks: $failed failed"
exit $((failed > 0))
