//===- Emitters.cpp - bsattn artifacts: PTX, cubin, manifest ----*- C++ -*-===//

#include "bsattn/Target/Emitters.h"
#include "bsattn/Dialect/BSAttn/IR/BSAttn.h"

#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Target/LLVMIR/Dialect/All.h"
#include "mlir/Tools/mlir-translate/Translation.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/JSON.h"

using namespace mlir;
using namespace mlir::bsattn;

namespace {

/// Runs `build` on a clone of `module` and returns the clone.
FailureOr<OwningOpRef<ModuleOp>>
runPipeline(ModuleOp module, function_ref<void(OpPassManager &)> build) {
  // A failing pass names the op; the whole tile op in a note helps nobody.
  module.getContext()->printOpOnDiagnostic(false);
  OwningOpRef<ModuleOp> clone(module.clone());
  PassManager pm(module.getContext());
  build(pm);
  if (failed(pm.run(*clone)))
    return failure();
  return clone;
}

/// The one kernel of a lowered module, or a diagnostic.
FailureOr<LLVM::LLVMFuncOp> getKernel(ModuleOp module, Location loc) {
  SmallVector<LLVM::LLVMFuncOp> kernels;
  module.walk([&](LLVM::LLVMFuncOp func) {
    if (func->hasAttr("bsattn.abi"))
      kernels.push_back(func);
  });
  if (kernels.size() != 1)
    return emitError(loc) << "expected exactly one bsattn.attention to emit, "
                             "found "
                          << kernels.size();
  return kernels.front();
}

LogicalResult emitBinary(ModuleOp module, TargetOptions options,
                         StringRef format, llvm::raw_ostream &os) {
  options.format = format.str();
  auto lowered = runPipeline(module, [&](OpPassManager &pm) {
    buildBSAttnToKernelPipeline(pm);
    buildKernelToBinaryPipeline(pm, options);
  });
  if (failed(lowered))
    return failure();
  SmallVector<gpu::BinaryOp> binaries;
  (*lowered)->walk([&](gpu::BinaryOp binary) { binaries.push_back(binary); });
  if (binaries.size() != 1 || binaries.front().getObjects().size() != 1)
    return emitError(module.getLoc())
           << "expected exactly one bsattn.attention to emit, found "
           << binaries.size() << " kernels";
  auto object = cast<gpu::ObjectAttr>(binaries.front().getObjects()[0]);
  os << object.getObject().getValue();
  return success();
}

std::string stringOf(Attribute attr) {
  std::string text;
  llvm::raw_string_ostream os(text);
  attr.print(os);
  return text;
}

std::string dtypeOf(Type type) {
  if (type.isBF16())
    return "bf16";
  if (type.isF16())
    return "f16";
  if (type.isF32())
    return "f32";
  if (type.isInteger(32))
    return "i32";
  return "unknown";
}

} // namespace

LogicalResult bsattn::emitPTX(ModuleOp module, const TargetOptions &options,
                              llvm::raw_ostream &os) {
  return emitBinary(module, options, "isa", os);
}

LogicalResult bsattn::emitCubin(ModuleOp module, const TargetOptions &options,
                                llvm::raw_ostream &os) {
  return emitBinary(module, options, "bin", os);
}

