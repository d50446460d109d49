"""Reading audio named by a wav.scp entry, at the rate the caller asks for.

Samples come back as float32 on the 16-bit integer scale (-32768..32767), the
scale Kaldi's feature code works on. Other rates are resampled with soxr;
multi-channel audio is down-mixed with a warning.
"""
from __future__ import annotations

import io
import logging
import subprocess

import numpy as np
import soundfile
import soxr

log = logging.getLogger(__name__)


def is_command(entry: str) -> bool:
    """Kaldi's piped form: ``some command |`` writes a wav file to stdout."""
    return entry.rstrip().endswith("|")


def _open(entry: str, allow_commands: bool):
    if is_command(entry):
        if not allow_commands:
            raise ValueError("is a command ('... |'); pass --allow-commands to run wav.scp commands")
        proc = subprocess.run(entry.rstrip()[:-1], shell=True, capture_output=True)
        if proc.returncode != 0:
            raise RuntimeError(f"command failed ({proc.returncode}): {proc.stderr.decode(errors='replace').strip()}")
        return io.BytesIO(proc.stdout)
    return entry


def read_audio_info(entry: str) -> soundfile._SoundFileInfo:
    """Check that a file entry exists and is readable audio; return its header."""
    return soundfile.info(entry)


def read_audio(entry: str, sample_rate: int, allow_commands: bool = False,
               name: str = "") -> np.ndarray:
    """Return mono float32 samples of ``entry`` at ``sample_rate``, 16-bit scale."""
    samples, rate = soundfile.read(_open(entry, allow_commands), dtype="float32", always_2d=True)
    if samples.shape[1] > 1:
        log.warning("%s: %d channels, down-mixed to mono", name or entry, samples.shape[1])
    mono = samples.mean(axis=1)
    if rate != sample_rate:
        mono = soxr.resample(mono, rate, sample_rate, quality="HQ")
    if not np.all(np.isfinite(mono)):
        raise ValueError(f"{name or entry}: audio holds NaN or infinite samples")
    return (mono * 32768.0).astype(np.float32)


def write_wav(path, samples: np.ndarray, sample_rate: int) -> None:
    """Write float samples in [-1, 1) as 16-bit PCM WAV."""
    soundfile.write(str(path), np.clip(samples, -1.0, 32767 / 32768), sample_rate, subtype="PCM_16", format="WAV")
