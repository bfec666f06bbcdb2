// RUN: bsattn-opt %s -split-input-file -verify-diagnostics

// The host function contract of bsattn.attention: the function that holds
// it becomes the kernel, so nothing there may be dropped or misnamed.

func.func @f(%q: memref<1x1x128x128xbf16>, %s: memref<1xi32>, %o: memref<1x1x128x128xbf16>, %l: memref<1x1x128xf32>, %n: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  scf.for %i = %c0 to %n step %c1 {
    // expected-error @+1 {{'bsattn.attention' op expects parent op 'func.func'}}
    bsattn.attention #bsattn.causal pv = f16
        ins(%q, %q, %q : memref<1x1x128x128xbf16>, memref<1x1x128x128xbf16>, memref<1x1x128x128xbf16>)
        seq_lens(%s : memref<1xi32>)
        outs(%o, %l : memref<1x1x128x128xbf16>, memref<1x1x128xf32>)
  }
  return
}

// -----

func.func @f(%x: i1, %q: memref<1x1x128x128xbf16>, %s: memref<1xi32>, %o: memref<1x1x128x128xbf16>, %l: memref<1x1x128xf32>) {
  scf.if %x {
    // expected-error @+1 {{'bsattn.attention' op expects parent op 'func.func'}}
    bsattn.attention #bsattn.causal pv = f16
        ins(%q, %q, %q : memref<1x1x128x128xbf16>, memref<1x1x128x128xbf16>, memref<1x1x128x128xbf16>)
        seq_lens(%s : memref<1xi32>)
        outs(%o, %l : memref<1x1x128x128xbf16>, memref<1x1x128xf32>)
  }
  return
}

// -----

// A non-memref argument: the manifest and the runtimes pass buffers only.
func.func @f(%x: i1, %q: memref<1x1x128x128xbf16>, %s: memref<1xi32>, %o: memref<1x1x128x128xbf16>, %l: memref<1x1x128xf32>) {
  // expected-error @+1 {{must be in a function whose arguments are all memrefs in the default (global) memory space (the kernel takes buffers only), but argument #0 is 'i1'}}
  bsattn.attention #bsattn.causal pv = f16
      ins(%q, %q, %q : memref<1x1x128x128xbf16>, memref<1x1x128x128xbf16>, memref<1x1x128x128xbf16>)
      seq_lens(%s : memref<1xi32>)
      outs(%o, %l : memref<1x1x128x128xbf16>, memref<1x1x128xf32>)
  return
}

// -----

func.func @f(%q: memref<1x1x128x128xbf16>, %s: memref<1xi32>, %o: memref<1x1x128x128xbf16>, %l: memref<1x1x128xf32>, %x: memref<4xf32, 3>) {
  // expected-error @+1 {{but argument #4 is 'memref<4xf32, 3>'}}
  bsattn.attention #bsattn.causal pv = f16
      ins(%q, %q, %q : memref<1x1x128x128xbf16>, memref<1x1x128x128xbf16>, memref<1x1x128x128xbf16>)
      seq_lens(%s : memref<1xi32>)
      outs(%o, %l : memref<1x1x128x128xbf16>, memref<1x1x128xf32>)
  return
}

// -----

func.func @f(%q: memref<1x1x128x128xbf16>, %s: memref<1xi32>, %o: memref<1x1x128x128xbf16>, %l: memref<1x1x128xf32>) -> i32 {
  // expected-error @+1 {{must be in a function that returns nothing (the function becomes the kernel)}}
  bsattn.attention #bsattn.causal pv = f16
      ins(%q, %q, %q : memref<1x1x128x128xbf16>, memref<1x1x128x128xbf16>, memref<1x1x128x128xbf16>)
      seq_lens(%s : memref<1xi32>)
      outs(%o, %l : memref<1x1x128x128xbf16>, memref<1x1x128xf32>)
  %r = arith.constant 0 : i32
  return %r : i32
}

// -----

func.func @f(%q: memref<1x1x128x128xbf16>, %s: memref<1xi32>, %o: memref<1x1x128x128xbf16>, %l: memref<1x1x128xf32>) {
  // expected-note @+1 {{this op}}
  %a = memref.alloc() : memref<1x1x128x128xbf16>
  // expected-error @+1 {{must be in a function that holds only 'bsattn.attention' ops and its return (the function becomes the kernel, anything else would be dropped), found 'memref.alloc'}}
  bsattn.attention #bsattn.causal pv = f16
      ins(%a, %q, %q : memref<1x1x128x128xbf16>, memref<1x1x128x128xbf16>, memref<1x1x128x128xbf16>)
      seq_lens(%s : memref<1xi32>)
      outs(%o, %l : memref<1x1x128x128xbf16>, memref<1x1x128xf32>)
  return
}

