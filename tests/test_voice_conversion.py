"""Voice conversion (WORLD): F0 and formants move by the factors asked for, timing stays; converted
copies are training speakers only and leave dev and test as they were."""
import numpy as np
import pytest

from cgs_asr.data.synth import corpus
from cgs_asr.data.synth.convert import convert_voice, warp_frequencies
from cgs_asr.data.synth.speakers import CONVERTED_ENGINES, make_speakers

RATE = 16000


def vowel(f0: float, formants=(700.0, 1200.0, 2600.0), seconds: float = 0.6) -> np.ndarray:
    """A glottal pulse train at ``f0`` through formant resonators: a steady synthetic vowel."""
    t = np.arange(int(seconds * RATE)) / RATE
    harmonics = np.arange(1, int(RATE / 2 / f0))
    gain = sum(1.0 / (1.0 + ((harmonics * f0 - f) / 120.0) ** 2) for f in formants)
    x = (gain[:, None] * np.sin(2 * np.pi * f0 * harmonics[:, None] * t)).sum(axis=0)
    return (0.3 * x / np.abs(x).max()).astype(np.float32)


def pitch(x: np.ndarray) -> float:
    """F0 by autocorrelation over 60-400 Hz, on the middle of the signal."""
    mid = x[len(x) // 4: 3 * len(x) // 4].astype(np.float64)
    ac = np.correlate(mid, mid, "full")[len(mid) - 1:]
    lo, hi = RATE // 400, RATE // 60
    return RATE / (lo + int(np.argmax(ac[lo:hi])))


def centroid(x: np.ndarray) -> float:
    spectrum = np.abs(np.fft.rfft(x * np.hanning(len(x)))) ** 2
    return float((spectrum * np.fft.rfftfreq(len(x), 1 / RATE)).sum() / spectrum.sum())


def test_f0_is_scaled_and_length_kept():
    x = vowel(120.0)
    for scale in (0.75, 1.4):
        y = convert_voice(x, RATE, f0_scale=scale, warp=1.0)
        assert len(y) == len(x) and y.dtype == np.float32 and np.isfinite(y).all()
        assert pitch(y) == pytest.approx(120.0 * scale, rel=0.04)
    assert pitch(convert_voice(x, RATE, 1.0, 1.0)) == pytest.approx(120.0, rel=0.04)


def test_warp_moves_the_spectral_envelope_not_f0():
    x = vowel(110.0)
    up, down = convert_voice(x, RATE, 1.0, 1.15), convert_voice(x, RATE, 1.0, 0.87)
    same = convert_voice(x, RATE, 1.0, 1.0)
    assert centroid(up) > 1.08 * centroid(same) and centroid(down) < 0.93 * centroid(same)
    assert pitch(up) == pytest.approx(110.0, rel=0.04) and pitch(down) == pytest.approx(110.0, rel=0.04)


def test_warp_map_is_piecewise_linear_and_keeps_the_band():
    for warp in (0.85, 1.0, 1.2):
        source = warp_frequencies(257, warp)
        assert source[0] == 0.0 and source[-1] == pytest.approx(256.0)
        assert np.all(np.diff(source) > 0)
        assert source[50] == pytest.approx(50 / warp)  # below the break point: divided by the warp


def test_bad_factors_are_refused():
    with pytest.raises(ValueError, match="positive"):
        convert_voice(vowel(100.0), RATE, 0.0, 1.0)


def test_converted_copies_only_in_training_and_dev_test_unchanged():
    counts = corpus.PRESETS["default"].speakers
    plain, more = make_speakers(counts, seed=1), make_speakers(counts, seed=1, conversions=2)
    assert more[:len(plain)] == plain
    copies = more[len(plain):]
    natural_train = [s for s in plain if s.split == "train" and s.voice.engine in CONVERTED_ENGINES]
    assert len(copies) == 2 * len(natural_train)
    assert {c.id for c in copies} == {f"{s.id}v{k}" for s in natural_train for k in (1, 2)}
    assert all(c.split == "train" and c.voice.converted for c in copies)
    assert not any(s.voice.converted for s in plain)
    assert len({s.voice for s in more}) == len(more)
    with pytest.raises(ValueError, match="conversions"):
        make_speakers(counts, seed=1, conversions=-1)


def test_converted_copies_leave_dev_and_test_utterances_alone():
    preset = corpus.PRESETS["tiny"]
    plan = {conv: corpus.plan_utterances(preset, make_speakers(preset.speakers, 1, conversions=conv), 1)
            for conv in (0, 2)}
    held = lambda p: [(u.id, u.text) for u in p if u.speaker.split != "train"]  # noqa: E731
    assert held(plan[0]) == held(plan[2])
    assert any(u.speaker.voice.converted for u in plan[2])
