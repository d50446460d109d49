"""Log-likelihood matrices of a data dir for the WFST decoder.

Written as a Kaldi ark+scp of frames x pdfs float32 matrices, what Kaldi's
``latgen-faster-mapped`` reads (give it the same acoustic scale as usual).
"""
from __future__ import annotations

from pathlib import Path

from tqdm import tqdm

from cgs_asr.data.ark import ArkWriter
from cgs_asr.data.datadir import load_data_dir
from cgs_asr.nnet.dataset import normalized_utterances
from cgs_asr.nnet.modeldir import AcousticModel


def write_log_likelihoods(model: AcousticModel, data_path: Path, ark_path: Path, progress: bool = True) -> int:
    """Write ``<ark_path>`` and its scp (same name, ``.scp``); return the number of utterances."""
    ark_path = Path(ark_path)
    data = load_data_dir(data_path)
    utterances = normalized_utterances(data.path, model.config.norm_vars, feat_dim=model.config.feat_dim)
    with ArkWriter(ark_path, ark_path.with_suffix(".scp")) as writer:
        for utt, feats in tqdm(utterances, total=len(data.utts), desc="log-likelihoods", unit="utt",
                               leave=False, disable=None if progress else True):
            writer.write(utt, model.log_likelihoods(feats))
    return len(writer.scp)
