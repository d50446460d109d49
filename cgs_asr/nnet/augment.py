"""On-the-fly augmentation of spliced log-mel filterbank minibatches during training.

Two perturbations, drawn anew for every training frame and applied alike to
all frames of its context window:

- frequency warping (vocal-tract-length perturbation, Jaitly and Hinton
  2013): the filterbank axis is resampled at ``bin * alpha`` with
  ``alpha`` uniform in ``1 +- warp``, so one speaker sounds like speakers with
  longer or shorter vocal tracts; bins past the top repeat the last one;
- frequency masking (SpecAugment, Park et al. 2019): a band of up to
  ``freq_mask`` adjacent bins is set to 0, the mean after CMVN.

Both act along the filterbank axis, so they only make sense for filterbank
(log-mel) features, not for cepstra. Dev and test frames are never changed.
"""
from __future__ import annotations

from dataclasses import dataclass

import torch


@dataclass(frozen=True)
class FeatureAugment:
    warp: float = 0.0      # alpha drawn from [1 - warp, 1 + warp]; 0: off
    freq_mask: int = 0     # widest masked band in bins; 0: off

    def __post_init__(self):
        if not 0.0 <= self.warp < 1.0:
            raise ValueError(f"feature augmentation: warp must be in [0, 1), not {self.warp}")
        if self.freq_mask < 0:
            raise ValueError(f"feature augmentation: freq_mask must not be negative, not {self.freq_mask}")

    @property
    def active(self) -> bool:
        return self.warp > 0 or self.freq_mask > 0

    def __call__(self, inputs: torch.Tensor, feat_dim: int, generator: torch.Generator) -> torch.Tensor:
        """``inputs``: frames x (context * feat_dim), spliced; returns a perturbed copy."""
        frames = inputs.view(len(inputs), -1, feat_dim)
        if self.warp > 0:
            frames = warp_bins(frames, 1 + self.warp * (2 * torch.rand(len(inputs), generator=generator) - 1))
        if self.freq_mask > 0:
            frames = mask_bins(frames, self.freq_mask, generator)
        return frames.reshape(len(inputs), -1)


def warp_bins(frames: torch.Tensor, alpha: torch.Tensor) -> torch.Tensor:
    """Resample the last axis of ``frames`` (N x context x bins) at ``bin * alpha[n]``, linearly interpolated."""
    bins = frames.shape[-1]
    position = (torch.arange(bins, dtype=frames.dtype) * alpha[:, None]).clamp(max=bins - 1)  # N x bins
    low = position.floor().long()
    high = (low + 1).clamp(max=bins - 1)
    frac = (position - low).unsqueeze(1)
    expand = (-1, frames.shape[1], -1)
    below = frames.gather(2, low.unsqueeze(1).expand(*expand))
    above = frames.gather(2, high.unsqueeze(1).expand(*expand))
    return below + frac * (above - below)


def mask_bins(frames: torch.Tensor, max_width: int, generator: torch.Generator) -> torch.Tensor:
    """Zero a band of 0..``max_width`` adjacent bins (N x context x bins), one band per frame."""
    n, bins = len(frames), frames.shape[-1]
    width = torch.randint(0, min(max_width, bins) + 1, (n,), generator=generator)
    start = (torch.rand(n, generator=generator) * (bins - width + 1)).long()
    index = torch.arange(bins)
    keep = (index < start[:, None]) | (index >= (start + width)[:, None])  # N x bins
    return frames * keep.unsqueeze(1).to(frames.dtype)
