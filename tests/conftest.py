"""Shared fixtures: data made by the tests themselves, never downloaded."""
from pathlib import Path

import numpy as np
import pytest

from cgs_asr.data.audio import write_wav
from cgs_asr.data.datadir import DataDir, write_data_dir


@pytest.fixture(scope="session")
def tiny_corpus(tmp_path_factory) -> Path:
    """The ``tiny`` preset of the synthetic corpus, built once per test session."""
    from cgs_asr.data.synth.corpus import build_corpus
    out = tmp_path_factory.mktemp("synth") / "data"
    build_corpus(out, "tiny", seed=1, num_jobs=2, progress=False)
    return out


@pytest.fixture
def make_data_dir():
    """Factory of small data dirs of tones, see :func:`write_tone_data_dir`."""
    return write_tone_data_dir


def write_tone_data_dir(path: Path, utts: dict[str, tuple[str, str]], sample_rate: int = 16000,
                  seconds: float = 0.5, channels: int = 1) -> DataDir:
    """A data dir of tones: ``utts`` maps utterance id -> (speaker, text)."""
    wav_dir = path.parent / f"{path.name}_wav"
    wav_dir.mkdir(parents=True, exist_ok=True)
    data = DataDir(path, {"wav.scp": {}, "text": {}, "utt2spk": {}})
    for i, (utt, (spk, text)) in enumerate(utts.items()):
        t = np.arange(int(sample_rate * seconds)) / sample_rate
        tone = 0.3 * np.sin(2 * np.pi * (200 + 50 * i) * t)
        samples = np.stack([tone] * channels, axis=1) if channels > 1 else tone
        write_wav(wav_dir / f"{utt}.wav", samples, sample_rate)
        data.tables["wav.scp"][utt] = str(wav_dir / f"{utt}.wav")
        data.tables["text"][utt] = text
        data.tables["utt2spk"][utt] = spk
    write_data_dir(data, path)
    return data
