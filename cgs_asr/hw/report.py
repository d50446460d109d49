"""Cost of running a model on the engine: operations, cycles, memory, energy, power, compression.

The engine is one MAC unit with ``lanes`` multipliers, time-multiplexed over
all layers.  Per frame, for each block-row it multiplies the kept weights of
that block-row, ``lanes`` at a time: ``ceil(kept weights in the block-row /
lanes)`` cycles, plus ``cycles_per_block`` per kept block.  Every stored
weight, index and bias is read once per frame; each multiplication reads one
input activation; each output is written once; a sigmoid output reads one
table word.  Leakage counts the bits of all stored memories.

Compression compares all stored bits (weights, indices, biases, tables)
with the dense network's weights and biases at 64 bits (as the reference
work does) and at 16 bits.
"""

from __future__ import annotations

import math

from .energy import EnergyTable
from .engine import EngineConfig
from .intmodel import IntLayer, IntModel
from .memory import layer_memories

DENSE_WIDTHS = (64, 16)


def _bits_read_per_frame(layer: IntLayer) -> dict[str, int]:
    reads = {}
    for memory in layer_memories(layer):
        if memory.name == "sigmoid_lut":
            reads[memory.name] = layer.out_features * memory.bits
        else:
            reads[memory.name] = memory.total_bits
    return reads


def layer_cost(layer: IntLayer, engine: EngineConfig, energy: EnergyTable) -> dict:
    """Per-frame figures of one layer (energies in pJ)."""
    work = {}
    for block in layer.blocks():
        work[block.block_row] = work.get(block.block_row, 0) + block.size
    kept_blocks = layer.kept_cols.size
    macs = int(layer.weights.size)
    cycles = sum(math.ceil(w / engine.lanes) for w in work.values()) + kept_blocks * engine.cycles_per_block
    memory_bits = {m.name: m.total_bits for m in layer_memories(layer)}
    reads = _bits_read_per_frame(layer)
    index_bits_read = reads.get("indices", 0)
    energy_pj = {
        "mac": macs * energy.pj_per_mac,
        "weight_memory": (sum(reads.values()) - index_bits_read) * energy.pj_per_weight_bit,
        "index_memory": index_bits_read * energy.pj_per_index_bit,
        "activations": macs * energy.pj_per_activation_read + layer.out_features * energy.pj_per_activation_write,
    }
    energy_pj["total"] = sum(energy_pj.values())
    return {
        "shape": [layer.out_features, layer.in_features],
        "activation": layer.activation,
        "block": [layer.block_rows, layer.block_cols],
        "kept_blocks_per_row": layer.kept_per_row,
        "weights_kept_percent": 100.0 * macs / (layer.out_features * layer.in_features),
        "bits": {"weight": layer.weight_bits, "index": layer.index_bits, "bias": layer.bias_bits,
                 "input": layer.in_bits, "output": layer.out_bits},
        "macs": macs,
        "cycles": cycles,
        "memory_bits": memory_bits,
        "bits_read": reads,
        "activation_reads": macs,
        "activation_writes": layer.out_features,
        "energy_pj": energy_pj,
    }


def engine_report(model: IntModel, engine: EngineConfig | None = None,
                  energy: EnergyTable | None = None) -> dict:
    """JSON-able report: per-layer costs, totals, power at the frame rate, compression."""
    engine = engine or EngineConfig()
    energy = energy or EnergyTable()
    layers = [layer_cost(layer, engine, energy) for layer in model.layers]
    stored_bits = sum(sum(c["memory_bits"].values()) for c in layers)
    energy_per_frame = sum(c["energy_pj"]["total"] for c in layers)
    dynamic_uw = energy_per_frame * engine.frame_rate * 1e-6
    leakage_uw = stored_bits * energy.leakage_pw_per_bit * 1e-6
    cycles = sum(c["cycles"] for c in layers)
    dense_parameters = sum(l.out_features * l.in_features + l.out_features for l in model.layers)
    compression = {"stored_bits": stored_bits, "dense_parameters": dense_parameters}
    for width in DENSE_WIDTHS:
        compression[f"dense_bits_{width}"] = dense_parameters * width
        compression[f"saved_percent_vs_{width}bit"] = 100.0 * (1.0 - stored_bits / (dense_parameters * width))
    return {
        "engine": engine.to_dict(),
        "energy_table": energy.to_dict(),
        "layers": layers,
        "total": {
            "macs": sum(c["macs"] for c in layers),
            "cycles": cycles,
            "clock_hz_needed": cycles * engine.frame_rate,
            "memory_bits": stored_bits,
            "bits_read": sum(sum(c["bits_read"].values()) for c in layers),
            "energy_per_frame_pj": energy_per_frame,
            "dynamic_power_uw": dynamic_uw,
            "leakage_power_uw": leakage_uw,
            "power_uw": dynamic_uw + leakage_uw,
        },
        "compression": compression,
    }


def format_report(report: dict) -> str:
    """A fixed-width table of a report from ``engine_report``."""
    header = (f"{'layer':>5} {'shape':>11} {'act':>8} {'block':>7} {'kept%':>6} {'MACs':>10} {'cycles':>9} "
              f"{'w bits':>10} {'idx bits':>8} {'b bits':>7} {'nJ/frame':>9}")
    lines = [header, "-" * len(header)]
    for i, c in enumerate(report["layers"]):
        bits = c["memory_bits"]
        lines.append(
            f"{i:>5} {'x'.join(map(str, c['shape'])):>11} {c['activation']:>8} {'x'.join(map(str, c['block'])):>7} "
            f"{c['weights_kept_percent']:>6.1f} {c['macs']:>10,} {c['cycles']:>9,} {bits['weights']:>10,} "
            f"{bits.get('indices', 0):>8,} {bits['biases']:>7,} {c['energy_pj']['total'] / 1000:>9.2f}")
    t, comp = report["total"], report["compression"]
    lines.append("-" * len(header))
    def column(name: str) -> int:
        return sum(c["memory_bits"].get(name, 0) for c in report["layers"])

    lines.append(f"{'total':>5} {'':>11} {'':>8} {'':>7} {'':>6} {t['macs']:>10,} {t['cycles']:>9,} "
                 f"{column('weights'):>10,} {column('indices'):>8,} {column('biases'):>7,} "
                 f"{t['energy_per_frame_pj'] / 1000:>9.2f}")
    rate = report["engine"]["frame_rate"]
    lines.append(f"power at {rate:g} frames/s: {t['power_uw']:.2f} uW "
                 f"(dynamic {t['dynamic_power_uw']:.2f}, leakage {t['leakage_power_uw']:.2f}); "
                 f"clock needed {t['clock_hz_needed'] / 1e6:.3f} MHz with {report['engine']['lanes']} lanes")
    lines.append(f"memory: {comp['stored_bits']:,} bits stored (weights, indices, biases, tables); "
                 f"saved {comp['saved_percent_vs_64bit']:.1f} % vs dense 64-bit, "
                 f"{comp['saved_percent_vs_16bit']:.1f} % vs dense 16-bit")
    return "\n".join(lines)
