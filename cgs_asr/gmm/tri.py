"""Triphone GMM-HMM training from a monophone alignment, as Kaldi's steps/train_deltas.sh.

1. Tree statistics from the monophone alignment, questions and a decision
   tree of at most ``num_leaves`` leaves, some merged into one pdf
   (:mod:`cgs_asr.gmm.tree`).
2. One Gaussian per pdf from its statistics (gmm-init-model); a pdf
   without data (a phone state never seen) starts from the monophone GMM
   of its phone state.
3. The monophone alignment converted to the new model's transition-ids
   (convert-ali): the same HMM states and transitions, with each frame's
   pdf looked up in the tree from its phone context.
4. Iterations 1 .. 34 of :func:`run_em`: realignment at 10, 20 and 30 and
   mixing up to ``total_gauss`` by iteration 25.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

from cgs_asr.gmm.model import GmmHmm, GmmInputError, single_gaussian
from cgs_asr.parallel import single_threaded_blas
from cgs_asr.gmm.training import Schedule, TrainingData, TrainResult, run_em
from cgs_asr.gmm.tree import (
    VAR_FLOOR,
    accumulate_tree_stats,
    assign_pdfs,
    context_dependency,
    frame_events,
    grow_tree,
    phone_questions,
    tree_bytes,
)
from cgs_asr.kaldi import khg, kaldifst

TRI_SCHEDULE = Schedule(num_iters=35, max_iter_inc=25, total_gauss=9000, realign_iters=(10, 20, 30))


@dataclass(frozen=True)
class TriConfig:
    schedule: Schedule = field(default_factory=lambda: TRI_SCHEDULE)
    num_leaves: int = 1800
    min_leaf_count: float = 50.0     # frames on each side of a split
    min_gain: float = 300.0          # log-likelihood a split must gain (build-tree's --thresh)
    merge_thresh: float | None = None  # merge leaves losing less (None: the smallest split gain)
    seed: int = 0                    # for the splitting of Gaussians

    def to_dict(self) -> dict:
        return {"schedule": self.schedule.to_dict(), "num_leaves": self.num_leaves,
                "min_leaf_count": self.min_leaf_count, "min_gain": self.min_gain, "merge_thresh": self.merge_thresh,
                "seed": self.seed}


@dataclass
class TriInit:
    model: GmmHmm
    alignments: dict[str, np.ndarray]  # the monophone alignments in the new model's transition-ids
    num_questions: int


def init_tri(mono: GmmHmm, feats: Mapping[str, np.ndarray], mono_alignments: Mapping[str, np.ndarray],
             ci_phones: set[int], config: TriConfig = TriConfig()) -> TriInit:
    """Grow the tree on aligned features, initialise the triphone model and convert the alignments."""
    topo = mono.trans_model.topo
    for phone in topo.phones:
        for state in topo.topology_for_phone(phone):
            if state.forward_pdf_class != state.self_loop_pdf_class:
                raise GmmInputError(f"phone {phone}: separate self-loop pdf classes are not supported")
    utts = [u for u in feats if u in mono_alignments]
    events = np.concatenate([frame_events(mono.trans_model, mono_alignments[u], ci_phones) for u in utts])
    stats, frame_rows = accumulate_tree_stats(events, np.concatenate([feats[u] for u in utts]))
    num_pdf_classes = {p: topo.num_pdf_classes(p) for p in topo.phones}
    questions = phone_questions(stats, list(topo.phones), num_pdf_classes)
    grown = grow_tree(stats, questions, num_pdf_classes, config.num_leaves, config.min_leaf_count, config.min_gain)
    pdfs = assign_pdfs(grown, config.merge_thresh)
    tree = context_dependency(tree_bytes(grown.roots, num_pdf_classes))

    am = khg.AmDiagGmm()
    dim = mono.dim
    for pdf in pdfs:
        count = pdf.total[0]
        if count > 0:
            mean = pdf.total[1:dim + 1] / count
            am.add_pdf(single_gaussian(mean, np.maximum(pdf.total[dim + 1:] / count - mean**2, VAR_FLOOR)))
        else:
            _, mono_pdf = mono.tree.compute([pdf.root[0]], pdf.root[1])
            am.add_pdf(khg.DiagGmm(mono.am.get_pdf(mono_pdf)))
    model = GmmHmm(tree, khg.TransitionModel(ctx_dep=tree, hmm_topo=topo), am, mono.feature_spec)

    row_pdf = np.array([tree.compute(list(map(int, e[:3])), int(e[3]))[1] for e in stats.events])
    new_tids = convert_alignment(mono.trans_model, model.trans_model,
                                 np.concatenate([mono_alignments[u] for u in utts]), row_pdf[frame_rows])
    bounds = np.cumsum([len(mono_alignments[u]) for u in utts])[:-1]
    return TriInit(model, dict(zip(utts, np.split(new_tids, bounds))), len(questions))


def convert_alignment(old: khg.TransitionModel, new: khg.TransitionModel, tids: np.ndarray,
                      new_pdfs: np.ndarray) -> np.ndarray:
    """Old transition-ids -> new ones with the same phone, HMM state and transition, and the given pdfs."""
    old_tuples = [t.__getstate__() for t in old.tuples]
    new_state = {tuple(t.__getstate__()): s for s, t in enumerate(new.tuples, start=1)}
    old_id2state, old_state2id, new_state2id = (np.asarray(old.id2state), np.asarray(old.state2id),
                                                np.asarray(new.state2id))
    pairs, inverse = np.unique(np.stack([tids, new_pdfs], axis=1), axis=0, return_inverse=True)
    mapped = np.empty(len(pairs), dtype=np.int32)
    for i, (tid, pdf) in enumerate(pairs):
        state = old_id2state[tid]
        phone, hmm_state, _, _ = old_tuples[state - 1]
        mapped[i] = new_state2id[new_state[(phone, hmm_state, pdf, pdf)]] + tid - old_state2id[state]
    return mapped[inverse.reshape(-1)]


def train_tri(init: TriInit, feats: Mapping[str, np.ndarray], graphs: Mapping[str, kaldifst.StdVectorFst],
              config: TriConfig = TriConfig(), progress: bool = True) -> TrainResult:
    """EM on the triphone model from :func:`init_tri`, starting from the converted alignments."""
    with single_threaded_blas():
        data = TrainingData(feats, graphs)
        for i, utt in enumerate(data.utts):
            if utt in init.alignments:
                data.set_alignment(i, init.alignments[utt])
        history = run_em(init.model, data, config.schedule, "tri", config.seed, progress)
        return TrainResult(init.model, data.alignments(), history)
