"""The low-power engine: integer model, bit-exact emulator, cost report, memory images.

A calibrated fake-quantized model (``cgs_asr.quant``) is converted into the
integers the engine stores (``to_int_model``); ``Emulator`` runs frames with
the engine's arithmetic (saturating accumulator, add-half-and-shift
requantization, ReLU clamp, sigmoid table) and returns integer logits with
their scale; ``reference_run`` is a slow, plain reference for tests;
``engine_report`` gives MACs, cycles, memory bits, energy and power;
``export_memory_images`` writes hex memory images and golden vectors.

Typical use::

    int_model = to_int_model(qmodel)
    output = Emulator(int_model)(features)      # float features (frames, dims)
    log_post = log_softmax(output.to_float())   # then subtract log priors
    print(format_report(engine_report(int_model)))
"""

from .convert import to_int_model
from .emulator import Emulator, EmulatorOutput, worst_case_sum
from .energy import EnergyTable
from .engine import EngineConfig
from .export import ExportedImages, export_memory_images, read_memory_images
from .intmodel import IntLayer, IntModel
from .memory import Memory, layer_memories
from .reference import reference_run
from .report import engine_report, format_report

__all__ = [
    "Emulator", "EmulatorOutput", "EnergyTable", "EngineConfig", "ExportedImages", "IntLayer", "IntModel",
    "Memory", "engine_report", "export_memory_images", "format_report", "layer_memories", "read_memory_images",
    "reference_run", "to_int_model", "worst_case_sum",
]
