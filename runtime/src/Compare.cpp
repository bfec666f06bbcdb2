//===- Compare.cpp - outputs against a reference, by the challenge's rules ===//

#include "bsattn/runtime/Compare.h"
#include "bsattn/runtime/BFloat16.h"
#include "bsattn/runtime/Error.h"

#include <cmath>
#include <limits>

using namespace bsattn::runtime;

template <typename Ref>
Comparison bsattn::runtime::compareOutputs(const std::vector<uint16_t> &o,
                                           const std::vector<float> &lse,
                                           const std::vector<Ref> &oRef,
                                           const std::vector<Ref> &lseRef) {
  if (o.size() != oRef.size() || lse.size() != lseRef.size())
    throw Error("compareOutputs: outputs and reference differ in size");
  Comparison result;
  for (size_t i = 0; i < o.size(); ++i) {
    double value = bf16ToFloat(o[i]);
    double ref = roundToBf16(static_cast<double>(oRef[i]));
    double diff = std::fabs(value - ref);
    if (std::isnan(value))
      result.nan = true;
    if (std::isnan(diff) || diff > kOAtol + kORtol * std::fabs(ref))
      ++result.oMismatches;
    if (!std::isnan(diff))
      result.oMaxDiff = std::max(result.oMaxDiff, diff);
  }
  for (size_t i = 0; i < lse.size(); ++i) {
    double value = lse[i];
    double ref = static_cast<double>(lseRef[i]);
    if (std::isnan(value))
      result.nan = true;
    if (std::isinf(value) || std::isinf(ref)) {
      if (value != ref) {
        result.lseInfMatch = false;
        ++result.lseMismatches;
      }
      continue;
    }
    double diff = std::fabs(value - ref);
    if (std::isnan(diff) || diff > kLseAtol + kLseRtol * std::fabs(ref))
      ++result.lseMismatches;
    if (!std::isnan(diff))
      result.lseMaxDiff = std::max(result.lseMaxDiff, diff);
  }
  result.pass =
      !result.nan && result.oMismatches == 0 && result.lseMismatches == 0;
  return result;
}

template <typename A, typename B>
double bsattn::runtime::maxAbsDiff(const std::vector<A> &a,
                                   const std::vector<B> &b) {
  if (a.size() != b.size())
    throw Error("maxAbsDiff: vectors differ in size");
  double max = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    double x = static_cast<double>(a[i]), y = static_cast<double>(b[i]);
    if (std::isinf(x) && x == y)
      continue;
    double diff = std::fabs(x - y);
    if (std::isnan(diff))
      return std::numeric_limits<double>::infinity();
    max = std::max(max, diff);
  }
  return max;
}

template Comparison bsattn::runtime::compareOutputs<float>(
    const std::vector<uint16_t> &, const std::vector<float> &,
    const std::vector<float> &, const std::vector<float> &);
template Comparison bsattn::runtime::compareOutputs<double>(
    const std::vector<uint16_t> &, const std::vector<float> &,
    const std::vector<double> &, const std::vector<double> &);
template double bsattn::runtime::maxAbsDiff(const std::vector<float> &,
                                            const std::vector<double> &);
