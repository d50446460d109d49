"""Parameters of the hardware engine (arithmetic and timing), apart from the model.

Defaults and why:

- ``accumulator_bits = 24``: with 6-bit weights and 8-bit activations a
  512-input layer needs ``6 + 8 + ceil(log2 512) = 23`` bits in the worst
  case, so 24 bits never overflow for the reference networks, and every
  partial sum stays below 2**24, which float32 BLAS represents exactly;
- ``overflow = "saturate"``: a saturating accumulator degrades gracefully;
  ``"wrap"`` models a plain two's-complement adder;
- ``lanes = 16``: one MAC unit with 16 multipliers, one block-row of a
  16 x 16 block per 16 cycles;
- ``cycles_per_block = 0``: the next block's index is read while the current
  block is multiplied (a one-deep pipeline), so block changes cost no cycle;
  set it to 1 or more to model an engine without that prefetch;
- ``frame_rate = 100``: 10 ms frame shift.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

OVERFLOW_MODES = ("saturate", "wrap")


@dataclass(frozen=True)
class EngineConfig:
    lanes: int = 16
    accumulator_bits: int = 24
    overflow: str = "saturate"
    cycles_per_block: int = 0
    frame_rate: float = 100.0

    def __post_init__(self) -> None:
        if self.overflow not in OVERFLOW_MODES:
            raise ValueError(f"overflow must be one of {OVERFLOW_MODES}, got {self.overflow!r}")
        if self.lanes < 1 or self.accumulator_bits < 2 or self.cycles_per_block < 0 or self.frame_rate <= 0:
            raise ValueError(f"invalid engine configuration {self}")

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> "EngineConfig":
        return cls(**data)
