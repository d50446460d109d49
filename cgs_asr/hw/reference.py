"""A plain integer reference of the engine: Python ints, one frame, one output, one product at a time.

Deliberately slow and independent of the emulator's code: it walks the
stored memories in the engine's order (per output: bias first, then the kept
blocks of its block-row in stored order, each block's elements in column
order) and applies saturation (or wrap-around) after every addition.  Tests
compare the emulator against it.
"""

from __future__ import annotations

import numpy as np

from .engine import EngineConfig
from .intmodel import IntLayer, IntModel


def _limit(value: int, bits: int, overflow: str) -> int:
    low, high = -(1 << (bits - 1)), (1 << (bits - 1)) - 1
    if overflow == "wrap":
        return (value - low) % (1 << bits) + low
    return min(max(value, low), high)


def _layer(layer: IntLayer, x: list[int], engine: EngineConfig) -> list[int]:
    acc = [int(b) for b in layer.bias]
    offset = 0
    for r in range(len(layer.kept_cols)):
        row0 = r * layer.block_rows
        height = min(layer.block_rows, layer.out_features - row0)
        for c in layer.kept_cols[r]:
            col0 = int(c) * layer.block_cols
            width = min(layer.block_cols, layer.in_features - col0)
            for i in range(height):
                for j in range(width):
                    w = int(layer.weights[offset + i * width + j])
                    acc[row0 + i] = _limit(acc[row0 + i] + w * x[col0 + j], engine.accumulator_bits,
                                           engine.overflow)
            offset += height * width
    if layer.activation == "logits":
        return acc
    out = []
    low = -(1 << (layer.out_bits - 1))
    for a in acc:
        shift = layer.shift
        if shift > 0:
            v = (a + (1 << (shift - 1))) >> shift
        else:
            v = a << -shift
        v = _limit(v, layer.out_bits, "saturate")
        if layer.activation == "relu":
            v = max(v, 0)
        elif layer.activation == "sigmoid":
            v = int(layer.lut[v - low])
        out.append(v)
    return out


def reference_run(model: IntModel, inputs: np.ndarray, engine: EngineConfig | None = None) -> np.ndarray:
    """Integer logits ``(frames, outputs)`` for integer inputs ``(frames, inputs)``."""
    engine = engine or EngineConfig()
    results = []
    for frame in np.asarray(inputs):
        x = [int(v) for v in frame]
        for layer in model.layers:
            x = _layer(layer, x, engine)
        results.append(x)
    return np.array(results, dtype=np.int64)
