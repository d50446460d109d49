"""A Kaldi lang dir from a lexicon (what Kaldi's utils/prepare_lang.sh writes).

Layout written into ``lang_dir``::

    lexicon.txt                  the lexicon, one pronunciation per line
    phones.txt                   <eps>, silence phones, non-silence phones, #0..#k
    words.txt                    <eps>, words (sorted), #0, <s>, </s>
    oov.txt, oov.int             the word OOVs map to (when the lexicon has <unk>)
    topo                         HMM topology text (see topology.py)
    L.fst, L_disambig.fst        lexicon FSTs, arc-sorted by output label
    phones/{silence,nonsilence,optional_silence,context_indep,disambig}.{txt,int,csl}
    phones/wdisambig.txt, wdisambig_phones.int, wdisambig_words.int   (#0)
    phones/sets.{txt,int}, phones/roots.{txt,int}   one set per phone, as Kaldi's default
    subword.model                the grapheme unit model, when one spelled OOV words

Phones are not word-position dependent (no ``_B``/``_E`` variants): the tasks
here are small and the model sizes matter more than the slight gain. The
non-silence phones are exactly those the lexicon uses; the silence phones are
``sil`` and, when ``<unk>`` is present, ``spn``. Disambiguation symbols are
``#0`` (G's back-off), ``#1..#n`` from the lexicon and one more for the
silence path of L_disambig, as Kaldi adds.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from cgs_asr.kaldi import khg, kaldifst
from cgs_asr.lang.files import (
    atomic_write_text,
    read_fst,
    read_symbol_table,
    write_fst,
    write_lines,
    write_symbol_table,
)
from cgs_asr.lang.lexicon import SIL_PHONE, SPN_PHONE, UNK_WORD, Lexicon, write_lexicon
from cgs_asr.lang.lexicon_fst import add_lexicon_disambig, add_word_disambig_loops, make_lexicon_fst
from cgs_asr.lang.subword import GraphemeSpeller
from cgs_asr.lang.topology import load_topology, make_topo_text

EPS, BOS, EOS, BACKOFF = "<eps>", "<s>", "</s>", "#0"
RESERVED_WORDS = (EPS, BOS, EOS, BACKOFF)


@dataclass
class Lang:
    """The symbol tables and phone classes of a lang dir, and access to its FSTs and topology."""

    dir: Path
    phones: dict[str, int]
    words: dict[str, int]
    silence_phones: list[str]
    nonsilence_phones: list[str]
    disambig_symbols: list[str]  # #0, #1, ... #k (phone-side)
    oov_word: str | None

    def phone_ids(self, names: list[str]) -> list[int]:
        return [self.phones[p] for p in names]

    @property
    def disambig_phone_ids(self) -> list[int]:
        return self.phone_ids(self.disambig_symbols)

    def topology(self) -> khg.HmmTopology:
        return load_topology((self.dir / "topo").read_text(encoding="utf-8"))

    def lexicon_fst(self, disambig: bool = True) -> kaldifst.StdVectorFst:
        return read_fst(self.dir / ("L_disambig.fst" if disambig else "L.fst"))

    @classmethod
    def load(cls, lang_dir: str | Path) -> "Lang":
        lang_dir = Path(lang_dir)
        oov = lang_dir / "oov.txt"
        return cls(
            dir=lang_dir,
            phones=read_symbol_table(lang_dir / "phones.txt"),
            words=read_symbol_table(lang_dir / "words.txt"),
            silence_phones=_read_names(lang_dir / "phones/silence.txt"),
            nonsilence_phones=_read_names(lang_dir / "phones/nonsilence.txt"),
            disambig_symbols=_read_names(lang_dir / "phones/disambig.txt"),
            oov_word=oov.read_text(encoding="utf-8").strip() if oov.is_file() else None,
        )


def _read_names(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").split()


def _check_lexicon(lexicon: Lexicon) -> None:
    for word, pron in lexicon.entries():
        if word in RESERVED_WORDS:
            raise ValueError(f"lexicon: word '{word}' is reserved for the lang dir")
        bad = [p for p in pron if p.startswith("#") or p == EPS]
        if bad:
            raise ValueError(f"lexicon: word '{word}' uses reserved phone symbol '{bad[0]}'")
    if not lexicon.prons:
        raise ValueError("lexicon is empty")


def _write_phone_list(phones_dir: Path, name: str, symbols: list[str], ids: dict[str, int]) -> None:
    write_lines(phones_dir / f"{name}.txt", symbols)
    write_lines(phones_dir / f"{name}.int", (ids[s] for s in symbols))
    atomic_write_text(phones_dir / f"{name}.csl", ":".join(str(ids[s]) for s in symbols) + "\n")


def prepare_lang(lexicon: Lexicon, lang_dir: str | Path, sil_prob: float = 0.5,
                 num_nonsil_states: int = 3, num_sil_states: int = 5,
                 speller: GraphemeSpeller | None = None) -> Lang:
    """Write a complete lang dir for ``lexicon`` and return it loaded."""
    _check_lexicon(lexicon)
    lang_dir = Path(lang_dir)
    phones_dir = lang_dir / "phones"

    used = set(lexicon.phones)
    silence = [SIL_PHONE] + ([SPN_PHONE] if SPN_PHONE in used else [])
    nonsilence = sorted(used - set(silence))
    entries, max_disambig = add_lexicon_disambig(lexicon.entries())
    sil_disambig = f"#{max_disambig + 1}"
    disambig = [f"#{k}" for k in range(max_disambig + 2)]

    phones = {p: i for i, p in enumerate([EPS] + silence + nonsilence + disambig)}
    words = {w: i for i, w in enumerate([EPS] + sorted(lexicon.prons) + [BACKOFF, BOS, EOS])}

    write_lexicon(lang_dir / "lexicon.txt", lexicon)
    write_symbol_table(lang_dir / "phones.txt", phones)
    write_symbol_table(lang_dir / "words.txt", words)
    oov_word = UNK_WORD if UNK_WORD in lexicon.prons else None
    if oov_word:
        write_lines(lang_dir / "oov.txt", [oov_word])
        write_lines(lang_dir / "oov.int", [words[oov_word]])

    _write_phone_list(phones_dir, "silence", silence, phones)
    _write_phone_list(phones_dir, "nonsilence", nonsilence, phones)
    _write_phone_list(phones_dir, "optional_silence", [SIL_PHONE], phones)
    _write_phone_list(phones_dir, "context_indep", silence, phones)
    _write_phone_list(phones_dir, "disambig", disambig, phones)
    write_lines(phones_dir / "wdisambig.txt", [BACKOFF])
    write_lines(phones_dir / "wdisambig_phones.int", [phones[BACKOFF]])
    write_lines(phones_dir / "wdisambig_words.int", [words[BACKOFF]])
    sets = silence + nonsilence
    write_lines(phones_dir / "sets.txt", sets)
    write_lines(phones_dir / "sets.int", (phones[p] for p in sets))
    write_lines(phones_dir / "roots.txt", (f"shared split {p}" for p in sets))
    write_lines(phones_dir / "roots.int", (f"shared split {phones[p]}" for p in sets))

    topo_text = make_topo_text([phones[p] for p in nonsilence], [phones[p] for p in silence],
                               num_nonsil_states, num_sil_states)
    load_topology(topo_text)  # fail here, not in a later stage, if Kaldi rejects it
    atomic_write_text(lang_dir / "topo", topo_text)

    write_fst(make_lexicon_fst(lexicon.entries(), phones, words, SIL_PHONE, sil_prob), lang_dir / "L.fst")
    l_disambig = make_lexicon_fst(entries, phones, words, SIL_PHONE, sil_prob, sil_disambig)
    add_word_disambig_loops(l_disambig, phones[BACKOFF], words[BACKOFF])
    write_fst(l_disambig, lang_dir / "L_disambig.fst")

    if speller is not None:
        speller.save(lang_dir / "subword.model")
    return Lang.load(lang_dir)
