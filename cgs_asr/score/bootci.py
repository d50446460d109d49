"""How sure a %WER is, and whether one system really beats another on the same test set.

As Kaldi's ``compute-wer-bootci`` (Bisani and Ney, ICASSP 2004): the test
utterances are resampled with replacement, and each replicate's %WER is its
errors over its reference words. Scored on the same utterances, two systems
share every replicate, which gives the interval of their difference and the
probability that the second is better (the share of replicates in which it
makes fewer errors). The replicates are drawn here, not by
``scipy.stats.bootstrap``, because both systems' intervals, the difference
and that probability must come from the very same replicates.

Sentence errors are compared with McNemar's exact test: only the sentences
that one system gets right and the other wrong tell them apart.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy.stats import binomtest

from cgs_asr.score.wer import ErrorStats

CHUNK = 1000  # replicates drawn at a time, so memory stays bounded on large test sets


@dataclass(frozen=True)
class Interval:
    value: float  # on the test set itself
    low: float
    high: float


@dataclass(frozen=True)
class BootstrapResult:
    confidence: float
    resamples: int
    wer: tuple[Interval, ...]           # each system's %WER
    difference: Interval | None         # %WER of the second system minus the first's
    prob_improvement: float | None      # share of replicates in which the second makes fewer errors


def bootstrap_wer(systems: Sequence[ErrorStats], resamples: int = 10000, confidence: float = 0.95,
                  seed: int = 0) -> BootstrapResult:
    """Bootstrap intervals of one or two systems' %WER (two: also of their difference), from per-utterance errors."""
    if len(systems) not in (1, 2):
        raise ValueError(f"bootstrap intervals compare one or two systems, not {len(systems)}")
    if resamples < 1 or not 0 < confidence < 1:
        raise ValueError(f"need at least one resample and a confidence in (0, 1), not {resamples} and {confidence}")
    _require_same_utterances(systems)
    words = np.array([u.num_ref_words for u in systems[0].utterances])
    if words.sum() == 0:
        raise ValueError("no reference words to score")
    errors = np.array([[u.num_errors for u in s.utterances] for s in systems])  # systems x utterances
    rng = np.random.default_rng(seed)
    replicate_errors, replicate_words = [], []
    for start in range(0, resamples, CHUNK):
        picks = rng.integers(0, len(words), size=(min(CHUNK, resamples - start), len(words)))
        replicate_errors.append(errors[:, picks].sum(axis=2))
        replicate_words.append(words[picks].sum(axis=1))
    rep_errors, rep_words = np.concatenate(replicate_errors, axis=1), np.concatenate(replicate_words)
    rep_wer = 100 * rep_errors / np.maximum(rep_words, 1)   # a replicate without reference words divides by 1
    tails = 100 * np.array([(1 - confidence) / 2, (1 + confidence) / 2])

    def interval(value: float, replicates: np.ndarray) -> Interval:
        low, high = np.percentile(replicates, tails)
        return Interval(float(value), float(low), float(high))

    wer = tuple(interval(s.wer, r) for s, r in zip(systems, rep_wer))
    if len(systems) == 1:
        return BootstrapResult(confidence, resamples, wer, None, None)
    difference = interval(systems[1].wer - systems[0].wer, rep_wer[1] - rep_wer[0])
    return BootstrapResult(confidence, resamples, wer, difference, float(np.mean(rep_errors[1] < rep_errors[0])))


@dataclass(frozen=True)
class McNemar:
    only_first: int    # sentences right in the first system only
    only_second: int   # right in the second only
    p_value: float     # exact two-sided: how likely a split at least this uneven is if both were equally good


def mcnemar_sentences(first: ErrorStats, second: ErrorStats) -> McNemar:
    """McNemar's exact test on which sentences each system gets entirely right."""
    _require_same_utterances([first, second])
    right = [[u.num_errors == 0 for u in s.utterances] for s in (first, second)]
    only_first = sum(a and not b for a, b in zip(*right))
    only_second = sum(b and not a for a, b in zip(*right))
    discordant = only_first + only_second
    p = binomtest(only_first, discordant, 0.5).pvalue if discordant else 1.0
    return McNemar(only_first, only_second, float(p))


def _require_same_utterances(systems: Sequence[ErrorStats]) -> None:
    utts = [u.utt for u in systems[0].utterances]
    if any([u.utt for u in s.utterances] != utts for s in systems[1:]):
        raise ValueError("the systems were scored on different utterances")


def format_bootci(result: BootstrapResult, mcnemar: McNemar | None = None) -> str:
    """Kaldi compute-wer-bootci's lines, the difference's interval, and McNemar's test of the sentence errors."""
    level = f"{100 * result.confidence:g}%"
    lines = [f"Set{k + 1}: %WER {w.value:.2f} {level} Conf Interval [ {w.low:.2f}, {w.high:.2f} ]"
             for k, w in enumerate(result.wer)]
    if result.difference is not None:
        d = result.difference
        lines.append(f"Set2 - Set1: %WER {d.value:+.2f} {level} Conf Interval [ {d.low:+.2f}, {d.high:+.2f} ]")
        lines.append(f"Probability of Set2 improving Set1: {100 * result.prob_improvement:.1f}%")
    if mcnemar is not None:
        lines.append(f"Sentences right in Set1 only: {mcnemar.only_first}, in Set2 only: {mcnemar.only_second}; "
                     f"McNemar exact p = {mcnemar.p_value:.3g}")
    return "\n".join(lines) + "\n"
