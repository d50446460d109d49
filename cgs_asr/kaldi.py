"""The one place that imports the pip Kaldi libraries, in an order that cannot deadlock.

Importing kaldilm (or kaldi_decoder) before kaldi_hmm_gmm hangs silently, so
every module of the project takes these libraries from here:
``from cgs_asr.kaldi import khg, kaldifst, kaldilm``.
"""
import kaldi_hmm_gmm as khg  # noqa: I001  (order matters: first)
import kaldifst
import kaldilm

__all__ = ["khg", "kaldifst", "kaldilm"]
