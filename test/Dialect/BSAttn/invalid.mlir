// RUN: bsattn-opt %s -split-input-file -verify-diagnostics

// One case per verifier message of bsattn.attention.

func.func @f(%q: memref<*xbf16>, %k: memref<1x2x256x128xbf16>, %v: memref<1x2x256x128xbf16>, %s: memref<1xi32>, %rp: memref<1x2x3xi32>, %ci: memref<1x2x4xi32>, %o: memref<1x2x256x128xbf16>, %l: memref<1x2x256xf32>) {
  // expected-error @+1 {{'q' must be a ranked memref [B, H, T, D], got 'memref<*xbf16>'}}
  bsattn.attention #bsattn.causal pv = split_bf16
      ins(%q, %k, %v : memref<*xbf16>, memref<1x2x256x128xbf16>, memref<1x2x256x128xbf16>)
      seq_lens(%s : memref<1xi32>)
      outs(%o, %l : memref<1x2x256x128xbf16>, memref<1x2x256xf32>)
  return
}

// -----

func.func @f(%q: memref<2x256x128xbf16>, %k: memref<1x2x256x128xbf16>, %v: memref<1x2x256x128xbf16>, %s: memref<1xi32>, %rp: memref<1x2x3xi32>, %ci: memref<1x2x4xi32>, %o: memref<1x2x256x128xbf16>, %l: memref<1x2x256xf32>) {
  // expected-error @+1 {{'q' must have rank 4 [B, H, T, D], got rank 3}}
  bsattn.attention #bsattn.causal pv = split_bf16
      ins(%q, %k, %v : memref<2x256x128xbf16>, memref<1x2x256x128xbf16>, memref<1x2x256x128xbf16>)
      seq_lens(%s : memref<1xi32>)
      outs(%o, %l : memref<1x2x256x128xbf16>, memref<1x2x256xf32>)
  return
}

// -----

func.func @f(%q: memref<1x2x256x128xf32>, %k: memref<1x2x256x128xbf16>, %v: memref<1x2x256x128xbf16>, %s: memref<1xi32>, %rp: memref<1x2x3xi32>, %ci: memref<1x2x4xi32>, %o: memref<1x2x256x128xbf16>, %l: memref<1x2x256xf32>) {
  // expected-error @+1 {{'q' element type must be bf16 or f16, got 'f32'}}
  bsattn.attention #bsattn.causal pv = split_bf16
      ins(%q, %k, %v : memref<1x2x256x128xf32>, memref<1x2x256x128xbf16>, memref<1x2x256x128xbf16>)
      seq_lens(%s : memref<1xi32>)
      outs(%o, %l : memref<1x2x256x128xbf16>, memref<1x2x256xf32>)
  return
}

// -----

func.func @f(%q: memref<1x2x256x128xbf16, strided<[65536, 32768, 128, 1]>>, %k: memref<1x2x256x128xbf16>, %v: memref<1x2x256x128xbf16>, %s: memref<1xi32>, %rp: memref<1x2x3xi32>, %ci: memref<1x2x4xi32>, %o: memref<1x2x256x128xbf16>, %l: memref<1x2x256xf32>) {
  // expected-error @+1 {{'q' must be contiguous (identity layout), got 'memref<1x2x256x128xbf16, strided<[65536, 32768, 128, 1]>>'}}
  bsattn.attention #bsattn.causal pv = split_bf16
      ins(%q, %k, %v : memref<1x2x256x128xbf16, strided<[65536, 32768, 128, 1]>>, memref<1x2x256x128xbf16>, memref<1x2x256x128xbf16>)
      seq_lens(%s : memref<1xi32>)
      outs(%o, %l : memref<1x2x256x128xbf16>, memref<1x2x256xf32>)
  return
}

// -----

func.func @f(%q: memref<1x2x256x?xbf16>, %k: memref<1x2x256x128xbf16>, %v: memref<1x2x256x128xbf16>, %s: memref<1xi32>, %rp: memref<1x2x3xi32>, %ci: memref<1x2x4xi32>, %o: memref<1x2x256x128xbf16>, %l: memref<1x2x256xf32>) {
  // expected-error @+1 {{head dimension D must be static}}
  bsattn.attention #bsattn.causal pv = split_bf16
      ins(%q, %k, %v : memref<1x2x256x?xbf16>, memref<1x2x256x128xbf16>, memref<1x2x256x128xbf16>)
      seq_lens(%s : memref<1xi32>)
      outs(%o, %l : memref<1x2x256x128xbf16>, memref<1x2x256xf32>)
  return
}

// -----

func.func @f(%q: memref<1x2x256x80xbf16>, %k: memref<1x2x256x80xbf16>, %v: memref<1x2x256x80xbf16>, %s: memref<1xi32>, %rp: memref<1x2x3xi32>, %ci: memref<1x2x4xi32>, %o: memref<1x2x256x80xbf16>, %l: memref<1x2x256xf32>) {
  // expected-error @+1 {{head dimension D must be 64, 96, 128, 192 or 256, got 80}}
  bsattn.attention #bsattn.causal pv = split_bf16
      ins(%q, %k, %v : memref<1x2x256x80xbf16>, memref<1x2x256x80xbf16>, memref<1x2x256x80xbf16>)
      seq_lens(%s : memref<1xi32>)
      outs(%o, %l : memref<1x2x256x80xbf16>, memref<1x2x256xf32>)
  return
}

// -----

func.func @f(%q: memref<1x2x256x128xbf16>, %k: memref<1x2x256x128xbf16>, %v: memref<1x2x256x128xbf16>, %s: memref<1xi32>, %rp: memref<1x2x3xi32>, %ci: memref<1x2x4xi32>, %o: memref<1x2x256x128xbf16>, %l: memref<1x2x256xf32>) {
  // expected-error @+1 {{block size must be 128, got 64}}
  bsattn.attention #bsattn.causal pv = split_bf16
      ins(%q, %k, %v : memref<1x2x256x128xbf16>, memref<1x2x256x128xbf16>, memref<1x2x256x128xbf16>)
      seq_lens(%s : memref<1xi32>)
      outs(%o, %l : memref<1x2x256x128xbf16>, memref<1x2x256xf32>) {block_size = 64}
  return
}

// -----

func.func @f(%q: memref<1x2x0x128xbf16>, %s: memref<1xi32>, %o: memref<1x2x0x128xbf16>, %l: memref<1x2x0xf32>) {
  // expected-error @+1 {{sequence length T must be at least 1, got 0}}
  bsattn.attention #bsattn.causal pv = split_bf16
      ins(%q, %q, %q : memref<1x2x0x128xbf16>, memref<1x2x0x128xbf16>, memref<1x2x0x128xbf16>)
      seq_lens(%s : memref<1xi32>)
      outs(%o, %l : memref<1x2x0x128xbf16>, memref<1x2x0xf32>)
  return
}

// -----

