"""Kaldi data dirs, audio and ark I/O, and the built-in synthetic corpus."""
