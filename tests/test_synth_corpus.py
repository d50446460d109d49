"""The synthetic corpus: speaker-disjoint splits, held-out voices, determinism, valid data dirs, clean
companions, features."""
import dataclasses
import json

import numpy as np
import pytest
import soundfile

from cgs_asr.data.datadir import load_data_dir, validate_data_dir
from cgs_asr.data.synth import corpus
from cgs_asr.data.synth.augment import AugmentConfig, augment
from cgs_asr.data.synth.speakers import HELD_OUT, base_voice, make_speakers
from cgs_asr.features.config import feature_options
from cgs_asr.features.extract import make_features


def test_speakers_disjoint_and_held_out_voices_only_in_test():
    speakers = make_speakers(corpus.PRESETS["default"].speakers, seed=1)
    assert len({s.id for s in speakers}) == len(speakers) >= 60
    assert len({s.voice for s in speakers}) == len(speakers)  # distinct voice settings
    train_voices = {(s.voice.engine, base_voice(s.voice)) for s in speakers if s.split == "train"}
    for engine, held in HELD_OUT.items():
        test_bases = {base_voice(s.voice) for s in speakers if s.split == "test" and s.voice.engine == engine}
        assert test_bases & set(held), f"no held-out {engine} voice in test"
        assert not train_voices & {(engine, h) for h in held}
        for split in ("train", "dev"):
            assert any(s.voice.engine == engine and s.split == split for s in speakers)


def test_plan_is_deterministic_per_seed():
    preset = corpus.PRESETS["tiny"]
    plan = lambda seed: [(u.id, u.text) for u in corpus.plan_utterances(  # noqa: E731
        preset, make_speakers(preset.speakers, seed), seed)]
    assert plan(1) == plan(1)
    assert plan(1) != plan(2)
    texts = {}
    for u in corpus.plan_utterances(preset, make_speakers(preset.speakers, 1), 1):
        texts.setdefault((u.task, u.speaker.split), []).append(u.text)
    # Train, dev and test text come from different generator seeds.
    assert texts[("asr", "train")][:15] != texts[("asr", "test")]


def test_tiny_corpus(tiny_corpus):
    manifest = json.loads((tiny_corpus / "manifest.json").read_text())
    assert manifest["preset"] == "tiny"
    spk = {}
    for task in corpus.TASKS:
        for split in ("train", "dev", "test"):
            path = tiny_corpus / task / split
            assert validate_data_dir(path) == []
            data = load_data_dir(path)
            assert len(data.utts) == corpus.PRESETS["tiny"].utterances[task][split]
            spk[(task, split)] = set(data.utt2spk.values())
            info = soundfile.info(data.wav_scp[data.utts[0]])
            assert (info.samplerate, info.channels, info.subtype) == (16000, 1, "PCM_16")
    for task in corpus.TASKS:
        assert not spk[(task, "train")] & (spk[(task, "dev")] | spk[(task, "test")])
        assert not spk[(task, "dev")] & spk[(task, "test")]


def test_clean_companions_match_their_augmented_utterances(tiny_corpus):
    for task in corpus.TASKS:
        for split in ("train", "dev", "test"):
            augmented = load_data_dir(tiny_corpus / task / split)
            clean = load_data_dir(tiny_corpus / task / f"{split}_clean")
            assert validate_data_dir(clean.path) == []
            assert clean.text == augmented.text and clean.utt2spk == augmented.utt2spk
            assert "utt2augment" not in clean.tables
            for utt in augmented.utts:
                assert "/wav_clean/" in clean.wav_scp[utt]
                assert soundfile.info(clean.wav_scp[utt]).frames == soundfile.info(augmented.wav_scp[utt]).frames
    ctm = tiny_corpus / "asr" / "train" / "word_timings.ctm"
    assert (tiny_corpus / "asr" / "train_clean" / "word_timings.ctm").read_text() == ctm.read_text()