// -----

func.func @f(%q: memref<1x1x128x128xbf16>, %s: memref<1xi32>, %o: memref<1x1x128x128xbf16>, %l: memref<1x1x128xf32>) {
  cf.br ^bb1
^bb1:
  // expected-error @+1 {{must be in a function with a single block (the function becomes the kernel)}}
  bsattn.attention #bsattn.causal pv = f16
      ins(%q, %q, %q : memref<1x1x128x128xbf16>, memref<1x1x128x128xbf16>, memref<1x1x128x128xbf16>)
      seq_lens(%s : memref<1xi32>)
      outs(%o, %l : memref<1x1x128x128xbf16>, memref<1x1x128xf32>)
  return
}

// -----

// PTX cannot carry this name (the NVPTX backend aborted on it).
func.func @"a b"(%q: memref<1x1x128x128xbf16>, %s: memref<1xi32>, %o: memref<1x1x128x128xbf16>, %l: memref<1x1x128xf32>) {
  // expected-error @+1 {{needs a function name that is a PTX identifier ([A-Za-z][A-Za-z0-9_]* or _[A-Za-z0-9_]+) to name its kernel, got 'a b'}}
  bsattn.attention #bsattn.causal pv = f16
      ins(%q, %q, %q : memref<1x1x128x128xbf16>, memref<1x1x128x128xbf16>, memref<1x1x128x128xbf16>)
      seq_lens(%s : memref<1xi32>)
      outs(%o, %l : memref<1x1x128x128xbf16>, memref<1x1x128xf32>)
  return
}

// -----

// An empty kernel name (a submission was written with it).
func.func @""(%q: memref<1x1x128x128xbf16>, %s: memref<1xi32>, %o: memref<1x1x128x128xbf16>, %l: memref<1x1x128xf32>) {
  // expected-error @+1 {{needs a function name that is a PTX identifier ([A-Za-z][A-Za-z0-9_]* or _[A-Za-z0-9_]+) to name its kernel, got ''}}
  bsattn.attention #bsattn.causal pv = f16
      ins(%q, %q, %q : memref<1x1x128x128xbf16>, memref<1x1x128x128xbf16>, memref<1x1x128x128xbf16>)
      seq_lens(%s : memref<1xi32>)
      outs(%o, %l : memref<1x1x128x128xbf16>, memref<1x1x128xf32>)
  return
}

// -----

// The lowering's shared-memory symbol has this name.
func.func @bsattn_smem(%q: memref<1x1x128x128xbf16>, %s: memref<1xi32>, %o: memref<1x1x128x128xbf16>, %l: memref<1x1x128xf32>) {
  // expected-error @+1 {{needs a function name that does not start with 'bsattn_' (reserved for the compiler's symbols), got 'bsattn_smem'}}
  bsattn.attention #bsattn.causal pv = f16
      ins(%q, %q, %q : memref<1x1x128x128xbf16>, memref<1x1x128x128xbf16>, memref<1x1x128x128xbf16>)
      seq_lens(%s : memref<1xi32>)
      outs(%o, %l : memref<1x1x128x128xbf16>, memref<1x1x128xf32>)
  return
}


// -----

// PTX takes a leading underscore only with more after it (found by
// bsattn-fuzz: ptxas refused the kernel '_').
func.func @_(%q: memref<1x1x128x128xbf16>, %s: memref<1xi32>, %o: memref<1x1x128x128xbf16>, %l: memref<1x1x128xf32>) {
  // expected-error @+1 {{needs a function name that is a PTX identifier ([A-Za-z][A-Za-z0-9_]* or _[A-Za-z0-9_]+) to name its kernel, got '_'}}
  bsattn.attention #bsattn.causal pv = f16
      ins(%q, %q, %q : memref<1x1x128x128xbf16>, memref<1x1x128x128xbf16>, memref<1x1x128x128xbf16>)
      seq_lens(%s : memref<1xi32>)
      outs(%o, %l : memref<1x1x128x128xbf16>, memref<1x1x128xf32>)
  return
}
