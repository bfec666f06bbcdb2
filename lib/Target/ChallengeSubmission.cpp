//===- ChallengeSubmission.cpp - challenge submission emitter ---*- C++ -*-===//
//
// A submission directory holds only .py/.json/.txt/.md files (the harness's
// rule), so the cubin travels as base64 text and the launcher as Python.
//
//===----------------------------------------------------------------------===//

#include "bsattn/Target/Emitters.h"

#include "mlir/IR/Diagnostics.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/Base64.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/Path.h"

using namespace mlir;
using namespace mlir::bsattn;

namespace {
#include "PythonRuntime.inc"

/// The challenge's fixed contract: bf16 q, k, v with D = 128, the pattern
/// in CSR form, and every tensor the harness passes.
LogicalResult checkChallengeContract(const llvm::json::Object &manifest,
                                     Location loc) {
  if (manifest.getString("sparsity") != "#bsattn.csr")
    return emitError(loc) << "a challenge submission needs a #bsattn.csr "
                             "kernel (the harness passes its pattern as "
                             "CSR), got "
                          << *manifest.getString("sparsity");
  if (std::optional<int64_t> group = manifest.getInteger("kv_group");
      group && *group != 1)
    return emitError(loc) << "a challenge submission needs k and v with q's "
                             "heads (the harness passes them so), got "
                             "kv_group = "
                          << *group;
  llvm::StringSet<> roles;
  for (const llvm::json::Value &arg : *manifest.getArray("arguments")) {
    const llvm::json::Object &object = *arg.getAsObject();
    StringRef role = *object.getString("role");
    roles.insert(role);
    const llvm::json::Array &shape = *object.getArray("shape");
    if (role == "q" && (*object.getString("dtype") != "bf16" ||
                        shape.back().getAsInteger() != 128))
      return emitError(loc) << "a challenge submission needs bf16 q, k, v "
                               "with D = 128";
  }
  for (StringRef role :
       {"q", "k", "v", "row_ptr", "col_idx", "seq_lens", "o", "lse"})
    if (!roles.contains(role))
      return emitError(loc) << "the kernel has no '" << role
                            << "' argument, which the harness passes";
  return success();
}

/// `[{"name": "default"}]`, narrowed to the kernel's static B, H and T.
std::string variantManifest(const llvm::json::Object &manifest) {
  llvm::json::Object variant{{"name", "default"}};
  for (const llvm::json::Value &arg : *manifest.getArray("arguments")) {
    const llvm::json::Object &object = *arg.getAsObject();
    if (*object.getString("role") != "q")
      continue;
    const llvm::json::Array &shape = *object.getArray("shape");
    const char *keys[] = {"batch_size", "num_heads", "t_max"};
    for (int i = 0; i < 3; ++i)
      if (int64_t size = *shape[i].getAsInteger(); size >= 0)
        variant[keys[i]] = size;
  }
  std::string text;
  llvm::raw_string_ostream os(text);
  os << llvm::json::Value(llvm::json::Array{std::move(variant)});
  return text;
}

std::string replaceAll(std::string text, StringRef from, StringRef to) {
  for (size_t at = text.find(from); at != std::string::npos;
       at = text.find(from, at + to.size()))
    text.replace(at, from.size(), to.str());
  return text;
}

LogicalResult writeFile(StringRef directory, StringRef name, StringRef text,
                        Location loc, llvm::raw_ostream &listing) {
  SmallString<256> path(directory);
  llvm::sys::path::append(path, name);
  std::error_code error;
  llvm::raw_fd_ostream file(path, error);
  if (error)
    return emitError(loc) << "cannot write " << path << ": " << error.message();
  file << text;
  listing << path << "\n";
  return success();
}

} // namespace

LogicalResult bsattn::emitChallengeSubmission(ModuleOp module,
                                              const TargetOptions &options,
                                              StringRef directory,
                                              llvm::raw_ostream &os) {
  Location loc = module.getLoc();
  std::string manifestText, cubin;
  llvm::raw_string_ostream manifestStream(manifestText), cubinStream(cubin);
  if (failed(emitManifest(module, options, manifestStream)) ||
      failed(emitCubin(module, options, cubinStream)))
    return failure();
  llvm::Expected<llvm::json::Value> manifest = llvm::json::parse(manifestText);
  if (!manifest)
    return emitError(loc) << "the emitted manifest is not JSON: "
                          << llvm::toString(manifest.takeError());
  if (failed(checkChallengeContract(*manifest->getAsObject(), loc)))
    return failure();

  if (std::error_code error = llvm::sys::fs::create_directories(directory))
    return emitError(loc) << "cannot create " << directory << ": "
                          << error.message();
  std::string source;
  if (auto fileLoc = dyn_cast<FileLineColLoc>(loc))
    source = llvm::sys::path::filename(fileLoc.getFilename()).str();
  std::string submission = replaceAll(
      replaceAll(k_challenge_submission_py_in.str(), "@VARIANT_MANIFEST@",
                 variantManifest(*manifest->getAsObject())),
      "@SOURCE@", source.empty() ? "a bsattn program" : source);
  const std::pair<StringRef, std::string> files[] = {
      {"submission.py", submission},
      {"bsattn_cuda.py", k_bsattn_cuda_py.str()},
      {"bsattn_torch.py", k_bsattn_torch_py.str()},
      {"bsattn_kernel.json", manifestText},
      {"bsattn_kernel_cubin.txt", llvm::encodeBase64(cubin) + "\n"}};
  for (const auto &[name, text] : files)
    if (failed(writeFile(directory, name, text, loc, os)))
      return failure();
  return success();
}
