"""Fixed point: formats with power-of-two scales, fake quantization, QAT and PTQ.

Weights (``b_w`` bits, one scale per layer from the weight range), activations
(``b_a`` bits, scale per layer calibrated on data) and biases (``b_b`` bits at
the accumulator scale) are two's-complement integers times a power of two.
Bit widths are configuration (``QuantConfig``), separate from the model.

Typical use::

    qmodel = prepare_qat(model, QuantConfig.for_task("asr"))  # after apply_cgs
    calibrate(qmodel, first_batches)
    ... train qmodel, update_weight_scales(qmodel) each epoch ...
"""

from .config import (ACTIVATION_BITS, ASR_WEIGHT_BITS, BIAS_BITS, KWS_WEIGHT_BITS, LayerBits,
                     QuantConfig)
from .fixed_point import fake_quantize, frac_bits_for_range, frac_bits_least_error, int_range, quantize
from .modules import ActivationQuant, BiasQuant, FakeQuant, QuantSigmoid, WeightQuant
from .prepare import (QuantLayer, calibrate, prepare_qat, quant_layers, quantize_post_training,
                      update_weight_scales)
from .search import refine_activation_formats, refine_weight_formats

__all__ = [
    "ACTIVATION_BITS", "ASR_WEIGHT_BITS", "BIAS_BITS", "KWS_WEIGHT_BITS", "ActivationQuant", "BiasQuant",
    "FakeQuant", "LayerBits", "QuantConfig", "QuantLayer", "QuantSigmoid", "WeightQuant", "calibrate",
    "fake_quantize", "frac_bits_for_range", "frac_bits_least_error", "int_range", "prepare_qat", "quant_layers",
    "quantize", "quantize_post_training", "refine_activation_formats", "refine_weight_formats",
    "update_weight_scales",
]
