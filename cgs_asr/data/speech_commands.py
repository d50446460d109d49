"""Data dirs from a folder in the Speech Commands layout (Warden 2018).

``<root>/<word>/<speaker>_nohash_<n>.wav``, one spoken word per file (16 kHz,
about 1 s), with ``validation_list.txt`` and ``testing_list.txt`` naming the
files (``<word>/<file>.wav``) of the dev and test splits; every other file
is training data. Folders starting with ``_`` (``_background_noise_``) are
not words and are left out. Utterance ids are ``<speaker>-<word>-<n>`` so
they sort with their speaker; the text is the word (the keywords of
:mod:`cgs_asr.data.text.keywords` or any other word, a filler for KWS).
"""
from __future__ import annotations

import re
from pathlib import Path

from cgs_asr.data.datadir import DataDir, DataDirError, write_data_dir

SPLITS = ("train", "dev", "test")
LIST_FILES = {"dev": "validation_list.txt", "test": "testing_list.txt"}
_NAME = re.compile(r"^([0-9A-Za-z]+)_nohash_(\d+)\.wav$")
_WORD = re.compile(r"^[a-z]+$")


def _read_list(path: Path) -> set[str]:
    if not path.is_file():
        raise DataDirError(f"{path}: missing (the Speech Commands layout has validation_list.txt and "
                           f"testing_list.txt beside the word folders)")
    return {line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()}


def scan_speech_commands(root: Path) -> dict[str, list[tuple[str, str, str, Path]]]:
    """split -> [(speaker, word, n, path)]; files that do not fit the layout are errors."""
    root = Path(root)
    if not root.is_dir():
        raise DataDirError(f"{root}: no such folder")
    lists = {split: _read_list(root / name) for split, name in LIST_FILES.items()}
    both = lists["dev"] & lists["test"]
    if both:
        raise DataDirError(f"{root}: {sorted(both)[0]} is in both {LIST_FILES['dev']} and {LIST_FILES['test']}")
    found: dict[str, list[tuple[str, str, str, Path]]] = {s: [] for s in SPLITS}
    bad, seen = [], set()
    for folder in sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith("_")):
        if not _WORD.match(folder.name):
            bad.append(f"{folder.name}/ (not a lower-case word)")
            continue
        for path in sorted(folder.glob("*.wav")):
            match = _NAME.match(path.name)
            if not match:
                bad.append(f"{folder.name}/{path.name}")
                continue
            relative = f"{folder.name}/{path.name}"
            seen.add(relative)
            split = "dev" if relative in lists["dev"] else "test" if relative in lists["test"] else "train"
            found[split].append((match.group(1), folder.name, match.group(2), path.resolve()))
    if bad:
        raise DataDirError(f"{root}: not in the layout <word>/<speaker>_nohash_<n>.wav: {', '.join(bad[:5])}"
                           + (f" and {len(bad) - 5} more" if len(bad) > 5 else ""))
    for split, names in lists.items():
        missing = sorted(names - seen)
        if missing:
            raise DataDirError(f"{root / LIST_FILES[split]}: lists {len(missing)} file(s) not found, "
                               f"e.g. {missing[0]}")
    return found


def make_speech_commands_data_dirs(root: Path, out: Path) -> dict[str, DataDir]:
    """``<out>/{train,dev,test}`` data dirs; a split with no files is an error."""
    dirs = {}
    for split, files in scan_speech_commands(root).items():
        if not files:
            raise DataDirError(f"{root}: no recordings in the {split} split")
        data = DataDir(Path(out) / split, {"wav.scp": {}, "text": {}, "utt2spk": {}})
        for speaker, word, n, path in files:
            utt = f"{speaker}-{word}-{n}"
            data.tables["wav.scp"][utt] = str(path)
            data.tables["text"][utt] = word
            data.tables["utt2spk"][utt] = speaker
        write_data_dir(data, data.path)
        dirs[split] = data
    return dirs
