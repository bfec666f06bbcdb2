// RUN: bsattn-translate --emit-manifest %s -split-input-file -verify-diagnostics -o /dev/null

// Kernels at the llvm.func level: the manifest emitter checks the ABI it
// reads (the bsattn.* attributes the Hopper lowering writes) instead of
// casting it. The first case is valid.

module attributes {gpu.container_module} {
  gpu.module @k_kernels {
    llvm.func @k(%a0: !llvm.ptr, %a1: !llvm.ptr<1>) attributes {bsattn.abi = [{arg = 0 : i64, box = [64, 128, 1, 1], kind = "tensor_map", name = "q", swizzle = 128 : i64}, {arg = 1 : i64, kind = "pointer", name = "lse"}], bsattn.block = [256, 1, 1], bsattn.function_type = (memref<1x2x256x128xbf16>, memref<1x2x256xf32>) -> (), bsattn.pv = #bsattn<pv_precision f16>, bsattn.scale = 5.000000e-01 : f32, bsattn.shared_bytes = 1024 : i64, bsattn.sparsity = #bsattn.causal, nvvm.kernel} {
      llvm.return
    }
  }
}

// -----

module attributes {gpu.container_module} {
  gpu.module @k_kernels {
    // expected-error @+1 {{'llvm.func' op needs 'bsattn.pv' (a #bsattn<pv_precision>)}}
    llvm.func @k(%a0: !llvm.ptr, %a1: !llvm.ptr<1>) attributes {bsattn.abi = [{arg = 0 : i64, box = [64, 128, 1, 1], kind = "tensor_map", name = "q", swizzle = 128 : i64}, {arg = 1 : i64, kind = "pointer", name = "lse"}], bsattn.block = [256, 1, 1], bsattn.function_type = (memref<1x2x256x128xbf16>, memref<1x2x256xf32>) -> (), bsattn.scale = 5.000000e-01 : f32, bsattn.shared_bytes = 1024 : i64, bsattn.sparsity = #bsattn.causal, nvvm.kernel} {
      llvm.return
    }
  }
}

// -----

module attributes {gpu.container_module} {
  gpu.module @k_kernels {
    // expected-error @+1 {{'llvm.func' op needs 'bsattn.pv' (a #bsattn<pv_precision>), got 1 : i64}}
    llvm.func @k(%a0: !llvm.ptr, %a1: !llvm.ptr<1>) attributes {bsattn.abi = [{arg = 0 : i64, box = [64, 128, 1, 1], kind = "tensor_map", name = "q", swizzle = 128 : i64}, {arg = 1 : i64, kind = "pointer", name = "lse"}], bsattn.block = [256, 1, 1], bsattn.function_type = (memref<1x2x256x128xbf16>, memref<1x2x256xf32>) -> (), bsattn.pv = 1 : i64, bsattn.scale = 5.000000e-01 : f32, bsattn.shared_bytes = 1024 : i64, bsattn.sparsity = #bsattn.causal, nvvm.kernel} {
      llvm.return
    }
  }
}

// -----

module attributes {gpu.container_module} {
  gpu.module @k_kernels {
    // expected-error @+1 {{'llvm.func' op needs 'bsattn.sparsity' (a bsattn sparsity attribute), got "csr"}}
    llvm.func @k(%a0: !llvm.ptr, %a1: !llvm.ptr<1>) attributes {bsattn.abi = [{arg = 0 : i64, box = [64, 128, 1, 1], kind = "tensor_map", name = "q", swizzle = 128 : i64}, {arg = 1 : i64, kind = "pointer", name = "lse"}], bsattn.block = [256, 1, 1], bsattn.function_type = (memref<1x2x256x128xbf16>, memref<1x2x256xf32>) -> (), bsattn.pv = #bsattn<pv_precision f16>, bsattn.scale = 5.000000e-01 : f32, bsattn.shared_bytes = 1024 : i64, bsattn.sparsity = "csr", nvvm.kernel} {
      llvm.return
    }
  }
}

// -----

