//===- TestUtil.h - helpers shared by the runtime's unit tests --*- C++ -*-===//

#ifndef BSATTN_RUNTIME_TEST_TESTUTIL_H
#define BSATTN_RUNTIME_TEST_TESTUTIL_H

#include "bsattn/runtime/Json.h"
#include "bsattn/runtime/Manifest.h"

#include <string>

namespace bsattn::runtime::test {

/// A manifest written by bsattn-translate, kept under Inputs/.
inline std::string inputText(const std::string &name) {
  return readFile(std::string(BSATTN_TEST_INPUTS) + "/" + name);
}

inline Manifest inputManifest(const std::string &name) {
  return parseManifest(inputText(name), name);
}

/// The message of the exception `run` throws, or "no error".
template <typename Exception, typename Run> std::string errorOf(Run &&run) {
  try {
    run();
  } catch (const Exception &error) {
    return error.what();
  }
  return "no error";
}

} // namespace bsattn::runtime::test

#endif // BSATTN_RUNTIME_TEST_TESTUTIL_H
