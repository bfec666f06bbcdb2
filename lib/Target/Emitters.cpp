//===- Emitters.cpp - bsattn artifacts: PTX, cubin, manifest ----*- C++ -*-===//

#include "bsattn/Target/Emitters.h"
#include "bsattn/Dialect/BSAttn/IR/BSAttn.h"
#include "bsattn/Transforms/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Target/LLVMIR/Dialect/All.h"
#include "mlir/Tools/mlir-translate/Translation.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Object/ObjectFile.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/Endian.h"
#include "llvm/Support/JSON.h"

#include <cmath>

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

/// The kernel pipeline, after the selection of `options.variant` where
/// one is named.
void buildEmitterPipeline(OpPassManager &pm, const TargetOptions &options) {
  if (!options.variant.empty())
    pm.addNestedPass<func::FuncOp>(
        createBSAttnSelectVariant({options.variant}));
  buildBSAttnToKernelPipeline(pm);
}

/// Checks that `module` is at a level the emitters take (bsattn.attention,
/// bsattn.query_tile or an llvm.func kernel with its `bsattn.abi`, not yet
/// a gpu.binary) and holds exactly one kernel, before any lowering or
/// ptxas runs.
LogicalResult checkEmitterInput(ModuleOp module) {
  int64_t kernels = 0;
  Operation *binary = nullptr;
  module.walk([&](Operation *op) {
    if (isa<AttentionOp, QueryTileOp>(op) ||
        (isa<LLVM::LLVMFuncOp>(op) && op->hasAttr("bsattn.abi")))
      ++kernels;
    else if (isa<gpu::BinaryOp>(op) && !binary)
      binary = op;
  });
  if (binary)
    return binary->emitError()
           << "the input is already compiled to a gpu.binary; the bsattn "
              "emitters take bsattn.attention, bsattn.query_tile or an "
              "llvm.func kernel with 'bsattn.abi'";
  if (kernels != 1)
    return emitError(module.getLoc())
           << "expected exactly one bsattn.attention to emit, found "
           << kernels;
  return success();
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
  LLVM::LLVMFuncOp kernel = kernels.front();
  if (!isKernelName(kernel.getSymName()))
    return kernel.emitOpError()
           << "kernel name must be a PTX identifier ([A-Za-z][A-Za-z0-9_]* or "
              "_[A-Za-z0-9_]+) to be a PTX entry name, got '"
           << kernel.getSymName() << "'";
  return kernel;
}

/// The kernel's `bsattn.*` attributes, checked: the manifest is built from
/// them, and a runtime launches the kernel by what it says.
struct KernelAttrs {
  FunctionType functionType;
  ArrayAttr abi;
  ArrayAttr block;
  IntegerAttr sharedBytes;
  SparsityAttrInterface sparsity;
  PVPrecisionAttr pv;
  FloatAttr scale;
  bool persistent = false;
  int64_t kvGroup = 1;
  /// Query rows per CTA tile (the tuning's block_q).
  int64_t queryTileRows = 128;
};

/// `kernel`'s attribute `name` as an `AttrT`, or a diagnostic.
template <typename AttrT>
FailureOr<AttrT> getKernelAttr(LLVM::LLVMFuncOp kernel, StringRef name,
                               StringRef expected) {
  Attribute attr = kernel->getAttr(name);
  if (auto typed = dyn_cast_or_null<AttrT>(attr))
    return typed;
  InFlightDiagnostic diag = kernel.emitOpError()
                            << "needs '" << name << "' (" << expected << ")";
  if (attr)
    diag << ", got " << attr;
  return diag;
}

