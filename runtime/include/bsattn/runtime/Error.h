//===- Error.h - bsattn runtime errors --------------------------*- C++ -*-===//
//
// Every failure of the runtime is an exception whose message says what was
// wrong and where: the JSON position, the manifest field, the argument, or the
// CUDA driver call with its arguments.
//
//===----------------------------------------------------------------------===//

#ifndef BSATTN_RUNTIME_ERROR_H
#define BSATTN_RUNTIME_ERROR_H

#include <stdexcept>

namespace bsattn::runtime {

class Error : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

/// Malformed JSON text.
class JsonError : public Error {
public:
  using Error::Error;
};

/// Well-formed JSON that is not a valid kernel manifest.
class ManifestError : public Error {
public:
  using Error::Error;
};

/// Launch arguments that do not fit the kernel's manifest or the contract.
class ArgumentError : public Error {
public:
  using Error::Error;
};

/// A CUDA driver call failed.
class CudaError : public Error {
public:
  using Error::Error;
};

} // namespace bsattn::runtime

#endif // BSATTN_RUNTIME_ERROR_H
