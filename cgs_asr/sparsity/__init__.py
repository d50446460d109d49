"""Coarse-grain sparsification (CGS): whole blocks of each weight matrix are dropped.

Every block-row keeps the same number of blocks (equal work per output group
for a time-multiplexed MAC engine); partial blocks at a matrix edge are
smaller blocks, never padding.  Masks are ``torch.nn.utils.parametrize``
parametrizations of ``Linear.weight`` whose buffers live in the state_dict.

Typical use::

    masks = apply_cgs(model, CGSConfig(default=BlockSparsity(16, 16, keep=0.25)))
    ... train ...
    measure_sparsity(model)
"""

from .blocks import BlockGrid
from .config import BlockSparsity, CGSConfig, apply_cgs, linear_layers
from .mask import BlockMask, attach_block_mask, find_block_mask
from .measure import measure_sparsity
from .selection import kept_per_row, magnitude_scores, random_scores, select_blocks

__all__ = [
    "BlockGrid", "BlockMask", "BlockSparsity", "CGSConfig", "apply_cgs", "attach_block_mask",
    "find_block_mask", "kept_per_row", "linear_layers", "magnitude_scores", "measure_sparsity",
    "random_scores", "select_blocks",
]
