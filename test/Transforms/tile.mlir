// RUN: bsattn-opt %s --bsattn-tile --split-input-file | FileCheck %s

// CSR: row offsets are clamped to [0, NNZ] and the end to at least the
// start; an entry is used only if 0 <= j <= qb and j < ceil(seq_len / 128).

// CHECK-LABEL: func.func @csr
// CHECK: %[[T:.*]] = memref.dim %[[Q:.*]], %c2
// CHECK: %[[NNZ:.*]] = memref.dim %[[COL:.*]], %c2
// CHECK: bsattn.query_tile #bsattn.csr pv = split_bf16
// CHECK-SAME: captures(%{{.*}}, %[[T]], %{{.*}}, %[[COL]], %[[NNZ]] :
// CHECK-SAME: capture_names = ["seq_lens", "seq_limit", "row_ptr", "col_idx", "nnz"]
// CHECK-SAME: scale = 0.0883883461 : f32
// CHECK-SAME: tuning = #bsattn.tuning<>
// CHECK: ^bb0(%[[B:.*]]: index, %[[H:.*]]: index, %[[QB:.*]]: index, %[[SL:.*]]: memref<2xi32>, %[[LIMIT:.*]]: index, %[[RP:.*]]: memref<2x4x9xi32>, %[[CI:.*]]: memref<2x4x?xi32>, %[[N:.*]]: index):
// CHECK: %[[LEN:.*]] = memref.load %[[SL]][%[[B]]]
// CHECK: %[[LENI:.*]] = arith.index_cast %[[LEN]]
// CHECK: %[[LEN0:.*]] = arith.maxsi %[[LENI]], %c0
// CHECK: %[[SEQ:.*]] = arith.minsi %[[LEN0]], %[[LIMIT]]
// CHECK: %[[VALID:.*]] = arith.ceildivsi %[[SEQ]], %c128
// CHECK: %[[TILEOK:.*]] = arith.cmpi slt, %[[QB]], %[[VALID]]
// CHECK: %[[NEXT:.*]] = arith.addi %[[QB]], %c1
// CHECK: memref.load %[[RP]][%[[B]], %[[H]], %[[QB]]]
// CHECK: %[[BEGIN0:.*]] = arith.maxsi %{{.*}}, %{{.*}}
// CHECK: %[[BEGIN:.*]] = arith.minsi %[[BEGIN0]], %[[N]]
// CHECK: memref.load %[[RP]][%[[B]], %[[H]], %[[NEXT]]]
// CHECK: %[[END0:.*]] = arith.maxsi %{{.*}}, %[[BEGIN]]
// CHECK: %[[END:.*]] = arith.minsi %[[END0]], %[[N]]
// CHECK: %[[COUNT:.*]] = arith.subi %[[END]], %[[BEGIN]]
// CHECK: %[[C:.*]] = arith.select %[[TILEOK]], %[[COUNT]], %{{.*}}
// CHECK: bsattn.key_block_loop count(%[[C]]) seq_len(%[[SEQ]]) {
// CHECK: ^bb0(%[[E:.*]]: index):
// CHECK: %[[SLOT:.*]] = arith.addi %[[BEGIN]], %[[E]]
// CHECK: %[[J32:.*]] = memref.load %[[CI]][%[[B]], %[[H]], %[[SLOT]]]
// CHECK: %[[J:.*]] = arith.index_cast %[[J32]]
// CHECK: %[[NONNEG:.*]] = arith.cmpi sge, %[[J]]
// CHECK: %[[CAUSAL:.*]] = arith.cmpi sle, %[[J]], %[[QB]]
// CHECK: %[[INSEQ:.*]] = arith.cmpi slt, %[[J]], %[[VALID]]
// CHECK: %[[OK0:.*]] = arith.andi %[[NONNEG]], %[[CAUSAL]]
// CHECK: %[[OK:.*]] = arith.andi %[[OK0]], %[[INSEQ]]
// CHECK: bsattn.yield_key_block %[[J]], %[[OK]]
// CHECK-NOT: bsattn.attention
func.func @csr(%q: memref<2x4x1024x128xbf16>, %seq_lens: memref<2xi32>,
               %row_ptr: memref<2x4x9xi32>, %col_idx: memref<2x4x?xi32>,
               %o: memref<2x4x1024x128xbf16>, %lse: memref<2x4x1024xf32>) {
  bsattn.attention #bsattn.csr pv = split_bf16
      ins(%q, %q, %q : memref<2x4x1024x128xbf16>, memref<2x4x1024x128xbf16>, memref<2x4x1024x128xbf16>)
      seq_lens(%seq_lens : memref<2xi32>)
      indices(%row_ptr, %col_idx : memref<2x4x9xi32>, memref<2x4x?xi32>)
      outs(%o, %lse : memref<2x4x1024x128xbf16>, memref<2x4x1024xf32>)
  return
}

