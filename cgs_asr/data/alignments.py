"""Alignments: Kaldi int-vector arks, one vector per utterance.

They hold transition-ids (Kaldi's ``ali.*.gz``) or pdf-ids (what
``ali-to-pdf`` writes, the DNNs' frame targets). The ark is opened here, not
by kaldi-io, so a path ending in ``|`` is never run as a shell command; a
``.gz`` ark is read through gzip.
"""
from __future__ import annotations

import gzip
from collections.abc import Mapping
from pathlib import Path

import numpy as np

from cgs_asr.atomic import atomic_open
from cgs_asr.data.ark import kaldi_io  # imported there with its KALDI_ROOT warning silenced
from cgs_asr.data.datadir import DataDirError


class AlignmentError(DataDirError):
    """An alignment ark that cannot be read (bad input, reported in one line by the programs)."""


def read_alignments(path: str | Path) -> dict[str, np.ndarray]:
    """utterance id -> ids (int32, one per frame), in the ark's order."""
    path = Path(path)
    if not path.is_file():
        raise AlignmentError(f"{path}: no such alignment file")
    opener = gzip.open if path.suffix == ".gz" else open
    alignments: dict[str, np.ndarray] = {}
    with opener(path, "rb") as f:
        reader = kaldi_io.read_vec_int_ark(f)
        while True:
            try:
                utt, ids = next(reader)
            except StopIteration:
                break
            except (AssertionError, ValueError, UnicodeDecodeError, EOFError, OSError) as e:
                where = f" after utterance '{next(reversed(alignments))}'" if alignments else ""
                raise AlignmentError(f"{path}: not a Kaldi int-vector ark{where} "
                                     f"({e or type(e).__name__})") from None
            if utt in alignments:
                raise AlignmentError(f"{path}: utterance '{utt}' occurs twice")
            alignments[utt] = ids
    return alignments


def write_alignments(path: str | Path, alignments: Mapping[str, np.ndarray]) -> None:
    """Write an int-vector ark, in the mapping's order, atomically."""
    with atomic_open(path) as f:
        for utt, ids in alignments.items():
            kaldi_io.write_vec_int(f, np.asarray(ids, dtype=np.int32), key=utt)
