//===- BFloat16.h - bf16 <-> float ------------------------------*- C++ -*-===//

#ifndef BSATTN_RUNTIME_BFLOAT16_H
#define BSATTN_RUNTIME_BFLOAT16_H

#include <cstdint>
#include <cstring>

namespace bsattn::runtime {

inline float bf16ToFloat(uint16_t bits) {
  uint32_t word = static_cast<uint32_t>(bits) << 16;
  float value;
  std::memcpy(&value, &word, sizeof(value));
  return value;
}

/// Round to nearest even, as PyTorch's .to(torch.bfloat16); NaN stays NaN.
inline uint16_t floatToBf16(float value) {
  uint32_t word;
  std::memcpy(&word, &value, sizeof(word));
  if ((word & 0x7FFFFFFFu) > 0x7F800000u)
    return static_cast<uint16_t>((word >> 16) | 0x40);
  word += 0x7FFFu + ((word >> 16) & 1);
  return static_cast<uint16_t>(word >> 16);
}

/// `value` rounded to the nearest bf16, through float as PyTorch rounds an
/// fp32 reference.
inline double roundToBf16(double value) {
  return bf16ToFloat(floatToBf16(static_cast<float>(value)));
}

} // namespace bsattn::runtime

#endif // BSATTN_RUNTIME_BFLOAT16_H
