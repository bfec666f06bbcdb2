//===- HopperBuilder.h - sm_90a instruction sequences -----------*- C++ -*-===//
//
// A builder for the instruction sequences the schedule-level ops lower to.
//
//===----------------------------------------------------------------------===//

#ifndef BSATTN_LIB_CONVERSION_SCHEDULETONVVM_HOPPERBUILDER_H
#define BSATTN_LIB_CONVERSION_SCHEDULETONVVM_HOPPERBUILDER_H

#include "bsattn/Dialect/BSAttn/IR/BSAttn.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/IR/Builders.h"
#include "mlir/Transforms/DialectConversion.h"

namespace mlir::bsattn::hopper {

/// Emits the instruction sequences of the lowering at a builder's point.
class HopperBuilder {
public:
  HopperBuilder(OpBuilder &builder, Location loc)
      : b(builder), loc(loc), ctx(builder.getContext()) {}

  Value i32(int64_t value);
  Value i64(int64_t value);
  Value f32(double value);
  FloatType f32Type() { return Float32Type::get(ctx); }
  /// An `!llvm.struct` of `count` f32 (a thread's accumulator fragment).
  LLVM::LLVMStructType fragmentType(int64_t count);
  /// Index -> i32 or i64.
  Value toI32(Value index);
  Value toI64(Value value);

  /// The fragment's elements as a vector, and back.
  SmallVector<Value> unpack(Value fragment);
  Value pack(ArrayRef<Value> values);

  /// `ptr<3>` to shared memory `offset` bytes (i32) after `base`.
  Value sharedPtr(Value base, Value offset);
  /// A wgmma shared-memory descriptor for a 128B-swizzled tile at
  /// shared address `address` (i32) with 1024-byte 8-row groups and
  /// `leadingBytes` between its 64-column swizzle atoms (used by N-major
  /// operands wider than one atom). Adding `bytes / 16` to it moves it
  /// `bytes` further into the same buffer.
  Value wgmmaDescriptor(Value address, int64_t leadingBytes = 16);

  /// S (m64nN, f32, N / 2 values) = A . B^T over k16 steps; both operands
  /// K-major, of 16-bit type `inputType` (bf16 or f16).
  Value wgmmaSharedShared(Value accumulator, Value descA, Value descB,
                          int64_t n, bool accumulate, Type inputType);
  /// D (m64nN, f32, N / 2 values) += A (registers, 4 x 2 values of
  /// `inputType`) . B (shared, N-major), one k16 step.
  Value wgmmaRegisterShared(Value accumulator, ArrayRef<Value> a, Value descB,
                            int64_t n, Type inputType);

  Value shuffleXor(Value value, int64_t offset);
  Value maxNum(Value lhs, Value rhs);
  Value fma(Value a, Value b, Value c);
  Value exp2(Value value);
  /// exp2 of an f32 at most 127 on the FMA units, as accurate as MUFU.EX2's
  /// (relative error 2^-22.7); 0 at or below -127 (and for -inf).
  Value exp2Polynomial(Value value);
  Value log2(Value value);
  /// Rounds two f32 to the 16-bit float `type` and packs them (`lo` in the
  /// low half) into an i32.
  Value packPair(Value lo, Value hi, Type type);
  /// Widens the two 16-bit halves of type `type` of an i32 back to f32.
  std::pair<Value, Value> unpackPair(Value packed, Type type);
  /// Converts 8 bf16 at shared address `ptr` (16 bytes) to f16 in place.
  void convertBF16ToF16InPlace(Value ptr);

  OpBuilder &b;
  Location loc;
  MLIRContext *ctx;
};

} // namespace mlir::bsattn::hopper

#endif // BSATTN_LIB_CONVERSION_SCHEDULETONVVM_HOPPERBUILDER_H
