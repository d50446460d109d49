"""Build the synthetic corpus: speakers, texts, TTS, augmentation, Kaldi data dirs.

Output layout (built in ``<out>.tmp`` and renamed to ``<out>`` when complete,
so an interrupted build never looks finished)::

    <out>/wav/<speaker>/<utt>.wav          16 kHz, 16-bit mono
    <out>/wav_clean/<speaker>/<utt>.wav    its clean companion (see augment.py)
    <out>/{asr,kws}/{train,dev,test}/      Kaldi data dirs: wav.scp text utt2spk
                                           spk2utt utt2dur spk2voice utt2augment
                                           [word_timings.ctm]
    <out>/{asr,kws}/{train,dev,test}_clean/  the same utterances, ids and timings,
                                           from the clean companions (no utt2augment)
    <out>/manifest.json                    preset, seed, hours per data dir

Every utterance draws its augmentation from a generator seeded by the corpus
seed and its own id, so the result does not depend on job order or ``--nj``.
"""
from __future__ import annotations

import json
import multiprocessing
import os
import shutil
import zlib
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import soxr
from tqdm import tqdm

from cgs_asr.data.audio import write_wav
from cgs_asr.data.datadir import DataDir, write_data_dir
from cgs_asr.data.synth.augment import AugmentConfig, augment, make_babble, make_rir_bank
from cgs_asr.data.synth.speakers import SPLITS, Speaker, make_speakers
from cgs_asr.data.synth.tts import Voice, check_engines, synthesize
from cgs_asr.data.text import commands, keywords

SAMPLE_RATE = 16000
TASKS = ("asr", "kws")


@dataclass(frozen=True)
class Preset:
    speakers: dict[str, int]                # engine -> number of speakers
    utterances: dict[str, dict[str, int]]   # task -> split -> number of utterances
    conversions: int = 2                    # converted copies of each flite/festival training speaker
    rirs: int = 24
    babble_sentences: int = 40
    augment: AugmentConfig = field(default_factory=AugmentConfig)


PRESETS = {
    # For tests: a minute or less.
    "tiny": Preset({"espeak": 6, "flite": 5, "festival": 3},
                   {"asr": {"train": 60, "dev": 15, "test": 15}, "kws": {"train": 40, "dev": 10, "test": 10}},
                   conversions=1, rirs=4, babble_sentences=10),
    # The main job: about 4 h of ASR training speech plus the KWS set.
    "default": Preset({"espeak": 52, "flite": 15, "festival": 9},
                      {"asr": {"train": 6000, "dev": 400, "test": 400},
                       "kws": {"train": 3000, "dev": 300, "test": 300}}),
    # 20+ hours of ASR training speech.
    "large": Preset({"espeak": 120, "flite": 30, "festival": 15},
                    {"asr": {"train": 32000, "dev": 1000, "test": 1000},
                     "kws": {"train": 15000, "dev": 1000, "test": 1000}},
                    rirs=64, babble_sentences=100),
}

# Babble is made from speakers outside the corpus.
BABBLE_VOICES = (Voice("espeak", "en-us+m2", 40, 160), Voice("espeak", "en-gb+f2", 60, 150),
                 Voice("espeak", "en-029+m4", 50, 170), Voice("flite", "slt", None, 1.05),
                 Voice("flite", "kal16", 110, 0.95), Voice("flite", "awb", None, 1.1))


@dataclass
class Utterance:
    id: str
    speaker: Speaker
    task: str
    text: str


def plan_utterances(preset: Preset, speakers: list[Speaker], seed: int) -> list[Utterance]:
    """Texts per task and split (a different generator seed for each), dealt to that split's speakers."""
    rng = np.random.default_rng(seed)
    plan = []
    for t, task in enumerate(TASKS):
        for s, split in enumerate(SPLITS):
            text_seed = seed * 100 + 10 * t + s
            n = preset.utterances[task][split]
            texts = (commands.generate_sentences(n, text_seed) if task == "asr"
                     else [u.text for u in keywords.generate_utterances(n, text_seed)])
            pool = [spk for spk in speakers if spk.split == split]
            order = rng.permutation(n)
            for i, k in enumerate(order):
                spk = pool[i % len(pool)]
                plan.append(Utterance(f"{spk.id}-{task}{k:05d}", spk, task, texts[k]))
    return plan


def _utterance_rng(seed: int, utt_id: str) -> np.random.Generator:
    return np.random.default_rng([seed, zlib.crc32(utt_id.encode())])


def make_noise(preset: Preset, seed: int) -> tuple[list[np.ndarray], np.ndarray]:
    """The room impulse responses and the babble track shared by all utterances."""
    rng = np.random.default_rng([seed, 7])
    rirs = make_rir_bank(preset.rirs, SAMPLE_RATE, rng)
    texts = commands.generate_sentences(preset.babble_sentences, seed * 100 + 99)
    speech = [soxr.resample(r.samples, r.sample_rate, SAMPLE_RATE)
              for i, voice in enumerate(BABBLE_VOICES)
              for r in synthesize(voice, texts[i::len(BABBLE_VOICES)])]
    return rirs, make_babble(speech, talkers=5, seconds=60.0, sample_rate=SAMPLE_RATE, rng=rng)


