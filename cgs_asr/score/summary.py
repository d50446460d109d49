"""The experiment summary: one row per system and test set, gathered from result files.

A row's figures come from JSON files the stages already wrote (a decode
dir's ``decode.json``, an emulator report, KWS metrics); only the keys listed
in :data:`FIGURES` are taken, so the summary is derived data, rebuilt in full
each time and never edited by hand.
"""
from __future__ import annotations

import json
from pathlib import Path

from cgs_asr.lang.files import atomic_write_text

KEYS = ("task", "system", "test_set")
# The reference chip (Kadetotad et al. 2016, 40 nm LP CMOS, 0.6 V), printed beside the emulator's estimates.
PAPER_POWER_UW = {"kws": 36.0, "asr": 552.0}
FIGURES = ("wer", "ser", "accuracy", "frr_at_1fa_per_hour", "frr_at_0.5fa_per_hour",
           "weight_memory_bits", "compression_vs_dense64", "macs_per_frame", "power_uw")


def make_row(task: str, system: str, test_set: str, result_files: list[str | Path]) -> dict:
    row: dict = {"task": task, "system": system, "test_set": test_set}
    for path in result_files:
        try:
            results = json.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as e:
            raise ValueError(f"{path}: cannot read results ({e})") from None
        row.update({k: results[k] for k in FIGURES if results.get(k) is not None})
    if len(row) == len(KEYS):
        raise ValueError(f"{', '.join(map(str, result_files))}: none of the figures {', '.join(FIGURES)}")
    return row


def write_summary(path: str | Path, rows: list[dict]) -> None:
    atomic_write_text(path, json.dumps(rows, indent=1) + "\n")


def format_table(rows: list[dict]) -> str:
    """A fixed-width table with the columns that any row fills."""
    columns = list(KEYS) + [f for f in FIGURES if any(f in r for r in rows)]
    cells = [[_cell(r.get(c)) for c in columns] for r in rows]
    widths = [max(len(c), *(len(row[i]) for row in cells)) for i, c in enumerate(columns)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(columns, widths))]
    lines += ["  ".join(v.rjust(w) if i >= len(KEYS) else v.ljust(w) for i, (v, w) in enumerate(zip(row, widths)))
              for row in cells]
    tasks = [t for t in PAPER_POWER_UW if any(r["task"] == t and "power_uw" in r for r in rows)]
    if tasks:
        lines.append("power_uw of the paper's chip (40 nm, 0.6 V): "
                     + ", ".join(f"{t} {PAPER_POWER_UW[t]:g} uW" for t in tasks))
    return "\n".join(lines)


def _cell(value) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.2f}"
    return str(value)
