"""Energy per operation of the engine, with where each figure comes from.

Base figures: M. Horowitz, "Computing's energy problem (and what we can do
about it)", ISSCC 2014, 45 nm at 0.9 V: 8-bit integer multiply 0.2 pJ,
32-bit add 0.1 pJ, 64-bit SRAM read 10 pJ (8 KB) / 20 pJ (32 KB).
Scaled to 40 nm LP at 0.6 V (the reference engine's process and supply):
dynamic energy goes with C * V**2, (0.6 / 0.9)**2 = 0.44, times about 0.9
for the smaller node, so a factor of 0.4.

- MAC, 6 x 8-bit multiply (48/64 of an 8 x 8 multiplier, 0.15 pJ) plus a
  24-bit add (0.075 pJ): 0.225 pJ * 0.4 = 0.09 pJ;
- weight / bias memory bit (32 KB-class SRAM, 20 pJ / 64 bits): 0.125 pJ;
- index memory bit (8 KB-class SRAM, 10 pJ / 64 bits): 0.0625 pJ;
- activation read or write of one 8-bit word from a small register-file
  buffer, about half the per-bit cost of an 8 KB SRAM: 0.25 pJ;
- leakage: 1 pW per stored bit, an order-of-magnitude figure for
  low-power 40 nm SRAM cells at 0.6 V (about 1.5 pA per cell).

These are estimates for comparing designs, not sign-off numbers; override
them from a JSON file with the same field names.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, fields
from pathlib import Path


@dataclass(frozen=True)
class EnergyTable:
    pj_per_mac: float = 0.09
    pj_per_weight_bit: float = 0.125
    pj_per_index_bit: float = 0.0625
    pj_per_activation_read: float = 0.25
    pj_per_activation_write: float = 0.25
    leakage_pw_per_bit: float = 1.0

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_json(cls, path: str | Path) -> "EnergyTable":
        """Defaults overridden by the fields present in a JSON object; unknown fields are an error."""
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        known = {f.name for f in fields(cls)}
        unknown = set(data) - known
        if unknown:
            raise ValueError(f"{path}: unknown energy fields {sorted(unknown)}; known: {sorted(known)}")
        return cls(**{k: float(v) for k, v in data.items()})
