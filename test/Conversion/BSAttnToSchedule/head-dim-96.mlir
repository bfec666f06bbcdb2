// RUN: bsattn-opt %s --bsattn-fuse-softmax --convert-bsattn-to-schedule | FileCheck %s

// D = 96 takes ceil(96 / 64) = 2 chunks of 64 columns in Q and in each ring
// stage (TMA fills the second chunk's last 32 columns with zeros: they are
// past the tensor's D), Q.K^T stops after the 96 columns with data, and the
// output accumulator and P.V are 96 columns wide.

// CHECK-LABEL: llvm.func @d96(
// CHECK: bsattn.shared_alloc swizzle = 128 : memref<1x2x128x64xbf16, #gpu.address_space<workgroup>>
// CHECK: bsattn.shared_alloc swizzle = 128 : memref<2x2x2x128x64xbf16, #gpu.address_space<workgroup>>
// CHECK: bsattn.wgmma_ss %{{.*}}, %{{.*}} {depth = 96 : i64} : memref<2x128x64xbf16
// CHECK: bsattn.wgmma_rs %{{.*}} : <128 x 96, f32>, <128 x 128, bf16>, memref<2x128x64xbf16
// CHECK: bsattn.store_swizzled %{{.*}} : <128 x 96, bf16>, memref<2x128x64xbf16
!act = memref<1x2x512x96xbf16>
func.func @d96(%q: !act, %o: !act, %lse: memref<1x2x512xf32>,
               %lens: memref<?xi32>) {
  bsattn.query_tile #bsattn.causal pv = bf16
      ins(%q, %q, %q : !act, !act, !act) outs(%o, %lse : !act, memref<1x2x512xf32>)
      captures(%lens : memref<?xi32>)
      attributes {block_size = 128 : i64, capture_names = ["seq_lens"],
                  scale = 0.5 : f32, tuning = #bsattn.tuning<>} {
  ^bb0(%b: index, %h: index, %qb: index, %l: memref<?xi32>):
    %len32 = memref.load %l[%b] : memref<?xi32>
    %n = arith.index_cast %len32 : i32 to index
    bsattn.key_block_loop count(%n) seq_len(%n) {
    ^bb0(%e: index):
      %used = arith.cmpi sle, %e, %qb : index
      bsattn.yield_key_block %e, %used
    }
  }
  return
}