/// Checks one `bsattn.abi` entry against the function's arguments.
LogicalResult verifyABIEntry(LLVM::LLVMFuncOp kernel, DictionaryAttr entry,
                             size_t index, FunctionType functionType) {
  auto fail = [&]() {
    return kernel.emitOpError() << "'bsattn.abi' entry #" << index << " ";
  };
  for (NamedAttribute attr : entry)
    if (!llvm::is_contained({"kind", "name", "arg", "box", "swizzle", "dim"},
                            attr.getName().getValue()))
      return fail() << "has unknown key '" << attr.getName().getValue() << "'";
  auto kind = dyn_cast_or_null<StringAttr>(entry.get("kind"));
  if (!kind ||
      !llvm::is_contained({"tensor_map", "pointer", "dim"}, kind.getValue()))
    return fail() << "needs 'kind' = \"tensor_map\", \"pointer\" or \"dim\"";
  auto name = dyn_cast_or_null<StringAttr>(entry.get("name"));
  if (!name || name.getValue().empty())
    return fail() << "needs a non-empty string 'name'";
  auto arg = dyn_cast_or_null<IntegerAttr>(entry.get("arg"));
  int64_t numInputs = functionType.getNumInputs();
  if (!arg || arg.getInt() < 0 || arg.getInt() >= numInputs)
    return fail() << "needs an integer 'arg' in [0, " << numInputs << ")";
  auto memref = cast<MemRefType>(functionType.getInput(arg.getInt()));
  bool isTensorMap = kind.getValue() == "tensor_map";
  bool isDim = kind.getValue() == "dim";
  auto box = dyn_cast_or_null<ArrayAttr>(entry.get("box"));
  if (isTensorMap != bool(entry.get("box")) ||
      (box && (box.size() != 4 || !llvm::all_of(box, [](Attribute size) {
                 auto integer = dyn_cast<IntegerAttr>(size);
                 return integer && integer.getInt() > 0;
               }))))
    return fail() << "needs a 'box' of 4 positive integers exactly when its "
                     "kind is tensor_map";
  if (isTensorMap != bool(entry.get("swizzle")) ||
      (isTensorMap && !isa<IntegerAttr>(entry.get("swizzle"))))
    return fail() << "needs an integer 'swizzle' exactly when its kind is "
                     "tensor_map";
  if (isTensorMap && memref.getRank() != 4)
    return fail() << "is a tensor map of argument #" << arg.getInt()
                  << ", which must have rank 4, got " << memref;
  auto dim = dyn_cast_or_null<IntegerAttr>(entry.get("dim"));
  if (isDim != bool(entry.get("dim")) ||
      (isDim && (!dim || dim.getInt() < 0 || dim.getInt() >= memref.getRank())))
    return fail() << "needs an integer 'dim' in [0, " << memref.getRank()
                  << ") exactly when its kind is dim";
  return success();
}

FailureOr<KernelAttrs> verifyKernelAttrs(LLVM::LLVMFuncOp kernel) {
  // Only an entry can be launched; bsattn-allocate-shared also sizes the
  // shared memory of entries alone.
  if (!kernel->hasAttr(NVVM::NVVMDialect::getKernelFuncAttrName()))
    return kernel.emitOpError() << "has 'bsattn.abi' but is not a kernel "
                                   "entry (no 'nvvm.kernel')";
  KernelAttrs attrs;
  auto typeAttr = getKernelAttr<TypeAttr>(kernel, "bsattn.function_type",
                                          "the host function's type");
  if (failed(typeAttr))
    return failure();
  attrs.functionType = dyn_cast<FunctionType>(typeAttr->getValue());
  if (!attrs.functionType || attrs.functionType.getNumResults() != 0 ||
      !llvm::all_of(attrs.functionType.getInputs(), llvm::IsaPred<MemRefType>))
    return kernel.emitOpError()
           << "needs 'bsattn.function_type' to be a function type with "
              "memref arguments and no results, got "
           << typeAttr->getValue();

  auto abi = getKernelAttr<ArrayAttr>(kernel, "bsattn.abi",
                                      "an array with one dictionary per "
                                      "kernel argument");
  if (failed(abi))
    return failure();
  attrs.abi = *abi;
  if (attrs.abi.size() != kernel.getNumArguments())
    return kernel.emitOpError()
           << "'bsattn.abi' has " << attrs.abi.size() << " entries for "
           << kernel.getNumArguments() << " kernel arguments";
  bool hasQuery = false;
  for (auto [i, entry] : llvm::enumerate(attrs.abi)) {
    auto dict = dyn_cast<DictionaryAttr>(entry);
    if (!dict)
      return kernel.emitOpError() << "'bsattn.abi' entry #" << i
                                  << " must be a dictionary, got " << entry;
    if (failed(verifyABIEntry(kernel, dict, i, attrs.functionType)))
      return failure();
    hasQuery |= dict.getAs<StringAttr>("kind").getValue() == "tensor_map" &&
                dict.getAs<StringAttr>("name").getValue() == "q";
  }
  if (!hasQuery)
    return kernel.emitOpError() << "'bsattn.abi' has no tensor_map entry "
                                   "named 'q' (the grid is read off q)";

  auto block = getKernelAttr<ArrayAttr>(kernel, "bsattn.block",
                                        "3 positive thread counts");
  if (failed(block))
    return failure();
  attrs.block = *block;
  if (attrs.block.size() != 3 || !llvm::all_of(attrs.block, [](Attribute a) {
        auto count = dyn_cast<IntegerAttr>(a);
        return count && count.getInt() > 0;
      }))
    return kernel.emitOpError()
           << "needs 'bsattn.block' (3 positive thread counts), got "
           << attrs.block;
  auto sharedBytes = getKernelAttr<IntegerAttr>(
      kernel, "bsattn.shared_bytes", "the dynamic shared memory in bytes");
  if (failed(sharedBytes))
    return failure();
  // bsattn-allocate-shared has sized it (at least its barriers' bytes).
  attrs.sharedBytes = *sharedBytes;
  auto sparsity = getKernelAttr<SparsityAttrInterface>(
      kernel, "bsattn.sparsity", "a bsattn sparsity attribute");
  auto pv = getKernelAttr<PVPrecisionAttr>(kernel, "bsattn.pv",
                                           "a #bsattn<pv_precision>");
  auto scale =
      getKernelAttr<FloatAttr>(kernel, "bsattn.scale", "the softmax scale");
  if (failed(sparsity) || failed(pv) || failed(scale))
    return failure();
  attrs.sparsity = *sparsity;
  attrs.pv = *pv;
  attrs.scale = *scale;
  double scaleValue = attrs.scale.getValueAsDouble();
  if (!std::isfinite(scaleValue) || scaleValue <= 0)
    return kernel.emitOpError()
           << "needs a positive finite 'bsattn.scale', got " << attrs.scale;
  if (Attribute persistent = kernel->getAttr("bsattn.persistent");
      persistent && !isa<UnitAttr>(persistent))
    return kernel.emitOpError()
           << "needs 'bsattn.persistent' to be a unit attribute, got "
           << persistent;
  attrs.persistent = kernel->hasAttr("bsattn.persistent");
  if (Attribute kvGroup = kernel->getAttr("bsattn.kv_group")) {
    auto count = dyn_cast<IntegerAttr>(kvGroup);
    if (!count || count.getInt() < 1)
      return kernel.emitOpError()
             << "needs 'bsattn.kv_group' to be a positive integer, got "
             << kvGroup;
    attrs.kvGroup = count.getInt();
  }
  if (Attribute tuning = kernel->getAttr("bsattn.tuning")) {
    auto typed = dyn_cast<TuningAttr>(tuning);
    if (!typed)
      return kernel.emitOpError()
             << "needs 'bsattn.tuning' to be a #bsattn.tuning, got " << tuning;
    attrs.queryTileRows = typed.getBlockQ();
  }
  return attrs;
}

