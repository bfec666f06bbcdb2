//===- BSAttn.h - bsattn dialect, attributes and ops ------------*- C++ -*-===//

#ifndef BSATTN_DIALECT_BSATTN_IR_BSATTN_H
#define BSATTN_DIALECT_BSATTN_IR_BSATTN_H

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMTypes.h"
#include "mlir/Dialect/NVGPU/IR/NVGPUDialect.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Dialect.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/IR/OpImplementation.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include "bsattn/Dialect/BSAttn/IR/BSAttnDialect.h.inc"
#include "bsattn/Dialect/BSAttn/IR/BSAttnEnums.h.inc"

#include "bsattn/Dialect/BSAttn/IR/BSAttnAttrInterfaces.h.inc"

namespace mlir::bsattn {
/// The parameters of `#bsattn.tuning` by name, each initialized to the
/// value the attribute takes where its syntax leaves the parameter out (the
/// attribute's definition reads its defaults from here).
/// `docs/BSAttnDialect.md` says what each one does.
struct TuningParameters {
  int64_t blockQ = 128;
  int64_t blockK = 0;
  int64_t stages = 2;
  int64_t warpgroups = 2;
  bool persistent = false;
  bool warpSpecialize = false;
  bool pingpong = false;
  bool overlap = false;
  bool producerConvert = false;
  bool dynamicTiles = false;
  int64_t valueStages = 0;
  bool rescaleBeforePv = false;
  bool descendingKeys = false;
  bool singleQueryBuffer = false;
  bool carrySchedule = false;
  int64_t pvWaitColumns = 0;
  bool earlyNextQuery = false;
  bool paddingTilesLast = false;
  bool prefetchIndices = false;
  bool prefetchBlocks = false;
  int64_t polyExp2Columns = 0;
  int64_t rescaleThreshold = 0;
  bool earlyScalarLoads = false;
  bool warpKeptMaxima = false;
  bool announceBlocks = false;
};
} // namespace mlir::bsattn

#define GET_ATTRDEF_CLASSES
#include "bsattn/Dialect/BSAttn/IR/BSAttnAttrs.h.inc"

#define GET_TYPEDEF_CLASSES
#include "bsattn/Dialect/BSAttn/IR/BSAttnTypes.h.inc"

#define GET_OP_CLASSES
#include "bsattn/Dialect/BSAttn/IR/BSAttnOps.h.inc"

#define GET_OP_CLASSES
#include "bsattn/Dialect/BSAttn/IR/BSAttnScheduleOps.h.inc"

namespace mlir::bsattn {
/// Whether `name` can name a kernel: a C identifier, which PTX (entry
/// names) and the challenge submission's Python both carry.
bool isKernelName(StringRef name);

/// Checks an exponentials op's `poly_columns`: increasing first columns of
/// 8-column chunks inside the op's columns [first, end).
LogicalResult verifyPolyColumns(Operation *op,
                                std::optional<ArrayRef<int64_t>> polyColumns,
                                int64_t first, int64_t end);

/// The largest `rescale_threshold`: probabilities reach 2^N, and 2^14 leaves
/// a power of two below f16's largest finite value (65504) for the
/// rounding of the exponents.
constexpr int64_t kMaxRescaleThreshold = 14;

/// Checks a softmax op's `rescale_threshold` (at most kMaxRescaleThreshold).
LogicalResult verifyRescaleThreshold(Operation *op,
                                     std::optional<int64_t> threshold);
} // namespace mlir::bsattn

#endif // BSATTN_DIALECT_BSATTN_IR_BSATTN_H
