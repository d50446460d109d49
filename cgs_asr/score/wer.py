"""Word and sentence error rates in Kaldi's compute-wer form, counted by jiwer.

jiwer finds the minimum-edit-distance alignment of each utterance; this module
adds what a Kaldi recipe expects around it: reading ``text`` files, the
``%WER``/``%SER`` summary lines, and the per-utterance ``ref``/``hyp``/``op``/
``#csid`` listing of Kaldi's ``wer_per_utt_details.pl``, and the per-speaker
``raw``/``sys`` table of its ``wer_per_spk_details.pl`` (on a corpus whose
speakers are voices, it shows which voices the errors come from).

Every reference utterance is scored. One missing from the hypotheses is scored
against an empty hypothesis, i.e. all its words count as deletions (Kaldi's
``compute-wer --mode=all``); the number of such utterances is reported.
Hypothesis utterances without a reference are an error, since they cannot be
scored and usually mean the two files belong to different sets.

When two alignments have the same edit distance, jiwer and Kaldi may split
the errors differently between ins/del/sub; the total is always the same.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import jiwer

EPS = "<eps>"


def read_text(path: str | Path) -> dict[str, list[str]]:
    """Read a Kaldi ``text`` file (``utt-id word word ...``); an utterance may be empty."""
    utterances: dict[str, list[str]] = {}
    with open(path, encoding="utf-8") as f:
        for lineno, line in enumerate(f, start=1):
            fields = line.split()
            if not fields:
                raise ValueError(f"{path}:{lineno}: empty line (expected 'utt-id words...')")
            utt, words = fields[0], fields[1:]
            if utt in utterances:
                raise ValueError(f"{path}:{lineno}: utterance '{utt}' appears twice")
            utterances[utt] = words
    return utterances


@dataclass(frozen=True)
class UttErrors:
    """One utterance's alignment: ``pairs`` of (ref word, hyp word), ``<eps>`` for a gap."""

    utt: str
    pairs: tuple[tuple[str, str], ...]
    missing: bool  # the utterance was absent from the hypotheses

    def ops(self) -> list[str]:
        """Edit operation per aligned pair: C(orrect), S(ub), I(ns), D(el)."""
        return [_op(r, h) for r, h in self.pairs]

    def count(self, op: str) -> int:
        return sum(1 for o in self.ops() if o == op)

    @property
    def num_ref_words(self) -> int:
        return sum(1 for r, _ in self.pairs if r != EPS)

    @property
    def num_errors(self) -> int:
        return sum(1 for o in self.ops() if o != "C")


def _op(ref: str, hyp: str) -> str:
    if hyp == EPS:
        return "D"
    if ref == EPS:
        return "I"
    return "C" if ref == hyp else "S"


@dataclass(frozen=True)
class ErrorStats:
    """Totals over a test set, plus each utterance's alignment in reference order."""

    utterances: tuple[UttErrors, ...]

    @property
    def correct(self) -> int:
        return sum(u.count("C") for u in self.utterances)

    @property
    def ins(self) -> int:
        return sum(u.count("I") for u in self.utterances)

    @property
    def dels(self) -> int:
        return sum(u.count("D") for u in self.utterances)

    @property
    def subs(self) -> int:
        return sum(u.count("S") for u in self.utterances)

    @property
    def errors(self) -> int:
        return self.ins + self.dels + self.subs

    @property
    def ref_words(self) -> int:
        return sum(u.num_ref_words for u in self.utterances)

    @property
    def sentences(self) -> int:
        return len(self.utterances)

    @property
    def sentence_errors(self) -> int:
        return sum(1 for u in self.utterances if u.num_errors)

    @property
    def missing(self) -> int:
        return sum(1 for u in self.utterances if u.missing)

    @property
    def wer(self) -> float:
        """Percent; 0 errors over 0 words is 0 %, errors over 0 words is infinite."""
        return _percent(self.errors, self.ref_words)

    @property
    def ser(self) -> float:
        return _percent(self.sentence_errors, self.sentences)


def _percent(num: int, den: int) -> float:
    if den == 0:
        return 0.0 if num == 0 else float("inf")
    return 100.0 * num / den


def align_utterance(utt: str, ref: Sequence[str], hyp: Sequence[str], missing: bool = False) -> UttErrors:
    """Minimum-edit-distance alignment of one utterance (jiwer), as Kaldi's align-text pairs."""
    if not ref and not hyp:
        return UttErrors(utt, (), missing)
    out = jiwer.process_words(" ".join(ref), " ".join(hyp))
    pairs: list[tuple[str, str]] = []
    for chunk in out.alignments[0]:
        r = ref[chunk.ref_start_idx:chunk.ref_end_idx]
        h = hyp[chunk.hyp_start_idx:chunk.hyp_end_idx]
        if chunk.type in ("equal", "substitute"):
            pairs.extend(zip(r, h))
        elif chunk.type == "delete":
            pairs.extend((w, EPS) for w in r)
        else:  # insert
            pairs.extend((EPS, w) for w in h)
    return UttErrors(utt, tuple(pairs), missing)