func.func @f(%q: memref<1x2x256x128xbf16>, %k: memref<256x128xbf16>, %v: memref<1x2x256x128xbf16>, %s: memref<1xi32>, %rp: memref<1x2x3xi32>, %ci: memref<1x2x4xi32>, %o: memref<1x2x256x128xbf16>, %l: memref<1x2x256xf32>) {
  // expected-error @+1 {{'k' must have rank 4 [B, H, T, D], got rank 2}}
  bsattn.attention #bsattn.causal pv = split_bf16
      ins(%q, %k, %v : memref<1x2x256x128xbf16>, memref<256x128xbf16>, memref<1x2x256x128xbf16>)
      seq_lens(%s : memref<1xi32>)
      outs(%o, %l : memref<1x2x256x128xbf16>, memref<1x2x256xf32>)
  return
}

// -----

func.func @f(%q: memref<1x2x256x128xbf16>, %k: memref<1x2x256x128xbf16>, %v: memref<1x2x256x128xf16>, %s: memref<1xi32>, %rp: memref<1x2x3xi32>, %ci: memref<1x2x4xi32>, %o: memref<1x2x256x128xbf16>, %l: memref<1x2x256xf32>) {
  // expected-error @+1 {{'v' element type must be 'bf16', got 'f16'}}
  bsattn.attention #bsattn.causal pv = split_bf16
      ins(%q, %k, %v : memref<1x2x256x128xbf16>, memref<1x2x256x128xbf16>, memref<1x2x256x128xf16>)
      seq_lens(%s : memref<1xi32>)
      outs(%o, %l : memref<1x2x256x128xbf16>, memref<1x2x256xf32>)
  return
}

// -----

func.func @f(%q: memref<1x2x256x128xbf16>, %k: memref<1x2x384x128xbf16>, %v: memref<1x2x256x128xbf16>, %s: memref<1xi32>, %rp: memref<1x2x3xi32>, %ci: memref<1x2x4xi32>, %o: memref<1x2x256x128xbf16>, %l: memref<1x2x256xf32>) {
  // expected-error @+1 {{'k' shape [1, 2, 384, 128] does not match [B, H, T, D] = [1, 2, 256, 128] of the operands before it}}
  bsattn.attention #bsattn.causal pv = split_bf16
      ins(%q, %k, %v : memref<1x2x256x128xbf16>, memref<1x2x384x128xbf16>, memref<1x2x256x128xbf16>)
      seq_lens(%s : memref<1xi32>)
      outs(%o, %l : memref<1x2x256x128xbf16>, memref<1x2x256xf32>)
  return
}

// -----

func.func @f(%q: memref<1x2x256x128xbf16>, %k: memref<1x2x256x128xbf16>, %v: memref<1x2x256x128xbf16>, %s: memref<1xi32>, %rp: memref<1x2x3xi32>, %ci: memref<1x2x4xi32>, %o: memref<1x2x256x128xf32>, %l: memref<1x2x256xf32>) {
  // expected-error @+1 {{'o' element type must be 'bf16', got 'f32'}}
  bsattn.attention #bsattn.causal pv = split_bf16
      ins(%q, %k, %v : memref<1x2x256x128xbf16>, memref<1x2x256x128xbf16>, memref<1x2x256x128xbf16>)
      seq_lens(%s : memref<1xi32>)
      outs(%o, %l : memref<1x2x256x128xf32>, memref<1x2x256xf32>)
  return
}

// -----

func.func @f(%q: memref<1x2x256x128xbf16>, %k: memref<1x2x256x128xbf16>, %v: memref<1x4x256x128xbf16>, %s: memref<1xi32>, %rp: memref<1x2x3xi32>, %ci: memref<1x2x4xi32>, %o: memref<1x2x256x128xbf16>, %l: memref<1x2x256xf32>) {
  // expected-error @+1 {{'v' shape [1, 4, 256, 128] does not match [B, H, T, D] = [1, 2, 256, 128] of the operands before it}}
  bsattn.attention #bsattn.causal pv = split_bf16
      ins(%q, %k, %v : memref<1x2x256x128xbf16>, memref<1x2x256x128xbf16>, memref<1x4x256x128xbf16>)
      seq_lens(%s : memref<1xi32>)
      outs(%o, %l : memref<1x2x256x128xbf16>, memref<1x2x256xf32>)
  return
}

// -----

func.func @f(%q: memref<1x2x256x128xbf16>, %k: memref<1x2x256x128xbf16>, %v: memref<1x2x256x128xbf16>, %s: memref<1xi32>, %rp: memref<1x2x3xi32>, %ci: memref<1x2x4xi32>, %o: memref<*xbf16>, %l: memref<1x2x256xf32>) {
  // expected-error @+1 {{'o' must be a ranked memref [B, H, T, D], got 'memref<*xbf16>'}}
  bsattn.attention #bsattn.causal pv = split_bf16
      ins(%q, %k, %v : memref<1x2x256x128xbf16>, memref<1x2x256x128xbf16>, memref<1x2x256x128xbf16>)
      seq_lens(%s : memref<1xi32>)
      outs(%o, %l : memref<*xbf16>, memref<1x2x256xf32>)
  return
}

// -----

func.func @f(%q: memref<1x2x256x128xbf16>, %k: memref<1x2x256x128xbf16>, %v: memref<1x2x256x128xbf16>, %s: memref<1xi32>, %rp: memref<1x2x3xi32>, %ci: memref<1x2x4xi32>, %o: memref<1x2x256x128xbf16>, %l: memref<1x2x256x1xf32>) {
  // expected-error @+1 {{'lse' must have rank 3 [B, H, T], got rank 4}}
  bsattn.attention #bsattn.causal pv = split_bf16
      ins(%q, %k, %v : memref<1x2x256x128xbf16>, memref<1x2x256x128xbf16>, memref<1x2x256x128xbf16>)
      seq_lens(%s : memref<1xi32>)
      outs(%o, %l : memref<1x2x256x128xbf16>, memref<1x2x256x1xf32>)
  return
}

// -----

func.func @f(%q: memref<1x2x256x128xbf16>, %k: memref<1x2x256x128xbf16>, %v: memref<1x2x256x128xbf16>, %s: memref<1xi32>, %rp: memref<1x2x3xi32>, %ci: memref<1x2x4xi32>, %o: memref<1x2x256x128xbf16>, %l: memref<1x2x256xbf16>) {
  // expected-error @+1 {{'lse' element type must be 'f32', got 'bf16'}}
  bsattn.attention #bsattn.causal pv = split_bf16
      ins(%q, %k, %v : memref<1x2x256x128xbf16>, memref<1x2x256x128xbf16>, memref<1x2x256x128xbf16>)
      seq_lens(%s : memref<1xi32>)
      outs(%o, %l : memref<1x2x256x128xbf16>, memref<1x2x256xbf16>)
  return
}

// -----

