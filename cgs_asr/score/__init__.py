"""Scoring of recognition output.

``wer``: %WER (ins/del/sub) and %SER in Kaldi's compute-wer form, counted with
jiwer, and Kaldi's per-utterance ref/hyp/op/#csid listing.
"""
