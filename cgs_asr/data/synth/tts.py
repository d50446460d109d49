"""Speech synthesis with the Debian TTS engines: espeak-ng, flite and festival.

A :class:`Voice` is one synthetic speaker: an engine voice with fixed pitch
and rate settings. :func:`synthesize` renders a list of texts with one voice
and returns float samples at the engine's native rate (espeak-ng 22.05 kHz,
flite 8/16 kHz, festival 16/32 kHz); resampling is the caller's job. A voice
may be converted (convert.py): its engine's speech with F0 scaled and the
spectral envelope warped.
Festival reports word start and end times, which come back with the audio.
"""
from __future__ import annotations

import io
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import soundfile

from cgs_asr.data.synth.convert import convert_voice

ENGINE_PROGRAMS = {"espeak": "espeak-ng", "flite": "flite", "festival": "festival"}


@dataclass(frozen=True)
class Voice:
    """One synthetic speaker.

    ``pitch``: espeak-ng's ``-p`` (0-99) or the target F0 mean in Hz for
    flite/festival voices that honour it (None leaves the voice's own).
    ``rate``: espeak-ng words per minute, or a duration stretch factor for
    flite and festival (1.0 = the voice's own speed, > 1 slower).
    ``f0_scale``, ``warp``: voice conversion of the engine's output (1.0: none).
    """

    engine: str
    name: str
    pitch: float | None
    rate: float
    f0_scale: float = 1.0
    warp: float = 1.0

    @property
    def converted(self) -> bool:
        return (self.f0_scale, self.warp) != (1.0, 1.0)

    def describe(self) -> str:
        pitch = "default" if self.pitch is None else f"{self.pitch:g}"
        conversion = f" f0_scale={self.f0_scale:g} warp={self.warp:g}" if self.converted else ""
        return f"{self.engine} {self.name} pitch={pitch} rate={self.rate:g}{conversion}"


@dataclass
class Rendered:
    samples: np.ndarray          # float32 in [-1, 1]
    sample_rate: int
    word_times: list[tuple[float, float]] | None  # (start, end) s per word, where the engine reports them


class TtsError(RuntimeError):
    pass


def check_engines() -> None:
    """Fail early, naming the missing programs and the packages that provide them."""
    missing = [p for p in ENGINE_PROGRAMS.values() if shutil.which(p) is None]
    if missing:
        raise TtsError(f"TTS programs not found: {', '.join(missing)} "
                       "(install espeak-ng flite festival festvox-kallpc16k festvox-kdlpc16k "
                       "festvox-us-slt-hts, e.g. with local/install.sh)")


def synthesize(voice: Voice, texts: list[str]) -> list[Rendered]:
    render = {"espeak": _espeak, "flite": _flite, "festival": _festival}[voice.engine]
    with tempfile.TemporaryDirectory(prefix="cgs_tts_") as tmp:
        rendered = render(voice, texts, Path(tmp))
    if voice.converted:
        for r in rendered:
            r.samples = convert_voice(r.samples, r.sample_rate, voice.f0_scale, voice.warp)
    return rendered


def _run(cmd: list[str], what: str, **kwargs) -> subprocess.CompletedProcess:
    proc = subprocess.run(cmd, capture_output=True, **kwargs)
    if proc.returncode != 0:
        raise TtsError(f"{what} failed ({proc.returncode}): {proc.stderr.decode(errors='replace').strip()}")
    return proc


def _load(data) -> tuple[np.ndarray, int]:
    samples, rate = soundfile.read(data, dtype="float32", always_2d=True)
    return samples[:, 0], rate


def _espeak(voice: Voice, texts: list[str], tmp: Path) -> list[Rendered]:
    out = []
    for text in texts:
        proc = _run(["espeak-ng", "-v", voice.name, "-p", str(int(voice.pitch)), "-s", str(int(voice.rate)),
                     "--stdout", text], f"espeak-ng -v {voice.name}")
        samples, rate = _load(io.BytesIO(proc.stdout))
        out.append(Rendered(samples, rate, None))
    return out


def _flite(voice: Voice, texts: list[str], tmp: Path) -> list[Rendered]:
    settings = ["--setf", f"duration_stretch={voice.rate:g}"]
    if voice.pitch is not None:
        settings += ["--setf", f"int_f0_target_mean={voice.pitch:g}"]
    out = []
    for text in texts:
        wav = tmp / "utt.wav"
        _run(["flite", "-voice", voice.name, "-t", text, "-o", str(wav), *settings], f"flite -voice {voice.name}")
        samples, rate = _load(wav)
        out.append(Rendered(samples, rate, None))
    return out


def _festival(voice: Voice, texts: list[str], tmp: Path) -> list[Rendered]:
    """One festival process renders all texts (its start-up costs ~0.5 s)."""
    lines = [f"(voice_{voice.name})", f"(Parameter.set 'Duration_Stretch {voice.rate:g})"]
    if voice.pitch is not None:
        lines.append(f"(set! int_lr_params '((target_f0_mean {voice.pitch:g}) (target_f0_std {voice.pitch / 6:g})"
                     " (model_f0_mean 170) (model_f0_std 34)))")
    for i, text in enumerate(texts):
        escaped = text.replace("\\", "\\\\").replace('"', '\\"')
        lines.append(f'(set! u (utt.synth (Utterance Text "{escaped}")))')
        lines.append(f'(utt.save.wave u "{tmp}/{i}.wav" \'riff)')
        lines.append(f'(set! fd (fopen "{tmp}/{i}.words" "w"))')
        lines.append('(mapcar (lambda (w) (format fd "%f %f\\n" (item.feat w "word_start") (item.feat w "word_end"))) '
                     "(utt.relation.items u 'Word))")
        lines.append("(fclose fd)")
    script = tmp / "render.scm"
    script.write_text("\n".join(lines) + "\n", encoding="utf-8")
    _run(["festival", "--batch", str(script)], f"festival voice {voice.name}")
    out = []
    for i in range(len(texts)):
        if not (tmp / f"{i}.wav").is_file():
            raise TtsError(f"festival voice {voice.name} wrote no audio for {texts[i]!r}")
        samples, rate = _load(tmp / f"{i}.wav")
        times = [float(x) for x in (tmp / f"{i}.words").read_text().split()]
        out.append(Rendered(samples, rate, list(zip(times[0::2], times[1::2]))))
    return out
