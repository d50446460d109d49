"""Dense DNN training throughput (frames/s) of the default preset on random data.

Runs the real training loop (cgs_asr.nnet.train) for one epoch, so the
figure includes splicing each minibatch on the fly; that splicing is also
timed alone to show its share, and one thread is set beside two. The full
run adds the paper-scale preset for the ratio between the two.

Two OpenMP threads that spin while waiting collapse when other jobs share the
cores (seen: 10x slower than one thread); run with OMP_WAIT_POLICY=PASSIVE
or one thread there. Usage: python benchmarks/training.py [--quick]
"""
from __future__ import annotations

import json
import sys
import time

import numpy as np

from cgs_asr.nnet.dataset import FrameSet
from cgs_asr.nnet.model import PRESETS, ModelConfig, make_model
from cgs_asr.nnet.train import TrainConfig, train

NUM_PDFS, FEAT_DIM, UTT_FRAMES, THREADS = 200, 40, 300, 2
RECIPE_FRAMES, RECIPE_EPOCHS = 1_500_000, 10  # the default recipe's training set and a typical run


def random_frames(num_frames: int, seed: int) -> FrameSet:
    rng = np.random.default_rng(seed)
    parts = [(f"utt{i}", rng.normal(size=(UTT_FRAMES, FEAT_DIM)).astype(np.float32),
              rng.integers(0, NUM_PDFS, UTT_FRAMES)) for i in range(num_frames // UTT_FRAMES)]
    return FrameSet.from_utterances(parts, 5, 5)


def training_frames_per_s(preset: str, train_set: FrameSet, dev_set: FrameSet, threads: int = THREADS) -> float:
    network = make_model(ModelConfig.from_preset(preset, NUM_PDFS, feat_dim=FEAT_DIM), seed=0)
    history = train(network, train_set, dev_set, TrainConfig(max_epochs=1, num_threads=threads), progress=False)
    return history[1].frames_per_s


def splice_frames_per_s(train_set: FrameSet, batch_size: int) -> float:
    order = np.random.default_rng(0).permutation(len(train_set))
    start = time.perf_counter()
    for i in range(0, len(order), batch_size):
        train_set.batch(order[i:i + batch_size])
    return len(order) / (time.perf_counter() - start)


def measure(quick: bool) -> dict:
    train_set = random_frames(30_000 if quick else 200_000, seed=0)
    dev_set = random_frames(3_000, seed=1)
    default = training_frames_per_s("default", train_set, dev_set)
    one_thread = training_frames_per_s("default", train_set, dev_set, threads=1)
    splice = splice_frames_per_s(train_set, TrainConfig().batch_size)
    result = {
        "default_preset": "{hidden_layers} x {hidden_dim}".format(**PRESETS["default"]),
        "threads": THREADS,
        "frames": len(train_set),
        "train_frames_per_s": round(default),
        "train_frames_per_s_1_thread": round(one_thread),
        "thread_speedup": round(default / one_thread, 2),
        "splice_frames_per_s": round(splice),
        "splice_share_of_training": round(default / splice, 3),
        "recipe_minutes_estimate": round(RECIPE_EPOCHS * RECIPE_FRAMES / default / 60, 1),
    }
    if not quick:
        paper = training_frames_per_s("paper", train_set, dev_set)
        result["paper_train_frames_per_s"] = round(paper)
        result["default_vs_paper_speed"] = round(default / paper, 2)
    return result


if __name__ == "__main__":
    print(json.dumps(measure(quick="--quick" in sys.argv[1:]), indent=2))