/// EIATTR_FRAME_SIZE, the `.nv.info` attribute that gives a function's
/// stack frame, and EIFMT_SVAL, the record format of a sized value.
constexpr uint8_t kFrameSizeAttribute = 0x11;
constexpr uint8_t kSizedValueFormat = 0x04;

/// The largest stack frame the `.nv.info` section of `cubin` gives a
/// function, or 0 where it gives none or cannot be read.
int64_t largestStackFrame(StringRef cubin) {
  auto object = llvm::object::ObjectFile::createObjectFile(
      llvm::MemoryBufferRef(cubin, "cubin"));
  if (!object) {
    llvm::consumeError(object.takeError());
    return 0;
  }
  int64_t largest = 0;
  for (const llvm::object::SectionRef &section : (*object)->sections()) {
    llvm::Expected<StringRef> name = section.getName();
    llvm::Expected<StringRef> contents = section.getContents();
    if (!name || !contents || *name != ".nv.info") {
      llvm::consumeError(name.takeError());
      llvm::consumeError(contents.takeError());
      continue;
    }
    // Records of format, attribute, 16-bit size and value; the frame's
    // value is the function's symbol index and the frame's bytes.
    StringRef records = *contents;
    while (records.size() >= 4 && uint8_t(records[0]) == kSizedValueFormat) {
      uint8_t attribute = records[1];
      size_t size = llvm::support::endian::read16le(records.data() + 2);
      if (records.size() < 4 + size)
        break;
      if (attribute == kFrameSizeAttribute && size == 8)
        largest = std::max<int64_t>(
            largest, llvm::support::endian::read32le(records.data() + 8));
      records = records.drop_front(4 + size);
    }
  }
  return largest;
}

