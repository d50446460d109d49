"""The synthetic speaker inventory and its speaker-disjoint train/dev/test split.

A speaker is a TTS voice with fixed pitch and rate. Some base voices of every
engine are held out of training altogether and speak only in test, so the
test set measures generalisation to voices never heard in training; dev holds
other settings of the training voices. Training speakers of the natural
engines (flite, festival) may have converted copies (convert.py), more
speakers in training; dev and test speakers are never converted, and the
conversion draws from its own generator, so dev and test are the same
speakers whatever the number of copies.
"""
from __future__ import annotations

import math
import random
from dataclasses import dataclass, replace

from cgs_asr.data.synth.tts import Voice

ESPEAK_ACCENTS = ("en-us", "en-gb", "en-gb-scotland", "en-gb-x-rp", "en-gb-x-gbclan",
                  "en-gb-x-gbcwmd", "en-029", "en-us-nyc")
# Human-sounding espeak-ng variants; robotic, whispered and joke variants are left out.
ESPEAK_VARIANTS = ("m1", "m2", "m3", "m4", "m5", "m6", "m7", "m8", "f1", "f2", "f3", "f4", "f5",
                   "Alex", "Andy", "Annie", "adam", "anika", "belinda", "benjamin", "david", "ed",
                   "edward", "grandma", "grandpa", "john", "linda", "max", "michel", "norbert",
                   "paul", "quincy", "rob", "robert", "shelby", "steph", "travis", "victor", "zac",
                   "klatt", "klatt2", "klatt3")
FLITE_VOICES = ("kal", "kal16", "awb", "rms", "slt")
FLITE_PITCHED = ("kal", "kal16")  # the only flite voices whose F0 target has an effect
FESTIVAL_VOICES = ("kal_diphone", "ked_diphone", "cmu_us_slt_arctic_hts")
FESTIVAL_PITCHED = ("kal_diphone", "ked_diphone")

# Base voices that never occur in training: one or more per engine.
HELD_OUT = {
    "espeak": ("m7", "f4", "grandpa", "shelby"),
    "flite": ("rms",),
    "festival": ("ked_diphone",),
}

SPLITS = ("train", "dev", "test")

CONVERTED_ENGINES = ("flite", "festival")
F0_SCALE_RANGE = (0.7, 1.45)  # log-uniform


@dataclass(frozen=True)
class Speaker:
    id: str
    voice: Voice
    split: str


def base_voice(voice: Voice) -> str:
    """The part of a voice name that identifies the voice apart from accent and settings."""
    return voice.name.split("+")[-1]


def make_speakers(counts: dict[str, int], seed: int, dev_fraction: float = 0.1,
                  test_fraction: float = 0.1, conversions: int = 0) -> list[Speaker]:
    """Draw ``counts[engine]`` speakers per engine and assign them to splits.

    Speakers of held-out base voices go to test. Of the others, per engine,
    about ``dev_fraction`` go to dev and ``test_fraction`` to test (at least
    one each), the rest to train. Each training speaker of a natural engine
    gets ``conversions`` converted copies, speakers ``<id>v1``, ``<id>v2``, ...
    """
    if conversions < 0:
        raise ValueError(f"conversions must be 0 or more, got {conversions}")
    rng = random.Random(seed)
    speakers: list[Speaker] = []
    for engine, count in counts.items():
        voices = _draw_voices(engine, count, rng)
        held = [v for v in voices if base_voice(v) in HELD_OUT[engine]]
        seen = [v for v in voices if base_voice(v) not in HELD_OUT[engine]]
        rng.shuffle(seen)
        n_dev = max(1, round(dev_fraction * len(voices)))
        n_test = max(0 if held else 1, round(test_fraction * len(voices)) - len(held))
        splits = ["dev"] * n_dev + ["test"] * n_test + ["train"] * (len(seen) - n_dev - n_test)
        if min(len(seen) - n_dev - n_test, len(held)) < 1:
            raise ValueError(f"{engine}: {count} speakers are too few for train/dev/test "
                             f"with held-out voices {HELD_OUT[engine]}")
        assigned = [(v, "test") for v in held] + list(zip(seen, splits))
        for i, (voice, split) in enumerate(sorted(assigned, key=lambda a: SPLITS.index(a[1]))):
            speakers.append(Speaker(f"{engine[:3]}{i:03d}", voice, split))
    conversion_rng = random.Random(f"voice-conversion-{seed}")
    copies = [Speaker(f"{s.id}v{k}", _converted(s.voice, conversion_rng), s.split)
              for s in speakers if s.split == "train" and s.voice.engine in CONVERTED_ENGINES
              for k in range(1, conversions + 1)]
    return speakers + copies


def _converted(voice: Voice, rng: random.Random) -> Voice:
    """A new speaker: F0 scaled, and the vocal tract shortened for a higher voice, lengthened for a lower one."""
    f0_scale = math.exp(rng.uniform(*(math.log(f) for f in F0_SCALE_RANGE)))
    warp = f0_scale ** 0.25 * rng.uniform(0.95, 1.05)
    return replace(voice, f0_scale=round(f0_scale, 3), warp=round(warp, 3))


def _draw_voices(engine: str, count: int, rng: random.Random) -> list[Voice]:
    """Distinct voices: every base voice used before any is repeated, held-out ones first."""
    if engine == "espeak":
        bases = list(HELD_OUT["espeak"]) + rng.sample(
            [v for v in ESPEAK_VARIANTS if v not in HELD_OUT["espeak"]],
            len(ESPEAK_VARIANTS) - len(HELD_OUT["espeak"]))
    else:
        names = FLITE_VOICES if engine == "flite" else FESTIVAL_VOICES
        bases = list(HELD_OUT[engine]) + [v for v in names if v not in HELD_OUT[engine]]
    voices: list[Voice] = []
    seen = set()
    while len(voices) < count:
        base = bases[len(voices) % len(bases)]
        voice = _settings(engine, base, rng)
        if voice not in seen:
            seen.add(voice)
            voices.append(voice)
    return voices


def _settings(engine: str, base: str, rng: random.Random) -> Voice:
    if engine == "espeak":
        accent = rng.choice(ESPEAK_ACCENTS)
        return Voice("espeak", f"{accent}+{base}", rng.randrange(25, 76, 5), rng.randrange(130, 186, 5))
    pitched = FLITE_PITCHED if engine == "flite" else FESTIVAL_PITCHED
    pitch = rng.randrange(85, 181, 5) if base in pitched else None
    return Voice(engine, base, pitch, round(rng.uniform(0.85, 1.2), 2))