module attributes {gpu.container_module} {
  gpu.module @k_kernels {
    // expected-error @+1 {{'llvm.func' op needs 'bsattn.function_type' to be a function type with memref arguments and no results, got '(i1, memref<1x2x256xf32>) -> ()'}}
    llvm.func @k(%a0: !llvm.ptr, %a1: !llvm.ptr<1>) attributes {bsattn.abi = [{arg = 0 : i64, box = [64, 128, 1, 1], kind = "tensor_map", name = "q", swizzle = 128 : i64}, {arg = 1 : i64, kind = "pointer", name = "lse"}], bsattn.block = [256, 1, 1], bsattn.function_type = (i1, memref<1x2x256xf32>) -> (), bsattn.pv = #bsattn<pv_precision f16>, bsattn.scale = 5.000000e-01 : f32, bsattn.shared_bytes = 1024 : i64, bsattn.sparsity = #bsattn.causal, nvvm.kernel} {
      llvm.return
    }
  }
}

// -----

module attributes {gpu.container_module} {
  gpu.module @k_kernels {
    // expected-error @+1 {{'llvm.func' op needs 'bsattn.function_type' (the host function's type), got "f"}}
    llvm.func @k(%a0: !llvm.ptr, %a1: !llvm.ptr<1>) attributes {bsattn.abi = [{arg = 0 : i64, box = [64, 128, 1, 1], kind = "tensor_map", name = "q", swizzle = 128 : i64}, {arg = 1 : i64, kind = "pointer", name = "lse"}], bsattn.block = [256, 1, 1], bsattn.function_type = "f", bsattn.pv = #bsattn<pv_precision f16>, bsattn.scale = 5.000000e-01 : f32, bsattn.shared_bytes = 1024 : i64, bsattn.sparsity = #bsattn.causal, nvvm.kernel} {
      llvm.return
    }
  }
}

// -----

module attributes {gpu.container_module} {
  gpu.module @k_kernels {
    // expected-error @+1 {{'llvm.func' op 'bsattn.abi' has 2 entries for 3 kernel arguments}}
    llvm.func @k(%a0: !llvm.ptr, %a1: !llvm.ptr<1>, %a2: i64) attributes {bsattn.abi = [{arg = 0 : i64, box = [64, 128, 1, 1], kind = "tensor_map", name = "q", swizzle = 128 : i64}, {arg = 1 : i64, kind = "pointer", name = "lse"}], bsattn.block = [256, 1, 1], bsattn.function_type = (memref<1x2x256x128xbf16>, memref<1x2x256xf32>) -> (), bsattn.pv = #bsattn<pv_precision f16>, bsattn.scale = 5.000000e-01 : f32, bsattn.shared_bytes = 1024 : i64, bsattn.sparsity = #bsattn.causal, nvvm.kernel} {
      llvm.return
    }
  }
}

// -----

module attributes {gpu.container_module} {
  gpu.module @k_kernels {
    // expected-error @+1 {{'llvm.func' op 'bsattn.abi' entry #0 must be a dictionary, got 1 : i64}}
    llvm.func @k(%a0: !llvm.ptr, %a1: !llvm.ptr<1>) attributes {bsattn.abi = [1 : i64, {arg = 1 : i64, kind = "pointer", name = "lse"}], bsattn.block = [256, 1, 1], bsattn.function_type = (memref<1x2x256x128xbf16>, memref<1x2x256xf32>) -> (), bsattn.pv = #bsattn<pv_precision f16>, bsattn.scale = 5.000000e-01 : f32, bsattn.shared_bytes = 1024 : i64, bsattn.sparsity = #bsattn.causal, nvvm.kernel} {
      llvm.return
    }
  }
}

// -----

module attributes {gpu.container_module} {
  gpu.module @k_kernels {
    // expected-error @+1 {{'llvm.func' op 'bsattn.abi' entry #1 needs an integer 'arg' in [0, 2)}}
    llvm.func @k(%a0: !llvm.ptr, %a1: !llvm.ptr<1>) attributes {bsattn.abi = [{arg = 0 : i64, box = [64, 128, 1, 1], kind = "tensor_map", name = "q", swizzle = 128 : i64}, {arg = 7 : i64, kind = "pointer", name = "lse"}], bsattn.block = [256, 1, 1], bsattn.function_type = (memref<1x2x256x128xbf16>, memref<1x2x256xf32>) -> (), bsattn.pv = #bsattn<pv_precision f16>, bsattn.scale = 5.000000e-01 : f32, bsattn.shared_bytes = 1024 : i64, bsattn.sparsity = #bsattn.causal, nvvm.kernel} {
      llvm.return
    }
  }
}

