//===- BSAttnDialect.cpp - bsattn dialect -----------------------*- C++ -*-===//

#include "bsattn/Dialect/BSAttn/IR/BSAttn.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectImplementation.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace mlir::bsattn;

#include "bsattn/Dialect/BSAttn/IR/BSAttnDialect.cpp.inc"
#include "bsattn/Dialect/BSAttn/IR/BSAttnEnums.cpp.inc"

#define GET_ATTRDEF_CLASSES
#include "bsattn/Dialect/BSAttn/IR/BSAttnAttrs.cpp.inc"

#define GET_TYPEDEF_CLASSES
#include "bsattn/Dialect/BSAttn/IR/BSAttnTypes.cpp.inc"

void BSAttnDialect::initialize() {
  addTypes<
#define GET_TYPEDEF_LIST
#include "bsattn/Dialect/BSAttn/IR/BSAttnTypes.cpp.inc"
      >();
  addAttributes<
#define GET_ATTRDEF_LIST
#include "bsattn/Dialect/BSAttn/IR/BSAttnAttrs.cpp.inc"
      >();
  addOperations<
#define GET_OP_LIST
#include "bsattn/Dialect/BSAttn/IR/BSAttnOps.cpp.inc"
      >();
  addOperations<
#define GET_OP_LIST
#include "bsattn/Dialect/BSAttn/IR/BSAttnScheduleOps.cpp.inc"
      >();
}

LogicalResult TileType::verify(function_ref<InFlightDiagnostic()> emitError,
                               int64_t rows, int64_t cols, Type) {
  if (rows < 1 || cols < 1)
    return emitError() << "tile must have at least one row and one column, got "
                       << rows << "x" << cols;
  return success();
}

LogicalResult RowsType::verify(function_ref<InFlightDiagnostic()> emitError,
                               int64_t rows, Type) {
  if (rows < 1)
    return emitError() << "rows must hold at least one row, got " << rows;
  return success();
}
