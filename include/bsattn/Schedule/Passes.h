//===- Passes.h - passes on the kernel-schedule level -----------*- C++ -*-===//

#ifndef BSATTN_SCHEDULE_PASSES_H
#define BSATTN_SCHEDULE_PASSES_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/NVGPU/IR/NVGPUDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Pass/Pass.h"

namespace mlir::bsattn {

#define GEN_PASS_DECL
#include "bsattn/Schedule/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "bsattn/Schedule/Passes.h.inc"

} // namespace mlir::bsattn

#endif // BSATTN_SCHEDULE_PASSES_H
