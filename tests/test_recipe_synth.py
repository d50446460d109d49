"""Smoke tests of recipes/synth/run.sh on the tiny preset (stages run, skip when done, rerun after a crash), then of recipes/fsdd on its models."""
import json
import os
import subprocess
from pathlib import Path

import pytest
import soxr

from cgs_asr.data.audio import write_wav
from cgs_asr.data.datadir import read_table, validate_data_dir
from cgs_asr.data.fsdd import DIGIT_WORDS
from cgs_asr.data.synth.tts import Voice, synthesize

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def recipe(tmp_path_factory) -> Path:
    """A private copy of the recipe folder (links to the real files), so outputs stay out of the checkout."""
    root = tmp_path_factory.mktemp("recipe")
    (root / "recipes" / "synth").mkdir(parents=True)
    (root / "local").symlink_to(REPO / "local")
    (root / "recipes" / "synth" / "run.sh").symlink_to(REPO / "recipes" / "synth" / "run.sh")
    (root / "recipes" / "synth" / "conf").mkdir()
    for conf in (REPO / "recipes" / "synth" / "conf").iterdir():
        (root / "recipes" / "synth" / "conf" / conf.name).write_text(conf.read_text())
    return root / "recipes" / "synth"


def run(recipe: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["bash", str(recipe / "run.sh"), "--preset", "tiny", *args],
                          capture_output=True, text=True, env={**os.environ, "CI": "true"})


def test_stages_run_skip_and_recover(recipe):
    conf = recipe / "conf" / "fbank.conf"
    good = conf.read_text()
    conf.write_text(good + "--no-such-option=1\n")
    crashed = run(recipe, "--stop-stage", "2")
    assert crashed.returncode != 0
    assert "unknown fbank option --no-such-option" in crashed.stderr
    assert (recipe / "exp" / "stages" / "1.done").is_file()
    assert not (recipe / "exp" / "stages" / "2.done").exists()
    assert not (recipe / "data" / "asr" / "train" / "feats.scp").exists()

    conf.write_text(good)
    done = run(recipe, "--stop-stage", "2")
    assert done.returncode == 0, done.stderr
    assert "stage 1: synthesize the corpus" in done.stdout and "skipped" in done.stdout
    for task in ("asr", "kws"):
        for split in ("train", "dev", "test"):
            data = recipe / "data" / task / split
            assert validate_data_dir(data) == []
            assert set(read_table(data / "feats.scp")) == set(read_table(data / "utt2spk"))
            assert set(read_table(data / "cmvn.scp")) == set(read_table(data / "spk2utt"))

    again = run(recipe, "--stop-stage", "2")
    assert again.returncode == 0
    assert again.stdout.count("done already, skipped") == 2

    other = run(recipe, "--stop-stage", "2", "--seed", "2")
    assert other.returncode == 1
    assert "stage 1 was run with 'preset=tiny seed=1 conversions=preset train_seed=0 gmm_audio=clean', " \
           "not 'preset=tiny seed=2 conversions=preset train_seed=0 gmm_audio=clean'" in other.stderr


def test_bad_option_is_refused(recipe):
    result = run(recipe, "--no-such-thing", "1")
    assert result.returncode == 1 and "unknown option --no-such-thing" in result.stderr
    result = run(recipe, "--gmm-audio", "noisy")
    assert result.returncode == 1 and "--gmm-audio augmented|clean" in result.stderr


