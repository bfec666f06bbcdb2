//===- HopperBuilder.cpp - sm_90a instruction sequences ---------*- C++ -*-===//

#include "HopperBuilder.h"

#include "mlir/Dialect/Arith/IR/Arith.h"

using namespace mlir;
using namespace mlir::bsattn::hopper;

Value HopperBuilder::i32(int64_t value) {
  return arith::ConstantIntOp::create(b, loc, value, 32);
}

Value HopperBuilder::i64(int64_t value) {
  return arith::ConstantIntOp::create(b, loc, value, 64);
}

Value HopperBuilder::f32(double value) {
  return arith::ConstantFloatOp::create(b, loc, f32Type(),
                                        APFloat(static_cast<float>(value)));
}

LLVM::LLVMStructType HopperBuilder::fragmentType(int64_t count) {
  return LLVM::LLVMStructType::getLiteral(ctx,
                                          SmallVector<Type>(count, f32Type()));
}

Value HopperBuilder::toI32(Value value) {
  if (value.getType().isIndex())
    return arith::IndexCastOp::create(b, loc, b.getI32Type(), value);
  if (value.getType().getIntOrFloatBitWidth() > 32)
    return arith::TruncIOp::create(b, loc, b.getI32Type(), value);
  return value;
}

Value HopperBuilder::toI64(Value value) {
  if (value.getType().isIndex())
    return arith::IndexCastOp::create(b, loc, b.getI64Type(), value);
  if (value.getType().isInteger(32))
    return arith::ExtSIOp::create(b, loc, b.getI64Type(), value);
  return value;
}

SmallVector<Value> HopperBuilder::unpack(Value fragment) {
  auto type = cast<LLVM::LLVMStructType>(fragment.getType());
  SmallVector<Value> values;
  for (int64_t i = 0, e = type.getBody().size(); i < e; ++i)
    values.push_back(LLVM::ExtractValueOp::create(b, loc, fragment, i));
  return values;
}

Value HopperBuilder::pack(ArrayRef<Value> values) {
  SmallVector<Type> types;
  for (Value value : values)
    types.push_back(value.getType());
  Value result = LLVM::PoisonOp::create(
      b, loc, LLVM::LLVMStructType::getLiteral(ctx, types));
  for (auto [i, value] : llvm::enumerate(values))
    result = LLVM::InsertValueOp::create(b, loc, result, value, i);
  return result;
}

Value HopperBuilder::sharedPtr(Value base, Value offset) {
  auto sharedPtrType = LLVM::LLVMPointerType::get(ctx, 3);
  return LLVM::GEPOp::create(b, loc, sharedPtrType, b.getI8Type(), base,
                             ValueRange{offset});
}

Value HopperBuilder::wgmmaDescriptor(Value address, int64_t leadingBytes) {
  // Bits 0-13: address >> 4; 16-29: leading byte offset >> 4 (unused by
  // 128B-swizzled K-major tiles; for N-major ones the stride between
  // 64-column swizzle atoms); 32-45: stride byte offset >> 4 (1024 bytes
  // between 8-row groups); 62-63: swizzle mode (1 = 128B).
  Value wide = arith::ExtUIOp::create(b, loc, b.getI64Type(), address);
  Value masked = arith::AndIOp::create(b, loc, wide, i64(0x3FFFF));
  Value start = arith::ShRUIOp::create(b, loc, masked, i64(4));
  int64_t fixedBits = ((leadingBytes >> 4) << 16) | (int64_t(1024 >> 4) << 32) |
                      (int64_t(1) << 62);
  return arith::OrIOp::create(b, loc, start, i64(fixedBits));
}

/// The NVVM wgmma operand type of a 16-bit float type.
static NVVM::WGMMATypesAttr wgmmaType(MLIRContext *ctx, Type type) {
  return NVVM::WGMMATypesAttr::get(ctx, type.isBF16() ? NVVM::WGMMATypes::bf16
                                                      : NVVM::WGMMATypes::f16);
}