// -----

module attributes {gpu.container_module} {
  gpu.module @k_kernels {
    // expected-error @+1 {{'llvm.func' op 'bsattn.abi' entry #1 needs 'kind' = "tensor_map", "pointer" or "dim"}}
    llvm.func @k(%a0: !llvm.ptr, %a1: !llvm.ptr<1>) attributes {bsattn.abi = [{arg = 0 : i64, box = [64, 128, 1, 1], kind = "tensor_map", name = "q", swizzle = 128 : i64}, {arg = 1 : i64, kind = "ptr", name = "lse"}], bsattn.block = [256, 1, 1], bsattn.function_type = (memref<1x2x256x128xbf16>, memref<1x2x256xf32>) -> (), bsattn.pv = #bsattn<pv_precision f16>, bsattn.scale = 5.000000e-01 : f32, bsattn.shared_bytes = 1024 : i64, bsattn.sparsity = #bsattn.causal, nvvm.kernel} {
      llvm.return
    }
  }
}

// -----

// An ABI entry holds only the keys the manifest knows; 'stride' is none of them.
module attributes {gpu.container_module} {
  gpu.module @k_kernels {
    // expected-error @+1 {{'llvm.func' op 'bsattn.abi' entry #1 has unknown key 'stride'}}
    llvm.func @k(%a0: !llvm.ptr, %a1: !llvm.ptr<1>) attributes {bsattn.abi = [{arg = 0 : i64, box = [64, 128, 1, 1], kind = "tensor_map", name = "q", swizzle = 128 : i64}, {arg = 1 : i64, kind = "pointer", name = "lse", stride = 4 : i64}], bsattn.block = [256, 1, 1], bsattn.function_type = (memref<1x2x256x128xbf16>, memref<1x2x256xf32>) -> (), bsattn.pv = #bsattn<pv_precision f16>, bsattn.scale = 5.000000e-01 : f32, bsattn.shared_bytes = 1024 : i64, bsattn.sparsity = #bsattn.causal, nvvm.kernel} {
      llvm.return
    }
  }
}

// -----

// Every ABI entry names its argument; an empty name gives it no role.
module attributes {gpu.container_module} {
  gpu.module @k_kernels {
    // expected-error @+1 {{'llvm.func' op 'bsattn.abi' entry #1 needs a non-empty string 'name'}}
    llvm.func @k(%a0: !llvm.ptr, %a1: !llvm.ptr<1>) attributes {bsattn.abi = [{arg = 0 : i64, box = [64, 128, 1, 1], kind = "tensor_map", name = "q", swizzle = 128 : i64}, {arg = 1 : i64, kind = "pointer", name = ""}], bsattn.block = [256, 1, 1], bsattn.function_type = (memref<1x2x256x128xbf16>, memref<1x2x256xf32>) -> (), bsattn.pv = #bsattn<pv_precision f16>, bsattn.scale = 5.000000e-01 : f32, bsattn.shared_bytes = 1024 : i64, bsattn.sparsity = #bsattn.causal, nvvm.kernel} {
      llvm.return
    }
  }
}

// -----

// A tensor_map entry needs the swizzle its descriptor is made with.
module attributes {gpu.container_module} {
  gpu.module @k_kernels {
    // expected-error @+1 {{'llvm.func' op 'bsattn.abi' entry #0 needs an integer 'swizzle' exactly when its kind is tensor_map}}
    llvm.func @k(%a0: !llvm.ptr, %a1: !llvm.ptr<1>) attributes {bsattn.abi = [{arg = 0 : i64, box = [64, 128, 1, 1], kind = "tensor_map", name = "q"}, {arg = 1 : i64, kind = "pointer", name = "lse"}], bsattn.block = [256, 1, 1], bsattn.function_type = (memref<1x2x256x128xbf16>, memref<1x2x256xf32>) -> (), bsattn.pv = #bsattn<pv_precision f16>, bsattn.scale = 5.000000e-01 : f32, bsattn.shared_bytes = 1024 : i64, bsattn.sparsity = #bsattn.causal, nvvm.kernel} {
      llvm.return
    }
  }
}

// -----

