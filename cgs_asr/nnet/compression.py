"""Compressed acoustic models: how CGS and fixed point are recorded in a model dir, and rebuilt.

A model dir's ``config.json`` holds, beside ``"model"``, a ``"compression"``
entry: ``{"cgs": CGSConfig.to_dict() or null, "quant": QuantConfig.to_dict()
or null}``.  The masks and the quantizer formats themselves are buffers in
``final.pt``; the record only says which parametrizations to re-create
before the state_dict is loaded (``prepare_network``, the ``load_model_dir``
hook), so every loader (decoding, the emulator, export) rebuilds the same
network with one function, ``load_acoustic_model``.

Also here: the training-side steps that turn a network into a fake-quantized
one (``quantize_network``), and what the hardware costs of a loaded model
are (``hardware_report``): the engine report of its integer model, or for a
float model only its memory at 32-bit float weights (the energy table is
for the fixed-point engine, so a float model gets no power figure).
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from torch import nn

from cgs_asr.hw import Emulator, IntLayer, IntModel, engine_report, format_report, layer_memories, to_int_model
from cgs_asr.nnet.dataset import FrameSet
from cgs_asr.nnet.model import ModelConfig, make_model
from cgs_asr.nnet.modeldir import AcousticModel, load_model_dir
from cgs_asr.quant import (LayerBits, QuantConfig, calibrate, prepare_qat, refine_activation_formats,
                           refine_weight_formats, update_weight_scales)
from cgs_asr.sparsity import BlockGrid, CGSConfig, apply_cgs, find_block_mask, linear_layers

COMPRESSION_KEY = "compression"
FLOAT_BITS = 32          # a float model's weights and biases, as float32
DENSE_REFERENCE_BITS = (64, 16)
CALIBRATION_BATCHES, CALIBRATION_BATCH_SIZE = 16, 1024


@dataclass
class Compression:
    """Which parametrizations a network carries: block masks, fake quantization, both or none."""

    cgs: CGSConfig | None = None
    quant: QuantConfig | None = None

    def to_meta(self) -> dict:
        return {COMPRESSION_KEY: {"cgs": None if self.cgs is None else self.cgs.to_dict(),
                                  "quant": None if self.quant is None else self.quant.to_dict()}}

    @classmethod
    def from_meta(cls, saved: dict) -> "Compression":
        record = saved.get(COMPRESSION_KEY) or {}
        cgs, quant = record.get("cgs"), record.get("quant")
        return cls(None if cgs is None else CGSConfig.from_dict(cgs),
                   None if quant is None else QuantConfig.from_dict(quant))


def prepare_network(network: nn.Sequential, saved: dict) -> None:
    """``load_model_dir`` hook: re-create the masks and quantizers recorded in ``saved`` (config.json).

    Which blocks are kept and every format come from the state_dict loaded
    next, so masks are re-created with random selection whatever the
    original selection was (magnitude and gradual selection read weights
    that are gone).
    """
    compression = Compression.from_meta(saved)
    if compression.cgs is not None:
        cgs = compression.cgs
        apply_cgs(network, CGSConfig(cgs.default, cgs.layers, "random", cgs.seed))
    if compression.quant is not None:
        prepare_qat(network, compression.quant, inplace=True)


def load_acoustic_model(path: Path) -> AcousticModel:
    """Any model dir written by ``cgs-train-dnn``: dense, CGS, fake-quantized or both."""
    return load_model_dir(path, prepare=prepare_network)


def compression_of(model: AcousticModel) -> Compression:
    return Compression.from_meta(model.meta)


def weight_quant_config(bits: int) -> QuantConfig:
    """``bits``-bit weights; activations, input and biases at the project defaults (8, 8, 16 bits)."""
    return QuantConfig(default=LayerBits(weight=bits))


def calibration_batches(frames: FrameSet, seed: int = 0) -> list[tuple[torch.Tensor, torch.Tensor]]:
    """A fixed random subset of spliced training frames with their targets, in batches, for choosing scales."""
    order = np.random.default_rng(seed).permutation(len(frames))[:CALIBRATION_BATCHES * CALIBRATION_BATCH_SIZE]
    return [frames.batch(np.sort(order[i:i + CALIBRATION_BATCH_SIZE]))
            for i in range(0, len(order), CALIBRATION_BATCH_SIZE)]


def quantize_network(network: nn.Sequential, config: QuantConfig, frames: FrameSet, seed: int = 0) -> nn.Sequential:
    """A fake-quantized, calibrated copy of ``network`` (masks kept): the start of QAT, or PTQ as it is.

    Activation ranges are calibrated on a subset of ``frames``; with
    ``config.format_search`` the activation, then the weight formats are chosen
    by the cross-entropy on the same frames.
    """
    batches = calibration_batches(frames, seed)
    prepared = calibrate(prepare_qat(network, config), (inputs for inputs, _ in batches))
    if config.format_search:
        inputs, targets = _joined(batches)
        refine_activation_formats(prepared, inputs, targets)
        refine_weight_formats(prepared, inputs, targets)
    return prepared


def weight_format_updater(config: QuantConfig, frames: FrameSet, seed: int = 0):
    """What QAT does after each epoch: re-derive the weight formats (by the loss, with ``format_search``)."""
    if not config.format_search:
        return lambda network: update_weight_scales(network)
    inputs, targets = _joined(calibration_batches(frames, seed))
    return lambda network: refine_weight_formats(network, inputs, targets)


def _joined(batches: list[tuple[torch.Tensor, torch.Tensor]]) -> tuple[torch.Tensor, torch.Tensor]:
    inputs, targets = zip(*batches)
    return torch.cat(inputs), torch.cat(targets)


def copy_network(network: nn.Sequential, config: ModelConfig, compression: Compression) -> nn.Sequential:
    """An independent copy of a network with ``compression``: rebuilt and loaded, not deep-copied."""
    copied = make_model(config)
    prepare_network(copied, compression.to_meta())
    copied.load_state_dict(network.state_dict())
    return copied


class EmulatedNetwork(nn.Module):
    """The integer model run by the bit-exact emulator, behind the float network's interface.

    ``forward`` takes float network inputs (spliced, normalised features) and
    returns the integer logits times their power-of-two scale as float32
    (exact: the logits fit the 24-bit accumulator), so ``AcousticModel``
    turns them into log-posteriors minus log-priors exactly as for the
    float network.
    """

    def __init__(self, int_model: IntModel):
        super().__init__()
        self.int_model = int_model
        self.emulator = Emulator(int_model)

    def forward(self, inputs: torch.Tensor) -> torch.Tensor:
        return torch.from_numpy(self.emulator(inputs.numpy()).to_float().astype(np.float32))


def emulated_model(model: AcousticModel) -> AcousticModel:
    """The same acoustic model with its network replaced by the fixed-point engine."""
    if compression_of(model).quant is None:
        raise ValueError("the fixed-point kernel needs a quantized model (train it with --qat-bits or --ptq-bits)")
    return AcousticModel(EmulatedNetwork(to_int_model(model.network)), model.config, model.prior, model.meta)


def _float_layout(network: nn.Sequential) -> IntModel:
    """The float network's storage in the engine's layout (kept blocks, indices, biases), values left out."""
    layers = []
    for linear in linear_layers(network):
        out_features, in_features = linear.weight.shape
        masking = find_block_mask(linear)
        if masking is None:
            rows, cols, kept = out_features, in_features, np.zeros((1, 1), dtype=np.int64)
        else:
            rows, cols = masking.grid.block_rows, masking.grid.block_cols
            kept = np.stack([np.flatnonzero(r) for r in masking.block_mask().numpy()]).astype(np.int64)
        size = int(np.take_along_axis(BlockGrid(out_features, in_features, rows, cols).block_sizes(), kept, 1).sum())
        layers.append(IntLayer(out_features, in_features, rows, cols, kept, np.zeros(size, np.int64),
                               np.zeros(out_features, np.int64), FLOAT_BITS, 0, FLOAT_BITS, FLOAT_BITS, 0, "logits"))
    return IntModel(FLOAT_BITS, 0, layers)


def _float_report(network: nn.Sequential) -> dict:
    layout = _float_layout(network)
    layers = [{"shape": [l.out_features, l.in_features], "block": [l.block_rows, l.block_cols],
               "kept_blocks_per_row": l.kept_per_row, "macs": int(l.weights.size),
               "memory_bits": {m.name: m.total_bits for m in layer_memories(l)}} for l in layout.layers]
    stored = sum(sum(layer["memory_bits"].values()) for layer in layers)
    dense = sum(l.out_features * l.in_features + l.out_features for l in layout.layers)
    compression = {"stored_bits": stored, "dense_parameters": dense}
    for width in DENSE_REFERENCE_BITS:
        compression[f"dense_bits_{width}"] = dense * width
        compression[f"saved_percent_vs_{width}bit"] = 100.0 * (1.0 - stored / (dense * width))
    return {"layers": layers, "total": {"macs": sum(layer["macs"] for layer in layers), "memory_bits": stored},
            "compression": compression,
            "note": f"float model: weights and biases stored as {FLOAT_BITS}-bit floats; no energy figures "
                    "(the energy table models the fixed-point engine)"}


def hardware_report(model: AcousticModel) -> tuple[dict, str]:
    """Report (JSON-able) and printed table of the model's hardware cost.

    Top-level figures for summary rows: ``weights`` (``"fixed-point"`` or ``"float32"``), ``weight_memory_bits``
    (all stored bits: weights, block indices, biases, tables),
    ``compression_vs_dense64`` / ``compression_vs_dense16`` (percent saved
    against the dense network at 64 / 16 bits), ``macs_per_frame`` and, for
    the fixed-point engine only, ``power_uw``.  The details follow.
    """
    if isinstance(model.network, EmulatedNetwork) or compression_of(model).quant is not None:
        int_model = model.network.int_model if isinstance(model.network, EmulatedNetwork) \
            else to_int_model(model.network)
        report, storage = engine_report(int_model), "fixed-point"
        text = format_report(report)
        power = {"power_uw": report["total"]["power_uw"]}
    else:
        report, storage, power = _float_report(model.network), "float32", {}
        comp = report["compression"]
        text = (f"{report['note']}\nmemory: {comp['stored_bits']:,} bits stored; saved "
                f"{comp['saved_percent_vs_64bit']:.1f} % vs dense 64-bit, {comp['saved_percent_vs_16bit']:.1f} % "
                f"vs dense 16-bit; {report['total']['macs']:,} MACs per frame")
    comp = report["compression"]
    figures = {"weights": storage, "weight_memory_bits": comp["stored_bits"],
               "compression_vs_dense64": comp["saved_percent_vs_64bit"],
               "compression_vs_dense16": comp["saved_percent_vs_16bit"],
               "macs_per_frame": report["total"]["macs"], **power}
    return {**figures, **report}, text
