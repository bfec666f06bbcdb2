//===- Pipelines.cpp - the bsattn pass pipelines ----------------*- C++ -*-===//

#include "bsattn/Pipelines/Pipelines.h"
#include "bsattn/Conversion/Passes.h"
#include "bsattn/Schedule/Passes.h"
#include "bsattn/Transforms/Passes.h"

#include "mlir/Conversion/Passes.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/Transforms/Passes.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"

using namespace mlir;

void bsattn::buildBSAttnToSchedulePipeline(OpPassManager &pm) {
  pm.addPass(bsattn::createBSAttnCheckHost());
  pm.addNestedPass<func::FuncOp>(bsattn::createBSAttnChooseTuning());
  pm.addNestedPass<func::FuncOp>(bsattn::createBSAttnTile());
  pm.addNestedPass<func::FuncOp>(bsattn::createBSAttnFuseSoftmax());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
  pm.addPass(bsattn::createConvertBSAttnToSchedule());
}

void bsattn::buildBSAttnToKernelPipeline(OpPassManager &pm) {
  buildBSAttnToSchedulePipeline(pm);
  OpPassManager &kernels = pm.nest<gpu::GPUModuleOp>();
  kernels.addNestedPass<LLVM::LLVMFuncOp>(
      bsattn::createBSAttnEarlyScalarLoads());
  kernels.addNestedPass<LLVM::LLVMFuncOp>(bsattn::createBSAttnWarpSpecialize());
  kernels.addNestedPass<LLVM::LLVMFuncOp>(
      bsattn::createBSAttnRebalanceRegisters());
  kernels.addNestedPass<LLVM::LLVMFuncOp>(bsattn::createBSAttnOverlap());
  kernels.addNestedPass<LLVM::LLVMFuncOp>(bsattn::createBSAttnPingPong());
  kernels.addNestedPass<LLVM::LLVMFuncOp>(bsattn::createBSAttnPolyExp2());
  kernels.addNestedPass<LLVM::LLVMFuncOp>(bsattn::createBSAttnLazyRescale());
  kernels.addPass(createCanonicalizerPass());
  kernels.addNestedPass<LLVM::LLVMFuncOp>(bsattn::createBSAttnAllocateShared());
  kernels.addPass(bsattn::createConvertBSAttnScheduleToNVVM());
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
      "bsattn-to-schedule",
      "Lower bsattn.attention to schedule-level kernels (buffers, mbarrier "
      "pipelines, TMA, asynchronous wgmma as IR)",
      [](OpPassManager &pm) { buildBSAttnToSchedulePipeline(pm); });
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
