"""Keyword spotting: labels from word alignments, detector arithmetic, FA/h and FRR counting,
continuous streams and the Speech Commands layout, on hand-made or generated data."""
import json

import numpy as np
import pytest

from cgs_asr.data.audio import read_audio, write_wav
from cgs_asr.data.ctm import WordTime, read_ctm, write_ctm
from cgs_asr.data.datadir import DataDirError, load_data_dir, validate_data_dir
from cgs_asr.data.kws_streams import StreamConfig, build_streams
from cgs_asr.data.speech_commands import make_speech_commands_data_dirs
from cgs_asr.decode.kws import DetectorConfig, confidence, detections, running_max, smooth
from cgs_asr.gmm.word_align import PhoneSegment, word_segments
from cgs_asr.nnet.kws_targets import FILLER, LABELS, SILENCE, Agreement, frame_labels
from cgs_asr.score.kws import Counts, Detection, frr_at, isolated_accuracy, match, operating_point, refine_at


# --- labels ---------------------------------------------------------------------------------

def test_word_segments_pick_the_pronunciation_that_fits_and_skip_silence():
    sil, a, b, c = 1, 5, 6, 7
    prons = {"go": [(a,)], "again": [(a, b), (a, c)], "stop": [(c,)]}
    phones = [PhoneSegment(sil, 0, 4), PhoneSegment(a, 4, 6), PhoneSegment(a, 6, 9), PhoneSegment(c, 9, 12),
              PhoneSegment(sil, 12, 15), PhoneSegment(c, 15, 20)]
    # "again" must take (a, c): (a, b) would leave no way to match the rest.
    assert word_segments(phones, ["go", "again", "stop"], prons, {sil}) == \
        [("go", 4, 6), ("again", 6, 12), ("stop", 15, 20)]
    assert word_segments(phones, ["go", "stop"], prons, {sil}) is None


def test_frame_labels_and_agreement():
    words = [WordTime("please", 0.02, 0.05), WordTime("stop", 0.05, 0.08)]
    labels = frame_labels(words, 10)
    assert labels.tolist() == [SILENCE] * 2 + [FILLER] * 3 + [LABELS.index("stop")] * 3 + [SILENCE] * 2
    agreement = Agreement()
    agreement.add(words, [WordTime("please", 0.02, 0.06), WordTime("stop", 0.06, 0.08)], 10)
    result = agreement.to_dict()
    assert result["frame_label_agreement_percent"] == pytest.approx(90.0)
    assert result["boundary_error_median_s"] == pytest.approx(0.005)  # errors 0, 0.01, 0.01, 0


def test_ctm_round_trip_and_errors(tmp_path):
    words = {"u1": [WordTime("yes", 0.1, 0.4), WordTime("no", 0.5, 0.75)]}
    write_ctm(tmp_path / "a.ctm", words)
    assert read_ctm(tmp_path / "a.ctm") == words
    (tmp_path / "b.ctm").write_text("u1 1 0.1 yes\n")
    with pytest.raises(ValueError, match="b.ctm:1: expected"):
        read_ctm(tmp_path / "b.ctm")


# --- detector arithmetic --------------------------------------------------------------------

def test_smoothing_and_confidence_on_a_hand_made_sequence():
    # Two outputs (silence, one keyword); the keyword's posterior over 6 frames:
    keyword = np.array([0.0, 0.6, 0.9, 0.3, 0.0, 0.0])
    post = np.stack([1 - keyword, keyword], axis=1)
    smoothed = smooth(post, 2)[:, 1]
    # mean of the last two frames (only one at frame 0)
    np.testing.assert_allclose(smoothed, [0.0, 0.3, 0.75, 0.6, 0.15, 0.0])
    conf = confidence(post, DetectorConfig(w_smooth=2, w_max=3), units=((1,),))[:, 0]
    # max of the smoothed values over the last three frames
    np.testing.assert_allclose(conf, [0.0, 0.3, 0.75, 0.75, 0.75, 0.6])
    # a keyword of two units: geometric mean of the units' windowed maxima (Chen et al. 2014)
    two = np.stack([1 - keyword, keyword, np.full(6, 0.4)], axis=1)
    conf2 = confidence(two, DetectorConfig(w_smooth=2, w_max=3), units=((1, 2),))[:, 0]
    np.testing.assert_allclose(conf2, np.sqrt(conf * 0.4))
    frames, keywords = detections(conf[:, None], 0.7)
    assert frames.tolist() == [2] and keywords.tolist() == [0]   # one rise, one detection
    assert detections(conf[:, None], 0.76)[0].size == 0