LogicalResult bsattn::emitManifest(ModuleOp module,
                                   const TargetOptions &options,
                                   llvm::raw_ostream &os) {
  auto lowered = runPipeline(
      module, [](OpPassManager &pm) { buildBSAttnToKernelPipeline(pm); });
  if (failed(lowered))
    return failure();
  FailureOr<LLVM::LLVMFuncOp> kernel = getKernel(**lowered, module.getLoc());
  if (failed(kernel))
    return failure();
  auto functionType = cast<FunctionType>(
      cast<TypeAttr>((*kernel)->getAttr("bsattn.function_type")).getValue());
  auto abi = cast<ArrayAttr>((*kernel)->getAttr("bsattn.abi"));

  // The function's interface: each argument's role is the name the kernel
  // ABI gives it.
  SmallVector<std::string> roles(functionType.getNumInputs());
  llvm::json::Array params;
  for (auto entry : abi.getAsRange<DictionaryAttr>()) {
    llvm::json::Object param;
    for (NamedAttribute attr : entry) {
      if (auto str = dyn_cast<StringAttr>(attr.getValue()))
        param[attr.getName().getValue()] = str.getValue();
      else if (auto integer = dyn_cast<IntegerAttr>(attr.getValue()))
        param[attr.getName().getValue()] = integer.getInt();
      else if (auto array = dyn_cast<ArrayAttr>(attr.getValue())) {
        llvm::json::Array values;
        for (auto value : array.getAsRange<IntegerAttr>())
          values.push_back(value.getInt());
        param[attr.getName().getValue()] = std::move(values);
      }
    }
    int64_t arg = cast<IntegerAttr>(entry.get("arg")).getInt();
    if (roles[arg].empty())
      roles[arg] = cast<StringAttr>(entry.get("name")).getValue().str();
    params.push_back(std::move(param));
  }
  llvm::json::Array arguments;
  for (auto [i, type] : llvm::enumerate(functionType.getInputs())) {
    auto memref = cast<MemRefType>(type);
    llvm::json::Array shape;
    for (int64_t size : memref.getShape())
      shape.push_back(ShapedType::isDynamic(size) ? int64_t(-1) : size);
    arguments.push_back(
        llvm::json::Object{{"index", int64_t(i)},
                           {"role", roles[i]},
                           {"dtype", dtypeOf(memref.getElementType())},
                           {"shape", std::move(shape)}});
  }

  auto intsOf = [](Attribute attr) {
    llvm::json::Array values;
    for (auto value : cast<ArrayAttr>(attr).getAsRange<IntegerAttr>())
      values.push_back(value.getInt());
    return values;
  };
  int64_t queryArg = -1;
  for (auto [i, role] : llvm::enumerate(roles))
    if (role == "q")
      queryArg = i;
  // The tiles (query tile, head, batch entry): x = T / 128, y = H, z = B,
  // all read off q's shape; one CTA each, or for a persistent kernel one
  // CTA per SM looping over them.
  llvm::json::Array grid{
      llvm::json::Object{{"arg", queryArg}, {"dim", 2}, {"divide_by", 128}},
      llvm::json::Object{{"arg", queryArg}, {"dim", 1}, {"divide_by", 1}},
      llvm::json::Object{{"arg", queryArg}, {"dim", 0}, {"divide_by", 1}}};

  llvm::json::Object manifest{
      {"format", "bsattn-kernel-manifest"},
      {"version", 1},
      {"entry", kernel->getSymName()},
      {"arch", options.chip},
      {"block", intsOf((*kernel)->getAttr("bsattn.block"))},
      {"cluster", llvm::json::Array{1, 1, 1}},
      {"grid", std::move(grid)},
      {"persistent", (*kernel)->hasAttr("bsattn.persistent")},
      {"shared_bytes",
       cast<IntegerAttr>((*kernel)->getAttr("bsattn.shared_bytes")).getInt()},
      {"sparsity", stringOf((*kernel)->getAttr("bsattn.sparsity"))},
      {"pv",
       stringifyPVPrecision(
           cast<PVPrecisionAttr>((*kernel)->getAttr("bsattn.pv")).getValue())},
      {"scale",
       cast<FloatAttr>((*kernel)->getAttr("bsattn.scale")).getValueAsDouble()},
      {"arguments", std::move(arguments)},
      {"params", std::move(params)}};
  os << llvm::formatv("{0:2}", llvm::json::Value(std::move(manifest))) << "\n";
  return success();
}

void bsattn::registerBSAttnTranslations() {
  static llvm::cl::opt<std::string> chip(
      "bsattn-chip", llvm::cl::desc("Target SM of the emitted kernel"),
      llvm::cl::init("sm_90a"));
  static llvm::cl::opt<std::string> toolkit(
      "bsattn-toolkit", llvm::cl::desc("CUDA toolkit holding bin/ptxas"),
      llvm::cl::init("/usr/local/cuda"));
  auto options = [] {
    TargetOptions result;
    result.chip = chip;
    result.toolkit = toolkit;
    return result;
  };
  auto dialects = [](DialectRegistry &registry) {
    registerAllDialects(registry);
    registerAllExtensions(registry);
    registerAllToLLVMIRTranslations(registry);
    registry.insert<BSAttnDialect>();
  };
  TranslateFromMLIRRegistration(
      "emit-ptx", "Compile a bsattn program to PTX for sm_90a",
      [options](ModuleOp module, llvm::raw_ostream &os) {
        return emitPTX(module, options(), os);
      },
      dialects);
  TranslateFromMLIRRegistration(
      "emit-cubin", "Compile a bsattn program to a cubin (runs ptxas)",
      [options](ModuleOp module, llvm::raw_ostream &os) {
        return emitCubin(module, options(), os);
      },
      dialects);
  static llvm::cl::opt<std::string> submissionDir(
      "bsattn-submission-dir",
      llvm::cl::desc("Directory --emit-challenge-submission writes"),
      llvm::cl::init(""));
  TranslateFromMLIRRegistration(
      "emit-challenge-submission",
      "Write an Attention Kernel Challenge submission directory "
      "(--bsattn-submission-dir) for a bsattn program",
      [options](ModuleOp module, llvm::raw_ostream &os) {
        if (submissionDir.empty())
          return LogicalResult(emitError(module.getLoc())
                               << "--emit-challenge-submission needs "
                                  "--bsattn-submission-dir=DIR");
        return emitChallengeSubmission(module, options(), submissionDir, os);
      },
      dialects);
  TranslateFromMLIRRegistration(
      "emit-manifest", "Write the JSON kernel manifest of a bsattn program",
      [options](ModuleOp module, llvm::raw_ostream &os) {
        return emitManifest(module, options(), os);
      },
      dialects);
}
