"""Decoding.

``wfst``: best-path decoding of frames x pdfs log-likelihood matrices through
an HCLG graph with kaldi-hmm-gmm's LatticeFasterDecoder.
"""
