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
if failure in ("upstream-parse", "own-parse"):
    # A crash while MLIR parses the input, inside MLIR's own code or inside
    # bsattn's (a frame of the tool itself before the parser's entry).
    own = "#4 0x2 (/bin/bsattn-opt+0x1234)\n" if failure == "own-parse" else ""
    sys.stderr.write(
        "PLEASE submit a bug report to https://github.com/llvm/llvm-project/issues/\n"
        "Stack dump:\n"
        "#0 0x1 llvm::sys::PrintStackTrace(llvm::raw_ostream&, int) (/usr/lib/llvm-22/lib/libLLVM.so.22.1+0x1)\n"
        + own +
        "#5 0x3 mlir::LLVM::ExtractValueOp::parse(mlir::OpAsmParser&, mlir::OperationState&) (/usr/lib/llvm-22/lib/libMLIR.so.22.1+0x2)\n"
        "#6 0x4 mlir::parseSourceFile(std::shared_ptr<llvm::SourceMgr> const&) (/usr/lib/llvm-22/lib/libMLIR.so.22.1+0x3)\n")
    os.kill(os.getpid(), signal.SIGSEGV)
if failure == "hang":
    time.sleep(60)
if failure == "no-diagnostic":
    sys.exit(1)
if failure == "exit-0":
    sys.exit(0)
# A tool that refuses everything with a diagnostic: no failure.
sys.stderr.write("input.mlir:1:1: error: refused\n")
sys.exit(1)
