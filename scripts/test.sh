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

# The Python package's tests (pytest, on the CPU: no GPU needed).
pytest_log=$(mktemp)
trap 'rm -f "$log" "$pytest_log"' EXIT
python3 -m pytest -q -p no:cacheprovider "$root/python/tests" 2>&1 |
  tee "$pytest_log" || status=$?
summary=$(tail -n 1 "$pytest_log")
pytest_passed=$(grep -o '[0-9]* passed' <<<"$summary" | grep -o '[0-9]*' || true)
pytest_failed=$({ grep -oE '[0-9]+ (failed|errors?)' <<<"$summary" || true; } |
                awk '{ sum += $1 } END { print sum + 0 }')

# The runtime's unit tests (GoogleTest, ctest label "runtime"); lit's summary
# stays the last line.
ctest_log=$(mktemp)
trap 'rm -f "$log" "$pytest_log" "$ctest_log"' EXIT
ctest --test-dir "$root/build" -L runtime --output-on-failure 2>&1 |
  tee "$ctest_log" || status=$?
ctest_failed=$(sed -n 's/.* \([0-9]*\) tests failed out of.*/\1/p' "$ctest_log")
ctest_total=$(sed -n 's/.* tests failed out of \([0-9]*\).*/\1/p' "$ctest_log")
echo "pytest: ${pytest_passed:-0} passed, ${pytest_failed} failed"
echo "ctest: $((${ctest_total:-0} - ${ctest_failed:-0})) passed, ${ctest_failed:-0} failed"
echo "lit: ${passed:-0} passed, ${failed} failed"
exit "$status"
