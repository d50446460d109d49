"""torchrun with 2 CPU processes (gloo) trains like one process: same losses, same weights, within tolerance."""
import os
import re
import shutil
import subprocess
import sys

import pytest
import torch

from cgs_asr.bin import train_dnn
from test_nnet import NUM_PDFS, write_separable_data

LOSS = re.compile(r"train loss (\S+) .* dev loss (\S+)")


def _train_args(train_dir, dev_dir, model_dir):
    return [str(train_dir), str(train_dir / "ali.ark"), str(dev_dir),
            str(dev_dir / "ali.ark"), str(NUM_PDFS), str(model_dir), "--hidden-layers", "2", "--hidden-dim", "32",
            "--context", "2", "--max-epochs", "3", "--batch-size", "61", "--lr", "3e-3", "--num-threads", "1",
            "--seed", "5", "--cgs-keep", "0.5", "--cgs-block", "8"]


def _losses(model_dir):
    lines = (model_dir / "train.log").read_text().splitlines()
    return [tuple(map(float, m.groups())) for m in map(LOSS.search, lines) if m]


@pytest.mark.skipif(shutil.which("torchrun") is None and not os.path.exists(
    os.path.join(os.path.dirname(sys.executable), "torchrun")), reason="torchrun not installed")
def test_two_processes_train_like_one(tmp_path):
    train_dir = write_separable_data(tmp_path / "train", 12, seed=1)
    dev_dir = write_separable_data(tmp_path / "dev", 4, seed=2)
    single, double = tmp_path / "one", tmp_path / "two"
    train_dnn.main(_train_args(train_dir, dev_dir, single))  # one process: this one
    torchrun = os.path.join(os.path.dirname(sys.executable), "torchrun")
    run = subprocess.run([torchrun, "--nproc-per-node", "2", "--standalone", "-m", "cgs_asr.bin.train_dnn",
                          *_train_args(train_dir, dev_dir, double)], env={**os.environ, "OMP_NUM_THREADS": "1"},
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stderr[-2000:]

    one, two = _losses(single), _losses(double)
    assert len(one) == 3 and len(two) == 3  # 61-frame batches of 720 frames: the last has 49, split 25 + 24
    for (train_1, dev_1), (train_2, dev_2) in zip(one, two):
        assert train_2 == pytest.approx(train_1, abs=2e-4) and dev_2 == pytest.approx(dev_1, abs=2e-4)
    assert one[-1][0] < one[0][0]  # it did learn
    w1 = torch.load(single / "final.pt", weights_only=True)
    w2 = torch.load(double / "final.pt", weights_only=True)
    assert w1.keys() == w2.keys()
    for key in w1:
        assert torch.allclose(w1[key].float(), w2[key].float(), atol=1e-4), key
