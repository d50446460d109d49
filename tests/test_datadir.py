"""Data dir validation reports each fault with its file and line; split/subset/combine keep tables whole."""
import os

import pytest

from cgs_asr.data.datadir import (DataDirError, combine_data_dirs, load_data_dir, split_data_dir,
                                  subset_data_dir, validate_data_dir)

UTTS = {f"spk{s}-utt{u}": (f"spk{s}", f"word{s} word{u}") for s in range(3) for u in range(4)}


@pytest.fixture
def good(tmp_path, make_data_dir):
    return make_data_dir(tmp_path / "good", UTTS)


def test_good_dir_is_valid(good):
    assert validate_data_dir(good.path) == []
    data = load_data_dir(good.path)
    assert data.utts == sorted(UTTS)
    assert data.spk2utt()["spk1"] == [f"spk1-utt{u}" for u in range(4)]


def _lines(path):
    return path.read_text().splitlines(keepends=True)


def _problems(path):
    problems = validate_data_dir(path)
    assert problems, "the fault was not detected"
    return "\n".join(problems)


def test_unsorted_ids(good):
    lines = _lines(good.path / "text")
    lines[1], lines[2] = lines[2], lines[1]
    (good.path / "text").write_text("".join(lines))
    assert "text:3: 'spk0-utt1' is out of order" in _problems(good.path)


def test_duplicate_id(good):
    lines = _lines(good.path / "text")
    (good.path / "text").write_text("".join(lines[:2] + [lines[1]] + lines[2:]))
    assert "text:3: duplicate id 'spk0-utt1'" in _problems(good.path)


def test_empty_transcript(good):
    lines = _lines(good.path / "text")
    lines[4] = "spk1-utt0\n"
    (good.path / "text").write_text("".join(lines))
    assert "text:5: 'spk1-utt0' has an empty value" in _problems(good.path)


def test_non_utf8_transcript(good):
    raw = (good.path / "text").read_bytes().replace(b"word2 word3", b"word2 \xff\xfe")
    (good.path / "text").write_bytes(raw)
    assert "text:12: not valid UTF-8" in _problems(good.path)


def test_missing_audio(good):
    wav = good.wav_scp["spk2-utt1"]
    os.remove(wav)
    report = _problems(good.path)
    assert "wav.scp: 'spk2-utt1'" in report and wav in report


def test_unreadable_audio(good):
    with open(good.wav_scp["spk0-utt3"], "wb") as f:
        f.write(b"not audio at all")
    assert "wav.scp: 'spk0-utt3'" in _problems(good.path)


def test_ids_differ_across_files(good):
    lines = _lines(good.path / "wav.scp")
    (good.path / "wav.scp").write_text("".join(lines[:-1]))
    assert "wav.scp: no line for 'spk2-utt3'" in _problems(good.path)


def test_missing_file_and_bad_spk2utt(good):
    (good.path / "spk2utt").write_text("spk0 spk0-utt0\n")
    (good.path / "utt2spk").unlink()
    report = _problems(good.path)
    assert "utt2spk: missing" in report


def test_every_problem_reported(good):
    (good.path / "text").write_bytes(b"spk0-utt0\n\xff\n")
    report = _problems(good.path)
    assert "text:1:" in report and "text:2: not valid UTF-8" in report


def test_load_raises_one_error_with_all_problems(good):
    (good.path / "text").write_text("")
    with pytest.raises(DataDirError, match="text: no line for"):
        load_data_dir(good.path)


def test_split_keeps_speakers_whole(good):
    data = load_data_dir(good.path)
    parts = split_data_dir(data, 2)
    loaded = [load_data_dir(p) for p in parts]
    assert sum(len(p.utts) for p in loaded) == len(UTTS)
    speakers = [set(p.utt2spk.values()) for p in loaded]
    assert not speakers[0] & speakers[1]
    with pytest.raises(DataDirError, match="cannot split 3 speakers into 4"):
        split_data_dir(data, 4)
    per_utt = [load_data_dir(p) for p in split_data_dir(data, 5, per_utt=True)]
    assert sorted(len(p.utts) for p in per_utt) == [2, 2, 2, 3, 3]
    assert sorted(u for p in per_utt for u in p.utts) == sorted(UTTS)


def test_split_never_leaves_a_part_empty(tmp_path, make_data_dir):
    utts = {f"a-{i:02d}": ("a", "x") for i in range(20)} | {"b-0": ("b", "x"), "c-0": ("c", "x")}
    data = make_data_dir(tmp_path / "d", utts, seconds=0.05)
    parts = [load_data_dir(p) for p in split_data_dir(data, 3)]
    assert [len(p.utts) for p in parts] == [20, 1, 1]


def test_subset_and_combine(good, tmp_path):
    data = load_data_dir(good.path)
    a = subset_data_dir(data, [u for u in data.utts if u.startswith("spk0")], tmp_path / "a")
    b = subset_data_dir(data, [u for u in data.utts if not u.startswith("spk0")], tmp_path / "b")
    assert validate_data_dir(a.path) == [] and set(load_data_dir(a.path).utt2spk.values()) == {"spk0"}
    both = combine_data_dirs([load_data_dir(a.path), load_data_dir(b.path)], tmp_path / "ab")
    assert validate_data_dir(both.path) == []
    assert load_data_dir(both.path).text == data.text
    with pytest.raises(DataDirError, match="also occurs"):
        combine_data_dirs([load_data_dir(a.path), load_data_dir(a.path)], tmp_path / "aa")
    with pytest.raises(DataDirError, match="unknown utterances 'nope'"):
        subset_data_dir(data, ["nope"], tmp_path / "c")
