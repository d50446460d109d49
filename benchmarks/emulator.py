"""Emulator throughput: CGS-75 % model vs the same-size dense model, and dense emulator vs float32 torch.

Network: 440 inputs, 4 x 512 hidden (ReLU), 2000 outputs; 16 x 16 blocks,
6-bit weights, 8-bit activations, 24-bit accumulator (so every layer takes
the proved-exact float32 path, and the CGS layers the compiled block-sparse
kernel where it was built: ``compiled_kernel`` says).  For information,
also CGS-75 % with 32 x 32 blocks.  Each variant runs several times,
interleaved, and the best time counts.  Everything runs on one torch thread
(restored afterwards) and time is the process's CPU time, so that a machine
shared with other jobs disturbs the ratios as little as possible (on an idle
machine, CPU time and wall time of a single thread agree).

Targets: CGS / dense emulator >= 2.5; dense emulator / torch float32 >= 0.3.
Run: ``python3 benchmarks/emulator.py [--quick]``.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import torch
from torch import nn

from cgs_asr.hw import Emulator
from cgs_asr.hw.synthetic import random_inputs, random_int_model

SIZES = [440, 512, 512, 512, 512, 2000]
TARGETS = {"cgs_over_dense": 2.5, "dense_over_torch": 0.3}


def _float_model() -> nn.Sequential:
    layers: list[nn.Module] = []
    for i, (a, b) in enumerate(zip(SIZES[:-1], SIZES[1:])):
        layers.append(nn.Linear(a, b))
        if i < len(SIZES) - 2:
            layers.append(nn.ReLU())
    return nn.Sequential(*layers).eval()


def _best_times(runs: dict, repeats: int) -> dict[str, float]:
    best = {name: float("inf") for name in runs}
    for _ in range(repeats):
        for name, run in runs.items():
            start = time.process_time()
            run()
            best[name] = min(best[name], time.process_time() - start)
    return best


def measure(quick: bool = False) -> dict:
    """Frames per second of each variant and the two ratios; prints a summary."""
    frames = 2000 if quick else 10000
    repeats = 3 if quick else 5
    rng = np.random.default_rng(0)
    emulators = {
        "emulator_cgs75": Emulator(random_int_model(rng, SIZES, block=(16, 16), keep=0.25)),
        "emulator_dense": Emulator(random_int_model(rng, SIZES, block=None)),
        "emulator_cgs75_block32": Emulator(random_int_model(rng, SIZES, block=(32, 32), keep=0.25)),
    }
    assert all(e.paths == ["float32"] * 5 for e in emulators.values())
    inputs = random_inputs(rng, emulators["emulator_dense"].model, frames)
    features = torch.from_numpy(inputs.astype(np.float32) / 16.0)
    float_model = _float_model()

    def torch_forward():
        with torch.no_grad():
            float_model(features)

    runs = {name: (lambda e=emulator: e.run(inputs)) for name, emulator in emulators.items()}
    runs["torch_float32_dense"] = torch_forward
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        runs["emulator_cgs75"]()  # warm caches and allocator
        best = _best_times(runs, repeats)
    finally:
        torch.set_num_threads(threads)
    fps = {name: frames / seconds for name, seconds in best.items()}
    result = {
        "frames": frames,
        "network": SIZES,
        "torch_threads": 1,
        "frames_per_second": fps,
        "compiled_kernel": all(plan.compiled for plan in emulators["emulator_cgs75"].plans),
        "cgs_over_dense": fps["emulator_cgs75"] / fps["emulator_dense"],
        "dense_over_torch": fps["emulator_dense"] / fps["torch_float32_dense"],
        "targets": TARGETS,
    }
    for name, value in fps.items():
        print(f"{name:>22}: {value:12,.0f} frames/s")
    print(f"{'compiled_kernel':>22}: {result['compiled_kernel']}")
    for name, target in TARGETS.items():
        print(f"{name:>22}: {result[name]:12.2f}   (target >= {target})")
    return result


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="2000 frames, fewer repeats")
    measure(parser.parse_args().quick)
