#!/usr/bin/env bash
# Configures (once) and builds bsattn into build/.
# With --sanitize: builds the tools into build-san/ with our code's
# assertions on and ASan + UBSan, so that an unchecked cast<> or an
# out-of-bounds index fails loudly (scripts/test-sanitized.sh runs them).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
if [[ "${1:-}" == "--sanitize" ]]; then
  build="$root/build-san"
  if [[ ! -f "$build/build.ninja" ]]; then
    # Release flags without -DNDEBUG: the assertions in our code and in the
    # LLVM/MLIR headers it inlines (cast<>, ArrayRef and SmallVector
    # indexing) are on. Debian's libMLIR.so itself is not instrumented.
    sanitize="-fsanitize=address,undefined -fno-sanitize=vptr"
    sanitize+=" -fno-sanitize-recover=all -fno-omit-frame-pointer"
    cmake -G Ninja -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release \
      -DCMAKE_CXX_FLAGS_RELEASE="-O1" -DCMAKE_C_FLAGS_RELEASE="-O1" \
      -DCMAKE_CXX_FLAGS="$sanitize" -DCMAKE_EXE_LINKER_FLAGS="$sanitize" \
      -DBSATTN_CUDA_TOOLS_DIR="$root/build/cuda-tools/nvidia/cu13/bin"
  fi
  ninja -C "$build" -j"${BSATTN_JOBS:-2}" bsattn-opt bsattn-translate
  exit
fi
build="$root/build"
if [[ ! -f "$build/build.ninja" ]]; then
  cmake -G Ninja -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release
fi
ninja -C "$build" -j"${BSATTN_JOBS:-2}"
