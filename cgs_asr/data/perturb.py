"""Speed perturbation of a data dir, as Kaldi's utils/data/perturb_data_dir_speed_3way.sh.

Every utterance is copied at each speed factor (tempo and pitch change
together); the copies get ids ``sp<factor>-<utt>`` and speakers
``sp<factor>-<speaker>``, so per-speaker CMVN sees each speed as its own
speaker. Factor 1 keeps the original audio entry; other factors write wav
files under ``<out>/wav/`` at the original sample rate.
"""
from __future__ import annotations

from pathlib import Path

from cgs_asr.data.audio import read_audio, read_audio_info, write_wav
from cgs_asr.data.datadir import DataDir, DataDirError, write_data_dir
from cgs_asr.data.synth.augment import change_speed

# Utterance and speaker tables that stay valid when the audio changes speed.
_KEPT_UTT_TABLES = ("wav.scp", "text", "utt2spk")
_KEPT_SPK_TABLES = ("spk2gender",)


def perturb_speed(data: DataDir, factors: list[float], out: Path) -> DataDir:
    """Write ``out``: every utterance of ``data`` at every speed in ``factors``."""
    if not factors or any(f <= 0 for f in factors) or len(set(factors)) != len(factors):
        raise DataDirError(f"speed factors must be distinct and positive, got {factors}")
    if "segments" in data.tables:
        raise DataDirError(f"{data.path}: speed perturbation of segmented data dirs is not supported")
    out = Path(out)
    (out / "wav").mkdir(parents=True, exist_ok=True)
    result = DataDir(out, {name: {} for name in _KEPT_UTT_TABLES + _KEPT_SPK_TABLES if name in data.tables})
    for factor in factors:
        prefix = f"sp{factor:g}-"
        for utt in data.utts:
            entry = data.wav_scp[utt]
            if factor != 1:
                entry = str((out / "wav" / f"{prefix}{utt}.wav").resolve())
                try:
                    rate = read_audio_info(data.wav_scp[utt]).samplerate
                    samples = read_audio(data.wav_scp[utt], rate, name=utt) / 32768.0
                except (OSError, RuntimeError) as e:  # soundfile raises RuntimeError subclasses
                    raise DataDirError(f"{data.path / 'wav.scp'}: utterance {utt}: cannot read audio: {e}") from e
                write_wav(entry, change_speed(samples, rate, factor), rate)
            result.tables["wav.scp"][prefix + utt] = entry
            result.tables["text"][prefix + utt] = data.text[utt]
            result.tables["utt2spk"][prefix + utt] = prefix + data.utt2spk[utt]
        for name in _KEPT_SPK_TABLES:
            if name in data.tables:
                result.tables[name].update({prefix + spk: v for spk, v in data.tables[name].items()})
    write_data_dir(result, out)
    return result
