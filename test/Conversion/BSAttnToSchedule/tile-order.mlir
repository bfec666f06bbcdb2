// RUN: bsattn-opt %bsattn_src_root/examples/causal_d128.mlir --bsattn-to-schedule | FileCheck %s
// RUN: bsattn-opt %bsattn_src_root/examples/causal_d64.mlir --bsattn-to-schedule | FileCheck %s --check-prefix=ROWS192
// RUN: bsattn-opt %bsattn_src_root/examples/challenge.mlir --bsattn-to-schedule | FileCheck %s --check-prefix=CSR
// RUN: bsattn-opt %bsattn_src_root/examples/bidirectional.mlir --bsattn-to-schedule | FileCheck %s --check-prefix=CSR

// One CTA per tile (grid x: query tiles, y: heads, z: batch entries). The
// hardware starts CTAs in block index order, so the kernel maps the linear
// block index to a tile; for causal patterns: heads in sections of as many as L2 holds K and V
// for (50 MiB over the K and V bytes of a head, 2 * 2 * 128 * D per query
// tile: 800 tiles at D = 128, a power of 2 of heads, at least one), each
// section query tile by query tile, the last (a causal schedule's longest
// rows) first, across its heads; the last section takes the heads left.

// CHECK: llvm.func @causal_d128
// CHECK: %[[NX:.*]] = nvvm.read.ptx.sreg.nctaid.x : i32
// CHECK-NEXT: %[[NY:.*]] = nvvm.read.ptx.sreg.nctaid.y : i32
// CHECK-NEXT: %[[NZ:.*]] = nvvm.read.ptx.sreg.nctaid.z : i32
// CHECK-NEXT: %[[X:.*]] = nvvm.read.ptx.sreg.ctaid.x : i32
// CHECK-NEXT: %[[Y:.*]] = nvvm.read.ptx.sreg.ctaid.y : i32
// CHECK-NEXT: %[[Z:.*]] = nvvm.read.ptx.sreg.ctaid.z : i32
// CHECK-NEXT: %[[ALL:.*]] = arith.muli %[[NY]], %[[NZ]] : i32
// CHECK-NEXT: %[[YZ:.*]] = arith.muli %[[NY]], %[[Z]] : i32
// CHECK-NEXT: %[[HB:.*]] = arith.addi %[[Y]], %[[YZ]] : i32
// CHECK-NEXT: %[[HBX:.*]] = arith.muli %[[NX]], %[[HB]] : i32
// CHECK-NEXT: %[[LINEAR:.*]] = arith.addi %[[X]], %[[HBX]] : i32
// CHECK: %[[FITTILES:.*]] = arith.constant 800 : i32
// CHECK-NEXT: %[[FIT:.*]] = arith.divui %[[FITTILES]], %[[NX]] : i32
// CHECK: %[[FIT1:.*]] = arith.maxui %[[FIT]], %{{.*}} : i32
// CHECK-NEXT: %[[CLZ:.*]] = "llvm.intr.ctlz"(%[[FIT1]])
// CHECK: %[[LOG2:.*]] = arith.subi %{{.*}}, %[[CLZ]] : i32
// CHECK: %[[SH:.*]] = arith.shli %{{.*}}, %[[LOG2]] : i32
// CHECK-NEXT: %[[ST:.*]] = arith.muli %[[SH]], %[[NX]] : i32
// CHECK-NEXT: %[[SECTION:.*]] = arith.divui %[[LINEAR]], %[[ST]] : i32
// CHECK-NEXT: %[[IN:.*]] = arith.remui %[[LINEAR]], %[[ST]] : i32
// CHECK-NEXT: %[[NFULL:.*]] = arith.divui %[[ALL]], %[[SH]] : i32
// CHECK-NEXT: %[[FULL:.*]] = arith.cmpi ult, %[[SECTION]], %[[NFULL]] : i32
// CHECK-NEXT: %[[LEFT:.*]] = arith.remui %[[ALL]], %[[SH]] : i32
// CHECK-NEXT: %[[WIDTH:.*]] = arith.select %[[FULL]], %[[SH]], %[[LEFT]] : i32
// CHECK-NEXT: %[[TILE:.*]] = arith.divui %[[IN]], %[[WIDTH]] : i32
// CHECK-NEXT: %[[FIRSTHEAD:.*]] = arith.muli %[[SECTION]], %[[SH]] : i32
// CHECK-NEXT: %[[INHEAD:.*]] = arith.remui %[[IN]], %[[WIDTH]] : i32
// CHECK-NEXT: %[[HEADS:.*]] = arith.addi %[[FIRSTHEAD]], %[[INHEAD]] : i32
// CHECK: %[[LASTTILE:.*]] = arith.subi %[[NX]], %{{.*}} : i32
// CHECK-NEXT: %[[QB:.*]] = arith.subi %[[LASTTILE]], %[[TILE]] : i32
// CHECK-NEXT: arith.index_cast %[[QB]] : i32 to index
// CHECK-NEXT: %[[H:.*]] = arith.remui %[[HEADS]], %[[NY]] : i32
// CHECK-NEXT: arith.index_cast %[[H]] : i32 to index
// CHECK-NEXT: %[[B:.*]] = arith.divui %[[HEADS]], %[[NY]] : i32
// CHECK-NEXT: arith.index_cast %[[B]] : i32 to index

