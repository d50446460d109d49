"""Log-likelihood functions for decoding, from a model dir of either kind.

A GMM dir (``final.npz``) scores its own MFCC features per utterance inside
the decoding jobs; a DNN dir (``final.pt``) computes every utterance's
log-likelihoods up front in one process (torch does not mix well with
forking after it has run) and the jobs look them up.  A DNN runs either in
floating point (``kernel="float"``: the network as trained, fake-quantized
if it was) or on the bit-exact fixed-point engine (``kernel="fixed"``: the
emulator, for quantized models); splicing, normalisation and the prior are
shared.
"""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

import numpy as np

from cgs_asr.data.datadir import DataDir
from cgs_asr.gmm.feats import FeatureReader
from cgs_asr.gmm.loglikes import GmmScorer
from cgs_asr.gmm.model_io import load_model
from cgs_asr.nnet.compression import emulated_model, load_acoustic_model
from cgs_asr.nnet.dataset import model_inputs
from cgs_asr.nnet.modeldir import MODEL_FILE, AcousticModel

KERNELS = ("float", "fixed")


class Scoring(NamedTuple):
    loglikes: Callable[[str], np.ndarray]   # utterance -> frames x pdfs log-likelihoods
    num_pdfs: int
    dnn: AcousticModel | None               # the DNN as run (None for a GMM)


def is_dnn_dir(model_dir: Path) -> bool:
    return (Path(model_dir) / MODEL_FILE).is_file()


def loglikes_function(model_dir: Path, data: DataDir, kernel: str = "float",
                      utts: list[str] | None = None) -> Scoring:
    """The log-likelihoods of the model in ``model_dir`` on ``data``, computed by ``kernel``.

    A DNN computes them up front for ``utts`` only (default: all), e.g. the
    share of one scheduled job.
    """
    if kernel not in KERNELS:
        raise ValueError(f"unknown kernel '{kernel}' (one of {', '.join(KERNELS)})")
    if is_dnn_dir(model_dir):
        model = load_acoustic_model(model_dir)
        if kernel == "fixed":
            model = emulated_model(model)
        table = {utt: model.log_likelihoods(feats) for utt, feats in
                 model_inputs(data.path, model.config, utts)}
        return Scoring(table.__getitem__, model.config.num_pdfs, model)
    if kernel != "float":
        raise ValueError(f"{model_dir}: a GMM model has no fixed-point kernel")
    gmm = load_model(model_dir)
    reader, scorer = FeatureReader(data, gmm.feature_spec), GmmScorer(gmm.am)
    return Scoring(lambda utt: scorer(reader.read(utt)), gmm.num_pdfs, None)