LogicalResult emitBinary(ModuleOp module, TargetOptions options,
                         StringRef format, llvm::raw_ostream &os) {
  if (failed(checkEmitterInput(module)))
    return failure();
  options.format = format.str();
  auto lowered = runPipeline(
      module, [&](OpPassManager &pm) { buildEmitterPipeline(pm, options); });
  if (failed(lowered))
    return failure();
  FailureOr<LLVM::LLVMFuncOp> kernel = getKernel(**lowered, module.getLoc());
  if (failed(kernel))
    return failure();
  // The name and location outlive the binary pipeline, which replaces the
  // kernel with a gpu.binary.
  std::string kernelName = kernel->getSymName().str();
  Location kernelLoc = kernel->getLoc();
  PassManager pm(module.getContext());
  buildKernelToBinaryPipeline(pm, options);
  if (failed(pm.run(**lowered)))
    return failure();
  SmallVector<gpu::BinaryOp> binaries;
  (*lowered)->walk([&](gpu::BinaryOp binary) { binaries.push_back(binary); });
  if (binaries.size() != 1 || binaries.front().getObjects().size() != 1)
    return emitError(module.getLoc())
           << "expected exactly one bsattn.attention to emit, found "
           << binaries.size() << " kernels";
  auto object = cast<gpu::ObjectAttr>(binaries.front().getObjects()[0]);
  StringRef binary = object.getObject().getValue();
  // The kernels call nothing and keep no local arrays: a stack frame holds
  // registers ptxas spilled, which slows the kernel, often in its loop.
  if (format == "bin")
    if (int64_t frame = largestStackFrame(binary))
      emitWarning(kernelLoc)
          << "ptxas spilled registers of kernel '" << kernelName << "' to a "
          << frame
          << "-byte stack frame: the kernel runs, but slower (a tuning with "
             "narrower key tiles, fewer consumer warpgroups or without "
             "'persistent' needs fewer registers)";
  os << binary;
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
  if (failed(checkEmitterInput(module)))
    return failure();
  auto lowered = runPipeline(
      module, [&](OpPassManager &pm) { buildEmitterPipeline(pm, options); });
  if (failed(lowered))
    return failure();
  FailureOr<LLVM::LLVMFuncOp> kernel = getKernel(**lowered, module.getLoc());
  if (failed(kernel))
    return failure();
  FailureOr<KernelAttrs> attrs = verifyKernelAttrs(*kernel);
  if (failed(attrs))
    return failure();
  FunctionType functionType = attrs->functionType;

  // The function's interface: each argument's role is the name the kernel
  // ABI gives it.
  SmallVector<std::string> roles(functionType.getNumInputs());
  llvm::json::Array params;
  for (auto entry : attrs->abi.getAsRange<DictionaryAttr>()) {
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

  auto intsOf = [](ArrayAttr attr) {
    llvm::json::Array values;
    for (auto value : attr.getAsRange<IntegerAttr>())
      values.push_back(value.getInt());
    return values;
  };
  int64_t queryArg = -1;
  for (auto [i, role] : llvm::enumerate(roles))
    if (role == "q")
      queryArg = i;
  // The tiles (query tile, head, batch entry): x = ceil(T / block_q),
  // y = H, z = B, all read off q's shape; one CTA each, or for a
  // persistent kernel one CTA per SM looping over them.
  llvm::json::Array grid{
      llvm::json::Object{
          {"arg", queryArg}, {"dim", 2}, {"divide_by", attrs->queryTileRows}},
      llvm::json::Object{{"arg", queryArg}, {"dim", 1}, {"divide_by", 1}},
      llvm::json::Object{{"arg", queryArg}, {"dim", 0}, {"divide_by", 1}}};

  auto csr = dyn_cast<CSRAttr>(attrs->sparsity);
  llvm::json::Object manifest{
      {"format", "bsattn-kernel-manifest"},
      {"version", 1},
      {"entry", kernel->getSymName()},
      {"arch", options.chip},
      {"block", intsOf(attrs->block)},
      {"cluster", llvm::json::Array{1, 1, 1}},
      {"grid", std::move(grid)},
      {"persistent", attrs->persistent},
      {"causal", attrs->sparsity.isCausal()},
      {"indices_per_kv_head", csr && csr.getPerKvHead()},
      {"kv_group", attrs->kvGroup},
      {"shared_bytes", attrs->sharedBytes.getInt()},
      {"sparsity", stringOf(attrs->sparsity)},
      {"pv", stringifyPVPrecision(attrs->pv.getValue())},
      {"scale", attrs->scale.getValueAsDouble()},
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
  static llvm::cl::opt<std::string> variant(
      "bsattn-variant",
      llvm::cl::desc("The variant to compile of an op with variants (a "
                     "challenge submission carries every one without it)"),
      llvm::cl::init(""));
  auto options = [] {
    TargetOptions result;
    result.chip = chip;
    result.toolkit = toolkit;
    result.variant = variant;
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
