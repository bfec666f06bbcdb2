#!/usr/bin/env bash
# On the GPU machine: the official Attention Kernel Challenge harness (a
# copy in the git-ignored .harness/, patched for Python 3.12 by
# ../shared/tools/patch_harness.py, also copied there) on an emitted
# submission, every suite in --serverlike mode, plus the adapter's host time.
# Writes $OUT/harness-<suite>.json.
set -uo pipefail
sub=${1:-out/submission}
export PYTHONPATH=$PWD/.harness CC=/usr/bin/gcc PYTHONUNBUFFERED=1
python3 .harness/patch_harness.py .harness
python3 bench/adapter_overhead.py "$sub" | tee "${OUT:-/tmp}/adapter.json"
for suite in ${SUITES:-smoke quick full broad}; do
  echo "== $suite"
  python3 -m attention_kernel_challenge.cli eval-submission \
    --submission-dir "$sub" --suite "$suite" --backend local --device cuda \
    --serverlike --emit-json > "${OUT:-/tmp}/harness-$suite.json" 2> "${OUT:-/tmp}/harness-$suite.log"
  echo "exit $?"
  python3 - "${OUT:-/tmp}/harness-$suite.json" <<'PY'
import json, sys
text = open(sys.argv[1]).read()
try:
    d = json.loads(text[text.index("{"):])
except ValueError:
    print(text[-2000:]); sys.exit()
keys = [k for k in d if "latency" in k or "valid" in k or "score" in k]
print({k: d[k] for k in keys})
PY
  tail -3 "${OUT:-/tmp}/harness-$suite.log"
done
