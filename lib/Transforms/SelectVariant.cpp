//===- SelectVariant.cpp - one variant of a bsattn.attention ----*- C++ -*-===//
//
// An op with variants lowers to one kernel per variant; each lowering
// starts from the op with that variant's tuning in place of the list.
//
//===----------------------------------------------------------------------===//

#include "bsattn/Dialect/BSAttn/IR/BSAttn.h"
#include "bsattn/Transforms/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"

namespace mlir::bsattn {
#define GEN_PASS_DEF_BSATTNSELECTVARIANT
#include "bsattn/Transforms/Passes.h.inc"
} // namespace mlir::bsattn

using namespace mlir;
using namespace mlir::bsattn;

namespace {

struct SelectVariantPass
    : public bsattn::impl::BSAttnSelectVariantBase<SelectVariantPass> {
  using Base::Base;

  LogicalResult select(AttentionOp op) {
    ArrayAttr variants = op.getVariantsAttr();
    if (!variants)
      return op.emitOpError() << "has no variants, so there is no variant '"
                              << variantName << "' to select";
    for (VariantAttr variant : variants.getAsRange<VariantAttr>()) {
      if (variant.getName() != variantName)
        continue;
      op.removeVariantsAttr();
      op.setTuningAttr(variant.getTuning());
      return success();
    }
    InFlightDiagnostic diag = op.emitOpError()
                              << "has no variant '" << variantName
                              << "'; its variants are ";
    llvm::interleaveComma(
        variants.getAsRange<VariantAttr>(), diag,
        [&](VariantAttr variant) { diag << "'" << variant.getName() << "'"; });
    return diag;
  }

  void runOnOperation() override {
    if (variantName.empty()) {
      emitError(getOperation().getLoc())
          << "bsattn-select-variant needs the variant's name (name=NAME)";
      return signalPassFailure();
    }
    WalkResult result = getOperation().walk([&](AttentionOp op) {
      return failed(select(op)) ? WalkResult::interrupt()
                                : WalkResult::advance();
    });
    if (result.wasInterrupted())
      signalPassFailure();
  }
};

} // namespace