func.func @f(%q: memref<1x2x256x128xbf16>, %k: memref<1x2x256x128xbf16>, %v: memref<1x2x256x128xbf16>, %s: memref<1xi32>, %rp: memref<1x2x3xi32>, %ci: memref<1x2x4xi32>, %o: memref<1x2x256x128xbf16>, %l: memref<1x2x128xf32>) {
  // expected-error @+1 {{'lse' shape [1, 2, 128] does not match [B, H, T] = [1, 2, 256] of the operands before it}}
  bsattn.attention #bsattn.causal pv = split_bf16
      ins(%q, %k, %v : memref<1x2x256x128xbf16>, memref<1x2x256x128xbf16>, memref<1x2x256x128xbf16>)
      seq_lens(%s : memref<1xi32>)
      outs(%o, %l : memref<1x2x256x128xbf16>, memref<1x2x128xf32>)
  return
}

// -----

func.func @f(%q: memref<1x2x256x128xbf16>, %k: memref<1x2x256x128xbf16>, %v: memref<1x2x256x128xbf16>, %s: memref<1xi64>, %rp: memref<1x2x3xi32>, %ci: memref<1x2x4xi32>, %o: memref<1x2x256x128xbf16>, %l: memref<1x2x256xf32>) {
  // expected-error @+1 {{'seq_lens' element type must be 'i32', got 'i64'}}
  bsattn.attention #bsattn.causal pv = split_bf16
      ins(%q, %k, %v : memref<1x2x256x128xbf16>, memref<1x2x256x128xbf16>, memref<1x2x256x128xbf16>)
      seq_lens(%s : memref<1xi64>)
      outs(%o, %l : memref<1x2x256x128xbf16>, memref<1x2x256xf32>)
  return
}

// -----

func.func @f(%q: memref<1x2x256x128xbf16>, %k: memref<1x2x256x128xbf16>, %v: memref<1x2x256x128xbf16>, %s: memref<1x1xi32>, %rp: memref<1x2x3xi32>, %ci: memref<1x2x4xi32>, %o: memref<1x2x256x128xbf16>, %l: memref<1x2x256xf32>) {
  // expected-error @+1 {{'seq_lens' must have rank 1 [B], got rank 2}}
  bsattn.attention #bsattn.causal pv = split_bf16
      ins(%q, %k, %v : memref<1x2x256x128xbf16>, memref<1x2x256x128xbf16>, memref<1x2x256x128xbf16>)
      seq_lens(%s : memref<1x1xi32>)
      outs(%o, %l : memref<1x2x256x128xbf16>, memref<1x2x256xf32>)
  return
}

// -----

func.func @f(%q: memref<1x2x256x128xbf16>, %k: memref<1x2x256x128xbf16>, %v: memref<1x2x256x128xbf16>, %s: memref<2xi32>, %rp: memref<1x2x3xi32>, %ci: memref<1x2x4xi32>, %o: memref<1x2x256x128xbf16>, %l: memref<1x2x256xf32>) {
  // expected-error @+1 {{'seq_lens' shape [2] does not match [B] = [1] of the operands before it}}
  bsattn.attention #bsattn.causal pv = split_bf16
      ins(%q, %k, %v : memref<1x2x256x128xbf16>, memref<1x2x256x128xbf16>, memref<1x2x256x128xbf16>)
      seq_lens(%s : memref<2xi32>)
      outs(%o, %l : memref<1x2x256x128xbf16>, memref<1x2x256xf32>)
  return
}

// -----

func.func @f(%q: memref<1x2x256x128xbf16>, %k: memref<1x2x256x128xbf16>, %v: memref<1x2x256x128xbf16>, %s: memref<1xi32>, %rp: memref<1x2x3xi32>, %ci: memref<1x2x4xi32>, %o: memref<1x2x256x128xbf16>, %l: memref<1x2x256xf32>) {
  // expected-error @+1 {{sparsity #bsattn.csr needs 'row_ptr' operand}}
  bsattn.attention #bsattn.csr pv = split_bf16
      ins(%q, %k, %v : memref<1x2x256x128xbf16>, memref<1x2x256x128xbf16>, memref<1x2x256x128xbf16>)
      seq_lens(%s : memref<1xi32>)
      outs(%o, %l : memref<1x2x256x128xbf16>, memref<1x2x256xf32>)
  return
}

// -----

func.func @f(%q: memref<1x2x256x128xbf16>, %k: memref<1x2x256x128xbf16>, %v: memref<1x2x256x128xbf16>, %s: memref<1xi32>, %rp: memref<1x2x3xi32>, %ci: memref<1x2x4xi32>, %o: memref<1x2x256x128xbf16>, %l: memref<1x2x256xf32>) {
  // expected-error @+1 {{sparsity #bsattn.causal takes no index operands, but 'row_ptr' was given}}
  bsattn.attention #bsattn.causal pv = split_bf16
      ins(%q, %k, %v : memref<1x2x256x128xbf16>, memref<1x2x256x128xbf16>, memref<1x2x256x128xbf16>)
      seq_lens(%s : memref<1xi32>)
      indices(%rp, %ci : memref<1x2x3xi32>, memref<1x2x4xi32>)
      outs(%o, %l : memref<1x2x256x128xbf16>, memref<1x2x256xf32>)
  return
}

// -----

func.func @f(%q: memref<1x2x256x128xbf16>, %k: memref<1x2x256x128xbf16>, %v: memref<1x2x256x128xbf16>, %s: memref<1xi32>, %rp: memref<1x2x3xi32>, %ci: memref<1x2x4xi32>, %o: memref<1x2x256x128xbf16>, %l: memref<1x2x256xf32>) {
  // expected-error @+1 {{sparsity #bsattn.sliding_window<2> takes no index operands, but 'row_ptr' was given}}
  bsattn.attention #bsattn.sliding_window<2> pv = split_bf16
      ins(%q, %k, %v : memref<1x2x256x128xbf16>, memref<1x2x256x128xbf16>, memref<1x2x256x128xbf16>)
      seq_lens(%s : memref<1xi32>)
      indices(%rp, %ci : memref<1x2x3xi32>, memref<1x2x4xi32>)
      outs(%o, %l : memref<1x2x256x128xbf16>, memref<1x2x256xf32>)
  return
}

// -----

func.func @f(%q: memref<1x2x256x128xbf16>, %k: memref<1x2x256x128xbf16>, %v: memref<1x2x256x128xbf16>, %s: memref<1xi32>, %rp: memref<1x2x3xi64>, %ci: memref<1x2x4xi32>, %o: memref<1x2x256x128xbf16>, %l: memref<1x2x256xf32>) {
  // expected-error @+1 {{'row_ptr' element type must be 'i32', got 'i64'}}
  bsattn.attention #bsattn.csr pv = split_bf16
      ins(%q, %k, %v : memref<1x2x256x128xbf16>, memref<1x2x256x128xbf16>, memref<1x2x256x128xbf16>)
      seq_lens(%s : memref<1xi32>)
      indices(%rp, %ci : memref<1x2x3xi64>, memref<1x2x4xi32>)
      outs(%o, %l : memref<1x2x256x128xbf16>, memref<1x2x256xf32>)
  return
}

// -----

