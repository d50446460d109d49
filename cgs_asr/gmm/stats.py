"""Maximum-likelihood re-estimation from Viterbi alignments (gmm-acc-stats-ali + gmm-est).

Statistics are gathered pdf by pdf with numpy: the frames aligned to a pdf
are scored against its Gaussians in one matrix product, the Gaussian
posteriors weight the zeroth, first and second order sums exactly as Kaldi's
``AccumDiagGmm::AccumulateFromDiag`` does, and the sums are handed to
kaldi-hmm-gmm's ``mle_diag_gmm_update`` (variance flooring, removal of
Gaussians with too little data). Transition statistics are the counts of
each transition-id, for ``TransitionModel.mle_update``. Mixing up splits
Gaussians by occupancy with ``AmDiagGmm.split_by_count``; the split halves
are moved apart here, from a seeded generator, because kaldi-hmm-gmm draws
its perturbation from ``std::random_device`` and no seed reaches it.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from cgs_asr.gmm.model import GmmHmm, khg_compiled
from cgs_asr.kaldi import khg

GMM_FLAGS = "mvw"  # means, variances, weights (transitions are updated separately)


@dataclass
class AlignmentStats:
    """Sufficient statistics of one pass over aligned data."""

    occupancy: list[np.ndarray]  # per pdf: (num_gauss,) float64
    first: list[np.ndarray]      # per pdf: (num_gauss, dim) sum of posterior * x
    second: list[np.ndarray]     # per pdf: (num_gauss, dim) sum of posterior * x^2
    transitions: np.ndarray      # (num_transition_ids + 1,) counts
    loglike: float               # total log-likelihood of the frames under their aligned pdfs
    frames: int

    @property
    def pdf_occupancy(self) -> np.ndarray:
        return np.array([occ.sum() for occ in self.occupancy])

    @property
    def loglike_per_frame(self) -> float:
        return self.loglike / max(self.frames, 1)


def accumulate(model: GmmHmm, feats: np.ndarray, alignment: np.ndarray) -> AlignmentStats:
    """Statistics of ``feats`` (frames x dim, all utterances stacked) given transition-ids per frame."""
    alignment = np.asarray(alignment, dtype=np.int64)
    if len(alignment) != len(feats):
        raise ValueError(f"{len(alignment)} aligned frames for {len(feats)} feature frames")
    pdfs = model.tid2pdf()[alignment]
    order = np.argsort(pdfs, kind="stable")
    bounds = np.searchsorted(pdfs[order], np.arange(model.num_pdfs + 1))
    state = model.am.__getstate__()
    occupancy, first, second, total = [], [], [], 0.0
    for pdf in range(model.num_pdfs):
        inv_vars, means_invvars = state[3 * pdf + 1], state[3 * pdf + 2]
        x = feats[order[bounds[pdf]:bounds[pdf + 1]]].astype(np.float32)
        x2 = x * x
        gauss = x @ means_invvars.T - 0.5 * (x2 @ inv_vars.T) + model.am.get_pdf(pdf).gconsts
        peak = gauss.max(axis=1, keepdims=True)
        post = np.exp(gauss - peak, dtype=np.float64)
        norm = post.sum(axis=1, keepdims=True)
        total += float(np.sum(peak[:, 0] + np.log(norm[:, 0])))
        post /= norm
        occupancy.append(post.sum(axis=0))
        first.append(post.T @ x.astype(np.float64))
        second.append(post.T @ x2.astype(np.float64))
    transitions = np.bincount(alignment, minlength=model.trans_model.num_transition_ids + 1).astype(np.float64)
    return AlignmentStats(occupancy, first, second, transitions, total, len(feats))


@dataclass(frozen=True)
class UpdateResult:
    gmm_objf_gain: float  # per frame
    transition_objf_gain: float  # per frame
    num_gauss: int


def update(model: GmmHmm, stats: AlignmentStats, min_gaussian_occupancy: float = 10.0,
           transition_floor: float = 0.01, transition_min_count: float = 5.0) -> UpdateResult:
    """Re-estimate every pdf's GMM and the transition probabilities in place (gmm-est)."""
    flags = khg.str_to_gmm_flags(GMM_FLAGS)
    opts = khg.MleDiagGmmOptions(min_gaussian_occupancy=min_gaussian_occupancy)
    gmm_gain = gmm_count = 0.0
    for pdf in range(model.num_pdfs):
        gmm = model.am.get_pdf(pdf)
        acc = khg.AccumDiagGmm(gmm, flags)
        acc.occupancy = stats.occupancy[pdf]
        acc.mean_accumulator = stats.first[pdf]
        acc.variance_accumulator = stats.second[pdf]
        gain, count, *_ = khg_compiled.mle_diag_gmm_update(config=opts, diag_gmm_acc=acc, flags=flags, gmm=gmm)
        gmm_gain += gain
        gmm_count += count
    tm_gain, tm_count = model.trans_model.mle_update(
        stats.transitions, khg.MleTransitionUpdateConfig(floor=transition_floor, mincount=transition_min_count))
    return UpdateResult(gmm_gain / max(gmm_count, 1.0), tm_gain / max(tm_count, 1.0), model.num_gauss)


def mix_up(model: GmmHmm, stats: AlignmentStats, target_gauss: int, rng: np.random.Generator,
           power: float = 0.2, perturb_factor: float = 0.01, min_count: float = 20.0) -> None:
    """Split Gaussians towards ``target_gauss`` in total, more where pdfs have more data (gmm-mixup).

    As in Kaldi's ``DiagGmm::Split``, each new Gaussian starts as a copy of the
    one it splits and the two means move apart by ``perturb_factor`` standard
    deviations along a random direction, drawn here from ``rng``.
    """
    if target_gauss <= model.num_gauss:
        return
    before = [model.am.num_gauss_in_pdf(pdf) for pdf in range(model.num_pdfs)]
    model.am.split_by_count(state_occs=stats.pdf_occupancy.astype(np.float32), target_components=target_gauss,
                            perturb_factor=0.0, power=power, min_count=min_count)
    for pdf, old in enumerate(before):
        gmm = model.am.get_pdf(pdf)
        if gmm.num_gauss > old:
            _separate_copies(gmm, old, perturb_factor, rng)


def _separate_copies(gmm, num_old: int, perturb_factor: float, rng: np.random.Generator) -> None:
    """Move every Gaussian from index ``num_old`` on away from the earlier one it was copied from."""
    inv_vars = np.asarray(gmm.inv_vars, dtype=np.float64)
    means_invvars = np.asarray(gmm.means_invvars, dtype=np.float64)
    rows = np.concatenate([means_invvars, inv_vars], axis=1)
    for new in range(num_old, len(rows)):
        source = int(np.flatnonzero((rows[:new] == rows[new]).all(axis=1))[0])
        step = perturb_factor * rng.standard_normal(gmm.dim) * np.sqrt(inv_vars[source])
        means_invvars[new] = means_invvars[source] + step
        means_invvars[source] -= step
    gmm.set_means((means_invvars / inv_vars).astype(np.float32))
    gmm.compute_gconsts()
