"""Monophone GMM-HMM training from a flat start, on the schedule of Kaldi's steps/train_mono.sh.

1. One pdf per (phone, HMM state), each initialised to the global mean and
   variance of the training features (:func:`init_mono`, gmm-init-mono).
2. Equal alignment: each training graph's frames are spread evenly over a
   random path of HMM states (align-equal-compiled); one re-estimation with
   a minimum Gaussian occupancy of 3.
3. Iterations 1 .. 39 of :func:`run_em`: realignment at Kaldi's
   ``realign_iters`` (beam 6, retry 24 the first time, then 10 and 40) and
   mixing up to ``total_gauss`` by iteration 30.
"""
from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

from cgs_asr.gmm.align import equal_alignment
from cgs_asr.gmm.model import GmmHmm
from cgs_asr.parallel import single_threaded_blas
from cgs_asr.gmm.stats import accumulate, update
from cgs_asr.gmm.training import Iteration, Schedule, TrainingData, TrainResult, run_em
from cgs_asr.kaldi import kaldifst

log = logging.getLogger(__name__)

KALDI_REALIGN_ITERS = (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 12, 14, 16, 18, 20, 23, 26, 29, 32, 35, 38)
MONO_SCHEDULE = Schedule(num_iters=40, max_iter_inc=30, total_gauss=1000, realign_iters=KALDI_REALIGN_ITERS,
                         first_beam=6.0, beam=10.0)


@dataclass(frozen=True)
class MonoConfig:
    schedule: Schedule = field(default_factory=lambda: MONO_SCHEDULE)
    seed: int = 0  # for the random paths of equal alignment and the splitting of Gaussians

    def to_dict(self) -> dict:
        return {"schedule": self.schedule.to_dict(), "seed": self.seed}


def train_mono(model: GmmHmm, feats: Mapping[str, np.ndarray], graphs: Mapping[str, kaldifst.StdVectorFst],
               config: MonoConfig = MonoConfig(), progress: bool = True) -> TrainResult:
    """Train ``model`` (from :func:`init_mono`) in place on GMM features and training graphs per utterance."""
    with single_threaded_blas():
        data = TrainingData(feats, graphs)
        start = time.perf_counter()
        failures = 0
        for i, utt in enumerate(data.utts):
            tids = equal_alignment(data.graphs[i], len(data.utt_frames(i)), utt, config.seed)
            if tids is None:
                failures += 1
            else:
                data.set_alignment(i, tids)
        if failures == len(data.utts):
            raise ValueError("no training utterance could be aligned: each is too short for its transcript")
        if failures:
            log.warning("equal alignment failed for %d of %d utterances (fewer frames than their "
                        "transcripts need); they stay out of training", failures, len(data.utts))
        stats = accumulate(model, data.frames, data.tids)
        update(model, stats, min_gaussian_occupancy=3.0)
        history = [Iteration(0, stats.loglike_per_frame, stats.frames, model.num_gauss, True, failures,
                             time.perf_counter() - start)]
        history += run_em(model, data, config.schedule, "mono", config.seed, progress)
        return TrainResult(model, data.alignments(), history)
