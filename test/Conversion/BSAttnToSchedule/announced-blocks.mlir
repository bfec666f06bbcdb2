// RUN: sed 's/\(tuning = #bsattn.tuning<[^>]*\)>/\1, announce_blocks = true>/' %bsattn_src_root/examples/challenge.mlir | bsattn-opt --bsattn-to-schedule | FileCheck %s
// RUN: bsattn-opt %bsattn_src_root/examples/challenge.mlir --bsattn-to-schedule | FileCheck %s --check-prefix=PLAIN

// With announce_blocks the kernel keeps one i32 per ring slot in shared
// memory (unswizzled). The load issuer stores the slot's key block, or -1
// for an ignored entry, after the slot is free and before its arrival on
// the slot's "K landed" barrier (whose release publishes the store); the
// consumers load it after their wait on that barrier and mask with it.

// CHECK-LABEL: llvm.func @challenge
// CHECK: %[[RECORDS:.*]] = bsattn.shared_alloc swizzle = 0 : memref<3xi32, #gpu.address_space<workgroup>>
// CHECK-NEXT: nvgpu.mbarrier.create
// CHECK-NEXT: %[[KEYS:.*]] = nvgpu.mbarrier.create -> {{.*}} num_barriers = 3>
// CHECK-NEXT: nvgpu.mbarrier.create
// CHECK-NEXT: %[[EMPTY:.*]] = nvgpu.mbarrier.create -> {{.*}} num_barriers = 3>
// CHECK: scf.for
// CHECK: nvgpu.mbarrier.try_wait.parity %[[EMPTY]][%[[SLOT:.*]]],
// CHECK-NEXT: %[[BLOCK:.*]] = arith.index_cast %{{.*}} : index to i32
// CHECK-NEXT: %[[NONE:.*]] = arith.constant -1 : i32
// CHECK-NEXT: %[[RECORD:.*]] = arith.select %{{.*}}, %[[BLOCK]], %[[NONE]] : i32
// CHECK-NEXT: memref.store %[[RECORD]], %[[RECORDS]][%[[SLOT]]]
// CHECK: nvgpu.mbarrier.arrive.expect_tx %[[KEYS]][%[[SLOT]]]
// CHECK: nvgpu.mbarrier.try_wait.parity %[[KEYS]][
// CHECK: %[[READ:.*]] = memref.load %[[RECORDS]][
// CHECK: %[[USED:.*]] = arith.cmpi sge, %[[READ]], %{{.*}} : i32
// CHECK: arith.maxsi %[[READ]], %{{.*}} : i32
// CHECK: arith.select %[[USED]]
// CHECK: bsattn.mask

// PLAIN-LABEL: llvm.func @challenge
// PLAIN-NOT: memref<3xi32
// PLAIN-NOT: memref.store
