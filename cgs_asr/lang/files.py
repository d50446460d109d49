"""Reading and atomically writing the small files of a lang or graph dir.

Every write goes to a temporary file in the target directory and is renamed
into place, so a crash never leaves a half-written file that a later stage
could take for output.
"""
from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path

from cgs_asr.kaldi import kaldifst


def _temp_path_beside(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.fchmod(fd, 0o644)  # mkstemp makes files private; outputs are ordinary files
    os.close(fd)
    return Path(tmp)


def atomic_write_text(path: str | Path, text: str) -> None:
    path = Path(path)
    tmp = _temp_path_beside(path)
    try:
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def atomic_write_bytes(path: str | Path, data: bytes) -> None:
    path = Path(path)
    tmp = _temp_path_beside(path)
    try:
        tmp.write_bytes(data)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def write_lines(path: str | Path, lines: Iterable[object]) -> None:
    atomic_write_text(path, "".join(f"{line}\n" for line in lines))


def write_fst(fst, path: str | Path) -> None:
    """Write an FST in OpenFst binary form (readable by Kaldi's binaries)."""
    path = Path(path)
    tmp = _temp_path_beside(path)
    try:
        if not fst.write(str(tmp)):
            raise OSError(f"{path}: could not write FST")
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def read_fst(path: str | Path) -> kaldifst.StdVectorFst:
    if not Path(path).is_file():
        raise FileNotFoundError(f"{path}: no such FST file")
    fst = kaldifst.StdVectorFst.read(str(path))
    if fst is None:
        raise ValueError(f"{path}: not a readable OpenFst vector FST")
    return fst


def write_symbol_table(path: str | Path, table: Mapping[str, int]) -> None:
    """``symbol id`` lines in id order (phones.txt, words.txt)."""
    write_lines(path, (f"{sym} {i}" for sym, i in sorted(table.items(), key=lambda kv: kv[1])))


def read_symbol_table(path: str | Path) -> dict[str, int]:
    table: dict[str, int] = {}
    with open(path, encoding="utf-8") as f:
        for lineno, line in enumerate(f, start=1):
            fields = line.split()
            if len(fields) != 2 or not fields[1].isdigit():
                raise ValueError(f"{path}:{lineno}: expected 'symbol id', got {line.rstrip()!r}")
            if fields[0] in table:
                raise ValueError(f"{path}:{lineno}: symbol '{fields[0]}' appears twice")
            table[fields[0]] = int(fields[1])
    return table


def read_int_list(path: str | Path) -> list[int]:
    """A Kaldi ``.int`` list file: one integer (or a line of integers) per line, flattened."""
    values: list[int] = []
    with open(path, encoding="utf-8") as f:
        for lineno, line in enumerate(f, start=1):
            try:
                values.extend(int(v) for v in line.split())
            except ValueError:
                raise ValueError(f"{path}:{lineno}: expected integers, got {line.rstrip()!r}") from None
    return values
