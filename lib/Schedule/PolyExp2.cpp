//===- PolyExp2.cpp - exponentials on the FMA units -----------------------===//
//
// Marks the 8-column chunks of each softmax whose exponentials the lowering
// computes with a polynomial instead of MUFU.EX2, spread evenly over the key
// tile so that ptxas can interleave them with the MUFU stream.
//
//===----------------------------------------------------------------------===//

#include "bsattn/Dialect/BSAttn/IR/BSAttn.h"
#include "bsattn/Schedule/Kernel.h"
#include "bsattn/Schedule/Passes.h"

namespace mlir::bsattn {
#define GEN_PASS_DEF_BSATTNPOLYEXP2
#include "bsattn/Schedule/Passes.h.inc"
} // namespace mlir::bsattn

using namespace mlir;
using namespace mlir::bsattn;

namespace {

/// The first columns of `polyColumns / 8` of the `width / 8` chunks, spread
/// evenly: chunk c is taken where floor((c + 1) k / n) steps past
/// floor(c k / n), so that the last chunk is always among them.
SmallVector<int64_t> spreadChunks(int64_t polyColumns, int64_t width) {
  int64_t taken = polyColumns / 8, chunks = width / 8;
  SmallVector<int64_t> columns;
  for (int64_t c = 0; c < chunks; ++c)
    if ((c + 1) * taken / chunks != c * taken / chunks)
      columns.push_back(8 * c);
  return columns;
}

struct PolyExp2Pass : public bsattn::impl::BSAttnPolyExp2Base<PolyExp2Pass> {
  using BSAttnPolyExp2Base::BSAttnPolyExp2Base;

  void runOnOperation() override {
    TuningAttr tuning = getKernelTuning(getOperation());
    if (!tuning || !tuning.getPolyExp2Columns())
      return;
    int64_t polyColumns = tuning.getPolyExp2Columns();
    auto mark = [&](Operation *op, TileType scores, int64_t first,
                    int64_t end) -> WalkResult {
      int64_t width = scores.getCols();
      if (polyColumns > width) {
        op->emitOpError() << "cannot compute " << polyColumns
                          << " columns' exponentials with a polynomial "
                             "(poly_exp2_columns): the key tile has "
                          << width;
        return WalkResult::interrupt();
      }
      SmallVector<int64_t> columns;
      for (int64_t column : spreadChunks(polyColumns, width))
        if (column >= first && column < end)
          columns.push_back(column);
      op->setAttr("poly_columns",
                  DenseI64ArrayAttr::get(op->getContext(), columns));
      return WalkResult::advance();
    };
    WalkResult result = getOperation().walk([&](Operation *op) {
      if (auto softmax = dyn_cast<OnlineSoftmaxOp>(op))
        return mark(op, softmax.getScores().getType(), 0,
                    softmax.getScores().getType().getCols());
      if (auto exponentials = dyn_cast<ExpScoresOp>(op))
        return mark(op, exponentials.getScores().getType(),
                    exponentials.getFirstColumn(),
                    exponentials.getFirstColumn() + exponentials.getColumns());
      return WalkResult::advance();
    });
    if (result.wasInterrupted())
      signalPassFailure();
  }
};

} // namespace