Value HopperBuilder::wgmmaSharedShared(Value accumulator, Value descA,
                                       Value descB, int64_t n, bool accumulate,
                                       Type inputType) {
  auto input = wgmmaType(ctx, inputType);
  return NVVM::WgmmaMmaAsyncOp::create(
      b, loc, fragmentType(n / 2), accumulator, descA, descB,
      NVVM::MMAShapeAttr::get(ctx, 64, n, 16), input, input,
      NVVM::WGMMATypesAttr::get(ctx, NVVM::WGMMATypes::f32),
      NVVM::WGMMAScaleOutAttr::get(ctx, accumulate ? NVVM::WGMMAScaleOut::one
                                                   : NVVM::WGMMAScaleOut::zero),
      NVVM::WGMMAScaleInAttr::get(ctx, NVVM::WGMMAScaleIn::one),
      NVVM::WGMMAScaleInAttr::get(ctx, NVVM::WGMMAScaleIn::one),
      NVVM::MMALayoutAttr::get(ctx, NVVM::MMALayout::row),
      NVVM::MMALayoutAttr::get(ctx, NVVM::MMALayout::col),
      NVVM::MMAIntOverflowAttr());
}

Value HopperBuilder::wgmmaRegisterShared(Value accumulator, ArrayRef<Value> a,
                                         Value descB, int64_t n,
                                         Type inputType) {
  // NVVM's wgmma op takes A from shared memory only; the register-A form is
  // this one instruction of inline PTX. Operands: $0 .. $(count - 1) the
  // accumulator (tied to the next count inputs), then the four A registers
  // and B's descriptor. The trailing 1, 1, 1 are scale-a, scale-b and
  // transpose-b (V is N-major); scale-d is the predicate p (always
  // accumulate).
  int64_t count = n / 2;
  std::string text;
  llvm::raw_string_ostream os(text);
  StringRef type = inputType.isBF16() ? "bf16" : "f16";
  os << "{\n.reg .pred p;\nsetp.ne.b32 p, 1, 0;\n"
     << "wgmma.mma_async.sync.aligned.m64n" << n << "k16.f32." << type << "."
     << type << " {";
  for (int64_t i = 0; i < count; ++i)
    os << (i ? ", " : "") << "$" << i;
  os << "}, {";
  for (int64_t i = 0; i < 4; ++i)
    os << (i ? ", " : "") << "$" << 2 * count + i;
  os << "}, $" << 2 * count + 4 << ", p, 1, 1, 1;\n}";
  std::string constraints;
  for (int64_t i = 0; i < count; ++i)
    constraints += "=f,";
  for (int64_t i = 0; i < count; ++i)
    constraints += std::to_string(i) + ",";
  constraints += "r,r,r,r,l";

  SmallVector<Value> operands = unpack(accumulator);
  llvm::append_range(operands, a);
  operands.push_back(descB);
  return LLVM::InlineAsmOp::create(
             b, loc, fragmentType(count), operands, b.getStringAttr(text),
             b.getStringAttr(constraints), b.getUnitAttr(), UnitAttr(),
             LLVM::TailCallKindAttr::get(
                 ctx, LLVM::tailcallkind::TailCallKind::None),
             LLVM::AsmDialectAttr::get(ctx, LLVM::AsmDialect::AD_ATT),
             ArrayAttr())
      .getResult(0);
}

Value HopperBuilder::shuffleXor(Value value, int64_t offset) {
  return NVVM::ShflOp::create(
      b, loc, f32Type(), i32(-1), value, i32(offset), i32(0x1f),
      NVVM::ShflKindAttr::get(ctx, NVVM::ShflKind::bfly), UnitAttr());
}

Value HopperBuilder::maxNum(Value lhs, Value rhs) {
  return LLVM::MaxNumOp::create(b, loc, lhs, rhs);
}

Value HopperBuilder::fma(Value x, Value y, Value z) {
  return LLVM::FMAOp::create(b, loc, x, y, z);
}

Value HopperBuilder::exp2(Value value) {
  return LLVM::CallIntrinsicOp::create(
             b, loc, f32Type(), b.getStringAttr("llvm.nvvm.ex2.approx.ftz.f32"),
             ValueRange{value})
      .getResult(0);
}

