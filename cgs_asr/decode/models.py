"""Log-likelihood functions for decoding, from a model dir of either kind.

A GMM dir (``final.npz``) scores its own MFCC features per utterance inside
the decoding jobs; a DNN dir (``final.pt``) computes every utterance's
log-likelihoods up front in one process (torch does not mix well with
forking after it has run) and the jobs look them up.
"""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np

from cgs_asr.data.datadir import DataDir
from cgs_asr.gmm.feats import FeatureReader
from cgs_asr.gmm.loglikes import GmmScorer
from cgs_asr.gmm.model_io import load_model
from cgs_asr.nnet.dataset import normalized_utterances
from cgs_asr.nnet.modeldir import MODEL_FILE, load_model_dir


def is_dnn_dir(model_dir: Path) -> bool:
    return (Path(model_dir) / MODEL_FILE).is_file()


def loglikes_function(model_dir: Path, data: DataDir) -> tuple[Callable[[str], np.ndarray], int]:
    """``(utt -> frames x pdfs log-likelihoods, number of pdfs)`` for the model in ``model_dir``."""
    if is_dnn_dir(model_dir):
        model = load_model_dir(model_dir)
        table = {utt: model.log_likelihoods(feats) for utt, feats in
                 normalized_utterances(data.path, model.config.norm_vars, feat_dim=model.config.feat_dim)}
        return table.__getitem__, model.config.num_pdfs
    gmm = load_model(model_dir)
    reader, scorer = FeatureReader(data, gmm.feature_spec), GmmScorer(gmm.am)
    return (lambda utt: scorer(reader.read(utt))), gmm.num_pdfs