// -----

// Causal: entries 0 .. qb, all used; an explicit scale and tuning pass on.

// CHECK-LABEL: func.func @causal
// CHECK: bsattn.query_tile #bsattn.causal pv = bf16
// CHECK-SAME: capture_names = ["seq_lens", "seq_limit"]
// CHECK-SAME: scale = 5.000000e-01 : f32
// CHECK-SAME: tuning = #bsattn.tuning<stages = 3>
// CHECK: ^bb0(%{{.*}}: index, %{{.*}}: index, %[[QB:.*]]: index,
// CHECK: %[[TILEOK:.*]] = arith.cmpi slt, %[[QB]]
// CHECK: %[[NUM:.*]] = arith.addi %[[QB]], %c1
// CHECK: %[[C:.*]] = arith.select %[[TILEOK]], %[[NUM]]
// CHECK: bsattn.key_block_loop count(%[[C]])
// CHECK: ^bb0(%[[E:.*]]: index):
// CHECK: %[[TRUE:.*]] = arith.constant true
// CHECK: bsattn.yield_key_block %[[E]], %[[TRUE]]
func.func @causal(%q: memref<1x2x512x128xbf16>, %seq_lens: memref<1xi32>,
                  %o: memref<1x2x512x128xbf16>, %lse: memref<1x2x512xf32>) {
  bsattn.attention #bsattn.causal pv = bf16
      ins(%q, %q, %q : memref<1x2x512x128xbf16>, memref<1x2x512x128xbf16>, memref<1x2x512x128xbf16>)
      seq_lens(%seq_lens : memref<1xi32>)
      outs(%o, %lse : memref<1x2x512x128xbf16>, memref<1x2x512xf32>)
      {scale = 0.5 : f32, tuning = #bsattn.tuning<stages = 3>}
  return
}

// -----

// Sliding window of 3: entries start .. qb with start = max(0, qb - 2).

// CHECK-LABEL: func.func @sliding_window
// CHECK: ^bb0(%{{.*}}: index, %{{.*}}: index, %[[QB:.*]]: index,
// CHECK: %[[SHIFT:.*]] = arith.subi %[[QB]], %c2
// CHECK: %[[START:.*]] = arith.maxsi %[[SHIFT]], %c0
// CHECK: %[[END:.*]] = arith.addi %[[QB]], %c1
// CHECK: %[[NUM:.*]] = arith.subi %[[END]], %[[START]]
// CHECK: bsattn.key_block_loop
// CHECK: ^bb0(%[[E:.*]]: index):
// CHECK: %[[J:.*]] = arith.addi %[[START]], %[[E]]
// CHECK: bsattn.yield_key_block %[[J]]
func.func @sliding_window(%q: memref<1x2x512x128xbf16>, %seq_lens: memref<1xi32>,
                          %o: memref<1x2x512x128xbf16>, %lse: memref<1x2x512xf32>) {
  bsattn.attention #bsattn.sliding_window<3> pv = split_bf16
      ins(%q, %q, %q : memref<1x2x512x128xbf16>, memref<1x2x512x128xbf16>, memref<1x2x512x128xbf16>)
      seq_lens(%seq_lens : memref<1xi32>)
      outs(%o, %lse : memref<1x2x512x128xbf16>, memref<1x2x512xf32>)
  return
}

// -----

// Window 2 plus 4 global blocks: the globals below the window come first
// (min(4, start) of them), then the window.

// CHECK-LABEL: func.func @window_global
// CHECK: ^bb0(%{{.*}}: index, %{{.*}}: index, %[[QB:.*]]: index,
// CHECK: %[[SHIFT:.*]] = arith.subi %[[QB]], %c1
// CHECK: %[[START:.*]] = arith.maxsi %[[SHIFT]], %c0
// CHECK: %[[G:.*]] = arith.minsi %c4, %[[START]]
// CHECK: %[[WIN:.*]] = arith.subi %{{.*}}, %[[START]]
// CHECK: %[[NUM:.*]] = arith.addi %[[G]], %[[WIN]]
// CHECK: bsattn.key_block_loop
// CHECK: ^bb0(%[[E:.*]]: index):
// CHECK: %[[ISG:.*]] = arith.cmpi slt, %[[E]], %[[G]]
// CHECK: %[[OFF:.*]] = arith.subi %[[E]], %[[G]]
// CHECK: %[[INWIN:.*]] = arith.addi %[[START]], %[[OFF]]
// CHECK: %[[J:.*]] = arith.select %[[ISG]], %[[E]], %[[INWIN]]
// CHECK: bsattn.yield_key_block %[[J]]
func.func @window_global(%q: memref<1x2x1024x128xbf16>, %seq_lens: memref<1xi32>,
                         %o: memref<1x2x1024x128xbf16>, %lse: memref<1x2x1024xf32>) {
  bsattn.attention #bsattn.window_global<2, 4> pv = split_bf16
      ins(%q, %q, %q : memref<1x2x1024x128xbf16>, memref<1x2x1024x128xbf16>, memref<1x2x1024x128xbf16>)
      seq_lens(%seq_lens : memref<1xi32>)
      outs(%o, %lse : memref<1x2x1024x128xbf16>, memref<1x2x1024xf32>)
  return
}

// -----

// Grouped-query attention: the tile keeps the group.
// CHECK-LABEL: func.func @grouped
// CHECK: bsattn.query_tile #bsattn.causal
// CHECK-SAME: kv_group = 4 : i64
func.func @grouped(%q: memref<1x8x256x128xbf16>, %k: memref<1x2x256x128xbf16>, %v: memref<1x2x256x128xbf16>, %s: memref<1xi32>, %o: memref<1x8x256x128xbf16>, %l: memref<1x8x256xf32>) {
  bsattn.attention #bsattn.causal pv = f16
      ins(%q, %k, %v : memref<1x8x256x128xbf16>, memref<1x2x256x128xbf16>, memref<1x2x256x128xbf16>)
      seq_lens(%s : memref<1xi32>)
      outs(%o, %l : memref<1x8x256x128xbf16>, memref<1x8x256xf32>) {kv_group = 4}
  return
}

// -----

// Index lists per K/V head: query head h reads the lists of head h / 4.
// CHECK-LABEL: func.func @grouped_csr_per_kv_head
// CHECK: bsattn.query_tile #bsattn.csr<per_kv_head = true>
// CHECK: ^bb0(%[[B:[a-z0-9]+]]: index, %[[H:[a-z0-9]+]]: index, %[[QB:[a-z0-9]+]]: index,
// CHECK: %[[LISTS:.*]] = arith.divui %[[H]], %c4
// CHECK: memref.load %{{.*}}[%[[B]], %[[LISTS]], %[[QB]]]
// CHECK: memref.load %{{.*}}[%[[B]], %[[LISTS]], %{{.*}}]
// CHECK: bsattn.key_block_loop
// CHECK: memref.load %{{.*}}[%[[B]], %[[LISTS]], %{{.*}}]
func.func @grouped_csr_per_kv_head(%q: memref<1x8x256x128xbf16>, %k: memref<1x2x256x128xbf16>, %v: memref<1x2x256x128xbf16>, %s: memref<1xi32>, %rp: memref<1x2x3xi32>, %ci: memref<1x2x3xi32>, %o: memref<1x8x256x128xbf16>, %l: memref<1x8x256xf32>) {
  bsattn.attention #bsattn.csr<per_kv_head = true> pv = f16
      ins(%q, %k, %v : memref<1x8x256x128xbf16>, memref<1x2x256x128xbf16>, memref<1x2x256x128xbf16>)
      seq_lens(%s : memref<1xi32>)
      indices(%rp, %ci : memref<1x2x3xi32>, memref<1x2x3xi32>)
      outs(%o, %l : memref<1x8x256x128xbf16>, memref<1x8x256xf32>) {kv_group = 4}
  return
}

// -----

// Bidirectional dense: every key block before ceil(seq_len / 128), all used.
// CHECK-LABEL: func.func @full
// CHECK: bsattn.query_tile #bsattn.full
// CHECK: %[[VALID:.*]] = arith.ceildivsi %{{.*}}, %c128
// CHECK: %[[TILEOK:.*]] = arith.cmpi slt, %{{.*}}, %[[VALID]]
// CHECK: %[[C:.*]] = arith.select %[[TILEOK]], %[[VALID]], %{{.*}}
// CHECK: bsattn.key_block_loop count(%[[C]])
// CHECK: ^bb0(%[[E:.*]]: index):
// CHECK: bsattn.yield_key_block %[[E]], %true
func.func @full(%q: memref<1x2x512x128xbf16>, %s: memref<1xi32>, %o: memref<1x2x512x128xbf16>, %l: memref<1x2x512xf32>) {
  bsattn.attention #bsattn.full pv = f16
      ins(%q, %q, %q : memref<1x2x512x128xbf16>, memref<1x2x512x128xbf16>, memref<1x2x512x128xbf16>)
      seq_lens(%s : memref<1xi32>)
      outs(%o, %l : memref<1x2x512x128xbf16>, memref<1x2x512xf32>)
  return
}

// -----

// Bidirectional CSR: entries after the query block are used too (no j <= qb
// test); negative ones and those past the sequence are still ignored.
// CHECK-LABEL: func.func @csr_bidirectional
// CHECK: bsattn.key_block_loop
// CHECK: %[[J:.*]] = arith.index_cast
// CHECK: %[[NONNEG:.*]] = arith.cmpi sge, %[[J]]
// CHECK-NOT: arith.cmpi sle
// CHECK: %[[INSEQ:.*]] = arith.cmpi slt, %[[J]]
// CHECK: %[[OK:.*]] = arith.andi %[[NONNEG]], %[[INSEQ]]
// CHECK: bsattn.yield_key_block %[[J]], %[[OK]]
func.func @csr_bidirectional(%q: memref<1x2x512x128xbf16>, %s: memref<1xi32>, %rp: memref<1x2x5xi32>, %ci: memref<1x2x?xi32>, %o: memref<1x2x512x128xbf16>, %l: memref<1x2x512xf32>) {
  bsattn.attention #bsattn.csr<causal = false> pv = f16
      ins(%q, %q, %q : memref<1x2x512x128xbf16>, memref<1x2x512x128xbf16>, memref<1x2x512x128xbf16>)
      seq_lens(%s : memref<1xi32>)
      indices(%rp, %ci : memref<1x2x5xi32>, memref<1x2x?xi32>)
      outs(%o, %l : memref<1x2x512x128xbf16>, memref<1x2x512xf32>)
  return
}

// -----

// A sliding window that looks both ways: key blocks max(0, qb - 2) ..
// min(qb + 3, ceil(seq_len / 128)) - 1, all used.
// CHECK-LABEL: func.func @window_both_ways
// CHECK: bsattn.query_tile #bsattn.sliding_window<3, causal = false>
// CHECK: ^bb0(%{{.*}}: index, %{{.*}}: index, %[[QB:.*]]: index,
// CHECK: %[[VALID:.*]] = arith.ceildivsi
// CHECK: %[[BACK:.*]] = arith.subi %[[QB]], %c2
// CHECK: %[[START:.*]] = arith.maxsi %[[BACK]], %{{.*}}
// CHECK: %[[AHEAD:.*]] = arith.addi %[[QB]], %c3
// CHECK: %[[END:.*]] = arith.minsi %[[AHEAD]], %[[VALID]]
// CHECK: %[[COUNT:.*]] = arith.subi %[[END]], %[[START]]
// CHECK: bsattn.key_block_loop count(%{{.*}})
// CHECK: %[[J:.*]] = arith.addi %[[START]], %{{.*}}
// CHECK: bsattn.yield_key_block %[[J]], %true
func.func @window_both_ways(%q: memref<1x2x1024x128xbf16>, %s: memref<1xi32>, %o: memref<1x2x1024x128xbf16>, %l: memref<1x2x1024xf32>) {
  bsattn.attention #bsattn.sliding_window<3, causal = false> pv = f16
      ins(%q, %q, %q : memref<1x2x1024x128xbf16>, memref<1x2x1024x128xbf16>, memref<1x2x1024x128xbf16>)
      seq_lens(%s : memref<1xi32>)
      outs(%o, %l : memref<1x2x1024x128xbf16>, memref<1x2x1024xf32>)
  return
}

// -----

// D = 256 takes 64-key tiles (block_k = 0 chooses): each used block of the
// causal schedule becomes its two key tiles, 2j and 2j + 1, and a key tile
// entirely at or past seq_len is not used.

// CHECK-LABEL: func.func @key_tiles
// CHECK: bsattn.query_tile #bsattn.causal pv = f16
// CHECK-SAME: tuning = #bsattn.tuning<>
// CHECK: ^bb0(%{{.*}}: index, %{{.*}}: index, %[[QB:.*]]: index,
// CHECK: %[[SEQ:.*]] = arith.minsi
// CHECK: %[[BLOCKS:.*]] = arith.addi %[[QB]], %c1
// CHECK: %[[COUNT:.*]] = arith.select %{{.*}}, %[[BLOCKS]], %c0
// CHECK: %[[TILES:.*]] = arith.muli %[[COUNT]], %c2
// CHECK: %[[VALIDTILES:.*]] = arith.ceildivsi %[[SEQ]], %c64
// CHECK: bsattn.key_block_loop count(%[[TILES]]) seq_len(%[[SEQ]]) {
// CHECK: ^bb0(%[[E:.*]]: index):
// CHECK: %[[BLOCK:.*]] = arith.divui %[[E]], %c2
// CHECK: %[[FIRST:.*]] = arith.muli %[[BLOCK]], %c2
// CHECK: %[[SUB:.*]] = arith.remui %[[E]], %c2
// CHECK: %[[TILE:.*]] = arith.addi %[[FIRST]], %[[SUB]]
// CHECK: %[[BEFORE:.*]] = arith.cmpi slt, %[[TILE]], %[[VALIDTILES]]
// CHECK: %[[USED:.*]] = arith.andi %true, %[[BEFORE]]
// CHECK: bsattn.yield_key_block %[[TILE]], %[[USED]]
!act = memref<1x2x1000x256xf16>
func.func @key_tiles(%q: !act, %seq_lens: memref<1xi32>, %o: !act,
                     %lse: memref<1x2x1000xf32>) {
  bsattn.attention #bsattn.causal pv = f16
      ins(%q, %q, %q : !act, !act, !act)
      seq_lens(%seq_lens : memref<1xi32>)
      outs(%o, %lse : !act, memref<1x2x1000xf32>)
  return
}

// -----

// CSR with 64-key tiles: entry e reads the list's entry e / 2, whose
// validity (0 <= j <= qb, j before the sequence's blocks) both of its key
// tiles share.

// CHECK-LABEL: func.func @csr_key_tiles
// CHECK: ^bb0(%[[B:.*]]: index, %[[H:.*]]: index, %[[QB:.*]]: index, %{{.*}}: memref<1xi32>, %{{.*}}: index, %{{.*}}: memref<1x2x9xi32>, %[[CI:.*]]: memref<1x2x?xi32>, %[[NNZ:.*]]: index):
// CHECK: %[[BEGIN:.*]] = arith.minsi %{{.*}}, %[[NNZ]]
// CHECK: %[[TILES:.*]] = arith.muli %{{.*}}, %c2
// CHECK: %[[VALIDTILES:.*]] = arith.ceildivsi %{{.*}}, %c64
// CHECK: bsattn.key_block_loop count(%[[TILES]])
// CHECK: ^bb0(%[[E:.*]]: index):
// CHECK: %[[ENTRY:.*]] = arith.divui %[[E]], %c2
// CHECK: %[[SLOT:.*]] = arith.addi %[[BEGIN]], %[[ENTRY]]
// CHECK: %[[J32:.*]] = memref.load %[[CI]][%[[B]], %[[H]], %[[SLOT]]]
// CHECK: %[[J:.*]] = arith.index_cast %[[J32]]
// CHECK: %[[NONNEG:.*]] = arith.cmpi sge, %[[J]]
// CHECK: %[[CAUSAL:.*]] = arith.cmpi sle, %[[J]], %[[QB]]
// CHECK: %[[INSEQ:.*]] = arith.cmpi slt, %[[J]]
// CHECK: %[[OK0:.*]] = arith.andi %[[NONNEG]], %[[CAUSAL]]
// CHECK: %[[OK:.*]] = arith.andi %[[OK0]], %[[INSEQ]]
// CHECK: %[[FIRST:.*]] = arith.muli %[[J]], %c2
// CHECK: %[[SUB:.*]] = arith.remui %[[E]], %c2
// CHECK: %[[TILE:.*]] = arith.addi %[[FIRST]], %[[SUB]]
// CHECK: %[[BEFORE:.*]] = arith.cmpi slt, %[[TILE]], %[[VALIDTILES]]
// CHECK: %[[USED:.*]] = arith.andi %[[OK]], %[[BEFORE]]
// CHECK: bsattn.yield_key_block %[[TILE]], %[[USED]]
!act = memref<1x2x1024x192xbf16>
func.func @csr_key_tiles(%q: !act, %seq_lens: memref<1xi32>,
                         %row_ptr: memref<1x2x9xi32>, %col_idx: memref<1x2x?xi32>,
                         %o: !act, %lse: memref<1x2x1024xf32>) {
  bsattn.attention #bsattn.csr pv = f16
      ins(%q, %q, %q : !act, !act, !act)
      seq_lens(%seq_lens : memref<1xi32>)
      indices(%row_ptr, %col_idx : memref<1x2x9xi32>, memref<1x2x?xi32>)
      outs(%o, %lse : !act, memref<1x2x1024xf32>)
  return
}

// -----

// Key tiles across blocks (80 keys, FlashAttention-3's tile at D = 256):
// causal tiles cover the keys up to the query tile's last row or seq_len,
// key tile e is entry e and always used (the mask hides the keys past the
// diagonal or seq_len); full ones cover seq_len.

// CHECK-LABEL: func.func @causal_key_tiles_across_blocks
// CHECK: ^bb0(%{{.*}}: index, %{{.*}}: index, %[[QB:.*]]: index,
// CHECK: %[[LEN:.*]] = arith.minsi
// CHECK: %[[NEXT:.*]] = arith.addi %[[QB]], %c1
// CHECK: %[[END:.*]] = arith.muli %[[NEXT]], %c128{{.*}}
// CHECK: %[[KEYS:.*]] = arith.minsi %[[END]], %[[LEN]]
// CHECK: %[[TILES:.*]] = arith.ceildivsi %[[KEYS]], %c80
// CHECK: %[[COUNT:.*]] = arith.select %{{.*}}, %[[TILES]], %c0
// CHECK: bsattn.key_block_loop count(%[[COUNT]]) seq_len(%[[LEN]])
// CHECK: ^bb0(%[[E:.*]]: index):
// CHECK-NEXT: %[[TRUE:.*]] = arith.constant true
// CHECK-NEXT: bsattn.yield_key_block %[[E]], %[[TRUE]]
// CHECK-LABEL: func.func @full_key_tiles_across_blocks
// CHECK: %[[FLEN:.*]] = arith.minsi
// CHECK: %[[FTILES:.*]] = arith.ceildivsi %[[FLEN]], %c112
// CHECK: bsattn.key_block_loop count(%{{.*}}) seq_len(%[[FLEN]])
!d256 = memref<1x2x1000x256xf16>
func.func @causal_key_tiles_across_blocks(%q: !d256, %seq_lens: memref<1xi32>,
                                          %o: !d256, %lse: memref<1x2x1000xf32>) {
  bsattn.attention #bsattn.causal pv = f16
      ins(%q, %q, %q : !d256, !d256, !d256)
      seq_lens(%seq_lens : memref<1xi32>)
      outs(%o, %lse : !d256, memref<1x2x1000xf32>)
      {tuning = #bsattn.tuning<block_k = 80>}
  return
}
!d192 = memref<1x2x1000x192xf16>
func.func @full_key_tiles_across_blocks(%q: !d192, %seq_lens: memref<1xi32>,
                                        %o: !d192, %lse: memref<1x2x1000xf32>) {
  bsattn.attention #bsattn.full pv = f16
      ins(%q, %q, %q : !d192, !d192, !d192)
      seq_lens(%seq_lens : memref<1xi32>)
      outs(%o, %lse : !d192, memref<1x2x1000xf32>)
      {tuning = #bsattn.tuning<block_k = 112>}
  return
}

// -----

// Query tiles of 192 rows (FlashAttention-3's tile at D = 64) run across the
// 128-token blocks: tile qb holds a query if 192 qb < seq_len, and a causal
// one covers the keys up to its last row (192 (qb + 1)) or seq_len, in key
// tiles of 128.

// CHECK-LABEL: func.func @causal_query_tiles_across_blocks
// CHECK: ^bb0(%{{.*}}: index, %{{.*}}: index, %[[QB:.*]]: index,
// CHECK: %[[LEN:.*]] = arith.minsi
// CHECK: %[[FIRST:.*]] = arith.muli %[[QB]], %c192
// CHECK: %[[VALID:.*]] = arith.cmpi slt, %[[FIRST]], %[[LEN]]
// CHECK: %[[NEXT:.*]] = arith.addi %[[QB]], %c1
// CHECK: %[[END:.*]] = arith.muli %[[NEXT]], %c192
// CHECK: %[[KEYS:.*]] = arith.minsi %[[END]], %[[LEN]]
// CHECK: %[[TILES:.*]] = arith.ceildivsi %[[KEYS]], %c128
// CHECK: %[[COUNT:.*]] = arith.select %[[VALID]], %[[TILES]], %c0
// CHECK: bsattn.key_block_loop count(%[[COUNT]]) seq_len(%[[LEN]])
// CHECK: ^bb0(%[[E:.*]]: index):
// CHECK-NEXT: %[[TRUE:.*]] = arith.constant true
// CHECK-NEXT: bsattn.yield_key_block %[[E]], %[[TRUE]]
!d64 = memref<1x2x1000x64xf16>
func.func @causal_query_tiles_across_blocks(%q: !d64, %seq_lens: memref<1xi32>,
                                            %o: !d64, %lse: memref<1x2x1000xf32>) {
  bsattn.attention #bsattn.causal pv = f16
      ins(%q, %q, %q : !d64, !d64, !d64)
      seq_lens(%seq_lens : memref<1xi32>)
      outs(%o, %lse : !d64, memref<1x2x1000xf32>)
      {tuning = #bsattn.tuning<block_q = 192, warpgroups = 3>}
  return
}

// -----

// descending_keys: iteration e runs entry count - 1 - e (for a causal tile
// the diagonal block first), on the block schedule (CSR here), on key tiles
// split from blocks and on key tiles across blocks (D = 96's query tiles of
// 192 rows).

// CHECK-LABEL: func.func @csr_descending
// CHECK: %[[C:.*]] = arith.select %{{.*}}, %{{.*}}, %{{.*}}
// CHECK: bsattn.key_block_loop count(%[[C]])
// CHECK: ^bb0(%[[E:.*]]: index):
// CHECK: %[[LAST:.*]] = arith.subi %[[C]], %c1
// CHECK-NEXT: %[[N:.*]] = arith.subi %[[LAST]], %[[E]]
// CHECK-NEXT: %[[SLOT:.*]] = arith.addi %{{.*}}, %[[N]]
// CHECK-NEXT: memref.load %{{.*}}[%{{.*}}, %{{.*}}, %[[SLOT]]]
func.func @csr_descending(%q: memref<1x2x512x128xf16>, %s: memref<1xi32>, %rp: memref<1x2x5xi32>, %ci: memref<1x2x?xi32>, %o: memref<1x2x512x128xf16>, %l: memref<1x2x512xf32>) {
  bsattn.attention #bsattn.csr pv = f16
      ins(%q, %q, %q : memref<1x2x512x128xf16>, memref<1x2x512x128xf16>, memref<1x2x512x128xf16>)
      seq_lens(%s : memref<1xi32>)
      indices(%rp, %ci : memref<1x2x5xi32>, memref<1x2x?xi32>)
      outs(%o, %l : memref<1x2x512x128xf16>, memref<1x2x512xf32>)
      {tuning = #bsattn.tuning<descending_keys = true>}
  return
}

// CHECK-LABEL: func.func @causal_split_descending
// CHECK: %[[NUM:.*]] = arith.addi %[[QB:.*]], %c1
// CHECK: %[[C:.*]] = arith.select %{{.*}}, %[[NUM]], %{{.*}}
// CHECK: %[[TILES:.*]] = arith.muli %[[C]], %c2
// CHECK: bsattn.key_block_loop count(%[[TILES]])
// CHECK: ^bb0(%[[E:.*]]: index):
// CHECK: %[[LAST:.*]] = arith.subi %[[TILES]], %c1
// CHECK-NEXT: %[[N:.*]] = arith.subi %[[LAST]], %[[E]]
// CHECK: %[[BLOCK:.*]] = arith.divui %[[N]], %c2
// CHECK: %[[FIRST:.*]] = arith.muli %[[BLOCK]], %c2
// CHECK: %[[IN:.*]] = arith.remui %[[N]], %c2
// CHECK: %[[TILE:.*]] = arith.addi %[[FIRST]], %[[IN]]
// CHECK: bsattn.yield_key_block %[[TILE]]
!d256s = memref<1x2x512x256xf16>
func.func @causal_split_descending(%q: !d256s, %s: memref<1xi32>, %o: !d256s, %l: memref<1x2x512xf32>) {
  bsattn.attention #bsattn.causal pv = f16
      ins(%q, %q, %q : !d256s, !d256s, !d256s)
      seq_lens(%s : memref<1xi32>)
      outs(%o, %l : !d256s, memref<1x2x512xf32>)
      {tuning = #bsattn.tuning<block_k = 64, descending_keys = true>}
  return
}

// CHECK-LABEL: func.func @causal_across_descending
// CHECK: %[[TILES:.*]] = arith.ceildivsi %{{.*}}, %c96
// CHECK: %[[COUNT:.*]] = arith.select %{{.*}}, %[[TILES]], %c0
// CHECK: bsattn.key_block_loop count(%[[COUNT]])
// CHECK: ^bb0(%[[E:.*]]: index):
// CHECK: %[[LAST:.*]] = arith.subi %[[COUNT]], %c1
// CHECK-NEXT: %[[N:.*]] = arith.subi %[[LAST]], %[[E]]
// CHECK-NEXT: %[[TRUE:.*]] = arith.constant true
// CHECK-NEXT: bsattn.yield_key_block %[[N]], %[[TRUE]]
!d96 = memref<1x2x1000x96xf16>
func.func @causal_across_descending(%q: !d96, %s: memref<1xi32>, %o: !d96, %l: memref<1x2x1000xf32>) {
  bsattn.attention #bsattn.causal pv = f16
      ins(%q, %q, %q : !d96, !d96, !d96)
      seq_lens(%s : memref<1xi32>)
      outs(%o, %l : !d96, memref<1x2x1000xf32>)
      {tuning = #bsattn.tuning<block_q = 192, block_k = 96, warpgroups = 3, descending_keys = true>}
  return
}
