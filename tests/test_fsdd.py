"""FSDD-layout data prep on a generated folder, and on the real recordings when they are beside the project."""
import os
from pathlib import Path

import numpy as np
import pytest

from cgs_asr.data.audio import write_wav
from cgs_asr.data.datadir import DataDirError, validate_data_dir
from cgs_asr.data.fsdd import make_fsdd_data_dir

# Real recordings in the FSDD layout, named by the environment (CI names its development
# copy); tests using them skip when it is not set.
SHARED_FSDD = Path(os.environ.get("CGS_FSDD_DIR", "/nonexistent"))


@pytest.fixture
def fake_fsdd(tmp_path):
    rec = tmp_path / "fsdd" / "recordings"
    rec.mkdir(parents=True)
    for speaker in ("alice", "bob"):
        for digit in range(10):
            for index in range(2):
                write_wav(rec / f"{digit}_{speaker}_{index}.wav", 0.1 * np.ones(800), 8000)
    return tmp_path / "fsdd"


def test_data_dir_from_fsdd_layout(fake_fsdd, tmp_path):
    data = make_fsdd_data_dir(fake_fsdd, ["bob"], tmp_path / "d")
    assert validate_data_dir(data.path) == []
    assert len(data.utts) == 20
    assert data.text["bob-seven-1"] == "seven"
    assert set(data.utt2spk.values()) == {"bob"}


def test_fsdd_errors(fake_fsdd, tmp_path):
    with pytest.raises(DataDirError, match="no recordings of speaker\\(s\\) carol \\(present: alice, bob\\)"):
        make_fsdd_data_dir(fake_fsdd, ["carol"], tmp_path / "d")
    (fake_fsdd / "recordings" / "notes.txt").write_text("x")
    with pytest.raises(DataDirError, match="not named <digit>_<speaker>_<index>.wav: notes.txt"):
        make_fsdd_data_dir(fake_fsdd, ["alice"], tmp_path / "d")
    with pytest.raises(DataDirError, match="expected the FSDD layout"):
        make_fsdd_data_dir(tmp_path / "nowhere", ["alice"], tmp_path / "d")


@pytest.mark.skipif(not (SHARED_FSDD / "recordings").is_dir(), reason="CGS_FSDD_DIR names no FSDD folder")
def test_real_fsdd_recordings_validate(tmp_path):
    speaker = sorted(p.name.split("_")[1] for p in (SHARED_FSDD / "recordings").glob("*.wav"))[0]
    data = make_fsdd_data_dir(SHARED_FSDD, [speaker], tmp_path / "d")
    assert validate_data_dir(data.path) == []
    assert len(set(data.text.values())) == 10
