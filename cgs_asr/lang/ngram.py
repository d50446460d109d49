"""Word n-gram language model: interpolated modified Kneser-Ney, ARPA output, perplexity.

Smoothing (Chen & Goodman 1998, as KenLM's lmplz and SRILM's
``-kndiscount -interpolate``): every order has three discounts D1, D2, D3+
for n-grams seen once, twice, three or more times, estimated from that
order's counts-of-counts n1..n4::

    Y = n1 / (n1 + 2 n2),  D1 = 1 - 2Y n2/n1,  D2 = 2 - 3Y n3/n2,  D3+ = 3 - 4Y n4/n3

The highest order uses raw counts; a lower order uses continuation counts
(how many distinct words precede the n-gram), except n-grams starting with
``<s>``, which nothing can precede, keep raw counts. The estimate is::

    p(w|h) = max(c(hw) - D(c(hw)), 0) / c(h.) + gamma(h) p(w|h')
    gamma(h) = (D1 N1(h.) + D2 N2(h.) + D3+ N3+(h.)) / c(h.)

and unigrams interpolate with the uniform distribution over the vocabulary,
so words of the vocabulary never seen in the text (``<unk>``, lexicon words)
keep a small probability. Written as ARPA, p(w|h) of a listed n-gram is the
interpolated value and gamma(h) is exactly the back-off weight of h, so the
backed-off ARPA model equals the interpolated one and sums to one for every
history.

Small-corpus fallback: if some n_k of an order is zero or a discount falls
outside (0, k), that order uses the single discount D = Y of original
Kneser-Ney; if n1 or n2 is zero, D = 0.5.

Sentences are ``<s> w1 .. wn </s>`` with no extra ``<s>`` padding.
"""
from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from cgs_asr.lang.files import atomic_write_text

BOS, EOS = "<s>", "</s>"
NGram = tuple[str, ...]
_LOG10_ZERO = -99.0  # ARPA's stand-in for log10(0), used for p(<s>)


@dataclass
class NgramLM:
    """A back-off n-gram model in ARPA terms: log10 probabilities and back-off weights.

    ``logprob[n-1]`` maps each listed n-gram to log10 p(last word | the rest);
    ``backoff[n-1]`` maps an n-gram used as a history to its log10 back-off
    weight (orders below the highest only; absent means 0).
    """

    logprob: list[dict[NGram, float]]
    backoff: list[dict[NGram, float]]

    @property
    def order(self) -> int:
        return len(self.logprob)

    @property
    def vocab(self) -> set[str]:
        """Words the model can predict (every unigram except ``<s>``)."""
        return {g[0] for g in self.logprob[0]} - {BOS}

    def log10_prob(self, word: str, history: Sequence[str]) -> float:
        """log10 p(word | history) by standard back-off; ``word`` must be in the vocabulary."""
        history = tuple(history[len(history) - self.order + 1:]) if self.order > 1 else ()
        total = 0.0
        while True:
            n = len(history) + 1
            found = self.logprob[n - 1].get(history + (word,))
            if found is not None:
                return total + found
            if not history:
                raise KeyError(f"word '{word}' is not in the language model")
            total += self.backoff[n - 2].get(history, 0.0)
            history = history[1:]


def _ngrams(sentence: Sequence[str], n: int) -> Iterable[NGram]:
    return (tuple(sentence[i:i + n]) for i in range(len(sentence) - n + 1))


def _discounts(counts: Iterable[int]) -> tuple[float, float, float]:
    """(D1, D2, D3+) from the counts-of-counts, with the fallbacks of the module docstring."""
    coc = Counter(c for c in counts if c <= 4)
    n1, n2, n3, n4 = (coc[k] for k in (1, 2, 3, 4))
    if n1 == 0 or n2 == 0:
        return (0.5, 0.5, 0.5)
    y = n1 / (n1 + 2 * n2)
    if n3 and n4:
        d = (1 - 2 * y * n2 / n1, 2 - 3 * y * n3 / n2, 3 - 4 * y * n4 / n3)
        if all(0 < dk < k for k, dk in enumerate(d, start=1)):
            return d
    return (y, y, y)


def _adjusted_counts(sentences: list[list[str]], order: int) -> list[Counter]:
    """Raw counts at the highest order, continuation counts below (raw for ``<s>``-initial)."""
    raw = [Counter() for _ in range(order)]
    for sentence in sentences:
        for n in range(1, order + 1):
            raw[n - 1].update(_ngrams(sentence, n))
    adjusted = [Counter() for _ in range(order)]
    adjusted[order - 1] = raw[order - 1]
    for n in range(order - 1, 0, -1):
        left_extensions = Counter(g[1:] for g in raw[n])
        adjusted[n - 1] = Counter({
            g: (c if g[0] == BOS else left_extensions[g]) for g, c in raw[n - 1].items()
        })
    del adjusted[0][(BOS,)]
    return adjusted


