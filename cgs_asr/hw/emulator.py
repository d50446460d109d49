"""Bit-exact emulation of the engine on many frames at once.

Per layer the emulator first proves a bound on every partial sum from the
stored integers: ``sum_j |w_ij| * 2**(in_bits-1) + |b_i|`` over the kept
weights of output ``i`` (the width rule ``b_w + b_a + ceil(log2 fan_in) <=
b_acc`` is a looser form of the same bound).  Then:

- if no partial sum can leave the accumulator (or the accumulator wraps,
  which commutes with addition), any summation order gives the same integers,
  so the layer runs as float matrix products on integer-valued arrays: exact
  in float32 while sums stay below 2**24, else in float64 below 2**53;
- otherwise the engine's own order is modelled: per output, bias first, then
  the kept weights in stored order, saturating after every addition.

The fast path exploits the block structure: activations are kept
frame-major ``(frames, features)``, and a CGS layer keeping 25 % of its
blocks does a quarter of the dense multiplications.  In float32 a compiled
kernel (``_blocksparse.c``, built at install) reads the input columns of
each block-row's kept block-columns in place; without it, or in float64,
the columns are gathered and multiplied by the kept blocks stacked side by
side, a group of block-rows per batched product (with 16-row blocks the
gather and the BLAS library's packing cost as much as the arithmetic, so
this path saves far less than 4x).  Short edge blocks are padded with zero
weights (reading input 0), and the kernel pads block-rows to a multiple of
8 outputs, inside this computation only; the padding adds exact zeros.
Dense layers are one BLAS product.  Frames are processed in chunks.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from .engine import EngineConfig
from .intmodel import IntLayer, IntModel

try:
    from . import _blocksparse
except ImportError:   # not built (no compiler at install): the torch path gives the same integers
    _blocksparse = None

FLOAT32_EXACT = 2 ** 24
FLOAT64_EXACT = 2 ** 53
GATHER_BYTES = 1 << 20


@dataclass
class EmulatorOutput:
    """Integer logits ``(frames, outputs)``; their value is ``logits * 2**-frac_bits``."""

    logits: np.ndarray
    frac_bits: int

    def to_float(self) -> np.ndarray:
        return np.ldexp(self.logits.astype(np.float64), -self.frac_bits)


def worst_case_sum(layer: IntLayer) -> int:
    """Largest magnitude any partial sum of the layer can reach, over all inputs and orders."""
    row_weight = np.abs(layer.dense_weights()).sum(axis=1)
    return int((row_weight * (1 << (layer.in_bits - 1)) + np.abs(layer.bias)).max())


class _LayerPlan:
    """One layer prepared for emulation: the chosen path and its arrays.

    Both paths return the accumulator already offset by the rounding half and
    scaled by ``2**-shift`` (exact: a power of two), so requantization is
    then one floor and one clamp.  Where nothing can overflow, the offset and
    the scale are folded into the bias and the weights of the float product.
    """

    def __init__(self, layer: IntLayer, engine: EngineConfig, engine_order: bool = False, compiled: bool = True):
        if layer.bias_bits > engine.accumulator_bits:
            raise ValueError(f"{layer.bias_bits}-bit biases do not fit a {engine.accumulator_bits}-bit accumulator")
        self.layer = layer
        self.engine = engine
        self.acc_low, self.acc_high = -(1 << (engine.accumulator_bits - 1)), (1 << (engine.accumulator_bits - 1)) - 1
        hidden = layer.activation != "logits"
        self.shift = layer.shift if hidden else 0
        self.half = 1 << (self.shift - 1) if self.shift > 0 else 0
        self.scale = 2.0 ** -self.shift
        bound = worst_case_sum(layer)
        self.may_overflow = bound > self.acc_high
        self.compiled = False
        if engine_order or (self.may_overflow and engine.overflow == "saturate"):
            self.path = "sequential"
        elif bound + self.half < FLOAT32_EXACT:
            self.path = "float32"
        elif bound + self.half < FLOAT64_EXACT:
            self.path = "float64"
        else:
            self.path = "sequential"
        if self.path == "sequential":
            self.input_dtype = torch.int64
            self._prepare_sequential()
        else:
            self.input_dtype = torch.float32 if self.path == "float32" else torch.float64
            self._prepare_fast(compiled and _blocksparse is not None and self.path == "float32")
        if layer.activation == "sigmoid":
            self.lut = torch.from_numpy(layer.lut).to(torch.float64)

    def _prepare_fast(self, compiled: bool) -> None:
        layer, grid = self.layer, self.layer.grid
        self.fold = not self.may_overflow   # a wrapping sum must be wrapped before it is scaled
        weight_scale, bias = (self.scale, (layer.bias + self.half) * self.scale) if self.fold else (1.0, layer.bias)
        self.dense = layer.kept_per_row == grid.n_block_cols and grid.n_block_rows == 1
        self.compiled = compiled and not self.dense   # dense layers: BLAS is faster
        if self.dense:
            self.matrix = torch.from_numpy(layer.dense_weights() * weight_scale).to(self.input_dtype)
            self.bias = torch.from_numpy(np.asarray(bias, dtype=np.float64)).to(self.input_dtype)
            return
        rows, cols, k = layer.block_rows, layer.block_cols, layer.kept_per_row
        if self.compiled:
            rows = -(-rows // 8) * 8   # the kernel's vectors: 8 outputs
        stacked = np.zeros((grid.n_block_rows, rows, k * cols))
        gather = np.zeros((grid.n_block_rows, k * cols), dtype=np.int64)  # padding reads input 0, times 0
        for position, block in enumerate(layer.blocks()):
            j = position % k
            height, width = block.rows[1] - block.rows[0], block.cols[1] - block.cols[0]
            stacked[block.block_row, :height, j * cols:j * cols + width] = \
                layer.weights[block.offset:block.offset + block.size].reshape(height, width) * weight_scale
            gather[block.block_row, j * cols:j * cols + width] = np.arange(*block.cols)
        # Output i of the layer sits at column output_index[i] of the padded product.
        output = np.arange(layer.out_features)
        self.output_index = torch.from_numpy(output // layer.block_rows * rows + output % layer.block_rows)
        padded_bias = np.zeros(grid.n_block_rows * rows)
        padded_bias[self.output_index.numpy()] = bias
        self.output_slice = rows == layer.block_rows   # then the outputs are the first columns, a view suffices
        self.gather = torch.from_numpy(gather)
        self.bias = torch.from_numpy(padded_bias).to(self.input_dtype)
        # (block-rows, K, rows): the weights of one input adjacent, as the kernel wants them; the torch
        # path multiplies (block-rows, frames, K) slabs by them.
        self.stacked = torch.from_numpy(stacked.transpose(0, 2, 1)).to(self.input_dtype).contiguous()
        if not self.compiled:
            self.bias = self.bias.view(grid.n_block_rows, 1, rows)

    def _prepare_sequential(self) -> None:
        """Per output, the input index and weight of each product in engine order (zero-padded)."""
        layer = self.layer
        order = [[] for _ in range(layer.out_features)]
        for block in layer.blocks():
            width = block.cols[1] - block.cols[0]
            values = layer.weights[block.offset:block.offset + block.size].reshape(-1, width)
            for i, row in enumerate(values):
                order[block.rows[0] + i].extend(zip(range(block.cols[0], block.cols[1]), row))
        length = max(len(o) for o in order)
        self.seq_index = torch.zeros(layer.out_features, length, dtype=torch.long)
        self.seq_weight = torch.zeros(layer.out_features, length, dtype=torch.long)
        for i, products in enumerate(order):
            if products:
                index, weight = zip(*products)
                self.seq_index[i, :len(products)] = torch.tensor(index)
                self.seq_weight[i, :len(products)] = torch.tensor([int(w) for w in weight])

    def accumulate(self, x: torch.Tensor) -> torch.Tensor:
        """``(accumulator + half) * 2**-shift`` as ``(frames, outputs)``, for inputs ``(frames, inputs)``."""
        x = x.to(self.input_dtype)
        if self.path == "sequential":
            return self._scaled(self._accumulate_sequential(x))
        if self.dense:
            acc = torch.addmm(self.bias, x, self.matrix.T)
        else:
            acc = self._compiled_product(x) if self.compiled else self._block_product(x)
            acc = acc[:, :self.layer.out_features] if self.output_slice else acc[:, self.output_index]
        if self.fold:
            return acc
        return self._scaled(self._limit(acc.to(torch.int64)))  # wrap: exact sum wrapped once = wrapped per add

    def _compiled_product(self, x: torch.Tensor) -> torch.Tensor:
        """The padded product ``(frames, block-rows * padded rows)``; ``x`` may be a view of wider rows."""
        if x.stride(1) != 1:
            x = x.contiguous()
        n_block_rows, k, rows = self.stacked.shape
        frames = x.shape[0]
        acc = torch.empty(frames, n_block_rows * rows)
        _blocksparse.product(x.data_ptr(), frames, x.stride(0), self.gather.data_ptr(), self.stacked.data_ptr(),
                             n_block_rows, k, rows, self.bias.data_ptr(), acc.data_ptr(), acc.stride(0))
        return acc

    def _block_product(self, x: torch.Tensor) -> torch.Tensor:
        """Gathered input slabs times the kept blocks, a group of block-rows at a time; padded as the kernel's.

        A group's gathered slabs fill about ``GATHER_BYTES``, so they are
        still in cache when the product reads them.
        """
        n_block_rows, frames, rows = self.stacked.shape[0], x.shape[0], self.stacked.shape[2]
        per_group = max(1, GATHER_BYTES // (self.gather.shape[1] * frames * x.element_size()))
        acc = x.new_empty(n_block_rows, frames, rows)
        for start in range(0, n_block_rows, per_group):
            stop = min(start + per_group, n_block_rows)
            slabs = x.index_select(1, self.gather[start:stop].reshape(-1)).view(frames, stop - start, -1)
            torch.baddbmm(self.bias[start:stop], slabs.transpose(0, 1), self.stacked[start:stop],
                          out=acc[start:stop])
        return acc.transpose(0, 1).reshape(frames, -1)

    def _scaled(self, acc: torch.Tensor) -> torch.Tensor:
        return (acc + self.half).to(torch.float64).mul_(self.scale)

    def _limit(self, acc: torch.Tensor) -> torch.Tensor:
        if self.engine.overflow == "wrap":
            span = self.acc_high - self.acc_low + 1
            return torch.remainder(acc - self.acc_low, span) + self.acc_low
        return acc.clamp_(self.acc_low, self.acc_high)

    def _accumulate_sequential(self, x: torch.Tensor) -> torch.Tensor:
        acc = torch.from_numpy(self.layer.bias)[None, :].expand(x.shape[0], -1).clone()
        for p in range(self.seq_index.shape[1]):
            acc += self.seq_weight[:, p] * x[:, self.seq_index[:, p]]
            acc = self._limit(acc)
        return acc

    def finish(self, scaled: torch.Tensor) -> torch.Tensor:
        """Requantize (floor of the offset, scaled sum; clamp) and apply the activation."""
        layer = self.layer
        if layer.activation == "logits":
            return scaled
        if self.shift > 0:
            scaled = scaled.floor_()
        low, high = -(1 << (layer.out_bits - 1)), (1 << (layer.out_bits - 1)) - 1
        if layer.activation == "relu":
            return scaled.clamp_(0, high)
        scaled = scaled.clamp_(low, high)
        if layer.activation == "sigmoid":
            return self.lut[(scaled - low).long()]
        return scaled


class Emulator:
    """Runs an ``IntModel`` on the engine's arithmetic, bit-exactly, many frames at a time.

    ``engine_order=True`` models the engine's summation order in every layer,
    even where a faster order is proved to give the same integers;
    ``compiled=False`` uses the torch products instead of the compiled
    block-sparse kernel (which is also skipped where it was not built).
    """

    def __init__(self, model: IntModel, engine: EngineConfig | None = None, chunk_frames: int = 256,
                 engine_order: bool = False, compiled: bool = True):
        self.model = model
        self.engine = engine or EngineConfig()
        self.chunk_frames = chunk_frames
        self.plans = [_LayerPlan(layer, self.engine, engine_order, compiled) for layer in model.layers]

    @property
    def paths(self) -> list[str]:
        """Per layer: ``"float32"``, ``"float64"`` (proved exact) or ``"sequential"``."""
        return [plan.path for plan in self.plans]

    def run(self, inputs: np.ndarray) -> np.ndarray:
        """Integer logits ``(frames, outputs)`` from integer inputs ``(frames, inputs)``."""
        inputs = np.asarray(inputs)
        if inputs.ndim != 2 or inputs.shape[1] != self.model.layers[0].in_features:
            raise ValueError(f"expected inputs (frames, {self.model.layers[0].in_features}), got {inputs.shape}")
        frames = inputs.shape[0]
        logits = np.empty((frames, self.model.layers[-1].out_features), dtype=np.int64)
        source = torch.from_numpy(inputs)
        with torch.no_grad():
            for start in range(0, frames, self.chunk_frames):
                x = source[start:start + self.chunk_frames].to(self.plans[0].input_dtype)
                for plan in self.plans:
                    x = plan.finish(plan.accumulate(x))
                torch.from_numpy(logits[start:start + x.shape[0]]).copy_(x)  # integer-valued floats: exact cast
        return logits

    def __call__(self, features: np.ndarray) -> EmulatorOutput:
        """Quantize float features with the model's input format, run, return logits and their scale."""
        return EmulatorOutput(self.run(self.model.quantize_input(features)), self.model.logit_frac)
