"""Frame-level scores of an acoustic model against an alignment, as Kaldi's nnet3-compute-prob reports them.

Cross-entropy and frame accuracy judge a network as training sees it. Two
more say what the decoder gets from it:

- ``likelihood_accuracy``: how often the pdf with the highest
  log-likelihood (log posterior - log prior, what HCLG search scores) is the
  aligned one. Dividing by the prior favours rare pdfs, so a network whose
  posteriors are right but vague loses more here than in frame accuracy.
- ``entropy``: the mean entropy of the posteriors, in nats; flatter
  posteriors leave more of each decision to the language model.

Two networks with equal frame accuracy can differ by points of %WER; the
likelihood accuracy followed %WER more closely on the recipe's dense and CGS
DNNs (README, "The dense DNN as teacher").
"""
from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
import torch
from torch import nn

from cgs_asr.nnet.dataset import FrameSet
from cgs_asr.nnet.model import eval_mode


@dataclass(frozen=True)
class FrameStats:
    frames: int
    cross_entropy: float                      # mean -log p(aligned pdf | frame), nats
    accuracy: float                           # share of frames whose most probable pdf is the aligned one
    entropy: float                            # mean posterior entropy, nats
    likelihood_accuracy: float | None = None  # the same for the highest posterior / prior (None: no prior given)

    def to_dict(self) -> dict:
        return asdict(self)


def frame_stats(network: nn.Module, frames: FrameSet, log_prior: np.ndarray | None = None,
                batch_size: int = 8192) -> FrameStats:
    """Score ``network`` (its logits) on every frame of ``frames``, in eval mode.

    ``log_prior`` (num_pdfs) adds ``likelihood_accuracy``.
    """
    if len(frames) == 0:
        raise ValueError("no frames to score")
    prior = None if log_prior is None else torch.as_tensor(log_prior, dtype=torch.float32)
    loss = correct = entropy = correct_likelihood = 0.0
    with eval_mode(network), torch.inference_mode():
        for start in range(0, len(frames), batch_size):
            inputs, targets = frames.batch(np.arange(start, min(start + batch_size, len(frames))))
            log_post = torch.log_softmax(network(inputs), dim=1)
            loss -= log_post.gather(1, targets[:, None]).sum().item()
            correct += (log_post.argmax(dim=1) == targets).sum().item()
            entropy -= (log_post.exp() * log_post).sum().item()
            if prior is not None:
                correct_likelihood += ((log_post - prior).argmax(dim=1) == targets).sum().item()
    n = len(frames)
    return FrameStats(n, loss / n, correct / n, entropy / n, None if prior is None else correct_likelihood / n)
