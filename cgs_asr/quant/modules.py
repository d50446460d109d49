"""Fake-quantization modules for quantization-aware training.

Each quantizer keeps its format in buffers (``bits``, ``frac_bits``,
``enabled``), so a saved ``state_dict`` describes the fixed-point model
completely and conversion to integers needs nothing else.

- ``WeightQuant`` and ``BiasQuant`` are parametrizations of ``Linear.weight``
  / ``Linear.bias``; ``WeightQuant`` is registered after a CGS ``BlockMask``,
  so it sees the masked weight (zeros stay zero).
- ``ActivationQuant`` sits in the Sequential; before calibration it observes
  ranges and passes values through unchanged.
- ``QuantSigmoid`` is the sigmoid as the engine computes it: a table from
  quantized inputs to ``bits``-bit outputs with ``bits - 1`` fraction bits.
"""

from __future__ import annotations

import numpy as np
import torch
from torch import nn

from .fixed_point import fake_quantize, frac_bits_for_range, frac_bits_least_error


class FakeQuant(nn.Module):
    """Rounds its input to ``(bits, frac_bits)`` when enabled, else passes it through."""

    def __init__(self, bits: int, frac_bits: int = 0, enabled: bool = False):
        super().__init__()
        self.register_buffer("bits", torch.tensor(bits))
        self.register_buffer("frac_bits", torch.tensor(frac_bits))
        self.register_buffer("enabled", torch.tensor(enabled))

    def set_format(self, frac_bits: int) -> None:
        self.frac_bits.fill_(frac_bits)
        self.enabled.fill_(True)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if not bool(self.enabled):
            return x
        return fake_quantize(x, int(self.bits), int(self.frac_bits))

    def extra_repr(self) -> str:
        return f"bits={int(self.bits)}, frac_bits={int(self.frac_bits)}, enabled={bool(self.enabled)}"


class WeightQuant(FakeQuant):
    """Per-layer weight format; its power-of-two scale gives the least squared error (see frac_bits_least_error)."""

    def fit_range(self, weight: torch.Tensor) -> None:
        self.set_format(frac_bits_least_error(weight, int(self.bits)))


class BiasQuant(FakeQuant):
    """Bias format: at the accumulator's scale, so it is added to the sum without a shift."""


class ActivationQuant(FakeQuant):
    """Activation format with a scale calibrated on data."""

    def __init__(self, bits: int, calibration: str = "percentile", percentile: float = 99.99):
        super().__init__(bits)
        self.calibration = calibration
        self.percentile = percentile
        self._observed: list[float] | None = None

    def observe(self) -> None:
        """Start collecting range statistics; values pass through unquantized meanwhile."""
        self._observed = []
        self.enabled.fill_(False)

    def finish_observing(self) -> None:
        """Fix the scale from what was observed and start quantizing."""
        if not self._observed:
            raise RuntimeError("ActivationQuant saw no data during calibration")
        stats = np.asarray(self._observed)
        absmax = float(stats.max() if self.calibration == "max" else stats.mean())
        self._observed = None
        self.set_format(frac_bits_for_range(absmax, int(self.bits)))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self._observed is not None:
            magnitudes = x.detach().abs().flatten().double().cpu().numpy()
            stat = magnitudes.max() if self.calibration == "max" else np.percentile(magnitudes, self.percentile)
            self._observed.append(float(stat))
            return x
        return super().forward(x)


class QuantSigmoid(nn.Module):
    """Sigmoid whose output is rounded to ``bits`` bits with ``bits - 1`` fraction bits."""

    def __init__(self, bits: int):
        super().__init__()
        self.register_buffer("bits", torch.tensor(bits))

    @property
    def frac_bits(self) -> torch.Tensor:
        return self.bits - 1

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        bits = int(self.bits)
        return fake_quantize(torch.sigmoid(x), bits, bits - 1)

    def extra_repr(self) -> str:
        return f"bits={int(self.bits)}"