def test_clean_companion_is_the_speech_before_reverb_and_noise():
    rng = np.random.default_rng(0)
    speech = np.concatenate([np.zeros(801), rng.standard_normal(4001), np.zeros(800)]).astype(np.float32)
    rirs = [np.array([0.0, 0.1, -0.2, 1.0, 0.0, 0.5], np.float32)]  # the direct sound 3 samples late
    babble = rng.standard_normal(8000).astype(np.float32)
    every = AugmentConfig(speed_prob=1.0, reverb_prob=1.0, noise_prob=1.0, bandlimit_prob=1.0)
    distorted = augment(speech, 16000, every, np.random.default_rng(1), rirs, babble)
    # Same draws up to the speed factor, then no reverb and no noise: the band-limiting, level and floor draws follow.
    plain = augment(speech, 16000, dataclasses.replace(every, reverb_prob=0.0, noise_prob=0.0),
                    np.random.default_rng(1), rirs, babble)
    assert "reverb" in distorted.description and "noise" in distorted.description and "band=8k" in distorted.description
    np.testing.assert_array_equal(plain.clean, plain.samples)
    assert len(distorted.clean) == len(distorted.samples) == len(plain.samples)  # band-limiting keeps the length
    # The companion is the plain speech delayed as the direct sound is, and so are the word times.
    companion = distorted.clean[: len(plain.clean)]
    lsb = 1 / 32768
    assert np.abs(distorted.clean).max() == pytest.approx(np.abs(distorted.samples).max(), abs=80 * lsb)  # one level
    assert np.abs(companion[:3]).max() < 40 * lsb  # the noise floor only
    unit = lambda x: x / np.abs(x).max()  # noqa: E731
    assert np.abs(unit(companion[3:]) - unit(plain.clean[:-3])).max() < 0.01
    assert distorted.time_offset == pytest.approx(plain.time_offset + 3 / 16000)
    assert distorted.time_scale == plain.time_scale
    assert np.corrcoef(distorted.clean, distorted.samples)[0, 1] < 0.99
    # Band-limited: almost no energy above 4 kHz in speech that had it, in both signals.
    highband = lambda x: np.sum(np.abs(np.fft.rfft(x))[len(x) // 4:] ** 2) / np.sum(np.abs(np.fft.rfft(x)) ** 2)  # noqa: E731
    assert highband(speech) > 0.4
    assert highband(plain.clean) < 0.01 and highband(distorted.samples) < 0.01


def test_no_digital_silence():
    """The padding carries the recording's noise floor (1-8 steps of 16-bit audio), not zeros."""
    speech = np.concatenate([np.zeros(1600), np.random.default_rng(0).standard_normal(8000)]).astype(np.float32)
    quiet = AugmentConfig(speed_prob=0.0, reverb_prob=0.0, noise_prob=0.0, bandlimit_prob=0.0)
    for seed in range(5):
        out = augment(speech, 16000, quiet, np.random.default_rng(seed), [], np.zeros(1, np.float32))
        floor = float(out.description.split("floor=")[1].removesuffix("lsb"))
        pad = out.clean[: int(0.05 * 16000)] * 32768  # the shortest padding
        assert 1.0 <= floor <= 8.0
        assert np.std(pad) == pytest.approx(floor, rel=0.1)
        np.testing.assert_array_equal(out.clean, out.samples)


def test_word_timings_cover_festival_utterances(tiny_corpus):
    ctm = [line.split() for split in ("train", "dev", "test")
           for f in [tiny_corpus / "asr" / split / "word_timings.ctm"] if f.exists()
           for line in f.read_text().splitlines()]
    assert ctm, "festival speakers should report word timings"
    data = {u: t for split in ("train", "dev", "test") for u, t in load_data_dir(tiny_corpus / "asr" / split).text.items()}
    words = {}
    for utt, _, start, dur, word in ctm:
        assert float(dur) > 0 and float(start) >= 0
        words.setdefault(utt, []).append(word)
    for utt, ws in words.items():
        assert " ".join(ws) == data[utt]


def test_rendering_is_deterministic_and_order_free(tiny_corpus, tmp_path):
    """Re-render one converted speaker's utterances alone: the same samples as in the full build."""
    preset = corpus.PRESETS["tiny"]
    speakers = make_speakers(preset.speakers, 1, conversions=preset.conversions)
    plan = corpus.plan_utterances(preset, speakers, 1)
    speaker = next(u.speaker for u in plan if u.speaker.voice.engine == "flite" and u.speaker.voice.converted)
    mine = [u for u in plan if u.speaker == speaker][-2:]
    built = {u.id: soundfile.read(tiny_corpus / "wav" / u.speaker.id / f"{u.id}.wav", dtype="int16")[0]
             for u in mine}
    rirs, babble = corpus.make_noise(preset, 1)
    corpus._init_worker({"out_dir": tmp_path, "seed": 1, "config": preset.augment, "rirs": rirs, "babble": babble})
    corpus._render_speaker(mine)
    for u in mine:
        again = soundfile.read(tmp_path / "wav" / u.speaker.id / f"{u.id}.wav", dtype="int16")[0]
        np.testing.assert_array_equal(again, built[u.id])


def test_tiny_corpus_goes_through_features(tiny_corpus, tmp_path):
    opts = feature_options("fbank", {"num-mel-bins": "40", "dither": "0"})
    frames = make_features(tiny_corpus / "asr" / "dev", "fbank", opts, tmp_path / "fbank", num_jobs=2)
    durations = load_data_dir(tiny_corpus / "asr" / "dev").tables["utt2dur"]
    assert abs(frames - 100 * sum(float(d) for d in durations.values())) < 3 * len(durations)
