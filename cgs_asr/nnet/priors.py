"""Pdf priors and hybrid DNN-HMM log-likelihoods.

The network estimates posteriors p(pdf | frame); the HMM decoder wants
likelihoods p(frame | pdf), which are posteriors divided by the prior p(pdf)
up to a per-frame constant the decoder ignores. Priors are the relative pdf
counts of the training alignment, as Kaldi's analyze-counts gives them, or
the network's mean posterior over training frames, as Kaldi's
nnet-adjust-priors (nnet2) and nnet3's training scripts estimate them. The
two agree for a network trained by cross-entropy on that alignment alone;
they part where its posteriors do not follow the alignment's counts: a
network fine-tuned on a narrow set with a teacher keeps posterior mass on
pdfs that set never aligns to, and the counts would floor their priors and so
make them the most likely of all (measured on FSDD: recipes/fsdd/run.sh).
"""
from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import torch
from torch import nn

from cgs_asr.nnet.model import eval_mode

# Floor for pdfs (almost) unseen in the alignment: dividing by a zero prior
# would make them infinitely likely. 1e-5 caps their boost at ~11.5 nats.
PRIOR_FLOOR = 1e-5


def compute_priors(pdf_ids: np.ndarray, num_pdfs: int, floor: float = PRIOR_FLOOR) -> np.ndarray:
    """Relative counts of ``pdf_ids`` (all frames of an alignment), floored, summing to 1 (float64)."""
    pdf_ids = np.asarray(pdf_ids)
    if len(pdf_ids) == 0:
        raise ValueError("cannot compute priors from an empty alignment")
    if pdf_ids.min() < 0 or pdf_ids.max() >= num_pdfs:
        raise ValueError(f"pdf-ids range {pdf_ids.min()}..{pdf_ids.max()}, outside 0..{num_pdfs - 1}")
    priors = np.maximum(np.bincount(pdf_ids, minlength=num_pdfs) / len(pdf_ids), floor)
    return priors / priors.sum()


def mean_posterior(network: nn.Module, batches: Iterable[torch.Tensor | np.ndarray], num_pdfs: int,
                   floor: float = PRIOR_FLOOR) -> np.ndarray:
    """The network's posteriors averaged over all frames of ``batches`` (inputs, frames x input_dim),
    floored and summing to 1 (float64)."""
    total, frames = torch.zeros(num_pdfs, dtype=torch.float64), 0
    with eval_mode(network), torch.inference_mode():
        for inputs in batches:
            posteriors = torch.softmax(network(torch.as_tensor(inputs, dtype=torch.float32)), dim=-1)
            total += posteriors.sum(dim=0, dtype=torch.float64)
            frames += len(posteriors)
    if frames == 0:
        raise ValueError("cannot compute priors from no frames")
    priors = np.maximum(total.numpy() / frames, floor)
    return priors / priors.sum()


def log_likelihoods(network: nn.Module, inputs: torch.Tensor | np.ndarray, log_prior: np.ndarray,
                    batch_size: int = 8192) -> np.ndarray:
    """log_softmax(logits) - log(prior) for network inputs (frames x input_dim), in batches; float32."""
    inputs = torch.as_tensor(inputs, dtype=torch.float32)
    log_prior = torch.as_tensor(log_prior, dtype=torch.float32)
    with eval_mode(network), torch.inference_mode():
        out = [torch.log_softmax(network(inputs[i:i + batch_size]), dim=-1) - log_prior
               for i in range(0, len(inputs), batch_size)]
    return torch.cat(out).numpy() if out else np.zeros((0, len(log_prior)), dtype=np.float32)
