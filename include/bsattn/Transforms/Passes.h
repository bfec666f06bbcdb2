//===- Passes.h - bsattn -> bsattn passes -----------------------*- C++ -*-===//

#ifndef BSATTN_TRANSFORMS_PASSES_H
#define BSATTN_TRANSFORMS_PASSES_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Pass/Pass.h"

namespace mlir::bsattn {

#define GEN_PASS_DECL
#include "bsattn/Transforms/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "bsattn/Transforms/Passes.h.inc"

} // namespace mlir::bsattn

#endif // BSATTN_TRANSFORMS_PASSES_H
