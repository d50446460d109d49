"""Which blocks to keep.

Every block-row keeps the same number of blocks, so a time-multiplexed MAC
engine does equal work for every group of outputs.  Optionally the kept blocks
are also spread evenly over block-columns (counts differ by at most one), so
every input group is read equally often.

Selection maximises the total score of the kept blocks under those
constraints.  Random scores give the paper's method (a random mask fixed
before training); block magnitudes give selection after a dense warm-up.
"""

from __future__ import annotations

import math

import numpy as np
import torch
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import kron, identity

from .blocks import BlockGrid


def kept_per_row(keep: float, n_block_cols: int) -> int:
    """Blocks kept in every block-row: ``keep * n_block_cols`` rounded half up, at least one."""
    if not 0.0 < keep <= 1.0:
        raise ValueError(f"keep fraction must be in (0, 1], got {keep}")
    return max(1, min(n_block_cols, math.floor(keep * n_block_cols + 0.5)))


def random_scores(grid: BlockGrid, rng: np.random.Generator) -> np.ndarray:
    """Independent uniform scores: the top blocks form a uniformly random mask."""
    return rng.random((grid.n_block_rows, grid.n_block_cols))


def magnitude_scores(weight: torch.Tensor, grid: BlockGrid) -> np.ndarray:
    """Root-mean-square of each block's weights.

    The L2 norm divided by the square root of the block's size, so that a
    smaller edge block is not penalised for holding fewer weights.
    """
    squares = grid.block_sums(weight.detach().double() ** 2).numpy()
    return np.sqrt(squares / grid.block_sizes())


def select_blocks(scores: np.ndarray, per_row: int, balance_columns: bool = False) -> np.ndarray:
    """Boolean block mask keeping ``per_row`` blocks in every row, maximising the kept score.

    With ``balance_columns`` every column keeps ``floor`` or ``ceil`` of
    ``rows * per_row / cols`` blocks.  That is a bipartite b-matching; its
    constraint matrix is totally unimodular, so the integer program solves
    as fast as its linear relaxation.
    """
    n_rows, n_cols = scores.shape
    if not balance_columns:
        order = np.argsort(-scores, axis=1, kind="stable")[:, :per_row]
        mask = np.zeros(scores.shape, dtype=bool)
        np.put_along_axis(mask, order, True, axis=1)
        return mask
    total = n_rows * per_row
    low, high = total // n_cols, -(-total // n_cols)
    row_sums = kron(identity(n_rows), np.ones((1, n_cols)))
    col_sums = kron(np.ones((1, n_rows)), identity(n_cols))
    result = milp(
        c=-scores.ravel(),
        constraints=[LinearConstraint(row_sums, per_row, per_row), LinearConstraint(col_sums, low, high)],
        integrality=np.ones(scores.size),
        bounds=Bounds(0, 1),
    )
    if not result.success:
        raise RuntimeError(f"column-balanced block selection failed: {result.message}")
    return result.x.reshape(scores.shape) > 0.5
