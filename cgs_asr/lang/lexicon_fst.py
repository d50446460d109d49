"""The lexicon transducer L (phones -> words) with optional silence, as Kaldi builds it.

Follows Kaldi's add_lex_disambig.pl and make_lexicon_fst.py: a pronunciation
that is shared by several words or is a prefix of another gets a
disambiguation symbol ``#1``, ``#2``, ... appended, so L o G can be
determinized. Between words (and at the start) silence is optional with
probability ``sil_prob``; in L_disambig the silence path carries one more
disambiguation symbol after ``sil``, and ``#0`` self-loops (from G's back-off
arcs) are added where words are emitted.
"""
from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping, Sequence

from cgs_asr.kaldi import kaldifst

Entry = tuple[str, tuple[str, ...]]  # (word, phones), phones may end in a #k symbol


def add_lexicon_disambig(entries: Sequence[Entry]) -> tuple[list[Entry], int]:
    """Append ``#k`` where a pronunciation is ambiguous; return the entries and the largest k used."""
    count = Counter(pron for _, pron in entries)
    prefixes = {pron[:i] for _, pron in entries for i in range(1, len(pron))}
    last_used: dict[tuple[str, ...], int] = {}
    out: list[Entry] = []
    for word, pron in entries:
        if count[pron] == 1 and pron not in prefixes:
            out.append((word, pron))
            continue
        last_used[pron] = last_used.get(pron, 0) + 1
        out.append((word, pron + (f"#{last_used[pron]}",)))
    return out, max(last_used.values(), default=0)


def _arc(fst, src: int, dest: int, ilabel: int, olabel: int, cost: float) -> None:
    fst.add_arc(src, kaldifst.StdArc(ilabel, olabel, cost, dest))


def make_lexicon_fst(entries: Sequence[Entry], phones: Mapping[str, int], words: Mapping[str, int],
                     sil_phone: str, sil_prob: float, sil_disambig: str | None = None
                     ) -> kaldifst.StdVectorFst:
    """L as an FST with integer labels (input phones, output words), arc-sorted by output label.

    ``sil_prob`` 0 gives a plain word loop without silence.
    """
    if not 0.0 <= sil_prob < 1.0:
        raise ValueError(f"sil_prob must be in [0, 1), got {sil_prob}")
    fst = kaldifst.StdVectorFst()
    start = fst.add_state()
    fst.start = start
    if sil_prob == 0.0:
        loop = start
        word_exits = [(loop, 0.0)]
    else:
        sil_cost, no_sil_cost = -math.log(sil_prob), -math.log(1.0 - sil_prob)
        loop, sil = fst.add_state(), fst.add_state()
        _arc(fst, start, loop, 0, 0, no_sil_cost)
        _arc(fst, start, sil, 0, 0, sil_cost)
        if sil_disambig is None:
            _arc(fst, sil, loop, phones[sil_phone], 0, 0.0)
        else:
            disambig = fst.add_state()
            _arc(fst, sil, disambig, phones[sil_phone], 0, 0.0)
            _arc(fst, disambig, loop, phones[sil_disambig], 0, 0.0)
        word_exits = [(loop, no_sil_cost), (sil, sil_cost)]

    for word, pron in entries:
        src, word_id = loop, words[word]
        for phone in pron[:-1]:
            dest = fst.add_state()
            _arc(fst, src, dest, phones[phone], word_id, 0.0)
            src, word_id = dest, 0
        for dest, cost in word_exits:
            _arc(fst, src, dest, phones[pron[-1]], word_id, cost)
    fst.set_final(loop, 0.0)
    kaldifst.arcsort(fst, sort_type="olabel")
    return fst


def add_word_disambig_loops(fst: kaldifst.StdVectorFst, phone_id: int, word_id: int) -> None:
    """Let G's ``#0`` back-off symbol pass through L (Kaldi's fstaddselfloops), keeping olabel order."""
    kaldifst.add_self_loops(fst, isyms=[phone_id], osyms=[word_id])
    kaldifst.arcsort(fst, sort_type="olabel")
