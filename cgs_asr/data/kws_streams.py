"""Continuous test streams for keyword spotting: utterances joined by silence and noise gaps.

One stream per speaker of the keyword data dir, so per-speaker CMVN stays
what it was for the isolated utterances: that speaker's keyword utterances
(those with word times, e.g. from the alignment) and, optionally, the
keyword-free utterances of the same speakers from other data dirs, in a
seeded random order, each preceded by a gap; a last gap closes the stream.
A gap is near-silence (1-LSB dither) or white / pink noise at a random level.

The result is a data dir (one utterance per stream, its speaker the
stream's speaker) with ``keywords.ctm``, the true keyword occurrences in
stream time, and ``streams.json`` (durations and counts).
"""
from __future__ import annotations

import json
import zlib
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from cgs_asr.atomic import atomic_path, atomic_write_text
from cgs_asr.data.audio import read_audio, write_wav
from cgs_asr.data.ctm import WordTime, write_ctm
from cgs_asr.data.datadir import DataDir, DataDirError, write_data_dir
from cgs_asr.data.synth.augment import pink_noise
from cgs_asr.data.text.keywords import KEYWORDS

FULL_SCALE = 32768.0  # read_audio gives samples at 16-bit scale


@dataclass(frozen=True)
class StreamConfig:
    gap_range: tuple[float, float] = (1.0, 7.0)          # seconds, uniform
    noise_prob: float = 0.5                              # else near-silence
    noise_dbfs_range: tuple[float, float] = (-65.0, -40.0)  # RMS level of gap noise
    sample_rate: int = 16000
    seed: int = 1

    def __post_init__(self):
        if not 0 <= self.gap_range[0] <= self.gap_range[1]:
            raise ValueError(f"gap range {self.gap_range}: need 0 <= min <= max")


def has_keyword(text: str) -> bool:
    return any(w in KEYWORDS for w in text.split())


def _gap(rng: np.random.Generator, config: StreamConfig) -> np.ndarray:
    n = int(rng.uniform(*config.gap_range) * config.sample_rate)
    if rng.random() >= config.noise_prob:
        return rng.standard_normal(n).astype(np.float32) / FULL_SCALE
    noise = rng.standard_normal(n).astype(np.float32) if rng.random() < 0.5 else pink_noise(n, rng)
    level = 10 ** (rng.uniform(*config.noise_dbfs_range) / 20)
    return noise * (level / (np.sqrt(np.mean(np.square(noise, dtype=np.float64))) + 1e-12))


def build_streams(keyword_data: DataDir, word_times: dict[str, list[WordTime]], filler_data: list[DataDir],
                  out_dir: Path, wav_dir: Path, config: StreamConfig = StreamConfig()) -> dict:
    """Write the stream data dir ``out_dir`` and its wav files under ``wav_dir``; return streams.json's content."""
    out_dir, wav_dir = Path(out_dir), Path(wav_dir).resolve()
    speakers = keyword_data.spk2utt()
    parts: dict[str, list[tuple[DataDir, str, list[WordTime]]]] = {s: [] for s in speakers}
    for utt in keyword_data.utts:
        if utt in word_times:
            parts[keyword_data.utt2spk[utt]].append((keyword_data, utt, word_times[utt]))
    for data in filler_data:
        for utt in data.utts:
            spk = data.utt2spk[utt]
            if spk in parts and not has_keyword(data.text[utt]):
                parts[spk].append((data, utt, []))
    if not any(parts.values()):
        raise DataDirError(f"{keyword_data.path}: no utterance has word times, nothing to build streams from")
    wav_dir.mkdir(parents=True, exist_ok=True)
    stream = DataDir(out_dir, {name: {} for name in ("wav.scp", "text", "utt2spk", "utt2dur")})
    truth: dict[str, list[WordTime]] = {}
    speech_seconds = 0.0
    for spk, items in parts.items():
        if not items:
            continue
        rng = np.random.default_rng([config.seed, zlib.crc32(spk.encode())])
        pieces, words, keywords, t = [], [], [], 0.0
        for k in rng.permutation(len(items)):
            data, utt, times = items[k]
            gap = _gap(rng, config)
            audio = read_audio(data.wav_scp[utt], config.sample_rate, name=f"{data.path / 'wav.scp'}: {utt}")
            pieces += [gap, audio / FULL_SCALE]
            t += len(gap) / config.sample_rate
            keywords += [WordTime(w.word, t + w.start, t + w.end) for w in times if w.word in KEYWORDS]
            words.append(data.text[utt])
            t += len(audio) / config.sample_rate
            speech_seconds += len(audio) / config.sample_rate
        pieces.append(_gap(rng, config))
        name = f"{spk}-stream"
        with atomic_path(wav_dir / f"{name}.wav") as tmp:
            write_wav(tmp, np.concatenate(pieces), config.sample_rate)
        stream.tables["wav.scp"][name] = str(wav_dir / f"{name}.wav")
        stream.tables["text"][name] = " ".join(words)
        stream.tables["utt2spk"][name] = spk
        stream.tables["utt2dur"][name] = f"{sum(len(p) for p in pieces) / config.sample_rate:.3f}"
        truth[name] = keywords
    write_data_dir(stream, out_dir)
    write_ctm(out_dir / "keywords.ctm", truth)
    seconds = sum(float(d) for d in stream.tables["utt2dur"].values())
    summary = {"streams": len(truth), "hours": seconds / 3600, "speech_hours": speech_seconds / 3600,
               "keyword_occurrences": sum(len(k) for k in truth.values()),
               "utterances": sum(len(p) for p in parts.values()),
               "keyword_utterances": sum(1 for p in parts.values() for d, _, _ in p if d is keyword_data),
               "config": asdict(config)}
    atomic_write_text(out_dir / "streams.json", json.dumps(summary, indent=1) + "\n")
    return summary
