"""Features match a direct kaldi-native-fbank call and Kaldi's frame-count rule; options, resampling, CMVN."""
import logging

import kaldi_native_fbank as knf
import numpy as np
import pytest

from cgs_asr.data.ark import read_scp_matrices
from cgs_asr.data.audio import read_audio, write_wav
from cgs_asr.data.datadir import load_data_dir, read_table
from cgs_asr.features.cmvn import accumulate_stats, apply_cmvn, compute_cmvn_stats
from cgs_asr.features.config import FeatureConfigError, feature_options, options_from_config
from cgs_asr.features.extract import compute_features, make_features, num_frames

FBANK = {"num-mel-bins": "40", "dither": "0"}


def _direct_fbank(samples, sample_rate=16000, bins=40):
    opts = knf.FbankOptions()
    opts.frame_opts.dither = 0
    opts.frame_opts.samp_freq = sample_rate
    opts.mel_opts.num_bins = bins
    fbank = knf.OnlineFbank(opts)
    fbank.accept_waveform(sample_rate, samples)
    fbank.input_finished()
    return np.array([fbank.get_frame(i) for i in range(fbank.num_frames_ready)])


@pytest.mark.parametrize("num_samples", [399, 400, 401, 559, 560, 16000, 16123])
@pytest.mark.parametrize("snip_edges", ["true", "false"])
def test_frame_count_rule(num_samples, snip_edges):
    opts = feature_options("fbank", {**FBANK, "snip-edges": snip_edges})
    samples = np.random.default_rng(0).normal(0, 1000, num_samples).astype(np.float32)
    # Kaldi: with snip-edges, 1 + (N - 400) // 160 frames if N >= 400; else round(N / 160).
    expected = (1 + (num_samples - 400) // 160 if num_samples >= 400 else 0) if snip_edges == "true" \
        else (num_samples + 80) // 160
    assert num_frames(num_samples, opts) == expected
    assert compute_features(samples, opts).shape == (expected, 40)


def test_matches_direct_kaldi_native_fbank_call():
    samples = np.random.default_rng(1).normal(0, 3000, 12345).astype(np.float32)
    ours = compute_features(samples, feature_options("fbank", FBANK))
    np.testing.assert_array_equal(ours, _direct_fbank(samples))


def test_mfcc_options_and_shape():
    opts = feature_options("mfcc", {"num-ceps": "13", "dither": "0", "use-energy": "false"})
    assert opts.mel_opts.num_bins == 23  # Kaldi's MFCC default, not kaldi-native-fbank's
    feats = compute_features(np.random.default_rng(2).normal(0, 1000, 16000).astype(np.float32), opts)
    assert feats.shape == (98, 13)


def test_config_file_errors_name_file_and_line(tmp_path):
    conf = tmp_path / "fbank.conf"
    conf.write_text("# comment\n--num-mel-bins=40\n--no-such-option=3\n")
    with pytest.raises(FeatureConfigError, match="fbank.conf: unknown fbank option --no-such-option"):
        options_from_config("fbank", conf)
    conf.write_text("--num-mel-bins=40\nnum-mel-bins 40\n")
    with pytest.raises(FeatureConfigError, match=r"fbank.conf:2: expected --name=value"):
        options_from_config("fbank", conf)
    conf.write_text("--snip-edges=maybe\n")
    with pytest.raises(FeatureConfigError, match="--snip-edges=maybe"):
        options_from_config("fbank", conf)
    conf.write_text("--num-mel-bins=30  # fewer\n--frame-shift=12.5\n")
    opts = options_from_config("fbank", conf)
    assert (opts.mel_opts.num_bins, opts.frame_opts.frame_shift_ms, opts.frame_opts.dither) == (30, 12.5, 1.0)


@pytest.mark.parametrize("rate", [8000, 22050, 44100])
def test_other_rates_are_resampled(tmp_path, rate):
    seconds = 1.0
    t = np.arange(int(rate * seconds)) / rate
    write_wav(tmp_path / "x.wav", 0.5 * np.sin(2 * np.pi * 1000 * t), rate)
    samples = read_audio(str(tmp_path / "x.wav"), 16000)
    assert abs(len(samples) - 16000) <= 1
    feats = compute_features(samples, feature_options("fbank", FBANK))
    reference = _direct_fbank((0.5 * 32768 * np.sin(2 * np.pi * 1000 * np.arange(16000) / 16000)).astype(np.float32))
    # The 1 kHz tone lands in the same mel bin whatever the source rate.
    assert np.bincount(feats[5:-5].argmax(axis=1)).argmax() == np.bincount(reference.argmax(axis=1)).argmax()


def test_stereo_is_downmixed_with_warning(tmp_path, caplog):
    tone = 0.3 * np.sin(2 * np.pi * 300 * np.arange(8000) / 16000)
    write_wav(tmp_path / "mono.wav", tone, 16000)
    write_wav(tmp_path / "stereo.wav", np.stack([tone, tone], axis=1), 16000)
    with caplog.at_level(logging.WARNING):
        stereo = read_audio(str(tmp_path / "stereo.wav"), 16000, name="utt1")
    assert "utt1: 2 channels, down-mixed to mono" in caplog.text
    np.testing.assert_allclose(stereo, read_audio(str(tmp_path / "mono.wav"), 16000))


def test_commands_in_wav_scp_need_permission(tmp_path):
    write_wav(tmp_path / "a.wav", np.zeros(1600), 16000)
    entry = f"cat {tmp_path / 'a.wav'} |"
    with pytest.raises(ValueError, match="allow-commands"):
        read_audio(entry, 16000)
    assert len(read_audio(entry, 16000, allow_commands=True)) == 1600


def test_data_dir_features_jobs_and_cmvn(tmp_path, make_data_dir):
    utts = {f"s{s}-u{u}": (f"s{s}", "a b") for s in range(2) for u in range(3)}
    data = make_data_dir(tmp_path / "d", utts, seconds=0.3)
    opts = feature_options("fbank", FBANK)
    frames = make_features(data.path, "fbank", opts, tmp_path / "fb", num_jobs=2)
    assert frames == 6 * num_frames(4800, opts)
    scp = read_table(data.path / "feats.scp")
    assert list(scp) == sorted(utts)
    two_jobs = dict(read_scp_matrices(scp))
    make_features(data.path, "fbank", opts, tmp_path / "fb1", num_jobs=1)
    one_job = dict(read_scp_matrices(read_table(data.path / "feats.scp")))
    for utt in utts:
        np.testing.assert_array_equal(two_jobs[utt], one_job[utt])
        samples = read_audio(data.wav_scp[utt], 16000)
        np.testing.assert_array_equal(one_job[utt], _direct_fbank(samples))

    compute_cmvn_stats(data.path, tmp_path / "fb1")
    stats = dict(read_scp_matrices(read_table(data.path / "cmvn.scp")))
    assert set(stats) == {"s0", "s1"}
    mats = [one_job[u] for u in load_data_dir(data.path).spk2utt()["s1"]]
    both = np.concatenate(mats)
    assert stats["s1"].shape == (2, 41)
    assert stats["s1"][0, 40] == len(both) and stats["s1"][1, 40] == 0
    np.testing.assert_allclose(stats["s1"][0, :40], both.sum(0, dtype=np.float64), rtol=1e-9)
    np.testing.assert_allclose(stats["s1"][1, :40], (both.astype(np.float64) ** 2).sum(0), rtol=1e-9)
    normed = apply_cmvn(both, accumulate_stats(mats), norm_vars=True)
    np.testing.assert_allclose(normed.mean(0), 0, atol=1e-4)
    np.testing.assert_allclose(normed.std(0), 1, atol=1e-3)


def test_audio_errors_name_the_utterance(tmp_path, make_data_dir):
    from cgs_asr.features.extract import FeatureError
    data = make_data_dir(tmp_path / "d", {"s-u1": ("s", "a"), "s-u2": ("s", "b")}, seconds=0.3)
    short = tmp_path / "short.wav"
    write_wav(short, np.zeros(100), 16000)
    (data.path / "wav.scp").write_text(f"s-u1 {data.wav_scp['s-u1']}\ns-u2 {short}\n")
    with pytest.raises(FeatureError, match="'s-u2': too short for one frame"):
        make_features(data.path, "fbank", feature_options("fbank", FBANK), tmp_path / "fb")
    assert not (data.path / "feats.scp").exists()
