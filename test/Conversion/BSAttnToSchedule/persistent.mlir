// RUN: bsattn-opt %s --bsattn-fuse-softmax --convert-bsattn-to-schedule --split-input-file | FileCheck %s

// A persistent query tile with static tiles: one CTA per SM loops over the
// B * H * ceil(T/128) tiles blockIdx.x, + gridDim.x, ... The ring step and
// the count of tiles done are carried; the count picks the query buffer and
// its barrier phase.

// CHECK: llvm.func @persistent(
// CHECK-SAME: bsattn.persistent
// Two Q buffers: the next tile's Q loads into the other one.
// CHECK: bsattn.shared_alloc swizzle = 128 : memref<2x2x128x64xbf16, #gpu.address_space<workgroup>>
// CHECK: bsattn.shared_alloc swizzle = 128 : memref<2x2x2x128x64xbf16, #gpu.address_space<workgroup>>
// CHECK: nvvm.barrier0
// Tiles of o: 1 * 2 * ceil(512 / 128), from lse's extents.
// CHECK: %[[QBS:.*]] = arith.ceildivui %{{.*}}, %c128_i32
// CHECK: %[[TILES:.*]] = arith.muli %{{.*}}, %[[QBS]]
// CHECK: %[[FIRSTTILE:.*]] = nvvm.read.ptx.sreg.ctaid.x
// CHECK: %[[STRIDE:.*]] = nvvm.read.ptx.sreg.nctaid.x
// CHECK: scf.while (%[[T0:.*]] = %[[FIRSTTILE]], %{{.*}} = %{{.*}}, %{{.*}} = %[[ZERO:.*]]) : (i32, index, i32)
// CHECK: arith.cmpi ult, %{{.*}}, %[[TILES]]
// CHECK: } do {
// CHECK: ^bb0(%[[TILE:.*]]: i32, %[[RING:.*]]: index, %[[DONE:.*]]: i32):
// Query blocks vary fastest, last one first.
// CHECK: arith.divui %[[TILE]], %[[QBS]]
// CHECK: arith.remui %[[TILE]], %[[QBS]]
// CHECK: arith.andi %[[DONE]], %c1_i32
// CHECK: %[[FOLLOWING:.*]] = arith.addi %[[TILE]], %[[STRIDE]]
// CHECK: %[[HASNEXT:.*]] = arith.cmpi ult, %[[FOLLOWING]], %[[TILES]]
// CHECK: arith.select %[[HASNEXT]], %[[FOLLOWING]], %[[TILE]]
// CHECK: %[[FIRST:.*]] = arith.cmpi eq, %[[DONE]], %[[ZERO]]
// CHECK: nvvm.barrier0
// The first tile loads its own Q and first K/V block; each tile loads the
// next tile's Q into the other buffer.
// CHECK: scf.if %[[FIRST]] {
// CHECK: nvgpu.tma.async.load
// CHECK: scf.if %[[HASNEXT]] {
// CHECK: arith.xori %{{.*}}, %c1
// CHECK: nvgpu.tma.async.load
// store_output waits for the tile's Q load (used or not) and for its TMA
// store to have read o out of the buffer, so the next tile may refill it.
// CHECK: %[[TILEEND:.*]]:4 = scf.for
// CHECK: nvgpu.mbarrier.try_wait.parity
// CHECK: nvvm.cp.async.bulk.wait_group 0 {read}
// CHECK: scf.yield %[[FOLLOWING]], %[[TILEEND]]#3, %{{.*}} : i32, index, i32
!act = memref<1x2x512x128xbf16>
func.func @persistent(%q: !act, %o: !act, %lse: memref<1x2x512xf32>,
                      %lens: memref<?xi32>) {
  bsattn.query_tile #bsattn.causal pv = f16
      ins(%q, %q, %q : !act, !act, !act) outs(%o, %lse : !act, memref<1x2x512xf32>)
      captures(%lens : memref<?xi32>)
      attributes {block_size = 128 : i64, capture_names = ["seq_lens"],
                  scale = 0.5 : f32,
                  tuning = #bsattn.tuning<persistent = true>} {
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

// -----

// Dynamic tiles: thread 0 claims tiles from a zeroed global
// counter (gridDim.x + its claim), one tile ahead: the CTA's second tile
// before the loop, and during tile k its tile k + 2, handed over at the end
// of tile k through shared memory slot k % 2 and read after tile k + 1's
// top barrier. After the loop each CTA counts itself done; the last one
// zeroes the counter for the next launch.

// CHECK-DAG: memref.global "private" @[[CLAIMED:bsattn_claimed_tile]] : memref<2xi32, #gpu.address_space<workgroup>> = dense<0>
// CHECK-DAG: memref.global "private" @[[COUNTER:bsattn_tile_counter]] : memref<2xi32, #gpu.address_space<global>> = dense<0>
// CHECK: llvm.func @dynamic(
// CHECK: %[[TIDX:.*]] = nvvm.read.ptx.sreg.tid.x
// CHECK: %[[LEADER:.*]] = arith.cmpi eq, %[[TIDX]], %c0_i32
// CHECK: %[[FIRSTTILE:.*]] = nvvm.read.ptx.sreg.ctaid.x
// CHECK: %[[STRIDE:.*]] = nvvm.read.ptx.sreg.nctaid.x
// CHECK: %[[CTR:.*]] = memref.get_global @[[COUNTER]]
// CHECK: %[[SLOTS:.*]] = memref.get_global @[[CLAIMED]]
// CHECK: scf.if %[[LEADER]] {
// CHECK: %[[SECOND:.*]] = memref.atomic_rmw addi %{{.*}}, %[[CTR]][%c0
// CHECK: %[[SECONDTILE:.*]] = arith.addi %[[SECOND]], %[[STRIDE]]
// CHECK: memref.store %[[SECONDTILE]], %[[SLOTS]][%c1
// CHECK: scf.while (%{{.*}} = %[[FIRSTTILE]],
// CHECK: } do {
// CHECK: ^bb0(%{{.*}}: i32, %{{.*}}: index, %[[DONE:.*]]: i32):
// CHECK: %[[PARITY:.*]] = arith.andi %[[DONE]], %c1_i32
// CHECK: %[[SLOT:.*]] = arith.index_cast %[[PARITY]]
// CHECK: nvvm.barrier0
// CHECK: %[[NEXTSLOT:.*]] = arith.subi %c1{{.*}}, %[[SLOT]]
// CHECK: %[[FOLLOWING:.*]] = memref.load %[[SLOTS]][%[[NEXTSLOT]]]
// CHECK: %[[AHEAD:.*]] = scf.if %[[LEADER]] -> (i32) {
// CHECK: %[[CLAIM:.*]] = memref.atomic_rmw addi %{{.*}}, %[[CTR]][%c0
// CHECK: scf.yield %[[CLAIM]]
// CHECK: arith.cmpi ult, %[[FOLLOWING]]
// CHECK-NOT: nvvm.barrier0
// CHECK: scf.if %[[LEADER]] {
// CHECK: %[[AHEADTILE:.*]] = arith.addi %[[AHEAD]], %[[STRIDE]]
// CHECK: memref.store %[[AHEADTILE]], %[[SLOTS]][%[[SLOT]]]
// CHECK: scf.yield %[[FOLLOWING]],
// CHECK: scf.if %[[LEADER]] {
// CHECK: nvvm.memory.barrier <gpu>
// CHECK: %[[FINISHED:.*]] = memref.atomic_rmw addi %{{.*}}, %[[CTR]][%c1
// CHECK: %[[LASTCTA:.*]] = arith.subi %[[STRIDE]], %c1
// CHECK: %[[LAST:.*]] = arith.cmpi eq, %[[FINISHED]], %[[LASTCTA]]
// CHECK: scf.if %[[LAST]] {
// CHECK: nvvm.memory.barrier <gpu>
// CHECK: memref.store %{{.*}}, %[[CTR]][%c0
// CHECK: memref.store %{{.*}}, %[[CTR]][%c1
!act = memref<1x2x512x128xbf16>
func.func @dynamic(%q: !act, %o: !act, %lse: memref<1x2x512xf32>,
                      %lens: memref<?xi32>) {
  bsattn.query_tile #bsattn.causal pv = f16
      ins(%q, %q, %q : !act, !act, !act) outs(%o, %lse : !act, memref<1x2x512xf32>)
      captures(%lens : memref<?xi32>)
      attributes {block_size = 128 : i64, capture_names = ["seq_lens"],
                  scale = 0.5 : f32, tuning = #bsattn.tuning<persistent = true, dynamic_tiles = true>} {
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

// -----

// One Q buffer: each tile's barrier phase is its count of tiles done (the
// claim slots of dynamic tiles still alternate); after the top barrier the
// tile loads its own Q into buffer 0, then has the next tile's Q read into
// L2 by TMA's tensor prefetch.

// CHECK: llvm.func @single(
// CHECK: %[[QMAP:.*]] = bsattn.tensor_map %arg0
// CHECK: %[[TID:.*]] = nvvm.read.ptx.sreg.tid.x
// CHECK: %[[LEAD:.*]] = arith.cmpi eq, %[[TID]], %c0_i32
// CHECK: bsattn.shared_alloc swizzle = 128 : memref<1x2x128x64xbf16, #gpu.address_space<workgroup>>
// CHECK: scf.while
// CHECK: ^bb0(%{{.*}}: i32, %{{.*}}: index, %[[DONE:.*]]: i32):
// CHECK: %[[ALT:.*]] = arith.andi %[[DONE]], %c1_i32
// CHECK: %[[SLOT:.*]] = arith.index_cast %[[ALT]]
// CHECK: %[[PHASE:.*]] = arith.trunci %[[DONE]] : i32 to i1
// CHECK: nvvm.barrier0
// CHECK: arith.subi %c1{{.*}}, %[[SLOT]]
// CHECK: scf.if %[[LEAD]] {
// CHECK: nvgpu.mbarrier.arrive.expect_tx %[[QLANDED:.*]][%[[ZERO:.*]]],
// CHECK: nvgpu.tma.async.load %[[QMAP]][%{{.*}}], %[[QLANDED]][%[[ZERO]]]
// CHECK: nvgpu.tma.async.load %[[QMAP]][%{{.*}}], %[[QLANDED]][%[[ZERO]]]
// CHECK: scf.if %[[LEAD]] {
// CHECK: nvvm.cp.async.bulk.tensor.prefetch %arg0, box[%c0_i32{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}] : !llvm.ptr
// CHECK: nvvm.cp.async.bulk.tensor.prefetch %arg0, box[%c64_i32, %{{.*}}, %{{.*}}, %{{.*}}] : !llvm.ptr
// CHECK: nvgpu.mbarrier.try_wait.parity %[[QLANDED]][%[[ZERO]]], %[[PHASE]]
// CHECK: memref.store %{{.*}}, %{{.*}}[%[[SLOT]]]
!act = memref<1x2x512x128xbf16>
func.func @single(%q: !act, %o: !act, %lse: memref<1x2x512xf32>,
                  %lens: memref<?xi32>) {
  bsattn.query_tile #bsattn.causal pv = f16
      ins(%q, %q, %q : !act, !act, !act) outs(%o, %lse : !act, memref<1x2x512xf32>)
      captures(%lens : memref<?xi32>)
      attributes {block_size = 128 : i64, capture_names = ["seq_lens"],
                  scale = 0.5 : f32, tuning = #bsattn.tuning<persistent = true, dynamic_tiles = true, single_query_buffer = true>} {
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

// -----

// carry_schedule: the tile loop carries the tile_carried values after its
// own three; the CTA's first tile gets them evaluated before the loop (the
// tile_carry operands for the coordinates of tile blockIdx.x, if it
// exists); each tile yields its tile_carry operands, the next tile's
// seq_lens entry, loaded after its key-block loop.

// CHECK-LABEL: llvm.func @carried(
// CHECK: %[[FIRSTTILE:.*]] = nvvm.read.ptx.sreg.ctaid.x
// CHECK: %[[EXISTS:.*]] = arith.cmpi ult, %[[FIRSTTILE]], %[[TILES:.*]] : i32
// CHECK-NEXT: %[[FIRSTLEN:.*]] = scf.if %[[EXISTS]] -> (i32) {
// CHECK: arith.divui %[[FIRSTTILE]]
// CHECK: %[[LEN0:.*]] = memref.load
// CHECK-NEXT: scf.yield %[[LEN0]] : i32
// CHECK: } else {
// CHECK-NEXT: %[[ZERO:.*]] = arith.constant 0 : i32
// CHECK-NEXT: scf.yield %[[ZERO]] : i32
// CHECK: scf.while (%{{.*}} = %[[FIRSTTILE]], %{{.*}} = %{{.*}}, %{{.*}} = %{{.*}}, %{{.*}} = %[[FIRSTLEN]]) : (i32, index, i32, i32)
// CHECK: } do {
// CHECK: ^bb0(%{{.*}}: i32, %{{.*}}: index, %{{.*}}: i32, %[[LEN:.*]]: i32):
// CHECK-NOT: memref.load
// CHECK: arith.index_cast %[[LEN]] : i32 to index
// CHECK: scf.for
// CHECK: %[[NEXTLEN:.*]] = memref.load
// CHECK: scf.yield %{{.*}}, %{{.*}}, %{{.*}}, %[[NEXTLEN]] : i32, index, i32, i32
!act = memref<1x2x512x128xbf16>
func.func @carried(%q: !act, %o: !act, %lse: memref<1x2x512xf32>,
                   %lens: memref<?xi32>) {
  bsattn.query_tile #bsattn.causal pv = f16
      ins(%q, %q, %q : !act, !act, !act) outs(%o, %lse : !act, memref<1x2x512xf32>)
      captures(%lens : memref<?xi32>)
      attributes {block_size = 128 : i64, capture_names = ["seq_lens"],
                  scale = 0.5 : f32,
                  tuning = #bsattn.tuning<persistent = true, carry_schedule = true>} {
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

// -----

// early_next_query: one Q buffer and a "Q released" mbarrier that every
// consumer thread arrives on and then waits for (after the key-block loop,
// or after the store in a tile without entries, once its own Q has
// landed); the next tile's Q load waits for it, so tiles start without a
// CTA barrier. o is staged in the K half of the last entry's ring slot
// (after the release: the other warpgroup may read K until then), chosen
// at run time against the Q buffer (a tile without entries); that slot is
// released after the store.

// CHECK-LABEL: llvm.func @early(
// CHECK: %[[QUERY:.*]] = bsattn.shared_alloc swizzle = 128 : memref<1x2x128x64xbf16, #gpu.address_space<workgroup>>
// CHECK: %[[RING:.*]] = bsattn.shared_alloc swizzle = 128 : memref<2x2x2x128x64xbf16, #gpu.address_space<workgroup>>
// CHECK: %[[LANDED:.*]] = nvgpu.mbarrier.create
// CHECK-NEXT: nvgpu.mbarrier.create
// CHECK-NEXT: nvgpu.mbarrier.create
// CHECK-NEXT: %[[EMPTY:.*]] = nvgpu.mbarrier.create
// CHECK-NEXT: nvgpu.mbarrier.create
// CHECK-NEXT: %[[RELEASED:.*]] = nvgpu.mbarrier.create -> <memorySpace = #gpu.address_space<workgroup>>
// CHECK: nvgpu.mbarrier.init %[[RELEASED]][%{{.*}}], %{{.*}} :
// CHECK: nvvm.barrier0
// CHECK: scf.while
// CHECK: ^bb0(%{{.*}}: i32, %{{.*}}: index, %[[COUNT:.*]]: i32):
// CHECK-NOT: nvvm.barrier0
// CHECK: %[[PARITY:.*]] = arith.trunci %[[COUNT]] : i32 to i1
// CHECK-NOT: nvvm.barrier0
// CHECK: scf.for
// CHECK: nvgpu.mbarrier.arrive %[[RELEASED]]
// CHECK: nvgpu.mbarrier.try_wait.parity %[[RELEASED]][%{{.*}}], %[[PARITY]]
// CHECK: nvgpu.mbarrier.try_wait.parity %[[RELEASED]][%{{.*}}], %[[PARITY]]
// CHECK: nvgpu.mbarrier.arrive.expect_tx %[[LANDED]]
// CHECK: nvgpu.tma.async.load
// CHECK: %[[Q_CHUNKS:.*]] = memref.subview %[[QUERY]][%{{.*}}, 0, 0, 0] [1, 2, 128, 64]
// CHECK: %[[IN_RING:.*]] = arith.cmpi ugt, %{{.*}}, %{{.*}} : index
// CHECK: scf.if %{{.*}} {
// CHECK: nvgpu.mbarrier.try_wait.parity %[[LANDED]][%{{.*}}], %[[PARITY]]
// CHECK: %[[SLOT_CHUNKS:.*]] = memref.subview %[[RING]][%{{.*}}, 0, 0, 0, 0] [1, 1, 2, 128, 64]
// CHECK: %[[STAGING:.*]] = arith.select %[[IN_RING]], %[[SLOT_CHUNKS]], %[[Q_CHUNKS]] : memref<2x128x64xbf16, strided<[8192, 64, 1], offset: ?>, #gpu.address_space<workgroup>>
// CHECK: bsattn.store_swizzled %{{.*}}, %[[STAGING]]
// CHECK: %[[BOX:.*]] = arith.select %[[IN_RING]], %{{.*}}, %{{.*}} : memref<1x1x64x64xbf16, strided<[?, ?, 64, 1], offset: ?>, #gpu.address_space<workgroup>>
// CHECK: nvgpu.tma.async.store %[[BOX]]
// CHECK: nvvm.cp.async.bulk.wait_group 0 {read}
// CHECK: nvgpu.mbarrier.try_wait.parity %[[LANDED]][%{{.*}}], %[[PARITY]]
// CHECK-NEXT: nvgpu.mbarrier.arrive %[[RELEASED]]
// CHECK: nvgpu.mbarrier.try_wait.parity %[[RELEASED]][%{{.*}}], %[[PARITY]]
// CHECK: nvgpu.mbarrier.arrive %[[EMPTY]]
!act = memref<1x2x512x128xbf16>
func.func @early(%q: !act, %o: !act, %lse: memref<1x2x512xf32>,
                 %lens: memref<?xi32>) {
  bsattn.query_tile #bsattn.causal pv = f16
      ins(%q, %q, %q : !act, !act, !act) outs(%o, %lse : !act, memref<1x2x512xf32>)
      captures(%lens : memref<?xi32>)
      attributes {block_size = 128 : i64, capture_names = ["seq_lens"],
                  scale = 0.5 : f32,
                  tuning = #bsattn.tuning<persistent = true, warp_specialize = true, overlap = true, single_query_buffer = true, early_next_query = true>} {
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

// -----

// padding_tiles_last in a persistent grid: tile t is position t % (H * QB)
// of batch entry t / (H * QB), the entry's tiles with a valid row first.
// Mapping a tile loads seq_lens, so the loop carries the coordinates (i32):
// the CTA's first tile's are computed before it (if it exists), each tile
// yields its successor's.

// CHECK-LABEL: llvm.func @padding_last(
// CHECK: %[[FIRST:.*]] = nvvm.read.ptx.sreg.ctaid.x : i32
// CHECK: %[[EXISTS:.*]] = arith.cmpi ult, %[[FIRST]], %{{.*}} : i32
// CHECK-NEXT: %[[COORDS:.*]]:3 = scf.if %[[EXISTS]] -> (i32, i32, i32) {
// CHECK-NEXT: %[[PER_BATCH:.*]] = arith.muli %[[HEADS:.*]], %{{.*}} : i32
// CHECK-NEXT: %[[BATCH:.*]] = arith.divui %[[FIRST]], %[[PER_BATCH]] : i32
// CHECK-NEXT: %[[POS:.*]] = arith.remui %[[FIRST]], %[[PER_BATCH]] : i32
// CHECK-NEXT: %[[BATCH_INDEX:.*]] = arith.index_cast %[[BATCH]] : i32 to index
// CHECK-NEXT: %[[LEN:.*]] = memref.load %{{.*}}[%[[BATCH_INDEX]]] : memref<?xi32, #gpu.address_space<global>>
// CHECK: %[[VALID:.*]] = arith.ceildivui %{{.*}}, %{{.*}} : i32
// CHECK-NEXT: %[[VALID_TILES:.*]] = arith.muli %[[HEADS]], %[[VALID]] : i32
// CHECK-NEXT: arith.cmpi ult, %[[POS]], %[[VALID_TILES]] : i32
// CHECK: scf.while (%{{.*}} = %[[FIRST]], %{{.*}} = %{{.*}}, %{{.*}} = %{{.*}}, %{{.*}} = %[[COORDS]]#0, %{{.*}} = %[[COORDS]]#1, %{{.*}} = %[[COORDS]]#2)
// CHECK: ^bb0(%{{.*}}: i32, %{{.*}}: index, %{{.*}}: i32, %[[B:.*]]: i32, %{{.*}}: i32, %{{.*}}: i32):
// CHECK-NEXT: %[[B_INDEX:.*]] = arith.index_cast %[[B]] : i32 to index
// CHECK: memref.load %{{.*}}[%[[B_INDEX]]] : memref<?xi32, #gpu.address_space<global>>
// CHECK: scf.yield %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} : i32, index, i32, i32, i32, i32
!act = memref<1x2x512x128xbf16>
func.func @padding_last(%q: !act, %o: !act, %lse: memref<1x2x512xf32>,
                        %lens: memref<?xi32>) {
  bsattn.query_tile #bsattn.causal pv = f16
      ins(%q, %q, %q : !act, !act, !act) outs(%o, %lse : !act, memref<1x2x512xf32>)
      captures(%lens : memref<?xi32>)
      attributes {block_size = 128 : i64, capture_names = ["seq_lens"],
                  scale = 0.5 : f32,
                  tuning = #bsattn.tuning<persistent = true, padding_tiles_last = true>} {
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
