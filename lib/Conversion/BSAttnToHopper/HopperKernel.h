//===- HopperKernel.h - shared pieces of the Hopper lowering ----*- C++ -*-===//
//
// The kernel's fixed layout, the per-kernel values the tile-op patterns use,
// and a builder for the sm_90a instruction sequences they emit.
//
//===----------------------------------------------------------------------===//

#ifndef BSATTN_LIB_CONVERSION_BSATTNTOHOPPER_HOPPERKERNEL_H
#define BSATTN_LIB_CONVERSION_BSATTNTOHOPPER_HOPPERKERNEL_H

#include "bsattn/Dialect/BSAttn/IR/BSAttn.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/IR/Builders.h"
#include "mlir/Transforms/DialectConversion.h"

namespace mlir::bsattn::hopper {

/// One CTA computes a 128-row query tile with two consumer warpgroups of 64
/// rows each; K and V tiles are 128 keys. A 128x128 bf16 tile is stored as
/// two 128x64 halves (one TMA box each; a swizzled row is 128 bytes).
struct KernelLayout {
  static constexpr int64_t kThreads = 256;
  static constexpr int64_t kTileRows = 128;
  static constexpr int64_t kGroupRows = 64;
  static constexpr int64_t kHalfCols = 64;
  static constexpr int64_t kHalfBytes = kTileRows * kHalfCols * 2;
  static constexpr int64_t kTileBytes = 2 * kHalfBytes;
  static constexpr int64_t kStages = 2;
  /// Two query buffers: a persistent CTA loads its next tile's Q into one
  /// while it computes with the other.
  static constexpr int64_t kQBuffers = 2;
  static constexpr int64_t kQOffset = 0;
  /// Slot s holds K at kKVOffset + s * kSlotBytes and V kTileBytes later.
  static constexpr int64_t kKVOffset = kQBuffers * kTileBytes;
  static constexpr int64_t kSlotBytes = 2 * kTileBytes;
  /// mbarriers: Q buffer b at +8 * b; for slot s, "full" (loaded) at
  /// kFullBarriers + 8 * s, "empty" (released by every thread) at
  /// kEmptyBarriers + 8 * s and "converted" (V in f16, by every thread) at
  /// kConvertedBarriers + 8 * s.
  static constexpr int64_t kBarrierOffset = kKVOffset + kStages * kSlotBytes;
  static constexpr int64_t kFullBarriers = 8 * kQBuffers;
  static constexpr int64_t kEmptyBarriers = kFullBarriers + 8 * kStages;
  static constexpr int64_t kConvertedBarriers = kEmptyBarriers + 8 * kStages;
  static constexpr int64_t kSharedBytes =
      kBarrierOffset + kConvertedBarriers + 8 * kStages;
  static_assert(kSharedBytes <= 227 * 1024, "over sm_90's shared memory");
  /// Bytes one K/V step brings in (K and V tiles).
  static constexpr int64_t kKVStepBytes = 2 * kTileBytes;
};

/// A memref kernel argument: its base pointer and its sizes (i64), static
/// ones as constants.
struct MemRefArg {
  Value ptr;
  SmallVector<Value> sizes;
};

/// Values every tile-op pattern of one kernel reads; all are defined in the
/// kernel's entry block.
struct KernelContext {
  QueryTileOp tile;
  Value tmapQ, tmapK, tmapV, tmapO;
  MemRefArg lse;
  /// i32 thread values: thread id, lane, and the first of the two rows a
  /// thread holds in accumulator fragments (row0 and row0 + 8, counted in
  /// the query tile).
  Value tid, lane, row0;
  /// i32 `2 * (lane % 4)`: the first column a thread holds in each 8-column
  /// chunk of an accumulator fragment.
  Value chunkCol;
  /// i32 offset of this warpgroup's 64 Q rows inside a Q half (in bytes).
  Value groupQOffset;
  /// Whether P.V converts V (bf16 inputs, f16 products).
  bool convertValues;
  /// i1: thread 0 issues the TMA loads.
  Value isLeader;
  /// i32 coordinates of the tile being computed.
  Value batch, head, queryBlock;
  /// i32 query buffer of the tile being computed and the parity of its
  /// mbarrier's phase for this use (0 and 0 outside persistent kernels).
  Value queryBuffer, queryParity;
  /// The shared-memory base and its 32-bit shared-window address.
  Value smemBase, smemAddr;
};

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

  /// `ptr<3>` to shared memory at `offset` bytes (i32) from the base.
  Value sharedPtr(const KernelContext &k, Value offset);
  /// A wgmma shared-memory descriptor for a 128B-swizzled tile at
  /// shared address `address` (i32) with 1024-byte 8-row groups.
  Value wgmmaDescriptor(Value address);

  void mbarrierInit(Value barrier, int64_t count);
  void mbarrierArrive(Value barrier);
  void mbarrierExpectTx(Value barrier, int64_t bytes);
  void mbarrierWait(Value barrier, Value parity);
  /// TMA load of one 128x64 box of a [B, H, T, D] tensor at
  /// (d, t, h, b) into shared memory.
  void tmaLoad(Value tmap, Value dst, Value barrier, Value d, Value t, Value h,
               Value batch);
  /// TMA store of one box of a [B, H, T, D] tensor at (d, t, h, b) from
  /// shared memory, in the issuing thread's bulk group.
  void tmaStore(Value tmap, Value src, Value d, Value t, Value h, Value batch);

  /// S (m64n128, f32) = A . B^T over k16 steps; both operands K-major, of
  /// 16-bit type `inputType` (bf16 or f16).
  Value wgmmaSharedShared(Value accumulator, Value descA, Value descB,
                          bool accumulate, Type inputType);
  /// D (m64n64, f32, 32 values) += A (registers, 4 x 2 values of
  /// `inputType`) . B (shared, N-major).
  Value wgmmaRegisterShared(Value accumulator, ArrayRef<Value> a, Value descB,
                            Type inputType);

  Value shuffleXor(Value value, int64_t offset);
  Value maxNum(Value lhs, Value rhs);
  Value fma(Value a, Value b, Value c);
  Value exp2(Value value);
  Value log2(Value value);
  /// Rounds two f32 to the 16-bit float `type` and packs them (`lo` in the
  /// low half) into an i32.
  Value packPair(Value lo, Value hi, Type type);
  /// Widens the two 16-bit halves of type `type` of an i32 back to f32.
  std::pair<Value, Value> unpackPair(Value packed, Type type);
  /// Orders this thread's generic-proxy writes to shared memory before
  /// later reads by the async proxy (TMA, wgmma).
  void fenceSharedForAsyncProxy();
  /// Converts 8 bf16 at shared address `ptr` (16 bytes) to f16 in place.
  void convertBF16ToF16InPlace(Value ptr);

  OpBuilder &b;
  Location loc;
  MLIRContext *ctx;
};

/// Registers the patterns that lower tile ops inside the kernel of `k`.
void populateTileOpLoweringPatterns(const TypeConverter &converter,
                                    const KernelContext &k,
                                    RewritePatternSet &patterns);

/// Tile and row types -> per-thread LLVM structs.
void addTileTypeConversions(TypeConverter &converter);

} // namespace mlir::bsattn::hopper

#endif // BSATTN_LIB_CONVERSION_BSATTNTOHOPPER_HOPPERKERNEL_H
