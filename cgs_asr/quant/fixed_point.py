"""Two's-complement fixed point with power-of-two scales.

A value ``v`` in format ``(bits, frac_bits)`` is stored as the integer
``q = clamp(floor(v * 2**frac_bits + 1/2), -2**(bits-1), 2**(bits-1) - 1)``
and means ``q * 2**-frac_bits``.  Rounding is half-up, the same as the
hardware's "add half, shift right", so a fake-quantized float model and the
integer engine agree bit for bit.  ``frac_bits`` may be negative or exceed
``bits``: the scale is a shift either way.
"""

from __future__ import annotations

import math

import torch


def int_range(bits: int) -> tuple[int, int]:
    """Smallest and largest integer of a signed ``bits``-bit word."""
    if bits < 2:
        raise ValueError(f"a signed fixed-point word needs at least 2 bits, got {bits}")
    return -(1 << (bits - 1)), (1 << (bits - 1)) - 1


def frac_bits_for_range(absmax: float, bits: int) -> int:
    """Fraction bits that make ``absmax`` fit: ``absmax * 2**frac <= 2**(bits-1)``.

    The largest such power-of-two scale, so the largest magnitude uses the
    top bit and only a value within half a step of the positive end can clip.
    A zero range gives ``bits - 1`` (values in [-1, 1)), an arbitrary but
    harmless choice.
    """
    if not math.isfinite(absmax):
        raise ValueError(f"cannot choose a scale for range {absmax}")
    if absmax <= 0.0:
        return bits - 1
    return bits - 1 - math.ceil(math.log2(absmax))


def frac_bits_least_error(values: torch.Tensor, bits: int, extra: int = 3) -> int:
    """The power-of-two format of ``values`` with the least squared error, clipping allowed.

    Candidates run from the format that fits the largest magnitude
    (:func:`frac_bits_for_range`) to ``extra`` more fraction bits. A scale
    set by the largest weight spends most of the few levels of a 5-6 bit word
    on a handful of outliers; giving up those outliers (clipped to the top
    code) for a finer step everywhere else is the usual better trade
    (a minimum-MSE range, as in common quantization toolkits). Measured on the
    dense DNN trained on the default recipe's monophone alignments, 6-bit weights without retraining (8-bit
    activations calibrated on the dev frames): dev frame accuracy 55.6 %
    against 47.0 % with the largest-magnitude scale (float 56.6 %); 5-bit:
    53.8 % against 15.2 %.
    """
    values = values.detach()
    start = frac_bits_for_range(float(values.abs().max()), bits)
    return min(range(start, start + extra + 1),
               key=lambda frac: float(torch.sum((fake_quantize(values, bits, frac) - values) ** 2)))


class _RoundClamp(torch.autograd.Function):
    """Half-up rounding and clamping, with a straight-through gradient inside the range."""

    @staticmethod
    def forward(ctx, scaled: torch.Tensor, low: int, high: int) -> torch.Tensor:
        ctx.save_for_backward((scaled >= low - 0.5) & (scaled <= high + 0.5))
        return torch.floor(scaled + 0.5).clamp_(low, high)

    @staticmethod
    def backward(ctx, grad: torch.Tensor):
        (inside,) = ctx.saved_tensors
        return grad * inside, None, None


def quantize(x: torch.Tensor, bits: int, frac_bits: int) -> torch.Tensor:
    """The integer codes of ``x`` (integer-valued, in x's float dtype)."""
    low, high = int_range(bits)
    return _RoundClamp.apply(x * (2.0 ** frac_bits), low, high)


def fake_quantize(x: torch.Tensor, bits: int, frac_bits: int) -> torch.Tensor:
    """``x`` rounded to the fixed-point grid; gradients pass straight through where not clipped."""
    return quantize(x, bits, frac_bits) * (2.0 ** -frac_bits)
