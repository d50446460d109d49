"""Utterances for the keyword-spotting (KWS) task, with their keyword labels.

Ten keywords; every other word is a filler. The mix (weights of the
``utterance`` rule): 40 % isolated keywords (the utterance is the keyword
alone), 20 % filler-only utterances, 25 % with one keyword and 15 % with two
keywords inside carrier phrases, at the start, in the middle or at the end.

Labelling rule: **every keyword token in the text counts**, whatever its sense
or position ("turn on", "sit down" and "go" in "please go" are all keyword
occurrences). Carrier and filler phrases are built only from filler words,
which are never keywords, never sound like one and never begin or end with a
keyword's pronunciation ("know", "write", "gold", "cup" are excluded), so a
keyword occurs only where the generator puts one and the label of an
utterance is exactly its keyword tokens, in order. Filler-only utterances
reuse the carriers with a filler word in the keyword's place ("please
remember", "the word is tiger"), which makes them hard negatives.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from . import wordlists as wl
from .commands import Grammar

KEYWORDS = ("yes", "no", "up", "down", "left", "right", "on", "off", "stop", "go")


@dataclass(frozen=True)
class KwsUtterance:
    text: str
    keywords: tuple[str, ...]  # the keyword occurrences in ``text``, in order


_RULES: dict[str, tuple[str | tuple[float, str], ...]] = {
    "utterance": (
        (40, "<keyword>"),
        (20, "<no_keyword>"),
        (25, "<one_keyword>"),
        (15, "<two_keywords>"),
    ),
    "keyword": KEYWORDS,
    "one_keyword": ("<lead> <keyword>", "<keyword> <trail>", "<lead> <keyword> <trail>"),
    "two_keywords": (
        (2, "<keyword> <keyword>"),
        "<lead> <keyword> <keyword>",
        "<keyword> <keyword> <trail>",
        (2, "<keyword> <bridge> <keyword>"),
        "<lead> <keyword> <bridge> <keyword>",
        "<keyword> <bridge> <keyword> <trail>",
        "<lead> <keyword> <trail> and <keyword>",
    ),
    "no_keyword": (
        (3, "<clause>"),
        "<clause> and <clause>",
        (2, "<lead> <stand_in>"),
        "<stand_in> <trail>",
        "<lead> <stand_in> <trail>",
        "<stand_in>",
    ),
    # A filler word where a keyword could stand.
    "stand_in": ("<noun>", "<adjective>", "<verb_base>", "<name>", "<time>"),

    # Carrier phrases: what comes before, between and after keywords.
    "lead": (
        (3, "please"), "say", "i said", "<subject> said", "the word is", "the next word is",
        "i think it was", "<name> told us to", "you have to", "the sign said", "<name> shouted",
        "we heard", "then", "maybe", "listen", "okay", "now", "just", "turn", "move", "look",
        "jump", "switch it", "slow", "sit", "come", "lie", "put it", "<clause> and",
        "<clause> so", "when the <noun> <verb_past> <subject> said",
    ),
    "trail": (
        (3, "please"), "now", "again", "for me", "one more time", "quickly", "to the <noun>",
        "when you are ready", "after the <noun>", "and <clause>", "then <clause>",
        "said <name>", "<name>", "at the <noun>", "before the <noun> <verb_past> <object>",
        "<time>",
    ),
    "bridge": ("and", "then", "and then", "or", "not", "but", "after that", "and also", "please"),

    # Filler clauses.
    "clause": (
        "<subject> <verb_past> <object> <time>?",
        "<subject> <verb_past> <object> <preposition> <object>",
        "<subject> <modal> <verb_base> <object> <time>?",
        "<verb_base> <object> <preposition> <object>",
        "<object> was <adjective> <time>?",
        "<subject> <verb_past> <preposition> <object>",
    ),
    "subject": ("i", "we", "they", "she", "he", "you", "<name>", "the <noun>", "my <noun>"),
    "object": (
        (3, "the <adjective>? <noun>"), "<name>", "a <adjective>? <noun>", "my <noun>",
        "<determiner> <noun>",
    ),
    "determiner": ("this", "that", "some", "every", "each", "our", "their", "his", "her"),
    "modal": ("will", "should", "could", "might", "can", "must", "did"),
    "noun": wl.FILLER_NOUNS,
    "adjective": wl.FILLER_ADJECTIVES,
    "verb_past": wl.FILLER_VERBS_PAST,
    "verb_base": wl.FILLER_VERBS_BASE,
    "name": wl.FILLER_NAMES,
    "preposition": wl.FILLER_PREPOSITIONS,
    "time": wl.FILLER_TIMES,
}

GRAMMAR = Grammar(_RULES, start="utterance")


def generate_utterances(n: int, seed: int) -> list[KwsUtterance]:
    """``n`` labelled utterances, the same for the same ``seed``."""
    rng = random.Random(seed)
    utterances = []
    for _ in range(n):
        words = GRAMMAR.sample(rng)
        found = tuple(word for word in words if word in KEYWORDS)
        utterances.append(KwsUtterance(" ".join(words), found))
    return utterances


def vocabulary() -> frozenset[str]:
    """Every word the KWS generator can emit: the keywords and the fillers."""
    return GRAMMAR.vocabulary()