func.func @f(%q: memref<1x2x256x128xbf16>, %k: memref<1x2x256x128xbf16>, %v: memref<1x2x256x128xbf16>, %s: memref<1xi32>, %rp: memref<1x2x2xi32>, %ci: memref<1x2x4xi32>, %o: memref<1x2x256x128xbf16>, %l: memref<1x2x256xf32>) {
  // expected-error @+1 {{'row_ptr' shape [1, 2, 2] does not match [B, H, ceil(T/block) + 1] = [1, 2, 3] of the operands before it}}
  bsattn.attention #bsattn.csr pv = split_bf16
      ins(%q, %k, %v : memref<1x2x256x128xbf16>, memref<1x2x256x128xbf16>, memref<1x2x256x128xbf16>)
      seq_lens(%s : memref<1xi32>)
      indices(%rp, %ci : memref<1x2x2xi32>, memref<1x2x4xi32>)
      outs(%o, %l : memref<1x2x256x128xbf16>, memref<1x2x256xf32>)
  return
}

// -----

func.func @f(%q: memref<1x2x256x128xbf16>, %k: memref<1x2x256x128xbf16>, %v: memref<1x2x256x128xbf16>, %s: memref<1xi32>, %rp: memref<3xi32>, %ci: memref<1x2x4xi32>, %o: memref<1x2x256x128xbf16>, %l: memref<1x2x256xf32>) {
  // expected-error @+1 {{'row_ptr' must have rank 3 [B, H, ceil(T/block) + 1], got rank 1}}
  bsattn.attention #bsattn.csr pv = split_bf16
      ins(%q, %k, %v : memref<1x2x256x128xbf16>, memref<1x2x256x128xbf16>, memref<1x2x256x128xbf16>)
      seq_lens(%s : memref<1xi32>)
      indices(%rp, %ci : memref<3xi32>, memref<1x2x4xi32>)
      outs(%o, %l : memref<1x2x256x128xbf16>, memref<1x2x256xf32>)
  return
}

// -----

func.func @f(%q: memref<1x2x256x128xbf16>, %k: memref<1x2x256x128xbf16>, %v: memref<1x2x256x128xbf16>, %s: memref<1xi32>, %rp: memref<1x2x3xi32>, %ci: memref<1x2x4xi16>, %o: memref<1x2x256x128xbf16>, %l: memref<1x2x256xf32>) {
  // expected-error @+1 {{'col_idx' element type must be 'i32', got 'i16'}}
  bsattn.attention #bsattn.csr pv = split_bf16
      ins(%q, %k, %v : memref<1x2x256x128xbf16>, memref<1x2x256x128xbf16>, memref<1x2x256x128xbf16>)
      seq_lens(%s : memref<1xi32>)
      indices(%rp, %ci : memref<1x2x3xi32>, memref<1x2x4xi16>)
      outs(%o, %l : memref<1x2x256x128xbf16>, memref<1x2x256xf32>)
  return
}

// -----

func.func @f(%q: memref<1x2x256x128xbf16>, %k: memref<1x2x256x128xbf16>, %v: memref<1x2x256x128xbf16>, %s: memref<1xi32>, %rp: memref<1x2x3xi32>, %ci: memref<2x2x4xi32>, %o: memref<1x2x256x128xbf16>, %l: memref<1x2x256xf32>) {
  // expected-error @+1 {{'col_idx' shape [2, 2, 4] does not match [B, H, NNZ] = [1, 2, 4] of the operands before it}}
  bsattn.attention #bsattn.csr pv = split_bf16
      ins(%q, %k, %v : memref<1x2x256x128xbf16>, memref<1x2x256x128xbf16>, memref<1x2x256x128xbf16>)
      seq_lens(%s : memref<1xi32>)
      indices(%rp, %ci : memref<1x2x3xi32>, memref<2x2x4xi32>)
      outs(%o, %l : memref<1x2x256x128xbf16>, memref<1x2x256xf32>)
  return
}

// -----

func.func @f(%q: memref<1x2x256x128xbf16>, %k: memref<1x2x256x128xbf16>, %v: memref<1x2x256x128xbf16>, %s: memref<1xi32>, %rp: memref<1x2x3xi32>, %ci: memref<2x4xi32>, %o: memref<1x2x256x128xbf16>, %l: memref<1x2x256xf32>) {
  // expected-error @+1 {{'col_idx' must have rank 3 [B, H, NNZ], got rank 2}}
  bsattn.attention #bsattn.csr pv = split_bf16
      ins(%q, %k, %v : memref<1x2x256x128xbf16>, memref<1x2x256x128xbf16>, memref<1x2x256x128xbf16>)
      seq_lens(%s : memref<1xi32>)
      indices(%rp, %ci : memref<1x2x3xi32>, memref<2x4xi32>)
      outs(%o, %l : memref<1x2x256x128xbf16>, memref<1x2x256xf32>)
  return
}

// -----

func.func @f(%q: memref<1x2x256x128xbf16>, %k: memref<1x2x256x128xbf16>, %v: memref<1x2x256x128xbf16>, %s: memref<1xi32>, %rp: memref<1x2x3xi32>, %ci: memref<1x2x4xi32>, %o: memref<1x2x256x128xbf16>, %l: memref<1x2x256xf32>) {
  // expected-error @+1 {{scale must be positive and finite, got -1}}
  bsattn.attention #bsattn.causal pv = split_bf16
      ins(%q, %k, %v : memref<1x2x256x128xbf16>, memref<1x2x256x128xbf16>, memref<1x2x256x128xbf16>)
      seq_lens(%s : memref<1xi32>)
      outs(%o, %l : memref<1x2x256x128xbf16>, memref<1x2x256xf32>) {scale = -1.0 : f32}
  return
}

// -----

func.func @f(%q: memref<1x2x256x128xbf16>, %k: memref<1x2x256x128xbf16>, %v: memref<1x2x256x128xbf16>, %s: memref<1xi32>, %rp: memref<1x2x3xi32>, %ci: memref<1x2x4xi32>, %o: memref<1x2x256x128xbf16>, %l: memref<1x2x256xf32>) {
  // expected-error @+1 {{scale must be positive and finite, got 0}}
  bsattn.attention #bsattn.causal pv = split_bf16
      ins(%q, %k, %v : memref<1x2x256x128xbf16>, memref<1x2x256x128xbf16>, memref<1x2x256x128xbf16>)
      seq_lens(%s : memref<1xi32>)
      outs(%o, %l : memref<1x2x256x128xbf16>, memref<1x2x256xf32>) {scale = 0.0 : f32}
  return
}

// -----

func.func @f(%q: memref<1x2x256x128xbf16>, %k: memref<1x2x256x128xbf16>, %v: memref<1x2x256x128xbf16>, %s: memref<1xi32>, %rp: memref<1x2x3xi32>, %ci: memref<1x2x4xi32>, %o: memref<1x2x256x128xbf16>, %l: memref<1x2x256xf32>) {
  // expected-error @+1 {{scale must be positive and finite, got INF}}
  bsattn.attention #bsattn.causal pv = split_bf16
      ins(%q, %k, %v : memref<1x2x256x128xbf16>, memref<1x2x256x128xbf16>, memref<1x2x256x128xbf16>)
      seq_lens(%s : memref<1xi32>)
      outs(%o, %l : memref<1x2x256x128xbf16>, memref<1x2x256xf32>) {scale = 0x7F800000 : f32}
  return
}