_WORKER: dict = {}


def _init_worker(state: dict) -> None:
    _WORKER.update(state)


def _render_speaker(utts: list[Utterance]) -> list[dict]:
    """Synthesize, resample, augment and write one speaker's utterances."""
    out_dir, seed, config = _WORKER["out_dir"], _WORKER["seed"], _WORKER["config"]
    voice = utts[0].speaker.voice
    rows = []
    for utt, rendered in zip(utts, synthesize(voice, [u.text for u in utts])):
        speech = soxr.resample(rendered.samples, rendered.sample_rate, SAMPLE_RATE)
        aug = augment(speech, SAMPLE_RATE, config, _utterance_rng(seed, utt.id), _WORKER["rirs"], _WORKER["babble"])
        for folder, samples in (("wav", aug.samples), ("wav_clean", aug.clean)):
            path = out_dir / folder / utt.speaker.id / f"{utt.id}.wav"
            path.parent.mkdir(parents=True, exist_ok=True)
            write_wav(path, samples, SAMPLE_RATE)
        words = utt.text.split()
        times = None
        if rendered.word_times is not None and len(rendered.word_times) == len(words):
            duration = len(aug.samples) / SAMPLE_RATE
            times = [tuple(min(max(t * aug.time_scale + aug.time_offset, 0.0), duration) for t in pair)
                     for pair in rendered.word_times]
        rows.append({"utt": utt.id, "wav": path.name, "duration": len(aug.samples) / SAMPLE_RATE,
                     "augment": aug.description, "word_times": times})
    return rows


def build_corpus(out: Path, preset_name: str = "default", seed: int = 1, num_jobs: int = 2,
                 progress: bool = True, conversions: int | None = None) -> dict:
    """Build the corpus into ``out``; return its manifest.

    ``conversions``: converted copies of each natural-voice training speaker
    (None: the preset's number).
    """
    out = Path(out).resolve()
    if out.exists():
        raise FileExistsError(f"{out}: exists already; remove it to build the corpus again")
    check_engines()
    preset = PRESETS[preset_name]
    tmp = out.with_name(out.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)  # left over from an interrupted build
    tmp.mkdir(parents=True)

    if conversions is None:
        conversions = preset.conversions
    speakers = make_speakers(preset.speakers, seed, conversions=conversions)
    plan = plan_utterances(preset, speakers, seed)
    rirs, babble = make_noise(preset, seed)

    by_speaker: dict[str, list[Utterance]] = {}
    for utt in plan:
        by_speaker.setdefault(utt.speaker.id, []).append(utt)
    # Festival speakers first: one process each renders many utterances, the longest jobs.
    jobs = sorted(by_speaker.values(), key=lambda us: (us[0].speaker.voice.engine != "festival", us[0].speaker.id))
    state = {"out_dir": tmp, "seed": seed, "config": preset.augment, "rirs": rirs, "babble": babble}
    rows = {}
    with multiprocessing.get_context("fork").Pool(num_jobs, _init_worker, (state,)) as pool:
        for result in tqdm(pool.imap_unordered(_render_speaker, jobs), total=len(jobs),
                           desc="synthesizing speakers", disable=not progress):
            rows.update((r["utt"], r) for r in result)

    manifest = {"preset": preset_name, "seed": seed, "conversions": conversions, "sample_rate": SAMPLE_RATE,
                "hours": {}, "speakers": {}}
    for task in TASKS:
        for split in SPLITS:
            utts = [u for u in plan if u.task == task and u.speaker.split == split]
            _write_split(tmp / task / split, utts, rows, out)
            _write_split(tmp / task / f"{split}_clean", utts, rows, out, clean=True)
            manifest["hours"][f"{task}/{split}"] = round(sum(rows[u.id]["duration"] for u in utts) / 3600, 3)
    for split in SPLITS:
        manifest["speakers"][split] = sum(1 for s in speakers if s.split == split)
    (tmp / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
    os.replace(tmp, out)
    return manifest


def _write_split(path: Path, utts: list[Utterance], rows: dict, final_root: Path, clean: bool = False) -> None:
    data = DataDir(path)
    wav_folder = final_root / ("wav_clean" if clean else "wav")
    data.tables = {
        "wav.scp": {u.id: str(wav_folder / u.speaker.id / rows[u.id]["wav"]) for u in utts},
        "text": {u.id: u.text for u in utts},
        "utt2spk": {u.id: u.speaker.id for u in utts},
        "utt2dur": {u.id: f"{rows[u.id]['duration']:.3f}" for u in utts},
        "spk2voice": {u.speaker.id: u.speaker.voice.describe() for u in utts},
    }
    if not clean:
        data.tables["utt2augment"] = {u.id: rows[u.id]["augment"] for u in utts}
    write_data_dir(data, path)
    ctm = [f"{u.id} 1 {s:.3f} {e - s:.3f} {w}"
           for u in sorted(utts, key=lambda u: u.id.encode()) if rows[u.id]["word_times"]
           for w, (s, e) in zip(u.text.split(), rows[u.id]["word_times"])]
    if ctm:
        (path / "word_timings.ctm").write_text("\n".join(ctm) + "\n", encoding="utf-8")
