"""Geometry of a weight matrix tiled into blocks.

A weight of shape ``(out_features, in_features)`` is cut into block-rows of
``block_rows`` outputs and block-columns of ``block_cols`` inputs.  When a
dimension is not a multiple of the block size, the LAST block-row (or
block-column) is simply smaller: it is a block like any other, it is kept or
dropped as a whole, and it stores only the weights it really has.  Nothing is
padded: the model keeps its true shape and the memory counts only real
weights.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch


def _ceil_div(a: int, b: int) -> int:
    return -(-a // b)


@dataclass(frozen=True)
class BlockGrid:
    """Tiling of an ``(out_features, in_features)`` matrix into blocks."""

    out_features: int
    in_features: int
    block_rows: int
    block_cols: int

    def __post_init__(self) -> None:
        if min(self.out_features, self.in_features, self.block_rows, self.block_cols) < 1:
            raise ValueError(f"BlockGrid needs positive sizes, got {self}")

    @property
    def n_block_rows(self) -> int:
        return _ceil_div(self.out_features, self.block_rows)

    @property
    def n_block_cols(self) -> int:
        return _ceil_div(self.in_features, self.block_cols)

    def row_range(self, r: int) -> tuple[int, int]:
        """Output rows ``[start, stop)`` of block-row ``r`` (the last one may be short)."""
        start = r * self.block_rows
        return start, min(start + self.block_rows, self.out_features)

    def col_range(self, c: int) -> tuple[int, int]:
        """Input columns ``[start, stop)`` of block-column ``c`` (the last one may be narrow)."""
        start = c * self.block_cols
        return start, min(start + self.block_cols, self.in_features)

    def block_sizes(self) -> np.ndarray:
        """Number of weights in each block, shape ``(n_block_rows, n_block_cols)``."""
        heights = np.diff([self.row_range(r)[0] for r in range(self.n_block_rows)] + [self.out_features])
        widths = np.diff([self.col_range(c)[0] for c in range(self.n_block_cols)] + [self.in_features])
        return np.outer(heights, widths)

    def expand(self, block_mask: torch.Tensor) -> torch.Tensor:
        """Element mask ``(out, in)`` from a block mask ``(n_block_rows, n_block_cols)``."""
        if tuple(block_mask.shape) != (self.n_block_rows, self.n_block_cols):
            raise ValueError(f"block mask shape {tuple(block_mask.shape)} does not match {self}")
        full = block_mask.repeat_interleave(self.block_rows, 0).repeat_interleave(self.block_cols, 1)
        return full[: self.out_features, : self.in_features]

    def block_sums(self, values: torch.Tensor) -> torch.Tensor:
        """Sum of ``values`` (shape ``(out, in)``) over each block."""
        padded = values.new_zeros(self.n_block_rows * self.block_rows, self.n_block_cols * self.block_cols)
        padded[: self.out_features, : self.in_features] = values
        tiles = padded.reshape(self.n_block_rows, self.block_rows, self.n_block_cols, self.block_cols)
        return tiles.sum(dim=(1, 3))
