"""The integer model: exactly what the engine's memories hold, layer by layer.

Weights are stored block-row by block-row; within a block-row, the kept
blocks follow in ascending block-column order (the order of the index
memory), each block row-major.  Edge blocks are stored at their true size
(see ``cgs_asr.sparsity.blocks``).  A dense layer is one block covering the
whole matrix, with no index memory.

Formats (``frac`` = fraction bits, value = integer * 2**-frac):

- input of a layer: ``in_bits`` / ``in_frac``;
- weights: ``weight_bits`` / ``weight_frac``;
- accumulator and bias: ``acc_frac = in_frac + weight_frac``;
- after the layer: requantized to ``out_bits`` / ``requant_frac`` (ReLU and
  identity: that is the output; sigmoid: that is the table input, and the
  table gives ``out_bits`` with ``out_bits - 1`` fraction bits); the logits
  layer is not requantized.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import torch

from cgs_asr.quant import quantize
from cgs_asr.sparsity import BlockGrid

ACTIVATIONS = ("relu", "sigmoid", "identity", "logits")


@dataclass(frozen=True)
class StoredBlock:
    """Where one kept block sits in the matrix and in the weight memory."""

    block_row: int
    block_col: int
    rows: tuple[int, int]
    cols: tuple[int, int]
    offset: int

    @property
    def size(self) -> int:
        return (self.rows[1] - self.rows[0]) * (self.cols[1] - self.cols[0])


@dataclass
class IntLayer:
    out_features: int
    in_features: int
    block_rows: int
    block_cols: int
    kept_cols: np.ndarray        # (n_block_rows, kept per row): the index memory, ascending per row
    weights: np.ndarray          # 1-D: the weight memory in stored order
    bias: np.ndarray             # (out_features,) at acc_frac
    weight_bits: int
    weight_frac: int
    bias_bits: int
    in_bits: int
    in_frac: int
    activation: str
    out_bits: int | None = None
    requant_frac: int | None = None
    lut: np.ndarray | None = None  # sigmoid table, indexed by (input - min input)

    def __post_init__(self) -> None:
        if self.activation not in ACTIVATIONS:
            raise ValueError(f"activation must be one of {ACTIVATIONS}, got {self.activation!r}")
        expected = sum(b.size for b in self.blocks())
        if self.weights.shape != (expected,):
            raise ValueError(f"weight memory holds {self.weights.size} values, the blocks need {expected}")
        if self.bias.shape != (self.out_features,):
            raise ValueError(f"bias has shape {self.bias.shape}, expected ({self.out_features},)")

    @property
    def grid(self) -> BlockGrid:
        return BlockGrid(self.out_features, self.in_features, self.block_rows, self.block_cols)

    @property
    def kept_per_row(self) -> int:
        return self.kept_cols.shape[1]

    @property
    def index_bits(self) -> int:
        """Bits of one block-column index: ceil(log2(block-columns)); 0 when there is one column."""
        return math.ceil(math.log2(self.grid.n_block_cols))

    @property
    def acc_frac(self) -> int:
        return self.in_frac + self.weight_frac

    @property
    def shift(self) -> int:
        """Right shift from accumulator to requantized value (negative: left shift)."""
        return self.acc_frac - self.requant_frac

    @property
    def out_frac(self) -> int:
        if self.activation == "logits":
            return self.acc_frac
        if self.activation == "sigmoid":
            return self.out_bits - 1
        return self.requant_frac

    def blocks(self) -> Iterator[StoredBlock]:
        """Kept blocks in stored order with their place in the weight memory."""
        grid, offset = self.grid, 0
        for r, cols in enumerate(self.kept_cols):
            for c in cols:
                block = StoredBlock(r, int(c), grid.row_range(r), grid.col_range(int(c)), offset)
                offset += block.size
                yield block

    def dense_weights(self) -> np.ndarray:
        """The full ``(out, in)`` integer weight matrix, zeros where blocks were dropped."""
        dense = np.zeros((self.out_features, self.in_features), dtype=np.int64)
        for b in self.blocks():
            dense[b.rows[0]:b.rows[1], b.cols[0]:b.cols[1]] = \
                self.weights[b.offset:b.offset + b.size].reshape(b.rows[1] - b.rows[0], -1)
        return dense


@dataclass
class IntModel:
    """Input quantizer and integer layers; the logits come out at ``logit_frac``."""

    input_bits: int
    input_frac: int
    layers: list[IntLayer]

    @property
    def logit_frac(self) -> int:
        return self.layers[-1].acc_frac

    def quantize_input(self, features: np.ndarray) -> np.ndarray:
        """Integer codes of float features, rounded exactly as the fake-quantized model does (float32)."""
        tensor = torch.from_numpy(np.asarray(features, dtype=np.float32))
        return quantize(tensor, self.input_bits, self.input_frac).numpy().astype(np.int64)