// A tensor map describes a rank-4 (batch, head, token, dim) argument, not a rank-3 one.
module attributes {gpu.container_module} {
  gpu.module @k_kernels {
    // expected-error @+1 {{'llvm.func' op 'bsattn.abi' entry #0 is a tensor map of argument #0, which must have rank 4, got 'memref<2x256x128xbf16>'}}
    llvm.func @k(%a0: !llvm.ptr, %a1: !llvm.ptr<1>) attributes {bsattn.abi = [{arg = 0 : i64, box = [64, 128, 1, 1], kind = "tensor_map", name = "q", swizzle = 128 : i64}, {arg = 1 : i64, kind = "pointer", name = "lse"}], bsattn.block = [256, 1, 1], bsattn.function_type = (memref<2x256x128xbf16>, memref<1x2x256xf32>) -> (), bsattn.pv = #bsattn<pv_precision f16>, bsattn.scale = 5.000000e-01 : f32, bsattn.shared_bytes = 1024 : i64, bsattn.sparsity = #bsattn.causal, nvvm.kernel} {
      llvm.return
    }
  }
}

// -----

module attributes {gpu.container_module} {
  gpu.module @k_kernels {
    // expected-error @+1 {{'llvm.func' op 'bsattn.abi' entry #0 needs a 'box' of 4 positive integers exactly when its kind is tensor_map}}
    llvm.func @k(%a0: !llvm.ptr, %a1: !llvm.ptr<1>) attributes {bsattn.abi = [{arg = 0 : i64, box = [64, 128], kind = "tensor_map", name = "q", swizzle = 128 : i64}, {arg = 1 : i64, kind = "pointer", name = "lse"}], bsattn.block = [256, 1, 1], bsattn.function_type = (memref<1x2x256x128xbf16>, memref<1x2x256xf32>) -> (), bsattn.pv = #bsattn<pv_precision f16>, bsattn.scale = 5.000000e-01 : f32, bsattn.shared_bytes = 1024 : i64, bsattn.sparsity = #bsattn.causal, nvvm.kernel} {
      llvm.return
    }
  }
}

// -----

module attributes {gpu.container_module} {
  gpu.module @k_kernels {
    // expected-error @+1 {{'llvm.func' op 'bsattn.abi' entry #1 needs an integer 'dim' in [0, 3) exactly when its kind is dim}}
    llvm.func @k(%a0: !llvm.ptr, %a1: i64) attributes {bsattn.abi = [{arg = 0 : i64, box = [64, 128, 1, 1], kind = "tensor_map", name = "q", swizzle = 128 : i64}, {arg = 1 : i64, dim = 3 : i64, kind = "dim", name = "lse"}], bsattn.block = [256, 1, 1], bsattn.function_type = (memref<1x2x256x128xbf16>, memref<1x2x256xf32>) -> (), bsattn.pv = #bsattn<pv_precision f16>, bsattn.scale = 5.000000e-01 : f32, bsattn.shared_bytes = 1024 : i64, bsattn.sparsity = #bsattn.causal, nvvm.kernel} {
      llvm.return
    }
  }
}

// -----

module attributes {gpu.container_module} {
  gpu.module @k_kernels {
    // expected-error @+1 {{'llvm.func' op 'bsattn.abi' has no tensor_map entry named 'q' (the grid is read off q)}}
    llvm.func @k(%a0: !llvm.ptr, %a1: !llvm.ptr<1>) attributes {bsattn.abi = [{arg = 0 : i64, box = [64, 128, 1, 1], kind = "tensor_map", name = "k", swizzle = 128 : i64}, {arg = 1 : i64, kind = "pointer", name = "lse"}], bsattn.block = [256, 1, 1], bsattn.function_type = (memref<1x2x256x128xbf16>, memref<1x2x256xf32>) -> (), bsattn.pv = #bsattn<pv_precision f16>, bsattn.scale = 5.000000e-01 : f32, bsattn.shared_bytes = 1024 : i64, bsattn.sparsity = #bsattn.causal, nvvm.kernel} {
      llvm.return
    }
  }
}

// -----

