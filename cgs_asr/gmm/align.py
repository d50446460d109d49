"""Viterbi alignment of utterances to their training graphs (gmm-align-compiled, align-equal-compiled).

The aligner adds the model's current transition probabilities to a copy of
the training graph (transition scale 1.0, self-loop scale 0.1, as Kaldi's
``scale_opts``) and runs kaldi-hmm-gmm's ``align_utterance_wrapper`` with
its GMM decodable at acoustic scale 0.1: first with ``beam``, and if no
path reaches the end, again with ``retry_beam``. The GMM decodable scores
only the pdfs that the beam keeps active, a handful per frame in a
training graph, which is faster here than scoring every pdf at once
(:class:`GmmScorer`, the decoder's choice). An
utterance that fails both gets no alignment; callers count it and keep what
they had before.

``align_loglikes`` aligns with another model's frames x pdfs log-likelihoods
instead, e.g. a DNN's (Kaldi's steps/nnet/align.sh): the same graph, scales
and beams, the matrix read through the decoder's matrix decodable.
"""
from __future__ import annotations

import zlib
from dataclasses import dataclass

import numpy as np

from cgs_asr.decode.wfst import matrix_decodable
from cgs_asr.gmm.model import GmmHmm
from cgs_asr.kaldi import khg, kaldifst


@dataclass(frozen=True)
class AlignOptions:
    beam: float = 10.0
    retry_beam: float = 40.0
    acoustic_scale: float = 0.1
    transition_scale: float = 1.0
    self_loop_scale: float = 0.1
    careful: bool = False  # also require the final state to be reachable (Kaldi's --careful)


@dataclass(frozen=True)
class Alignment:
    """One utterance's result: transition-ids per frame, or None when alignment failed."""

    tids: np.ndarray | None
    loglike: float  # the best path's acoustic + graph log-likelihood, unscaled
    retried: bool

    @property
    def ok(self) -> bool:
        return self.tids is not None


class Aligner:
    """Aligns utterances with a model (which must outlive the aligner)."""

    def __init__(self, model: GmmHmm, options: AlignOptions = AlignOptions()):
        self.model, self.options = model, options
        self._tid2pdf = model.tid2pdf()[1:]
        self._config = khg.AlignConfig(beam=options.beam, retry_beam=options.retry_beam,
                                       careful=options.careful)

    def align(self, graph: kaldifst.StdVectorFst, feats: np.ndarray, utt: str = "utt") -> Alignment:
        if feats.ndim != 2 or feats.shape[1] != self.model.dim:  # Kaldi would abort the process
            raise ValueError(f"utterance {utt}: expected frames x {self.model.dim} features, got {feats.shape}")
        decodable = khg.DecodableAmDiagGmmScaled(am=self.model.am, tm=self.model.trans_model,
                                                 feats=np.ascontiguousarray(feats, dtype=np.float32),
                                                 scale=self.options.acoustic_scale)
        return self._align(graph, decodable, utt)

    def align_loglikes(self, graph: kaldifst.StdVectorFst, loglikes: np.ndarray, utt: str = "utt") -> Alignment:
        """Align with a frames x pdfs matrix of log-likelihoods (e.g. a DNN's) in place of the GMM's."""
        if loglikes.ndim != 2 or loglikes.shape[1] != self.model.num_pdfs:
            raise ValueError(f"utterance {utt}: expected frames x {self.model.num_pdfs} log-likelihoods, "
                             f"got {loglikes.shape}")
        if not np.isfinite(loglikes).all():
            raise ValueError(f"utterance {utt}: log-likelihoods that are not finite")
        return self._align(graph, matrix_decodable(loglikes, self._tid2pdf, self.options.acoustic_scale), utt)

    def _align(self, graph: kaldifst.StdVectorFst, decodable, utt: str) -> Alignment:
        fst = graph.copy()
        khg.add_transition_probs(trans_model=self.model.trans_model, transition_scale=self.options.transition_scale,
                                 self_loop_scale=self.options.self_loop_scale, fst=fst)
        done, _, retried, loglike, _, tids, _ = khg.align_utterance_wrapper(
            config=self._config, utt=utt, acoustic_scale=self.options.acoustic_scale, fst=fst,
            decodable=decodable, num_done=0, num_error=0, num_retried=0, tot_like=0.0, frame_count=0)
        if not done:
            return Alignment(None, float("-inf"), bool(retried))
        return Alignment(np.asarray(tids, dtype=np.int32), float(loglike), bool(retried))


def equal_alignment(graph: kaldifst.StdVectorFst, num_frames: int, utt: str, seed: int = 0) -> np.ndarray | None:
    """A path through ``graph`` with its frames spread evenly over the HMM states (align-equal-compiled).

    The random choice among paths is seeded by ``seed`` and the utterance id,
    so it does not depend on the order of utterances. None if the graph
    needs more frames than the utterance has.
    """
    ok, path = kaldifst.equal_align(ifst=graph, length=num_frames,
                                    rand_seed=(seed * 1000003 + zlib.crc32(utt.encode())) & 0x7FFFFFFF,
                                    num_retries=10)
    if not ok:
        return None
    ok, tids, _, _ = kaldifst.get_linear_symbol_sequence(path)
    return np.asarray(tids, dtype=np.int32) if ok and len(tids) == num_frames else None
