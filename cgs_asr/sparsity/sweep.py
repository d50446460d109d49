"""The CGS design space: sparsity x weight bits x block size, each point trained briefly and scored.

Every (sparsity, block size) pair gets one short float training run from the
same seed (0 % sparsity is the dense network, the same for every block size,
so it runs once).  Each float model is then quantized to every weight width
with a short QAT fine-tune (``qat_epochs=0``: post-training quantization);
the float point gets the same fine-tuning without quantization.
Every point is scored on dev by frame error and, with a ``wer_scorer``, by
WER; its weight memory (weights, block indices, biases, as stored) comes
from the hardware report (``cgs_asr.nnet.compression.hardware_report``), so
float points count 32-bit weights.  The points, their Pareto front (no other
point has both less memory and a lower error) and a plot are the result.

This module sits in ``sparsity`` but drives training, quantization and the
engine report: it is the one place where those meet for the sweep.
"""
from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from cgs_asr.data.datadir import DataDir
from cgs_asr.decode.datadir import decode_data_dir
from cgs_asr.decode.wfst import WfstDecoder
from cgs_asr.nnet.compression import (Compression, copy_network, hardware_report, quantize_network,
                                      weight_format_updater, weight_quant_config)
from cgs_asr.nnet.dataset import FrameSet, model_inputs
from cgs_asr.nnet.model import ModelConfig, make_model
from cgs_asr.nnet.modeldir import AcousticModel
from cgs_asr.nnet.train import TrainConfig, evaluate, train
from cgs_asr.sparsity.config import BlockSparsity, CGSConfig, apply_cgs

FLOAT = None   # the "bits" of an unquantized point


@dataclass(frozen=True)
class SweepGrid:
    sparsities: tuple[float, ...] = (0.0, 50.0, 75.0, 87.5)   # percent of blocks dropped
    bits: tuple[int | None, ...] = (4, 5, 6, 8, FLOAT)
    blocks: tuple[int, ...] = (16, 32, 64)                    # square block sizes

    def __post_init__(self) -> None:
        if not all(0.0 <= s < 100.0 for s in self.sparsities):
            raise ValueError(f"sparsities must be percentages in [0, 100), got {self.sparsities}")
        if not all(b is FLOAT or b >= 2 for b in self.bits) or not all(b >= 1 for b in self.blocks):
            raise ValueError(f"weight bits must be at least 2 and block sizes positive: {self.bits}, {self.blocks}")

    def float_runs(self) -> list[tuple[float, int | None]]:
        """(sparsity, block size) of every float training run; the dense run has no block size."""
        runs = [(0.0, None)] if 0.0 in self.sparsities else []
        return runs + [(s, b) for s in self.sparsities if s > 0 for b in self.blocks]


@dataclass(frozen=True)
class SweepTraining:
    float_epochs: int = 3
    qat_epochs: int = 1
    lr: float = 1e-3
    qat_lr: float = 2e-4
    batch_size: int = 512
    seed: int = 0
    num_threads: int = 2


def wer_scorer(decoder: WfstDecoder, data: DataDir, config: ModelConfig, acoustic_scale: float,
               work_dir: Path) -> Callable[[AcousticModel, str], dict]:
    """Decode ``data`` at one acoustic scale with a model of ``config``'s input; returns ``{"wer", "ser"}``
    (decode dir per point)."""
    feats = dict(model_inputs(data.path, config))

    def score(model: AcousticModel, name: str) -> dict:
        table = {utt: model.log_likelihoods(f) for utt, f in feats.items()}
        result = decode_data_dir(decoder, data, table.__getitem__, work_dir / name, [acoustic_scale],
                                 progress=False)
        return {"wer": result.wer, "ser": result.ser}

    return score


def run_sweep(model_config: ModelConfig, prior: np.ndarray, train_set: FrameSet, dev_set: FrameSet,
              grid: SweepGrid, training: SweepTraining,
              wer: Callable[[AcousticModel, str], dict] | None = None,
              on_point: Callable[[dict], None] | None = None) -> list[dict]:
    """Train and score every point of ``grid``; ``on_point`` sees each finished point."""
    points = []
    for sparsity, block in grid.float_runs():
        start = time.perf_counter()
        network = make_model(model_config, seed=training.seed)
        cgs = None
        if block is not None:
            cgs = CGSConfig(BlockSparsity(block, block, keep=1.0 - sparsity / 100.0), seed=training.seed)
            apply_cgs(network, cgs)
        train(network, train_set, dev_set, _train_config(training, training.float_epochs, training.lr),
              progress=False)
        float_seconds = time.perf_counter() - start
        for bits in grid.bits:
            start = time.perf_counter()
            quant = None if bits is FLOAT else weight_quant_config(bits)
            model = _fine_tuned(copy_network(network, model_config, Compression(cgs)), quant, train_set, dev_set,
                                training)
            acoustic = AcousticModel(model, model_config, prior, Compression(cgs, quant).to_meta())
            report, _ = hardware_report(acoustic)
            _, accuracy = evaluate(model, dev_set)
            name = f"s{sparsity:g}_b{block or 'dense'}_{'float' if bits is FLOAT else f'q{bits}'}"
            point = {"name": name, "sparsity_percent": sparsity, "block": block,
                     "bits": "float" if bits is FLOAT else bits, "dev_frame_error": 100.0 * (1.0 - accuracy),
                     "weight_memory_bits": report["weight_memory_bits"],
                     "compression_vs_dense64": report["compression_vs_dense64"],
                     "macs_per_frame": report["macs_per_frame"],
                     "train_seconds": float_seconds + time.perf_counter() - start}
            if wer is not None:
                point.update(wer(acoustic, name))
            points.append(point)
            if on_point:
                on_point(point)
    return points


