"""Memory images and golden vectors for checking an RTL implementation against the emulator.

One file per memory, ``layer<i>_<memory>.hex``: one word per line, in
address order, as ``ceil(bits / 4)`` hex digits of the word's two's
complement (indices: unsigned).  ``golden_input.hex`` holds the quantized
input frames and ``golden_output.hex`` the emulator's integer logits (at the
accumulator width), frame after frame.  ``manifest.json`` describes formats,
shapes and files; it is written last, atomically, so a directory without it
is an unfinished export.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from cgs_asr.atomic import atomic_write_text

from .emulator import Emulator
from .engine import EngineConfig
from .intmodel import IntLayer, IntModel
from .memory import layer_memories

FORMAT = "cgs_asr-hw-images/1"
LAYER_SCALARS = ("out_features", "in_features", "block_rows", "block_cols", "weight_bits", "weight_frac",
                 "bias_bits", "in_bits", "in_frac", "activation", "out_bits", "requant_frac")


def to_hex_lines(words: np.ndarray, bits: int) -> str:
    """Words as two's-complement (or unsigned) hex, one per line."""
    digits = math.ceil(bits / 4)
    mask = (1 << bits) - 1
    return "".join(f"{int(w) & mask:0{digits}x}\n" for w in np.asarray(words).reshape(-1))


def from_hex_lines(text: str, bits: int, signed: bool) -> np.ndarray:
    values = [int(line, 16) for line in text.split()]
    if signed:
        values = [v - (1 << bits) if v >= 1 << (bits - 1) else v for v in values]
    return np.array(values, dtype=np.int64)


@dataclass
class ExportedImages:
    model: IntModel
    engine: EngineConfig
    golden_inputs: np.ndarray
    golden_outputs: np.ndarray


def export_memory_images(model: IntModel, directory: str | Path, golden_inputs: np.ndarray,
                         engine: EngineConfig | None = None) -> Path:
    """Write memories, golden vectors (integer input codes and emulator logits) and the manifest."""
    engine = engine or EngineConfig()
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    golden_inputs = np.asarray(golden_inputs, dtype=np.int64)
    golden_outputs = Emulator(model, engine).run(golden_inputs)
    layers = []
    for i, layer in enumerate(model.layers):
        entry = {name: getattr(layer, name) for name in LAYER_SCALARS}
        entry.update(n_block_rows=int(layer.kept_cols.shape[0]), kept_per_row=layer.kept_per_row, memories=[])
        for memory in layer_memories(layer):
            name = f"layer{i}_{memory.name}.hex"
            (directory / name).write_text(to_hex_lines(memory.words, memory.bits), encoding="ascii")
            entry["memories"].append({"name": memory.name, "file": name, "bits": memory.bits,
                                      "signed": memory.signed, "words": int(memory.words.size)})
        layers.append(entry)
    (directory / "golden_input.hex").write_text(to_hex_lines(golden_inputs, model.input_bits), encoding="ascii")
    (directory / "golden_output.hex").write_text(to_hex_lines(golden_outputs, engine.accumulator_bits),
                                                 encoding="ascii")
    manifest = {
        "format": FORMAT,
        "engine": engine.to_dict(),
        "input": {"bits": model.input_bits, "frac": model.input_frac},
        "logit_frac": model.logit_frac,
        "layers": layers,
        "golden": {"frames": int(golden_inputs.shape[0]), "input_file": "golden_input.hex",
                   "input_values_per_frame": int(golden_inputs.shape[1]), "output_file": "golden_output.hex",
                   "output_values_per_frame": int(golden_outputs.shape[1]),
                   "output_bits": engine.accumulator_bits},
    }
    path = directory / "manifest.json"
    atomic_write_text(path, json.dumps(manifest, indent=2) + "\n")
    return path


def read_memory_images(directory: str | Path) -> ExportedImages:
    """Parse an export back into the integer model, engine and golden vectors."""
    directory = Path(directory)
    manifest = json.loads((directory / "manifest.json").read_text(encoding="utf-8"))
    if manifest.get("format") != FORMAT:
        raise ValueError(f"{directory / 'manifest.json'}: unknown format {manifest.get('format')!r}")

    def read(entry: dict) -> np.ndarray:
        words = from_hex_lines((directory / entry["file"]).read_text(encoding="ascii"), entry["bits"], entry["signed"])
        if words.size != entry["words"]:
            raise ValueError(f"{entry['file']}: {words.size} words, manifest says {entry['words']}")
        return words

    layers = []
    for entry in manifest["layers"]:
        memories = {m["name"]: read(m) for m in entry["memories"]}
        shape = (entry["n_block_rows"], entry["kept_per_row"])
        kept_cols = memories["indices"].reshape(shape) if "indices" in memories else np.zeros(shape, np.int64)
        layers.append(IntLayer(**{name: entry[name] for name in LAYER_SCALARS}, kept_cols=kept_cols,
                               weights=memories["weights"], bias=memories["biases"],
                               lut=memories.get("sigmoid_lut")))
    model = IntModel(manifest["input"]["bits"], manifest["input"]["frac"], layers)
    golden = manifest["golden"]
    frames = golden["frames"]
    inputs = from_hex_lines((directory / golden["input_file"]).read_text(encoding="ascii"), model.input_bits, True)
    outputs = from_hex_lines((directory / golden["output_file"]).read_text(encoding="ascii"), golden["output_bits"],
                             True)
    return ExportedImages(model, EngineConfig.from_dict(manifest["engine"]),
                          inputs.reshape(frames, golden["input_values_per_frame"]),
                          outputs.reshape(frames, golden["output_values_per_frame"]))
