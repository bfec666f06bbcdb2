//===- Emitters.h - bsattn artifacts: PTX, cubin, manifest ------*- C++ -*-===//

#ifndef BSATTN_TARGET_EMITTERS_H
#define BSATTN_TARGET_EMITTERS_H

#include "bsattn/Pipelines/Pipelines.h"

#include "mlir/IR/BuiltinOps.h"
#include "llvm/Support/raw_ostream.h"

namespace mlir::bsattn {

/// Lowers the bsattn program in `module` (which is left unchanged) to its
/// kernel and writes the PTX text of the kernel.
LogicalResult emitPTX(ModuleOp module, const TargetOptions &options,
                      llvm::raw_ostream &os);

/// Same, writing the cubin (ptxas from `options.toolkit`).
LogicalResult emitCubin(ModuleOp module, const TargetOptions &options,
                        llvm::raw_ostream &os);

/// Writes the kernel manifest (JSON): entry point, launch shape, shared
/// memory, the function's arguments and the kernel parameter ABI.
LogicalResult emitManifest(ModuleOp module, const TargetOptions &options,
                           llvm::raw_ostream &os);

/// Writes an Attention Kernel Challenge submission for the one kernel in
/// `module` into `directory`: submission.py (generated from the manifests),
/// the Python runtime, and per variant of the op (every one, or the one
/// `options.variant` names; "default" for an op without variants) its
/// manifest and its cubin as base64 text; submission.py's VARIANT_MANIFEST
/// gives each the shapes it serves, and picks by them per call. Lists the
/// files written on `os`.
LogicalResult emitChallengeSubmission(ModuleOp module,
                                      const TargetOptions &options,
                                      StringRef directory,
                                      llvm::raw_ostream &os);

/// Registers the emitters as bsattn-translate translations.
void registerBSAttnTranslations();

} // namespace mlir::bsattn

#endif // BSATTN_TARGET_EMITTERS_H
