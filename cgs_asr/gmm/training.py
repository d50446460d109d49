"""The EM loop shared by monophone and triphone training (the body of train_mono.sh / train_deltas.sh).

Each iteration: Viterbi realignment if the iteration is in
``realign_iters`` (the first realignment with ``first_beam``, later ones with
``beam``, retry beams 4x), statistics from the alignments, ML re-estimation
of Gaussians and transitions, and mixing up towards a Gaussian count that
grows by ``(total_gauss - start) / max_iter_inc`` per iteration until
``max_iter_inc``. An utterance that fails to realign keeps its previous
alignment; one that never had an alignment stays out of the statistics.
"""
from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from dataclasses import asdict, dataclass

import numpy as np
from tqdm import tqdm

from cgs_asr.gmm.align import Aligner, AlignOptions
from cgs_asr.gmm.model import GmmHmm
from cgs_asr.parallel import fork_map, split_evenly
from cgs_asr.gmm.stats import accumulate, mix_up, update
from cgs_asr.kaldi import kaldifst

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Schedule:
    num_iters: int
    max_iter_inc: int               # mix up until this iteration
    total_gauss: int                # target number of Gaussians over all pdfs
    realign_iters: tuple[int, ...]
    power: float = 0.25             # Gaussians per pdf grow as occupancy ** power
    first_beam: float = 10.0        # the first realignment
    beam: float = 10.0              # later realignments
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
class TrainResult:
    model: GmmHmm
    alignments: dict[str, np.ndarray | None]  # transition-ids per frame; None if never aligned
    history: list[Iteration]


class TrainingData:
    """All training frames stacked, with each utterance's slice and its current alignment (0 = none)."""

    def __init__(self, feats: Mapping[str, np.ndarray], graphs: Mapping[str, kaldifst.StdVectorFst]):
        missing = [u for u in feats if u not in graphs]
        if missing:
            raise ValueError(f"no training graph for utterance '{missing[0]}'")
        self.utts = list(feats)
        self.graphs = [graphs[u] for u in self.utts]
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

    def alignments(self) -> dict[str, np.ndarray | None]:
        return {utt: self.alignment(i) for i, utt in enumerate(self.utts)}


def realign(data: TrainingData, aligner: Aligner, num_jobs: int) -> int:
    """Realign every utterance in place (failures keep the old alignment); return the failure count."""
    def align_chunk(indices):
        return [aligner.align(data.graphs[i], data.utt_frames(i), data.utts[i]).tids for i in indices]

    chunks = split_evenly(range(len(data.utts)), num_jobs)
    failures = 0
    for indices, results in zip(chunks, fork_map(align_chunk, chunks)):
        for i, tids in zip(indices, results):
            if tids is None:
                failures += 1
            else:
                data.set_alignment(i, tids)
    return failures


def run_em(model: GmmHmm, data: TrainingData, schedule: Schedule, desc: str, seed: int = 0,
           progress: bool = True) -> list[Iteration]:
    """Iterations 1 .. num_iters-1 on ``data`` (already aligned), updating ``model`` in place.

    ``seed`` fixes the directions along which split Gaussians move apart.
    """
    history = []
    rng = np.random.default_rng(seed)
    num_gauss = model.num_gauss
    inc_gauss = max(schedule.total_gauss - num_gauss, 0) // max(schedule.max_iter_inc, 1)
    first_realign = True
    for it in tqdm(range(1, schedule.num_iters), desc=desc, disable=None if progress else True):
        start = time.perf_counter()
        realigned = it in schedule.realign_iters
        failures = 0
        if realigned:
            beam = schedule.first_beam if first_realign else schedule.beam
            first_realign = False
            failures = realign(data, Aligner(model, AlignOptions(beam=beam, retry_beam=4 * beam)),
                               schedule.num_jobs)
        stats = accumulate(model, data.frames, data.tids)
        update(model, stats)
        mix_up(model, stats, num_gauss, rng, power=schedule.power)
        if it <= schedule.max_iter_inc:
            num_gauss += inc_gauss
        history.append(Iteration(it, stats.loglike_per_frame, stats.frames, model.num_gauss, realigned, failures,
                                 time.perf_counter() - start))
        log.info("%s iteration %d: log-likelihood per frame %.4f over %d frames, %d Gaussians%s", desc, it,
                 stats.loglike_per_frame, stats.frames, model.num_gauss,
                 f", {failures} alignment failures" if failures else "")
    return history