def compute_errors(refs: Mapping[str, Sequence[str]], hyps: Mapping[str, Sequence[str]]) -> ErrorStats:
    """Align every reference utterance with its hypothesis (missing -> empty hypothesis)."""
    extra = sorted(set(hyps) - set(refs))
    if extra:
        shown = " ".join(extra[:5]) + (" ..." if len(extra) > 5 else "")
        raise ValueError(f"{len(extra)} hypothesis utterance(s) have no reference: {shown}")
    return ErrorStats(tuple(
        align_utterance(utt, refs[utt], hyps.get(utt, ()), missing=utt not in hyps)
        for utt in sorted(refs)
    ))


def score_text_files(ref_path: str | Path, hyp_path: str | Path) -> ErrorStats:
    return compute_errors(read_text(ref_path), read_text(hyp_path))


def format_wer(stats: ErrorStats) -> str:
    """``%WER 12.50 [ 5 / 40, 1 ins, 2 del, 2 sub ]``, as Kaldi's compute-wer prints it."""
    return (f"%WER {stats.wer:.2f} [ {stats.errors} / {stats.ref_words}, "
            f"{stats.ins} ins, {stats.dels} del, {stats.subs} sub ]")


def format_ser(stats: ErrorStats) -> str:
    """``%SER 30.00 [ 3 / 10 ]``."""
    return f"%SER {stats.ser:.2f} [ {stats.sentence_errors} / {stats.sentences} ]"


def format_summary(stats: ErrorStats) -> str:
    """compute-wer's three lines: WER, SER and how many utterances had no hypothesis."""
    return "\n".join([
        format_wer(stats),
        format_ser(stats),
        f"Scored {stats.sentences} sentences, {stats.missing} not present in hyp.",
    ]) + "\n"


def _center(text: str, width: int) -> str:
    """Centre as wer_per_utt_details.pl does: the odd spare space goes on the left."""
    right = (width - len(text)) // 2
    return " " * (width - len(text) - right) + text + " " * right


def per_utt_details(stats: ErrorStats) -> str:
    """Kaldi's per_utt listing: ``ref``, ``hyp``, ``op`` rows and ``#csid`` counts (C S I D)."""
    lines = []
    for u in stats.utterances:
        ops = u.ops()
        widths = [max(len(r), len(h), len(o)) for (r, h), o in zip(u.pairs, ops)]
        lines.append(f"{u.utt} ref  " + "  ".join(_center(r, w) for (r, _), w in zip(u.pairs, widths)))
        lines.append(f"{u.utt} hyp  " + "  ".join(_center(h, w) for (_, h), w in zip(u.pairs, widths)))
        lines.append(f"{u.utt} op   " + "  ".join(_center(o, w) for o, w in zip(ops, widths)))
        lines.append(f"{u.utt} #csid {u.count('C')} {u.count('S')} {u.count('I')} {u.count('D')}")
    return "\n".join(lines) + ("\n" if lines else "")


def per_spk_details(stats: ErrorStats, utt2spk: Mapping[str, str]) -> str:
    """Kaldi's per_spk table: per speaker, then ``SUM``, a ``raw`` row of counts and a ``sys`` row of percents.

    Columns: sentences, reference words, then correct / substituted / inserted / deleted / all
    erroneous words and erroneous sentences (percents of the reference words and of the sentences).
    """
    missing = [u.utt for u in stats.utterances if u.utt not in utt2spk]
    if missing:
        raise ValueError(f"utterance '{missing[0]}' has no speaker in utt2spk")
    by_speaker: dict[str, list[UttErrors]] = {}
    for u in stats.utterances:
        by_speaker.setdefault(utt2spk[u.utt], []).append(u)
    groups = [(spk, ErrorStats(tuple(utts))) for spk, utts in sorted(by_speaker.items())] + [("SUM", stats)]
    width = max(len("SPEAKER"), *(len(spk) for spk, _ in groups))
    lines = [f"{'SPEAKER':<{width}}  id   {'#SENT':>6} {'#WORD':>6} {'Corr':>7} {'Sub':>7} {'Ins':>7} {'Del':>7} "
             f"{'Err':>7} {'S.Err':>7}"]
    for spk, group in groups:
        counts = (group.correct, group.subs, group.ins, group.dels, group.errors)
        lines.append(f"{spk:<{width}}  raw  {group.sentences:>6} {group.ref_words:>6}"
                     + "".join(f" {n:>7}" for n in (*counts, group.sentence_errors)))
        lines.append(f"{spk:<{width}}  sys  {group.sentences:>6} {group.ref_words:>6}"
                     + "".join(f" {_percent(n, group.ref_words):>7.2f}" for n in counts) + f" {group.ser:>7.2f}")
    return "\n".join(lines) + "\n"
