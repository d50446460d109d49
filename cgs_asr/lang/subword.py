"""Grapheme-unit pronunciations for words that CMUdict does not know.

Design. A SentencePiece BPE model is trained on the (lowercased) training
text with a small vocabulary and pieces of at most ``max_piece_length``
letters. An out-of-dictionary word is segmented by that model and each piece
becomes one acoustic unit named ``g_<piece>``: ``thing`` -> ``g_th g_ing``.
The units join the phone set as ordinary non-silence phones (one 3-state HMM
each), so the acoustic model learns them from whatever training audio
contains them. Compared with one unit per letter, frequent clusters such as
``th``, ``sh`` or ``ing`` get a unit of their own, which matches their sound
far better than a sequence of single-letter units; rare words still fall back
to single letters, since every character of the training text is a piece.
A character the model never saw (a test-only letter) becomes a unit of its
own, ``g_<char>``, so spelling never fails.

The model is plain bytes (``model_proto``), stored in the lang dir as
``subword.model`` so the same segmentation can be applied again later.
"""
from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import sentencepiece as spm

from cgs_asr.lang.files import atomic_write_bytes

UNIT_PREFIX = "g_"
WORD_BOUNDARY = "\u2581"  # SentencePiece's "▁" that starts a word-initial piece
_SPECIAL_PIECES = 3  # <unk>, <s>, </s>


class GraphemeSpeller:
    """Spells a word as grapheme units ``g_<piece>`` from a SentencePiece unit model."""

    def __init__(self, model_proto: bytes):
        self.model_proto = model_proto
        self._sp = spm.SentencePieceProcessor(model_proto=model_proto)

    @classmethod
    def train(cls, sentences: Iterable[str], vocab_size: int = 64,
              max_piece_length: int = 3) -> "GraphemeSpeller":
        """Train a BPE unit model on training text (one sentence per item).

        ``vocab_size`` is a soft limit: it is raised to hold every character
        of the text, and a tiny text may yield fewer pieces.
        """
        text = [s.lower() for s in sentences if s.strip()]
        if not text:
            raise ValueError("cannot train a subword unit model on empty text")
        num_chars = len({c for s in text for c in s if not c.isspace()})
        model = _BytesSink()
        spm.SentencePieceTrainer.train(
            sentence_iterator=iter(text),
            model_writer=model,
            model_type="bpe",
            vocab_size=max(vocab_size, num_chars + _SPECIAL_PIECES + 1),
            hard_vocab_limit=False,
            character_coverage=1.0,
            max_sentencepiece_length=max_piece_length,
            num_threads=1,
            minloglevel=2,
        )
        return cls(model.data)

    @classmethod
    def load(cls, path: str | Path) -> "GraphemeSpeller":
        return cls(Path(path).read_bytes())

    def save(self, path: str | Path) -> None:
        atomic_write_bytes(path, self.model_proto)

    def spell(self, word: str) -> tuple[str, ...]:
        word = word.lower()
        pieces = self._sp.encode(word, out_type=str)
        ids = self._sp.encode(word)
        units: list[str] = []
        for piece, piece_id in zip(pieces, ids):
            if piece_id == self._sp.unk_id():
                units.extend(UNIT_PREFIX + c for c in piece)
                continue
            piece = piece.lstrip(WORD_BOUNDARY)
            if piece:
                units.append(UNIT_PREFIX + piece)
        if not units:
            raise ValueError(f"word {word!r} has no characters to spell")
        return tuple(units)


class _BytesSink:
    """The file-like ``model_writer`` SentencePiece writes its model into."""

    data = b""

    def write(self, data: bytes) -> None:
        self.data += data
