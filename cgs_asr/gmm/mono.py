"""Monophone GMM-HMM training from a flat start, on the schedule of Kaldi's steps/train_mono.sh.

1. One pdf per (phone, HMM state), each initialised to the global mean and
   variance of the training features (gmm-init-mono).
2. Equal alignment: each training graph's frames are spread evenly over a
   random path of HMM states (align-equal-compiled); one re-estimation with
   a minimum Gaussian occupancy of 3.
3. Iterations 1 .. num_iters-1: Viterbi realignment at ``realign_iters``
   (beam 6, retry 24 the first time, then 10 and 40), statistics, ML
   re-estimation of Gaussians and transitions, and mixing up by
   ``(total_gauss - num_pdfs) / max_iter_inc`` Gaussians per iteration
   until ``max_iter_inc``.

An utterance that fails to align keeps its previous alignment; one that
never had one (too short for its transcript) stays out of the statistics.
Failures are counted per iteration in the history.
"""
from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field

import numpy as np
from tqdm import tqdm

from cgs_asr.gmm.align import Aligner, AlignOptions, equal_alignment
from cgs_asr.gmm.feats import FeatureSpec
from cgs_asr.gmm.model import GmmHmm, init_mono
from cgs_asr.gmm.parallel import fork_map, single_threaded_blas, split_evenly
from cgs_asr.gmm.stats import accumulate, mix_up, update
from cgs_asr.kaldi import khg, kaldifst

log = logging.getLogger(__name__)

KALDI_REALIGN_ITERS = (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 12, 14, 16, 18, 20, 23, 26, 29, 32, 35, 38)


@dataclass(frozen=True)
class MonoConfig:
    num_iters: int = 40
    max_iter_inc: int = 30          # mix up until this iteration
    total_gauss: int = 1000         # target number of Gaussians over all pdfs
    realign_iters: tuple[int, ...] = KALDI_REALIGN_ITERS
    power: float = 0.25             # Gaussians per pdf grow as occupancy ** power
    first_beam: float = 6.0         # first realignment (retry beam 4x)
    beam: float = 10.0              # later realignments (retry beam 4x)
    seed: int = 0                   # for the random paths of equal alignment
    num_jobs: int = 1               # processes for realignment

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class Iteration:
    iteration: int
    loglike_per_frame: float  # under the model before this iteration's update
    frames: int
    num_gauss: int            # after the update and mixing up
    realigned: bool
    align_failures: int
    seconds: float


@dataclass
class MonoResult:
    model: GmmHmm
    alignments: dict[str, np.ndarray | None]  # transition-ids per frame; None if never aligned
    history: list[Iteration] = field(default_factory=list)


class _TrainingData:
    """All training frames stacked, with each utterance's slice and its current alignment (0 = none)."""

    def __init__(self, feats: Mapping[str, np.ndarray]):
        self.utts = list(feats)
        lengths = np.array([len(feats[u]) for u in self.utts], dtype=np.int64)
        self.offsets = np.concatenate([[0], np.cumsum(lengths)])
        self.frames = np.concatenate([np.asarray(feats[u], dtype=np.float32) for u in self.utts])
        self.tids = np.zeros(len(self.frames), dtype=np.int32)

    def utt_frames(self, i: int) -> np.ndarray:
        return self.frames[self.offsets[i]:self.offsets[i + 1]]

    def set_alignment(self, i: int, tids: np.ndarray) -> None:
        self.tids[self.offsets[i]:self.offsets[i + 1]] = tids

    def alignment(self, i: int) -> np.ndarray | None:
        tids = self.tids[self.offsets[i]:self.offsets[i + 1]]
        return tids.copy() if tids.size and tids[0] > 0 else None


def _realign(data: _TrainingData, graphs: list, aligner: Aligner, num_jobs: int) -> int:
    """Realign every utterance in place (failures keep the old alignment); return the failure count."""
    def align_chunk(indices):
        return [aligner.align(graphs[i], data.utt_frames(i), data.utts[i]).tids for i in indices]

    chunks = split_evenly(range(len(data.utts)), num_jobs)
    failures = 0
    for indices, results in zip(chunks, fork_map(align_chunk, chunks)):
        for i, tids in zip(indices, results):
            if tids is None:
                failures += 1
            else:
                data.set_alignment(i, tids)
    return failures


def train_mono(model: GmmHmm, feats: Mapping[str, np.ndarray],
               graphs: Mapping[str, kaldifst.StdVectorFst], config: MonoConfig = MonoConfig(),
               progress: bool = True) -> MonoResult:
    """Train ``model`` (from :func:`init_mono`) in place on GMM features and training graphs per utterance."""
    with single_threaded_blas():
        return _train(model, feats, graphs, config, progress)


def _train(model: GmmHmm, feats: Mapping[str, np.ndarray], graphs: Mapping[str, kaldifst.StdVectorFst],
           config: MonoConfig, progress: bool) -> MonoResult:
    missing = [u for u in feats if u not in graphs]
    if missing:
        raise ValueError(f"no training graph for utterance '{missing[0]}'")
    data = _TrainingData(feats)
    graph_list = [graphs[u] for u in data.utts]
    history: list[Iteration] = []

    start = time.perf_counter()
    failures = 0
    for i, utt in enumerate(data.utts):
        tids = equal_alignment(graph_list[i], len(data.utt_frames(i)), utt, config.seed)
        if tids is None:
            failures += 1
        else:
            data.set_alignment(i, tids)
    if failures:
        log.warning("equal alignment failed for %d of %d utterances (fewer frames than their "
                    "transcripts need); they stay out of training", failures, len(data.utts))
    if failures == len(data.utts):
        raise ValueError("no training utterance could be aligned: every one is too short for its transcript")

    stats = accumulate(model, data.frames, data.tids)
    update(model, stats, min_gaussian_occupancy=3.0)
    history.append(Iteration(0, stats.loglike_per_frame, stats.frames, model.num_gauss, True, failures,
                             time.perf_counter() - start))
    num_gauss = model.num_gauss
    inc_gauss = max(config.total_gauss - num_gauss, 0) // max(config.max_iter_inc, 1)
    first_realign = True

    for it in tqdm(range(1, config.num_iters), desc="mono", disable=None if progress else True):
        start = time.perf_counter()
        realign = it in config.realign_iters
        failures = 0
        if realign:
            beam = config.first_beam if first_realign else config.beam
            first_realign = False
            aligner = Aligner(model, AlignOptions(beam=beam, retry_beam=4 * beam))
            failures = _realign(data, graph_list, aligner, config.num_jobs)
        stats = accumulate(model, data.frames, data.tids)
        update(model, stats)
        mix_up(model, stats, num_gauss, power=config.power)
        if it <= config.max_iter_inc:
            num_gauss += inc_gauss
        history.append(Iteration(it, stats.loglike_per_frame, stats.frames, model.num_gauss, realign, failures,
                                 time.perf_counter() - start))
        log.info("iteration %d: log-likelihood per frame %.4f over %d frames, %d Gaussians%s", it,
                 stats.loglike_per_frame, stats.frames, model.num_gauss,
                 f", {failures} alignment failures" if failures else "")
    alignments = {utt: data.alignment(i) for i, utt in enumerate(data.utts)}
    return MonoResult(model, alignments, history)
