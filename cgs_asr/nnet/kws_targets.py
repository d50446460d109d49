"""Frame targets for the keyword-spotting network: silence, filler, or one of the keywords.

A frame inside a keyword's time span gets that keyword's label, a frame
inside any other word the filler label, every other frame silence. Labels
are written as an int-vector ark, the same contract as pdf alignments, so
``cgs-train-dnn`` trains on them unchanged with ``num_pdfs = len(LABELS)``.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from cgs_asr.data.ctm import WordTime
from cgs_asr.data.text.keywords import KEYWORDS

LABELS = ("<sil>", "<filler>") + KEYWORDS
SILENCE, FILLER = 0, 1
FRAME_SHIFT = 0.01  # seconds


def word_label(word: str) -> int:
    return LABELS.index(word) if word in KEYWORDS else FILLER


def frame_labels(words: list[WordTime], num_frames: int, frame_shift: float = FRAME_SHIFT) -> np.ndarray:
    """Label of every frame (frame ``t`` covers ``t * frame_shift`` onwards), int32."""
    labels = np.full(num_frames, SILENCE, dtype=np.int32)
    for w in words:
        start, end = round(w.start / frame_shift), round(w.end / frame_shift)
        labels[max(start, 0):min(end, num_frames)] = word_label(w.word)
    return labels


@dataclass
class Agreement:
    """How well one set of word times (the alignment) matches another (the TTS timings)."""

    utterances: int = 0
    frames: int = 0
    frames_agreeing: int = 0
    words: int = 0
    boundary_errors: list = None  # seconds, |start difference| and |end difference| of every word

    def __post_init__(self):
        self.boundary_errors = [] if self.boundary_errors is None else self.boundary_errors

    def add(self, reference: list[WordTime], hypothesis: list[WordTime], num_frames: int) -> None:
        """Compare one utterance; word boundaries only where both hold the same words."""
        ref, hyp = frame_labels(reference, num_frames), frame_labels(hypothesis, num_frames)
        self.utterances += 1
        self.frames += num_frames
        self.frames_agreeing += int((ref == hyp).sum())
        if [w.word for w in reference] == [w.word for w in hypothesis]:
            self.words += len(reference)
            for r, h in zip(reference, hypothesis):
                self.boundary_errors += [abs(r.start - h.start), abs(r.end - h.end)]

    def to_dict(self) -> dict:
        errors = np.asarray(self.boundary_errors)
        return {"utterances": self.utterances, "words": self.words,
                "frame_label_agreement_percent": 100.0 * self.frames_agreeing / max(self.frames, 1),
                "boundary_error_median_s": float(np.median(errors)) if len(errors) else None,
                "boundary_error_mean_s": float(errors.mean()) if len(errors) else None,
                "boundaries_within_50ms_percent": float(100.0 * (errors <= 0.05).mean()) if len(errors) else None}
