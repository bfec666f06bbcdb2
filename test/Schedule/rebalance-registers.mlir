// RUN: bsattn-opt %s -split-input-file --pass-pipeline='builtin.module(gpu.module(llvm.func(bsattn-rebalance-registers)))' | FileCheck %s
// RUN: bsattn-opt %s -split-input-file --pass-pipeline='builtin.module(gpu.module(llvm.func(bsattn-rebalance-registers{producer-registers=40})))' | FileCheck %s --check-prefix=P40

// The producer keeps 24 registers (or the option's count) and the
// consumers get what the SM's 65536 leave, a multiple of 8 up to 256:
// (65536 - 128 * 24) / 256 = 244 -> 240 for two consumer warpgroups,
// (65536 - 128 * 24) / 384 = 162 -> 160 for three.

// CHECK-LABEL: llvm.func @two
// CHECK: bsattn.warp_specialize consumers(256 threads, 240 registers) {
// CHECK: } producer(128 threads, 24 registers) {
// P40-LABEL: llvm.func @two
// P40: bsattn.warp_specialize consumers(256 threads, 232 registers) {
// P40: } producer(128 threads, 40 registers) {
gpu.module @kernels {
  llvm.func @two() attributes {nvvm.kernel} {
    bsattn.warp_specialize consumers(256 threads, 168 registers) {
      %c0 = arith.constant 0 : i32
    } producer(128 threads, 168 registers) {
      %c0 = arith.constant 0 : i32
    }
    llvm.return
  }
}

// -----

// CHECK-LABEL: llvm.func @three
// CHECK: bsattn.warp_specialize consumers(384 threads, 160 registers) {
// CHECK: } producer(128 threads, 24 registers) {
gpu.module @kernels {
  llvm.func @three() attributes {nvvm.kernel} {
    bsattn.warp_specialize consumers(384 threads, 128 registers) {
      %c0 = arith.constant 0 : i32
    } producer(128 threads, 128 registers) {
      %c0 = arith.constant 0 : i32
    }
    llvm.return
  }
}

// -----

// A persistent kernel's producer runs the tile loop too: it keeps 56
// registers, (65536 - 128 * 56) / 256 = 228 -> 224 for the consumers.

// CHECK-LABEL: llvm.func @persistent
// CHECK: bsattn.warp_specialize consumers(256 threads, 224 registers) {
// CHECK: } producer(128 threads, 56 registers) {
// P40-LABEL: llvm.func @persistent
// P40: } producer(128 threads, 40 registers) {
gpu.module @kernels {
  llvm.func @persistent() attributes {nvvm.kernel, bsattn.tuning = #bsattn.tuning<warp_specialize = true, persistent = true>} {
    bsattn.warp_specialize consumers(256 threads, 168 registers) {
      %c0 = arith.constant 0 : i32
    } producer(128 threads, 168 registers) {
      %c0 = arith.constant 0 : i32
    }
    llvm.return
  }
}

// -----

// With three consumer warpgroups a persistent producer keeps what leaves
// each consumer thread 160 registers, (65536 - 384 * 160) / 128 = 32:
// with 56 (and 152 for the consumers) ptxas spilled in the D = 64 loop.

// CHECK-LABEL: llvm.func @persistent_three
// CHECK: bsattn.warp_specialize consumers(384 threads, 160 registers) {
// CHECK: } producer(128 threads, 32 registers) {
// P40-LABEL: llvm.func @persistent_three
// P40: bsattn.warp_specialize consumers(384 threads, 152 registers) {
// P40: } producer(128 threads, 40 registers) {
gpu.module @kernels {
  llvm.func @persistent_three() attributes {nvvm.kernel, bsattn.tuning = #bsattn.tuning<block_q = 192, warpgroups = 3, warp_specialize = true, persistent = true>} {
    bsattn.warp_specialize consumers(384 threads, 128 registers) {
      %c0 = arith.constant 0 : i32
    } producer(128 threads, 128 registers) {
      %c0 = arith.constant 0 : i32
    }
    llvm.return
  }
}
