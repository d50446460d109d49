"""From a calibrated fake-quantized Sequential to the integer model the engine stores.

The fake-quantized tensors are already on their fixed-point grids, so
multiplying by ``2**frac`` gives exact integers; the conversion only reads
them and lays them out (kept blocks contiguous per block-row, with their
block-column indices).  The sigmoid table is made by evaluating the model's
own ``QuantSigmoid`` on every possible input, so it matches QAT bit for bit.
"""

from __future__ import annotations

import numpy as np
import torch
from torch import nn

from cgs_asr.quant import int_range, quant_layers
from cgs_asr.quant.prepare import QuantLayer
from cgs_asr.sparsity import BlockGrid, find_block_mask

from .intmodel import IntLayer, IntModel


def _codes(values: torch.Tensor, frac_bits: int) -> np.ndarray:
    scaled = values.detach().double() * 2.0 ** frac_bits
    codes = torch.round(scaled)
    if not torch.equal(codes, scaled):
        raise ValueError("tensor is not on its fixed-point grid; was the model calibrated?")
    return codes.numpy().astype(np.int64)


def _kept_blocks(linear: nn.Linear) -> tuple[BlockGrid, np.ndarray]:
    masking = find_block_mask(linear)
    out_features, in_features = linear.weight.shape
    if masking is None:
        return BlockGrid(out_features, in_features, out_features, in_features), np.zeros((1, 1), dtype=np.int64)
    kept = masking.block_mask().numpy()
    per_row = kept.sum(axis=1)
    if per_row.min() != per_row.max():
        raise ValueError(f"block-rows keep different numbers of blocks ({per_row.min()}..{per_row.max()})")
    cols = np.stack([np.flatnonzero(row) for row in kept]).astype(np.int64)
    return masking.grid, cols


def _sigmoid_table(layer: QuantLayer) -> np.ndarray:
    bits, frac = int(layer.output_quant.bits), int(layer.output_quant.frac_bits)
    low, high = int_range(bits)
    inputs = torch.arange(low, high + 1, dtype=torch.float32) * 2.0 ** -frac
    with torch.no_grad():
        return _codes(layer.sigmoid(inputs), int(layer.sigmoid.frac_bits))


def _int_layer(layer: QuantLayer) -> IntLayer:
    linear = layer.linear
    for quantizer in (layer.weight_quant, layer.bias_quant, layer.output_quant, layer.input_format):
        if quantizer is not None and not bool(getattr(quantizer, "enabled", True)):
            raise ValueError("model is not calibrated (a quantizer is disabled); run quant.calibrate first")
    if layer.bias_quant is None:
        raise ValueError("the engine stores a bias per output; Linear layers need bias=True")
    weight_frac = int(layer.weight_quant.frac_bits)
    in_frac = int(layer.input_format.frac_bits)
    if int(layer.bias_quant.frac_bits) != in_frac + weight_frac:
        raise ValueError("bias scale is not the accumulator scale; call quant.update_weight_scales")
    with torch.no_grad():
        weights = _codes(linear.weight, weight_frac)
        bias = _codes(linear.bias, in_frac + weight_frac)
    grid, kept_cols = _kept_blocks(linear)
    stored = []
    for r, cols in enumerate(kept_cols):
        r0, r1 = grid.row_range(r)
        for c in cols:
            c0, c1 = grid.col_range(int(c))
            stored.append(weights[r0:r1, c0:c1].ravel())
    out = layer.output_quant
    int_layer = IntLayer(
        out_features=grid.out_features, in_features=grid.in_features,
        block_rows=grid.block_rows, block_cols=grid.block_cols,
        kept_cols=kept_cols, weights=np.concatenate(stored), bias=bias,
        weight_bits=int(layer.weight_quant.bits), weight_frac=weight_frac,
        bias_bits=int(layer.bias_quant.bits),
        in_bits=int(layer.input_format.bits), in_frac=in_frac,
        activation=layer.activation,
        out_bits=None if out is None else int(out.bits),
        requant_frac=None if out is None else int(out.frac_bits),
        lut=_sigmoid_table(layer) if layer.activation == "sigmoid" else None,
    )
    if not np.array_equal(int_layer.dense_weights(), weights):
        raise ValueError("non-zero weights outside the kept blocks")
    return int_layer


def to_int_model(prepared: nn.Sequential) -> IntModel:
    """The integer model of a calibrated model from ``cgs_asr.quant.prepare_qat``."""
    layers = quant_layers(prepared)
    first = layers[0].input_format
    return IntModel(input_bits=int(first.bits), input_frac=int(first.frac_bits),
                    layers=[_int_layer(layer) for layer in layers])
