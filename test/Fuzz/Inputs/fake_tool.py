#!/usr/bin/env python3
"""Stands in for bsattn-opt and bsattn-translate and fails the way
FAKE_FAILURE says, so that the fuzzer's oracle is seen to catch it."""
import os
import signal
import sys
import time

failure = os.environ.get("FAKE_FAILURE", "")
if failure == "segv":
    os.kill(os.getpid(), signal.SIGSEGV)
if failure == "llvm-error":
    sys.stderr.write("LLVM ERROR: out of luck\n")
    sys.exit(1)
if failure == "asan":
    sys.stderr.write("==1==ERROR: AddressSanitizer: heap-use-after-free\n")
    sys.exit(1)
if failure == "hang":
    time.sleep(60)
if failure == "no-diagnostic":
    sys.exit(1)
if failure == "exit-0":
    sys.exit(0)
# A tool that refuses everything with a diagnostic: no failure.
sys.stderr.write("input.mlir:1:1: error: refused\n")
sys.exit(1)
