"""Gradual block pruning: the kept fraction falls from all blocks to its target during training.

Zhu and Gupta's schedule (2017, "To prune, or not to prune"): after a
fraction ``p`` of the pruning steps a layer keeps
``keep + (1 - keep) * (1 - p) ** 3`` of its blocks, so most blocks go early,
while the network can still recover, and the last few slowly.  At every
update each block-row keeps its share of the blocks it still has, those of
largest RMS weight: the same number in every block-row, as for the other
selections, and a dropped block never comes back.  The network starts with
every block kept (``apply_cgs`` with selection ``"gradual"``) and ends with
the mask that a one-shot selection of the same ``keep`` would have given it
in shape; what changes is which blocks, chosen while the others adapt.
"""

from __future__ import annotations

import torch
from torch import nn

from .config import CGSConfig, linear_layers
from .mask import BlockMask, find_block_mask
from .selection import kept_per_row, magnitude_scores, select_blocks


def cubic_keep(progress: float, final_keep: float) -> float:
    """Kept fraction after ``progress`` (0 to 1) of the pruning steps, falling from 1 to ``final_keep``."""
    progress = min(max(progress, 0.0), 1.0)
    return final_keep + (1.0 - final_keep) * (1.0 - progress) ** 3


class GradualPruner:
    """``on_step`` hook for the training loop: prunes every ``interval`` steps until ``steps``.

    After every step it also zeroes the stored (unmasked) weights of the
    dropped blocks, which the optimizer's momentum would otherwise keep
    moving, so the saved original weights hold zeros wherever the mask does.
    """

    def __init__(self, network: nn.Module, config: CGSConfig, steps: int, interval: int = 100):
        if config.selection != "gradual":
            raise ValueError(f"GradualPruner needs selection 'gradual', not {config.selection!r}")
        if steps < 1 or interval < 1:
            raise ValueError(f"pruning needs positive steps and interval, not {steps} and {interval}")
        self.steps, self.interval = steps, interval
        # (layer, its mask, its spec) for every masked layer; the masks change in place
        self.layers = [(layer, find_block_mask(layer), config.for_layer(index))
                       for index, layer in enumerate(linear_layers(network)) if config.for_layer(index) is not None]
        if any(masking is None for _, masking, _ in self.layers):
            raise ValueError("GradualPruner needs the block masks that apply_cgs attaches")

    def __call__(self, network: nn.Module, step: int) -> None:
        with torch.no_grad():
            if step <= self.steps and (step % self.interval == 0 or step == self.steps):
                for layer, masking, spec in self.layers:
                    self._prune(layer, masking, cubic_keep(step / self.steps, spec.keep), spec.balance_columns)
            for layer, masking, _ in self.layers:
                layer.parametrizations.weight.original.mul_(masking.mask)

    @staticmethod
    def _prune(layer: nn.Linear, masking: BlockMask, keep: float, balance_columns: bool) -> None:
        grid, kept = masking.grid, masking.block_mask().numpy()
        per_row = kept_per_row(keep, grid.n_block_cols)
        if per_row >= kept.sum(axis=1).min():
            return
        scores = magnitude_scores(layer.weight, grid)
        scores[~kept] = -1.0  # below any magnitude: a dropped block is taken again only if balance needs it
        masking.mask.copy_(grid.expand(torch.from_numpy(select_blocks(scores, per_row, balance_columns))))
