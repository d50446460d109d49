"""A GMM-HMM acoustic model: the tree, the transition model, the GMMs and their feature settings.

Kaldi keeps the tree in ``tree`` and the other two in ``final.mdl``; here
they travel together (see :mod:`cgs_asr.gmm.model_io` for saving) with the
feature pipeline they were trained on.
"""
from __future__ import annotations

import sys
from dataclasses import dataclass

import numpy as np

from cgs_asr.gmm.feats import FeatureSpec
from cgs_asr.kaldi import khg

# kaldi_hmm_gmm re-exports most of its compiled module, but not everything used here
# (mle_diag_gmm_update, TransitionModelTuple); importing cgs_asr.kaldi has loaded it.
khg_compiled = sys.modules[khg.AmDiagGmm.__module__]


class GmmInputError(ValueError):
    """A model file that cannot be read as a model, or a model that does not fit its graph."""


@dataclass
class GmmHmm:
    tree: khg.ContextDependency
    trans_model: khg.TransitionModel
    am: khg.AmDiagGmm
    feature_spec: FeatureSpec

    @property
    def num_pdfs(self) -> int:
        return self.trans_model.num_pdfs

    @property
    def dim(self) -> int:
        return self.am.dim

    @property
    def num_gauss(self) -> int:
        return self.am.num_gauss

    def tid2pdf(self) -> np.ndarray:
        """pdf-id of every transition-id (index 0, no transition-id, maps to -1)."""
        table = np.asarray(self.trans_model.transition_id_to_pdf_array(), dtype=np.int64)
        table[0] = -1
        return table

    def pdf_alignment(self, alignment) -> np.ndarray:
        """Transition-ids per frame -> pdf-ids per frame."""
        return self.tid2pdf()[np.asarray(alignment, dtype=np.int64)]


def single_gaussian(mean: np.ndarray, var: np.ndarray) -> khg.DiagGmm:
    gmm = khg.DiagGmm(nmix=1, dim=len(mean))
    gmm.set_weights(np.ones(1, dtype=np.float32))
    gmm.set_means(np.asarray(mean, dtype=np.float32)[None, :])
    gmm.set_invvars(1.0 / np.asarray(var, dtype=np.float32)[None, :])
    gmm.compute_gconsts()
    return gmm


def init_mono(topo: khg.HmmTopology, mean: np.ndarray, var: np.ndarray,
              feature_spec: FeatureSpec) -> GmmHmm:
    """Kaldi's gmm-init-mono: one pdf per (phone, pdf class), each the global Gaussian."""
    tree = khg.monophone_context_dependency(topo.phones, topo.get_phone_to_num_pdf_classes())
    am = khg.AmDiagGmm()
    gmm = single_gaussian(mean, var)
    for _ in range(tree.num_pdfs):
        am.add_pdf(gmm)  # copied on the C++ side
    return GmmHmm(tree, khg.TransitionModel(ctx_dep=tree, hmm_topo=topo), am, feature_spec)
