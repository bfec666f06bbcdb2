// RUN: bsattn-opt %s -split-input-file -verify-diagnostics

// One case per message of #bsattn.variant and of an op's `variants`: every
// shape the op accepts has exactly one variant, and every variant a shape.

// expected-error @+1 {{variant name must match [A-Za-z][A-Za-z0-9_]*, got '2long'}}
func.func @f() attributes {v = #bsattn.variant<"2long", tuning = #bsattn.tuning<>>} { return }

// -----

// expected-error @+1 {{variant name must match [A-Za-z][A-Za-z0-9_]*, got 'long-grids'}}
func.func @f() attributes {v = #bsattn.variant<"long-grids", tuning = #bsattn.tuning<>>} { return }

// -----

// expected-error @+1 {{variant 'long' has min_t_max = 8192 above max_t_max = 4096}}
func.func @f() attributes {v = #bsattn.variant<"long", tuning = #bsattn.tuning<>, min_t_max = 8192, max_t_max = 4096>} { return }

// -----

// expected-error @+1 {{variant 'few' min_batch_heads must be at least 1, got 0}}
func.func @f() attributes {v = #bsattn.variant<"few", tuning = #bsattn.tuning<>, min_batch_heads = 0>} { return }

// -----

// expected-error @+1 {{struct is missing required parameter: tuning}}
func.func @f() attributes {v = #bsattn.variant<"long", min_t_max = 8192>} { return }

// -----

func.func @both(%q: memref<?x?x?x128xbf16>, %seq_lens: memref<?xi32>,
                %row_ptr: memref<?x?x?xi32>, %col_idx: memref<?x?x?xi32>,
                %o: memref<?x?x?x128xbf16>, %lse: memref<?x?x?xf32>) {
  // expected-error @+1 {{takes either 'tuning' or 'variants' (each variant carries its tuning), not both}}
  bsattn.attention #bsattn.csr pv = f16
      ins(%q, %q, %q : memref<?x?x?x128xbf16>, memref<?x?x?x128xbf16>, memref<?x?x?x128xbf16>)
      seq_lens(%seq_lens : memref<?xi32>)
      indices(%row_ptr, %col_idx : memref<?x?x?xi32>, memref<?x?x?xi32>)
      outs(%o, %lse : memref<?x?x?x128xbf16>, memref<?x?x?xf32>)
      {tuning = #bsattn.tuning<>,
       variants = [#bsattn.variant<"all", tuning = #bsattn.tuning<persistent = true>>]}
  return
}

// -----

func.func @empty(%q: memref<?x?x?x128xbf16>, %seq_lens: memref<?xi32>,
                 %row_ptr: memref<?x?x?xi32>, %col_idx: memref<?x?x?xi32>,
                 %o: memref<?x?x?x128xbf16>, %lse: memref<?x?x?xf32>) {
  // expected-error @+1 {{'variants' must list at least one variant}}
  bsattn.attention #bsattn.csr pv = f16
      ins(%q, %q, %q : memref<?x?x?x128xbf16>, memref<?x?x?x128xbf16>, memref<?x?x?x128xbf16>)
      seq_lens(%seq_lens : memref<?xi32>)
      indices(%row_ptr, %col_idx : memref<?x?x?xi32>, memref<?x?x?xi32>)
      outs(%o, %lse : memref<?x?x?x128xbf16>, memref<?x?x?xf32>)
      {variants = []}
  return
}

// -----

func.func @twice(%q: memref<?x?x?x128xbf16>, %seq_lens: memref<?xi32>,
                 %row_ptr: memref<?x?x?xi32>, %col_idx: memref<?x?x?xi32>,
                 %o: memref<?x?x?x128xbf16>, %lse: memref<?x?x?xf32>) {
  // expected-error @+1 {{has two variants named 'grid'}}
  bsattn.attention #bsattn.csr pv = f16
      ins(%q, %q, %q : memref<?x?x?x128xbf16>, memref<?x?x?x128xbf16>, memref<?x?x?x128xbf16>)
      seq_lens(%seq_lens : memref<?xi32>)
      indices(%row_ptr, %col_idx : memref<?x?x?xi32>, memref<?x?x?xi32>)
      outs(%o, %lse : memref<?x?x?x128xbf16>, memref<?x?x?xf32>)
      {variants = [#bsattn.variant<"grid", tuning = #bsattn.tuning<>, max_t_max = 4096>,
                   #bsattn.variant<"grid", tuning = #bsattn.tuning<>, min_t_max = 4097>]}
  return
}

// -----

// t_max 1-4096 and 8192 up leave 4097-8191 to nobody.
func.func @gap(%q: memref<?x?x?x128xbf16>, %seq_lens: memref<?xi32>,
               %row_ptr: memref<?x?x?xi32>, %col_idx: memref<?x?x?xi32>,
               %o: memref<?x?x?x128xbf16>, %lse: memref<?x?x?xf32>) {
  // expected-error @+1 {{no variant serves t_max = 4097, batch_heads = 1}}
  bsattn.attention #bsattn.csr pv = f16
      ins(%q, %q, %q : memref<?x?x?x128xbf16>, memref<?x?x?x128xbf16>, memref<?x?x?x128xbf16>)
      seq_lens(%seq_lens : memref<?xi32>)
      indices(%row_ptr, %col_idx : memref<?x?x?xi32>, memref<?x?x?xi32>)
      outs(%o, %lse : memref<?x?x?x128xbf16>, memref<?x?x?xf32>)
      {variants = [#bsattn.variant<"short", tuning = #bsattn.tuning<>, max_t_max = 4096>,
                   #bsattn.variant<"long", tuning = #bsattn.tuning<persistent = true>, min_t_max = 8192>]}
  return
}

// -----

// Few heads of long sequences are served twice: by "long" and by "few".
func.func @overlap(%q: memref<?x?x?x128xbf16>, %seq_lens: memref<?xi32>,
                   %row_ptr: memref<?x?x?xi32>, %col_idx: memref<?x?x?xi32>,
                   %o: memref<?x?x?x128xbf16>, %lse: memref<?x?x?xf32>) {
  // expected-error @+1 {{variants 'long' and 'few' both serve t_max = 8192, batch_heads = 1}}
  bsattn.attention #bsattn.csr pv = f16
      ins(%q, %q, %q : memref<?x?x?x128xbf16>, memref<?x?x?x128xbf16>, memref<?x?x?x128xbf16>)
      seq_lens(%seq_lens : memref<?xi32>)
      indices(%row_ptr, %col_idx : memref<?x?x?xi32>, memref<?x?x?xi32>)
      outs(%o, %lse : memref<?x?x?x128xbf16>, memref<?x?x?xf32>)
      {variants = [#bsattn.variant<"short", tuning = #bsattn.tuning<>, max_t_max = 8191, min_batch_heads = 17>,
                   #bsattn.variant<"long", tuning = #bsattn.tuning<persistent = true>, min_t_max = 8192>,
                   #bsattn.variant<"few", tuning = #bsattn.tuning<>, max_batch_heads = 16>]}
  return
}

// -----

// A static T of 4096 never reaches "long".
func.func @unused(%q: memref<?x?x4096x128xbf16>, %seq_lens: memref<?xi32>,
                  %row_ptr: memref<?x?x33xi32>, %col_idx: memref<?x?x?xi32>,
                  %o: memref<?x?x4096x128xbf16>, %lse: memref<?x?x4096xf32>) {
  // expected-error @+1 {{variant 'long' serves no shape of this op (t_max = 4096, any batch_heads)}}
  bsattn.attention #bsattn.csr pv = f16
      ins(%q, %q, %q : memref<?x?x4096x128xbf16>, memref<?x?x4096x128xbf16>, memref<?x?x4096x128xbf16>)
      seq_lens(%seq_lens : memref<?xi32>)
      indices(%row_ptr, %col_idx : memref<?x?x33xi32>, memref<?x?x?xi32>)
      outs(%o, %lse : memref<?x?x4096x128xbf16>, memref<?x?x4096xf32>)
      {variants = [#bsattn.variant<"short", tuning = #bsattn.tuning<>, max_t_max = 8191>,
                   #bsattn.variant<"long", tuning = #bsattn.tuning<persistent = true>, min_t_max = 8192>]}
  return
}

// -----

// A variant's tuning is checked as the op's own would be.
func.func @tiles(%q: memref<?x?x?x128xbf16>, %seq_lens: memref<?xi32>,
                 %row_ptr: memref<?x?x?xi32>, %col_idx: memref<?x?x?xi32>,
                 %o: memref<?x?x?x128xbf16>, %lse: memref<?x?x?xf32>) {
  // expected-error @+1 {{tuning block_k = 80 does not divide the 128-token blocks of #bsattn.csr}}
  bsattn.attention #bsattn.csr pv = f16
      ins(%q, %q, %q : memref<?x?x?x128xbf16>, memref<?x?x?x128xbf16>, memref<?x?x?x128xbf16>)
      seq_lens(%seq_lens : memref<?xi32>)
      indices(%row_ptr, %col_idx : memref<?x?x?xi32>, memref<?x?x?xi32>)
      outs(%o, %lse : memref<?x?x?x128xbf16>, memref<?x?x?xf32>)
      {variants = [#bsattn.variant<"all", tuning = #bsattn.tuning<block_k = 80>>]}
  return
}
