"""Training graphs: one FST per utterance from its transcript (Kaldi's compile-train-graphs).

Transcripts are turned into word ids first; a word missing from words.txt
either stops everything with one error naming every such utterance and word,
or, when asked, becomes the lang's OOV word (``<unk>``). Graphs are compiled
from L.fst (without disambiguation loops) with transition and self-loop
scales 0, as compile-train-graphs does: the transition probabilities change
during training, so the aligner adds the current ones to a copy of the
graph each time (see :mod:`cgs_asr.gmm.align`).
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from cgs_asr.data.datadir import DataDirError
from cgs_asr.gmm.model import GmmHmm
from cgs_asr.kaldi import khg, kaldifst
from cgs_asr.lang.prepare import RESERVED_WORDS, Lang


class OovWordError(DataDirError):
    """Transcript words absent from words.txt while mapping to the OOV word was not allowed."""


@dataclass(frozen=True)
class Transcripts:
    word_ids: dict[str, list[int]]
    num_oov_mapped: int  # words replaced by the OOV word


def transcripts_to_word_ids(text: Mapping[str, str], lang: Lang, map_oov: bool = False,
                            where: str = "text") -> Transcripts:
    """Word ids of every utterance's transcript; ``where`` names the text file in errors."""
    if map_oov and lang.oov_word is None:
        raise OovWordError(f"{lang.dir}: has no OOV word (oov.txt) to map unknown words to")
    vocab = {w: i for w, i in lang.words.items() if w not in RESERVED_WORDS}
    out: dict[str, list[int]] = {}
    unknown: list[tuple[str, str]] = []
    for utt, line in text.items():
        ids = []
        for word in line.split():
            if word in vocab:
                ids.append(vocab[word])
            else:
                unknown.append((utt, word))
                ids.append(vocab[lang.oov_word] if map_oov else -1)
        out[utt] = ids
    if unknown and not map_oov:
        shown = ", ".join(f"{utt} '{word}'" for utt, word in unknown[:10])
        more = f" and {len(unknown) - 10} more" if len(unknown) > 10 else ""
        oov_hint = f" (or map them to {lang.oov_word} with --map-oov)" if lang.oov_word else ""
        raise OovWordError(f"{where}: {len(unknown)} word(s) not in {lang.dir / 'words.txt'}: "
                           f"{shown}{more}{oov_hint}")
    return Transcripts(out, len(unknown))


class GraphCompiler:
    """Compiles transcripts (word ids) into HMM-level training graphs for one model."""

    def __init__(self, model: GmmHmm, lang: Lang):
        opts = khg.TrainingGraphCompilerOptions(transition_scale=0.0, self_loop_scale=0.0)
        self._model = model  # the C++ compiler keeps references to the tree and transition model
        self._compiler = khg.TrainingGraphCompiler(
            trans_model=model.trans_model, ctx_dep=model.tree, lex_fst=lang.lexicon_fst(disambig=False),
            disambig_syms=lang.disambig_phone_ids, opts=opts)

    def compile(self, word_ids: list[int]) -> kaldifst.StdVectorFst:
        return self._compiler.compile_graph_from_text(word_ids)