def test_all_stages_end_to_end(recipe):
    """Every stage on the tiny preset (after the stages above), down to exp/summary.json; another training seed,
    the GMMs on the clean companions (the default)."""
    result = run(recipe, "--stage", "3", "--acwt-sweep", "0.1", "--train-seed", "3")
    assert result.returncode == 0, result.stderr[-3000:]
    for model in ("mono", "tri1"):
        assert json.loads((recipe / "exp" / model / "train.json").read_text())["config"]["seed"] == 3, model
    for model in ("dnn", "dnn_cgs75", "dnn_q6", "kws/dnn", "kws/dnn_cgs75_q5"):
        assert json.loads((recipe / "exp" / model / "config.json").read_text())["train"]["seed"] == 3, model
    assert (recipe / "exp" / "stages" / "5.done").read_text().strip() == "preset=tiny seed=1 conversions=preset train_seed=3 gmm_audio=clean"
    # The GMM trains on and aligns the clean companions; it decodes, and the DNNs train on, the augmented audio.
    assert json.loads((recipe / "exp" / "tri1" / "train.json").read_text())["data_dir"] == "data/asr/train_clean_mfcc"
    assert json.loads((recipe / "exp" / "tri1_ali_dev" / "align.json").read_text())["data_dir"] == "data/asr/dev_clean_mfcc"
    assert json.loads((recipe / "exp" / "kws" / "ali_test" / "align.json").read_text())["data_dir"] == "exp/kws/data/test_mfcc"
    kws_test = read_table(recipe / "exp" / "kws" / "data" / "test_mfcc" / "wav.scp")  # a copy of data/kws/test_clean
    assert kws_test and all("/wav_clean/" in wav for wav in kws_test.values())
    assert json.loads((recipe / "exp" / "tri1" / "decode_test" / "decode.json").read_text())["data_dir"] == "data/asr/test_mfcc"
    assert json.loads((recipe / "exp" / "dnn" / "config.json").read_text())["data"]["train"] == "data/asr/train"
    rows = json.loads((recipe / "exp" / "summary.json").read_text())
    systems = {(r["task"], r["system"], r["test_set"]) for r in rows}
    for system in ("gmm", "dense-float", "dense-q6", "cgs75-float", "cgs75-q6"):
        assert {("asr", system, "dev"), ("asr", system, "test")} <= systems, system
    assert all(0 <= r["wer"] and 0 <= r["ser"] <= 100 for r in rows if r["task"] == "asr")
    by_system = {r["system"]: r for r in rows if r["test_set"] == "test" and r["task"] == "asr"}
    # The engine emulator's report: CGS keeps a quarter of the blocks at 6 bits.
    assert by_system["cgs75-q6"]["weight_memory_bits"] < by_system["dense-q6"]["weight_memory_bits"] / 2
    assert by_system["cgs75-q6"]["compression_vs_dense64"] > 90
    assert "cgs75-q6" in (recipe / "exp" / "summary.txt").read_text()
    bootci = (recipe / "exp" / "summary_bootci.txt").read_text()
    assert bootci.count("Probability of Set2 improving Set1") == 6 and "== test: dense-float (Set1) against cgs75-q6" in bootci
    for model in ("dnn_cgs75", "dnn_q6", "dnn_cgs75_q6"):  # by default the compressed DNNs learn from the alignments alone
        assert json.loads((recipe / "exp" / model / "config.json").read_text())["train"]["teacher_model"] is None
    assert (recipe / "exp" / "dnn_cgs75" / "decode_test" / "per_spk").read_text().splitlines()[-1].startswith("SUM")
    # Keyword spotting: dense float and CGS + 5-bit (emulated) rows, the latter with the engine's figures.
    kws = {r["system"]: r for r in rows if r["task"] == "kws" and r["test_set"] == "test"}
    assert set(kws) == {"dense-float", "cgs75-q5"}
    for system, model in (("dense-float", "dnn"), ("cgs75-q5", "dnn_cgs75_q5")):
        choices = (recipe / "exp" / "kws" / model / "eval_test" / "isolated.txt").read_text().split("\n")[:-1]
        right = sum(line.split()[1] == line.split()[2] for line in choices)  # utt keyword choice confidence
        assert choices and kws[system]["accuracy"] == pytest.approx(100 * right / len(choices))
    hw = kws["cgs75-q5"]
    assert hw["compression_vs_dense64"] > 90 and hw["power_uw"] > 0 and hw["macs_per_frame"] > 0
    assert (recipe / "exp" / "kws" / "det_test.png").stat().st_size > 0
    assert "kws 36 uW" in (recipe / "exp" / "summary.txt").read_text()


def test_fsdd_recipe_on_generated_recordings(recipe, tmp_path):
    """recipes/fsdd end to end on an FSDD-layout folder of espeak-ng digits at 8 kHz, with the tiny models above."""
    fsdd = recipe.parent / "fsdd"
    (fsdd / "conf").mkdir(parents=True)
    (fsdd / "run.sh").symlink_to(REPO / "recipes" / "fsdd" / "run.sh")
    for conf in (REPO / "recipes" / "fsdd" / "conf").iterdir():
        (fsdd / "conf" / conf.name).write_text(conf.read_text())
    recordings = tmp_path / "fsdd" / "recordings"
    recordings.mkdir(parents=True)
    for speaker, pitch in (("low", 20), ("mid", 50), ("high", 80)):
        for index in range(10):   # every tenth recording of a training speaker is held out for dev
            voice = Voice("espeak", "en-us", pitch, 130 + 5 * index)
            for digit, rendered in enumerate(synthesize(voice, list(DIGIT_WORDS))):
                write_wav(recordings / f"{digit}_{speaker}_{index}.wav",
                          soxr.resample(rendered.samples, rendered.sample_rate, 8000), 8000)
    result = subprocess.run(["bash", str(fsdd / "run.sh"), "--fsdd-dir", str(tmp_path / "fsdd"), "--nj", "1",
                             "--train-speakers", "low mid", "--test-speakers", "high"],
                            capture_output=True, text=True, env={**os.environ, "CI": "true"})
    assert result.returncode == 0, result.stderr[-3000:]
    rows = json.loads((fsdd / "exp" / "summary.json").read_text())
    assert [(r["system"], r["test_set"]) for r in rows] == [("synth-only", "fsdd-test"), ("fsdd-trained", "fsdd-test")]
    assert all(0 <= r["wer"] <= 100 and r["accuracy"] == pytest.approx(100 - r["wer"]) for r in rows)
    bootci = (fsdd / "exp" / "summary_bootci.txt").read_text()
    assert f"Set2: %WER {rows[1]['wer']:.2f} 95% Conf Interval" in bootci and "McNemar exact p" in bootci
    trained = json.loads((fsdd / "exp" / "fsdd-trained" / "config.json").read_text())["train"]
    assert trained["teacher_model"] == "../synth/exp/dnn" and trained["init_model"] == "../synth/exp/dnn"
    assert len(read_table(fsdd / "data" / "test" / "text")) == 100