module attributes {gpu.container_module} {
  gpu.module @k_kernels {
    // expected-error @+1 {{'llvm.func' op needs 'bsattn.block' (3 positive thread counts), got [256, 1]}}
    llvm.func @k(%a0: !llvm.ptr, %a1: !llvm.ptr<1>) attributes {bsattn.abi = [{arg = 0 : i64, box = [64, 128, 1, 1], kind = "tensor_map", name = "q", swizzle = 128 : i64}, {arg = 1 : i64, kind = "pointer", name = "lse"}], bsattn.block = [256, 1], bsattn.function_type = (memref<1x2x256x128xbf16>, memref<1x2x256xf32>) -> (), bsattn.pv = #bsattn<pv_precision f16>, bsattn.scale = 5.000000e-01 : f32, bsattn.shared_bytes = 1024 : i64, bsattn.sparsity = #bsattn.causal, nvvm.kernel} {
      llvm.return
    }
  }
}

// -----

// A function with an ABI must be a kernel entry to be launched.
module attributes {gpu.container_module} {
  gpu.module @k_kernels {
    // expected-error @+1 {{'llvm.func' op has 'bsattn.abi' but is not a kernel entry (no 'nvvm.kernel')}}
    llvm.func @k(%a0: !llvm.ptr, %a1: !llvm.ptr<1>) attributes {bsattn.abi = [{arg = 0 : i64, box = [64, 128, 1, 1], kind = "tensor_map", name = "q", swizzle = 128 : i64}, {arg = 1 : i64, kind = "pointer", name = "lse"}], bsattn.block = [256, 1, 1], bsattn.function_type = (memref<1x2x256x128xbf16>, memref<1x2x256xf32>) -> (), bsattn.pv = #bsattn<pv_precision f16>, bsattn.scale = 5.000000e-01 : f32, bsattn.shared_bytes = -1 : i64, bsattn.sparsity = #bsattn.causal} {
      llvm.return
    }
  }
}

// -----

module attributes {gpu.container_module} {
  gpu.module @k_kernels {
    // expected-error @+1 {{'llvm.func' op needs a positive finite 'bsattn.scale', got 0x7FC00000 : f32}}
    llvm.func @k(%a0: !llvm.ptr, %a1: !llvm.ptr<1>) attributes {bsattn.abi = [{arg = 0 : i64, box = [64, 128, 1, 1], kind = "tensor_map", name = "q", swizzle = 128 : i64}, {arg = 1 : i64, kind = "pointer", name = "lse"}], bsattn.block = [256, 1, 1], bsattn.function_type = (memref<1x2x256x128xbf16>, memref<1x2x256xf32>) -> (), bsattn.pv = #bsattn<pv_precision f16>, bsattn.scale = 0x7FC00000 : f32, bsattn.shared_bytes = 1024 : i64, bsattn.sparsity = #bsattn.causal, nvvm.kernel} {
      llvm.return
    }
  }
}

// -----

module attributes {gpu.container_module} {
  gpu.module @k_kernels {
    // expected-error @+1 {{'llvm.func' op needs 'bsattn.persistent' to be a unit attribute, got 1 : i64}}
    llvm.func @k(%a0: !llvm.ptr, %a1: !llvm.ptr<1>) attributes {bsattn.abi = [{arg = 0 : i64, box = [64, 128, 1, 1], kind = "tensor_map", name = "q", swizzle = 128 : i64}, {arg = 1 : i64, kind = "pointer", name = "lse"}], bsattn.block = [256, 1, 1], bsattn.function_type = (memref<1x2x256x128xbf16>, memref<1x2x256xf32>) -> (), bsattn.persistent = 1 : i64, bsattn.pv = #bsattn<pv_precision f16>, bsattn.scale = 5.000000e-01 : f32, bsattn.shared_bytes = 1024 : i64, bsattn.sparsity = #bsattn.causal, nvvm.kernel} {
      llvm.return
    }
  }
}

// -----

module attributes {gpu.container_module} {
  gpu.module @k_kernels {
    // expected-error @+1 {{'llvm.func' op has symbol name 'a b', which is not a PTX identifier ([A-Za-z_$][A-Za-z0-9_$]*)}}
    llvm.func @"a b"(%a0: !llvm.ptr, %a1: !llvm.ptr<1>) attributes {bsattn.abi = [{arg = 0 : i64, box = [64, 128, 1, 1], kind = "tensor_map", name = "q", swizzle = 128 : i64}, {arg = 1 : i64, kind = "pointer", name = "lse"}], bsattn.block = [256, 1, 1], bsattn.function_type = (memref<1x2x256x128xbf16>, memref<1x2x256xf32>) -> (), bsattn.pv = #bsattn<pv_precision f16>, bsattn.scale = 5.000000e-01 : f32, bsattn.shared_bytes = 1024 : i64, bsattn.sparsity = #bsattn.causal, nvvm.kernel} {
      llvm.return
    }
  }
}

