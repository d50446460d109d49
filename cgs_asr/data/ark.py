"""Kaldi ark/scp reading and writing through kaldi-io.

Writers record the byte offset of every matrix, so the scp they produce is
exactly what Kaldi's ``copy-feats ark:- ark,scp:x.ark,x.scp`` would write, and
Kaldi tools can read it. Writes go to a temporary file renamed on close.
"""
from __future__ import annotations

import contextlib
import io
import os
from pathlib import Path

import numpy as np

with contextlib.redirect_stderr(io.StringIO()):
    import kaldi_io  # it warns about KALDI_ROOT on import, which we do not need


class ArkWriter:
    """Write matrices to ``<path>`` and, optionally, their scp entries to ``scp_path``."""

    def __init__(self, path: Path, scp_path: Path | None = None):
        self.path, self.scp_path = Path(path), scp_path and Path(scp_path)
        self._tmp = Path(f"{self.path}.tmp")
        self._f = open(self._tmp, "wb")
        self.scp: dict[str, str] = {}

    def write(self, key: str, mat: np.ndarray) -> None:
        if " " in key or not key:
            raise ValueError(f"{self.path}: bad key {key!r}")
        offset = self._f.tell() + len(key.encode("latin1")) + 1
        kaldi_io.write_mat(self._f, np.ascontiguousarray(mat), key=key)
        self.scp[key] = f"{self.path.resolve()}:{offset}"

    def close(self) -> None:
        self._f.close()
        os.replace(self._tmp, self.path)
        if self.scp_path is not None:
            tmp = Path(f"{self.scp_path}.tmp")
            tmp.write_text("".join(f"{k} {v}\n" for k, v in self.scp.items()), encoding="utf-8")
            os.replace(tmp, self.scp_path)

    def abort(self) -> None:
        self._f.close()
        self._tmp.unlink(missing_ok=True)

    def __enter__(self):
        return self

    def __exit__(self, exc_type, *_):
        self.abort() if exc_type else self.close()


class ArkError(ValueError):
    """A matrix that cannot be read through an scp file; the message names the file and the key."""


def read_matrix(where: str, key: str, table: str | Path) -> np.ndarray:
    """The matrix at ``where`` (``path:offset``), listed under ``key`` in the scp file ``table``.

    kaldi-io would run ``where`` as a shell command if it began or ended
    with ``|`` (Kaldi's piped form): such entries are refused. Features and
    their statistics are finite, so NaN or inf is refused too.
    """
    if where.strip().startswith("|") or where.strip().endswith("|"):
        raise ArkError(f"{table}: '{key}': {where!r} is a shell command, not an archive position")
    try:
        mat = kaldi_io.read_mat(where)
    except Exception as e:  # kaldi_io raises anything from OSError to a bare Exception
        raise ArkError(f"{table}: '{key}': cannot read a Kaldi matrix at {where} ({e or type(e).__name__})") from None
    bad = ~np.isfinite(mat).all(axis=tuple(range(1, mat.ndim)))
    if bad.any():
        raise ArkError(f"{table}: '{key}': NaN or inf in row {int(np.argmax(bad))}")
    return mat


def read_scp_matrices(scp: dict[str, str], table: str | Path = "scp"):
    """Yield (key, matrix) for the entries ``path:offset`` of the scp file ``table``, in the given order."""
    for key, where in scp.items():
        yield key, read_matrix(where, key, table)


def read_ark_matrices(path: Path):
    yield from kaldi_io.read_mat_ark(str(path))
