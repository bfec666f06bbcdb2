// RUN: sed -E 's/tuning = #bsattn.tuning<([^>]*)>/tuning = #bsattn.tuning<\1, prefetch_indices = true>/' %bsattn_src_root/examples/challenge.mlir | bsattn-opt --bsattn-to-schedule | FileCheck %s
// RUN: sed -E 's/tuning = #bsattn.tuning<([^>]*)>/tuning = #bsattn.tuning<\1, prefetch_indices = true>/' %bsattn_src_root/examples/challenge.mlir | bsattn-translate --emit-ptx | FileCheck %s --check-prefix=PTX
// RUN: bsattn-translate --emit-ptx %bsattn_src_root/examples/challenge.mlir | FileCheck %s --check-prefix=OFF

// prefetch_indices: after its tile's coordinates, the load issuer of each
// tile brings into L2 its share of the row_ptr and col_idx lines of the
// index lists after its own, as many lists as a wave of one CTA per SM
// runs tiles of (SMs / query blocks) plus one: the tiles of a list take
// lines qb, qb + blocks, ... (at most four of each array), each line of
// 32 indices inside the array.

// CHECK:      %[[X:.*]] = nvvm.read.ptx.sreg.ctaid.x : i32
// CHECK-NEXT: %[[TILE:.*]] = arith.subi %{{.*}}, %[[X]] : i32
// CHECK-NEXT: %[[QB:.*]] = arith.index_cast %[[TILE]] : i32 to index
// CHECK:      %[[ROWLEN:.*]] = memref.dim %[[ROWPTR:.*]], %c2
// CHECK:      %[[BLOCKS:.*]] = arith.subi %[[ROWLEN]], %{{.*}} : index
// CHECK:      %[[LISTS:.*]] = arith.muli %{{.*}}, %{{.*}} : index
// CHECK:      %[[NEXT:.*]] = arith.addi %{{.*}}, %c1
// CHECK:      %[[SMS32:.*]] = nvvm.read.ptx.sreg.nsmid : i32
// CHECK-NEXT: %[[SMS:.*]] = arith.index_cast %[[SMS32]] : i32 to index
// CHECK:      %[[PERWAVE:.*]] = arith.divui %[[SMS]], %{{.*}} : index
// CHECK-NEXT: %[[AHEAD:.*]] = arith.addi %[[PERWAVE]], %{{.*}} : index
// CHECK-NEXT: %[[LASTLIST:.*]] = arith.addi %[[NEXT]], %[[AHEAD]] : index
// CHECK-NEXT: %[[LAST:.*]] = arith.minui %[[LASTLIST]], %[[LISTS]] : index
// CHECK-NEXT: %[[FIRST:.*]] = arith.minui %[[NEXT]], %[[LISTS]] : index
// CHECK-NEXT: scf.if %[[LEADER:.*]] {
// CHECK:        %[[FIRSTIDX:.*]] = arith.muli %[[FIRST]], %[[ROWLEN]] : index
// CHECK-NEXT:   %[[FIRSTLINE:.*]] = arith.divui %[[FIRSTIDX]], %c32
// CHECK:        %[[ENDIDX:.*]] = arith.muli %[[LAST]], %[[ROWLEN]] : index
// CHECK-NEXT:   %[[ENDLINE:.*]] = arith.ceildivui %[[ENDIDX]], %c32
// CHECK-NEXT:   %[[ROWS:.*]] = memref.collapse_shape %[[ROWPTR]] {{\[\[}}0, 1, 2]]
// CHECK:        %[[STEP0:.*]] = arith.muli %c0{{.*}}, %[[BLOCKS]] : index
// CHECK-NEXT:   %[[MINE:.*]] = arith.addi %[[FIRSTLINE]], %[[QB]] : index
// CHECK-NEXT:   %[[LINE0:.*]] = arith.addi %[[MINE]], %[[STEP0]] : index
// CHECK-NEXT:   %[[IN0:.*]] = arith.cmpi ult, %[[LINE0]], %[[ENDLINE]] : index
// CHECK-NEXT:   scf.if %[[IN0]] {
// CHECK:          %[[AT0:.*]] = arith.muli %[[LINE0]], %c32
// CHECK-NEXT:     bsattn.prefetch_l2 %[[ROWS]][%[[AT0]]] : memref<?xi32, #gpu.address_space<global>>
// CHECK-COUNT-3:  bsattn.prefetch_l2 %[[ROWS]]
// CHECK:        %[[NNZ:.*]] = memref.dim %[[COLIDX:.*]], %c2
// CHECK:        memref.collapse_shape %[[COLIDX]]
// CHECK-COUNT-4:  bsattn.prefetch_l2
// CHECK-NOT:    bsattn.prefetch_l2

// Eight L2 prefetches in the kernel (the consumers' leader issues them, the
// producer keeps none), none without the tuning.
// PTX-COUNT-8: prefetch.global.L2
// PTX-NOT:     prefetch.global.L2
// OFF-NOT:     prefetch.global.L2
