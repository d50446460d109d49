"""Random integer models of a given shape, for tests and benchmarks (no training needed).

Weights, biases and block masks are drawn at random within their formats;
each hidden layer's shift is chosen from the typical size of its sums so
that activations use their range instead of saturating or vanishing.
"""

from __future__ import annotations

import math

import numpy as np

from cgs_asr.sparsity import BlockGrid, kept_per_row, select_blocks

from .intmodel import IntLayer, IntModel


def _sigmoid_table(bits: int, frac: int) -> np.ndarray:
    low, high = -(1 << (bits - 1)), (1 << (bits - 1)) - 1
    z = np.arange(low, high + 1) * 2.0 ** -frac
    return np.clip(np.floor(2.0 ** (bits - 1) / (1.0 + np.exp(-z)) + 0.5), low, high).astype(np.int64)


def random_int_layer(rng: np.random.Generator, in_features: int, out_features: int, *,
                     block: tuple[int, int] | None = (16, 16), keep: float = 0.25, weight_bits: int = 6,
                     in_bits: int = 8, out_bits: int = 8, bias_bits: int = 16, activation: str = "relu",
                     in_frac: int = 4, weight_frac: int = 6, shift: int | None = None) -> IntLayer:
    """One random layer; ``block=None`` makes it dense (one block, no index memory)."""
    if block is None:
        grid, kept_cols = BlockGrid(out_features, in_features, out_features, in_features), np.zeros((1, 1), np.int64)
    else:
        grid = BlockGrid(out_features, in_features, *block)
        chosen = select_blocks(rng.random((grid.n_block_rows, grid.n_block_cols)),
                               kept_per_row(keep, grid.n_block_cols))
        kept_cols = np.stack([np.flatnonzero(row) for row in chosen]).astype(np.int64)
    size = int(np.take_along_axis(grid.block_sizes(), kept_cols, axis=1).sum())
    w_half, b_half = 1 << (weight_bits - 1), 1 << (bias_bits - 1)
    weights = rng.integers(-w_half, w_half, size)
    fan_in = size / out_features
    typical = math.sqrt(fan_in) * (w_half / 2) * (1 << (in_bits - 2))
    bias = rng.integers(-min(b_half, int(typical) + 1), min(b_half, int(typical) + 1), out_features)
    if shift is None:
        shift = max(0, round(math.log2(typical)) - (out_bits - 3))
    acc_frac = in_frac + weight_frac
    hidden = activation != "logits"
    return IntLayer(
        out_features=out_features, in_features=in_features, block_rows=grid.block_rows,
        block_cols=grid.block_cols, kept_cols=kept_cols, weights=weights, bias=bias,
        weight_bits=weight_bits, weight_frac=weight_frac, bias_bits=bias_bits, in_bits=in_bits, in_frac=in_frac,
        activation=activation, out_bits=out_bits if hidden else None,
        requant_frac=acc_frac - shift if hidden else None,
        lut=_sigmoid_table(out_bits, acc_frac - shift) if activation == "sigmoid" else None,
    )


def random_int_model(rng: np.random.Generator, sizes: list[int], *, activation: str = "relu",
                     input_bits: int = 8, input_frac: int = 4, **layer_options) -> IntModel:
    """A random model with layer widths ``sizes`` (input first); options go to every layer."""
    activation_bits = layer_options.pop("out_bits", 8)
    layers, in_bits, in_frac = [], input_bits, input_frac
    for i, (a, b) in enumerate(zip(sizes[:-1], sizes[1:])):
        kind = "logits" if i == len(sizes) - 2 else activation
        layer = random_int_layer(rng, a, b, in_bits=in_bits, in_frac=in_frac, out_bits=activation_bits,
                                 activation=kind, **layer_options)
        layers.append(layer)
        if kind != "logits":
            in_bits, in_frac = layer.out_bits, layer.out_frac
    return IntModel(input_bits, input_frac, layers)


def random_inputs(rng: np.random.Generator, model: IntModel, frames: int) -> np.ndarray:
    """Uniform integer input codes over the whole input range."""
    half = 1 << (model.input_bits - 1)
    return rng.integers(-half, half, (frames, model.layers[0].in_features))
