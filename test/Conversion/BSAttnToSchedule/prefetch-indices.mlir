// RUN: sed -E 's/tuning = #bsattn.tuning<([^>]*)>/tuning = #bsattn.tuning<\1, prefetch_indices = true>/' %bsattn_src_root/examples/challenge.mlir | bsattn-opt --bsattn-to-schedule | FileCheck %s
// RUN: sed -E 's/tuning = #bsattn.tuning<([^>]*)>/tuning = #bsattn.tuning<\1, prefetch_blocks = true>/' %bsattn_src_root/examples/challenge.mlir | bsattn-opt --bsattn-to-schedule | FileCheck %s --check-prefix=BLOCKS
// RUN: sed -E 's/tuning = #bsattn.tuning<([^>]*)>/tuning = #bsattn.tuning<\1, prefetch_indices = true, prefetch_blocks = true>/' %bsattn_src_root/examples/challenge.mlir | bsattn-translate --emit-ptx | FileCheck %s --check-prefix=PTX
// RUN: bsattn-translate --emit-ptx %bsattn_src_root/examples/challenge.mlir | FileCheck %s --check-prefix=OFF

// prefetch_indices / prefetch_blocks (one CTA per tile, head after head):
// after its coordinates, the leader of each tile brings into L2 its share
// of what the head a wave later (%nsmid / gridDim.x + 1 heads on, if
// there is one) starts with: the row_ptr and col_idx lines of its index
// list (the head's tiles take lines qb, qb + gridDim.x, ..., at most four
// of each array, each line of 32 indices inside the list), and Q, K and V
// at the rows of the tile's own query block.

