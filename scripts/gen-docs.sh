#!/usr/bin/env bash
# Regenerates docs/BSAttnDialect.md and docs/BSAttnScheduleOps.md from the
# dialect's ODS definitions.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
/usr/lib/llvm-22/bin/mlir-tblgen -gen-dialect-doc -dialect=bsattn \
  -I "$root/include" -I /usr/lib/llvm-22/include \
  "$root/include/bsattn/Dialect/BSAttn/IR/BSAttnOps.td" \
  -o "$root/docs/BSAttnDialect.md"
/usr/lib/llvm-22/bin/mlir-tblgen -gen-op-doc \
  -I "$root/include" -I /usr/lib/llvm-22/include \
  "$root/include/bsattn/Dialect/BSAttn/IR/BSAttnScheduleOps.td" \
  -o "$root/docs/BSAttnScheduleOps.md"
