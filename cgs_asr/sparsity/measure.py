"""Sparsity measured from the weights themselves, not from the masks.

Counting zeros in ``layer.weight`` (the masked, possibly quantized weight the
model really uses) checks that the masks did their job: a block is counted
as dropped only if all its weights are zero.
"""

from __future__ import annotations

import numpy as np
import torch
from torch import nn

from .blocks import BlockGrid
from .config import linear_layers
from .mask import find_block_mask


def measure_sparsity(model: nn.Module) -> list[dict]:
    """Per Linear layer: weights, zero weights, and (for masked layers) block counts."""
    rows = []
    for index, layer in enumerate(linear_layers(model)):
        with torch.no_grad():
            weight = layer.weight.detach()
        total = weight.numel()
        zeros = int((weight == 0).sum())
        row = {"layer": index, "shape": list(weight.shape), "weights": total,
               "zero_weights": zeros, "zero_fraction": zeros / total}
        masking = find_block_mask(layer)
        if masking is not None:
            grid: BlockGrid = masking.grid
            nonzero_blocks = (grid.block_sums((weight != 0).double()) > 0).numpy()
            per_row = nonzero_blocks.sum(axis=1)
            row.update({
                "block_shape": [grid.block_rows, grid.block_cols],
                "blocks": int(nonzero_blocks.size),
                "zero_blocks": int(nonzero_blocks.size - nonzero_blocks.sum()),
                "nonzero_blocks_per_row": [int(np.min(per_row)), int(np.max(per_row))],
            })
        rows.append(row)
    return rows
