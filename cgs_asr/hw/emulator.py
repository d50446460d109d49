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
feature-major ``(features, frames)``; for each block-row the input slabs of
its kept block-columns are gathered and multiplied by the kept blocks
stacked side by side, all block-rows in one batched product.  A CGS layer
keeping 25 % of its blocks thus does a quarter of the dense work.  Short edge
blocks are padded with zero weights and zero inputs inside this computation
only; the padding adds exact zeros.  Frames are processed in chunks small
enough for the gathered slabs to stay in cache.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from .engine import EngineConfig
from .intmodel import IntLayer, IntModel

FLOAT32_EXACT = 2 ** 24
FLOAT64_EXACT = 2 ** 53


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
    """One layer prepared for emulation: the chosen path and its arrays."""

    def __init__(self, layer: IntLayer, engine: EngineConfig):
        if layer.bias_bits > engine.accumulator_bits:
            raise ValueError(f"{layer.bias_bits}-bit biases do not fit a {engine.accumulator_bits}-bit accumulator")
        self.layer = layer
        self.engine = engine
        self.acc_low, self.acc_high = -(1 << (engine.accumulator_bits - 1)), (1 << (engine.accumulator_bits - 1)) - 1
        bound = worst_case_sum(layer)
        self.may_overflow = bound > self.acc_high
        half = 1 << (layer.shift - 1) if layer.activation != "logits" and layer.shift > 0 else 0
        if self.may_overflow and engine.overflow == "saturate":
            self.path = "sequential"
        elif bound + half < FLOAT32_EXACT:
            self.path = "float32"
        elif bound + half < FLOAT64_EXACT:
            self.path = "float64"
        else:
            self.path = "sequential"
        self.dtype = torch.float32 if self.path == "float32" else torch.float64
        self.bias = torch.from_numpy(layer.bias).to(self.dtype)[:, None]
        if self.path == "sequential":
            self._prepare_sequential()
        else:
            self._prepare_fast()
        if layer.activation == "sigmoid":
            self.lut = torch.from_numpy(layer.lut).to(torch.float64)

    def _prepare_fast(self) -> None:
        layer, grid = self.layer, self.layer.grid
        self.dense = layer.kept_per_row == grid.n_block_cols and grid.n_block_rows == 1
        if self.dense:
            self.matrix = torch.from_numpy(layer.dense_weights()).to(self.dtype)
            return
        rows, cols, k = layer.block_rows, layer.block_cols, layer.kept_per_row
        stacked = np.zeros((grid.n_block_rows, rows, k * cols), dtype=np.float64)
        for position, block in enumerate(layer.blocks()):
            j = position % k
            height, width = block.rows[1] - block.rows[0], block.cols[1] - block.cols[0]
            stacked[block.block_row, :height, j * cols:j * cols + width] = \
                layer.weights[block.offset:block.offset + block.size].reshape(height, width)
        self.stacked = torch.from_numpy(stacked).to(self.dtype)
        self.gather = torch.from_numpy(layer.kept_cols.reshape(-1))
        self.padded_inputs = grid.n_block_cols * cols

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
        """Accumulator values ``(outputs, frames)`` for inputs ``(inputs, frames)``, as float64 or self.dtype."""
        if self.path == "sequential":
            return self._accumulate_sequential(x)
        x = x.to(self.dtype)
        if self.dense:
            acc = self.matrix @ x
        else:
            frames = x.shape[1]
            if self.padded_inputs > x.shape[0]:
                x = torch.cat([x, x.new_zeros(self.padded_inputs - x.shape[0], frames)])
            slabs = x.view(-1, self.layer.block_cols, frames).index_select(0, self.gather)
            acc = torch.bmm(self.stacked, slabs.view(self.stacked.shape[0], -1, frames))
            acc = acc.view(-1, frames)[: self.layer.out_features]
        acc = acc + self.bias
        if self.may_overflow:  # wrap mode: the exact sum, wrapped once, equals wrapping after every add
            acc = self._limit(acc.to(torch.int64)).to(self.dtype)
        return acc

    def _limit(self, acc: torch.Tensor) -> torch.Tensor:
        if self.engine.overflow == "wrap":
            span = self.acc_high - self.acc_low + 1
            return torch.remainder(acc - self.acc_low, span) + self.acc_low
        return acc.clamp_(self.acc_low, self.acc_high)

    def _accumulate_sequential(self, x: torch.Tensor) -> torch.Tensor:
        x = x.to(torch.int64)
        acc = torch.from_numpy(self.layer.bias)[:, None].expand(-1, x.shape[1]).clone()
        for p in range(self.seq_index.shape[1]):
            acc += self.seq_weight[:, p:p + 1] * x[self.seq_index[:, p]]
            acc = self._limit(acc)
        return acc.to(torch.float64)

    def finish(self, acc: torch.Tensor) -> torch.Tensor:
        """Requantize (add half, arithmetic shift right, clamp) and apply the activation."""
        layer = self.layer
        if layer.activation == "logits":
            return acc
        shift = layer.shift
        if shift > 0:
            acc = acc.add(1 << (shift - 1)).mul_(2.0 ** -shift).floor_()
        elif shift < 0:
            acc = acc.mul(2.0 ** -shift)
        low, high = -(1 << (layer.out_bits - 1)), (1 << (layer.out_bits - 1)) - 1
        acc = acc.clamp(low, high)
        if layer.activation == "relu":
            return acc.clamp_(min=0)
        if layer.activation == "sigmoid":
            return self.lut[(acc - low).long()]
        return acc


class Emulator:
    """Runs an ``IntModel`` on the engine's arithmetic, bit-exactly, many frames at a time."""

    def __init__(self, model: IntModel, engine: EngineConfig | None = None, chunk_frames: int = 128):
        self.model = model
        self.engine = engine or EngineConfig()
        self.chunk_frames = chunk_frames
        self.plans = [_LayerPlan(layer, self.engine) for layer in model.layers]

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
        x_all = torch.from_numpy(inputs.astype(np.float64)).T
        with torch.no_grad():
            for start in range(0, frames, self.chunk_frames):
                x = x_all[:, start:start + self.chunk_frames].contiguous()
                for plan in self.plans:
                    x = plan.finish(plan.accumulate(x))
                logits[start:start + x.shape[1]] = x.T.to(torch.int64).numpy()
        return logits

    def __call__(self, features: np.ndarray) -> EmulatorOutput:
        """Quantize float features with the model's input format, run, return logits and their scale."""
        return EmulatorOutput(self.run(self.model.quantize_input(features)), self.model.logit_frac)
