//===- ChallengeSubmission.cpp - challenge submission emitter ---*- C++ -*-===//
//
// A submission directory holds only .py/.json/.txt/.md files (the harness's
// rule), so the cubin travels as base64 text and the launcher as Python.
//
//===----------------------------------------------------------------------===//

#include "bsattn/Dialect/BSAttn/IR/BSAttn.h"
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
    if (role != "q")
      continue;
    StringRef dtype = *object.getString("dtype");
    std::optional<int64_t> headDim = shape.back().getAsInteger();
    if (dtype != "bf16" || headDim != 128) {
      InFlightDiagnostic diag = emitError(loc)
                                << "a challenge submission needs bf16 q, k, "
                                   "v with D = 128, got "
                                << dtype << " with D = ";
      if (headDim)
        diag << *headDim;
      else
        diag << "?";
      return diag;
    }
  }
  for (StringRef role :
       {"q", "k", "v", "row_ptr", "col_idx", "seq_lens", "o", "lse"})
    if (!roles.contains(role))
      return emitError(loc) << "the kernel has no '" << role
                            << "' argument, which the harness passes";
  return success();
}

/// A kernel of the submission: the variant it compiles (null for an op
/// without variants), under its name.
struct SubmissionVariant {
  std::string name;
  VariantAttr variant;
};

/// The kernels to compile: every variant of the module's op, the one
/// `options.variant` names, or the op as it is, named "default".
FailureOr<SmallVector<SubmissionVariant>>
submissionVariants(ModuleOp module, const TargetOptions &options) {
  ArrayAttr variants;
  module.walk([&](AttentionOp op) { variants = op.getVariantsAttr(); });
  if (!variants || !options.variant.empty())
    return SmallVector<SubmissionVariant>{
        {options.variant.empty() ? "default" : options.variant, nullptr}};
  // The harness's limit (MAX_VARIANT_COUNT).
  if (variants.size() > 16)
    return emitError(module.getLoc())
           << "a challenge submission carries at most 16 variants, the "
              "kernel has "
           << variants.size();
  SmallVector<SubmissionVariant> result;
  for (VariantAttr variant : variants.getAsRange<VariantAttr>())
    result.push_back({variant.getName().str(), variant});
  return result;
}

/// The kernel's VARIANT_MANIFEST entry: its name, narrowed to the kernel's
/// static B, H and T and to the variant's ranges of the others.
llvm::json::Object variantEntry(const SubmissionVariant &kernel,
                                const llvm::json::Object &manifest) {
  llvm::json::Object entry{{"name", kernel.name}};
  SmallVector<int64_t, 3> sizes;
  for (const llvm::json::Value &arg : *manifest.getArray("arguments")) {
    const llvm::json::Object &object = *arg.getAsObject();
    if (*object.getString("role") != "q")
      continue;
    const llvm::json::Array &shape = *object.getArray("shape");
    for (int i = 0; i < 3; ++i)
      sizes.push_back(*shape[i].getAsInteger());
  }
  const char *keys[] = {"batch_size", "num_heads", "t_max"};
  for (auto [key, size] : llvm::zip(keys, sizes))
    if (size >= 0)
      entry[key] = size;
  if (!kernel.variant)
    return entry;
  // A static size already pins its axis (the op verifier checked that the
  // variant serves it); the harness takes an exact value or bounds.
  auto bound = [&](StringRef key, std::optional<int64_t> value) {
    if (value)
      entry[key] = *value;
  };
  if (sizes[2] < 0) {
    bound("min_t_max", kernel.variant.getMinTMax());
    bound("max_t_max", kernel.variant.getMaxTMax());
  }
  if (sizes[0] < 0 || sizes[1] < 0) {
    bound("min_batch_heads", kernel.variant.getMinBatchHeads());
    bound("max_batch_heads", kernel.variant.getMaxBatchHeads());
  }
  return entry;
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
  // What the contract refuses is the op's: its diagnostics point there.
  Location opLoc = loc;
  module.walk([&](AttentionOp op) { opLoc = op.getLoc(); });
  FailureOr<SmallVector<SubmissionVariant>> kernels =
      submissionVariants(module, options);
  if (failed(kernels))
    return failure();
  llvm::json::Array entries;
  std::vector<std::pair<std::string, std::string>> files;
  for (const SubmissionVariant &kernel : *kernels) {
    TargetOptions kernelOptions = options;
    if (kernel.variant)
      kernelOptions.variant = kernel.name;
    std::string manifestText, cubin;
    llvm::raw_string_ostream manifestStream(manifestText), cubinStream(cubin);
    if (failed(emitManifest(module, kernelOptions, manifestStream)) ||
        failed(emitCubin(module, kernelOptions, cubinStream)))
      return failure();
    llvm::Expected<llvm::json::Value> manifest =
        llvm::json::parse(manifestText);
    if (!manifest)
      return emitError(loc) << "the emitted manifest is not JSON: "
                            << llvm::toString(manifest.takeError());
    if (failed(checkChallengeContract(*manifest->getAsObject(), opLoc)))
      return failure();
    entries.push_back(variantEntry(kernel, *manifest->getAsObject()));
    files.emplace_back("bsattn_kernel_" + kernel.name + ".json", manifestText);
    files.emplace_back("bsattn_kernel_" + kernel.name + "_cubin.txt",
                       llvm::encodeBase64(cubin) + "\n");
  }

  if (std::error_code error = llvm::sys::fs::create_directories(directory))
    return emitError(loc) << "cannot create " << directory << ": "
                          << error.message();
  std::string source;
  if (auto fileLoc = dyn_cast<FileLineColLoc>(loc))
    source = llvm::sys::path::filename(fileLoc.getFilename()).str();
  std::string variantManifest;
  llvm::raw_string_ostream(variantManifest)
      << llvm::json::Value(std::move(entries));
  std::string submission =
      replaceAll(replaceAll(k_challenge_submission_py_in.str(),
                            "@VARIANT_MANIFEST@", variantManifest),
                 "@SOURCE@", source.empty() ? "a bsattn program" : source);
  files.insert(files.begin(), {{"submission.py", submission},
                               {"bsattn_cuda.py", k_bsattn_cuda_py.str()},
                               {"bsattn_torch.py", k_bsattn_torch_py.str()}});
  for (const auto &[name, text] : files)
    if (failed(writeFile(directory, name, text, loc, os)))
      return failure();
  return success();
}
