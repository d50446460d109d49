"""Fixed-point formats chosen by the loss of the quantized network (a greedy search).

Calibration and the least-squared-error weight fit judge each tensor alone:
an activation range covers (nearly) the largest value seen, so an 8-bit word
spends its levels on rare outliers and rounds the many small ReLU outputs
coarsely; a weight format keeps the outliers that the squared error weighs
most.  Whether an outlier or a finer step matters more depends on what the
next layers do with it, so here each format is judged by the loss of the
whole quantized network on labelled frames (``loss_fn(prepared(inputs),
targets)``), one quantizer at a time in network order, each keeping its best
candidate before the next is tried.  Bias formats follow (they sit at the
accumulator's scale, input frac + weight frac).

Measured on the default recipe's dense DNN (4 x 384, 1,340 pdfs), dev frame
accuracy without retraining (the 16,384 calibration frames of the training
set; float 41.03 %): 8-bit activations and 16-bit weights 39.86 % calibrated,
40.89 % with the activation search; 6-bit weights 38.23 %, 38.93 % with the
activation search, 40.44 % with both.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence

import torch
from torch import nn
from torch.nn import functional as F

from cgs_asr.nnet.model import eval_mode

from .modules import ActivationQuant, FakeQuant
from .prepare import quant_layers, update_weight_scales

ACTIVATION_OFFSETS = (0, 1, 2, 3)   # fraction bits added to the calibrated format: finer steps, outliers clipped
WEIGHT_OFFSETS = (-1, 0, 1, 2)      # fraction bits around the least-squared-error format

Loss = Callable[[torch.Tensor, torch.Tensor], torch.Tensor]


def refine_activation_formats(prepared: nn.Sequential, inputs: torch.Tensor, targets: torch.Tensor,
                              offsets: Sequence[int] = ACTIVATION_OFFSETS, loss_fn: Loss = F.cross_entropy) -> list[int]:
    """Each activation format (the input's first) becomes its calibrated one plus the best of ``offsets``.

    Call after ``calibrate``; returns the chosen fraction bits.
    """
    quantizers = [m for m in prepared.children() if isinstance(m, ActivationQuant)]
    with eval_mode(prepared):
        for quantizer in quantizers:
            _choose(prepared, quantizer, [int(quantizer.frac_bits) + o for o in offsets], inputs, targets, loss_fn)
    return [int(q.frac_bits) for q in quantizers]


def refine_weight_formats(prepared: nn.Sequential, inputs: torch.Tensor, targets: torch.Tensor,
                          offsets: Sequence[int] = WEIGHT_OFFSETS, loss_fn: Loss = F.cross_entropy) -> list[int]:
    """Each weight format becomes its least-squared-error one plus the best of ``offsets``.

    It starts from the current weights (``update_weight_scales``), so QAT can
    call it after every epoch in place of that function.  Returns the chosen
    fraction bits.
    """
    update_weight_scales(prepared)
    layers = quant_layers(prepared)
    with eval_mode(prepared):
        for layer in layers:
            fitted = int(layer.weight_quant.frac_bits)
            _choose(prepared, layer.weight_quant, [fitted + o for o in offsets], inputs, targets, loss_fn)
    return [int(layer.weight_quant.frac_bits) for layer in layers]


def _choose(prepared: nn.Sequential, quantizer: FakeQuant, candidates: list[int], inputs: torch.Tensor,
            targets: torch.Tensor, loss_fn: Loss) -> None:
    """Set ``quantizer`` to the candidate format of least loss (the first of equals), biases following."""
    def loss_with(frac_bits: int) -> float:
        _set_format(prepared, quantizer, frac_bits)
        with torch.no_grad():
            return float(loss_fn(prepared(inputs), targets))

    _set_format(prepared, quantizer, min(candidates, key=loss_with))


def _set_format(prepared: nn.Sequential, quantizer: FakeQuant, frac_bits: int) -> None:
    quantizer.set_format(frac_bits)
    for layer in quant_layers(prepared):
        if layer.bias_quant is not None:
            layer.bias_quant.set_format(int(layer.input_format.frac_bits) + int(layer.weight_quant.frac_bits))

