"""Block-sparse attention on Hopper GPUs from PyTorch.

    import bsattn
    o, lse = bsattn.attention(q, k, v, bsattn.sliding_window(8))

Each kernel is compiled by bsattn-translate on first use and cached on disk
(docs/python.md).
"""

from .attention_op import attention, precompile
from .compiler import CompileError, CompilerNotFoundError, CompileWarning
from .patterns import (BLOCK_SIZE, PatternError, block_mask, causal, csr,
                       full, sliding_window, window_global)

__all__ = ["attention", "precompile", "causal", "full", "sliding_window",
           "window_global", "csr", "block_mask", "BLOCK_SIZE", "PatternError",
           "CompileError", "CompilerNotFoundError", "CompileWarning"]