// 192-row query tiles at D = 64: 50 MiB / (2 * 2 * 192 * 64) = 1066 tiles.
// ROWS192: llvm.func @causal_d64
// ROWS192: %[[NX:.*]] = nvvm.read.ptx.sreg.nctaid.x : i32
// ROWS192: %[[FITTILES:.*]] = arith.constant 1066 : i32
// ROWS192-NEXT: arith.divui %[[FITTILES]], %[[NX]] : i32

// Every other pattern (here CSR and dense bidirectional) runs head by head
// (a head's tiles share K and V blocks), each head's query blocks last
// first: block x is query block gridDim.x - 1 - x of head y, batch entry z.
// CSR: llvm.func
// CSR: %[[NX:.*]] = nvvm.read.ptx.sreg.nctaid.x : i32
// CSR: %[[LAST:.*]] = arith.subi %[[NX]], %{{.*}} : i32
// CSR-NEXT: %[[X:.*]] = nvvm.read.ptx.sreg.ctaid.x : i32
// CSR-NEXT: %[[QB:.*]] = arith.subi %[[LAST]], %[[X]] : i32
// CSR-NEXT: arith.index_cast %[[QB]] : i32 to index
// CSR-NEXT: %[[Y:.*]] = nvvm.read.ptx.sreg.ctaid.y : i32
// CSR-NEXT: arith.index_cast %[[Y]] : i32 to index
// CSR-NEXT: %[[Z:.*]] = nvvm.read.ptx.sreg.ctaid.z : i32
// CSR-NEXT: arith.index_cast %[[Z]] : i32 to index
// CSR-NOT: llvm.intr.ctlz

// With padding_tiles_last a batch entry's tiles that hold a valid row (below
// ceil(min(max(seq_lens[b], 0), T) / 128)) go first, head by head, then its
// padding tiles; block (x, y) is position y * gridDim.x + x of batch entry z.
// RUN: sed 's/\(tuning = #bsattn.tuning<[^>]*\)>/\1, padding_tiles_last = true>/' %bsattn_src_root/examples/challenge.mlir | bsattn-opt --bsattn-to-schedule | FileCheck %s --check-prefix=PADDING
// PADDING: llvm.func
// PADDING: %[[NX:.*]] = nvvm.read.ptx.sreg.nctaid.x : i32
// PADDING-NEXT: %[[X:.*]] = nvvm.read.ptx.sreg.ctaid.x : i32
// PADDING-NEXT: %[[Y:.*]] = nvvm.read.ptx.sreg.ctaid.y : i32
// PADDING-NEXT: %[[Z:.*]] = nvvm.read.ptx.sreg.ctaid.z : i32
// PADDING: %[[YX:.*]] = arith.muli %[[Y]], %[[NX]] : i32
// PADDING-NEXT: %[[POS:.*]] = arith.addi %[[YX]], %[[X]] : i32
// PADDING-NEXT: %[[NY:.*]] = nvvm.read.ptx.sreg.nctaid.y : i32
// PADDING: %[[LEN:.*]] = memref.load %{{.*}}[%{{.*}}] : memref<?xi32, #gpu.address_space<global>>
// PADDING: %[[T:.*]] = arith.index_cast %{{.*}} : index to i32
// PADDING: %[[POSITIVE:.*]] = arith.maxsi %[[LEN]], %{{.*}} : i32
// PADDING-NEXT: %[[CLAMPED:.*]] = arith.minsi %[[POSITIVE]], %[[T]] : i32
// PADDING: %[[VALID:.*]] = arith.ceildivui %[[CLAMPED]], %{{.*}} : i32
// PADDING-NEXT: %[[VALIDTILES:.*]] = arith.muli %[[NY]], %[[VALID]] : i32
// PADDING-NEXT: %[[INVALID:.*]] = arith.cmpi ult, %[[POS]], %[[VALIDTILES]] : i32
// PADDING-NEXT: %[[PADDING:.*]] = arith.subi %[[NX]], %[[VALID]] : i32
// PADDING-NEXT: %[[WIDTH:.*]] = arith.select %[[INVALID]], %[[VALID]], %[[PADDING]] : i32
// PADDING: %[[START:.*]] = arith.select %[[INVALID]], %{{.*}}, %[[VALIDTILES]] : i32
// PADDING-NEXT: %[[OFFSET:.*]] = arith.subi %[[POS]], %[[START]] : i32
// PADDING: %[[WIDTH1:.*]] = arith.maxui %[[WIDTH]], %{{.*}} : i32
// PADDING-NEXT: %[[HEAD:.*]] = arith.divui %[[OFFSET]], %[[WIDTH1]] : i32
// PADDING-NEXT: %[[FROMLAST:.*]] = arith.remui %[[OFFSET]], %[[WIDTH1]] : i32
// PADDING-NEXT: %[[END:.*]] = arith.select %[[INVALID]], %[[VALID]], %[[NX]] : i32
// PADDING: %[[LASTBLOCK:.*]] = arith.subi %[[END]], %{{.*}} : i32
// PADDING-NEXT: %[[QB:.*]] = arith.subi %[[LASTBLOCK]], %[[FROMLAST]] : i32
// PADDING-NEXT: arith.index_cast %[[HEAD]] : i32 to index
// PADDING-NEXT: arith.index_cast %[[QB]] : i32 to index
