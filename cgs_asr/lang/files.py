"""Reading and atomically writing the small files of a lang or graph dir (see :mod:`cgs_asr.atomic`)."""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

from cgs_asr.atomic import atomic_path, atomic_write_bytes, atomic_write_text  # noqa: F401 (re-exported)
from cgs_asr.kaldi import kaldifst


def write_lines(path: str | Path, lines: Iterable[object]) -> None:
    atomic_write_text(path, "".join(f"{line}\n" for line in lines))


def write_fst(fst, path: str | Path) -> None:
    """Write an FST in OpenFst binary form (readable by Kaldi's binaries)."""
    with atomic_path(path) as tmp:
        if not fst.write(str(tmp)):
            raise OSError(f"{path}: could not write FST")


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
