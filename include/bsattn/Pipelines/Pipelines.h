//===- Pipelines.h - the bsattn pass pipelines ------------------*- C++ -*-===//

#ifndef BSATTN_PIPELINES_PIPELINES_H
#define BSATTN_PIPELINES_PIPELINES_H

#include "mlir/Pass/PassOptions.h"

namespace mlir {
class OpPassManager;
} // namespace mlir

namespace mlir::bsattn {

/// Where and how kernels are compiled.
struct TargetOptions {
  std::string chip = "sm_90a";
  std::string features = "+ptx80";
  int optLevel = 3;
  /// CUDA toolkit whose bin/ptxas assembles cubins.
  std::string toolkit = "/usr/local/cuda";
  /// gpu-module-to-binary format: isa (PTX) or bin (cubin).
  std::string format = "isa";
  /// For an op with variants, the one to compile (bsattn-select-variant).
  std::string variant;
};

/// Command-line options of the `bsattn-to-ptx` pipeline.
struct BSAttnToPTXOptions : public PassPipelineOptions<BSAttnToPTXOptions> {
  PassOptions::Option<std::string> chip{
      *this, "chip", llvm::cl::desc("Target SM"), llvm::cl::init("sm_90a")};
  PassOptions::Option<std::string> features{
      *this, "features", llvm::cl::desc("PTX version feature"),
      llvm::cl::init("+ptx80")};
  PassOptions::Option<int> optLevel{*this, "opt-level",
                                    llvm::cl::desc("LLVM optimization level"),
                                    llvm::cl::init(3)};
  PassOptions::Option<std::string> toolkit{
      *this, "toolkit", llvm::cl::desc("CUDA toolkit (for ptxas)"),
      llvm::cl::init("/usr/local/cuda")};
  PassOptions::Option<std::string> format{
      *this, "format",
      llvm::cl::desc("gpu-module-to-binary format: isa (PTX) or bin (cubin)"),
      llvm::cl::init("isa")};

  /// No variant: in bsattn-opt, `bsattn-select-variant{name=...}` ahead of
  /// the pipeline picks one.
  TargetOptions toTargetOptions() const {
    return {chip, features, optLevel, toolkit, format, /*variant=*/{}};
  }
};

/// bsattn.attention -> schedule-level kernels: buffers, mbarrier pipelines,
/// TMA copies and asynchronous warpgroup products as IR.
void buildBSAttnToSchedulePipeline(OpPassManager &pm);

/// bsattn.attention -> query tiles -> fused online softmax -> an llvm.func
/// kernel with NVVM ops in a gpu.module.
void buildBSAttnToKernelPipeline(OpPassManager &pm);

/// The upstream conversions of such kernels to LLVM, then
/// gpu-module-to-binary.
void buildKernelToBinaryPipeline(OpPassManager &pm,
                                 const TargetOptions &options);

/// Registers `bsattn-to-schedule`, `bsattn-to-kernel` and `bsattn-to-ptx`.
void registerBSAttnPipelines();

} // namespace mlir::bsattn

#endif // BSATTN_PIPELINES_PIPELINES_H
