//===- FuseSoftmax.cpp - key-block loops -> online softmax ------*- C++ -*-===//
//
// A key-block loop states "attend to these blocks"; this pass makes the
// online softmax and the two-slot K/V ring explicit.
//
//===----------------------------------------------------------------------===//

#include "bsattn/Dialect/BSAttn/IR/BSAttn.h"
#include "bsattn/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/IRMapping.h"

#include <cmath>
#include <limits>

namespace mlir::bsattn {
#define GEN_PASS_DEF_BSATTNFUSESOFTMAX
#include "bsattn/Transforms/Passes.h.inc"
} // namespace mlir::bsattn

using namespace mlir;
using namespace mlir::bsattn;

namespace {

/// Clones the loop body for entry `n` at the builder's insertion point and
/// returns the key block and validity it yields.
std::pair<Value, Value> emitEntry(OpBuilder &b, KeyBlockLoopOp loop, Value n) {
  Block &body = loop.getBody().front();
  IRMapping mapping;
  mapping.map(body.getArgument(0), n);
  for (Operation &op : body.without_terminator())
    b.clone(op, mapping);
  auto yield = cast<YieldKeyBlockOp>(body.getTerminator());
  return {mapping.lookupOrDefault(yield.getKeyBlock()),
          mapping.lookupOrDefault(yield.getValid())};
}

/// Issues the load of entry `n` as ring step `step` if `n < count` and the
/// entry is used.
void emitPrefetch(OpBuilder &b, Location loc, KeyBlockLoopOp loop, Value n,
                  Value step) {
  Value inRange = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, n,
                                        loop.getCount());
  auto ifInRange = scf::IfOp::create(b, loc, inRange, /*withElse=*/false);
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(ifInRange.thenBlock());
  auto [block, valid] = emitEntry(b, loop, n);
  auto ifValid = scf::IfOp::create(b, loc, valid, /*withElse=*/false);
  b.setInsertionPointToStart(ifValid.thenBlock());
  LoadKVOp::create(b, loc, block, step);
}

void fuseLoop(KeyBlockLoopOp loop) {
  auto tile = loop->getParentOfType<QueryTileOp>();
  OpBuilder b(loop);
  Location loc = loop.getLoc();
  int64_t rows = tile.getTuning().getBlockQ();
  int64_t blockSize = tile.getBlockSize();
  auto scoresType =
      TileType::get(b.getContext(), rows, blockSize, b.getF32Type());
  auto accType =
      TileType::get(b.getContext(), rows, tile.getHeadDim(), b.getF32Type());
  auto rowsType = RowsType::get(b.getContext(), rows, b.getF32Type());
  // exp(x * scale) == exp2(x * scale * log2(e)): the scale folds into exp2.
  auto scaleLog2 = b.getF32FloatAttr(
      static_cast<float>(tile.getScale().convertToDouble() * M_LOG2E));

  Value zero = arith::ConstantIndexOp::create(b, loc, 0);
  Value one = arith::ConstantIndexOp::create(b, loc, 1);
  Value zeroF =
      arith::ConstantFloatOp::create(b, loc, b.getF32Type(), APFloat(0.0f));
  Value minusInf = arith::ConstantFloatOp::create(
      b, loc, b.getF32Type(), APFloat::getInf(APFloat::IEEEsingle(), true));
  Value max0 = SplatOp::create(b, loc, rowsType, minusInf);
  Value sum0 = SplatOp::create(b, loc, rowsType, zeroF);
  Value acc0 = SplatOp::create(b, loc, accType, zeroF);

  LoadQOp::create(b, loc);
  emitPrefetch(b, loc, loop, zero, zero);

  // Carried: running max, running sum, accumulator and the ring step of the
  // next used entry.
  auto forOp = scf::ForOp::create(b, loc, zero, loop.getCount(), one,
                                  ValueRange{max0, sum0, acc0, zero});
  {
    OpBuilder::InsertionGuard guard(b);
    Block *body = forOp.getBody();
    b.setInsertionPointToStart(body);
    Value n = forOp.getInductionVar();
    Value max = body->getArgument(1), sum = body->getArgument(2),
          acc = body->getArgument(3), step = body->getArgument(4);

    auto [keyBlock, valid] = emitEntry(b, loop, n);
    // The next used entry's load goes to the slot after this one's.
    Value nextStep = arith::AddIOp::create(
        b, loc, step,
        arith::IndexCastOp::create(
            b, loc, b.getIndexType(),
            arith::ExtUIOp::create(b, loc, b.getI64Type(), valid)));
    emitPrefetch(b, loc, loop, arith::AddIOp::create(b, loc, n, one), nextStep);

    auto ifValid =
        scf::IfOp::create(b, loc, TypeRange{rowsType, rowsType, accType}, valid,
                          /*withElseRegion=*/true);
    b.setInsertionPointToStart(ifValid.thenBlock());
    WaitKVOp::create(b, loc, step);
    Value scores = QKOp::create(b, loc, scoresType, step);
    Value masked =
        MaskOp::create(b, loc, scoresType, scores, keyBlock, loop.getSeqLen());
    auto softmax =
        OnlineSoftmaxOp::create(b, loc, scoresType, rowsType, rowsType,
                                rowsType, masked, max, sum, scaleLog2);
    Value newAcc = PVOp::create(b, loc, accType, acc, softmax.getAlpha(),
                                softmax.getProbs(), step);
    ReleaseKVOp::create(b, loc, step);
    scf::YieldOp::create(b, loc,
                         ValueRange{Value(softmax.getMaxNew()),
                                    Value(softmax.getSumNew()), newAcc});
    b.setInsertionPointToStart(ifValid.elseBlock());
    scf::YieldOp::create(b, loc, ValueRange{max, sum, acc});

    b.setInsertionPointToEnd(body);
    scf::YieldOp::create(b, loc,
                         ValueRange{ifValid.getResult(0), ifValid.getResult(1),
                                    ifValid.getResult(2), nextStep});
  }
  StoreOutputOp::create(b, loc, forOp.getResult(2), forOp.getResult(0),
                        forOp.getResult(1), loop.getSeqLen());
  loop.erase();
}

struct BSAttnFuseSoftmaxPass
    : public bsattn::impl::BSAttnFuseSoftmaxBase<BSAttnFuseSoftmaxPass> {
  void runOnOperation() override {
    SmallVector<KeyBlockLoopOp> loops;
    getOperation().walk([&](KeyBlockLoopOp loop) { loops.push_back(loop); });
    for (KeyBlockLoopOp loop : loops)
      fuseLoop(loop);
  }
};

} // namespace
