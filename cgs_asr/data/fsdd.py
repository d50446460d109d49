"""Data dirs from a folder in the Free Spoken Digit Dataset layout.

``<root>/recordings/{digit}_{speaker}_{index}.wav``: one spoken digit per file
(0-9, spoken "zero" ... "nine"), 8 kHz mono. Utterance ids are
``<speaker>-<digit>-<index>`` so that they sort with their speaker, as Kaldi
requires; the audio stays where it is (wav.scp holds absolute paths).
"""
from __future__ import annotations

import re
from pathlib import Path

from cgs_asr.data.datadir import DataDir, DataDirError, write_data_dir

DIGIT_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
_NAME = re.compile(r"^(\d)_([A-Za-z0-9]+)_(\d+)\.wav$")


def scan_recordings(root: Path) -> dict[str, list[tuple[str, str, Path]]]:
    """speaker -> [(digit word, index, path)], from ``<root>/recordings``; bad names are errors."""
    folder = Path(root) / "recordings"
    if not folder.is_dir():
        raise DataDirError(f"{folder}: no such folder (expected the FSDD layout <dir>/recordings/*.wav)")
    speakers: dict[str, list[tuple[str, str, Path]]] = {}
    bad = []
    for path in sorted(folder.iterdir()):
        match = _NAME.match(path.name)
        if not match:
            bad.append(path.name)
            continue
        digit, speaker, index = match.groups()
        speakers.setdefault(speaker, []).append((DIGIT_WORDS[int(digit)], index, path.resolve()))
    if bad:
        raise DataDirError(f"{folder}: files not named <digit>_<speaker>_<index>.wav: {', '.join(bad[:5])}"
                           + (f" and {len(bad) - 5} more" if len(bad) > 5 else ""))
    return speakers


def make_fsdd_data_dir(root: Path, speakers: list[str], out: Path) -> DataDir:
    """A data dir of the given speakers' recordings."""
    found = scan_recordings(root)
    missing = [s for s in speakers if s not in found]
    if missing:
        raise DataDirError(f"{Path(root) / 'recordings'}: no recordings of speaker(s) {', '.join(missing)} "
                           f"(present: {', '.join(sorted(found))})")
    data = DataDir(Path(out), {"wav.scp": {}, "text": {}, "utt2spk": {}})
    for speaker in speakers:
        for word, index, path in found[speaker]:
            utt = f"{speaker}-{word}-{index}"
            data.tables["wav.scp"][utt] = str(path)
            data.tables["text"][utt] = word
            data.tables["utt2spk"][utt] = speaker
    write_data_dir(data, out)
    return data