// -----

func.func @f(%q: memref<1x2x256x128xf16>, %k: memref<1x2x256x128xf16>, %v: memref<1x2x256x128xf16>, %s: memref<1xi32>, %rp: memref<1x2x3xi32>, %ci: memref<1x2x4xi32>, %o: memref<1x2x256x128xf16>, %l: memref<1x2x256xf32>) {
  // expected-error @+1 {{P.V precision 'split_bf16' needs bf16 inputs; f16 inputs take 'f16'}}
  bsattn.attention #bsattn.causal pv = split_bf16
      ins(%q, %k, %v : memref<1x2x256x128xf16>, memref<1x2x256x128xf16>, memref<1x2x256x128xf16>)
      seq_lens(%s : memref<1xi32>)
      outs(%o, %l : memref<1x2x256x128xf16>, memref<1x2x256xf32>)
  return
}

// -----

func.func @f(%q: memref<1x2x256x128xf16>, %k: memref<1x2x256x128xf16>, %v: memref<1x2x256x128xf16>, %s: memref<1xi32>, %rp: memref<1x2x3xi32>, %ci: memref<1x2x4xi32>, %o: memref<1x2x256x128xf16>, %l: memref<1x2x256xf32>) {
  // expected-error @+1 {{P.V precision 'bf16' needs bf16 inputs; f16 inputs take 'f16'}}
  bsattn.attention #bsattn.causal pv = bf16
      ins(%q, %k, %v : memref<1x2x256x128xf16>, memref<1x2x256x128xf16>, memref<1x2x256x128xf16>)
      seq_lens(%s : memref<1xi32>)
      outs(%o, %l : memref<1x2x256x128xf16>, memref<1x2x256xf32>)
  return
}

// -----

