"""Keyword detection from frame posteriors, as in Chen, Parada and Heigold (ICASSP 2014),
"Small-footprint keyword spotting using deep neural networks".

Per frame ``j`` and output ``i``, causally:

- smoothed posterior ``p'_ij`` = mean of ``p_ik`` over ``k = max(0, j - w_smooth + 1) .. j``;
- confidence of a keyword made of the units ``i = 1 .. n`` (here every
  keyword is one whole-word output, ``n = 1``) = the geometric mean over its
  units of ``max p'_ik`` over ``k = max(0, j - w_max + 1) .. j``;
- a detection when the confidence rises to the threshold; it stays
  "on" while the confidence is at or above it, so one spoken keyword gives
  one detection (the ``w_max`` window of the running max bridges dips).

Everything here works on posteriors that are already computed, so the
float network and the fixed-point emulator share it. Streaming is exact:
each frame's confidence depends only on frames up to ``j`` (plus the
network's right context), so ``latency_frames`` says how long after a
frame its decision is known.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from cgs_asr.features.splice import splice_feats
from cgs_asr.nnet.kws_targets import LABELS
from cgs_asr.nnet.modeldir import AcousticModel
from cgs_asr.nnet.priors import log_likelihoods

KEYWORD_OUTPUTS = tuple(range(2, len(LABELS)))  # output index of every keyword (LABELS[2:])


@dataclass(frozen=True)
class DetectorConfig:
    w_smooth: int = 30   # frames (Chen et al.: 30)
    w_max: int = 100     # frames (Chen et al.: 100)

    def __post_init__(self):
        if self.w_smooth < 1 or self.w_max < 1:
            raise ValueError(f"detector windows must be at least 1 frame (w_smooth {self.w_smooth}, "
                             f"w_max {self.w_max})")


def posteriors(model: AcousticModel, feats: np.ndarray) -> np.ndarray:
    """Frames x outputs posteriors of one utterance's CMVN-normalised features (float or emulated network)."""
    inputs = splice_feats(feats, model.config.left_context, model.config.right_context)
    zeros = np.zeros(model.config.num_pdfs)
    return np.exp(log_likelihoods(model.network, torch.from_numpy(inputs), zeros)).astype(np.float64)


def smooth(post: np.ndarray, w_smooth: int) -> np.ndarray:
    """Causal moving average over the last ``w_smooth`` frames (fewer at the start)."""
    cumsum = np.cumsum(np.vstack([np.zeros((1, post.shape[1])), post]), axis=0)
    j = np.arange(len(post))
    first = np.maximum(j - w_smooth + 1, 0)
    return (cumsum[j + 1] - cumsum[first]) / (j + 1 - first)[:, None]


def running_max(values: np.ndarray, window: int) -> np.ndarray:
    """Causal maximum over the last ``window`` frames, per column."""
    out = values.copy()
    span = 1
    while span < window:  # doubling: out[j] = max over values[j - 2 * span + 1 .. j], capped at window
        step = min(span, window - span)
        out[step:] = np.maximum(out[step:], out[:-step])
        span += step
    return out


def confidence(post: np.ndarray, config: DetectorConfig = DetectorConfig(),
               units: tuple[tuple[int, ...], ...] = tuple((i,) for i in KEYWORD_OUTPUTS)) -> np.ndarray:
    """Frames x keywords confidence; ``units[k]`` are the outputs of keyword ``k``."""
    peaks = running_max(smooth(post, config.w_smooth), config.w_max)
    return np.stack([np.prod(peaks[:, list(u)], axis=1) ** (1 / len(u)) for u in units], axis=1)


def detections(conf: np.ndarray, threshold: float) -> tuple[np.ndarray, np.ndarray]:
    """(frames, keyword indices) where a keyword's confidence rises to ``threshold``, in frame order."""
    above = conf >= threshold
    onsets = above & ~np.vstack([np.zeros((1, conf.shape[1]), bool), above[:-1]])
    frames, keywords = np.nonzero(onsets)
    return frames, keywords
