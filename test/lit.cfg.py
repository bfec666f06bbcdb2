# -*- Python -*-
import os
import sys

import lit.formats
from lit.llvm import llvm_config
from lit.llvm.subst import ToolSubst

config.name = "BSATTN"
config.test_format = lit.formats.ShTest(not llvm_config.use_lit_shell)
config.suffixes = [".mlir", ".test"]
# Inputs/ holds files the tests read, not tests.
config.excludes = ["CMakeLists.txt", "lit.cfg.py", "lit.site.cfg.py", "Inputs"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.bsattn_obj_root, "test")

config.substitutions.append(("%bsattn_src_root", config.bsattn_src_root))
config.substitutions.append(("%python", sys.executable))
config.substitutions.append(("%mlir_include_dir", config.mlir_include_dir))

llvm_config.use_default_substitutions()
llvm_config.with_environment("PATH", config.llvm_tools_dir, append_path=True)

# ptxas from the CUDA toolkit; cuobjdump and nvdisasm from PyPI's
# nvidia-cuda-cuobjdump / nvidia-cuda-nvdisasm (scripts/install-deps.sh).
config.substitutions.append(("%ptxas", os.path.join(config.cuda_toolkit, "bin", "ptxas")))
config.substitutions.append(("%cuobjdump", os.path.join(config.cuda_tools_dir, "cuobjdump")))
llvm_config.with_environment("PATH", config.cuda_tools_dir, append_path=True)

tool_dirs = [config.bsattn_tools_dir, config.llvm_tools_dir]
tools = ["bsattn-opt", "bsattn-translate", "mlir-tblgen"]
llvm_config.add_tool_substitutions(tools, tool_dirs)