// -----

// Found by the fuzzer: the manifest emitter cast bsattn.abi to an array.
module attributes {gpu.container_module} {
  gpu.module @k_kernels {
    // expected-error @+1 {{'llvm.func' op needs 'bsattn.abi' (an array with one dictionary per kernel argument), got #bsattn.csr}}
    llvm.func @k(%a0: !llvm.ptr, %a1: !llvm.ptr<1>) attributes {bsattn.abi = #bsattn.csr, bsattn.block = [256, 1, 1], bsattn.function_type = (memref<1x2x256x128xbf16>, memref<1x2x256xf32>) -> (), bsattn.pv = #bsattn<pv_precision f16>, bsattn.scale = 5.000000e-01 : f32, bsattn.shared_bytes = 1024 : i64, bsattn.sparsity = #bsattn.causal, nvvm.kernel} {
      llvm.return
    }
  }
}

// -----

module attributes {gpu.container_module} {
  gpu.module @k_kernels {
    // expected-error @+1 {{'llvm.func' op needs 'bsattn.kv_group' to be a positive integer, got 0 : i64}}
    llvm.func @k(%a0: !llvm.ptr, %a1: !llvm.ptr<1>) attributes {bsattn.abi = [{arg = 0 : i64, box = [64, 128, 1, 1], kind = "tensor_map", name = "q", swizzle = 128 : i64}, {arg = 1 : i64, kind = "pointer", name = "lse"}], bsattn.block = [256, 1, 1], bsattn.function_type = (memref<1x2x256x128xbf16>, memref<1x2x256xf32>) -> (), bsattn.pv = #bsattn<pv_precision f16>, bsattn.scale = 5.000000e-01 : f32, bsattn.shared_bytes = 1024 : i64, bsattn.kv_group = 0 : i64, bsattn.sparsity = #bsattn.causal, nvvm.kernel} {
      llvm.return
    }
  }
}

// -----

module attributes {gpu.container_module} {
  gpu.module @k_kernels {
    // expected-error @+1 {{'llvm.func' op needs 'bsattn.tuning' to be a #bsattn.tuning, got 3 : i64}}
    llvm.func @k(%a0: !llvm.ptr, %a1: !llvm.ptr<1>) attributes {bsattn.abi = [{arg = 0 : i64, box = [64, 128, 1, 1], kind = "tensor_map", name = "q", swizzle = 128 : i64}, {arg = 1 : i64, kind = "pointer", name = "lse"}], bsattn.block = [256, 1, 1], bsattn.function_type = (memref<1x2x256x128xbf16>, memref<1x2x256xf32>) -> (), bsattn.pv = #bsattn<pv_precision f16>, bsattn.scale = 5.000000e-01 : f32, bsattn.shared_bytes = 1024 : i64, bsattn.sparsity = #bsattn.causal, bsattn.tuning = 3 : i64, nvvm.kernel} {
      llvm.return
    }
  }
}

// -----

// '$' passes as a PTX identifier but not as a kernel name, which the
// submission's Python carries too.
module attributes {gpu.container_module} {
  gpu.module @k_kernels {
    // expected-error @+1 {{'llvm.func' op kernel name must be a PTX identifier ([A-Za-z][A-Za-z0-9_]* or _[A-Za-z0-9_]+) to be a PTX entry name, got 'k$1'}}
    llvm.func @"k$1"(%a0: !llvm.ptr, %a1: !llvm.ptr<1>) attributes {bsattn.abi = [{arg = 0 : i64, box = [64, 128, 1, 1], kind = "tensor_map", name = "q", swizzle = 128 : i64}, {arg = 1 : i64, kind = "pointer", name = "lse"}], bsattn.block = [256, 1, 1], bsattn.function_type = (memref<1x2x256x128xbf16>, memref<1x2x256xf32>) -> (), bsattn.pv = #bsattn<pv_precision f16>, bsattn.scale = 5.000000e-01 : f32, bsattn.shared_bytes = 1024 : i64, bsattn.sparsity = #bsattn.causal, nvvm.kernel} {
      llvm.return
    }
  }
}
