"""Cepstral mean and variance normalisation with Kaldi's statistics layout.

Stats are a 2 x (dim + 1) float64 matrix: row 0 holds the sum of the
features and, last, the frame count; row 1 the sum of squares (last 0),
exactly as Kaldi's compute-cmvn-stats writes them.

Two scopes (``CMVN_SCOPES``): per speaker, from the data dir's cmvn.scp
(Kaldi's ``apply-cmvn --utt2spk``), or per utterance, from the utterance's
own frames (``apply-cmvn`` without ``--utt2spk`` on per-utterance stats),
which removes each recording's level and channel even when one speaker's
recordings differ in them, but on a short, trimmed recording (one spoken
digit) also much of what the word sounds like.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from cgs_asr.data.ark import ArkWriter, read_scp_matrices
from cgs_asr.data.datadir import load_data_dir, read_table, write_table


CMVN_SCOPES = ("speaker", "utterance")


def accumulate_stats(feature_mats) -> np.ndarray:
    stats = None
    for feats in feature_mats:
        if stats is None:
            stats = np.zeros((2, feats.shape[1] + 1))
        stats[0, :-1] += feats.sum(axis=0, dtype=np.float64)
        stats[1, :-1] += np.square(feats, dtype=np.float64).sum(axis=0)
        stats[0, -1] += len(feats)
    return stats


def compute_cmvn_stats(data_path: Path, cmvn_dir: Path) -> None:
    """Per-speaker stats to ``<cmvn_dir>/cmvn_<name>.{ark,scp}`` and the data dir's cmvn.scp."""
    data = load_data_dir(data_path)
    feats = read_table(data.path / "feats.scp")
    cmvn_dir = Path(cmvn_dir).resolve()
    cmvn_dir.mkdir(parents=True, exist_ok=True)
    ark = cmvn_dir / f"cmvn_{data.path.name}.ark"
    with ArkWriter(ark, ark.with_suffix(".scp")) as writer:
        for spk, utts in data.spk2utt().items():
            matrices = read_scp_matrices({u: feats[u] for u in utts}, data.path / "feats.scp")
            writer.write(spk, accumulate_stats(m for _, m in matrices))
    write_table(data.path / "cmvn.scp", writer.scp)


def apply_cmvn(feats: np.ndarray, stats: np.ndarray, norm_vars: bool = False) -> np.ndarray:
    """Normalise features by their speaker's stats (mean, and variance if asked)."""
    count = stats[0, -1]
    mean = stats[0, :-1] / count
    out = feats - mean
    if norm_vars:
        var = np.maximum(stats[1, :-1] / count - mean**2, 1e-10)
        out = out / np.sqrt(var)
    return out.astype(np.float32)