Value HopperBuilder::exp2Polynomial(Value value) {
  // 2^x = 2^n * 2^f with n = floor(x), f = x - n in [0, 1). Adding
  // 1.5 * 2^23 rounding down leaves n in the low mantissa bits (the sum
  // stays in [2^23, 2^24), where the ulp is 1), so shifting the sum's bits
  // by 23 puts n in an exponent field (the constant's bits shift out).
  // Below -127 the exponent would underflow: the clamp makes -127 (and
  // -inf) give p(0) * 2^-127 with p(0) = 1, whose bits are 0.
  constexpr float kRoundingOffset = 12582912.0f; // 1.5 * 2^23
  // p(f) ~ 2^f on [0, 1) with p(0) = 1: a relative-error minimax fit in
  // float32 (largest relative error 1.43e-7).
  constexpr float kCoefficients[] = {1.0f,           0.693151295f,
                                     0.240164459f,   0.0557998680f,
                                     0.00901709218f, 0.00186710060f};
  Value clamped = maxNum(value, f32(-127.0));
  Value shifted = LLVM::CallIntrinsicOp::create(
                      b, loc, f32Type(), b.getStringAttr("llvm.nvvm.add.rm.f"),
                      ValueRange{clamped, f32(kRoundingOffset)})
                      .getResult(0);
  Value floor = LLVM::FSubOp::create(b, loc, shifted, f32(kRoundingOffset));
  Value fraction = LLVM::FSubOp::create(b, loc, clamped, floor);
  Value polynomial = f32(kCoefficients[5]);
  for (int64_t k = 4; k >= 0; --k)
    polynomial = fma(polynomial, fraction, f32(kCoefficients[k]));
  Value exponentBits = LLVM::ShlOp::create(
      b, loc, LLVM::BitcastOp::create(b, loc, b.getI32Type(), shifted),
      i32(23));
  Value bits = LLVM::AddOp::create(
      b, loc, LLVM::BitcastOp::create(b, loc, b.getI32Type(), polynomial),
      exponentBits);
  return LLVM::BitcastOp::create(b, loc, f32Type(), bits);
}

Value HopperBuilder::log2(Value value) {
  return LLVM::CallIntrinsicOp::create(
             b, loc, f32Type(), b.getStringAttr("llvm.nvvm.lg2.approx.f"),
             ValueRange{value})
      .getResult(0);
}

Value HopperBuilder::packPair(Value lo, Value hi, Type type) {
  auto f32x2 = VectorType::get({2}, f32Type());
  auto narrowType = VectorType::get({2}, type);
  Value vector = LLVM::PoisonOp::create(b, loc, f32x2);
  vector = LLVM::InsertElementOp::create(b, loc, vector, lo, i32(0));
  vector = LLVM::InsertElementOp::create(b, loc, vector, hi, i32(1));
  Value narrow = LLVM::FPTruncOp::create(b, loc, narrowType, vector);
  return LLVM::BitcastOp::create(b, loc, b.getI32Type(), narrow);
}

std::pair<Value, Value> HopperBuilder::unpackPair(Value packed, Type type) {
  auto f32x2 = VectorType::get({2}, f32Type());
  auto narrowType = VectorType::get({2}, type);
  Value narrow = LLVM::BitcastOp::create(b, loc, narrowType, packed);
  Value wide = LLVM::FPExtOp::create(b, loc, f32x2, narrow);
  return {LLVM::ExtractElementOp::create(b, loc, wide, i32(0)),
          LLVM::ExtractElementOp::create(b, loc, wide, i32(1))};
}

void HopperBuilder::convertBF16ToF16InPlace(Value ptr) {
  // A bf16 is the top half of the f32 of the same value, so each 32-bit
  // word widens to two f32 with one integer op apiece (low element
  // `word << 16`, high `word & 0xffff0000`): `fpext` costs ptxas an extra
  // PRMT per pair. The f32 pairs then narrow with correct rounding.
  auto i32x4 = VectorType::get({4}, b.getI32Type());
  auto i32x8 = VectorType::get({8}, b.getI32Type());
  auto f32x8 = VectorType::get({8}, f32Type());
  auto f16x8 = VectorType::get({8}, b.getF16Type());
  auto splat = [&](int64_t value) -> Value {
    return LLVM::ConstantOp::create(
        b, loc, i32x4,
        DenseElementsAttr::get(i32x4, b.getI32IntegerAttr(value).getValue()));
  };
  Value words = LLVM::LoadOp::create(b, loc, i32x4, ptr, /*alignment=*/16);
  Value low = LLVM::ShlOp::create(b, loc, words, splat(16));
  Value high = LLVM::AndOp::create(b, loc, words, splat(0xffff0000));
  Value interleaved = LLVM::ShuffleVectorOp::create(
      b, loc, i32x8, low, high, ArrayRef<int32_t>{0, 4, 1, 5, 2, 6, 3, 7});
  Value wide = LLVM::BitcastOp::create(b, loc, f32x8, interleaved);
  Value narrow = LLVM::FPTruncOp::create(b, loc, f16x8, wide);
  LLVM::StoreOp::create(b, loc, narrow, ptr, /*alignment=*/16);
}
