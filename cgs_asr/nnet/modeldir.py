"""A trained acoustic model on disk: ``final.pt``, ``config.json``, ``prior.npy``.

``final.pt`` holds only the state_dict (tensors), read back with
``torch.load(weights_only=True)``, so loading a model cannot run code.
``config.json`` holds the model config under ``"model"`` (enough to rebuild
the network) and whatever else the trainer records (training config, seed,
data, results). Every file is written to a temporary name and renamed;
``final.pt`` comes last, so its presence means the directory is complete.

Extension point: a network whose Linear weights carry parametrizations
(block masks, fake quantization) has state_dict keys such as
``0.parametrizations.weight.original``. ``load_model_dir(..., prepare=f)``
calls ``f(network, saved_config)`` on the freshly built dense network, before
the weights are loaded, so ``f`` can register the same parametrizations from
what it stored in ``config.json``.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import numpy as np
import torch
from torch import nn

from cgs_asr.atomic import atomic_open, atomic_write_text
from cgs_asr.features.splice import splice_feats
from cgs_asr.nnet.model import ModelConfig, make_model
from cgs_asr.nnet.priors import log_likelihoods

MODEL_FILE, CONFIG_FILE, PRIOR_FILE = "final.pt", "config.json", "prior.npy"


class ModelDirError(ValueError):
    """A model dir that cannot be loaded; the message names the file."""


@dataclass
class AcousticModel:
    network: nn.Sequential
    config: ModelConfig
    prior: np.ndarray                          # num_pdfs, sums to 1
    meta: dict = field(default_factory=dict)   # the rest of config.json

    def log_likelihoods(self, feats: np.ndarray, batch_size: int = 8192) -> np.ndarray:
        """One utterance's CMVN-normalised (unspliced) features -> frames x pdfs log-likelihoods."""
        inputs = splice_feats(feats, self.config.left_context, self.config.right_context)
        return log_likelihoods(self.network, inputs, np.log(self.prior), batch_size)


def open_model_dir(path: Path) -> Path:
    """Create the dir for a new model, or mark an existing one unfinished, before training writes to it."""
    path = Path(path)
    path.mkdir(parents=True, exist_ok=True)
    (path / MODEL_FILE).unlink(missing_ok=True)
    return path


def save_model_dir(path: Path, network: nn.Module, config: ModelConfig, prior: np.ndarray,
                   meta: dict | None = None) -> None:
    """Write the model dir; ``meta`` (JSON-able) is stored beside ``"model"`` in config.json."""
    path = Path(path)
    if len(prior) != config.num_pdfs:
        raise ValueError(f"{path}: prior has {len(prior)} entries, the model {config.num_pdfs} pdfs")
    open_model_dir(path)  # unfinished until the new weights are in
    text = json.dumps({"model": config.to_dict(), **(meta or {})}, indent=2) + "\n"
    atomic_write_text(path / CONFIG_FILE, text)
    with atomic_open(path / PRIOR_FILE) as f:
        np.save(f, np.asarray(prior, dtype=np.float64))
    with atomic_open(path / MODEL_FILE) as f:
        torch.save(network.state_dict(), f)


def replace_prior(path: Path, prior: np.ndarray, how: dict) -> None:
    """Give a finished model dir a new prior; ``how`` (JSON-able) is recorded under "prior" in config.json."""
    path = Path(path)
    saved = json.loads((path / CONFIG_FILE).read_text(encoding="utf-8"))
    if len(prior) != saved["model"]["num_pdfs"]:
        raise ValueError(f"{path}: prior has {len(prior)} entries, the model {saved['model']['num_pdfs']} pdfs")
    with atomic_open(path / PRIOR_FILE) as f:
        np.save(f, np.asarray(prior, dtype=np.float64))
    atomic_write_text(path / CONFIG_FILE, json.dumps({**saved, "prior": how}, indent=2) + "\n")


def load_model_dir(path: Path, prepare: Callable[[nn.Sequential, dict], None] | None = None) -> AcousticModel:
    """Rebuild the network from config.json and load its weights (see the module doc for ``prepare``)."""
    path = Path(path)
    for name in (MODEL_FILE, CONFIG_FILE, PRIOR_FILE):
        if not (path / name).is_file():
            raise FileNotFoundError(f"{path / name}: missing (not a finished model dir)")
    try:
        saved = json.loads((path / CONFIG_FILE).read_text(encoding="utf-8"))
        config = ModelConfig.from_dict(saved["model"])
    except (ValueError, KeyError, TypeError) as e:
        raise ModelDirError(f"{path / CONFIG_FILE}: no usable model config ({e})") from None
    prior = np.load(path / PRIOR_FILE, allow_pickle=False)
    if prior.shape != (config.num_pdfs,):
        raise ModelDirError(f"{path / PRIOR_FILE}: shape {prior.shape}, expected ({config.num_pdfs},)")
    state = torch.load(path / MODEL_FILE, map_location="cpu", weights_only=True)
    network = make_model(config)
    if prepare is not None:
        prepare(network, saved)
    elif any(".parametrizations." in key for key in state):
        raise ModelDirError(f"{path / MODEL_FILE}: weights are parametrized (e.g. masked); load it with the "
                            f"code that added the parametrizations (prepare=...)")
    try:
        network.load_state_dict(state)
    except RuntimeError as e:
        details = "; ".join(line.strip() for line in str(e).splitlines()[1:])
        raise ModelDirError(f"{path / MODEL_FILE}: does not fit {CONFIG_FILE}: {details}") from None
    network.eval()
    meta = {k: v for k, v in saved.items() if k != "model"}
    return AcousticModel(network, config, prior, meta)

