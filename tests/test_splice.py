"""Splicing matches Kaldi's splice-feats on a hand-made example, edges included."""
import numpy as np
import pytest

from cgs_asr.features.splice import context_indices, splice_feats


def test_hand_made_example_with_edges():
    feats = np.array([[0, 1], [2, 3], [4, 5]], dtype=np.float32)
    expected = np.array([
        # t-1     t       t+1     t+2   (edges replicate the first and last frame)
        [0, 1,   0, 1,   2, 3,   4, 5],
        [0, 1,   2, 3,   4, 5,   4, 5],
        [2, 3,   4, 5,   4, 5,   4, 5],
    ], dtype=np.float32)
    np.testing.assert_array_equal(splice_feats(feats, 1, 2), expected)


def test_no_context_and_single_frame():
    feats = np.arange(6, dtype=np.float32).reshape(3, 2)
    np.testing.assert_array_equal(splice_feats(feats, 0, 0), feats)
    np.testing.assert_array_equal(splice_feats(feats[:1], 2, 1), np.tile(feats[:1], (1, 4)))
    assert splice_feats(feats[:0], 5, 5).shape == (0, 22)


def test_indices_respect_utterance_boundaries():
    rng = np.random.default_rng(0)
    utts = [rng.normal(size=(n, 3)).astype(np.float32) for n in (4, 1, 7)]
    lengths = np.array([4, 1, 7])
    starts = np.concatenate([[0], np.cumsum(lengths)[:-1]])
    first, last = np.repeat(starts, lengths), np.repeat(starts + lengths - 1, lengths)
    all_feats = np.concatenate(utts)
    frames = np.array([11, 0, 4, 5, 3, 10])  # any order, any subset
    rows = context_indices(frames, first[frames], last[frames], 3, 2)
    expected = np.concatenate([splice_feats(u, 3, 2) for u in utts])[frames]
    np.testing.assert_array_equal(all_feats[rows].reshape(len(frames), -1), expected)


def test_negative_context_is_refused():
    with pytest.raises(ValueError, match="negative"):
        splice_feats(np.zeros((3, 2)), -1, 0)
