"""GMM log-likelihood matrices (frames x pdfs), computed for all Gaussians at once.

A diagonal Gaussian's log-likelihood is linear in ``[x, x^2]``::

    log N(x; g) = gconst_g + x . (mu_g / var_g) - 0.5 x^2 . (1 / var_g)

so one matrix product of the frames' ``[x, x^2]`` with the stacked
parameters of every Gaussian of every pdf scores them all, and a log-sum-exp
over each pdf's Gaussians (``reduceat`` over its contiguous columns) gives
the pdf's log-likelihood. This is the arithmetic of Kaldi's
``DiagGmm::LogLikelihoods`` in float32, done by BLAS; it feeds both the
aligner and the decoder through a matrix-backed decodable, which is faster
than kaldi-hmm-gmm's per-frame GMM decodable.
"""
from __future__ import annotations

import numpy as np

from cgs_asr.kaldi import khg


class GmmScorer:
    """Log-likelihoods of frames under every pdf of an AmDiagGmm (a snapshot of its parameters)."""

    def __init__(self, am: khg.AmDiagGmm, chunk_frames: int = 1024):
        state = am.__getstate__()
        inv_vars = np.concatenate(state[1::3]).astype(np.float32)
        means_invvars = np.concatenate(state[2::3]).astype(np.float32)
        self._params = np.ascontiguousarray(np.concatenate([means_invvars, -0.5 * inv_vars], axis=1).T)
        self._gconsts = np.concatenate([am.get_pdf(p).gconsts for p in range(am.num_pdfs)]).astype(np.float32)
        sizes = np.array([len(w) for w in state[0::3]], dtype=np.int64)
        self._sizes = sizes
        self._starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
        self._single = bool(np.all(sizes == 1))
        self.num_pdfs, self.dim = am.num_pdfs, am.dim
        self.chunk_frames = chunk_frames

    def __call__(self, feats: np.ndarray) -> np.ndarray:
        """(frames x dim) features -> (frames x num_pdfs) float32 log-likelihoods."""
        if feats.ndim != 2 or feats.shape[1] != self.dim:
            raise ValueError(f"expected frames x {self.dim} features, got shape {feats.shape}")
        feats = np.asarray(feats, dtype=np.float32)
        out = np.empty((len(feats), self.num_pdfs), dtype=np.float32)
        for start in range(0, len(feats), self.chunk_frames):
            x = feats[start:start + self.chunk_frames]
            out[start:start + len(x)] = self._pdf_loglikes(np.concatenate([x, x * x], axis=1))
        return out

    def _pdf_loglikes(self, x_x2: np.ndarray) -> np.ndarray:
        gauss = x_x2 @ self._params
        gauss += self._gconsts
        if self._single:
            return gauss
        peak = np.maximum.reduceat(gauss, self._starts, axis=1)
        gauss -= np.repeat(peak, self._sizes, axis=1)
        np.exp(gauss, out=gauss)
        return peak + np.log(np.add.reduceat(gauss, self._starts, axis=1))