def train_kneser_ney(sentences: Iterable[Sequence[str]], order: int = 3,
                     vocab: Iterable[str] = ()) -> NgramLM:
    """Train an interpolated modified Kneser-Ney model on tokenized sentences.

    ``vocab`` adds words that the model must be able to predict although the
    text may not contain them (e.g. ``<unk>`` or every lexicon word).
    """
    if order < 1:
        raise ValueError(f"n-gram order must be at least 1, got {order}")
    padded = [[BOS, *s, EOS] for s in sentences]
    if not padded:
        raise ValueError("cannot train a language model on no sentences")
    for sentence in padded:
        if BOS in sentence[1:] or EOS in sentence[:-1]:
            raise ValueError(f"sentence contains {BOS} or {EOS}: {' '.join(sentence[1:-1])}")
    counts = _adjusted_counts(padded, order)

    words = sorted(({g[0] for g in counts[0]} | set(vocab)) - {BOS})
    logprob: list[dict[NGram, float]] = [dict() for _ in range(order)]
    backoff: list[dict[NGram, float]] = [dict() for _ in range(order - 1)]
    lower_prob: dict[NGram, float] = {}  # interpolated p of order n-1, as plain probabilities
    for n in range(1, order + 1):
        d = _discounts(counts[n - 1].values())
        by_history: dict[NGram, list[tuple[str, int]]] = defaultdict(list)
        for g, c in counts[n - 1].items():
            by_history[g[:-1]].append((g[-1], c))
        probs: dict[NGram, float] = {}
        for history, continuations in by_history.items():
            total = sum(c for _, c in continuations)
            gamma = sum(d[min(c, 3) - 1] for _, c in continuations) / total
            for word, c in continuations:
                lower = 1.0 / len(words) if n == 1 else lower_prob[history[1:] + (word,)]
                probs[history + (word,)] = max(c - d[min(c, 3) - 1], 0.0) / total + gamma * lower
            if n == 1:
                for word in words:
                    probs.setdefault((word,), gamma / len(words))
            else:
                backoff[n - 2][history] = math.log10(gamma)
        logprob[n - 1] = {g: math.log10(p) for g, p in probs.items()}
        lower_prob = probs
    logprob[0][(BOS,)] = _LOG10_ZERO
    return NgramLM(logprob, backoff)


def write_arpa(path: str | Path, lm: NgramLM) -> None:
    """ARPA text; n-grams in sorted order, highest order without a back-off column."""
    lines = ["", "\\data\\"]
    lines += [f"ngram {n}={len(lm.logprob[n - 1])}" for n in range(1, lm.order + 1)]
    for n in range(1, lm.order + 1):
        lines += ["", f"\\{n}-grams:"]
        for g in sorted(lm.logprob[n - 1]):
            line = f"{lm.logprob[n - 1][g]:.7f}\t{' '.join(g)}"
            if n < lm.order and g in lm.backoff[n - 1]:
                line += f"\t{lm.backoff[n - 1][g]:.7f}"
            lines.append(line)
    lines += ["", "\\end\\", ""]
    atomic_write_text(path, "\n".join(lines))


def read_arpa(path: str | Path) -> NgramLM:
    """Read an ARPA back-off model (as written here, by SRILM, KenLM, ...)."""
    logprob: list[dict[NGram, float]] = []
    backoff: list[dict[NGram, float]] = []
    section = 0
    with open(path, encoding="utf-8") as f:
        for lineno, line in enumerate(f, start=1):
            line = line.strip()
            if not line or line in ("\\data\\", "\\end\\") or line.startswith("ngram "):
                continue
            if line.startswith("\\") and line.endswith("-grams:"):
                section = int(line[1:-len("-grams:")])
                if section != len(logprob) + 1:
                    raise ValueError(f"{path}:{lineno}: unexpected section {line}")
                logprob.append({})
                backoff.append({})
                continue
            fields = line.split()
            if section == 0 or len(fields) not in (section + 1, section + 2):
                raise ValueError(f"{path}:{lineno}: invalid n-gram line {line!r}")
            g = tuple(fields[1:section + 1])
            logprob[section - 1][g] = float(fields[0])
            if len(fields) == section + 2:
                backoff[section - 1][g] = float(fields[-1])
    if not logprob:
        raise ValueError(f"{path}: no n-gram sections")
    return NgramLM(logprob, backoff[:-1])


@dataclass(frozen=True)
class Perplexity:
    """SRILM ``ngram -ppl`` figures: OOV words are counted and left out of the log-probability."""

    sentences: int
    words: int
    oovs: int
    logprob: float  # total log10 probability

    @property
    def ppl(self) -> float:
        """Perplexity over in-vocabulary words and sentence ends."""
        return 10 ** (-self.logprob / max(self.words - self.oovs + self.sentences, 1))

    @property
    def ppl1(self) -> float:
        """Perplexity over in-vocabulary words only (no ``</s>``)."""
        return 10 ** (-self.logprob / max(self.words - self.oovs, 1))

    def __str__(self) -> str:
        return (f"{self.sentences} sentences, {self.words} words, {self.oovs} OOVs\n"
                f"logprob= {self.logprob:.5g} ppl= {self.ppl:.5g} ppl1= {self.ppl1:.5g}")


def perplexity(lm: NgramLM, sentences: Iterable[Sequence[str]]) -> Perplexity:
    """Perplexity of ``lm`` on tokenized sentences; each sentence also predicts ``</s>``.

    An OOV word is not scored but stays in the history, so the next word backs off.
    """
    vocab = lm.vocab
    num_sentences = num_words = num_oovs = 0
    total = 0.0
    for sentence in sentences:
        num_sentences += 1
        num_words += len(sentence)
        history = [BOS]
        for word in [*sentence, EOS]:
            if word in vocab:
                total += lm.log10_prob(word, history)
            else:
                num_oovs += 1
            history.append(word)
    return Perplexity(num_sentences, num_words, num_oovs, total)