def test_running_max_matches_a_plain_loop():
    values = np.random.default_rng(0).random((40, 3))
    for window in (1, 2, 5, 7, 64):
        expected = np.array([values[max(0, j - window + 1):j + 1].max(axis=0) for j in range(40)])
        np.testing.assert_array_equal(running_max(values, window), expected)


# --- counting ---------------------------------------------------------------------------------

def test_hits_false_alarms_and_rates():
    truth = [WordTime("yes", 1.0, 1.4), WordTime("stop", 5.0, 5.5), WordTime("yes", 9.0, 9.3)]
    found = [Detection("yes", 1.3),    # hit
             Detection("yes", 1.6),    # the same occurrence again: false alarm
             Detection("no", 5.2),     # wrong keyword: false alarm
             Detection("stop", 5.95),  # within the 0.5 s collar after the end: hit
             Detection("yes", 20.0)]   # nothing spoken: false alarm
    hits, fas, pairs = match(truth, found)
    assert (hits, fas) == (2, 3)
    assert [(w.word, d.time) for w, d in pairs] == [("yes", 1.3), ("stop", 5.95)]
    counts = Counts(hits, fas, len(truth), hours=0.5)
    assert counts.frr == pytest.approx(100 / 3)
    assert counts.fa_per_hour == pytest.approx(6.0)


def test_frr_at_a_false_alarm_rate():
    curve = [{"threshold": 0.5, "frr": 5.0, "fa_per_hour": 3.0},
             {"threshold": 0.8, "frr": 10.0, "fa_per_hour": 1.0},
             {"threshold": 0.9, "frr": 10.0, "fa_per_hour": 0.4},
             {"threshold": 0.99, "frr": 30.0, "fa_per_hour": 0.0}]
    assert frr_at(curve, 1.0) == 10.0
    assert frr_at(curve, 0.5) == 10.0
    assert frr_at(curve, 0.1) == 30.0
    assert operating_point(curve, 1.0)["threshold"] == 0.8
    assert frr_at(curve[:1], 1.0) is None


def test_refinement_finds_the_operating_point_between_grid_thresholds():
    """One hour; a detection per peak at or above the threshold. Exactly: above 0.57 one false
    alarm is left and three of five keywords are hit; the 0.05 grid jumps from 2 false alarms
    (0.55) to none with two hits (0.6)."""
    false_alarm_peaks, keyword_peaks = np.array([0.52, 0.57, 0.58]), np.array([0.3, 0.56, 0.59, 0.7, 0.9])
    calls = []

    def evaluate(threshold):
        calls.append(threshold)
        counts = Counts(int((keyword_peaks >= threshold).sum()), int((false_alarm_peaks >= threshold).sum()),
                        len(keyword_peaks), hours=1.0)
        return {"threshold": threshold, "frr": counts.frr, "fa_per_hour": counts.fa_per_hour}

    curve = [evaluate(t) for t in np.round(np.arange(0.05, 1.0, 0.05), 2)]
    assert frr_at(curve, 1.0) == pytest.approx(60.0)
    values = np.concatenate([false_alarm_peaks, keyword_peaks, np.arange(1001) / 1000])
    calls.clear()
    refined = curve + refine_at(curve, 1.0, evaluate, values)
    assert frr_at(refined, 1.0) == pytest.approx(40.0)
    assert 0.57 < operating_point(refined, 1.0)["threshold"] <= 0.58   # the same detections anywhere there
    assert len(calls) <= 6   # bisection over the 49 distinct values between 0.55 and 0.6
    assert refine_at(curve, 100.0, evaluate, values) == []   # the grid's lowest threshold is already at the rate


def test_isolated_accuracy():
    scores = {"a": np.array([0.1, 0.9]), "b": np.array([0.7, 0.2]), "c": np.array([0.6, 0.4])}
    assert isolated_accuracy(scores, {"a": 1, "b": 0, "c": 1}) == pytest.approx(200 / 3)


# --- streams and data prep --------------------------------------------------------------------

