"""Word boundaries from a transition-id alignment (what Kaldi gets from word-position phones).

The lang dirs here have no word-position-dependent phones, so the words are
recovered by matching the aligned phone sequence, optional silences removed,
against the transcript's pronunciations in order (a word with several
pronunciations takes the one that lets the rest of the sentence match).
Phones are split as Kaldi's SplitToPhones does for alignments with
reordered self-loops: a phone starts at a frame of its HMM state 0 that is
not a self-loop, which also separates two instances of one phone.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from cgs_asr.data.ctm import WordTime
from cgs_asr.kaldi import khg


@dataclass(frozen=True)
class PhoneSegment:
    phone: int
    start: int  # first frame
    end: int    # one past the last frame


def phone_segments(trans_model: khg.TransitionModel, tids: np.ndarray) -> list[PhoneSegment]:
    tuples = np.array([[0, 0, 0, 0]] + [t.__getstate__() for t in trans_model.tuples])
    states = tuples[np.asarray(trans_model.id2state)]  # per transition-id: phone, hmm state, pdfs
    self_loop = np.array([False] + [trans_model.is_self_loop(t)
                                    for t in range(1, trans_model.num_transition_ids + 1)])
    tids = np.asarray(tids, dtype=np.int64)
    starts = (states[tids, 1] == 0) & ~self_loop[tids]
    starts[0] = True
    bounds = np.append(np.flatnonzero(starts), len(tids))
    return [PhoneSegment(int(states[tids[s], 0]), int(s), int(e)) for s, e in zip(bounds[:-1], bounds[1:])]


def word_segments(phones: list[PhoneSegment], words: list[str], prons: dict[str, list[tuple[int, ...]]],
                  silence: set[int]) -> list[tuple[str, int, int]] | None:
    """(word, first frame, end frame) of each transcript word, or None if no pronunciations match.

    ``prons`` maps each word to its pronunciations as phone ids; phones in
    ``silence`` (the optional silence) are left out before matching.
    """
    spoken = [p for p in phones if p.phone not in silence]
    sequence = tuple(p.phone for p in spoken)
    failed: set[tuple[int, int]] = set()  # (word index, phone index) known not to lead to a match

    def match(w: int, i: int) -> list[tuple[int, int]] | None:
        if w == len(words):
            return [] if i == len(sequence) else None
        if (w, i) in failed:
            return None
        for pron in prons.get(words[w], []):
            if sequence[i:i + len(pron)] == pron:
                rest = match(w + 1, i + len(pron))
                if rest is not None:
                    return [(i, i + len(pron))] + rest
        failed.add((w, i))
        return None

    spans = match(0, 0)
    if spans is None:
        return None
    return [(word, spoken[a].start, spoken[b - 1].end) for word, (a, b) in zip(words, spans)]


def to_word_times(segments: list[tuple[str, int, int]], frame_shift: float = 0.01) -> list[WordTime]:
    return [WordTime(word, start * frame_shift, end * frame_shift) for word, start, end in segments]
