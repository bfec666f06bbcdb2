//===- Compare.h - outputs against a reference, by the challenge's rules -===//

#ifndef BSATTN_RUNTIME_COMPARE_H
#define BSATTN_RUNTIME_COMPARE_H

#include <cstdint>
#include <vector>

namespace bsattn::runtime {

/// The challenge's tolerances: o as torch.allclose(o, bf16(ref), 1e-2, 1e-3),
/// lse as allclose(lse, ref, 1e-5, 1e-5) with the same infinities in the
/// same places.
constexpr double kOAtol = 1e-3, kORtol = 1e-2;
constexpr double kLseAtol = 1e-5, kLseRtol = 1e-5;

struct Comparison {
  bool pass = true;
  /// Max |o - bf16(ref)| and, over rows where both are finite, |lse - ref|.
  double oMaxDiff = 0, lseMaxDiff = 0;
  bool lseInfMatch = true;
  bool nan = false;
  /// Elements outside the tolerance (NaN included).
  int64_t oMismatches = 0, lseMismatches = 0;
};

/// `o` holds bf16 bits; `oRef` and `lseRef` are a float or double reference.
template <typename Ref>
Comparison
compareOutputs(const std::vector<uint16_t> &o, const std::vector<float> &lse,
               const std::vector<Ref> &oRef, const std::vector<Ref> &lseRef);

/// Max |a - b| over elements, 0 where both are the same infinity, infinity
/// where only one is infinite or either is NaN: how far two references are.
template <typename A, typename B>
double maxAbsDiff(const std::vector<A> &a, const std::vector<B> &b);

} // namespace bsattn::runtime

#endif // BSATTN_RUNTIME_COMPARE_H
