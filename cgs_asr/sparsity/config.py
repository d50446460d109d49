"""Per-layer CGS configuration and its application to a Sequential model.

Layers are addressed by their ordinal among the model's ``nn.Linear``
modules (0 is the first Linear), so the config does not depend on where
activations sit in the Sequential.  A layer whose spec is ``None`` stays
dense.  The config is plain data and round-trips through JSON.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

import numpy as np
import torch
from torch import nn

from .blocks import BlockGrid
from .mask import BlockMask, attach_block_mask
from .selection import kept_per_row, magnitude_scores, random_scores, select_blocks

SELECTIONS = ("random", "magnitude", "gradual")


@dataclass(frozen=True)
class BlockSparsity:
    """How one layer is sparsified: block shape (outputs x inputs) and kept fraction."""

    block_rows: int = 16
    block_cols: int = 16
    keep: float = 0.25
    balance_columns: bool = False


@dataclass
class CGSConfig:
    """CGS for a whole model: a default spec, per-layer overrides, selection method and seed.

    ``prune_epochs`` belongs to the ``"gradual"`` selection: the training
    epochs over which the blocks are pruned (:mod:`cgs_asr.sparsity.gradual`).
    """

    default: BlockSparsity | None = field(default_factory=BlockSparsity)
    layers: dict[int, BlockSparsity | None] = field(default_factory=dict)
    selection: str = "random"
    seed: int = 0
    prune_epochs: int = 0

    def __post_init__(self) -> None:
        if self.selection not in SELECTIONS:
            raise ValueError(f"selection must be one of {SELECTIONS}, got {self.selection!r}")
        if (self.selection == "gradual") != (self.prune_epochs > 0):
            raise ValueError(f"prune_epochs ({self.prune_epochs}) must be positive for gradual selection "
                             f"and 0 for the others (selection {self.selection!r})")

    def for_layer(self, index: int) -> BlockSparsity | None:
        return self.layers.get(index, self.default)

    def to_dict(self) -> dict:
        return {
            "default": None if self.default is None else asdict(self.default),
            "layers": {str(i): None if s is None else asdict(s) for i, s in sorted(self.layers.items())},
            "selection": self.selection,
            "seed": self.seed,
            "prune_epochs": self.prune_epochs,
        }

    @classmethod
    def from_dict(cls, data: dict) -> "CGSConfig":
        def spec(value: dict | None) -> BlockSparsity | None:
            return None if value is None else BlockSparsity(**value)

        return cls(
            default=spec(data.get("default")),
            layers={int(i): spec(s) for i, s in data.get("layers", {}).items()},
            selection=data.get("selection", "random"),
            seed=int(data.get("seed", 0)),
            prune_epochs=int(data.get("prune_epochs", 0)),
        )


def linear_layers(model: nn.Module) -> list[nn.Linear]:
    """The model's Linear layers in order; their position in this list is the layer index."""
    return [m for m in model.modules() if isinstance(m, nn.Linear)]


def apply_cgs(model: nn.Module, config: CGSConfig) -> dict[int, BlockMask]:
    """Attach block masks to the model's Linear layers, in place.

    ``selection="random"`` draws each layer's mask from ``(seed, layer index)``
    so a run is reproducible; ``"magnitude"`` keeps the blocks with the
    largest RMS weight (call it after a dense warm-up); ``"gradual"`` keeps
    every block for a ``GradualPruner`` to drop during training.  Returns
    the masks by layer index; dense layers are absent.
    """
    masks = {}
    for index, layer in enumerate(linear_layers(model)):
        spec = config.for_layer(index)
        if spec is None:
            continue
        out_features, in_features = layer.weight.shape
        grid = BlockGrid(out_features, in_features, spec.block_rows, spec.block_cols)
        if config.selection == "gradual":
            chosen = np.ones((grid.n_block_rows, grid.n_block_cols), dtype=bool)
        else:
            scores = random_scores(grid, np.random.default_rng([config.seed, index])) \
                if config.selection == "random" else magnitude_scores(layer.weight, grid)
            chosen = select_blocks(scores, kept_per_row(spec.keep, grid.n_block_cols), spec.balance_columns)
        masks[index] = attach_block_mask(layer, grid, torch.from_numpy(chosen))
    return masks

