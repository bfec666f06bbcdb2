// RUN: bsattn-opt %bsattn_src_root/examples/causal_d128.mlir --bsattn-to-schedule | FileCheck %s

// One CTA per tile: the hardware starts CTAs in block index order, so the
// kernel maps block x to query block gridDim.x - 1 - x. A causal
// schedule's longest rows (the last query blocks) then start first instead
// of forming the grid's tail.

// CHECK: llvm.func @causal_d128
// CHECK: %[[X:.*]] = nvvm.read.ptx.sreg.ctaid.x : i32
// CHECK: %[[NX:.*]] = nvvm.read.ptx.sreg.nctaid.x : i32
// CHECK: %[[LAST:.*]] = arith.subi %[[NX]], %{{.*}} : i32
// CHECK: %[[QB:.*]] = arith.subi %[[LAST]], %[[X]] : i32
// CHECK: arith.index_cast %[[QB]] : i32 to index
// CHECK: nvvm.read.ptx.sreg.ctaid.y
// CHECK: nvvm.read.ptx.sreg.ctaid.z
