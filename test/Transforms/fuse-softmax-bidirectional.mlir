// RUN: bsattn-opt %bsattn_src_root/examples/bidirectional.mlir --bsattn-tile --bsattn-fuse-softmax | FileCheck %s
// RUN: bsattn-opt %bsattn_src_root/examples/challenge.mlir --bsattn-tile --bsattn-fuse-softmax | FileCheck %s --check-prefix=CAUSAL

// The mask of a bidirectional pattern's tile hides no key for coming after
// the query; a causal pattern's keeps the default.

// CHECK: bsattn.query_tile #bsattn.full
// CHECK: bsattn.mask {{.*}} {causal = false}

// CAUSAL: bsattn.query_tile #bsattn.csr
// CAUSAL: bsattn.mask
// CAUSAL-NOT: causal = false
