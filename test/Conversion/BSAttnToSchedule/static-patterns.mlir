// RUN: bsattn-opt %bsattn_src_root/examples/sliding_window.mlir --bsattn-to-schedule | FileCheck %s
// RUN: bsattn-opt %bsattn_src_root/examples/sliding_window_global.mlir --bsattn-to-schedule | FileCheck %s
// RUN: bsattn-opt %bsattn_src_root/examples/causal_d128.mlir --bsattn-to-schedule | FileCheck %s
// RUN: bsattn-opt %bsattn_src_root/examples/challenge.mlir --bsattn-to-schedule | FileCheck %s --check-prefix=CSR

// Static patterns are compiled in full: the kernel reads its batch entry's
// seq_len once and no sparsity index; the key-block loop's bounds come from
// the query block, the window and seq_len. A CSR kernel reads row_ptr and
// col_idx.

// CHECK: llvm.func
// CHECK-COUNT-1: memref.load
// CHECK-NOT: memref.load
// CHECK: scf.for
// CHECK-NOT: memref.load
// CHECK: llvm.return

// CSR: llvm.func
// CSR: memref.load
// CSR: scf.for
// CSR: memref.load
