"""GMM input features: a data dir's features with per-speaker CMVN and deltas.

This is Kaldi's ``apply-cmvn --utt2spk=... | add-deltas`` pipeline of
train_mono.sh: stored (MFCC) features, minus their speaker's mean (and
divided by its standard deviation when ``norm_vars``), then delta and
delta-delta coefficients over a +-2 frame window with edge frames repeated
(kaldi-native-fbank's ``compute_deltas``, the same arithmetic as add-deltas).
The settings travel with the model, so alignment and decoding compute
exactly the features the model was trained on.
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

import kaldi_native_fbank as knf
import numpy as np

from cgs_asr.data.ark import read_matrix
from cgs_asr.data.datadir import DataDir, DataDirError, load_data_dir
from cgs_asr.features.cmvn import apply_cmvn


@dataclass(frozen=True)
class FeatureSpec:
    """How stored features become GMM features (saved with the model)."""

    norm_vars: bool = False  # CMVN: also normalise variances (Kaldi's default: means only)
    delta_order: int = 2     # 2: static + delta + delta-delta
    delta_window: int = 2

    def output_dim(self, input_dim: int) -> int:
        return input_dim * (self.delta_order + 1)

    def to_dict(self) -> dict:
        return asdict(self)


def add_deltas(feats: np.ndarray, order: int = 2, window: int = 2) -> np.ndarray:
    """``[x, dx, d2x, ...]`` per frame, as Kaldi's add-deltas."""
    if order == 0:
        return np.ascontiguousarray(feats, dtype=np.float32)
    opts = knf.DeltaOptions()
    opts.order, opts.window = order, window
    return knf.compute_deltas(opts, np.ascontiguousarray(feats, dtype=np.float32))


def transform(feats: np.ndarray, cmvn_stats: np.ndarray, spec: FeatureSpec) -> np.ndarray:
    """One utterance's stored features -> GMM features."""
    return add_deltas(apply_cmvn(feats, cmvn_stats, spec.norm_vars), spec.delta_order, spec.delta_window)


class FeatureReader:
    """GMM features of a data dir's utterances, read from its feats.scp and cmvn.scp."""

    def __init__(self, data: DataDir | str | Path, spec: FeatureSpec):
        self.data = data if isinstance(data, DataDir) else load_data_dir(Path(data))
        self.spec = spec
        for name in ("feats.scp", "cmvn.scp"):
            if name not in self.data.tables:
                hint = "compute features first" if name == "feats.scp" else "run cgs-compute-cmvn-stats first"
                raise DataDirError(f"{self.data.path / name}: missing ({hint})")
        self._feats_scp = self.data.tables["feats.scp"]
        self._cmvn_scp = self.data.tables["cmvn.scp"]
        self._cmvn_cache: dict[str, np.ndarray] = {}
        missing = [u for u in self.data.utts if u not in self._feats_scp]
        if missing:
            raise DataDirError(f"{self.data.path / 'feats.scp'}: no features for utterance '{missing[0]}'"
                               + (f" and {len(missing) - 1} more" if len(missing) > 1 else ""))

    @property
    def utts(self) -> list[str]:
        return self.data.utts

    def _cmvn(self, utt: str) -> np.ndarray:
        spk = self.data.utt2spk[utt]
        if spk not in self._cmvn_cache:
            if spk not in self._cmvn_scp:
                raise DataDirError(f"{self.data.path / 'cmvn.scp'}: no statistics for speaker '{spk}' "
                                   f"(utterance '{utt}')")
            self._cmvn_cache[spk] = read_matrix(self._cmvn_scp[spk], spk, self.data.path / "cmvn.scp")
        return self._cmvn_cache[spk]

    def read(self, utt: str) -> np.ndarray:
        feats = read_matrix(self._feats_scp[utt], utt, self.data.path / "feats.scp")
        return transform(feats, self._cmvn(utt), self.spec)

    def check_dim(self, dim: int) -> None:
        """Stop with one clear error unless the features have ``dim`` dimensions (with deltas)."""
        got = self.read(self.utts[0]).shape[1]
        if got != dim:
            raise DataDirError(f"{self.data.path / 'feats.scp'}: features have {got} dimensions with deltas, "
                               f"the model expects {dim}")

    def __iter__(self) -> Iterator[tuple[str, np.ndarray]]:
        for utt in self.utts:
            yield utt, self.read(utt)
