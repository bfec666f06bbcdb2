//===- CheckHost.cpp - kernels only in the compiled module ------*- C++ -*-===//
//
// The pipelines nest their function passes on the module they run on, so a
// kernel in a nested module would pass through them unlowered.
//
//===----------------------------------------------------------------------===//

#include "bsattn/Dialect/BSAttn/IR/BSAttn.h"
#include "bsattn/Transforms/Passes.h"

#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/IR/SymbolTable.h"
#include "llvm/ADT/StringExtras.h"

namespace mlir::bsattn {
#define GEN_PASS_DEF_BSATTNCHECKHOST
#include "bsattn/Transforms/Passes.h.inc"
} // namespace mlir::bsattn

using namespace mlir;
using namespace mlir::bsattn;

namespace {

/// A PTX identifier: the NVPTX backend aborts on other symbol names.
bool isPTXName(StringRef name) {
  auto isPTXChar = [](char c) {
    return llvm::isAlnum(c) || c == '_' || c == '$';
  };
  return !name.empty() && !llvm::isDigit(name.front()) &&
         llvm::all_of(name, isPTXChar);
}

/// The value of `value` where folding its defining ops (as the
/// canonicalizer would) makes it an integer constant.
std::optional<int64_t> foldedConstant(Value value, int depth = 8) {
  if (std::optional<int64_t> constant = getConstantIntValue(value))
    return constant;
  Operation *def = value.getDefiningOp();
  if (!def || depth == 0 || def->getNumRegions() != 0 ||
      def->getNumResults() != 1)
    return std::nullopt;
  SmallVector<Attribute> operands;
  for (Value operand : def->getOperands()) {
    std::optional<int64_t> folded = foldedConstant(operand, depth - 1);
    if (!folded)
      return std::nullopt;
    operands.push_back(IntegerAttr::get(operand.getType(), *folded));
  }
  SmallVector<OpFoldResult> results;
  if (failed(def->fold(operands, results)) || results.size() != 1)
    return std::nullopt;
  if (auto attr = dyn_cast<Attribute>(results.front()))
    if (auto integer = dyn_cast<IntegerAttr>(attr))
      return integer.getValue().getSExtValue();
  return std::nullopt;
}

struct BSAttnCheckHostPass
    : public bsattn::impl::BSAttnCheckHostBase<BSAttnCheckHostPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    WalkResult result = module.walk<WalkOrder::PreOrder>([&](Operation *op) {
      if (isa_and_nonnull<gpu::GPUModuleOp>(op->getParentOp())) {
        auto name =
            op->getAttrOfType<StringAttr>(SymbolTable::getSymbolAttrName());
        if (!name || isPTXName(name.getValue()))
          return WalkResult::skip();
        op->emitOpError() << "has symbol name '" << name.getValue()
                          << "', which is not a PTX identifier "
                             "([A-Za-z_$][A-Za-z0-9_$]*)";
        return WalkResult::interrupt();
      }
      // A constant index outside the memref's rank makes the result
      // undefined, and MLIR's dim folders then read past the shape.
      if (auto dim = dyn_cast<memref::DimOp>(op)) {
        std::optional<int64_t> index = foldedConstant(dim.getIndex());
        auto type = dyn_cast<MemRefType>(dim.getSource().getType());
        if (index && type && (*index < 0 || *index >= type.getRank())) {
          dim.emitOpError()
              << "index " << *index << " is out of range for a memref of rank "
              << type.getRank();
          return WalkResult::interrupt();
        }
      }
      if (!isa<AttentionOp, QueryTileOp>(op) ||
          op->getParentOp()->getParentOp() == module)
        return WalkResult::advance();
      op->emitOpError() << "is in a nested module, which the bsattn "
                           "pipelines do not compile (they compile the "
                           "functions of the module they run on)";
      return WalkResult::interrupt();
    });
    if (result.wasInterrupted())
      signalPassFailure();
  }
};

} // namespace
