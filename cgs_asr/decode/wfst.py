"""Viterbi decoding of log-likelihood matrices through HCLG with kaldi-hmm-gmm's decoders.

The acoustic model gives, per frame, a log-likelihood for every pdf-id (a
DNN's log-posteriors minus log-priors, or a GMM's log-likelihoods). The graph
reads transition-ids, so the matrix is expanded to one column per
transition-id (``LL[:, tid2pdf[1:]]``), scaled by the acoustic scale and
handed to the C++ ``DecodableCtc``, which returns ``mat[frame, tid - 1]``.
That keeps the whole search in C++ (a Python decodable is about 9x slower)
and the alignment in transition-ids, as Kaldi's latgen-faster-mapped gives it.

One decoder object is built per graph and reused for every utterance.
Only the best path comes out: the binding exposes no lattice, so an LM-weight
sweep decodes again with another acoustic scale.

Two searches, as Kaldi's decode-faster-mapped and latgen-faster-mapped:
``faster`` (FasterDecoder, the default) keeps only the best path's
back-pointers; ``lattice-faster`` (LatticeFasterDecoder) also builds a
lattice within ``lattice_beam`` that nothing can read here. At the same
beam and max-active both give the same best path (tested), and ``faster``
needs about a third of the search time (measured on 40 utterances of the
default recipe's dev set, one thread: RTF 0.029 against 0.087 at beam 11,
max-active 3000, identical hypotheses).
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from cgs_asr.kaldi import khg, kaldifst
from cgs_asr.lang.files import read_fst, read_symbol_table


DECODERS = ("faster", "lattice-faster")
# Search defaults of cgs-decode and the benchmarks. Measured with the dense DNN on the default
# recipe's monophone alignments and graph (100 test utterances, one thread, acoustic scale 0.1):
# beam 13 / max-active 7000 gave search RTF 0.167 and 18.6 % WER; 11 / 3000 gave 0.039 and
# 18.2 %; 8 / 1000 0.010 and 17.2 % (on dev 17.0 % against 15.6 %).
BEAM, LATTICE_BEAM, MAX_ACTIVE = 11.0, 6.0, 3000


def matrix_decodable(loglikes: np.ndarray, tid2pdf: np.ndarray, acoustic_scale: float):
    """``DecodableCtc`` over frames x pdfs log-likelihoods; ``tid2pdf`` maps transition-ids 1.. to pdf-ids."""
    return khg.DecodableCtc(np.ascontiguousarray(acoustic_scale * loglikes[:, tid2pdf], dtype=np.float32))


@dataclass(frozen=True)
class Hypothesis:
    """Best path of one utterance."""

    word_ids: list[int]
    words: list[str]  # the word strings; empty when the decoder was given no table
    alignment: list[int]  # transition-id per frame
    loglike: float  # acoustic_scale x acoustic log-likelihood minus graph cost, best path
    ok: bool  # False when decoding failed outright (then the other fields are empty)


class WfstDecoder:
    """Decode frames x pdfs log-likelihood matrices through one HCLG graph."""

    def __init__(self, hclg: kaldifst.StdVectorFst, trans_model: khg.TransitionModel,
                 words: Mapping[str, int] | None = None, *, decoder: str = "faster", beam: float = BEAM,
                 lattice_beam: float = LATTICE_BEAM, max_active: int = MAX_ACTIVE, min_active: int = 200,
                 acoustic_scale: float = 0.1, allow_partial: bool = True):
        """``words`` (a words.txt table) turns word ids into words in the results.

        ``decoder``: one of :data:`DECODERS`; ``lattice_beam`` applies to
        ``lattice-faster`` only. ``allow_partial``: if no final state is
        active at the last frame, output the best partial path instead of
        nothing (as Kaldi's decoders do).
        """
        if decoder not in DECODERS:
            raise ValueError(f"unknown decoder {decoder!r}; expected one of {', '.join(DECODERS)}")
        self._hclg = hclg  # the decoder keeps a reference only: keep the graph alive
        self._trans_model = trans_model
        self._tid2pdf = np.asarray(trans_model.transition_id_to_pdf_array()[1:], dtype=np.int64)
        self._id2word = {i: w for w, i in words.items()} if words is not None else None
        self.acoustic_scale = acoustic_scale
        self.allow_partial = allow_partial
        self.decoder_type = decoder
        if decoder == "faster":
            self._decoder = khg.FasterDecoder(hclg, khg.FasterDecoderOptions(
                beam=beam, max_active=max_active, min_active=min_active))
        else:
            # The best path is read from the decoder's traceback; the lattice is never returned,
            # so determinizing it would be wasted work.
            config = khg.LatticeFasterDecoderConfig(beam=beam, lattice_beam=lattice_beam,
                                                    max_active=max_active, min_active=min_active,
                                                    determinize_lattice=False)
            self._decoder = khg.LatticeFasterDecoder(hclg, config)

    @classmethod
    def from_graph_dir(cls, graph_dir: str | Path, trans_model: khg.TransitionModel,
                       **options) -> "WfstDecoder":
        """A decoder over ``graph_dir``/HCLG.fst that reports words from its words.txt."""
        graph_dir = Path(graph_dir)
        return cls(read_fst(graph_dir / "HCLG.fst"), trans_model,
                   read_symbol_table(graph_dir / "words.txt"), **options)

    @property
    def num_pdfs(self) -> int:
        return self._trans_model.num_pdfs

    def decode(self, loglikes: np.ndarray, utt: str = "utt") -> Hypothesis:
        """Decode one utterance's (frames x num_pdfs) log-likelihoods."""
        loglikes = np.asarray(loglikes)
        if loglikes.ndim != 2 or loglikes.shape[1] != self.num_pdfs:
            raise ValueError(f"utterance {utt}: expected a frames x {self.num_pdfs} matrix, "
                             f"got shape {loglikes.shape}")
        if loglikes.shape[0] == 0:
            raise ValueError(f"utterance {utt}: no frames")
        decodable = matrix_decodable(loglikes, self._tid2pdf, self.acoustic_scale)
        if self.decoder_type == "faster":
            ok, alignment, word_ids, loglike = self._faster_best_path(decodable)
        else:
            ok, alignment, word_ids, loglike = khg.decode_utterance_lattice_faster(
                decoder=self._decoder, decodable=decodable, trans_model=self._trans_model,
                utt=utt, allow_partial=self.allow_partial)
        if not ok:
            return Hypothesis([], [], [], float("-inf"), False)
        words = [self._id2word[i] for i in word_ids] if self._id2word is not None else []
        return Hypothesis(list(word_ids), words, list(alignment), float(loglike), True)

    def _faster_best_path(self, decodable) -> tuple[bool, list[int], list[int], float]:
        """FasterDecoder's best path as (ok, transition-ids, word-ids, loglike), as decode-faster-mapped reads it."""
        self._decoder.decode(decodable)
        if not self._decoder.reached_final() and not self.allow_partial:
            return False, [], [], float("-inf")
        ok, path = self._decoder.get_best_path(use_final_probs=True)
        if not ok:
            return False, [], [], float("-inf")
        ok, alignment, word_ids, weight = kaldifst.get_linear_symbol_sequence(path)
        return ok, list(alignment), [w for w in word_ids if w != 0], -(weight.value1 + weight.value2)
