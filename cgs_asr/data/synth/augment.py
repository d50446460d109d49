"""Augmentation of synthetic speech, deterministic for a given random generator.

Each utterance draws its own chain: trim the engine's silence and pad anew,
speed perturbation, simulated room reverberation, additive noise (white, pink
or babble of other synthetic speakers) at 5-30 dB SNR, band-limiting through
an 8 kHz sample rate (so models also meet telephone-band recordings), a random
level, and last the recording's own noise floor. The chain applied is returned
as a short description, which the corpus builder records per utterance.

The noise floor (white, 1-8 steps of 16-bit audio, i.e. -90 to -72 dBFS) is
there because TTS engines pad with digital silence, which no microphone
records: in the default corpus without it, 23 % of the 25 ms frames of the
clean companions (6.5 % of the augmented ones) were all zeros, whose log
energies sit at the floor of the log, so per-speaker CMVN and the GMM's
silence model were fitted to something real recordings never show. (Kaldi's
feature extraction dithers against that; the recipes here extract with
--dither=0, and the floor is in the audio instead.)

Beside the augmented signal comes its clean companion: the same speech, padded,
sped up, band-limited and levelled alike, with the same noise floor, so the
same length and timing, but without reverberation and added noise. Alignments
made on it are the frame targets for the augmented copy, as Kaldi's
multi-condition recipes align the clean recordings and train on their
reverberated and noisy copies. Band-limiting stays because it is the channel
(telephone-band recordings such as 8 kHz corpora have it), not interference.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyroomacoustics as pra
import scipy.signal
import soxr


@dataclass(frozen=True)
class AugmentConfig:
    speed_prob: float = 0.5
    speed_range: tuple[float, float] = (0.9, 1.1)
    reverb_prob: float = 0.3
    noise_prob: float = 0.6
    snr_db_range: tuple[float, float] = (5.0, 30.0)
    noise_kinds: tuple[str, ...] = ("white", "pink", "babble")
    bandlimit_prob: float = 0.4
    level_dbfs_range: tuple[float, float] = (-30.0, -3.0)  # peak level
    floor_lsb_range: tuple[float, float] = (1.0, 8.0)  # noise floor's standard deviation in 16-bit steps
    pad_range: tuple[float, float] = (0.05, 0.5)  # seconds of silence added on each side


@dataclass
class Augmented:
    samples: np.ndarray
    clean: np.ndarray  # the companion: same length, timing, band, level and floor, without reverb and added noise
    description: str
    time_offset: float  # seconds: new time = old time * time_scale + time_offset
    time_scale: float


def make_rir_bank(count: int, sample_rate: int, rng: np.random.Generator) -> list[np.ndarray]:
    """Room impulse responses of random shoebox rooms (image source method)."""
    rirs = []
    for _ in range(count):
        dims = rng.uniform([3.0, 3.0, 2.4], [9.0, 7.0, 3.5])
        rt60 = rng.uniform(0.15, 0.6)
        absorption, max_order = pra.inverse_sabine(rt60, dims)
        room = pra.ShoeBox(dims, fs=sample_rate, materials=pra.Material(absorption), max_order=max_order)
        room.add_source(rng.uniform(0.5, dims - 0.5))
        room.add_microphone(rng.uniform(0.5, dims - 0.5))
        room.compute_rir()
        rir = np.asarray(room.rir[0][0], dtype=np.float32)
        rirs.append(rir / np.abs(rir).max())
    return rirs


def make_babble(utterances: list[np.ndarray], talkers: int, seconds: float, sample_rate: int,
                rng: np.random.Generator) -> np.ndarray:
    """Sum ``talkers`` streams, each a random concatenation of the given utterances."""
    length = int(seconds * sample_rate)
    babble = np.zeros(length, dtype=np.float32)
    for _ in range(talkers):
        stream = np.concatenate([utterances[i] / (_rms(utterances[i]) + 1e-9)
                                 for i in rng.permutation(len(utterances))])
        stream = np.resize(stream, length)  # repeats when too short
        babble += np.roll(stream, rng.integers(length))
    return babble / (_rms(babble) + 1e-9)


def pink_noise(length: int, rng: np.random.Generator) -> np.ndarray:
    """1/f noise: white noise shaped in the frequency domain."""
    spectrum = np.fft.rfft(rng.standard_normal(length))
    spectrum /= np.sqrt(np.maximum(np.arange(len(spectrum)), 1))
    return np.fft.irfft(spectrum, n=length).astype(np.float32)


def change_speed(samples: np.ndarray, sample_rate: int, factor: float) -> np.ndarray:
    """Play back ``factor`` times faster, tempo and pitch together (sox's ``speed``, Kaldi's speed perturbation).

    The same samples are taken as recorded at ``factor`` times the rate, then
    resampled back to ``sample_rate``.
    """
    return soxr.resample(samples, sample_rate * factor, sample_rate)


def trim_silence(samples: np.ndarray, sample_rate: int, threshold_db: float = -40.0) -> tuple[np.ndarray, int]:
    """Cut leading and trailing 10 ms frames quieter than ``threshold_db`` below the peak."""
    hop = sample_rate // 100
    frames = len(samples) // hop
    if frames == 0:
        return samples, 0
    energy = np.sqrt(np.mean(samples[: frames * hop].reshape(frames, hop) ** 2, axis=1))
    loud = np.nonzero(energy > np.abs(samples).max() * 10 ** (threshold_db / 20))[0]
    if len(loud) == 0:
        return samples, 0
    start, end = loud[0] * hop, (loud[-1] + 1) * hop
    return samples[start:end], start


def augment(samples: np.ndarray, sample_rate: int, config: AugmentConfig, rng: np.random.Generator,
            rirs: list[np.ndarray], babble: np.ndarray) -> Augmented:
    """Apply one randomly drawn chain to clean speech at ``sample_rate``."""
    steps = []
    x, trimmed = trim_silence(samples, sample_rate)
    offset = -trimmed / sample_rate
    scale = 1.0
    pad = rng.uniform(*config.pad_range, size=2)
    x = np.concatenate([np.zeros(int(pad[0] * sample_rate), np.float32), x,
                        np.zeros(int(pad[1] * sample_rate), np.float32)])
    offset += pad[0]
    if rng.random() < config.speed_prob:
        factor = rng.uniform(*config.speed_range)
        x = change_speed(x, sample_rate, factor)
        offset, scale = offset / factor, scale / factor
        steps.append(f"speed={factor:.3f}")
    dry = x
    if rng.random() < config.reverb_prob:
        k = rng.integers(len(rirs))
        x = scipy.signal.fftconvolve(x, rirs[k])[: len(x)].astype(np.float32)
        # The direct sound arrives after the source-microphone delay: the companion and the times follow it.
        delay = int(np.argmax(np.abs(rirs[k])))
        dry = np.concatenate([np.zeros(delay, np.float32), dry])[: len(dry)]
        offset += delay / sample_rate
        steps.append(f"reverb=rir{k}")
    if rng.random() < config.noise_prob:
        kind = config.noise_kinds[rng.integers(len(config.noise_kinds))]
        snr = rng.uniform(*config.snr_db_range)
        noise = _noise(kind, len(x), rng, babble)
        x = x + noise * (_rms(x) / (_rms(noise) + 1e-9) * 10 ** (-snr / 20))
        steps.append(f"noise={kind}@{snr:.1f}dB")
    if rng.random() < config.bandlimit_prob:
        # Through 8 kHz and back can add a sample; both keep the original length.
        x, dry = (soxr.resample(soxr.resample(y, sample_rate, 8000), 8000, sample_rate)[: len(y)] for y in (x, dry))
        steps.append("band=8k")
    level = rng.uniform(*config.level_dbfs_range)
    x, dry = (_at_peak(y, level) for y in (x, dry))
    steps.append(f"level={level:.1f}dBFS")
    floor = rng.uniform(*config.floor_lsb_range)
    hiss = rng.standard_normal(len(x)).astype(np.float32) * np.float32(floor / 32768)
    steps.append(f"floor={floor:.1f}lsb")
    return Augmented(x + hiss, dry + hiss, " ".join(steps), offset, scale)


def _noise(kind: str, length: int, rng: np.random.Generator, babble: np.ndarray) -> np.ndarray:
    if kind == "white":
        return rng.standard_normal(length).astype(np.float32)
    if kind == "pink":
        return pink_noise(length, rng)
    start = rng.integers(len(babble))
    return np.resize(np.roll(babble, -start), length)


def _at_peak(x: np.ndarray, level_dbfs: float) -> np.ndarray:
    return (x * (10 ** (level_dbfs / 20) / (np.abs(x).max() + 1e-9))).astype(np.float32)


def _rms(x: np.ndarray) -> float:
    return float(np.sqrt(np.mean(np.square(x, dtype=np.float64)))) if len(x) else 0.0
