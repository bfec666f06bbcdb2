// RUN: bsattn-opt %s --bsattn-fuse-softmax --canonicalize --convert-bsattn-to-schedule | bsattn-opt --pass-pipeline='builtin.module(gpu.module(llvm.func(bsattn-warp-specialize, bsattn-overlap, bsattn-poly-exp2)))' | FileCheck %s
// RUN: sed 's/overlap = true/overlap = true, pv_wait_columns = 48/' %s | bsattn-opt --bsattn-fuse-softmax --canonicalize --convert-bsattn-to-schedule | bsattn-opt --pass-pipeline='builtin.module(gpu.module(llvm.func(bsattn-warp-specialize, bsattn-overlap, bsattn-poly-exp2)))' | FileCheck %s --check-prefix=SPLIT
// RUN: sed 's/poly_exp2_columns = 24/poly_exp2_columns = 128/' %s | bsattn-opt --bsattn-fuse-softmax --canonicalize --convert-bsattn-to-schedule | bsattn-opt --pass-pipeline='builtin.module(gpu.module(llvm.func(bsattn-warp-specialize, bsattn-overlap, bsattn-poly-exp2)))' | FileCheck %s --check-prefix=ALL
// RUN: sed 's/, poly_exp2_columns = 24//' %s | bsattn-opt --bsattn-fuse-softmax --canonicalize --convert-bsattn-to-schedule | bsattn-opt --pass-pipeline='builtin.module(gpu.module(llvm.func(bsattn-warp-specialize, bsattn-overlap, bsattn-poly-exp2)))' | FileCheck %s --check-prefix=OFF

// With the tuning's poly_exp2_columns = 24, 3 of the 16 8-column chunks of
// every softmax of the kernel take their exponentials from the polynomial,
// spread evenly (chunks 5, 10 and 15: columns 40, 80 and 120): the peeled
// first block's and the loop's online softmax, or with pv_wait_columns
// each part of the split softmax the chunks of its range.

// CHECK: bsattn.warp_specialize
// CHECK: bsattn.online_softmax {{.*}} poly_columns = [40, 80, 120] :
// CHECK: scf.for
// CHECK: bsattn.online_softmax {{.*}} poly_columns = [40, 80, 120] :
// CHECK: } producer

// SPLIT: bsattn.online_softmax {{.*}} poly_columns = [40, 80, 120] :
// SPLIT: scf.for
// SPLIT: bsattn.exp_scores {{.*}} first_column = 0 columns = 48 {{.*}} poly_columns = [40] :
// SPLIT: bsattn.exp_scores {{.*}} first_column = 48 columns = 80 {{.*}} poly_columns = [80, 120] :
// SPLIT: } producer

// ALL: bsattn.online_softmax {{.*}} poly_columns = [0, 8, 16, 24, 32, 40, 48, 56, 64, 72, 80, 88, 96, 104, 112, 120] :

// OFF-NOT: poly_columns
!act = memref<1x2x512x128xbf16>
func.func @poly(%q: !act, %o: !act, %lse: memref<1x2x512xf32>,
                %lens: memref<?xi32>) {
  bsattn.query_tile #bsattn.causal pv = bf16
      ins(%q, %q, %q : !act, !act, !act) outs(%o, %lse : !act, memref<1x2x512xf32>)
      captures(%lens : memref<?xi32>)
      attributes {block_size = 128 : i64, capture_names = ["seq_lens"],
                  scale = 0.5 : f32,
                  tuning = #bsattn.tuning<stages = 3, warp_specialize = true, overlap = true, poly_exp2_columns = 24>} {
  ^bb0(%b: index, %h: index, %qb: index, %sl: memref<?xi32>):
    %len32 = memref.load %sl[%b] : memref<?xi32>
    %len = arith.index_cast %len32 : i32 to index
    %c1 = arith.constant 1 : index
    %n = arith.addi %qb, %c1 : index
    bsattn.key_block_loop count(%n) seq_len(%len) {
    ^bb0(%e: index):
      %true = arith.constant true
      bsattn.yield_key_block %e, %true
    }
  }
  return
}
