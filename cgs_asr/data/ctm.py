"""Word time marks in Kaldi's CTM layout: ``utt channel start duration word`` (seconds), one word a line."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from cgs_asr.atomic import atomic_write_text


@dataclass(frozen=True)
class WordTime:
    word: str
    start: float  # seconds
    end: float


def read_ctm(path: str | Path) -> dict[str, list[WordTime]]:
    """utterance -> its words in time order; a malformed line stops with its file and line number."""
    words: dict[str, list[WordTime]] = {}
    with open(path, encoding="utf-8") as f:
        for lineno, line in enumerate(f, start=1):
            fields = line.split()
            if not fields:
                continue
            try:
                utt, _, start, duration, word = fields[:5]
                start, duration = float(start), float(duration)
            except ValueError:
                raise ValueError(f"{path}:{lineno}: expected 'utt channel start duration word', "
                                 f"got {line.rstrip()!r}") from None
            if start < 0 or duration < 0:
                raise ValueError(f"{path}:{lineno}: negative start or duration")
            words.setdefault(utt, []).append(WordTime(word, start, start + duration))
    return {utt: sorted(ws, key=lambda w: w.start) for utt, ws in words.items()}


def write_ctm(path: str | Path, words: dict[str, list[WordTime]]) -> None:
    lines = [f"{utt} 1 {w.start:.3f} {w.end - w.start:.3f} {w.word}" for utt, ws in words.items() for w in ws]
    atomic_write_text(path, "".join(line + "\n" for line in lines))
