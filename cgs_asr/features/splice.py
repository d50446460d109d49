"""Frame splicing with context, as Kaldi's splice-feats.

Frame ``t`` becomes the concatenation of frames ``t - left .. t + right``;
frames beyond an utterance's edge are replaced by its first or last frame.
The index form lets a training set splice any minibatch straight from the
unspliced matrix of many utterances, without storing the spliced copy.
"""
from __future__ import annotations

import numpy as np


def context_indices(frames: np.ndarray, first, last, left: int, right: int) -> np.ndarray:
    """Row indices (len(frames) x (left + 1 + right)) of each frame's context.

    ``first`` and ``last`` (scalars or one per frame) bound the utterance each
    frame belongs to; indices beyond them are clamped, replicating edge frames.
    """
    if left < 0 or right < 0:
        raise ValueError(f"context must not be negative (left {left}, right {right})")
    frames = np.asarray(frames)
    offsets = np.arange(-left, right + 1)
    return np.clip(frames[:, None] + offsets, np.asarray(first)[..., None], np.asarray(last)[..., None])


def splice_feats(feats: np.ndarray, left: int, right: int) -> np.ndarray:
    """One utterance's features (frames x dim) spliced to frames x ((left + 1 + right) * dim)."""
    n = len(feats)
    if n == 0:
        return np.zeros((0, (left + 1 + right) * feats.shape[1]), dtype=feats.dtype)
    return feats[context_indices(np.arange(n), 0, n - 1, left, right)].reshape(n, -1)
