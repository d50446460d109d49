"""Kaldi data directories: read, write, validate, split, subset, combine.

A data dir holds one utterance per line in each of ``wav.scp``, ``text`` and
``utt2spk`` (plus ``spk2utt``, optionally ``segments``), sorted by id in the C
locale, UTF-8. Other files (``feats.scp``, ``cmvn.scp``, ``spk2voice``,
``word_timings.ctm``...) may sit beside them; the tables that are keyed by
utterance or by speaker are carried along by subset, split and combine.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from cgs_asr.atomic import atomic_write_text
from cgs_asr.data.audio import read_audio_info

# Tables keyed by utterance id / by speaker id that travel with the utterances.
UTT_TABLES = ("wav.scp", "text", "utt2spk", "feats.scp", "utt2dur", "utt2num_frames", "utt2augment")
SPK_TABLES = ("spk2utt", "cmvn.scp", "spk2voice", "spk2gender")


class DataDirError(ValueError):
    """Bad input in a data dir; the message names every file and line at fault."""


@dataclass
class DataDir:
    """An in-memory data dir: ordered tables of id -> value."""

    path: Path
    tables: dict[str, dict[str, str]] = field(default_factory=dict)

    @property
    def utts(self) -> list[str]:
        return sorted(self.tables["utt2spk"], key=str.encode)

    @property
    def utt2spk(self) -> dict[str, str]:
        return self.tables["utt2spk"]

    @property
    def text(self) -> dict[str, str]:
        return self.tables["text"]

    @property
    def wav_scp(self) -> dict[str, str]:
        return self.tables["wav.scp"]

    def spk2utt(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for utt in sorted(self.utt2spk, key=str.encode):
            out.setdefault(self.utt2spk[utt], []).append(utt)
        return dict(sorted(out.items(), key=lambda item: item[0].encode()))


def read_table(path: Path, problems: list[str] | None = None,
               allow_empty_value: bool = False) -> dict[str, str]:
    """Read ``id value`` lines. Problems are appended to ``problems`` if given, else raised."""
    own = problems is None
    problems = [] if own else problems
    table: dict[str, str] = {}
    try:
        raw = Path(path).read_bytes()
    except OSError as e:
        problems.append(f"{path}: cannot read ({e.strerror})")
        raw = b""
    previous = None
    for lineno, line in enumerate(raw.split(b"\n"), start=1):
        if not line.strip():
            continue
        where = f"{path}:{lineno}"
        try:
            decoded = line.decode("utf-8")
        except UnicodeDecodeError:
            problems.append(f"{where}: not valid UTF-8")
            continue
        key, _, value = decoded.strip().partition(" ")
        value = value.strip()
        if not value and not allow_empty_value:
            problems.append(f"{where}: '{key}' has an empty value")
        if key in table:
            problems.append(f"{where}: duplicate id '{key}'")
            continue
        if previous is not None and key.encode() < previous.encode():
            problems.append(f"{where}: '{key}' is out of order (not sorted in the C locale)")
        previous = key
        table[key] = value
    if own and problems:
        raise DataDirError("\n".join(problems))
    return table


def write_table(path: Path, table: dict[str, str]) -> None:
    """Write ``id value`` lines sorted in the C locale, atomically."""
    atomic_write_text(path, "".join(f"{key} {table[key]}\n" for key in sorted(table, key=str.encode)))


def validate_data_dir(path: Path, check_audio: bool = True) -> list[str]:
    """Return every problem found in a data dir, each naming its file and line."""
    path = Path(path)
    problems: list[str] = []
    if not path.is_dir():
        return [f"{path}: not a directory"]
    tables = {}
    for name in ("wav.scp", "text", "utt2spk", "spk2utt"):
        if not (path / name).is_file():
            problems.append(f"{path / name}: missing")
            continue
        tables[name] = read_table(path / name, problems)
    if "utt2spk" in tables:
        utts = set(tables["utt2spk"])
        for name in ("wav.scp", "text"):
            if name in tables and set(tables[name]) != utts:
                missing = sorted(utts - set(tables[name]))
                extra = sorted(set(tables[name]) - utts)
                if missing:
                    problems.append(f"{path / name}: no line for {_some(missing)} (listed in utt2spk)")
                if extra:
                    problems.append(f"{path / name}: {_some(extra)} not in utt2spk")
        for utt, spk in tables["utt2spk"].items():
            if not utt.startswith(spk):
                problems.append(f"{path / 'utt2spk'}: utterance '{utt}' does not start with its speaker id "
                                f"'{spk}' (Kaldi needs this so both sort alike)")
                break
        if "spk2utt" in tables:
            expected = {}
            for utt, spk in tables["utt2spk"].items():
                expected.setdefault(spk, []).append(utt)
            got = {spk: v.split() for spk, v in tables["spk2utt"].items()}
            if got != expected:
                problems.append(f"{path / 'spk2utt'}: does not match utt2spk (rebuild it from utt2spk)")
    if "wav.scp" in tables and check_audio:
        for lineno, (utt, value) in enumerate(tables["wav.scp"].items(), start=1):
            if value.endswith("|"):
                continue  # a command: checked when it is run, if the user allows commands
            try:
                read_audio_info(value)
            except (OSError, RuntimeError, ValueError) as e:
                problems.append(f"{path / 'wav.scp'}: '{utt}': {value}: {e}")
    return problems


def _some(ids: list[str], n: int = 5) -> str:
    shown = ", ".join(f"'{i}'" for i in ids[:n])
    return shown + (f" and {len(ids) - n} more" if len(ids) > n else "")


def load_data_dir(path: Path, check_audio: bool = False) -> DataDir:
    """Validate and read a data dir; raise DataDirError listing all problems."""
    path = Path(path)
    problems = validate_data_dir(path, check_audio=check_audio)
    if problems:
        raise DataDirError("\n".join(problems))
    data = DataDir(path)
    for name in UTT_TABLES + SPK_TABLES:
        if (path / name).is_file():
            data.tables[name] = read_table(path / name)
    return data


def write_data_dir(data: DataDir, path: Path) -> None:
    """Write all tables of ``data`` to ``path`` (spk2utt rebuilt from utt2spk)."""
    path = Path(path)
    path.mkdir(parents=True, exist_ok=True)
    tables = dict(data.tables)
    tables["spk2utt"] = {spk: " ".join(utts) for spk, utts in data.spk2utt().items()}
    for name, table in tables.items():
        write_table(path / name, table)


def subset_data_dir(data: DataDir, utts: list[str] | set[str], path: Path) -> DataDir:
    """Keep only ``utts`` (and the speakers they belong to); write it to ``path``."""
    keep = set(utts)
    unknown = keep - set(data.utts)
    if unknown:
        raise DataDirError(f"{data.path}: cannot subset, unknown utterances {_some(sorted(unknown))}")
    speakers = {data.utt2spk[u] for u in keep}
    sub = DataDir(Path(path))
    for name, table in data.tables.items():
        if name == "spk2utt":
            continue
        wanted = speakers if name in SPK_TABLES else keep
        sub.tables[name] = {k: v for k, v in table.items() if k in wanted}
    write_data_dir(sub, path)
    return sub


def split_data_dir(data: DataDir, num_jobs: int, per_utt: bool = False) -> list[Path]:
    """Split into ``split<N>/<1..N>`` under the data dir, as Kaldi's split_data.sh.

    By default whole speakers go to one part (so per-speaker CMVN stays whole),
    balanced by utterance count; ``per_utt`` splits utterances evenly instead.
    An existing split that is newer than utt2spk is reused.
    """
    root = data.path / f"split{num_jobs}{'utt' if per_utt else ''}"
    parts = [root / str(j + 1) for j in range(num_jobs)]
    stamp = root / ".done"
    if stamp.is_file() and stamp.stat().st_mtime >= (data.path / "utt2spk").stat().st_mtime:
        return parts
    units = [[u] for u in data.utts] if per_utt else list(data.spk2utt().values())
    if len(units) < num_jobs:
        what = "utterances" if per_utt else "speakers"
        raise DataDirError(f"{data.path}: cannot split {len(units)} {what} into {num_jobs} jobs")
    total = sum(len(u) for u in units)
    groups: list[list[str]] = [[] for _ in range(num_jobs)]
    done = j = 0
    for i, unit in enumerate(units):
        # Contiguous and balanced: move on one part at a time towards where
        # this unit's first utterance falls, never leaving a part empty.
        if groups[j] and done * num_jobs // total > j:
            j += 1
        j = max(j, num_jobs - (len(units) - i))
        groups[j].extend(unit)
        done += len(unit)
    for part, utts in zip(parts, groups):
        subset_data_dir(data, utts, part)
    stamp.touch()
    return parts


def combine_data_dirs(sources: list[DataDir], path: Path) -> DataDir:
    """Concatenate data dirs; ids must be unique across them."""
    out = DataDir(Path(path))
    names = set.intersection(*(set(d.tables) for d in sources)) - {"spk2utt"}
    for name in sorted(names):
        merged: dict[str, str] = {}
        for d in sources:
            for key, value in d.tables[name].items():
                if name in UTT_TABLES and key in merged:
                    raise DataDirError(f"{d.path / name}: id '{key}' also occurs in another source")
                merged[key] = value
        out.tables[name] = merged
    write_data_dir(out, path)
    return out
