"""Log-likelihood matrices of a data dir for the WFST decoder.

Written as a Kaldi ark+scp of frames x pdfs float32 matrices, what Kaldi's
``latgen-faster-mapped`` reads (give it the same acoustic scale as usual).
With several jobs the data dir is split by speaker (so per-speaker CMVN stays
whole), job N writes ``<name>.N.ark``, and one scp lists every utterance.
"""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from tqdm import tqdm

from cgs_asr.data.ark import ArkWriter
from cgs_asr.data.datadir import load_data_dir, split_data_dir, write_table
from cgs_asr.nnet.dataset import model_inputs
from cgs_asr.nnet.modeldir import AcousticModel
from cgs_asr.parallel import fork_map


def write_log_likelihoods(model: AcousticModel, data_path: Path, ark_path: Path, progress: bool = True,
                          num_jobs: int = 1, map_parts: Callable = fork_map) -> int:
    """Write ``<ark_path>`` (or one ark per job) and the scp (same name, ``.scp``); return the number of utterances.

    ``map_parts`` runs the per-split jobs (forked here, or :meth:`cgs_asr.jobs.Jobs.map`).
    """
    ark_path = Path(ark_path)
    data = load_data_dir(data_path)
    ark_path.parent.mkdir(parents=True, exist_ok=True)
    if num_jobs == 1:
        results = [_write_ark(model, data.path, ark_path, progress)]
    else:
        parts = split_data_dir(data, num_jobs)
        arks = [ark_path.with_name(f"{ark_path.stem}.{j + 1}{ark_path.suffix}") for j in range(num_jobs)]
        results = map_parts(lambda j: _write_ark(model, parts[j], arks[j], False), list(range(num_jobs)))
    scp = {utt: entry for result in results for utt, entry in result.items()}
    write_table(ark_path.with_suffix(".scp"), scp)  # after every ark is complete
    return len(scp)


def _write_ark(model: AcousticModel, data_path: Path, ark_path: Path, progress: bool) -> dict[str, str]:
    """One ark for the utterances of a data dir; returns its scp entries."""
    data = load_data_dir(data_path)
    utterances = model_inputs(data.path, model.config)
    with ArkWriter(ark_path) as writer:
        for utt, feats in tqdm(utterances, total=len(data.utts), desc="log-likelihoods", unit="utt",
                               leave=False, disable=None if progress else True):
            writer.write(utt, model.log_likelihoods(feats))
    return dict(writer.scp)