def _train_config(training: SweepTraining, epochs: int, lr: float) -> TrainConfig:
    return TrainConfig(lr=lr, batch_size=training.batch_size, max_epochs=epochs, seed=training.seed,
                       num_threads=training.num_threads)


def _fine_tuned(network, quant, train_set: FrameSet, dev_set: FrameSet, training: SweepTraining):
    """``network`` (a copy) quantized in place (unless ``quant`` is None) and fine-tuned.

    Float points get the same fine-tuning epochs as quantized ones, so every
    point has the same training budget and differs only in its format.
    """
    if quant is None:
        model, on_epoch_end = network, None
    else:
        model = quantize_network(network, quant, train_set, seed=training.seed)
        update_formats = weight_format_updater(quant, train_set, seed=training.seed)
        on_epoch_end = lambda net, stats: update_formats(net)   # noqa: E731
    if training.qat_epochs:
        train(model, train_set, dev_set, _train_config(training, training.qat_epochs, training.qat_lr),
              progress=False, on_epoch_end=on_epoch_end)
    return model.eval()


def pareto_front(points: Sequence[dict], metric: str) -> list[dict]:
    """Points that no other point beats on both weight memory and ``metric``, by increasing memory."""
    front, best = [], float("inf")
    for point in sorted(points, key=lambda p: (p["weight_memory_bits"], p[metric])):
        if point[metric] < best:
            front.append(point)
            best = point[metric]
    return front


def plot_sweep(points: Sequence[dict], metric: str, path: Path, title: str = "") -> None:
    """``metric`` against weight memory (log scale): colour = weight bits, marker = block size, Pareto front."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    bits_values = sorted({p["bits"] for p in points}, key=lambda b: (b == "float", b if b != "float" else 0))
    colours = dict(zip(bits_values, plt.get_cmap("viridis")(np.linspace(0, 0.9, len(bits_values)))))
    markers = {None: "*", 16: "o", 32: "s", 64: "^"}
    fig, ax = plt.subplots(figsize=(8, 5.5))
    for point in points:
        ax.scatter(point["weight_memory_bits"] / 8192, point[metric], color=colours[point["bits"]],
                   marker=markers.get(point["block"], "D"), s=70 if point["block"] is None else 40,
                   edgecolors="black", linewidths=0.4, zorder=3)
    front = pareto_front(points, metric)
    ax.step([p["weight_memory_bits"] / 8192 for p in front], [p[metric] for p in front], where="post",
            color="crimson", linewidth=1.2, zorder=2, label="Pareto front")
    for point in front:
        ax.annotate(f"{point['sparsity_percent']:g}% {point['block'] or 'dense'} "
                    f"{point['bits'] if point['bits'] == 'float' else str(point['bits']) + 'b'}",
                    (point["weight_memory_bits"] / 8192, point[metric]), textcoords="offset points",
                    xytext=(4, 5), fontsize=7, color="crimson")
    handles = [plt.Line2D([], [], linestyle="", marker="o", color=colours[b], label=f"{b} bits" if b != "float"
                          else "float32") for b in bits_values]
    handles += [plt.Line2D([], [], linestyle="", marker=markers.get(b, "D"), color="grey",
                           label="dense" if b is None else f"block {b}") for b in sorted(
                               {p["block"] for p in points}, key=lambda b: b or 0)]
    handles.append(plt.Line2D([], [], color="crimson", label="Pareto front"))
    ax.legend(handles=handles, fontsize=8, loc="upper right")
    ax.set_xscale("log")
    ax.set_xlabel("weight memory (KiB: weights + block indices + biases)")
    ax.set_ylabel({"wer": "dev %WER", "dev_frame_error": "dev frame error (%)"}.get(metric, metric))
    ax.set_title(title or "CGS sweep: error against weight memory")
    ax.grid(True, which="both", alpha=0.3)
    fig.tight_layout()
    tmp = Path(path).with_name(Path(path).name + ".tmp.png")
    fig.savefig(tmp, dpi=120)
    plt.close(fig)
    tmp.replace(path)

