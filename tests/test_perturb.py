"""Speed perturbation of a data dir: ids, speakers, durations and pitch."""
import numpy as np
import pytest
import soundfile

from cgs_asr.bin import perturb_speed as perturb_program
from cgs_asr.data.datadir import DataDirError, load_data_dir
from cgs_asr.data.perturb import perturb_speed


@pytest.fixture
def data(make_data_dir, tmp_path):
    return make_data_dir(tmp_path / "src", {"a1": ("a", "yes"), "b1": ("b", "no go")}, sample_rate=8000)


def _pitch(path):
    samples, rate = soundfile.read(path)
    spectrum = np.abs(np.fft.rfft(samples))
    return np.argmax(spectrum) * rate / len(samples), len(samples) / rate


def test_three_way_copies_with_prefixed_ids_and_speakers(data, tmp_path):
    out = perturb_speed(data, [0.9, 1.0, 1.1], tmp_path / "sp")
    assert out.utts == ["sp0.9-a1", "sp0.9-b1", "sp1-a1", "sp1-b1", "sp1.1-a1", "sp1.1-b1"]
    assert out.utt2spk["sp1.1-b1"] == "sp1.1-b" and out.text["sp0.9-b1"] == "no go"
    assert out.wav_scp["sp1-a1"] == data.wav_scp["a1"]
    reread = load_data_dir(tmp_path / "sp", check_audio=True)
    assert reread.spk2utt()["sp0.9-a"] == ["sp0.9-a1"]
    base_pitch, base_seconds = _pitch(data.wav_scp["a1"])
    for factor in (0.9, 1.1):
        pitch, seconds = _pitch(out.wav_scp[f"sp{factor:g}-a1"])
        assert soundfile.info(out.wav_scp[f"sp{factor:g}-a1"]).samplerate == 8000
        assert seconds == pytest.approx(base_seconds / factor, abs=0.002)
        assert pitch == pytest.approx(base_pitch * factor, rel=0.02)


def test_features_are_not_carried_over(data, tmp_path):
    (tmp_path / "src" / "feats.scp").write_text("a1 x.ark:1\nb1 x.ark:9\n")
    out = perturb_speed(load_data_dir(tmp_path / "src"), [1.0, 1.1], tmp_path / "sp")
    assert "feats.scp" not in out.tables and not (tmp_path / "sp" / "feats.scp").exists()


@pytest.mark.parametrize("factors", [[], [0.9, 0.9], [0.0, 1.0]])
def test_bad_factors_are_refused(data, tmp_path, factors):
    with pytest.raises(DataDirError, match="distinct and positive"):
        perturb_speed(data, factors, tmp_path / "sp")


def test_unreadable_audio_names_the_utterance(data, tmp_path):
    (tmp_path / "src_wav" / "b1.wav").write_bytes(b"not a wav")
    with pytest.raises(DataDirError, match="utterance b1: cannot read audio"):
        perturb_speed(data, [1.1], tmp_path / "sp")


def test_program(data, tmp_path, capsys):
    perturb_program.main(["--factors", "0.9 1.1", str(tmp_path / "src"), str(tmp_path / "sp")])
    assert "4 utterances" in capsys.readouterr().out
