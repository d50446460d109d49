"""The block mask as a parametrization of ``Linear.weight``.

``torch.nn.utils.parametrize`` makes ``layer.weight`` return
``original * mask``, so training, ``state_dict`` and export all see the
masked weight without hooks, and the gradient reaching a dropped weight is
exactly zero.  The element mask and the block shape are buffers, so they are
saved in and restored from the ``state_dict``.
"""

from __future__ import annotations

import torch
from torch import nn
from torch.nn.utils import parametrize

from .blocks import BlockGrid


class BlockMask(nn.Module):
    """Multiplies a weight by a fixed 0/1 mask made of whole blocks."""

    def __init__(self, grid: BlockGrid, block_mask: torch.Tensor):
        super().__init__()
        self.register_buffer("block_shape", torch.tensor([grid.block_rows, grid.block_cols]))
        self.register_buffer("mask", grid.expand(block_mask.bool()))

    def forward(self, weight: torch.Tensor) -> torch.Tensor:
        return weight * self.mask

    @property
    def grid(self) -> BlockGrid:
        out_features, in_features = self.mask.shape
        block_rows, block_cols = (int(v) for v in self.block_shape)
        return BlockGrid(out_features, in_features, block_rows, block_cols)

    def block_mask(self) -> torch.Tensor:
        """Kept blocks as booleans, shape ``(n_block_rows, n_block_cols)``."""
        grid = self.grid
        kept = grid.block_sums(self.mask.double())
        return kept > 0


def attach_block_mask(layer: nn.Linear, grid: BlockGrid, block_mask: torch.Tensor) -> BlockMask:
    """Mask ``layer.weight``; also zero the dropped entries of the stored original."""
    if parametrize.is_parametrized(layer, "weight"):
        raise ValueError("the layer's weight is already parametrized; attach the block mask first")
    if (grid.out_features, grid.in_features) != tuple(layer.weight.shape):
        raise ValueError(f"grid {grid} does not fit weight of shape {tuple(layer.weight.shape)}")
    masking = BlockMask(grid, block_mask).to(layer.weight.device)
    with torch.no_grad():
        layer.weight.mul_(masking.mask)
    parametrize.register_parametrization(layer, "weight", masking)
    return masking


def find_block_mask(layer: nn.Linear) -> BlockMask | None:
    """The layer's block mask, or None for a dense layer."""
    if not parametrize.is_parametrized(layer, "weight"):
        return None
    found = [p for p in layer.parametrizations["weight"] if isinstance(p, BlockMask)]
    return found[0] if found else None
