// RUN: bsattn-opt %s --bsattn-fuse-softmax --convert-bsattn-to-schedule | bsattn-opt --pass-pipeline='builtin.module(gpu.module(llvm.func(bsattn-warp-specialize, bsattn-pingpong)))' | FileCheck %s
// RUN: sed 's/, pingpong = true//' %s | bsattn-opt --bsattn-fuse-softmax --convert-bsattn-to-schedule | bsattn-opt --pass-pipeline='builtin.module(gpu.module(llvm.func(bsattn-warp-specialize, bsattn-pingpong)))' | FileCheck %s --check-prefix=OFF

// With the tuning's pingpong, each consumer warpgroup waits on its own
// named barrier (4 + warpgroup, 256 threads) before it issues a group of
// products and arrives on the other's (4 + (warpgroup + 1) mod 2) after the
// commit; the first warpgroup starts with the turn. The split_bf16 P.V (two products in
// one group) is one turn, and the CSR kernel's skip of an ignored entry is
// a branch every consumer thread takes alike.

// CHECK: bsattn.warp_specialize consumers(256 threads, 168 registers) {
// CHECK: %[[TID:.*]] = nvvm.read.ptx.sreg.tid.x
// CHECK: %[[GROUP:.*]] = arith.shrui %[[TID]], %{{.*}} : i32
// CHECK: %[[MINE:.*]] = arith.addi %[[GROUP]], %c4_i32
// CHECK: %[[PLUS1:.*]] = arith.addi %[[GROUP]], %c1_i32
// CHECK: %[[WRAPPED:.*]] = arith.remui %[[PLUS1]], %c2_i32
// CHECK: %[[OTHER:.*]] = arith.addi %[[WRAPPED]], %c4_i32
// CHECK: %[[FIRST:.*]] = arith.cmpi eq, %[[GROUP]], %c0_i32
// CHECK: scf.if %[[FIRST]] {
// CHECK-NEXT: nvvm.barrier.arrive id = %[[MINE]] number_of_threads = %c256_i32
// CHECK: scf.for
// CHECK: scf.if
// CHECK: nvvm.barrier id = %[[MINE]] number_of_threads = %c256_i32
// CHECK-NEXT: nvvm.wgmma.fence.aligned
// CHECK-NEXT: bsattn.wgmma_ss
// CHECK-NEXT: nvvm.wgmma.commit.group.sync.aligned
// CHECK-NEXT: nvvm.barrier.arrive id = %[[OTHER]] number_of_threads = %c256_i32
// CHECK: nvvm.barrier id = %[[MINE]] number_of_threads = %c256_i32
// CHECK-NEXT: nvvm.wgmma.fence.aligned
// CHECK-NEXT: bsattn.wgmma_rs
// CHECK-NEXT: bsattn.wgmma_rs
// CHECK-NEXT: nvvm.wgmma.commit.group.sync.aligned
// CHECK-NEXT: nvvm.barrier.arrive id = %[[OTHER]] number_of_threads = %c256_i32
// CHECK-NOT: nvvm.barrier id = %[[MINE]]
// CHECK: } producer(128 threads, 168 registers) {
// CHECK-NOT: nvvm.barrier.arrive
// CHECK: llvm.return

// OFF: bsattn.warp_specialize
// OFF-NOT: nvvm.barrier.arrive
// OFF-NOT: nvvm.barrier id = %{{.*}} number_of_threads = %c256_i32
// OFF: llvm.return
!act = memref<1x2x512x128xbf16>
!idx = memref<1x2x4xi32>
func.func @pp(%q: !act, %o: !act, %lse: memref<1x2x512xf32>,
              %lens: memref<?xi32>, %rows: !idx, %cols: memref<1x2x16xi32>) {
  bsattn.query_tile #bsattn.csr pv = split_bf16
      ins(%q, %q, %q : !act, !act, !act) outs(%o, %lse : !act, memref<1x2x512xf32>)
      captures(%lens, %rows, %cols : memref<?xi32>, !idx, memref<1x2x16xi32>)
      attributes {block_size = 128 : i64,
                  capture_names = ["seq_lens", "row_ptr", "col_idx"],
                  scale = 0.5 : f32,
                  tuning = #bsattn.tuning<warp_specialize = true, pingpong = true>} {
  ^bb0(%b: index, %h: index, %qb: index, %sl: memref<?xi32>, %rp: !idx,
       %ci: memref<1x2x16xi32>):
    %len32 = memref.load %sl[%b] : memref<?xi32>
    %len = arith.index_cast %len32 : i32 to index
    %c1 = arith.constant 1 : index
    %next = arith.addi %qb, %c1 : index
    %start32 = memref.load %rp[%b, %h, %qb] : !idx
    %end32 = memref.load %rp[%b, %h, %next] : !idx
    %start = arith.index_cast %start32 : i32 to index
    %end = arith.index_cast %end32 : i32 to index
    %n = arith.subi %end, %start : index
    bsattn.key_block_loop count(%n) seq_len(%len) {
    ^bb0(%e: index):
      %at = arith.addi %start, %e : index
      %kb32 = memref.load %ci[%b, %h, %at] : memref<1x2x16xi32>
      %kb = arith.index_cast %kb32 : i32 to index
      %c0 = arith.constant 0 : index
      %c4 = arith.constant 4 : index
      %low = arith.cmpi sge, %kb, %c0 : index
      %high = arith.cmpi slt, %kb, %c4 : index
      %valid = arith.andi %low, %high : i1
      bsattn.yield_key_block %kb, %valid
    }
  }
  return
}
