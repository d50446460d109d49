"""Frame targets: Kaldi int-vector arks of pdf-ids, one vector per utterance.

That is what Kaldi's ``ali-to-pdf`` writes. The ark is opened here, not by
kaldi-io, so a path ending in ``|`` is never run as a shell command; a
``.gz`` ark (as Kaldi's ``ali.*.gz``) is read through gzip.
"""
from __future__ import annotations

import contextlib
import gzip
import io
from pathlib import Path

import numpy as np

from cgs_asr.data.datadir import DataDirError

with contextlib.redirect_stderr(io.StringIO()):
    import kaldi_io  # it warns about KALDI_ROOT on import, which we do not need


class AlignmentError(DataDirError):
    """An alignment ark that cannot be read (bad input, reported in one line by the programs)."""


def read_alignments(path: Path) -> dict[str, np.ndarray]:
    """utterance id -> pdf-ids (int32, one per frame), in the ark's order."""
    path = Path(path)
    opener = gzip.open if path.suffix == ".gz" else open
    alignments: dict[str, np.ndarray] = {}
    with opener(path, "rb") as f:
        reader = kaldi_io.read_vec_int_ark(f)
        while True:
            try:
                utt, pdfs = next(reader)
            except StopIteration:
                break
            except (AssertionError, ValueError, UnicodeDecodeError, EOFError, OSError) as e:
                where = f" after utterance '{next(reversed(alignments))}'" if alignments else ""
                raise AlignmentError(f"{path}: not a Kaldi int-vector ark{where} "
                                     f"({e or type(e).__name__})") from None
            if utt in alignments:
                raise AlignmentError(f"{path}: utterance '{utt}' occurs twice")
            alignments[utt] = pdfs
    return alignments


def write_alignments(path: Path, alignments: dict[str, np.ndarray]) -> None:
    """Write an int-vector ark (what ``ali-to-pdf`` writes), atomically."""
    path = Path(path)
    tmp = Path(f"{path}.tmp")
    with open(tmp, "wb") as f:
        for utt, pdfs in alignments.items():
            kaldi_io.write_vec_int(f, np.asarray(pdfs, dtype=np.int32), key=utt)
    tmp.replace(path)
