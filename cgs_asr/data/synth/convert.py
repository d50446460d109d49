"""Voice conversion through the WORLD vocoder: more speakers from the natural TTS voices.

Only three human voices (kal, awb, slt) stand behind the flite and festival
voices in training, and these natural voices carry to unseen speakers far
better than espeak's formant voices (NOTES-tts.md). Conversion makes new
speakers of them: WORLD analyses the speech into F0, spectral envelope and
aperiodicity; F0 is scaled and the envelope's frequency axis warped (a
vocal-tract-length change, as VTLP does to the filterbank, here to the speech
itself, so that the formants move without the harmonics moving with them);
WORLD then synthesizes the result. Timing is kept, sample for sample in
length, so word times reported by the engine stay valid.
"""
from __future__ import annotations

import numpy as np
import pyworld

FRAME_PERIOD_MS = 5.0
F0_FLOOR, F0_CEIL = 60.0, 500.0


def warp_frequencies(num_bins: int, warp: float) -> np.ndarray:
    """For each output bin (0 .. Nyquist, in bins), the source bin it takes its value from.

    Piecewise linear, as Kaldi's VTLN warp: frequencies below a break point
    are divided by ``warp`` (``warp`` > 1 moves formants up, as a shorter
    vocal tract does), the rest map linearly so that Nyquist stays Nyquist.
    """
    nyquist = num_bins - 1.0
    out = np.arange(num_bins, dtype=np.float64)
    brk = 0.8 * nyquist * min(1.0, warp)
    upper = brk / warp + (out - brk) * (nyquist - brk / warp) / (nyquist - brk)
    return np.where(out <= brk, out / warp, upper)


def convert_voice(samples: np.ndarray, sample_rate: int, f0_scale: float, warp: float) -> np.ndarray:
    """``samples`` spoken with F0 times ``f0_scale`` and the spectral envelope warped by ``warp``."""
    if f0_scale <= 0 or warp <= 0:
        raise ValueError(f"voice conversion needs positive factors, got f0_scale={f0_scale} warp={warp}")
    x = np.ascontiguousarray(samples, dtype=np.float64)
    f0, times = pyworld.dio(x, sample_rate, f0_floor=F0_FLOOR, f0_ceil=F0_CEIL, frame_period=FRAME_PERIOD_MS)
    f0 = pyworld.stonemask(x, f0, times, sample_rate)
    envelope = pyworld.cheaptrick(x, f0, times, sample_rate, f0_floor=F0_FLOOR)
    # The same FFT size as the envelope's: d4c would derive its own from its default F0 floor.
    aperiodicity = pyworld.d4c(x, f0, times, sample_rate, fft_size=2 * (envelope.shape[1] - 1))
    source = warp_frequencies(envelope.shape[1], warp)
    # Interpolate the log envelope: formant peaks keep their shape when moved.
    warped = np.exp(_resample_bins(np.log(np.maximum(envelope, 1e-16)), source))
    y = pyworld.synthesize(f0 * f0_scale, warped, _resample_bins(aperiodicity, source), sample_rate,
                           frame_period=FRAME_PERIOD_MS)
    y = np.pad(y[: len(x)], (0, max(0, len(x) - len(y))))
    return y.astype(np.float32)


def _resample_bins(frames: np.ndarray, source: np.ndarray) -> np.ndarray:
    """Every frame (row) linearly interpolated at the fractional bins ``source``, all frames at once."""
    low = np.minimum(np.floor(source).astype(int), frames.shape[1] - 2)
    weight = source - low
    return np.ascontiguousarray(frames[:, low] * (1 - weight) + frames[:, low + 1] * weight)