func.func @f(%q: memref<1x2x256x128xbf16>, %s: memref<1xi32>, %ci: memref<1x2x4xi32>, %o: memref<1x2x256x128xbf16>, %l: memref<1x2x256xf32>) {
  // expected-error @+1 {{sparsity #bsattn.csr needs 'row_ptr' operand}}
  "bsattn.attention"(%q, %q, %q, %s, %ci, %o, %l) <{operandSegmentSizes = array<i32: 1, 1, 1, 1, 0, 1, 1, 1>, pv = #bsattn<pv_precision split_bf16>, sparsity = #bsattn.csr}> : (memref<1x2x256x128xbf16>, memref<1x2x256x128xbf16>, memref<1x2x256x128xbf16>, memref<1xi32>, memref<1x2x4xi32>, memref<1x2x256x128xbf16>, memref<1x2x256xf32>) -> ()
  return
}

// -----

func.func @f(%q: memref<1x2x256x128xbf16>, %s: memref<1xi32>, %rp: memref<1x2x3xi32>, %o: memref<1x2x256x128xbf16>, %l: memref<1x2x256xf32>) {
  // expected-error @+1 {{sparsity #bsattn.csr needs 'col_idx' operand}}
  "bsattn.attention"(%q, %q, %q, %s, %rp, %o, %l) <{operandSegmentSizes = array<i32: 1, 1, 1, 1, 1, 0, 1, 1>, pv = #bsattn<pv_precision split_bf16>, sparsity = #bsattn.csr}> : (memref<1x2x256x128xbf16>, memref<1x2x256x128xbf16>, memref<1x2x256x128xbf16>, memref<1xi32>, memref<1x2x3xi32>, memref<1x2x256x128xbf16>, memref<1x2x256xf32>) -> ()
  return
}

// -----

func.func @f(%q: memref<1x2x256x128xbf16>, %s: memref<1xi32>, %ci: memref<1x2x4xi32>, %o: memref<1x2x256x128xbf16>, %l: memref<1x2x256xf32>) {
  // expected-error @+1 {{sparsity #bsattn.window_global<2, 1> takes no index operands, but 'col_idx' was given}}
  "bsattn.attention"(%q, %q, %q, %s, %ci, %o, %l) <{operandSegmentSizes = array<i32: 1, 1, 1, 1, 0, 1, 1, 1>, pv = #bsattn<pv_precision bf16>, sparsity = #bsattn.window_global<2, 1>}> : (memref<1x2x256x128xbf16>, memref<1x2x256x128xbf16>, memref<1x2x256x128xbf16>, memref<1xi32>, memref<1x2x4xi32>, memref<1x2x256x128xbf16>, memref<1x2x256xf32>) -> ()
  return
}

// -----

func.func @f(%q: memref<1x2x256x128xbf16>, %s: memref<1xi32>, %o: memref<1x2x256x128xbf16>, %l: memref<1x2x256xf32>) {
  // expected-error @+1 {{Invalid attribute `sparsity` in property conversion: 3 : i32}}
  "bsattn.attention"(%q, %q, %q, %s, %o, %l) <{operandSegmentSizes = array<i32: 1, 1, 1, 1, 0, 0, 1, 1>, pv = #bsattn<pv_precision bf16>, sparsity = 3 : i32}> : (memref<1x2x256x128xbf16>, memref<1x2x256x128xbf16>, memref<1x2x256x128xbf16>, memref<1xi32>, memref<1x2x256x128xbf16>, memref<1x2x256xf32>) -> ()
  return
}

// -----

// Generic form with q's operand segment empty: k must not stand in for q.
func.func @f(%q: memref<1x1x128x128xbf16>, %s: memref<1xi32>, %o: memref<1x1x128x128xbf16>, %l: memref<1x1x128xf32>) {
  // expected-error @+1 {{needs exactly one 'q' operand, got 0 (operandSegmentSizes)}}
  "bsattn.attention"(%q, %q, %s, %o, %l, %l) <{operandSegmentSizes = array<i32: 0, 1, 1, 1, 0, 0, 1, 2>, pv = #bsattn<pv_precision f16>, sparsity = #bsattn.causal}> : (memref<1x1x128x128xbf16>, memref<1x1x128x128xbf16>, memref<1xi32>, memref<1x1x128x128xbf16>, memref<1x1x128xf32>, memref<1x1x128xf32>) -> ()
  return
}

// -----

// lse's segment empty: the verifier must not read past the operands.
func.func @f(%q: memref<1x1x128x128xbf16>, %s: memref<1xi32>, %rp: memref<1x1x2xi32>) {
  // expected-error @+1 {{needs exactly one 'lse' operand, got 0 (operandSegmentSizes)}}
  "bsattn.attention"(%q, %q, %q, %s, %rp, %rp, %q) <{operandSegmentSizes = array<i32: 1, 1, 1, 1, 1, 1, 1, 0>, pv = #bsattn<pv_precision f16>, sparsity = #bsattn.csr}> : (memref<1x1x128x128xbf16>, memref<1x1x128x128xbf16>, memref<1x1x128x128xbf16>, memref<1xi32>, memref<1x1x2xi32>, memref<1x1x2xi32>, memref<1x1x128x128xbf16>) -> ()
  return
}

// -----

func.func @f(%q: memref<1x1x128x128xbf16>, %s: memref<1xi32>, %o: memref<1x1x128x128xbf16>, %l: memref<1x1x128xf32>) {
  // expected-error @+1 {{needs exactly one 'seq_lens' operand, got 2 (operandSegmentSizes)}}
  "bsattn.attention"(%q, %q, %q, %s, %s, %o, %l) <{operandSegmentSizes = array<i32: 1, 1, 1, 2, 0, 0, 1, 1>, pv = #bsattn<pv_precision f16>, sparsity = #bsattn.causal}> : (memref<1x1x128x128xbf16>, memref<1x1x128x128xbf16>, memref<1x1x128x128xbf16>, memref<1xi32>, memref<1xi32>, memref<1x1x128x128xbf16>, memref<1x1x128xf32>) -> ()
  return
}

// -----

func.func @f(%q: memref<1x2x256x128xbf16>, %k: memref<1x2x256x128xbf16, 3>, %s: memref<1xi32>, %o: memref<1x2x256x128xbf16>, %l: memref<1x2x256xf32>) {
  // expected-error @+1 {{'k' must be in the default (global) memory space, got 3}}
  bsattn.attention #bsattn.causal pv = bf16
      ins(%q, %k, %k : memref<1x2x256x128xbf16>, memref<1x2x256x128xbf16, 3>, memref<1x2x256x128xbf16, 3>)
      seq_lens(%s : memref<1xi32>)
      outs(%o, %l : memref<1x2x256x128xbf16>, memref<1x2x256xf32>)
  return
}

// -----

// q is dynamic, k and v are static and disagree.
func.func @f(%q: memref<?x?x?x128xbf16>, %k: memref<2x2x256x128xbf16>, %v: memref<3x2x256x128xbf16>, %s: memref<?xi32>, %o: memref<?x?x?x128xbf16>, %l: memref<?x?x?xf32>) {
  // expected-error @+1 {{'v' shape [3, 2, 256, 128] does not match [B, H, T, D] = [2, 2, 256, 128] of the operands before it}}
  bsattn.attention #bsattn.causal pv = bf16
      ins(%q, %k, %v : memref<?x?x?x128xbf16>, memref<2x2x256x128xbf16>, memref<3x2x256x128xbf16>)
      seq_lens(%s : memref<?xi32>)
      outs(%o, %l : memref<?x?x?x128xbf16>, memref<?x?x?xf32>)
  return
}

// -----

// T known only from lse, and row_ptr disagrees with it.
func.func @f(%q: memref<?x?x?x128xbf16>, %s: memref<?xi32>, %rp: memref<?x?x5xi32>, %ci: memref<?x?x?xi32>, %o: memref<?x?x?x128xbf16>, %l: memref<?x?x256xf32>) {
  // expected-error @+1 {{'row_ptr' shape [?, ?, 5] does not match [B, H, ceil(T/block) + 1] = [?, ?, 3] of the operands before it}}
  bsattn.attention #bsattn.csr pv = bf16
      ins(%q, %q, %q : memref<?x?x?x128xbf16>, memref<?x?x?x128xbf16>, memref<?x?x?x128xbf16>)
      seq_lens(%s : memref<?xi32>)
      indices(%rp, %ci : memref<?x?x5xi32>, memref<?x?x?xi32>)
      outs(%o, %l : memref<?x?x?x128xbf16>, memref<?x?x256xf32>)
  return
}

// -----

// T known only from o, the last block partial: row_ptr needs ceil(T/block) + 1
// rows.
func.func @f(%q: memref<?x?x?x128xbf16>, %s: memref<?xi32>, %rp: memref<?x?x3xi32>, %ci: memref<?x?x?xi32>, %o: memref<?x?x100x128xbf16>, %l: memref<?x?x?xf32>) {
  // expected-error @+1 {{'row_ptr' shape [?, ?, 3] does not match [B, H, ceil(T/block) + 1] = [?, ?, 2] of the operands before it}}
  bsattn.attention #bsattn.csr pv = bf16
      ins(%q, %q, %q : memref<?x?x?x128xbf16>, memref<?x?x?x128xbf16>, memref<?x?x?x128xbf16>)
      seq_lens(%s : memref<?xi32>)
      indices(%rp, %ci : memref<?x?x3xi32>, memref<?x?x?xi32>)
      outs(%o, %l : memref<?x?x100x128xbf16>, memref<?x?x?xf32>)
  return
}

// -----

func.func @f(%q: memref<0x2x256x128xbf16>, %s: memref<0xi32>, %o: memref<0x2x256x128xbf16>, %l: memref<0x2x256xf32>) {
  // expected-error @+1 {{batch size B must be at least 1, got 0}}
  bsattn.attention #bsattn.causal pv = bf16
      ins(%q, %q, %q : memref<0x2x256x128xbf16>, memref<0x2x256x128xbf16>, memref<0x2x256x128xbf16>)
      seq_lens(%s : memref<0xi32>)
      outs(%o, %l : memref<0x2x256x128xbf16>, memref<0x2x256xf32>)
  return
}

// -----

func.func @f(%q: memref<1x0x256x128xbf16>, %s: memref<1xi32>, %o: memref<1x0x256x128xbf16>, %l: memref<1x0x256xf32>) {
  // expected-error @+1 {{number of heads H must be at least 1, got 0}}
  bsattn.attention #bsattn.causal pv = bf16
      ins(%q, %q, %q : memref<1x0x256x128xbf16>, memref<1x0x256x128xbf16>, memref<1x0x256x128xbf16>)
      seq_lens(%s : memref<1xi32>)
      outs(%o, %l : memref<1x0x256x128xbf16>, memref<1x0x256xf32>)
  return
}

// -----

func.func @f(%q: memref<1x1x4611686018427387904x128xbf16>, %s: memref<1xi32>, %o: memref<1x1x4611686018427387904x128xbf16>, %l: memref<1x1x4611686018427387904xf32>) {
  // expected-error @+1 {{sequence length T = 4611686018427387904 exceeds 2147483647, the largest the kernel's 32-bit indices hold}}
  bsattn.attention #bsattn.causal pv = bf16
      ins(%q, %q, %q : memref<1x1x4611686018427387904x128xbf16>, memref<1x1x4611686018427387904x128xbf16>, memref<1x1x4611686018427387904x128xbf16>)
      seq_lens(%s : memref<1xi32>)
      outs(%o, %l : memref<1x1x4611686018427387904x128xbf16>, memref<1x1x4611686018427387904xf32>)
  return
}

// -----

func.func @f(%q: memref<?x2147483648x?x128xbf16>, %s: memref<?xi32>, %o: memref<?x2147483648x?x128xbf16>, %l: memref<?x2147483648x?xf32>) {
  // expected-error @+1 {{number of heads H = 2147483648 exceeds 2147483647, the largest the kernel's 32-bit indices hold}}
  bsattn.attention #bsattn.causal pv = bf16
      ins(%q, %q, %q : memref<?x2147483648x?x128xbf16>, memref<?x2147483648x?x128xbf16>, memref<?x2147483648x?x128xbf16>)
      seq_lens(%s : memref<?xi32>)
      outs(%o, %l : memref<?x2147483648x?x128xbf16>, memref<?x2147483648x?xf32>)
  return
}

// -----

// Each extent fits 31 bits, their product of tiles does not (even with B
// dynamic, so at least 1).
func.func @f(%q: memref<?x65536x8388608x128xbf16>, %s: memref<?xi32>, %o: memref<?x65536x8388608x128xbf16>, %l: memref<?x65536x8388608xf32>) {
  // expected-error @+1 {{B * H * ceil(T/128) = ? * 65536 * 65536 query tiles exceed 2147483647, the largest the kernel's 32-bit tile indices hold}}
  bsattn.attention #bsattn.causal pv = bf16
      ins(%q, %q, %q : memref<?x65536x8388608x128xbf16>, memref<?x65536x8388608x128xbf16>, memref<?x65536x8388608x128xbf16>)
      seq_lens(%s : memref<?xi32>)
      outs(%o, %l : memref<?x65536x8388608x128xbf16>, memref<?x65536x8388608xf32>)
  return
}

// -----

// Found by the fuzzer: the CSR row count ceil(T/block) + 1 divided by a block size
// of 0 (SIGFPE) before the block size was checked.
func.func @f(%q: memref<1x2x256x128xbf16>, %s: memref<1xi32>, %rp: memref<1x2x3xi32>, %ci: memref<1x2x4xi32>, %o: memref<1x2x256x128xbf16>, %l: memref<1x2x256xf32>) {
  // expected-error @+1 {{block size must be 128, got 0}}
  bsattn.attention #bsattn.csr pv = bf16
      ins(%q, %q, %q : memref<1x2x256x128xbf16>, memref<1x2x256x128xbf16>, memref<1x2x256x128xbf16>)
      seq_lens(%s : memref<1xi32>)
      indices(%rp, %ci : memref<1x2x3xi32>, memref<1x2x4xi32>)
      outs(%o, %l : memref<1x2x256x128xbf16>, memref<1x2x256xf32>) {block_size = 0}
  return
}

// -----

// T hidden behind '?' everywhere but row_ptr (found by bsattn-fuzz).
func.func @f(%q: memref<?x?x?x128xbf16>, %s: memref<?xi32>, %rp: memref<2x2x36028797018963969xi32>, %ci: memref<2x2x4xi32>, %lse: memref<2x?x?xf32>) {
  // expected-error @+1 {{'row_ptr' has 36028797018963969 rows per head: 36028797018963968 query blocks, more than the 16777216 that T <= 2147483647 (the largest the kernel's 32-bit indices hold) makes}}
  bsattn.attention #bsattn.csr pv = f16
      ins(%q, %q, %q : memref<?x?x?x128xbf16>, memref<?x?x?x128xbf16>, memref<?x?x?x128xbf16>)
      seq_lens(%s : memref<?xi32>)
      indices(%rp, %ci : memref<2x2x36028797018963969xi32>, memref<2x2x4xi32>)
      outs(%q, %lse : memref<?x?x?x128xbf16>, memref<2x?x?xf32>)
  return
}

// -----

// ... and the tile limit holds for the query blocks that row_ptr gives.
func.func @f(%q: memref<?x?x?x128xbf16>, %s: memref<?xi32>, %rp: memref<65536x2x16385xi32>, %ci: memref<65536x2x4xi32>, %lse: memref<?x?x?xf32>) {
  // expected-error @+1 {{B * H * ceil(T/128) = 65536 * 2 * 16384 query tiles exceed 2147483647}}
  bsattn.attention #bsattn.csr pv = f16
      ins(%q, %q, %q : memref<?x?x?x128xbf16>, memref<?x?x?x128xbf16>, memref<?x?x?x128xbf16>)
      seq_lens(%s : memref<?xi32>)
      indices(%rp, %ci : memref<65536x2x16385xi32>, memref<65536x2x4xi32>)
      outs(%q, %lse : memref<?x?x?x128xbf16>, memref<?x?x?xf32>)
  return
}

// -----

func.func @f(%q: memref<1x8x256x128xbf16>, %k: memref<1x2x256x128xbf16>, %v: memref<1x2x256x128xbf16>, %s: memref<1xi32>, %o: memref<1x8x256x128xbf16>, %l: memref<1x8x256xf32>) {
  // expected-error @+1 {{kv_group must be in [1, 2147483647], got 0}}
  bsattn.attention #bsattn.causal pv = f16
      ins(%q, %k, %v : memref<1x8x256x128xbf16>, memref<1x2x256x128xbf16>, memref<1x2x256x128xbf16>)
      seq_lens(%s : memref<1xi32>)
      outs(%o, %l : memref<1x8x256x128xbf16>, memref<1x8x256xf32>) {kv_group = 0}
  return
}

// -----

func.func @f(%q: memref<1x6x256x128xbf16>, %k: memref<1x2x256x128xbf16>, %v: memref<1x2x256x128xbf16>, %s: memref<1xi32>, %o: memref<1x6x256x128xbf16>, %l: memref<1x6x256xf32>) {
  // expected-error @+1 {{number of heads H = 6 must be a multiple of kv_group = 4 (each head of k and v serves kv_group query heads)}}
  bsattn.attention #bsattn.causal pv = f16
      ins(%q, %k, %v : memref<1x6x256x128xbf16>, memref<1x2x256x128xbf16>, memref<1x2x256x128xbf16>)
      seq_lens(%s : memref<1xi32>)
      outs(%o, %l : memref<1x6x256x128xbf16>, memref<1x6x256xf32>) {kv_group = 4}
  return
}

// -----

func.func @f(%q: memref<1x8x256x128xbf16>, %k: memref<1x4x256x128xbf16>, %v: memref<1x4x256x128xbf16>, %s: memref<1xi32>, %o: memref<1x8x256x128xbf16>, %l: memref<1x8x256xf32>) {
  // expected-error @+1 {{'k' shape [1, 4, 256, 128] does not match [B, H / kv_group, T, D] = [1, 2, 256, 128] of the operands before it}}
  bsattn.attention #bsattn.causal pv = f16
      ins(%q, %k, %v : memref<1x8x256x128xbf16>, memref<1x4x256x128xbf16>, memref<1x4x256x128xbf16>)
      seq_lens(%s : memref<1xi32>)
      outs(%o, %l : memref<1x8x256x128xbf16>, memref<1x8x256xf32>) {kv_group = 4}
  return
}

// -----

// Without kv_group, k and v have q's heads.
func.func @f(%q: memref<1x8x256x128xbf16>, %k: memref<1x2x256x128xbf16>, %v: memref<1x2x256x128xbf16>, %s: memref<1xi32>, %o: memref<1x8x256x128xbf16>, %l: memref<1x8x256xf32>) {
  // expected-error @+1 {{'k' shape [1, 2, 256, 128] does not match [B, H, T, D] = [1, 8, 256, 128] of the operands before it}}
  bsattn.attention #bsattn.causal pv = f16
      ins(%q, %k, %v : memref<1x8x256x128xbf16>, memref<1x2x256x128xbf16>, memref<1x2x256x128xbf16>)
      seq_lens(%s : memref<1xi32>)
      outs(%o, %l : memref<1x8x256x128xbf16>, memref<1x8x256xf32>)
  return
}

// -----

// H_kv static with q's H dynamic gives H = kv_group * H_kv, which o's
// static heads must match.
func.func @f(%q: memref<1x?x256x128xbf16>, %k: memref<1x2x256x128xbf16>, %v: memref<1x2x256x128xbf16>, %s: memref<1xi32>, %o: memref<1x6x256x128xbf16>, %l: memref<1x?x256xf32>) {
  // expected-error @+1 {{'o' shape [1, 6, 256, 128] does not match [B, H, T, D] = [1, 8, 256, 128] of the operands before it}}
  bsattn.attention #bsattn.causal pv = f16
      ins(%q, %k, %v : memref<1x?x256x128xbf16>, memref<1x2x256x128xbf16>, memref<1x2x256x128xbf16>)
      seq_lens(%s : memref<1xi32>)
      outs(%o, %l : memref<1x6x256x128xbf16>, memref<1x?x256xf32>) {kv_group = 4}
  return
}

// -----

// H = kv_group * H_kv past the 32-bit head index (and past int64).
func.func @f(%q: memref<1x?x256x128xbf16>, %k: memref<1x4611686018427387904x256x128xbf16>, %s: memref<1xi32>, %o: memref<1x?x256x128xbf16>, %l: memref<1x?x256xf32>) {
  // expected-error @+1 {{number of K/V heads H_kv = 4611686018427387904 times kv_group = 2 exceeds 2147483647, the largest the kernel's 32-bit indices hold}}
  bsattn.attention #bsattn.causal pv = f16
      ins(%q, %k, %k : memref<1x?x256x128xbf16>, memref<1x4611686018427387904x256x128xbf16>, memref<1x4611686018427387904x256x128xbf16>)
      seq_lens(%s : memref<1xi32>)
      outs(%o, %l : memref<1x?x256x128xbf16>, memref<1x?x256xf32>) {kv_group = 2}
  return
}

// -----

// Index lists per K/V head are [B, H_kv, ...], not [B, H, ...].
func.func @f(%q: memref<1x8x256x128xbf16>, %kv: memref<1x2x256x128xbf16>, %s: memref<1xi32>, %rp: memref<1x8x3xi32>, %ci: memref<1x8x4xi32>, %o: memref<1x8x256x128xbf16>, %l: memref<1x8x256xf32>) {
  // expected-error @+1 {{'row_ptr' shape [1, 8, 3] does not match [B, H_kv, ceil(T/block) + 1] = [1, 2, 3] of the operands before it}}
  bsattn.attention #bsattn.csr<per_kv_head = true> pv = f16
      ins(%q, %kv, %kv : memref<1x8x256x128xbf16>, memref<1x2x256x128xbf16>, memref<1x2x256x128xbf16>)
      seq_lens(%s : memref<1xi32>)
      indices(%rp, %ci : memref<1x8x3xi32>, memref<1x8x4xi32>)
      outs(%o, %l : memref<1x8x256x128xbf16>, memref<1x8x256xf32>) {kv_group = 4}
  return
}

// -----

// ... and col_idx likewise.
func.func @f(%q: memref<1x8x256x128xbf16>, %kv: memref<1x2x256x128xbf16>, %s: memref<1xi32>, %rp: memref<1x2x3xi32>, %ci: memref<1x8x4xi32>, %o: memref<1x8x256x128xbf16>, %l: memref<1x8x256xf32>) {
  // expected-error @+1 {{'col_idx' shape [1, 8, 4] does not match [B, H_kv, NNZ] = [1, 2, 4] of the operands before it}}
  bsattn.attention #bsattn.csr<per_kv_head = true> pv = f16
      ins(%q, %kv, %kv : memref<1x8x256x128xbf16>, memref<1x2x256x128xbf16>, memref<1x2x256x128xbf16>)
      seq_lens(%s : memref<1xi32>)
      indices(%rp, %ci : memref<1x2x3xi32>, memref<1x8x4xi32>)
      outs(%o, %l : memref<1x8x256x128xbf16>, memref<1x8x256xf32>) {kv_group = 4}
  return
}

// -----

// T hidden behind '?' everywhere but row_ptr, which holds no query block.
func.func @f(%q: memref<?x?x?x128xbf16>, %s: memref<?xi32>, %rp: memref<?x?x1xi32>, %ci: memref<?x?x?xi32>, %lse: memref<?x?x?xf32>) {
  // expected-error @+1 {{'row_ptr' has 1 rows per head, fewer than the 2 of one query block}}
  bsattn.attention #bsattn.csr pv = f16
      ins(%q, %q, %q : memref<?x?x?x128xbf16>, memref<?x?x?x128xbf16>, memref<?x?x?x128xbf16>)
      seq_lens(%s : memref<?xi32>)
      indices(%rp, %ci : memref<?x?x1xi32>, memref<?x?x?xi32>)
      outs(%q, %lse : memref<?x?x?x128xbf16>, memref<?x?x?xf32>)
  return
}

// -----

// Key tiles across the 128-token blocks only for patterns that use every key
// up to a bound.
func.func @f(%q: memref<1x2x256x256xf16>, %s: memref<1xi32>, %l: memref<1x2x256xf32>) {
  // expected-error @+1 {{tuning block_k = 80 does not divide the 128-token blocks of #bsattn.sliding_window<2>: only #bsattn.causal and #bsattn.full take key tiles across blocks}}
  bsattn.attention #bsattn.sliding_window<2> pv = f16
      ins(%q, %q, %q : memref<1x2x256x256xf16>, memref<1x2x256x256xf16>, memref<1x2x256x256xf16>)
      seq_lens(%s : memref<1xi32>)
      outs(%q, %l : memref<1x2x256x256xf16>, memref<1x2x256xf32>)
      {tuning = #bsattn.tuning<block_k = 80>}
  return
}

// -----

// Query tiles across the blocks likewise.
func.func @f(%q: memref<1x2x256x64xf16>, %s: memref<1xi32>, %l: memref<1x2x256xf32>) {
  // expected-error @+1 {{tuning block_q = 192 does not divide the 128-token blocks of #bsattn.sliding_window<2>: only #bsattn.causal and #bsattn.full take query tiles across blocks}}
  bsattn.attention #bsattn.sliding_window<2> pv = f16
      ins(%q, %q, %q : memref<1x2x256x64xf16>, memref<1x2x256x64xf16>, memref<1x2x256x64xf16>)
      seq_lens(%s : memref<1xi32>)
      outs(%q, %l : memref<1x2x256x64xf16>, memref<1x2x256xf32>)
      {tuning = #bsattn.tuning<block_q = 192, warpgroups = 3>}
  return
}
