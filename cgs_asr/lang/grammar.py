"""G, the word-level grammar: from an ARPA language model, or a small task grammar.

An ARPA model becomes G through kaldilm's arpa2fst (Kaldi's own converter):
back-off arcs carry ``#0`` on the input side and ``<s>``/``</s>`` become
epsilons, so G is an acceptor over words except for ``#0``. arpa2fst runs in
a child process: on a malformed ARPA file it aborts the whole process, and a
word missing from words.txt only gets a warning while its n-grams are
dropped; here both become one clear exception. Task grammars are
built directly: a word list (exactly one word per utterance, e.g. one digit)
or a word loop (one or more words). Their words are equally likely, and a
loop stops after each word with the same probability as it takes any one
word, so every G here is a proper distribution over word sequences. Every G
is arc-sorted by input label, ready for L o G.
"""
from __future__ import annotations

import math
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

from cgs_asr.kaldi import kaldifst
from cgs_asr.lang.prepare import BACKOFF

_ARPA2FST = (
    "import sys\n"
    "from cgs_asr.kaldi import kaldilm\n"
    "sys.stdout.write(kaldilm.arpa2fst(input_arpa=sys.argv[1], read_symbol_table=sys.argv[2],\n"
    "                                  disambig_symbol=sys.argv[3]))\n"
)


def arpa_to_grammar_fst(arpa_path: str | Path, words_txt: str | Path) -> kaldifst.StdVectorFst:
    """G.fst from an ARPA file; every ARPA word must be in ``words_txt``."""
    for path in (arpa_path, words_txt):
        if not Path(path).is_file():
            raise FileNotFoundError(f"{path}: no such file")
    proc = subprocess.run([sys.executable, "-c", _ARPA2FST, str(arpa_path), str(words_txt), BACKOFF],
                          capture_output=True, text=True)
    problems = [line for line in proc.stderr.splitlines()
                if line.startswith("[E]") or "not in symbol table" in line]
    if proc.returncode != 0 or problems:
        detail = problems[0] if problems else proc.stderr.strip()[-500:]
        raise ValueError(f"{arpa_path}: arpa2fst with {words_txt} failed: {detail}")
    fst = kaldifst.compile(s=proc.stdout, acceptor=False)
    kaldifst.arcsort(fst, sort_type="ilabel")
    return fst


def _check_word_ids(word_ids: Sequence[int]) -> None:
    if not word_ids:
        raise ValueError("a grammar needs at least one word")
    if len(set(word_ids)) != len(word_ids) or min(word_ids) <= 0:
        raise ValueError(f"grammar word ids must be distinct and positive: {list(word_ids)}")


def word_list_grammar(word_ids: Sequence[int]) -> kaldifst.StdVectorFst:
    """Exactly one of ``word_ids`` per utterance, each with probability 1/n."""
    _check_word_ids(word_ids)
    fst = kaldifst.StdVectorFst()
    start, end = fst.add_state(), fst.add_state()
    fst.start = start
    cost = math.log(len(word_ids))
    for w in sorted(word_ids):
        fst.add_arc(start, kaldifst.StdArc(w, w, cost, end))
    fst.set_final(end, 0.0)
    return fst


def word_loop_grammar(word_ids: Sequence[int]) -> kaldifst.StdVectorFst:
    """One or more of ``word_ids``; after each word: any word or stop, each 1/(n+1)."""
    _check_word_ids(word_ids)
    fst = kaldifst.StdVectorFst()
    start, loop = fst.add_state(), fst.add_state()
    fst.start = start
    first_cost, next_cost = math.log(len(word_ids)), math.log(len(word_ids) + 1)
    for w in sorted(word_ids):
        fst.add_arc(start, kaldifst.StdArc(w, w, first_cost, loop))
    for w in sorted(word_ids):
        fst.add_arc(loop, kaldifst.StdArc(w, w, next_cost, loop))
    fst.set_final(loop, next_cost)
    return fst
