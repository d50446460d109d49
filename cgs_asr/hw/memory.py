"""The engine's memories for one layer: the arrays and the width of a word in each.

Every memory figure (report, compression, export) is derived from these
arrays, so the bits counted are the bits stored.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .intmodel import IntLayer


@dataclass(frozen=True)
class Memory:
    name: str           # "weights", "indices", "biases" or "sigmoid_lut"
    words: np.ndarray   # 1-D integers, in address order
    bits: int           # width of one word
    signed: bool        # two's complement (indices are unsigned)

    @property
    def total_bits(self) -> int:
        return int(self.words.size) * self.bits


def layer_memories(layer: IntLayer) -> list[Memory]:
    """Weights, block-column indices (absent when a layer has one block-column), biases, sigmoid table."""
    memories = [Memory("weights", layer.weights, layer.weight_bits, True)]
    if layer.index_bits > 0:
        memories.append(Memory("indices", layer.kept_cols.reshape(-1), layer.index_bits, False))
    memories.append(Memory("biases", layer.bias, layer.bias_bits, True))
    if layer.lut is not None:
        memories.append(Memory("sigmoid_lut", layer.lut, layer.out_bits, True))
    return memories
