//===- Pipelines.cpp - the bsattn pass pipelines ----------------*- C++ -*-===//

#include "bsattn/Pipelines/Pipelines.h"
#include "bsattn/Conversion/Passes.h"
#include "bsattn/Transforms/Passes.h"

#include "mlir/Conversion/Passes.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/Transforms/Passes.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"

using namespace mlir;

void bsattn::buildBSAttnToKernelPipeline(OpPassManager &pm) {
  pm.addPass(bsattn::createBSAttnCheckHost());
  pm.addNestedPass<func::FuncOp>(bsattn::createBSAttnTile());
  pm.addNestedPass<func::FuncOp>(bsattn::createBSAttnFuseSoftmax());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
  pm.addPass(bsattn::createConvertBSAttnToHopper());
}

void bsattn::buildKernelToBinaryPipeline(OpPassManager &pm,
                                         const TargetOptions &options) {
  pm.addPass(createSCFToControlFlowPass());
  pm.addPass(createConvertNVVMToLLVMPass());
  pm.addPass(createArithToLLVMConversionPass());
  pm.addPass(createConvertIndexToLLVMPass());
  pm.addPass(createConvertControlFlowToLLVMPass());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
  pm.addPass(createReconcileUnrealizedCastsPass());

  GpuNVVMAttachTargetOptions target;
  target.chip = options.chip;
  target.features = options.features;
  target.optLevel = options.optLevel;
  pm.addPass(createGpuNVVMAttachTarget(target));

  GpuModuleToBinaryPassOptions binary;
  binary.toolkitPath = options.toolkit;
  binary.compilationTarget = options.format;
  pm.addPass(createGpuModuleToBinaryPass(binary));
}

void bsattn::registerBSAttnPipelines() {
  PassPipelineRegistration<>(
      "bsattn-to-kernel",
      "Lower bsattn.attention to sm_90a kernels in NVVM (llvm.func in "
      "gpu.module)",
      [](OpPassManager &pm) { buildBSAttnToKernelPipeline(pm); });
  PassPipelineRegistration<BSAttnToPTXOptions>(
      "bsattn-to-ptx",
      "Lower bsattn.attention to a gpu.binary holding PTX (format=isa) or a "
      "cubin (format=bin)",
      [](OpPassManager &pm, const BSAttnToPTXOptions &options) {
        buildBSAttnToKernelPipeline(pm);
        buildKernelToBinaryPipeline(pm, options.toTargetOptions());
      });
}
