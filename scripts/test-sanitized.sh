#!/usr/bin/env bash
# CI's sanitized run: builds the tools with assertions, ASan and UBSan into
# build-san/ and runs the lit suite and a fuzz batch with them. The lit
# summary is the last line.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bash "$root/scripts/build.sh" --sanitize

# Any report aborts the tool, which the tests and the fuzzer see as a crash.
# No user poisoning: LLVM's BumpPtrAllocator poisons its slabs where it is
# inlined into our instrumented code, but Debian's uninstrumented libMLIR
# allocates from the same slabs without unpoisoning them (false reports).
export ASAN_OPTIONS="abort_on_error=1:detect_leaks=1:allow_user_poisoning=0"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
export ASAN_SYMBOLIZER_PATH=/usr/lib/llvm-22/bin/llvm-symbolizer

status=0
FUZZ_COUNT=${FUZZ_COUNT:-100} FUZZ_SECONDS=${FUZZ_SECONDS:-60} \
  bash "$root/scripts/fuzz/fuzz.sh" "$root/build-san" || status=1

log=$(mktemp)
trap 'rm -f "$log"' EXIT
/usr/lib/llvm-22/bin/lit -sv "$root/build-san/test" 2>&1 | tee "$log" || status=1
passed=$(sed -n 's/^ *Passed *: *\([0-9]*\).*/\1/p' "$log")
failed=$(awk -F: '/^ *(Failed|Unresolved|Timed Out|Unexpectedly Passed) *:/ {
                   split($2, n, " "); sum += n[1]
                 } END { print sum + 0 }' "$log")
echo "lit (sanitized build): ${passed:-0} passed, ${failed} failed"
exit "$status"