def test_streams_place_keywords_where_their_audio_is(tmp_path, make_data_dir):
    kws = make_data_dir(tmp_path / "kws", {"s1-a": ("s1", "stop"), "s1-b": ("s1", "say yes now"),
                                           "s2-c": ("s2", "go")}, seconds=0.5)
    filler = make_data_dir(tmp_path / "asr", {"s1-x": ("s1", "turn on the light"), "s1-y": ("s1", "call mom"),
                                              "s9-z": ("s9", "hello")}, seconds=0.5)
    times = {"s1-a": [WordTime("stop", 0.1, 0.4)],
             "s1-b": [WordTime("say", 0.0, 0.1), WordTime("yes", 0.2, 0.3), WordTime("now", 0.3, 0.45)],
             "s2-c": [WordTime("go", 0.05, 0.3)]}
    config = StreamConfig(gap_range=(0.5, 1.0), seed=3)
    summary = build_streams(load_data_dir(kws.path), times, [load_data_dir(filler.path)], tmp_path / "st",
                            tmp_path / "wav", config)
    assert validate_data_dir(tmp_path / "st") == []
    # s1: two keyword utterances + "call mom" ("turn on ..." has a keyword; s9 is another speaker)
    assert summary["utterances"] == 4 and summary["streams"] == 2 and summary["keyword_occurrences"] == 3
    truth = read_ctm(tmp_path / "st" / "keywords.ctm")
    assert sorted(w.word for w in truth["s1-stream"]) == ["stop", "yes"]
    stream = read_audio(str(tmp_path / "wav" / "s1-stream.wav"), 16000) / 32768
    source = {u: read_audio(kws.wav_scp[u], 16000) / 32768 for u in ("s1-a", "s1-b")}
    for word, utt, offset in (("stop", "s1-a", 0.1), ("yes", "s1-b", 0.2)):
        start = next(w.start for w in truth["s1-stream"] if w.word == word) - offset
        begin = round(start * 16000)  # the ctm holds milliseconds: find the exact sample nearby
        errors = [np.abs(stream[b:b + 8000] - source[utt]).max() for b in range(begin - 16, begin + 17)]
        assert min(errors) < 1e-4
    assert json.loads((tmp_path / "st" / "streams.json").read_text())["hours"] == pytest.approx(summary["hours"])
    again = build_streams(load_data_dir(kws.path), times, [load_data_dir(filler.path)], tmp_path / "st2",
                          tmp_path / "wav2", config)
    assert again["hours"] == summary["hours"]  # seeded


@pytest.fixture
def fake_speech_commands(tmp_path):
    root = tmp_path / "sc"
    for word in ("yes", "stop", "bird"):
        for speaker in ("0a1b2c3d", "ffee0011", "12345678"):
            (root / word).mkdir(parents=True, exist_ok=True)
            write_wav(root / word / f"{speaker}_nohash_0.wav", 0.1 * np.ones(1600), 16000)
    (root / "_background_noise_").mkdir()
    write_wav(root / "_background_noise_" / "white_noise.wav", 0.1 * np.ones(1600), 16000)
    (root / "validation_list.txt").write_text("yes/ffee0011_nohash_0.wav\nbird/ffee0011_nohash_0.wav\n")
    (root / "testing_list.txt").write_text("stop/12345678_nohash_0.wav\n")
    return root


def test_speech_commands_layout(fake_speech_commands, tmp_path):
    dirs = make_speech_commands_data_dirs(fake_speech_commands, tmp_path / "data")
    for data in dirs.values():
        assert validate_data_dir(data.path) == []
    assert dirs["dev"].text == {"ffee0011-bird-0": "bird", "ffee0011-yes-0": "yes"}
    assert dirs["test"].utts == ["12345678-stop-0"]
    assert len(dirs["train"].utts) == 9 - 3
    assert dirs["train"].utt2spk["0a1b2c3d-stop-0"] == "0a1b2c3d"


def test_speech_commands_errors(fake_speech_commands, tmp_path):
    (fake_speech_commands / "testing_list.txt").write_text("stop/99999999_nohash_0.wav\n")
    with pytest.raises(DataDirError, match="testing_list.txt: lists 1 file\\(s\\) not found"):
        make_speech_commands_data_dirs(fake_speech_commands, tmp_path / "data")
    (fake_speech_commands / "testing_list.txt").unlink()
    with pytest.raises(DataDirError, match="testing_list.txt: missing"):
        make_speech_commands_data_dirs(fake_speech_commands, tmp_path / "data")


def test_kws_summary_rows_sit_beside_the_paper_power(tmp_path):
    from cgs_asr.score.summary import format_table, make_row
    (tmp_path / "kws.json").write_text(json.dumps({"accuracy": 97.5, "frr_at_1fa_per_hour": 4.0,
                                                   "frr_at_0.5fa_per_hour": 6.0, "curve": []}))
    (tmp_path / "hw.json").write_text(json.dumps({"weight_memory_bits": 1000, "power_uw": 20.5}))
    row = make_row("kws", "cgs75-q5", "test", [tmp_path / "kws.json", tmp_path / "hw.json"])
    assert row == {"task": "kws", "system": "cgs75-q5", "test_set": "test", "accuracy": 97.5,
                   "frr_at_1fa_per_hour": 4.0, "frr_at_0.5fa_per_hour": 6.0, "weight_memory_bits": 1000,
                   "power_uw": 20.5}
    table = format_table([row])
    assert table.splitlines()[-1] == "power_uw of the paper's chip (40 nm, 0.6 V): kws 36 uW"
    assert "paper" not in format_table([{k: v for k, v in row.items() if k != "power_uw"}])
