"""summary.json rows are gathered from result files; the table shows the filled columns."""
import json

import pytest

from cgs_asr.bin.summary import main as summary_main


def test_rows_from_result_files(tmp_path, capsys):
    (tmp_path / "decode.json").write_text(json.dumps({"wer": 2.5, "ser": 10.0, "utterances": 40}))
    (tmp_path / "hw.json").write_text(json.dumps({"weight_memory_bits": 123456, "power_uw": 51.25}))
    out = tmp_path / "summary.json"
    summary_main([str(out), "--row", "asr", "gmm", "test", str(tmp_path / "decode.json"),
                  "--row", "asr", "cgs75-q6", "test", str(tmp_path / "decode.json"), str(tmp_path / "hw.json")])
    rows = json.loads(out.read_text())
    assert rows == [
        {"task": "asr", "system": "gmm", "test_set": "test", "wer": 2.5, "ser": 10.0},
        {"task": "asr", "system": "cgs75-q6", "test_set": "test", "wer": 2.5, "ser": 10.0,
         "weight_memory_bits": 123456, "power_uw": 51.25},
    ]
    table = capsys.readouterr().out.splitlines()
    assert table[0].split() == ["task", "system", "test_set", "wer", "ser", "weight_memory_bits", "power_uw"]
    assert table[1].split() == ["asr", "gmm", "test", "2.50", "10.00", "-", "-"]
    assert table[2].split()[-2:] == ["123456", "51.25"]


def test_bad_result_file_is_one_error(tmp_path, capsys):
    (tmp_path / "empty.json").write_text("{}")
    with pytest.raises(SystemExit) as e:
        summary_main([str(tmp_path / "s.json"), "--row", "asr", "gmm", "test", str(tmp_path / "empty.json")])
    assert e.value.code == 1
    assert "none of the figures" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        summary_main([str(tmp_path / "s.json"), "--row", "asr", "gmm", "test", str(tmp_path / "missing.json")])
    assert "missing.json: cannot read results" in capsys.readouterr().err
    assert not (tmp_path / "s.json").exists()


def test_isolated_words_accuracy(tmp_path):
    (tmp_path / "decode.json").write_text(json.dumps({"wer": 4.0, "ser": 4.0}))
    summary_main([str(tmp_path / "s.json"), "--isolated-words", "--row", "asr", "synth-only", "fsdd-test",
                  str(tmp_path / "decode.json")])
    assert json.loads((tmp_path / "s.json").read_text())[0]["accuracy"] == 96.0
