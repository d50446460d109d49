"""Bit widths as configuration, kept apart from the model definition (as hls4ml does).

Defaults and why:

- weights: 6 bits for ASR, 5 for KWS, the precisions of the reference work
  (Kadetotad et al., ICCAD 2016) at which accuracy matched the float network;
- activations: 8 bits, signed.  One signed format everywhere keeps one
  multiplier width in the engine; after a ReLU the sign bit is wasted, which
  8 bits afford;
- biases: 16 bits at the accumulator's scale (input frac + weight frac).
  A bias is added once per output, so its width costs almost no memory, and
  16 bits leave 15 bits of range above the finest step: enough for the
  biases of a trained network without saturating;
- input: 8 bits (normalised features, calibrated like any activation).

``LayerBits.activation`` is the width of that layer's OUTPUT activation (the
next layer's input).  The last layer's logits stay at accumulator precision,
so its activation width is unused.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

ASR_WEIGHT_BITS = 6
KWS_WEIGHT_BITS = 5
ACTIVATION_BITS = 8
BIAS_BITS = 16
CALIBRATIONS = ("percentile", "max")


@dataclass(frozen=True)
class LayerBits:
    weight: int = ASR_WEIGHT_BITS
    activation: int = ACTIVATION_BITS
    bias: int = BIAS_BITS


@dataclass
class QuantConfig:
    """Bit widths per Linear layer (by ordinal) and how activation ranges are calibrated.

    ``calibration="percentile"`` takes, per batch, the ``percentile`` of |x|
    and averages it over batches; ``"max"`` takes the largest |x| seen.
    With ``format_search``, activation and weight formats are then chosen
    by the loss of the quantized network on labelled frames (``search.py``).
    """

    default: LayerBits = field(default_factory=LayerBits)
    layers: dict[int, LayerBits] = field(default_factory=dict)
    input_bits: int = ACTIVATION_BITS
    calibration: str = "percentile"
    percentile: float = 99.99
    format_search: bool = True

    def __post_init__(self) -> None:
        if self.calibration not in CALIBRATIONS:
            raise ValueError(f"calibration must be one of {CALIBRATIONS}, got {self.calibration!r}")

    @classmethod
    def for_task(cls, task: str) -> "QuantConfig":
        """Defaults of the reference work: ``"asr"`` (6-bit weights) or ``"kws"`` (5-bit)."""
        weight_bits = {"asr": ASR_WEIGHT_BITS, "kws": KWS_WEIGHT_BITS}[task]
        return cls(default=LayerBits(weight=weight_bits))

    def for_layer(self, index: int) -> LayerBits:
        return self.layers.get(index, self.default)

    def to_dict(self) -> dict:
        return {
            "default": asdict(self.default),
            "layers": {str(i): asdict(b) for i, b in sorted(self.layers.items())},
            "input_bits": self.input_bits,
            "calibration": self.calibration,
            "percentile": self.percentile,
            "format_search": self.format_search,
        }

    @classmethod
    def from_dict(cls, data: dict) -> "QuantConfig":
        return cls(
            default=LayerBits(**data.get("default", {})),
            layers={int(i): LayerBits(**b) for i, b in data.get("layers", {}).items()},
            input_bits=int(data.get("input_bits", ACTIVATION_BITS)),
            calibration=data.get("calibration", "percentile"),
            percentile=float(data.get("percentile", 99.99)),
            format_search=bool(data.get("format_search", False)),   # records from before the search
        )