// CHECK:      %[[X:.*]] = nvvm.read.ptx.sreg.ctaid.x : i32
// CHECK-NEXT: %[[TILE:.*]] = arith.subi %{{.*}}, %[[X]] : i32
// CHECK-NEXT: %[[QB:.*]] = arith.index_cast %[[TILE]] : i32 to index
// CHECK-NEXT: %[[Y:.*]] = nvvm.read.ptx.sreg.ctaid.y : i32
// CHECK-NEXT: %[[HEAD:.*]] = arith.index_cast %[[Y]] : i32 to index
// CHECK-NEXT: %[[Z:.*]] = nvvm.read.ptx.sreg.ctaid.z : i32
// CHECK-NEXT: %[[BATCH:.*]] = arith.index_cast %[[Z]] : i32 to index
// CHECK-NEXT: %[[NX:.*]] = nvvm.read.ptx.sreg.nctaid.x : i32
// CHECK-NEXT: %[[TILES:.*]] = arith.index_cast %[[NX]] : i32 to index
// CHECK-NEXT: %[[NY:.*]] = nvvm.read.ptx.sreg.nctaid.y : i32
// CHECK-NEXT: %[[HEADS:.*]] = arith.index_cast %[[NY]] : i32 to index
// CHECK-NEXT: %[[NZ:.*]] = nvvm.read.ptx.sreg.nctaid.z : i32
// CHECK-NEXT: %[[BATCHES:.*]] = arith.index_cast %[[NZ]] : i32 to index
// CHECK-NEXT: %[[SMS32:.*]] = nvvm.read.ptx.sreg.nsmid : i32
// CHECK-NEXT: %[[SMS:.*]] = arith.index_cast %[[SMS32]] : i32 to index
// CHECK:      %[[PERWAVE:.*]] = arith.divui %[[SMS]], %[[TILES]] : index
// CHECK-NEXT: %[[AHEAD:.*]] = arith.addi %[[PERWAVE]], %{{.*}} : index
// CHECK-NEXT: %[[BH:.*]] = arith.muli %[[BATCH]], %[[HEADS]] : index
// CHECK-NEXT: %[[HERE:.*]] = arith.addi %[[BH]], %[[HEAD]] : index
// CHECK-NEXT: %[[THERE:.*]] = arith.addi %[[HERE]], %[[AHEAD]] : index
// CHECK-NEXT: %[[ALL:.*]] = arith.muli %[[HEADS]], %[[BATCHES]] : index
// CHECK-NEXT: %[[EXISTS:.*]] = arith.cmpi ult, %[[THERE]], %[[ALL]] : index
// CHECK-NEXT: %[[BATCH2:.*]] = arith.divui %[[THERE]], %[[HEADS]] : index
// CHECK-NEXT: %[[HEAD2:.*]] = arith.remui %[[THERE]], %[[HEADS]] : index
// CHECK-NEXT: %[[GO:.*]] = arith.andi %{{.*}}, %[[EXISTS]] : i1
// CHECK-NEXT: scf.if %[[GO]] {
// CHECK:        %[[LISTS:.*]] = memref.dim %[[ROWPTR:.*]], %c1
// CHECK-NEXT:   %[[B2L:.*]] = arith.muli %[[BATCH2]], %[[LISTS]] : index
// CHECK-NEXT:   %[[LIST:.*]] = arith.addi %[[B2L]], %[[HEAD2]] : index
// CHECK:        %[[ROWLEN:.*]] = memref.dim %[[ROWPTR]], %c2
// CHECK-NEXT:   %[[FIRST:.*]] = arith.muli %[[LIST]], %[[ROWLEN]] : index
// CHECK:        %[[FIRSTLINE:.*]] = arith.divui %[[FIRST]], %c32
// CHECK:        %[[END:.*]] = arith.addi %[[FIRST]], %[[ROWLEN]] : index
// CHECK-NEXT:   %[[ENDLINE:.*]] = arith.ceildivui %[[END]], %c32
// CHECK-NEXT:   %[[ROWS:.*]] = memref.collapse_shape %[[ROWPTR]] {{\[\[}}0, 1, 2]]
// CHECK:        %[[MINE:.*]] = arith.addi %[[FIRSTLINE]], %[[QB]] : index
// CHECK-NEXT:   %[[LINE0:.*]] = arith.addi %[[MINE]], %{{.*}} : index
// CHECK-NEXT:   %[[IN0:.*]] = arith.cmpi ult, %[[LINE0]], %[[ENDLINE]] : index
// CHECK-NEXT:   scf.if %[[IN0]] {
// CHECK:          %[[AT0:.*]] = arith.muli %[[LINE0]], %c32
// CHECK-NEXT:     bsattn.prefetch_l2 %[[ROWS]][%[[AT0]]] : memref<?xi32, #gpu.address_space<global>>
// CHECK-COUNT-3:  bsattn.prefetch_l2 %[[ROWS]]
// CHECK:        %[[NNZ:.*]] = memref.dim %[[COLIDX:.*]], %c2
// CHECK:        memref.collapse_shape %[[COLIDX]]
// CHECK-COUNT-4:  bsattn.prefetch_l2
// CHECK-NOT:    bsattn.prefetch_l2
// CHECK-NOT:    nvvm.cp.async.bulk.tensor.prefetch

// Q of the head a wave later at the query block's rows, then K and V at
// the same rows, 64 columns per box.
// BLOCKS:      scf.if %{{.*}} {
// BLOCKS-NOT:    bsattn.prefetch_l2
// BLOCKS:        %[[ROW:.*]] = arith.muli %{{.*}}, %c128
// BLOCKS:        nvvm.cp.async.bulk.tensor.prefetch %arg0, box[%{{.*}}, %{{.*}}, %[[H:.*]], %[[B:.*]]]
// BLOCKS:        nvvm.cp.async.bulk.tensor.prefetch %arg0, box[%c64{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}]
// BLOCKS-COUNT-2: nvvm.cp.async.bulk.tensor.prefetch %arg1
// BLOCKS-COUNT-2: nvvm.cp.async.bulk.tensor.prefetch %arg2
// BLOCKS-NOT:    nvvm.cp.async.bulk.tensor.prefetch

// Eight L2 line prefetches and six of boxes, once each (the consumers'
// leader issues them; the producer keeps none), none without the tuning.
// PTX-COUNT-8: prefetch.global.L2
// PTX-NOT:     prefetch.global.L2
// PTX-COUNT-6: cp.async.bulk.prefetch.tensor.4d.L2.global.tile
// PTX-NOT:     cp.async.bulk.prefetch.tensor
// OFF-NOT:     prefetch.global.L2
// OFF-NOT:     cp.async.bulk.prefetch.tensor
