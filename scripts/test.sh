#!/usr/bin/env bash
# The README's second command: build if needed and run every test.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bash "$root/scripts/install-deps.sh"
bash "$root/scripts/build.sh"

log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0
/usr/lib/llvm-22/bin/lit -sv "$root/build/test" 2>&1 | tee "$log" || status=$?
passed=$(sed -n 's/^ *Passed *: *\([0-9]*\).*/\1/p' "$log")
failed=$(awk -F: '/^ *(Failed|Unresolved|Timed Out|Unexpectedly Passed) *:/ {
                   split($2, n, " "); sum += n[1]
                 } END { print sum + 0 }' "$log")

# The runtime's unit tests (GoogleTest, ctest label "runtime"); lit's summary
# stays the last line.
ctest_log=$(mktemp)
trap 'rm -f "$log" "$ctest_log"' EXIT
ctest --test-dir "$root/build" -L runtime --output-on-failure 2>&1 |
  tee "$ctest_log" || status=$?
ctest_failed=$(sed -n 's/.* \([0-9]*\) tests failed out of.*/\1/p' "$ctest_log")
ctest_total=$(sed -n 's/.* tests failed out of \([0-9]*\).*/\1/p' "$ctest_log")
echo "ctest: $((${ctest_total:-0} - ${ctest_failed:-0})) passed, ${ctest_failed:-0} failed"
echo "lit: ${passed:-0} passed, ${failed} failed"
exit "$status"
