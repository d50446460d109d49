"""Kaldi data dirs, audio, ark I/O and alignments, and the built-in synthetic corpus."""
