"""Training frames: CMVN-normalised features of a data dir paired with pdf targets.

The whole set is held in memory as one unspliced float32 matrix (1.5 M
frames x 40 dims is 240 MB; spliced with +-5 frames it would be 11 times
that, 2.6 GB). Minibatches are spliced on the fly by indexing that matrix
with each frame's context, clamped to its own utterance: on this machine the
gather takes about 2 % of a training step (benchmarks/training.py), so the
memory saving costs almost nothing.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import numpy as np
import torch
from tqdm import tqdm

from cgs_asr.data.alignments import read_alignments
from cgs_asr.data.ark import read_scp_matrices
from cgs_asr.data.datadir import DataDirError, load_data_dir
from cgs_asr.features.cmvn import CMVN_SCOPES, accumulate_stats, apply_cmvn
from cgs_asr.features.splice import context_indices
from cgs_asr.nnet.model import ModelConfig

log = logging.getLogger(__name__)


class TrainingDataError(DataDirError):
    """Features or targets that cannot be used (bad input, reported in one line by the programs)."""


def normalized_utterances(data_path: Path, norm_vars: bool = False, utts: list[str] | None = None,
                          feat_dim: int | None = None, cmvn: str = "speaker") -> Iterator[tuple[str, np.ndarray]]:
    """Yield (utterance, features after CMVN) for ``utts`` (default: all), in order.

    ``cmvn`` is the scope of the statistics (``CMVN_SCOPES``): "speaker"
    takes each utterance's speaker stats from cmvn.scp; "utterance" takes
    the utterance's own frames and needs no cmvn.scp. Every utterance must
    have features, finite values and the same dimension (``feat_dim`` if
    given, else the first one's).
    """
    if cmvn not in CMVN_SCOPES:
        raise ValueError(f"unknown CMVN scope '{cmvn}' (one of {', '.join(CMVN_SCOPES)})")
    data = load_data_dir(data_path)
    for name in ("feats.scp", "cmvn.scp") if cmvn == "speaker" else ("feats.scp",):
        if name not in data.tables:
            raise TrainingDataError(f"{data.path / name}: missing (compute features and CMVN stats first)")
    feats_scp = data.tables["feats.scp"]
    utts = data.utts if utts is None else utts
    _require_entries(data.path / "feats.scp", feats_scp, utts, "utterance")
    stats = _speaker_stats(data, utts) if cmvn == "speaker" else {}
    for utt, feats in read_scp_matrices({u: feats_scp[u] for u in utts}, data.path / "feats.scp"):
        where = f"{data.path / 'feats.scp'}: utterance '{utt}'"
        feat_dim = feat_dim or feats.shape[1]
        if feats.shape[1] != feat_dim:
            raise TrainingDataError(f"{where}: features of dimension {feats.shape[1]}, expected {feat_dim}")
        if cmvn == "utterance":
            yield utt, apply_cmvn(feats, accumulate_stats([feats]), norm_vars)
            continue
        spk_stats = stats[data.utt2spk[utt]]
        if spk_stats.shape[1] != feat_dim + 1:
            raise TrainingDataError(f"{data.path / 'cmvn.scp'}: speaker '{data.utt2spk[utt]}' has stats of "
                                    f"dimension {spk_stats.shape[1] - 1}, features have {feat_dim}")
        yield utt, apply_cmvn(feats, spk_stats, norm_vars)


def model_inputs(data_path: Path, config: ModelConfig, utts: list[str] | None = None
                 ) -> Iterator[tuple[str, np.ndarray]]:
    """The utterances normalised as ``config``'s input pipeline wants them (CMVN scope, variance, dimension)."""
    return normalized_utterances(data_path, config.norm_vars, utts, config.feat_dim, config.cmvn)


def _speaker_stats(data, utts: list[str]) -> dict[str, np.ndarray]:
    """The cmvn.scp stats of the speakers of ``utts``, checked."""
    cmvn_scp = data.tables["cmvn.scp"]
    speakers = sorted({data.utt2spk[u] for u in utts})
    _require_entries(data.path / "cmvn.scp", cmvn_scp, speakers, "speaker")
    stats = {}
    for spk, mat in read_scp_matrices({s: cmvn_scp[s] for s in speakers}, data.path / "cmvn.scp"):
        if mat.shape[0] != 2 or mat[0, -1] <= 0:
            raise TrainingDataError(f"{data.path / 'cmvn.scp'}: speaker '{spk}' has unusable CMVN stats "
                                    f"(shape {mat.shape}, count {mat[0, -1]:g})")
        stats[spk] = mat
    return stats


def _require_entries(path: Path, table: dict[str, str], keys: list[str], what: str) -> None:
    missing = [k for k in keys if k not in table]
    if missing:
        more = f" and {len(missing) - 1} more" if len(missing) > 1 else ""
        raise TrainingDataError(f"{path}: no entry for {what} '{missing[0]}'{more}")


@dataclass
class FrameSet:
    """Frames of many utterances with their pdf targets; inputs are spliced per minibatch.

    ``first[i]``/``last[i]`` are the rows of the first and last frame of frame
    ``i``'s utterance, so context never crosses an utterance boundary.
    """

    feats: torch.Tensor        # frames x feat_dim, float32, unspliced
    targets: torch.Tensor      # frames, int64 pdf-ids
    first: np.ndarray          # frames, int64
    last: np.ndarray           # frames, int64
    left_context: int
    right_context: int
    utts: list[str]
    skipped: list[str]         # utterances of the data dir without alignment

    @classmethod
    def from_utterances(cls, parts: list[tuple[str, np.ndarray, np.ndarray]], left_context: int,
                        right_context: int, skipped: list[str] | None = None) -> "FrameSet":
        """From (utterance, features, pdf-ids) triples."""
        lengths = np.array([len(f) for _, f, _ in parts], dtype=np.int64)
        starts = np.concatenate([[0], np.cumsum(lengths)[:-1]]).astype(np.int64)
        return cls(feats=torch.from_numpy(np.concatenate([f for _, f, _ in parts]).astype(np.float32, copy=False)),
                   targets=torch.from_numpy(np.concatenate([t for _, _, t in parts]).astype(np.int64)),
                   first=np.repeat(starts, lengths), last=np.repeat(starts + lengths - 1, lengths),
                   left_context=left_context, right_context=right_context,
                   utts=[u for u, _, _ in parts], skipped=skipped or [])

    def __len__(self) -> int:
        return len(self.targets)

    @property
    def feat_dim(self) -> int:
        return self.feats.shape[1]

    def batch(self, frames: np.ndarray) -> tuple[torch.Tensor, torch.Tensor]:
        """Spliced inputs (len(frames) x input_dim) and targets of the frames with these row numbers."""
        rows = context_indices(frames, self.first[frames], self.last[frames], self.left_context, self.right_context)
        inputs = self.feats[torch.from_numpy(rows)].view(len(frames), -1)
        return inputs, self.targets[torch.from_numpy(frames)]


def load_frame_set(data_path: Path, ali_path: Path, num_pdfs: int, left_context: int = 5, right_context: int = 5,
                   norm_vars: bool = False, feat_dim: int | None = None, progress: bool = True,
                   cmvn: str = "speaker") -> FrameSet:
    """Features of a data dir paired with its alignment (pdf-ids per frame, as ``ali-to-pdf`` writes).

    Utterances without an alignment are skipped and reported (Kaldi does the
    same); a frame-count mismatch, a pdf-id outside ``0..num_pdfs-1``, or
    NaN/inf in features stops with an error naming the utterance.
    """
    data = load_data_dir(data_path)
    alignments = read_alignments(ali_path)
    aligned = [u for u in data.utts if u in alignments]
    skipped = [u for u in data.utts if u not in alignments]
    if not aligned:
        raise TrainingDataError(f"{ali_path}: no alignment for any utterance of {data.path}")
    if skipped:
        log.warning("%s: %d of %d utterances of %s have no alignment and are skipped (e.g. '%s')",
                    ali_path, len(skipped), len(data.utts), data.path, skipped[0])
    parts = []
    utterances = normalized_utterances(data.path, norm_vars, aligned, feat_dim, cmvn)
    for utt, feats in tqdm(utterances, total=len(aligned), desc=f"loading {data.path.name}", unit="utt",
                           leave=False, disable=None if progress else True):
        pdfs = alignments[utt]
        if len(pdfs) != len(feats):
            raise TrainingDataError(f"{ali_path}: utterance '{utt}' has {len(pdfs)} frames of alignment "
                                    f"but {len(feats)} frames of features")
        outside = (pdfs < 0) | (pdfs >= num_pdfs)
        if outside.any():
            frame = int(np.argmax(outside))
            raise TrainingDataError(f"{ali_path}: utterance '{utt}' has pdf-id {pdfs[frame]} at frame {frame}, "
                                    f"outside 0..{num_pdfs - 1}")
        parts.append((utt, feats, pdfs))
    return FrameSet.from_utterances(parts, left_context, right_context, skipped)
